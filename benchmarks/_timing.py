"""What every benchmark script shares: timing by the median of several runs."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def median_time(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of *run* over *repeats* runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
