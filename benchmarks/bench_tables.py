"""
Benchmark reading a roster from CSV (issue 21: data in and out).

    python benchmarks/bench_tables.py           # 100,000 members
    python benchmarks/bench_tables.py --quick   # tiny sizes, as the tests run it

Writes `simulate_cohort(n)`'s members to a CSV file with
`peerkit.tables.write_csv(rows(...))`, then prints, in one run, the median
wall time of:

1. `csv.DictReader` alone (the rows read as dicts of text, nothing built);
2. `pandas.read_csv` (a DataFrame of the text, nothing validated), where
   pandas is installed;
3. `peerkit.tables.read_members(path)`: every cell read, checked and built
   into a validated `Member`, stages checked against the scale, ids unique;
4. `read_members` of a pandas and a polars DataFrame of the same file;
5. `write_csv(rows(members), path)`, the way back.

Then the issue's target, met or not. Times are medians on this machine and
are not asserted anywhere (machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import tempfile
from typing import TYPE_CHECKING, Any

from _timing import median_time, print_targets

from peerkit.datasets import simulate_cohort
from peerkit.tables import read_members, rows, write_csv

if TYPE_CHECKING:
    from collections.abc import Callable

READ_TARGET = 3.0  # seconds to read a 100,000-member CSV


def _optional(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        return None


def main() -> None:
    """Print the table of timings and the target."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    size = 500 if args.quick else 100_000
    repeats = 1 if args.quick else 3
    pandas, polars = _optional("pandas"), _optional("polars")
    members = simulate_cohort(size, with_groups=False).members
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "roster.csv"
        write_csv(rows(members), path)
        megabytes = path.stat().st_size / 2**20

        def dict_reader() -> object:
            with path.open(encoding="utf-8", newline="") as handle:
                return list(csv.DictReader(handle))

        runs: dict[str, Callable[[], object]] = {
            "csv.DictReader alone (text only)": dict_reader,
        }
        if pandas is not None:
            runs["pandas.read_csv (text only)"] = lambda: pandas.read_csv(
                path, dtype=str, keep_default_na=False
            )
        runs["peerkit read_members(path)"] = lambda: read_members(path)
        if pandas is not None:
            frame = pandas.read_csv(path, dtype=str, keep_default_na=False)
            runs["peerkit read_members(pandas frame)"] = lambda: read_members(frame)
        if polars is not None:
            pl_frame = polars.read_csv(path, infer_schema=False)
            runs["peerkit read_members(polars frame)"] = lambda: read_members(pl_frame)
        out = pathlib.Path(folder) / "out.csv"
        runs["peerkit write_csv(rows(members))"] = lambda: write_csv(rows(members), out)
        times = {name: median_time(run, repeats) for name, run in runs.items()}
        if read_members(path) != members:  # the round trip must hold
            raise SystemExit("read_members(rows(members)) did not round-trip")

    base = times["csv.DictReader alone (text only)"]
    print(f"## Reading {size:,} members from CSV ({megabytes:.1f} MiB)\n")
    print(f"median of {repeats} run(s), on a shared machine\n")
    print("| what | seconds | x csv.DictReader | members / s |")
    print("|---|---|---|---|")
    for name, seconds in times.items():
        print(
            f"| {name} | {seconds:.3f} | {seconds / base:.1f} | {size / seconds:,.0f} |"
        )
    read = times["peerkit read_members(path)"]
    print_targets(
        [
            (
                f"read {size:,} members under {READ_TARGET:.0f} s",
                f"{read:.2f} s",
                read < READ_TARGET,
            )
        ],
        judged=not args.quick,
    )


if __name__ == "__main__":
    main()
