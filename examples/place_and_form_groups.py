"""
Place a newcomer in a group, then form new groups for everyone waiting.

Runs on the sample cohort that ships with peerkit:

    python examples/place_and_form_groups.py

First it ranks the five existing groups for one newcomer and says why each
group is or is not a good fit. Then it forms new groups from the members
who are not in a group yet, and prints the grouping a coordinator would
review. Nothing reads the clock, and the search is seeded, so the output
is the same on every run.

What is printed is member-safe in the sense peerkit uses: ids, stages,
counts and a group's own focus. No member's experiences, goals or traits
are printed next to their id.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING

import pendulum

from peerkit.datasets import sample_cohort
from peerkit.matching import FitPolicy, form_groups, rank_groups

if TYPE_CHECKING:
    from peerkit import Cohort, Member
    from peerkit.matching import Grouping

POLICY = FitPolicy()  # the defaults; change one setting with attrs.evolve
TERM = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))  # twelve weeks
COMPONENTS = ("stage", "experience", "goals", "schedule", "size")
MIN_SIZE, MAX_SIZE = 4, 7


def choose_newcomer(cohort: Cohort) -> Member:
    """The unplaced member with the most groups open to them; ties by id."""

    def open_groups(member: Member) -> int:
        fits = rank_groups(member, cohort, during=TERM, policy=POLICY)
        return sum(fit.eligible for fit in fits)

    return min(cohort.unplaced, key=lambda m: (-open_groups(m), m.id))


def show_ranking(cohort: Cohort, newcomer: Member) -> None:
    """Print every group for the newcomer: the open ones by score, then the rest."""
    fits = rank_groups(newcomer, cohort, during=TERM, policy=POLICY)
    open_fits = [fit for fit in fits if fit.eligible]
    print(
        f"Newcomer {newcomer.id} ({newcomer.stage}): "
        f"{len(open_fits)} of {len(fits)} groups are open to them."
    )
    for rank, fit in enumerate(open_fits, start=1):
        group = cohort.group(fit.group_id)
        focus = ", ".join(sorted(group.focus)) or "no set focus"
        parts = ", ".join(f"{name} {fit.components[name]:.2f}" for name in COMPONENTS)
        print(f"\n  {rank}. {fit.group_id} (focus: {focus})  score {fit.score:.2f}")
        print(f"     {parts}")
        for reason in fit.reasons:
            # The weight is what the reason adds to the score; 0 for detail lines.
            weight = f"{reason.weight:+.2f}" if reason.weight else ""
            print(f"     {weight:>5}  {reason.message}")
    print("\n  Ruled out:")
    for fit in fits[len(open_fits) :]:
        rules = [r for r in fit.reasons if r.code.startswith("rule.")]
        for n, reason in enumerate(rules):
            label = fit.group_id if n == 0 else ""
            print(f"    {label:<4} {reason.code:<16} {reason.message}")


def show_grouping(grouping: Grouping, waiting: int) -> None:
    """Print the proposed groups, who could not be placed and why, and the fit."""
    print(
        f"\nNew groups for the {waiting} members not yet in a group "
        f"({MIN_SIZE} to {MAX_SIZE} members each):"
    )
    for formed in grouping.groups:
        group = formed.group
        language = ", ".join(sorted(group.languages))
        stages = collections.Counter(m.stage for m in group.members)
        mix = ", ".join(
            f"{stages[stage]} {stage}" for stage in POLICY.scale if stages[stage]
        )
        print(
            f"\n  {group.id}  {group.size} members  {language}  "
            f"meets {group.meets} {group.timezone}  score {formed.score:.2f}"
        )
        print(f"    members: {', '.join(group.member_ids)}")
        print(f"    stages:  {mix}")
    print(f"\n  Not placed ({len(grouping.unplaced)}):")
    for unplaced in grouping.unplaced:
        codes = ", ".join(reason.code for reason in unplaced.reasons)
        print(f"    {unplaced.member_id:<10} {codes}")
    print(
        f"\nPlaced {grouping.placed_count} of {waiting}: "
        f"mean fit {grouping.mean_score:.2f}, worst fit {grouping.min_score:.2f}."
    )


def main() -> None:
    """Run the example."""
    cohort = sample_cohort()
    print(
        f"Sample cohort: {len(cohort.members)} members, {len(cohort.groups)} groups, "
        f"{len(cohort.unplaced)} not yet in a group.\n"
    )
    show_ranking(cohort, choose_newcomer(cohort))
    grouping = form_groups(
        cohort.unplaced,
        min_size=MIN_SIZE,
        max_size=MAX_SIZE,
        during=TERM,
        policy=POLICY,
        seed=0,
    )
    show_grouping(grouping, len(cohort.unplaced))


if __name__ == "__main__":
    main()
