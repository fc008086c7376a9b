"""
Quickstart: look at a cohort, and find when and where a newcomer could join.

Runs on the sample cohort that ships with peerkit:

    python examples/quickstart.py

It prints a short overview a coordinator can read: the cohort, when the
newcomer could attend each group's meeting, and which group suits them
best. Nothing here reads the clock: the week is fixed, so the output is the
same every run.
"""

from __future__ import annotations

import collections
import datetime as dt

import attrs

import peerkit
from peerkit.datasets import sample_cohort
from peerkit.matching import FitPolicy, rank_groups

WEEK_OF = dt.date(
    2026, 3, 9
)  # a week when North America has changed clocks, Europe not yet


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
    # Judge schedules on the same week as above: the fit policy's own
    # reference week is a fixed date too, changed here with attrs.evolve.
    policy = attrs.evolve(FitPolicy(), week_of=WEEK_OF)
    best = rank_groups(newcomer, cohort.groups, policy=policy)[0]
    if not best.eligible:  # eligible groups come first, so there are none
        print(f"\nNo group can take {newcomer.id} now: each breaks a hard rule.")
        return
    print(f"\nBest group for {newcomer.id}: {best.group_id}, fit {best.score:.2f}")
    for reason in best.reasons:
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
    restored = peerkit.from_json(peerkit.Member, peerkit.to_json(newcomer))
    print(
        f"\nValues are plain data: {newcomer.id} survives a JSON round trip: "
        f"{restored == newcomer}"
    )


if __name__ == "__main__":
    main()
