"""Hostile input: clear errors naming the field, and work bounded by the input."""

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import icalendar
import pendulum
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from peerkit import Cohort, InvalidInputError, Member, _zonerules
from peerkit.scheduling import (
    Cadence,
    _occurrences,
    _quiet,
    _status,
    _walls,
    checkin_status,
    common_slots,
    next_checkin,
    occurrences,
    to_ical,
)
from peerkit.scheduling._cadence import plan
from threads import in_threads

LONDON = "Europe/London"

# --- fuzz findings: InvalidInputError naming the field ------------------------------


def test_a_weekday_that_is_not_a_string_names_its_position() -> None:
    """Cadence.weekly(on=[None]) is an InvalidInputError at weekdays[0], not an AttributeError."""
    with pytest.raises(InvalidInputError) as err:
        Cadence.weekly(on=[None], time="09:00", timezone="UTC")  # type: ignore[list-item]
    assert err.value.path == "weekdays[0]"


@pytest.mark.parametrize("year", [2, 5, 999, 1000, 9989, 9993, 9998])
@pytest.mark.parametrize("bounded", [True, False])
def test_ical_writes_any_supported_year(year: int, bounded: bool) -> None:
    """Years below 1000 are zero-padded and years up to 9998 export, open or bounded."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone=LONDON)
    start = pendulum.datetime(year, 1, 1)
    until = pendulum.datetime(year, 6, 1) if bounded else None
    text = to_ical(weekly, start=start, summary="Check-in", until=until)
    event: Any = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert event["DTSTART"].dt.year == year
    assert f"DTSTART;TZID={LONDON}:{year:04d}" in text
    if bounded:
        assert event["RRULE"]["UNTIL"][0].year == year
        assert f"UNTIL={year:04d}0601T000000Z" in text


@pytest.mark.parametrize("summary", ["\ud800", "Check-in \udfff with you"])
def test_ical_refuses_text_that_is_not_utf8(summary: str) -> None:
    """A lone surrogate in the summary is an InvalidInputError naming summary."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone=LONDON)
    with pytest.raises(InvalidInputError) as err:
        to_ical(weekly, start=pendulum.datetime(2024, 1, 1), summary=summary)
    assert err.value.path == "summary"


@pytest.mark.parametrize("summary", ["x\x00y", "Check-in\x1b[31m", "a\x7f", "one\rtwo"])
def test_ical_refuses_control_characters(summary: str) -> None:
    """RFC 5545 TEXT holds no control characters: a summary with one names summary."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone=LONDON)
    with pytest.raises(InvalidInputError) as err:
        to_ical(weekly, start=pendulum.datetime(2024, 1, 1), summary=summary)
    assert err.value.path == "summary"


def test_ical_keeps_tabs_and_line_breaks_escaped() -> None:
    """A tab and a line break may stay in a summary; the line break is written escaped."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone=LONDON)
    text = to_ical(
        weekly, start=pendulum.datetime(2024, 1, 1), summary="One\tTwo\nThree"
    )
    assert "SUMMARY:One\tTwo\\nThree" in text


def test_quiet_rule_is_checked_by_name() -> None:
    """An unknown quiet rule names quiet and the rules there are."""
    daily = Cadence.daily(time="09:00", timezone="UTC")
    with pytest.raises(InvalidInputError, match="'defer' or 'skip'") as err:
        next_checkin(daily, after=pendulum.datetime(2024, 1, 1), quiet="never")  # type: ignore[arg-type]
    assert err.value.path == "quiet"


def test_common_slots_takes_a_cohort() -> None:
    """A Cohort's members give the same slots as the members themselves."""
    ada = Member("ada", "action", timezone=LONDON, availability="tue 18:00-20:00")
    ben = Member(
        "ben", "action", timezone="America/New_York", availability="tue 13:00-15:00"
    )
    options: dict[str, Any] = {
        "duration": dt.timedelta(minutes=30),
        "week_of": dt.date(2024, 1, 8),
    }
    cohort = Cohort([ben, ada])
    assert common_slots(cohort, **options) == common_slots([ada, ben], **options)
    assert common_slots(cohort, **options)


