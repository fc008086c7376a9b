"""Common slots in a concrete week, and the weeks a chosen slot stops fitting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import pendulum

from peerkit._availability import materialize
from peerkit._explain import Reason
from peerkit._instants import (
    MAX_DATE,
    MIN_DATE,
    as_instant,
    check_date,
    check_timezone,
    from_micros,
    is_timezone,
    local_instant,
    micros,
    to_utc,
    zone,
)
from peerkit._intervals import (
    Interval,
    Period,
    as_period,
    intersect_spans,
    merge_spans,
    week_bounds,
)
from peerkit._model import Cohort, Member, as_members
from peerkit._validate import (
    check_instance,
    instance,
    instant,
    str_map,
    string,
    to_str_map,
)
from peerkit.errors import InvalidInputError

_US = 1_000_000
_MINUTE = 60 * _US
_MAX_WEEKS = 520


def _check_zones(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    str_map()(inst, attr, value)
    for key, tz in value.items():  # type: ignore[attr-defined]  # a FrozenDict: checked
        if not is_timezone(tz):
            raise InvalidInputError(
                f"{attr.name}[{key!r}]", tz, "an IANA time zone name"
            )


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start.strftime('%a %d %b %H:%M')}-{end.strftime('%H:%M')}"


@attrs.frozen(kw_only=True, order=False)
class Slot:
    """
    A stretch of one concrete week that suits everyone in it.

    Attributes:
        start: First instant (UTC).
        end: First instant after it (UTC).
        timezones: Each member's id and IANA zone, for their local view.

    Examples:
        >>> import pendulum
        >>> slot = Slot(
        ...     start=pendulum.datetime(2024, 3, 12, 13),
        ...     end=pendulum.datetime(2024, 3, 12, 14),
        ...     timezones={"ada": "America/New_York", "ben": "Europe/London"},
        ... )
        >>> slot.describe("ada")
        'Tue 12 Mar 09:00-10:00 (America/New_York)'
        >>> str(slot.local("ben")[0])
        '2024-03-12 13:00:00+00:00'

    Added in 0.1.
    """

    start: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    end: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    timezones: Mapping[str, str] = attrs.field(
        factory=dict, converter=to_str_map, validator=_check_zones
    )

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInputError("end", self.end, f"an instant after {self.start}")

    @property
    def minutes(self) -> float:
        """
        Length in minutes.

        Examples:
            >>> import pendulum
            >>> from peerkit.scheduling import Slot
            >>> start = pendulum.datetime(2024, 3, 12, 13)
            >>> Slot(start=start, end=start.add(minutes=45)).minutes
            45.0
        """
        return (self.end - self.start).total_seconds() / 60

    def local(self, member_id: str) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """
        Start and end in one member's own zone.

        Raises:
            peerkit.errors.InvalidInputError: If *member_id* is not in the slot.

        Examples:
            >>> import pendulum
            >>> from peerkit.scheduling import Slot
            >>> start = pendulum.datetime(2024, 3, 12, 13)
            >>> slot = Slot(
            ...     start=start, end=start.add(hours=1), timezones={"ada": "Asia/Tokyo"}
            ... )
            >>> [t.format("ddd HH:mm") for t in slot.local("ada")]
            ['Tue 22:00', 'Tue 23:00']
        """
        tz = self.timezones.get(member_id) if isinstance(member_id, str) else None
        if tz is None:
            raise InvalidInputError(
                "member_id", member_id, f"one of {sorted(self.timezones)}"
            )
        return self.start.in_timezone(zone(tz)), self.end.in_timezone(zone(tz))

    def describe(self, member_id: str) -> str:
        """
        The slot as one member reads it: ``'Tue 12 Mar 09:00-10:00 (zone)'``.

        Examples:
            >>> import pendulum
            >>> from peerkit.scheduling import Slot
            >>> start = pendulum.datetime(2024, 3, 12, 13)
            >>> slot = Slot(
            ...     start=start, end=start.add(hours=1), timezones={"ada": "Asia/Tokyo"}
            ... )
            >>> slot.describe("ada")
            'Tue 12 Mar 22:00-23:00 (Asia/Tokyo)'
        """
        start, end = self.local(member_id)
        return f"{_span(start, end)} ({self.timezones[member_id]})"


@attrs.frozen(kw_only=True)
class SlotConflict:
    """
    One week in which a recurring slot no longer suits one member.

    Attributes:
        week_of: The date of that week's meeting in the slot's zone.
        member_id: Whose time it is.
        start: That week's meeting start (UTC).
        end: That week's meeting end (UTC).
        reason: Why, in plain words (``slot.unavailable``, ``slot.quiet``).
            The words name neither the member nor anyone else, so an app
            may show them to the member whose time it is.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.scheduling import Slot, recurring_slot_conflicts
        >>> ben = Member(
        ...     "ben",
        ...     "action",
        ...     timezone="Europe/London",
        ...     availability="tue 14:00-15:00",
        ... )
        >>> start = pendulum.datetime(2024, 3, 5, 14)  # 09:00 in New York
        >>> slot = Slot(
        ...     start=start, end=start.add(hours=1), timezones={"ben": ben.timezone}
        ... )
        >>> conflicts = recurring_slot_conflicts(
        ...     slot,
        ...     [ben],
        ...     during=(start, start.add(weeks=1, days=1)),
        ...     timezone="America/New_York",
        ... )
        >>> [(str(c.week_of), c.member_id, c.reason.code) for c in conflicts]
        [('2024-03-12', 'ben', 'slot.unavailable')]

    Added in 0.1.
    """

    week_of: dt.date = attrs.field(validator=instance(dt.date, "a date"))
    member_id: str = attrs.field(validator=string())
    start: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    end: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    reason: Reason = attrs.field(validator=instance(Reason, "a Reason"))


def team_members(value: object) -> list[Member]:
    """The members of a team (members or a Cohort), at least one, sorted by id."""
    people = as_members("members", value)
    if not people:
        raise InvalidInputError("members", value, "at least one Member")
    return sorted(people, key=lambda m: m.id)


def duration_micros(value: object, path: str = "duration") -> int:
    """A duration from 1 minute to 1 day in microseconds (else an error at *path*)."""
    if not isinstance(value, dt.timedelta) or not (
        dt.timedelta(minutes=1) <= value <= dt.timedelta(days=1)
    ):
        raise InvalidInputError(path, value, "a timedelta from 1 minute to 1 day")
    return int(value.total_seconds() * _US)


def _free(member: Member, lo: int, hi: int) -> list[tuple[int, int]]:
    """The member's available, non-quiet spans in ``[lo, hi)``."""
    free = list(materialize(member.availability.windows, member.timezone, lo, hi))
    quiet = materialize(member.quiet_hours.windows, member.timezone, lo, hi)
    return _subtract(free, quiet)


