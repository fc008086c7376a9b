"""Every week of during= is judged on its real dates: hard rules hold in each, the worst week scores."""

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerkit import (
    Group,
    Interval,
    InvalidInputError,
    Member,
    WeeklyAvailability,
    overlap_minutes,
)
from peerkit._instants import known_zones
from peerkit.matching import (
    FitPolicy,
    PartnerPolicy,
    form_groups,
    group_fit,
    match_mentors,
    match_partners,
    partner_fit,
    rank_groups,
)
from peerkit.matching._fit import judged_weeks
from peerkit.matching._pairs import _week_bits
from peerkit.matching._seasons import pair_weeks, weeks_of, zone_weeks

if TYPE_CHECKING:
    from collections.abc import Callable

LONDON = Member(
    "ldn",
    "action",
    timezone="Europe/London",
    availability=WeeklyAvailability.parse("daily 19:00-21:00"),
)
SYDNEY = Member(
    "syd",
    "action",
    timezone="Australia/Sydney",
    availability=WeeklyAvailability.parse("daily 06:00-08:00"),
)
JANUARY = (pendulum.datetime(2026, 1, 5), pendulum.datetime(2026, 2, 2))
TO_JULY = (pendulum.datetime(2026, 1, 5), pendulum.datetime(2026, 7, 27))

# Northern and southern clock changes, none at all, half-hour offsets and
# changes, a Ramadan suspension, and a zone that skipped a day.
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Apia",
    "Africa/Casablanca",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Tehran",
]


def _mondays(during: object, timezone: str = "UTC") -> list[dt.date]:
    """Each Monday of a week the period touches, by brute force, in *timezone*."""
    period = during if isinstance(during, Interval) else Interval(*during)  # type: ignore[misc]
    first = period.start.in_timezone(timezone).date()
    last = period.end.subtract(microseconds=1).in_timezone(timezone).date()
    monday = first - dt.timedelta(days=first.weekday())
    out: list[dt.date] = []
    while monday <= last:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def _weekly(a: Member, b: Member | Group, during: object, timezone: str) -> list[float]:
    """Minutes a and b share in each week of *during*, read on its real dates."""
    return [
        overlap_minutes([a, b], week_of=monday, timezone=timezone)
        for monday in _mondays(during, timezone)
    ]


# --- the London-Sydney example -----------------------------------------------------


def test_london_evening_and_sydney_morning_suit_january_not_a_round_into_july() -> None:
    """A London 19:00-21:00 and a Sydney 06:00-08:00 member share 840 minutes a week in January and none from 6 April."""
    january = partner_fit(LONDON, SYDNEY, during=JANUARY)
    assert (january.eligible, january.overlap_minutes) == (True, 840)
    to_july = partner_fit(LONDON, SYDNEY, during=TO_JULY)
    assert (to_july.eligible, to_july.overlap_minutes) == (False, 0)
    assert to_july.reasons[0].code == "rule.schedule"
    assert to_july.reasons[0].message == (
        "No common time from 6 April, when clocks change."
    )
    assert len(match_partners([LONDON, SYDNEY], during=JANUARY).pairs) == 1
    assert match_partners([LONDON, SYDNEY], during=TO_JULY).pairs == ()


def test_excused_weeks_let_a_coordinator_keep_a_pair_through_the_change() -> None:
    """With the weeks that fail excused, the pair is eligible, judged on the worst week left, and told which weeks it loses."""
    round_ = (pendulum.datetime(2026, 3, 2), pendulum.datetime(2026, 4, 20))
    strict = partner_fit(LONDON, SYDNEY, during=round_)
    assert not strict.eligible
    policy = PartnerPolicy(excused_week_count=2)
    fit = partner_fit(LONDON, SYDNEY, during=round_, policy=policy)
    assert fit.eligible
    # One hour a day while only London has changed, until Sydney changes on
    # Sunday 5 April: five such days in the week of 30 March.
    assert fit.overlap_minutes == 300
    assert fit.reasons[-1].message == (
        "Free at the same time for 5 hours a week, except from 6 April, "
        "when clocks change."
    )


def test_a_group_meeting_that_clocks_move_away_from_is_ruled_out() -> None:
    """A Sydney member fits a London evening group in January, not in a round into July, and is told from when."""
    group = Group(
        "evening",
        [],
        8,
        timezone="Europe/London",
        meets=WeeklyAvailability.parse("mon 19:00-20:00"),
    )
    sydney = attrs.evolve(
        SYDNEY, availability=WeeklyAvailability.parse("tue 06:00-07:00")
    )
    assert group_fit(sydney, group, during=JANUARY).eligible
    fit = group_fit(sydney, group, during=TO_JULY)
    assert not fit.eligible
    assert fit.reasons[0].message == (
        "Not free at any time the group meets from 30 March, when clocks change."
    )
    assert rank_groups(sydney, [group], during=TO_JULY) == (fit,)


# --- week states -------------------------------------------------------------------

