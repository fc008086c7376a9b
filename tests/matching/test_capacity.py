"""Capacities above one: exact against an integer program and brute force, boundaries never crossed."""

import itertools
import random
from collections.abc import Sequence
from typing import Literal

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import (  # type: ignore[import-untyped]
    Bounds,
    LinearConstraint,
    milp,
)

from peerkit import InvalidInputError, Member, WeeklyAvailability
from peerkit.datasets import simulate_cohort
from peerkit.matching import (
    PartnerMatching,
    PartnerPolicy,
    _capacity,
    blocking_pairs,
    match_mentors,
    match_partners,
    partner_fit,
)
from reference import WEEK

Objective = Literal["participation", "score", "fair"]
Edge = tuple[str, str, float]

RHYTHMS = [
    WeeklyAvailability.parse("weekdays 18:00-21:00"),
    WeeklyAvailability.parse("sat,sun 09:00-12:00"),
    WeeklyAvailability.parse("tue,thu 12:00-14:00"),
    WeeklyAvailability.always(),
]
ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney"]
STAGES = ["contemplation", "preparation", "action", "maintenance"]
GOALS = ["sleep", "walks", "routine"]


@st.composite
def rounds(
    draw: st.DrawFn,
    *,
    min_size: int = 0,
    max_size: int = 22,
    capacities: Sequence[int] = (0, 1, 1, 2, 2, 3),
) -> list[Member]:
    """Adversarial rounds: odd sizes, several zones, capacities 0 to 3, languages apart."""
    n = draw(st.integers(min_size, max_size))
    return [
        Member(
            f"m{i:02d}",
            draw(st.sampled_from(STAGES)),
            goals=draw(st.sets(st.sampled_from(GOALS), max_size=2)),
            timezone=draw(st.sampled_from(ZONES)),
            availability=draw(st.sampled_from(RHYTHMS)),
            languages=draw(st.sampled_from([["en"], ["en"], ["es"], ["en", "es"]])),
            max_partners=draw(st.sampled_from(capacities)),
        )
        for i in range(n)
    ]


def allowed_edges(
    ms: Sequence[Member],
    policy: PartnerPolicy,
    forbidden: frozenset[frozenset[str]] = frozenset(),
) -> list[Edge]:
    """Every pair a round may make, from the public partner_fit, one pair at a time."""
    edges = []
    for a, b in itertools.combinations(sorted(ms, key=lambda m: m.id), 2):
        fit = partner_fit(a, b, policy=policy, during=WEEK)
        if (
            fit.eligible
            and fit.score >= policy.min_score
            and frozenset((a.id, b.id)) not in forbidden
        ):
            edges.append((a.id, b.id, fit.score))
    return edges


def milp_best(
    edges: list[Edge], capacity: dict[str, int], objective: str
) -> tuple[int, float]:
    """(partnerships, total) of the best b-matching, by scipy's integer programming."""
    if not edges:
        return 0, 0.0
    ids = sorted(capacity)
    rows = np.zeros((len(ids), len(edges)))
    for k, (a, b, _) in enumerate(edges):
        rows[ids.index(a), k] = rows[ids.index(b), k] = 1
    weights = np.array([w for _, _, w in edges])
    caps = LinearConstraint(rows, -np.inf, [capacity[i] for i in ids])
    binary = {"integrality": np.ones(len(edges)), "bounds": Bounds(0, 1)}
    if objective == "score":
        found = milp(-weights, constraints=[caps], **binary)
        return round(found.x.sum()), -float(found.fun)
    most = milp(-np.ones(len(edges)), constraints=[caps], **binary)
    count = round(-most.fun)
    every = LinearConstraint(np.ones((1, len(edges))), count, count)
    found = milp(-weights, constraints=[caps, every], **binary)
    return count, -float(found.fun)


def brute_best(
    edges: list[Edge], capacity: dict[str, int], objective: str
) -> tuple[int, float]:
    """(partnerships, total) of the best b-matching, trying every set of pairs."""
    best = (0, 0.0)
    for k in range(len(edges) + 1):
        for chosen in itertools.combinations(edges, k):
            load: dict[str, int] = {}
            for a, b, _ in chosen:
                load[a] = load.get(a, 0) + 1
                load[b] = load.get(b, 0) + 1
            if all(load[i] <= capacity[i] for i in load):
                value = (k, sum(w for _, _, w in chosen))
                if objective == "score":
                    better = value[1] > best[1] + 1e-12
                else:
                    better = value[0] > best[0] or (
                        value[0] == best[0] and value[1] > best[1] + 1e-12
                    )
                if better:
                    best = value
    return best


