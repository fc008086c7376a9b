"""Time zones, instants and the weekly-window algebra, DST-correct."""

import datetime as dt
import itertools
from functools import partial
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peerkit import (
    Group,
    Interval,
    InvalidInputError,
    Member,
    WeeklyAvailability,
    Window,
    common_intervals,
    intersect_intervals,
    local_instant,
    merge_intervals,
    overlap_minutes,
    total_minutes,
    week_span,
)
from peerkit.testing import (
    aware_datetimes,
    intervals,
    timezones,
    weekly_availabilities,
    windows,
)
from threads import in_threads

NY = "America/New_York"
LONDON = "Europe/London"

# --- reading local times (RFC 5545 §3.3.5) -------------------------------------


def test_gap_time_is_read_with_the_offset_before_the_gap() -> None:
    """02:30 on New York's spring-forward day is 03:30 EDT, not 01:30."""
    instant = local_instant(dt.date(2024, 3, 10), dt.time(2, 30), NY)
    assert instant.isoformat() == "2024-03-10T03:30:00-04:00"


def test_ambiguous_time_is_the_first_occurrence() -> None:
    """01:30 on New York's fall-back day is the first 01:30 (EDT)."""
    instant = local_instant(dt.date(2024, 11, 3), dt.time(1, 30), NY)
    assert instant.isoformat() == "2024-11-03T01:30:00-04:00"


def test_pendulum_default_is_the_second_occurrence() -> None:
    """Pins why peerkit resolves explicitly: pendulum alone picks the second 01:30."""
    assert (
        pendulum.datetime(2024, 11, 3, 1, 30, tz=NY).isoformat()
        == "2024-11-03T01:30:00-05:00"
    )


def test_lord_howe_shifts_by_thirty_minutes() -> None:
    """Lord Howe's gap is 30 minutes: 02:15 reads as 02:45 (+11:00)."""
    instant = local_instant(dt.date(2024, 10, 6), dt.time(2, 15), "Australia/Lord_Howe")
    assert instant.isoformat() == "2024-10-06T02:45:00+11:00"


def test_local_instant_keeps_seconds_and_microseconds() -> None:
    """Sub-minute parts of the wall time are kept."""
    instant = local_instant(dt.date(2024, 1, 1), dt.time(9, 0, 5, 250), LONDON)
    assert (instant.second, instant.microsecond) == (5, 250)


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ((dt.date(2024, 1, 1), dt.time(9), "Nowhere"), "timezone"),
        ((dt.datetime(2024, 1, 1), dt.time(9), "UTC"), "day"),  # noqa: DTZ001
        ((dt.date(2024, 1, 1), "09:00", "UTC"), "time"),
    ],
)
def test_local_instant_refuses_bad_input(
    args: tuple[object, object, object], path: str
) -> None:
    """Bad arguments are named."""
    with pytest.raises(InvalidInputError) as info:
        local_instant(*args)  # type: ignore[arg-type]
    assert info.value.path == path


@given(aware_datetimes(zones=timezones(tricky_only=True)))
def test_local_instant_round_trips_every_real_wall_time(
    instant: pendulum.DateTime,
) -> None:
    """For all aware instants whose wall time is unambiguous, reading the wall time back gives the same instant."""
    name = instant.timezone_name
    assert name is not None
    naive = instant.naive()
    other = naive.replace(tzinfo=ZoneInfo(name), fold=1)
    assume(other.utcoffset() == naive.replace(tzinfo=ZoneInfo(name)).utcoffset())
    back = local_instant(instant.date(), instant.time(), name)
    assert back == instant


# --- intervals ---------------------------------------------------------------


def test_interval_is_utc_and_refuses_naive_or_backwards() -> None:
    """Ends are kept in UTC; a naive end or an end before the start is refused."""
    start = pendulum.datetime(2024, 1, 1, 9, tz=NY)
    span = Interval(start, start.add(hours=1))
    assert span.start.timezone_name == "UTC"
    assert span.minutes == 60.0
    with pytest.raises(InvalidInputError) as info:
        Interval(dt.datetime(2024, 1, 1), start)  # noqa: DTZ001
    assert info.value.path == "start"
    with pytest.raises(InvalidInputError) as info:
        Interval(start, start)
    assert info.value.path == "end"


