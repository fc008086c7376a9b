"""
Quiet hours: how they are given, where they fall, and when they rule a series out.

A member's quiet hours are weekly wall-clock windows in their own zone; a
pair's check-in respects both members' quiet hours, each in its own zone.
`quiet_end` finds them on the time line for the series generator, and
`never_allowed` decides in closed form, without replaying any series, that
a cadence can never again place a check-in outside them.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from peerkit._availability import WeeklyAvailability, Window
from peerkit._intervals import merge_spans
from peerkit._model import Member
from peerkit._zonerules import (
    END,
    LAST_YEAR,
    closing,
    offset,
    rules,
    year_of,
    year_start,
    year_transitions,
)
from peerkit.errors import InvalidInputError
from peerkit.scheduling._walls import chunk

_DAY = 86_400
_WEEK = 7 * _DAY
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (0 is Monday)

Source = tuple[tuple[Window, ...], str]
"""Quiet windows and the IANA zone they are read in."""

QuietSpans = tuple[tuple[int, ...], tuple[int, ...]]
"""Merged quiet spans as UTC seconds: their starts and their ends."""

NO_END = 1 << 62
"""`quiet_end`'s answer for a quiet span with no free time near it."""

# --- inputs ------------------------------------------------------------------


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


# --- quiet hours as instants ---------------------------------------------------


@functools.lru_cache(maxsize=16384)
def quiet_week(sources: tuple[Source, ...], week: int) -> QuietSpans:
    """Quiet spans (UTC seconds) around UTC week number *week*, merged."""
    lo = week * _WEEK - 2 * _DAY
    hi = week * _WEEK + _WEEK + 9 * _DAY
    spans = merge_spans(
        span for windows, tz in sources for span in _local_spans(windows, tz, lo, hi)
    )
    return tuple(s for s, _ in spans), tuple(e for _, e in spans)


