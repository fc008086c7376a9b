"""Occurrences of a cadence: lazy, DST-correct, with quiet hours and days off."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import pendulum

from peerkit._availability import WeeklyAvailability, Window, materialize
from peerkit._instants import MAX_DATE, as_instant, check_date, micros, zone
from peerkit._intervals import merge_spans
from peerkit._model import Member
from peerkit._validate import check_int
from peerkit.errors import InvalidInputError
from peerkit.scheduling._cadence import Cadence, Plan, plan
from peerkit.scheduling._walls import (
    EPOCH_ORDINAL,
    chunk,
    utc_offset,
)

QuietPolicy = Literal["defer", "skip"]
"""What a check-in inside quiet hours does: move to their end, or drop."""

QuietHours = WeeklyAvailability | str | Iterable[str] | Member | Iterable[Member] | None
"""Quiet hours as `occurrences` takes them; see its *quiet_hours* argument."""

_DAY = 86_400
_WEEK = 7 * _DAY
_US = 1_000_000
# A series whose every check-in for this many in a row falls in quiet hours
# (with nowhere to move it) has no free check-in left: quiet hours repeat
# weekly, so the pattern would only repeat.
_GIVE_UP = 20_000
# Months in the Gregorian 400-year cycle: a monthly pattern that is empty
# for this many periods in a row is empty for ever.
_MONTH_CYCLE = 4800

# --- inputs ------------------------------------------------------------------

Source = tuple[tuple[Window, ...], str]


def quiet_sources(
    value: object, timezone: str, path: str = "quiet_hours"
) -> tuple[Source, ...]:
    """Quiet windows as ``(windows, zone)`` pairs, however they were given."""
    if value is None:
        return ()
    if isinstance(value, Member):
        items: list[Any] = [value]
    elif isinstance(value, (WeeklyAvailability, str)):
        items = [value]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        items = list(value)
        if items and all(isinstance(v, str) for v in items):
            items = [items]
    else:
        items = [value]
    sources = [
        _source(item, timezone, path if len(items) == 1 else f"{path}[{i}]")
        for i, item in enumerate(items)
    ]
    return tuple(sorted({s for s in sources if s[0]}))


def _source(item: object, timezone: str, where: str) -> Source:
    if isinstance(item, Member):
        windows, tz = item.quiet_hours.windows, item.timezone
    elif isinstance(item, WeeklyAvailability):
        windows, tz = item.windows, timezone
    elif isinstance(item, (str, list, tuple)):
        try:
            windows, tz = WeeklyAvailability.parse(item).windows, timezone
        except InvalidInputError as exc:
            raise InvalidInputError(
                where + exc.path.removeprefix("specs"), exc.value, exc.expected
            ) from None
    else:
        raise InvalidInputError(
            where,
            item,
            "quiet hours: a WeeklyAvailability, specs such as "
            "'daily 21:00-08:00', or Members (their own quiet hours)",
        )
    if sum(w.minutes for w in windows) >= 7 * 1440:
        raise InvalidInputError(
            where, item, "quiet hours that leave some time free each week"
        )
    return windows, tz


def check_policy(value: object) -> QuietPolicy:
    """Return *value* if it is a quiet-hours policy."""
    if value not in ("defer", "skip"):
        raise InvalidInputError("policy", value, "'defer' or 'skip'")
    return value  # checked by the comparison above


def skip_dates(value: object) -> frozenset[dt.date]:
    """Days off as a frozenset of dates."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInputError("skip", value, "an iterable of dates (days off)")
    return frozenset(check_date(f"skip[{i}]", d) for i, d in enumerate(value))


def check_cadence(value: object) -> Cadence:
    """Return *value* if it is a Cadence."""
    if not isinstance(value, Cadence):
        raise InvalidInputError("cadence", value, "a Cadence")
    return value


def local_date(instant: pendulum.DateTime, timezone: str) -> dt.date:
    """The calendar date of an instant in *timezone*."""
    local = instant.in_timezone(zone(timezone))
    return dt.date(local.year, local.month, local.day)


# --- quiet hours as instants ---------------------------------------------------


