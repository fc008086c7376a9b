"""The core domain model: journey scales, members, groups, cohorts."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from peerkit._availability import WeeklyAvailability
from peerkit._frozendict import FrozenDict
from peerkit._instants import is_timezone, timezone_field
from peerkit._validate import (
    MAX_COUNT,
    check_str,
    count,
    instance,
    is_good_str,
    set_map,
    str_map,
    string,
    strings,
    to_set_map,
    to_str_map,
    to_str_set,
    to_str_tuple,
    to_tuple,
    tuple_of,
    unique_by_id,
)
from peerkit.errors import InvalidInputError, UnknownStageError

# --- journey scales ----------------------------------------------------------


def _check_stages(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidInputError(attr.name, value, "a non-empty sequence of stage names")
    seen: set[str] = set()
    for i, stage in enumerate(value):
        check_str(f"{attr.name}[{i}]", stage)
        if stage in seen:
            raise InvalidInputError(
                f"{attr.name}[{i}]", stage, "stage names that are unique"
            )
        seen.add(stage)


@functools.lru_cache(maxsize=256)
def _positions(stages: tuple[str, ...]) -> dict[str, int]:
    return {stage: i for i, stage in enumerate(stages)}


@attrs.frozen
class JourneyScale:
    """
    An ordered scale of stages a member moves along: their journey.

    Members connect best with peers at a similar stage; one a step ahead
    gives hope; members far apart struggle to connect. A scale turns stage
    names into positions and distances so the rest of peerkit can reason
    about that. Programmes define their own; two are ready-made:
    `STAGES_OF_CHANGE` and `STAGES_OF_RECOVERY`.

    Attributes:
        name: What the scale is called.
        stages: Stage names from the start of the journey to its end.

    Examples:
        >>> STAGES_OF_CHANGE.distance("contemplation", "action")
        0.5
        >>> "action" in STAGES_OF_CHANGE
        True

    Added in 0.1.
    """

    name: str = attrs.field(validator=string())
    stages: tuple[str, ...] = attrs.field(
        converter=to_str_tuple, validator=_check_stages
    )

    def __contains__(self, stage: object) -> bool:
        return isinstance(stage, str) and stage in _positions(self.stages)

    def __len__(self) -> int:
        return len(self.stages)

    def __iter__(self) -> Iterator[str]:
        return iter(self.stages)

    def index(self, stage: str, *, path: str = "stage") -> int:
        """
        The position of *stage*, 0 for the first.

        Args:
            stage: A stage name.
            path: How to name the value in an error.

        Raises:
            peerkit.errors.UnknownStageError: If *stage* is not on the scale.

        Examples:
            >>> from peerkit import STAGES_OF_CHANGE
            >>> STAGES_OF_CHANGE.index("precontemplation")
            0
        """
        try:
            return _positions(self.stages)[stage]
        except (KeyError, TypeError):
            raise UnknownStageError(path, stage, self.stages) from None

    def check(self, stage: str, *, path: str = "stage") -> str:
        """
        Return *stage* if it is on the scale; raise `UnknownStageError` if not.

        Examples:
            >>> from peerkit import STAGES_OF_RECOVERY
            >>> STAGES_OF_RECOVERY.check("rebuilding")
            'rebuilding'
        """
        self.index(stage, path=path)
        return stage

    def steps(self, a: str, b: str) -> int:
        """
        How many stages *b* is ahead of *a* (negative when behind).

        Examples:
            >>> STAGES_OF_CHANGE.steps("preparation", "action")
            1
        """
        return self.index(b, path="b") - self.index(a, path="a")

    def distance(self, a: str, b: str) -> float:
        """
        How far apart two stages are, from 0 (the same) to 1 (the two ends).

        Raises:
            peerkit.errors.UnknownStageError: If either stage is not on the scale.

        Examples:
            >>> from peerkit import STAGES_OF_CHANGE
            >>> STAGES_OF_CHANGE.distance("precontemplation", "maintenance")
            1.0
            >>> STAGES_OF_CHANGE.distance("action", "preparation")
            0.25
        """
        span = len(self.stages) - 1
        steps = abs(self.steps(a, b))
        return steps / span if span else 0.0

    def check_band(self, band: tuple[str, str], *, path: str = "stage_band") -> None:
        """
        Check a ``(lowest, highest)`` stage band against the scale.

        Raises:
            peerkit.errors.UnknownStageError: If either end is not on the scale.
            peerkit.errors.InvalidInputError: If the band runs backwards.

        Examples:
            >>> from peerkit import STAGES_OF_CHANGE
            >>> STAGES_OF_CHANGE.check_band(("contemplation", "action"))
            >>> STAGES_OF_CHANGE.check_band(("action", "contemplation"))
            Traceback (most recent call last):
            ...
            peerkit.errors.InvalidInputError: stage_band: expected a band from a ...
        """
        if not isinstance(band, tuple) or len(band) != 2:
            raise InvalidInputError(path, band, "a (lowest, highest) pair of stages")
        low = self.index(band[0], path=f"{path}[0]")
        high = self.index(band[1], path=f"{path}[1]")
        if high < low:
            raise InvalidInputError(
                path, band, "a band from a lower stage to the same or a higher one"
            )

    def in_band(self, stage: str, band: tuple[str, str]) -> bool:
        """
        Whether *stage* lies within the inclusive *band*.

        Raises:
            peerkit.errors.UnknownStageError: If the stage or either end of
                the band is not on the scale.
            peerkit.errors.InvalidInputError: If *band* is not a pair.

        Examples:
            >>> from peerkit import STAGES_OF_RECOVERY
            >>> STAGES_OF_RECOVERY.in_band("preparation", ("awareness", "rebuilding"))
            True
        """
        self.check_band(band, path="band")
        return self.index(band[0]) <= self.index(stage) <= self.index(band[1])


STAGES_OF_CHANGE = JourneyScale(
    "stages of change",
    ("precontemplation", "contemplation", "preparation", "action", "maintenance"),
)
"""
The transtheoretical model's stages of change (Prochaska & DiClemente).

