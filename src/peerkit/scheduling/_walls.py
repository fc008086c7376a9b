"""
Local wall times to instants, the RFC 5545 way, fast.

A recurrence is generated in wall-clock time (09:00 every Monday) and each
wall time is then read in the member's zone. RFC 5545 §3.3.5 fixes the two
readings a naive library gets wrong: a wall time inside a spring-forward
gap is read with the offset from *before* the gap, so it lands as far
after the gap as it was into it (02:30 becomes 03:30), and an ambiguous
fall-back wall time is its first occurrence. That is exactly Python's
``fold=0`` reading; this module computes the same answer from a table of
the zone's transitions, so the hot loop of `occurrences` does one bisect
per check-in instead of two zoneinfo look-ups.

Transitions come from the zone's own rules (`_zonerules`), one calendar
year at a time, cached; the tests compare this table with zoneinfo for
every zone.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

from peerkit._instants import MAX_DATE
from peerkit._zonerules import EPOCH_ORDINAL, offset, year_transitions

_DAY = 86_400
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# A year's base offset is read two days inside what datetime can represent,
# so that no offset pushes the reading out of range.
_FIRST_SECOND = int((dt.datetime(1, 1, 3, tzinfo=dt.UTC) - _EPOCH).total_seconds())
_LAST_SECOND = int((dt.datetime(9999, 12, 29, tzinfo=dt.UTC) - _EPOCH).total_seconds())


def wall_seconds(day: dt.date, second_of_day: int) -> int:
    """Seconds since 1970-01-01 00:00 on the wall clock (no zone applied)."""
    return (day.toordinal() - EPOCH_ORDINAL) * _DAY + second_of_day


def _year_start(year: int) -> int:
    year = min(max(year, 1), MAX_DATE.year + 1)
    start = int((dt.datetime(year, 1, 1, tzinfo=dt.UTC) - _EPOCH).total_seconds())
    return min(max(start, _FIRST_SECOND), _LAST_SECOND)


class Chunk:
    """
    The readings of every wall time in one calendar year of one zone.

    ``switch[i]`` is the first wall second that reads with ``after[i]``
    (``fold=0``: the later of the two local times at which transition *i*
    happens); ``gap[i]`` is where its spring-forward gap starts (equal to
    ``switch[i]`` when the transition is a fall-back, which has no gap).
    """

    __slots__ = ("after", "base", "gap", "switch")

    def __init__(self, name: str, year: int) -> None:
        changes = [
            change
            for y in (year - 1, year, year + 1)
            for change in year_transitions(name, y)
        ]
        self.base = changes[0][1] if changes else offset(name, _year_start(year))
        # Tuples: a chunk is shared by every thread through the cache.
        self.switch = tuple(t + max(b, a) for t, b, a in changes)
        self.gap = tuple(t + b if a > b else t + max(b, a) for t, b, a in changes)
        self.after = tuple(a for _, _, a in changes)

    def read(self, wall: int) -> tuple[int, int]:
        """
        ``(utc second, wall second actually shown)`` for a wall second.

        The shown wall differs from *wall* only inside a gap.
        """
        i = bisect.bisect_right(self.switch, wall)
        shift = self.after[i - 1] if i else self.base
        if i < len(self.switch) and wall >= self.gap[i]:
            utc = wall - shift
            return utc, utc + self.after[i]
        return wall - shift, wall


@functools.lru_cache(maxsize=8192)
def chunk(name: str, year: int) -> Chunk:
    """
    The cached readings for *year* in zone *name*.

    Every cache here is keyed on what determines its value (a zone and a
    year) and holds immutable values built whole before they are stored;
    ``functools.lru_cache`` is thread-safe, and a fill that raises stores
    nothing.
    """
    return Chunk(name, year)


def read_wall(name: str, day: dt.date, second_of_day: int) -> tuple[int, int]:
    """``(utc second, shown wall second)`` for a local date and time in *name*."""
    return chunk(name, day.year).read(wall_seconds(day, second_of_day))


def utc_offset(name: str, utc_second: int) -> int:
    """The zone's UTC offset in seconds at an instant."""
    return offset(name, utc_second)


def from_wall(second: int) -> dt.datetime:
    """The naive wall datetime *second* seconds after 1970-01-01 00:00."""
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=second)  # noqa: DTZ001 - a wall time
