"""DriftPolicy: the false-flag budget and the few other knobs."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from peerkit._validate import check_float, integer, positive, to_float
from peerkit.engagement._touchpoint import Activity, Touchpoint
from peerkit.errors import InvalidInputError

WEEK_US = 7 * 24 * 3600 * 1_000_000
WEEKS_PER_YEAR = 365.2425 / 7

# The grid a baseline rate is read on (1/200 steps) and the touchpoints a
# week are read on (quarter steps, 0.25 to 21): both keep every step of
# the statistic an exact, repeatable float computation, the same online
# and in batch.
RATE_GRID = 200
FREQ_STEPS = 4
FREQ_MIN, FREQ_MAX = 1, 21 * FREQ_STEPS
RATE_FLOOR, RATE_CEILING = 0.02, 0.98

# The threshold after n decided touchpoints is SLOPE log(ARL0) + CALIBRATION
# - GAMMA log(min(n, HISTORY_CAP)), ARL0 the average run length (in
# touchpoints) the budget allows. The statistic's increments are
# predictive (Bayes factor) log-ratios summed Shiryaev-Roberts style, whose
# run length under no drift is not the log(ARL0) bound's; SLOPE and
# CALIBRATION are fitted so that the default budget of 5 flags 5% of steady
# members in 52 weeks, counting the statistic's false flags and the silence
# rule's (`_silence`, which spends SILENCE_SHARE of the budget) together,
# on iid weekly and three-a-week records (benchmarks/bench_drift.py
# measures it, and the bursty two-a-week record it flags more of;
# benchmarks/drift_families.py --budget refits them, on the calibration
# seeds only, for every family tried).
SLOPE = 1.4
CALIBRATION = -1.13
GAMMA = 0.5
HISTORY_CAP = 156
# The lowest threshold: never below 1 nat once the fall is taken off.
LOWEST = 1.0 + GAMMA * math.log(HISTORY_CAP)


def _budget(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    number = check_float(attr.name, value, low=0.0, high=100.0)
    if not 0 < number < 100:
        raise InvalidInputError(attr.name, value, "a number above 0 and below 100")


def _open_unit(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    number = check_float(attr.name, value, low=0.0, high=1.0)
    if not 0 < number < 1:
        raise InvalidInputError(attr.name, value, "a number above 0 and below 1")


def _release(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    number = check_float(attr.name, value, low=0.0, high=1.0)
    if number >= 1:
        raise InvalidInputError(attr.name, value, "a number in [0, 1)")


@attrs.frozen(kw_only=True)
class DriftPolicy:
    """
    How sensitive drift detection is, in terms a coordinator can choose.

    The main knob is the false-flag budget: how many members who are *not*
    drifting you accept being flagged, per 100 members per year. Fewer
    false flags means later detection; the statistic's threshold follows
    from the budget and each member's own touchpoints a week.

    Attributes:
        false_flags_per_100_members_per_year: The budget (default 5).
        min_history: Decided (kept or missed) touchpoints before a member
            is judged at all; they are ``new`` until then.
        cohort_rate: The kept rate a member's baseline is shrunk toward
            while their own history is short. Set it from your programme's
            history with `DriftPolicy.with_cohort_rate`; it is fixed before
            the data it judges, so no member's report depends on another's.
        prior_strength: How many touchpoints the cohort rate is worth.
        drop: The drift worth catching: a fall to this share of the
            member's own rate (0.5: half their usual).
        release: Hysteresis. A flag is released only when the statistic
            falls to this share of its threshold, so a status never
            flickers on one kept check-in.
        disengaged_after: Missed in a row, with no activity since, that
            turns drifting into disengaged.
        reengaged_for: Decided touchpoints a member stays ``re-engaged``
            after a flag is released, before they are ``steady`` again.
        recent_count: How many recent touchpoints a steady member's recent
            rate is read over.

    Examples:
        >>> DriftPolicy(false_flags_per_100_members_per_year=2).min_history
        6

    Added in 0.1.
    """

    false_flags_per_100_members_per_year: float = attrs.field(
        default=5.0, converter=to_float, validator=_budget
    )
    min_history: int = attrs.field(default=6, validator=integer(1, 10_000))
    cohort_rate: float = attrs.field(
        default=0.8, converter=to_float, validator=_open_unit
    )
    prior_strength: float = attrs.field(
        default=8.0, converter=to_float, validator=positive(1000.0)
    )
    drop: float = attrs.field(default=0.5, converter=to_float, validator=_open_unit)
    release: float = attrs.field(default=0.5, converter=to_float, validator=_release)
    disengaged_after: int = attrs.field(default=4, validator=integer(1, 10_000))
    reengaged_for: int = attrs.field(default=8, validator=integer(1, 10_000))
    recent_count: int = attrs.field(default=8, validator=integer(1, 60))

    def with_cohort_rate(self, touchpoints: Iterable[object]) -> DriftPolicy:
        """
        This policy with `cohort_rate` set to the kept rate of *touchpoints*.

        Use a past period of your programme (last quarter), not the data you
        are about to judge. Excused touchpoints and activity do not count;
        without any
        decided touchpoint the policy is returned unchanged.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import Touchpoint
            >>> at = pendulum.datetime(2024, 1, 1)
            >>> past = [Touchpoint("a", at, "kept")] * 3 + [
            ...     Touchpoint("b", at, "missed")
            ... ]
            >>> DriftPolicy().with_cohort_rate(past).cohort_rate
            0.75

        Added in 0.1.
        """
        if isinstance(touchpoints, (str, bytes, Mapping)) or not isinstance(
            touchpoints, Iterable
        ):
            raise InvalidInputError(
                "touchpoints", touchpoints, "an iterable of Touchpoint or Activity"
            )
        kept = decided = 0
        for i, item in enumerate(touchpoints):
            if isinstance(item, Activity):
                continue
            if not isinstance(item, Touchpoint):
                raise InvalidInputError(
                    f"touchpoints[{i}]", item, "a Touchpoint or an Activity"
                )
            if item.outcome != "excused":
                decided += 1
                kept += item.outcome == "kept"
        if not decided:
            return self
        rate = min(max(kept / decided, RATE_FLOOR), RATE_CEILING)
        return attrs.evolve(self, cohort_rate=rate)


@functools.lru_cache(maxsize=64)
def tables(policy: DriftPolicy) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """
    The statistic's constants for *policy*.

    Returns:
        The drifted rate (``drop`` times the baseline) by baseline-rate
        grid step, and the threshold by touchpoints-a-week step.
    """
    drop = policy.drop
    rates = []
    for i in range(RATE_GRID + 1):
        p = min(max(i / RATE_GRID, RATE_FLOOR), RATE_CEILING)
        rates.append(drop * p)
    # A year's false-flag probability b gives a false-flag hazard of
    # -log(1 - b) a year, so an average run length of this many touchpoints.
    hazard = -math.log1p(-policy.false_flags_per_100_members_per_year / 100)
    thresholds = [math.inf]
    for q in range(1, FREQ_MAX + 1):
        per_week = q / FREQ_STEPS
        arl = per_week * WEEKS_PER_YEAR / hazard
        thresholds.append(max(SLOPE * math.log(arl) + CALIBRATION, LOWEST))
    return tuple(rates), tuple(thresholds)
