"""plan_checkins: every check-in of every plan fits, on real dates; the best is fairest."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pendulum
import pytest
from dateutil import rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import Group, Interval, InvalidInputError, Member
from peerkit.scheduling import (
    Cadence,
    CheckinPlan,
    PlanPolicy,
    _plans,
    common_slots,
    occurrences,
    plan_checkins,
)
from threads import in_threads

HALF_HOUR = dt.timedelta(minutes=30)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Zones whose clocks change on different dates, both hemispheres, none at
# all, half-hour offsets and a half-hour DST (Lord Howe).
ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "America/Santiago",
    "UTC",
)


# --- an adversarial cohort generator ---------------------------------------------


@st.composite
def windows_spec(
    draw: st.DrawFn, *, low: int = 0, high: int = 24, wide: bool = False
) -> list[str]:
    """A few availability windows: narrow or wide, on a day or daily, some past midnight."""
    specs = []
    days_from = (
        ("daily", "mon-fri", "sat,sun")
        if wide
        else ("daily", "mon-fri", "sat,sun", *DAY_NAMES, "tue,thu")
    )
    lengths = (12, 20, 28) if wide else (1, 2, 3, 6, 12, 20)
    for _ in range(draw(st.integers(1, 3))):
        days = draw(st.sampled_from(days_from))
        start = draw(st.integers(low * 2, high * 2 - 1))
        length = draw(st.sampled_from(lengths))
        end = min(start + length, high * 2)
        if high == 24 and draw(st.booleans()):
            end = start + length  # may run past midnight
        specs.append(
            f"{days} {start // 2:02d}:{start % 2 * 30:02d}-"
            f"{end // 2 % 24 if end > 48 else end // 2:02d}:{end % 2 * 30:02d}"
        )
    return specs


@st.composite
def cohorts(
    draw: st.DrawFn,
    *,
    zones: tuple[str, ...] = ZONES,
    low: int = 0,
    high: int = 24,
    wide: bool = False,
) -> list[Member]:
    """A team of 1 to 4 in several zones, with availability and quiet hours."""
    size = draw(st.integers(1, 4))
    people = []
    for i in range(size):
        quiet = draw(
            st.sampled_from(
                ((), "daily 22:00-07:00", "sun 00:00-24:00", "sat 12:00-14:00")
            )
        )
        people.append(
            Member(
                f"m{i}",
                "action",
                timezone=draw(st.sampled_from(zones)),
                availability=draw(windows_spec(low=low, high=high, wide=wide)),
                quiet_hours=quiet,
            )
        )
    return people


TERMS = st.sampled_from(
    (
        pendulum.datetime(2024, 3, 4),  # March: New York, then London
        pendulum.datetime(2024, 3, 25),  # London moves, then Sydney goes back
        pendulum.datetime(2024, 9, 16),  # Sydney forward, Santiago, Europe back
        pendulum.datetime(2024, 10, 21),  # Europe back, then New York
        pendulum.datetime(2025, 1, 6),  # no change anywhere for weeks
    )
)


# --- the oracle: zoneinfo on real dates, minute by minute ------------------------


def _in(windows: Any, local: dt.datetime) -> bool:
    minute = local.hour * 60 + local.minute
    return any(w.day == local.weekday() and w.start <= minute < w.end for w in windows)


def fits(member: Member, start: dt.datetime, length: dt.timedelta) -> bool:
    """Whether every minute of [start, start + length) is free and not quiet."""
    tz = zoneinfo.ZoneInfo(member.timezone)
    for k in range(int(length.total_seconds() // 60)):
        local = (start + dt.timedelta(minutes=k)).astimezone(tz)
        if not _in(member.availability.windows, local):
            return False
        if _in(member.quiet_hours.windows, local):
            return False
    return True


def weight(
    member: Member, start: dt.datetime, length: dt.timedelta, p: PlanPolicy
) -> float:
    """The oracle's burden of one check-in for one member."""
    tz = zoneinfo.ZoneInfo(member.timezone)
    worst = 0.0
    for k in range(int(length.total_seconds() // 60)):
        hour = (start + dt.timedelta(minutes=k)).astimezone(tz).hour
        if hour >= 23 or hour < 6:
            worst = max(worst, p.night)
        elif hour < 8:
            worst = max(worst, p.early_morning)
        elif hour >= 20:
            worst = max(worst, p.late_evening)
    if start.astimezone(tz).weekday() >= 5:
        worst += p.weekend
    return min(worst, 1.0)


def check_plan(plan: CheckinPlan, people: list[Member], busy: list[Interval]) -> int:
    """Assert every check-in of *plan* fits everyone; return how many there were."""
    length = plan.duration
    due = list(plan.occurrences())
    assert due, "a plan has at least one check-in"
    for at in due:
        assert plan.start <= at <= plan.until
        for member in people:
            assert fits(member, at, length), (member, at)
        for span in busy:
            assert not (span.start < at + length and at < span.end), (span, at)
    return len(due)


# --- properties --------------------------------------------------------------------


BUSY = st.lists(
    st.tuples(st.integers(0, 8 * 7 * 24 * 2), st.integers(1, 8)).map(
        lambda t: (t[0] * 30, t[1] * 30)
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(cohorts(), TERMS, st.integers(1, 8), st.integers(1, 2), BUSY)
def test_every_checkin_of_every_plan_fits_on_real_dates(
    people: list[Member],
    start: pendulum.DateTime,
    weeks: int,
    per_week: int,
    busy_minutes: list[tuple[int, int]],
) -> None:
    """For all cohorts, terms and busy times: each check-in is inside availability, outside quiet hours and busy (zoneinfo oracle)."""
    busy = [
        Interval(start.add(minutes=at), start.add(minutes=at + length))
        for at, length in busy_minutes
    ]
    plans = plan_checkins(
        people,
        during=(start, start.add(weeks=weeks)),
        duration=HALF_HOUR,
        per_week=per_week,
        busy=busy,
    )
    checked = sum(check_plan(plan, people, busy) for plan in plans)
    assert checked >= len(plans)
    for plan in plans:
        assert set(plan.burdens) == {m.id for m in people}
        assert len(plan.cadence.weekdays) == per_week
        assert plan.reasons[0].code in {"plan.fits", "plan.stretch"}


@settings(max_examples=25, deadline=None)
@given(cohorts(), TERMS, st.data())
def test_plans_are_order_invariant(
    people: list[Member], start: pendulum.DateTime, data: st.DataObject
) -> None:
    """Shuffling the members gives the same plans."""
    shuffled = data.draw(st.permutations(people))
    term = (start, start.add(weeks=6))
    assert plan_checkins(people, during=term, duration=HALF_HOUR) == plan_checkins(
        shuffled, during=term, duration=HALF_HOUR
    )


@pytest.mark.slow
@settings(max_examples=12, deadline=None)
@given(
    cohorts(
        zones=(
            "Europe/London",
            "America/New_York",
            "Australia/Sydney",
            "Asia/Kolkata",
            "UTC",
        ),
        low=5,
        high=23,
        wide=True,
    ),
    TERMS,
)
def test_the_best_plan_is_the_fairest_by_brute_force(
    people: list[Member], start: pendulum.DateTime
) -> None:
    """The first plan's worst burden is the least of every candidate a brute force checks."""
    policy = PlanPolicy(step=dt.timedelta(hours=1), plan_count=1)
    term = (start, start.add(weeks=5))
    plans = plan_checkins(people, during=term, duration=HALF_HOUR, policy=policy)
    best: float | None = None
    last = term[1] - dt.timedelta(microseconds=1)
    tried = 0
    for timezone, day, hour in itertools.product(
        sorted({m.timezone for m in people}), DAY_NAMES, range(24)
    ):
        cadence = Cadence.weekly(on=day, time=f"{hour:02d}:00", timezone=timezone)
        due = list(occurrences(cadence, start=start, until=last))
        tried += 1
        if not due or not all(fits(m, at, HALF_HOUR) for m in people for at in due):
            continue
        worst = max(
            sum(weight(m, at, HALF_HOUR, policy) for at in due) / len(due)
            for m in people
        )
        best = worst if best is None else min(best, worst)
    assert tried >= 7 * 24
    if best is None:
        assert all(plan.reasons[0].code == "plan.stretch" for plan in plans)
        return
    assert plans
    assert plans[0].reasons[0].code == "plan.fits"
    assert plans[0].burden == pytest.approx(best, abs=1e-9)


# --- cases ---------------------------------------------------------------------------

ADA = Member(
    "ada", "action", timezone="Europe/London", availability="sat,sun 09:00-13:00"
)
BEN = Member(
    "ben", "action", timezone="America/New_York", availability="daily 06:30-08:00"
)
MARCH = (pendulum.datetime(2024, 3, 4), pendulum.datetime(2024, 6, 3))  # 13 weeks


def test_a_pair_across_march_gets_a_plan_for_the_whole_term() -> None:
    """Ada and Ben, whose clocks change three weeks apart, get a time for all 13 weeks."""
    plans = plan_checkins([ADA, BEN], during=MARCH, duration=HALF_HOUR)
    assert len(plans) == 3
    best = plans[0]
    assert best.week_count == 13
    assert check_plan(best, [ADA, BEN], []) == 13
    assert best.reasons[0].code == "plan.fits"
    assert [p.burden for p in plans] == sorted(p.burden for p in plans)
    assert len(set(best.local_times["ada"])) == 2  # moves for the three odd weeks


def test_the_naive_first_slot_fails_where_the_plan_holds() -> None:
    """common_slots' first slot of the first week breaks in some week; the plan does not."""
    tight = Member(
        "ben", "action", timezone="America/New_York", availability="daily 07:00-07:30"
    )
    first = common_slots([ADA, tight], duration=HALF_HOUR, week_of=MARCH[0].date())[0]
    naive = Cadence.for_slot(first, member_id="ada")
    due = list(occurrences(naive, start=MARCH[0], until=MARCH[1]))
    assert any(not fits(tight, at, HALF_HOUR) for at in due)
    (plan, *_) = plan_checkins([ADA, tight], during=MARCH, duration=HALF_HOUR)
    assert plan.cadence.timezone == "America/New_York"
    assert check_plan(plan, [ADA, tight], []) == 13


def test_where_no_time_fits_every_week_it_offers_a_plan_per_stretch() -> None:
    """Saturdays suit them except while only New York has moved, Sundays only then: a plan per stretch."""
    ada = Member(
        "ada", "action", timezone="Europe/London", availability="sat,sun 12:00-12:30"
    )
    ben = Member(
        "ben",
        "action",
        timezone="America/New_York",
        availability=["sat 07:00-07:30", "sun 08:00-08:30"],
    )
    plans = plan_checkins([ada, ben], during=MARCH, duration=HALF_HOUR)
    assert [p.reasons[0].code for p in plans] == ["plan.stretch"] * 3
    assert [p.cadence.weekdays for p in plans] == [("sat",), ("sun",), ("sat",)]
    assert plans[1].start == pendulum.datetime(2024, 3, 10, 7)  # New York's change
    assert plans[2].start == pendulum.datetime(2024, 3, 31, 1)  # London's change
    assert [p.week_count for p in plans] == [1, 3, 9]
    assert sum(check_plan(p, [ada, ben], []) for p in plans) == 13


def test_a_stretch_with_no_common_time_gets_no_plan() -> None:
    """Only 12:00 London and 07:00 New York: the three odd weeks have no plan, the rest do."""
    ada = Member(
        "ada", "action", timezone="Europe/London", availability="sat 12:00-12:30"
    )
    ben = Member(
        "ben", "action", timezone="America/New_York", availability="sat 07:00-07:30"
    )
    plans = plan_checkins([ada, ben], during=MARCH, duration=HALF_HOUR)
    assert [p.start for p in plans] == [MARCH[0], pendulum.datetime(2024, 3, 31, 1)]
    assert sum(check_plan(p, [ada, ben], []) for p in plans) == 10


def test_a_groups_own_clock_changes_cut_the_stretches() -> None:
    """A busy group in a zone no member lives in moves at its own clock change, and the stretches are cut there too."""
    ada, ben = (
        Member(i, "action", timezone="Europe/London", availability="tue 18:00-19:00")
        for i in ("ada", "ben")
    )
    group = Group("g", [], 8, timezone="America/New_York", meets="tue 14:00-15:00")
    plans = plan_checkins([ada, ben], during=MARCH, duration=HALF_HOUR, busy=[group])
    assert [p.start for p in plans] == [MARCH[0], pendulum.datetime(2024, 3, 31, 1)]
    assert plans[0].until < pendulum.datetime(2024, 3, 10, 7)  # New York's change
    assert sum(check_plan(p, [ada, ben], []) for p in plans) == 10
    assert all(
        "clocks change on different dates" in p.reasons[0].message for p in plans
    )


def test_a_stretch_blames_clock_changes_only_when_they_differ() -> None:
    """Two Londoners kept from one week by a holiday are not told that clocks change on different dates."""
    ada, ben = (
        Member(i, "action", timezone="Europe/London", availability="tue 18:00-19:00")
        for i in ("ada", "ben")
    )
    holiday = (
        pendulum.datetime(2024, 4, 16, tz="Europe/London"),
        pendulum.datetime(2024, 4, 17, tz="Europe/London"),
    )
    plans = plan_checkins([ada, ben], during=MARCH, duration=HALF_HOUR, busy=[holiday])
    assert [p.reasons[0].code for p in plans] == ["plan.stretch"]
    assert "clock" not in plans[0].reasons[0].message
    assert check_plan(plans[0], [ada, ben], [Interval(*holiday)]) == 4


def test_a_fortnightly_meeting_counts_its_weeks_from_the_start_of_the_period() -> None:
    """A busy meeting every 2 weeks meets in the period's first week, so no check-in lands on it."""
    ada = Member("ada", "action", timezone="UTC", availability="mon 09:00-09:30")
    fortnightly = Cadence.weekly(on="mon", time="09:00", timezone="UTC", every=2)
    one_week = (pendulum.datetime(2024, 3, 4), pendulum.datetime(2024, 3, 11))
    busy = [(fortnightly, HALF_HOUR)]
    assert plan_checkins([ada], during=one_week, duration=HALF_HOUR, busy=busy) == ()
    later = pendulum.datetime(2024, 3, 14)  # earliest moves no meeting
    three = (one_week[0], one_week[0].add(weeks=3))
    assert (
        plan_checkins(
            [ada], during=three, duration=HALF_HOUR, busy=busy, earliest=later
        )
        == ()
    )


def test_twice_a_week_without_clock_changes_is_not_said_to_move() -> None:
    """Two days a week in zones that never change their clocks: the reason says the time stays put."""
    tokyo = Member(
        "ada", "action", timezone="Asia/Tokyo", availability="daily 18:00-20:00"
    )
    kolkata = Member(
        "ben", "action", timezone="Asia/Kolkata", availability="daily 14:00-17:00"
    )
    weeks = (pendulum.datetime(2024, 1, 8), pendulum.datetime(2024, 2, 5))
    plan = plan_checkins(
        [tokyo, kolkata], during=weeks, duration=HALF_HOUR, per_week=2
    )[0]
    assert all(len(times) == 2 for times in plan.local_times.values())
    clock = next(r for r in plan.reasons if r.code == "plan.clock")
    assert "moves" not in clock.message


def test_busy_times_are_kept_clear() -> None:
    """A group's meetings, a meeting cadence and one-off intervals are never overlapped."""
    free = Member("ada", "action", timezone="UTC", availability="mon 09:00-12:00")
    group = Group("g", [], 8, timezone="UTC", meets="mon 09:00-10:00")
    standup = (Cadence.weekly(on="mon", time="10:00", timezone="UTC"), HALF_HOUR)
    away = Interval(
        pendulum.datetime(2024, 1, 1, 10, 30), pendulum.datetime(2024, 1, 1, 11)
    )
    term = (pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 1, 29))
    plans = plan_checkins(
        [free],
        during=term,
        duration=HALF_HOUR,
        busy=[group, standup, away],
        policy=PlanPolicy(plan_count=5),
    )
    assert [str(p.cadence.times[0]) for p in plans] == ["11:00:00", "11:30:00"]
    busy = [
        *group.meets.intervals_between(term[0], term[1], timezone="UTC"),
        *(
            Interval(at, at + HALF_HOUR)
            for at in occurrences(standup[0], start=term[0], until=term[1])
        ),
        away,
    ]
    assert sum(check_plan(p, [free], busy) for p in plans) == 8


def test_earliest_and_latest_bound_the_checkins() -> None:
    """No check-in starts before earliest or ends after latest."""
    free = Member("ada", "action", timezone="UTC", availability="daily 09:00-10:00")
    term = (pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 3, 1))
    earliest, latest = pendulum.datetime(2024, 1, 10), pendulum.datetime(2024, 2, 1)
    for plan in plan_checkins(
        [free], during=term, duration=HALF_HOUR, earliest=earliest, latest=latest
    ):
        due = list(plan.occurrences())
        assert due
        assert all(earliest <= at and at + HALF_HOUR <= latest for at in due)


def test_several_a_week_are_spread_out() -> None:
    """Two check-ins a week land on days as far apart as the free days allow."""
    free = Member("ada", "action", timezone="UTC", availability="mon-fri 12:00-13:00")
    term = (pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 2, 1))
    best = plan_checkins([free], during=term, duration=HALF_HOUR, per_week=2)[0]
    assert best.cadence.weekdays in {("mon", "thu"), ("tue", "fri"), ("mon", "wed")}
    assert best.cadence.weekdays == ("mon", "thu")


def test_the_cost_falls_on_the_person_whose_night_it_is() -> None:
    """Of two common times, the one in nobody's night wins, whoever it suits in their zone."""
    sydney = Member(
        "syd", "action", timezone="Australia/Sydney", availability="daily 00:00-24:00"
    )
    london = Member(
        "lon", "action", timezone="Europe/London", availability="daily 00:00-24:00"
    )
    term = (pendulum.datetime(2024, 1, 8), pendulum.datetime(2024, 2, 5))
    best = plan_checkins([sydney, london], during=term, duration=HALF_HOUR)[0]
    assert best.burden == min(
        p.burden
        for p in plan_checkins(
            [sydney, london],
            during=term,
            duration=HALF_HOUR,
            policy=PlanPolicy(plan_count=50),
        )
    )
    assert best.burden < 1.0
    night = PlanPolicy(night=1.0, early_morning=0.0, late_evening=0.0, weekend=0.0)
    fair = plan_checkins(
        [sydney, london], during=term, duration=HALF_HOUR, policy=night
    )[0]
    assert fair.burden == 0.0


def test_no_common_time_gives_no_plan() -> None:
    """Members who are never free together get no plan."""
    a = Member("a", "action", timezone="UTC", availability="mon 09:00-10:00")
    b = Member("b", "action", timezone="UTC", availability="tue 09:00-10:00")
    term = (pendulum.datetime(2024, 1, 1), pendulum.datetime(2024, 2, 1))
    assert plan_checkins([a, b], during=term, duration=HALF_HOUR) == ()


def test_plans_agree_with_dateutil_rrule() -> None:
    """A plan's check-ins are dateutil's expansion of its weekly rule in its zone."""
    (plan, *_) = plan_checkins([ADA, BEN], during=MARCH, duration=HALF_HOUR)
    tz = zoneinfo.ZoneInfo(plan.cadence.timezone)
    first = plan.start.in_timezone(plan.cadence.timezone)
    rule = rrule.rrulestr(
        "RRULE:" + plan.cadence.to_rrule(),
        dtstart=dt.datetime(first.year, first.month, first.day, tzinfo=tz),
    )
    theirs = [
        t
        for t in rule.between(
            first - dt.timedelta(days=1), plan.until + dt.timedelta(days=1), inc=True
        )
        if plan.start <= t <= plan.until
    ]
    assert [t.astimezone(dt.UTC) for t in theirs] == [
        t.in_timezone("UTC") for t in plan.occurrences()
    ]


def test_the_shared_tables_are_read_only() -> None:
    """The zone tables and day choices plan_checkins caches across threads cannot be written."""
    plan_checkins([ADA], during=MARCH, duration=HALF_HOUR, per_week=2)
    zone = _plans._zone("Europe/London", 2024, 2024)
    masks, spread, _ = _plans._subsets(2)
    assert not any(a.flags.writeable for a in (zone.utc, zone.switch, zone.after))
    assert not masks.flags.writeable
    assert not spread.flags.writeable


def test_plans_are_thread_safe() -> None:
    """Threads planning at once get the same plans as one thread alone."""
    expected = plan_checkins([ADA, BEN], during=MARCH, duration=HALF_HOUR)
    results = in_threads(
        [lambda: plan_checkins([ADA, BEN], during=MARCH, duration=HALF_HOUR)] * 8,
        threads=4,
    )
    assert all(r == expected for r in results)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"per_week": 0}, "per_week"),
        ({"per_week": 8}, "per_week"),
        ({"busy": ["mon 09:00-10:00"]}, "busy[0]"),
        ({"busy": 3}, "busy"),
        (
            {"busy": [(Cadence.weekly(on="mon", time="09:00", timezone="UTC"), 5)]},
            "busy[0][1]",
        ),
        ({"policy": "fair"}, "policy"),
        ({"duration": dt.timedelta(0)}, "duration"),
        (
            {"during": (pendulum.datetime(2024, 1, 1), pendulum.datetime(2036, 1, 1))},
            "during",
        ),
        ({"earliest": dt.datetime(2024, 1, 1)}, "earliest"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, Any], path: str) -> None:
    """Every bad option raises InvalidInputError naming it."""
    options: dict[str, Any] = {"during": MARCH, "duration": HALF_HOUR} | kwargs
    with pytest.raises(InvalidInputError) as caught:
        plan_checkins([ADA, BEN], **options)
    assert caught.value.path == path


