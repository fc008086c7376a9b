"""
A zone's clock changes, read from its rules rather than found by probing.

The zone database gives each zone a list of recorded transitions and a
closing rule (a POSIX TZ string) that repeats every year after the last of
them. Reading both gives every instant at which a zone may change its
offset, exactly and in a handful of steps per year. Scheduling builds its
wall-time tables (`scheduling._walls`) and closed forms
(`scheduling._quiet`) from them, and matching tells a period's weeks
apart by them (`matching._seasons`); it lives in the core so that neither
package imports the other.

Python's C ``zoneinfo`` exposes none of these rules, so they are read with
its pure-Python twin (``zoneinfo._zoneinfo``, the same TZif parser the
standard library ships and tests). The tests compare every offset found
here with ``zoneinfo`` for every zone.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import zoneinfo
from typing import Any
from zoneinfo import _zoneinfo  # type: ignore[attr-defined]  # the pure-Python reader: it exposes the zone's rules

from peerkit._instants import MAX_DATE

DAY = 86_400
EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LAST_YEAR = 9999
END = (MAX_DATE.toordinal() - EPOCH_ORDINAL + 3) * DAY
"""Past the last supported date, far enough for any check-in on it."""

Rules = tuple[tuple[int, ...], tuple[int, ...], int, frozenset[int], tuple[int, int]]


@functools.lru_cache(maxsize=1024)
def rules(name: str) -> Rules:
    """
    A zone's rules, read from its TZif data.

    Its transitions (UTC seconds), the offset after each, the offset before
    the first, the offsets its closing rule alternates between, and that
    rule's spring-forward gap as ``(wall second of the day, length)``.
    """
    tz = _zoneinfo.ZoneInfo.no_cache(name)
    transitions = tuple(int(t) for t in tz._trans_utc)  # noqa: SLF001 - see the module
    after = tuple(seconds(i.utcoff) for i in tz._ttinfos)  # noqa: SLF001
    before = tz._tti_before  # noqa: SLF001
    first = seconds(before.utcoff) if before is not None else after[0]
    tail = tz._tz_after  # noqa: SLF001
    if not hasattr(tail, "std"):
        return transitions, after, first, frozenset({seconds(tail.utcoff)}), (0, 0)
    closing_offsets = frozenset({seconds(tail.std.utcoff), seconds(tail.dst.utcoff)})
    start, end = tail.transitions(2100)  # any year: the rule's time of day is fixed
    jump = int(tail.dst_diff)
    gap = (start % DAY, jump) if jump > 0 else (end % DAY, -jump)
    return transitions, after, first, closing_offsets, gap


def seconds(offset: dt.timedelta | None) -> int:
    """An offset in whole seconds (None, for a zone without one, is 0)."""
    return 0 if offset is None else int(offset.total_seconds())


@functools.lru_cache(maxsize=1024)
def closing(name: str) -> tuple[Any, int]:
    """The zone's closing rule (None if none) and its last recorded transition."""
    tz = _zoneinfo.ZoneInfo.no_cache(name)
    tail = tz._tz_after  # noqa: SLF001 - see the module
    transitions = rules(name)[0]
    return (tail if hasattr(tail, "std") else None), (
        transitions[-1] if transitions else -(2**40)
    )


def year_start(year: int) -> int:
    """The first UTC second of *year* (`END` past the last supported year)."""
    if year > LAST_YEAR:
        return END
    return (dt.date(max(year, 1), 1, 1).toordinal() - EPOCH_ORDINAL) * DAY


def year_of(utc: int) -> int:
    """The UTC calendar year holding instant *utc*, clamped to what dates allow."""
    ordinal = min(max(utc // DAY + EPOCH_ORDINAL, 1), dt.date.max.toordinal())
    return dt.date.fromordinal(ordinal).year


def offset(name: str, utc: int) -> int:
    """Zone *name*'s UTC offset (seconds) at instant *utc*, as zoneinfo says."""
    moment = _EPOCH + dt.timedelta(seconds=utc)
    return seconds(moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset())


@functools.lru_cache(maxsize=8192)
def _rule_transitions(name: str, year: int) -> tuple[int, int]:
    """The closing rule's two changes in *year*, as local standard-time seconds."""
    start, end = closing(name)[0].transitions(year)
    return int(start), int(end)


@functools.lru_cache(maxsize=8192)
def year_transitions(name: str, year: int) -> tuple[tuple[int, int, int], ...]:
    """
    ``(utc second, offset before, offset after)`` for each change in UTC *year*.

    Recorded transitions are read with zoneinfo on either side; past the last
    of them the closing rule's own two offsets say what changes, so a year
    of the rule costs two rule evaluations and no look-up.
    """
    if not 1 <= year <= LAST_YEAR:
        return ()
    transitions = rules(name)[0]
    lo, hi = year_start(year), year_start(year + 1)
    found = {
        t: (offset(name, t - 1), offset(name, t))
        for t in transitions[
            bisect.bisect_left(transitions, lo) : bisect.bisect_left(transitions, hi)
        ]
    }
    tail, last = closing(name)
    if tail is not None and hi > last:
        std, dst = seconds(tail.std.utcoff), seconds(tail.dst.utcoff)
        for y in (year - 1, year, year + 1):
            if 1 <= y <= LAST_YEAR - 1:
                start, end = _rule_transitions(name, y)
                for t, before, after in (
                    (start - std, std, dst),
                    (end - dst, dst, std),
                ):
                    if lo <= t < hi and t > last:
                        found[t] = (before, after)
    return tuple((t, b, a) for t, (b, a) in sorted(found.items()) if a != b)
