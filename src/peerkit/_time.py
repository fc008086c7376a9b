"""
Time zones, instants and the weekly-window algebra every capability shares.

Internally, concrete intervals are pairs of integer POSIX microseconds:
exact, hashable and cheap to intersect. They become `Interval` values (pendulum
instants in UTC) only at the public boundary.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    from typing import Self

    from peerkit._model import Group, Member


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as peerkit spells them; index 0 is Monday, as in `date.weekday()`."""

_DAY_NAMES: dict[str, int] = {}
for _i, _full in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    _DAY_NAMES[_full] = _i
    _DAY_NAMES[_full[:3]] = _i
    _DAY_NAMES[_full[:2]] = _i  # RFC 5545 spelling: MO, TU, ...

MINUTES_PER_DAY = 24 * 60

# --- time zones --------------------------------------------------------------


# Names the zone database ships that are not places: they follow the host's
# own clock setting ("localtime") or are placeholders. Accepting them would
# make results depend on the machine.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def _known_zones() -> frozenset[str]:
    names = frozenset(zoneinfo.available_timezones()) | frozenset(pendulum.timezones())
    return frozenset(
        n
        for n in names
        if n not in _NOT_PLACES and not n.startswith(("posix/", "right/"))
    )


def is_timezone(name: object) -> bool:
    """Return whether *name* is an IANA time zone name peerkit can use."""
    return isinstance(name, str) and name in _known_zones()


def check_timezone(path: str, value: object) -> str:
    """Return *value* if it is a known IANA time zone name, else raise."""
    if not is_timezone(value):
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


def _to_utc(value: dt.datetime) -> pendulum.DateTime:
    """Attrs converter: an aware datetime becomes a pendulum instant in UTC."""
    try:
        return as_instant("", value).in_timezone(pendulum.UTC)
    except InvalidInputError:
        return value  # type: ignore[return-value]  # the validator says why


_US = 1_000_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _micros(value: dt.datetime) -> int:
    """Exact POSIX microseconds of an aware datetime."""
    utc = value.astimezone(dt.UTC)
    days = utc.toordinal() - _EPOCH_ORDINAL
    seconds = days * 86400 + utc.hour * 3600 + utc.minute * 60 + utc.second
    return seconds * _US + utc.microsecond


def _wall_micros(wall: dt.datetime, tzinfo: dt.tzinfo) -> int:
    """
    POSIX microseconds of a naive local wall time in *tzinfo*.

    RFC 5545 §3.3.5: a wall time in a spring-forward gap is read with the
    offset before the gap (02:30 becomes 03:30); an ambiguous fall-back time
    is its first occurrence. Python's ``fold=0`` is exactly that reading.
    """
    return _micros(wall.replace(tzinfo=tzinfo, fold=0))


def _local_micros(day: dt.date, minute: int, tzinfo: dt.tzinfo) -> int:
    """POSIX microseconds of local wall time *minute* past midnight of *day*."""
    # A wall time; _wall_micros gives it its zone with fold=0.
    midnight = dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001
    return _wall_micros(midnight + dt.timedelta(minutes=minute), tzinfo)