@given(aware_datetimes().map(lambda d: d.naive()))
def test_naive_datetimes_are_never_accepted(naive: dt.datetime) -> None:
    """For all naive datetimes, an Interval refuses them."""
    with pytest.raises(InvalidInputError, match="naive"):
        Interval(naive, naive + dt.timedelta(hours=1))


def test_interval_contains_and_intersection() -> None:
    """Membership is half-open; intersection is the shared span or None."""
    t = pendulum.datetime(2024, 1, 1, 9)
    a = Interval(t, t.add(hours=2))
    b = Interval(t.add(hours=1), t.add(hours=3))
    assert t in a
    assert t.add(hours=2) not in a
    assert "09:00" not in a
    assert a.intersection(b) == Interval(t.add(hours=1), t.add(hours=2))
    assert a.intersection(Interval(t.add(hours=2), t.add(hours=3))) is None


@given(st.lists(intervals(max_minutes=600), max_size=8))
def test_merge_is_sorted_disjoint_and_covers_the_same_instants(
    spans: list[Interval],
) -> None:
    """For all interval lists, the merge is sorted, disjoint, non-touching, and covers exactly the same instants."""
    merged = merge_intervals(spans)
    for a, b in itertools.pairwise(merged):
        assert a.end < b.start
    for s in spans:
        assert any(m.start <= s.start and s.end <= m.end for m in merged)
    for m in merged:
        assert any(s.start == m.start for s in spans)
    assert total_minutes(spans) == pytest.approx(
        sum(m.minutes for m in merged), rel=1e-12
    )
    assert merge_intervals(reversed(spans)) == merged


@given(
    st.lists(intervals(max_minutes=600), max_size=6),
    st.lists(intervals(max_minutes=600), max_size=6),
)
def test_intersection_is_commutative_and_contained(
    a: list[Interval], b: list[Interval]
) -> None:
    """For all interval lists, intersection commutes and lies inside both (read as unions)."""
    both = intersect_intervals(a, b)
    assert both == intersect_intervals(b, a)
    for span in both:
        assert any(
            x.start <= span.start and span.end <= x.end for x in merge_intervals(a)
        )
        assert any(
            x.start <= span.start and span.end <= x.end for x in merge_intervals(b)
        )
    assert total_minutes(both) <= min(total_minutes(a), total_minutes(b))


def test_interval_functions_refuse_bad_input() -> None:
    """Non-intervals and an empty intersection are named errors."""
    with pytest.raises(InvalidInputError) as info:
        merge_intervals(["x"])  # type: ignore[list-item]
    assert info.value.path == "intervals[0]"
    with pytest.raises(InvalidInputError):
        merge_intervals("abc")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        intersect_intervals()


# --- weekly windows ----------------------------------------------------------


def test_parse_splits_windows_across_midnight() -> None:
    """A window crossing midnight becomes two windows, one per day."""
    week = WeeklyAvailability.parse(
        ["mon 18:00-21:00", "sat 09:00-12:00", "fri 22:00-01:00"]
    )
    assert week.specs() == (
        "mon 18:00-21:00",
        "fri 22:00-24:00",
        "sat 00:00-01:00",
        "sat 09:00-12:00",
    )
    assert week.minutes_per_week == 3 * 60 + 3 * 60 + 3 * 60


