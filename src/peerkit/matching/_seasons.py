"""
Every week of a period, on its real dates, and which of them are alike.

A matching decision ``during`` a period holds in every week of it. Weeks
are Monday 00:00 to Monday 00:00 in a zone (UTC for partners, the group's
own zone for a group's meeting), from the week holding the period's first
instant to the week holding its last, each judged whole: a period shorter
than a week is judged on the week or two it touches.

Judging every week would cost a factor of the period's length, but most
weeks are alike: between a zone's clock changes its free time each week
is the week before's, seven days on. So each zone's weeks are told apart
only by their state: ``("c", offset)`` when the zone keeps one UTC offset
(seconds) through the week, or ``("s", k)`` for week *k* when a clock change
reaches into it. Two parties' free time in common then depends only on the
difference of their offsets in a week both keep one (the week is a cycle:
shifting both by the same amount shifts what they share), so a round of
three months in a dozen zones is judged on a handful of weeks.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, TypeVar

from peerkit._instants import US, local_micros, zone
from peerkit._intervals import Interval, as_period
from peerkit._zonerules import offset, year_of, year_transitions
from peerkit.errors import InvalidInputError

_HOUR = 3600
_REACH = 27 * _HOUR  # no clock change jumps further than this
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_FIRST = int((dt.datetime(1, 1, 3, tzinfo=dt.UTC) - _EPOCH).total_seconds())
_LAST = int((dt.datetime(9999, 12, 29, tzinfo=dt.UTC) - _EPOCH).total_seconds())

_Value = TypeVar("_Value", int, float)

MAX_WEEKS = 522
"""The most weeks a period may touch: ten years, far longer than any round."""

State = tuple[str, int]
"""A zone's state in one week: ``("c", offset seconds)`` or ``("s", week)``."""


def weeks_of(during: object, timezone: str = "UTC") -> tuple[int, ...]:
    """
    The bounds of every week *during* touches, in *timezone*'s Mondays.

    POSIX microseconds, one more than there are weeks: week ``k`` runs from
    ``bounds[k]`` to ``bounds[k + 1]``. *during* is an `Interval` or a
    ``(start, end)`` pair of aware datetimes touching at most `MAX_WEEKS`
    weeks: every week is judged, so a period of centuries would take
    minutes, and no round runs that long.
    """
    period = as_period("during", during)
    if len(_weeks(period, "UTC")) - 1 > MAX_WEEKS:  # the same limit in every zone
        raise InvalidInputError(
            "during", during, f"a period of at most {MAX_WEEKS} weeks (ten years)"
        )
    return _weeks(period, timezone)


@functools.lru_cache(maxsize=1024)
def _weeks(period: Interval, timezone: str) -> tuple[int, ...]:
    """`weeks_of`, kept: the same period recurs call after call (a frozen key)."""
    tz = zone(timezone)
    first = period.start.in_timezone(tz).date()
    last = period.end.subtract(microseconds=1).in_timezone(tz).date()
    monday = first - dt.timedelta(days=first.weekday())
    end = last - dt.timedelta(days=last.weekday()) + dt.timedelta(days=7)
    days = (end - monday).days
    return tuple(
        local_micros(monday + dt.timedelta(days=d), 0, tz)
        for d in range(0, days + 1, 7)
    )


def week_monday(bounds: tuple[int, ...], k: int, timezone: str = "UTC") -> dt.date:
    """The Monday that starts week *k* of *bounds*, in *timezone*."""
    moment = _EPOCH + dt.timedelta(microseconds=bounds[k] + US)  # a second in
    return moment.astimezone(zone(timezone)).date()


def _offset(name: str, second: int) -> int:
    return offset(name, min(max(second, _FIRST), _LAST))


