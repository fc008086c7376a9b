"""Mentor matching: capacities kept, stable, mentee-proposing, everyone accounted for."""

import copy
import random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError, Member
from peerkit.datasets import sample_cohort
from peerkit.matching import (
    MentorAssignment,
    MentorMatching,
    PartnerPolicy,
    blocking_pairs,
    match_mentors,
    partner_fit,
)
from peerkit.testing import partner_policies
from reference import WEEK

SAMPLE = sample_cohort().members


@st.composite
def sides(draw: st.DrawFn) -> tuple[list[Member], list[Member]]:
    ms = draw(st.lists(st.sampled_from(SAMPLE), max_size=24, unique_by=lambda m: m.id))
    k = draw(st.integers(0, len(ms)))
    mentors = [attrs.evolve(m, max_partners=draw(st.integers(0, 3))) for m in ms[:k]]
    return mentors, ms[k:]


def brute_blocking(
    mentors: list[Member],
    mentees: list[Member],
    result: MentorMatching,
    policy: PartnerPolicy,
) -> list[tuple[str, str]]:
    """Blocking pairs by the definition, one partner_fit at a time."""
    score_of = {a.mentee_id: a.score for a in result.assignments}
    mine: dict[str, list[float]] = {m.id: [] for m in mentors}
    for a in result.assignments:
        mine[a.mentor_id].append(a.score)
    found = []
    for x in mentees:
        for m in mentors:
            if result.mentor_of(x.id) == m.id:
                continue
            fit = partner_fit(x, m, policy=policy, during=WEEK)
            if not fit.eligible or fit.score < policy.min_score:
                continue
            room = len(mine[m.id]) < m.max_partners
            if fit.score > score_of.get(x.id, -1.0) and (
                room or fit.score > min(mine[m.id])
            ):
                found.append(fit.member_ids)
    return sorted(found)


@given(sides(), partner_policies())
def test_capacities_kept_and_no_blocking_pair(
    data: tuple[list[Member], list[Member]], policy: PartnerPolicy
) -> None:
    """For all rounds, no mentor exceeds max_partners, every assignment keeps every rule, and no pair blocks."""
    mentors, mentees = data
    result = match_mentors(mentors, mentees, policy=policy, during=WEEK)
    for m in mentors:
        assert len(result.mentees_of(m.id)) <= m.max_partners
    for a in result.assignments:
        assert a.fit.eligible
        assert a.fit.score >= policy.min_score
    assert brute_blocking(mentors, mentees, result, policy) == []
    assert blocking_pairs(result, mentors + mentees, policy=policy, during=WEEK) == ()


@given(sides())
def test_every_mentee_once_and_idle_mentors_listed(
    data: tuple[list[Member], list[Member]],
) -> None:
    """For all rounds, each mentee is assigned or unplaced exactly once; each mentor is assigned or unplaced."""
    mentors, mentees = data
    result = match_mentors(mentors, mentees, during=WEEK)
    assigned = [a.mentee_id for a in result.assignments]
    unplaced = [u.member_id for u in result.unplaced]
    assert sorted(
        assigned + [i for i in unplaced if i not in result.capacities]
    ) == sorted(m.id for m in mentees)
    busy = {a.mentor_id for a in result.assignments}
    assert sorted(busy | {i for i in unplaced if i in result.capacities}) == sorted(
        m.id for m in mentors
    )
    assert not busy & set(unplaced)


@given(sides(), st.randoms(use_true_random=False))
def test_order_invariant_and_pure(
    data: tuple[list[Member], list[Member]], rng: random.Random
) -> None:
    """For all rounds, shuffling either side changes nothing and nothing passed in is changed."""
    mentors, mentees = data
    before = copy.deepcopy((mentors, mentees))
    first = match_mentors(mentors, mentees, during=WEEK)
    assert (mentors, mentees) == before
    a, b = list(mentors), list(mentees)
    rng.shuffle(a)
    rng.shuffle(b)
    assert match_mentors(a, b, during=WEEK) == first


def test_mentees_propose_so_the_result_is_mentee_optimal() -> None:
    """Two mentees who both prefer mentor x: the better-fitting one gets x, the other their second choice."""
    x = Member("x", "action", goals=["sleep", "walks"], max_partners=1)
    y = Member("y", "action", goals=["walks", "diet", "gym"], max_partners=1)
    a = Member("a", "action", goals=["sleep", "walks"])
    b = Member("b", "action", goals=["sleep", "cook"])
    assert (
        partner_fit(a, x, during=WEEK).score
        > partner_fit(b, x, during=WEEK).score
        > partner_fit(b, y, during=WEEK).score
    )
    result = match_mentors([x, y], [a, b], during=WEEK)
    assert result.mentor_of("a") == "x"
    assert result.mentor_of("b") == "y"
    assert result.mentees_of("x") == ("a",)


