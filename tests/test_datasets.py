"""peerkit.datasets: the embedded sample and the simulator."""

import collections
import json
from importlib import resources

import pendulum
import pytest

import peerkit
from peerkit import STAGES_OF_CHANGE, STAGES_OF_RECOVERY, Cohort, InvalidInputError
from peerkit.datasets import (
    sample_cohort,
    sample_engagement,
    sample_outcomes,
    simulate_cohort,
    simulate_engagement,
    simulate_outcomes,
)
from peerkit.engagement import Touchpoint
from peerkit.outcomes import PHQ9, WEMWBS, feedback_trend, programme_outcomes


def test_sample_cohort_has_sixty_members_across_zones_and_stages() -> None:
    """The sample has 60 members in many zones, every stage, and 5 groups."""
    cohort = sample_cohort()
    assert len(cohort.members) == 60
    assert len(cohort.groups) == 5
    assert len({m.timezone for m in cohort.members}) >= 10
    assert {m.stage for m in cohort.members} == set(STAGES_OF_CHANGE.stages)
    assert cohort.unplaced


def test_sample_cohort_file_is_canonical() -> None:
    """The shipped JSON is exactly what to_json writes for the loaded cohort."""
    text = (
        resources.files("peerkit.datasets")
        .joinpath("data/sample_cohort.json")
        .read_text("utf-8")
    )
    assert json.loads(text) == peerkit.to_dict(sample_cohort())


def test_simulator_is_deterministic_and_seed_sensitive() -> None:
    """The same seed gives the same cohort; another seed gives another."""
    assert simulate_cohort(80, seed=3) == simulate_cohort(80, seed=3)
    assert simulate_cohort(80, seed=3) != simulate_cohort(80, seed=4)


@pytest.mark.parametrize("n", [0, 1, 2, 13, 250])
def test_simulator_makes_valid_cohorts_of_any_size(n: int) -> None:
    """Any size gives a valid cohort of that size, with groups within capacity."""
    cohort = simulate_cohort(n, seed=1)
    assert isinstance(cohort, Cohort)
    assert len(cohort.members) == n
    assert all(g.size <= g.capacity for g in cohort.groups)


def test_simulated_cohort_is_realistic() -> None:
    """Most members hold one partner, some sit out, zones and languages vary, group members fit their group's rules."""
    cohort = simulate_cohort(2000, seed=5)
    partners = collections.Counter(m.max_partners for m in cohort.members)
    assert partners[1] > 1500
    assert partners[0] > 50
    assert len({m.timezone for m in cohort.members}) >= 15
    assert len({lang for m in cohort.members for lang in m.languages}) >= 5
    for group in cohort.groups:
        for member in group.members:
            assert member.languages & group.languages
            if group.stage_band:
                assert cohort.scale.in_band(member.stage, group.stage_band)
            for trait, allowed in group.requires.items():
                assert member.traits.get(trait) in allowed


