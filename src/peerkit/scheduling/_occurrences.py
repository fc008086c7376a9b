"""Occurrences of a cadence: lazy, DST-correct, with quiet hours and days off."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import math
from collections.abc import Iterable, Iterator
from typing import Literal

import pendulum

from peerkit._availability import WeeklyAvailability
from peerkit._instants import MAX_DATE, as_instant, check_date, micros, zone
from peerkit._model import Member
from peerkit._validate import check_choice, check_instance, check_int
from peerkit._zonerules import EPOCH_ORDINAL
from peerkit.errors import InvalidInputError
from peerkit.scheduling._cadence import Cadence, Plan, plan
from peerkit.scheduling._quiet import (
    CYCLE,
    NO_END,
    QuietSpans,
    Source,
    never_allowed,
    quiet_end,
    quiet_sources,
    quiet_week,
    reach,
    settled_from,
)
from peerkit.scheduling._walls import chunk, utc_offset

QuietRule = Literal["defer", "skip"]
"""What a check-in inside quiet hours does: ``"defer"`` to their end, or ``"skip"``."""

QUIET_RULES: tuple[QuietRule, ...] = ("defer", "skip")

QuietHours = WeeklyAvailability | str | Iterable[str] | Member | Iterable[Member] | None
"""Quiet hours as `occurrences` takes them; see its *quiet_hours* argument."""

_DAY = 86_400
_WEEK = 7 * _DAY
_US = 1_000_000
# Months in the Gregorian 400-year cycle: a monthly pattern that is empty
# for this many periods in a row is empty for ever.
_MONTH_CYCLE = 4800
_LAST = MAX_DATE.toordinal()

# --- inputs ------------------------------------------------------------------


def check_days_off(value: object) -> frozenset[dt.date]:
    """Days off as a frozenset of dates."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInputError("days_off", value, "an iterable of dates (days off)")
    return frozenset(check_date(f"days_off[{i}]", d) for i, d in enumerate(value))


def check_cadence(value: object) -> Cadence:
    """Return *value* if it is a Cadence."""
    return check_instance("cadence", value, Cadence, "a Cadence")


def local_date(instant: pendulum.DateTime, timezone: str) -> dt.date:
    """The calendar date of an instant in *timezone*."""
    local = instant.in_timezone(zone(timezone))
    return dt.date(local.year, local.month, local.day)


# --- dates of a plan -----------------------------------------------------------


