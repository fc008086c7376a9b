"""
Weekly availability in local wall time, and what several parties share.

A `WeeklyAvailability` holds windows such as ``mon 18:00-21:00`` with no
time zone; a party's own zone turns them into concrete spans, week by week.
"""

from __future__ import annotations

import array
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from peerkit._instants import (
    MINUTES_PER_DAY,
    US,
    as_instant,
    check_date,
    check_timezone,
    from_micros,
    is_timezone,
    local_micros,
    micros,
    zone,
)
from peerkit._intervals import (
    Interval,
    Span,
    intersect_spans,
    interval_of,
    merge_spans,
    week_bounds,
    week_span,
)
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


def parse_days(text: str) -> list[int] | None:
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
    """One spec's windows; ``;`` joins several specs and ``never`` is none."""
    if isinstance(spec, str) and ";" in spec:
        return [w for part in spec.split(";") for w in _parse_window(path, part)]
    if isinstance(spec, str) and spec.strip().lower() == "never":
        return []
    if not isinstance(spec, str) or len(spec) > _SPEC_MAX:
        raise InvalidInputError(path, spec, _SPEC_HELP)
    m = _SPEC.fullmatch(spec)
    days = parse_days(m["days"]) if m else None
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


def _parse_windows(specs: tuple[object, ...], *, single: bool) -> tuple[Window, ...]:
    if single:
        return tuple(_parse_window("specs", specs[0]))
    windows: list[Window] = []
    for i, spec in enumerate(specs):
        windows.extend(_parse_window(f"specs[{i}]", spec))
    return tuple(windows)


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
    # specs() memoized: a pure function of the immutable windows, written at
    # most once per value (an atomic store of a finished tuple), not compared.
    _specs: tuple[str, ...] | None = attrs.field(
        init=False, default=None, eq=False, repr=False
    )
    # The windows packed as bytes, set once at construction (`windows_key`):
    # equal exactly when the windows are, and hashed and compared in C, where
    # the windows' own hashes are a Python call per window. Not compared.
    _key: bytes = attrs.field(init=False, default=b"", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        key = _pack(self.windows)
        hash(key)  # bytes keep their hash: worked out here, not in a cold table
        object.__setattr__(self, "_key", key)

    @classmethod
    def parse(cls, specs: str | Iterable[str]) -> Self:
        """
        Build availability from readable window specs.

        Each spec is ``DAYS HH:MM-HH:MM``. *DAYS* is a weekday (``mon`` or
        ``monday``), a range (``mon-fri``), a list (``sat,sun``), or one of
        ``daily``, ``weekdays``, ``weekends``. An end at or before the start
        crosses midnight (``fri 22:00-01:00``); ``24:00`` ends at midnight.
        One string may hold several specs joined by ``;``, and ``never``
        means no time at all: the forms `str` writes, so
        ``parse(str(week)) == week``.

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
            key: tuple[str, ...] = (specs,)
        elif type(specs) is tuple:
            key = specs
        elif type(specs) is list:
            key = tuple(specs)
        elif not isinstance(specs, Iterable) or isinstance(specs, (bytes, Mapping)):
            raise InvalidInputError("specs", specs, "a window spec or a list of them")
        else:
            key = specs if isinstance(specs, tuple) else tuple(specs)
        if cls is WeeklyAvailability and len(key) <= _CACHED_SPECS:
            try:
                return parse_specs(key)  # type: ignore[return-value]  # cls is exact
            except (TypeError, InvalidInputError):
                pass  # an unhashable item or a bad spec: read again for the error
        return cls(_parse_windows(key, single=isinstance(specs, str)))

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
        specs = self._specs
        if specs is None:
            specs = tuple(str(w) for w in self.windows)
            object.__setattr__(self, "_specs", specs)
        return specs

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
            >>> week = WeeklyAvailability.parse(["mon 09:00-10:00", "fri 22:00-01:00"])
            >>> WeeklyAvailability.parse(str(week)) == week
            True
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
        lo = micros(as_instant("start", start))
        hi = micros(as_instant("end", end))
        if hi <= lo:
            raise InvalidInputError("end", end, "an instant after start")
        if hi - lo > _MAX_RANGE:
            raise InvalidInputError(
                "end", end, f"an instant at most {_MAX_RANGE_DAYS} days after start"
            )
        spans = materialize(self.windows, timezone, lo, hi)
        return tuple(interval_of(s, e) for s, e in spans)


def _pack(windows: tuple[Window, ...]) -> bytes:
    """*windows* as bytes, two per field: one value per distinct tuple."""
    return array.array(
        "H", [v for w in windows for v in (w.day, w.start, w.end)]
    ).tobytes()


def windows_key(availability: WeeklyAvailability) -> bytes:
    """
    A key equal for two availabilities exactly when their windows are.

    Worked out once, when the value is built, so a table of thousands of
    members' schedules keys each one with a C-level bytes hash rather than
    a Python call per window (members loaded from a file each hold their
    own, equal, availability objects).
    """
    return availability._key  # noqa: SLF001 - this module's own value


def windows_of_key(key: bytes) -> tuple[Window, ...]:
    """The windows a `windows_key` was packed from."""
    v = array.array("H")
    v.frombytes(key)
    return tuple(Window(v[i], v[i + 1], v[i + 2]) for i in range(0, len(v), 3))


# A cohort repeats a few dozen availability specs member after member: the
# parsed values are shared (they are immutable). The cache is functools'
# LRU cache, which is thread-safe and stores a value only once it is built;
# it is bounded in entries, and only short spec lists are cached, so it is
# bounded in memory too.
_CACHED_SPECS = 32


@functools.lru_cache(maxsize=4096)
def parse_specs(specs: tuple[str, ...]) -> WeeklyAvailability:
    """`WeeklyAvailability.parse` of a short tuple of specs, shared (cached)."""
    return WeeklyAvailability(_parse_windows(specs, single=False))


_MAX_RANGE_DAYS = 400
_MAX_RANGE = _MAX_RANGE_DAYS * 86400 * US


@functools.lru_cache(maxsize=16384)
def materialize(
    windows: tuple[Window, ...], timezone: str, lo: int, hi: int
) -> tuple[Span, ...]:
    """Merged integer spans of *windows* in *timezone*, clipped to [lo, hi)."""
    if not windows:
        return ()
    tz = zone(timezone)
    by_day: list[list[Window]] = [[] for _ in range(7)]
    for w in windows:
        by_day[w.day].append(w)
    first = from_micros(lo).astimezone(tz).toordinal() - 1
    last = from_micros(hi).astimezone(tz).toordinal() + 1
    spans: list[Span] = []
    for ordinal in range(first, last + 1):
        day = dt.date.fromordinal(ordinal)
        for w in by_day[day.weekday()]:
            s = max(local_micros(day, w.start, tz), lo)
            e = min(local_micros(day, w.end, tz), hi)
            if s < e:
                spans.append((s, e))
    return tuple(merge_spans(spans))


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
    lo, hi = week_bounds(week_of, timezone)
    result: list[Span] = [(lo, hi)]
    for windows, tz in sorted(set(schedules), key=lambda s: (len(s[0]), s)):
        result = intersect_spans(result, materialize(windows, tz, lo, hi))
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
    return tuple(interval_of(s, e) for s, e in spans)


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
    return sum(e - s for s, e in spans) / (60 * US)
