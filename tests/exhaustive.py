"""
An exhaustive group-formation solver: the optimum `form_groups` aims for.

Test helper (and used by benchmarks/bench_groups.py). It enumerates every
way to split a small cohort into feasible groups (one shared language, a
common meeting start on the 15-minute grid of the reference week, sizes in
range) plus unplaced members, and returns the best by (members placed,
worst fit, mean fit). Written independently of peerkit's solver: it uses
only public API for fits and availability.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import TYPE_CHECKING

import attrs

from peerkit import Group, Member, intersect_intervals
from peerkit.matching import FitPolicy, group_fit
from reference import WEEK

if TYPE_CHECKING:
    from collections.abc import Sequence

    from peerkit import Interval

STEP_MINUTES = 15


def _free(member: Member, policy: FitPolicy) -> tuple[Interval, ...]:
    week = WEEK
    end = week.end.add(minutes=policy.meeting_minutes)
    return member.availability.intervals_between(
        week.start, end, timezone=member.timezone
    )


def can_meet(people: Sequence[Member], policy: FitPolicy) -> bool:
    """Whether all of *people* are free for one whole meeting starting on the grid."""
    week = WEEK
    common = intersect_intervals(*(_free(m, policy) for m in people))
    for span in common:
        offset = (span.start - week.start).total_seconds() / 60
        first = -(-offset // STEP_MINUTES) * STEP_MINUTES  # next grid point
        start = week.start.add(minutes=int(first))
        if start < week.end and start.add(minutes=policy.meeting_minutes) <= span.end:
            return True
    return False


def fits_in(
    people: Sequence[Member], language: str, policy: FitPolicy, max_size: int
) -> list[float]:
    """Each member's fit in a formed group of *people* (schedule: everyone attends)."""
    group = Group("x", people, max_size, languages={language})
    return [
        group_fit(
            m,
            attrs.evolve(group, members=[o for o in people if o.id != m.id]),
            policy=policy,
            during=WEEK,
        ).score
        for m in people
    ]


def breaks_a_rule(
    ids: Sequence[str],
    traits: Sequence[dict[str, str]],
    *,
    keep_apart: Sequence[Sequence[str]] = (),
    keep_together: Sequence[Sequence[str]] = (),
    no_lone: Sequence[str] = (),
    everyone: Sequence[str] = (),
) -> bool:
    """
    Whether a group of *ids* (with each member's *traits*) breaks a grouping rule.

    *everyone* is the whole cohort: a keep-together set counts only its
    members in it, and overlapping sets are one set.
    """
    inside = set(ids)
    if any(a in inside and b in inside for a, b in keep_apart):
        return True
    present = set(everyone) or inside
    sets = [set(t) & present for t in keep_together]
    merged = True
    while merged:  # overlapping sets are one set
        merged = False
        for i, j in itertools.combinations(range(len(sets)), 2):
            if sets[i] & sets[j]:
                sets[i] |= sets.pop(j)
                merged = True
                break
    if any(t & inside and not t <= inside for t in sets if len(t) > 1):
        return True
    for trait in no_lone:
        values = [t[trait] for t in traits if trait in t]
        if any(values.count(v) == 1 for v in values):
            return True
    return False


def best_grouping(
    members: Sequence[Member],
    *,
    min_size: int,
    max_size: int,
    policy: FitPolicy,
    keep_apart: Sequence[Sequence[str]] = (),
    keep_together: Sequence[Sequence[str]] = (),
    no_lone: Sequence[str] = (),
) -> tuple[int, float, float]:
    """(placed, worst fit, mean fit) of the best grouping; (0, 0, 0) if none."""
    people = tuple(sorted(members, key=lambda m: m.id))
    n = len(people)
    everyone = [m.id for m in people]

    @cache
    def group_value(idx: tuple[int, ...]) -> list[float] | None:
        chosen = [people[i] for i in idx]
        broken = breaks_a_rule(
            [m.id for m in chosen],
            [dict(m.traits) for m in chosen],
            keep_apart=keep_apart,
            keep_together=keep_together,
            no_lone=no_lone,
            everyone=everyone,
        )
        shared = frozenset.intersection(*(m.languages for m in chosen))
        if broken or not shared or not can_meet(chosen, policy):
            return None
        return max(
            (fits_in(chosen, lang, policy, max_size) for lang in sorted(shared)),
            key=lambda f: (min(f), sum(f)),
        )

    best: list[tuple[int, float, float]] = [(0, 0.0, 0.0)]

    def walk(remaining: tuple[int, ...], placed: int, low: float, total: float) -> None:
        if placed + len(remaining) < best[0][0]:
            return
        if not remaining:
            if placed:
                value = (placed, low, total / placed)
                best[0] = max(best[0], value)
            return
        first, rest = remaining[0], remaining[1:]
        for size in range(min_size - 1, max_size):
            for others in itertools.combinations(rest, size):
                fits = group_value((first, *others))
                if fits is None:
                    continue
                left = tuple(i for i in rest if i not in others)
                walk(left, placed + len(fits), min(low, *fits), total + sum(fits))
        walk(rest, placed, low, total)  # first stays unplaced

    walk(tuple(range(n)), 0, 1.0, 0.0)
    return best[0]
