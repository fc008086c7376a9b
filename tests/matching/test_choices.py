"""Choices: shortlists, stated preferences, participation for mentors, priority for partners."""

import itertools
import random
import re
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import attrs
import networkx as nx
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import InvalidInputError, Member, WeeklyAvailability
from peerkit.datasets import sample_cohort
from peerkit.matching import (
    MentorMatching,
    PairFit,
    PartnerPolicy,
    _choices,
    _partners,
    left_out,
    match_mentors,
    match_partners,
    partner_fit,
    suggest_mentors,
    suggest_mentors_for,
    suggest_partners,
    suggest_partners_for,
)
from peerkit.testing import members, partner_policies
from reference import WEEK
from threads import in_threads, tight_switching

if TYPE_CHECKING:
    from collections.abc import Callable

SAMPLE = sample_cohort().members
ONES = [attrs.evolve(m, max_partners=min(m.max_partners, 1)) for m in SAMPLE]


def _allowed(a: Member, b: Member, policy: PartnerPolicy) -> PairFit | None:
    fit = partner_fit(a, b, during=WEEK, policy=policy)
    return fit if fit.eligible and fit.score >= policy.min_score else None


def _other(fit: PairFit, me: str) -> str:
    a, b = fit.member_ids
    return b if a == me else a


@st.composite
def asks(draw: st.DrawFn) -> tuple[Member, list[Member], list[tuple[str, str]]]:
    people = draw(
        st.lists(
            st.sampled_from(SAMPLE), min_size=1, max_size=20, unique_by=lambda m: m.id
        )
    )
    me, others = people[0], people[1:]
    blocked = draw(st.lists(st.sampled_from(others), max_size=3)) if others else []
    return me, others, [(me.id, m.id) for m in blocked]


# --- shortlists --------------------------------------------------------------------


@given(asks(), partner_policies(), st.integers(1, 6))
@settings(max_examples=40)
def test_a_shortlist_is_the_best_allowed_candidates_by_score_then_id(
    ask: tuple[Member, list[Member], list[tuple[str, str]]],
    policy: PartnerPolicy,
    k: int,
) -> None:
    """For all asks, the shortlist is the k best allowed, unblocked candidates by score then id, each one partner_fit's fit."""
    me, others, blocked = ask
    shown = suggest_partners(
        me, others, during=WEEK, k=k, policy=policy, blocked=blocked
    )
    out = {b for _, b in blocked}
    expected = []
    for m in others:
        fit = _allowed(me, m, policy)
        if fit is not None and m.id not in out:
            expected.append(fit)
    expected.sort(key=lambda f: (-f.score, _other(f, me.id)))
    assert list(shown) == expected[:k]


_ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Santiago",
    "Australia/Sydney",
    "Pacific/Apia",
]
_HOURS = st.lists(
    st.builds(
        lambda days, start, length: (
            f"{days} {start // 60:02d}:{start % 60:02d}-"
            f"{(start + length) // 60 % 24:02d}:{(start + length) % 60:02d}"
        ),
        st.sampled_from(["daily", "weekdays", "weekends", "sun", "sat,sun"]),
        st.integers(0, 95).map(lambda q: q * 15),
        st.integers(2, 16).map(lambda q: q * 15),
    ),
    min_size=1,
    max_size=3,
).map(WeeklyAvailability.parse)
_SEASONAL = st.lists(
    st.tuples(
        st.sampled_from(_ZONES),
        _HOURS,
        st.sampled_from(["contemplation", "preparation", "action"]),
        st.sampled_from([(), ("sleep",), ("sleep", "walks")]),
    ),
    min_size=2,
    max_size=20,
).map(
    lambda rows: [
        Member(f"m{i:02d}", stage, timezone=zone, availability=week, goals=goals)
        for i, (zone, week, stage, goals) in enumerate(rows)
    ]
)
_PERIODS = st.builds(
    lambda day, weeks: (
        pendulum.datetime(2024, 1, 1).add(days=day),
        pendulum.datetime(2024, 1, 1).add(days=day, weeks=weeks),
    ),
    st.integers(0, 3 * 365),
    st.integers(1, 30),
)