def local_instant(day: dt.date, at: dt.time, timezone: str) -> pendulum.DateTime:
    """
    The instant a local date and wall time denote, read as RFC 5545 reads them.

    A time in a spring-forward gap is read with the offset before the gap,
    so it lands as far after the gap as it was into it (02:30 becomes 03:30
    on a one-hour gap); an ambiguous fall-back time is the first occurrence.
    pendulum's own default for ambiguous times is the second one: peerkit
    never relies on it.

    Args:
        day: The local calendar date.
        at: The local wall time; its ``tzinfo`` and ``fold`` are ignored.
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
    if not isinstance(at, dt.time):
        raise InvalidInputError("at", at, "a time of day")
    wall = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    return _instant(_wall_micros(wall, zone(timezone))).in_timezone(zone(timezone))


_EPOCH = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - naive UTC, for arithmetic only


def _instant(micros: int) -> pendulum.DateTime:
    """The UTC instant *micros* POSIX microseconds after the epoch."""
    d = _EPOCH + dt.timedelta(microseconds=micros)
    return pendulum.DateTime(
        d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond,
        tzinfo=pendulum.UTC,
    )  # fmt: skip


# --- intervals -----------------------------------------------------------------


def _aware(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    as_instant(attr.name, value)


@attrs.frozen(order=True)
class Interval:
    """
    A half-open span of time ``[start, end)`` between two instants.

    Both ends are kept as pendulum instants in UTC; aware stdlib datetimes
    are accepted and converted. Use ``interval.start.in_tz(zone)`` to show
    one in a person's own time.

    Attributes:
        start: The first instant in the span.
        end: The first instant after it; strictly later than *start*.

    Examples:
        >>> import pendulum
        >>> span = Interval(
        ...     pendulum.datetime(2024, 3, 11, 13),
        ...     pendulum.datetime(2024, 3, 11, 14, 30),
        ... )
        >>> span.minutes
        90.0

    Added in 0.1.
    """

    start: pendulum.DateTime = attrs.field(converter=_to_utc, validator=_aware)
    end: pendulum.DateTime = attrs.field(converter=_to_utc, validator=_aware)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInputError("end", self.end, f"an instant after {self.start}")

    @property
    def minutes(self) -> float:
        """
        Length of the span in minutes.

        Examples:
            >>> import pendulum
            >>> from peerkit import Interval
            >>> start = pendulum.datetime(2024, 3, 9, 12, tz="America/New_York")
            >>> Interval(start, start.add(days=1)).minutes  # a DST night
            1380.0
        """
        return (self.end - self.start).total_seconds() / 60

    def __contains__(self, instant: object) -> bool:
        """
        Whether an instant lies in the span.

        Raises:
            peerkit.errors.InvalidInputError: If *instant* is a naive datetime.
        """
        if not isinstance(instant, dt.datetime):
            return False
        return self.start <= as_instant("instant", instant) < self.end

    def overlaps(self, other: Interval) -> bool:
        """
        Return whether the two spans share at least one instant.

        Spans are half-open: one that ends as another starts does not
        overlap it.

        Examples:
            >>> import pendulum
            >>> from peerkit import Interval
            >>> nine, ten, eleven = (
            ...     pendulum.datetime(2024, 1, 1, h) for h in (9, 10, 11)
            ... )
            >>> Interval(nine, ten).overlaps(Interval(ten, eleven))
            False
            >>> Interval(nine, eleven).overlaps(Interval(ten, eleven))
            True
        """
        if not isinstance(other, Interval):
            raise InvalidInputError("other", other, "an Interval")
        return self.start < other.end and other.start < self.end

    def intersection(self, other: Interval) -> Interval | None:
        """
        The span both share, or ``None`` if they do not overlap.

        Examples:
            >>> import pendulum
            >>> from peerkit import Interval
            >>> a = Interval(
            ...     pendulum.datetime(2024, 1, 1, 9), pendulum.datetime(2024, 1, 1, 11)
            ... )
            >>> b = Interval(
            ...     pendulum.datetime(2024, 1, 1, 10), pendulum.datetime(2024, 1, 1, 12)
            ... )
            >>> a.intersection(b).minutes
            60.0
        """
        if not self.overlaps(other):
            return None
        return Interval(max(self.start, other.start), min(self.end, other.end))

    @classmethod
    def _from_micros(cls, start: int, end: int) -> Self:
        """Build from exact microseconds already known to be valid (fast path)."""
        span = object.__new__(cls)
        object.__setattr__(span, "start", _instant(start))
        object.__setattr__(span, "end", _instant(end))
        return span

    def _micros(self) -> tuple[int, int]:
        return (_micros(self.start), _micros(self.end))


Span = tuple[int, int]


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Union of half-open integer spans, sorted, touching spans joined."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """Intersection of two merged, sorted span lists (linear sweep)."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _check_intervals(path: str, intervals: object) -> list[Span]:
    if isinstance(intervals, (str, bytes)) or not isinstance(intervals, Iterable):
        raise InvalidInputError(path, intervals, "an iterable of Interval")
    spans = []
    for i, item in enumerate(intervals):
        if not isinstance(item, Interval):
            raise InvalidInputError(f"{path}[{i}]", item, "an Interval")
        spans.append(item._micros())  # noqa: SLF001
    return spans


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """
    The union of *intervals*: sorted, with overlapping or touching spans joined.

    Args:
        intervals: Any intervals, in any order.

    Examples:
        >>> import pendulum
        >>> a = Interval(
        ...     pendulum.datetime(2024, 1, 1, 9), pendulum.datetime(2024, 1, 1, 10)
        ... )
        >>> b = Interval(
        ...     pendulum.datetime(2024, 1, 1, 10), pendulum.datetime(2024, 1, 1, 11)
        ... )
        >>> [span.minutes for span in merge_intervals([b, a])]
        [120.0]

    Added in 0.1.
    """
    spans = _merge(_check_intervals("intervals", intervals))
    return tuple(Interval._from_micros(s, e) for s, e in spans)  # noqa: SLF001