@functools.lru_cache(maxsize=16384)
def _quiet_week(sources: tuple[Source, ...], week: int) -> tuple[list[int], list[int]]:
    """Quiet spans (UTC seconds) around UTC week number *week*, merged."""
    lo = (week * _WEEK - 2 * _DAY) * _US
    hi = (week * _WEEK + _WEEK + 9 * _DAY) * _US
    spans = merge_spans(
        span for windows, tz in sources for span in materialize(windows, tz, lo, hi)
    )
    return [s // _US for s, _ in spans], [e // _US for _, e in spans]


def quiet_end(
    sources: tuple[Source, ...],
    utc: int,
    weeks: dict[int, tuple[list[int], list[int]]],
) -> int | None:
    """
    None if *utc* is outside quiet hours, else when its quiet span ends.

    -1 means the span runs past the look-ahead: no free time near it.
    *weeks* caches this series' quiet spans by week.
    """
    week = utc // _WEEK
    spans = weeks.get(week)
    if spans is None:
        spans = weeks[week] = _quiet_week(sources, week)
    starts, ends = spans
    i = bisect.bisect_right(starts, utc) - 1
    if i < 0 or utc >= ends[i]:
        return None
    end = ends[i]
    return -1 if end >= week * _WEEK + _WEEK + 9 * _DAY else end


# --- dates of a plan -----------------------------------------------------------


def _first_period(anchor: int, begin: int, every: int) -> int:
    if begin <= anchor:
        return anchor
    return anchor + -(-(begin - anchor) // every) * every


def _month_dates(p: Plan, year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    length = (
        (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first
    ).days
    days: set[int] = set()
    for d in p.month_days:
        day = d if d > 0 else length + 1 + d
        if 1 <= day <= length:
            days.add(day)
    first_weekday = first.weekday()
    for n, weekday in p.nth:
        offset = (weekday - first_weekday) % 7
        count = (length - 1 - offset) // 7 + 1
        k = n if n > 0 else count + 1 + n
        if 1 <= k <= count:
            days.add(1 + offset + 7 * (k - 1))
    return [first.replace(day=d) for d in sorted(days)]


def dates(p: Plan, anchor: dt.date, begin: dt.date) -> Iterator[dt.date]:
    """The local dates *p* lands on, from *begin*'s period, phased at *anchor*."""
    if p.frequency == "monthly":
        return _monthly(p, anchor, begin)
    if p.frequency == "weekly":
        return _weekly(p, anchor, begin)
    return _daily(p, anchor, begin)


def _monthly(p: Plan, anchor: dt.date, begin: dt.date) -> Iterator[dt.date]:
    period = _first_period(
        anchor.year * 12 + anchor.month - 1,
        begin.year * 12 + begin.month - 1,
        p.interval,
    )
    empty = 0
    while period // 12 <= MAX_DATE.year:
        found = _month_dates(p, period // 12, period % 12 + 1)
        empty = 0 if found else empty + 1
        if empty > _MONTH_CYCLE:
            return
        yield from found
        period += p.interval


def _weekly(p: Plan, anchor: dt.date, begin: dt.date) -> Iterator[dt.date]:
    offsets = sorted(p.weekdays)
    week = _first_period(
        (anchor.toordinal() - 1) // 7, (begin.toordinal() - 1) // 7, p.interval
    )
    last = MAX_DATE.toordinal()
    while week * 7 + 1 <= last:
        for offset in offsets:
            ordinal = week * 7 + 1 + offset
            if ordinal <= last:
                yield dt.date.fromordinal(ordinal)
        week += p.interval


def _daily(p: Plan, anchor: dt.date, begin: dt.date) -> Iterator[dt.date]:
    day = _first_period(anchor.toordinal(), begin.toordinal(), p.interval)
    last = MAX_DATE.toordinal()
    empty = 0
    while day <= last:
        date = dt.date.fromordinal(day)
        if not p.weekdays or date.weekday() in p.weekdays:
            empty = 0
            yield date
        else:
            empty += 1
            if empty > 7:  # the pattern repeats within 7 periods
                return
        day += p.interval


# --- the series ----------------------------------------------------------------


def series(  # noqa: C901, PLR0912, PLR0913, PLR0915 - the hot loop, in one frame
    cadence: Cadence,
    *,
    anchor: dt.date,
    begin: dt.date,
    lower: int | None,
    sources: tuple[Source, ...],
    skip: frozenset[dt.date],
    defer: bool,
) -> Iterator[tuple[int, int, int]]:
    """
    ``(utc second, shown wall second, fold)`` of each check-in, in order.

    Instants are strictly increasing. A raw check-in before *lower* (POSIX
    microseconds) is not part of the series.
    """
    p = plan(cadence)
    name = cadence.timezone
    low = None if lower is None else -(-lower // _US)
    heap: list[tuple[int, int, int]] = []
    quiet_weeks: dict[int, tuple[list[int], list[int]]] = {}
    last = None
    year, readings = 0, chunk(name, anchor.year)
    dropped = 0
    for date in dates(p, anchor, begin):
        if date.year != year:
            year, readings = date.year, chunk(name, date.year)
        base = (date.toordinal() - EPOCH_ORDINAL) * _DAY
        for second in p.seconds:
            wall = base + second
            utc, shown = readings.read(wall)
            # Anything earlier than a day before this wall time is final:
            # every later check-in comes after it.
            while heap and heap[0][0] < wall - _DAY:
                item = heapq.heappop(heap)
                if last is None or item[0] > last:
                    last = item[0]
                    yield item
            if low is not None and utc < low:
                continue
            if skip and _date_of(shown) in skip:
                dropped = 0
                continue
            displaced = shown != wall
            item = (utc, shown, 0)
            if sources:
                end = quiet_end(sources, utc, quiet_weeks)
                if end is not None:
                    if not defer or end < 0:
                        dropped += 1
                        if dropped > _GIVE_UP:
                            return
                        continue
                    item = _moved(name, end)
                    if skip and _date_of(item[1]) in skip:
                        dropped = 0
                        continue
                    displaced = True
            dropped = 0
            if displaced:
                heapq.heappush(heap, item)
                continue
            while heap and heap[0][0] <= utc:
                popped = heapq.heappop(heap)
                if last is None or popped[0] > last:
                    last = popped[0]
                    yield popped
            if last is None or utc > last:
                last = utc
                yield item
    while heap:
        popped = heapq.heappop(heap)
        if last is None or popped[0] > last:
            last = popped[0]
            yield popped


def _date_of(wall: int) -> dt.date:
    return dt.date.fromordinal(wall // _DAY + EPOCH_ORDINAL)


def _moved(name: str, utc: int) -> tuple[int, int, int]:
    """A check-in moved to instant *utc*: its wall time, and which one if ambiguous."""
    shown = utc + utc_offset(name, utc)
    first = chunk(name, _date_of(shown).year).read(shown)[0]
    return utc, shown, 0 if first == utc else 1


def to_datetime(item: tuple[int, int, int], tz: pendulum.Timezone) -> pendulum.DateTime:
    """A series item as a pendulum DateTime in the cadence's zone."""
    _, shown, fold = item
    days, second = divmod(shown, _DAY)
    date = dt.date.fromordinal(days + EPOCH_ORDINAL)
    hour, rest = divmod(second, 3600)
    return pendulum.DateTime(
        date.year,
        date.month,
        date.day,
        hour,
        rest // 60,
        rest % 60,
        tzinfo=tz,
        fold=fold,
    )


# --- public --------------------------------------------------------------------


def occurrences(  # noqa: PLR0913 - the domain input plus keyword-only options
    cadence: Cadence,
    *,
    start: dt.datetime,
    until: dt.datetime | None = None,
    count: int | None = None,
    quiet_hours: QuietHours = None,
    skip: Iterable[dt.date] = (),
    policy: QuietPolicy = "defer",
) -> Iterator[pendulum.DateTime]:
    """
    The check-ins of *cadence* from *start*, lazily, in the member's time.

    Each is a pendulum DateTime in the cadence's zone, strictly later than
    the one before (two rules that land on one instant give one check-in).
    Wall times are kept: 09:00 stays 09:00 local through clock changes.
    RFC 5545 decides the two awkward cases: a time inside a spring-forward
    gap moves forward by the gap (02:30 becomes 03:30), and an ambiguous
    fall-back time is its first occurrence.

    Args:
        cadence: The recurrence.
        start: When the series begins (aware). It is the RFC 5545 DTSTART:
            check-ins before it are not part of the series, and an
            ``every=2`` cadence counts its weeks from the week holding it.
        until: Last instant to include (aware), as RFC 5545's UNTIL.
        count: Stop after this many check-ins (counted after quiet hours
            and days off).
        quiet_hours: The member's boundary: a `WeeklyAvailability` or specs
            such as ``"daily 21:00-08:00"`` read in the cadence's zone, or
            one or more `peerkit.Member` values whose own ``quiet_hours``
            apply in their own zones (a pair's shared check-in respects
            both). Never an occurrence inside them.
        skip: Days off (holidays, a snooze): local dates in the cadence's
            zone on which no check-in happens. A check-in moved by quiet
            hours onto a day off is dropped too.
        policy: ``"defer"`` moves a check-in that falls in quiet hours to
            the moment they end; ``"skip"`` drops it.

    Raises:
        peerkit.errors.InvalidInputError: On a naive or out-of-range
            datetime, a negative count, unreadable quiet hours or days off.
            Raised when called, not when first iterated.

    Examples:
        >>> import pendulum
        >>> weekly = Cadence.weekly(on="sun", at="02:30", tz="America/New_York")
        >>> start = pendulum.datetime(2024, 3, 3, tz="America/New_York")
        >>> [str(t) for t in occurrences(weekly, start=start, count=2)]
        ['2024-03-03 02:30:00-05:00', '2024-03-10 03:30:00-04:00']

    Added in 0.1.
    """
    check_cadence(cadence)
    first = as_instant("start", start)
    last = None if until is None else micros(as_instant("until", until))
    if count is not None:
        check_int("count", count, minimum=0)
    sources = quiet_sources(quiet_hours, cadence.timezone)
    days_off = skip_dates(skip)
    defer = check_policy(policy) == "defer"
    anchor = local_date(first, cadence.timezone)
    items = series(
        cadence,
        anchor=anchor,
        begin=anchor,
        lower=micros(first),
        sources=sources,
        skip=days_off,
        defer=defer,
    )
    return _take(items, zone(cadence.timezone), last, count)


def _take(
    items: Iterator[tuple[int, int, int]],
    tz: pendulum.Timezone,
    until: int | None,
    count: int | None,
) -> Iterator[pendulum.DateTime]:
    if count == 0:
        return
    for n, item in enumerate(items, start=1):
        if until is not None and item[0] * _US > until:
            return
        yield to_datetime(item, tz)
        if n == count:
            return


def next_checkin(  # noqa: PLR0913 - the domain input plus keyword-only options
    cadence: Cadence,
    *,
    after: dt.datetime,
    start: dt.datetime | None = None,
    quiet_hours: QuietHours = None,
    skip: Iterable[dt.date] = (),
    policy: QuietPolicy = "defer",
) -> pendulum.DateTime | None:
    """
    The first check-in strictly after *after*, found without replaying the series.

    It seeks to the period that holds *after* and looks from there, so a
    cadence that started twenty years ago answers as fast as one that
    started today. The answer is exactly the first element of
    ``occurrences(...)`` later than *after*.

    Args:
        cadence: The recurrence.
        after: The moment to look from (aware), usually now.
        start: When the series began. Needed for an ``every=2`` (or more)
            cadence, whose weeks, days or months count from it; otherwise
            only check-ins before it are left out.
        quiet_hours: As for `occurrences`.
        skip: As for `occurrences`.
        policy: As for `occurrences`.

    Returns:
        The next check-in in the cadence's zone, or None if the series has
        no more (a rule such as "the 30th of February" never occurs).

    Examples:
        >>> import pendulum
        >>> weekly = Cadence.weekly(on="mon", at="09:00", tz="Europe/Berlin")
        >>> str(next_checkin(weekly, after=pendulum.datetime(2024, 3, 27)))
        '2024-04-01 09:00:00+02:00'

    Added in 0.1.
    """
    check_cadence(cadence)
    moment = as_instant("after", after)
    first = None if start is None else as_instant("start", start)
    if first is None and cadence.interval > 1:
        raise InvalidInputError(
            "start",
            None,
            f"the series' start: an every-{cadence.interval} cadence counts its "
            "periods from it",
        )
    sources = quiet_sources(quiet_hours, cadence.timezone)
    days_off = skip_dates(skip)
    defer = check_policy(policy) == "defer"
    # Look back far enough for a check-in moved forward past *after* by a
    # gap (at most a day) or by quiet hours (under a week).
    back = 9 if sources and defer else 2
    begin = local_date(moment, cadence.timezone) - dt.timedelta(days=back)
    anchor = begin if first is None else local_date(first, cadence.timezone)
    if first is not None:
        begin = max(begin, anchor)
    bound = micros(moment)
    items = series(
        cadence,
        anchor=anchor,
        begin=begin,
        lower=None if first is None else micros(first),
        sources=sources,
        skip=days_off,
        defer=defer,
    )
    for item in items:
        if item[0] * _US > bound:
            return to_datetime(item, zone(cadence.timezone))
    return None