def test_sunday_night_wraps_to_monday() -> None:
    """A Sunday-night window continues on Monday morning."""
    assert WeeklyAvailability.parse("sun 23:00-01:00").specs() == (
        "mon 00:00-01:00",
        "sun 23:00-24:00",
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "mon-fri 12:00-13:00",
            [f"{d} 12:00-13:00" for d in ("mon", "tue", "wed", "thu", "fri")],
        ),
        ("sat,sun 09:00-10:00", ["sat 09:00-10:00", "sun 09:00-10:00"]),
        ("weekends 09:00-10:00", ["sat 09:00-10:00", "sun 09:00-10:00"]),
        (
            "fri-mon 09:00-10:00",
            [
                "mon 09:00-10:00",
                "fri 09:00-10:00",
                "sat 09:00-10:00",
                "sun 09:00-10:00",
            ],
        ),
        ("Monday 9:00-10:30", ["mon 09:00-10:30"]),
        ("TU 21:00-24:00", ["tue 21:00-24:00"]),
        ("wed 22:00-00:00", ["wed 22:00-24:00"]),
        (
            "daily 00:00-24:00",
            [
                f"{d} 00:00-24:00"
                for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            ],
        ),
    ],
)
def test_parse_day_specs(spec: str, expected: list[str]) -> None:
    """Day names, ranges, lists and keywords all read as expected."""
    assert list(WeeklyAvailability.parse(spec).specs()) == expected


def test_weekdays_keyword() -> None:
    """'weekdays' is Monday to Friday."""
    assert len(WeeklyAvailability.parse("weekdays 07:00-08:00").windows) == 5


@pytest.mark.parametrize(
    "spec",
    ["mon 09:00", "funday 09:00-10:00", "mon 25:00-26:00", "mon 09:60-10:00", "mon 10:00-10:00",
     "mon 24:30-01:00", "", "mon-09:00-10:00", 42],
)  # fmt: skip
def test_parse_refuses_bad_specs(spec: object) -> None:
    """Unreadable specs raise InvalidInputError naming their position."""
    with pytest.raises(InvalidInputError) as info:
        WeeklyAvailability.parse(["mon 09:00-10:00", spec])  # type: ignore[list-item]
    assert info.value.path == "specs[1]"


def test_parse_refuses_a_non_iterable() -> None:
    """Parse wants a spec or a list of them."""
    with pytest.raises(InvalidInputError):
        WeeklyAvailability.parse(5)  # type: ignore[arg-type]


@given(weekly_availabilities())
def test_specs_round_trip(week: WeeklyAvailability) -> None:
    """For all availabilities, parse(specs()) and parsing str()'s parts give an equal value."""
    assert WeeklyAvailability.parse(week.specs()) == week
    if not week.is_empty:
        assert WeeklyAvailability.parse(str(week).split("; ")) == week


def test_str_groups_days() -> None:
    """str() groups days that share hours into ranges and lists."""
    week = WeeklyAvailability.parse(
        ["mon-wed 09:00-10:00", "fri,sat 09:00-10:00", "sun 20:00-21:00"]
    )
    assert str(week) == "mon-wed,fri,sat 09:00-10:00; sun 20:00-21:00"
    assert str(WeeklyAvailability.always()) == "daily 00:00-24:00"


@given(st.lists(windows(), max_size=6), st.data())
def test_windows_are_canonical(ws: list[Window], data: st.DataObject) -> None:
    """For all window lists, order and overlap do not change the value: merged windows are disjoint."""
    week = WeeklyAvailability(tuple(ws))
    assert WeeklyAvailability(tuple(data.draw(st.permutations(ws)))) == week
    for a, b in itertools.pairwise(week.windows):
        assert (a.day, a.end) < (b.day, b.start)


@given(weekly_availabilities(), weekly_availabilities())
def test_union_and_intersection_count_minutes(
    a: WeeklyAvailability, b: WeeklyAvailability
) -> None:
    """For all pairs, |a| + |b| = |a or b| + |a and b| (inclusion-exclusion)."""
    assert (
        a.minutes_per_week + b.minutes_per_week
        == (a | b).minutes_per_week + (a & b).minutes_per_week
    )


def test_window_validation() -> None:
    """Windows stay within one day and run forwards."""
    assert str(Window(6, 0, 1440)) == "sun 00:00-24:00"
    for bad in [(7, 0, 10), (0, -1, 10), (0, 10, 10), (0, 10, 1441), (True, 0, 10)]:
        with pytest.raises(InvalidInputError):
            Window(*bad)
    with pytest.raises(InvalidInputError) as info:
        WeeklyAvailability(("mon",))  # type: ignore[arg-type]
    assert info.value.path == "windows[0]"
    with pytest.raises(InvalidInputError):
        WeeklyAvailability(5)  # type: ignore[arg-type]