def intersect_intervals(*interval_sets: Iterable[Interval]) -> tuple[Interval, ...]:
    """
    The instants that lie in every one of the given sets of intervals.

    Each set is read as the union of its intervals; the result is merged
    and sorted.

    Args:
        *interval_sets: One or more iterables of intervals.

    Raises:
        peerkit.errors.InvalidInputError: If no set is given.

    Examples:
        >>> import pendulum
        >>> from peerkit import Interval, intersect_intervals
        >>> def at(hour):
        ...     return pendulum.datetime(2024, 1, 1, hour)
        >>> ada = [Interval(at(9), at(11)), Interval(at(14), at(16))]
        >>> ben = [Interval(at(10), at(15))]
        >>> [(str(i.start.time()), i.minutes) for i in intersect_intervals(ada, ben)]
        [('10:00:00', 60.0), ('14:00:00', 60.0)]

    Added in 0.1.
    """
    if not interval_sets:
        raise InvalidInputError("interval_sets", (), "at least one set of intervals")
    merged = [
        _merge(_check_intervals(f"interval_sets[{i}]", s))
        for i, s in enumerate(interval_sets)
    ]
    result = merged[0]
    for other in merged[1:]:
        result = _intersect(result, other)
    return tuple(Interval._from_micros(s, e) for s, e in result)  # noqa: SLF001


def total_minutes(intervals: Iterable[Interval]) -> float:
    """
    Minutes covered by the union of *intervals* (overlaps counted once).

    Examples:
        >>> import pendulum
        >>> from peerkit import Interval, total_minutes
        >>> def at(hour):
        ...     return pendulum.datetime(2024, 1, 1, hour)
        >>> total_minutes([Interval(at(9), at(11)), Interval(at(10), at(12))])
        180.0

    Added in 0.1.
    """
    return sum(e - s for s, e in _merge(_check_intervals("intervals", intervals))) / (
        60 * _US
    )


# --- weekly windows ----------------------------------------------------------


