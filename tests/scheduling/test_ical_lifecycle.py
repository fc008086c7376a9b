"""Calendar lifecycle: a stable uid, SEQUENCE, a successor series, cancellation, invitations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pendulum
import pytest
import recurring_ical_events  # type: ignore[import-untyped]
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from peerkit import InvalidInputError, Member
from peerkit.scheduling import Cadence, occurrences, plan_checkins, to_ical
from peerkit.testing import cadences, timezones

WEEK = dt.timedelta(weeks=1)


class Calendar:
    """
    A calendar app's store, as RFC 5546 describes one.

    An imported event replaces the stored one with its UID unless its
    SEQUENCE is lower; ``METHOD:CANCEL`` or ``STATUS:CANCELLED`` removes it.
    """

    def __init__(self) -> None:
        self.events: dict[str, Any] = {}
        self.zones: list[Any] = []

    def load(self, text: str) -> None:
        """Import one calendar file."""
        calendar: Any = icalendar.Calendar.from_ical(text)
        cancel = str(calendar.get("METHOD", "")) == "CANCEL"
        self.zones += calendar.walk("VTIMEZONE")
        for event in calendar.walk("VEVENT"):
            uid = str(event["UID"])
            held = self.events.get(uid)
            if held is not None and int(held["SEQUENCE"]) > int(event["SEQUENCE"]):
                continue
            if cancel or str(event.get("STATUS", "")) == "CANCELLED":
                self.events.pop(uid, None)
            else:
                self.events[uid] = event

    def expand(
        self, start: dt.datetime, end: dt.datetime, uid: str | None = None
    ) -> list[dt.datetime]:
        """The start of every event the store shows in [start, end) (of *uid*), in UTC."""
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//test//store//EN")
        calendar.add("version", "2.0")
        seen = set()
        for zone in self.zones:
            if str(zone["TZID"]) not in seen:
                seen.add(str(zone["TZID"]))
                calendar.add_component(zone)
        for event in self.events.values():
            calendar.add_component(event)
        found = recurring_ical_events.of(calendar).between(start, end)
        found = [e for e in found if uid is None or str(e["UID"]) == uid]
        return sorted(e["DTSTART"].dt.astimezone(dt.UTC) for e in found)


def utc(times: Any) -> list[dt.datetime]:
    return [t.in_timezone("UTC") for t in times]


@settings(max_examples=40, deadline=None)
@given(
    cadences(zones=timezones(tricky_only=True), max_every=2).filter(
        lambda c: c.frequency != "daily"
    ),
    cadences(zones=timezones(tricky_only=True), max_every=2).filter(
        lambda c: c.frequency != "daily"
    ),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)),  # noqa: DTZ001 - hypothesis bounds are naive
    st.integers(1, 30),
    st.integers(0, 6 * 24),
    st.integers(2, 30),
)
def test_an_import_then_the_update_expands_to_old_then_new(  # noqa: PLR0917 - hypothesis draws
    old: Cadence,
    new: Cadence,
    naive_start: dt.datetime,
    weeks_before: int,
    hours: int,
    weeks_after: int,
) -> None:
    """For all cadence changes: the old series before the change, the new after, no duplicate, no gap."""
    start = pendulum.instance(naive_start.replace(tzinfo=dt.UTC))
    change = start.add(weeks=weeks_before, hours=hours)
    # A monthly rule can ask for days that never meet (the first Monday that
    # is also the last day of a month): to_ical refuses it, tested apart.
    assume(next(iter(occurrences(old, start=start)), None) is not None)
    assume(next(iter(occurrences(new, start=change)), None) is not None)
    end = change.add(weeks=weeks_after)
    calendar = Calendar()
    calendar.load(to_ical(old, start=start, summary="Check-in", uid="team-7"))
    before = list(occurrences(old, start=start, until=change.subtract(microseconds=1)))
    # A series that never began before the change is withdrawn, not ended.
    calendar.load(
        to_ical(
            old,
            start=start,
            until=change.subtract(microseconds=1) if before else None,
            summary="Check-in",
            uid="team-7",
            sequence=1,
            cancelled=not before,
            organizer="coach@example.org",
        )
    )
    calendar.load(to_ical(new, start=change, summary="Check-in", uid="team-7.2"))
    got = calendar.expand(start, end)
    after = [t for t in occurrences(new, start=change, until=end) if t < end]
    expected = utc(before) + utc(after)
    # RFC 5545 shows two events where two rule times meet at one instant
    # (see to_ical); compare instants, series by series, so that an old
    # check-in on top of a new one is still caught.
    assert sorted(set(got)) == expected
    assert sorted(set(calendar.expand(start, end, "team-7"))) == utc(before)
    assert sorted(set(calendar.expand(start, end, "team-7.2"))) == utc(after)
    assert all(t < change for t in utc(before))
    assert all(t >= change for t in utc(after))


def test_a_stale_update_does_not_win() -> None:
    """An export with a lower SEQUENCE than the one held changes nothing."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone="Europe/London")
    start = pendulum.datetime(2024, 1, 1)
    calendar = Calendar()
    calendar.load(
        to_ical(
            weekly,
            start=start,
            summary="x",
            uid="t",
            sequence=2,
            until=start.add(weeks=2),
        )
    )
    calendar.load(to_ical(weekly, start=start, summary="x", uid="t", sequence=1))
    assert len(calendar.expand(start, start.add(weeks=10))) == 2


