"""
Rules from other calendars: dateutil's rrule test shapes in peerkit's frequencies.

python-dateutil's own rrule suite runs every rule from DTSTART 1997-09-02
09:00. These are the shapes of its DAILY, WEEKLY and MONTHLY cases that
fall in a cadence's subset, written as RRULE text; each is read with
`Cadence.from_rrule(..., start=...)` and its first check-ins compared
with dateutil's own expansion of the same text.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pendulum
import pytest
from dateutil import rrule as du

from peerkit import InvalidInputError
from peerkit.scheduling import Cadence, occurrences

DTSTART = dt.datetime(1997, 9, 2, 9, 0)  # noqa: DTZ001 - dateutil's naive wall time
START = pendulum.datetime(1997, 9, 2, 9, 0)

# Each rule: did it need the start before (the day or time comes from DTSTART)?
RULES: dict[str, bool] = {
    "FREQ=DAILY": True,
    "FREQ=DAILY;INTERVAL=2": True,
    "FREQ=DAILY;INTERVAL=92": True,
    "FREQ=DAILY;BYDAY=TU,TH": True,
    "FREQ=DAILY;BYHOUR=6,18": True,
    "FREQ=DAILY;BYMINUTE=6,18": True,
    "FREQ=DAILY;BYHOUR=6,18;BYMINUTE=6,18": False,
    "FREQ=DAILY;BYDAY=TU,TH;BYHOUR=6,18;BYMINUTE=6,18": False,
    "FREQ=WEEKLY": True,
    "FREQ=WEEKLY;INTERVAL=2": True,
    "FREQ=WEEKLY;INTERVAL=20": True,
    "FREQ=WEEKLY;BYDAY=TU,TH": True,
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU": True,
    "FREQ=WEEKLY;BYHOUR=6,18": True,
    "FREQ=WEEKLY;BYMINUTE=6,18": True,
    "FREQ=WEEKLY;BYHOUR=6,18;BYMINUTE=6,18": True,
    "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=6,18;BYMINUTE=6,18": False,
    "FREQ=MONTHLY": True,
    "FREQ=MONTHLY;INTERVAL=2": True,
    "FREQ=MONTHLY;INTERVAL=18": True,
    "FREQ=MONTHLY;BYMONTHDAY=1,3": True,
    "FREQ=MONTHLY;BYMONTHDAY=-1,-3": True,
    "FREQ=MONTHLY;BYMONTHDAY=5,7;INTERVAL=3": True,
    "FREQ=MONTHLY;BYDAY=TU,TH": True,
    "FREQ=MONTHLY;BYDAY=1TU,-1TH": True,
    "FREQ=MONTHLY;BYDAY=3TU,-3TH": True,
    "FREQ=MONTHLY;BYMONTHDAY=1,3;BYDAY=TU,TH": True,
    "FREQ=MONTHLY;BYMONTHDAY=1,3;BYDAY=1TU,-1TH": True,
    "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR": True,
    "FREQ=MONTHLY;BYHOUR=6,18": True,
    "FREQ=MONTHLY;BYMINUTE=6,18": True,
    "FREQ=MONTHLY;BYHOUR=6,18;BYMINUTE=6,18": True,
    "FREQ=MONTHLY;BYDAY=1TU,-1TH;BYHOUR=6,18;BYMINUTE=6,18": False,
    "FREQ=MONTHLY;BYMONTHDAY=31": True,
}


def dateutil_instants(rule: str, count: int) -> list[dt.datetime]:
    """Dateutil's first *count* instances, from its suite's DTSTART, as UTC."""
    expanded = du.rrulestr(f"RRULE:{rule}", dtstart=DTSTART)
    found = []
    for t in expanded:
        found.append(t.replace(tzinfo=dt.UTC))
        if len(found) == count:
            break
    return found


@pytest.mark.parametrize("rule", list(RULES))
def test_a_rule_reads_with_its_start_as_dateutil_expands_it(rule: str) -> None:
    """The cadence read with start= gives dateutil's first 12 instances of the same rule."""
    cadence = Cadence.from_rrule(rule, timezone="UTC", start=START)
    ours = [t.in_timezone("UTC") for t in occurrences(cadence, start=START, count=12)]
    assert ours == dateutil_instants(rule, 12)
    assert len(ours) == 12


