"""
Run drift detection per member and partner matching per block on Dask.

Needs Dask (``pip install "peerkit[dask]"``):

    python examples/scale_out_dask.py

peerkit's functions are pure, and many of them are per member or per
block: a member's drift report depends on that member's touchpoints alone,
and no pair of partners crosses a language block. So they run unchanged
on Dask partitions. This script runs them on Dask's local scheduler and
checks the results against a single process on the same data:

- drift reports and milestones over a simulated year of touchpoints of
  thousands of members, partitioned by member: exactly equal;
- the outreach queue, reduced from each partition's own queue: exactly
  equal;
- a round of accountability partners matched per language block: exactly
  the rounds that matching each block in one process gives. Against one
  call over the whole cohort, each block's round is as good (as many
  pairs, the same total score, the same members without a partner for
  reasons of their own), but where several pairings are equally good the
  solver may choose another one; the script counts those pairs.

The output is the same on every run.
"""

from __future__ import annotations

import itertools
import zlib
from collections import Counter
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

import attrs
import pendulum
from dask.delayed import delayed

from peerkit.datasets import simulate_cohort, simulate_engagement
from peerkit.engagement import (
    Activity,
    DriftPolicy,
    DriftReport,
    Milestone,
    Touchpoint,
    detect_drift,
    milestones,
    outreach_queue,
)
from peerkit.matching import PartnerMatching, PartnerPolicy, Unplaced, match_partners

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peerkit import Member

Scheduler = Literal["sync", "threads", "processes"]
"""Dask's local schedulers: one thread, a pool of threads, a pool of processes."""

Event = Touchpoint | Activity

MEMBERS = 3_000  # members in the event log
WEEKS = 52  # a year of weekly check-ins
PARTITIONS = 8  # partitions of the event log
QUEUE = 25  # the outreach queue's length
COHORT = 600  # members in the partner round: one call over all is solved exactly
UNIT = 1 << 30  # match_partners weighs a pair's score in whole units of 2**-30
DRIFT = DriftPolicy()  # the default policies, as the functions below take them
PARTNERS = PartnerPolicy()
ROUND = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 2, 9))  # four weeks


def _require(ok: bool, what: str) -> None:
    if not ok:
        raise AssertionError(what)


def _data(values: Sequence[object]) -> Any:
    # A partition is plain data: wrapped this way, Dask does not look through
    # every event for tasks to run (which takes longer than the work itself).
    return delayed(values, traverse=False)


# --- per member: drift, milestones, the outreach queue -------------------------


def partition_by_member(events: Iterable[Event], partitions: int) -> list[list[Event]]:
    """
    Split *events* into *partitions* lists, each member's events all in one.

    A member goes to the partition their id hashes to (CRC-32: the same
    split in every process and on every run), as a store partitioned by
    member would hold them.
    """
    parts: list[list[Event]] = [[] for _ in range(partitions)]
    for event in events:
        parts[zlib.crc32(event.member_id.encode()) % partitions].append(event)
    return parts


def _by_member(parts: Sequence[Sequence[DriftReport]]) -> tuple[DriftReport, ...]:
    # detect_drift's own order: by member id.
    reports = itertools.chain.from_iterable(parts)
    return tuple(sorted(reports, key=attrgetter("member_id")))


def _by_time(parts: Sequence[Sequence[Milestone]]) -> tuple[Milestone, ...]:
    # milestones' own order: by time, then member id, then kind.
    found = itertools.chain.from_iterable(parts)
    return tuple(sorted(found, key=lambda m: (m.at, m.member_id, m.kind.value)))


def _top(
    queues: Sequence[Sequence[DriftReport]], limit: int
) -> tuple[DriftReport, ...]:
    # The queue's order is total (ties break on ids), so the first *limit*
    # of every partition's first *limit* are the first *limit* of all.
    return outreach_queue(itertools.chain.from_iterable(queues), limit=limit)


def drift_on_dask(
    partitions: Sequence[Sequence[Event]],
    *,
    now: pendulum.DateTime,
    policy: DriftPolicy = DRIFT,
    scheduler: Scheduler = "threads",
) -> tuple[DriftReport, ...]:
    """
    `detect_drift` on each partition, the reports in member-id order.

    Equal to ``detect_drift(<every event>, now=now, policy=policy)`` when
    each member's events are all in one partition.
    """
    parts = [
        delayed(detect_drift)(_data(part), now=now, policy=policy)
        for part in partitions
    ]
    reports: tuple[DriftReport, ...] = delayed(_by_member)(parts).compute(
        scheduler=scheduler
    )
    return reports


