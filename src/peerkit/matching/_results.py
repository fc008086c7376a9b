"""The results every matching shares: who was placed, who was not, and why."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from peerkit._explain import Reason
from peerkit._model import Group
from peerkit._validate import instance, string, to_float, tuple_of, unit
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_T = TypeVar("_T")


def trusted(cls: type[_T], **fields: object) -> _T:
    """
    An instance of the frozen attrs class *cls* from final, valid field values.

    No converter or validator runs: only for values peerkit has just worked
    out from inputs it has already checked (a fit it scored itself), where
    re-checking each field costs more than the scoring. Every field must be
    given, already in the form its converter would make.
    """
    made = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(made, name, value)
    return made


def trusted_maker(cls: type[_T]) -> Callable[..., _T]:
    """
    `trusted` for one slotted attrs class, generated: each slot set directly.

    For the hottest paths (a fit per group of a thousand): like attrs' own
    ``__init__``, a function made once from the class's field names, taking
    every field by name, but with no converter or validator.
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]  # an attrs class
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def trusted(*, {', '.join(names)}):", "    made = new(cls)"]
    for name in names:
        scope[f"set_{name}"] = cls.__dict__[name].__set__
        lines.append(f"    set_{name}(made, {name})")
    lines.append("    return made")
    exec("\n".join(lines), scope)  # noqa: S102 - generated from the class's own field names
    made: Callable[..., _T] = scope["trusted"]
    return made


TOLERANCE = 1e-9
"""How far a stored aggregate may be from the one its parts give (float sums)."""


def to_reasons(value: Iterable[Reason]) -> tuple[Reason, ...]:
    """Converter: a list of reasons becomes a tuple; anything else passes on."""
    if isinstance(value, list):
        return tuple(value)
    return value  # type: ignore[return-value]  # the validator checks it


