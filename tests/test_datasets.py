"""peerkit.datasets: the embedded sample and the simulator."""

import collections
import json
from importlib import resources

import pytest

import peerkit
from peerkit import STAGES_OF_CHANGE, STAGES_OF_RECOVERY, Cohort, InvalidInputError
from peerkit.datasets import sample_cohort, simulate_cohort


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
    """Stages come from the scale asked for; groups=False forms none."""
    cohort = simulate_cohort(50, seed=2, scale=STAGES_OF_RECOVERY, groups=False)
    assert cohort.groups == ()
    assert {m.stage for m in cohort.members} <= set(STAGES_OF_RECOVERY.stages)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"n": -1}, "n"),
        ({"n": 2.5}, "n"),
        ({"n": 3, "seed": "x"}, "seed"),
        ({"n": 3, "scale": "x"}, "scale"),
    ],
)
def test_simulator_refuses_bad_arguments(kwargs: dict[str, object], path: str) -> None:
    """Bad arguments are named errors."""
    with pytest.raises(InvalidInputError) as info:
        simulate_cohort(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path