def partnerships(result: PartnerMatching) -> list[tuple[str, str, float]]:
    """Every partnership of a round, a trio's three included, with its score."""
    fits = [*result.pairs, *(f for t in result.trios for f in t.fits)]
    return [(*f.member_ids, f.score) for f in fits]


def capacity_of(ms: Sequence[Member]) -> dict[str, int]:
    return {m.id: m.max_partners for m in ms}


# --- the reproducer --------------------------------------------------------


def test_a_member_who_holds_two_gets_two() -> None:
    """Members a (max_partners=2), b and c, all compatible, no trios: a is paired with both."""
    ms = [Member("a", "action", max_partners=2), Member("b", "action")]
    ms.append(Member("c", "action"))
    result = match_partners(ms, policy=PartnerPolicy(trios=False), during=WEEK)
    assert [f.member_ids for f in result.pairs] == [("a", "b"), ("a", "c")]
    assert result.partners_of("a") == ("b", "c")
    assert result.partners_of("b") == ("a",)
    assert not result.unplaced
    assert not result.trios


def test_max_partners_zero_sits_out_and_spare_room_is_not_unplaced() -> None:
    """max_partners=0 sits out; a member with room for three who holds two is placed, not unplaced."""
    ms = [Member("hub", "action", max_partners=3), Member("a", "action")]
    ms += [Member("b", "action"), Member("off", "action", max_partners=0)]
    result = match_partners(ms, during=WEEK)
    assert result.partners_of("hub") == ("a", "b")
    assert [(u.member_id, u.reasons[0].code) for u in result.unplaced] == [
        ("off", "unplaced.sitting_out")
    ]


def test_pins_count_against_max_partners() -> None:
    """A member is pinned at most max_partners times, a pair once, and the solver fills the room left."""
    ms = [Member(i, "action") for i in "abcd"]
    ms.append(Member("hub", "action", max_partners=3))
    result = match_partners(ms, pinned=[("hub", "a"), ("b", "hub")], during=WEEK)
    assert len(result.partners_of("hub")) == 3
    assert {"a", "b"} <= set(result.partners_of("hub"))
    pinned = [f for f in result.pairs if f.reasons[0].code == "pair.pinned"]
    assert len(pinned) == 2
    with pytest.raises(InvalidInputError, match="at most 3 times"):
        match_partners(
            ms,
            pinned=[("hub", "a"), ("hub", "b"), ("hub", "c"), ("hub", "d")],
            during=WEEK,
        )
    with pytest.raises(InvalidInputError, match="a pair pinned once only"):
        match_partners(
            [*ms, Member("two", "action", max_partners=2)],
            pinned=[("hub", "two"), ("two", "hub")],
            during=WEEK,
        )


# --- exact against independent solvers -----------------------------------------------


@pytest.mark.parametrize("objective", ["participation", "score"])
@pytest.mark.parametrize("cap", [0, 1, 2, 3])
@given(data=st.data())
@settings(max_examples=25)
def test_exact_against_brute_force(
    objective: Objective, cap: int, data: st.DataObject
) -> None:
    """For small rounds with max_partners 0 to 3, the best count and total are brute force's."""
    ms = data.draw(rounds(max_size=6, capacities=(cap, cap, 1, 2)))
    policy = PartnerPolicy(trios=data.draw(st.booleans()), min_score=0.2)
    result = match_partners(ms, policy=policy, objective=objective, during=WEEK)
    made = partnerships(result)
    best = brute_best(allowed_edges(ms, policy), capacity_of(ms), objective)
    assert sum(s for *_, s in made) == pytest.approx(best[1], abs=1e-9)
    if objective == "participation":
        assert len(made) == best[0]


