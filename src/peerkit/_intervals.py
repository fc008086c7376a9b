"""
Spans of time: `Interval` at the public boundary, integer spans inside.

A span is a pair of POSIX microseconds ``(start, end)``, half-open. Spans
are merged and intersected here; weeks are bounded here too, in a zone's
own local Mondays.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pendulum

from peerkit._instants import (
    US,
    as_instant,
    check_date,
    check_timezone,
    from_micros,
    local_micros,
    micros,
    to_utc,
    zone,
)
from peerkit._validate import instant
from peerkit.errors import InvalidInputError


@attrs.frozen(order=True)
class Interval:
    """
    A half-open span of time ``[start, end)`` between two instants.

    Both ends are kept as pendulum instants in UTC; aware stdlib datetimes
    are accepted and converted. Use ``interval.start.in_tz(zone)`` to show
    one in a person's own time.

    Attributes:
        start: The first instant in the span.
        end: The first instant after it; strictly later than *start*.

    Examples:
        >>> import pendulum
        >>> span = Interval(
        ...     pendulum.datetime(2024, 3, 11, 13),
        ...     pendulum.datetime(2024, 3, 11, 14, 30),
        ... )
        >>> span.minutes
        90.0

    Added in 0.1.
    """

    start: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    end: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInputError("end", self.end, f"an instant after {self.start}")

    @property
    def minutes(self) -> float:
        """
        Length of the span in minutes.

        Examples:
            >>> import pendulum
            >>> from peerkit import Interval
            >>> start = pendulum.datetime(2024, 3, 9, 12, tz="America/New_York")
            >>> Interval(start, start.add(days=1)).minutes  # a DST night
            1380.0
        """
        return (self.end - self.start).total_seconds() / 60

    def __contains__(self, instant: object) -> bool:
        """
        Whether an instant lies in the span.

        Raises:
            peerkit.errors.InvalidInputError: If *instant* is a naive datetime.
        """
        if not isinstance(instant, dt.datetime):
            return False
        return self.start <= as_instant("instant", instant) < self.end

    def overlaps(self, other: Interval) -> bool:
        """
        Return whether the two spans share at least one instant.

        Spans are half-open: one that ends as another starts does not
        overlap it.

        Examples:
            >>> import pendulum
            >>> from peerkit import Interval
            >>> nine, ten, eleven = (
            ...     pendulum.datetime(2024, 1, 1, h) for h in (9, 10, 11)
            ... )
            >>> Interval(nine, ten).overlaps(Interval(ten, eleven))
            False
            >>> Interval(nine, eleven).overlaps(Interval(ten, eleven))
            True
        """
        if not isinstance(other, Interval):
            raise InvalidInputError("other", other, "an Interval")
        return self.start < other.end and other.start < self.end

    def intersection(self, other: Interval) -> Interval | None:
        """
        The span both share, or ``None`` if they do not overlap.

        Examples:
            >>> import pendulum
            >>> from peerkit import Interval
            >>> a = Interval(
            ...     pendulum.datetime(2024, 1, 1, 9), pendulum.datetime(2024, 1, 1, 11)
            ... )
            >>> b = Interval(
            ...     pendulum.datetime(2024, 1, 1, 10), pendulum.datetime(2024, 1, 1, 12)
            ... )
            >>> a.intersection(b).minutes
            60.0
        """
        if not self.overlaps(other):
            return None
        return Interval(max(self.start, other.start), min(self.end, other.end))


Span = tuple[int, int]
"""A half-open span of POSIX microseconds ``(start, end)``."""


def interval_of(start: int, end: int) -> Interval:
    """An `Interval` from exact microseconds already known to be valid (fast path)."""
    span = object.__new__(Interval)
    object.__setattr__(span, "start", from_micros(start))
    object.__setattr__(span, "end", from_micros(end))
    return span


def span_of(interval: Interval) -> Span:
    """The exact microseconds of *interval*."""
    return (micros(interval.start), micros(interval.end))


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union of half-open integer spans, sorted, touching spans joined."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def intersect_spans(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """Intersection of two merged, sorted span lists (linear sweep)."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def check_intervals(path: str, intervals: object) -> list[Span]:
    if isinstance(intervals, (str, bytes)) or not isinstance(intervals, Iterable):
        raise InvalidInputError(path, intervals, "an iterable of Interval")
    spans = []
    for i, item in enumerate(intervals):
        if not isinstance(item, Interval):
            raise InvalidInputError(f"{path}[{i}]", item, "an Interval")
        spans.append(span_of(item))
    return spans


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """
    The union of *intervals*: sorted, with overlapping or touching spans joined.

    Args:
        intervals: Any intervals, in any order.

    Examples:
        >>> import pendulum
        >>> a = Interval(
        ...     pendulum.datetime(2024, 1, 1, 9), pendulum.datetime(2024, 1, 1, 10)
        ... )
        >>> b = Interval(
        ...     pendulum.datetime(2024, 1, 1, 10), pendulum.datetime(2024, 1, 1, 11)
        ... )
        >>> [span.minutes for span in merge_intervals([b, a])]
        [120.0]

    Added in 0.1.
    """
    spans = merge_spans(check_intervals("intervals", intervals))
    return tuple(interval_of(s, e) for s, e in spans)


