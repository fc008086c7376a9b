"""
Report a programme's outcomes honestly: results, engagement and feedback.

Runs on the sample that ships with peerkit (the sample cohort's PHQ-9,
GAD-7 and WEMWBS at the start and end of its 26 weeks, and each group's
session ratings):

    python examples/outcomes_report.py

It prints what a programme's outcome report needs: for each
questionnaire, whom the figures describe and what they show, in plain
words; how the members who kept most of their meetings and check-ins
fared against those who kept fewest, and how many of each are missing
at follow-up; and how each group's session feedback has moved over the
last 12 weeks, with falling groups flagged. Then it counts the same
PHQ-9 and GAD-7 scores as NHS Talking Therapies does (`combined_recovery`),
and, on a simulated programme with a questionnaire at every session
(`simulate_sessions`), lists the members a facilitator should look at
first (`on_track`, `facilitator_alerts`) and how many risk answers went
to staff (`risk_flags`). Nothing reads the clock: the record is read at
its own end, so the output is the same on every run.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING

import pendulum

from peerkit.datasets import sample_engagement, sample_outcomes, simulate_sessions
from peerkit.engagement import Touchpoint
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    WEMWBS,
    Instrument,
    Measurement,
    OutcomeSummary,
    combined_recovery,
    expected_change,
    facilitator_alerts,
    feedback_trend,
    on_track,
    programme_outcomes,
    risk_flags,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from peerkit.datasets import SimulatedOutcomes

INSTRUMENTS = (PHQ9, GAD7, WEMWBS)
THIRDS = ("least", "middle", "most")


def summarise(
    sample: SimulatedOutcomes,
    instrument: Instrument,
    members: Iterable[str] | None = None,
) -> OutcomeSummary:
    """The programme's results on one questionnaire, for a roster if given."""
    roster = None if members is None else set(members)
    return programme_outcomes(
        [m for m in sample.of(instrument) if roster is None or m.member_id in roster],
        instrument=instrument,
        baseline_period=sample.baseline_period,
        followup_period=sample.followup_period,
        members=roster,
    )


def show_results(sample: SimulatedOutcomes) -> None:
    """Print each questionnaire's results, in the summary's own words."""
    for instrument in INSTRUMENTS:
        print(f"{instrument.name}")
        for reason in summarise(sample, instrument).reasons:
            print(f"  {reason.message}")
        print()


def kept_shares(touchpoints: Iterable[object]) -> dict[str, float]:
    """Each member's share of decided touchpoints kept (excused ones left out)."""
    kept: collections.Counter[str] = collections.Counter()
    decided: collections.Counter[str] = collections.Counter()
    for event in touchpoints:
        if isinstance(event, Touchpoint) and event.outcome != "excused":
            decided[event.member_id] += 1
            kept[event.member_id] += event.outcome == "kept"
    return {member: kept[member] / decided[member] for member in decided}


def thirds(shares: dict[str, float]) -> list[list[str]]:
    """Members in three equal-sized groups, from least to most engaged."""
    ranked = sorted(shares, key=lambda member: (shares[member], member))
    size = len(ranked) / 3
    return [ranked[round(i * size) : round((i + 1) * size)] for i in range(3)]


