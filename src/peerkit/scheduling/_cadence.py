"""Cadence: when a member's check-ins recur, in their own wall-clock time."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import attrs

from peerkit._availability import WEEKDAYS, parse_days
from peerkit._instants import as_instant, check_timezone, timezone_field, zone
from peerkit._model import Group
from peerkit._validate import check_choice, integer
from peerkit.errors import InvalidInputError
from peerkit.scheduling._slots import Slot

if TYPE_CHECKING:
    from typing import Self

Frequency = Literal["daily", "weekly", "monthly"]
"""How often a cadence's period repeats: ``"daily"``, ``"weekly"`` or ``"monthly"``."""

FREQUENCIES: tuple[Frequency, ...] = ("daily", "weekly", "monthly")
"""Every `Frequency` a cadence can have, from most to least often."""

_RFC_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RFC_FREQ = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly"}
_MAX_EVERY = 1000
_WEEKS_PER_MONTH = 365.2425 / 12 / 7

# --- times of day ------------------------------------------------------------

_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)
_TIME_HELP = "a wall time such as '09:00' (or several), whole minutes, no tzinfo"


def _one_time(value: object) -> object:
    if isinstance(value, str):
        m = _HHMM.fullmatch(value.strip())
        if m is None or int(m[1]) > 23 or int(m[2]) > 59:
            return value
        return dt.time(int(m[1]), int(m[2]))
    return value


def _to_times(value: Any) -> Any:
    """``"09:00"``, a `datetime.time` or an iterable of them: a sorted tuple."""
    items = [value] if isinstance(value, (str, dt.time)) else value
    if not isinstance(items, Iterable):
        return value
    try:
        converted = [_one_time(v) for v in items]
        if all(isinstance(t, dt.time) for t in converted):
            return tuple(sorted(set(converted)))
    except TypeError:  # unhashable items: the validator says which
        pass
    return tuple(converted) if isinstance(converted, list) else value


