"""
Quickstart: place a newcomer, pair, schedule check-ins, spot drift, see outcomes.

Runs on the sample cohort that ships with peerkit:

    python examples/quickstart.py

It prints a short overview a coordinator can read: the cohort, when the
newcomer could attend each group's meeting, which group suits them best,
who their accountability partner is this round and next, when the
pair's weekly check-ins fall in each of their own time zones, who to
reach out to first because they are drifting away, and what the
programme's questionnaires show, with whom they leave out. Nothing here
reads the clock: the week is fixed, so the output is the same every run.
"""

from __future__ import annotations

import collections
import datetime as dt

import peerkit
from peerkit.datasets import sample_cohort, sample_engagement, sample_outcomes
from peerkit.engagement import detect_drift, outreach_queue
from peerkit.matching import match_partners, rank_groups
from peerkit.outcomes import PHQ9, programme_outcomes
from peerkit.scheduling import Cadence, common_slots, occurrences

WEEK_OF = dt.date(
    2026, 3, 9
)  # a week when North America has changed clocks, Europe not yet
MONDAY = dt.datetime.combine(WEEK_OF, dt.time(), dt.UTC)
TERM = (MONDAY, MONDAY + dt.timedelta(weeks=12))  # the twelve weeks from that week


def overview(cohort: peerkit.Cohort) -> None:
    """Print who is in the programme, by stage and time zone."""
    print(f"{len(cohort.members)} members, {len(cohort.groups)} groups")
    stages = collections.Counter(m.stage for m in cohort.members)
    print("By stage:")
    for stage in cohort.scale.stages:
        print(f"  {stage:<17} {'#' * stages[stage]} {stages[stage]}")
    zones = collections.Counter(m.timezone for m in cohort.members)
    print(f"Across {len(zones)} time zones; most common: ", end="")
    print(", ".join(f"{zone} ({n})" for zone, n in zones.most_common(3)))
    print(f"Not yet in a group: {len(cohort.unplaced)}")


def meeting_options(cohort: peerkit.Cohort, newcomer: peerkit.Member) -> None:
    """Print, for each group with room, when the newcomer could attend its meeting."""
    print(
        f"\nNewcomer {newcomer.id}: stage {newcomer.stage}, "
        f"lives in {newcomer.timezone},"
    )
    print(f"  free {newcomer.availability}")
    for group in cohort.groups:
        if group.is_full or group.meets.is_empty:
            continue
        shared = peerkit.common_intervals(
            [newcomer, group], week_of=WEEK_OF, timezone=group.timezone
        )
        meets = group.meets
        header = (
            f"  {group.id} ({group.free_places} places, meets {meets} {group.timezone})"
        )
        if not shared:
            print(f"{header}: no overlap this week")
            continue
        first = shared[0].start.in_tz(newcomer.timezone)
        total = sum(span.minutes for span in shared)
        print(f"{header}: {total:.0f} min, {first.format('ddd HH:mm')} your time")


def best_group(cohort: peerkit.Cohort, newcomer: peerkit.Member) -> None:
    """Print the group that suits the newcomer best, and the reasons."""
    # Schedules are judged in every week of the term, the one above included.
    best = rank_groups(newcomer, cohort, during=TERM)[0]
    if not best.eligible:  # eligible groups come first, so there are none
        print(f"\nNo group can take {newcomer.id} now: each breaks a hard rule.")
        return
    print(f"\nBest group for {newcomer.id}: {best.group_id}, fit {best.score:.2f}")
    for reason in best.reasons:
        print(f"  {reason.message}")


