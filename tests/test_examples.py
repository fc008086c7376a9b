"""Every script in examples/ runs and prints something."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_there_are_examples() -> None:
    """examples/ is not empty (so the parametrised test is not vacuous)."""
    assert EXAMPLES


@pytest.mark.slow  # a fresh interpreter per run, each script run twice
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: pathlib.Path) -> None:
    """The script exits 0 and prints output, twice identically (deterministic)."""
    runs = [
        subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )
        for _ in range(2)
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout.strip()
    assert runs[0].stdout == runs[1].stdout
