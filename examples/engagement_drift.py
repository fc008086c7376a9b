"""
Find who is drifting, see how each group is doing, and celebrate this week.

Runs on the sample record that ships with peerkit (26 weeks of group
meetings and partner check-ins for the sample cohort):

    python examples/engagement_drift.py

It prints what a coordinator's weekly engagement review needs: the
outreach queue, most urgent first, each member with the evidence to open
the conversation with; a summary of each group for its facilitator, in
counts that name no one; and the milestones members reached this week.
Nothing reads the clock: the record is judged at its own end, so the
output is the same on every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peerkit.datasets import sample_cohort, sample_engagement
from peerkit.engagement import (
    DriftReport,
    detect_drift,
    group_engagement,
    milestones,
    outreach_queue,
)

if TYPE_CHECKING:
    import pendulum

    from peerkit import Cohort
    from peerkit.datasets import SimulatedEngagement


def local_day(at: pendulum.DateTime, timezone: str) -> str:
    """An instant as a day in a member's own zone ("Mon 29 Jan")."""
    return at.in_tz(timezone).format("ddd D MMM")


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
    reports = detect_drift(sample.touchpoints, now=sample.now)
    show_queue(reports, cohort)
    show_groups(sample, cohort)
    show_milestones(sample, cohort)


if __name__ == "__main__":
    main()
