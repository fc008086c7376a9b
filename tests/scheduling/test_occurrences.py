"""Occurrences: golden DST cases, a differential test against dateutil, properties."""

import datetime as dt
import itertools
import zoneinfo

import pendulum
import pytest
from dateutil import rrule as du
from hypothesis import assume, given
from hypothesis import strategies as st

from peerkit import InvalidInputError, Member, WeeklyAvailability
from peerkit.scheduling import Cadence, next_checkin, occurrences
from peerkit.testing import aware_datetimes, cadences, timezones, weekly_availabilities

UTC = dt.UTC


def local(tz: str, year: int, month: int, day: int, hour: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, tz=tz)


def texts(items: object) -> list[str]:
    return [str(t) for t in items]  # type: ignore[attr-defined]


# --- golden cases: each a failure of today's tools ----------------------------


def test_gap_time_moves_forward_by_the_gap_not_back() -> None:
    """New York 02:30 on 10 March 2024 does not exist: it is 03:30 EDT, never 01:30."""
    daily = Cadence.daily(time="02:30", timezone="America/New_York")
    got = texts(
        occurrences(daily, start=local("America/New_York", 2024, 3, 9), count=3)
    )
    assert got == [
        "2024-03-09 02:30:00-05:00",
        "2024-03-10 03:30:00-04:00",
        "2024-03-11 02:30:00-04:00",
    ]


def test_ambiguous_time_is_the_first_occurrence() -> None:
    """01:30 on 3 November 2024 happens twice in New York: the first (EDT) is the one."""
    daily = Cadence.daily(time="01:30", timezone="America/New_York")
    (first,) = occurrences(
        daily,
        start=local("America/New_York", 2024, 11, 3),
        until=local("America/New_York", 2024, 11, 3, 12),
    )
    assert first.utcoffset() == dt.timedelta(hours=-4)
    assert first.in_timezone("UTC") == pendulum.datetime(2024, 11, 3, 5, 30)
    # pendulum's own default reads it as the second one: peerkit does not.
    assert pendulum.datetime(2024, 11, 3, 1, 30, tz="America/New_York").utcoffset() == (
        dt.timedelta(hours=-5)
    )


def test_two_times_that_meet_in_a_gap_give_one_checkin() -> None:
    """02:30 moves to 03:30 on the spring-forward day, where 03:30 already is: one check-in."""
    daily = Cadence.daily(time=("02:30", "03:30"), timezone="America/New_York")
    got = texts(
        occurrences(
            daily,
            start=local("America/New_York", 2024, 3, 10),
            until=local("America/New_York", 2024, 3, 10, 23),
        )
    )
    assert got == ["2024-03-10 03:30:00-04:00"]


def test_apia_skipped_day_gives_no_duplicate() -> None:
    """Pacific/Apia skipped 30 December 2011: a daily 09:00 has one check-in on the 31st."""
    daily = Cadence.daily(time="09:00", timezone="Pacific/Apia")
    got = texts(
        occurrences(
            daily,
            start=local("Pacific/Apia", 2011, 12, 29),
            until=local("Pacific/Apia", 2012, 1, 1, 23),
        )
    )
    assert got == [
        "2011-12-29 09:00:00-10:00",
        "2011-12-31 09:00:00+14:00",
        "2012-01-01 09:00:00+14:00",
    ]


def test_lord_howe_shifts_by_thirty_minutes() -> None:
    """Australia/Lord_Howe springs forward 02:00 -> 02:30: 02:15 becomes 02:45."""
    daily = Cadence.daily(time="02:15", timezone="Australia/Lord_Howe")
    got = texts(
        occurrences(daily, start=local("Australia/Lord_Howe", 2024, 10, 5), count=3)
    )
    assert got == [
        "2024-10-05 02:15:00+10:30",
        "2024-10-06 02:45:00+11:00",
        "2024-10-07 02:15:00+11:00",
    ]


def test_lord_howe_ambiguous_half_hour_is_the_first() -> None:
    """On 7 April 2024, 01:45 happens twice on Lord Howe; the first is +11:00."""
    daily = Cadence.daily(time="01:45", timezone="Australia/Lord_Howe")
    got = texts(
        occurrences(daily, start=local("Australia/Lord_Howe", 2024, 4, 7), count=1)
    )
    assert got == ["2024-04-07 01:45:00+11:00"]


