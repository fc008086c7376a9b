"""iCalendar export of a cadence, built with the icalendar package."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable
from typing import NamedTuple

import icalendar

from peerkit._instants import as_instant, check_date, from_micros, micros
from peerkit._validate import check_int, check_str
from peerkit.errors import InvalidInputError
from peerkit.scheduling._cadence import Cadence, plan
from peerkit.scheduling._occurrences import (
    check_cadence,
    check_days_off,
    dates,
    local_date,
    occurrences,
)
from peerkit.scheduling._plans import CheckinPlan
from peerkit.scheduling._walls import chunk, from_wall, wall_seconds

_US = 1_000_000
_YEARS_OF_ZONE_RULES = 10
_DEFAULT_DURATION = dt.timedelta(minutes=30)


def _first_wall(
    cadence: Cadence, start_us: int, anchor: dt.date
) -> tuple[dt.datetime, int] | None:
    """The series' first check-in: its wall time as the rule writes it, its instant."""
    p = plan(cadence)
    for day in dates(p, anchor, anchor):
        for second in p.seconds:
            wall = wall_seconds(day, second)
            at = chunk(cadence.timezone, day.year).read(wall)[0] * _US
            if at >= start_us:
                return from_wall(wall), at
    return None


def to_ical(  # noqa: PLR0913 - the domain input plus keyword-only options
    cadence: Cadence | CheckinPlan,
    *,
    summary: str,
    start: dt.datetime | None = None,
    until: dt.datetime | None = None,
    days_off: Iterable[dt.date] = (),
    duration: dt.timedelta | None = None,
    stamp: dt.datetime | None = None,
    uid: str | None = None,
    sequence: int = 0,
    cancelled: bool = False,
    organizer: str | None = None,
    attendees: Iterable[str] = (),
    reminder: dt.timedelta | None = None,
) -> str:
    """
    The cadence as an iCalendar (RFC 5545) calendar with one recurring event.

    The VEVENT carries the cadence's RRULE, a DTSTART with the member's
    TZID (and the VTIMEZONE that defines it), UNTIL in UTC as RFC 5545
    requires, and days off as EXDATEs. Calendar apps import it, and an
    RFC 5545 expansion of it (``recurring-ical-events``, for one) gives
    the instants of ``occurrences(cadence, start=start, until=until,
    days_off=days_off)``. One difference RFC 5545 itself makes: where two of the
    rule's wall times land on one instant (two times of day meeting in a
    spring-forward gap, or Pacific/Apia's missing 30 December 2011), a
    calendar shows two events at that instant, which `occurrences` gives
    once. Quiet hours are not exported: a calendar rule cannot move single
    check-ins; choose a cadence outside them (`plan_checkins` does). The
    series always ends with UNTIL, never COUNT: RFC 5545 counts COUNT
    before EXDATEs, while `occurrences`' *count* counts check-ins after
    days off and quiet hours.

    A series that stays in members' calendars keeps one app-given *uid*
    (a team id) for life. To change it, send the same event again with a
    higher *sequence*; to change the cadence from a date on, end the old
    series there (same *uid* and *start*, *until* just before the change,
    *sequence* one higher) and start its successor under a new *uid* from
    the change. Calendars that imported both show the old check-ins before
    the change and the new ones after it. (RFC 5545's
    ``RECURRENCE-ID;RANGE=THISANDFUTURE`` would say the same in one event,
    but Google Calendar and Outlook do not honour it; Outlook itself splits
    a series this way.) *cancelled* withdraws the series: ``METHOD:CANCEL``
    and ``STATUS:CANCELLED``, with the same *uid*, a higher *sequence* and
    the *organizer* (and *attendees*) it was sent with.

    Without *uid* the output is a pure function of the arguments: the UID
    is derived from them, and DTSTAMP is *stamp* (default: *start*).

    Args:
        cadence: The recurrence, or a `CheckinPlan` (its cadence; *start*,
            *until* and *duration* default to the plan's).
        summary: The event's title, e.g. ``"Check-in with your partner"``.
            Keep it member-safe: calendars are often shared.
        start: When the series begins (aware), as for `occurrences`;
            required with a cadence.
        until: Last instant of the series (aware), or None for open-ended.
        days_off: Days off, exported as EXDATEs.
        duration: How long each check-in is (30 minutes by default).
        stamp: The DTSTAMP (when the calendar object was made).
        uid: The event's stable UID, chosen by the app (a team id); derived
            from the other arguments when None.
        sequence: The revision of this *uid* (RFC 5545 SEQUENCE): 0 first,
            one more for each change sent.
        cancelled: Withdraw the series (``METHOD:CANCEL``,
            ``STATUS:CANCELLED``); needs *organizer*.
        organizer: The organiser's address (opaque, as the app gives it;
            ``mailto:`` is added when it has no scheme). Required with
            *attendees* and with *cancelled* (RFC 5546 gives every
            ``REQUEST`` and ``CANCEL`` an ``ORGANIZER``).
        attendees: Addresses of the people invited (opaque, as for
            *organizer*). With them the calendar is an invitation
            (``METHOD:REQUEST``); without them a plain calendar to import.
        reminder: How long before each check-in a calendar reminds (a
            ``VALARM``), or None for no reminder.

    Raises:
        peerkit.errors.InvalidInputError: If an argument is not what is
            expected, or the cadence never occurs from *start* on.

    Examples:
        >>> import pendulum
        >>> from peerkit.scheduling import Cadence
        >>> weekly = Cadence.weekly(on="mon", time="09:00", timezone="Europe/London")
        >>> text = to_ical(
        ...     weekly,
        ...     start=pendulum.datetime(2024, 3, 4),
        ...     summary="Check-in",
        ...     until=pendulum.datetime(2024, 6, 1),
        ...     uid="team-42",
        ...     sequence=1,
        ...     reminder=pendulum.duration(minutes=15),
        ... )
        >>> for line in text.splitlines():
        ...     if line.startswith(
        ...         ("UID", "SEQUENCE", "DTSTART;TZID", "RRULE", "TRIGGER")
        ...     ):
        ...         print(line)
        DTSTART;TZID=Europe/London:20240304T090000
        UID:team-42
        SEQUENCE:1
        RRULE:FREQ=WEEKLY;UNTIL=20240601T000000Z;BYMINUTE=0;BYHOUR=9;BYDAY=MO
        TRIGGER:-PT15M

    Added in 0.1. *uid*, *sequence*, *cancelled*, *organizer*, *attendees*,
    *reminder* and a `CheckinPlan` in place of a cadence: added in 0.2.
    """
    if isinstance(cadence, CheckinPlan):
        cadence, start, until, duration = _unpack(cadence, start, until, duration)
    check_cadence(cadence)
    first = as_instant("start", start)
    check_text("summary", summary)
    last = None if until is None else as_instant("until", until)
    off = check_days_off(days_off)
    duration = _DEFAULT_DURATION if duration is None else duration
    if not isinstance(duration, dt.timedelta) or duration <= dt.timedelta(0):
        raise InvalidInputError("duration", duration, "a positive timedelta")
    lifecycle = _lifecycle(
        uid=uid,
        sequence=sequence,
        cancelled=cancelled,
        organizer=organizer,
        attendees=attendees,
        reminder=reminder,
    )
    made = first if stamp is None else as_instant("stamp", stamp)
    tz = zoneinfo.ZoneInfo(cadence.timezone)
    anchor = local_date(first, cadence.timezone)
    found = _first_wall(cadence, micros(first), anchor)
    if found is None:
        raise InvalidInputError(
            "cadence", cadence, "a cadence that occurs at least once"
        )
    wall, first_at = found
    _check_until(until, last, first_at)

    rule = _portable(cadence.to_rrule())
    if last is not None:
        utc = last.in_timezone("UTC")
        rule = rule.replace(";", f";UNTIL={_utc_stamp(utc)};", 1)
    event = icalendar.Event()
    key = f"peerkit:{rule}:{cadence.timezone}:{first.isoformat()}:{summary}"
    derived = f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@peerkit"
    event.add("uid", derived if lifecycle.uid is None else lifecycle.uid)
    event.add("dtstamp", made.in_timezone("UTC"))
    event.add("sequence", lifecycle.sequence)
    event.add("summary", summary)
    if lifecycle.cancelled:
        event.add("status", "CANCELLED")
    event.add("dtstart", wall.replace(tzinfo=tz))
    event.add("duration", duration)
    event.add("rrule", icalendar.vRecur.from_ical(rule))
    if off:
        _exdates(event, cadence, first, last, off)
    _invite(event, lifecycle, summary)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//peerkit//check-in cadence//EN")
    calendar.add("version", "2.0")
    if lifecycle.cancelled:
        calendar.add("method", "CANCEL")
    elif lifecycle.attendees:
        calendar.add("method", "REQUEST")
    calendar.add_component(event)
    end_year = (last or first).year + (0 if last else _YEARS_OF_ZONE_RULES)
    calendar.add_missing_timezones(
        first_date=dt.date(anchor.year, 1, 1),
        last_date=dt.date(min(end_year + 1, dt.MAXYEAR), 1, 1),
    )
    text: str = calendar.to_ical().decode()
    return text


