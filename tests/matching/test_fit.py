"""Group fit and ranking: hard rules, components, member-safe reasons, order invariance."""

import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import (
    STAGES_OF_RECOVERY,
    Group,
    InvalidInputError,
    Member,
    UnknownStageError,
    WeeklyAvailability,
    from_dict,
    to_dict,
)
from peerkit.matching import FitPolicy, GroupFit, group_fit, rank_groups
from peerkit.testing import fit_policies, groups, members
from reference import WEEK

EVENINGS = WeeklyAvailability.parse("mon-fri 18:00-22:00")


def _member(ident: str = "ada", stage: str = "action", **kw: object) -> Member:
    kw.setdefault("availability", EVENINGS)
    return Member(ident, stage, **kw)  # type: ignore[arg-type]


def _group(people: tuple[Member, ...] = (), capacity: int = 8, **kw: object) -> Group:
    kw.setdefault("meets", WeeklyAvailability.parse("tue 19:00-20:30"))
    return Group("g", people, capacity, **kw)  # type: ignore[arg-type]


def _codes(fit: GroupFit) -> list[str]:
    return [r.code for r in fit.reasons]


# --- hard rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("member_kw", "group_kw", "code"),
    [
        ({}, {"capacity": 1, "people": (_member("x"),)}, "rule.full"),
        ({"languages": ["es"]}, {"languages": ["en"]}, "rule.language"),
        (
            {"traits": {"age_band": "41-65"}},
            {"requires": {"age_band": ["18-25"]}},
            "rule.requires",
        ),
        ({}, {"requires": {"age_band": ["18-25"]}}, "rule.requires"),
        (
            {"stage": "contemplation"},
            {"stage_band": ("action", "maintenance")},
            "rule.stage_band",
        ),
        (
            {"availability": WeeklyAvailability.parse("sat 09:00-12:00")},
            {},
            "rule.schedule",
        ),
        ({}, {"people": (_member("ada"),)}, "rule.already_member"),
    ],
)
def test_each_hard_rule_has_its_own_code(
    member_kw: dict[str, object], group_kw: dict[str, object], code: str
) -> None:
    """Each hard rule makes the member ineligible with score 0 and its own reason code first."""
    member = _member(**member_kw)  # type: ignore[arg-type]
    people = group_kw.pop("people", ())
    capacity = group_kw.pop("capacity", 8)
    fit = group_fit(member, _group(people, capacity, **group_kw), during=WEEK)  # type: ignore[arg-type]
    assert not fit.eligible
    assert fit.score == 0.0
    assert _codes(fit)[0] == code
    assert fit.reasons[0].weight == -1.0


def test_a_perfect_group_scores_high_with_reasons() -> None:
    """Same stage, shared experiences and goals, free for the meeting, comfortable size: a high score, explained."""
    peers = tuple(
        _member(f"p{i}", experiences=["grief"], goals=["sleep"]) for i in range(5)
    )
    member = _member(experiences=["grief"], goals=["sleep"])
    fit = group_fit(member, _group(peers, focus=["grief"]), during=WEEK)
    assert fit.eligible
    assert fit.score == pytest.approx(1.0)
    assert set(_codes(fit)) >= {
        "stage.close",
        "experience.focus",
        "experience.peers",
        "goals.shared",
        "schedule.fits",
        "size.comfortable",
    }
    assert sum(r.weight for r in fit.reasons) == pytest.approx(fit.score)


def test_one_stage_ahead_counts_as_close_when_the_policy_says() -> None:
    """A peer one stage ahead is close by default, and not when the policy turns it off."""
    member = _member(stage="preparation")
    group = _group((_member("p", stage="maintenance"), _member("q", stage="action")))
    tight = FitPolicy(stage_tolerance=0.1)  # one step (0.25) is not close on its own
    default = group_fit(member, group, policy=tight, during=WEEK)
    strict = group_fit(
        member, group, policy=attrs.evolve(tight, one_ahead_counts=False), during=WEEK
    )
    assert default.components["stage"] > strict.components["stage"]
    assert "stage.one_ahead" in _codes(default)


def test_partial_schedule_overlap_is_a_fraction() -> None:
    """Free for half the meeting gives a schedule component of one half."""
    member = _member(availability=WeeklyAvailability.parse("tue 19:45-23:00"))
    fit = group_fit(member, _group(), during=WEEK)
    assert fit.components["schedule"] == pytest.approx(0.5)
    assert "schedule.partial" in _codes(fit)


