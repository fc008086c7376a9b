"""
Pair accountability partners for three rounds, with no partner repeated.

Runs on the sample cohort that ships with peerkit:

    python examples/pair_partners.py

Each round is matched with the earlier rounds as history, so nobody is
paired with a recent partner. For every round it prints the pairs (and
any trio: three members who may each hold two partners, partnered with
each other) with the reasons in the words a member
would read, then who has no partner this round and why. At the end it
checks that no pair was made twice, and shows one mentoring round.
"""

from __future__ import annotations

import collections
import itertools

import pendulum

from peerkit.datasets import sample_cohort
from peerkit.matching import (
    PartnerMatching,
    blocking_pairs,
    match_mentors,
    match_partners,
)

ROUNDS = 3
TERM = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))  # twelve weeks


def show_round(number: int, matching: PartnerMatching) -> None:
    """Print one round: pairs with reasons, trios, and who is unplaced and why."""
    print(
        f"\nRound {number}: {len(matching.pairs)} pairs, {len(matching.trios)} trios, "
        f"{len(matching.unplaced)} without a partner; "
        f"mean score {matching.total / max(1, len(matching.teams)):.2f}, "
        f"worst {matching.min_score:.2f}"
    )
    for fit in matching.pairs[:4]:
        a, b = fit.member_ids
        print(f"  {a} + {b}  (score {fit.score:.2f})")
        for reason in fit.reasons:
            print(f"      {reason.message}")
    if len(matching.pairs) > 4:
        rest = ", ".join("+".join(f.member_ids) for f in matching.pairs[4:])
        print(f"  ...and {rest}")
    for trio in matching.trios:
        print(f"  trio {' + '.join(trio.member_ids)}  (score {trio.score:.2f})")
    why = collections.defaultdict(list)
    for member in matching.unplaced:
        why[member.reasons[0].message].append(member.member_id)
    for message, ids in sorted(why.items()):
        print(f"  no partner ({', '.join(ids)}): {message}")


def main() -> None:
    """Three rounds, then a check that nobody was paired twice, then mentors."""
    cohort = sample_cohort()
    members = cohort.members
    history: list[PartnerMatching] = []
    for number in range(1, ROUNDS + 1):
        matching = match_partners(cohort, during=TERM, history=history)
        show_round(number, matching)
        history.append(matching)

    made = collections.Counter(
        frozenset(pair)
        for matching in history
        for team in matching.teams
        for pair in itertools.combinations(team, 2)
    )
    print(
        f"\n{sum(made.values())} pairings over {ROUNDS} rounds; "
        f"any pair twice: {any(n > 1 for n in made.values())}"
    )
    unstable = blocking_pairs(history[0], cohort, during=TERM)
    print(
        f"Round 1 pairs maximise participation and total fit; {len(unstable)} "
        "pairs of members would both rather be together (stability is a check)."
    )

    # Mentoring: the ten members furthest along mentor up to two each.
    order = {stage: i for i, stage in enumerate(cohort.scale.stages)}
    ranked = sorted(members, key=lambda m: (-order[m.stage], m.id))
    mentors = [m for m in ranked if m.max_partners > 0][:10]
    chosen = {m.id for m in mentors}
    mentees = [m for m in members if m.id not in chosen]
    mentoring = match_mentors(mentors, mentees, during=TERM)
    print(
        f"\nMentoring: {len(mentoring.assignments)} mentees placed with "
        f"{len({a.mentor_id for a in mentoring.assignments})} mentors "
        "(capacity is each mentor's max_partners); "
        f"blocking pairs: {len(blocking_pairs(mentoring, cohort, during=TERM))}"
    )
    for mentor in mentors[:3]:
        mentees_now = ", ".join(mentoring.mentees_of(mentor.id)) or "nobody yet"
        print(f"  {mentor.id} mentors {mentees_now}")


if __name__ == "__main__":
    main()
