"""programme_outcomes: a programme's results, with attrition shown."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from peerkit._explain import Reason
from peerkit._intervals import Interval, as_period
from peerkit._validate import (
    check_instance,
    check_iterable,
    check_str,
    count,
    instance,
    string,
    tuple_of,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._change import Change, ChangeCategory, change_of, limit_words
from peerkit.outcomes._instrument import (
    MEMBER_IDS,
    Instrument,
    Measurement,
    check_measured_on,
    optional_number_field,
)
from peerkit.outcomes._stats import mean_interval, standardised_mean_interval

if TYPE_CHECKING:
    from collections.abc import Iterable


@attrs.frozen(kw_only=True)
class OutcomeSummary:
    """
    A programme's results on one questionnaire, with who they describe.

    Only members with both a baseline and a follow-up have a change; the
    summary never fills in a missing score. Everyone else is counted and
    listed, so a reader sees what share of the cohort the figures describe
    and whether those lost started out differently.

    Attributes:
        instrument: The questionnaire's name.
        baseline_period: When baseline scores were taken.
        followup_period: When follow-up scores were taken.
        member_count: Members the programme is accountable for: the roster
            if one was given, else every member with a measurement.
        with_baseline_count: Members with a baseline score.
        completed_count: Members with a baseline and a follow-up.
        lost: Members with a baseline and no follow-up, by id.
        no_baseline: Members in the cohort without a baseline, by id.
        described: ``completed_count / member_count``: the share of the
            cohort the results describe (None for an empty cohort).
        changes: Each completer's `Change`, by member id.
        recovered_count: Completers who recovered.
        improved_count: Completers who improved without recovering.
        unchanged_count: Completers with no reliable change.
        deteriorated_count: Completers who reliably deteriorated.
        baseline_mean: Completers' mean baseline score.
        followup_mean: Completers' mean follow-up score.
        lost_baseline_mean: The mean baseline score of those lost.
        mean_change: Completers' mean ``post - pre``.
        mean_change_low: Lower end of its 95% confidence interval (t).
        mean_change_high: Upper end.
        effect_size: Cohen's d_z, the mean change over the standard
            deviation of the changes; signed like the change.
        effect_low: Lower end of its exact 95% interval (noncentral t).
        effect_high: Upper end.
        reasons: The summary in plain words, counts only.

    Examples:
        >>> from peerkit.datasets import sample_outcomes
        >>> from peerkit.outcomes import PHQ9, programme_outcomes
        >>> sample = sample_outcomes()
        >>> summary = programme_outcomes(
        ...     sample.of(PHQ9),
        ...     instrument=PHQ9,
        ...     baseline_period=sample.baseline_period,
        ...     followup_period=sample.followup_period,
        ... )
        >>> summary.member_count, summary.completed_count, len(summary.lost)
        (60, 46, 13)
        >>> summary.described
        0.7666666666666667
        >>> (
        ...     summary.recovered_count,
        ...     summary.improved_count,
        ...     summary.unchanged_count,
        ...     summary.deteriorated_count,
        ... )
        (10, 7, 29, 0)
        >>> [reason.code for reason in summary.reasons][-2:]
        ['outcomes.lost_baseline', 'outcomes.no_comparison']

    Added in 0.1.
    """

    instrument: str = attrs.field(validator=string())
    baseline_period: Interval = attrs.field(validator=instance(Interval, "an Interval"))
    followup_period: Interval = attrs.field(validator=instance(Interval, "an Interval"))
    member_count: int = attrs.field(validator=count())
    with_baseline_count: int = attrs.field(validator=count())
    completed_count: int = attrs.field(validator=count())
    lost: tuple[str, ...] = attrs.field(validator=MEMBER_IDS)
    no_baseline: tuple[str, ...] = attrs.field(validator=MEMBER_IDS)
    described: float | None = optional_number_field()
    changes: tuple[Change, ...] = attrs.field(validator=tuple_of(Change, "a Change"))
    recovered_count: int = attrs.field(validator=count())
    improved_count: int = attrs.field(validator=count())
    unchanged_count: int = attrs.field(validator=count())
    deteriorated_count: int = attrs.field(validator=count())
    baseline_mean: float | None = optional_number_field()
    followup_mean: float | None = optional_number_field()
    lost_baseline_mean: float | None = optional_number_field()
    mean_change: float | None = optional_number_field()
    mean_change_low: float | None = optional_number_field()
    mean_change_high: float | None = optional_number_field()
    effect_size: float | None = optional_number_field()
    effect_low: float | None = optional_number_field()
    effect_high: float | None = optional_number_field()
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


def _roster(members: object) -> set[str] | None:
    if members is None:
        return None
    listed = check_iterable("members", members, "an iterable of member ids")
    return {check_str(f"members[{i}]", member) for i, member in enumerate(listed)}


def _by_member(
    measurements: object, instrument: Instrument, roster: set[str] | None
) -> dict[str, list[Measurement]]:
    """Each member's measurements, checked."""
    listed = check_iterable("measurements", measurements, "an iterable of Measurement")
    by_member: dict[str, list[Measurement]] = {}
    scores: dict[tuple[str, Any], float] = {}
    for i, item in enumerate(listed):
        path = f"measurements[{i}]"
        check_instance(path, item, Measurement, "a Measurement")
        check_measured_on(path, item, instrument)
        if roster is not None and item.member_id not in roster:
            raise InvalidInputError(
                f"{path}.member_id", item.member_id, "a member of members"
            )
        if scores.setdefault((item.member_id, item.at), item.score) != item.score:
            raise InvalidInputError(
                path, item, "one score per member per instant (another differs)"
            )
        by_member.setdefault(item.member_id, []).append(item)
    return by_member


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\N{MINUS SIGN}")


