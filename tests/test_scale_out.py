"""Scale-out on Dask: per-member and per-block results equal a single process (examples/scale_out_dask.py)."""

import importlib.util
import pathlib
import pickle
import random
import sys
from collections import Counter
from types import ModuleType

import pytest

from peerkit import Member
from peerkit.datasets import simulate_cohort, simulate_engagement
from peerkit.engagement import (
    Activity,
    DriftPolicy,
    Touchpoint,
    detect_drift,
    milestones,
    outreach_queue,
)
from peerkit.matching import PartnerMatching, PartnerPolicy, match_partners
from reference import WEEK

pytest.importorskip("dask")

ROOT = pathlib.Path(__file__).parent.parent
SIM = simulate_engagement(120, week_count=30, per_week=2, activity_rate=0.3, seed=5)
EVENTS = SIM.touchpoints
NOW = SIM.now


def _example() -> ModuleType:
    """The example script, imported as a module (it only runs under __main__)."""
    name = "scale_out_dask"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, ROOT / "examples" / f"{name}.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ex = _example()


def _by_assignment(
    events: tuple[Touchpoint | Activity, ...], partitions: int, seed: int
) -> list[list[Touchpoint | Activity]]:
    """Each member to a partition drawn at random, each partition shuffled."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    ids = sorted({event.member_id for event in events})
    where = {ident: rng.randrange(partitions) for ident in ids}
    parts: list[list[Touchpoint | Activity]] = [[] for _ in range(partitions)]
    for event in events:
        parts[where[event.member_id]].append(event)
    for part in parts:
        rng.shuffle(part)
    return parts


def test_drift_on_dask_equals_one_process() -> None:
    """Drift reports, milestones and the outreach queue computed on Dask's synchronous scheduler equal the single-process results exactly."""
    parts = ex.partition_by_member(EVENTS, 4)
    since = NOW.subtract(weeks=4)
    single = detect_drift(EVENTS, now=NOW)
    assert ex.drift_on_dask(parts, now=NOW, scheduler="sync") == single
    assert ex.milestones_on_dask(
        parts, now=NOW, since=since, scheduler="sync"
    ) == milestones(EVENTS, now=NOW, since=since)
    for limit in (0, 1, 5, 200):
        assert ex.queue_on_dask(
            parts, now=NOW, limit=limit, scheduler="sync"
        ) == outreach_queue(single, limit=limit)


def test_drift_on_dask_threads_equals_one_process() -> None:
    """The threaded local scheduler (the example's) gives the same reports as one process."""
    parts = ex.partition_by_member(EVENTS, 3)
    assert ex.drift_on_dask(parts, now=NOW, scheduler="threads") == detect_drift(
        EVENTS, now=NOW
    )


@pytest.mark.slow  # fifteen Dask runs of drift and milestones
@pytest.mark.parametrize("partitions", [1, 2, 3, 7, 40])
def test_any_partition_by_member_gives_the_same_reports(partitions: int) -> None:
    """However the members are spread over partitions (any count, empty ones included) and in whatever order each partition holds its events, the reports and milestones are the single-process ones."""
    policy = DriftPolicy(false_flags_per_100_members_per_year=20, min_history=4)
    single = detect_drift(EVENTS, now=NOW, policy=policy)
    found = milestones(EVENTS, now=NOW, policy=policy)
    for seed in range(3):
        parts = [[], *_by_assignment(EVENTS, partitions, seed), []]
        assert sum(map(len, parts)) == len(EVENTS)
        assert (
            ex.drift_on_dask(parts, now=NOW, policy=policy, scheduler="sync") == single
        )
        assert (
            ex.milestones_on_dask(parts, now=NOW, policy=policy, scheduler="sync")
            == found
        )


def test_partition_by_member_keeps_each_member_in_one_partition() -> None:
    """partition_by_member loses no event and puts all of a member's events in one partition, the same way on every call."""
    parts = ex.partition_by_member(EVENTS, 5)
    homes: dict[str, set[int]] = {}
    for i, part in enumerate(parts):
        for event in part:
            homes.setdefault(event.member_id, set()).add(i)
    assert Counter(e for part in parts for e in part) == Counter(EVENTS)
    assert all(len(home) == 1 for home in homes.values())
    assert ex.partition_by_member(EVENTS, 5) == parts


