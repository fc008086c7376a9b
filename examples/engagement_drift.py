"""
Find who is drifting, see how each group is doing, and celebrate this week.

Runs on the sample record that ships with peerkit (26 weeks of group
meetings and partner check-ins for the sample cohort):

    python examples/engagement_drift.py

It counts the silence from each member's schedule (a due time nobody
came to is a miss), then prints what a coordinator's weekly engagement
review needs: the outreach queue, most urgent first, each member with
the evidence to open the conversation with; a summary of each group for
its facilitator, in counts that name no one; and the milestones members
reached this week.
Nothing reads the clock: the record is judged at its own end, so the
output is the same on every run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from peerkit.datasets import sample_cohort, sample_engagement
from peerkit.engagement import (
    Activity,
    DriftReport,
    Touchpoint,
    detect_drift,
    group_engagement,
    milestones,
    outreach_queue,
    touchpoints_from_schedule,
)

if TYPE_CHECKING:
    import datetime as dt

    import pendulum

    from peerkit import Cohort
    from peerkit.datasets import SimulatedEngagement


def local_day(at: pendulum.DateTime, timezone: str) -> str:
    """An instant as a day in a member's own zone ("Mon 29 Jan")."""
    return at.in_tz(timezone).format("ddd D MMM")


def from_the_app(sample: SimulatedEngagement) -> list[Touchpoint | Activity]:
    """
    The record as an app keeps it, and the touchpoints counted from it.

    An app knows each member's schedule (when a meeting or a check-in was
    due), when they showed up, and the dates they were excused; it has no
    record of the check-ins that never came. `touchpoints_from_schedule`
    counts that silence: a due time nobody came to is a miss.
    """
    due: defaultdict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    came: defaultdict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    excused: defaultdict[str, list[dt.datetime]] = defaultdict(list)
    events: list[Touchpoint | Activity] = []
    for event in sample.touchpoints:
        if isinstance(event, Activity):
            events.append(event)  # messages, as the app logged them
            continue
        due[event.member_id, event.kind].append(event.due)
        if event.outcome == "kept":  # they came ten minutes in
            came[event.member_id, event.kind].append(event.due.add(minutes=10))
        elif event.outcome == "excused":
            excused[event.member_id].append(event.due)
    for (member_id, kind), times in sorted(due.items()):
        events += touchpoints_from_schedule(
            member_id,
            due=times,
            done=came[member_id, kind],
            excused=excused[member_id],
            now=sample.now,
            kind=kind,
        )
    return events


def show_queue(reports: tuple[DriftReport, ...], cohort: Cohort) -> None:
    """Print the outreach queue: who to reach out to, and what to say first."""
    queue = outreach_queue(reports)
    print(f"Outreach queue: {len(queue)} of {len(reports)} members")
    for report in queue:
        timezone = cohort.member(report.member_id).timezone
        onset = "" if report.onset is None else local_day(report.onset, timezone)
        print(
            f"  {report.member_id:<10} {report.status.value:<10} "
            f"severity {report.severity:.2f}  since {onset}"
        )
        for reason in report.evidence:
            print(f"    {reason.message}")


def show_groups(sample: SimulatedEngagement, cohort: Cohort) -> None:
    """Print each group's last four weeks for its facilitator, in counts only."""
    print("\nGroups, last 4 weeks (kept/decided each week):")
    for group in cohort.groups:
        ids = {member.id for member in group.members}
        if not ids:
            print(f"  {group.id}: no members yet")
            continue
        ours = [event for event in sample.touchpoints if event.member_id in ids]
        summary = group_engagement(ours, now=sample.now, week_count=4)
        weeks = " ".join(
            f"{week.kept_count}/{week.decided_count}" for week in summary.weeks
        )
        print(f"  {group.id} ({summary.member_count} members): {weeks}")
        for reason in summary.reasons:
            print(f"    {reason.message}")


def show_milestones(sample: SimulatedEngagement, cohort: Cohort) -> None:
    """Print the milestones members reached in the last week."""
    last_week = sample.now.subtract(weeks=1)
    found = milestones(sample.touchpoints, now=sample.now, since=last_week)
    print(f"\nMilestones this week: {len(found)}")
    for milestone in found:
        timezone = cohort.member(milestone.member_id).timezone
        print(
            f"  {local_day(milestone.at, timezone)}  {milestone.member_id:<10} "
            f"{milestone.message}"
        )


def main() -> None:
    """Run the weekly engagement review on the sample."""
    cohort = sample_cohort()
    sample = sample_engagement()
    print(
        f"Judged at {sample.now:%d %B %Y}, "
        f"{sample.now.diff(sample.start).in_weeks()} weeks of touchpoints\n"
    )
    events = from_the_app(sample)
    # With the cohort as the roster, every member has a report, those with
    # nothing due yet too (new), and no one else.
    reports = detect_drift(events, now=sample.now, members=cohort)
    counted = sum(isinstance(event, Touchpoint) for event in events)
    print(
        f"{counted} touchpoints counted from the schedule; "
        f"{len(reports)} members on the roster\n"
    )
    show_queue(reports, cohort)
    show_groups(sample, cohort)
    show_milestones(sample, cohort)


if __name__ == "__main__":
    main()
