"""Cadence values: constructors, RRULE text both ways, refusals that name the part."""

import datetime as dt

import pytest
from dateutil import rrule as du
from hypothesis import given

from peerkit import InvalidInputError
from peerkit.scheduling import Cadence
from peerkit.testing import cadences


def test_constructors_and_words() -> None:
    """Each constructor builds the cadence its words describe."""
    assert str(Cadence.daily(time=("08:00", "20:00"), timezone="UTC")) == (
        "every day at 08:00 and 20:00 (UTC)"
    )
    assert str(Cadence.weekly(on="mon-fri", time="07:30", timezone="UTC", every=2)) == (
        "every 2 weeks on Mon, Tue, Wed, Thu and Fri at 07:30 (UTC)"
    )
    assert str(Cadence.monthly(day=(1, -1), time="09:00", timezone="UTC")) == (
        "every month on day 1 and the last day at 09:00 (UTC)"
    )
    assert str(Cadence.monthly(on="-2sun", time="09:00", timezone="UTC")) == (
        "every month on the 2nd-to-last Sun at 09:00 (UTC)"
    )


def test_spellings_normalise_to_one_value() -> None:
    """'MO', 'mon', 'Monday' and a list in any order give equal cadences."""
    a = Cadence.weekly(on=("thu", "mon"), time="9:00", timezone="UTC")
    b = Cadence.weekly(on=["Monday", "TH"], time=dt.time(9), timezone="UTC")
    assert a == b
    assert a.weekdays == ("mon", "thu")
    assert Cadence.monthly(on="+2TU", time="09:00", timezone="UTC").weekdays == (
        "2tue",
    )


@given(cadences())
def test_rrule_round_trip(cadence: Cadence) -> None:
    """For all cadences, from_rrule(c.to_rrule(), timezone=c.timezone) == c."""
    assert Cadence.from_rrule(cadence.to_rrule(), timezone=cadence.timezone) == cadence


@given(cadences())
def test_rrule_text_is_read_by_dateutil(cadence: Cadence) -> None:
    """For all cadences, the RRULE text is valid for dateutil's RFC 5545 parser."""
    rule = du.rrulestr(cadence.to_rrule(), dtstart=dt.datetime(2024, 1, 1))  # noqa: DTZ001
    assert isinstance(rule, du.rrule)


def test_from_rrule_reads_the_usual_spellings() -> None:
    """An RRULE: prefix, lower case and BYSECOND=0/WKST=MO are fine."""
    c = Cadence.from_rrule(
        "RRULE:freq=weekly;byday=mo,th;byhour=9;byminute=0;bysecond=0;wkst=mo",
        timezone="Europe/London",
    )
    assert c == Cadence.weekly(
        on=("mon", "thu"), time="09:00", timezone="Europe/London"
    )


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=HOURLY;BYHOUR=9;BYMINUTE=0", "FREQ"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;COUNT=3", "COUNT"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;UNTIL=20240101T000000Z", "UNTIL"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1;BYHOUR=9;BYMINUTE=0", "BYSETPOS"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=30", "BYSECOND"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;WKST=SU", "WKST"),
        ("FREQ=WEEKLY;BYDAY=MO", "BYHOUR"),
        ("FREQ=WEEKLY;BYDAY=XX;BYHOUR=9;BYMINUTE=0", "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=25;BYMINUTE=0", "BYHOUR"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYHOUR=10", "each name once"),
        ("FREQ=WEEKLY;INTERVAL=x;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "whole numbers"),
        ("not a rule", "NAME=VALUE"),
    ],
)
def test_from_rrule_refuses_what_it_cannot_keep(rule: str, words: str) -> None:
    """Outside the subset: a clear InvalidInputError, never an approximation."""
    with pytest.raises(InvalidInputError, match=words):
        Cadence.from_rrule(rule, timezone="UTC")


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("FREQ=WEEKLY;BYDAY=2MO;BYHOUR=9;BYMINUTE=0", "weekdays"),
        ("FREQ=WEEKLY;BYMONTHDAY=1;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "month_days"),
        ("FREQ=WEEKLY;BYHOUR=9;BYMINUTE=0", "rule"),  # the day: from a start
        ("FREQ=MONTHLY;BYHOUR=9;BYMINUTE=0", "rule"),
        ("FREQ=DAILY;INTERVAL=0;BYHOUR=9;BYMINUTE=0", "every"),
    ],
)
def test_rules_a_cadence_cannot_be(rule: str, path: str) -> None:
    """Readable rules that make no cadence name the field that is wrong."""
    with pytest.raises(InvalidInputError) as err:
        Cadence.from_rrule(rule, timezone="UTC")
    assert err.value.path == path


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"times": ("09:00", "17:30")}, "times"),
        ({"times": (dt.time(9, 0, 30),)}, "times[0]"),
        ({"times": (dt.time(9, tzinfo=dt.UTC),)}, "times[0]"),
        ({"times": ()}, "times"),
        ({"times": "9am"}, "times[0]"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"every": 0}, "every"),
        ({"every": True}, "every"),
        ({"weekdays": ("funday",)}, "weekdays[0]"),
        ({"frequency": "yearly"}, "frequency"),
        ({"month_days": (0,)}, "month_days[0]"),
    ],
)
def test_bad_fields_name_themselves(kwargs: dict[str, object], path: str) -> None:
    """Each bad field is refused with its own name."""
    fields: dict[str, object] = {
        "frequency": "daily",
        "times": "09:00",
        "timezone": "UTC",
        **kwargs,
    }
    with pytest.raises(InvalidInputError) as err:
        Cadence(**fields)  # type: ignore[arg-type]
    assert err.value.path == path