def _check_day(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise InvalidInputError(attr.name, value, "a weekday number 0 (Monday) to 6")


def _check_start(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1440:
        raise InvalidInputError(attr.name, value, "a minute of the day, 0 to 1439")


def _check_end(inst: Window, attr: attrs.Attribute[Any], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not isinstance(inst.start, int)
        or not inst.start < value <= MINUTES_PER_DAY
    ):
        raise InvalidInputError(
            attr.name, value, f"a minute of the day after start ({inst.start}), <= 1440"
        )


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@attrs.frozen(order=True)
class Window:
    """
    One stretch of a weekday, in local wall time: ``day start-end``.

    A window never crosses midnight: `WeeklyAvailability.parse` splits
    ``fri 22:00-01:00`` into ``fri 22:00-24:00`` and ``sat 00:00-01:00``.

    Attributes:
        day: Weekday, 0 for Monday to 6 for Sunday.
        start: Minutes after local midnight, 0 to 1439.
        end: Minutes after local midnight, after *start*, at most 1440 (24:00).

    Examples:
        >>> str(Window(0, 18 * 60, 21 * 60))
        'mon 18:00-21:00'
        >>> from peerkit import WEEKDAYS
        >>> WEEKDAYS[Window(6, 9 * 60, 10 * 60).day]
        'sun'

    Added in 0.1.
    """

    day: int = attrs.field(validator=_check_day)
    start: int = attrs.field(validator=_check_start)
    end: int = attrs.field(validator=_check_end)

    @property
    def minutes(self) -> int:
        """
        Nominal length in minutes (wall-clock, before any DST change).

        Examples:
            >>> from peerkit import Window
            >>> Window(4, 22 * 60, 24 * 60).minutes
            120
        """
        return self.end - self.start

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.day]} {_hhmm(self.start)}-{_hhmm(self.end)}"


def _format_days(days: list[int]) -> str:
    """Weekday numbers as 'daily', 'mon-fri' or 'mon,wed' (ranges of 3+ joined)."""
    if len(days) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}"
        if len(r) >= 3
        else ",".join(WEEKDAYS[d] for d in r)
        for r in runs
    )


_ALWAYS = tuple(Window(d, 0, MINUTES_PER_DAY) for d in range(7))


def _normalize_windows(value: Iterable[Window]) -> tuple[Window, ...]:
    """Attrs converter: sort and merge windows; pass anything odd on unchanged."""
    anything: Any = value
    if isinstance(anything, (str, bytes)) or not isinstance(anything, Iterable):
        return anything  # type: ignore[return-value]  # the validator rejects it
    items = tuple(anything)
    if items is _ALWAYS or items == _ALWAYS:
        return _ALWAYS
    if not all(isinstance(w, Window) for w in items):
        return items
    merged: list[Window] = []
    for w in sorted(items):
        last = merged[-1] if merged else None
        if last is not None and last.day == w.day and w.start <= last.end:
            if w.end > last.end:
                merged[-1] = Window(last.day, last.start, w.end)
        else:
            merged.append(w)
    return tuple(merged)


def _check_windows(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidInputError(attr.name, value, "a sequence of Window")
    for i, w in enumerate(value):
        if not isinstance(w, Window):
            raise InvalidInputError(f"{attr.name}[{i}]", w, "a Window")


_SPEC = re.compile(
    r"\s*(?P<days>every day|[a-z,\-]+)\s+"
    r"(?P<sh>[0-9]{1,2}):(?P<sm>[0-9]{2})\s*-\s*(?P<eh>[0-9]{1,2}):(?P<em>[0-9]{2})\s*",
    re.IGNORECASE | re.ASCII,
)
_SPEC_MAX = 80
_SPEC_HELP = (
    "a window such as 'mon 18:00-21:00', 'mon-fri 12:00-13:00', "
    "'sat,sun 09:00-12:00', 'weekdays 07:00-08:00' or 'daily 21:00-22:00'"
)


def _parse_days(text: str) -> list[int] | None:
    text = text.strip().lower()
    if text in {"daily", "every day", "everyday"}:
        return list(range(7))
    days: list[int] = []
    for part in text.split(","):
        bounds = [b.strip() for b in part.split("-")]
        if part == "weekdays":
            days.extend(range(5))
        elif part == "weekends":
            days.extend((5, 6))
        elif len(bounds) == 1 and bounds[0] in _DAY_NAMES:
            days.append(_DAY_NAMES[bounds[0]])
        elif len(bounds) == 2 and bounds[0] in _DAY_NAMES and bounds[1] in _DAY_NAMES:
            first, last = _DAY_NAMES[bounds[0]], _DAY_NAMES[bounds[1]]
            span = (last - first) % 7
            days.extend((first + k) % 7 for k in range(span + 1))
        else:
            return None
    return days


def _parse_window(path: str, spec: object) -> list[Window]:
    if not isinstance(spec, str) or len(spec) > _SPEC_MAX:
        raise InvalidInputError(path, spec, _SPEC_HELP)
    m = _SPEC.fullmatch(spec)
    days = _parse_days(m["days"]) if m else None
    if m is None or days is None:
        raise InvalidInputError(path, spec, _SPEC_HELP)
    sh, sm, eh, em = (int(m[k]) for k in ("sh", "sm", "eh", "em"))
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em != 0):
        raise InvalidInputError(path, spec, "times from 00:00 to 24:00")
    start, end = sh * 60 + sm, eh * 60 + em
    if start == end:
        raise InvalidInputError(
            path,
            spec,
            "a window whose end differs from its start (00:00-24:00 is a whole day)",
        )
    out: list[Window] = []
    for day in days:
        if end > start:
            out.append(Window(day, start, end))
        else:  # crosses midnight into the next day
            out.append(Window(day, start, MINUTES_PER_DAY))
            if end > 0:
                out.append(Window((day + 1) % 7, 0, end))
    return out