The common scale in behaviour change and addiction recovery:
precontemplation, contemplation, preparation, action, maintenance.
"""

STAGES_OF_RECOVERY = JourneyScale(
    "stages of recovery",
    ("moratorium", "awareness", "preparation", "rebuilding", "growth"),
)
"""
The five stages of psychological recovery from serious mental illness
(Andresen, Oades & Caputi, 2003; measured by the STORI instrument):
moratorium, awareness, preparation, rebuilding, growth.
"""


# --- members -----------------------------------------------------------------


def _specs_to_availability(
    value: WeeklyAvailability | str | Iterable[str], path: str
) -> WeeklyAvailability:
    """Read window specs ("mon 18:00-21:00") given where a value is expected."""
    if isinstance(value, WeeklyAvailability):
        return value
    if isinstance(value, str) or (
        isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
    ):
        try:
            return WeeklyAvailability.parse(value)
        except InvalidInputError as exc:
            raise InvalidInputError(
                path + exc.path.removeprefix("specs"), exc.value, exc.expected
            ) from None
    return value  # type: ignore[return-value]  # the validator says why


def _to_availability(
    value: WeeklyAvailability | str | Iterable[str],
) -> WeeklyAvailability:
    return _specs_to_availability(value, "availability")


def _to_quiet_hours(
    value: WeeklyAvailability | str | Iterable[str],
) -> WeeklyAvailability:
    return _specs_to_availability(value, "quiet_hours")


def _to_meets(value: WeeklyAvailability | str | Iterable[str]) -> WeeklyAvailability:
    return _specs_to_availability(value, "meets")


def _default_languages() -> frozenset[str]:
    return frozenset({"en"})


@attrs.frozen(kw_only=True)
class Member:
    """
    One person in a programme, as peerkit needs to see them.

    Set fields accept any iterable of strings (a list from JSON is fine)
    and are kept as frozensets.

    Attributes:
        id: Stable identifier, unique within a cohort.
        stage: The member's stage on the programme's journey scale. It is
            checked against a scale where one is in play (`Cohort`, group
            fit), not on its own.
        experiences: Lived experiences the member is willing to share with
            peers (``{"bereavement", "caring"}``).
        goals: What the member is working on (``{"sleep", "routine"}``).
        timezone: IANA zone the member lives in.
        availability: When the member is free each week, in their own time.
            Defaults to always: no constraint given.
        languages: Languages the member can take part in; at least one.
        max_partners: How many accountability partners the member can hold
            at once, a boundary `match_partners` never crosses: 0 sits the
            round out (a boundary, not a failure), 1 (the default) is one
            partner, 2 or more lets the member be in that many pairs, a
            pair at most once. A trio member holds two partners, so a trio
            only takes members whose ``max_partners`` is 2 or more. For a
            mentor in `match_mentors`, the most mentees they take.
        quiet_hours: When the member wants no check-ins, in their own time
            (``"daily 21:00-08:00"`` crosses midnight). A boundary:
            `peerkit.scheduling` never places a check-in or a common slot
            inside it. Defaults to none.
        traits: Facts used by eligibility rules (``{"age_band": "18-25"}``).
            Never shown to other members.

    Examples:
        >>> ada = Member("ada", "action", goals=["sleep"], timezone="Europe/London")
        >>> sorted(ada.goals)
        ['sleep']

    Added in 0.1.
    """

    id: str = attrs.field(kw_only=False, validator=string())
    stage: str = attrs.field(kw_only=False, validator=string())
    experiences: frozenset[str] = attrs.field(
        default=frozenset(), converter=to_str_set, validator=strings()
    )
    goals: frozenset[str] = attrs.field(
        default=frozenset(), converter=to_str_set, validator=strings()
    )
    timezone: str = timezone_field()
    availability: WeeklyAvailability = attrs.field(
        factory=WeeklyAvailability.always,
        converter=_to_availability,
        validator=instance(WeeklyAvailability, "a WeeklyAvailability"),
    )
    languages: frozenset[str] = attrs.field(
        factory=_default_languages,
        converter=to_str_set,
        validator=strings(non_empty=True),
    )
    max_partners: int = attrs.field(default=1, validator=count())
    quiet_hours: WeeklyAvailability = attrs.field(
        factory=WeeklyAvailability,
        converter=_to_quiet_hours,
        validator=instance(WeeklyAvailability, "a WeeklyAvailability"),
    )
    traits: Mapping[str, str] = attrs.field(
        factory=dict, converter=to_str_map, validator=str_map()
    )


def _plain_str_set(value: object, *, non_empty: bool = False) -> frozenset[str] | None:
    """A JSON list of good strings as a frozenset, else None."""
    if type(value) is not list or (non_empty and not value):
        return None
    for item in value:
        if not is_good_str(item):
            return None
    return frozenset(value)


def _plain_specs(value: object) -> WeeklyAvailability | None:
    """A JSON list of window specs read (shared, cached), else None."""
    if type(value) is not list:
        return None
    for item in value:
        if type(item) is not str:
            return None
    try:
        return WeeklyAvailability.parse(value)
    except InvalidInputError:
        return None


_MEMBER_FIELDS = frozenset(a.name for a in attrs.fields(Member))
_NO_TIME = WeeklyAvailability()
_EN = frozenset({"en"})
_NO_TRAITS: FrozenDict[str, str] = FrozenDict()


def member_from_plain(data: object) -> Member | None:
    """
    A `Member` from decoded JSON that is plainly valid, else None.

    Reading a cohort makes members by the hundred thousand; this checks a
    JSON object's fields in one pass, by the same rules as `Member`'s
    validators, and builds the value without checking them again. Any
    doubt (a missing required field, a value that is not plain JSON or not
    valid) answers None, and the caller takes the ordinary route, which
    names the problem. A property test holds it equal to the constructor.
    """
    if type(data) is not dict or not _MEMBER_FIELDS.issuperset(data):
        return None
    get = data.get
    ident, stage = get("id"), get("stage")
    timezone = get("timezone", "UTC")
    max_partners = get("max_partners", 1)
    if not (
        is_good_str(ident)
        and is_good_str(stage)
        and is_timezone(timezone)
        and type(max_partners) is int
        and 0 <= max_partners <= MAX_COUNT
    ):
        return None
    experiences = _plain_str_set(get("experiences", []))
    goals = _plain_str_set(get("goals", []))
    languages = _plain_str_set(get("languages", ["en"]), non_empty=True)
    availability = (
        _plain_specs(data["availability"])
        if "availability" in data
        else WeeklyAvailability.always()
    )
    quiet_hours = _plain_specs(get("quiet_hours", []))
    traits = get("traits", {})
    if (
        experiences is None
        or goals is None
        or languages is None
        or availability is None
        or quiet_hours is None
        or type(traits) is not dict
    ):
        return None
    for key, item in traits.items():
        if not (is_good_str(key) and is_good_str(item)):
            return None
    member = object.__new__(Member)
    for name, value in (
        ("id", ident),
        ("stage", stage),
        ("experiences", experiences),
        ("goals", goals),
        ("timezone", timezone),
        ("availability", availability),
        ("languages", _EN if languages == _EN else languages),
        ("max_partners", max_partners),
        ("quiet_hours", _NO_TIME if quiet_hours == _NO_TIME else quiet_hours),
        ("traits", FrozenDict(traits) if traits else _NO_TRAITS),
    ):
        object.__setattr__(member, name, value)
    return member


# --- groups ------------------------------------------------------------------


def _to_members(value: Iterable[Member]) -> tuple[Member, ...]:
    return to_tuple(value)


def _by_id(items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda x: x.id))


def _check_band(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or len(value) != 2:
        raise InvalidInputError(
            attr.name, value, "None or a (lowest, highest) stage pair"
        )
    for i, stage in enumerate(value):
        check_str(f"{attr.name}[{i}]", stage)


def _to_band(value: tuple[str, str] | list[str] | None) -> tuple[str, str] | None:
    if isinstance(value, list):
        return tuple(value)  # type: ignore[return-value]  # the validator checks the length
    return value


@attrs.frozen(kw_only=True)
class Group:
    """
    A peer-support group: who is in it, how big it may get, when it meets.

    Members are kept sorted by id, so two groups with the same people are
    equal however they were listed.

    Attributes:
        id: Stable identifier, unique within a cohort.
        members: The people in the group now, ids unique.
        capacity: The most members the group takes; at least ``len(members)``.
        focus: What the group is about (``{"grief", "caring"}``).
        languages: Languages the group runs in; empty means no restriction.
        timezone: IANA zone the group's meeting times are given in.
        meets: When the group meets each week, in its own zone. Empty means
            no fixed meeting time.
        stage_band: ``(lowest, highest)`` stages the group is for, inclusive,
            or ``None`` for any stage.
        requires: Trait rules a member must meet to join: each trait maps to
            the values accepted (``{"age_band": {"18-25"}}``).

    Examples:
        >>> g = Group("tuesday-circle", (), 8, focus=["grief"], timezone="Europe/Paris")
        >>> g.free_places
        8

    Added in 0.1.
    """

    id: str = attrs.field(kw_only=False, validator=string())
    members: tuple[Member, ...] = attrs.field(
        kw_only=False, converter=_to_members, validator=tuple_of(Member, "a Member")
    )
    capacity: int = attrs.field(kw_only=False, validator=count())
    focus: frozenset[str] = attrs.field(
        default=frozenset(), converter=to_str_set, validator=strings()
    )
    languages: frozenset[str] = attrs.field(
        default=frozenset(), converter=to_str_set, validator=strings()
    )
    timezone: str = timezone_field()
    meets: WeeklyAvailability = attrs.field(
        factory=WeeklyAvailability,
        converter=_to_meets,
        validator=instance(WeeklyAvailability, "a WeeklyAvailability"),
    )
    stage_band: tuple[str, str] | None = attrs.field(
        default=None, converter=_to_band, validator=_check_band
    )
    requires: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, converter=to_set_map, validator=set_map()
    )

    def __attrs_post_init__(self) -> None:
        # Checked in the caller's order, so error paths point into their input;
        # then kept sorted by id, so the value does not depend on that order.
        seen: set[str] = set()
        for i, member in enumerate(self.members):
            if member.id in seen:
                raise InvalidInputError(
                    f"members[{i}].id", member.id, "member ids unique within the group"
                )
            seen.add(member.id)
        if len(self.members) > self.capacity:
            raise InvalidInputError(
                "capacity",
                self.capacity,
                f"at least the number of members ({len(self.members)})",
            )
        object.__setattr__(self, "members", _by_id(self.members))

    @property
    def size(self) -> int:
        """
        How many members the group has.

        Examples:
            >>> from peerkit import Group, Member
            >>> Group("g1", [Member("ada", "action"), Member("ben", "action")], 8).size
            2
        """
        return len(self.members)

    @property
    def free_places(self) -> int:
        """
        How many more members the group can take.

        Examples:
            >>> from peerkit import Group, Member
            >>> Group("g1", [Member("ada", "action")], 8).free_places
            7
        """
        return self.capacity - len(self.members)

    @property
    def is_full(self) -> bool:
        """
        Whether the group is at capacity.

        Examples:
            >>> from peerkit import Group, Member
            >>> Group("g1", [Member("ada", "action")], 1).is_full
            True
        """
        return len(self.members) >= self.capacity

    @property
    def member_ids(self) -> tuple[str, ...]:
        """
        Ids of the members, sorted.

        Examples:
            >>> from peerkit import Group, Member
            >>> Group(
            ...     "g1", [Member("ben", "action"), Member("ada", "action")], 8
            ... ).member_ids
            ('ada', 'ben')
        """
        return tuple(m.id for m in self.members)


# --- cohorts -----------------------------------------------------------------


_WithId = TypeVar("_WithId", Member, Group)


def _find(items: tuple[_WithId, ...], key: str, path: str, expected: str) -> _WithId:
    """Binary search in a tuple sorted by id."""
    if not isinstance(key, str):
        raise InvalidInputError(path, key, expected)
    i = bisect.bisect_left(items, key, key=lambda x: x.id)
    if i < len(items) and items[i].id == key:
        return items[i]
    raise InvalidInputError(path, key, expected)


def _to_groups(value: Iterable[Group]) -> tuple[Group, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class Cohort:
    """
    Everyone in a programme, the groups they are in, and the journey scale.

    A cohort is checked as a whole: member ids are unique, every stage is
    on the scale, every group member is one of the cohort's members (the
    same value), and group ids are unique. Members and groups are kept
    sorted by id.

    Attributes:
        members: Every member of the programme, in a group or not.
        groups: The programme's groups.
        scale: The journey scale members' stages are on.

    Examples:
        >>> from peerkit import Member
        >>> cohort = Cohort(
        ...     members=[Member("ada", "action"), Member("ben", "preparation")]
        ... )
        >>> [m.id for m in cohort.unplaced]
        ['ada', 'ben']

    Added in 0.1.
    """

    members: tuple[Member, ...] = attrs.field(
        kw_only=False, converter=_to_members, validator=tuple_of(Member, "a Member")
    )
    groups: tuple[Group, ...] = attrs.field(
        default=(), converter=_to_groups, validator=tuple_of(Group, "a Group")
    )
    scale: JourneyScale = attrs.field(
        default=STAGES_OF_CHANGE, validator=instance(JourneyScale, "a JourneyScale")
    )

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, Member] = {}
        for i, member in enumerate(self.members):
            if member.id in by_id:
                raise InvalidInputError(
                    f"members[{i}].id", member.id, "member ids unique within the cohort"
                )
            by_id[member.id] = member
            self.scale.check(member.stage, path=f"members[{i}].stage")
        group_ids: set[str] = set()
        for g, group in enumerate(self.groups):
            if group.id in group_ids:
                raise InvalidInputError(
                    f"groups[{g}].id", group.id, "group ids unique within the cohort"
                )
            group_ids.add(group.id)
            if group.stage_band is not None:
                self.scale.check_band(group.stage_band, path=f"groups[{g}].stage_band")
            for member in group.members:
                if by_id.get(member.id) != member:
                    # The group keeps its members sorted by id, so the
                    # member is named by id rather than by a position.
                    raise InvalidInputError(
                        f"groups[{g}].members",
                        member.id,
                        "a member listed in the cohort's members, same details",
                    )
        object.__setattr__(self, "members", _by_id(self.members))
        object.__setattr__(self, "groups", _by_id(self.groups))

    def member(self, member_id: str) -> Member:
        """
        The member with this id.

        Raises:
            peerkit.errors.InvalidInputError: If there is none.

        Examples:
            >>> from peerkit.datasets import sample_cohort
            >>> sample_cohort().member("ada").timezone
            'Australia/Sydney'
        """
        return _find(self.members, member_id, "member_id", "the id of a cohort member")

    def group(self, group_id: str) -> Group:
        """
        The group with this id.

        Raises:
            peerkit.errors.InvalidInputError: If there is none.

        Examples:
            >>> from peerkit.datasets import sample_cohort
            >>> sample_cohort().group("g1").member_ids[:3]
            ('ada', 'chen', 'emeka')
        """
        return _find(self.groups, group_id, "group_id", "the id of a cohort group")

    @property
    def unplaced(self) -> tuple[Member, ...]:
        """
        Members who are in no group, sorted by id.

        Examples:
            >>> from peerkit.datasets import sample_cohort
            >>> len(sample_cohort().unplaced)
            35
        """
        placed = {m.id for g in self.groups for m in g.members}
        return tuple(m for m in self.members if m.id not in placed)


def as_members(path: str, members: object) -> list[Member]:
    """
    The members of a `Cohort`, or an iterable of `Member`s with unique ids.

    Functions that take members take a `Cohort` too; errors name positions
    in the caller's input (``members[3].id``).
    """
    if isinstance(members, Cohort):
        return list(members.members)
    return unique_by_id(path, members, Member, "Member")
