"""
A team's recurring check-in for a whole period, fair across time zones.

Every candidate is a weekly wall-clock time kept in one member's zone
(``Sat 07:00`` in New York). Its check-in of every week of the period is
read on that week's real date, so clock changes that fall on different
dates in different zones move it for everyone else exactly as a calendar
app would. A candidate is kept only if every one of its check-ins lies in
every member's availability, outside their quiet hours and clear of the
busy intervals; the kept ones are ranked by the unsociable-hours burden of
the member it suits least, then by the most evenly spread days, then by
the earliest first check-in.

The work is array-shaped: for each zone, every (week, weekday, start time)
is read to an instant with the zone's transition table (numpy
``searchsorted``, the same reading as `occurrences`: a gap time moves
forward, an ambiguous time is its first occurrence), checked against the
merged free spans with one more ``searchsorted``, and weighed in each
member's own zone with theirs.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import attrs
import numpy as np
import pendulum

from peerkit._availability import WEEKDAYS, Window
from peerkit._explain import Reason
from peerkit._frozendict import FrozenDict
from peerkit._instants import as_instant, check_timezone, from_micros, micros
from peerkit._intervals import Interval, Period, as_period, merge_spans
from peerkit._model import Cohort, Group, Member
from peerkit._validate import (
    check_instance,
    check_int,
    check_str,
    count,
    instance,
    instant,
    number,
    tuple_of,
)
from peerkit._zonerules import (
    EPOCH_ORDINAL,
    offset,
    year_start,
    year_transitions,
)
from peerkit.errors import InvalidInputError
from peerkit.scheduling._cadence import Cadence
from peerkit.scheduling._occurrences import occurrences
from peerkit.scheduling._slots import duration_micros, team_members

_US = 1_000_000
_DAY = 86_400
_HOUR = 3_600
_MAX_WEEKS = 520
_SPREAD = 8  # more than any gap between days of a week can be

# Unsociable hours of a member's local day, in seconds of the day.
_NIGHT = ((-1 * _HOUR, 6 * _HOUR), (23 * _HOUR, 30 * _HOUR))
_EARLY = (6 * _HOUR, 8 * _HOUR)
_LATE = (20 * _HOUR, 23 * _HOUR)


def _check_step(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if (
        not isinstance(value, dt.timedelta)
        or not dt.timedelta(minutes=5) <= value <= dt.timedelta(hours=12)
        or value % dt.timedelta(minutes=1)
    ):
        raise InvalidInputError(
            attr.name, value, "a timedelta of whole minutes from 5 minutes to 12 hours"
        )


@attrs.frozen(kw_only=True)
class PlanPolicy:
    """
    How `plan_checkins` weighs unsociable hours and what it offers.

    A check-in's burden for one member is the largest weight of the
    unsociable hours it touches in their own zone (night 23:00-06:00,
    early morning 06:00-08:00, late evening 20:00-23:00), plus the weekend
    weight on a Saturday or Sunday, at most 1. A plan's burden for a member
    is the mean over its check-ins: the cost falls on the person whose
    night it is, never shared out by averaging across the team.

    Attributes:
        night: Weight of a check-in touching 23:00-06:00 local.
        early_morning: Weight of one touching 06:00-08:00 local.
        late_evening: Weight of one touching 20:00-23:00 local.
        weekend: Added on a local Saturday or Sunday.
        step: Spacing of candidate start times, from local midnight.
        plan_count: How many plans to offer (best first) when one time fits
            the whole period.

    Examples:
        >>> import attrs
        >>> policy = attrs.evolve(PlanPolicy(), weekend=0.0)
        >>> policy.night, policy.weekend, policy.plan_count
        (1.0, 0.0, 3)

    Added in 0.2.
    """

    night: float = attrs.field(default=1.0, validator=number(0.0, 1.0))
    early_morning: float = attrs.field(default=0.5, validator=number(0.0, 1.0))
    late_evening: float = attrs.field(default=0.4, validator=number(0.0, 1.0))
    weekend: float = attrs.field(default=0.2, validator=number(0.0, 1.0))
    step: dt.timedelta = attrs.field(
        default=dt.timedelta(minutes=30), validator=_check_step
    )
    plan_count: int = attrs.field(default=3, validator=count(low=1, high=100))


def _to_floats(value: Any) -> Any:
    if isinstance(value, Mapping):
        try:
            return FrozenDict({k: float(v) for k, v in value.items()})
        except (TypeError, ValueError):
            return value
    return value


def _to_times_map(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict(
            {
                k: tuple(v) if isinstance(v, Iterable) and not isinstance(v, str) else v
                for k, v in value.items()
            }
        )
    return value


def _to_reasons(value: Iterable[Reason]) -> tuple[Reason, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else value  # type: ignore[return-value]  # the validator says what is wrong


def _check_burdens(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, FrozenDict) or not value:
        raise InvalidInputError(attr.name, value, "member id -> burden in [0, 1]")
    for key, item in value.items():
        check_str(attr.name, key)
        if not isinstance(item, float) or not 0.0 <= item <= 1.0:
            raise InvalidInputError(f"{attr.name}[{key!r}]", item, "a number in [0, 1]")


def _check_local_times(
    _inst: object, attr: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, FrozenDict) or not value:
        raise InvalidInputError(attr.name, value, "member id -> local times")
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidInputError(attr.name, key, "a member id")
        if (
            not isinstance(item, tuple)
            or not item
            or not all(isinstance(t, str) and t for t in item)
        ):
            raise InvalidInputError(
                f"{attr.name}[{key!r}]", item, "local times such as 'Sat 07:00-07:30'"
            )


def _check_duration(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    duration_micros(value, attr.name)


def _to_zones(value: Any) -> Any:
    return FrozenDict(value) if isinstance(value, Mapping) else value


def _check_zones(inst: CheckinPlan, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, FrozenDict):
        raise InvalidInputError(attr.name, value, "member id -> IANA time zone")
    for key, item in value.items():
        check_str(attr.name, key)
        check_timezone(f"{attr.name}[{key!r}]", item)
    if set(value) != set(inst.burdens):
        raise InvalidInputError(attr.name, value, "the same members as burdens")


@attrs.frozen(kw_only=True)
class CheckinPlan:
    """
    A team's recurring check-in for a stretch of time, and what it costs whom.

    Compose it: ``plan.occurrences()`` (the same as ``occurrences(
    plan.cadence, start=plan.start, until=plan.until)``) gives the due
    times an app records touchpoints against, and
    ``to_ical(plan, summary=..., uid=...)`` the calendar file.

    Attributes:
        cadence: The weekly check-in, in the zone whose wall clock it keeps.
        start: When its series begins (the stretch's first instant).
        until: Last instant a check-in of it may start (inclusive).
        duration: How long each check-in is.
        week_count: How many weeks of the stretch have a check-in.
        local_times: Each member's id and the local times they meet at, in
            the order they first come (two where clocks change on
            different dates: ``("Sat 12:00-12:30", "Sat 11:00-11:30")``).
        timezones: Each member's id and IANA zone.
        burdens: Each member's id and their unsociable-hours burden in
            [0, 1] (see `PlanPolicy`); show each member only their own.
        reasons: Why this plan, in words any member may read.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from peerkit import Member
        >>> ada = Member(
        ...     "ada",
        ...     "action",
        ...     timezone="Europe/London",
        ...     availability="tue 18:00-20:00",
        ... )
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> (plan,) = plan_checkins(
        ...     [ada],
        ...     during=(start, start.add(weeks=2)),
        ...     duration=dt.timedelta(minutes=30),
        ...     policy=PlanPolicy(plan_count=1),
        ... )
        >>> [str(t) for t in plan.occurrences()]
        ['2024-01-02 18:00:00+00:00', '2024-01-09 18:00:00+00:00']

    Added in 0.2.
    """

    cadence: Cadence = attrs.field(validator=instance(Cadence, "a Cadence"))
    start: pendulum.DateTime = attrs.field(validator=instant())
    until: pendulum.DateTime = attrs.field(validator=instant())
    duration: dt.timedelta = attrs.field(validator=_check_duration)
    week_count: int = attrs.field(validator=count())
    local_times: Mapping[str, tuple[str, ...]] = attrs.field(
        converter=_to_times_map, validator=_check_local_times
    )
    timezones: Mapping[str, str] = attrs.field(
        converter=_to_zones, validator=_check_zones
    )
    burdens: Mapping[str, float] = attrs.field(
        converter=_to_floats, validator=_check_burdens
    )
    reasons: tuple[Reason, ...] = attrs.field(
        default=(), converter=_to_reasons, validator=tuple_of(Reason, "a Reason")
    )

    def __attrs_post_init__(self) -> None:
        if self.until < self.start:
            raise InvalidInputError("until", self.until, f"not before {self.start}")
        if set(self.local_times) != set(self.burdens):
            raise InvalidInputError(
                "local_times", self.local_times, "the same members as burdens"
            )

    @property
    def burden(self) -> float:
        """
        The largest member burden: what the plan costs the member it suits least.

        Examples:
            >>> from peerkit.scheduling import Cadence
            >>> import pendulum
            >>> plan = CheckinPlan(
            ...     cadence=Cadence.weekly(on="mon", time="07:00", timezone="UTC"),
            ...     start=pendulum.datetime(2024, 1, 1),
            ...     until=pendulum.datetime(2024, 1, 8),
            ...     duration=pendulum.duration(minutes=30),
            ...     week_count=1,
            ...     local_times={
            ...         "ada": ("Mon 07:00-07:30",),
            ...         "ben": ("Mon 16:00-16:30",),
            ...     },
            ...     timezones={"ada": "UTC", "ben": "Asia/Tokyo"},
            ...     burdens={"ada": 0.5, "ben": 0.0},
            ... )
            >>> plan.burden
            0.5
        """
        return max(self.burdens.values())

    def occurrences(self) -> Iterator[pendulum.DateTime]:
        """
        The plan's check-ins, lazily: its due times, in the cadence's zone.

        Examples:
            >>> from peerkit.scheduling import Cadence
            >>> import pendulum
            >>> plan = CheckinPlan(
            ...     cadence=Cadence.weekly(on="mon", time="09:00", timezone="UTC"),
            ...     start=pendulum.datetime(2024, 1, 1),
            ...     until=pendulum.datetime(2024, 1, 14),
            ...     duration=pendulum.duration(minutes=30),
            ...     week_count=2,
            ...     local_times={"ada": ("Mon 09:00-09:30",)},
            ...     timezones={"ada": "UTC"},
            ...     burdens={"ada": 0.0},
            ... )
            >>> len(list(plan.occurrences()))
            2
        """
        return occurrences(self.cadence, start=self.start, until=self.until)


# --- zones as arrays -----------------------------------------------------------


class _Zone(NamedTuple):
    """A zone's transitions over a range of years, as numpy arrays."""

    utc: np.ndarray  # transition instants (UTC seconds)
    switch: np.ndarray  # first wall second read with the offset after it
    after: np.ndarray  # offset after each transition
    base: int  # offset before the first

    def offsets(self, utc: np.ndarray) -> np.ndarray:
        """The zone's UTC offset (seconds) at each instant."""
        i = np.searchsorted(self.utc, utc, side="right")
        return np.where(i > 0, self.after[np.maximum(i - 1, 0)], self.base)

    def read(self, wall: np.ndarray) -> np.ndarray:
        """The instant (UTC seconds) of each wall second, read as RFC 5545 does."""
        i = np.searchsorted(self.switch, wall, side="right")
        return wall - np.where(i > 0, self.after[np.maximum(i - 1, 0)], self.base)


@functools.lru_cache(maxsize=1024)
def _zone(name: str, first_year: int, last_year: int) -> _Zone:
    changes = [
        c
        for y in range(first_year - 1, last_year + 2)
        for c in year_transitions(name, y)
    ]
    base = changes[0][1] if changes else offset(name, year_start(max(first_year, 2)))
    if not changes:  # one offset all along: a transition before any instant
        changes = [(-(2**62), base, base)]
    utc = np.array([t for t, _, _ in changes], dtype=np.int64)
    switch = np.array([t + max(b, a) for t, b, a in changes], dtype=np.int64)
    after = np.array([a for _, _, a in changes], dtype=np.int64)
    for array in (utc, switch, after):  # shared through the cache: never written
        array.flags.writeable = False
    return _Zone(utc, switch, after, base)


# --- inputs ------------------------------------------------------------------

_BUSY_HELP = (
    "busy times: Intervals or (start, end) pairs, Groups (their meetings), "
    "or (Cadence, timedelta) pairs (a meeting cadence and its length)"
)


def _busy_spans(
    value: object, lo: int, hi: int, years: tuple[int, int], anchor: dt.datetime
) -> tuple[list[tuple[int, int]], set[str]]:
    """
    The busy items as spans of POSIX microseconds overlapping ``[lo, hi)``.

    A meeting cadence's series begins at *anchor* (the start of the
    period), so an ``every=2`` one counts its weeks from there; one that
    meets every day, week or month has no phase, and its meetings from
    before *lo* that run into it count too.

    With them, the zones whose wall clocks the recurring ones keep: their
    clock changes move them as much as a member's do.
    """
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputError("busy", value, _BUSY_HELP)
    spans: list[tuple[int, int]] = []
    zones: set[str] = set()
    for i, item in enumerate(value):
        path = f"busy[{i}]"
        if isinstance(item, Group):
            zones.add(item.timezone)
            starts, ends = _window_spans(
                item.meets.windows, item.timezone, lo, hi, years
            )
            spans += zip(starts.tolist(), ends.tolist(), strict=True)
        elif isinstance(item, Interval):
            spans.append((micros(item.start), micros(item.end)))
        elif (
            isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Cadence)
        ):
            length = duration_micros(item[1], f"{path}[1]")
            zones.add(item[0].timezone)
            start = from_micros(lo - 2 * _DAY * _US) if item[0].every == 1 else anchor
            for at in occurrences(item[0], start=start, until=from_micros(hi)):
                begin = micros(at)
                spans.append((begin, begin + length))
        elif isinstance(item, (tuple, list)):
            period = as_period(path, tuple(item))
            spans.append((micros(period.start), micros(period.end)))
        else:
            raise InvalidInputError(path, item, _BUSY_HELP)
    return merge_spans(s for s in spans if s[0] < hi and lo < s[1]), zones