@attrs.frozen
class WeeklyAvailability:
    """
    When someone is free (or a group meets) each week, in local wall time.

    A value holds no time zone: the member's or group's own zone turns it
    into concrete instants, week by week, so a window stays at 18:00 local
    through every daylight-saving change. The windows are kept sorted and
    merged, so two availabilities that cover the same times are equal.

    Attributes:
        windows: The weekly windows, sorted and merged, none crossing midnight.

    Examples:
        >>> week = WeeklyAvailability.parse(["mon 18:00-21:00", "fri 22:00-01:00"])
        >>> week.specs()
        ('mon 18:00-21:00', 'fri 22:00-24:00', 'sat 00:00-01:00')
        >>> week.minutes_per_week
        360
        >>> WeeklyAvailability().is_empty
        True

    Added in 0.1.
    """

    windows: tuple[Window, ...] = attrs.field(
        default=(), converter=_normalize_windows, validator=_check_windows
    )

    @classmethod
    def parse(cls, specs: str | Iterable[str]) -> Self:
        """
        Build availability from readable window specs.

        Each spec is ``DAYS HH:MM-HH:MM``. *DAYS* is a weekday (``mon`` or
        ``monday``), a range (``mon-fri``), a list (``sat,sun``), or one of
        ``daily``, ``weekdays``, ``weekends``. An end at or before the start
        crosses midnight (``fri 22:00-01:00``); ``24:00`` ends at midnight.

        Args:
            specs: One spec or an iterable of specs.

        Raises:
            peerkit.errors.InvalidInputError: If a spec cannot be read; the
                path names its position, e.g. ``specs[2]``.

        Examples:
            >>> from peerkit import WeeklyAvailability
            >>> week = WeeklyAvailability.parse(
            ...     ["weekends 10:00-12:00", "mon 23:00-01:00"]
            ... )
            >>> week.specs()
            ('mon 23:00-24:00', 'tue 00:00-01:00', 'sat 10:00-12:00', 'sun 10:00-12:00')
        """
        if isinstance(specs, str):
            return cls(tuple(_parse_window("specs", specs)))
        if not isinstance(specs, Iterable) or isinstance(specs, (bytes, Mapping)):
            raise InvalidInputError("specs", specs, "a window spec or a list of them")
        windows: list[Window] = []
        for i, spec in enumerate(specs):
            windows.extend(_parse_window(f"specs[{i}]", spec))
        return cls(tuple(windows))

    @classmethod
    def always(cls) -> Self:
        """
        Availability at every hour of every day.

        Examples:
            >>> from peerkit import WeeklyAvailability
            >>> str(WeeklyAvailability.always())
            'daily 00:00-24:00'
        """
        return cls(_ALWAYS)

    @property
    def is_empty(self) -> bool:
        """
        Whether no time at all is available.

        Examples:
            >>> from peerkit import WeeklyAvailability
            >>> WeeklyAvailability.parse("mon 09:00-10:00").is_empty
            False
            >>> WeeklyAvailability().is_empty
            True
        """
        return not self.windows

    @property
    def minutes_per_week(self) -> int:
        """
        Nominal minutes per week, counted on the wall clock.

        Examples:
            >>> from peerkit import WeeklyAvailability
            >>> WeeklyAvailability.parse("mon-fri 18:00-20:00").minutes_per_week
            600
        """
        return sum(w.minutes for w in self.windows)

    def specs(self) -> tuple[str, ...]:
        """
        The windows as specs that `parse` reads back to an equal value.

        Examples:
            >>> from peerkit import WeeklyAvailability
            >>> week = WeeklyAvailability.parse("sat,sun 10:00-12:00")
            >>> week.specs()
            ('sat 10:00-12:00', 'sun 10:00-12:00')
            >>> WeeklyAvailability.parse(week.specs()) == week
            True
        """
        return tuple(str(w) for w in self.windows)

    def __str__(self) -> str:
        """
        A compact, readable form: days with the same hours are grouped.

        Examples:
            >>> str(
            ...     WeeklyAvailability.parse(["mon-fri 18:00-21:00", "sat 10:00-12:00"])
            ... )
            'mon-fri 18:00-21:00; sat 10:00-12:00'
            >>> str(WeeklyAvailability())
            'never'
        """
        if not self.windows:
            return "never"
        days_by_hours: dict[tuple[int, int], list[int]] = {}
        for w in self.windows:
            days_by_hours.setdefault((w.start, w.end), []).append(w.day)
        parts = sorted(
            (days[0], f"{_format_days(days)} {_hhmm(start)}-{_hhmm(end)}")
            for (start, end), days in days_by_hours.items()
        )
        return "; ".join(text for _, text in parts)

    def __or__(self, other: WeeklyAvailability) -> WeeklyAvailability:
        if not isinstance(other, WeeklyAvailability):
            return NotImplemented
        return WeeklyAvailability(self.windows + other.windows)

    def __and__(self, other: WeeklyAvailability) -> WeeklyAvailability:
        if not isinstance(other, WeeklyAvailability):
            return NotImplemented
        out = [
            Window(a.day, max(a.start, b.start), min(a.end, b.end))
            for a in self.windows
            for b in other.windows
            if a.day == b.day and max(a.start, b.start) < min(a.end, b.end)
        ]
        return WeeklyAvailability(tuple(out))

    def intervals(self, *, week_of: dt.date, timezone: str) -> tuple[Interval, ...]:
        """
        This week's windows as concrete instants.

        The week is the local Monday-to-Sunday week that contains
        *week_of*; each window is placed on its own calendar date in
        *timezone*, so the result is right across daylight-saving changes.

        Args:
            week_of: Any date in the wanted week.
            timezone: IANA zone the windows are read in.

        Examples:
            >>> import datetime as dt
            >>> week = WeeklyAvailability.parse(["mon 09:00-10:00"])
            >>> [
            ...     str(i.start)
            ...     for i in week.intervals(
            ...         week_of=dt.date(2024, 3, 13), timezone="Europe/London"
            ...     )
            ... ]
            ['2024-03-11 09:00:00+00:00']
        """
        span = week_span(week_of, timezone=timezone)
        return self.intervals_between(span.start, span.end, timezone=timezone)

    def intervals_between(
        self, start: dt.datetime, end: dt.datetime, *, timezone: str
    ) -> tuple[Interval, ...]:
        """
        Every window instance that falls between two instants, clipped to them.

        Args:
            start: First instant of the range (aware).
            end: End of the range (aware, after *start*, at most
                `MAX_RANGE_DAYS` later: ask for a long stretch week by week).
            timezone: IANA zone the windows are read in.

        Examples:
            >>> import pendulum
            >>> from peerkit import WeeklyAvailability
            >>> weekends = WeeklyAvailability.parse("sat,sun 10:00-12:00")
            >>> spans = weekends.intervals_between(
            ...     pendulum.datetime(2024, 3, 1, tz="Europe/Paris"),
            ...     pendulum.datetime(2024, 3, 11, tz="Europe/Paris"),
            ...     timezone="Europe/Paris",
            ... )
            >>> [
            ...     span.start.in_tz("Europe/Paris").format("ddd D HH:mm")
            ...     for span in spans
            ... ]
            ['Sat 2 10:00', 'Sun 3 10:00', 'Sat 9 10:00', 'Sun 10 10:00']
        """
        check_timezone("timezone", timezone)
        lo = _micros(as_instant("start", start))
        hi = _micros(as_instant("end", end))
        if hi <= lo:
            raise InvalidInputError("end", end, "an instant after start")
        if hi - lo > _MAX_RANGE:
            raise InvalidInputError(
                "end", end, f"an instant at most {_MAX_RANGE_DAYS} days after start"
            )
        spans = _materialize(self.windows, timezone, lo, hi)
        return tuple(Interval._from_micros(s, e) for s, e in spans)  # noqa: SLF001


