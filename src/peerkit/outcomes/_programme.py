"""programme_outcomes: a programme's results, with attrition shown."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from peerkit._explain import Reason
from peerkit._intervals import Interval, as_period
from peerkit._validate import (
    check_str,
    count,
    instance,
    number,
    string,
    to_optional_float,
    tuple_of,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._change import Change, ChangeCategory, change_of, limit_words
from peerkit.outcomes._instrument import Instrument, Measurement, check_measured_on
from peerkit.outcomes._stats import mean_interval, standardised_mean_interval


def _ids(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidInputError(attr.name, value, "a sequence of member ids")
    for i, item in enumerate(value):
        check_str(f"{attr.name}[{i}]", item)


def _stat() -> Any:
    return attrs.field(converter=to_optional_float, validator=number(optional=True))


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
        baseline_window: When baseline scores were taken.
        followup_window: When follow-up scores were taken.
        cohort: Members the programme is accountable for: the roster if one
            was given, else every member with a measurement.
        with_baseline: Members with a baseline score.
        completed: Members with a baseline and a follow-up.
        lost: Members with a baseline and no follow-up, by id.
        no_baseline: Members in the cohort without a baseline, by id.
        described: ``completed / cohort``: the share of the cohort the
            results describe (None for an empty cohort).
        changes: Each completer's `Change`, by member id.
        recovered: Completers who recovered.
        improved: Completers who improved without recovering.
        unchanged: Completers with no reliable change.
        deteriorated: Completers who reliably deteriorated.
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
        ...     baseline_window=sample.baseline_window,
        ...     followup_window=sample.followup_window,
        ... )
        >>> summary.cohort, summary.completed, len(summary.lost), summary.described
        (60, 46, 13, 0.7666666666666667)
        >>> summary.recovered, summary.improved, summary.unchanged, summary.deteriorated
        (10, 7, 29, 0)
        >>> [reason.code for reason in summary.reasons][-2:]
        ['outcomes.lost_baseline', 'outcomes.no_comparison']

    Added in 0.1.
    """

    instrument: str = attrs.field(validator=string())
    baseline_window: Interval = attrs.field(validator=instance(Interval, "an Interval"))
    followup_window: Interval = attrs.field(validator=instance(Interval, "an Interval"))
    cohort: int = attrs.field(validator=count())
    with_baseline: int = attrs.field(validator=count())
    completed: int = attrs.field(validator=count())
    lost: tuple[str, ...] = attrs.field(validator=_ids)
    no_baseline: tuple[str, ...] = attrs.field(validator=_ids)
    described: float | None = _stat()
    changes: tuple[Change, ...] = attrs.field(validator=tuple_of(Change, "a Change"))
    recovered: int = attrs.field(validator=count())
    improved: int = attrs.field(validator=count())
    unchanged: int = attrs.field(validator=count())
    deteriorated: int = attrs.field(validator=count())
    baseline_mean: float | None = _stat()
    followup_mean: float | None = _stat()
    lost_baseline_mean: float | None = _stat()
    mean_change: float | None = _stat()
    mean_change_low: float | None = _stat()
    mean_change_high: float | None = _stat()
    effect_size: float | None = _stat()
    effect_low: float | None = _stat()
    effect_high: float | None = _stat()
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


def _roster(members: object) -> set[str] | None:
    if members is None:
        return None
    if isinstance(members, (str, bytes, Mapping)) or not isinstance(members, Iterable):
        raise InvalidInputError("members", members, "an iterable of member ids")
    roster = set()
    for i, member in enumerate(members):
        roster.add(check_str(f"members[{i}]", member))
    return roster


def _pick(
    measurements: object, instrument: Instrument, roster: set[str] | None
) -> tuple[set[str], dict[str, list[Measurement]]]:
    """Every member id seen, and each member's measurements, checked."""
    if isinstance(measurements, (str, bytes, Mapping)) or not isinstance(
        measurements, Iterable
    ):
        raise InvalidInputError(
            "measurements", measurements, "an iterable of Measurement"
        )
    seen: set[str] = set()
    by_member: dict[str, list[Measurement]] = {}
    scores: dict[tuple[str, Any], float] = {}
    for i, item in enumerate(measurements):
        if not isinstance(item, Measurement):
            raise InvalidInputError(f"measurements[{i}]", item, "a Measurement")
        check_measured_on(f"measurements[{i}]", item, instrument)
        if roster is not None and item.member_id not in roster:
            raise InvalidInputError(
                f"measurements[{i}].member_id", item.member_id, "a member of members"
            )
        key = (item.member_id, item.at)
        if scores.setdefault(key, item.score) != item.score:
            raise InvalidInputError(
                f"measurements[{i}]",
                item,
                "one score per member per instant (another differs)",
            )
        seen.add(item.member_id)
        by_member.setdefault(item.member_id, []).append(item)
    return seen, by_member


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\N{MINUS SIGN}")