def _local_spans(
    windows: tuple[Window, ...], timezone: str, lo: int, hi: int
) -> Iterator[tuple[int, int]]:
    """
    The windows on the time line (UTC seconds), clipped to ``[lo, hi)``.

    Each window's ends are read as RFC 5545 reads wall times (as
    `peerkit._availability.materialize` does, from the zone's wall tables).
    """
    by_day: list[list[Window]] = [[] for _ in range(7)]
    for w in windows:
        by_day[w.day].append(w)
    first = lo // _DAY - 2
    year = year_of(first * _DAY)
    table, turn = chunk(timezone, year), year_start(year + 1) // _DAY
    for day in range(first, hi // _DAY + 2):
        if day >= turn:
            year += 1
            table, turn = chunk(timezone, year), year_start(year + 1) // _DAY
        todays = by_day[(day + EPOCH_WEEKDAY) % 7]
        if not todays:
            continue
        base = day * _DAY
        for w in todays:
            start = max(table.read(base + w.start * 60)[0], lo)
            end = min(table.read(base + w.end * 60)[0], hi)
            if start < end:
                yield start, end


def quiet_end(
    sources: tuple[Source, ...], utc: int, weeks: dict[int, QuietSpans]
) -> int | None:
    """
    None if *utc* is outside quiet hours, else when its quiet span ends.

    `NO_END` means the span runs past the look-ahead: no free time near it.
    (Any other value is an instant, and instants before 1970 are negative.)
    *weeks* holds this series' quiet spans by week (the caller's own dict).
    """
    week = utc // _WEEK
    spans = weeks.get(week)
    if spans is None:
        spans = weeks[week] = quiet_week(sources, week)
    starts, ends = spans
    i = bisect.bisect_right(starts, utc) - 1
    if i < 0 or utc >= ends[i]:
        return None
    end = ends[i]
    return NO_END if end >= week * _WEEK + _WEEK + 9 * _DAY else end


# --- the zone's offsets from an instant on ----------------------------------------


def offsets_from(name: str, utc: int) -> frozenset[int]:
    """Every UTC offset (seconds) zone *name* has at or after instant *utc*."""
    transitions, after, first, repeating, _ = rules(name)
    i = bisect.bisect_right(transitions, utc)
    now = after[i - 1] if i else first
    return frozenset({now, *after[i:]}) | repeating


def gaps_from(name: str, utc: int) -> frozenset[tuple[int, int]]:
    """Spring-forward gaps of *name* from *utc* on: ``(wall second of day, length)``."""
    transitions, after, first, _, gap = rules(name)
    i = bisect.bisect_right(transitions, utc)
    found = {gap} if gap[1] else set()
    before = after[i - 1] if i else first
    for t, later in zip(transitions[i:], after[i:], strict=True):
        if later > before:
            found.add(((t + before) % _DAY, later - before))
        before = later
    return frozenset(found)


# --- a series that quiet hours rule out, decided in closed form -----------------------


def _quiet_walls(windows: tuple[Window, ...]) -> tuple[tuple[int, int], ...]:
    """The windows as merged ``(start, length)`` wall seconds of the week, wrapping."""
    spans = sorted(
        (w.day * _DAY + w.start * 60, w.day * _DAY + w.end * 60) for w in windows
    )
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if len(merged) > 1 and merged[0][0] == 0 and merged[-1][1] == _WEEK:
        merged[-1][1] = _WEEK + merged[0][1]  # Sunday night runs into Monday
        merged.pop(0)
    return tuple((s, e - s) for s, e in merged)


def _inside(
    wall: int, walls: tuple[tuple[int, int], ...], early: int, late: int
) -> bool:
    """Whether week second *wall* is in a window, *early* in, *late* before its end."""
    return any(
        early <= (wall - start) % _WEEK < length - late for start, length in walls
    )


def _quiet_across_gap(
    wall: int, spans: tuple[tuple[int, int], ...], gap: int, length: int
) -> bool:
    """
    Whether week wall second *wall* is quiet when a gap starts at wall *gap*.

    All are wall seconds on one line unrolled over three weeks (*spans* are
    the windows, unmerged, in each). Each is read as the replay reads it, in
    seconds at the offset from before the gap: a wall time up to the gap's
    end is itself, a later one *length* less, so a wall time in the gap
    lands after the gap, and each window is read end by end, as
    `materialize` reads it.
    """
    cut = gap + length
    here = wall if wall < cut else wall - length
    return any(
        (start if start < cut else start - length)
        <= here
        < (end if end < cut else end - length)
        for start, end in spans
    )


def _unrolled(windows: tuple[Window, ...]) -> tuple[tuple[int, int], ...]:
    """The windows as wall seconds ``[start, end)`` of last, this and next week."""
    return tuple(
        (week + w.day * _DAY + w.start * 60, week + w.day * _DAY + w.end * 60)
        for week in (-_WEEK, 0, _WEEK)
        for w in windows
    )


def _always_quiet(  # noqa: PLR0913 - one check-in against one source, from *since* on
    wall: int,
    *,
    timezone: str,
    offsets: frozenset[int],
    gaps: frozenset[tuple[int, int]],
    source: Source,
    since: int,
) -> bool:
    """
    Whether *source*'s quiet hours hold week wall second *wall* for good.

    The wall second is read in *timezone*, on every date from *since* on.
    Sound, not exact: it says yes only when every reading of the wall time
    (each offset *timezone* can still have) lands inside a window in every
    reading of the window's ends (each offset the source's zone can still
    have), with a margin of that zone's offset spread.
    """
    windows, zone_name = source
    walls = _quiet_walls(windows)
    if zone_name == timezone:
        # One zone, one reading. Away from a gap, and across a fall-back
        # (each wall time its first occurrence), wall times read in order, so
        # the check-in is quiet where its wall time is inside a window. A gap
        # breaks the order: each wall time it skips is read as far after it
        # as it was into it, so a window end in it can move past the other
        # end or past the check-in; the gap day is read as the replay reads it.
        if not _inside(wall, walls, 0, 0):
            return False
        # Only a gap that skips the check-in's wall time or a window end can
        # change the order of their readings.
        ends = {wall} | {m * 60 for w in windows for m in (w.start, w.end)}
        near = [(g, n) for g, n in gaps if any((x - g) % _DAY < n for x in ends)]
        if not near:
            return True
        spans = _unrolled(windows)
        return all(
            _quiet_across_gap(wall, spans, (wall // _DAY + d) * _DAY + start, length)
            for start, length in near
            for d in range(-2, 3)
        )
    theirs = offsets_from(zone_name, since)
    spread = max(theirs) - min(theirs)
    return all(
        _inside(wall - ours + off, walls, spread, spread)
        for ours in offsets
        for off in theirs
    )


def never_allowed(
    weekdays: Iterable[int],
    seconds: Iterable[int],
    timezone: str,
    sources: tuple[Source, ...],
    since: int,
) -> bool:
    """
    Whether no check-in from instant *since* on can ever be outside quiet hours.

    *weekdays* are every weekday (0 Monday) the cadence can land on and
    *seconds* its wall times of day. True only if each such wall time is
    quiet for some source whatever offsets the zones have from *since* on,
    so a ``"skip"`` series can stop at once; False means one may be allowed.
    """
    if not sources:
        return False
    offsets = offsets_from(timezone, since)
    gaps = gaps_from(timezone, since)
    return all(
        any(
            _always_quiet(
                day * _DAY + second,
                timezone=timezone,
                offsets=offsets,
                gaps=gaps,
                source=source,
                since=since,
            )
            for source in sources
        )
        for day in weekdays
        for second in seconds
    )


# --- where a check-in can get through: the time line cut at every offset change -------

CYCLE = 146_097 * _DAY
"""The Gregorian 400-year cycle (seconds): zone rules repeat with it."""

_NEAR = 3 * _WEEK  # how far a change of offset can sway what is quiet or read
_LONG = 5 * _WEEK  # a piece this long is decided on its ends and one week between

Piece = tuple[int, int]
"""A stretch of UTC seconds ``[start, end)``."""


def _vector(zones: tuple[str, ...], utc: int) -> tuple[int, ...]:
    return tuple(offset(z, utc) for z in zones)


@functools.lru_cache(maxsize=16384)
def _cuts(zones: tuple[str, ...], year: int) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Where in UTC *year* the zones' offsets change, with the offsets after."""
    changes = sorted(
        (t, i, after)
        for i, z in enumerate(zones)
        for t, _, after in year_transitions(z, year)
    )
    if not changes:
        return ()
    vector = list(_vector(zones, changes[0][0] - 1))
    found: list[tuple[int, tuple[int, ...]]] = []
    for t, i, after in changes:
        vector[i] = after
        if found and found[-1][0] == t:
            found[-1] = (t, tuple(vector))
        else:
            found.append((t, tuple(vector)))
    return tuple(found)


def _context(  # noqa: PLR0913 - the cuts, and the stretch to read them over
    zones: tuple[str, ...],
    cuts: list[tuple[int, tuple[int, ...]]],
    times: list[int],
    *,
    at: int,
    lo: int,
    hi: int,
) -> tuple[object, ...]:
    """The zones' offsets from *lo* to *hi*, relative to instant *at*."""
    first, last = bisect.bisect_left(times, lo), bisect.bisect_left(times, hi)
    inside = tuple((t - at, v) for t, v in cuts[first:last])
    return (at % _WEEK, cuts[first - 1][1] if first else _vector(zones, lo), inside)


def _piece(
    zones: tuple[str, ...],
    cuts: list[tuple[int, tuple[int, ...]]],
    times: list[int],
    start: int,
    end: int,
) -> tuple[tuple[object, ...], list[Piece]]:
    """
    What decides piece ``[start, end)``, and the stretches to judge it on.

    Two pieces with equal keys read alike, whole weeks apart.
    """
    if end - start <= _LONG:
        key: tuple[object, ...] = (
            end - start,
            _context(zones, cuts, times, at=start, lo=start - _NEAR, hi=end + _NEAR),
        )
        checks = [(start, end)]
    else:
        key = (
            -1,
            _context(zones, cuts, times, at=start, lo=start - _NEAR, hi=start + _NEAR),
            _context(zones, cuts, times, at=end, lo=end - _NEAR, hi=end + _NEAR),
        )
        checks = [
            (start, start + 2 * _WEEK),
            (start + 2 * _WEEK, start + 3 * _WEEK),
            (end - 2 * _WEEK, end),
        ]
    return key, checks


def settled_from(timezone: str, sources: tuple[Source, ...], since: int) -> int:
    """
    The instant from which the zones' offsets repeat with the 400-year cycle.

    The later of *since* and the last recorded transition of the cadence's
    zone and every quiet zone: past it, only the zones' closing rules apply.
    """
    zones = {timezone, *(z for _, z in sources)}
    return max(since, *(closing(z)[1] for z in zones))


def reach(
    timezone: str,
    sources: tuple[Source, ...],
    possible: Callable[..., bool],
    since: int,
) -> Iterator[Piece]:
    """
    The pieces of time from *since* on in which a check-in may get through.

    The time line is cut wherever the cadence's zone or a source's zone
    changes its offset. *possible(start, end=end)* says whether a check-in can
    get through in ``[start, end)``; a piece is judged on all of itself if
    short, else on its first and last two weeks and the week after its first
    two (in between, the offsets are constant for weeks on either side, so
    every week reads alike). Pieces whose surroundings match are judged once.
    Past the zones' last explicit transition their rules repeat with the
    400-year cycle, so the pieces found in one such cycle repeat for ever,
    and none in it means none ever again. Finite work: at most a cycle of
    clock changes.
    """
    zones = tuple(sorted({timezone, *(z for _, z in sources)}))
    settled = settled_from(timezone, sources, since)
    horizon = min(settled + CYCLE, END)
    stream = (
        c
        for y in range(
            year_of(since - _NEAR), min(year_of(horizon + _NEAR), LAST_YEAR) + 1
        )
        for c in _cuts(zones, y)
        if since - _NEAR <= c[0] < horizon + _NEAR
    )
    cuts: list[tuple[int, tuple[int, ...]]] = []
    times: list[int] = []

    def read_to(moment: int) -> None:
        """Read the cuts (lazily: most series stop early) up to *moment*."""
        while not times or times[-1] <= moment:
            cut = next(stream, None)
            if cut is None:
                return
            cuts.append(cut)
            times.append(cut[0])

    judged: dict[tuple[object, ...], bool] = {}
    periodic: list[Piece] = []
    start = since
    while start < horizon:
        read_to(start)
        i = bisect.bisect_right(times, start)
        end = min(times[i], horizon) if i < len(times) else horizon
        read_to(end + _NEAR)
        key, checks = _piece(zones, cuts, times, start, end)
        ok = judged.get(key)
        if ok is None:
            ok = judged[key] = any(possible(a, end=b) for a, b in checks)
        if ok:
            yield start, end
            if end > settled:
                periodic.append((max(start, settled), end))
        start = end
    yield from _repeated(periodic, settled)


def _repeated(periodic: list[Piece], settled: int) -> Iterator[Piece]:
    """The pieces of one settled cycle, in every later cycle up to the last date."""
    shift = CYCLE
    while periodic and settled + shift < END:
        for start, end in periodic:
            if start + shift >= END:
                return
            yield start + shift, min(end + shift, END)
        shift += CYCLE
