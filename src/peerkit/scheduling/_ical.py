"""iCalendar export of a cadence, built with the icalendar package."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import TYPE_CHECKING

import icalendar

from peerkit._instants import as_instant, check_date, micros
from peerkit._validate import check_str
from peerkit.errors import InvalidInputError
from peerkit.scheduling._cadence import Cadence, plan
from peerkit.scheduling._occurrences import (
    check_cadence,
    check_days_off,
    dates,
    local_date,
    occurrences,
)
from peerkit.scheduling._walls import chunk, from_wall, wall_seconds

if TYPE_CHECKING:
    from collections.abc import Iterable

_US = 1_000_000
_YEARS_OF_ZONE_RULES = 10


def _first_wall(cadence: Cadence, start_us: int, anchor: dt.date) -> dt.datetime | None:
    """The wall time of the series' first check-in as the rule writes it."""
    p = plan(cadence)
    for day in dates(p, anchor, anchor):
        for second in p.seconds:
            wall = wall_seconds(day, second)
            if chunk(cadence.timezone, day.year).read(wall)[0] * _US >= start_us:
                return from_wall(wall)
    return None


def to_ical(  # noqa: PLR0913 - the domain input plus keyword-only options
    cadence: Cadence,
    *,
    start: dt.datetime,
    summary: str,
    until: dt.datetime | None = None,
    days_off: Iterable[dt.date] = (),
    duration: dt.timedelta = dt.timedelta(minutes=30),
    stamp: dt.datetime | None = None,
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
    check-ins; choose a cadence outside them.

    The output is a pure function of the arguments: the UID is derived
    from them, and DTSTAMP is *stamp* (default: *start*).

    Args:
        cadence: The recurrence.
        start: When the series begins (aware), as for `occurrences`.
        summary: The event's title, e.g. ``"Check-in with your partner"``.
            Keep it member-safe: calendars are often shared.
        until: Last instant of the series (aware), or None for open-ended.
        days_off: Days off, exported as EXDATEs.
        duration: How long each check-in is.
        stamp: The DTSTAMP (when the calendar object was made).

    Examples:
        >>> import pendulum
        >>> from peerkit.scheduling import Cadence
        >>> weekly = Cadence.weekly(on="mon", time="09:00", timezone="Europe/London")
        >>> text = to_ical(
        ...     weekly,
        ...     start=pendulum.datetime(2024, 3, 4),
        ...     summary="Check-in",
        ...     until=pendulum.datetime(2024, 6, 1),
        ... )
        >>> for line in text.splitlines():
        ...     if line.startswith(("DTSTART;TZID", "RRULE")):
        ...         print(line)
        DTSTART;TZID=Europe/London:20240304T090000
        RRULE:FREQ=WEEKLY;UNTIL=20240601T000000Z;BYMINUTE=0;BYHOUR=9;BYDAY=MO

    Added in 0.1.
    """
    check_cadence(cadence)
    first = as_instant("start", start)
    check_text("summary", summary)
    last = None if until is None else as_instant("until", until)
    off = check_days_off(days_off)
    if not isinstance(duration, dt.timedelta) or duration <= dt.timedelta(0):
        raise InvalidInputError("duration", duration, "a positive timedelta")
    made = first if stamp is None else as_instant("stamp", stamp)
    tz = zoneinfo.ZoneInfo(cadence.timezone)
    anchor = local_date(first, cadence.timezone)
    wall = _first_wall(cadence, micros(first), anchor)
    if wall is None:
        raise InvalidInputError(
            "cadence", cadence, "a cadence that occurs at least once"
        )

    rule = cadence.to_rrule()
    if last is not None:
        utc = last.in_timezone("UTC")
        rule = rule.replace(";", f";UNTIL={_utc_stamp(utc)};", 1)
    event = icalendar.Event()
    key = f"peerkit:{rule}:{cadence.timezone}:{first.isoformat()}:{summary}"
    event.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@peerkit")
    event.add("dtstamp", made.in_timezone("UTC"))
    event.add("summary", summary)
    event.add("dtstart", wall.replace(tzinfo=tz))
    event.add("duration", duration)
    event.add("rrule", icalendar.vRecur.from_ical(rule))
    if off:
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
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//peerkit//check-in cadence//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    end_year = (last or first).year + (0 if last else _YEARS_OF_ZONE_RULES)
    calendar.add_missing_timezones(
        first_date=dt.date(anchor.year, 1, 1),
        last_date=dt.date(min(end_year + 1, dt.MAXYEAR), 1, 1),
    )
    text: str = calendar.to_ical().decode()
    return text


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