@given(_SEASONAL, _PERIODS, st.integers(0, 1), st.integers(1, 4))
@settings(max_examples=25, deadline=None)
def test_shortlists_judge_every_week_of_the_period(
    people: list[Member],
    period: tuple[Any, Any],
    excused: int,
    k: int,
) -> None:
    """For all zoned members and periods across clock changes, a shortlist is the brute-force top k of partner_fit over every week."""
    policy = PartnerPolicy(excused_week_count=excused)
    batch = suggest_partners_for(
        people, during=period, k=k, policy=policy, spread=False
    )
    for me in people:
        expected = []
        for m in people:
            if m.id == me.id:
                continue
            fit = partner_fit(me, m, during=period, policy=policy)
            if fit.eligible and fit.score >= policy.min_score:
                expected.append(fit)
        expected.sort(key=lambda f: (-f.score, _other(f, me.id)))
        alone = suggest_partners(me, people, during=period, k=k, policy=policy)
        assert list(alone) == expected[:k]
        assert list(batch[me.id]) == expected[:k]
    assert len(batch) == len(people)


@given(asks())
@settings(max_examples=30)
def test_a_block_reads_as_absence_on_a_shortlist(
    ask: tuple[Member, list[Member], list[tuple[str, str]]],
) -> None:
    """For all asks, blocking a candidate shows the same shortlist as leaving them out, and no reason mentions a block."""
    me, others, blocked = ask
    out = {b for _, b in blocked}
    shown = suggest_partners(me, others, during=WEEK, blocked=blocked)
    assert shown == suggest_partners(
        me, [m for m in others if m.id not in out], during=WEEK
    )
    for fit in shown:
        for reason in fit.reasons:
            assert "block" not in (reason.code + reason.message).lower()


def test_recent_partners_are_left_out_and_earlier_ones_noted() -> None:
    """A partner within no_repeat_rounds is never shown; one from an earlier round is shown with pair.again."""
    ada, bo, cy = (Member(i, "action") for i in ("ada", "bo", "cy"))
    policy = attrs.evolve(PartnerPolicy(), no_repeat_rounds=1)
    shown = suggest_partners(
        ada,
        [bo, cy],
        during=WEEK,
        policy=policy,
        history=[[("ada", "bo")], [("ada", "cy")]],
    )
    assert [f.member_ids for f in shown] == [("ada", "bo")]
    assert shown[0].reasons[0].code == "pair.again"


def test_the_asker_is_never_their_own_candidate_and_an_impostor_is_refused() -> None:
    """The asking member is taken out of the candidates; another member with their id is refused by name."""
    ada, bo = Member("ada", "action"), Member("bo", "action")
    assert [f.member_ids for f in suggest_partners(ada, [ada, bo], during=WEEK)] == [
        ("ada", "bo")
    ]
    with pytest.raises(InvalidInputError) as info:
        suggest_partners(ada, [Member("ada", "contemplation"), bo], during=WEEK)
    assert info.value.path == "candidates"


@pytest.mark.parametrize(
    ("kw", "path"),
    [
        ({"k": 0}, "k"),
        ({"k": True}, "k"),
        ({"spread": 1}, "spread"),
        ({"blocked": "ab"}, "blocked"),
    ],
)
def test_bad_options_are_refused_by_name(kw: dict[str, object], path: str) -> None:
    """A bad k, spread or blocked is an InvalidInputError naming it."""
    with pytest.raises(InvalidInputError) as info:
        suggest_partners(SAMPLE[0], SAMPLE[1:5], during=WEEK, **kw)  # type: ignore[arg-type]
    assert info.value.path == path