def test_or_and_with_other_types_is_not_implemented() -> None:
    """Combining with a non-availability is a TypeError, as Python expects."""
    with pytest.raises(TypeError):
        _ = WeeklyAvailability() | 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = WeeklyAvailability() & 3  # type: ignore[operator]


# --- concrete weeks, DST-correct ---------------------------------------------------


def test_week_span_is_167_or_169_hours_in_dst_weeks() -> None:
    """A local week with a DST change is an hour shorter or longer."""
    assert week_span(dt.date(2024, 3, 10), timezone=NY).minutes == 167 * 60
    assert week_span(dt.date(2024, 11, 3), timezone=NY).minutes == 169 * 60
    assert week_span(dt.date(2024, 6, 5), timezone=NY).minutes == 168 * 60
    assert (
        week_span(dt.date(2024, 6, 5), timezone="UTC").start.isoformat()
        == "2024-06-03T00:00:00+00:00"
    )


def test_week_span_refuses_datetime() -> None:
    """week_of is a date, not a datetime."""
    with pytest.raises(InvalidInputError):
        week_span(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), timezone="UTC")


def test_window_stays_at_local_time_through_dst() -> None:
    """A Monday 18:00 window is 18:00 local both before and after the change."""
    week = WeeklyAvailability.parse("mon 18:00-19:00")
    before = week.intervals(week_of=dt.date(2024, 3, 4), timezone=NY)
    after = week.intervals(week_of=dt.date(2024, 3, 11), timezone=NY)
    assert [i.start.in_tz(NY).hour for i in before + after] == [18, 18]
    assert before[0].start.hour == 23  # 18:00 EST is 23:00 UTC
    assert after[0].start.hour == 22  # 18:00 EDT is 22:00 UTC


def test_london_new_york_overlap_changes_in_march() -> None:
    """A NY 09:00-11:00 and London 13:00-15:00 pair overlap 2 h a day in the 3 March weeks when only NY has changed clocks, 1 h otherwise."""
    ny = Member(
        "ny",
        "action",
        timezone=NY,
        availability=WeeklyAvailability.parse("mon-fri 09:00-11:00"),
    )
    ldn = Member(
        "ldn",
        "action",
        timezone=LONDON,
        availability=WeeklyAvailability.parse("mon-fri 13:00-15:00"),
    )
    weeks = [dt.date(2024, 3, 4) + dt.timedelta(weeks=k) for k in range(5)]
    minutes = [overlap_minutes([ny, ldn], week_of=w, timezone=LONDON) for w in weeks]
    assert minutes == [300, 600, 600, 600, 300]
    meeting = common_intervals(
        [ny, ldn], week_of=dt.date(2024, 3, 13), timezone=LONDON
    )[0]
    assert meeting.start.in_tz(LONDON).hour == 13
    assert meeting.start.in_tz(NY).hour == 9


def test_gap_window_follows_rfc_reading() -> None:
    """A window ending in the spring-forward gap ends where RFC 5545 reads it."""
    week = WeeklyAvailability.parse("sun 01:00-02:30")
    (span,) = week.intervals(week_of=dt.date(2024, 3, 10), timezone=NY)
    assert span.start.in_tz(NY).isoformat() == "2024-03-10T01:00:00-05:00"
    assert span.end.in_tz(NY).isoformat() == "2024-03-10T03:30:00-04:00"


def test_window_inside_fall_back_hour_is_not_doubled() -> None:
    """A window in the repeated hour happens once, at its first occurrence."""
    week = WeeklyAvailability.parse("sun 01:00-01:30")
    (span,) = week.intervals(week_of=dt.date(2024, 11, 3), timezone=NY)
    assert span.start.isoformat() == "2024-11-03T05:00:00+00:00"
    assert span.minutes == 30