def _share(part: int, whole: int, noun: str) -> str:
    return f"{part} of {whole} {noun} ({part / whole:.0%})"


def _periods(
    baseline_period: object, followup_period: object
) -> tuple[Interval, Interval]:
    """The two periods, the follow-up starting no earlier than the baseline ends."""
    before = as_period("baseline_period", baseline_period)
    after = as_period("followup_period", followup_period)
    if after.start < before.end:
        raise InvalidInputError(
            "followup_period",
            followup_period,
            f"a period starting when the baseline period ends ({before.end}) or later",
        )
    return before, after


class _Cohort(NamedTuple):
    """Who the summary describes: each member's place in it, by id."""

    member_count: int
    changes: tuple[Change, ...]
    lost: tuple[str, ...]
    lost_baselines: tuple[float, ...]
    no_baseline: tuple[str, ...]


def _sort_cohort(
    members: list[str],
    by_member: dict[str, list[Measurement]],
    instrument: Instrument,
    before: Interval,
    after: Interval,
) -> _Cohort:
    """Each member's baseline (first in *before*) and follow-up (last in *after*)."""
    changes: list[Change] = []
    lost: list[str] = []
    lost_baselines: list[float] = []
    no_baseline: list[str] = []
    for member in members:
        own = by_member.get(member, [])
        firsts = [m for m in own if m.at in before]
        lasts = [m for m in own if m.at in after]
        if not firsts:
            no_baseline.append(member)
            continue
        pre = min(firsts, key=lambda m: m.at).score
        if not lasts:
            lost.append(member)
            lost_baselines.append(pre)
            continue
        post = max(lasts, key=lambda m: m.at).score
        changes.append(change_of(instrument, pre, post, member))
    return _Cohort(
        member_count=len(members),
        changes=tuple(changes),
        lost=tuple(lost),
        lost_baselines=tuple(lost_baselines),
        no_baseline=tuple(no_baseline),
    )


class _Figures(NamedTuple):
    """The summary's statistics: each None where too few members give it."""

    baseline_mean: float | None = None
    followup_mean: float | None = None
    lost_baseline_mean: float | None = None
    mean_change: float | None = None
    mean_change_low: float | None = None
    mean_change_high: float | None = None
    effect_size: float | None = None
    effect_low: float | None = None
    effect_high: float | None = None