# --- bounded work ---------------------------------------------------------------------


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """Wrap generator *name* of *module* so each item it yields is counted."""
    inner = getattr(module, name)
    seen = [0]

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for item in inner(*args, **kwargs):
            seen[0] += 1
            yield item

    monkeypatch.setattr(module, name, counted)
    return seen


def test_a_tolerance_of_any_length_stops_at_the_done_checkins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """timedelta.max replays due times up to now and one per done check-in, no further."""
    seen = _counting(monkeypatch, _status, "occurrences")
    daily = Cadence.daily(time="08:00", timezone="Europe/Berlin")
    start = pendulum.datetime(2024, 5, 6, tz="Europe/Berlin")
    done = [start.add(days=d, hours=8) for d in (0, 1, 3)]
    status = checkin_status(
        daily,
        start=start,
        done=done,
        now=start.add(days=4),
        tolerance=dt.timedelta.max,
    )
    # Nothing can be missed yet; each done check-in keeps the earliest due time.
    assert (status.kept_count, status.due_count, status.overdue) == (3, 3, ())
    assert status.next_due == start.add(days=3, hours=8)
    assert 0 < seen[0] <= 5 + len(done) + 1


ALWAYS_QUIET: list[tuple[Cadence, Any]] = [
    (Cadence.daily(time="22:00", timezone=LONDON), "daily 21:00-23:00"),
    (Cadence.daily(time="21:00", timezone=LONDON), "daily 21:00-08:00"),
    (
        Cadence.weekly(on=("mon", "thu"), time=("01:30", "02:30"), timezone=LONDON),
        "daily 00:00-06:00",
    ),
    (
        Cadence.daily(on="mon-fri", every=3, time="12:00", timezone="America/New_York"),
        "mon-fri 11:00-14:00",
    ),
    (
        Cadence.weekly(on="sun", time="02:30", timezone="America/New_York"),
        "sun 02:00-04:00",  # 02:30 on the spring-forward Sunday is 03:30
    ),
    (
        Cadence.monthly(day=1, time="09:00", timezone="Asia/Tokyo"),
        [Member("cy", "action", timezone="UTC", quiet_hours="daily 20:00-02:00")],
    ),
]