def test_a_cancellation_removes_the_series() -> None:
    """METHOD:CANCEL with STATUS:CANCELLED and a higher SEQUENCE removes the event."""
    weekly = Cadence.weekly(on="tue", time="18:00", timezone="America/New_York")
    start = pendulum.datetime(2024, 3, 1)
    text = to_ical(
        weekly,
        start=start,
        summary="Check-in",
        uid="team-9",
        sequence=3,
        cancelled=True,
        organizer="coach@example.org",
    )
    parsed: Any = icalendar.Calendar.from_ical(text)
    assert str(parsed["METHOD"]) == "CANCEL"
    assert str(parsed.walk("VEVENT")[0]["ORGANIZER"]) == "mailto:coach@example.org"
    assert str(parsed.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    calendar = Calendar()
    calendar.load(to_ical(weekly, start=start, summary="Check-in", uid="team-9"))
    assert calendar.expand(start, start.add(weeks=4))
    calendar.load(text)
    assert calendar.expand(start, start.add(weeks=4)) == []


def test_an_invitation_has_organizer_attendees_and_a_reminder() -> None:
    """Attendees make a METHOD:REQUEST with ORGANIZER and ATTENDEEs; a reminder is a VALARM."""
    weekly = Cadence.weekly(on="tue", time="18:00", timezone="Europe/Paris")
    text = to_ical(
        weekly,
        start=pendulum.datetime(2024, 3, 1),
        summary="Check-in",
        uid="team-1",
        organizer="coach@example.org",
        attendees=["ada@example.org", "urn:uuid:7b0c", "ada@example.org"],
        reminder=dt.timedelta(minutes=10),
    )
    parsed: Any = icalendar.Calendar.from_ical(text)
    event = parsed.walk("VEVENT")[0]
    assert str(parsed["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:coach@example.org"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:ada@example.org", "urn:uuid:7b0c"]
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == -dt.timedelta(minutes=10)
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_a_plain_export_is_an_import_with_no_method() -> None:
    """Without attendees or a cancellation there is no METHOD: a calendar to import."""
    weekly = Cadence.weekly(on="tue", time="18:00", timezone="UTC")
    text = to_ical(weekly, start=pendulum.datetime(2024, 3, 1), summary="Check-in")
    assert "METHOD" not in text
    assert "SEQUENCE:0" in text


def test_a_plan_exports_without_glue() -> None:
    """to_ical(plan, ...) expands to exactly plan.occurrences()."""
    ada = Member(
        "ada", "action", timezone="Europe/London", availability="sat 09:00-13:00"
    )
    ben = Member(
        "ben", "action", timezone="America/New_York", availability="daily 06:30-08:00"
    )
    term = (pendulum.datetime(2024, 3, 4), pendulum.datetime(2024, 6, 3))
    plan = plan_checkins([ada, ben], during=term, duration=dt.timedelta(minutes=30))[0]
    calendar = Calendar()
    calendar.load(to_ical(plan, summary="Check-in", uid="team-3"))
    got = calendar.expand(term[0], term[1])
    assert got == utc(plan.occurrences())
    assert len(got) == 13
    assert "DURATION:PT30M" in to_ical(plan, summary="x")


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"uid": "a\nb"}, "uid"),
        ({"uid": ""}, "uid"),
        ({"sequence": -1}, "sequence"),
        ({"sequence": True}, "sequence"),
        ({"cancelled": "yes"}, "cancelled"),
        ({"cancelled": True}, "organizer"),  # RFC 5546: a CANCEL has an ORGANIZER
        ({"attendees": ["a@b"]}, "organizer"),
        ({"attendees": "a@b", "organizer": "c@d"}, "attendees"),
        ({"attendees": ["a b"], "organizer": "c@d"}, "attendees[0]"),
        ({"reminder": dt.timedelta(days=-1)}, "reminder"),
        ({"reminder": 15}, "reminder"),
        ({"start": None}, "start"),
    ],
)
def test_bad_lifecycle_options_name_the_field(
    kwargs: dict[str, Any], path: str
) -> None:
    """Every bad calendar option raises InvalidInputError naming it."""
    weekly = Cadence.weekly(on="tue", time="18:00", timezone="UTC")
    options: dict[str, Any] = {"start": pendulum.datetime(2024, 3, 1), "summary": "x"}
    with pytest.raises(InvalidInputError) as caught:
        to_ical(weekly, **(options | kwargs))
    assert caught.value.path == path


def test_a_series_that_ends_before_it_begins_is_refused() -> None:
    """An until before the first check-in is refused, naming until: RFC 5545 would still show DTSTART."""
    weekly = Cadence.weekly(on="tue", time="18:00", timezone="Europe/London")
    start = pendulum.datetime(2024, 3, 5)
    with pytest.raises(InvalidInputError) as caught:
        to_ical(weekly, start=start, until=start.add(hours=12), summary="x", uid="t")
    assert caught.value.path == "until"
    # Ending at the first check-in itself keeps it: one event.
    text = to_ical(weekly, start=start, until=start.add(hours=18), summary="x")
    assert "UNTIL=20240305T180000Z" in text
