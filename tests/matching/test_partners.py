"""Partner matching: exact against networkx, hard rules never broken, everyone accounted for."""

import copy
import itertools
import random
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Literal

import attrs
import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import (
    InvalidInputError,
    Member,
    UnknownStageError,
    WeeklyAvailability,
)
from peerkit.datasets import sample_cohort, simulate_cohort
from peerkit.matching import (
    PartnerMatching,
    PartnerPolicy,
    Unplaced,
    _partners,
    blocking_pairs,
    match_partners,
    partner_fit,
)
from peerkit.testing import members, partner_policies
from reference import WEEK

RHYTHMS = [
    WeeklyAvailability.parse("weekdays 18:00-21:00"),
    WeeklyAvailability.parse("sat,sun 09:00-12:00"),
    WeeklyAvailability.parse("tue,thu 12:00-14:00"),
    WeeklyAvailability.always(),
    WeeklyAvailability(),
]
Objective = Literal["participation", "score", "fair"]
OBJECTIVES: st.SearchStrategy[Objective] = st.sampled_from(
    ("participation", "score", "fair")
)
Round = tuple[list[Member], list[tuple[str, str]], list[list[tuple[str, str]]]]
ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
]

people = st.lists(
    members(availability=st.sampled_from(RHYTHMS)).map(
        lambda m: attrs.evolve(
            m,
            timezone=ZONES[len(m.id) % len(ZONES)],
            languages=m.languages & {"en", "es"} or {"en"},
            max_partners=min(m.max_partners, 1) if len(m.id) > 1 else 0,
        )
    ),
    max_size=14,
    unique_by=lambda m: m.id,
)


def allowed_graph(
    ms: list[Member],
    policy: PartnerPolicy,
    forbidden: AbstractSet[frozenset[str]] = frozenset(),
) -> "nx.Graph[str]":
    """The eligible graph, built from the public partner_fit, one pair at a time."""
    graph: nx.Graph[str] = nx.Graph()
    for a, b in itertools.combinations(ms, 2):
        fit = partner_fit(a, b, policy=policy, during=WEEK)
        if (
            fit.eligible
            and fit.score >= policy.min_score
            and frozenset((a.id, b.id)) not in forbidden
        ):
            graph.add_edge(a.id, b.id, weight=fit.score)
    return graph


def nx_total(graph: "nx.Graph[str]", matching: set[tuple[str, str]]) -> float:
    return float(sum(graph[a][b]["weight"] for a, b in matching))


def banned_pairs(
    blocked: list[tuple[str, str]],
    history: list[list[tuple[str, str]]],
    policy: PartnerPolicy,
) -> frozenset[frozenset[str]]:
    """The pairs a round may not make: blocked, or partners in the last rounds."""
    n = policy.no_repeat_rounds
    recent = history[max(0, len(history) - n) :] if n else []
    return frozenset(
        {frozenset(p) for p in blocked} | {frozenset(p) for r in recent for p in r}
    )


def no_trios(policy: PartnerPolicy) -> PartnerPolicy:
    return attrs.evolve(policy, trios=False)


def one_partner_each(ms: Iterable[Member]) -> list[Member]:
    """The members, each holding one partner at most: an ordinary matching."""
    return [attrs.evolve(m, max_partners=min(m.max_partners, 1)) for m in ms]


# --- exactness ----------------------------------------------------------------------


@given(people, partner_policies())
def test_score_objective_is_the_maximum_weight_matching(
    ms: list[Member], policy: PartnerPolicy
) -> None:
    """For all small cohorts, the "score" total equals networkx's exact maximum-weight matching."""
    policy = no_trios(policy)
    graph = allowed_graph(ms, policy)
    ours = match_partners(ms, policy=policy, objective="score", during=WEEK)
    best = nx.max_weight_matching(graph, maxcardinality=False)
    assert ours.total == pytest.approx(nx_total(graph, best), abs=1e-6)


