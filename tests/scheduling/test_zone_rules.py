"""A zone's clock changes read from its rules are exactly the ones zoneinfo applies."""

import bisect
import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import _zonerules
from peerkit._availability import WeeklyAvailability, materialize
from peerkit._instants import known_zones
from peerkit.scheduling import Cadence, _quiet
from peerkit.scheduling._cadence import plan
from peerkit.scheduling._occurrences import pattern_cycles

ZONES = sorted(known_zones())
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def zoneinfo_offset(name: str, utc: int) -> int:
    """The offset zoneinfo gives zone *name* at UTC second *utc*."""
    moment = (EPOCH + dt.timedelta(seconds=utc)).astimezone(zoneinfo.ZoneInfo(name))
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def table_offset(name: str, utc: int) -> int:
    """The offset the transition tables give at *utc*, from the nearest change."""
    year = _zonerules.year_of(utc)
    for y in (year, year - 1):
        earlier = [c for c in _zonerules.year_transitions(name, y) if c[0] <= utc]
        if earlier:
            return earlier[-1][2]
    later = _zonerules.year_transitions(name, year)
    if later:
        return later[0][1]
    # No change for two years: the offset the zone's data records there.
    transitions, after, first, _, _ = _zonerules.rules(name)
    i = bisect.bisect_right(transitions, utc)
    return after[i - 1] if i else first


def test_each_change_is_a_change_zoneinfo_makes_to_the_second() -> None:
    """For all zones, in years of history, of today and of the closing rule: every listed change is where zoneinfo's offset changes, with its offsets."""
    checked = 0
    for name in ZONES:
        for year in (1883, 1918, 1942, 1970, 2011, 2024, 2037, 2038, 2100, 2400):
            for t, before, after in _zonerules.year_transitions(name, year):
                assert zoneinfo_offset(name, t - 1) == before, (name, t)
                assert zoneinfo_offset(name, t) == after, (name, t)
                checked += 1
    assert checked > 2 * len(ZONES)


@pytest.mark.slow  # about a million zoneinfo readings
@pytest.mark.parametrize("year", [1918, 2024, 2038, 2401])
def test_no_change_zoneinfo_makes_is_missing(year: int) -> None:
    """For all zones: between listed changes the offset is what the tables say, read every six hours of the year."""
    start = _zonerules.year_start(year)
    checked = 0
    for name in ZONES:
        for utc in range(start, start + 366 * 86_400, 6 * 3600):
            assert table_offset(name, utc) == zoneinfo_offset(name, utc), (name, utc)
            checked += 1
    assert checked > 1000 * len(ZONES)


@given(
    st.sampled_from(ZONES),
    st.integers(_zonerules.year_start(2), _zonerules.year_start(9998) + 364 * 86_400),
)
def test_any_instant_reads_the_offset_zoneinfo_gives(name: str, utc: int) -> None:
    """For all zones and instants from year 2 to 9998, the tables' offset is zoneinfo's."""
    assert table_offset(name, utc) == zoneinfo_offset(name, utc)


WINDOWS = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 47), st.integers(1, 48)),
    min_size=1,
    max_size=4,
)


@given(
    st.sampled_from(
        [
            "Europe/London",
            "America/New_York",
            "Australia/Lord_Howe",
            "Pacific/Apia",
            "America/St_Johns",
            "Asia/Tokyo",
        ]
    ),
    WINDOWS,
    st.integers(-8_000, 20_000),
)
def test_quiet_spans_are_the_windows_as_zoneinfo_reads_them(
    name: str, windows: list[tuple[int, int, int]], week: int
) -> None:
    """For all windows, zones and weeks from 1816 to 2353: the quiet spans equal the windows materialised through zoneinfo."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    specs = [
        f"{days[d]} {a // 2:02d}:{a % 2 * 30:02d}-"
        f"{min(a + n, 48) // 2:02d}:{min(a + n, 48) % 2 * 30:02d}"
        for d, a, n in windows
        if a < min(a + n, 48)
    ]
    parsed = WeeklyAvailability.parse(specs).windows
    lo = (week * 7 - 2) * 86_400
    hi = (week * 7 + 7 + 9) * 86_400
    expected = materialize(parsed, name, lo * 1_000_000, hi * 1_000_000)
    starts, ends = _quiet.quiet_week(((parsed, name),), week)
    assert list(zip(starts, ends, strict=True)) == [
        (s // 1_000_000, e // 1_000_000) for s, e in expected
    ]


@pytest.mark.parametrize(
    ("cadence", "cycles"),
    [
        (Cadence.daily(time="09:00", timezone="UTC"), 1),
        (Cadence.daily(time="09:00", timezone="UTC", every=3), 1),
        (Cadence.daily(time="09:00", timezone="UTC", every=2), 2),
        (Cadence.weekly(on="tue", time="09:00", timezone="UTC", every=2), 2),
        (Cadence.weekly(on="tue", time="09:00", timezone="UTC", every=3), 1),
        (Cadence.monthly(day=1, time="09:00", timezone="UTC", every=7), 7),
        (Cadence.monthly(day=1, time="09:00", timezone="UTC", every=6), 1),
    ],
)
def test_a_plan_repeats_after_whole_400_year_cycles(
    cadence: Cadence, cycles: int
) -> None:
    """A plan's dates repeat after n / gcd(n, days, weeks or months in 400 years) cycles."""
    assert pattern_cycles(plan(cadence)) == cycles
