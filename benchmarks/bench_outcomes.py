"""
Benchmark combined recovery and on-track reports (issue 20).

    python benchmarks/bench_outcomes.py           # 20,000 members, 8 sessions
    python benchmarks/bench_outcomes.py --quick   # tiny sizes, as the tests run it

Prints, for a simulated programme (`simulate_sessions`: PHQ-9 and GAD-7
with item answers at each session attended, up to 8 each):

1. `combined_recovery` over every measurement;
2. `expected_change` on the PHQ-9, then `on_track` for every member
   (one call per member, as an app would call it), then
   `facilitator_alerts` over the reports;
3. the issue's target, measured here, met or not.

Times are medians of a few runs on this machine; they are not asserted
anywhere (machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import time

from _timing import median_time, print_targets

from peerkit.datasets import simulate_sessions
from peerkit.outcomes import (
    PHQ9,
    Measurement,
    combined_recovery,
    expected_change,
    facilitator_alerts,
    on_track,
)

TARGET_SECONDS = 2.0  # combined_recovery and on_track for 20,000 members


def main() -> None:
    """Time the calls and print the tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    member_count = 200 if quick else 20_000
    repeats = 1 if quick else 3
    sim = simulate_sessions(member_count, session_count=8, seed=1)
    measurements = sim.measurements
    phq9 = sim.of(PHQ9)
    by_member: dict[str, list[Measurement]] = {}
    for m in phq9:
        by_member.setdefault(m.member_id, []).append(m)
    expected = expected_change(phq9, instrument=PHQ9)

    def reports() -> list[object]:
        return [
            on_track(
                own,
                instrument=PHQ9,
                expected=expected,
                attendance_share=len(own) / 8,
            )
            for own in by_member.values()
        ]

    cpu = time.process_time()
    for _ in range(repeats):
        combined_recovery(measurements)
    recovery_cpu = (time.process_time() - cpu) / repeats
    cpu = time.process_time()
    for _ in range(repeats):
        reports()
    tracks_cpu = (time.process_time() - cpu) / repeats
    recovery = median_time(lambda: combined_recovery(measurements), repeats)
    fit = median_time(lambda: expected_change(phq9, instrument=PHQ9), repeats)
    tracks = median_time(reports, repeats)
    built = reports()
    alerts = median_time(lambda: facilitator_alerts(built), repeats)  # type: ignore[arg-type]
    print(f"# Outcomes: {member_count:,} members, {len(measurements):,} measurements\n")
    print("| call | seconds (wall, median) |")
    print("|---|---|")
    for name, seconds in (
        ("combined_recovery (all measurements)", recovery),
        ("expected_change (PHQ-9)", fit),
        ("on_track (every member, one call each)", tracks),
        ("facilitator_alerts", alerts),
    ):
        print(f"| {name} | {seconds:.3f} |")
    print(
        f"\nCPU time of this process (less affected by a shared machine): "
        f"combined_recovery {recovery_cpu:.3f} s, on_track {tracks_cpu:.3f} s"
    )
    both = recovery + tracks
    print_targets(
        [
            (
                (
                    "combined_recovery + on_track, 20,000 members x 8 sessions "
                    f"< {TARGET_SECONDS:g} s (wall)"
                ),
                f"{both:.2f} s ({recovery:.2f} + {tracks:.2f})",
                both < TARGET_SECONDS,
            )
        ],
        judged=not quick,
    )


if __name__ == "__main__":
    main()