_MAX_RANGE_DAYS = 400
_MAX_RANGE = _MAX_RANGE_DAYS * 86400 * _US


@functools.lru_cache(maxsize=16384)
def _materialize(
    windows: tuple[Window, ...], timezone: str, lo: int, hi: int
) -> tuple[Span, ...]:
    """Merged integer spans of *windows* in *timezone*, clipped to [lo, hi)."""
    if not windows:
        return ()
    tz = zone(timezone)
    by_day: list[list[Window]] = [[] for _ in range(7)]
    for w in windows:
        by_day[w.day].append(w)
    first = _instant(lo).astimezone(tz).date() - dt.timedelta(days=1)
    last = _instant(hi).astimezone(tz).date() + dt.timedelta(days=1)
    spans: list[Span] = []
    day = first
    while day <= last:
        for w in by_day[day.weekday()]:
            s = max(_local_micros(day, w.start, tz), lo)
            e = min(_local_micros(day, w.end, tz), hi)
            if s < e:
                spans.append((s, e))
        day += dt.timedelta(days=1)
    return tuple(_merge(spans))


def week_span(week_of: dt.date, *, timezone: str) -> Interval:
    """
    The local Monday-00:00-to-next-Monday-00:00 week that contains *week_of*.

    In a week with a daylight-saving change the span is 167 or 169 hours
    long, not 168.

    Args:
        week_of: Any date in the week.
        timezone: The zone whose Mondays bound the week. Required: where a
            week starts depends on where you stand.

    Examples:
        >>> import datetime as dt
        >>> week_span(dt.date(2024, 3, 10), timezone="America/New_York").minutes / 60
        167.0

    Added in 0.1.
    """
    check_date("week_of", week_of)
    check_timezone("timezone", timezone)
    return Interval._from_micros(*_week_bounds(week_of, timezone))  # noqa: SLF001


