"""iCalendar export: valid RFC 5545 that expands to exactly the occurrences."""

import datetime as dt
from typing import Any

import icalendar
import pendulum
import pytest
import recurring_ical_events  # type: ignore[import-untyped]
from hypothesis import assume, given
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.scheduling import Cadence, occurrences, to_ical
from peerkit.testing import aware_datetimes, cadences, timezones


def expand(text: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    calendar = icalendar.Calendar.from_ical(text)
    events = recurring_ical_events.of(calendar).between(start, end)
    # RFC 5545 keeps two rule times that land on one instant as two events
    # (to_ical's docstring says so); occurrences gives the instant once.
    instants = {e["DTSTART"].dt.astimezone(dt.UTC): e["DTSTART"].dt for e in events}
    return [instants[k] for k in sorted(instants)]


@given(
    cadences(zones=timezones(tricky_only=True), max_every=3),
    aware_datetimes(
        min_value=dt.datetime(2005, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=dt.datetime(2035, 1, 1),  # noqa: DTZ001
    ),
    st.integers(20, 500),
    st.lists(st.dates(dt.date(2005, 1, 1), dt.date(2037, 1, 1)), max_size=5),
)
def test_export_expands_to_occurrences(
    cadence: Cadence, start: dt.datetime, days: int, days_off: list[dt.date]
) -> None:
    """For all cadences: recurring-ical-events expands to_ical to occurrences(...)."""
    # A monthly rule can ask for days that never meet (the first Monday that
    # is also the last day of a month): to_ical refuses it, tested apart.
    assume(next(iter(occurrences(cadence, start=start)), None) is not None)
    until = pendulum.instance(start).add(days=days)
    expected = list(occurrences(cadence, start=start, until=until, days_off=days_off))
    if not list(occurrences(cadence, start=start, until=until)):
        # No check-in before until: RFC 5545 would still show DTSTART.
        with pytest.raises(InvalidInputError, match="first check-in"):
            to_ical(cadence, start=start, summary="Check-in", until=until)
        return
    text = to_ical(
        cadence, start=start, summary="Check-in", until=until, days_off=days_off
    )
    got = expand(text, start - dt.timedelta(days=1), until + dt.timedelta(days=1))
    assert [t.astimezone(dt.UTC) for t in got] == [
        t.in_timezone("UTC") for t in expected
    ]


def test_export_has_the_parts_calendars_need() -> None:
    """VCALENDAR with VERSION/PRODID; VEVENT with UID, DTSTAMP, TZID, UNTIL in UTC."""
    weekly = Cadence.weekly(
        on=("mon", "thu"), time="09:00", timezone="America/New_York"
    )
    text = to_ical(
        weekly,
        start=pendulum.datetime(2024, 3, 1),
        summary="Check-in",
        until=pendulum.datetime(2024, 6, 1, tz="America/New_York"),
        days_off=[dt.date(2024, 3, 11)],
    )
    calendar: Any = icalendar.Calendar.from_ical(text)
    event: Any = calendar.walk("VEVENT")[0]
    assert calendar["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert "UNTIL=20240601T040000Z" in text
    assert event["UID"].endswith("@peerkit")
    exdates = [d.dt for d in event["EXDATE"].dts]
    assert exdates == [dt.datetime(2024, 3, 11, 9, tzinfo=exdates[0].tzinfo)]
    # The same arguments give the same text: a pure function.
    assert text == to_ical(
        weekly,
        start=pendulum.datetime(2024, 3, 1),
        summary="Check-in",
        until=pendulum.datetime(2024, 6, 1, tz="America/New_York"),
        days_off=[dt.date(2024, 3, 11)],
    )


def test_open_ended_export() -> None:
    """Without until the rule runs on; zone rules are included for ten years."""
    daily = Cadence.daily(time="08:00", timezone="Europe/London")
    text = to_ical(daily, start=pendulum.datetime(2024, 1, 1), summary="Morning")
    assert "UNTIL" not in text
    assert "RRULE:FREQ=DAILY;BYMINUTE=0;BYHOUR=8" in text


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"summary": ""}, "summary"),
        ({"start": dt.datetime(2024, 1, 1)}, "start"),  # noqa: DTZ001
        ({"duration": dt.timedelta(0)}, "duration"),
        ({"until": dt.datetime(2024, 1, 1)}, "until"),  # noqa: DTZ001
    ],
)
def test_bad_input(kwargs: dict[str, object], path: str) -> None:
    """Bad arguments name themselves."""
    daily = Cadence.daily(time="08:00", timezone="Europe/London")
    options: dict[str, object] = {
        "start": pendulum.datetime(2024, 1, 1),
        "summary": "Check-in",
        **kwargs,
    }
    with pytest.raises(InvalidInputError) as err:
        to_ical(daily, **options)  # type: ignore[arg-type]
    assert err.value.path == path


def test_a_rule_that_never_occurs_cannot_be_exported() -> None:
    """An empty series has no DTSTART to write."""
    never = Cadence.monthly(day=30, every=12, time="09:00", timezone="UTC")
    with pytest.raises(InvalidInputError, match="cadence"):
        to_ical(never, start=pendulum.datetime(2024, 2, 1), summary="Never")


def test_export_refuses_a_cadence_that_never_occurs() -> None:
    """A monthly rule whose days never meet (the first Monday on a month's last day) is refused, naming the cadence."""
    never = Cadence.monthly(on="1mon", day=-1, time="09:00", timezone="UTC")
    assert list(occurrences(never, start=pendulum.datetime(2024, 1, 1))) == []
    with pytest.raises(InvalidInputError) as caught:
        to_ical(never, start=pendulum.datetime(2024, 1, 1), summary="Check-in")
    assert caught.value.path == "cadence"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=-1FR,TU;BYHOUR=18;BYMINUTE=0",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO,SU;BYHOUR=9;BYMINUTE=30",
        "FREQ=MONTHLY;BYDAY=2WE,TH;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10;BYHOUR=7;BYMINUTE=0",
    ],
)
def test_ordinal_and_plain_weekdays_together_expand_as_rfc_5545_says(rule: str) -> None:
    """A monthly rule with an ordinal and a plain weekday (the last Friday, and every Tuesday) expands to occurrences in recurring-ical-events, which reads such a BYDAY as both at once."""
    cadence = Cadence.from_rrule(rule, timezone="Europe/Berlin")
    start = pendulum.datetime(2024, 1, 1, tz="Europe/Berlin")
    until = start.add(years=1)
    expected = list(occurrences(cadence, start=start, until=until))
    text = to_ical(cadence, start=start, summary="Check-in", until=until)
    got = expand(text, start, until.add(days=1))
    assert len(expected) > 12
    assert [t.astimezone(dt.UTC) for t in got] == [
        t.in_timezone("UTC") for t in expected
    ]
