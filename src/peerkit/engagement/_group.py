"""group_engagement: how a group is doing, for its facilitator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs
import pendulum

from peerkit._explain import Reason, describe_trend
from peerkit._instants import MIN_DATE
from peerkit._validate import (
    check_instance,
    check_int,
    count,
    instant,
    number,
    tuple_of,
)
from peerkit.engagement._detect import detect_drift, split_events
from peerkit.engagement._policy import WEEK_US, DriftPolicy
from peerkit.engagement._report import DriftReport, DriftStatus
from peerkit.engagement._touchpoint import (
    EXCUSED,
    Event,
    Touchpoint,
    check_now,
    utc_moment,
)
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

_Z95 = 1.959963984540054
MAX_WEEKS = 520
# The first instant a week may start at: weeks counted back from *now*
# must not start before peerkit's calendar does.
_EARLIEST_US = (
    pendulum.datetime(MIN_DATE.year, MIN_DATE.month, MIN_DATE.day).int_timestamp
    * 1_000_000
)


@attrs.frozen(kw_only=True)
class WeeklyAttendance:
    """
    One week of a group's touchpoints.

    Attributes:
        start: The week's first instant (weeks are counted back from *now*).
        kept_count: Touchpoints kept that week.
        decided_count: Touchpoints kept or missed that week (excused left
            out).

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint, group_engagement
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> history = [
        ...     Touchpoint(who, start.add(weeks=w), "kept" if w % 2 else "missed")
        ...     for who in ("ada", "bo")
        ...     for w in range(8)
        ... ]
        >>> summary = group_engagement(history, now=start.add(weeks=8), week_count=2)
        >>> [
        ...     (str(week.start.date()), week.kept_count, week.decided_count)
        ...     for week in summary.weeks
        ... ]
        [('2024-02-12', 0, 2), ('2024-02-19', 2, 2)]

    Added in 0.1.
    """

    start: pendulum.DateTime = attrs.field(validator=instant())
    kept_count: int = attrs.field(validator=count())
    decided_count: int = attrs.field(validator=count())

    @property
    def rate(self) -> float | None:
        """
        ``kept_count / decided_count``, or None with nothing decided.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import WeeklyAttendance
            >>> monday = pendulum.datetime(2024, 1, 1)
            >>> WeeklyAttendance(start=monday, kept_count=3, decided_count=4).rate
            0.75
            >>> empty = WeeklyAttendance(start=monday, kept_count=0, decided_count=0)
            >>> empty.rate is None
            True
        """
        return self.kept_count / self.decided_count if self.decided_count else None


@attrs.frozen(kw_only=True)
class GroupEngagement:
    """
    How a group is doing: its attendance trend and how many are drifting.

    Counts only: nothing here says which member is drifting, so it is safe
    to show a facilitator or the group.

    Attributes:
        member_count: Members with touchpoints in the input.
        weeks: Attendance week by week, oldest first.
        rate: Kept rate over all the weeks, or None if nothing was decided.
        trend: Change in the weekly kept rate per week (least squares,
            weeks weighted by touchpoints), or None with under two weeks.
        trend_low: Lower end of the trend's 95% interval.
        trend_high: Upper end of the trend's 95% interval.
        falling: True when even the interval's upper end is below zero.
        drifting_count: Members drifting or disengaged now.
        disengaged_count: Of those, members disengaged.
        re_engaged_count: Members back after a drift.
        reasons: The same in plain words.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint, group_engagement
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> history = [
        ...     Touchpoint("ada", start.add(weeks=w), "kept" if w < 12 else "missed")
        ...     for w in range(18)
        ... ] + [Touchpoint("bo", start.add(weeks=w), "kept") for w in range(18)]
        >>> summary = group_engagement(history, now=start.add(weeks=18), week_count=4)
        >>> summary.member_count, summary.rate, summary.drifting_count
        (2, 0.5, 1)
        >>> for reason in summary.reasons:
        ...     print(reason.message)
        Attendance 50% over the last 4 weeks.
        1 of 2 members drifting, 1 of them disengaged.

    Added in 0.1.
    """

    member_count: int = attrs.field(validator=count())
    weeks: tuple[WeeklyAttendance, ...] = attrs.field(
        validator=tuple_of(WeeklyAttendance, "a WeeklyAttendance")
    )
    rate: float | None = attrs.field(validator=number(optional=True))
    trend: float | None = attrs.field(validator=number(optional=True))
    trend_low: float | None = attrs.field(validator=number(optional=True))
    trend_high: float | None = attrs.field(validator=number(optional=True))
    falling: bool = attrs.field()
    drifting_count: int = attrs.field(validator=count())
    disengaged_count: int = attrs.field(validator=count())
    re_engaged_count: int = attrs.field(validator=count())
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


def _weekly_counts(
    touchpoints: list[Touchpoint], begin: int, week_count: int
) -> list[tuple[int, int]]:
    """Kept and decided touchpoints in each of *week_count* weeks from *begin*."""
    kept = [0] * week_count
    decided = [0] * week_count
    for touchpoint in touchpoints:
        key = touchpoint._key  # noqa: SLF001 - our own cached field
        at = key >> 2
        if at < begin or key & 3 == EXCUSED:
            continue
        week = min((at - begin) // WEEK_US, week_count - 1)
        kept[week] += key & 1
        decided[week] += 1
    return list(zip(kept, decided, strict=True))


def _fit_trend(
    weeks: list[tuple[int, int]],
) -> tuple[float | None, float | None, float | None]:
    """Weighted least-squares slope of weekly rates, with a 95% interval."""
    points = [(i, kept / n, n) for i, (kept, n) in enumerate(weeks) if n]
    if len(points) < 2:
        return None, None, None
    total = sum(n for _, _, n in points)
    mean_x = sum(i * n for i, _, n in points) / total
    pooled = sum(r * n for _, r, n in points) / total
    sxx = sum(n * (i - mean_x) ** 2 for i, _, n in points)
    slope = sum(n * (i - mean_x) * r for i, r, n in points) / sxx
    # Binomial variance of each week's rate around the pooled rate, plus
    # a floor of half a touchpoint so a perfect record still has one.
    variance = max(pooled * (1 - pooled), 0.5 / total) / sxx
    half = _Z95 * math.sqrt(variance)
    return slope, slope - half, slope + half


@attrs.frozen
class _Drift:
    """How many of a group's members stand where (counts only)."""

    member_count: int
    drifting_count: int
    disengaged_count: int
    re_engaged_count: int


