"""
Let members choose: shortlists, stated preferences and priority.

Runs on the sample cohort that ships with peerkit:

    python examples/choices.py

First every member is shown a shortlist of three partners, with and
without spread, and the script counts how many people are shown and how
often the most-shown one is. Then mentees rank the mentors they were
shown, `match_mentors` honours their lists (stable, then with the most
mentees placed), and finally two partner rounds show `priority` placing
the member the first round left out.
"""

from __future__ import annotations

import collections

import pendulum

from peerkit import Member
from peerkit.datasets import sample_cohort
from peerkit.matching import (
    PairFit,
    left_out,
    match_mentors,
    match_partners,
    suggest_mentors_for,
    suggest_partners,
    suggest_partners_for,
)

TERM = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))  # twelve weeks


def other(fit: PairFit, me: str) -> str:
    """The member of *fit* who is not *me*."""
    a, b = fit.member_ids
    return b if a == me else a


def shortlists() -> None:
    """One member's shortlist, then everybody's, with and without spread."""
    cohort = sample_cohort()
    print("Ada's shortlist:")
    for fit in suggest_partners(cohort.member("ada"), cohort, during=TERM, k=3):
        why = "; ".join(r.message for r in fit.reasons)
        print(f"  {other(fit, 'ada'):<8} {fit.score:.2f}  {why}")
    print("\nEverybody at once (k=3):")
    for spread in (False, True):
        found = suggest_partners_for(cohort, during=TERM, k=3, spread=spread)
        shown = collections.Counter(
            other(f, me) for me, fits in found.items() for f in fits
        )
        tops = {other(fits[0], me) for me, fits in found.items() if fits}
        busiest, times = shown.most_common(1)[0]
        print(
            f"  spread={spread!s:<5}  {len(shown)} people shown, {len(tops)} at the "
            f"top of a list; the most shown ({busiest}) is on {times} lists"
        )


def preferences() -> None:
    """Mentees rank the mentors they were shown; the lists are honoured."""
    cohort = sample_cohort()
    mentors = [m for m in cohort.members if m.stage == "maintenance"]
    mentees = [m for m in cohort.members if m.stage == "action"]
    shown = suggest_mentors_for(mentees, mentors, during=TERM, k=2)
    # Each mentee ranks what they were shown, here in reverse: their own taste.
    lists = {
        me: [other(f, me) for f in reversed(fits)] for me, fits in shown.items() if fits
    }
    print("\nMentees' stated lists:", dict(sorted(lists.items())))
    for objective in ("stable", "participation"):
        matching = match_mentors(
            mentors,
            mentees,
            during=TERM,
            preferences=lists,
            objective=objective,
        )
        pairs = [(a.mentor_id, a.mentee_id) for a in matching.assignments]
        print(f"  {objective:<13} {len(pairs)} placed: {pairs}")


def priority() -> None:
    """The member left out of one round is placed first in the next."""
    five = [
        Member("ada", "action", goals=["sleep", "walks"]),
        Member("bo", "action", goals=["sleep"]),
        Member("cy", "action", goals=["walks"]),
        Member("di", "action", goals=["sleep", "walks"]),
        Member("eve", "preparation", goals=["debt"]),
    ]
    first = match_partners(five, during=TERM)
    print(f"\nRound 1: {first.teams}, left out {left_out(first)}")
    plain = match_partners(five, during=TERM, history=[first])
    print(f"Round 2 by score: {plain.teams}, left out {left_out(plain)}")
    first_left = left_out(first)
    placed = match_partners(five, during=TERM, history=[first], priority=first_left)
    print(f"Round 2 with priority: {placed.teams}, left out {left_out(placed)}")


if __name__ == "__main__":
    shortlists()
    preferences()
    priority()