def _check_until(until: object, last: dt.datetime | None, first_at: int) -> None:
    """
    Refuse an *until* before the series' first check-in (at *first_at*).

    RFC 5545 counts DTSTART as the first instance whatever UNTIL says, so
    calendars would show a check-in that never happens.
    """
    if last is not None and micros(last) < first_at:
        raise InvalidInputError(
            "until",
            until,
            f"an instant not before the first check-in ({from_micros(first_at)}); "
            "to withdraw a series before it begins, send it with cancelled=True",
        )


def _portable(rule: str) -> str:
    """
    *rule*, with a monthly BYDAY that mixes ordinal and plain weekdays made plain.

    RFC 5545 reads ``BYDAY=-1FR,TU`` in a MONTHLY rule as the last Friday
    and every Tuesday; python-dateutil, and the calendars built on it
    (recurring-ical-events among them), read both at once and find no day.
    Every Tuesday of a month is its 1st to 5th, so ``1TU,2TU,3TU,4TU,5TU``
    says the same and every reader agrees.
    """
    parts = rule.split(";")
    if "FREQ=MONTHLY" not in parts:
        return rule
    for i, part in enumerate(parts):
        if part.startswith("BYDAY="):
            days = part.removeprefix("BYDAY=").split(",")
            plain = [d for d in days if d.isalpha()]
            if plain and len(plain) < len(days):
                days = [
                    f"{n}{d}" if d.isalpha() else d
                    for d in days
                    for n in (range(1, 6) if d.isalpha() else (0,))
                ]
                parts[i] = "BYDAY=" + ",".join(days)
    return ";".join(parts)