def _count_drift(reports: tuple[DriftReport, ...]) -> _Drift:
    statuses = [r.status for r in reports if r.touchpoint_count or r.excused_count]
    return _Drift(
        member_count=len(statuses),
        drifting_count=sum(
            s in (DriftStatus.DRIFTING, DriftStatus.DISENGAGED) for s in statuses
        ),
        disengaged_count=sum(s is DriftStatus.DISENGAGED for s in statuses),
        re_engaged_count=sum(s is DriftStatus.RE_ENGAGED for s in statuses),
    )


def _narrate(
    rate: float | None,
    week_count: int,
    trend: tuple[float | None, float | None, float | None],
    drift: _Drift,
) -> tuple[Reason, ...]:
    """The group's figures in plain words (counts only: no member named)."""
    reasons = []
    falling = trend[2] is not None and trend[2] < 0
    if rate is not None:
        words = f"Attendance {rate:.0%} over the last {week_count} weeks"
        moving = describe_trend(*trend)
        if moving is not None:
            words += f", {moving}"
        reasons.append(
            Reason("group.attendance", -1.0 if falling else 0.0, words + ".")
        )
    if drift.drifting_count:
        disengaged = drift.disengaged_count
        reasons.append(
            Reason(
                "group.drifting",
                float(drift.drifting_count),
                f"{drift.drifting_count} of {drift.member_count} members drifting"
                + (f", {disengaged} of them disengaged." if disengaged else "."),
            )
        )
    if drift.re_engaged_count:
        back = drift.re_engaged_count
        reasons.append(Reason("group.back", float(back), f"{back} back after a drift."))
    return tuple(reasons)


def group_engagement(
    touchpoints: Iterable[Event],
    *,
    now: dt.datetime,
    week_count: int = 8,
    policy: DriftPolicy = DriftPolicy(),
) -> GroupEngagement:
    """
    How one group is doing: attendance week by week, its trend, who drifts.

    Pass the touchpoints of the group's members (its meetings, their
    check-ins); the weeks are the last *week_count* seven-day spans ending
    at *now*. Drift counts come from `detect_drift` over the whole input.

    Args:
        touchpoints: The group's touchpoints (and activity), any order.
        now: The end of the last week; timezone-aware.
        week_count: How many weeks of attendance to show and fit the trend
            to (1 to 520; the first may not start before year 2).
        policy: The drift policy for the counts.

    Raises:
        peerkit.errors.InvalidInputError: If an item is not a touchpoint or
            an activity, or one is later than *now*, or the weeks would
            start before peerkit's calendar does.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> touchpoints = [
        ...     Touchpoint(
        ...         who,
        ...         start.add(weeks=w),
        ...         "kept" if w < 6 or who == "ada" else "missed",
        ...     )
        ...     for who in ("ada", "ben", "cy")
        ...     for w in range(10)
        ... ]
        >>> summary = group_engagement(touchpoints, now=start.add(weeks=10))
        >>> [w.kept_count for w in summary.weeks], summary.falling
        ([3, 3, 3, 3, 1, 1, 1, 1], True)

    Added in 0.1.
    """
    check_int("week_count", week_count, minimum=1, maximum=MAX_WEEKS)
    check_instance("policy", policy, DriftPolicy, "a DriftPolicy")
    now_us = check_now(now)
    begin = now_us - week_count * WEEK_US
    if begin < _EARLIEST_US:
        raise InvalidInputError(
            "week_count",
            week_count,
            f"at most {(now_us - _EARLIEST_US) // WEEK_US} weeks before now "
            f"({now}): the weeks may not start before {MIN_DATE}",
        )
    listed, activities = split_events(touchpoints)
    reports = detect_drift([*listed, *activities], now=now, policy=policy)
    counts = _weekly_counts(listed, begin, week_count)
    kept = sum(k for k, _ in counts)
    decided = sum(n for _, n in counts)
    rate = kept / decided if decided else None
    trend = _fit_trend(counts)
    drift = _count_drift(reports)
    return GroupEngagement(
        member_count=drift.member_count,
        weeks=tuple(
            WeeklyAttendance(
                start=utc_moment(begin + i * WEEK_US), kept_count=k, decided_count=n
            )
            for i, (k, n) in enumerate(counts)
        ),
        rate=rate,
        trend=trend[0],
        trend_low=trend[1],
        trend_high=trend[2],
        falling=trend[2] is not None and trend[2] < 0,
        drifting_count=drift.drifting_count,
        disengaged_count=drift.disengaged_count,
        re_engaged_count=drift.re_engaged_count,
        reasons=_narrate(rate, week_count, trend, drift),
    )