def _share(part: int, whole: int, noun: str) -> str:
    return f"{part} of {whole} {noun} ({part / whole:.0%})"


def programme_outcomes(
    measurements: Iterable[Measurement],
    *,
    instrument: Instrument,
    baseline_window: Interval | tuple[Any, Any],
    followup_window: Interval | tuple[Any, Any],
    members: Iterable[str] | None = None,
) -> OutcomeSummary:
    """
    A programme's results on one questionnaire, honestly.

    Each member's baseline is their first score in *baseline_window*, their
    follow-up their last in *followup_window*. Members with both get a
    `reliable_change`; the summary counts the categories, gives the mean
    change with its 95% t interval and a standardised effect size (Cohen's
    d_z) with its exact 95% interval. Members with a baseline and no
    follow-up are not dropped: they are counted and listed in ``lost``, and
    ``described`` says what share of the cohort the figures cover. Nothing
    is imputed.

    Args:
        measurements: Scores on *instrument*, any order; scores outside
            both windows are ignored.
        instrument: The questionnaire.
        baseline_window: An `Interval`, or a ``(start, end)`` pair.
        followup_window: The same, starting no earlier than the baseline
            window ends.
        members: The cohort's member ids, if you have a roster: members
            with no measurement at all then count as having no baseline.
            Without it the cohort is everyone with a measurement.

    Raises:
        peerkit.errors.InvalidInputError: If a measurement is of another
            instrument or of a member not in *members*, a member has two
            different scores at one instant, or the windows overlap.

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
        ...     baseline_window=(day, day.add(weeks=2)),
        ...     followup_window=(day.add(weeks=10), day.add(weeks=14)),
        ... )
        >>> summary.completed, summary.lost, summary.recovered, summary.unchanged
        (2, ('cy',), 1, 1)
        >>> print(summary.reasons[0].message)
        The results describe 2 of 3 members (67%); 1 with a baseline has no follow-up.

    Added in 0.1.
    """
    if not isinstance(instrument, Instrument):
        raise InvalidInputError("instrument", instrument, "an Instrument")
    before = as_period("baseline_window", baseline_window)
    after = as_period("followup_window", followup_window)
    if after.start < before.end:
        raise InvalidInputError(
            "followup_window",
            followup_window,
            f"a window starting when the baseline window ends ({before.end}) or later",
        )
    roster = _roster(members)
    seen, by_member = _pick(measurements, instrument, roster)
    cohort = sorted(roster if roster is not None else seen)
    changes: list[Change] = []
    lost: list[str] = []
    lost_baselines: list[float] = []
    no_baseline: list[str] = []
    for member in cohort:
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
    return _summarise(
        instrument,
        before,
        after,
        cohort=len(cohort),
        changes=changes,
        lost=lost,
        lost_baselines=lost_baselines,
        no_baseline=no_baseline,
    )


def _summarise(  # noqa: PLR0913 - the pieces of one summary
    instrument: Instrument,
    before: Interval,
    after: Interval,
    *,
    cohort: int,
    changes: list[Change],
    lost: list[str],
    lost_baselines: list[float],
    no_baseline: list[str],
) -> OutcomeSummary:
    completed = len(changes)
    counts = dict.fromkeys(ChangeCategory, 0)
    for change in changes:
        counts[change.category] += 1
    diffs = [c.post - c.pre for c in changes]
    stats: dict[str, float | None] = dict.fromkeys(
        (
            "baseline_mean",
            "followup_mean",
            "lost_baseline_mean",
            "mean_change",
            "mean_change_low",
            "mean_change_high",
            "effect_size",
            "effect_low",
            "effect_high",
        )
    )
    if changes:
        stats["baseline_mean"] = math.fsum(c.pre for c in changes) / completed
        stats["followup_mean"] = math.fsum(c.post for c in changes) / completed
        stats["mean_change"] = math.fsum(diffs) / completed
    if lost_baselines:
        stats["lost_baseline_mean"] = math.fsum(lost_baselines) / len(lost_baselines)
    if completed >= 2:
        mean, sd, low, high = mean_interval(diffs)
        stats["mean_change_low"], stats["mean_change_high"] = low, high
        if sd > 0:
            d, d_low, d_high = standardised_mean_interval(mean, sd, completed)
            stats["effect_size"], stats["effect_low"], stats["effect_high"] = (
                d,
                d_low,
                d_high,
            )
    reasons = _reasons(
        instrument,
        cohort=cohort,
        completed=completed,
        lost=len(lost),
        no_baseline=len(no_baseline),
        counts=counts,
        stats=stats,
    )
    return OutcomeSummary(
        instrument=instrument.name,
        baseline_window=before,
        followup_window=after,
        cohort=cohort,
        with_baseline=completed + len(lost),
        completed=completed,
        lost=tuple(lost),
        no_baseline=tuple(no_baseline),
        described=completed / cohort if cohort else None,
        changes=tuple(changes),
        recovered=counts[ChangeCategory.RECOVERED],
        improved=counts[ChangeCategory.IMPROVED],
        unchanged=counts[ChangeCategory.UNCHANGED],
        deteriorated=counts[ChangeCategory.DETERIORATED],
        reasons=reasons,
        **stats,
    )