def milestones_on_dask(
    partitions: Sequence[Sequence[Event]],
    *,
    now: pendulum.DateTime,
    since: pendulum.DateTime | None = None,
    policy: DriftPolicy = DRIFT,
    scheduler: Scheduler = "threads",
) -> tuple[Milestone, ...]:
    """`milestones` on each partition, in the order `milestones` gives them."""
    parts = [
        delayed(milestones)(_data(part), now=now, since=since, policy=policy)
        for part in partitions
    ]
    found: tuple[Milestone, ...] = delayed(_by_time)(parts).compute(scheduler=scheduler)
    return found


def queue_on_dask(
    partitions: Sequence[Sequence[Event]],
    *,
    now: pendulum.DateTime,
    limit: int,
    policy: DriftPolicy = DRIFT,
    scheduler: Scheduler = "threads",
) -> tuple[DriftReport, ...]:
    """The outreach queue: each partition's first *limit*, then the first of those."""
    queues = [
        delayed(outreach_queue)(
            delayed(detect_drift)(_data(part), now=now, policy=policy), limit=limit
        )
        for part in partitions
    ]
    queue: tuple[DriftReport, ...] = delayed(_top)(queues, limit).compute(
        scheduler=scheduler
    )
    return queue


# --- per block: partner matching ----------------------------------------------


def language_blocks(members: Iterable[Member]) -> list[tuple[Member, ...]]:
    """
    The members split where no pair can cross: by the languages they share.

    Two members can only be partners if they share a language, so two
    members are in one block when a chain of shared languages links them:
    someone who speaks English and Spanish joins the two into one block.
    Blocks come in the order of their first member id, members in id order.
    """
    parent: dict[str, str] = {}

    def root(language: str) -> str:
        while parent.setdefault(language, language) != language:
            language = parent[language]
        return language

    listed = sorted(members, key=attrgetter("id"))
    for member in listed:
        first, *rest = sorted(member.languages)
        for language in rest:
            parent[root(language)] = root(first)
    blocks: dict[str, list[Member]] = {}
    for member in listed:
        blocks.setdefault(root(min(member.languages)), []).append(member)
    return [tuple(block) for block in blocks.values()]


def language_tracks(members: Iterable[Member]) -> list[Member]:
    """Each member in one language track: their language besides English, if any."""
    return [
        attrs.evolve(member, languages={min(member.languages - {"en"} or {"en"})})
        for member in members
    ]


def match_on_dask(
    blocks: Sequence[Sequence[Member]],
    *,
    during: tuple[pendulum.DateTime, pendulum.DateTime] = ROUND,
    policy: PartnerPolicy = PARTNERS,
    history: Sequence[object] = (),
    scheduler: Scheduler = "threads",
) -> tuple[PartnerMatching, ...]:
    """`match_partners` on each block: one round per block, in block order."""
    rounds = [
        delayed(match_partners)(
            _data(block), during=during, policy=policy, history=history
        )
        for block in blocks
    ]
    matched: tuple[PartnerMatching, ...] = delayed(tuple)(rounds).compute(
        scheduler=scheduler
    )
    return matched


def units(matching: PartnerMatching, ids: frozenset[str] | None = None) -> int:
    """The pairs' total score in the solver's units (only pairs within *ids*)."""
    return sum(
        round(fit.score * UNIT)
        for fit in matching.pairs
        if ids is None or fit.member_ids[0] in ids
    )


def own_reasons(matching: PartnerMatching) -> dict[str, Unplaced]:
    """
    Members without a partner for a reason of their own, by id.

    Sitting out, nobody compatible, every compatible partner blocked or a
    recent partner: reasons about the member alone. Everyone compatible
    taken, or an odd number taking part, depends on who else is in the
    call, so those are left out.
    """
    circumstance = {"unplaced.taken", "unplaced.odd_one_out"}
    return {
        u.member_id: u
        for u in matching.unplaced
        if not circumstance & {r.code for r in u.reasons}
    }