@given(st.randoms(use_true_random=False), st.booleans())
@settings(max_examples=15)
def test_shortlists_do_not_depend_on_input_order(
    rnd: random.Random, spread: bool
) -> None:
    """For all shuffles of the members and the candidates, every shortlist is the same."""
    people = list(SAMPLE[:30])
    before = suggest_partners_for(people, during=WEEK, k=3, spread=spread)
    rnd.shuffle(people)
    assert suggest_partners_for(people, during=WEEK, k=3, spread=spread) == before
    assert suggest_partners(people[0], people, during=WEEK) == suggest_partners(
        people[0], sorted(people, key=lambda m: m.id), during=WEEK
    )


@given(
    st.lists(
        st.sampled_from(SAMPLE), min_size=2, max_size=40, unique_by=lambda m: m.id
    ),
    st.integers(1, 4),
)
@settings(max_examples=25)
def test_spread_changes_who_is_shown_never_how_many_nor_the_rules(
    members: list[Member], k: int
) -> None:
    """For all batches, a spread shortlist is as long as the plain one, holds only allowed candidates, ordered by score then id; without spread each is suggest_partners'."""
    plain = suggest_partners_for(members, during=WEEK, k=k, spread=False)
    spread = suggest_partners_for(members, during=WEEK, k=k)
    policy = PartnerPolicy()
    by_id = {m.id: m for m in members}
    assert set(plain) == set(spread) == set(by_id)
    for me, fits in spread.items():
        assert len(fits) == len(plain[me])
        assert plain[me] == suggest_partners(by_id[me], members, during=WEEK, k=k)
        keys = [(-f.score, _other(f, me)) for f in fits]
        assert keys == sorted(keys)
        for f in fits:
            assert f == _allowed(by_id[me], by_id[_other(f, me)], policy)


def test_spread_shows_more_people_at_the_top() -> None:
    """One candidate everybody scores best with tops every plain shortlist, and one spread shortlist."""
    star = Member("star", "action", goals=["sleep"], experiences=["loss"])
    askers = [Member(f"m{i}", "action", goals=["sleep", f"g{i}"]) for i in range(6)]
    plain = suggest_partners_for(
        askers, [star, *askers], during=WEEK, k=2, spread=False
    )
    spread = suggest_partners_for(askers, [star, *askers], during=WEEK, k=2)
    tops = [_other(fits[0], me) for me, fits in plain.items()]
    assert tops == ["star"] * 6
    shown = [_other(f, me) for me, fits in spread.items() for f in fits]
    assert shown.count("star") < 6
    assert len({_other(fits[0], me) for me, fits in spread.items()}) > 1


def test_a_mentor_at_capacity_is_not_suggested() -> None:
    """A load at or above max_partners leaves a mentor off; a mentee who is a mentor is refused."""
    mo = Member("mo", "maintenance", max_partners=2)
    nia = Member("nia", "maintenance")
    ada = Member("ada", "action")
    ids = [
        f.member_ids
        for f in suggest_mentors(ada, [mo, nia], during=WEEK, load={"mo": 2, "zed": 5})
    ]
    assert ids == [("ada", "nia")]
    assert suggest_mentors(ada, [mo, nia], during=WEEK, load={"mo": 2, "nia": 1}) == ()
    with pytest.raises(InvalidInputError) as info:
        suggest_mentors(ada, [mo, ada], during=WEEK)
    assert info.value.path == "mentees"
    with pytest.raises(InvalidInputError) as info:
        suggest_mentors(ada, [mo], during=WEEK, load={"mo": -1})
    assert info.value.path == "load['mo']"


def test_spread_shares_mentors_by_the_room_they_have() -> None:
    """With spread, a mentor with more places left is shown to more mentees."""
    big = Member("big", "maintenance", max_partners=4)
    small = Member("small", "maintenance", max_partners=1)
    mentees = [Member(f"m{i}", "action") for i in range(6)]
    found = suggest_mentors_for(mentees, [big, small], during=WEEK, k=1)
    shown = [fits[0].member_ids for fits in found.values()]
    assert sum("big" in ids for ids in shown) > sum("small" in ids for ids in shown) > 0


