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

A run is judged by the time it spans, not only by its count: an absence
of up to `ABSENCE_WEEKS` (an illness, a trip nobody marked excused) is
one event a steady member has now and then, so the rule flags a run only
once it outlasts that, ``run_count / touchpoints a week > ABSENCE_WEEKS``
(five weekly misses in a row do; six misses at two a week, three weeks,
do not yet), and only if it is also too unlikely for the member's rate.

The false flags it raises are counted in the same budget as the
statistic's: `SILENCE_SHARE` of ``false_flags_per_100_members_per_year``
is spent here (`_policy.CALIBRATION` is fitted with the rule on).
`silent` is the one reading of the rule on a member's state, for
`detect_drift`, `DriftMonitor` and `benchmarks/bench_drift.py` alike;
`silence_onset` dates its flag.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from peerkit.engagement._policy import FREQ_MAX, FREQ_STEPS, WEEKS_PER_YEAR

if TYPE_CHECKING:
    from peerkit.engagement._engine import Member
    from peerkit.engagement._policy import DriftPolicy

# The share of the false-flag budget the silence rule may spend. The
# statistic's constants (`_policy.CALIBRATION`) are fitted with this rule
# on, so that the two together flag about the budget: a run long enough
# to pass the rule has often raised the statistic already, so the rules'
# false flags overlap (benchmarks/bench_drift.py prints each rule's share).
SILENCE_SHARE = 0.2
# The longest absence (in weeks) the silence rule takes for a steady
# member's ordinary life rather than a drift: a run of misses must outlast
# it. The budget assumes absences no longer than this (an illness of two
# or three weeks); longer ones are flagged, which is the rule's purpose.
ABSENCE_WEEKS = 3


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


def silent(
    m: Member,
    *,
    prior: float,
    strength: float,
    min_history: int,
    budgets: tuple[float, ...],
) -> bool:
    """
    Whether the silence rule flags *m* (and the statistic does not).

    The one reading of the rule, for reports (batch and online) and the
    benchmark alike: a member not flagged by the statistic, with at least
    *min_history* decided touchpoints, whose current run of misses
    outlasts `ABSENCE_WEEKS` at their touchpoints a week (`outlasts_absence`)
    and is `silence_alarm` for their own kept rate at that pace.
    The rate is read from every decided touchpoint before the current
    run of misses (shrunk toward the cohort's: *prior* kept of *strength*),
    not from the statistic's baseline: a member whose whole record sits
    below the cohort's rate is never folded into that baseline, and would
    be judged against the cohort's rate instead of their own.
    """
    run = m.miss_run
    if m.flagged or run == 0 or m.n < min_history:
        return False
    if not outlasts_absence(run, m.q):
        return False
    rate = (m.kept + prior) / (m.n - run + strength)
    return silence_alarm(run, rate, budgets[m.q])


def outlasts_absence(run_count: int, pace: int) -> bool:
    """
    Whether *run_count* misses in a row span more than `ABSENCE_WEEKS`.

    Args:
        run_count: Decided touchpoints missed in a row.
        pace: The member's touchpoints a week, in steps of 1/`FREQ_STEPS`
            (`Member.q`).

    Returns:
        True when ``run_count / (pace / FREQ_STEPS) > ABSENCE_WEEKS``,
        compared in integers (exact).
    """
    return run_count * FREQ_STEPS > ABSENCE_WEEKS * pace


def silence_onset(m: Member) -> int:
    """
    When a silent member's drift began (POSIX microseconds).

    Silence within the statistic's run of evidence dates from the run's
    start, as the statistic's own flag would; else from the first miss.
    """
    if m.nr > 0 and m.run_start <= m.miss_start:
        return int(m.run_start)
    return int(m.miss_start)
