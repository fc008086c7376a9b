"""
A second, harder attendance generator: the cohort the drift issue's detector never saw.

`simulate_engagement` (peerkit.datasets) draws each member's touchpoints
independently at one rate. Real attendance is messier, and the false-flag
budget must hold there too. This generator, kept in benchmarks/ because it
exists to test peerkit rather than to serve apps, draws 52 weeks of:

- two touchpoints a week, a group meeting (Monday) and a partner check-in
  (Thursday), at 18:00 UTC;
- heterogeneous members whose rates differ between the kinds: a member's
  level is drawn around 80% (Beta(6, 1.5)), their meeting rate is that
  level times U(0.9, 1.1) and their check-in rate times U(0.65, 1.0);
- 2 excused holiday weeks each (both touchpoints excused), and 2% of
  touchpoints excused at random;
- 35% joining late (their record starts in a week drawn from 1-26);
- 10% of the steady members ill once for 2-3 weeks: every touchpoint of
  those weeks missed (not excused);
- half the members drifting, from a week in the middle two thirds of their
  own record, to 30-60% of their own rates: half of them at once (a step),
  half gradually (a straight decline over 4-12 weeks).

The truth reuses `peerkit.datasets.DriftTruth`: `baseline_rate` is the mean
of the member's two rates, `drift_rate` the mean after the drop (for a
gradual drift, where the decline ends), `onset` the due time of the first
touchpoint below the baseline. `burst_ids` names the members with an
illness burst (all steady).
"""

from __future__ import annotations

import random
from typing import NamedTuple

import pendulum

from peerkit.datasets import DriftTruth, SimulatedEngagement
from peerkit.engagement import Outcome, Touchpoint

SHAPE = ((0, "meeting"), (3, "checkin"))
HOUR = 18
LATE_SHARE = 0.35
BURST_SHARE = 0.10
HOLIDAY_WEEKS = 2
EXCUSED_RATE = 0.02
DRIFT_SHARE = 0.5


class Attendance(NamedTuple):
    """The record, and who had an illness burst."""

    sim: SimulatedEngagement
    burst_ids: frozenset[str]


def simulate_attendance(
    members: int,
    *,
    seed: int,
    week_count: int = 52,
    burst_weeks: tuple[int, int] = (2, 3),
) -> Attendance:
    """
    *members* members' bursty, heterogeneous two-a-week record (see the module).

    *burst_weeks* bounds an illness burst's length in weeks (2-3 by default;
    drift_families.py --budget also draws 1-week and 4-week bursts, cohorts
    nothing was tuned on).
    """
    rng = random.Random(f"peerkit-attendance-{seed}")
    start = pendulum.datetime(2024, 1, 1)
    dues = [
        [(start.add(weeks=w, days=d, hours=HOUR), kind) for d, kind in SHAPE]
        for w in range(week_count)
    ]
    width = len(str(max(members - 1, 1)))
    events: list[Touchpoint] = []
    truth: list[DriftTruth] = []
    bursts: set[str] = set()
    for i in range(members):
        ident = f"a{i:0{width}d}"
        level = min(max(rng.betavariate(6.0, 1.5), 0.3), 0.98)
        rates = {
            "meeting": min(level * rng.uniform(0.9, 1.1), 0.98),
            "checkin": max(level * rng.uniform(0.65, 1.0), 0.15),
        }
        join = rng.randint(1, week_count // 2) if rng.random() < LATE_SHARE else 0
        span = week_count - join
        holidays = set(rng.sample(range(join, week_count), min(HOLIDAY_WEEKS, span)))
        drifts = rng.random() < DRIFT_SHARE
        ratio = rng.uniform(0.3, 0.6)
        gradual = rng.random() < 0.5
        ramp = rng.randint(4, 12) if gradual else 1
        week0 = week_count
        if drifts:
            week0 = join + rng.randint(max(1, span // 6), max(1, span - span // 6 - 1))
        ill: set[int] = set()
        if not drifts and rng.random() < BURST_SHARE:
            length = rng.randint(*burst_weeks)
            first = rng.randint(join + 2, max(join + 2, week_count - length))
            ill = set(range(first, first + length))
            bursts.add(ident)
        onset = None
        for week in range(join, week_count):
            share = 1.0
            if week >= week0:
                share = 1 - (1 - ratio) * min(1.0, (week - week0 + 1) / ramp)
            for due, kind in dues[week]:
                outcome: Outcome
                if week in holidays or rng.random() < EXCUSED_RATE:
                    outcome = "excused"
                elif week in ill:
                    outcome = "missed"
                else:
                    if share < 1 and onset is None:
                        onset = due
                    kept = rng.random() < rates[kind] * share
                    outcome = "kept" if kept else "missed"
                events.append(Touchpoint(ident, due, outcome, kind))
        mean = (rates["meeting"] + rates["checkin"]) / 2
        truth.append(
            DriftTruth(
                member_id=ident,
                baseline_rate=mean,
                drifts=onset is not None,
                onset=onset,
                drift_rate=mean * ratio if onset is not None else None,
            )
        )
    sim = SimulatedEngagement(
        touchpoints=tuple(events),
        truth=tuple(truth),
        start=start,
        now=start.add(weeks=week_count),
    )
    return Attendance(sim, frozenset(bursts))