def test_shortlist_reasons_count_nobody() -> None:
    """No shortlist reason holds a number but a duration or a stage distance: nothing counts one other person."""
    found = suggest_partners_for(SAMPLE, during=WEEK, k=5)
    checked = 0
    for fits in found.values():
        for f in fits:
            for r in f.reasons:
                checked += 1
                if re.search(r"\d", r.message):
                    assert r.code.startswith(("schedule.", "stage.")), r
    assert checked


# --- stated preferences ------------------------------------------------------------


@st.composite
def markets(draw: st.DrawFn) -> tuple[list[Member], list[Member], dict[str, list[str]]]:
    """A tiny mentoring round, everyone compatible, with random stated lists."""
    mentors = [
        Member(f"t{i}", "maintenance", max_partners=draw(st.integers(0, 2)))
        for i in range(draw(st.integers(1, 3)))
    ]
    mentees = [
        Member(f"s{i}", "action", goals=draw(st.sets(st.sampled_from("ab"))))
        for i in range(draw(st.integers(1, 5)))
    ]
    prefs: dict[str, list[str]] = {}
    for who, other in ((mentees, mentors), (mentors, mentees)):
        for m in who:
            if draw(st.booleans()):
                ranked = draw(st.permutations([o.id for o in other]))
                prefs[m.id] = list(ranked[: draw(st.integers(0, len(ranked)))])
    return mentors, mentees, prefs


def _rank(
    prefs: dict[str, list[str]], policy: PartnerPolicy, people: dict[str, Member]
) -> dict[str, dict[str, tuple[float, int]]]:
    """Each person's preference for each acceptable other (higher better): their list, else the score then the smaller id."""
    order = sorted(people)
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for a, one in people.items():
        out[a] = {}
        for b, other in people.items():
            if a == b or a[0] == b[0]:
                continue
            fit = _allowed(one, other, policy)
            if fit is None:
                continue
            if a in prefs:
                if b in prefs[a]:
                    out[a][b] = (-prefs[a].index(b), 0)
            else:
                out[a][b] = (fit.score, -order.index(b))
    return out


def _acceptable(rank: dict[str, dict[str, tuple[float, int]]], x: str, m: str) -> bool:
    return m in rank[x] and x in rank[m]


def _all_matchings(
    mentors: list[Member],
    mentees: list[Member],
    rank: dict[str, dict[str, tuple[float, int]]],
) -> list[dict[str, str]]:
    """Every assignment of mentees to acceptable mentors within capacity (mentee -> mentor)."""
    options = [
        [None, *(m.id for m in mentors if _acceptable(rank, x.id, m.id))]
        for x in mentees
    ]
    cap = {m.id: m.max_partners for m in mentors}
    out = []
    for pick in itertools.product(*options):
        load: dict[str, int] = {}
        for m in pick:
            if m is not None:
                load[m] = load.get(m, 0) + 1
        if all(v <= cap[m] for m, v in load.items()):
            out.append(
                {x.id: m for x, m in zip(mentees, pick, strict=True) if m is not None}
            )
    return out


def _blocking(
    match: dict[str, str],
    mentors: list[Member],
    mentees: list[Member],
    rank: dict[str, dict[str, tuple[float, int]]],
) -> list[tuple[str, str]]:
    held: dict[str, list[str]] = {m.id: [] for m in mentors}
    for xid, mid in match.items():
        held[mid].append(xid)
    found = []
    for x in mentees:
        for t in mentors:
            if match.get(x.id) == t.id or not _acceptable(rank, x.id, t.id):
                continue
            now = match.get(x.id)
            wants = now is None or rank[x.id][t.id] > rank[x.id][now]
            room = len(held[t.id]) < t.max_partners
            takes = room or any(rank[t.id][x.id] > rank[t.id][y] for y in held[t.id])
            if wants and takes:
                found.append((x.id, t.id))
    return found


def _as_dict(result: MentorMatching) -> dict[str, str]:
    return {a.mentee_id: a.mentor_id for a in result.assignments}