@pytest.mark.parametrize("objective", ["participation", "score"])
@pytest.mark.parametrize("cap", [0, 1, 2, 3])
@given(data=st.data())
@settings(max_examples=15)
def test_exact_against_an_integer_program(
    objective: Objective, cap: int, data: st.DataObject
) -> None:
    """For rounds of up to 22 with max_partners 0 to 3, blocks and history too, the result is scipy milp's optimum."""
    ms = data.draw(rounds(max_size=22, capacities=(cap, cap, 1, 2)))
    ids = [m.id for m in ms]
    pairs = list(itertools.combinations(ids, 2))
    blocked = data.draw(st.lists(st.sampled_from(pairs), max_size=4)) if pairs else []
    history = [data.draw(st.lists(st.sampled_from(pairs), max_size=4))] if pairs else []
    policy = PartnerPolicy(trios=data.draw(st.booleans()))
    result = match_partners(
        ms,
        policy=policy,
        objective=objective,
        blocked=blocked,
        history=history,
        during=WEEK,
    )
    forbidden = frozenset(frozenset(p) for p in [*blocked, *itertools.chain(*history)])
    edges = allowed_edges(ms, policy, forbidden)
    count, total = milp_best(edges, capacity_of(ms), objective)
    made = partnerships(result)
    assert sum(s for *_, s in made) == pytest.approx(total, abs=1e-6)
    if objective == "participation":
        assert len(made) == count


# --- boundaries and rules, for all rounds ---------------------------------------------


def check_round(
    ms: list[Member], result: PartnerMatching, policy: PartnerPolicy
) -> int:
    """Every boundary and rule of one round; returns how many partnerships it has."""
    by_id = {m.id: m for m in ms}
    for m in ms:
        assert len(result.partners_of(m.id)) <= m.max_partners
    made = partnerships(result)
    assert len({(a, b) for a, b, _ in made}) == len(made)  # a pair at most once
    for a, b, _ in made:
        fit = partner_fit(by_id[a], by_id[b], policy=policy, during=WEEK)
        assert fit.eligible
        assert fit.score >= policy.min_score
    for trio in result.trios:
        assert all(by_id[i].max_partners >= 2 for i in trio.member_ids)
    placed = {i for a, b, _ in made for i in (a, b)}
    assert placed.isdisjoint(u.member_id for u in result.unplaced)
    assert placed | {u.member_id for u in result.unplaced} == set(by_id)
    return len(made)


@pytest.mark.slow
@given(
    rounds(min_size=18, max_size=24),
    st.booleans(),
    st.sampled_from(["participation", "score", "fair"]),
)
@settings(max_examples=300)
def test_no_member_holds_more_partners_than_max_partners(
    ms: list[Member], trios: bool, objective: Objective
) -> None:
    """For 300 random rounds of about 22 members, trios or not, no member holds more than max_partners and every rule holds."""
    policy = PartnerPolicy(trios=trios)
    result = match_partners(ms, policy=policy, objective=objective, during=WEEK)
    check_round(ms, result, policy)


@given(rounds(min_size=10, max_size=22), st.sampled_from(["participation", "fair"]))
@settings(max_examples=40)
def test_participation_pairs_as_many_as_a_maximum_cardinality_b_matching(
    ms: list[Member], objective: Objective
) -> None:
    """For all rounds, participation and fair make as many partnerships as scipy's maximum-cardinality b-matching."""
    policy = PartnerPolicy()
    result = match_partners(ms, policy=policy, objective=objective, during=WEEK)
    made = check_round(ms, result, policy)
    unit = [(a, b, 1.0) for a, b, _ in allowed_edges(ms, policy)]
    assert made == milp_best(unit, capacity_of(ms), "score")[0]


@given(rounds(max_size=16), st.randoms(use_true_random=False), st.integers(0, 3))
@settings(max_examples=30)
def test_order_invariant_and_seed_reproducible(
    ms: list[Member], rng: random.Random, seed: int
) -> None:
    """For all rounds with capacities, shuffling the members gives the same round, and a seed always the same one."""
    first = match_partners(ms, seed=seed, during=WEEK)
    shuffled = list(ms)
    rng.shuffle(shuffled)
    assert match_partners(shuffled, seed=seed, during=WEEK) == first


def test_the_seed_chooses_among_equal_rounds() -> None:
    """Among equally good capacitated rounds, seeds choose different ones with the same total."""
    ms = [Member(i, "action", max_partners=2) for i in "abcdefg"]
    by_seed = [
        match_partners(ms, seed=s, policy=PartnerPolicy(trios=False), during=WEEK)
        for s in range(8)
    ]
    assert len({r.teams for r in by_seed}) > 1
    assert len({r.total for r in by_seed}) == 1
    assert len({len(r.pairs) for r in by_seed}) == 1


# --- what members read, and stability -----------------------------------------------