def intersect_intervals(*interval_sets: Iterable[Interval]) -> tuple[Interval, ...]:
    """
    The instants that lie in every one of the given sets of intervals.

    Each set is read as the union of its intervals; the result is merged
    and sorted.

    Args:
        *interval_sets: One or more iterables of intervals.

    Raises:
        peerkit.errors.InvalidInputError: If no set is given.

    Examples:
        >>> import pendulum
        >>> from peerkit import Interval, intersect_intervals
        >>> def at(hour):
        ...     return pendulum.datetime(2024, 1, 1, hour)
        >>> ada = [Interval(at(9), at(11)), Interval(at(14), at(16))]
        >>> ben = [Interval(at(10), at(15))]
        >>> [(str(i.start.time()), i.minutes) for i in intersect_intervals(ada, ben)]
        [('10:00:00', 60.0), ('14:00:00', 60.0)]

    Added in 0.1.
    """
    if not interval_sets:
        raise InvalidInputError("interval_sets", (), "at least one set of intervals")
    merged = [
        merge_spans(check_intervals(f"interval_sets[{i}]", s))
        for i, s in enumerate(interval_sets)
    ]
    result = merged[0]
    for other in merged[1:]:
        result = intersect_spans(result, other)
    return tuple(interval_of(s, e) for s, e in result)


def total_minutes(intervals: Iterable[Interval]) -> float:
    """
    Minutes covered by the union of *intervals* (overlaps counted once).

    Examples:
        >>> import pendulum
        >>> from peerkit import Interval, total_minutes
        >>> def at(hour):
        ...     return pendulum.datetime(2024, 1, 1, hour)
        >>> total_minutes([Interval(at(9), at(11)), Interval(at(10), at(12))])
        180.0

    Added in 0.1.
    """
    return sum(
        e - s for s, e in merge_spans(check_intervals("intervals", intervals))
    ) / (60 * US)


def week_span(week_of: dt.date, *, timezone: str) -> Interval:
    """
    The local Monday-00:00-to-next-Monday-00:00 week that contains *week_of*.

    In a week with a daylight-saving change the span is 167 or 169 hours
    long, not 168.

    Args:
        week_of: Any date in the week.
        timezone: The zone whose Mondays bound the week. Required: where a
            week starts depends on where you stand.

    Examples:
        >>> import datetime as dt
        >>> week_span(dt.date(2024, 3, 10), timezone="America/New_York").minutes / 60
        167.0

    Added in 0.1.
    """
    check_date("week_of", week_of)
    check_timezone("timezone", timezone)
    return interval_of(*week_bounds(week_of, timezone))


@functools.lru_cache(maxsize=4096)
def week_bounds(week_of: dt.date, timezone: str) -> Span:
    tz = zone(timezone)
    monday = week_of - dt.timedelta(days=week_of.weekday())
    start = local_micros(monday, 0, tz)
    end = local_micros(monday + dt.timedelta(days=7), 0, tz)
    return (start, end)


Period = Interval | tuple[Any, Any]
"""A period: an `Interval`, or a ``(start, end)`` pair of aware datetimes."""


def as_period(path: str, value: object) -> Interval:
    """*value*, an `Interval` or a ``(start, end)`` pair of aware datetimes, as one."""
    if isinstance(value, Interval):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        try:
            return Interval(value[0], value[1])
        except InvalidInputError as error:
            raise InvalidInputError(
                path, value, f"a (start, end) pair of aware datetimes: {error}"
            ) from None
    raise InvalidInputError(
        path, value, "an Interval or a (start, end) pair of aware datetimes"
    )


def period_week(period: Interval) -> dt.date:
    """
    The Monday of the first full week of *period*, by its UTC dates.

    A period shorter than a Monday-to-Monday week (or one whose first full
    week runs past its end) is judged on the week that contains its start.
    """
    start = period.start.date()
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    if monday + dt.timedelta(days=7) > period.end.date():
        return start - dt.timedelta(days=start.weekday())
    return monday