def test_kathmandu_quarter_hour_offset() -> None:
    """Asia/Kathmandu is +05:45: 09:00 local is 03:15 UTC."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone="Asia/Kathmandu")
    (first,) = occurrences(weekly, start=pendulum.datetime(2024, 1, 1), count=1)
    assert first.in_timezone("UTC") == pendulum.datetime(2024, 1, 1, 3, 15)


def test_zone_without_dst_keeps_one_offset_all_year() -> None:
    """Asia/Tokyo has no DST: every weekly check-in in 2024 is at 00:00 UTC."""
    weekly = Cadence.weekly(on="wed", time="09:00", timezone="Asia/Tokyo")
    year = occurrences(
        weekly,
        start=pendulum.datetime(2024, 1, 1),
        until=pendulum.datetime(2024, 12, 31),
    )
    hours = {t.in_timezone("UTC").hour for t in year}
    assert hours == {0}


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("Europe/Berlin", dt.date(2024, 3, 31), "2024-03-31 03:30:00+02:00"),
        ("Europe/London", dt.date(2024, 3, 31), "2024-03-31 02:30:00+01:00"),
        ("Europe/London", dt.date(2024, 10, 27), "2024-10-27 02:30:00+00:00"),
    ],
)
def test_european_transitions(zone: str, day: dt.date, expected: str) -> None:
    """Berlin's 02:30 gap, London's 01:00 gap (02:30 exists) and fall-back."""
    daily = Cadence.daily(time="02:30", timezone=zone)
    start = local(zone, day.year, day.month, day.day)
    assert texts(occurrences(daily, start=start, count=1)) == [expected]


def test_london_ambiguous_time_is_the_first() -> None:
    """01:30 on 27 October 2024 in London is read as BST (+01:00)."""
    daily = Cadence.daily(time="01:30", timezone="Europe/London")
    start = local("Europe/London", 2024, 10, 27)
    assert texts(occurrences(daily, start=start, count=1)) == [
        "2024-10-27 01:30:00+01:00"
    ]


def test_new_york_meeting_in_london_during_the_march_weeks() -> None:
    """A New York 09:00 meeting is 14:00 in London except three March weeks (13:00)."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone="America/New_York")
    meetings = occurrences(
        weekly,
        start=local("America/New_York", 2024, 3, 4),
        until=local("America/New_York", 2024, 4, 2),
    )
    london = [(str(t.date()), t.in_timezone("Europe/London").hour) for t in meetings]
    assert london == [
        ("2024-03-04", 14),
        ("2024-03-11", 13),
        ("2024-03-18", 13),
        ("2024-03-25", 13),
        ("2024-04-01", 14),
    ]


def test_monthly_rules_skip_days_a_month_lacks() -> None:
    """The 31st skips short months (RFC 5545); -1 is every month's last day."""
    on_31 = Cadence.monthly(day=31, time="12:00", timezone="UTC")
    last = Cadence.monthly(day=-1, time="12:00", timezone="UTC")
    start = pendulum.datetime(2024, 1, 1)
    assert [t.month for t in occurrences(on_31, start=start, count=4)] == [1, 3, 5, 7]
    assert [t.day for t in occurrences(last, start=start, count=3)] == [31, 29, 31]


def test_nth_weekday_of_the_month() -> None:
    """2TU is the second Tuesday; -1FR the last Friday."""
    c = Cadence.monthly(on=("2tue", "-1fri"), time="18:00", timezone="Europe/Berlin")
    got = [
        t.date() for t in occurrences(c, start=pendulum.datetime(2024, 2, 1), count=4)
    ]
    assert got == [
        dt.date(2024, 2, 13),
        dt.date(2024, 2, 23),
        dt.date(2024, 3, 12),
        dt.date(2024, 3, 29),
    ]


def test_a_rule_that_never_occurs_ends() -> None:
    """The 30th of February every year: an empty series, not a hang."""
    never = Cadence.monthly(day=30, every=12, time="09:00", timezone="UTC")
    assert list(occurrences(never, start=pendulum.datetime(2024, 2, 1))) == []
    daily_never = Cadence.daily(on="tue", every=7, time="09:00", timezone="UTC")
    assert list(occurrences(daily_never, start=pendulum.datetime(2024, 1, 1))) == []
    assert (
        next_checkin(
            never,
            after=pendulum.datetime(2030, 1, 1),
            start=pendulum.datetime(2024, 2, 1),
        )
        is None
    )