@functools.lru_cache(maxsize=65_536)
def _week_state(name: str, lo: int, hi: int) -> int | None:
    """
    The zone's one UTC offset through ``[lo, hi)`` (seconds), or None.

    None when a clock change falls in the week (or within an hour after
    it), or falls before it but so close that its jump reaches into it (a
    wall time in a spring-forward gap reads with the offset from before
    the gap, landing up to the jump's length after the change). A change
    after the week never reaches back. The changes are read from the
    zone's own rules (`peerkit._zonerules`), exactly, from `_REACH`
    before the week (no jump is longer) to an hour after it.
    """
    start, end = lo // US, -(-hi // US)
    for year in range(year_of(start - _REACH), year_of(end + _HOUR) + 1):
        for t, before, after in year_transitions(name, year):
            if start < t <= end + _HOUR:
                return None
            if t <= start < t + abs(after - before) + _HOUR:
                return None
    return _offset(name, start)


@functools.lru_cache(maxsize=4096)
def zone_weeks(name: str, bounds: tuple[int, ...]) -> tuple[State, ...]:
    """Each week's `State` for zone *name*: alike weeks share one."""
    out: list[State] = []
    for k in range(len(bounds) - 1):
        offset = _week_state(name, bounds[k], bounds[k + 1])
        out.append(("s", k) if offset is None else ("c", offset))
    return tuple(out)


Combos = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]


@functools.lru_cache(maxsize=65_536)
def pair_weeks(a: tuple[State, ...], b: tuple[State, ...], *, exact: bool) -> Combos:
    """
    The distinct weeks two parties with week states *a* and *b* must be judged on.

    Returns ``(first, counts, index, changes)``: the first week of each
    distinct kind, how many weeks are of that kind, each week's kind, and
    each week's number of the kind that starts a new stretch (a week where
    either party's state differs from the week before, so its clocks
    changed). Weeks in which both keep one offset are alike when the offsets
    differ by the same amount; *exact* asks for that only where both are
    whole minutes (masks of whole minutes shift exactly).
    """
    kinds: dict[Any, int] = {}
    first: list[int] = []
    counts: list[int] = []
    index: list[int] = []
    changes: list[int] = []
    for k, (sa, sb) in enumerate(zip(a, b, strict=True)):
        if sa[0] == "c" and sb[0] == "c":
            whole = not exact or (sa[1] % 60 == 0 and sb[1] % 60 == 0)
            key: Any = ("d", sa[1] - sb[1]) if whole else (sa, sb)
        else:
            key = ("w", k)
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = len(first)
            first.append(k)
            counts.append(0)
        counts[kind] += 1
        index.append(kind)
        if k and (a[k] != a[k - 1] or b[k] != b[k - 1]):
            changes.append(k)
    return tuple(first), tuple(counts), tuple(index), tuple(changes)


def judged_value(values: list[_Value], counts: tuple[int, ...], excused: int) -> _Value:
    """
    The least of *values* once the *excused* worst weeks are set aside.

    ``values[i]`` holds in ``counts[i]`` weeks; with nothing excused it is
    the worst week's.
    """
    if excused <= 0 or len(values) == 1:
        return min(values)
    seen = 0
    for value, n in sorted(zip(values, counts, strict=True)):
        seen += n
        if seen > excused:
            return value
    return max(values)


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _day(date: dt.date) -> str:
    """``30 March``: in English whatever the process's locale (never ``%B``)."""
    return f"{date.day} {_MONTHS[date.month - 1]}"


def describe_weeks(
    bounds: tuple[int, ...],
    failing: list[int],
    changes: tuple[int, ...],
    timezone: str = "UTC",
) -> str:
    """
    The *failing* weeks in a member's words: "from 30 March, when clocks change".

    Runs of consecutive weeks are named by their first Monday (and their
    last, unless they run to the period's end); a run that starts where
    clocks change says so. Nothing here names a member or a zone.
    """
    runs: list[list[int]] = []
    for k in failing:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    weeks = len(bounds) - 1
    parts = []
    for run in runs[:3]:
        start = _day(week_monday(bounds, run[0], timezone))
        if run[-1] == weeks - 1 and run[0] > 0:
            text = f"from {start}"
        elif len(run) == 1:
            text = f"in the week of {start}"
        else:
            until = _day(week_monday(bounds, run[-1] + 1, timezone))
            text = f"from {start} until {until}"
        changed = run[0] in changes
        parts.append(f"{text}, when clocks change" if changed else text)
    if len(runs) > 3:
        parts.append("and in other weeks")
    return "; ".join(parts)
