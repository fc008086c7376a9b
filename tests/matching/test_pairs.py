"""Partner fit: symmetric, hard rules as stated, DST-correct overlap, member-safe words."""

import datetime as dt
import math
import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import (
    STAGES_OF_RECOVERY,
    InvalidInputError,
    Member,
    UnknownStageError,
    WeeklyAvailability,
    overlap_minutes,
    week_span,
)
from peerkit.matching import PairFit, PartnerPolicy, partner_fit
from peerkit.testing import members, partner_policies
from reference import WEEK

two_members = st.tuples(members(ids=st.just("a")), members(ids=st.just("b")))


@given(two_members, partner_policies())
def test_fit_is_symmetric(pair: tuple[Member, Member], policy: PartnerPolicy) -> None:
    """For all pairs and policies, partner_fit(a, b) == partner_fit(b, a)."""
    a, b = pair
    assert partner_fit(a, b, policy=policy, during=WEEK) == partner_fit(
        b, a, policy=policy, during=WEEK
    )


@given(two_members, partner_policies())
def test_hard_rules_are_exactly_the_stated_ones(
    pair: tuple[Member, Member], policy: PartnerPolicy
) -> None:
    """Eligible iff a shared language, enough time together and neither sitting out."""
    a, b = pair
    fit = partner_fit(a, b, policy=policy, during=WEEK)
    together = overlap_minutes([a, b], week_of=dt.date(2026, 1, 12), timezone="UTC")
    assert fit.overlap_minutes == math.floor(together + 1e-9)
    expected = (
        bool(a.languages & b.languages)
        and fit.overlap_minutes >= policy.min_overlap_minutes
        and a.max_partners > 0
        and b.max_partners > 0
    )
    assert fit.eligible == expected
    rules = {r.code for r in fit.reasons if r.code.startswith("rule.")}
    assert bool(rules) == (not expected)
    assert ("rule.language" in rules) == (not a.languages & b.languages)
    assert ("rule.sitting_out" in rules) == (0 in (a.max_partners, b.max_partners))


@given(two_members, partner_policies())
def test_score_is_the_weighted_mean_and_the_reasons_add_up(
    pair: tuple[Member, Member], policy: PartnerPolicy
) -> None:
    """An eligible pair's score is the weighted mean of its components, and its reasons' weights sum to it."""
    a, b = pair
    fit = partner_fit(a, b, policy=policy, during=WEEK)
    w = policy.weights
    mean = sum(w[k] * fit.components[k] for k in w) / sum(w.values())
    if fit.eligible:
        assert fit.score == pytest.approx(mean, abs=1e-12)
        assert sum(r.weight for r in fit.reasons) == pytest.approx(fit.score, abs=1e-12)
    else:
        assert fit.score == 0.0
    shared = len(a.goals & b.goals)
    if a.goals and b.goals:
        assert fit.components["goals"] == shared / min(len(a.goals), len(b.goals))
    else:
        assert fit.components["goals"] == 0.5
    assert fit.components["schedule"] == min(
        1.0, fit.overlap_minutes / policy.ample_overlap_minutes
    )


SECRETS = [f"zq-secret-{i}" for i in range(8)]


@given(
    two_members,
    st.lists(st.sampled_from(SECRETS), max_size=4),
    st.lists(st.sampled_from(SECRETS), max_size=4),
)
def test_messages_never_name_goals_experiences_traits_or_ids(
    pair: tuple[Member, Member], goals: list[str], experiences: list[str]
) -> None:
    """For all pairs, no reason message contains a goal, experience, trait or id of either member."""
    a, b = pair
    a = attrs.evolve(
        a,
        id="ident-alpha",
        goals=goals,
        experiences=experiences,
        traits={"t": SECRETS[0]},
    )
    b = attrs.evolve(b, id="ident-beta", goals=experiences, experiences=goals)
    fit = partner_fit(a, b, during=WEEK)
    assert fit.reasons  # every fit explains itself, so the loop below runs
    for reason in fit.reasons:
        assert not re.search(r"zq-secret|ident-", reason.message)


def test_the_week_of_the_american_clock_change_has_no_overlap() -> None:
    """New York 09:00 and London 14:00 coincide in January, and not in the three weeks of March when only America has changed its clocks."""
    ny = Member(
        "ny", "action", timezone="America/New_York", availability="weekdays 09:00-10:00"
    )
    ldn = Member(
        "ldn", "action", timezone="Europe/London", availability="weekdays 14:00-15:00"
    )
    january = partner_fit(ny, ldn, during=WEEK)
    assert january.overlap_minutes == 300
    assert january.eligible
    march = partner_fit(ny, ldn, during=week_span(dt.date(2026, 3, 9), timezone="UTC"))
    assert march.overlap_minutes == 0
    assert not march.eligible
    assert march.reasons[0].code == "rule.schedule"
    april = partner_fit(ny, ldn, during=week_span(dt.date(2026, 3, 30), timezone="UTC"))
    assert april.overlap_minutes == 300


def test_lord_howe_shifts_by_half_an_hour() -> None:
    """Lord Howe's 30-minute change moves a shared hour by exactly 30 minutes."""
    lh = Member(
        "lh", "action", timezone="Australia/Lord_Howe", availability="daily 19:00-20:00"
    )
    syd = Member(
        "syd", "action", timezone="Australia/Sydney", availability="daily 18:30-19:30"
    )
    # January: both on summer time (+11, +11): 19:00-20:00 and 18:30-19:30 share 30 min.
    assert partner_fit(lh, syd, during=WEEK).overlap_minutes == 7 * 30
    # July: Lord Howe +10:30, Sydney +10: 19:00 LH = 18:30 Sydney, a whole hour.
    july = week_span(dt.date(2026, 7, 13), timezone="UTC")
    assert partner_fit(lh, syd, during=july).overlap_minutes == 7 * 60


