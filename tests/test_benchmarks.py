"""Every benchmark script runs at a tiny size and prints its tables (no timing is asserted)."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent
SCRIPTS = sorted(
    [
        *(ROOT / "benchmarks").glob("bench_*.py"),
        ROOT / "benchmarks/drift_ceiling.py",
        ROOT / "benchmarks/drift_families.py",
        ROOT / "benchmarks/exact_floor.py",
    ]
)


def test_there_are_benchmarks() -> None:
    """benchmarks/ has scripts (so the parametrised test is not vacuous)."""
    assert SCRIPTS


@pytest.mark.slow  # a fresh interpreter per script
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_runs_quick(script: pathlib.Path) -> None:
    """The script runs with --quick, exits 0 and prints at least one table."""
    assert "|---" in _run(script, "--quick")


def _run(script: pathlib.Path, *args: str) -> str:
    """Run a benchmark script in a fresh interpreter; its output (it must exit 0)."""
    run = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.slow  # a fresh interpreter, two families refitted
def test_drift_families_levels_quick() -> None:
    """drift_families --levels prints a row per family asked for, with the bands."""
    out = _run(
        ROOT / "benchmarks/drift_families.py",
        "--levels",
        "--quick",
        "--families",
        "0,1",
    )
    rows = [line for line in out.splitlines() if line.startswith("| (a)")]
    assert len(rows) == 1
    assert "[" in rows[0]
    assert "| shipped" in out