@functools.lru_cache(maxsize=4096)
def _window_spans(
    windows: tuple[Window, ...], timezone: str, lo: int, hi: int, years: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """
    Merged spans (POSIX microseconds) of weekly *windows* in *timezone* near [lo, hi).

    The same reading as `materialize` (each end a wall time read the RFC
    5545 way), for every date at once.
    """
    if not windows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    table = _zone(timezone, *years)
    first = lo // _US // _DAY - 2
    last = hi // _US // _DAY + 2
    days = np.arange(first, last + 1, dtype=np.int64)
    weekday = (days + 3) % 7
    starts, ends = [], []
    for w in windows:
        on = days[weekday == w.day] * _DAY
        starts.append(table.read(on + w.start * 60))
        ends.append(table.read(on + w.end * 60))
    merged = _merge(np.concatenate(starts) * _US, np.concatenate(ends) * _US)
    for array in merged:  # shared through the cache: never written
        array.flags.writeable = False
    return merged


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, merged spans (touching ones joined), empty ones dropped."""
    keep = starts < ends
    starts, ends = starts[keep], ends[keep]
    if not starts.size:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    new = np.ones(starts.size, dtype=bool)
    new[1:] = starts[1:] > reach[:-1]
    group = np.cumsum(new) - 1
    merged_ends = np.zeros(int(group[-1]) + 1, dtype=np.int64)
    np.maximum.at(merged_ends, group, ends)
    return starts[new], merged_ends


def _covered(points: np.ndarray, spans: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Whether each point lies in one of the merged *spans*."""
    starts, ends = spans
    if not starts.size:
        return np.zeros(points.shape, dtype=bool)
    i = np.searchsorted(starts, points, side="right") - 1
    return (i >= 0) & (ends[np.maximum(i, 0)] > points)


def _free_spans(
    people: list[Member],
    blocked: list[tuple[int, int]],
    lo: int,
    hi: int,
    years: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Times every member is free and not quiet, minus *blocked*: starts, ends."""
    free = [
        _window_spans(m.availability.windows, m.timezone, lo, hi, years) for m in people
    ]
    if any(not f[0].size for f in free):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    holes = [
        _window_spans(m.quiet_hours.windows, m.timezone, lo, hi, years) for m in people
    ]
    busy = (
        np.array([s for s, _ in blocked], dtype=np.int64),
        np.array([e for _, e in blocked], dtype=np.int64),
    )
    holes.append(busy)
    # Every boundary; between two neighbours nothing changes.
    points = np.concatenate([x for pair in (*free, *holes) for x in pair])
    points = points[(points > lo) & (points < hi)]
    points = np.sort(np.concatenate([points, np.array([lo, hi], dtype=np.int64)]))
    good = np.ones(points.size, dtype=bool)
    for spans in free:
        good &= _covered(points, spans)
    for spans in holes:
        good &= ~_covered(points, spans)
    good[-1] = False  # hi itself begins nothing (a repeated point: an empty span)
    if not good.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = points[:-1][good[:-1]]
    ends = points[1:][good[:-1]]
    return _merge(starts, ends)


# --- candidates ----------------------------------------------------------------


class _Choice(NamedTuple):
    """One ranked candidate: its key and how to rebuild it."""

    key: tuple[float, int, int, float, int, str, int, tuple[int, ...]]
    zone: str
    second: int  # wall second of the day
    days: tuple[int, ...]  # weekdays, 0 Monday


@functools.lru_cache(maxsize=8)
def _subsets(
    per_week: int,
) -> tuple[np.ndarray, np.ndarray, tuple[tuple[int, ...], ...]]:
    """Every choice of *per_week* weekdays: a 0/1 matrix, its spread, its days."""
    combos = tuple(itertools.combinations(range(7), per_week))
    masks = np.zeros((len(combos), 7), dtype=np.int64)
    spread = np.zeros(len(combos), dtype=np.int64)
    for i, days in enumerate(combos):
        masks[i, list(days)] = 1
        gaps = [
            (days[(k + 1) % len(days)] - days[k]) % 7 or 7 for k in range(len(days))
        ]
        spread[i] = min(gaps) if per_week > 1 else _SPREAD
    for array in (masks, spread):  # shared through the cache: never written
        array.flags.writeable = False
    return masks, spread, combos


@functools.lru_cache(maxsize=64)
def _weight_table(policy: PlanPolicy, length: int) -> np.ndarray:
    """The burden of a check-in of *length* seconds from each second of the week."""
    week = np.arange(7 * _DAY, dtype=np.int64)
    sod = week % _DAY
    end = sod + length
    weight = np.zeros(week.shape, dtype=np.float64)
    bands = [(a, b, policy.night) for a, b in _NIGHT]
    bands += [(_EARLY[0], _EARLY[1], policy.early_morning)]
    bands += [(_LATE[0], _LATE[1], policy.late_evening)]
    for a, b, w in bands:
        for shift in (0, _DAY):
            hit = (sod < b + shift) & (a + shift < end)
            weight[hit] = np.maximum(weight[hit], w)
    weight[week >= 5 * _DAY] += policy.weekend  # Monday is second 0
    table = np.minimum(weight, 1.0)
    table.flags.writeable = False  # shared through the cache
    return table


def _weights(local: np.ndarray, length: int, policy: PlanPolicy) -> np.ndarray:
    """The burden of a check-in starting at each local wall second."""
    # 1970-01-05 was a Monday: shift so that second 0 of the week is one.
    found: np.ndarray = _weight_table(policy, length)[(local - 4 * _DAY) % (7 * _DAY)]
    return found


class _Setting(NamedTuple):
    """What every candidate of one call is judged against."""

    people: list[Member]
    length: int  # microseconds
    per_week: int
    policy: PlanPolicy
    starts: np.ndarray  # free spans, microseconds
    ends: np.ndarray
    years: tuple[int, int]


def _fits(setting: _Setting, utc: np.ndarray, length: int) -> np.ndarray:
    """Whether a check-in from each instant (UTC seconds) lies in one free span."""
    if not setting.starts.size:
        return np.zeros(utc.shape, dtype=bool)
    at = utc * _US
    i = np.searchsorted(setting.starts, at, side="right") - 1
    found: np.ndarray = (i >= 0) & (setting.ends[np.maximum(i, 0)] >= at + length)
    return found


class _Cells(NamedTuple):
    """One zone's (weekday, start time) cells: which fit, and what they cost."""

    ok: np.ndarray  # (7, S): fits every week
    checkins: np.ndarray  # (7, S): how many check-ins
    first: np.ndarray  # (7, S): first check-in (UTC seconds)
    sums: np.ndarray  # (M, 7, S): each member's summed burden


def _cells(
    setting: _Setting, table: _Zone, lo_s: int, last_s: int, seconds: np.ndarray
) -> _Cells | None:
    """Every weekly cell of one zone checked in every week; None if none fits."""
    people, length, _, policy = setting[:4]
    bounds = np.array([lo_s, last_s], dtype=np.int64)
    first_day, last_day = ((bounds + table.offsets(bounds)) // _DAY).tolist()
    monday = first_day - 1 - (first_day + 2) % 7
    weeks = np.arange(monday, last_day + 2, 7, dtype=np.int64)
    # Columns: (weekday, start time) cells, as wall seconds into the week.
    offsets = (np.arange(7, dtype=np.int64)[:, None] * _DAY + seconds[None, :]).ravel()
    # A week in the middle rules most cells out at once.
    probe = table.read(weeks[weeks.size // 2] * _DAY + offsets)
    inside = (probe >= lo_s) & (probe <= last_s)
    cols = np.nonzero(~inside | _fits(setting, probe, length))[0]
    if not cols.size:
        return None
    utc = table.read(weeks[:, None] * _DAY + offsets[cols][None, :])
    valid = (utc >= lo_s) & (utc <= last_s)
    ok = ~np.any(valid & ~_fits(setting, utc, length), axis=0)
    if not ok.any():
        return None
    shape = (7, seconds.size)
    never = np.iinfo(np.int64).max
    ok_ds = np.zeros(offsets.size, dtype=bool)
    ok_ds[cols] = ok
    n_ds = np.zeros(offsets.size, dtype=np.int64)
    n_ds[cols] = valid.sum(axis=0)
    first_ds = np.full(offsets.size, never)
    first_ds[cols] = np.where(valid, utc, never).min(axis=0)
    # Weigh only the cells that fit every week: usually few.
    sums = np.zeros((len(people), offsets.size))
    kept, counted = utc[:, ok], valid[:, ok]
    for k, member in enumerate(people):
        theirs = _zone(member.timezone, *setting.years)
        w = _weights(kept + theirs.offsets(kept), length // _US, policy)
        sums[k, cols[ok]] = np.where(counted, w, 0.0).sum(axis=0)
    return _Cells(
        ok_ds.reshape(shape),
        n_ds.reshape(shape),
        first_ds.reshape(shape),
        sums.reshape(len(people), *shape),
    )


def _rank(setting: _Setting, lo: int, last: int) -> list[_Choice]:
    """Each candidate whose check-ins from ``lo`` to ``last`` all fit, best first."""
    people, per_week, policy = setting.people, setting.per_week, setting.policy
    members_in: dict[str, int] = {}
    for m in people:
        members_in[m.timezone] = members_in.get(m.timezone, 0) + 1
    seconds = np.arange(0, _DAY, int(policy.step.total_seconds()), dtype=np.int64)
    masks, spread, combos = _subsets(per_week)
    found: list[_Choice] = []
    for name in sorted(members_in):
        cells = _cells(
            setting, _zone(name, *setting.years), -(-lo // _US), last // _US, seconds
        )
        if cells is None:
            continue
        # Each choice of days (C) at each time (S).
        bad = masks @ (~cells.ok).astype(np.int64)
        n = masks @ cells.checkins
        total = np.einsum("cd,mds->mcs", masks.astype(np.float64), cells.sums)
        each = total / np.maximum(n, 1)[None]  # (M, C, S)
        worst = each.max(axis=0)
        # The burden of those whose clock it keeps: on a tie, the zone of
        # whoever it costs most keeps the wall clock, so it never moves for them.
        home = each[[k for k, m in enumerate(people) if m.timezone == name]]
        home = home.max(axis=0)
        firsts = np.where(
            masks[:, :, None] == 1, cells.first[None], np.iinfo(np.int64).max
        ).min(axis=1)
        for c, s in zip(*np.nonzero((bad == 0) & (n > 0)), strict=True):
            found.append(
                _Choice(
                    key=(
                        round(float(worst[c, s]), 9),
                        -int(spread[c]),
                        int(firsts[c, s]),
                        -round(float(home[c, s]), 9),
                        -members_in[name],
                        name,
                        int(seconds[s]),
                        combos[c],
                    ),
                    zone=name,
                    second=int(seconds[s]),
                    days=combos[c],
                )
            )
    found.sort(key=lambda choice: choice.key)
    return found


# --- plans ---------------------------------------------------------------------


def _due(choice: _Choice, lo: int, last: int, years: tuple[int, int]) -> np.ndarray:
    """A candidate's check-ins in ``[lo, last]`` in UTC seconds, as in `occurrences`."""
    table = _zone(choice.zone, *years)
    lo_s, last_s = -(-lo // _US), last // _US
    bounds = np.array([lo_s, last_s], dtype=np.int64)
    first_day, last_day = ((bounds + table.offsets(bounds)) // _DAY).tolist()
    days = np.arange(first_day - 1, last_day + 2, dtype=np.int64)
    days = days[np.isin((days + 3) % 7, choice.days)]
    utc = table.read(days * _DAY + choice.second)
    found: np.ndarray = utc[(utc >= lo_s) & (utc <= last_s)]
    return found


def _fmt_date(local: int) -> str:
    day = dt.date.fromordinal(local // _DAY + EPOCH_ORDINAL)
    return f"{day.day} {day.strftime('%b %Y')}"


def _local_label(local: int, length: int) -> str:
    sod = local % _DAY
    weekday = WEEKDAYS[(local // _DAY + 3) % 7].capitalize()
    end = (sod + length) % _DAY
    return (
        f"{weekday} {sod // _HOUR:02d}:{sod % _HOUR // 60:02d}-"
        f"{end // _HOUR:02d}:{end % _HOUR // 60:02d}"
    )


def _build(  # noqa: PLR0913 - a candidate, its stretch and how it was found
    setting: _Setting,
    choice: _Choice,
    lo: int,
    last: int,
    *,
    whole: bool,
    clocks_differ: bool = False,
) -> CheckinPlan:
    people, length, _, policy = setting[:4]
    cadence = _cadence(choice)
    start, until = from_micros(lo), from_micros(last)
    due = _due(choice, lo, last, setting.years)
    local_times: dict[str, tuple[str, ...]] = {}
    burdens: dict[str, float] = {}
    for member in people:
        table = _zone(member.timezone, *setting.years)
        local = due + table.offsets(due)
        _, where = np.unique(local % (7 * _DAY), return_index=True)
        local_times[member.id] = tuple(
            _local_label(int(local[i]), length // _US) for i in sorted(where.tolist())
        )
        w = _weights(local, length // _US, policy)
        burdens[member.id] = round(float(w.mean()), 9)
    anchor = _zone(choice.zone, *setting.years)
    ours = due + anchor.offsets(due)
    weeks = np.unique((ours // _DAY + 3) // 7)
    span = f"from {_fmt_date(int(ours[0]))} to {_fmt_date(int(ours[-1]))}"
    reasons: tuple[Reason, ...] = (
        Reason(
            "plan.fits" if whole else "plan.stretch",
            1.0 if whole else 0.0,
            (
                f"Everyone is free at this time, outside their quiet hours and "
                f"other commitments, in every week {span}."
                if whole
                else "No single time suits every week of the period"
                + (
                    ", because clocks change on different dates"
                    if clocks_differ
                    else ""
                )
                + f"; this one suits every week {span}."
            ),
        ),
        Reason(
            "plan.clock",
            0.0,
            f"It keeps its wall-clock time in {choice.zone}"
            + (
                "; in other zones it moves by the clock change in the weeks "
                "when clocks change on different dates."
                if any(len(v) > len(choice.days) for v in local_times.values())
                else "."
            ),
        ),
        Reason(
            "plan.fair",
            -max(burdens.values()),
            "Chosen to keep nights, early mornings, late evenings and weekends "
            "as light as the free times allow for whoever they fall on.",
        ),
    )
    return CheckinPlan(
        cadence=cadence,
        start=start,
        until=until,
        duration=dt.timedelta(microseconds=length),
        week_count=int(weeks.size),
        local_times=local_times,
        timezones={m.id: m.timezone for m in people},
        burdens=burdens,
        reasons=reasons,
    )


def _changes(
    zones: set[str], lo: int, last: int, years: tuple[int, int]
) -> tuple[list[int], bool]:
    """
    Each clock change (POSIX microseconds) in one of *zones* inside (lo, last].

    With it, whether the zones change their clocks on different dates there.
    """
    each = {
        name: frozenset(
            t * _US for t in _zone(name, *years).utc.tolist() if lo < t * _US <= last
        )
        for name in zones
    }
    return sorted(frozenset().union(*each.values())), len(set(each.values())) > 1


def plan_checkins(  # noqa: PLR0913 - the domain input plus keyword-only options
    members: Iterable[Member] | Cohort,
    *,
    during: Period,
    duration: dt.timedelta,
    per_week: int = 1,
    busy: Iterable[object] = (),
    earliest: dt.datetime | None = None,
    latest: dt.datetime | None = None,
    policy: PlanPolicy = PlanPolicy(),
) -> tuple[CheckinPlan, ...]:
    """
    Recurring check-in plans for a team that hold in every week of *during*.

    Each candidate is a weekly time kept on one member's wall clock (on
    *per_week* days at the same time). It is kept only if each of its
    check-ins, read on its real date in every member's own zone, lies
    inside every member's availability, outside their quiet hours and
    clear of *busy*. Kept candidates are ranked by the burden of the
    member it suits least (`PlanPolicy`: nights, early mornings, late
    evenings and weekends, each in the zone of the person they fall on),
    then by the most evenly spread days, then by the earliest first
    check-in; a tie goes to the zone most members share. Hard rules are
    never traded for a lighter burden.

    Where some single time fits the whole period, up to
    ``policy.plan_count`` plans are returned, best first, each covering
    all of it. Where none does (clocks that change on different dates move
    every common time out of someone's hours for a few weeks), the period
    is cut at every clock change of a member's zone (and of a busy group's
    or meeting cadence's) and the best plan of each stretch is returned in
    date order (stretches that share their best plan are joined); their
    first reason says so (``plan.stretch``). A stretch where no single
    time suits every week gets no plan (so a one-off busy interval that
    covers every common time of one week costs its whole stretch), and no
    such stretch at all gives ``()``.

    Args:
        members: The team (a pair, a trio or a group; any order, unique
            ids), or a `Cohort`.
        during: The period: an `Interval` or a ``(start, end)`` pair of aware
            datetimes, at most 520 weeks. Check-ins start inside it.
        duration: How long a check-in is.
        per_week: How many check-ins a week (1 to 7), on different days at
            the same time.
        busy: Other commitments: `Interval` or ``(start, end)`` pairs,
            a `peerkit.Group` (its meetings, in its zone), or
            ``(Cadence, timedelta)`` pairs (a meeting cadence, counted from
            the start of *during*, and each meeting's length).
        earliest: No check-in starts before this instant (aware), e.g. now.
        latest: No check-in ends after this instant (aware).
        policy: Burden weights and how many plans to offer; see `PlanPolicy`.

    Raises:
        peerkit.errors.InvalidInputError: If *members* is empty or repeats
            an id, or any option is not what is expected.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from peerkit import Member
        >>> ada = Member(
        ...     "ada",
        ...     "action",
        ...     timezone="Europe/London",
        ...     availability="sat 09:00-13:00",
        ... )
        >>> ben = Member(
        ...     "ben",
        ...     "action",
        ...     timezone="America/New_York",
        ...     availability="daily 06:30-08:00",
        ... )
        >>> start = pendulum.datetime(2024, 3, 4)
        >>> best = plan_checkins(
        ...     [ada, ben],
        ...     during=(start, start.add(weeks=6)),
        ...     duration=dt.timedelta(minutes=30),
        ... )[0]
        >>> print(best.cadence)
        every week on Sat at 06:30 (America/New_York)
        >>> best.local_times["ada"]
        ('Sat 11:30-12:00', 'Sat 10:30-11:00')
        >>> best.burdens["ben"] > best.burdens["ada"]
        True

    Added in 0.2.
    """
    people = team_members(members)
    length = duration_micros(duration)
    check_int("per_week", per_week, minimum=1, maximum=7)
    check_instance("policy", policy, PlanPolicy, "a PlanPolicy")
    period = as_period("during", during)
    if period.end - period.start > dt.timedelta(weeks=_MAX_WEEKS):
        raise InvalidInputError(
            "during", during, f"a period of at most {_MAX_WEEKS} weeks"
        )
    lo, hi = micros(period.start), micros(period.end)
    last = hi - 1
    if earliest is not None:
        lo = max(lo, micros(as_instant("earliest", earliest)))
    if latest is not None:
        last = min(last, micros(as_instant("latest", latest)) - length)
    years = (period.start.year, period.end.year)
    blocked, busy_zones = _busy_spans(
        busy, lo - _DAY * _US, last + length + _DAY * _US, years, period.start
    )
    if last < lo:
        return ()
    starts, ends = _free_spans(people, blocked, lo, last + length, years)
    if not starts.size:
        return ()
    setting = _Setting(people, length, per_week, policy, starts, ends, years)
    ranked = _rank(setting, lo, last)
    if ranked:
        return tuple(
            _build(setting, choice, lo, last, whole=True)
            for choice in _distinct(ranked, policy.plan_count, lo, last, years)
        )
    changes, differ = _changes(
        {m.timezone for m in people} | busy_zones, lo, last, years
    )
    cuts = [lo, *changes, last + 1]
    plans: list[tuple[int, int, _Choice]] = []
    for a, b in itertools.pairwise(cuts):
        best = _rank(setting, a, b - 1)
        if not best:
            continue
        if plans and plans[-1][1] == a and plans[-1][2][1:] == best[0][1:]:
            plans[-1] = (plans[-1][0], b, plans[-1][2])
        else:
            plans.append((a, b, best[0]))
    return tuple(
        _build(setting, choice, a, b - 1, whole=False, clocks_differ=differ)
        for a, b, choice in plans
    )


def _distinct(
    ranked: list[_Choice], n: int, lo: int, last: int, years: tuple[int, int]
) -> list[_Choice]:
    """
    The first *n* candidates whose check-ins differ.

    Two zones with the same offsets all period give the same check-ins;
    the first of them in the ranking (the zone more members share) stays.
    """
    out: list[_Choice] = []
    seen: set[tuple[int, ...]] = set()
    for choice in ranked:
        due = tuple(_due(choice, lo, last, years).tolist())
        if due in seen:
            continue
        seen.add(due)
        out.append(choice)
        if len(out) == n:
            break
    return out


def _cadence(choice: _Choice) -> Cadence:
    return Cadence.weekly(
        on=[WEEKDAYS[d] for d in choice.days],
        time=dt.time(choice.second // _HOUR, choice.second % _HOUR // 60),
        timezone=choice.zone,
    )
