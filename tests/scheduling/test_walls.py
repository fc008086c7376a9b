"""The transition table reads every wall time exactly as zoneinfo's fold=0 does."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit._instants import known_zones
from peerkit.scheduling._walls import chunk, from_wall, read_wall, wall_seconds
from peerkit.testing import timezones

ZONES = sorted(known_zones())
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def zoneinfo_reading(name: str, wall: dt.datetime) -> tuple[int, int]:
    """The RFC 5545 reading by zoneinfo: fold=0, and the wall shown at that instant."""
    tz = zoneinfo.ZoneInfo(name)
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(dt.UTC)
    utc = int((instant - EPOCH).total_seconds())
    shown = instant.astimezone(tz).replace(tzinfo=None)
    return utc, wall_seconds(shown.date(), shown.hour * 3600 + shown.minute * 60)


def transition_walls(name: str, year: int) -> list[dt.datetime]:
    """Wall times just around each of the zone's transitions in *year*."""
    table = chunk(name, year)
    out = []
    for switch, gap in zip(table.switch, table.gap, strict=True):
        for edge in (switch, gap):
            for delta in (-3600, -60, 0, 60, 1800, 3600):
                wall = from_wall(edge + delta)
                if wall.year == year:
                    out.append(wall.replace(second=0))
    return out


@pytest.mark.slow  # every zone's transitions in a year, each read twice
@pytest.mark.parametrize("year", [2011, 2024])
def test_every_zone_matches_zoneinfo_around_every_transition(year: int) -> None:
    """For all zones, walls at and around each transition read as zoneinfo reads them."""
    checked = 0
    for name in ZONES:
        for wall in transition_walls(name, year):
            second = wall.hour * 3600 + wall.minute * 60
            assert read_wall(name, wall.date(), second) == zoneinfo_reading(
                name, wall
            ), (name, wall)
            checked += 1
    assert checked > len(ZONES)  # the year has transitions, and they were read


@given(
    st.sampled_from(ZONES) | timezones(tricky_only=True),
    st.datetimes(
        dt.datetime(1900, 1, 1),  # noqa: DTZ001 - wall times are naive
        dt.datetime(2100, 12, 31),  # noqa: DTZ001
    ),
)
def test_any_wall_time_matches_zoneinfo(name: str, wall: dt.datetime) -> None:
    """For all zones and wall times, the table's reading is zoneinfo's fold=0 reading."""
    wall = wall.replace(second=0, microsecond=0)
    second = wall.hour * 3600 + wall.minute * 60
    assert read_wall(name, wall.date(), second) == zoneinfo_reading(name, wall)


def test_apia_skipped_day_is_a_24_hour_gap() -> None:
    """Pacific/Apia had no 30 December 2011: 09:00 that day is 09:00 on the 31st."""
    utc, shown = read_wall("Pacific/Apia", dt.date(2011, 12, 30), 9 * 3600)
    assert from_wall(shown) == dt.datetime(2011, 12, 31, 9)  # noqa: DTZ001 - a wall time
    assert utc == read_wall("Pacific/Apia", dt.date(2011, 12, 31), 9 * 3600)[0]