def test_group_without_meeting_time_is_flexible() -> None:
    """A group with no fixed meeting time does not rule anyone out on schedule."""
    fit = group_fit(
        _member(availability=WeeklyAvailability()),
        _group(meets=WeeklyAvailability()),
        during=WEEK,
    )
    assert fit.eligible
    assert fit.components["schedule"] == 1.0


def test_size_comfort_comes_from_the_members_trait() -> None:
    """A member who prefers small groups scores a big group lower on size."""
    peers = tuple(_member(f"p{i}") for i in range(9))
    likes_small = _member(traits={"size_comfort": "small"})
    likes_large = _member(traits={"size_comfort": "large"})
    group = _group(peers, capacity=12)
    assert (
        group_fit(likes_small, group, during=WEEK).components["size"]
        < group_fit(likes_large, group, during=WEEK).components["size"]
    )


# --- invariants ----------------------------------------------------------------


@given(members(), groups(), fit_policies())
def test_scores_and_components_in_unit_interval_and_rules_never_traded(
    member: Member, group: Group, policy: FitPolicy
) -> None:
    """For all members, groups and policies: scores and components are in [0, 1], an eligible fit breaks no hard rule, an ineligible one scores 0."""
    fit = group_fit(member, group, policy=policy, during=WEEK)
    assert 0.0 <= fit.score <= 1.0
    assert all(0.0 <= v <= 1.0 for v in fit.components.values())
    if fit.eligible:
        assert member.id not in group.member_ids
        assert not group.is_full
        assert not group.languages or member.languages & group.languages
        assert all(member.traits.get(t) in ok for t, ok in group.requires.items())
        assert group.stage_band is None or policy.scale.in_band(
            member.stage, group.stage_band
        )
        assert fit.components["schedule"] > 0.0
        assert not any(r.code.startswith("rule.") for r in fit.reasons)
    else:
        assert fit.score == 0.0
        assert fit.reasons[0].code.startswith("rule.")


_PRIVATE = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=6, max_size=8).map(
    lambda s: "zq" + s
)


@st.composite
def _peers_with_private_details(draw: st.DrawFn) -> tuple[Member, Group]:
    peers = draw(
        st.lists(
            st.builds(
                Member,
                _PRIVATE,
                st.sampled_from(("contemplation", "preparation", "action")),
                experiences=st.frozensets(
                    _PRIVATE | st.sampled_from(("grief", "caring")), max_size=3
                ),
                goals=st.frozensets(_PRIVATE | st.sampled_from(("sleep",)), max_size=3),
                traits=st.dictionaries(st.just("secret"), _PRIVATE, max_size=1),
                availability=st.just(EVENINGS),
            ),
            max_size=6,
            unique_by=lambda m: m.id,
        )
    )
    member = _member("newcomer", experiences=["grief"], goals=["sleep"])
    return member, _group(
        tuple(peers), capacity=len(peers) + draw(st.integers(0, 2)), focus=["caring"]
    )


@given(_peers_with_private_details())
def test_messages_never_reveal_other_members(case: tuple[Member, Group]) -> None:
    """For all groups, no reason message contains another member's id, experiences, goals or traits."""
    member, group = case
    fit = group_fit(member, group, during=WEEK)
    private = {m.id for m in group.members}
    for peer in group.members:
        private |= peer.experiences | peer.goals | set(peer.traits.values())
    private -= member.experiences | member.goals | group.focus
    words = {w for r in fit.reasons for w in re.findall(r"[a-z0-9-]+", r.message)}
    assert not words & private


@given(members(), st.lists(groups(), max_size=5, unique_by=lambda g: g.id), st.data())
def test_ranking_is_order_invariant_and_sorted(
    member: Member, gs: list[Group], data: st.DataObject
) -> None:
    """For all groups in any order: eligible first by score then id, then ineligible by id; the same whatever the input order."""
    ranked = rank_groups(member, gs, during=WEEK)
    assert rank_groups(member, data.draw(st.permutations(gs)), during=WEEK) == ranked
    keys = [(not f.eligible, -f.score, f.group_id) for f in ranked]
    assert keys == sorted(keys)
    assert {f.group_id for f in ranked} == {g.id for g in gs}


@given(members(), groups())
def test_group_fit_is_pure(member: Member, group: Group) -> None:
    """For all inputs: the same result twice, and the inputs unchanged."""
    before = (to_dict(member), to_dict(group))
    assert group_fit(member, group, during=WEEK) == group_fit(
        member, group, during=WEEK
    )
    assert (to_dict(member), to_dict(group)) == before