def test_apia_skipped_day_gives_no_duplicate_instants() -> None:
    """Samoa skipped 2011-12-30: a daily window yields distinct, increasing spans that week."""
    week = WeeklyAvailability.parse("daily 10:00-11:00")
    spans = week.intervals(week_of=dt.date(2011, 12, 28), timezone="Pacific/Apia")
    starts = [s.start for s in spans]
    assert starts == sorted(set(starts))
    assert len(spans) == 6  # Friday's 10:00 does not exist; Saturday's is once
    assert all(s.minutes == 60 for s in spans)


def test_always_covers_the_whole_week_in_any_zone() -> None:
    """'always' is one unbroken span equal to the local week, even across DST."""
    for day in (dt.date(2024, 3, 10), dt.date(2024, 11, 3), dt.date(2011, 12, 30)):
        for zone in (NY, "Australia/Lord_Howe", "Pacific/Apia", "America/Santiago"):
            spans = WeeklyAvailability.always().intervals(week_of=day, timezone=zone)
            assert spans == (week_span(day, timezone=zone),)


def _offset_changes_within_a_day(instant: pendulum.DateTime, zone: str) -> bool:
    local = instant.in_tz(zone)
    return bool(
        local.subtract(hours=26).utcoffset() != local.utcoffset()
        or local.add(hours=26).utcoffset() != local.utcoffset()
    )


@given(weekly_availabilities(), timezones(), st.integers(0, 7 * 24 * 60 - 1))
def test_materialized_windows_match_the_wall_clock(
    week: WeeklyAvailability, zone: str, minute: int
) -> None:
    """For all availabilities, zones and instants away from offset changes, an instant is in the week's intervals exactly when its local wall time is in a window."""
    span = week_span(dt.date(2024, 6, 12), timezone=zone)
    instant = span.start.add(minutes=minute)
    assume(instant < span.end and not _offset_changes_within_a_day(instant, zone))
    local = instant.in_tz(zone)
    wall = local.hour * 60 + local.minute
    in_window = any(
        w.day == local.weekday() and w.start <= wall < w.end for w in week.windows
    )
    in_spans = any(
        instant in s
        for s in week.intervals(week_of=dt.date(2024, 6, 12), timezone=zone)
    )
    assert in_spans == in_window


@given(
    weekly_availabilities(),
    timezones(tricky_only=True),
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
)
def test_week_intervals_are_disjoint_and_inside_the_week(
    week: WeeklyAvailability, zone: str, day: dt.date
) -> None:
    """For all availabilities, zones and weeks, the intervals are sorted, disjoint and inside the local week."""
    span = week_span(day, timezone=zone)
    spans = week.intervals(week_of=day, timezone=zone)
    for a, b in itertools.pairwise(spans):
        assert a.end < b.start
    assert all(span.start <= s.start and s.end <= span.end for s in spans)


@given(
    st.lists(weekly_availabilities(), min_size=1, max_size=4),
    st.lists(timezones(tricky_only=True), min_size=4, max_size=4),
    st.data(),
)
def test_common_intervals_are_the_intersection_and_order_invariant(
    weeks: list[WeeklyAvailability], zones: list[str], data: st.DataObject
) -> None:
    """For all parties, common intervals are each party's intervals intersected, whatever the order of the parties."""
    parties = [
        Member(f"m{i}", "action", timezone=zones[i], availability=w)
        for i, w in enumerate(weeks)
    ]
    day = data.draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
    common = common_intervals(parties, week_of=day, timezone="UTC")
    span = week_span(day, timezone="UTC")
    expected = intersect_intervals(
        [span],
        *(
            p.availability.intervals_between(span.start, span.end, timezone=p.timezone)
            for p in parties
        ),
    )
    assert common == expected
    shuffled = data.draw(st.permutations(parties))
    assert common_intervals(shuffled, week_of=day, timezone="UTC") == common
    assert overlap_minutes(parties, week_of=day, timezone="UTC") == total_minutes(
        common
    )