def test_every_time_quiet_under_skip_ends() -> None:
    """A check-in always inside quiet hours, with quiet="skip": no check-ins, and it ends."""
    late = Cadence.daily(time="22:00", timezone="Europe/London")
    got = occurrences(
        late,
        start=pendulum.datetime(2024, 1, 1),
        quiet_hours="daily 21:00-23:00",
        quiet="skip",
    )
    assert list(got) == []


# --- quiet hours and days off -----------------------------------------------------


def test_quiet_hours_defer_to_their_end_or_skip() -> None:
    """22:00 inside 21:00-08:00 moves to 08:00 the next morning, or is dropped."""
    late = Cadence.daily(time="22:00", timezone="Europe/London")
    start = pendulum.datetime(2024, 3, 29)
    deferred = texts(
        occurrences(late, start=start, count=3, quiet_hours="daily 21:00-08:00")
    )
    assert deferred == [
        "2024-03-30 08:00:00+00:00",
        "2024-03-31 08:00:00+01:00",
        "2024-04-01 08:00:00+01:00",
    ]
    skipped = texts(
        occurrences(
            late,
            start=start,
            count=3,
            quiet_hours="mon-fri 21:00-08:00",
            quiet="skip",
        )
    )
    assert skipped == [
        "2024-03-30 22:00:00+00:00",
        "2024-03-31 22:00:00+01:00",
        "2024-04-06 22:00:00+01:00",
    ]


def test_a_pairs_quiet_hours_apply_in_each_persons_zone() -> None:
    """A London 19:00 check-in is 03:00 in Tokyo: Tokyo's quiet hours move it."""
    ldn = Member("ldn", "action", timezone="Europe/London")
    tko = Member(
        "tko", "action", timezone="Asia/Tokyo", quiet_hours="daily 22:00-07:00"
    )
    c = Cadence.weekly(on="mon", time="19:00", timezone="Europe/London")
    (first,) = occurrences(
        c, start=pendulum.datetime(2024, 1, 1), count=1, quiet_hours=[ldn, tko]
    )
    assert str(first) == "2024-01-01 22:00:00+00:00"  # 07:00 Tuesday in Tokyo


def test_deferral_onto_a_second_fall_back_hour_keeps_the_instant() -> None:
    """Quiet hours ending at 01:30 on a fall-back night: the second 01:30 is kept."""
    c = Cadence.daily(time="00:30", timezone="America/New_York")
    quiet = WeeklyAvailability.parse("sun 00:00-01:30")
    start = local("America/New_York", 2024, 11, 3)
    (first,) = occurrences(c, start=start, count=1, quiet_hours=quiet)
    # 00:30 EDT is quiet; the quiet span ends at the wall time 01:30 read
    # as RFC 5545 reads it (the first 01:30, EDT).
    assert first.in_timezone("UTC") == pendulum.datetime(2024, 11, 3, 5, 30)
    assert first.utcoffset() == dt.timedelta(hours=-4)


def test_days_off_are_skipped_even_after_deferral() -> None:
    """A holiday has no check-in, and nothing is moved onto it."""
    late = Cadence.daily(time="22:00", timezone="UTC")
    got = occurrences(
        late,
        start=pendulum.datetime(2024, 1, 1),
        count=2,
        quiet_hours="daily 21:00-08:00",
        days_off=[dt.date(2024, 1, 2), dt.date(2024, 1, 4)],
    )
    # Mon 22:00 -> Tue 08:00: a day off, dropped. Tue 22:00 is on a day
    # off. Wed 22:00 -> Thu 08:00: off. Thu 22:00: off. Fri 22:00 -> Sat.
    assert [t.date() for t in got] == [dt.date(2024, 1, 6), dt.date(2024, 1, 7)]