@given(markets())
@settings(max_examples=60, deadline=None)
def test_stated_lists_give_the_mentee_optimal_stable_matching(
    market: tuple[list[Member], list[Member], dict[str, list[str]]],
) -> None:
    """For all tiny rounds with stated lists, the result is stable w.r.t. the lists and, mentee by mentee, at least as good as any stable matching (found by enumeration)."""
    mentors, mentees, prefs = market
    policy = PartnerPolicy()
    people = {m.id: m for m in mentors + mentees}
    rank = _rank(prefs, policy, people)
    got = _as_dict(match_mentors(mentors, mentees, during=WEEK, preferences=prefs))
    for x, m in got.items():
        assert _acceptable(rank, x, m)
    assert _blocking(got, mentors, mentees, rank) == []
    stable = [
        s
        for s in _all_matchings(mentors, mentees, rank)
        if not _blocking(s, mentors, mentees, rank)
    ]
    assert stable  # a stable matching always exists
    for s in stable:
        for x, m in s.items():
            assert x in got
            assert rank[x][got[x]] >= rank[x][m]


def test_a_stated_list_overrides_the_scores() -> None:
    """A mentee who lists the lower-scoring mentor first gets them; a mentor who lists nobody takes nobody."""
    ada = Member("ada", "action", goals=["sleep"])
    best = Member("best", "action", goals=["sleep"])
    other = Member("other", "maintenance", goals=["walks"])
    plain = match_mentors([best, other], [ada], during=WEEK)
    assert plain.mentor_of("ada") == "best"
    chosen = match_mentors(
        [best, other], [ada], during=WEEK, preferences={"ada": ["other", "best"]}
    )
    assert chosen.mentor_of("ada") == "other"
    none = match_mentors(
        [best, other], [ada], during=WEEK, preferences={"ada": ["other"], "other": []}
    )
    assert none.mentor_of("ada") is None
    (unplaced,) = [u for u in none.unplaced if u.member_id == "ada"]
    assert [r.code for r in unplaced.reasons] == ["unplaced.listed"]


@pytest.mark.parametrize(
    ("prefs", "path"),
    [
        (["ada"], "preferences"),
        ({"zed": []}, "preferences"),
        ({"ada": "mo"}, "preferences['ada']"),
        ({"ada": ["bo"]}, "preferences['ada'][0]"),
        ({"ada": ["mo", "mo"]}, "preferences['ada'][1]"),
        ({"mo": ["mo"]}, "preferences['mo'][0]"),
        ({"ada": {"mo"}}, "preferences['ada']"),
        ({"ada": frozenset({"mo"})}, "preferences['ada']"),
    ],
)
def test_malformed_preferences_are_refused_by_name(prefs: Any, path: str) -> None:
    """A list naming someone not on the other side, twice, or not a list (a set has no ranking), is an InvalidInputError naming where."""
    people = [Member("ada", "action"), Member("bo", "action")]
    with pytest.raises(InvalidInputError) as info:
        match_mentors(
            [Member("mo", "maintenance")], people, during=WEEK, preferences=prefs
        )
    assert info.value.path == path


# --- participation ------------------------------------------------------------------


def _most_placed(
    mentors: list[Member],
    mentees: list[Member],
    rank: dict[str, dict[str, tuple[float, int]]],
) -> int:
    """The maximum number of mentees placeable: a max flow (networkx)."""
    g: nx.DiGraph[str] = nx.DiGraph()
    for x in mentees:
        g.add_edge("s", x.id, capacity=1)
        for m in mentors:
            if _acceptable(rank, x.id, m.id):
                g.add_edge(x.id, m.id, capacity=1)
    for m in mentors:
        g.add_edge(m.id, "t", capacity=m.max_partners)
    if "s" not in g or "t" not in g:
        return 0
    return int(nx.maximum_flow_value(g, "s", "t"))