def accountability_partners(
    cohort: peerkit.Cohort, newcomer: peerkit.Member
) -> str | None:
    """Pair the whole cohort for this round; show and return the newcomer's partner."""
    round_one = match_partners(cohort, during=TERM)
    print(
        f"\nAccountability partners this round: {len(round_one.pairs)} pairs, "
        f"{len(round_one.unplaced)} without a partner (each with the reason)"
    )
    partners = round_one.partners_of(newcomer.id)
    if not partners:
        unplaced = next(u for u in round_one.unplaced if u.member_id == newcomer.id)
        print(f"  {newcomer.id}: {unplaced.reasons[0].message}")
        return None
    fit = next(f for f in round_one.pairs if newcomer.id in f.member_ids)
    print(f"  {newcomer.id} + {partners[0]}, fit {fit.score:.2f}:")
    for reason in fit.reasons:
        print(f"    {reason.message}")
    round_two = match_partners(cohort, during=TERM, history=[round_one])
    print(
        f"  Next round, with this one as history: {round_two.partners_of(newcomer.id)}"
    )
    return partners[0]


def partner_checkins(
    cohort: peerkit.Cohort, newcomer: peerkit.Member, partner_id: str
) -> None:
    """Choose a weekly check-in time for the pair and show their next check-ins."""
    pair = [newcomer, cohort.member(partner_id)]
    slots = common_slots(pair, duration=dt.timedelta(minutes=30), week_of=WEEK_OF)
    if not slots:
        print(f"\n{newcomer.id} and {partner_id} share no free half hour this week.")
        return
    # The earliest slot that suits both, kept on the newcomer's clock.
    first, _ = slots[0].local(newcomer.id)
    cadence = Cadence.weekly(
        on=first.format("ddd").lower(), time=first.time(), timezone=newcomer.timezone
    )
    print(
        f"\nWeekly check-in for {newcomer.id} + {partner_id}: {cadence}; "
        f"{len(slots)} half-hour slots suit both this week"
    )
    for checkin in occurrences(
        cadence, start=slots[0].start, count=4, quiet_hours=pair
    ):
        local = [
            f"{m.id} {checkin.in_tz(m.timezone).format('ddd D MMM HH:mm')}"
            for m in pair
        ]
        print(f"  {', '.join(local)}")


def drifting() -> None:
    """Print who to reach out to first on the sample's 26-week record, and why."""
    sample = sample_engagement()
    reports = detect_drift(sample.touchpoints, now=sample.now)
    queue = outreach_queue(reports)
    print(
        f"\nOn {sample.now:%d %b %Y}, {len(queue)} of {len(reports)} members are "
        "drifting from their own usual rate; reach out first to:"
    )
    for report in queue[:3]:
        print(
            f"  {report.member_id} ({report.status.value}, severity "
            f"{report.severity:.2f}): {report.evidence[0].message}"
        )


def outcomes() -> None:
    """Print what the sample's PHQ-9 scores show, and whom they leave out."""
    sample = sample_outcomes()
    summary = programme_outcomes(
        sample.of(PHQ9),
        instrument=PHQ9,
        baseline_period=sample.baseline_period,
        followup_period=sample.followup_period,
    )
    print(f"\nOutcomes on the {summary.instrument} over the same 26 weeks:")
    for reason in summary.reasons:
        print(f"  {reason.message}")


def main() -> None:
    """Run the quickstart."""
    cohort = sample_cohort()
    overview(cohort)
    # The unplaced member who could attend the most group meetings this week
    # (ties broken by id, so the choice is stable).
    newcomer = max(
        cohort.unplaced,
        key=lambda m: (
            sum(
                peerkit.overlap_minutes([m, g], week_of=WEEK_OF, timezone=g.timezone)
                > 0
                for g in cohort.groups
                if not g.meets.is_empty
            ),
            m.id,
        ),
    )
    meeting_options(cohort, newcomer)
    best_group(cohort, newcomer)
    partner = accountability_partners(cohort, newcomer)
    if partner is not None:
        partner_checkins(cohort, newcomer, partner)
    drifting()
    outcomes()
    restored = peerkit.from_json(peerkit.Member, peerkit.to_json(newcomer))
    print(
        f"\nValues are plain data: {newcomer.id} survives a JSON round trip: "
        f"{restored == newcomer}"
    )


if __name__ == "__main__":
    main()