def test_per_week() -> None:
    """Nominal check-ins per week for each shape."""
    assert Cadence.daily(time="09:00", timezone="UTC").per_week == 7
    assert Cadence.daily(time="09:00", on="mon-fri", timezone="UTC").per_week == 5
    assert (
        Cadence.weekly(
            on="mon", time=("09:00", "21:00"), timezone="UTC", every=2
        ).per_week
        == 1
    )
    assert Cadence.monthly(
        day=1, time="09:00", timezone="UTC"
    ).per_week == pytest.approx(12 / (365.2425 / 7))


def test_a_common_slot_becomes_a_weekly_cadence_in_either_partners_zone() -> None:
    """Cadence.for_slot keeps the slot's weekday and wall time in the chosen zone."""
    from peerkit import Member
    from peerkit.scheduling import common_slots, occurrences

    ada = Member(
        "ada", "action", timezone="Europe/London", availability=["tue 18:00-20:00"]
    )
    ben = Member(
        "ben", "action", timezone="America/New_York", availability=["tue 13:00-15:00"]
    )
    slot = common_slots(
        [ada, ben], duration=dt.timedelta(minutes=30), week_of=dt.date(2024, 1, 8)
    )[0]
    for who, at in (("ada", "18:00"), ("ben", "13:00")):
        cadence = Cadence.for_slot(slot, member_id=who)
        assert cadence.timezone == slot.timezones[who]
        (first,) = occurrences(cadence, start=slot.start, count=1)
        assert first == slot.start
        assert first.in_timezone(cadence.timezone).format("HH:mm") == at
    with pytest.raises(InvalidInputError) as err:
        Cadence.for_slot(slot, member_id="cy")
    assert err.value.path == "member_id"
    with pytest.raises(InvalidInputError) as err:
        Cadence.for_slot("tue 18:00", member_id="ada")  # type: ignore[arg-type]
    assert err.value.path == "slot"


def test_a_group_meeting_becomes_a_weekly_cadence() -> None:
    """Cadence.for_group recurs on the group's days at its start time, in its zone."""
    from peerkit import Group

    group = Group(
        "g1",
        [],
        8,
        timezone="Europe/Paris",
        meets=["mon 19:00-20:30", "thu 19:00-20:00"],
    )
    cadence = Cadence.for_group(group, every=2)
    assert (cadence.timezone, cadence.every) == ("Europe/Paris", 2)
    assert (
        cadence.to_rrule() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=19;BYMINUTE=0"
    )
    for meets in (["mon 19:00-20:00", "thu 18:00-19:00"], []):
        with pytest.raises(InvalidInputError) as err:
            Cadence.for_group(Group("g2", [], 8, meets=meets))
        assert err.value.path == "group.meets"
    with pytest.raises(InvalidInputError) as err:
        Cadence.for_group("g1")  # type: ignore[arg-type]
    assert err.value.path == "group"