@pytest.mark.parametrize("rule", [r for r, needs in RULES.items() if not needs])
def test_rules_with_every_part_need_no_start(rule: str) -> None:
    """A rule with BYHOUR, BYMINUTE and its days reads the same with or without start."""
    assert Cadence.from_rrule(rule, timezone="UTC") == Cadence.from_rrule(
        rule, timezone="UTC", start=START
    )


@pytest.mark.parametrize(
    "rule", ["FREQ=WEEKLY;BYHOUR=9;BYMINUTE=0", "FREQ=MONTHLY;BYHOUR=9;BYMINUTE=0"]
)
def test_without_a_start_the_day_cannot_be_guessed(rule: str) -> None:
    """A weekly rule without BYDAY or a monthly one without a day needs the start."""
    with pytest.raises(InvalidInputError, match="start"):
        Cadence.from_rrule(rule, timezone="UTC")


def test_the_start_is_read_in_the_rules_zone() -> None:
    """The day and time come from the start's wall time in the zone, not UTC's."""
    late = pendulum.datetime(2024, 3, 5, 23, 30, tz="America/New_York")  # Wed in UTC
    cadence = Cadence.from_rrule("FREQ=WEEKLY", timezone="America/New_York", start=late)
    assert str(cadence) == "every week on Tue at 23:30 (America/New_York)"


def test_a_start_off_the_minute_is_refused() -> None:
    """Check-ins are at whole minutes: a start with seconds names start."""
    with pytest.raises(InvalidInputError) as caught:
        Cadence.from_rrule("FREQ=DAILY", timezone="UTC", start=START.add(seconds=5))
    assert caught.value.path == "start"


def test_count_and_until_stay_refused() -> None:
    """A cadence holds no end: COUNT and UNTIL are refused, never dropped."""
    for rule in ("FREQ=DAILY;COUNT=3", "FREQ=DAILY;UNTIL=19971224T000000Z"):
        with pytest.raises(InvalidInputError, match="outside the subset"):
            Cadence.from_rrule(rule, timezone="UTC", start=START)


@pytest.mark.parametrize(
    ("zone", "wall", "words"),
    [
        # 02:30 on 10 March 2024 never happened in New York (spring forward).
        (
            "America/New_York",
            dt.datetime(2024, 3, 10, 2, 30),  # noqa: DTZ001 - a DTSTART's wall time
            "every week on Sun at 02:30 (America/New_York)",
        ),
        # Lord Howe moves its clocks half an hour: 02:15 was skipped.
        (
            "Australia/Lord_Howe",
            dt.datetime(2024, 10, 6, 2, 15),  # noqa: DTZ001 - a DTSTART's wall time
            "every week on Sun at 02:15 (Australia/Lord_Howe)",
        ),
        # Samoa skipped Friday 30 December 2011 altogether.
        (
            "Pacific/Apia",
            dt.datetime(2011, 12, 30, 9, 0),  # noqa: DTZ001 - a DTSTART's wall time
            "every week on Fri at 09:00 (Pacific/Apia)",
        ),
    ],
)
def test_a_start_in_a_gap_keeps_the_dtstarts_wall_time(
    zone: str, wall: dt.datetime, words: str
) -> None:
    """A DTSTART at a wall time a clock change skipped gives the rule that written day and time."""
    start = wall.replace(tzinfo=zoneinfo.ZoneInfo(zone))  # as icalendar parses it
    cadence = Cadence.from_rrule("FREQ=WEEKLY", timezone=zone, start=start)
    assert str(cadence) == words