@given(markets(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_participation_places_the_most_mentees_and_keeps_the_stably_placed(
    market: tuple[list[Member], list[Member], dict[str, list[str]]], stated: bool
) -> None:
    """For all tiny rounds, participation places as many mentees as a max flow, everyone the stable result places, within capacity and the lists, and nobody wants a free place."""
    mentors, mentees, prefs = market
    prefs = prefs if stated else {}
    policy = PartnerPolicy()
    rank = _rank(prefs, policy, {m.id: m for m in mentors + mentees})
    stable = match_mentors(mentors, mentees, during=WEEK, preferences=prefs)
    most = match_mentors(
        mentors, mentees, during=WEEK, preferences=prefs, objective="participation"
    )
    got = _as_dict(most)
    assert len(got) == _most_placed(mentors, mentees, rank)
    assert set(_as_dict(stable)) <= set(got)
    if len(got) == len(stable.assignments):
        assert most == stable  # nothing traded when nothing is gained
    for t in mentors:
        assert len(most.mentees_of(t.id)) <= t.max_partners
    for x, m in got.items():
        assert _acceptable(rank, x, m)
        for better, value in rank[x].items():
            if value > rank[x][m] and _acceptable(rank, x, better):
                assert len(most.mentees_of(better)) == next(
                    t.max_partners for t in mentors if t.id == better
                )


def test_participation_trades_stability_for_a_place() -> None:
    """Two mentees who both want the same mentor: stable places one, participation both (one at their second choice)."""
    mo, nia = Member("mo", "maintenance"), Member("nia", "maintenance")
    ada, bo = Member("ada", "action"), Member("bo", "action")
    prefs = {"ada": ["mo", "nia"], "bo": ["mo"], "mo": ["ada", "bo"]}
    stable = match_mentors([mo, nia], [ada, bo], during=WEEK, preferences=prefs)
    assert _as_dict(stable) == {"ada": "mo"}
    most = match_mentors(
        [mo, nia], [ada, bo], during=WEEK, preferences=prefs, objective="participation"
    )
    assert _as_dict(most) == {"ada": "nia", "bo": "mo"}
    with pytest.raises(InvalidInputError) as info:
        match_mentors([mo], [ada], during=WEEK, objective="most")  # type: ignore[arg-type]
    assert info.value.path == "objective"


# --- priority and left_out -------------------------------------------------------------


def _allowed_edges(people: list[Member]) -> list[tuple[str, str]]:
    policy = PartnerPolicy()
    return [
        (a.id, b.id)
        for a, b in itertools.combinations(people, 2)
        if _allowed(a, b, policy) is not None
    ]


def _best_by_brute_force(people: list[Member], first: set[str]) -> tuple[int, int]:
    """(most pairs, most priority members placed among those): every matching enumerated."""
    edges = _allowed_edges(people)
    best = (0, 0)

    def grow(at: int, used: set[str], pairs: int) -> None:
        nonlocal best
        best = max(best, (pairs, len(used & first)))
        for k in range(at, len(edges)):
            a, b = edges[k]
            if a not in used and b not in used:
                grow(k + 1, used | {a, b}, pairs + 1)

    grow(0, set(), 0)
    return best


@given(
    st.lists(st.sampled_from(ONES), min_size=2, max_size=9, unique_by=lambda m: m.id),
    st.data(),
    st.sampled_from(["participation", "fair"]),
)
@settings(max_examples=50, deadline=None)
def test_priority_places_the_most_of_them_among_the_largest_rounds(
    people: list[Member],
    data: st.DataObject,
    objective: Literal["participation", "fair"],
) -> None:
    """For all small rounds, priority never lowers the pairs made, and places as many of its members as any largest round can (brute force)."""
    first = set(
        data.draw(st.lists(st.sampled_from([m.id for m in people]), max_size=4))
    )
    plain = match_partners(people, during=WEEK, objective=objective)
    chosen = match_partners(
        people, during=WEEK, objective=objective, priority=sorted(first)
    )
    assert len(chosen.pairs) == len(plain.pairs)
    placed = {i for f in chosen.pairs for i in f.member_ids}
    if objective == "participation":
        assert (len(chosen.pairs), len(placed & first)) == _best_by_brute_force(
            people, first
        )


@given(
    st.lists(st.sampled_from(ONES), min_size=8, max_size=30, unique_by=lambda m: m.id),
    st.data(),
    st.sampled_from(["participation", "fair"]),
)
@settings(max_examples=30, deadline=None)
def test_priority_in_blocks_never_makes_fewer_partnerships(
    people: list[Member],
    data: st.DataObject,
    objective: Literal["participation", "fair"],
) -> None:
    """For all rounds solved in blocks (the exact limit lowered), priority never lowers the pairs made, and the round stays valid."""
    first = sorted(
        set(data.draw(st.lists(st.sampled_from([m.id for m in people]), max_size=6)))
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_partners, "_EXACT_LIMIT", 4)
        patch.setattr(_partners, "_CHUNK", 6)
        patch.setattr(_partners, "_KEEP", 3)
        plain = match_partners(people, during=WEEK, objective=objective)
        chosen = match_partners(
            people, during=WEEK, objective=objective, priority=first
        )
    assert len(chosen.pairs) >= len(plain.pairs)
    allowed = {tuple(sorted(e)) for e in _allowed_edges(people)}
    assert all(f.member_ids in allowed for f in chosen.pairs)


def test_priority_is_order_invariant_and_ignores_strangers() -> None:
    """The same round whatever the order of members or priority ids; ids not taking part change nothing."""
    people = list(ONES[:15])
    first = match_partners(
        people, during=WEEK, priority=["zed", ONES[3].id, ONES[7].id]
    )
    random.Random(1).shuffle(people)  # noqa: S311 - a test's shuffle
    again = match_partners(people, during=WEEK, priority=[ONES[7].id, ONES[3].id])
    assert again == first


def test_priority_needs_most_pairs_first() -> None:
    """Priority with objective 'score' is refused by name; with someone holding two partners it is taken."""
    people = [
        Member("ada", "action"),
        Member("bo", "action", max_partners=2),
        Member("cy", "action"),
    ]
    with pytest.raises(InvalidInputError) as info:
        match_partners(people[::2], during=WEEK, objective="score", priority=["ada"])
    assert info.value.path == "priority"
    with pytest.raises(InvalidInputError) as info:
        match_partners(people, during=WEEK, objective="score", priority=["bo"])
    assert info.value.path == "priority"
    assert match_partners(people, during=WEEK, priority=["ada"]).partners_of("ada")
    assert match_partners(people, during=WEEK, priority=["zed"]) == match_partners(
        people, during=WEEK
    )


def test_left_out_is_the_unplaced_who_did_not_sit_out() -> None:
    """left_out lists the unplaced by id, without those sitting the round out; anything but a PartnerMatching is refused."""
    result = match_partners(ONES, during=WEEK)
    sitting = {m.id for m in ONES if m.max_partners == 0}
    expected = sorted({u.member_id for u in result.unplaced} - sitting)
    assert list(left_out(result)) == expected
    assert sitting  # the sample has members sitting out, so the exclusion is tested
    with pytest.raises(InvalidInputError) as info:
        left_out([])  # type: ignore[arg-type]
    assert info.value.path == "matching"


# --- the kept table ---------------------------------------------------------------------


def test_a_kept_table_gives_what_a_fresh_one_gives() -> None:
    """Shortlists from a table kept from an earlier call on the same members equal those from a fresh table, and other members are never served a kept table."""
    people = list(SAMPLE)
    _choices._TABLES.clear()
    fresh = [suggest_partners(m, people, during=WEEK) for m in people[:10]]
    assert len(_choices._TABLES) == 1  # every call after the first reused it
    kept = [suggest_partners(m, people, during=WEEK) for m in people[:10]]
    assert kept == fresh
    changed = [attrs.evolve(people[0], languages=["xx"]), *people[1:]]
    assert suggest_partners(changed[0], changed, during=WEEK) == ()
    assert len(_choices._TABLES) == 2


def test_shortlists_are_the_same_under_threads() -> None:
    """Many threads asking at once, sharing kept tables, get what one thread gets."""
    people = list(SAMPLE)
    _choices._TABLES.clear()
    calls: list[Callable[[], object]] = [
        partial(suggest_partners, m, people, during=WEEK, k=3) for m in people
    ]
    calls.append(partial(suggest_partners_for, people, during=WEEK, k=3))
    expected = [call() for call in calls]
    _choices._TABLES.clear()
    with tight_switching():
        assert in_threads(calls) == expected


# --- adversarial members: every zone, odd windows, capacities, ties ----------------------


@st.composite
def crowds(draw: st.DrawFn) -> list[Member]:
    """Generated members (zones, windows, stages of every kind), some twins, odd sizes."""
    some = draw(
        st.lists(
            members(ids=st.text("abcdefgh", min_size=1, max_size=3)),
            min_size=1,
            max_size=12,
            unique_by=lambda m: m.id,
        )
    )
    twins = [attrs.evolve(m, id=m.id + "z") for m in some[: draw(st.integers(0, 4))]]
    return some + twins


@given(crowds(), st.integers(1, 4), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_every_promise_holds_on_adversarial_members(
    people: list[Member], k: int, rnd: random.Random
) -> None:
    """For all generated crowds, spread shortlists are allowed, ordered, as long as plain ones, and independent of input order."""
    by_id = {m.id: m for m in people}
    policy = PartnerPolicy()
    plain = suggest_partners_for(people, during=WEEK, k=k, spread=False)
    spread = suggest_partners_for(people, during=WEEK, k=k)
    checked = 0
    for me, fits in spread.items():
        assert len(fits) == len(plain[me])
        keys = [(-f.score, _other(f, me)) for f in fits]
        assert keys == sorted(keys)
        for f in fits:
            checked += 1
            assert f == _allowed(by_id[me], by_id[_other(f, me)], policy)
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert suggest_partners_for(shuffled, during=WEEK, k=k) == spread
    assert checked == sum(len(f) for f in plain.values())


def test_a_block_on_a_stated_list_reads_as_the_mentor_sitting_out() -> None:
    """A mentee blocked with the one mentor they listed is told what they would be told were that mentor sitting out."""
    ada, nia = Member("ada", "action"), Member("nia", "maintenance")
    mo = Member("mo", "maintenance")
    prefs = {"ada": ["mo"]}
    blocked = match_mentors(
        [mo, nia], [ada], during=WEEK, preferences=prefs, blocked=[("ada", "mo")]
    )
    away = attrs.evolve(mo, max_partners=0)
    sitting = match_mentors([away, nia], [ada], during=WEEK, preferences=prefs)
    (told,) = [u.reasons for u in blocked.unplaced if u.member_id == "ada"]
    (same,) = [u.reasons for u in sitting.unplaced if u.member_id == "ada"]
    assert told == same
    assert not any("block" in (r.code + r.message).lower() for r in told)


@given(
    markets(),
    st.randoms(use_true_random=False),
    st.sampled_from(["stable", "participation"]),
)
@settings(max_examples=30, deadline=None)
def test_mentor_choices_do_not_depend_on_input_order(
    market: tuple[list[Member], list[Member], dict[str, list[str]]],
    rnd: random.Random,
    objective: Literal["stable", "participation"],
) -> None:
    """For all tiny rounds, shuffling mentors, mentees and the keys of preferences changes nothing."""
    mentors, mentees, prefs = market
    before = match_mentors(
        mentors, mentees, during=WEEK, preferences=prefs, objective=objective
    )
    rnd.shuffle(mentors)
    rnd.shuffle(mentees)
    keys = list(prefs)
    rnd.shuffle(keys)
    again = match_mentors(
        mentors,
        mentees,
        during=WEEK,
        preferences={key: prefs[key] for key in keys},
        objective=objective,
    )
    assert again == before