@given(
    cadences(zones=timezones(tricky_only=True)),
    aware_datetimes(),
    weekly_availabilities(max_windows=4),
    st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2041, 1, 1)), max_size=30),
    st.sampled_from(["defer", "skip"]),
)
def test_never_in_quiet_hours_never_on_a_day_off_never_twice(
    cadence: Cadence,
    start: dt.datetime,
    quiet: WeeklyAvailability,
    days_off: list[dt.date],
    policy: str,
) -> None:
    """For all cadences, quiet hours and days off: the promised boundaries hold."""
    assume(quiet.minutes_per_week < 7 * 1440)
    got = list(
        occurrences(
            cadence,
            start=start,
            count=25,
            quiet_hours=quiet,
            days_off=days_off,
            quiet=policy,  # type: ignore[arg-type]
        )
    )
    instants = [t.in_timezone("UTC") for t in got]
    assert instants == sorted(set(instants))
    assert all(t >= start for t in got)
    for t in got:
        assert t.timezone_name == cadence.timezone
        assert t.date() not in days_off
        assert not any(
            t in span
            for span in quiet.intervals_between(
                t.subtract(days=1), t.add(days=1), timezone=cadence.timezone
            )
        )


@given(
    cadences(zones=timezones(tricky_only=True)),
    aware_datetimes(),
    st.integers(0, 400 * 24),
    st.one_of(st.none(), st.just("daily 22:00-07:00"), st.just("sat,sun 00:00-12:00")),
    st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2041, 1, 1)), max_size=10),
)
def test_next_checkin_is_the_first_later_occurrence(
    cadence: Cadence,
    start: dt.datetime,
    hours: int,
    quiet: str | None,
    days_off: list[dt.date],
) -> None:
    """For all cadences, next_checkin(after=x) equals the first occurrence after x."""
    after = start + dt.timedelta(hours=hours)
    later = (
        t
        for t in occurrences(cadence, start=start, quiet_hours=quiet, days_off=days_off)
        if t > after
    )
    expected = next(later, None)
    found = next_checkin(
        cadence, after=after, start=start, quiet_hours=quiet, days_off=days_off
    )
    assert found == expected


def test_next_checkin_without_start_for_interval_one() -> None:
    """An every-week cadence needs no start; an every-2-weeks one does."""
    weekly = Cadence.weekly(on="mon", time="09:00", timezone="Europe/Berlin")
    assert str(next_checkin(weekly, after=pendulum.datetime(2024, 3, 27))) == (
        "2024-04-01 09:00:00+02:00"
    )
    fortnightly = Cadence.weekly(
        on="mon", time="09:00", timezone="Europe/Berlin", every=2
    )
    with pytest.raises(InvalidInputError, match="start"):
        next_checkin(fortnightly, after=pendulum.datetime(2024, 3, 27))


def test_next_checkin_twenty_years_on_seeks() -> None:
    """A cadence that began in 2004 answers for 2024 without replaying twenty years."""
    c = Cadence.weekly(
        on=("mon", "thu"), time="09:00", timezone="America/New_York", every=3
    )
    start = local("America/New_York", 2004, 1, 5)
    after = pendulum.datetime(2024, 6, 1)
    expected = next(t for t in occurrences(c, start=start) if t > after)
    assert next_checkin(c, after=after, start=start) == expected


# --- count, until, laziness, bad input -------------------------------------------


def test_count_until_and_start_bound_the_series() -> None:
    """Count and until cut the series; until is inclusive; nothing before start."""
    daily = Cadence.daily(time="09:00", timezone="UTC")
    start = pendulum.datetime(2024, 1, 1, 10)  # after Monday's 09:00
    assert texts(occurrences(daily, start=start, count=2)) == [
        "2024-01-02 09:00:00+00:00",
        "2024-01-03 09:00:00+00:00",
    ]
    until = pendulum.datetime(2024, 1, 3, 9)
    assert len(list(occurrences(daily, start=start, until=until))) == 2
    assert list(occurrences(daily, start=start, count=0)) == []


def test_interval_counts_from_the_start_week() -> None:
    """Every 2 weeks counts from the week that holds start (weeks start Monday)."""
    c = Cadence.weekly(on=("mon", "fri"), time="09:00", timezone="UTC", every=2)
    got = [
        t.date() for t in occurrences(c, start=pendulum.datetime(2024, 1, 3), count=4)
    ]
    assert got == [
        dt.date(2024, 1, 5),
        dt.date(2024, 1, 15),
        dt.date(2024, 1, 19),
        dt.date(2024, 1, 29),
    ]