def check_derived(path: str, value: float, derived: float, source: str) -> None:
    """Refuse a stored aggregate that is not what its parts give (float tolerance)."""
    if not math.isclose(value, derived, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
        raise InvalidInputError(path, value, f"{derived!r}: {source}")


def check_placed_once(teams: Iterable[Iterable[str]], unplaced: Iterable[str]) -> None:
    """Refuse a result that names one member in two places."""
    seen: set[str] = set()
    for ids in (*teams, *((ident,) for ident in unplaced)):
        for ident in ids:
            if ident in seen:
                raise InvalidInputError(
                    "member_ids", ident, "each member in one place only"
                )
            seen.add(ident)


def check_partnered(
    pairs: Iterable[object], trios: Iterable[object], unplaced: Iterable[object]
) -> None:
    """
    Refuse a round that places a member twice over.

    A member may be in several pairs (as many as their ``max_partners``,
    which a result alone cannot know), but a pair is made once, a trio
    member is in no other team, and an unplaced member is in none.
    """
    seen_pairs: set[tuple[str, ...]] = set()
    in_pairs: set[str] = set()
    for fit in pairs:
        ids = fit.member_ids  # type: ignore[attr-defined]  # a PairFit, checked
        if ids in seen_pairs:
            raise InvalidInputError("pairs", ids, "each pair made once only")
        seen_pairs.add(ids)
        in_pairs.update(ids)
    check_placed_once(
        (
            *(t.member_ids for t in trios),  # type: ignore[attr-defined]  # Trios
            *((i,) for i in sorted(in_pairs)),
        ),
        (u.member_id for u in unplaced),  # type: ignore[attr-defined]  # Unplaced
    )


@attrs.frozen(kw_only=True)
class FormedGroup:
    """
    One new group `form_groups` proposes.

    Attributes:
        group: The group: its members, ``capacity`` = the largest size
            allowed, one shared language, a ``timezone`` (the one most of
            its members live in) and, as ``meets``, a weekly meeting that
            every member is free for in every week of the period.
        score: The mean of its members' fits.
        reasons: What holds the group together, in member-safe words.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.matching import form_groups
        >>> people = [Member(name, "action") for name in ("ada", "bo", "cy", "di")]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> grouping = form_groups(people, min_size=2, max_size=4, during=term)
        >>> formed = grouping.groups[0]
        >>> formed.group.member_ids, formed.group.capacity
        (('ada', 'bo', 'cy', 'di'), 4)
        >>> [r.message for r in formed.reasons][:2]
        ['4 members.', 'Runs in en.']

    Added in 0.1.
    """

    group: Group = attrs.field(validator=instance(Group, "a Group"))
    score: float = attrs.field(converter=to_float, validator=unit())
    reasons: tuple[Reason, ...] = attrs.field(
        converter=to_reasons, validator=tuple_of(Reason, "a Reason")
    )


@attrs.frozen(kw_only=True)
class Unplaced:
    """
    A member who could not be placed without breaking a hard rule.

    `form_groups` returns one for each member it could not put in a group;
    `match_partners` and `match_mentors` for each member without a partner
    or mentor this round (a member sitting out included: a boundary, not a
    failure).

    Attributes:
        member_id: Who.
        reasons: Why, in words the member may read; ``code`` says which rule
            (``unplaced.language``, ``unplaced.sitting_out``, ...).

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.matching import match_partners
        >>> people = [Member("ada", "action"), Member("bo", "action")]
        >>> people.append(Member("cy", "action", languages=["fr"]))
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> (unplaced,) = match_partners(people, during=term).unplaced
        >>> unplaced.member_id, unplaced.reasons[0].message
        ('cy', 'Nobody else this round speaks a language you listed.')

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    reasons: tuple[Reason, ...] = attrs.field(
        converter=to_reasons, validator=tuple_of(Reason, "a Reason")
    )


def _to_formed(value: Iterable[FormedGroup]) -> tuple[FormedGroup, ...]:
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


def to_unplaced(value: Iterable[Unplaced]) -> tuple[Unplaced, ...]:
    """Converter: a list of `Unplaced` becomes a tuple; anything else passes on."""
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class Grouping:
    """
    A whole cohort partitioned into new groups, and who could not be placed.

    Every member passed to `form_groups` is in exactly one group or in
    ``unplaced``.

    Attributes:
        groups: The new groups, by id.
        unplaced: Members who could not be placed, by id, each with reasons.
        mean_score: Mean fit score over placed members (0 if nobody was
            placed): each group's score weighted by its size.
        min_score: The worst placed member's fit score (0 if nobody was
            placed); at most every group's score.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.matching import form_groups
        >>> people = [Member(f"m{i}", "action") for i in range(7)]
        >>> people.append(Member("zed", "action", languages=["fr"]))
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> grouping = form_groups(people, min_size=3, max_size=4, during=term)
        >>> [fg.group.size for fg in grouping.groups]
        [4, 3]
        >>> [u.member_id for u in grouping.unplaced]
        ['zed']

    Added in 0.1.
    """

    groups: tuple[FormedGroup, ...] = attrs.field(
        converter=_to_formed, validator=tuple_of(FormedGroup, "a FormedGroup")
    )
    unplaced: tuple[Unplaced, ...] = attrs.field(
        converter=to_unplaced, validator=tuple_of(Unplaced, "an Unplaced")
    )
    mean_score: float = attrs.field(converter=to_float, validator=unit())
    min_score: float = attrs.field(converter=to_float, validator=unit())

    def __attrs_post_init__(self) -> None:
        check_placed_once(
            (fg.group.member_ids for fg in self.groups),
            (u.member_id for u in self.unplaced),
        )
        placed = self.placed_count
        mean = (
            sum(fg.score * fg.group.size for fg in self.groups) / placed
            if placed
            else 0.0
        )
        check_derived("mean_score", self.mean_score, mean, "the groups' scores")
        if not placed:
            check_derived("min_score", self.min_score, 0.0, "0 with nobody placed")
        elif self.min_score > min(fg.score for fg in self.groups) + TOLERANCE:
            raise InvalidInputError(
                "min_score", self.min_score, "at most every group's score"
            )

    @property
    def placed_count(self) -> int:
        """
        How many members are in a group.

        Examples:
            >>> from peerkit import Member
            >>> from peerkit.matching import form_groups
            >>> import pendulum
            >>> people = [Member(f"m{i}", "action") for i in range(5)]
            >>> people.append(Member("zed", "action", languages=["fr"]))
            >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
            >>> form_groups(people, min_size=2, max_size=5, during=term).placed_count
            5
        """
        return sum(fg.group.size for fg in self.groups)