def test_capacity_and_reasons() -> None:
    """A full mentor, a mentor sitting out, a mentee with no compatible mentor, an idle mentor: each said."""
    mentors = [
        Member("m1", "action", max_partners=1),
        Member("m2", "action", max_partners=0),
        Member("m3", "action", languages=["ar"], max_partners=2),
    ]
    mentees = [
        Member("a", "action"),
        Member("b", "action"),
        Member("c", "action", languages=["pl"]),
        Member("d", "action", max_partners=0),
    ]
    result = match_mentors(mentors, mentees, during=WEEK)
    codes = {u.member_id: u.reasons[0].code for u in result.unplaced}
    assert [(a.mentor_id, a.mentee_id) for a in result.assignments] == [("m1", "a")]
    assert codes == {
        "b": "unplaced.full",
        "c": "unplaced.no_compatible",
        "d": "unplaced.sitting_out",
        "m2": "unplaced.sitting_out",
        "m3": "unplaced.no_mentee",
    }
    assert result.capacities == {"m1": 1, "m2": 0, "m3": 2}
    assert result.teams == (("a", "m1"),)
    assert result.mentor_of("b") is None


def test_blocked_and_recent_mentors_are_never_assigned() -> None:
    """A blocked pair and a pair from the last rounds are never made; the reasons say so, without naming the block."""
    mentors = [Member("m", "action", max_partners=3)]
    mentees = [Member("a", "action"), Member("b", "action")]
    result = match_mentors(
        mentors, mentees, blocked=[("a", "m")], history=[[("m", "b")]], during=WEEK
    )
    assert result.assignments == ()
    assert [u.reasons[0].code for u in result.unplaced] == [
        "unplaced.no_compatible",
        "unplaced.repeat",
        "unplaced.no_mentee",
    ]
    again = match_mentors(mentors, mentees, history=[result], during=WEEK)
    assert len(again.assignments) == 2
    assert (
        match_mentors(
            mentors,
            mentees,
            history=[again],
            policy=PartnerPolicy(no_repeat_rounds=0),
            during=WEEK,
        )
        == again
    )


def test_bad_input_is_refused() -> None:
    """A member on both sides or a malformed result: InvalidInputError."""
    a = Member("a", "action")
    with pytest.raises(InvalidInputError, match="also a mentor"):
        match_mentors([a], [a], during=WEEK)
    with pytest.raises(InvalidInputError, match=r"mentors\[0\]"):
        match_mentors(["a"], [], during=WEEK)  # type: ignore[list-item]
    fit = partner_fit(a, Member("b", "action"), during=WEEK)
    with pytest.raises(InvalidInputError, match=r"fit\.member_ids"):
        MentorAssignment(mentor_id="a", mentee_id="c", fit=fit)
    one = MentorAssignment(mentor_id="a", mentee_id="b", fit=fit)
    with pytest.raises(InvalidInputError, match="over capacity"):
        MentorMatching(assignments=(one,), unplaced=(), capacities={"a": 0})
    with pytest.raises(InvalidInputError, match="mentor in capacities"):
        MentorMatching(assignments=(one,), unplaced=(), capacities={})
    with pytest.raises(InvalidInputError, match="each mentee once"):
        MentorMatching(assignments=(one, one), unplaced=(), capacities={"a": 2})
    with pytest.raises(InvalidInputError, match="capacities"):
        MentorMatching(assignments=(), unplaced=(), capacities={"a": -1})
    assert one.score == fit.score


def test_blocking_pairs_finds_an_unstable_assignment() -> None:
    """A hand-made assignment that gives the better-fitting mentee the worse mentor is reported."""
    x = Member("x", "action", goals=["sleep", "walks"], max_partners=1)
    y = Member("y", "action", goals=["walks", "diet", "gym"], max_partners=1)
    a = Member("a", "action", goals=["sleep", "walks"])
    b = Member("b", "action", goals=["diet"])
    swapped = MentorMatching(
        assignments=(
            MentorAssignment(
                mentor_id="x", mentee_id="b", fit=partner_fit(x, b, during=WEEK)
            ),
            MentorAssignment(
                mentor_id="y", mentee_id="a", fit=partner_fit(y, a, during=WEEK)
            ),
        ),
        unplaced=(),
        capacities={"x": 1, "y": 1},
    )
    assert [
        f.member_ids for f in blocking_pairs(swapped, [x, y, a, b], during=WEEK)
    ] == [
        ("a", "x"),
        ("b", "y"),
    ]
    assert (
        blocking_pairs(
            match_mentors([x, y], [a, b], during=WEEK), [x, y, a, b], during=WEEK
        )
        == ()
    )


def test_the_sample_cohort_round_is_busy() -> None:
    """On the sample cohort, mentors with capacities take several mentees each."""
    mentors = [attrs.evolve(m, max_partners=3) for m in SAMPLE[:10]]
    result = match_mentors(mentors, SAMPLE[10:], during=WEEK)
    assert len(result.assignments) > 15
    assert max(len(result.mentees_of(m.id)) for m in mentors) == 3
