"""The end-to-end programme: its summary figures, recomputed from the public API."""

import importlib.util
import pathlib
import statistics
import sys
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

from peerkit.engagement import DriftStatus, detect_drift
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    combined_recovery,
    programme_outcomes,
    risk_flags,
)

if TYPE_CHECKING:
    import pendulum

ROOT = pathlib.Path(__file__).parent.parent


@pytest.fixture(scope="module")
def example() -> ModuleType:
    """examples/programme.py, imported as a module."""
    path = ROOT / "examples" / "programme.py"
    spec = importlib.util.spec_from_file_location("programme_example", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["programme_example"] = module  # dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def programme(example: ModuleType) -> object:
    """A shorter programme: 120 members over 8 weeks (some drift is caught)."""
    return example.run(members=120, weeks=8, seed=3, verbose=False)


def test_the_summary_figures_are_recomputed_from_the_public_api(
    programme: object,
) -> None:
    """Placed, retained, drift caught, false flags and new pairings, each recomputed."""
    p = programme
    s = p.summary  # type: ignore[attr-defined]
    placed = {m.id for g in p.grouping.groups for m in g.group.members}  # type: ignore[attr-defined]
    assert s.member_count == 120
    assert s.placed_count == len(placed) == p.grouping.placed_count  # type: ignore[attr-defined]
    assert s.placed_count + len(p.grouping.unplaced) == 120  # type: ignore[attr-defined]

    end = p.end  # type: ignore[attr-defined]
    recent = end.subtract(weeks=2)
    kept_lately = {
        t.member_id
        for t in p.touchpoints  # type: ignore[attr-defined]
        if t.outcome == "kept" and t.due >= recent
    }
    assert s.retained_count == len(kept_lately & placed)

    # First flags: batch detection on each week's record, for the roster of
    # placed members, equals the monitor's.
    first: dict[str, pendulum.DateTime] = {}
    start = end.subtract(weeks=8)
    for week in range(1, 9):
        now = start.add(weeks=week)
        upto = [t for t in p.touchpoints if t.due < now]  # type: ignore[attr-defined]
        for report in detect_drift(upto, now=now, members=placed):
            flagged = report.status in (DriftStatus.DRIFTING, DriftStatus.DISENGAGED)
            if flagged and report.member_id not in first:
                first[report.member_id] = now
    assert first  # the check compares some flags
    assert first == p.first_flags  # type: ignore[attr-defined]

    truth = {t.member_id: t for t in p.truth}  # type: ignore[attr-defined]
    drifting = {
        m: truth[m].onset
        for m in placed
        if truth[m].drifts and truth[m].onset is not None and truth[m].onset < end
    }
    delays = [
        (first[m] - onset).total_seconds() / 604800
        for m, onset in drifting.items()
        if m in first and first[m] >= onset
    ]
    assert s.drifter_count == len(drifting)
    assert s.caught_count == len(delays)
    assert s.median_delay_weeks == (statistics.median(delays) if delays else None)
    assert s.steady_count == len(placed - set(drifting))
    assert s.steady_flagged_count == len((placed - set(drifting)) & set(first))

    rounds = p.rounds  # type: ignore[attr-defined]
    later = [frozenset(team) for r in rounds[1:] for team in r.teams]
    earlier = {frozenset(team) for team in rounds[0].teams}
    assert s.pairing_count == len(later)
    assert s.new_pairing_count == sum(team not in earlier for team in later)


def test_no_pairing_repeats_and_every_pair_is_in_the_programme(
    programme: object,
) -> None:
    """Re-pairing with history never repeats a pair; only placed members are paired."""
    p = programme
    placed = {m.id for g in p.grouping.groups for m in g.group.members}  # type: ignore[attr-defined]
    seen: set[frozenset[str]] = set()
    for matching in p.rounds:  # type: ignore[attr-defined]
        teams = [frozenset(team) for team in matching.teams]
        assert not seen & set(teams)
        assert all(team <= placed for team in teams)
        seen.update(teams)
    assert seen  # the rounds paired people


def test_outcomes_are_the_public_programme_outcomes(programme: object) -> None:
    """The outcome summary covers the placed members, attrition shown."""
    p = programme
    outcomes = p.outcomes  # type: ignore[attr-defined]
    placed = {m.id for g in p.grouping.groups for m in g.group.members}  # type: ignore[attr-defined]
    assert outcomes.instrument == PHQ9.name
    assert outcomes.member_count == p.summary.placed_count  # type: ignore[attr-defined]
    assert (
        outcomes.completed_count + len(outcomes.lost) + len(outcomes.no_baseline)
        == outcomes.member_count
    )
    again = programme_outcomes(
        [],
        instrument=PHQ9,
        baseline_period=outcomes.baseline_period,
        followup_period=outcomes.followup_period,
        members=placed,
    )
    assert again.no_baseline == tuple(sorted(placed))


def test_recovery_alerts_and_risks_are_the_public_outcomes(programme: object) -> None:
    """Combined recovery covers the placed members; alerts and risk flags match."""
    p = programme
    recovery = p.recovery  # type: ignore[attr-defined]
    placed = {m.id for g in p.grouping.groups for m in g.group.members}  # type: ignore[attr-defined]
    assert recovery.member_count == len(placed)
    assert {m.member_id for m in recovery.members} <= placed
    assert recovery.paired_count + len(recovery.lost) + len(recovery.no_baseline) == (
        recovery.member_count
    )
    answered = p.measurements  # type: ignore[attr-defined]
    both = [m for m in answered if m.instrument in (PHQ9, GAD7)]
    assert combined_recovery(both, members=placed) == recovery
    assert p.risks  # type: ignore[attr-defined]  # the check compares some flags
    assert p.risks == risk_flags(answered)  # type: ignore[attr-defined]


def test_the_programme_is_deterministic_for_a_seed(example: ModuleType) -> None:
    """The same seed gives the same programme; the main entry point prints it."""
    one = example.run(members=40, weeks=3, seed=5, verbose=False)
    two = example.run(members=40, weeks=3, seed=5, verbose=False)
    assert one.summary == two.summary
    assert one.touchpoints == two.touchpoints


def test_main_prints_the_weeks_and_the_summary(
    example: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """Running the example prints each week and the closing summary."""
    example.main(["--members", "40", "--weeks", "3", "--seed", "5"])
    out = capsys.readouterr().out
    assert "Week 0:" in out
    assert "Week 3:" in out
    assert "After the programme" in out
    assert "pairings after round 1" in out