def test_common_intervals_take_groups_by_meeting_time() -> None:
    """A group's meeting time counts as its availability."""
    group = Group(
        "g", (), 8, timezone=LONDON, meets=WeeklyAvailability.parse("tue 19:00-20:30")
    )
    member = Member(
        "a",
        "action",
        timezone="Europe/Paris",
        availability=WeeklyAvailability.parse("tue 20:00-23:00"),
    )
    (span,) = common_intervals(
        [group, member], week_of=dt.date(2024, 5, 7), timezone=LONDON
    )
    assert span.minutes == 90
    assert span.start.in_tz(LONDON).hour == 19


def test_common_intervals_refuse_bad_parties() -> None:
    """No parties, or something that is not a member or group, are named errors."""
    with pytest.raises(InvalidInputError) as info:
        common_intervals([], week_of=dt.date(2024, 1, 1), timezone="UTC")
    assert info.value.path == "parties"
    with pytest.raises(InvalidInputError) as info:
        common_intervals(
            [Member("a", "action"), "b"],  # type: ignore[list-item]
            week_of=dt.date(2024, 1, 1),
            timezone="UTC",
        )
    assert info.value.path == "parties[1]"
    with pytest.raises(InvalidInputError):
        common_intervals(5, week_of=dt.date(2024, 1, 1), timezone="UTC")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        common_intervals(
            [Member("a", "action")], week_of=dt.date(2024, 1, 1), timezone="Nope"
        )


def test_intervals_between_refuses_backwards_range() -> None:
    """The range must run forwards."""
    t = pendulum.datetime(2024, 1, 1)
    with pytest.raises(InvalidInputError):
        WeeklyAvailability.always().intervals_between(t, t, timezone="UTC")


# --- regressions from review ---------------------------------------------------


def test_stdlib_gap_datetimes_keep_pythons_instant() -> None:
    """An aware stdlib datetime in a gap means what Python says (offset before the gap), not pendulum's reading."""
    from zoneinfo import ZoneInfo

    d = dt.datetime(2024, 3, 10, 2, 30, tzinfo=ZoneInfo(NY))
    span = Interval(d, d + dt.timedelta(hours=3))
    assert span.start == d.astimezone(dt.UTC)
    (first,) = WeeklyAvailability.always().intervals_between(
        d, d + dt.timedelta(hours=2), timezone="UTC"
    )
    assert first.start == d.astimezone(dt.UTC)


def test_sub_minute_wall_times_use_their_own_offset() -> None:
    """A wall time with seconds is resolved as a whole (Monrovia moved by 44m30s in 1972)."""
    instant = local_instant(dt.date(1972, 1, 7), dt.time(0, 44, 40), "Africa/Monrovia")
    assert instant.in_tz("UTC").isoformat() == "1972-01-07T00:44:40+00:00"


def test_sub_second_offsets_are_exact() -> None:
    """A fixed offset with microseconds converts exactly."""
    tz = dt.timezone(dt.timedelta(hours=5, seconds=17, microseconds=3))
    d = dt.datetime(2024, 1, 1, 12, tzinfo=tz)
    assert Interval(d, d + dt.timedelta(hours=1)).start == d.astimezone(dt.UTC)


@pytest.mark.parametrize(
    "call",
    [
        lambda: week_span(dt.date.max, timezone="UTC"),
        lambda: week_span(dt.date.min, timezone="Asia/Tokyo"),
        lambda: local_instant(dt.date.max, dt.time(23, 59), NY),
        lambda: local_instant(dt.date.min, dt.time(0), "Asia/Tokyo"),
        lambda: WeeklyAvailability.always().intervals(
            week_of=dt.date(1, 1, 3), timezone="UTC"
        ),
        lambda: common_intervals(
            [Member("a", "b")], week_of=dt.date(9999, 12, 31), timezone="UTC"
        ),
        lambda: Interval(
            dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5))),
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ),
    ],
)
def test_dates_at_the_ends_of_time_are_named_errors(call: object) -> None:
    """Dates Python cannot do arithmetic around raise InvalidInputError, not OverflowError."""
    assert callable(call)
    with pytest.raises(InvalidInputError, match="between 0002-01-01 and 9998-12-31"):
        call()