@given(people, partner_policies())
def test_participation_is_maximum_cardinality_then_weight(
    ms: list[Member], policy: PartnerPolicy
) -> None:
    """For all small cohorts, "participation" pairs as many as networkx's maximum-cardinality optimum, with its total."""
    policy = no_trios(policy)
    graph = allowed_graph(ms, policy)
    ours = match_partners(ms, policy=policy, during=WEEK)
    best = nx.max_weight_matching(graph, maxcardinality=True)
    assert len(ours.pairs) == len(best)
    assert ours.total == pytest.approx(nx_total(graph, best), abs=1e-6)


@pytest.mark.parametrize(
    "n",
    [
        60,
        pytest.param(150, marks=pytest.mark.slow),
        pytest.param(300, marks=pytest.mark.slow),
    ],
)
def test_exact_against_networkx_on_simulated_cohorts(n: int) -> None:
    """On simulated cohorts up to 300 members both objectives equal networkx's optimum."""
    ms = one_partner_each(simulate_cohort(n, seed=n).members)
    policy = PartnerPolicy(trios=False)
    graph = allowed_graph(ms, policy)
    score = match_partners(ms, policy=policy, objective="score", during=WEEK)
    assert score.total == pytest.approx(
        nx_total(graph, nx.max_weight_matching(graph)), abs=1e-6
    )
    most = nx.max_weight_matching(graph, maxcardinality=True)
    ours = match_partners(ms, policy=policy, during=WEEK)
    assert len(ours.pairs) == len(most)
    assert ours.total == pytest.approx(nx_total(graph, most), abs=1e-6)