def _check_times(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidInputError(attr.name, value, _TIME_HELP)
    for i, t in enumerate(value):
        if (
            not isinstance(t, dt.time)
            or t.tzinfo is not None
            or t.second
            or t.microsecond
        ):
            raise InvalidInputError(f"{attr.name}[{i}]", t, _TIME_HELP)
    hours = {t.hour for t in value}
    minutes = {t.minute for t in value}
    if len(hours) * len(minutes) != len(value):
        raise InvalidInputError(
            attr.name,
            tuple(t.strftime("%H:%M") for t in value),
            "times whose hours and minutes combine freely, as RFC 5545's "
            "BYHOUR and BYMINUTE do (09:00 and 21:00, or 09:00 and 09:30; "
            "for 09:00 and 17:30 use two cadences)",
        )


# --- weekdays ----------------------------------------------------------------

_TOKEN = re.compile(r"([+-]?[0-9]{1,2})?([a-z]{2,9})", re.ASCII)
_DAY_HELP = (
    "weekdays such as 'mon' or ('mon', 'thu'); for a monthly cadence, "
    "ordinal weekdays such as '2tue' or '-1fri'"
)


def _weekday_index(name: str) -> int | None:
    days = parse_days(name)
    return days[0] if days is not None and len(days) == 1 else None


def _token(value: object) -> str | None:
    """``"2TU"``, ``"2tue"``, ``"Monday"``: canonical ``"2tue"``, ``"mon"``, or None."""
    if not isinstance(value, str):
        return None
    m = _TOKEN.fullmatch(value.strip().lower())
    if m is None:
        return None
    day = _weekday_index(m[2])
    if day is None:
        return None
    if m[1] is None:
        return WEEKDAYS[day]
    n = int(m[1])
    if n == 0 or abs(n) > 5:
        return None
    return f"{n}{WEEKDAYS[day]}"


def split_token(value: str) -> tuple[int, int | None]:
    """``"2tue"`` -> ``(1, 2)``; ``"mon"`` -> ``(0, None)``."""
    name = value.lstrip("+-0123456789")
    ordinal = value[: len(value) - len(name)]
    return WEEKDAYS.index(name), int(ordinal) if ordinal else None


def _token_key(value: str) -> tuple[int, int]:
    day, n = split_token(value)
    return (day, 0 if n is None else n if n > 0 else 10 - n)


def _to_weekdays(value: Any) -> Any:
    if value is None:
        return ()
    items: Any = value
    if isinstance(value, str):
        expanded = parse_days(value) if not any(c.isdigit() for c in value) else None
        items = [WEEKDAYS[d] for d in expanded] if expanded is not None else [value]
    if not isinstance(items, Iterable):
        return value
    tokens = [_token(v) for v in items]
    if any(t is None for t in tokens):
        return tuple(items)  # the validator names the bad one
    return tuple(sorted(set(tokens), key=_token_key))


def _check_weekdays(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidInputError(attr.name, value, _DAY_HELP)
    for i, v in enumerate(value):
        if not isinstance(v, str) or _token(v) != v:
            raise InvalidInputError(f"{attr.name}[{i}]", v, _DAY_HELP)


def _to_month_days(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value
    items = tuple(value)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return tuple(sorted(set(items), key=lambda d: (d < 0, abs(d))))
    return items


def _check_month_days(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidInputError(
            attr.name, value, "days of the month, 1 to 31 or -1 to -31"
        )
    for i, d in enumerate(value):
        if isinstance(d, bool) or not isinstance(d, int) or d == 0 or abs(d) > 31:
            raise InvalidInputError(
                f"{attr.name}[{i}]",
                d,
                "a day of the month, 1 to 31 or -1 (last) to -31",
            )


def _check_frequency(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    check_choice(attr.name, value, FREQUENCIES)


# --- the value ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Cadence:
    """
    When a member's check-ins recur, in wall-clock time in their own zone.

    A cadence is the RFC 5545 recurrence subset a check-in needs, plus the
    time zone it is read in: it stays at 09:00 local through every clock
    change. It holds no start: the series begins where `occurrences` is
    told to start, and an ``every=2`` cadence counts its weeks from there.
    Build one with `daily`, `weekly`, `monthly` or `from_rrule`.

    Attributes:
        frequency: ``"daily"``, ``"weekly"`` or ``"monthly"``.
        times: Local wall times of day, sorted (``09:00``; several only
            where their hours and minutes combine freely, as RFC 5545's
            BYHOUR and BYMINUTE do).
        timezone: The member's IANA zone the wall times are read in.
        every: Every how many days, weeks or months (RFC 5545's INTERVAL).
        weekdays: Weekly: the days (``"mon"``, ``"thu"``). Daily: only
            these days (empty for every day). Monthly: ordinal weekdays,
            ``"2tue"`` for the second Tuesday, ``"-1fri"`` for the last
            Friday, or plain ones, ``"tue"`` for every Tuesday of the month.
        month_days: Monthly: days of the month, ``-1`` for the last. A day
            a month does not have (the 31st in April) is skipped, as RFC
            5545 says; use ``-1`` for "the last day". With *weekdays* too,
            only the month days that are also such weekdays (RFC 5545:
            BYDAY limits BYMONTHDAY), e.g. Friday the 13th.

    Examples:
        >>> cadence = Cadence.weekly(
        ...     on=("mon", "thu"), time="09:00", timezone="Europe/London"
        ... )
        >>> str(cadence)
        'every week on Mon and Thu at 09:00 (Europe/London)'
        >>> cadence.to_rrule()
        'FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0'
        >>> from peerkit.scheduling import FREQUENCIES
        >>> cadence.frequency, FREQUENCIES
        ('weekly', ('daily', 'weekly', 'monthly'))

    Added in 0.1.
    """

    frequency: Frequency = attrs.field(validator=_check_frequency)
    times: tuple[dt.time, ...] = attrs.field(
        converter=_to_times, validator=_check_times
    )
    timezone: str = timezone_field()
    every: int = attrs.field(default=1, validator=integer(1, _MAX_EVERY))
    weekdays: tuple[str, ...] = attrs.field(
        default=(), converter=_to_weekdays, validator=_check_weekdays
    )
    month_days: tuple[int, ...] = attrs.field(
        default=(), converter=_to_month_days, validator=_check_month_days
    )

    def __attrs_post_init__(self) -> None:
        ordinal = [w for w in self.weekdays if split_token(w)[1] is not None]
        if self.frequency != "monthly":
            if self.month_days:
                raise InvalidInputError(
                    "month_days",
                    self.month_days,
                    "no month days on a daily or weekly cadence",
                )
            if ordinal:
                raise InvalidInputError(
                    "weekdays",
                    self.weekdays,
                    "plain weekdays ('mon'); ordinals such as '2tue' are monthly",
                )
        if self.frequency == "weekly" and not self.weekdays:
            raise InvalidInputError(
                "weekdays", self.weekdays, "at least one weekday for a weekly cadence"
            )
        if self.frequency == "monthly" and not self.weekdays and not self.month_days:
            raise InvalidInputError(
                "month_days",
                self.month_days,
                "month days or weekdays for a monthly cadence (or both: the "
                "month days that fall on those weekdays)",
            )

    # --- constructors ------------------------------------------------------

    @classmethod
    def daily(
        cls,
        *,
        time: str | dt.time | Iterable[str | dt.time],
        timezone: str,
        every: int = 1,
        on: str | Iterable[str] | None = None,
    ) -> Self:
        """
        Every day (or every *every* days) at *time*.

        Args:
            time: Local wall time of day, ``"08:00"``, or several.
            timezone: The member's IANA time zone.
            every: Every how many days.
            on: Only these weekdays (``"mon-fri"``, ``("sat", "sun")``).

        Examples:
            >>> str(
            ...     Cadence.daily(time="08:00", on="mon-fri", timezone="Asia/Kathmandu")
            ... )
            'every day on Mon, Tue, Wed, Thu and Fri at 08:00 (Asia/Kathmandu)'
        """
        return cls(
            frequency="daily", times=time, timezone=timezone, every=every, weekdays=on
        )

    @classmethod
    def weekly(
        cls,
        *,
        on: str | Iterable[str],
        time: str | dt.time | Iterable[str | dt.time],
        timezone: str,
        every: int = 1,
    ) -> Self:
        """
        Every week (or every *every* weeks) on the given weekdays at *time*.

        Args:
            on: Weekdays: ``"mon"``, ``("mon", "thu")``, ``"mon-fri"``.
            time: Local wall time of day, ``"09:00"``, or several.
            timezone: The member's IANA time zone.
            every: Every how many weeks (weeks start on Monday).

        Examples:
            >>> Cadence.weekly(
            ...     on="tue", time="19:30", every=2, timezone="UTC"
            ... ).to_rrule()
            'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=19;BYMINUTE=30'
        """
        return cls(
            frequency="weekly", times=time, timezone=timezone, every=every, weekdays=on
        )

    @classmethod
    def monthly(
        cls,
        *,
        time: str | dt.time | Iterable[str | dt.time],
        timezone: str,
        every: int = 1,
        on: str | Iterable[str] | None = None,
        day: int | Iterable[int] | None = None,
    ) -> Self:
        """
        Every month on ordinal weekdays (*on*) or days of the month (*day*).

        Args:
            time: Local wall time of day.
            timezone: The member's IANA time zone.
            every: Every how many months.
            on: ``"2tue"`` (second Tuesday), ``"-1fri"`` (last Friday), or
                several.
            day: ``1``, ``-1`` (last day), or several.

        Examples:
            >>> str(Cadence.monthly(on="-1fri", time="18:00", timezone="Europe/Berlin"))
            'every month on the last Fri at 18:00 (Europe/Berlin)'
        """
        return cls(
            frequency="monthly",
            times=time,
            timezone=timezone,
            every=every,
            weekdays=on,
            month_days=day,
        )

    @classmethod
    def for_slot(cls, slot: Slot, *, member_id: str, every: int = 1) -> Self:
        """
        Weekly at a common slot's time, read in one member's own zone.

        A slot from `common_slots` is one instant; as a recurring check-in
        it is the same weekday and wall-clock time each week in the zone of
        the member whose calendar it lives in (their partner sees it at
        whatever that is in theirs, across each clock change).

        Args:
            slot: A slot from `common_slots`.
            member_id: Whose zone the check-in is kept in; one of the
                slot's members.
            every: Every how many weeks.

        Examples:
            >>> import datetime as dt
            >>> from peerkit import Member
            >>> from peerkit.scheduling import common_slots
            >>> ada = Member(
            ...     "ada",
            ...     "action",
            ...     timezone="Europe/London",
            ...     availability=["tue 18:00-20:00"],
            ... )
            >>> ben = Member(
            ...     "ben",
            ...     "action",
            ...     timezone="America/New_York",
            ...     availability=["tue 13:00-15:00"],
            ... )
            >>> slot = common_slots(
            ...     [ada, ben],
            ...     duration=dt.timedelta(minutes=30),
            ...     week_of=dt.date(2024, 1, 8),
            ... )[0]
            >>> Cadence.for_slot(slot, member_id="ada").to_rrule()
            'FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0'
        """
        if not isinstance(slot, Slot):
            raise InvalidInputError("slot", slot, "a Slot")
        start, _ = slot.local(member_id)
        return cls.weekly(
            on=WEEKDAYS[start.weekday()],
            time=start.time().replace(tzinfo=None),
            timezone=slot.timezones[member_id],
            every=every,
        )

    @classmethod
    def for_group(cls, group: Group, *, every: int = 1) -> Self:
        """
        Weekly at the start of each window the group meets in, in its zone.

        Args:
            group: A group with ``meets`` (its windows must all start at the
                same time of day, as one cadence has one time a day).
            every: Every how many weeks.

        Raises:
            peerkit.errors.InvalidInputError: If the group meets at no time,
                or at different times on different days.

        Examples:
            >>> from peerkit import Group
            >>> group = Group(
            ...     "g1",
            ...     [],
            ...     8,
            ...     timezone="Europe/Paris",
            ...     meets=["mon 19:00-20:30", "thu 19:00-20:30"],
            ... )
            >>> Cadence.for_group(group).to_rrule()
            'FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=19;BYMINUTE=0'
        """
        if not isinstance(group, Group):
            raise InvalidInputError("group", group, "a Group")
        windows = group.meets.windows
        starts = {w.start for w in windows}
        if len(starts) != 1:
            raise InvalidInputError(
                "group.meets",
                str(group.meets) or "never",
                "windows that all start at the same time of day",
            )
        (start,) = starts
        return cls.weekly(
            on=[WEEKDAYS[d] for d in sorted({w.day for w in windows})],
            time=dt.time(start // 60, start % 60),
            timezone=group.timezone,
            every=every,
        )

    @classmethod
    def from_rrule(
        cls, rule: str, *, timezone: str, start: dt.datetime | None = None
    ) -> Self:
        """
        Read an RFC 5545 RRULE in the subset a cadence supports.

        Supported: ``FREQ`` (DAILY, WEEKLY, MONTHLY), ``INTERVAL``,
        ``BYDAY`` (ordinals only with MONTHLY), ``BYMONTHDAY`` (MONTHLY),
        ``BYHOUR``, ``BYMINUTE``, ``BYSECOND=0`` and ``WKST=MO``. Anything
        else is refused, never approximated (``COUNT`` and ``UNTIL`` too: a
        cadence holds no end; pass them to `occurrences`).

        What RFC 5545 takes from the DTSTART is taken from *start*, read in
        *timezone*: the time of day where ``BYHOUR`` or ``BYMINUTE`` is
        missing, the weekday of a WEEKLY rule without ``BYDAY``, and the
        day of the month of a MONTHLY rule with neither ``BYDAY`` nor
        ``BYMONTHDAY``. Without *start* such rules are refused.

        Args:
            rule: The rule, with or without a leading ``RRULE:``.
            timezone: The IANA zone the rule's wall times are read in (the
                DTSTART's TZID).
            start: The series' DTSTART (aware), for the parts the rule
                leaves to it.

        Raises:
            peerkit.errors.InvalidInputError: If the rule is outside the
                subset; the message names the part.

        Examples:
            >>> c = Cadence.from_rrule(
            ...     "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=18;BYMINUTE=30",
            ...     timezone="America/New_York",
            ... )
            >>> str(c)
            'every month on the 2nd Tue at 18:30 (America/New_York)'
            >>> import pendulum
            >>> str(
            ...     Cadence.from_rrule(
            ...         "FREQ=WEEKLY;INTERVAL=2",
            ...         timezone="Europe/Paris",
            ...         start=pendulum.datetime(1997, 9, 2, 9, tz="Europe/Paris"),
            ...     )
            ... )
            'every 2 weeks on Tue at 09:00 (Europe/Paris)'

        Added in 0.1. *start*: added in 0.2.
        """
        check_timezone("timezone", timezone)
        local = None if start is None else _local_start(start, timezone)
        parts = _parse_rule(rule)
        freq = parts.pop("FREQ", None)
        if freq not in _RFC_FREQ:
            raise InvalidInputError("rule", rule, "FREQ=DAILY, WEEKLY or MONTHLY")
        if parts.pop("BYSECOND", "0") != "0":
            raise InvalidInputError(
                "rule", rule, "BYSECOND=0 or none: check-ins are at whole minutes"
            )
        if parts.pop("WKST", "MO") != "MO":
            raise InvalidInputError(
                "rule", rule, "WKST=MO or none: peerkit's weeks start on Monday"
            )
        hours, minutes = _time_parts(parts, rule, local)
        interval = _ints(parts.pop("INTERVAL", "1"))
        days = [_rfc_day(d, rule) for d in parts.pop("BYDAY", "").split(",") if d]
        month_days = _ints(parts.pop("BYMONTHDAY", ""))
        if parts:
            raise InvalidInputError(
                "rule",
                rule,
                f"a rule without {', '.join(sorted(parts))}: outside the subset a "
                "cadence supports (FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYHOUR, "
                "BYMINUTE)",
            )
        if len(interval) != 1:
            raise InvalidInputError("rule", rule, "one INTERVAL")
        frequency = _RFC_FREQ[freq]
        if frequency == "weekly" and not days:
            days = [WEEKDAYS[_needs(local, rule, "BYDAY").weekday()]]
        if frequency == "monthly" and not days and not month_days:
            month_days = (_needs(local, rule, "BYDAY or BYMONTHDAY").day,)
        return cls(
            frequency=frequency,  # type: ignore[arg-type]  # a Frequency
            times=tuple(dt.time(h, m) for h in hours for m in minutes),
            timezone=timezone,
            every=interval[0],
            weekdays=days,
            month_days=month_days,
        )

    # --- views -------------------------------------------------------------

    def to_rrule(self) -> str:
        """
        This cadence as an RFC 5545 RRULE value (without the ``RRULE:`` name).

        The zone is not part of an RRULE: it goes on the event's DTSTART
        (see `to_ical`). ``Cadence.from_rrule(c.to_rrule(), timezone=c.timezone)``
        gives back *c*.

        Examples:
            >>> from peerkit.scheduling import Cadence
            >>> cadence = Cadence.weekly(
            ...     on=["mon", "thu"], time="18:30", timezone="Europe/London", every=2
            ... )
            >>> cadence.to_rrule()
            'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=18;BYMINUTE=30'
            >>> Cadence.from_rrule(
            ...     cadence.to_rrule(), timezone="Europe/London"
            ... ) == cadence
            True
        """
        parts = [f"FREQ={self.frequency.upper()}"]
        if self.every != 1:
            parts.append(f"INTERVAL={self.every}")
        if self.month_days:
            parts.append("BYMONTHDAY=" + ",".join(map(str, self.month_days)))
        if self.weekdays:
            parts.append("BYDAY=" + ",".join(_rfc_token(w) for w in self.weekdays))
        hours = sorted({t.hour for t in self.times})
        minutes = sorted({t.minute for t in self.times})
        parts.append("BYHOUR=" + ",".join(map(str, hours)))
        parts.append("BYMINUTE=" + ",".join(map(str, minutes)))
        return ";".join(parts)

    @property
    def per_week(self) -> float:
        """
        Nominal check-ins per week (a monthly one counts 12 a year).

        Examples:
            >>> Cadence.weekly(on=("mon", "thu"), time="09:00", timezone="UTC").per_week
            2.0
        """
        days: float
        if self.frequency == "daily":
            days = len(self.weekdays) or 7
        elif self.frequency == "weekly":
            days = len(self.weekdays)
        else:
            plain = sum(split_token(w)[1] is None for w in self.weekdays)
            ordinal = len(self.weekdays) - plain
            # A month of weekdays: each plain one about 4.35 times, each
            # ordinal once; month days that must also be such weekdays
            # keep their share of them.
            by_day = plain * _WEEKS_PER_MONTH + ordinal
            if self.month_days and self.weekdays:
                by_day = len(self.month_days) * by_day / (7 * _WEEKS_PER_MONTH)
            elif self.month_days:
                by_day = len(self.month_days)
            days = by_day / _WEEKS_PER_MONTH
        return days * len(self.times) / self.every

    def __str__(self) -> str:
        unit = {"daily": "day", "weekly": "week", "monthly": "month"}[self.frequency]
        every = f"every {unit}" if self.every == 1 else f"every {self.every} {unit}s"
        on = ""
        if self.month_days:
            on = " on " + _and([_day_of_month(d) for d in self.month_days])
            if self.weekdays:
                on += " if it is a " + _or([_weekday_words(w) for w in self.weekdays])
        elif self.weekdays:
            on = " on " + _and([_weekday_words(w) for w in self.weekdays])
        at = _and([t.strftime("%H:%M") for t in self.times])
        return f"{every}{on} at {at} ({self.timezone})"


# --- rule text ---------------------------------------------------------------


def _local_start(start: object, timezone: str) -> dt.datetime:
    """
    *start* as a wall time in *timezone*, at a whole minute.

    A start already in *timezone* keeps its own wall time, as the DTSTART
    it was parsed from wrote it: where a clock change skipped that wall
    time (02:30 on a spring-forward night, Samoa's 30 December 2011), the
    instant reads back as a later one, but RFC 5545 takes the rule's day
    and time of day from the DTSTART as written.
    """
    local: dt.datetime = as_instant("start", start).in_timezone(zone(timezone))
    tzinfo = getattr(start, "tzinfo", None)
    if isinstance(start, dt.datetime) and timezone in (
        getattr(tzinfo, "key", None),
        getattr(tzinfo, "name", None),
    ):
        local = start.replace(tzinfo=None)
    if local.second or local.microsecond:
        raise InvalidInputError(
            "start", start, "a start at a whole minute: check-ins are at whole minutes"
        )
    return local


def _time_parts(
    parts: dict[str, str], rule: str, local: dt.datetime | None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """BYHOUR and BYMINUTE, each from the start where the rule has none."""
    hours = _ints(parts.pop("BYHOUR", ""))
    minutes = _ints(parts.pop("BYMINUTE", ""))
    if not hours or not minutes:
        if local is None:
            raise InvalidInputError(
                "rule",
                rule,
                "BYHOUR and BYMINUTE, or a start to take the time of day "
                "from (RFC 5545's DTSTART)",
            )
        hours = hours or (local.hour,)
        minutes = minutes or (local.minute,)
    if any(not 0 <= h <= 23 for h in hours) or any(not 0 <= m <= 59 for m in minutes):
        raise InvalidInputError("rule", rule, "BYHOUR 0-23 and BYMINUTE 0-59")
    return hours, minutes


def _needs(local: dt.datetime | None, rule: str, part: str) -> dt.datetime:
    """*local*, the start a rule without *part* takes it from; refused without one."""
    if local is None:
        raise InvalidInputError(
            "rule",
            rule,
            f"{part}, or a start to take it from (RFC 5545's DTSTART)",
        )
    return local


def _parse_rule(rule: object) -> dict[str, str]:
    if not isinstance(rule, str) or len(rule) > 500:
        raise InvalidInputError(
            "rule", rule, "an RRULE such as 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0'"
        )
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for part in text.split(";"):
        key, sep, val = part.partition("=")
        key = key.strip().upper()
        if not sep or not key or key in parts:
            raise InvalidInputError(
                "rule", rule, "NAME=VALUE parts separated by ';', each name once"
            )
        parts[key] = val.strip().upper()
    return parts


def _ints(text: str) -> tuple[int, ...]:
    out = []
    for piece in filter(None, text.split(",")):
        if not re.fullmatch(r"[+-]?[0-9]{1,4}", piece):
            raise InvalidInputError("rule", text, "whole numbers separated by commas")
        out.append(int(piece))
    return tuple(out)


def _rfc_day(text: str, rule: str) -> str:
    m = re.fullmatch(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)", text)
    token = _token(text) if m else None
    if token is None:
        raise InvalidInputError(
            "rule", rule, f"BYDAY weekdays such as MO or 2TU, not {text!r}"
        )
    return token


def _rfc_token(token: str) -> str:
    day, n = split_token(token)
    return f"{'' if n is None else n}{_RFC_DAYS[day]}"


_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th"}


def _weekday_words(token: str) -> str:
    day, n = split_token(token)
    name = WEEKDAYS[day].capitalize()
    if n is None:
        return name
    if n == -1:
        return f"the last {name}"
    if n < 0:
        return f"the {_ORDINALS[-n]}-to-last {name}"
    return f"the {_ORDINALS[n]} {name}"


def _day_of_month(d: int) -> str:
    if d == -1:
        return "the last day"
    if d < 0:
        return f"day {d} (from the end)"
    return f"day {d}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# --- the compiled plan --------------------------------------------------------


class Plan(NamedTuple):
    """A cadence compiled into integers for the generator."""

    frequency: Frequency
    every: int
    seconds: tuple[int, ...]  # seconds of the day, sorted
    weekdays: frozenset[int]  # daily filter / weekly days (empty: all)
    nth: tuple[tuple[int, int], ...]  # monthly (ordinal, weekday)
    month_days: tuple[int, ...]


@functools.lru_cache(maxsize=4096)
def plan(cadence: Cadence) -> Plan:
    """Compile *cadence* (cached: cadences are hashable values)."""
    days = [split_token(w) for w in cadence.weekdays]
    return Plan(
        frequency=cadence.frequency,
        every=cadence.every,
        seconds=tuple(t.hour * 3600 + t.minute * 60 for t in cadence.times),
        weekdays=frozenset(d for d, n in days if n is None),
        nth=tuple((n, d) for d, n in days if n is not None),
        month_days=cadence.month_days,
    )
