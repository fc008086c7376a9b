"""Differential test: materialised windows against a brute-force, minute-by-minute oracle.

The oracle knows nothing of peerkit's arithmetic. It walks UTC minute by
minute, asks zoneinfo for the local wall time of each, and reads a local
wall time as RFC 5545 §3.3.5 does: the first UTC instant showing it, or, for
a wall time the clocks skipped, the instant it denotes with the offset in
force before the gap.
"""

import datetime as dt
import functools
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import WeeklyAvailability, Window, week_span
from peerkit.testing import windows

UTC = dt.UTC

# (zone, a date in a week with a transition): gaps, folds, 30-minute
# shifts, a skipped day, midnight transitions.
TRANSITION_WEEKS = [
    ("America/New_York", dt.date(2024, 3, 10)),
    ("America/New_York", dt.date(2024, 11, 3)),
    ("Europe/London", dt.date(2024, 3, 31)),
    ("Australia/Lord_Howe", dt.date(2024, 10, 6)),
    ("Australia/Lord_Howe", dt.date(2024, 4, 7)),
    ("Pacific/Apia", dt.date(2011, 12, 30)),
    ("America/Santiago", dt.date(2024, 9, 8)),
    ("America/Havana", dt.date(2024, 3, 10)),
    ("Africa/Casablanca", dt.date(2024, 3, 10)),
    ("Asia/Kathmandu", dt.date(1986, 1, 1)),
]


@functools.cache
def _wall_clock(
    zone: str, monday: dt.date
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """(UTC minute, local wall time) for every minute from 3 days before to 10 days after *monday*."""
    tz = ZoneInfo(zone)
    start = dt.datetime(
        monday.year, monday.month, monday.day, tzinfo=UTC
    ) - dt.timedelta(days=3)
    minutes = (start + dt.timedelta(minutes=k) for k in range(13 * 1440))
    return tuple((u, u.astimezone(tz).replace(tzinfo=None)) for u in minutes)


def _rfc_instant(zone: str, monday: dt.date, wall: dt.datetime) -> dt.datetime:
    clock = _wall_clock(zone, monday)
    for utc, local in clock:
        if local == wall:
            return utc  # first occurrence
    for (utc, local), (_, after) in itertools.pairwise(clock):
        if local < wall < after:  # skipped: read with the offset before the gap
            return (wall - (local - utc.replace(tzinfo=None))).replace(tzinfo=UTC)
    raise AssertionError(f"{wall} not found near {monday} in {zone}")


def _oracle(
    ws: tuple[Window, ...], zone: str, week_of: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    monday = week_of - dt.timedelta(days=week_of.weekday())
    lo = _rfc_instant(zone, monday, dt.datetime.combine(monday, dt.time()))
    hi = _rfc_instant(
        zone, monday, dt.datetime.combine(monday + dt.timedelta(days=7), dt.time())
    )
    spans = []
    for k in range(-1, 8):
        day = monday + dt.timedelta(days=k)
        midnight = dt.datetime.combine(day, dt.time())
        for w in ws:
            if w.day != day.weekday():
                continue
            s = max(
                _rfc_instant(zone, monday, midnight + dt.timedelta(minutes=w.start)), lo
            )
            e = min(
                _rfc_instant(zone, monday, midnight + dt.timedelta(minutes=w.end)), hi
            )
            if s < e:
                spans.append((s, e))
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


@pytest.mark.parametrize(("zone", "week_of"), TRANSITION_WEEKS)
def test_week_span_matches_the_oracle(zone: str, week_of: dt.date) -> None:
    """The local week's bounds are the oracle's Monday midnights."""
    span = week_span(week_of, timezone=zone)
    ((start, end),) = _oracle(WeeklyAvailability.always().windows, zone, week_of)
    assert (span.start, span.end) == (start, end)


@pytest.mark.parametrize(("zone", "week_of"), TRANSITION_WEEKS)
@settings(max_examples=15)
@given(ws=st.lists(windows(), max_size=5))
def test_windows_match_the_oracle_in_transition_weeks(
    zone: str, week_of: dt.date, ws: list[Window]
) -> None:
    """For all window sets, in weeks with clock changes, peerkit's concrete intervals are the oracle's."""
    week = WeeklyAvailability(tuple(ws))
    got = [(i.start, i.end) for i in week.intervals(week_of=week_of, timezone=zone)]
    assert got == _oracle(week.windows, zone, week_of)