def show_by_engagement(sample: SimulatedOutcomes, shares: dict[str, float]) -> None:
    """Print outcomes for the least, middle and most engaged thirds."""
    groups = thirds(shares)
    print("Outcomes by engagement (thirds by share of touchpoints kept)")
    print(
        "  both: baseline and follow-up; lost: no follow-up; rec, imp, same, worse:\n"
        "  recovered, improved, unchanged, deteriorated (no recovery without a cutoff)"
    )
    print(
        f"  {'':<8} {'third':<7} {'kept':<9} {'both':>4} {'lost':>4}  "
        f"{'mean change (95% CI)':<22} {'rec':>3} {'imp':>3} {'same':>4} {'worse':>5}"
    )
    for instrument in INSTRUMENTS:
        for name, members in zip(THIRDS, groups, strict=True):
            result = summarise(sample, instrument, members)
            kept = f"{min(shares[m] for m in members):.0%}-"
            kept += f"{max(shares[m] for m in members):.0%}"
            recovered = (
                "-" if instrument.cutoff is None else str(result.recovered_count)
            )
            change = "-"
            if result.mean_change_low is not None:
                change = (
                    f"{result.mean_change:+.1f} ({result.mean_change_low:+.1f} to "
                    f"{result.mean_change_high:+.1f})"
                )
            label = instrument.name if name == THIRDS[0] else ""
            print(
                f"  {label:<8} {name:<7} {kept:<9} "
                f"{result.completed_count:>4} {len(result.lost):>4}  {change:<22} "
                f"{recovered:>3} {result.improved_count:>3} "
                f"{result.unchanged_count:>4} {result.deteriorated_count:>5}"
            )
    print(
        "  Those who engaged least are also the likeliest to be missing, and "
        "nobody was\n  assigned a level of engagement: differences between "
        "thirds are not the\n  programme's effect."
    )


def show_feedback(sample: SimulatedOutcomes, now: pendulum.DateTime) -> None:
    """Print each group's session feedback over the last 12 weeks."""
    trends = feedback_trend(
        sample.ratings, now=now, lookback=pendulum.duration(weeks=12)
    )
    falling = [trend.group_id for trend in trends if trend.falling]
    print("\nSession feedback, last 12 weeks")
    for trend in trends:
        flag = "FALLING" if trend.falling else ""
        print(f"  {trend.group_id}: {trend.reasons[0].message} {flag}".rstrip())
    if falling:
        print(f"  Talk to the facilitators of: {', '.join(falling)}")


def show_services_count(sample: SimulatedOutcomes) -> None:
    """Print recovery as NHS Talking Therapies counts it, rates with denominators."""
    summary = combined_recovery(sample.measurements)
    print("\nCounted as NHS Talking Therapies counts (PHQ-9 and GAD-7 together)")
    for reason in summary.reasons[:3]:
        print(f"  {reason.message}")


def show_alerts(session_count: int = 8) -> None:
    """Print who a facilitator should look at first, on a session-by-session record."""
    record = simulate_sessions(120, session_count=session_count, seed=11)
    expected = expected_change(record.of(PHQ9), instrument=PHQ9)
    by_member: dict[str, list[Measurement]] = {}
    for m in record.of(PHQ9):
        by_member.setdefault(m.member_id, []).append(m)
    reports = [
        on_track(
            own,
            instrument=PHQ9,
            expected=expected,
            attendance_share=len(own) / session_count,
        )
        for own in by_member.values()
    ]
    alerts = facilitator_alerts(reports)
    print(
        f"\nSession by session ({len(reports)} simulated members, PHQ-9 at every "
        f"session): {len(alerts)} not on track, first three for the facilitator"
    )
    for report in alerts[:3]:
        print(f"  {report.member_id}:")
        for reason in report.reasons:
            print(f"    {reason.message}")
    flags = risk_flags(record.measurements)
    print(
        f"  Risk answers (PHQ-9 item 9 above 0) over the record: {len(flags)}, from "
        f"{len({flag.member_id for flag in flags})} members; each goes to staff, "
        "for a trained person the same day, and to nobody else"
    )


def main() -> None:
    """Print the outcome report for the sample."""
    sample = sample_outcomes()
    engagement = sample_engagement()
    print(
        f"Outcomes from {sample.baseline_period.start:%d %B %Y} "
        f"to {engagement.now:%d %B %Y}\n"
    )
    show_results(sample)
    show_by_engagement(sample, kept_shares(engagement.touchpoints))
    show_feedback(sample, engagement.now)
    show_services_count(sample)
    show_alerts()


if __name__ == "__main__":
    main()