def test_interval_methods_refuse_non_intervals_and_naive_instants() -> None:
    """overlaps/intersection need an Interval; `in` refuses a naive datetime."""
    t = pendulum.datetime(2024, 1, 1)
    span = Interval(t, t.add(hours=1))
    with pytest.raises(InvalidInputError):
        span.overlaps(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        span.intersection("x")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="naive"):
        _ = dt.datetime(2024, 1, 1) in span  # noqa: DTZ001


def test_host_dependent_zone_names_are_refused() -> None:
    """'localtime' and 'Factory' follow the host or mean nothing: they are not places."""
    for name in ("localtime", "Factory", "posixrules", "posix/Europe/London"):
        with pytest.raises(InvalidInputError):
            Member("a", "action", timezone=name)


def test_long_or_odd_specs_are_refused_quickly() -> None:
    """Specs are short, ASCII, and a long one is refused without backtracking."""
    for spec in ["mon" + " " * 20_000 + "x", "mon ١٠:00-11:00", "mon １0:00-11:00"]:  # noqa: RUF001 - the point of the test
        with pytest.raises(InvalidInputError):
            WeeklyAvailability.parse(spec)
    with pytest.raises(InvalidInputError):
        WeeklyAvailability.parse({"mon 10:00-11:00": 1})
    with pytest.raises(InvalidInputError):
        WeeklyAvailability.parse(b"mon 10:00-11:00")  # type: ignore[arg-type]
    assert len(WeeklyAvailability.parse("weekdays,sat 10:00-11:00").windows) == 6


def test_ranges_are_bounded() -> None:
    """intervals_between refuses a range longer than 400 days."""
    t = pendulum.datetime(2024, 1, 1)
    with pytest.raises(InvalidInputError, match="400 days"):
        WeeklyAvailability.always().intervals_between(
            t, t.add(days=401), timezone="UTC"
        )
    assert WeeklyAvailability.always().intervals_between(
        t, t.add(days=400), timezone="UTC"
    )


# --- legacy zone names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "suggested"),
    [
        ("EST", "America/New_York"),
        ("EST5EDT", "America/New_York"),
        ("CST6CDT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("MST7MDT", "America/Denver"),
        ("PST8PDT", "America/Los_Angeles"),
        ("HST", "Pacific/Honolulu"),
        ("CET", "Europe/Paris"),
        ("MET", "Europe/Paris"),
        ("EET", "Europe/Athens"),
        ("WET", "Europe/Lisbon"),
        ("GMT", "Europe/London"),
    ],
)
def test_legacy_zone_names_are_refused_with_a_geographic_suggestion(
    legacy: str, suggested: str
) -> None:
    """A legacy non-geographic zone name is refused, and the message names the place."""
    with pytest.raises(InvalidInputError) as info:
        Member("ada", "action", timezone=legacy)
    assert info.value.path == "timezone"
    assert suggested in str(info.value)
    with pytest.raises(InvalidInputError, match=suggested):
        week_span(dt.date(2024, 7, 1), timezone=legacy)


def test_two_new_yorkers_one_typed_est_cannot_silently_miss_each_other() -> None:
    """The July case: a New Yorker entered as "EST" is refused, not given 0 shared minutes."""
    hour = WeeklyAvailability.parse("mon 18:00-19:00")
    ada = Member("ada", "action", timezone=NY, availability=hour)
    with pytest.raises(InvalidInputError, match="America/New_York"):
        Member("ben", "action", timezone="EST", availability=hour)
    ben = Member("ben", "action", timezone=NY, availability=hour)
    july = dt.date(2024, 7, 1)
    assert overlap_minutes([ada, ben], week_of=july, timezone=NY) == 60.0


@pytest.mark.parametrize(
    "name", ["UTC", "Etc/UTC", "Etc/GMT+5", "Etc/GMT-14", "US/Eastern", "Japan"]
)
def test_fixed_offsets_and_geographic_links_stay_allowed(name: str) -> None:
    """UTC, the Etc/* fixed offsets and links to a place's zone are still accepted."""
    assert Member("ada", "action", timezone=name).timezone == name