def _first_period(anchor: int, begin: int, every: int) -> int:
    if begin <= anchor:
        return anchor
    return anchor + -(-(begin - anchor) // every) * every


def _month_dates(p: Plan, year: int, month: int) -> list[dt.date]:
    """
    The days of one month a monthly plan lands on.

    Month days and weekdays each give a set of days; with both, a day must
    be in both (RFC 5545: BYDAY limits BYMONTHDAY in a monthly rule).
    """
    first = dt.date(year, month, 1)
    length = (
        (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first
    ).days
    by_month_day: set[int] = set()
    for d in p.month_days:
        day = d if d > 0 else length + 1 + d
        if 1 <= day <= length:
            by_month_day.add(day)
    by_weekday: set[int] = set()
    first_weekday = first.weekday()
    for n, weekday in p.nth:
        offset = (weekday - first_weekday) % 7
        count = (length - 1 - offset) // 7 + 1
        k = n if n > 0 else count + 1 + n
        if 1 <= k <= count:
            by_weekday.add(1 + offset + 7 * (k - 1))
    for weekday in p.weekdays:
        offset = (weekday - first_weekday) % 7
        by_weekday.update(range(1 + offset, length + 1, 7))
    if p.month_days and (p.nth or p.weekdays):
        days = by_month_day & by_weekday
    else:
        days = by_month_day | by_weekday
    return [first.replace(day=d) for d in sorted(days)]


def dates(
    p: Plan, anchor: dt.date, begin: dt.date, until: dt.date | None = None
) -> Iterator[dt.date]:
    """
    The local dates *p* lands on, from *begin*'s period, phased at *anchor*.

    With *until*, no period that starts after it is looked at: a monthly
    plan whose days are rare (Friday the 13th) or never meet stops there
    instead of searching on for a date.
    """
    if p.frequency == "monthly":
        return _monthly(p, anchor, begin, until)
    if p.frequency == "weekly":
        return _weekly(p, anchor, begin)
    return _daily(p, anchor, begin)


@functools.lru_cache(maxsize=4096)
def never_lands(p: Plan, phase: int) -> bool:
    """Whether a monthly plan phased at month *phase* (mod every) has no date at all."""
    if p.frequency != "monthly":
        return False
    # Month patterns repeat every 4,800 months; one cycle from any start decides.
    return not any(
        _month_dates(p, period // 12, period % 12 + 1)
        for period in range(
            2000 * 12 + phase, 2000 * 12 + phase + _MONTH_CYCLE, p.every
        )
    )


def _monthly(
    p: Plan, anchor: dt.date, begin: dt.date, until: dt.date | None
) -> Iterator[dt.date]:
    period = _first_period(
        anchor.year * 12 + anchor.month - 1,
        begin.year * 12 + begin.month - 1,
        p.every,
    )
    last = MAX_DATE.year * 12 + 11
    if until is not None:
        last = min(last, until.year * 12 + until.month - 1)
    empty = 0
    while period <= last:
        found = _month_dates(p, period // 12, period % 12 + 1)
        empty = 0 if found else empty + 1
        if empty > _MONTH_CYCLE:
            return
        yield from found
        period += p.every


def _weekly(p: Plan, anchor: dt.date, begin: dt.date) -> Iterator[dt.date]:
    offsets = sorted(p.weekdays)
    week = _first_period(
        (anchor.toordinal() - 1) // 7, (begin.toordinal() - 1) // 7, p.every
    )
    last = MAX_DATE.toordinal()
    while week * 7 + 1 <= last:
        for offset in offsets:
            ordinal = week * 7 + 1 + offset
            if ordinal <= last:
                yield dt.date.fromordinal(ordinal)
        week += p.every


def _daily(p: Plan, anchor: dt.date, begin: dt.date) -> Iterator[dt.date]:
    day = _first_period(anchor.toordinal(), begin.toordinal(), p.every)
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
        day += p.every


# --- the series ----------------------------------------------------------------

Item = tuple[int, int, int]
"""A check-in: UTC second, the wall second shown, and its fold (1: the repeat)."""

Placed = tuple[int, Item | None, bool]
"""A raw check-in's wall second, where it lands (None: dropped), whether it moved."""


def series(  # noqa: PLR0913 - the series' whole description, keyword-only
    cadence: Cadence,
    *,
    anchor: dt.date,
    begin: dt.date,
    lower: int | None,
    sources: tuple[Source, ...],
    days_off: frozenset[dt.date],
    defer: bool,
) -> Iterator[Item]:
    """
    The check-ins of *cadence* from *begin*'s period on, in order.

    Instants are strictly increasing. A raw check-in before *lower* (POSIX
    microseconds) is not part of the series. A ``"skip"`` series whose every
    check-in from *begin* on falls in quiet hours is empty at once.
    """
    p = plan(cadence)
    phase = (anchor.year * 12 + anchor.month - 1) % p.every
    if never_lands(p, phase) or (
        not defer and _ruled_out(p, cadence.timezone, sources, anchor, begin)
    ):
        return iter(())
    low = None if lower is None else -(-lower // _US)
    readings = _readings(
        cadence.timezone,
        p,
        anchor,
        _reached(p, cadence.timezone, sources, anchor, begin, defer=defer),
    )
    placed = _placed(
        readings,
        timezone=cadence.timezone,
        low=low,
        sources=sources,
        days_off=days_off,
        defer=defer,
    )
    return _once(_in_order(placed))


def _ruled_out(
    p: Plan,
    timezone: str,
    sources: tuple[Source, ...],
    anchor: dt.date,
    begin: dt.date,
) -> bool:
    """Whether quiet hours drop every check-in from *begin* on (closed form)."""
    since = (begin.toordinal() - EPOCH_ORDINAL - 2) * _DAY
    return never_allowed(
        landing_weekdays(p, anchor), p.seconds, timezone, sources, since
    )


def landing_weekdays(p: Plan, anchor: dt.date) -> frozenset[int]:
    """Every weekday (0 Monday) a check-in of *p* phased at *anchor* can fall on."""
    if p.frequency == "weekly":
        return p.weekdays
    if p.frequency == "monthly":
        return frozenset(range(7))
    reached = {(anchor.weekday() + k * p.every) % 7 for k in range(7)}
    return frozenset(reached & p.weekdays if p.weekdays else reached)


def _reached(  # noqa: PLR0913 - the series' description, keyword-only rule
    p: Plan,
    timezone: str,
    sources: tuple[Source, ...],
    anchor: dt.date,
    begin: dt.date,
    *,
    defer: bool,
) -> Iterator[dt.date]:
    """
    The dates worth replaying: those whose check-ins can get through quiet hours.

    Without quiet hours, every date of the plan from *begin*'s period. With
    them, only the dates near a piece of time in which a check-in can get
    through (`reach`): a ``"skip"`` check-in must fall in one, a deferred one
    lands in one at most 16 days after its own time. When no piece is left
    the dates end, so the replay is bounded by what the input can produce.
    """
    if not sources:
        yield from dates(p, anchor, begin)
        return
    since = (begin.toordinal() - EPOCH_ORDINAL - 2) * _DAY
    if defer:
        possible = functools.partial(_has_free_time, sources)
        before = 18
    else:
        weekdays = landing_weekdays(p, anchor)
        possible = functools.partial(
            _lets_through, timezone, p.seconds, weekdays, sources
        )
        before = 2
    # Past `settled` the zones' offsets, the quiet hours and the plan's dates
    # all repeat every `period` seconds: a whole period in which no check-in
    # gets through means none ever will again.
    settled = settled_from(timezone, sources, since)
    period = CYCLE * pattern_cycles(p)
    landed = since
    last = 0
    weeks: dict[int, QuietSpans] = {}
    for start, end in reach(timezone, sources, possible, since):
        lo = start // _DAY + EPOCH_ORDINAL - before
        hi = (end - 1) // _DAY + EPOCH_ORDINAL + 2
        if hi <= last:
            continue
        first = max(begin, dt.date.fromordinal(max(lo, 1)))
        for date in dates(p, anchor, first, dt.date.fromordinal(min(hi, _LAST))):
            ordinal = date.toordinal()
            if ordinal > hi:
                break
            if ordinal > last:
                last = ordinal
                day = (ordinal - EPOCH_ORDINAL) * _DAY
                if _lands(timezone, p, sources, date, weeks, defer=defer):
                    landed = day
                elif day - 2 * _DAY - max(landed, settled) >= period:
                    return
                yield date


def pattern_cycles(p: Plan) -> int:
    """
    How many 400-year cycles the plan's dates take to repeat.

    A cycle is 146,097 days, 20,871 weeks and 4,800 months, so an every-*n*
    plan repeats after *n* / gcd(*n*, that count) cycles.
    """
    per_cycle = {"monthly": 4_800, "weekly": 20_871}.get(p.frequency, 146_097)
    return p.every // math.gcd(p.every, per_cycle)


def _lands(  # noqa: PLR0913 - one date of a plan against quiet hours
    timezone: str,
    p: Plan,
    sources: tuple[Source, ...],
    date: dt.date,
    weeks: dict[int, QuietSpans],
    *,
    defer: bool,
) -> bool:
    """Whether a check-in on *date* gets through quiet hours (days off aside)."""
    table = chunk(timezone, date.year)
    base = (date.toordinal() - EPOCH_ORDINAL) * _DAY
    for second in p.seconds:
        end = quiet_end(sources, table.read(base + second)[0], weeks)
        if end is None or (defer and end != NO_END):
            return True
    return False


def _lets_through(  # noqa: PLR0913 - a cadence's times against quiet hours, over a stretch
    timezone: str,
    seconds: tuple[int, ...],
    weekdays: frozenset[int],
    sources: tuple[Source, ...],
    start: int,
    *,
    end: int,
) -> bool:
    """Whether a check-in (*seconds* on *weekdays*) in ``[start, end)`` is not quiet."""
    weeks: dict[int, QuietSpans] = {}
    for day in range(start // _DAY - 2, (end - 1) // _DAY + 3):
        ordinal = day + EPOCH_ORDINAL
        if (ordinal - 1) % 7 not in weekdays:
            continue
        table = chunk(timezone, dt.date.fromordinal(ordinal).year)
        for second in seconds:
            utc = table.read(day * _DAY + second)[0]
            if start <= utc < end and quiet_end(sources, utc, weeks) is None:
                return True
    return False


def _has_free_time(sources: tuple[Source, ...], start: int, end: int) -> bool:
    """Whether some instant in ``[start, end)`` is outside quiet hours."""
    for week in range(start // _WEEK, (end - 1) // _WEEK + 1):
        lo, hi = max(start, week * _WEEK), min(end, week * _WEEK + _WEEK)
        starts, ends = quiet_week(sources, week)
        i = bisect.bisect_right(starts, lo) - 1
        if i < 0 or ends[i] < hi:
            return True
    return False


def _readings(
    timezone: str, p: Plan, anchor: dt.date, days: Iterator[dt.date]
) -> Iterator[tuple[int, int, int]]:
    """``(wall second, UTC second, shown wall second)`` of each raw check-in."""
    year, table = 0, chunk(timezone, anchor.year)
    for date in days:
        if date.year != year:
            year, table = date.year, chunk(timezone, date.year)
        base = (date.toordinal() - EPOCH_ORDINAL) * _DAY
        for second in p.seconds:
            wall = base + second
            utc, shown = table.read(wall)
            yield wall, utc, shown


def _placed(  # noqa: PLR0913 - the rules a raw check-in meets, keyword-only
    readings: Iterator[tuple[int, int, int]],
    *,
    timezone: str,
    low: int | None,
    sources: tuple[Source, ...],
    days_off: frozenset[dt.date],
    defer: bool,
) -> Iterator[Placed]:
    """Each raw check-in past the start, days off and quiet hours: kept or moved."""
    quiet_weeks: dict[int, QuietSpans] = {}
    for wall, utc, shown in readings:
        if (low is not None and utc < low) or (
            days_off and _date_of(shown) in days_off
        ):
            yield wall, None, False
            continue
        item, moved = (utc, shown, 0), shown != wall
        end = quiet_end(sources, utc, quiet_weeks) if sources else None
        if end is not None:
            if not defer or end == NO_END:
                yield wall, None, False
                continue
            item, moved = _moved(timezone, end), True
            if days_off and _date_of(item[1]) in days_off:
                yield wall, None, False
                continue
        yield wall, item, moved


def _in_order(placed: Iterator[Placed]) -> Iterator[Item]:
    """
    The placed check-ins by instant.

    A moved check-in waits in a heap until nothing later in wall order can
    come before it: anything earlier than a day before the current wall
    time is final.
    """
    heap: list[Item] = []
    for wall, item, moved in placed:
        while heap and heap[0][0] < wall - _DAY:
            yield heapq.heappop(heap)
        if item is None:
            continue
        if moved:
            heapq.heappush(heap, item)
            continue
        while heap and heap[0][0] <= item[0]:
            yield heapq.heappop(heap)
        yield item
    while heap:
        yield heapq.heappop(heap)


def _once(items: Iterator[Item]) -> Iterator[Item]:
    """Each instant once: two rules that land on one instant give one check-in."""
    last = None
    for item in items:
        if last is None or item[0] > last:
            last = item[0]
            yield item


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
    days_off: Iterable[dt.date] = (),
    quiet: QuietRule = "defer",
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
            and days off: "the next *count* check-ins"). RFC 5545's
            ``COUNT`` counts before ``EXDATE`` removes days off, so
            `to_ical` never writes one: it ends a series with ``UNTIL``.
        quiet_hours: The member's boundary: a `WeeklyAvailability` or specs
            such as ``"daily 21:00-08:00"`` read in the cadence's zone, or
            one or more `peerkit.Member` values whose own ``quiet_hours``
            apply in their own zones (a pair's shared check-in respects
            both). Never an occurrence inside them.
        days_off: Days off (holidays, a snooze): local dates in the cadence's
            zone on which no check-in happens. A check-in moved by quiet
            hours onto a day off is dropped too.
        quiet: What a check-in inside quiet hours does (a `QuietRule`):
            ``"defer"`` moves it to the moment they end; ``"skip"`` drops it.

    Raises:
        peerkit.errors.InvalidInputError: On a naive or out-of-range
            datetime, a negative count, unreadable quiet hours or days off.
            Raised when called, not when first iterated.

    Examples:
        >>> import pendulum
        >>> weekly = Cadence.weekly(on="sun", time="02:30", timezone="America/New_York")
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
    off = check_days_off(days_off)
    defer = check_choice("quiet", quiet, QUIET_RULES) == "defer"
    anchor = local_date(first, cadence.timezone)
    items = series(
        cadence,
        anchor=anchor,
        begin=anchor,
        lower=micros(first),
        sources=sources,
        days_off=off,
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
    days_off: Iterable[dt.date] = (),
    quiet: QuietRule = "defer",
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
        days_off: As for `occurrences`.
        quiet: As for `occurrences`.

    Returns:
        The next check-in in the cadence's zone, or None if the series has
        no more (a rule such as "the 30th of February" never occurs).

    Examples:
        >>> import pendulum
        >>> weekly = Cadence.weekly(on="mon", time="09:00", timezone="Europe/Berlin")
        >>> str(next_checkin(weekly, after=pendulum.datetime(2024, 3, 27)))
        '2024-04-01 09:00:00+02:00'

    Added in 0.1.
    """
    check_cadence(cadence)
    moment = as_instant("after", after)
    first = None if start is None else as_instant("start", start)
    if first is None and cadence.every > 1:
        raise InvalidInputError(
            "start",
            None,
            f"the series' start: an every-{cadence.every} cadence counts its "
            "periods from it",
        )
    sources = quiet_sources(quiet_hours, cadence.timezone)
    off = check_days_off(days_off)
    defer = check_choice("quiet", quiet, QUIET_RULES) == "defer"
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
        days_off=off,
        defer=defer,
    )
    for item in items:
        if item[0] * _US > bound:
            return to_datetime(item, zone(cadence.timezone))
    return None