def brute_blocking(
    ms: list[Member], result: PartnerMatching, policy: PartnerPolicy
) -> list[tuple[str, str]]:
    """Blocking pairs by the definition, one partner_fit at a time."""
    give_up: dict[str, float] = {}
    for m in ms:
        scores = [f.score for f in result.pairs if m.id in f.member_ids]
        scores += [t.score for t in result.trios if m.id in t.member_ids]
        held = len(result.partners_of(m.id))
        give_up[m.id] = -1.0 if held < m.max_partners else min(scores, default=9.0)
    found = []
    for a, b in itertools.combinations(sorted(ms, key=lambda m: m.id), 2):
        if b.id in result.partners_of(a.id):
            continue
        fit = partner_fit(a, b, policy=policy, during=WEEK)
        if (
            fit.eligible
            and fit.score >= policy.min_score
            and fit.score > give_up[a.id]
            and fit.score > give_up[b.id]
        ):
            found.append(fit.member_ids)
    return found


@given(rounds(max_size=14), st.sampled_from(["participation", "score", "fair"]))
@settings(max_examples=40)
def test_blocking_pairs_with_capacities(ms: list[Member], objective: Objective) -> None:
    """For all capacitated rounds, blocking_pairs finds exactly the pairs the definition does."""
    policy = PartnerPolicy()
    result = match_partners(ms, policy=policy, objective=objective, during=WEEK)
    found = blocking_pairs(result, ms, policy=policy, during=WEEK)
    assert [f.member_ids for f in found] == brute_blocking(ms, result, policy)


def test_unplaced_reasons_never_disclose_a_block_with_capacities() -> None:
    """A member whose one compatible partner blocked them reads as if that partner were absent."""
    ms = [Member("a", "action", max_partners=2), Member("b", "action")]
    ms.append(Member("c", "action", languages=["fr"]))
    blocked = match_partners(ms, blocked=[("a", "b")], during=WEEK)
    absent = match_partners([ms[0], ms[2]], during=WEEK)
    reason = {u.member_id: u.reasons for u in blocked.unplaced}
    assert reason["a"] == {u.member_id: u.reasons for u in absent.unplaced}["a"]
    for u in blocked.unplaced:
        assert "block" not in " ".join(r.message.lower() for r in u.reasons)


def test_a_member_left_next_to_full_members_is_told_they_were_taken() -> None:
    """With room above one in play, a member without a partner is 'taken', never an odd one out."""
    ms = [Member("hub", "action", max_partners=2)]
    ms += [Member(i, "action", languages=["fr", "en"]) for i in "ab"]
    ms.append(Member("c", "action", languages=["fr"]))
    ms.append(Member("d", "action", languages=["fr"]))
    ms.append(Member("e", "action", availability="sat 09:00-10:00", languages=["en"]))
    result = match_partners(ms, during=WEEK)
    codes = {u.member_id: u.reasons[0].code for u in result.unplaced}
    assert "unplaced.odd_one_out" not in codes.values()