def _reasons(  # noqa: PLR0913 - the pieces of one summary
    instrument: Instrument,
    *,
    cohort: int,
    completed: int,
    lost: int,
    no_baseline: int,
    counts: dict[ChangeCategory, int],
    stats: dict[str, float | None],
) -> tuple[Reason, ...]:
    name = instrument.name
    if not cohort:
        return (Reason("outcomes.empty", 0.0, f"No {name} scores to report."),)
    missing = []
    if lost:
        has = "has" if lost == 1 else "have"
        missing.append(f"{lost} with a baseline {has} no follow-up")
    if no_baseline:
        has = "has" if no_baseline == 1 else "have"
        missing.append(f"{no_baseline} {has} no baseline")
    text = f"The results describe {_share(completed, cohort, 'members')}"
    text += f"; {' and '.join(missing)}." if missing else "."
    reasons = [Reason("outcomes.described", completed / cohort, text)]
    if completed:
        parts = [
            f"{counts[category]} {category.value}"
            for category in ChangeCategory
            if instrument.cutoff is not None or category is not ChangeCategory.RECOVERED
        ]
        reasons.append(
            Reason(
                "outcomes.categories",
                float(
                    counts[ChangeCategory.RECOVERED] + counts[ChangeCategory.IMPROVED]
                ),
                f"Of the {completed} with both scores: {', '.join(parts[:-1])} and "
                f"{parts[-1]} (a reliable change on the {name} is "
                f"{limit_words(instrument)}).",
            )
        )
    low, high = stats["mean_change_low"], stats["mean_change_high"]
    mean = stats["mean_change"]
    if mean is not None and low is not None and high is not None:
        text = (
            f"Mean change {_signed(mean)} points "
            f"(95% CI {_signed(low)} to {_signed(high)})"
        )
        d = stats["effect_size"]
        if d is not None:
            text += (
                f", standardised d_z {_signed(d)} "
                f"({_signed(stats['effect_low'] or 0.0)} to "
                f"{_signed(stats['effect_high'] or 0.0)})"
            )
        if low <= 0.0 <= high:
            text += "; the interval includes no change."
        else:
            better = (mean > 0) == instrument.higher_is_better
            text += f": on average members {'improved' if better else 'got worse'}."
        sign = 1.0 if instrument.higher_is_better else -1.0
        reasons.append(Reason("outcomes.mean_change", sign * mean, text))
    elif completed == 1:
        reasons.append(
            Reason(
                "outcomes.too_few",
                0.0,
                "One member has both scores: too few for an interval.",
            )
        )
    lost_mean, kept_mean = stats["lost_baseline_mean"], stats["baseline_mean"]
    if lost_mean is not None and kept_mean is not None:
        # Weighed like the others: positive when those lost started worse off.
        worse = (
            kept_mean - lost_mean
            if instrument.higher_is_better
            else lost_mean - kept_mean
        )
        reasons.append(
            Reason(
                "outcomes.lost_baseline",
                worse,
                f"Those without a follow-up started at {lost_mean:.1f} on average, "
                f"those with one at {kept_mean:.1f}; if those lost fared "
                "differently, so would the results.",
            )
        )
    reasons.append(
        Reason(
            "outcomes.no_comparison",
            0.0,
            "Without a comparison group these figures cannot show the "
            "programme caused the change.",
        )
    )
    return tuple(reasons)
