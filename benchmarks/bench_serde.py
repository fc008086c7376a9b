"""
Benchmark JSON in and out (issue 15, section 4: faster JSON).

    python benchmarks/bench_serde.py           # 10,000 and 100,000 members
    python benchmarks/bench_serde.py --quick   # tiny sizes, as the tests run it

Prints, in one run, for `simulate_cohort(n)` (its groups hold copies of
their members, so the text describes about 1.3 n members):

1. `from_json(Cohort, text)` beside `json.loads(text)`, and `to_json(cohort)`
   beside `json.dumps(to_dict(cohort), ensure_ascii=False)`, the same JSON
   text; medians of several interleaved runs, and their ratios. The
   standard-library calls run as an application runs them (the cyclic
   garbage collector on); peerkit pauses the collector while it reads or
   writes a large value (see ``peerkit._serde._CollectorPause``).
2. The peak memory each peerkit call allocates (tracemalloc, in a separate,
   untimed run, since tracing slows everything down).
3. `json.loads` with the collector paused too, to show how much of the
   gap the collector was.
4. The issue's targets, measured here, met or not.

Times are medians on this machine; they are not asserted anywhere
(machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
import tracemalloc
from typing import TYPE_CHECKING

from _timing import print_targets

from peerkit import Cohort, from_json, to_dict, to_json
from peerkit.datasets import simulate_cohort

if TYPE_CHECKING:
    from collections.abc import Callable

FROM_TARGET = 3.0  # from_json at most this many times json.loads
TO_TARGET = 2.5  # to_json at most this many times json.dumps


def timed(run: Callable[[], object]) -> float:
    """Wall time of one call of *run*, in seconds."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def peak_mib(run: Callable[[], object]) -> float:
    """Peak memory traced while *run* runs, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def paused_loads(text: str) -> object:
    """json.loads with the cyclic collector paused (for comparison only)."""
    gc.disable()
    try:
        return json.loads(text)
    finally:
        gc.enable()


def _medians(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall times of interleaved runs, a full collection before each."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            gc.collect()
            times[name].append(timed(run))
    return {name: statistics.median(values) for name, values in times.items()}


def reading(text: str, repeats: int) -> dict[str, float]:
    """`from_json` beside `json.loads`, with only the text alive."""
    runs: dict[str, Callable[[], object]] = {
        "loads": lambda: json.loads(text),
        "from_json": lambda: from_json(Cohort, text),
        "loads_paused": lambda: paused_loads(text),
    }
    result = _medians(runs, repeats)
    result["from_peak"] = peak_mib(runs["from_json"])
    result["text_mib"] = len(text.encode()) / 2**20
    return result


def writing(cohort: Cohort, repeats: int) -> dict[str, float]:
    """`to_json` beside `json.dumps` of the same plain data."""
    data = to_dict(cohort)
    runs: dict[str, Callable[[], object]] = {
        "dumps": lambda: json.dumps(data, ensure_ascii=False),
        "to_json": lambda: to_json(cohort),
    }
    result = _medians(runs, repeats)
    result["to_peak"] = peak_mib(runs["to_json"])
    return result


def measure(member_count: int, repeats: int) -> dict[str, float]:
    """
    Median times (interleaved runs) and peak memory for one cohort size.

    Reading is timed with only the JSON text alive, as an app that loads a
    roster holds it: a large heap of live objects would slow `json.loads`
    (the collector walks it) and flatter the ratio. Writing is timed with
    only the value and, for `json.dumps`, its plain form alive.
    """
    text = to_json(simulate_cohort(member_count))
    cohort = from_json(Cohort, text)
    if to_json(cohort) != text:  # pragma: no cover - a broken round trip
        raise SystemExit("to_json(from_json(text)) != text")
    del cohort
    result = reading(text, repeats)
    cohort = from_json(Cohort, text)
    del text
    return result | writing(cohort, repeats)


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    quick = parser.parse_args().quick
    sizes = [(200, 2), (1000, 2)] if quick else [(10_000, 5), (100_000, 3)]
    results = {n: measure(n, repeats) for n, repeats in sizes}

    print("## JSON in and out: `simulate_cohort(n)`\n")
    print(
        "| members | JSON MiB | json.loads s | from_json s | ratio "
        "| json.dumps s | to_json s | ratio | from_json peak MiB "
        "| to_json peak MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in results.items():
        print(
            f"| {n:,} | {r['text_mib']:.1f} | {r['loads']:.3f} | {r['from_json']:.3f} "
            f"| {r['from_json'] / r['loads']:.2f}x | {r['dumps']:.3f} "
            f"| {r['to_json']:.3f} | {r['to_json'] / r['dumps']:.2f}x "
            f"| {r['from_peak']:.0f} | {r['to_peak']:.0f} |"
        )

    print("\n## json.loads with the cyclic collector paused (for comparison)\n")
    print("| members | json.loads s | paused s | from_json / paused |")
    print("|---:|---:|---:|---:|")
    for n, r in results.items():
        print(
            f"| {n:,} | {r['loads']:.3f} | {r['loads_paused']:.3f} "
            f"| {r['from_json'] / r['loads_paused']:.2f}x |"
        )

    targets = []
    for n, r in results.items():
        ratio = r["from_json"] / r["loads"]
        targets.append(
            (
                f"from_json <= {FROM_TARGET:g}x json.loads at {n:,}",
                f"{ratio:.2f}x",
                ratio <= FROM_TARGET,
            )
        )
        ratio = r["to_json"] / r["dumps"]
        targets.append(
            (
                f"to_json <= {TO_TARGET:g}x json.dumps at {n:,}",
                f"{ratio:.2f}x",
                ratio <= TO_TARGET,
            )
        )
    print_targets(targets, judged=not quick)


if __name__ == "__main__":
    main()