@given(timezones())
def test_the_timezones_strategy_draws_no_refused_name(name: str) -> None:
    """peerkit.testing.timezones() never draws a name peerkit refuses."""
    assert Member("ada", "action", timezone=name).timezone == name


# --- ambiguous wall times --------------------------------------------------------


def test_fold_picks_the_instant_in_either_order_of_construction() -> None:
    """01:30 with fold=1 on New York's fall-back night is 06:30 UTC, built first or second."""
    ny = ZoneInfo(NY)
    first = dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny)
    second = dt.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ny)
    assert first == second  # Python compares same-zone wall times: a cache trap
    three_hours = dt.timedelta(hours=3)
    for order in ((first, second), (second, first)):
        built = {d.fold: Interval(start=d, end=d + three_hours) for d in order}
        assert built[0].start == pendulum.datetime(2024, 11, 3, 5, 30)
        assert built[1].start == pendulum.datetime(2024, 11, 3, 6, 30)
        assert built[1].start.hour == 6


# --- threads ---------------------------------------------------------------------


def test_parsing_and_overlaps_from_8_threads_equal_the_serial_results() -> None:
    """WeeklyAvailability.parse, common_intervals and overlap_minutes agree with serial runs under threads."""
    from peerkit._availability import materialize, parse_specs
    from peerkit._intervals import week_bounds

    zones = [NY, LONDON, "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu"]
    specs = [
        [f"{day} {h:02d}:00-{h + 3:02d}:30", "sat,sun 09:00-11:00"]
        for day in ("mon", "tue", "wed")
        for h in range(6, 21, 2)
    ]
    members = [
        Member(f"m{i}", "action", timezone=zones[i % 5], availability=s)
        for i, s in enumerate(specs)
    ]
    weeks = [dt.date(2024, 3, 4) + dt.timedelta(weeks=k) for k in range(12)]
    cases = [(i, w) for i in range(len(members) - 1) for w in weeks]

    def work(case: tuple[int, dt.date]) -> tuple[object, ...]:
        i, week = case
        pair = members[i : i + 2]
        return (
            WeeklyAvailability.parse(specs[i]),
            common_intervals(pair, week_of=week, timezone=zones[i % 5]),
            overlap_minutes(pair, week_of=week, timezone=NY),
        )

    for cache in (materialize, parse_specs, week_bounds):
        cache.cache_clear()
    threaded = in_threads([partial(work, case) for case in cases])
    for cache in (materialize, parse_specs, week_bounds):
        cache.cache_clear()
    serial = [work(case) for case in cases]
    assert len(serial) == len(cases) > 100
    assert threaded == serial


def test_an_interrupted_parse_leaves_the_cache_usable() -> None:
    """An exception while a spec is parsed caches nothing: the next call is right."""
    from unittest import mock

    from peerkit import _availability

    _availability.parse_specs.cache_clear()
    with (
        mock.patch.object(_availability, "parse_days", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        WeeklyAvailability.parse(["mon 09:00-10:00"])
    assert WeeklyAvailability.parse(["mon 09:00-10:00"]).specs() == ("mon 09:00-10:00",)


# --- str() reads back --------------------------------------------------------------


@given(weekly_availabilities())
def test_str_reads_back_through_parse_and_member(week: WeeklyAvailability) -> None:
    """str(week) is a form parse and Member(availability=...) read back to an equal value."""
    assert WeeklyAvailability.parse(str(week)) == week
    assert Member("ada", "action", availability=str(week)).availability == week


def test_parse_reads_semicolons_and_never() -> None:
    """Several specs may share one string, joined by ';'; 'never' is no time at all."""
    week = WeeklyAvailability.parse("mon-fri 18:00-21:00; sat 10:00-12:00")
    assert week.minutes_per_week == 5 * 180 + 120
    assert WeeklyAvailability.parse("never").is_empty
    with pytest.raises(InvalidInputError) as info:
        WeeklyAvailability.parse(["mon 09:00-10:00", "tue 09:00-10:00; funday 1-2"])
    assert info.value.path == "specs[1]"