@functools.lru_cache(maxsize=4096)
def _week_bounds(week_of: dt.date, timezone: str) -> Span:
    tz = zone(timezone)
    monday = week_of - dt.timedelta(days=week_of.weekday())
    start = _local_micros(monday, 0, tz)
    end = _local_micros(monday + dt.timedelta(days=7), 0, tz)
    return (start, end)


def _schedule_of(path: str, party: object) -> tuple[tuple[Window, ...], str]:
    availability = getattr(party, "availability", None)
    if availability is None:
        availability = getattr(party, "meets", None)
    tz = getattr(party, "timezone", None)
    if not isinstance(availability, WeeklyAvailability) or not is_timezone(tz):
        raise InvalidInputError(path, party, "a Member or a Group")
    return availability.windows, tz  # type: ignore[return-value]  # checked above


def _common_spans(
    parties: Iterable[Member | Group], week_of: dt.date, timezone: str
) -> list[Span]:
    given: Any = parties
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise InvalidInputError("parties", given, "an iterable of Members or Groups")
    schedules = [_schedule_of(f"parties[{i}]", p) for i, p in enumerate(given)]
    if not schedules:
        raise InvalidInputError("parties", parties, "at least one Member or Group")
    check_date("week_of", week_of)
    lo, hi = _week_bounds(week_of, timezone)
    result: list[Span] = [(lo, hi)]
    for windows, tz in sorted(set(schedules), key=lambda s: (len(s[0]), s)):
        result = _intersect(result, _materialize(windows, tz, lo, hi))
        if not result:
            break
    return result


