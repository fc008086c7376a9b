"""What every benchmark script shares: what it ran on, median timing, targets."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


def machine_line(packages: Iterable[str]) -> str:
    """What this ran on: machine, cores, system, Python and each package's version."""
    found = []
    for name in packages:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}; Python "
        f"{platform.python_version()}; {', '.join(found)}"
    )


def median_time(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of *run* over *repeats* runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_times(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """
    Median wall and CPU (process) time of *run* over *repeats* runs, in seconds.

    On a machine shared with other work the CPU time is the steadier figure.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def print_targets(targets: list[tuple[str, str, bool]], *, judged: bool) -> None:
    """The issue's targets beside what was measured (judged at full size only)."""
    print("\n## Targets\n")
    print("| target | measured | met |")
    print("|---|---|---|")
    for target, measured, met in targets:
        verdict = ("yes" if met else "no") if judged else "not judged (--quick)"
        print(f"| {target} | {measured} | {verdict} |")
