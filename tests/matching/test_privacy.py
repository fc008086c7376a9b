"""What a member must never learn from a reason: counts that point at one person, or a block."""

import re

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import Group, Member, Reason
from peerkit.datasets import simulate_cohort
from peerkit.matching import group_fit, match_mentors, match_partners, partner_fit
from peerkit.matching._fit import MIN_COUNT_SHOWN
from peerkit.testing import groups, members
from reference import WEEK

# Group reasons that may count the other members sharing something with the reader.
_GROUP_COUNTING = {
    "experience.peers",
    "experience.none",
    "goals.shared",
    "goals.none",
    "stage.one_ahead",
}
# Unplaced codes a member may be given; none of them is about a block.
_UNPLACED = {
    "unplaced.sitting_out",
    "unplaced.no_compatible",
    "unplaced.repeat",
    "unplaced.taken",
    "unplaced.odd_one_out",
    "unplaced.full",
    "unplaced.listed",
}


def _numbers(message: str) -> list[int]:
    return [int(token) for token in re.findall(r"\d+", message)]


def _mentions_block(reason: Reason) -> bool:
    return "block" in reason.code.lower() or "block" in reason.message.lower()


def test_the_three_examples_of_the_issue_are_gone() -> None:
    """'1 lived experience in common', '1 of 1 member' and a block named to the blocked no longer appear."""
    ada = Member("ada", "action", experiences=["loss"], goals=["sleep"])
    bo = Member("bo", "action", experiences=["loss", "debt"], goals=["sleep"])
    pair = [r.message for r in partner_fit(ada, bo, during=WEEK).reasons]
    assert "You have lived experience in common." in pair
    assert "You have goals in common." in pair
    assert not any(_numbers(m) for m in pair if "common" in m)

    group = Group("g1", (bo,), 6)
    fit = [r.message for r in group_fit(ada, group, during=WEEK).reasons]
    assert "Shares an experience with some of the group." in fit
    assert "Shares a goal with some of the group." in fit
    assert not any(" of 1 member" in m for m in fit)

    blocked = match_partners([ada, bo], blocked=[("ada", "bo")], during=WEEK)
    alone = match_partners([ada], during=WEEK)
    assert len(blocked.unplaced) == 2  # so the loop below runs
    for unplaced in blocked.unplaced:
        assert not any(_mentions_block(r) for r in unplaced.reasons)
    # Blocked with the only other member reads exactly as being the only member.
    assert blocked.unplaced[0].reasons == alone.unplaced[0].reasons


def test_group_counts_are_shown_from_the_threshold() -> None:
    """With at least MIN_COUNT_SHOWN others sharing, the count is given; with fewer, words."""
    me = Member("me", "action", experiences=["loss"], goals=["sleep"])
    peers = [
        Member(
            f"p{i}", "action", experiences=["loss"], goals=["sleep"] if i < 2 else []
        )
        for i in range(MIN_COUNT_SHOWN + 1)
    ]
    fit = group_fit(me, Group("g", tuple(peers), 8), during=WEEK)
    messages = {r.code: r.message for r in fit.reasons}
    assert messages["experience.peers"] == (
        f"Shares an experience with {MIN_COUNT_SHOWN + 1} of "
        f"{MIN_COUNT_SHOWN + 1} members."
    )
    assert messages["goals.shared"] == "Shares a goal with some of the group."


@given(members(), groups())
def test_group_reasons_never_count_fewer_than_the_threshold(
    member: Member, group: Group
) -> None:
    """For all members and groups, a count of others sharing something is at least MIN_COUNT_SHOWN."""
    fit = group_fit(member, group, during=WEEK)
    assert fit.reasons  # every fit explains itself, so the loop below runs
    for reason in fit.reasons:
        if reason.code in _GROUP_COUNTING:
            assert all(n >= MIN_COUNT_SHOWN for n in _numbers(reason.message)), (
                reason.message
            )


@given(members(), members(), st.data())
def test_pair_reasons_never_count_shared_goals_or_experiences(
    a: Member, b: Member, data: st.DataObject
) -> None:
    """For all pairs, a goal or experience reason holds no number at all."""
    b = attrs.evolve(
        b,
        id=a.id + "x",
        goals=data.draw(st.sampled_from([b.goals, a.goals, a.goals | b.goals])),
        experiences=data.draw(
            st.sampled_from([b.experiences, a.experiences, a.experiences])
        ),
    )
    fit = partner_fit(a, b, during=WEEK)
    sharing = [
        r for r in fit.reasons if r.code.split(".")[0] in {"goals", "experience"}
    ]
    assert len(sharing) == 2  # one goals reason and one experience reason
    for reason in sharing:
        assert not _numbers(reason.message), reason.message


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 999), st.integers(2, 16), st.data())
def test_no_unplaced_reason_discloses_a_block(
    seed: int, n: int, data: st.DataObject
) -> None:
    """For all rounds and blocked sets, no unplaced partner or mentee is told of a block."""
    people = list(simulate_cohort(n, seed=seed).members)
    pairs = [(a.id, b.id) for i, a in enumerate(people) for b in people[i + 1 :]]
    blocked = data.draw(st.lists(st.sampled_from(pairs), unique=True))
    # The first member is blocked with everyone, so someone is always unplaced.
    blocked += [(people[0].id, p.id) for p in people[1:]]
    partners = match_partners(people, blocked=blocked, during=WEEK)
    mentors = match_mentors(
        [attrs.evolve(m, max_partners=2) for m in people[: n // 2]],
        people[n // 2 :],
        blocked=blocked,
        during=WEEK,
    )
    reasons = [
        r for result in (partners, mentors) for u in result.unplaced for r in u.reasons
    ]
    assert reasons  # the first member at least is unplaced, so the loop runs
    for reason in reasons:
        assert reason.code in _UNPLACED or reason.code == "unplaced.no_mentee"
        assert not _mentions_block(reason), reason.message


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 999), st.integers(1, 12), st.data())
def test_a_member_blocked_with_everyone_reads_as_alone(
    seed: int, n: int, data: st.DataObject
) -> None:
    """For all rounds, a member blocked with every other reads the reasons of a round of one."""
    people = list(simulate_cohort(n + 1, seed=seed).members)
    me = data.draw(st.sampled_from(people))
    others = [p for p in people if p.id != me.id]
    blocked = [(me.id, p.id) for p in others]
    result = match_partners(people, blocked=blocked, during=WEEK)
    (mine,) = [u for u in result.unplaced if u.member_id == me.id]
    (alone,) = match_partners([me], during=WEEK).unplaced
    assert mine.reasons == alone.reasons