def common_intervals(
    parties: Iterable[Member | Group],
    *,
    week_of: dt.date,
    timezone: str,
) -> tuple[Interval, ...]:
    """
    The instants in one week when every party is available.

    Each party's windows are read in its own time zone on the concrete
    dates of that week, never by subtracting fixed offsets: a London-New
    York pair overlaps differently in the March weeks when only one side
    has changed its clocks.

    Args:
        parties: Members (their ``availability``) and groups (when they
            ``meets``), each with its ``timezone``. A group with no fixed
            meeting time (empty ``meets``) shares no instant with anyone.
        week_of: Any date in the reference week.
        timezone: The zone whose local Monday-00:00-to-Monday-00:00 week is
            the reference span. Required: which week "the week of 10 June"
            is depends on where you stand (Monday morning in Auckland is
            still Sunday in UTC). The group's or the first member's zone is
            the usual choice.

    Raises:
        peerkit.errors.InvalidInputError: If *parties* is empty or holds
            something other than members and groups.

    Examples:
        >>> import datetime as dt
        >>> from peerkit import Member, WeeklyAvailability
        >>> evenings = WeeklyAvailability.parse(["mon 18:00-22:00"])
        >>> ny = Member(
        ...     "ada", "action", timezone="America/New_York", availability=evenings
        ... )
        >>> ldn = Member(
        ...     "ben", "action", timezone="Europe/London", availability=evenings
        ... )
        >>> week = dt.date(2024, 3, 4)
        >>> common_intervals([ny, ldn], week_of=week, timezone="Europe/London")
        ()

    Added in 0.1.
    """
    spans = _common_spans(parties, week_of, check_timezone("timezone", timezone))
    return tuple(Interval._from_micros(s, e) for s, e in spans)  # noqa: SLF001


def overlap_minutes(
    parties: Iterable[Member | Group],
    *,
    week_of: dt.date,
    timezone: str,
) -> float:
    """
    Minutes in one week when every party is available; see `common_intervals`.

    Examples:
        >>> import datetime as dt
        >>> from peerkit import Member, WeeklyAvailability, overlap_minutes
        >>> ny = Member(
        ...     "ada",
        ...     "action",
        ...     timezone="America/New_York",
        ...     availability=WeeklyAvailability.parse("mon 09:00-12:00"),
        ... )
        >>> ldn = Member(
        ...     "ben",
        ...     "action",
        ...     timezone="Europe/London",
        ...     availability=WeeklyAvailability.parse("mon 14:00-17:00"),
        ... )
        >>> for week in (dt.date(2024, 3, 4), dt.date(2024, 3, 11)):  # US clocks change
        ...     print(
        ...         week,
        ...         overlap_minutes([ny, ldn], week_of=week, timezone="Europe/London"),
        ...     )
        2024-03-04 180.0
        2024-03-11 120.0

    Added in 0.1.
    """
    spans = _common_spans(parties, week_of, check_timezone("timezone", timezone))
    return sum(e - s for s, e in spans) / (60 * _US)