def _mean(values: tuple[float, ...] | list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _figures(cohort: _Cohort) -> _Figures:
    changes = cohort.changes
    diffs = [c.post - c.pre for c in changes]
    means = _Figures(
        baseline_mean=_mean([c.pre for c in changes]),
        followup_mean=_mean([c.post for c in changes]),
        lost_baseline_mean=_mean(cohort.lost_baselines),
        mean_change=_mean(diffs),
    )
    if len(diffs) < 2:
        return means
    mean, sd, low, high = mean_interval(diffs)
    figures = means._replace(mean_change_low=low, mean_change_high=high)
    if sd <= 0:
        return figures
    d, d_low, d_high = standardised_mean_interval(mean, sd, len(diffs))
    return figures._replace(effect_size=d, effect_low=d_low, effect_high=d_high)


def _category_counts(changes: tuple[Change, ...]) -> dict[ChangeCategory, int]:
    counts = dict.fromkeys(ChangeCategory, 0)
    for change in changes:
        counts[change.category] += 1
    return counts


def programme_outcomes(
    measurements: Iterable[Measurement],
    *,
    instrument: Instrument,
    baseline_period: Interval | tuple[Any, Any],
    followup_period: Interval | tuple[Any, Any],
    members: Iterable[str] | None = None,
) -> OutcomeSummary:
    """
    A programme's results on one questionnaire, honestly.

    Each member's baseline is their first score in *baseline_period*, their
    follow-up their last in *followup_period*. Members with both get a
    `reliable_change`; the summary counts the categories, gives the mean
    change with its 95% t interval and a standardised effect size (Cohen's
    d_z) with its exact 95% interval. Members with a baseline and no
    follow-up are not dropped: they are counted and listed in ``lost``, and
    ``described`` says what share of the cohort the figures cover. Nothing
    is imputed.

    Args:
        measurements: Scores on *instrument*, any order; scores outside
            both periods are ignored.
        instrument: The questionnaire.
        baseline_period: An `Interval`, or a ``(start, end)`` pair.
        followup_period: The same, starting no earlier than the baseline
            period ends.
        members: The cohort's member ids, if you have a roster: members
            with no measurement at all then count as having no baseline.
            Without it the cohort is everyone with a measurement.

    Raises:
        peerkit.errors.InvalidInputError: If a measurement is of another
            instrument or of a member not in *members*, a member has two
            different scores at one instant, or the periods overlap.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> scores = {"ada": (17, 8), "ben": (12, 11), "cy": (15, None)}
        >>> measurements = [
        ...     Measurement(who, PHQ9, day.add(weeks=week), score)
        ...     for who, pair in scores.items()
        ...     for week, score in zip((0, 12), pair)
        ...     if score is not None
        ... ]
        >>> summary = programme_outcomes(
        ...     measurements,
        ...     instrument=PHQ9,
        ...     baseline_period=(day, day.add(weeks=2)),
        ...     followup_period=(day.add(weeks=10), day.add(weeks=14)),
        ... )
        >>> summary.completed_count, summary.lost, summary.recovered_count
        (2, ('cy',), 1)
        >>> print(summary.reasons[0].message)
        The results describe 2 of 3 members (67%); 1 with a baseline has no follow-up.

    Added in 0.1.
    """
    check_instance("instrument", instrument, Instrument, "an Instrument")
    before, after = _periods(baseline_period, followup_period)
    roster = _roster(members)
    by_member = _by_member(measurements, instrument, roster)
    ids = sorted(roster if roster is not None else by_member)
    cohort = _sort_cohort(ids, by_member, instrument, before, after)
    figures = _figures(cohort)
    counts = _category_counts(cohort.changes)
    completed = len(cohort.changes)
    return OutcomeSummary(
        instrument=instrument.name,
        baseline_period=before,
        followup_period=after,
        member_count=cohort.member_count,
        with_baseline_count=completed + len(cohort.lost),
        completed_count=completed,
        lost=cohort.lost,
        no_baseline=cohort.no_baseline,
        described=completed / cohort.member_count if cohort.member_count else None,
        changes=cohort.changes,
        recovered_count=counts[ChangeCategory.RECOVERED],
        improved_count=counts[ChangeCategory.IMPROVED],
        unchanged_count=counts[ChangeCategory.UNCHANGED],
        deteriorated_count=counts[ChangeCategory.DETERIORATED],
        baseline_mean=figures.baseline_mean,
        followup_mean=figures.followup_mean,
        lost_baseline_mean=figures.lost_baseline_mean,
        mean_change=figures.mean_change,
        mean_change_low=figures.mean_change_low,
        mean_change_high=figures.mean_change_high,
        effect_size=figures.effect_size,
        effect_low=figures.effect_low,
        effect_high=figures.effect_high,
        reasons=_reasons(instrument, cohort, counts, figures),
    )


def _reasons(
    instrument: Instrument,
    cohort: _Cohort,
    counts: dict[ChangeCategory, int],
    figures: _Figures,
) -> tuple[Reason, ...]:
    if not cohort.member_count:
        return (
            Reason("outcomes.empty", 0.0, f"No {instrument.name} scores to report."),
        )
    completed = len(cohort.changes)
    reasons = [_described_reason(cohort)]
    if completed:
        reasons.append(_categories_reason(instrument, completed, counts))
    mean_change = _mean_change_reason(instrument, figures)
    if mean_change is not None:
        reasons.append(mean_change)
    elif completed == 1:
        reasons.append(
            Reason(
                "outcomes.too_few",
                0.0,
                "One member has both scores: too few for an interval.",
            )
        )
    lost_baseline = _lost_baseline_reason(instrument, figures)
    if lost_baseline is not None:
        reasons.append(lost_baseline)
    reasons.append(
        Reason(
            "outcomes.no_comparison",
            0.0,
            "Without a comparison group these figures cannot show the "
            "programme caused the change.",
        )
    )
    return tuple(reasons)


def _described_reason(cohort: _Cohort) -> Reason:
    completed, whole = len(cohort.changes), cohort.member_count
    missing = []
    for count_, words in (
        (len(cohort.lost), "with a baseline {has} no follow-up"),
        (len(cohort.no_baseline), "{has} no baseline"),
    ):
        if count_:
            has = "has" if count_ == 1 else "have"
            missing.append(f"{count_} {words.format(has=has)}")
    text = f"The results describe {_share(completed, whole, 'members')}"
    text += f"; {' and '.join(missing)}." if missing else "."
    return Reason("outcomes.described", completed / whole, text)


def _categories_reason(
    instrument: Instrument, completed: int, counts: dict[ChangeCategory, int]
) -> Reason:
    parts = [
        f"{counts[category]} {category.value}"
        for category in ChangeCategory
        if instrument.cutoff is not None or category is not ChangeCategory.RECOVERED
    ]
    return Reason(
        "outcomes.categories",
        float(counts[ChangeCategory.RECOVERED] + counts[ChangeCategory.IMPROVED]),
        f"Of the {completed} with both scores: {', '.join(parts[:-1])} and "
        f"{parts[-1]} (a reliable change on the {instrument.name} is "
        f"{limit_words(instrument)}).",
    )


def _mean_change_reason(instrument: Instrument, figures: _Figures) -> Reason | None:
    mean, low, high = (
        figures.mean_change,
        figures.mean_change_low,
        figures.mean_change_high,
    )
    if mean is None or low is None or high is None:
        return None
    text = (
        f"Mean change {_signed(mean)} points (95% CI {_signed(low)} to {_signed(high)})"
    )
    d = figures.effect_size
    if d is not None:
        text += (
            f", standardised d_z {_signed(d)} "
            f"({_signed(figures.effect_low or 0.0)} to "
            f"{_signed(figures.effect_high or 0.0)})"
        )
    if low <= 0.0 <= high:
        text += "; the interval includes no change."
    else:
        better = (mean > 0) == instrument.higher_is_better
        text += f": on average members {'improved' if better else 'got worse'}."
    sign = 1.0 if instrument.higher_is_better else -1.0
    return Reason("outcomes.mean_change", sign * mean, text)


def _lost_baseline_reason(instrument: Instrument, figures: _Figures) -> Reason | None:
    lost_mean, kept_mean = figures.lost_baseline_mean, figures.baseline_mean
    if lost_mean is None or kept_mean is None:
        return None
    # Weighed like the others: positive when those lost started worse off.
    worse = (
        kept_mean - lost_mean if instrument.higher_is_better else lost_mean - kept_mean
    )
    return Reason(
        "outcomes.lost_baseline",
        worse,
        f"Those without a follow-up started at {lost_mean:.1f} on average, "
        f"those with one at {kept_mean:.1f}; if those lost fared "
        "differently, so would the results.",
    )