periods = st.builds(
    lambda day, hours, weeks: (
        pendulum.datetime(2010, 1, 1).add(days=day, hours=hours),
        pendulum.datetime(2010, 1, 1).add(days=day, hours=hours, weeks=weeks),
    ),
    st.integers(0, 17 * 365),
    st.integers(0, 23),
    st.integers(1, 26),
)
availabilities = st.lists(
    st.builds(
        lambda days, start, length: (
            f"{days} {start // 60:02d}:{start % 60:02d}-"
            f"{(start + length) // 60 % 24:02d}:{(start + length) % 60:02d}"
        ),
        st.sampled_from(["daily", "weekdays", "weekends", "mon", "sun", "sat,sun"]),
        st.integers(0, 95).map(lambda q: q * 15),
        st.integers(2, 16).map(lambda q: q * 15),
    ),
    min_size=1,
    max_size=3,
).map(WeeklyAvailability.parse)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ZONES), availabilities, periods)
def test_alike_weeks_have_the_same_free_minutes(
    zone: str, week: WeeklyAvailability, period: tuple[dt.datetime, dt.datetime]
) -> None:
    """For all zones, schedules and periods, a week's free minutes are those of the first week in the same state."""
    bounds = weeks_of(period)
    states = zone_weeks(zone, bounds)
    first: dict[object, int] = {}
    for k, state in enumerate(states):
        first.setdefault(state, k)
        assert _week_bits(week.windows, zone, bounds[k]) == _week_bits(
            week.windows, zone, bounds[first[state]]
        )
    assert len(states) == len(_mondays(period))


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ZONES),
    st.sampled_from(ZONES),
    availabilities,
    availabilities,
    periods,
)
def test_the_judged_minutes_are_the_worst_real_week(
    zone_a: str,
    zone_b: str,
    week_a: WeeklyAvailability,
    week_b: WeeklyAvailability,
    period: tuple[dt.datetime, dt.datetime],
) -> None:
    """For all pairs and periods, partner_fit's minutes are the fewest any week of the period shares, read week by week."""
    a = Member("a", "action", timezone=zone_a, availability=week_a)
    b = Member("b", "action", timezone=zone_b, availability=week_b)
    fit = partner_fit(a, b, during=period)
    weekly = _weekly(a, b, period, "UTC")
    assert weekly
    assert fit.overlap_minutes == min(weekly)
    excused = PartnerPolicy(excused_week_count=1)
    second = sorted(weekly)[1] if len(weekly) > 1 else weekly[0]
    assert partner_fit(a, b, during=period, policy=excused).overlap_minutes == second
    kinds = pair_weeks(
        zone_weeks(zone_a, weeks_of(period)),
        zone_weeks(zone_b, weeks_of(period)),
        exact=True,
    )
    assert len(kinds[2]) == len(weekly)


# --- every hard rule in every week --------------------------------------------------

cohorts = st.lists(
    st.builds(
        lambda zone, week, stage: (zone, week, stage),
        st.sampled_from(ZONES),
        availabilities,
        st.sampled_from(["contemplation", "preparation", "action"]),
    ),
    min_size=2,
    max_size=10,
).map(
    lambda rows: [
        Member(f"m{i:02d}", stage, timezone=zone, availability=week)
        for i, (zone, week, stage) in enumerate(rows)
    ]
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts, periods, st.integers(0, 2), st.randoms(use_true_random=False))
def test_every_pair_meets_in_every_week_not_excused(
    members: list[Member],
    period: tuple[dt.datetime, dt.datetime],
    excused: int,
    random: object,
) -> None:
    """For all cohorts and periods, each pair or trio shares a check-in's time in every week but the excused ones, and shuffling changes nothing."""
    policy = PartnerPolicy(excused_week_count=excused)
    matching = match_partners(members, during=period, policy=policy)
    by_id = {m.id: m for m in members}
    pairs = [p.member_ids for p in matching.pairs] + [
        (a, b) for trio in matching.trios for a, b in _pairs_of(trio.member_ids)
    ]
    for a, b in pairs:
        weekly = _weekly(by_id[a], by_id[b], period, "UTC")
        failing = sum(1 for m in weekly if m < policy.min_overlap_minutes)
        assert failing <= excused
    shuffled = list(members)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert match_partners(shuffled, during=period, policy=policy) == matching


def _pairs_of(ids: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts, periods)
def test_every_mentor_pair_meets_in_every_week(
    members: list[Member], period: tuple[dt.datetime, dt.datetime]
) -> None:
    """For all cohorts and periods, each mentor and mentee share a check-in's time in every week."""
    half = len(members) // 2
    matching = match_mentors(members[:half], members[half:], during=period)
    by_id = {m.id: m for m in members}
    for assignment in matching.assignments:
        mentor, mentee = by_id[assignment.mentor_id], by_id[assignment.mentee_id]
        weekly = _weekly(mentor, mentee, period, "UTC")
        assert min(weekly) >= PartnerPolicy().min_overlap_minutes