def test_a_member_split_across_partitions_gets_two_reports() -> None:
    """Partitioning by anything but member breaks the equality: a member whose events are split is judged twice, on half a history each."""
    ident = EVENTS[0].member_id
    mine = [event for event in EVENTS if event.member_id == ident]
    rest = [event for event in EVENTS if event.member_id != ident]
    parts = [rest + mine[::2], mine[1::2]]
    reports = ex.drift_on_dask(parts, now=NOW, scheduler="sync")
    assert [r.member_id for r in reports].count(ident) == 2
    assert reports != detect_drift(EVENTS, now=NOW)


def _assert_components(members: list[Member], blocks: list[tuple[Member, ...]]) -> None:
    """*blocks* partition *members*; no language is spoken in two; each is linked."""
    assert Counter(m.id for block in blocks for m in block) == Counter(
        m.id for m in members
    )
    spoken = [frozenset().union(*(m.languages for m in block)) for block in blocks]
    for i, languages in enumerate(spoken):
        assert not any(languages & other for other in spoken[i + 1 :])
    for block in blocks:
        reached = set(block[0].languages)
        grown = True
        while grown:
            linked = [m.languages for m in block if m.languages & reached]
            grown = bool(linked) and not frozenset().union(*linked) <= reached
            reached.update(*linked)
        assert all(m.languages <= reached for m in block)


def test_language_blocks_are_the_components_of_shared_languages() -> None:
    """No member shares a language with a member of another block, each block is linked by shared languages, and a bilingual member joins two blocks into one."""
    members = list(simulate_cohort(300, seed=4, with_groups=False).members)
    _assert_components(members, ex.language_blocks(members))
    tracks = ex.language_tracks(members)
    blocks = ex.language_blocks(tracks)
    _assert_components(tracks, blocks)
    assert len(blocks) > 2
    assert all(len(m.languages) == 1 for m in tracks)
    bridge = [*tracks, Member("zz", "action", languages={"en", "es"})]
    _assert_components(bridge, ex.language_blocks(bridge))
    assert len(ex.language_blocks(bridge)) == len(blocks) - 1
    assert ex.language_blocks(reversed(tracks)) == blocks


def test_matching_per_block_on_dask_equals_one_process() -> None:
    """A round per language block on Dask is exactly the round matching each block gives in one process, and as good as one call over the whole cohort."""
    members = ex.language_tracks(
        simulate_cohort(240, seed=3, with_groups=False).members
    )
    blocks = ex.language_blocks(members)
    policy = PartnerPolicy(trios=False)
    rounds = ex.match_on_dask(blocks, policy=policy, scheduler="sync")
    assert rounds == tuple(
        match_partners(block, policy=policy, during=WEEK) for block in blocks
    )
    whole = match_partners(members, policy=policy, during=WEEK)
    assert ex.check_as_good(blocks, rounds, whole) >= 0
    assert sum(ex.units(r) for r in rounds) == ex.units(whole)


def test_matching_per_block_takes_the_whole_history() -> None:
    """Every block may be given the whole history (ids of other blocks are ignored), and no block repeats a recent pair."""
    members = ex.language_tracks(
        simulate_cohort(160, seed=2, with_groups=False).members
    )
    blocks = ex.language_blocks(members)
    first = ex.match_on_dask(blocks, scheduler="sync")
    history = [tuple(team for matching in first for team in matching.teams)]
    second = ex.match_on_dask(blocks, history=history, scheduler="sync")
    before = {frozenset(team) for team in history[0]}
    assert not before & {frozenset(t) for m in second for t in m.teams}


def test_check_as_good_catches_a_worse_round() -> None:
    """The example's comparison is not vacuous: a block round with a pair dropped fails it."""
    members = ex.language_tracks(
        simulate_cohort(120, seed=3, with_groups=False).members
    )
    blocks = ex.language_blocks(members)
    policy = PartnerPolicy(trios=False)
    rounds = [match_partners(block, policy=policy, during=WEEK) for block in blocks]
    whole = match_partners(members, policy=policy, during=WEEK)
    worse = [PartnerMatching(pairs=rounds[0].pairs[1:]), *rounds[1:]]
    with pytest.raises(AssertionError):
        ex.check_as_good(blocks, worse, whole)


def test_values_crossing_partitions_pickle() -> None:
    """Touchpoints, reports and rounds survive pickling, as they must to cross processes (Dask's process pool, a cluster)."""
    reports = detect_drift(EVENTS, now=NOW)
    matching = match_partners(
        simulate_cohort(60, seed=1, with_groups=False).members, during=WEEK
    )
    for value in (EVENTS, reports, matching):
        assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 - our own bytes
