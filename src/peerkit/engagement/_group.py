"""group_engagement: how a group is doing, for its facilitator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from peerkit._explain import Reason
from peerkit._validate import check_int, number, tuple_of
from peerkit.engagement._detect import check_policy, detect_drift, split_events
from peerkit.engagement._policy import WEEK_US, DriftPolicy
from peerkit.engagement._report import DriftStatus
from peerkit.engagement._touchpoint import EXCUSED, Event, check_now, utc_moment
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

_Z95 = 1.959963984540054


def _count(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    check_int(attr.name, value, minimum=0)


def _instant(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, pendulum.DateTime):
        raise InvalidInputError(attr.name, value, "a timezone-aware datetime")


@attrs.frozen(kw_only=True)
class WeeklyAttendance:
    """
    One week of a group's touchpoints.

    Attributes:
        start: The week's first instant (weeks are counted back from *now*).
        kept: Touchpoints kept that week.
        decided: Touchpoints kept or missed that week (excused left out).

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint, group_engagement
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> history = [
        ...     Touchpoint(who, start.add(weeks=w), "kept" if w % 2 else "missed")
        ...     for who in ("ada", "bo")
        ...     for w in range(8)
        ... ]
        >>> summary = group_engagement(history, now=start.add(weeks=8), weeks=2)
        >>> [
        ...     (str(week.start.date()), week.kept, week.decided)
        ...     for week in summary.weeks
        ... ]
        [('2024-02-12', 0, 2), ('2024-02-19', 2, 2)]

    Added in 0.1.
    """

    start: pendulum.DateTime = attrs.field(validator=_instant)
    kept: int = attrs.field(validator=_count)
    decided: int = attrs.field(validator=_count)

    @property
    def rate(self) -> float | None:
        """
        ``kept / decided``, or None in a week with nothing decided.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import WeeklyAttendance
            >>> monday = pendulum.datetime(2024, 1, 1)
            >>> WeeklyAttendance(start=monday, kept=3, decided=4).rate
            0.75
            >>> WeeklyAttendance(start=monday, kept=0, decided=0).rate is None
            True
        """
        return self.kept / self.decided if self.decided else None


@attrs.frozen(kw_only=True)
class GroupEngagement:
    """
    How a group is doing: its attendance trend and how many are drifting.

    Counts only: nothing here says which member is drifting, so it is safe
    to show a facilitator or the group.

    Attributes:
        members: Members with touchpoints in the input.
        weeks: Attendance week by week, oldest first.
        rate: Kept rate over all the weeks, or None if nothing was decided.
        trend: Change in the weekly kept rate per week (least squares,
            weeks weighted by touchpoints), or None with under two weeks.
        trend_low: Lower end of the trend's 95% interval.
        trend_high: Upper end of the trend's 95% interval.
        falling: True when even the interval's upper end is below zero.
        drifting: Members drifting or disengaged now.
        disengaged: Of those, members disengaged.
        re_engaged: Members back after a drift.
        reasons: The same in plain words.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint, group_engagement
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> history = [
        ...     Touchpoint("ada", start.add(weeks=w), "kept" if w < 12 else "missed")
        ...     for w in range(18)
        ... ] + [Touchpoint("bo", start.add(weeks=w), "kept") for w in range(18)]
        >>> summary = group_engagement(history, now=start.add(weeks=18), weeks=4)
        >>> summary.members, summary.rate, summary.drifting
        (2, 0.5, 1)
        >>> for reason in summary.reasons:
        ...     print(reason.message)
        Attendance 50% over the last 4 weeks.
        1 of 2 members drifting, 1 of them disengaged.

    Added in 0.1.
    """

    members: int = attrs.field(validator=_count)
    weeks: tuple[WeeklyAttendance, ...] = attrs.field(
        validator=tuple_of(WeeklyAttendance, "a WeeklyAttendance")
    )
    rate: float | None = attrs.field(validator=number(optional=True))
    trend: float | None = attrs.field(validator=number(optional=True))
    trend_low: float | None = attrs.field(validator=number(optional=True))
    trend_high: float | None = attrs.field(validator=number(optional=True))
    falling: bool = attrs.field()
    drifting: int = attrs.field(validator=_count)
    disengaged: int = attrs.field(validator=_count)
    re_engaged: int = attrs.field(validator=_count)
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


def _trend(
    weeks: list[tuple[int, int]],
) -> tuple[float | None, float | None, float | None]:
    """Weighted least-squares slope of weekly rates, with a 95% interval."""
    points = [(i, kept / n, n) for i, (kept, n) in enumerate(weeks) if n]
    total = sum(n for _, _, n in points)
    if len(points) < 2:
        return None, None, None
    mean_x = sum(i * n for i, _, n in points) / total
    pooled = sum(r * n for _, r, n in points) / total
    sxx = sum(n * (i - mean_x) ** 2 for i, _, n in points)
    slope = sum(n * (i - mean_x) * r for i, r, n in points) / sxx
    # Binomial variance of each week's rate around the pooled rate, plus
    # a floor of half a touchpoint so a perfect record still has one.
    variance = max(pooled * (1 - pooled), 0.5 / total) / sxx
    half = _Z95 * math.sqrt(variance)
    return slope, slope - half, slope + half


def group_engagement(
    touchpoints: Iterable[Event],
    *,
    now: dt.datetime,
    weeks: int = 8,
    policy: DriftPolicy = DriftPolicy(),
) -> GroupEngagement:
    """
    How one group is doing: attendance week by week, its trend, who drifts.

    Pass the touchpoints of the group's members (its meetings, their
    check-ins); the weeks are the last *weeks* seven-day spans ending at
    *now*. Drift counts come from `detect_drift` over the whole input.

    Args:
        touchpoints: The group's touchpoints (and activity), any order.
        now: The end of the last week; timezone-aware.
        weeks: How many weeks of attendance to show and fit the trend to.
        policy: The drift policy for the counts.

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
        >>> [w.kept for w in summary.weeks], summary.falling
        ([3, 3, 3, 3, 1, 1, 1, 1], True)

    Added in 0.1.
    """
    check_int("weeks", weeks, minimum=1, maximum=520)
    check_policy(policy)
    now_us = check_now(now)
    listed, activities = split_events(touchpoints)
    reports = detect_drift([*listed, *activities], now=now, policy=policy)
    begin = now_us - weeks * WEEK_US
    counts = [[0, 0] for _ in range(weeks)]
    for touchpoint in listed:
        key = touchpoint._key  # noqa: SLF001 - our own cached field
        at = key >> 2
        if at < begin or key & 3 == EXCUSED:
            continue
        week = min((at - begin) // WEEK_US, weeks - 1)
        counts[week][0] += key & 1
        counts[week][1] += 1
    attendance = tuple(
        WeeklyAttendance(start=utc_moment(begin + i * WEEK_US), kept=k, decided=n)
        for i, (k, n) in enumerate(counts)
    )
    kept = sum(k for k, _ in counts)
    decided = sum(n for _, n in counts)
    rate = kept / decided if decided else None
    slope, low, high = _trend([(k, n) for k, n in counts])
    statuses = [r.status for r in reports if r.touchpoints or r.excused]
    drifting = sum(
        s in (DriftStatus.DRIFTING, DriftStatus.DISENGAGED) for s in statuses
    )
    disengaged = sum(s is DriftStatus.DISENGAGED for s in statuses)
    back = sum(s is DriftStatus.RE_ENGAGED for s in statuses)
    falling = high is not None and high < 0
    reasons = []
    if rate is not None:
        words = f"Attendance {rate:.0%} over the last {weeks} weeks"
        if slope is not None and falling:
            words += f", falling by about {-slope:.0%} a week"
        elif slope is not None and low is not None and low > 0:
            words += f", rising by about {slope:.0%} a week"
        reasons.append(
            Reason("group.attendance", -1.0 if falling else 0.0, words + ".")
        )
    if drifting:
        reasons.append(
            Reason(
                "group.drifting",
                float(drifting),
                f"{drifting} of {len(statuses)} members drifting"
                + (f", {disengaged} of them disengaged." if disengaged else "."),
            )
        )
    if back:
        reasons.append(Reason("group.back", float(back), f"{back} back after a drift."))
    return GroupEngagement(
        members=len(statuses),
        weeks=attendance,
        rate=rate,
        trend=slope,
        trend_low=low,
        trend_high=high,
        falling=falling,
        drifting=drifting,
        disengaged=disengaged,
        re_engaged=back,
        reasons=tuple(reasons),
    )
