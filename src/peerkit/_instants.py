"""
Time zones, calendar dates and instants: the clock arithmetic every module shares.

Internally an instant is an integer count of POSIX microseconds: exact,
hashable and cheap to compare. Instants become pendulum values only at the
public boundary.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

import attrs
import pendulum

from peerkit.errors import InvalidInputError

MINUTES_PER_DAY = 24 * 60

# --- time zones --------------------------------------------------------------


# Names the zone database ships that are not places: they follow the host's
# own clock setting ("localtime") or are placeholders. Accepting them would
# make results depend on the machine.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


# Legacy names that are not places. Each names a clock rule ("EST" is
# always UTC-5, "CET" is central Europe's rule in the abstract), so a New
# Yorker entered as "EST" is an hour off all summer. They are refused, with
# the place a person who typed them most likely means. The zone database's
# other old names (US/Eastern, Japan, GB) are links to a place's zone and
# follow its clocks, so they stay usable; UTC, its aliases and the Etc/*
# fixed offsets stay too (they say plainly that they are fixed).
LEGACY_ZONES: dict[str, str] = {
    "EST": "America/New_York",
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST": "America/Denver",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
    "HST": "Pacific/Honolulu",
    "CET": "Europe/Paris",
    "MET": "Europe/Paris",
    "EET": "Europe/Athens",
    "WET": "Europe/Lisbon",
    "GMT": "Europe/London",
    "GMT0": "Europe/London",
    "GMT+0": "Europe/London",
    "GMT-0": "Europe/London",
    "Greenwich": "Europe/London",
}
"""Refused legacy zone names, each with the geographic zone to suggest."""


# Built once, before it is published: functools.cache stores the frozenset
# only when it is complete, and it is never changed afterwards.
@functools.cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name peerkit accepts (legacy non-places refused)."""
    names = frozenset(zoneinfo.available_timezones()) | frozenset(pendulum.timezones())
    return frozenset(
        n
        for n in names
        if n not in _NOT_PLACES
        and n not in LEGACY_ZONES
        and not n.startswith(("posix/", "right/"))
    )


def is_timezone(name: object) -> bool:
    """Return whether *name* is an IANA time zone name peerkit can use."""
    return isinstance(name, str) and name in known_zones()


def check_timezone(path: str, value: object) -> str:
    """Return *value* if it is a known IANA time zone name, else raise."""
    if not is_timezone(value):
        suggestion = LEGACY_ZONES.get(value) if isinstance(value, str) else None
        if suggestion is not None:
            raise InvalidInputError(
                path,
                value,
                f"a geographic IANA time zone such as {suggestion!r} "
                f"({value!r} is a legacy name that does not follow any "
                "place's clock changes; 'UTC' or 'Etc/GMT+5' for a fixed offset)",
            )
        raise InvalidInputError(
            path, value, "an IANA time zone name such as 'Europe/London'"
        )
    return value  # type: ignore[return-value]  # is_timezone checked it is a str


@functools.lru_cache(maxsize=2048)
def zone(name: str) -> pendulum.Timezone:
    """The pendulum time zone for a validated IANA name (cached)."""
    return pendulum.timezone(name)


def _timezone_validator(
    _inst: object, attr: attrs.Attribute[Any], value: object
) -> None:
    check_timezone(attr.name, value)


def timezone_field(default: str = "UTC") -> Any:
    """An attrs field holding a validated IANA zone name."""
    return attrs.field(default=default, validator=_timezone_validator)


# --- instants ----------------------------------------------------------------


# peerkit works with dates whose week, and a day either side, Python can
# represent: years 2 to 9998. Outside them datetime arithmetic overflows.
MIN_DATE = dt.date(2, 1, 1)
MAX_DATE = dt.date(9998, 12, 31)
_DATE_RANGE = f"between {MIN_DATE} and {MAX_DATE}"