def _subtract(
    spans: list[tuple[int, int]], holes: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    out = spans
    for hs, he in holes:
        nxt: list[tuple[int, int]] = []
        for s, e in out:
            if he <= s or e <= hs:
                nxt.append((s, e))
                continue
            if s < hs:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        out = nxt
    return out


def _intersect_all(lists: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    result = merge_spans(lists[0])
    for other in lists[1:]:
        result = intersect_spans(result, merge_spans(other))
    return result


def common_slots(  # noqa: PLR0913 - the domain input plus keyword-only options
    members: Iterable[Member] | Cohort,
    *,
    duration: dt.timedelta,
    week_of: dt.date,
    earliest: dt.datetime | None = None,
    latest: dt.datetime | None = None,
    step: dt.timedelta = dt.timedelta(minutes=30),
) -> tuple[Slot, ...]:
    """
    Every meeting slot of *duration* in one week that suits all *members*.

    A slot lies inside every member's availability and outside every
    member's quiet hours, each read in their own zone on that week's real
    dates. Slots start at the beginning of each common stretch and then
    every *step*; the result is sorted by start.

    Args:
        members: The people who would meet (any order, unique ids), or a
            `Cohort` (all its members).
        duration: How long the meeting is.
        week_of: Any date in the week: the UTC Monday-00:00-to-Monday week
            holding it, weeks bounded as partner matching bounds them.
        earliest: No slot starts before this instant (aware), e.g. now.
        latest: No slot ends after this instant (aware).
        step: Spacing of slot starts within a common stretch.

    Raises:
        peerkit.errors.InvalidInputError: If *members* is empty or repeats
            an id, or a duration, step or bound is not what is expected.

    Examples:
        >>> import datetime as dt
        >>> from peerkit import Member
        >>> ada = Member(
        ...     "ada",
        ...     "action",
        ...     timezone="America/New_York",
        ...     availability="tue 09:00-11:00",
        ... )
        >>> ben = Member(
        ...     "ben",
        ...     "action",
        ...     timezone="Europe/London",
        ...     availability="tue 13:00-15:00",
        ...     quiet_hours="daily 14:30-24:00",
        ... )
        >>> slots = common_slots(
        ...     [ada, ben], duration=dt.timedelta(hours=1), week_of=dt.date(2024, 3, 12)
        ... )
        >>> for slot in slots:
        ...     print(slot.describe("ada"), "=", slot.describe("ben")[:22])
        Tue 12 Mar 09:00-10:00 (America/New_York) = Tue 12 Mar 13:00-14:00
        Tue 12 Mar 09:30-10:30 (America/New_York) = Tue 12 Mar 13:30-14:30

    Added in 0.1.
    """
    people = team_members(members)
    length = duration_micros(duration)
    stride = duration_micros(step, "step")
    check_date("week_of", week_of)
    lo, hi = week_bounds(week_of, "UTC")
    if earliest is not None:
        lo = max(lo, micros(as_instant("earliest", earliest)))
    if latest is not None:
        hi = min(hi, micros(as_instant("latest", latest)))
    if hi <= lo:
        return ()
    spans = _intersect_all([_free(m, lo, hi) for m in people])
    zones = {m.id: m.timezone for m in people}
    slots = []
    for s, e in spans:
        t = s
        while t + length <= e:
            slots.append(
                Slot(start=from_micros(t), end=from_micros(t + length), timezones=zones)
            )
            t += stride
    return tuple(slots)


def recurring_slot_conflicts(
    slot: Slot,
    members: Iterable[Member] | Cohort,
    *,
    during: Period,
    timezone: str | None = None,
) -> tuple[SlotConflict, ...]:
    """
    The weeks in which a slot chosen once stops suiting someone.

    A weekly meeting keeps its wall-clock time in one zone; everyone else's
    local time for it moves whenever their clocks change on a different
    date. (A New York 09:00 meeting is 14:00 in London most of the year and
    13:00 for the weeks of March when only New York has moved.) This
    checks the meeting of every week of *during* (each weekly meeting that
    overlaps it, on that week's real dates) against each member's
    availability and quiet hours.

    Args:
        slot: The chosen slot (its first meeting).
        members: The people who meet (any order, unique ids), or a `Cohort`.
        during: The period the meeting is for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes, at most 520 weeks.
        timezone: The zone whose wall clock the meeting keeps (the
            organiser's calendar). None keeps the UTC time: the meeting
            recurs every 168 hours exactly.

    Returns:
        One `SlotConflict` per week and member that does not fit, by date
        then member id. Empty when the slot holds for all of them.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from peerkit import Member
        >>> ada = Member(
        ...     "ada",
        ...     "action",
        ...     timezone="America/New_York",
        ...     availability="mon-fri 08:00-10:00",
        ... )
        >>> ben = Member(
        ...     "ben",
        ...     "action",
        ...     timezone="Europe/London",
        ...     availability="mon-fri 13:30-15:00",
        ... )
        >>> slot = Slot(
        ...     start=pendulum.datetime(2024, 3, 5, 14),
        ...     end=pendulum.datetime(2024, 3, 5, 15),
        ...     timezones={"ada": ada.timezone, "ben": ben.timezone},
        ... )
        >>> clashes = recurring_slot_conflicts(
        ...     slot,
        ...     [ada, ben],
        ...     during=(slot.start, slot.start.add(weeks=6)),
        ...     timezone="America/New_York",
        ... )
        >>> [(str(c.week_of), c.member_id) for c in clashes]
        [('2024-03-12', 'ben'), ('2024-03-19', 'ben'), ('2024-03-26', 'ben')]
        >>> print(clashes[0].reason.message)  # doctest: +NORMALIZE_WHITESPACE
        That week the meeting is at Tue 12 Mar 13:00-14:00 their time
        (Europe/London), outside the times they are free.

    Added in 0.1.
    """
    check_instance("slot", slot, Slot, "a Slot")
    people = team_members(members)
    period = as_period("during", during)
    if period.end - period.start > dt.timedelta(weeks=_MAX_WEEKS):
        raise InvalidInputError(
            "during", during, f"a period of at most {_MAX_WEEKS} weeks"
        )
    anchor = "UTC" if timezone is None else check_timezone("timezone", timezone)
    length = micros(slot.end) - micros(slot.start)
    found: list[SlotConflict] = []
    for day, begin in _meetings(slot, anchor, period):
        end = begin + length
        for member in people:
            problem = _problem(member, begin, end)
            if problem is None:
                continue
            s, e = from_micros(begin), from_micros(end)
            local = _span(
                s.in_timezone(zone(member.timezone)),
                e.in_timezone(zone(member.timezone)),
            )
            code, words = problem
            found.append(
                SlotConflict(
                    week_of=day,
                    member_id=member.id,
                    start=s,
                    end=e,
                    reason=Reason(
                        code,
                        -1.0,
                        f"That week the meeting is at {local} their time "
                        f"({member.timezone}), {words}.",
                    ),
                )
            )
    return tuple(found)


def _meetings(
    slot: Slot, anchor: str, period: Interval
) -> Iterator[tuple[dt.date, int]]:
    """
    Each weekly meeting at the slot's wall time in *anchor* that overlaps *period*.

    Its date in *anchor* and its start in POSIX microseconds.
    """
    start = slot.start.in_timezone(zone(anchor))
    wall = dt.time(start.hour, start.minute, start.second, start.microsecond)
    first = dt.date(start.year, start.month, start.day)
    length = micros(slot.end) - micros(slot.start)
    lo, hi = micros(period.start), micros(period.end)
    local = period.start.in_timezone(zone(anchor))
    reach = (dt.date(local.year, local.month, local.day) - first).days // 7 - 1
    span = (period.end - period.start).days // 7 + 3
    for k in range(reach, reach + span + 1):
        ordinal = first.toordinal() + 7 * k
        if not MIN_DATE.toordinal() <= ordinal <= MAX_DATE.toordinal():
            continue
        day = dt.date.fromordinal(ordinal)
        begin = micros(local_instant(day, wall, anchor))
        if begin < hi and lo < begin + length:
            yield day, begin


def _problem(member: Member, begin: int, end: int) -> tuple[str, str] | None:
    pad = 2 * 86_400 * _US
    free = materialize(
        member.availability.windows, member.timezone, begin - pad, end + pad
    )
    if not any(s <= begin and end <= e for s, e in free):
        return ("slot.unavailable", "outside the times they are free")
    quiet = materialize(
        member.quiet_hours.windows, member.timezone, begin - pad, end + pad
    )
    if any(s < end and begin < e for s, e in quiet):
        return ("slot.quiet", "inside their quiet hours")
    return None
