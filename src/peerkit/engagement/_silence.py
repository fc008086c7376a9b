"""
Silence: a run of misses in a row too unlikely for the member's own rate.

The drift statistic weighs every touchpoint; a member who simply stops
coming can take several weeks to move it, because their good history
argues against the drop. The silence rule looks only at the current run
of consecutive (non-excused) misses: a member who keeps a touchpoint with
probability *p* starts a run of *r* misses at a given touchpoint with
probability ``p * (1 - p) ** r`` (a kept one, then *r* misses). When that
is at most the budget's share for silence, per decided touchpoint, the
run is a flag of its own.

The false flags it raises are counted in the same budget as the
statistic's: `SILENCE_SHARE` of ``false_flags_per_100_members_per_year``
is spent here (the statistic's calibration must leave it room). Both
functions are plain arithmetic on their arguments, so the detector's
calibration can re-tune them without touching the reports.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from peerkit.engagement._policy import FREQ_MAX, FREQ_STEPS, WEEKS_PER_YEAR

if TYPE_CHECKING:
    from peerkit.engagement._policy import DriftPolicy

# The share of the false-flag budget the silence rule may spend.
SILENCE_SHARE = 0.5


def silence_alarm(run_count: int, baseline_rate: float, budget: float) -> bool:
    """
    Whether *run_count* misses in a row are too unlikely to be chance.

    Args:
        run_count: Decided touchpoints missed in a row, up to now.
        baseline_rate: The member's own kept rate (in (0, 1)), read from
            before the run.
        budget: The false flags the rule may raise per decided touchpoint
            of a member at their baseline (see `silence_budgets`).

    Returns:
        True when ``baseline_rate * (1 - baseline_rate) ** run_count`` (the
        chance, per touchpoint, that a member at their baseline starts
        such a run) is at most *budget*.
    """
    if run_count < 1 or not 0 < baseline_rate < 1:
        return False
    # A power, not logs: it runs for every report; underflow to 0 is right.
    return bool(baseline_rate * (1.0 - baseline_rate) ** run_count <= budget)


@functools.lru_cache(maxsize=64)
def silence_budgets(policy: DriftPolicy) -> tuple[float, ...]:
    """
    The silence rule's budget per decided touchpoint, by touchpoints-a-week step.

    A year's false-flag probability *b* is a hazard of ``-log(1 - b)`` a
    year; `SILENCE_SHARE` of it, spread over a year's touchpoints at
    ``q / FREQ_STEPS`` a week, is the budget at step *q* (index 0 unused).
    """
    hazard = -math.log1p(-policy.false_flags_per_100_members_per_year / 100)
    return (
        0.0,
        *(
            SILENCE_SHARE * hazard / (q / FREQ_STEPS * WEEKS_PER_YEAR)
            for q in range(1, FREQ_MAX + 1)
        ),
    )
