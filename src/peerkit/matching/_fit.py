"""Group fit: how well one member suits one group, with reasons."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

import attrs

from peerkit._availability import materialize
from peerkit._explain import Reason
from peerkit._frozendict import FrozenDict, frozen_sorted
from peerkit._instants import US
from peerkit._intervals import Period, Span
from peerkit._model import (
    STAGES_OF_CHANGE,
    Cohort,
    Group,
    JourneyScale,
    Member,
    as_members,
)
from peerkit._validate import (
    above,
    check_float,
    check_instance,
    check_int,
    check_str,
    count,
    instance,
    integer,
    string,
    to_float,
    tuple_of,
    unique_by_id,
    unit,
)
from peerkit.errors import InvalidInputError
from peerkit.matching._results import (
    FormedGroup,
    Grouping,
    to_reasons,
    trusted_maker,
)
from peerkit.matching._seasons import (
    Combos,
    describe_weeks,
    judged_value,
    pair_weeks,
    weeks_of,
    zone_weeks,
)

COMPONENTS: tuple[str, ...] = ("stage", "experience", "goals", "schedule", "size")
"""The components of a fit, in the order they are reported."""

NEUTRAL = 0.5
"""A component's value when there is nothing to judge it by (no peers yet)."""


# --- policy ------------------------------------------------------------------


_SMALLEST_TOTAL = sys.float_info.min  # the smallest normal float


