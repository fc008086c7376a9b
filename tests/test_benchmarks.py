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
    run = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "|---" in run.stdout