def check_date(path: str, value: object) -> dt.date:
    """Return *value* if it is a date (not a datetime) peerkit can work with."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInputError(path, value, "a date")
    if not MIN_DATE <= value <= MAX_DATE:
        raise InvalidInputError(path, value, f"a date {_DATE_RANGE}")
    return value


def as_instant(path: str, value: object) -> pendulum.DateTime:
    """
    Return *value* as a pendulum instant; refuse anything that is not aware.

    A naive datetime is an error, never a guess. A standard-library datetime
    is converted through UTC, so a wall time in a gap keeps the instant
    Python gives it (pendulum alone would read it with the later offset).
    """
    if not isinstance(value, dt.datetime):
        raise InvalidInputError(path, value, "a timezone-aware datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(
            path, value, "a timezone-aware datetime (naive datetimes are never guessed)"
        )
    if not MIN_DATE <= value.date() <= MAX_DATE:
        raise InvalidInputError(path, value, f"a datetime {_DATE_RANGE}")
    if isinstance(value, pendulum.DateTime):
        return value
    utc = pendulum.instance(value.astimezone(dt.UTC))
    key = getattr(value.tzinfo, "key", None)
    if isinstance(key, str) and is_timezone(key):
        return utc.in_timezone(zone(key))
    return utc


def to_utc(value: dt.datetime) -> pendulum.DateTime:
    """Attrs converter: an aware datetime becomes a pendulum instant in UTC."""
    try:
        return as_instant("", value).in_timezone(pendulum.UTC)
    except InvalidInputError:
        return value  # type: ignore[return-value]  # the validator says why


US = 1_000_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def micros(value: dt.datetime) -> int:
    """Exact POSIX microseconds of an aware datetime."""
    utc = value.astimezone(dt.UTC)
    days = utc.toordinal() - _EPOCH_ORDINAL
    seconds = days * 86400 + utc.hour * 3600 + utc.minute * 60 + utc.second
    return seconds * US + utc.microsecond


def wall_micros(wall: dt.datetime, tzinfo: dt.tzinfo) -> int:
    """
    POSIX microseconds of a naive local wall time in *tzinfo*.

    RFC 5545 §3.3.5: a wall time in a spring-forward gap is read with the
    offset before the gap (02:30 becomes 03:30); an ambiguous fall-back time
    is its first occurrence. Python's ``fold=0`` is exactly that reading.
    """
    return micros(wall.replace(tzinfo=tzinfo, fold=0))


def local_micros(day: dt.date, minute: int, tzinfo: dt.tzinfo) -> int:
    """POSIX microseconds of local wall time *minute* past midnight of *day*."""
    # A wall time read with fold=0, as wall_micros reads it: the instant is
    # the wall time less the offset Python gives it.
    ordinal = day.toordinal() + minute // 1440
    hour, rest = divmod(minute % 1440, 60)
    wall = dt.datetime.fromordinal(ordinal).replace(hour=hour, minute=rest)
    offset = wall.replace(tzinfo=tzinfo).utcoffset()
    shift = 0 if offset is None else offset // dt.timedelta(seconds=1)
    seconds = (ordinal - _EPOCH_ORDINAL) * 86400 + hour * 3600 + rest * 60 - shift
    return seconds * US


def local_instant(day: dt.date, time: dt.time, timezone: str) -> pendulum.DateTime:
    """
    The instant a local date and wall time denote, read as RFC 5545 reads them.

    A time in a spring-forward gap is read with the offset before the gap,
    so it lands as far after the gap as it was into it (02:30 becomes 03:30
    on a one-hour gap); an ambiguous fall-back time is the first occurrence.
    pendulum's own default for ambiguous times is the second one: peerkit
    never relies on it.

    Args:
        day: The local calendar date.
        time: The local wall time; its ``tzinfo`` and ``fold`` are ignored.
        timezone: IANA zone name.

    Returns:
        The instant, in *timezone*.

    Examples:
        >>> import datetime as dt
        >>> str(local_instant(dt.date(2024, 3, 10), dt.time(2, 30), "America/New_York"))
        '2024-03-10 03:30:00-04:00'
    """
    check_timezone("timezone", timezone)
    check_date("day", day)
    if not isinstance(time, dt.time):
        raise InvalidInputError("time", time, "a time of day")
    wall = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    return from_micros(wall_micros(wall, zone(timezone))).in_timezone(zone(timezone))


_EPOCH = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - naive UTC, for arithmetic only


def from_micros(micros: int) -> pendulum.DateTime:
    """The UTC instant *micros* POSIX microseconds after the epoch."""
    d = _EPOCH + dt.timedelta(microseconds=micros)
    return pendulum.DateTime(
        d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond,
        tzinfo=pendulum.UTC,
    )  # fmt: skip


# --- intervals -----------------------------------------------------------------