def _unpack(
    plan: CheckinPlan,
    start: dt.datetime | None,
    until: dt.datetime | None,
    duration: dt.timedelta | None,
) -> tuple[Cadence, dt.datetime, dt.datetime, dt.timedelta]:
    """A plan's cadence, and its start, until and duration where not given."""
    return (
        plan.cadence,
        plan.start if start is None else start,
        plan.until if until is None else until,
        plan.duration if duration is None else duration,
    )


def _exdates(
    event: icalendar.Event,
    cadence: Cadence,
    first: dt.datetime,
    last: dt.datetime | None,
    off: frozenset[dt.date],
) -> None:
    """Add the check-ins that fall on days off as EXDATEs."""
    tz = zoneinfo.ZoneInfo(cadence.timezone)
    skipped = [
        t
        for t in occurrences(cadence, start=first, until=_before(last, off))
        if dt.date(t.year, t.month, t.day) in off
    ]
    if skipped:
        event.add(
            "exdate",
            [
                dt.datetime(
                    t.year,
                    t.month,
                    t.day,
                    t.hour,
                    t.minute,
                    t.second,
                    tzinfo=tz,
                    fold=t.fold,
                )
                for t in skipped
            ],
        )


class _Lifecycle(NamedTuple):
    uid: str | None
    sequence: int
    cancelled: bool
    organizer: str | None
    attendees: tuple[str, ...]
    reminder: dt.timedelta | None


_MAX_REMINDER = dt.timedelta(weeks=4)