def test_bad_policies_name_the_field() -> None:
    """PlanPolicy refuses weights outside [0, 1], odd steps and zero plans."""
    bad: list[tuple[str, object]] = [
        ("night", 2.0),
        ("step", dt.timedelta(seconds=30)),
        ("plan_count", 0),
    ]
    for field, value in bad:
        options: dict[str, Any] = {field: value}
        with pytest.raises(InvalidInputError) as caught:
            PlanPolicy(**options)
        assert caught.value.path == field


@pytest.mark.parametrize("zones", [{"ada": 5}, {"ada": "Mars/Base"}, {"ada": ["UTC"]}])
def test_a_plan_refuses_zones_that_are_not_zones(zones: dict[str, Any]) -> None:
    """CheckinPlan(timezones=...) takes IANA zone names only, naming the member's entry."""
    with pytest.raises(InvalidInputError) as caught:
        CheckinPlan(
            cadence=Cadence.weekly(on="mon", time="07:00", timezone="UTC"),
            start=pendulum.datetime(2024, 1, 1),
            until=pendulum.datetime(2024, 1, 8),
            duration=HALF_HOUR,
            week_count=1,
            local_times={"ada": ("Mon 07:00-07:30",)},
            timezones=zones,
            burdens={"ada": 0.5},
        )
    assert caught.value.path == "timezones['ada']"


def test_member_messages_name_no_one() -> None:
    """No reason names a member id."""
    messages = [
        reason.message
        for plan in plan_checkins([ADA, BEN], during=MARCH, duration=HALF_HOUR)
        for reason in plan.reasons
    ]
    assert len(messages) == 9
    assert not [m for m in messages if "ada" in m or "ben" in m]


@settings(max_examples=60, deadline=None)
@given(windows_spec(), st.sampled_from(ZONES), TERMS, st.integers(1, 60))
def test_window_spans_agree_with_materialize(
    specs: list[str], timezone: str, start: pendulum.DateTime, days: int
) -> None:
    """The array reading of weekly windows is materialize's, span for span."""
    from peerkit import WeeklyAvailability
    from peerkit._availability import materialize
    from peerkit._instants import micros
    from peerkit.scheduling._plans import _window_spans

    windows = WeeklyAvailability.parse(specs).windows
    lo, hi = micros(start), micros(start.add(days=days))
    starts, ends = _window_spans(
        windows, timezone, lo, hi, (start.year, start.year + 1)
    )
    ours = [
        (max(s, lo), min(e, hi))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        if s < hi and lo < e
    ]
    assert ours == list(materialize(windows, timezone, lo, hi))