def test_occurrences_is_lazy_for_open_series() -> None:
    """An open-ended series is an iterator: take what you need."""
    daily = Cadence.daily(time="09:00", timezone="UTC")
    first = list(
        itertools.islice(occurrences(daily, start=pendulum.datetime(2024, 1, 1)), 3)
    )
    assert len(first) == 3


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"start": dt.datetime(2024, 1, 1)}, "start"),  # noqa: DTZ001 - the point
        ({"until": dt.datetime(2024, 1, 1)}, "until"),  # noqa: DTZ001
        ({"count": -1}, "count"),
        ({"quiet_hours": "nonsense"}, "quiet_hours"),
        ({"quiet_hours": "daily 00:00-24:00"}, "quiet_hours"),
        ({"quiet_hours": 7}, "quiet_hours"),
        ({"days_off": [dt.datetime(2024, 1, 1, tzinfo=UTC)]}, "days_off[0]"),
        ({"days_off": "2024-01-01"}, "days_off"),
        ({"quiet": "later"}, "quiet"),
    ],
)
def test_bad_input_is_refused_when_called(kwargs: dict[str, object], path: str) -> None:
    """Naive datetimes and unreadable options: InvalidInputError naming the field."""
    daily = Cadence.daily(time="09:00", timezone="UTC")
    options: dict[str, object] = {"start": pendulum.datetime(2024, 1, 1), **kwargs}
    with pytest.raises(InvalidInputError) as err:
        occurrences(daily, **options)  # type: ignore[arg-type]
    assert err.value.path == path


def test_next_checkin_refuses_naive_and_non_cadence() -> None:
    """next_checkin checks its inputs too."""
    daily = Cadence.daily(time="09:00", timezone="UTC")
    with pytest.raises(InvalidInputError, match="after"):
        next_checkin(daily, after=dt.datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="cadence"):
        next_checkin("weekly", after=pendulum.now())  # type: ignore[arg-type]


# --- differential: dateutil's rrule on naive wall times, then zoneinfo ---------------

_DU_FREQ = {"daily": du.DAILY, "weekly": du.WEEKLY, "monthly": du.MONTHLY}
_DU_DAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def _dateutil_rule(cadence: Cadence, dtstart: dt.datetime) -> du.rrule:
    days = []
    for token in cadence.weekdays:
        name = token.lstrip("+-0123456789")
        day = _DU_DAYS[("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(name)]
        ordinal = token[: len(token) - len(name)]
        days.append(day(int(ordinal)) if ordinal else day)
    return du.rrule(
        _DU_FREQ[cadence.frequency],  # type: ignore[arg-type]  # dateutil's Literal
        dtstart=dtstart,
        interval=cadence.every,
        wkst=du.MO,
        byweekday=days or None,
        bymonthday=cadence.month_days or None,
        byhour=sorted({t.hour for t in cadence.times}),
        byminute=sorted({t.minute for t in cadence.times}),
        bysecond=0,
    )


@given(
    cadences(zones=timezones()),
    st.dates(dt.date(1970, 1, 1), dt.date(2037, 6, 1)),
)
def test_wall_clock_sequence_matches_dateutil(cadence: Cadence, day: dt.date) -> None:
    """
    For all cadences and starts over 1970-2037: rrule's naive walls, read by zoneinfo.

    rrule's wall-clock sequence on naive datetimes is the rule; zoneinfo
    with fold=0 reads each wall time (a gap time moves forward, an
    ambiguous one is the first); equal instants collapse to one. peerkit
    must give exactly that, and show each wall time that exists as is.
    """
    tz = zoneinfo.ZoneInfo(cadence.timezone)
    dtstart = dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a wall time
    start = dtstart.replace(tzinfo=tz)
    # Only a start well clear of a transition: the start's own wall time is
    # then unambiguous, so "at or after start" means the same for both.
    for hours in (-26, 26):
        edge = (start + dt.timedelta(hours=hours)).astimezone(UTC).astimezone(tz)
        assume(edge.utcoffset() == start.utcoffset())
    rule = _dateutil_rule(cadence, dtstart)
    until = dtstart + dt.timedelta(days=3 * 366)
    expected: list[dt.datetime] = []
    for wall in itertools.islice(rule, 60):
        if wall > until:
            break
        instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if not expected or instant > expected[-1]:
            expected.append(instant)
    got = list(
        itertools.islice(
            occurrences(cadence, start=start, until=until.replace(tzinfo=tz)),
            len(expected),
        )
    )
    assert [t.in_timezone("UTC") for t in got] == expected
    for t, instant in zip(got, expected, strict=True):
        wall = instant.astimezone(tz).replace(tzinfo=None)
        assert t.naive() == wall
        assert t.utcoffset() == instant.astimezone(tz).utcoffset()