@pytest.mark.slow
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts, periods, st.randoms(use_true_random=False))
def test_every_formed_group_member_makes_the_meeting_every_week(
    members: list[Member], period: tuple[dt.datetime, dt.datetime], random: object
) -> None:
    """For all cohorts and periods, every member of a formed group is free for its whole meeting in every week, and shuffling changes nothing."""
    policy = FitPolicy(meeting_minutes=30)
    grouping = form_groups(
        members, min_size=2, max_size=4, during=period, policy=policy
    )
    for formed in grouping.groups:
        group = formed.group
        meeting = _weekly_meeting(group, period)
        for member in group.members:
            weekly = _weekly(member, group, period, group.timezone)
            assert weekly == meeting
    shuffled = list(members)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert (
        form_groups(shuffled, min_size=2, max_size=4, during=period, policy=policy)
        == grouping
    )


def _weekly_meeting(group: Group, during: object) -> list[float]:
    return [
        overlap_minutes([group], week_of=monday, timezone=group.timezone)
        for monday in _mondays(during, group.timezone)
    ]


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ZONES),
    availabilities,
    st.sampled_from(ZONES),
    availabilities,
    periods,
)
def test_group_fit_judges_the_worst_week_of_the_meeting(
    zone: str,
    week: WeeklyAvailability,
    group_zone: str,
    meets: WeeklyAvailability,
    period: tuple[dt.datetime, dt.datetime],
) -> None:
    """For all members, meetings and periods, the schedule component is the worst week's share of the meeting, read week by week."""
    member = Member("a", "action", timezone=zone, availability=week)
    group = Group("g", [], 8, timezone=group_zone, meets=meets)
    fit = group_fit(member, group, during=period)
    # A meeting wholly inside a spring-forward gap does not happen that week:
    # nothing to miss.
    shares = [
        min(1.0, free / meeting) if meeting else 1.0
        for free, meeting in zip(
            _weekly(member, group, period, group_zone),
            _weekly_meeting(group, period),
            strict=True,
        )
    ]
    assert fit.components["schedule"] == pytest.approx(min(shares), abs=1e-9)
    assert fit.eligible == (min(shares) > 0)
    assert judged_weeks(period, group_zone) == weeks_of(period, group_zone)


@pytest.mark.parametrize("name", ["partner_fit", "group_fit", "form_groups"])
def test_a_period_of_more_than_ten_years_is_refused_by_name(name: str) -> None:
    """A period touching more weeks than MAX_WEEKS is an InvalidInputError naming during: every week is judged."""
    century = (pendulum.datetime(2000, 1, 3), pendulum.datetime(2100, 1, 4))
    group = Group("g", [], 8)
    calls: dict[str, Callable[[], object]] = {
        "partner_fit": lambda: partner_fit(LONDON, SYDNEY, during=century),
        "group_fit": lambda: group_fit(LONDON, group, during=century),
        "form_groups": lambda: form_groups(
            [LONDON, SYDNEY], min_size=2, max_size=2, during=century
        ),
    }
    with pytest.raises(InvalidInputError) as info:
        calls[name]()
    assert info.value.path == "during"
    ten_years = (pendulum.datetime(2000, 1, 3), pendulum.datetime(2010, 1, 4))
    assert len(weeks_of(ten_years)) - 1 == 522


def _probed_week_state(name: str, lo: int, hi: int) -> int | None:
    """The week's one offset found the old way, probing zoneinfo every three hours (None if a change reaches it)."""
    tz = zoneinfo.ZoneInfo(name)
    hour, epoch = 3600, dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    def at(second: int) -> int:
        offset = (epoch + dt.timedelta(seconds=second)).astimezone(tz).utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0

    start, end = lo // 1_000_000, -(-hi // 1_000_000)
    offset = at(start)
    if any(at(t) != offset for t in [*range(start, end, 3 * hour), end + hour]):
        return None
    for t in range(start, start - 27 * hour, -3 * hour):  # a change just before
        before, after = at(t - 3 * hour), at(t)
        if before != after:
            a, b = t - 3 * hour, t
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (mid, b) if at(mid) == before else (a, mid)
            if b + abs(after - before) + hour > start:
                return None
    return offset


def test_week_states_from_the_zone_rules_agree_with_zoneinfo_in_every_zone() -> None:
    """Every zone's week states, read from its rules, are what probing zoneinfo finds, in weeks around 2026's clock changes."""
    mondays = [(3, 2), (3, 9), (3, 23), (3, 30), (4, 6), (10, 26)]
    weeks = []
    for month, day in mondays:
        monday = pendulum.datetime(2026, month, day)
        weeks.append(judged_weeks((monday, monday.add(days=7))))
    checked = 0
    for name in sorted(known_zones()):
        for bounds in weeks:
            probed = _probed_week_state(name, bounds[0], bounds[1])
            expected = ("s", 0) if probed is None else ("c", probed)
            assert zone_weeks(name, bounds) == (expected,), name
            checked += 1
    assert checked >= 400 * len(mondays)