def check_as_good(
    blocks: Sequence[Sequence[Member]],
    rounds: Sequence[PartnerMatching],
    whole: PartnerMatching,
) -> int:
    """
    Check each block's round is as good as the whole-cohort round there.

    In each block: as many pairs, the same total score to the solver's
    unit, the same members without a partner for reasons of their own (and
    the same reasons), and every pair both rounds made fits the same. No
    pair of the whole round crosses a block. The totals must agree while
    one call over the whole is solved exactly (up to 2,000 members in play).

    Returns:
        How many pairs of the block rounds the whole round did not make:
        another of equally good pairings.

    Raises:
        AssertionError: If a check fails.
    """
    block_of = {m.id: i for i, block in enumerate(blocks) for m in block}
    made = {fit.member_ids: fit for fit in whole.pairs}
    _require(all(block_of[a] == block_of[b] for a, b in made), "a pair crosses a block")
    theirs = own_reasons(whole)
    other = 0
    for block, matching in zip(blocks, rounds, strict=True):
        ids = frozenset(member.id for member in block)
        _require(
            len(matching.pairs) == sum(a in ids for a, _ in made),
            "a block paired a different number",
        )
        _require(units(matching) == units(whole, ids), "a block's total differs")
        _require(
            own_reasons(matching) == {i: u for i, u in theirs.items() if i in ids},
            "members unplaced for reasons of their own differ",
        )
        for fit in matching.pairs:
            if fit.member_ids not in made:
                other += 1
            else:
                _require(fit == made[fit.member_ids], "a pair's fit differs")
    return other


# --- the run -------------------------------------------------------------------


def show_drift(scheduler: Scheduler) -> None:
    """Drift, milestones and the outreach queue on Dask, against one process."""
    sim = simulate_engagement(MEMBERS, week_count=WEEKS, activity_rate=0.2, seed=11)
    last_week = sim.now.subtract(weeks=1)
    parts = partition_by_member(sim.touchpoints, PARTITIONS)
    sizes = sorted(len({event.member_id for event in part}) for part in parts)
    print(
        f"Event log: {len(sim.touchpoints):,} events of {MEMBERS:,} members over "
        f"{WEEKS} weeks, in {PARTITIONS} partitions by member "
        f"({sizes[0]} to {sizes[-1]} members each)"
    )
    reports = drift_on_dask(parts, now=sim.now, scheduler=scheduler)
    found = milestones_on_dask(parts, now=sim.now, since=last_week, scheduler=scheduler)
    queue = queue_on_dask(parts, now=sim.now, limit=QUEUE, scheduler=scheduler)

    single = detect_drift(sim.touchpoints, now=sim.now)
    _require(reports == single, "drift reports differ")
    _require(
        found == milestones(sim.touchpoints, now=sim.now, since=last_week),
        "milestones differ",
    )
    _require(queue == outreach_queue(single, limit=QUEUE), "outreach queues differ")

    statuses = Counter(report.status.value for report in reports)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    flagged = sum(report.flagged for report in reports)
    print(f"  {len(reports):,} drift reports ({counts}): equal to one process")
    print(f"  {len(found)} milestones in the last week: equal to one process")
    print(
        f"  outreach queue, first {QUEUE} of {flagged} flagged "
        f"(from {queue[0].member_id}): equal to one process"
    )


def show_matching(scheduler: Scheduler) -> None:
    """Partner matching per language block on Dask, against one process."""
    cohort = simulate_cohort(COHORT, seed=3, with_groups=False)
    print(
        f"\nPartner round: {COHORT} members, in "
        f"{len(language_blocks(cohort.members))} language block as they are: "
        "members who speak two languages link them all"
    )
    members = language_tracks(cohort.members)
    blocks = language_blocks(members)
    sizes = ", ".join(f"{min(block[0].languages)} {len(block)}" for block in blocks)
    print(f"  in language tracks, {len(blocks)} blocks: {sizes}")
    # Pairs only, so that rounds compare pair by pair.
    policy = PartnerPolicy(trios=False)
    rounds = match_on_dask(blocks, policy=policy, scheduler=scheduler)
    _require(
        rounds
        == tuple(
            match_partners(block, during=ROUND, policy=policy) for block in blocks
        ),
        "the Dask rounds differ from matching each block in one process",
    )
    whole = match_partners(members, during=ROUND, policy=policy)
    other = check_as_good(blocks, rounds, whole)

    pairs = sum(len(matching.pairs) for matching in rounds)
    unplaced = sum(len(matching.unplaced) for matching in rounds)
    total = sum(units(matching) for matching in rounds) / UNIT
    print(
        f"  a round per block: {pairs} pairs, {unplaced} without a partner, "
        f"total score {total:.4f}: equal to one process, block by block"
    )
    print(
        f"  one call over all: {len(whole.pairs)} pairs, {len(whole.unplaced)} "
        f"without a partner, total score {units(whole) / UNIT:.4f}: as good"
    )
    print(
        f"  {other} of {pairs} pairs differ from the one call: equally good "
        "alternatives the solver chose between"
    )


def main() -> None:
    """Run both on Dask's local threaded scheduler."""
    show_drift("threads")
    show_matching("threads")


if __name__ == "__main__":
    main()