def test_too_little_time_together_is_a_hard_rule() -> None:
    """Fifteen minutes a week is below the default 30: not eligible, and the message says both numbers."""
    a = Member("a", "action", availability="mon 09:00-09:15")
    b = Member("b", "action", availability="mon 09:00-10:00")
    fit = partner_fit(a, b, during=WEEK)
    assert not fit.eligible
    assert fit.reasons[0].message == (
        "Free at the same time for only 15 minutes a week; a check-in needs 30 minutes."
    )
    relaxed = attrs.evolve(PartnerPolicy(), min_overlap_minutes=15)
    assert partner_fit(a, b, policy=relaxed, during=WEEK).eligible


def test_sitting_out_is_a_boundary_named_as_such() -> None:
    """max_partners == 0 on either side rules the pair out with rule.sitting_out."""
    a = Member("a", "action", max_partners=0)
    b = Member("b", "action", max_partners=0)
    fit = partner_fit(a, b, during=WEEK)
    assert fit.reasons[0] == fit.reasons[0].__class__(
        "rule.sitting_out", -1.0, "Both of you are sitting this round out."
    )
    one = partner_fit(a, Member("c", "action"), during=WEEK)
    assert one.reasons[0].message == "One of you is sitting this round out."


def test_stage_closeness_follows_the_policy() -> None:
    """Same stage 1, one step on a five-stage scale 1, two steps 0.5, four steps 0."""
    ada = Member("ada", "precontemplation")
    fits = {
        s: partner_fit(ada, Member("b", s), during=WEEK).components["stage"]
        for s in ("precontemplation", "contemplation", "preparation", "maintenance")
    }
    assert fits == {
        "precontemplation": 1.0,
        "contemplation": 1.0,
        "preparation": 0.5,
        "maintenance": 0.0,
    }


def test_other_scales_are_used_when_the_policy_says() -> None:
    """A recovery-scale stage is unknown on the default scale, and fine on its own."""
    stage = STAGES_OF_RECOVERY.stages[0]
    a, b = Member("a", stage), Member("b", stage)
    with pytest.raises(UnknownStageError):
        partner_fit(a, b, during=WEEK)
    assert partner_fit(
        a, b, policy=PartnerPolicy(scale=STAGES_OF_RECOVERY), during=WEEK
    ).eligible


def test_bad_input_is_refused_clearly() -> None:
    """The same member twice, a non-member or a wrong policy: InvalidInputError naming the field."""
    a = Member("a", "action")
    with pytest.raises(InvalidInputError, match=r"^b\.id:"):
        partner_fit(a, a, during=WEEK)
    with pytest.raises(InvalidInputError, match=r"^b:"):
        partner_fit(a, "b", during=WEEK)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"^policy:"):
        partner_fit(a, Member("b", "action"), policy=object(), during=WEEK)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"weights": {"stage": 1.0}}, "weights"),
        (
            {"weights": {"stage": -1, "goals": 1, "experience": 1, "schedule": 1}},
            "weights['stage']",
        ),
        (
            {"weights": dict.fromkeys(("stage", "goals", "experience", "schedule"), 0)},
            "weights",
        ),
        ({"min_score": 1.5}, "min_score"),
        ({"no_repeat_rounds": -1}, "no_repeat_rounds"),
        ({"trios": 1}, "trios"),
        ({"min_overlap_minutes": 0}, "min_overlap_minutes"),
        (
            {"min_overlap_minutes": 60, "ample_overlap_minutes": 30},
            "ample_overlap_minutes",
        ),
        ({"stage_tolerance": 0.5, "stage_limit": 0.4}, "stage_limit"),
    ],
)
def test_policy_refuses_bad_settings(changes: dict[str, object], path: str) -> None:
    """Each bad setting is an InvalidInputError naming it."""
    with pytest.raises(InvalidInputError) as info:
        PartnerPolicy(**changes)  # type: ignore[arg-type]
    assert info.value.path == path


def test_pair_fit_checks_itself() -> None:
    """A PairFit with unsorted ids, or a score on an ineligible pair, is refused."""
    fit = partner_fit(Member("a", "action"), Member("b", "action"), during=WEEK)
    with pytest.raises(InvalidInputError, match="member_ids"):
        attrs.evolve(fit, member_ids=("b", "a"))
    with pytest.raises(InvalidInputError, match="member_ids"):
        attrs.evolve(fit, member_ids=("a",))
    with pytest.raises(InvalidInputError, match="score"):
        attrs.evolve(fit, eligible=False)
    with pytest.raises(InvalidInputError, match="components"):
        attrs.evolve(fit, components={"stage": 1.0})
    assert isinstance(fit, PairFit)


def test_always_available_pairs_have_the_whole_week() -> None:
    """Two members with no availability constraint share all 10,080 minutes."""
    fit = partner_fit(
        Member("a", "action"),
        Member("b", "action", availability=WeeklyAvailability.always()),
        during=WEEK,
    )
    assert fit.overlap_minutes == 7 * 24 * 60
    assert fit.components["schedule"] == 1.0


def test_many_distinct_weeks_give_the_same_overlaps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the grid limit overlaps are worked out pair by pair, to the same minutes."""
    from peerkit.datasets import simulate_cohort
    from peerkit.matching import _pairs, match_partners

    ms = simulate_cohort(80, seed=4).members
    with_grid = match_partners(ms, during=WEEK)
    monkeypatch.setattr(_pairs, "_GRID_LIMIT", 0)
    assert match_partners(ms, during=WEEK) == with_grid