# --- large rounds --------------------------------------------------------------------


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sparse, blocked solver take over at a size a test can afford."""
    monkeypatch.setattr(_capacity, "_FULL_LIMIT", 20)
    monkeypatch.setattr(_capacity, "_CHUNK", 30)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("objective", ["participation", "score", "fair"])
def test_large_rounds_keep_every_rule(objective: Objective) -> None:
    """Solved sparse and in blocks, a capacitated round keeps every boundary and rule and accounts for everyone."""
    ms = list(simulate_cohort(90, seed=3).members)
    assert any(m.max_partners > 1 for m in ms)
    policy = PartnerPolicy()
    result = match_partners(ms, policy=policy, objective=objective, during=WEEK)
    assert check_round(ms, result, policy) > 0


@pytest.mark.usefixtures("small_blocks")
def test_large_rounds_are_maximal() -> None:
    """Solved in blocks, no two members who both still have room could have been paired."""
    ms = list(simulate_cohort(90, seed=4).members)
    policy = PartnerPolicy(trios=False)
    result = match_partners(ms, policy=policy, during=WEEK)
    room = [
        m
        for m in ms
        if m.max_partners and len(result.partners_of(m.id)) < m.max_partners
    ]
    for a, b in itertools.combinations(room, 2):
        if b.id in result.partners_of(a.id):
            continue
        fit = partner_fit(a, b, policy=policy, during=WEEK)
        assert not (fit.eligible and fit.score >= policy.min_score)


# --- mentors ---------------------------------------------------------------------------


@given(rounds(max_size=18), st.integers(0, 18))
@settings(max_examples=40)
def test_mentor_capacities_are_max_partners(ms: list[Member], k: int) -> None:
    """For all rounds, a mentor takes at most max_partners mentees and a mentee at most one mentor."""
    mentors, mentees = ms[:k], ms[k:]
    result = match_mentors(mentors, mentees, during=WEEK)
    for m in mentors:
        assert len(result.mentees_of(m.id)) <= m.max_partners
    seen = [a.mentee_id for a in result.assignments]
    assert len(seen) == len(set(seen))
    for m in mentees:
        if m.max_partners == 0:
            assert m.id not in seen


def test_a_mentor_with_room_for_three_takes_three() -> None:
    """A mentor with max_partners=3 and four compatible mentees takes three; the fourth is told every mentor is full."""
    mentor = Member("mo", "maintenance", max_partners=3)
    mentees = [Member(i, "action", max_partners=2) for i in "abcd"]
    result = match_mentors([mentor], mentees, during=WEEK)
    assert len(result.mentees_of("mo")) == 3
    assert [u.reasons[0].code for u in result.unplaced] == ["unplaced.full"]
    assert attrs.evolve(mentor, max_partners=3) == mentor


# --- priority with capacities -----------------------------------------------------------


def milp_priority_best(
    edges: list[Edge], capacity: dict[str, int], first: set[str]
) -> tuple[int, int, float]:
    """(partnerships, priority members placed, total), each the best given the ones before, by scipy's milp."""
    if not edges:
        return 0, 0, 0.0
    ids = sorted(capacity)
    lead = sorted(first & {i for a, b, _ in edges for i in (a, b)})
    n_x, n_y = len(edges), len(lead)
    caps = np.zeros((len(ids), n_x + n_y))
    reach = np.zeros((n_y, n_x + n_y))  # y_p <= the partnerships p is in
    for k, (a, b, _) in enumerate(edges):
        caps[ids.index(a), k] = caps[ids.index(b), k] = 1
        for end in (a, b):
            if end in lead:
                reach[lead.index(end), k] = -1
    for j in range(n_y):
        reach[j, n_x + j] = 1
    rules = [LinearConstraint(caps, -np.inf, [capacity[i] for i in ids])]
    if n_y:
        rules.append(LinearConstraint(reach, -np.inf, 0))
    binary = {"integrality": np.ones(n_x + n_y), "bounds": Bounds(0, 1)}
    pick_x = np.concatenate((np.ones(n_x), np.zeros(n_y)))
    pick_y = np.concatenate((np.zeros(n_x), np.ones(n_y)))
    weights = np.concatenate(([w for _, _, w in edges], np.zeros(n_y)))
    count = round(-milp(-pick_x, constraints=rules, **binary).fun)
    rules.append(LinearConstraint(pick_x[None, :], count, count))
    placed = round(-milp(-pick_y, constraints=rules, **binary).fun)
    rules.append(LinearConstraint(pick_y[None, :], placed, placed))
    total = -float(milp(-weights, constraints=rules, **binary).fun)
    return count, placed, total


def brute_priority_best(
    edges: list[Edge], capacity: dict[str, int], first: set[str]
) -> tuple[int, int]:
    """(partnerships, priority members placed among those), trying every set of pairs."""
    best = (0, 0)
    for k in range(len(edges) + 1):
        for chosen in itertools.combinations(edges, k):
            load: dict[str, int] = {}
            for a, b, _ in chosen:
                load[a] = load.get(a, 0) + 1
                load[b] = load.get(b, 0) + 1
            if all(load[i] <= capacity[i] for i in load):
                best = max(best, (k, len(first & set(load))))
    return best


def placed_of(result: PartnerMatching, first: set[str]) -> int:
    """How many members of *first* hold at least one partner."""
    return len(first & {i for a, b, _ in partnerships(result) for i in (a, b)})


@pytest.mark.parametrize("cap", [0, 1, 2, 3])
@given(data=st.data())
@settings(max_examples=20)
def test_priority_with_capacities_against_brute_force(
    cap: int, data: st.DataObject
) -> None:
    """For small rounds with max_partners 0 to 3, priority makes the most partnerships and places as many of its members as any such round (brute force)."""
    ms = data.draw(rounds(max_size=6, capacities=(cap, cap, 1, 2)))
    first = set(data.draw(st.lists(st.sampled_from([m.id for m in ms] or ["zed"]))))
    policy = PartnerPolicy(trios=data.draw(st.booleans()), min_score=0.2)
    result = match_partners(ms, policy=policy, priority=sorted(first), during=WEEK)
    best = brute_priority_best(allowed_edges(ms, policy), capacity_of(ms), first)
    assert (len(partnerships(result)), placed_of(result, first)) == best