@pytest.mark.parametrize(("cadence", "quiet"), ALWAYS_QUIET)
def test_a_checkin_always_in_quiet_hours_is_decided_without_replay(
    cadence: Cadence, quiet: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """quiet="skip" with every check-in time in quiet hours answers None at once, days off or not."""
    seen = _counting(monkeypatch, _occurrences, "_readings")
    days_off = [dt.date(2024, 1, 1) + dt.timedelta(days=37 * k) for k in range(180)]
    start = pendulum.datetime(2024, 1, 1)
    for off in ([], days_off):
        options: dict[str, Any] = {
            "quiet_hours": quiet,
            "quiet": "skip",
            "days_off": off,
        }
        assert list(occurrences(cadence, start=start, **options)) == []
        after = pendulum.datetime(2030, 6, 1)
        assert next_checkin(cadence, after=after, start=start, **options) is None
    assert seen[0] == 0


def test_a_checkin_sometimes_free_is_still_found() -> None:
    """A check-in quiet only in summer time is not ruled out: the winter ones come."""
    late = Cadence.daily(time="22:00", timezone=LONDON)
    ny = Member(
        "ny", "action", timezone="America/New_York", quiet_hours="daily 17:00-17:30"
    )
    # 22:00 London is 17:00 New York in winter and summer, 18:00 in the March weeks.
    got = list(
        occurrences(
            late,
            start=pendulum.datetime(2024, 3, 1),
            quiet_hours=[ny],
            quiet="skip",
            count=3,
        )
    )
    assert [t.format("MM-DD") for t in got] == ["03-10", "03-11", "03-12"]


def _hhmm(minute: int) -> str:
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(
    st.integers(0, 1439),
    st.integers(0, 300),
    st.integers(1, 300),
    st.sampled_from(["daily", "mon", "sun"]),
    st.sampled_from([LONDON, "America/New_York", "Australia/Lord_Howe", "UTC"]),
    st.sampled_from(
        [LONDON, "Asia/Kathmandu", "UTC", "America/New_York", "Australia/Lord_Howe"]
    ),
)
# A window end in the spring-forward gap (01:59 London is 02:59 that night).
@example(120, 1, 1, "daily", LONDON, LONDON)
def test_ruling_out_is_sound(  # noqa: PLR0917 - one argument per drawn part
    minute: int, before: int, after: int, day: str, zone: str, quiet_zone: str
) -> None:
    """For all check-ins near quiet hours: what the closed form rules out, a year of replay never places."""
    time = _hhmm(minute)
    cadence = (
        Cadence.daily(time=time, timezone=zone)
        if day == "daily"
        else Cadence.weekly(on=day, time=time, timezone=zone)
    )
    spec = f"daily {_hhmm(minute - before)}-{_hhmm(minute + after)}"
    assume(_hhmm(minute - before) != _hhmm(minute + after))
    quiet = Member("q", "action", timezone=quiet_zone, quiet_hours=spec)
    sources = _quiet.quiet_sources([quiet], zone)
    anchor = dt.date(2024, 1, 1)
    p = plan(cadence)
    epoch_day = anchor.toordinal() - _zonerules.EPOCH_ORDINAL
    ruled_out = _quiet.never_allowed(
        _occurrences.landing_weekdays(p, anchor),
        p.seconds,
        zone,
        sources,
        (epoch_day - 2) * 86_400,
    )
    assume(ruled_out)
    horizon = (epoch_day + 400) * 86_400
    readings = _occurrences._readings(
        zone, p, anchor, _occurrences.dates(p, anchor, anchor)
    )
    placed = list(
        _occurrences._placed(
            itertools.takewhile(lambda r: r[0] < horizon, readings),
            timezone=zone,
            low=None,
            sources=sources,
            days_off=frozenset(),
            defer=False,
        )
    )
    assert placed
    assert all(item is None for _, item, _ in placed)


# --- quiet hours that together leave nothing: decided by pieces of constant offsets ------

_WEEKLY_TUE = Cadence.weekly(on="tue", time="18:00", timezone=LONDON)
_DAILY_18 = Cadence.daily(time="18:00", timezone=LONDON)


def _member(name: str, zone: str, spec: str) -> Member:
    return Member(name, "action", timezone=zone, quiet_hours=spec)


JOINTLY_QUIET = [
    (
        _WEEKLY_TUE,
        [
            _member("a", LONDON, "daily 00:00-12:00"),
            _member("b", LONDON, "daily 12:00-24:00"),
        ],
        "defer",
    ),
    (
        _WEEKLY_TUE,
        [
            _member("l", LONDON, "daily 00:00-12:00"),
            _member("t", "Asia/Tokyo", "daily 20:00-09:00"),
        ],
        "defer",
    ),
    (_WEEKLY_TUE, [_member("ny", "America/New_York", "daily 12:00-15:00")], "skip"),
    (
        _DAILY_18,
        [
            _member("ny", "America/New_York", "daily 12:00-14:00"),
            _member("chi", "America/Chicago", "daily 13:00-13:30"),
        ],
        "skip",
    ),
]


def _counting_dates(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every date the replay reads."""
    seen = [0]
    real = _occurrences.dates

    def counted(*args: Any) -> Iterator[dt.date]:
        for date in real(*args):
            seen[0] += 1
            yield date

    monkeypatch.setattr(_occurrences, "dates", counted)
    return seen


@pytest.mark.parametrize(("cadence", "quiet", "rule"), JOINTLY_QUIET)
def test_quiet_hours_that_never_let_a_checkin_through_end_the_series_at_once(
    cadence: Cadence, quiet: list[Member], rule: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quiet hours that jointly (or through clock changes) hold every check-in answer None without replaying a date."""
    seen = _counting_dates(monkeypatch)
    after = pendulum.datetime(2024, 1, 1)
    options: dict[str, Any] = {"quiet_hours": quiet, "quiet": rule}
    assert next_checkin(cadence, after=after, **options) is None
    assert list(occurrences(cadence, start=after, **options)) == []
    assert seen[0] == 0


def test_a_checkin_free_only_in_march_weeks_is_found_within_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check-in free only while New York is on summer time and London is not is found, replaying only near those weeks."""
    seen = _counting_dates(monkeypatch)
    ny = _member("ny", "America/New_York", "daily 12:00-14:00")
    got = list(
        occurrences(
            _DAILY_18,
            start=pendulum.datetime(2024, 1, 1),
            until=pendulum.datetime(2026, 1, 1),
            quiet_hours=[ny],
            quiet="skip",
        )
    )
    assert [t.format("YYYY-MM-DD") for t in got][:2] == ["2024-03-10", "2024-03-11"]
    assert len(got) == 21 + 7 + 21 + 7  # the March and the autumn weeks of two years
    assert seen[0] < 4 * 60


def _old_series(
    cadence: Cadence,
    sources: tuple[Any, ...],
    anchor: dt.date,
    horizon: int,
    *,
    defer: bool,
) -> list[tuple[int, int, int]]:
    """The series as a plain replay of every date up to *horizon* (UTC seconds)."""
    p = plan(cadence)
    readings = _occurrences._readings(
        cadence.timezone, p, anchor, _occurrences.dates(p, anchor, anchor)
    )
    placed = _occurrences._placed(
        itertools.takewhile(lambda r: r[1] < horizon, readings),
        timezone=cadence.timezone,
        low=None,
        sources=sources,
        days_off=frozenset(),
        defer=defer,
    )
    return list(_occurrences._once(_occurrences._in_order(placed)))


_ZONES = [
    LONDON,
    "America/New_York",
    "America/Chicago",
    "Asia/Tokyo",
    "Australia/Sydney",
]


# Up to two members' daily quiet hours: a zone, a start and a length in half hours.
_QUIET_HOURS = st.lists(
    st.tuples(st.sampled_from(_ZONES), st.integers(0, 47), st.integers(1, 47)),
    min_size=1,
    max_size=2,
)


def _check_bounded_replay(
    cadence: Cadence,
    zone: str,
    quiet: list[tuple[str, int, int]],
    anchor: dt.date,
    *,
    defer: bool,
) -> None:
    """The bounded series from *anchor* equals a plain replay over three years."""
    members = [
        _member(f"m{i}", z, f"daily {_hhmm(a * 30)}-{_hhmm((a + n) * 30)}")
        for i, (z, a, n) in enumerate(quiet)
        if n % 48
    ]
    assume(members)
    sources = _quiet.quiet_sources(members, zone)
    horizon = (anchor.toordinal() - _zonerules.EPOCH_ORDINAL + 3 * 365) * 86_400
    old = _old_series(cadence, sources, anchor, horizon, defer=defer)
    new = _occurrences.series(
        cadence,
        anchor=anchor,
        begin=anchor,
        lower=None,
        sources=sources,
        days_off=frozenset(),
        defer=defer,
    )
    cut = horizon - 30 * 86_400
    got = list(itertools.takewhile(lambda i: i[0] < cut, new))
    assert got == [i for i in old if i[0] < cut]


@given(
    st.integers(0, 95),
    st.sampled_from(["daily", "tue", "sun"]),
    st.sampled_from(_ZONES),
    _QUIET_HOURS,
    st.sampled_from([True, False]),
)
def test_replaying_only_where_a_checkin_can_get_through_changes_nothing(
    quarter: int, day: str, zone: str, quiet: list[tuple[str, int, int]], defer: bool
) -> None:
    """For all small cases: the series replayed only near reachable pieces equals a plain replay over three years."""
    time = _hhmm(quarter * 15)
    cadence = (
        Cadence.daily(time=time, timezone=zone)
        if day == "daily"
        else Cadence.weekly(on=day, time=time, timezone=zone)
    )
    _check_bounded_replay(cadence, zone, quiet, dt.date(2024, 1, 1), defer=defer)


# --- threads and caches --------------------------------------------------------------

NEW_YORK = "America/New_York"


def _calls() -> list[Callable[[], object]]:
    """One call of each scheduling entry point that fills a cache."""
    weekly = Cadence.weekly(on=("sun", "wed"), time="01:30", timezone=NEW_YORK)
    start = pendulum.datetime(2024, 10, 1, tz=NEW_YORK)
    quiet = [Member("q", "action", timezone=LONDON, quiet_hours="daily 06:00-07:00")]
    ada = Member("ada", "action", timezone=LONDON, availability="tue 18:00-20:00")
    ben = Member("ben", "action", timezone=NEW_YORK, availability="tue 13:00-15:00")
    return [
        lambda: list(occurrences(weekly, start=start, count=30, quiet_hours=quiet)),
        lambda: next_checkin(
            weekly, after=pendulum.datetime(2031, 11, 2), quiet_hours=quiet
        ),
        lambda: checkin_status(
            weekly,
            start=start,
            done=[start.add(days=5, hours=2)],
            now=start.add(weeks=10),
        ),
        lambda: common_slots(
            [ada, ben], duration=dt.timedelta(minutes=30), week_of=dt.date(2024, 3, 12)
        ),
        lambda: to_ical(
            weekly, start=start, summary="Check-in", days_off=[dt.date(2024, 11, 3)]
        ),
    ]


def _clear_caches() -> None:
    for cached in (
        _walls.chunk,
        _zonerules.year_transitions,
        _zonerules.rules,
        _zonerules.closing,
        _quiet.quiet_week,
        plan,
    ):
        cached.cache_clear()


def test_entry_points_agree_across_threads() -> None:
    """Eight threads filling the caches at once get exactly the serial results."""
    calls = _calls()
    serial = [call() for call in calls]
    _clear_caches()
    results = in_threads(calls * 4)
    assert len(results) == 4 * len(calls)
    for result, expected in zip(results, serial * 4, strict=True):
        assert result == expected


def test_an_interrupted_cache_fill_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A zone table whose fill raises once is built whole and right on the next call."""
    weekly = Cadence.weekly(on="sun", time="01:30", timezone=NEW_YORK)
    start = pendulum.datetime(2024, 10, 27, tz=NEW_YORK)
    expected = [str(t) for t in occurrences(weekly, start=start, count=3)]
    _clear_caches()
    real = _zonerules.offset
    calls = [0]

    def failing(name: str, second: int) -> int:
        calls[0] += 1
        if calls[0] == 5:
            raise KeyboardInterrupt
        return real(name, second)

    monkeypatch.setattr(_zonerules, "offset", failing)
    with pytest.raises(KeyboardInterrupt):
        list(occurrences(weekly, start=start, count=3))
    assert calls[0] == 5
    assert [str(t) for t in occurrences(weekly, start=start, count=3)] == expected


def test_an_ambiguous_done_checkin_is_its_own_instant() -> None:
    """A done check-in at 01:30 fold=1 in New York is 06:30 UTC, whatever was read before."""
    tz = zoneinfo.ZoneInfo(NEW_YORK)
    first = dt.datetime(2024, 11, 3, 1, 30, tzinfo=tz)
    second = dt.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=tz)
    weekly = Cadence.weekly(on="sun", time="01:30", timezone=NEW_YORK)
    start = pendulum.datetime(2024, 10, 27, tz=NEW_YORK)
    # The due time is the first 01:30 (05:30 UTC); with no tolerance only
    # a check-in at that very instant keeps it.
    options: dict[str, Any] = {"start": start, "tolerance": dt.timedelta(0)}
    now = pendulum.datetime(2024, 11, 4)
    kept = checkin_status(weekly, done=[first], now=now, **options)
    late = checkin_status(weekly, done=[second], now=now, **options)
    assert (kept.kept_count, late.kept_count) == (1, 0)
    assert late.overdue[-1] == pendulum.datetime(2024, 11, 3, 5, 30)


@pytest.mark.parametrize(
    "name", [LONDON, NEW_YORK, "Australia/Lord_Howe", "Europe/Dublin", "Asia/Tokyo"]
)
def test_zone_offsets_from_an_instant_cover_what_zoneinfo_says(name: str) -> None:
    """The offsets the closed form allows for include every offset zoneinfo gives later."""
    since = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
    allowed = _quiet.offsets_from(name, since)
    tz = zoneinfo.ZoneInfo(name)
    sampled = {
        int(
            dt.datetime(year, month, 15, tzinfo=dt.UTC)
            .astimezone(tz)
            .utcoffset()
            .total_seconds()  # type: ignore[union-attr]  # an aware datetime
        )
        for year in range(2020, 2200, 7)
        for month in range(1, 13)
    }
    assert sampled
    assert sampled <= allowed


# --- series that start centuries back ------------------------------------------------


def test_a_deferred_checkin_before_1970_lands_when_quiet_hours_end() -> None:
    """Before 1970 (instants below zero) a deferred check-in still lands where quiet hours end."""
    london_tokyo = [
        _member("l", LONDON, "daily 00:00-12:00"),
        _member("t", "Asia/Tokyo", "daily 20:00-09:00"),
    ]
    got = occurrences(
        _DAILY_18, start=pendulum.datetime(1846, 1, 1), quiet_hours=london_tokyo
    )
    # Local mean time: London -0:01:15, Tokyo +9:18:59. Tokyo's quiet hours
    # end at 23:41:01 UTC, twenty minutes before London's begin.
    assert [str(t) for t in itertools.islice(got, 2)] == [
        "1846-01-01 23:39:46-00:01:15",
        "1846-01-02 23:39:46-00:01:15",
    ]


@pytest.mark.parametrize(
    "cadence",
    [
        _DAILY_18,
        Cadence.monthly(day=31, time="18:00", timezone=LONDON),
        Cadence.monthly(on="2tue", time="18:00", timezone=LONDON),
        Cadence.weekly(on="tue", time="18:00", timezone=LONDON, every=2),
    ],
)
def test_a_series_from_year_2_that_never_gets_through_again_reads_few_dates(
    cadence: Cadence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A series started in year 2 whose check-ins stop getting through in 1947 ends there, reading only dates near where they got through."""
    seen = _counting_dates(monkeypatch)
    ny_chicago = [
        _member("ny", "America/New_York", "daily 12:00-14:00"),
        _member("chi", "America/Chicago", "daily 13:00-13:30"),
    ]
    got = list(
        occurrences(
            cadence,
            start=pendulum.datetime(2, 1, 1),
            quiet_hours=ny_chicago,
            quiet="skip",
        )
    )
    assert all(t.year < 1970 for t in got)
    assert seen[0] <= 3 * len(got) + 20


_ANCHORS = [
    dt.date(1800, 1, 1),
    dt.date(1890, 6, 1),
    dt.date(1965, 1, 1),
    dt.date(2024, 1, 1),
    dt.date(2390, 1, 1),
]


@given(
    st.integers(0, 95),
    st.sampled_from(["daily", "every 3 days", "tue", "every 2 weeks", "monthly"]),
    st.sampled_from(_ZONES),
    _QUIET_HOURS,
    st.sampled_from([True, False]),
    st.sampled_from(_ANCHORS),
)
def test_bounded_replay_of_any_plan_from_any_era_changes_nothing(  # noqa: PLR0917 - one argument per drawn part
    quarter: int,
    shape: str,
    zone: str,
    quiet: list[tuple[str, int, int]],
    defer: bool,
    anchor: dt.date,
) -> None:
    """For all plans (daily, weekly, monthly, every n) and starts from 1800 to 2390: the bounded series equals a plain replay over three years."""
    time = _hhmm(quarter * 15)
    cadence = {
        "daily": lambda: Cadence.daily(time=time, timezone=zone),
        "every 3 days": lambda: Cadence.daily(time=time, timezone=zone, every=3),
        "tue": lambda: Cadence.weekly(on="tue", time=time, timezone=zone),
        "every 2 weeks": lambda: Cadence.weekly(
            on="tue", time=time, timezone=zone, every=2
        ),
        "monthly": lambda: Cadence.monthly(day=31, time=time, timezone=zone),
    }[shape]()
    _check_bounded_replay(cadence, zone, quiet, anchor, defer=defer)


@pytest.mark.parametrize("rule", ["defer", "skip"])
def test_a_monthly_rule_whose_days_never_meet_is_empty_at_once(
    rule: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first Monday that is also a month's last day never comes: the series is empty without reading a date, quiet hours or not."""
    seen = _counting_dates(monkeypatch)
    never = Cadence.monthly(on="1mon", day=-1, time="09:00", timezone=LONDON)
    start = pendulum.datetime(2024, 1, 1)
    for quiet in (None, "daily 08:00-10:00"):
        assert (
            list(occurrences(never, start=start, quiet_hours=quiet, quiet=rule)) == []
        )
        assert next_checkin(never, after=start, quiet_hours=quiet, quiet=rule) is None
    assert seen[0] == 0


def test_a_rare_monthly_rule_in_quiet_hours_reads_only_its_own_months(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Friday the 13th at a quiet hour: each stretch reads only the months it spans, not a search for the next date."""
    seen = _counting_dates(monkeypatch)
    friday_13 = Cadence.monthly(on="fri", day=13, time="09:00", timezone=LONDON)
    got = list(
        occurrences(
            friday_13,
            start=pendulum.datetime(2024, 1, 1),
            count=25,
            quiet_hours=[_member("q", "America/New_York", "daily 00:00-12:00")],
            quiet="skip",
        )
    )
    assert got == []  # 09:00 London is always inside 00:00-12:00 New York
    assert seen[0] < 5_000


@pytest.mark.parametrize(
    ("zone", "time", "spec", "nights"),
    [
        (LONDON, "02:00", "daily 01:59-02:01", ["2024-03-31", "2025-03-30"]),
        (
            "America/New_York",
            "03:00",
            "daily 02:59-03:01",
            ["2024-03-10", "2025-03-09"],
        ),
        # Lord Howe springs forward half an hour, 02:00 to 02:30.
        (
            "Australia/Lord_Howe",
            "02:30",
            "daily 02:15-02:40",
            ["2024-10-06", "2025-10-05"],
        ),
    ],
)
def test_a_window_starting_in_the_gap_is_empty_that_night(
    zone: str, time: str, spec: str, nights: list[str]
) -> None:
    """
    A quiet window starting in the spring-forward gap lets that night's check-in through.

    That night the window's start does not exist and is read, as every wall
    time in a gap is, moved forward by the gap (London's 01:59 is 02:59 BST),
    past the window's end: the window is empty, so the check-in is placed on
    each spring-forward night and on no other. The closed form must not rule
    the series out.
    """
    daily = Cadence.daily(time=time, timezone=zone)
    quiet = Member("q", "action", timezone=zone, quiet_hours=spec)
    start = pendulum.datetime(2024, 1, 1, tz=zone)
    got = list(
        occurrences(daily, start=start, quiet_hours=[quiet], quiet="skip", count=2)
    )
    assert [t.in_tz(zone).format("YYYY-MM-DD HH:mm") for t in got] == [
        f"{night} {time}" for night in nights
    ]
    p = plan(daily)
    sources = _quiet.quiet_sources([quiet], zone)
    assert not _quiet.never_allowed(range(7), p.seconds, zone, sources, 0)