# --- bad input -----------------------------------------------------------------


def test_stages_are_checked_against_the_policys_scale() -> None:
    """A stage not on the policy's scale is an UnknownStageError naming where it is."""
    with pytest.raises(UnknownStageError) as info:
        group_fit(_member(stage="growth"), _group(), during=WEEK)
    assert info.value.path == "member.stage"
    with pytest.raises(UnknownStageError) as info:
        rank_groups(
            _member(),
            [_group(), Group("h", (_member("x", stage="growth"),), 4)],
            during=WEEK,
        )
    assert info.value.path == "groups[1].members[0].stage"
    recovery = attrs.evolve(FitPolicy(), scale=STAGES_OF_RECOVERY)
    assert group_fit(
        _member(stage="growth"), _group(), policy=recovery, during=WEEK
    ).eligible


def test_bad_arguments_are_named() -> None:
    """Wrong types and duplicate group ids raise InvalidInputError naming the argument."""
    with pytest.raises(InvalidInputError, match="member"):
        group_fit("ada", _group(), during=WEEK)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="group"):
        group_fit(_member(), "g", during=WEEK)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="policy"):
        group_fit(_member(), _group(), policy={}, during=WEEK)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError) as info:
        rank_groups(_member(), [_group(), _group()], during=WEEK)
    assert info.value.path == "groups[1].id"
    with pytest.raises(InvalidInputError):
        rank_groups(_member(), "g", during=WEEK)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        rank_groups(_member(), [1], during=WEEK)  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("kw", "path"),
    [
        ({"weights": {"stage": 1.0}}, "weights"),
        (
            {
                "weights": {
                    "stage": -1,
                    "experience": 1,
                    "goals": 1,
                    "schedule": 1,
                    "size": 1,
                }
            },
            "weights['stage']",
        ),
        (
            {
                "weights": dict.fromkeys(
                    ("stage", "experience", "goals", "schedule", "size"), 0
                )
            },
            "weights",
        ),
        ({"stage_tolerance": 0.8}, "stage_limit"),
        ({"stage_limit": 1.5}, "stage_limit"),
        ({"ideal_size": (5, 3)}, "ideal_size[1]"),
        ({"size_comfort": {"small": (0, 3)}}, "size_comfort['small'][0]"),
        ({"meeting_minutes": 50}, "meeting_minutes"),
        ({"one_ahead_counts": "yes"}, "one_ahead_counts"),
    ],
)
def test_policy_validation_names_the_setting(kw: dict[str, object], path: str) -> None:
    """A bad policy setting raises InvalidInputError naming it."""
    with pytest.raises(InvalidInputError) as info:
        FitPolicy(**kw)  # type: ignore[arg-type]
    assert info.value.path == path


def test_results_round_trip() -> None:
    """A GroupFit and a FitPolicy survive to_dict/from_dict."""
    fit = group_fit(
        _member(goals=["sleep"]), _group((_member("p", goals=["sleep"]),)), during=WEEK
    )
    assert from_dict(GroupFit, to_dict(fit)) == fit
    assert from_dict(FitPolicy, to_dict(FitPolicy())) == FitPolicy()


def test_a_fit_cannot_claim_a_score_when_ineligible() -> None:
    """GroupFit refuses a nonzero score for an ineligible member."""
    with pytest.raises(InvalidInputError):
        GroupFit(
            member_id="a",
            group_id="g",
            score=0.5,
            components=dict.fromkeys(
                ("stage", "experience", "goals", "schedule", "size"), 0.5
            ),
            eligible=False,
            reasons=(),
        )


@given(members(), groups(), fit_policies())
def test_reason_weights_add_up_to_the_score(
    member: Member, group: Group, policy: FitPolicy
) -> None:
    """For all eligible fits, every component is explained and the reasons' weights add up to the score."""
    fit = group_fit(member, group, policy=policy, during=WEEK)
    if fit.eligible:
        assert sum(r.weight for r in fit.reasons) == pytest.approx(fit.score, abs=1e-9)


def test_huge_numbers_in_a_policy_are_named() -> None:
    """An integer too large for a float is an InvalidInputError naming the setting."""
    with pytest.raises(InvalidInputError) as info:
        FitPolicy(stage_tolerance=10**400)
    assert info.value.path == "stage_tolerance"