@pytest.mark.parametrize("objective", ["participation", "fair"])
@pytest.mark.parametrize("cap", [0, 1, 2, 3])
@given(data=st.data())
@settings(max_examples=12)
def test_priority_with_capacities_against_an_integer_program(
    objective: Objective, cap: int, data: st.DataObject
) -> None:
    """For rounds of up to 20 with max_partners 0 to 3, priority gives milp's most partnerships, then most priority members placed (then, for participation, the best total)."""
    ms = data.draw(rounds(max_size=20, capacities=(cap, cap, 1, 2)))
    ids = [m.id for m in ms] or ["zed"]
    first = set(data.draw(st.lists(st.sampled_from(ids), max_size=8)))
    policy = PartnerPolicy(trios=data.draw(st.booleans()))
    result = match_partners(
        ms, policy=policy, objective=objective, priority=sorted(first), during=WEEK
    )
    check_round(ms, result, policy)
    count, placed, total = milp_priority_best(
        allowed_edges(ms, policy), capacity_of(ms), first
    )
    made = partnerships(result)
    assert len(made) == count
    if objective == "participation":
        assert placed_of(result, first) == placed
        assert sum(s for *_, s in made) == pytest.approx(total, abs=1e-6)
    else:  # the best worst pair comes before priority
        assert placed_of(result, first) <= placed


def test_priority_places_the_member_a_hub_would_otherwise_skip() -> None:
    """A member holding three partners could take b, c or d: with c first, c is among them."""
    ms = [
        Member("a", "action", max_partners=2),
        Member("b", "action"),
        Member("c", "action"),
        Member("d", "action", max_partners=3),
    ]
    policy = PartnerPolicy(trios=False)
    for first in ("b", "c"):
        result = match_partners(ms, policy=policy, priority=[first], during=WEEK)
        assert result.partners_of(first)
        assert len(result.pairs) == 3


@given(rounds(min_size=2, max_size=18), st.data())
@settings(max_examples=25)
def test_priority_with_capacities_is_order_invariant(
    ms: list[Member], data: st.DataObject
) -> None:
    """For all rounds, shuffling the members or the priority ids (strangers among them) changes nothing."""
    first = data.draw(st.lists(st.sampled_from([m.id for m in ms]), max_size=5))
    one = match_partners(ms, priority=[*first, "zed"], during=WEEK)
    shuffled = data.draw(st.permutations(ms))
    again = match_partners(shuffled, priority=first[::-1], during=WEEK)
    assert again == one


@given(
    rounds(min_size=20, max_size=40),
    st.data(),
    st.sampled_from(["participation", "fair"]),
)
@settings(max_examples=15, deadline=None)
def test_priority_in_capacity_blocks_never_makes_fewer_partnerships(
    ms: list[Member], data: st.DataObject, objective: Objective
) -> None:
    """For all rounds solved sparse and in blocks (limits lowered), priority never lowers the partnerships and every rule holds."""
    first = data.draw(st.lists(st.sampled_from([m.id for m in ms]), max_size=10))
    policy = PartnerPolicy()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_capacity, "_FULL_LIMIT", 8)
        patch.setattr(_capacity, "_CHUNK", 15)
        plain = match_partners(ms, policy=policy, objective=objective, during=WEEK)
        chosen = match_partners(
            ms, policy=policy, objective=objective, priority=first, during=WEEK
        )
    assert check_round(ms, chosen, policy) >= len(partnerships(plain))


def test_priority_with_a_simulated_cohort() -> None:
    """A simulated cohort (some members holding two) takes priority: never fewer partnerships, at least as many of them placed."""
    ms = list(simulate_cohort(60, seed=5).members)
    assert any(m.max_partners > 1 for m in ms)
    plain = match_partners(ms, during=WEEK)
    first = {u.member_id for u in plain.unplaced}
    first |= {m.id for m in ms[::7]}
    chosen = match_partners(ms, priority=sorted(first), during=WEEK)
    assert len(partnerships(chosen)) == len(partnerships(plain))
    assert placed_of(chosen, first) >= placed_of(plain, first)
