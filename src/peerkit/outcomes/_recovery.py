"""combined_recovery: NHS Talking Therapies' recovery on paired PHQ-9 and GAD-7."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from peerkit._explain import Reason
from peerkit._validate import (
    check_instance,
    check_iterable,
    check_str,
    count,
    instance,
    number,
    positive,
    str_map,
    string,
    to_float,
    to_optional_float,
    to_str_map,
    tuple_of,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._instrument import (
    GAD7,
    MEMBER_IDS,
    PHQ9,
    Instrument,
    Measurement,
    optional_number_field,
    score_text,
    source_keys_in,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

RECOVERY_SOURCE_KEYS = frozenset(
    {
        "caseness",
        "recovery",
        "reliable_improvement",
        "reliable_recovery",
        "reliable_deterioration",
        "paired",
    }
)
"""The definitions a `Caseness` can name sources for."""

_bool = instance(bool, "True or False")


def _with_cutoff(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Instrument) and value.cutoff is None:
        raise InvalidInputError(
            f"{attr.name}.cutoff", None, "a cutoff: caseness needs one"
        )


def _apart(inst: Caseness, attr: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Instrument) and inst.depression.same_questionnaire(value):
        raise InvalidInputError(
            attr.name,
            value.name,
            f"a questionnaire other than the depression one ({inst.depression.name})",
        )


@attrs.frozen(kw_only=True)
class Caseness:
    """
    Which two questionnaires define a case, and what counts as reliable change.

    A member is a case when either score is in its clinical range (at or
    beyond the instrument's ``cutoff``). A change on one questionnaire is
    reliable when it is at least its points (``depression_points``,
    ``anxiety_points``) in either direction. `TALKING_THERAPIES` is NHS
    Talking Therapies' definition, each part with its source.

    Attributes:
        depression: The depression questionnaire, with its caseness cutoff.
        anxiety: The anxiety questionnaire, with its caseness cutoff.
        depression_points: The smallest reliable change on *depression*.
        anxiety_points: The smallest reliable change on *anxiety*.
        sources: Where each definition comes from, keyed by
            ``"caseness"``, ``"recovery"``, ``"reliable_improvement"``,
            ``"reliable_recovery"``, ``"reliable_deterioration"`` and
            ``"paired"``.

    Examples:
        >>> from peerkit.outcomes import TALKING_THERAPIES
        >>> TALKING_THERAPIES.depression.cutoff, TALKING_THERAPIES.anxiety.cutoff
        (10.0, 8.0)
        >>> TALKING_THERAPIES.depression_points, TALKING_THERAPIES.anxiety_points
        (6.0, 4.0)

    Added in 0.2.
    """

    depression: Instrument = attrs.field(
        validator=[instance(Instrument, "an Instrument"), _with_cutoff]
    )
    anxiety: Instrument = attrs.field(
        validator=[instance(Instrument, "an Instrument"), _with_cutoff, _apart]
    )
    depression_points: float = attrs.field(converter=to_float, validator=positive())
    anxiety_points: float = attrs.field(converter=to_float, validator=positive())
    sources: Mapping[str, str] = attrs.field(
        factory=dict,
        converter=to_str_map,
        validator=[str_map(), source_keys_in(RECOVERY_SOURCE_KEYS)],
    )

    def is_case(self, depression: float, anxiety: float) -> bool:
        """
        Whether a pair of scores taken together is at caseness.

        Examples:
            >>> from peerkit.outcomes import TALKING_THERAPIES
            >>> TALKING_THERAPIES.is_case(9, 8), TALKING_THERAPIES.is_case(9, 7)
            (True, False)
        """
        return bool(
            self.depression.is_clinical(depression) or self.anxiety.is_clinical(anxiety)
        )


_MANUAL = (
    "NHS England, The NHS Talking Therapies for anxiety and depression manual "
    "(formerly the IAPT manual), appendix on measuring recovery and improvement"
)
_NHS_DIGITAL = (
    "NHS Digital, NHS Talking Therapies for anxiety and depression annual "
    "reports, glossary and data definitions"
)
_GYANI_2013 = (
    "Gyani, Shafran, Layard and Clark (2013), Enhancing recovery rates: lessons "
    "from year one of IAPT, Behav Res Ther 51(9):597-606"
)

TALKING_THERAPIES = Caseness(
    depression=PHQ9,
    anxiety=attrs.evolve(
        GAD7,
        cutoff=8,
        sources={**GAD7.sources, "cutoff": _MANUAL + ": a GAD-7 of 8 or more"},
    ),
    depression_points=6,
    anxiety_points=4,
    sources={
        "caseness": _MANUAL + "; " + _NHS_DIGITAL + ": a case scores at or above "
        "the clinical cutoff on the depression measure (PHQ-9 10 or more) or the "
        "anxiety measure (GAD-7 8 or more), or both. Services use an anxiety "
        "disorder specific measure in place of the GAD-7 where one applies; "
        "peerkit does not",
        "recovery": _MANUAL + "; " + _NHS_DIGITAL + ": a case at the first "
        "score who is not a case at the last (below the cutoff on both); the "
        "rate's denominator leaves out those not at caseness at the start",
        "reliable_improvement": _GYANI_2013 + "; " + _MANUAL + ": a fall of 6 "
        "points or more on the PHQ-9 or 4 or more on the GAD-7, with no reliable "
        "rise on the other; the rate's denominator is everyone with paired scores",
        "reliable_recovery": _GYANI_2013 + "; " + _MANUAL + ": recovered and "
        "reliably improved, over those at caseness at the start",
        "reliable_deterioration": _NHS_DIGITAL + ": a rise of 6 points or more "
        "on the PHQ-9 or 4 or more on the GAD-7, with no reliable fall on the "
        "other; over everyone with paired scores",
        "paired": _NHS_DIGITAL + ": outcomes are the first and last scores of a "
        "finished course (at least two treatment sessions); peerkit pairs each "
        "member's first and last available score on each questionnaire",
    },
)
"""
NHS Talking Therapies' caseness: PHQ-9 of 10 or more or GAD-7 of 8 or more.

Reliable change is 6 points on the PHQ-9 and 4 on the GAD-7. Each
definition's source is in ``sources``; see the explanation page "Counting
as services count".
"""


def _optional_rate() -> Any:
    return attrs.field(
        converter=to_optional_float, validator=number(0.0, 1.0, optional=True)
    )


@attrs.frozen(kw_only=True)
class MemberRecovery:
    """
    One member's combined result: first and last scores, and what they amount to.

    Attributes:
        member_id: Whose result it is.
        depression_before: The first depression score.
        depression_after: The last depression score.
        anxiety_before: The first anxiety score.
        anxiety_after: The last anxiety score.
        caseness_before: Whether the first scores were at caseness.
        caseness_after: Whether the last scores are.
        recovered: At caseness at the start and not at the end.
        reliable_improvement: A reliable improvement on either
            questionnaire and a reliable deterioration on neither.
        reliable_recovery: Recovered and reliably improved.
        reliable_deterioration: A reliable deterioration on either
            questionnaire and a reliable improvement on neither.
        reasons: The same in plain words, about this member alone.

    Examples:
        >>> from peerkit.outcomes import TALKING_THERAPIES, recovery_of
        >>> result = recovery_of("ada", (16, 8), (9, 5))
        >>> result.recovered, result.reliable_recovery
        (True, True)

    Added in 0.2.
    """

    member_id: str = attrs.field(validator=string())
    depression_before: float = attrs.field(converter=to_float, validator=number())
    depression_after: float = attrs.field(converter=to_float, validator=number())
    anxiety_before: float = attrs.field(converter=to_float, validator=number())
    anxiety_after: float = attrs.field(converter=to_float, validator=number())
    caseness_before: bool = attrs.field(validator=_bool)
    caseness_after: bool = attrs.field(validator=_bool)
    recovered: bool = attrs.field(validator=_bool)
    reliable_improvement: bool = attrs.field(validator=_bool)
    reliable_recovery: bool = attrs.field(validator=_bool)
    reliable_deterioration: bool = attrs.field(validator=_bool)
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


def _moved(instrument: Instrument, before: float, after: float, points: float) -> int:
    """+1 for a reliable improvement, -1 for a reliable deterioration, else 0."""
    rise = after - before
    if abs(rise) < points:
        return 0
    better = (rise > 0) == instrument.higher_is_better
    return 1 if better else -1


def _pair_words(instrument: Instrument, before: float, after: float) -> str:
    return f"{instrument.name} {score_text(before)} to {score_text(after)}"


def recovery_of(
    member_id: str,
    depression: tuple[float, float],
    anxiety: tuple[float, float],
    *,
    caseness: Caseness = TALKING_THERAPIES,
) -> MemberRecovery:
    """
    One member's combined result from their first and last scores.

    Args:
        member_id: Whose scores they are.
        depression: The first and last depression scores.
        anxiety: The first and last anxiety scores.
        caseness: The definitions; NHS Talking Therapies' by default.

    Raises:
        peerkit.errors.InvalidInputError: If a score is outside its
            questionnaire's range or a pair is not two scores.

    Examples:
        >>> result = recovery_of("ben", (12, 9), (9, 7))
        >>> result.recovered, result.reliable_improvement
        (True, False)
        >>> print(result.reasons[0].message)  # doctest: +NORMALIZE_WHITESPACE
        At caseness at the start (PHQ-9 12 to 9, GAD-7 9 to 7), below it on
        both at the end: recovered.

    Added in 0.2.
    """
    check_str("member_id", member_id)
    check_instance("caseness", caseness, Caseness, "a Caseness")
    dep, anx = caseness.depression, caseness.anxiety
    d0, d1 = _checked_pair("depression", depression, dep)
    a0, a1 = _checked_pair("anxiety", anxiety, anx)
    return _recovery(member_id, caseness, (d0, d1), (a0, a1))


def _checked_pair(
    path: str, pair: object, instrument: Instrument
) -> tuple[float, float]:
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise InvalidInputError(path, pair, "a (first, last) pair of scores")
    return (
        instrument.check_score(pair[0], field=f"{path}[0]"),
        instrument.check_score(pair[1], field=f"{path}[1]"),
    )


def _recovery(
    member_id: str,
    caseness: Caseness,
    depression: tuple[float, float],
    anxiety: tuple[float, float],
) -> MemberRecovery:
    """The combined result of scores already checked."""
    (d0, d1), (a0, a1) = depression, anxiety
    dep, anx = caseness.depression, caseness.anxiety
    before = caseness.is_case(d0, a0)
    after = caseness.is_case(d1, a1)
    moves = (
        _moved(dep, d0, d1, caseness.depression_points),
        _moved(anx, a0, a1, caseness.anxiety_points),
    )
    improved = 1 in moves
    worse = -1 in moves
    reliable_improvement = improved and not worse
    reliable_deterioration = worse and not improved
    recovered = before and not after
    scores = f"{_pair_words(dep, d0, d1)}, {_pair_words(anx, a0, a1)}"
    if not before:
        case = Reason(
            "recovery.not_case",
            0.0,
            f"Not at caseness at the start ({scores}): recovery does not apply.",
        )
    elif recovered:
        case = Reason(
            "recovery.recovered",
            1.0,
            f"At caseness at the start ({scores}), below it on both at the end: "
            "recovered.",
        )
    else:
        case = Reason(
            "recovery.still_case",
            0.0,
            f"At caseness at the start ({scores}) and still at the end.",
        )
    limits = (
        f"a reliable change is {score_text(caseness.depression_points)} points on "
        f"the {dep.name}, {score_text(caseness.anxiety_points)} on the {anx.name}"
    )
    if reliable_improvement:
        change = Reason(
            "recovery.reliable_improvement",
            1.0,
            f"A reliable improvement, and no reliable deterioration ({limits})."
            + (
                " Recovered and reliably improved: a reliable recovery."
                if recovered
                else ""
            ),
        )
    elif reliable_deterioration:
        change = Reason(
            "recovery.reliable_deterioration",
            -1.0,
            f"A reliable deterioration, and no reliable improvement ({limits}).",
        )
    elif improved:
        change = Reason(
            "recovery.mixed",
            0.0,
            f"A reliable improvement on one questionnaire and a reliable "
            f"deterioration on the other: neither counts ({limits}).",
        )
    else:
        change = Reason(
            "recovery.no_reliable_change",
            0.0,
            f"No reliable change on either questionnaire ({limits}).",
        )
    return MemberRecovery(
        member_id=member_id,
        depression_before=d0,
        depression_after=d1,
        anxiety_before=a0,
        anxiety_after=a1,
        caseness_before=before,
        caseness_after=after,
        recovered=recovered,
        reliable_improvement=reliable_improvement,
        reliable_recovery=recovered and reliable_improvement,
        reliable_deterioration=reliable_deterioration,
        reasons=(case, change),
    )


@attrs.frozen(kw_only=True)
class RecoverySummary:
    """
    A programme's results the way NHS Talking Therapies counts them.

    Each rate comes with its numerator and its denominator as counts:
    recovery and reliable recovery are over members at caseness at the
    start (``caseness_count``); reliable improvement and reliable
    deterioration over every member with paired scores (``paired_count``).
    A rate is None when its denominator is 0. As in `OutcomeSummary`,
    nothing is imputed: members without paired scores are counted and
    listed, and ``described`` says what share of the cohort the figures
    cover.

    Attributes:
        depression: The depression questionnaire's name.
        anxiety: The anxiety questionnaire's name.
        member_count: Members the programme is accountable for: the roster
            if one was given, else every member with a measurement.
        paired_count: Members with two or more scores at different
            instants on both questionnaires.
        caseness_count: Paired members at caseness at the start.
        recovered_count: Of those, how many recovered.
        reliable_improvement_count: Paired members who reliably improved.
        reliable_recovery_count: Members who recovered and reliably improved.
        reliable_deterioration_count: Paired members who reliably
            deteriorated.
        recovery_rate: ``recovered_count / caseness_count``.
        reliable_improvement_rate: ``reliable_improvement_count /
            paired_count``.
        reliable_recovery_rate: ``reliable_recovery_count / caseness_count``.
        reliable_deterioration_rate: ``reliable_deterioration_count /
            paired_count``.
        lost: Members with a score but no pair on one questionnaire or
            both, by id.
        no_baseline: Members on the roster with no score at all, by id.
        described: ``paired_count / member_count`` (None for an empty
            cohort).
        baseline_mean: Paired members' mean first depression score.
        lost_baseline_mean: The mean first depression score of those lost
            who have one.
        members: Each paired member's `MemberRecovery`, by member id.
        reasons: The summary in plain words, counts only.
        sources: Where each definition comes from (the `Caseness`'s).

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import GAD7, PHQ9, Measurement, combined_recovery
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> scores = {"ada": ((16, 8), (9, 5)), "ben": ((12, 9), (9, 7))}
        >>> measurements = [
        ...     Measurement(who, instrument, day.add(weeks=week), score)
        ...     for who, pairs in scores.items()
        ...     for instrument, pair in zip((PHQ9, GAD7), pairs)
        ...     for week, score in zip((0, 8), pair)
        ... ]
        >>> summary = combined_recovery(measurements)
        >>> summary.recovered_count, summary.caseness_count, summary.recovery_rate
        (2, 2, 1.0)
        >>> summary.reliable_recovery_count, summary.reliable_recovery_rate
        (1, 0.5)

    Added in 0.2.
    """

    depression: str = attrs.field(validator=string())
    anxiety: str = attrs.field(validator=string())
    member_count: int = attrs.field(validator=count())
    paired_count: int = attrs.field(validator=count())
    caseness_count: int = attrs.field(validator=count())
    recovered_count: int = attrs.field(validator=count())
    reliable_improvement_count: int = attrs.field(validator=count())
    reliable_recovery_count: int = attrs.field(validator=count())
    reliable_deterioration_count: int = attrs.field(validator=count())
    recovery_rate: float | None = _optional_rate()
    reliable_improvement_rate: float | None = _optional_rate()
    reliable_recovery_rate: float | None = _optional_rate()
    reliable_deterioration_rate: float | None = _optional_rate()
    lost: tuple[str, ...] = attrs.field(validator=MEMBER_IDS)
    no_baseline: tuple[str, ...] = attrs.field(validator=MEMBER_IDS)
    described: float | None = _optional_rate()
    baseline_mean: float | None = optional_number_field()
    lost_baseline_mean: float | None = optional_number_field()
    members: tuple[MemberRecovery, ...] = attrs.field(
        validator=tuple_of(MemberRecovery, "a MemberRecovery")
    )
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))
    sources: Mapping[str, str] = attrs.field(
        factory=dict,
        converter=to_str_map,
        validator=[str_map(), source_keys_in(RECOVERY_SOURCE_KEYS)],
    )


class _Ends(NamedTuple):
    """A member's first and last score on one questionnaire."""

    first_at: Any
    first: float
    last_at: Any
    last: float


def _roster(members: object) -> set[str] | None:
    if members is None:
        return None
    listed = check_iterable("members", members, "an iterable of member ids")
    return {check_str(f"members[{i}]", member) for i, member in enumerate(listed)}


def _which(instrument: Instrument, dep: Instrument, anx: Instrument) -> int:
    """0 for the depression questionnaire, 1 for the anxiety one, else -1."""
    if dep.same_questionnaire(instrument):
        return 0
    if anx.same_questionnaire(instrument):
        return 1
    return -1


def _ends(
    measurements: object, caseness: Caseness, roster: set[str] | None
) -> tuple[dict[str, _Ends], dict[str, _Ends]]:
    """Each member's first and last score on each questionnaire, checked."""
    listed = check_iterable("measurements", measurements, "an iterable of Measurement")
    dep, anx = caseness.depression, caseness.anxiety
    # Each member's measurements by questionnaire, with their input position:
    # instants are compared after a sort, never hashed (a first hash of an
    # aware datetime costs microseconds, and there are hundreds of thousands).
    taken: tuple[dict[str, list[tuple[Any, int]]], ...] = ({}, {})
    last_instrument: Instrument | None = None
    last_which = -1
    for i, item in enumerate(listed):
        if type(item) is not Measurement:
            check_instance(f"measurements[{i}]", item, Measurement, "a Measurement")
        instrument = item.instrument
        if instrument is not last_instrument:  # most share one Instrument value
            last_instrument, last_which = instrument, _which(instrument, dep, anx)
        which = last_which
        if which < 0:
            continue  # another questionnaire: not part of caseness
        member = item.member_id
        if roster is not None and member not in roster:
            raise InvalidInputError(
                f"measurements[{i}].member_id", member, "a member of members"
            )
        own = taken[which].get(member)
        if own is None:
            taken[which][member] = [(item, i)]
        else:
            own.append((item, i))
    ends: tuple[dict[str, _Ends], dict[str, _Ends]] = ({}, {})
    for which in (0, 1):
        for member, own in taken[which].items():
            ends[which][member] = _first_and_last(own)
    return ends


def _first_and_last(own: list[tuple[Measurement, int]]) -> _Ends:
    """The first and last score of one member's series, refusing clashes."""
    own.sort(key=lambda pair: (pair[0].at, pair[1]))
    for (before, _), (after, i) in itertools.pairwise(own):
        if after.at == before.at and after.score != before.score:
            raise InvalidInputError(
                f"measurements[{i}]",
                after,
                "one score per member per questionnaire per instant (another differs)",
            )
    first, last = own[0][0], own[-1][0]
    return _Ends(first.at, first.score, last.at, last.score)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def combined_recovery(
    measurements: Iterable[Measurement],
    *,
    members: Iterable[str] | None = None,
    caseness: Caseness = TALKING_THERAPIES,
) -> RecoverySummary:
    """
    Recovery, reliable improvement and deterioration as NHS Talking Therapies counts.

    Each member's first and last available scores on the PHQ-9 and on the
    GAD-7 (the questionnaires of *caseness*) are paired; a member needs two
    or more scores at different instants on both. On the pairs:

    - **caseness** at the start: PHQ-9 of 10 or more or GAD-7 of 8 or more;
    - **recovery**: a case at the start, below caseness on both at the end;
    - **reliable improvement**: a fall of 6 points or more on the PHQ-9 or
      4 or more on the GAD-7, and no reliable rise on either;
    - **reliable recovery**: both of the above;
    - **reliable deterioration**: a reliable rise on either and a reliable
      fall on neither.

    Rates come with their denominators (see `RecoverySummary`); members
    without paired scores are counted and listed, never dropped or
    imputed, as `programme_outcomes` does.

    Args:
        measurements: PHQ-9 and GAD-7 scores (the questionnaires of
            *caseness*), any order, any number per member; scores on other
            questionnaires are ignored.
        members: The cohort's member ids, if you have a roster: members
            with no measurement then count as having no baseline.
        caseness: The definitions; NHS Talking Therapies' by default.

    Raises:
        peerkit.errors.InvalidInputError: If a measurement is not a
            `Measurement` or is of a member not in *members*, or a member
            has two different scores on one questionnaire at one instant.

    Examples:
        >>> from peerkit.datasets import sample_outcomes
        >>> summary = combined_recovery(sample_outcomes().measurements)
        >>> summary.paired_count, summary.caseness_count, summary.recovered_count
        (46, 45, 13)
        >>> print(summary.reasons[1].message)  # doctest: +NORMALIZE_WHITESPACE
        Of the 46 with paired scores, 45 were at caseness at the start; 13 of
        them recovered (29%) and 10 reliably recovered (22%).

    Added in 0.2.
    """
    check_instance("caseness", caseness, Caseness, "a Caseness")
    roster = _roster(members)
    dep_ends, anx_ends = _ends(measurements, caseness, roster)
    ids = sorted(roster if roster is not None else dep_ends.keys() | anx_ends.keys())
    results: list[MemberRecovery] = []
    lost: list[str] = []
    lost_firsts: list[float] = []
    no_baseline: list[str] = []
    for member in ids:
        dep, anx = dep_ends.get(member), anx_ends.get(member)
        if dep is None and anx is None:
            no_baseline.append(member)
            continue
        if (
            dep is None
            or anx is None
            or dep.last_at == dep.first_at
            or anx.last_at == anx.first_at
        ):
            lost.append(member)
            if dep is not None:
                lost_firsts.append(dep.first)
            continue
        results.append(
            _recovery(member, caseness, (dep.first, dep.last), (anx.first, anx.last))
        )
    paired = len(results)
    cases = sum(r.caseness_before for r in results)
    recovered = sum(r.recovered for r in results)
    improved = sum(r.reliable_improvement for r in results)
    reliably_recovered = sum(r.reliable_recovery for r in results)
    worse = sum(r.reliable_deterioration for r in results)
    baseline_mean = (
        math.fsum(r.depression_before for r in results) / paired if paired else None
    )
    lost_mean = math.fsum(lost_firsts) / len(lost_firsts) if lost_firsts else None
    counts = _Counts(
        member_count=len(ids),
        paired_count=paired,
        caseness_count=cases,
        recovered_count=recovered,
        reliable_improvement_count=improved,
        reliable_recovery_count=reliably_recovered,
        reliable_deterioration_count=worse,
        lost_count=len(lost),
        no_baseline_count=len(no_baseline),
    )
    return RecoverySummary(
        depression=caseness.depression.name,
        anxiety=caseness.anxiety.name,
        member_count=len(ids),
        paired_count=paired,
        caseness_count=cases,
        recovered_count=recovered,
        reliable_improvement_count=improved,
        reliable_recovery_count=reliably_recovered,
        reliable_deterioration_count=worse,
        recovery_rate=_rate(recovered, cases),
        reliable_improvement_rate=_rate(improved, paired),
        reliable_recovery_rate=_rate(reliably_recovered, cases),
        reliable_deterioration_rate=_rate(worse, paired),
        lost=tuple(lost),
        no_baseline=tuple(no_baseline),
        described=_rate(paired, len(ids)),
        baseline_mean=baseline_mean,
        lost_baseline_mean=lost_mean,
        members=tuple(results),
        reasons=_reasons(caseness, counts, baseline_mean, lost_mean),
        sources=caseness.sources,
    )


class _Counts(NamedTuple):
    member_count: int
    paired_count: int
    caseness_count: int
    recovered_count: int
    reliable_improvement_count: int
    reliable_recovery_count: int
    reliable_deterioration_count: int
    lost_count: int
    no_baseline_count: int


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}"


def _reasons(
    caseness: Caseness,
    counts: _Counts,
    baseline_mean: float | None,
    lost_mean: float | None,
) -> tuple[Reason, ...]:
    dep, anx = caseness.depression.name, caseness.anxiety.name
    whole = counts.member_count
    if not whole:
        return (Reason("recovery.empty", 0.0, f"No {dep} or {anx} scores to report."),)
    paired = counts.paired_count
    text = f"The results describe {paired} of {whole} members ({_share(paired, whole)})"
    missing = []
    if counts.lost_count:
        has = "has" if counts.lost_count == 1 else "have"
        missing.append(
            f"{counts.lost_count} {has} fewer than two scores on the {dep} or the {anx}"
        )
    if counts.no_baseline_count:
        has = "has" if counts.no_baseline_count == 1 else "have"
        missing.append(f"{counts.no_baseline_count} {has} no score")
    text += f"; {' and '.join(missing)}." if missing else "."
    reasons = [Reason("recovery.described", paired / whole, text)]
    if paired:
        cases = counts.caseness_count
        if cases:
            case_text = (
                f"Of the {paired} with paired scores, {cases} were at caseness at "
                f"the start; {counts.recovered_count} of them recovered "
                f"({_share(counts.recovered_count, cases)}) and "
                f"{counts.reliable_recovery_count} reliably recovered "
                f"({_share(counts.reliable_recovery_count, cases)})."
            )
        else:
            case_text = (
                f"None of the {paired} with paired scores was at caseness at "
                "the start, so there is no recovery rate."
            )
        reasons.append(
            Reason("recovery.rates", float(counts.recovered_count), case_text)
        )
        reasons.append(
            Reason(
                "recovery.reliable_change",
                float(counts.reliable_improvement_count),
                f"{counts.reliable_improvement_count} of {paired} reliably improved "
                f"({_share(counts.reliable_improvement_count, paired)}) and "
                f"{counts.reliable_deterioration_count} reliably deteriorated "
                f"({_share(counts.reliable_deterioration_count, paired)}) "
                f"(a reliable change is {score_text(caseness.depression_points)} "
                f"points on the {dep}, {score_text(caseness.anxiety_points)} on "
                f"the {anx}).",
            )
        )
    if baseline_mean is not None and lost_mean is not None:
        worse = (
            baseline_mean - lost_mean
            if caseness.depression.higher_is_better
            else lost_mean - baseline_mean
        )
        reasons.append(
            Reason(
                "recovery.lost_baseline",
                worse,
                f"Those without paired scores started at {lost_mean:.1f} on the "
                f"{dep} on average, those with them at {baseline_mean:.1f}; if "
                "those lost fared differently, so would the results.",
            )
        )
    reasons.append(
        Reason(
            "recovery.no_comparison",
            0.0,
            "Without a comparison group these figures cannot show the programme "
            "caused the change.",
        )
    )
    return tuple(reasons)