def weights_validator(
    components: tuple[str, ...],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Attrs validator factory: a non-negative weight for each component."""

    def _check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping) or set(value) != set(components):
            raise InvalidInputError(
                attr.name, value, f"a weight for each of {', '.join(components)}"
            )
        for key in components:
            check_float(f"{attr.name}[{key!r}]", value[key], low=0.0)
        total = sum(value.values())
        if total <= 0:
            raise InvalidInputError(attr.name, value, "weights that are not all zero")
        # Scores divide by the total: one that overflows would make every
        # eligible score 0 (inf / inf is NaN, clipped to 0), one below the
        # smallest normal float loses the weighted parts to underflow.
        if not _SMALLEST_TOTAL <= total < math.inf:
            raise InvalidInputError(
                attr.name,
                value,
                f"weights whose total is finite and at least {_SMALLEST_TOTAL!r}",
            )

    return _check


def _check_size_range(path: str, value: object) -> None:
    if not isinstance(value, tuple) or len(value) != 2:
        raise InvalidInputError(path, value, "a (smallest, largest) pair of sizes")
    low = check_int(f"{path}[0]", value[0], minimum=1)
    check_int(f"{path}[1]", value[1], minimum=low)


def _check_ideal(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    _check_size_range(attr.name, value)


def _check_comfort(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise InvalidInputError(attr.name, value, "a mapping of trait values to sizes")
    for key, item in value.items():
        check_str(attr.name, key)
        _check_size_range(f"{attr.name}[{key!r}]", item)


check_bool = instance(bool, "True or False")
"""Attrs validator: True or False, nothing truthy."""


def check_members(path: str, members: object, scale: JourneyScale) -> list[Member]:
    """
    The members (of a `Cohort`, or given), ids unique, stages on *scale*, by id.

    Errors name positions in the caller's input: ``members[3].stage``.
    """
    listed = as_members(path, members)
    for i, member in enumerate(listed):
        scale.check(member.stage, path=f"{path}[{i}].stage")
    return sorted(listed, key=lambda m: m.id)


_Policy = TypeVar("_Policy")


def with_cohort_scale(policy: _Policy, given: object) -> _Policy:
    """
    *policy*, on the scale of the `Cohort` *given*, if one is given.

    A cohort says which journey scale its members' stages are on. A policy
    whose scale was left at its default (`STAGES_OF_CHANGE`) takes the
    cohort's; one set to another scale than the cohort's is refused, with
    what to pass instead. Anything but a `Cohort` leaves *policy* as it is.
    """
    if not isinstance(given, Cohort):
        return policy
    scale: JourneyScale = policy.scale  # type: ignore[attr-defined]  # FitPolicy or PartnerPolicy
    if scale == given.scale:
        return policy
    if scale == STAGES_OF_CHANGE:
        return attrs.evolve(policy, scale=given.scale)  # type: ignore[misc]  # an attrs policy
    raise InvalidInputError(
        "policy.scale",
        scale.name,
        f"the cohort's scale, {given.scale.name!r} (pass "
        "policy=attrs.evolve(policy, scale=cohort.scale), or leave the "
        "policy's scale at its default)",
    )


def judged_weeks(during: object, timezone: str = "UTC") -> tuple[int, ...]:
    """
    The bounds of the weeks a matching decision *during* a period judges.

    *during* is an `Interval` or a ``(start, end)`` pair of aware datetimes;
    the decision judges every Monday-to-Monday week of *timezone* the
    period touches (`weeks_of`): ``bounds[k]`` to ``bounds[k + 1]`` is week
    ``k``, in POSIX microseconds.
    """
    if isinstance(during, tuple | list) and len(during) == 2:
        start, end = during
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            start_offset, end_offset = start.utcoffset(), end.utcoffset()
            if start_offset is not None and end_offset is not None:
                return _weeks_between(start, start_offset, end, end_offset, timezone)
    return weeks_of(during, timezone)


@functools.lru_cache(maxsize=1024)
def _weeks_between(
    start: dt.datetime,
    start_offset: dt.timedelta,  # noqa: ARG001 - part of the cache key
    end: dt.datetime,
    end_offset: dt.timedelta,  # noqa: ARG001 - part of the cache key
    timezone: str,
) -> tuple[int, ...]:
    """
    `judged_weeks` of ``(start, end)``, kept: the same period recurs in every call.

    Keyed on what decides the answer: the two instants (aware datetimes are
    equal when their instants are), their offsets, which fix the local
    dates the checks read, and the zone whose Mondays bound the weeks. Only
    answers are kept; an error is raised anew.
    """
    return weeks_of((start, end), timezone)


def _check_quarter_hours(_inst: object, attr: attrs.Attribute[Any], value: int) -> None:
    if value % 15:
        raise InvalidInputError(attr.name, value, "a multiple of 15 minutes")


def to_weights(value: Mapping[str, float]) -> Mapping[str, float]:
    """Converter: a mapping of names to numbers, frozen, ints made floats."""
    given: Any = value
    if isinstance(given, Mapping):
        return FrozenDict({k: to_float(v) for k, v in given.items()})
    return given  # type: ignore[no-any-return]  # the validator says why


def _to_pair(value: tuple[int, int] | list[int]) -> tuple[int, int]:
    if isinstance(value, list):
        return tuple(value)  # type: ignore[return-value]  # the validator checks it
    return value


def _to_comfort(
    value: Mapping[str, tuple[int, int]],
) -> Mapping[str, tuple[int, int]]:
    given: Any = value
    if isinstance(given, Mapping):
        return FrozenDict({k: _to_pair(v) for k, v in given.items()})
    return given  # type: ignore[no-any-return]  # the validator says why


def scale_field() -> Any:
    """A policy's journey scale: the stages of change unless set."""
    return attrs.field(
        default=STAGES_OF_CHANGE, validator=instance(JourneyScale, "a JourneyScale")
    )


def weights_field(default: Mapping[str, float], components: tuple[str, ...]) -> Any:
    """A policy's component weights: one non-negative weight per component."""
    return attrs.field(
        default=default, converter=to_weights, validator=weights_validator(components)
    )


def stage_tolerance_field() -> Any:
    """A policy's stage distance up to which members count as close (0.25)."""
    return attrs.field(default=0.25, converter=to_float, validator=unit())


def stage_limit_field() -> Any:
    """A policy's stage distance at which closeness has fallen to 0 (0.75)."""
    return attrs.field(
        default=0.75, converter=to_float, validator=[unit(), above("stage_tolerance")]
    )


_DEFAULT_WEIGHTS = FrozenDict(
    {"stage": 0.3, "experience": 0.25, "goals": 0.15, "schedule": 0.15, "size": 0.15}
)
_DEFAULT_COMFORT = FrozenDict({"small": (3, 6), "medium": (5, 9), "large": (8, 14)})


@attrs.frozen(kw_only=True)
class FitPolicy:
    """
    How group fit is judged; the defaults suit a typical programme.

    Change one setting with `attrs.evolve`:
    ``attrs.evolve(FitPolicy(), one_ahead_counts=False)``.

    Attributes:
        scale: The journey scale members' stages are on.
        weights: Weight of each component in the score: ``stage``,
            ``experience``, ``goals``, ``schedule``, ``size``. Non-negative,
            not all zero, their total a finite normal float; they need not
            sum to 1.
        stage_tolerance: Stage distance (0 to 1 on the scale) up to which
            two members count as at the same point. On a five-stage scale
            0.25 is one step.
        stage_limit: Stage distance at which closeness has fallen to 0;
            between the two it falls linearly. Above *stage_tolerance*.
        one_ahead_counts: Whether a peer exactly one stage ahead counts as
            close whatever the distances: someone who has been where the
            member is gives hope.
        ideal_size: Group sizes (members, the newcomer included) that are
            comfortable when the member has not said.
        size_trait: The member trait that says their size comfort.
        size_comfort: Sizes for each value of *size_trait*.
        meeting_minutes: How long a meeting `form_groups` proposes for a
            new group, a multiple of 15.
        excused_week_count: How many weeks of the period a member may be
            unable to make any of a group's meeting and still be eligible:
            weeks a coordinator excuses. 0, the default, asks for every
            week. The schedule component is then judged on the worst week
            left.
        repeat_weight: How much `form_groups` counts against a member's
            fit, while it searches, having been grouped with the same peers
            before (its ``history``): the fit is lowered by this weight
            times the share of peers met before. 0 ignores history; the
            fits reported are never lowered. Added in 0.2.

    Examples:
        >>> policy = FitPolicy()
        >>> policy.weights["stage"], policy.meeting_minutes
        (0.3, 60)

    Added in 0.1.
    """

    scale: JourneyScale = scale_field()  # noqa: RUF009 - an attrs field definition
    weights: Mapping[str, float] = weights_field(_DEFAULT_WEIGHTS, COMPONENTS)
    stage_tolerance: float = stage_tolerance_field()
    stage_limit: float = stage_limit_field()
    one_ahead_counts: bool = attrs.field(default=True, validator=check_bool)
    ideal_size: tuple[int, int] = attrs.field(
        default=(5, 9), converter=_to_pair, validator=_check_ideal
    )
    size_trait: str = attrs.field(default="size_comfort", validator=string())
    size_comfort: Mapping[str, tuple[int, int]] = attrs.field(
        default=_DEFAULT_COMFORT, converter=_to_comfort, validator=_check_comfort
    )
    meeting_minutes: int = attrs.field(
        default=60, validator=[integer(15, 720), _check_quarter_hours]
    )
    excused_week_count: int = attrs.field(default=0, validator=count())
    repeat_weight: float = attrs.field(
        default=0.2, converter=to_float, validator=unit()
    )


# --- the arithmetic, shared with group formation ---------------------------------


def closeness(policy: FitPolicy, steps: int) -> float:
    """How close two members are, 0 to 1, when one is *steps* stages ahead."""
    if policy.one_ahead_counts and steps == 1:
        return 1.0
    return stage_closeness(
        len(policy.scale), policy.stage_tolerance, policy.stage_limit, steps
    )


def stage_closeness(stages: int, tolerance: float, limit: float, steps: int) -> float:
    """
    1 up to *tolerance* of the scale apart, 0 from *limit*, linear between.

    *stages* is the length of the scale, *steps* how many stages apart.
    """
    span = stages - 1
    distance = abs(steps) / span if span else 0.0
    if distance <= tolerance:
        return 1.0
    if distance >= limit:
        return 0.0
    return (limit - distance) / (limit - tolerance)


def size_range(policy: FitPolicy, member: Member) -> tuple[int, int]:
    """The group sizes this member is comfortable with."""
    said = member.traits.get(policy.size_trait)
    if said is not None and said in policy.size_comfort:
        return policy.size_comfort[said]
    return policy.ideal_size


def size_score(size: int, comfort: tuple[int, int]) -> float:
    """1 within the comfortable range, falling off linearly outside it."""
    low, high = comfort
    if size < low:
        return size / low
    if size > high:
        return max(0.0, 1.0 - (size - high) / high)
    return 1.0


def share_score(shared: int, peers: int) -> float:
    """The share of peers who have something in common; neutral with no peers."""
    return shared / peers if peers else NEUTRAL


# --- results -------------------------------------------------------------------


def components_validator(
    components: tuple[str, ...],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Attrs validator factory: a value in [0, 1] for at least each component."""

    def _check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping) or not set(components) <= set(value):
            raise InvalidInputError(
                attr.name, value, f"a mapping with {', '.join(components)}"
            )
        for key, item in value.items():
            check_str(attr.name, key)
            check_float(f"{attr.name}[{key!r}]", item, low=0.0, high=1.0)

    return _check


def check_ineligible_scores_zero(fit: Any) -> None:
    """A fit that a hard rule rules out scores 0, whatever its components say."""
    if not fit.eligible and fit.score != 0.0:
        raise InvalidInputError("score", fit.score, "0 when not eligible")


@attrs.frozen(kw_only=True)
class GroupFit:
    """
    How well one member suits one group, and why.

    Attributes:
        member_id: The member judged.
        group_id: The group judged.
        score: 0 to 1, 1 best: the weighted mean of the components when the
            member is eligible, 0 when a hard rule rules the group out.
        components: Each component's value, 0 to 1: ``stage``,
            ``experience``, ``goals``, ``schedule``, ``size``.
        eligible: Whether every hard rule allows the member to join.
        reasons: Why, hard rules first; member-safe plain language. For an
            eligible member the weights of the reasons add up to the score.

    Examples:
        >>> import pendulum
        >>> from peerkit import Group, Member
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> fit = group_fit(Member("ada", "action"), Group("g", (), 8), during=term)
        >>> fit.eligible, sorted(fit.components)
        (True, ['experience', 'goals', 'schedule', 'size', 'stage'])

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    group_id: str = attrs.field(validator=string())
    score: float = attrs.field(converter=to_float, validator=unit())
    components: Mapping[str, float] = attrs.field(
        converter=to_weights, validator=components_validator(COMPONENTS)
    )
    eligible: bool = attrs.field(validator=check_bool)
    reasons: tuple[Reason, ...] = attrs.field(
        converter=to_reasons, validator=tuple_of(Reason, "a Reason")
    )

    def __attrs_post_init__(self) -> None:
        check_ineligible_scores_zero(self)


_group_fit = trusted_maker(GroupFit)


# --- group_fit -------------------------------------------------------------------


def _reason(code: str, weight: float, message: str) -> Reason:
    """
    A `Reason` of group fit, not re-checked.

    Its code is one of this module's own, its weight a float worked out
    here, its message fixed words around already-checked names.
    """
    reason = _new(Reason)
    _set_code(reason, code)
    _set_weight(reason, weight)
    _set_message(reason, message)
    return reason


_new = object.__new__
# Reason is a slotted attrs class: its slots' own setters skip the frozen
# class's __setattr__ and a lookup by name, and set the same fields.
_set_code, _set_weight, _set_message = (
    Reason.__dict__[name].__set__ for name in ("code", "weight", "message")
)
_ALREADY = _reason("rule.already_member", -1.0, "Already a member of this group.")
_FULL = _reason("rule.full", -1.0, "The group is full.")


def _hard_rules(
    member: Member, group: Group, flags: tuple[bool, bool], schedule: Schedule
) -> list[Reason]:
    """The hard rules *member* breaks; *flags*: (already a member, in the band)."""
    already, in_band = flags
    rules: list[Reason] = []
    if already:
        rules.append(_ALREADY)  # reasons are frozen: one is shared by every fit
    elif len(group.members) >= group.capacity:  # group.is_full
        rules.append(_FULL)
    if group.languages and member.languages.isdisjoint(group.languages):
        spoken = ", ".join(sorted(group.languages))
        rules.append(
            _reason(
                "rule.language",
                -1.0,
                f"The group runs in {spoken}: not a language you listed.",
            )
        )
    if group.requires:
        rules.extend(
            _reason(
                "rule.requires",
                -1.0,
                f"The group is for members with a particular {trait}.",
            )
            for trait in sorted(group.requires)
            if member.traits.get(trait) not in group.requires[trait]
        )
    band = group.stage_band
    if band is not None and not in_band:
        low, high = band
        span = low if low == high else f"{low} to {high}"
        rules.append(
            _reason("rule.stage_band", -1.0, f"The group is for members at {span}.")
        )
    if schedule.value <= 0.0:
        when = f" {schedule.when}" if schedule.when else ""
        rules.append(
            _reason(
                "rule.schedule", -1.0, f"Not free at any time the group meets{when}."
            )
        )
    return rules


MIN_COUNT_SHOWN = 3
"""The fewest other members a member-facing count of people may name.

A reason says how many of the group share something with the reader
("Shares a goal with 4 of 6 members") only when at least this many do;
fewer, and it says so in words ("some of the group"), so that no count
points at one or two people."""


def _members(n: int) -> str:
    return "1 member" if n == 1 else f"{n} members"


def _sharing(what: str, shared: int, peers: int) -> str:
    """Shares *what* with *shared* of the *peers*, a count only if safe to show."""
    if shared >= MIN_COUNT_SHOWN:
        return f"Shares {what} with {shared} of {_members(peers)}."
    return f"Shares {what} with some of the group."


class _Explainer:
    """Builds soft reasons; each component's contribution rides on its first reason."""

    __slots__ = ("_components", "_explained", "_total", "_weights", "reasons")

    def __init__(
        self,
        weights: Mapping[str, float],
        total: float,
        components: Mapping[str, float],
    ) -> None:
        self._weights = weights
        self._components = components
        self._total = total
        self._explained: set[str] = set()
        self.reasons: list[Reason] = []

    def add(self, code: str, key: str | None, message: str) -> None:
        weight = 0.0
        if key is not None and key not in self._explained:
            weight = self._weights[key] * self._components[key] / self._total
            self._explained.add(key)
        self.reasons.append(_reason(code, weight, message))


def _explain_stage(
    out: _Explainer, stage: float, counts: Mapping[str, int], banded: bool
) -> None:
    peers, ahead = counts["peers"], counts["ahead"]
    if not peers and banded:
        out.add("stage.in_band", "stage", "The group is for members at your stage.")
    elif not peers:
        out.add("stage.no_peers", "stage", "No members yet to compare journeys with.")
    elif stage >= 0.75:
        out.add(
            "stage.close",
            "stage",
            "At a similar point in the journey to most of the group.",
        )
    elif stage >= 0.4:
        out.add(
            "stage.mixed",
            "stage",
            "Some of the group are at a different point in the journey.",
        )
    else:
        out.add(
            "stage.far",
            "stage",
            "Most of the group are at a quite different point in the journey.",
        )
    if ahead:
        who = (
            f"{_members(ahead)} one stage further along"
            if ahead >= MIN_COUNT_SHOWN
            else "Some of the group are one stage further along"
        )
        out.add("stage.one_ahead", None, f"{who}: people who have been where you are.")


def _explain_sharing(
    out: _Explainer, member: Member, group: Group, counts: Mapping[str, int]
) -> None:
    peers = counts["peers"]
    focus = sorted(member.experiences & group.focus) if group.focus else None
    if focus:
        out.add(
            "experience.focus",
            "experience",
            f"The group's focus includes {', '.join(focus)}.",
        )
    if not member.experiences:
        out.add("experience.unknown", "experience", "No experiences listed to compare.")
    elif peers:
        shared = counts["experience"]
        if shared:
            message = _sharing("an experience", shared, peers)
            out.add("experience.peers", "experience", message)
        else:
            message = "Nobody in the group shares an experience you listed."
            out.add("experience.none", "experience", message)
    elif group.focus and not focus:
        message = "The group's focus is not among the experiences you listed."
        out.add("experience.not_focus", "experience", message)
    elif not group.focus:
        message = "No members yet to share experiences with."
        out.add("experience.no_peers", "experience", message)
    if not member.goals:
        out.add("goals.unknown", "goals", "No goals listed to compare.")
    elif peers:
        shared = counts["goals"]
        if shared:
            out.add("goals.shared", "goals", _sharing("a goal", shared, peers))
        else:
            message = "Nobody in the group shares a goal you listed."
            out.add("goals.none", "goals", message)
    else:
        out.add("goals.no_peers", "goals", "No members yet to share goals with.")


def _explain_schedule_and_size(
    out: _Explainer, comfort: tuple[int, int], counts: Mapping[str, int]
) -> None:
    meeting, free = counts["meeting"], counts["free"]
    if not meeting:
        out.add("schedule.flexible", "schedule", "The group has no fixed meeting time.")
    elif free >= meeting:
        out.add("schedule.fits", "schedule", "Free for the whole weekly meeting.")
    elif free > 0:
        out.add(
            "schedule.partial",
            "schedule",
            f"Free for {free} of the meeting's {meeting} minutes.",
        )
    size = counts["size"]
    would = f"The group would have {_members(size)}"
    if size < comfort[0]:
        out.add("size.small", "size", f"{would}: smaller than is comfortable.")
    elif size > comfort[1]:
        out.add("size.large", "size", f"{would}: larger than is comfortable.")
    else:
        out.add("size.comfortable", "size", f"{would}: a comfortable size.")


def _soft_reasons(
    judge: _Judge,
    group: Group,
    components: Mapping[str, float],
    counts: Mapping[str, int],
) -> list[Reason]:
    out = _Explainer(judge.weights, judge.total, components)
    _explain_stage(out, components["stage"], counts, group.stage_band is not None)
    _explain_sharing(out, judge.member, group, counts)
    _explain_schedule_and_size(out, judge.comfort, counts)
    return out.reasons


def _minutes(spans: Iterable[tuple[int, int]]) -> float:
    return sum(end - start for start, end in spans) / 60_000_000


@functools.lru_cache(maxsize=16384)
def _meeting(
    windows: tuple[Any, ...], timezone: str, lo: int, hi: int
) -> tuple[tuple[Span, ...], float]:
    """
    A group's meeting spans in ``[lo, hi)`` and their minutes, kept.

    The same groups are judged call after call (one member after another):
    keyed on all that decides it, values immutable, stored only once made.
    """
    meets = materialize(windows, timezone, lo, hi)
    return meets, _minutes(meets)


_DAY = 86_400 * US
_WEEK = 7 * _DAY
_MONDAY = 4 * _DAY  # 5 January 1970, a Monday, 00:00 UTC
_CHUNK_WEEKS = 4


def _chunk_of(lo: int) -> tuple[int, int]:
    """
    The stretch of UTC time whose spans hold every week that starts at *lo*.

    Weeks start on a Monday 00:00 of some zone, within 14 hours of a UTC
    Monday, and last a week and at most an hour: the UTC Monday nearest
    *lo* names the stretch of four weeks it falls in, widened by four days
    each side.
    """
    week = (lo - _MONDAY + _WEEK // 2) // _WEEK
    start = _MONDAY + (week - week % _CHUNK_WEEKS) * _WEEK
    return start - 4 * _DAY, start + _CHUNK_WEEKS * _WEEK + 4 * _DAY


def _clip(spans: tuple[Span, ...], ends: list[int], lo: int, hi: int) -> list[Span]:
    """*spans* (merged, sorted, their *ends*) clipped to ``[lo, hi)``."""
    out = []
    for k in range(bisect.bisect_right(ends, lo), len(spans)):
        start, end = spans[k]
        if start >= hi:
            break
        out.append((max(start, lo), min(end, hi)))
    return out


class Schedule(NamedTuple):
    """A member's time for a group's meeting over the period."""

    value: float  # the schedule component: the worst week's share (excused set aside)
    meeting: int  # that week's meeting minutes
    free: int  # and the minutes of it the member is free for
    when: str  # the weeks with no time for it, in words, if only some


_Week = tuple[int, int, tuple[Span, ...], list[int]]  # lo, hi, free spans, their ends


def _shared_micros(
    meets: tuple[Span, ...], free: tuple[Span, ...], ends: list[int]
) -> int:
    """
    Microseconds of *meets* inside *free* (merged, sorted, their *ends*).

    `intersect_spans`' total, found by bisection: a meeting is short, a
    member's week long.
    """
    total = 0
    for start, end in meets:
        for k in range(bisect.bisect_right(ends, start), len(free)):
            s, e = free[k]
            if s >= end:
                break
            total += min(e, end) - max(s, start)
    return total


class _Judge:
    """
    One member judged against groups over one period: what every group shares.

    Built for one call and dropped after it, never shared between threads:
    the member's stage, comfortable sizes and free time (per group time
    zone, in each distinct week of the period) are worked out once, not
    once per group.
    """

    def __init__(self, member: Member, policy: FitPolicy, during: object) -> None:
        self.member = member
        self.policy = policy
        self.during = during
        self.scale = policy.scale
        self.me = self.scale.index(member.stage)
        self.position = {stage: i for i, stage in enumerate(self.scale.stages)}
        self.weights = policy.weights
        self.total = sum(policy.weights.values())
        self.comfort = size_range(policy, member)
        self._closeness: dict[int, float] = {}
        self._bands: dict[tuple[str, str], bool] = {}
        self._chunks: dict[tuple[int, int], tuple[tuple[Span, ...], list[int]]] = {}
        self._free: dict[str, tuple[tuple[int, ...], Combos, list[_Week]]] = {}
        # Many groups meet at the same times in the same zone: each meeting
        # schedule is judged once per call (the member is fixed here).
        self._schedules: dict[tuple[Any, str], Schedule] = {}

    def closeness(self, steps: int) -> float:
        """`closeness` of the member to a peer *steps* ahead, kept per step."""
        value = self._closeness.get(steps)
        if value is None:
            value = self._closeness[steps] = closeness(self.policy, steps)
        return value

    def free(self, timezone: str) -> tuple[tuple[int, ...], Combos, list[_Week]]:
        """
        The period's weeks in *timezone*, and which of them are alike.

        With the member's free spans in the first week of each kind:
        ``(lo, hi, spans)``.
        """
        known = self._free.get(timezone)
        if known is None:
            bounds = judged_weeks(self.during, timezone)
            member = self.member
            combos = pair_weeks(
                zone_weeks(member.timezone, bounds),
                zone_weeks(timezone, bounds),
                exact=False,
            )
            weeks = []
            for k in combos[0]:
                lo, hi = bounds[k], bounds[k + 1]
                spans = tuple(self._spans(lo, hi))
                weeks.append((lo, hi, spans, [end for _, end in spans]))
            known = self._free[timezone] = (bounds, combos, weeks)
        return known

    def _spans(self, lo: int, hi: int) -> list[Span]:
        """
        The member's free spans in ``[lo, hi)``: `materialize`'s, to the span.

        Read from a few weeks' spans at a time, made once per call: groups
        in many zones ask for weeks hours apart. Clipping merged spans to a
        week is what materializing the week alone gives (the same days'
        windows, merged, then cut at its bounds).
        """
        chunk = _chunk_of(lo)
        member = self.member
        windows, timezone = member.availability.windows, member.timezone
        if not chunk[0] <= lo < hi <= chunk[1]:  # pragma: no cover - no week is so odd
            return list(materialize(windows, timezone, lo, hi))
        known = self._chunks.get(chunk)
        if known is None:
            spans = materialize(windows, timezone, *chunk)
            known = self._chunks[chunk] = (spans, [end for _, end in spans])
        spans, ends = known
        return _clip(spans, ends, lo, hi)

    def schedule(self, group: Group) -> Schedule:
        """The member's time for *group*'s meeting, week by week, the worst kept."""
        key = (group.meets.windows, group.timezone)
        known = self._schedules.get(key)
        if known is None:
            known = self._schedules[key] = self._schedule(group)
        return known

    def _schedule(self, group: Group) -> Schedule:
        """`schedule`, worked out: it depends on the group's meeting and zone alone."""
        if group.meets.is_empty:
            return Schedule(1.0, 0, 0, "")
        # The group's own weeks, read from the cached concrete spans: the same
        # numbers as overlap_minutes([member, group], ...), without re-checking.
        bounds, combos, weeks = self.free(group.timezone)
        windows, timezone = group.meets.windows, group.timezone
        found = []
        for lo, hi, free_spans, ends in weeks:
            meets, meeting = _meeting(windows, timezone, lo, hi)
            if meeting <= 0:  # the meeting falls in a spring-forward gap this week
                found.append((1.0, 0, 0))
                continue
            free = _shared_micros(meets, free_spans, ends) / 60_000_000  # _minutes
            found.append((min(1.0, free / meeting), round(meeting), round(free)))
        excused = self.policy.excused_week_count
        if len(found) == 1:
            value, meeting, free = found[0]
        else:
            value = judged_value([f[0] for f in found], combos[1], excused)
            value, meeting, free = next(f for f in found if f[0] == value)
        when = ""
        if len(found) > 1 and min(f[0] for f in found) <= 0.0:
            index = combos[2]
            failing = [k for k, kind in enumerate(index) if found[kind][0] <= 0.0]
            if len(failing) < len(index):
                when = describe_weeks(bounds, failing, combos[3], timezone)
        return Schedule(value, meeting, free, when)

    def stages(self, group: Group, at: str = "group") -> bool:
        """
        Check *group*'s stages on the scale; whether the member is in its band.

        Errors name the group as *at*: its members' stages first, then its band.
        """
        scale, position = self.scale, self.position
        for i, peer in enumerate(group.members):
            if peer.stage not in position:  # the scale's stages: `in scale`
                scale.check(peer.stage, path=f"{at}.members[{i}].stage")
        band = group.stage_band
        if band is None:
            return True
        scale.check_band(band, path=f"{at}.stage_band")
        return scale.index(band[0]) <= self.me <= scale.index(band[1])

    def _in_band(self, group: Group, at: str) -> bool:
        """`stages` once the members' stages are known good: the band, kept per band."""
        band = group.stage_band
        if band is None:
            return True
        known = self._bands.get(band)
        if known is None:
            known = self._bands[band] = self.stages(group, at)
        return known

    def judge(self, group: Group, at: str = "group") -> GroupFit:
        """
        The member's `GroupFit` for *group*.

        Its stages are checked on the way (as `stages` does, naming the
        group as *at*).
        """
        member = self.member
        ident, experiences, goals_listed = member.id, member.experiences, member.goals
        position, me, near = self.position, self.me, self.closeness
        # One pass over the peers; the closeness adds up in the same order as
        # sum() over them would, so the result is the same to the last bit.
        peers = ahead = shared_exp = shared_goals = 0
        closeness_sum: float = 0  # as sum() starts
        already = False
        for p in group.members:
            at_stage = position.get(p.stage)
            if at_stage is None:
                self.stages(group, at)  # raises, naming the stage
                raise AssertionError  # pragma: no cover - stages has raised
            if p.id == ident:
                already = True
                continue
            peers += 1
            steps = at_stage - me
            closeness_sum += near(steps)
            ahead += steps == 1
            shared_exp += not experiences.isdisjoint(p.experiences)
            shared_goals += not goals_listed.isdisjoint(p.goals)
        if peers:
            stage = closeness_sum / peers
        else:
            stage = 1.0 if group.stage_band is not None else NEUTRAL
        if experiences:
            parts = []
            if group.focus:
                parts.append(1.0 if experiences & group.focus else 0.0)
            if peers:
                parts.append(shared_exp / peers)
            experience = sum(parts) / len(parts) if parts else NEUTRAL
        else:
            experience = NEUTRAL
        goals = share_score(shared_goals, peers) if goals_listed else NEUTRAL
        timing = self.schedule(group)
        schedule, meeting, free = timing.value, timing.meeting, timing.free
        size = peers + 1
        components = {  # in sorted order: a FrozenDict's own, taken as it is
            "experience": experience,
            "goals": goals,
            "schedule": schedule,
            "size": size_score(size, self.comfort),
            "stage": stage,
        }
        in_band = self._in_band(group, at)
        rules = _hard_rules(member, group, (already, in_band), timing)
        counts = {
            "peers": peers,
            "ahead": ahead,
            "experience": shared_exp,
            "goals": shared_goals,
            "meeting": meeting,
            "free": free,
            "size": size,
        }
        soft = _soft_reasons(self, group, components, counts)
        weights = self.weights
        score = 0.0
        if not rules:  # the weighted mean, clipped to [0, 1]
            value = sum(weights[k] * components[k] for k in COMPONENTS) / self.total
            score = min(1.0, max(0.0, value))
        return _group_fit(
            member_id=ident,
            group_id=group.id,
            score=score,
            components=frozen_sorted(components),
            eligible=not rules,
            reasons=(*rules, *soft),
        )


def group_fit(
    member: Member, group: Group, *, during: Period, policy: FitPolicy = FitPolicy()
) -> GroupFit:
    """
    How well *member* suits *group*, with the reasons.

    Hard rules make the member ineligible (score 0), each with its own
    reason code: ``rule.full``, ``rule.requires`` (a required trait is
    missing), ``rule.language`` (no shared language), ``rule.stage_band``
    (stage outside the group's band), ``rule.schedule`` (not free at any
    time the group meets in some week of the period, beyond the policy's
    ``excused_week_count``; the reason names the weeks) and
    ``rule.already_member``. Otherwise the score is the weighted mean of
    the components; no component can outweigh a hard rule.

    Messages are member-safe: they give the group's own focus and counts
    of members only when at least `MIN_COUNT_SHOWN` (3) others share
    something ("Shares a goal with 4 of 6 members"; fewer is "some of the
    group"), never another member's id, experiences, goals or traits.

    Args:
        member: The member looking for a group.
        group: The group; its members are the member's would-be peers.
        during: The period the decision is for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes. Required. Schedules are
            judged in every Monday-to-Monday week of the group's own zone
            that the period touches, each on its real dates; the schedule
            component is the worst week's. A period shorter than a week is
            judged on the week or two it touches.
        policy: How fit is judged; see `FitPolicy`.

    Raises:
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Group, Member
        >>> ada = Member("ada", "action", goals=["sleep"])
        >>> group = Group("g", [Member("ben", "action", goals=["sleep"])], 8)
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> fit = group_fit(ada, group, during=term)
        >>> fit.eligible, fit.components["goals"], fit.components["size"]
        (True, 1.0, 0.4)
        >>> fit.score == sum(r.weight for r in fit.reasons)
        True
        >>> [r.code for r in fit.reasons][:2]
        ['stage.close', 'experience.unknown']

    Added in 0.1.
    """
    check_instance("policy", policy, FitPolicy, "a FitPolicy")
    check_instance("member", member, Member, "a Member")
    check_instance("group", group, Group, "a Group")
    judged_weeks(during)  # checks the period
    policy.scale.check(member.stage, path="member.stage")
    judge = _Judge(member, policy, during)
    return judge.judge(group)


def rank_groups(
    member: Member,
    groups: Iterable[Group | FormedGroup] | Grouping | Cohort,
    *,
    during: Period,
    policy: FitPolicy = FitPolicy(),
) -> tuple[GroupFit, ...]:
    """
    Every group judged for *member*: the eligible best first, then the rest.

    Eligible groups come first by score, highest first; then the
    ineligible ones, each with the hard rules that rule it out. Ties break
    on group id, so the order does not depend on the order given.

    Args:
        member: The member looking for a group.
        groups: The groups to consider, in any order; ids unique: `Group`s,
            the `FormedGroup`s `form_groups` proposes, a whole `Grouping`,
            or a `Cohort` (its groups).
        during: The period the decision is for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes. Required. Schedules are
            judged in every Monday-to-Monday week of the group's own zone
            that the period touches, each on its real dates; the schedule
            component is the worst week's. A period shorter than a week is
            judged on the week or two it touches.
        policy: How fit is judged; see `FitPolicy`. Given a `Cohort`, a
            policy whose scale is the default takes the cohort's scale;
            another scale than the cohort's is refused.

    Raises:
        peerkit.errors.InvalidInputError: If two groups share an id, or a
            stage is not on the policy's scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Group, Member
        >>> ada = Member("ada", "action")
        >>> groups = [Group("full", [Member("b", "action")], 1), Group("open", (), 8)]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> [(f.group_id, f.eligible) for f in rank_groups(ada, groups, during=term)]
        [('open', True), ('full', False)]

    Added in 0.1.
    """
    check_instance("policy", policy, FitPolicy, "a FitPolicy")
    policy = with_cohort_scale(policy, groups)
    check_instance("member", member, Member, "a Member")
    judged_weeks(during)  # checks the period
    listed = _group_list(groups)
    if not listed:
        return ()
    policy.scale.check(member.stage, path="member.stage")
    judge = _Judge(member, policy, during)
    fits = [judge.judge(group, path) for path, group in listed]
    return tuple(sorted(fits, key=lambda f: (not f.eligible, -f.score, f.group_id)))


def _group_list(groups: object) -> list[tuple[str, Group]]:
    """
    Each group with the path errors name it by, ids unique.

    The groups of a `Cohort` or a `Grouping`, or those given (a
    `FormedGroup` is its ``group``): ``groups[2]``, ``groups[2].group``,
    ``groups.groups[2]``.
    """
    if isinstance(groups, Cohort):
        return [(f"groups.groups[{i}]", g) for i, g in enumerate(groups.groups)]
    if isinstance(groups, Grouping):
        return [
            (f"groups.groups[{i}].group", formed.group)
            for i, formed in enumerate(groups.groups)
        ]
    if isinstance(groups, (str, bytes, Mapping)) or not isinstance(groups, Iterable):
        raise InvalidInputError(
            "groups", groups, "Groups, FormedGroups, a Grouping or a Cohort"
        )
    given = list(groups)
    listed = [g.group if isinstance(g, FormedGroup) else g for g in given]
    unique_by_id("groups", listed, Group, "Group")
    return [
        (f"groups[{i}].group" if isinstance(g, FormedGroup) else f"groups[{i}]", group)
        for i, (g, group) in enumerate(zip(given, listed, strict=True))
    ]