def _all_matchings(edges: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    if not edges:
        return [[]]
    (a, b), rest = edges[0], edges[1:]
    without = _all_matchings(rest)
    free = [e for e in rest if a not in e and b not in e]
    return without + [[(a, b), *m] for m in _all_matchings(free)]


@given(people.filter(lambda ms: len(ms) <= 9), partner_policies())
def test_fair_is_most_paired_then_best_worst_then_total(
    ms: list[Member], policy: PartnerPolicy
) -> None:
    """For all tiny cohorts, "fair" equals the exhaustive optimum of (pairs, worst pair, total)."""
    policy = no_trios(policy)
    graph = allowed_graph(ms, policy)
    weight = {frozenset(e): graph.edges[e]["weight"] for e in graph.edges}

    def key(m: list[tuple[str, str]]) -> tuple[int, float, float]:
        scores = [weight[frozenset(e)] for e in m]
        return len(m), min(scores, default=0.0), sum(scores)

    best = max(key(m) for m in _all_matchings(list(graph.edges)))
    ours = match_partners(ms, policy=policy, objective="fair", during=WEEK)
    assert len(ours.pairs) == best[0]
    assert ours.min_score == pytest.approx(best[1], abs=1e-6)
    assert ours.total == pytest.approx(best[2], abs=1e-6)


# --- hard rules and accounting ---------------------------------------------------------


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    ms = draw(people)
    ids = [m.id for m in ms]
    pairs = list(itertools.combinations(ids, 2))
    if not pairs:
        return ms, [], []
    blocked = draw(st.lists(st.sampled_from(pairs), max_size=6))
    history = draw(st.lists(st.lists(st.sampled_from(pairs), max_size=4), max_size=4))
    return ms, blocked, history


@given(rounds(), partner_policies(), OBJECTIVES)
def test_hard_rules_are_never_broken(
    data: Round,
    policy: PartnerPolicy,
    objective: Objective,
) -> None:
    """For all rounds, no pair or trio pair is blocked, a recent repeat, ineligible or below min_score."""
    ms, blocked, history = data
    result = match_partners(
        ms,
        policy=policy,
        objective=objective,
        blocked=blocked,
        history=history,
        during=WEEK,
    )
    by_id = {m.id: m for m in ms}
    banned = banned_pairs(blocked, history, policy)
    fits = [*result.pairs, *(f for t in result.trios for f in t.fits)]
    for fit in fits:
        a, b = fit.member_ids
        assert frozenset((a, b)) not in banned
        assert fit.eligible
        assert fit.score >= policy.min_score
        assert by_id[a].max_partners > 0
        assert by_id[b].max_partners > 0
        assert by_id[a].languages & by_id[b].languages
        assert fit == partner_fit(
            by_id[a], by_id[b], policy=policy, during=WEEK
        ) or fit.reasons[0].code.startswith("pair.")


@given(rounds(), partner_policies(), OBJECTIVES)
def test_every_member_exactly_once(
    data: Round,
    policy: PartnerPolicy,
    objective: Objective,
) -> None:
    """For all rounds, every member is in exactly one pair, trio or unplaced; a trio only for an odd count and when allowed."""
    ms, blocked, history = data
    result = match_partners(
        ms,
        policy=policy,
        objective=objective,
        blocked=blocked,
        history=history,
        during=WEEK,
    )
    placed = [i for team in result.teams for i in team] + [
        u.member_id for u in result.unplaced
    ]
    assert sorted(placed) == sorted(m.id for m in ms)
    active = sum(1 for m in ms if m.max_partners > 0)
    assert len(result.trios) <= 1
    if result.trios:
        assert policy.trios
        assert active % 2 == 1
    assert all(u.reasons for u in result.unplaced)
    assert result.total == pytest.approx(
        sum(f.score for f in result.pairs) + sum(t.score for t in result.trios)
    )


@given(rounds(), st.randoms(use_true_random=False), st.integers(0, 5))
def test_order_invariant_deterministic_and_pure(
    data: Round,
    rng: random.Random,
    seed: int,
) -> None:
    """For all rounds, shuffling the input changes nothing, the same seed gives the same round, and nothing passed in is changed."""
    ms, blocked, history = data
    before = copy.deepcopy((ms, blocked, history))
    first = match_partners(ms, blocked=blocked, history=history, seed=seed, during=WEEK)
    assert (ms, blocked, history) == before
    shuffled = list(ms)
    rng.shuffle(shuffled)
    flipped = [(b, a) for a, b in reversed(blocked)]
    assert (
        match_partners(
            shuffled, blocked=flipped, history=history, seed=seed, during=WEEK
        )
        == first
    )


def test_a_trio_takes_members_who_hold_two_partners() -> None:
    """Three compatible members who may each hold two make a trio, every pair in it a good fit."""
    ms = [Member(i, "action", goals=["sleep"], max_partners=2) for i in "abc"]
    result = match_partners(ms, during=WEEK)
    assert [t.member_ids for t in result.trios] == [("a", "b", "c")]
    assert not result.pairs
    assert not result.unplaced
    assert result.partners_of("b") == ("a", "c")
    assert result.trios[0].reasons[0].code == "trio.three"
    pairs = match_partners(ms, policy=PartnerPolicy(trios=False), during=WEEK)
    assert [f.member_ids for f in pairs.pairs] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert pairs.total == pytest.approx(result.trios[0].score * 3)


def test_a_trio_never_takes_a_member_who_holds_one_partner() -> None:
    """Three compatible members who hold one partner each make one pair; the third is told an odd number took part."""
    ms = [Member(i, "action", goals=["sleep"]) for i in "abc"]
    for policy in (PartnerPolicy(), PartnerPolicy(trios=False)):
        result = match_partners(ms, policy=policy, during=WEEK)
        assert not result.trios
        assert len(result.pairs) == 1
        assert [u.reasons[0].code for u in result.unplaced] == ["unplaced.odd_one_out"]


def test_a_trio_respects_history() -> None:
    """No trio whose pairs include a recent partnership: b holds a and c, who are not paired again."""
    ms = [Member(i, "action", max_partners=2) for i in ("a", "b", "c")]
    result = match_partners(ms, history=[[("a", "c")]], during=WEEK)
    assert not result.trios
    assert [f.member_ids for f in result.pairs] == [("a", "b"), ("b", "c")]
    assert not result.unplaced


def test_unplaced_reasons_name_the_cause() -> None:
    """Sitting out, no compatible partner, recent partners only: each its own code; a block reads as absence."""
    ms = [
        Member("away", "action", max_partners=0),
        Member("alone", "action", languages=["pl"]),
        Member("a", "action"),
        Member("b", "action"),
        Member("c", "action", languages=["ar"]),
        Member("d", "action", languages=["ar"]),
    ]
    result = match_partners(
        ms, blocked=[("a", "b")], history=[[("c", "d")]], during=WEEK
    )
    codes = {u.member_id: [r.code for r in u.reasons] for u in result.unplaced}
    assert codes == {
        "away": ["unplaced.sitting_out"],
        "alone": ["unplaced.no_compatible"],
        "a": ["unplaced.no_compatible"],
        "b": ["unplaced.no_compatible"],
        "c": ["unplaced.repeat"],
        "d": ["unplaced.repeat"],
    }
    messages = {u.member_id: u.reasons[0].message for u in result.unplaced}
    assert messages["alone"] == "Nobody else this round speaks a language you listed."
    without_b = match_partners(
        [m for m in ms if m.id != "b"], history=[[("c", "d")]], during=WEEK
    )
    (a_alone,) = [u for u in without_b.unplaced if u.member_id == "a"]
    assert messages["a"] == a_alone.reasons[0].message
    assert messages["c"] == (
        "Everyone compatible with you this round was your partner in the last 3 rounds."
    )


def test_repeats_are_allowed_after_the_window() -> None:
    """A pair from more than no_repeat_rounds ago may be made again, and says so."""
    ms = [Member("a", "action"), Member("b", "action")]
    history = [[("a", "b")], [], [], []]
    result = match_partners(ms, history=history, during=WEEK)
    assert [f.member_ids for f in result.pairs] == [("a", "b")]
    assert result.pairs[0].reasons[0].code == "pair.again"
    assert not match_partners(ms, history=history[:3], during=WEEK).pairs


def test_history_takes_earlier_results() -> None:
    """Three rounds on the sample cohort with each previous round as history: no pair twice."""
    ms = sample_cohort().members
    seen: set[tuple[str, ...]] = set()
    history: list[PartnerMatching] = []
    for _ in range(3):
        result = match_partners(ms, history=history, during=WEEK)
        pairs = {p for team in result.teams for p in itertools.combinations(team, 2)}
        assert pairs  # each round pairs people, so "no pair twice" is tested
        assert not pairs & seen
        seen |= pairs
        history.append(result)


def test_pinned_pairs_are_kept_and_the_rest_matched_around_them() -> None:
    """A pinned pair stays even when the optimum would split it."""
    ms = [
        Member("a", "action", goals=["x"]),
        Member("b", "action", goals=["x"]),
        Member("c", "action"),
        Member("d", "action"),
    ]
    free = match_partners(ms, during=WEEK)
    assert ("a", "b") in free.teams
    pinned = match_partners(ms, pinned=[("b", "c")], during=WEEK)
    assert ("b", "c") in pinned.teams
    assert (
        pinned.pairs[[f.member_ids for f in pinned.pairs].index(("b", "c"))]
        .reasons[0]
        .code
        == "pair.pinned"
    )
    assert ("a", "d") in pinned.teams


@pytest.mark.parametrize(
    ("pins", "match"),
    [
        ([("a", "zz")], r"pinned\[0\]\[1\]"),
        ([("a", "b"), ("b", "c")], r"pinned\[1\]\[0\]"),
        ([("a", "blocked")], "blocked"),
        ([("a", "away")], "rule.sitting_out"),
        ([("a", "a")], "different member ids"),
        ([("a",)], "2 member ids"),
        (["ab"], "2 member ids"),
        ([("a", "recent")], "partners within the last 3 rounds"),
        ([("a", "far")], "below min_score"),
    ],
)
def test_a_pin_that_breaks_a_rule_is_refused(
    pins: list[tuple[str, ...]], match: str
) -> None:
    """A pin naming a stranger, pinning someone twice or breaking a rule: InvalidInputError saying which."""
    ms = [
        Member("a", "precontemplation"),
        Member("b", "precontemplation"),
        Member("c", "precontemplation"),
        Member("away", "precontemplation", max_partners=0),
        Member("blocked", "precontemplation"),
        Member("recent", "precontemplation"),
        Member("far", "maintenance", availability="mon 09:00-09:30"),
    ]
    with pytest.raises(InvalidInputError, match=match):
        match_partners(
            ms,
            pinned=pins,
            blocked=[("a", "blocked")],
            history=[[("a", "recent")]],
            during=WEEK,
        )


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"objective": "best"}, "objective"),
        ({"seed": -1}, "seed"),
        ({"policy": None}, "policy"),
        ({"blocked": "ab"}, "blocked"),
        ({"blocked": [("a", 3)]}, "blocked[0][1]"),
        ({"history": [[("a",)]]}, "history[0][0]"),
        ({"history": [5]}, "history[0]"),
        ({"history": 5}, "history"),
        ({"pinned": 5}, "pinned"),
    ],
)
def test_bad_options_are_refused_with_their_path(
    kwargs: dict[str, object], path: str
) -> None:
    """Each malformed option is an InvalidInputError whose path points into it."""
    pair = [Member("a", "action"), Member("b", "action")]
    with pytest.raises(InvalidInputError) as info:
        match_partners(pair, during=WEEK, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_bad_members_are_refused() -> None:
    """Duplicate ids, non-members and off-scale stages are errors naming the member."""
    with pytest.raises(InvalidInputError, match=r"members\[1\]\.id"):
        match_partners([Member("a", "action"), Member("a", "action")], during=WEEK)
    with pytest.raises(InvalidInputError, match=r"members\[0\]"):
        match_partners(["a"], during=WEEK)  # type: ignore[list-item]
    with pytest.raises(UnknownStageError, match=r"members\[0\]\.stage"):
        match_partners([Member("a", "flying")], during=WEEK)


def test_empty_and_single_rounds() -> None:
    """Nobody gives an empty round; one member is unplaced with a reason."""
    assert match_partners([], during=WEEK) == PartnerMatching(pairs=())
    one = match_partners([Member("a", "action")], during=WEEK)
    assert one.unplaced[0].reasons[0].code == "unplaced.no_compatible"
    with pytest.raises(InvalidInputError, match="member_id"):
        one.partners_of("zz")
    assert one.partners_of("a") == ()


def test_result_checks_itself() -> None:
    """A PartnerMatching making a pair twice, or naming a placed member unplaced, is refused."""
    fit = partner_fit(Member("a", "action"), Member("b", "action"), during=WEEK)
    with pytest.raises(InvalidInputError, match="each pair made once only"):
        PartnerMatching(pairs=(fit, fit))
    with pytest.raises(InvalidInputError, match="each member in one place only"):
        PartnerMatching(pairs=(fit,), unplaced=[Unplaced(member_id="a", reasons=())])
    with pytest.raises(InvalidInputError, match="objective"):
        PartnerMatching(pairs=(), objective="best")


def test_messages_are_member_safe() -> None:
    """No pair, trio or unplaced message names a member, goal, experience or trait."""
    ms = list(simulate_cohort(120, seed=7).members)
    words = {w for m in ms for w in (*m.goals, *m.experiences, *m.traits.values())}
    ids = {m.id for m in ms}
    result = match_partners(ms, during=WEEK)
    reasons = [
        *(r for f in result.pairs for r in f.reasons),
        *(r for t in result.trios for f in t.fits for r in (*t.reasons, *f.reasons)),
        *(r for u in result.unplaced for r in u.reasons),
    ]
    assert reasons  # the messages below are the round's, not none at all
    for reason in reasons:
        tokens = set(re.findall(r"[\w-]+", reason.message.lower()))
        assert not tokens & ids
        assert not tokens & words, reason.message


# --- large rounds ---------------------------------------------------------------------


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the block solver take over at a size a test can afford."""
    monkeypatch.setattr(_partners, "_EXACT_LIMIT", 30)
    monkeypatch.setattr(_partners, "_CHUNK", 24)
    monkeypatch.setattr(_partners, "_KEEP", 6)
    monkeypatch.setattr(_partners, "_REGION_LIMIT", 40)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("objective", ["participation", "score", "fair"])
def test_block_solver_keeps_every_rule(objective: Objective) -> None:
    """Solved in blocks, a round still keeps every hard rule and accounts for everyone."""
    ms = one_partner_each(simulate_cohort(200, seed=11).members)
    policy = PartnerPolicy(no_repeat_rounds=1)
    history = [match_partners(ms[:60], policy=policy, during=WEEK).teams]
    result = match_partners(
        ms,
        policy=policy,
        objective=objective,
        blocked=[(ms[0].id, ms[1].id)],
        history=history,
        during=WEEK,
    )
    placed = sorted(i for team in result.teams for i in team) + [
        u.member_id for u in result.unplaced
    ]
    assert sorted(placed) == sorted(m.id for m in ms)
    banned = {frozenset(p) for p in history[0]} | {frozenset((ms[0].id, ms[1].id))}
    for fit in result.pairs:
        assert fit.eligible
        assert fit.score >= policy.min_score
        assert frozenset(fit.member_ids) not in banned


@pytest.mark.usefixtures("small_blocks")
def test_block_solver_places_whom_maximum_cardinality_would() -> None:
    """In blocks, "participation" leaves out nobody whom networkx's maximum-cardinality matching places."""
    ms = one_partner_each(simulate_cohort(160, seed=5).members)
    policy = PartnerPolicy(trios=False)
    graph = allowed_graph(ms, policy)
    result = match_partners(ms, policy=policy, during=WEEK)
    best = nx.max_weight_matching(graph, maxcardinality=True)
    assert len(result.pairs) == len(best)
    # Blocks of 24 keeping 6 candidates each are far smaller than the real
    # ones; benchmarks/bench_partners.py measures the real quality.
    assert result.total >= 0.95 * nx_total(graph, best)


# --- stability check ----------------------------------------------------------------


@given(rounds(), OBJECTIVES)
def test_blocking_pairs_are_exactly_the_pairs_both_would_prefer(
    data: Round,
    objective: Objective,
) -> None:
    """For all rounds, blocking_pairs lists exactly the allowed pairs scoring above both members' current partnerships."""
    ms, blocked, history = data
    policy = PartnerPolicy()
    result = match_partners(
        ms, objective=objective, blocked=blocked, history=history, during=WEEK
    )
    current = {u.member_id: -1.0 for u in result.unplaced}
    current |= {i: f.score for f in result.pairs for i in f.member_ids}
    current |= {i: t.score for t in result.trios for i in t.member_ids}
    banned = banned_pairs(blocked, history, policy)
    graph = allowed_graph(ms, policy, banned)
    expected = sorted(
        tuple(sorted((a, b)))
        for a, b in graph.edges
        if graph[a][b]["weight"] > max(current[a], current[b])
    )
    found = blocking_pairs(result, ms, blocked=blocked, history=history, during=WEEK)
    assert [f.member_ids for f in found] == expected


def test_blocking_pairs_refuses_other_members() -> None:
    """The members must be those of the matching."""
    ms = [Member("a", "action"), Member("b", "action")]
    result = match_partners(ms, during=WEEK)
    with pytest.raises(InvalidInputError, match="members"):
        blocking_pairs(result, [*ms, Member("c", "action")], during=WEEK)
    with pytest.raises(InvalidInputError, match="matching"):
        blocking_pairs("x", ms, during=WEEK)  # type: ignore[arg-type]


def test_the_seed_only_chooses_among_equally_good_rounds() -> None:
    """Four interchangeable members: seeds pick different pairings, every one with the same total."""
    ms = [Member(i, "action") for i in "abcd"]
    rounds_by_seed = [match_partners(ms, seed=seed, during=WEEK) for seed in range(8)]
    assert len({r.teams for r in rounds_by_seed}) > 1
    assert len({r.total for r in rounds_by_seed}) == 1
    assert match_partners(ms, seed=3, during=WEEK) == rounds_by_seed[3]


def test_with_room_above_one_nobody_is_called_the_odd_one_out() -> None:
    """When some member may hold two partners, a member left without one is 'taken', not 'odd one out': parity explains nothing."""
    ms = [m for m in sample_cohort().members if "es" in m.languages]
    assert any(m.max_partners > 1 for m in ms)
    result = match_partners(ms, during=WEEK)
    codes = {u.reasons[0].code for u in result.unplaced}
    assert "unplaced.odd_one_out" not in codes
    assert "unplaced.taken" in codes