def _lifecycle(  # noqa: PLR0913 - the calendar lifecycle options, keyword-only
    *,
    uid: object,
    sequence: object,
    cancelled: object,
    organizer: object,
    attendees: object,
    reminder: object,
) -> _Lifecycle:
    """The lifecycle options, checked."""
    if uid is not None:
        check_text("uid", uid)
        if any(c in str(uid) for c in "\t\n"):
            raise InvalidInputError("uid", uid, "an id on one line")
    check_int("sequence", sequence, minimum=0, maximum=2**31 - 1)
    if not isinstance(cancelled, bool):
        raise InvalidInputError("cancelled", cancelled, "True or False")
    who = None if organizer is None else _address("organizer", organizer)
    if isinstance(attendees, (str, bytes)) or not isinstance(attendees, Iterable):
        raise InvalidInputError("attendees", attendees, "an iterable of addresses")
    guests = tuple(
        dict.fromkeys(_address(f"attendees[{i}]", a) for i, a in enumerate(attendees))
    )
    if guests and who is None:
        raise InvalidInputError(
            "organizer",
            organizer,
            "the organiser's address: an invitation with attendees needs one "
            "(RFC 5546)",
        )
    if cancelled and who is None:
        raise InvalidInputError(
            "organizer",
            organizer,
            "the organiser's address: a cancellation (METHOD:CANCEL) needs one "
            "(RFC 5546)",
        )
    if reminder is not None and (
        not isinstance(reminder, dt.timedelta)
        or not dt.timedelta(0) <= reminder <= _MAX_REMINDER
    ):
        raise InvalidInputError(
            "reminder", reminder, "a timedelta from 0 to 4 weeks, or None"
        )
    return _Lifecycle(
        uid,  # type: ignore[arg-type]  # checked above
        sequence,  # type: ignore[arg-type]  # checked above
        cancelled,
        who,
        guests,
        reminder,
    )


def _address(path: str, value: object) -> str:
    """An opaque calendar address; ``mailto:`` is added when it has no scheme."""
    text = check_text(path, value)
    if any(c.isspace() for c in text):
        raise InvalidInputError(path, value, "an address without spaces")
    scheme = text.partition(":")[0]
    has_scheme = ":" in text and scheme.isascii() and scheme.replace("-", "").isalnum()
    return text if has_scheme else f"mailto:{text}"


def _invite(event: icalendar.Event, lifecycle: _Lifecycle, summary: str) -> None:
    """Add the organiser, the attendees and the reminder to *event*."""
    if lifecycle.organizer is not None:
        event.add("organizer", icalendar.vCalAddress(lifecycle.organizer))
    for address in lifecycle.attendees:
        attendee = icalendar.vCalAddress(address)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee, encode=False)
    if lifecycle.reminder is not None:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -lifecycle.reminder)
        event.add_component(alarm)


def _utc_stamp(utc: dt.datetime) -> str:
    """An RFC 5545 UTC date-time, its year zero-padded (0999, not 999)."""
    return (
        f"{utc.year:04d}{utc.month:02d}{utc.day:02d}"
        f"T{utc.hour:02d}{utc.minute:02d}{utc.second:02d}Z"
    )


_CONTROLS = frozenset(chr(c) for c in (*range(32), 127)) - {"\t", "\n"}


def check_text(path: str, value: object) -> str:
    """
    Return *value* if it can be an iCalendar TEXT value.

    RFC 5545 (§3.3.11) allows no control characters in TEXT but a tab and
    a line break (written escaped); lone surrogates are refused by
    `check_str`, as everywhere.
    """
    text = check_str(path, value)
    if not _CONTROLS.isdisjoint(text):
        raise InvalidInputError(
            path,
            value,
            "text without control characters (a tab or a line break may stay)",
        )
    return text


def _before(last: dt.datetime | None, days_off: frozenset[dt.date]) -> dt.datetime:
    """Where to stop looking for check-ins on days off."""
    latest = max(days_off) + dt.timedelta(days=2)
    check_date("days_off", latest)
    bound = as_instant(
        "days_off", dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.UTC)
    )
    return bound if last is None else min(bound, last)