def test_simulator_uses_the_given_scale_and_can_skip_groups() -> None:
    """Stages come from the scale asked for; with_groups=False forms none."""
    cohort = simulate_cohort(50, seed=2, scale=STAGES_OF_RECOVERY, with_groups=False)
    assert cohort.groups == ()
    assert {m.stage for m in cohort.members} <= set(STAGES_OF_RECOVERY.stages)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"member_count": -1}, "member_count"),
        ({"member_count": 2.5}, "member_count"),
        ({"member_count": 1_000_001}, "member_count"),
        ({"member_count": True}, "member_count"),
        ({"member_count": 3, "seed": "x"}, "seed"),
        ({"member_count": 3, "seed": 10**5000}, "seed"),
        ({"member_count": 3, "seed": 2**64}, "seed"),
        ({"member_count": 3, "seed": -1}, "seed"),
        ({"member_count": 3, "seed": True}, "seed"),
        ({"member_count": 3, "scale": "x"}, "scale"),
        ({"member_count": 3, "with_groups": 1}, "with_groups"),
    ],
)
def test_simulator_refuses_bad_arguments(kwargs: dict[str, object], path: str) -> None:
    """Bad arguments are named errors."""
    with pytest.raises(InvalidInputError) as info:
        simulate_cohort(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


# --- outcomes -----------------------------------------------------------------


def _kept_share(touchpoints: object) -> dict[str, float]:
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for t in touchpoints:  # type: ignore[attr-defined]
        if isinstance(t, Touchpoint) and t.outcome != "excused":
            counts[t.member_id][0] += t.outcome == "kept"
            counts[t.member_id][1] += 1
    return {who: k / n for who, (k, n) in counts.items()}


def test_sample_outcomes_follow_engagement_and_attrition_is_selective() -> None:
    """Members who engaged more improve more, and those who drift skip the follow-up."""
    sample = sample_outcomes()
    shares = _kept_share(sample_engagement().touchpoints)
    summary = programme_outcomes(
        sample.of(PHQ9),
        instrument=PHQ9,
        baseline_period=sample.baseline_period,
        followup_period=sample.followup_period,
    )
    assert summary.member_count == 60
    assert 0.6 < (summary.described or 0) < 0.95
    ranked = sorted(summary.changes, key=lambda c: shares[str(c.member_id)])
    third = len(ranked) // 3
    low = sum(c.difference for c in ranked[:third]) / third
    high = sum(c.difference for c in ranked[-third:]) / third
    assert high < low - 2  # the most engaged fall further on the PHQ-9
    lost = [shares[m] for m in summary.lost]
    stayed = [shares[str(c.member_id)] for c in summary.changes]
    assert sum(lost) / len(lost) < sum(stayed) / len(stayed) - 0.1
    assert {m.instrument for m in sample.measurements} >= {PHQ9, WEMWBS}
    assert all(
        m.at in sample.baseline_period or m.at in sample.followup_period
        for m in sample.measurements
    )


def test_sample_feedback_has_a_falling_group() -> None:
    """The sample's group g3 is the one whose feedback falls."""
    sample = sample_outcomes()
    trends = feedback_trend(
        sample.ratings,
        now=sample.followup_period.end,
        lookback=pendulum.duration(weeks=12),
    )
    assert [t.group_id for t in trends if t.falling] == ["g3"]
    assert [t.group_id for t in trends] == ["g1", "g2", "g3", "g4"]


def test_simulate_outcomes_is_deterministic_and_seed_sensitive() -> None:
    """The same arguments give the same record; another seed another one."""
    engagement = simulate_engagement(30, week_count=12, per_week=2)
    groups = {
        "a": [f"m{i:02d}" for i in range(15)],
        "b": [f"m{i:02d}" for i in range(15, 30)],
    }
    one = simulate_outcomes(engagement, groups=groups, seed=1)
    assert one == simulate_outcomes(engagement, groups=groups, seed=1)
    assert one != simulate_outcomes(engagement, groups=groups, seed=2)
    assert {r.group_id for r in one.ratings} == {"a", "b"}
    assert simulate_outcomes(engagement, seed=1).ratings == ()


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"engagement": "record"}, "engagement"),
        ({"groups": ["a"]}, "groups"),
        ({"groups": {"a": "m00"}}, "groups['a']"),
        ({"groups": {"a": ["m00", ""]}}, "groups['a'][1]"),
        ({"followup_loss": 1.5}, "followup_loss"),
        ({"falling_group": "zz"}, "falling_group"),
        ({"falling_group": []}, "falling_group"),
        ({"falling_group": {}}, "falling_group"),
        ({"falling_group": 3}, "falling_group"),
        ({"falling_group": b"a"}, "falling_group"),
        ({"seed": "1"}, "seed"),
        ({"seed": 10**5000}, "seed"),
        ({"seed": -1}, "seed"),
        ({"seed": True}, "seed"),
        ({"seed": 2**64}, "seed"),
    ],
)
def test_simulate_outcomes_refuses_bad_arguments(
    kwargs: dict[str, object], path: str
) -> None:
    """Every argument is checked and named."""
    arguments: dict[str, object] = {
        "engagement": simulate_engagement(3, week_count=4),
        **kwargs,
    }
    engagement = arguments.pop("engagement")
    with pytest.raises(InvalidInputError) as err:
        simulate_outcomes(engagement, **arguments)  # type: ignore[arg-type]
    assert err.value.path == path


@pytest.mark.parametrize(
    "seed",
    [10**5000, 2**64, -1, True, 1.0, "0"],
    ids=["huge", "2**64", "negative", "bool", "float", "str"],
)
def test_simulate_engagement_refuses_a_seed_that_is_not_one(seed: object) -> None:
    """A huge, negative, bool or non-int seed is an error naming seed, never a ValueError."""
    with pytest.raises(InvalidInputError) as err:
        simulate_engagement(3, week_count=4, seed=seed)  # type: ignore[arg-type]
    assert err.value.path == "seed"


def test_every_seed_up_to_the_largest_is_accepted() -> None:
    """0 and 2**64 - 1 are seeds for every simulator, each giving its own record."""
    for seed in (0, 2**64 - 1):
        assert len(simulate_cohort(3, seed=seed).members) == 3
        engagement = simulate_engagement(3, week_count=4, seed=seed)
        assert len(simulate_outcomes(engagement, seed=seed).measurements) > 0


def test_simulators_share_one_cap_on_members() -> None:
    """simulate_cohort and simulate_engagement refuse the same too-large member count."""
    for simulate in (simulate_cohort, simulate_engagement):
        with pytest.raises(InvalidInputError) as err:
            simulate(1_000_001)
        assert "1000000" in err.value.expected
