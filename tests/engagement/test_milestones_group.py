"""Milestones, group engagement and the simulated engagement data."""

import datetime as dt
import random

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.datasets import sample_cohort, sample_engagement, simulate_engagement
from peerkit.engagement import (
    Activity,
    MilestoneKind,
    Touchpoint,
    detect_drift,
    group_engagement,
    milestones,
)
from peerkit.testing import weekly_runs

START = pendulum.datetime(2024, 1, 1)
NOW = START.add(weeks=60)


def record(who: str, outcomes: str) -> list[Touchpoint]:
    names = {"k": "kept", "m": "missed", "x": "excused"}
    return [
        Touchpoint(who, START.add(weeks=i), names[c])  # type: ignore[arg-type]
        for i, c in enumerate(outcomes)
    ]


def test_milestones_of_a_steady_member() -> None:
    found = milestones(record("ada", "k" * 12), now=NOW)
    assert [(m.kind, m.count) for m in found] == [
        (MilestoneKind.STREAK, 4),
        (MilestoneKind.FIRST_MONTH, 0),
        (MilestoneKind.STREAK, 8),
        (MilestoneKind.KEPT, 10),
        (MilestoneKind.STREAK, 12),
    ]
    assert found[0].message == "4 check-ins in a row: the longest run yet."
    assert found[0].at == START.add(weeks=3)


def test_streaks_are_personal_bests_and_excused_do_not_break_them() -> None:
    found = milestones(record("ada", "kkkkmkkkkkxkkk"), now=NOW)
    streaks = [m.count for m in found if m.kind is MilestoneKind.STREAK]
    assert streaks == [4, 8]  # the second run of 4 is not a new best


def test_coming_back_after_a_drift_is_a_milestone() -> None:
    found = milestones(record("ada", "k" * 16 + "m" * 6 + "k" * 6), now=NOW)
    back = [m for m in found if m.kind is MilestoneKind.CAME_BACK]
    assert len(back) == 1
    assert back[0].message.startswith("Back in the rhythm")


def test_since_keeps_only_new_milestones() -> None:
    found = milestones(record("ada", "k" * 12), now=NOW, since=START.add(weeks=8))
    assert [(m.kind, m.count) for m in found] == [
        (MilestoneKind.KEPT, 10),
        (MilestoneKind.STREAK, 12),
    ]


@given(weekly_runs(), st.randoms())
def test_milestones_are_order_invariant_and_sorted(
    runs: list[Touchpoint], rnd: random.Random
) -> None:
    """For all histories in any order, the same milestones, by time."""
    found = milestones(runs, now=NOW)
    shuffled = runs[:]
    rnd.shuffle(shuffled)
    assert milestones(shuffled, now=NOW) == found
    assert [m.at for m in found] == sorted(m.at for m in found)
    for m in found:
        assert m.at <= NOW
        assert m.member_id in {t.member_id for t in runs}


def test_milestones_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="due"):
        milestones(record("ada", "kk"), now=START)
    with pytest.raises(InvalidInputError, match="now"):
        milestones([], now=dt.datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="since"):
        milestones([], now=NOW, since=dt.datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="policy"):
        milestones([], now=NOW, policy=None)  # type: ignore[arg-type]
    assert milestones([Activity("ada", START)], now=NOW) == ()


def test_group_engagement_falling() -> None:
    events = [
        Touchpoint(
            who, START.add(weeks=w), "kept" if w < 6 or who == "ada" else "missed"
        )
        for who in ("ada", "ben", "cy")
        for w in range(10)
    ]
    summary = group_engagement(events, now=START.add(weeks=10))
    assert summary.member_count == 3
    assert [w.kept_count for w in summary.weeks] == [3, 3, 3, 3, 1, 1, 1, 1]
    assert [w.decided_count for w in summary.weeks] == [3] * 8
    assert summary.weeks[0].start == START.add(weeks=2)
    assert summary.falling
    assert summary.trend is not None
    assert summary.trend < 0
    assert summary.rate == pytest.approx(16 / 24)
    assert summary.reasons[0].message.startswith("Attendance 67% over the last 8 weeks")
    assert "falling" in summary.reasons[0].message


def test_group_engagement_steady_and_empty() -> None:
    events = record("ada", "k" * 20) + record("ben", "kmkkkkkkkkkkkkkkkkkk")
    summary = group_engagement(events, now=START.add(weeks=20), week_count=4)
    assert not summary.falling
    assert summary.drifting_count == 0
    assert len(summary.weeks) == 4
    empty = group_engagement([], now=NOW)
    assert empty.member_count == 0
    assert empty.rate is None
    assert empty.trend is None
    assert empty.reasons == ()
    assert empty.weeks[0].rate is None


def test_group_engagement_counts_drifting_members_without_naming_them() -> None:
    events = record("ada", "k" * 20) + record("ben", "k" * 14 + "m" * 6)
    summary = group_engagement(events, now=START.add(weeks=20))
    assert summary.drifting_count == 1
    assert summary.disengaged_count == 1
    for reason in summary.reasons:
        assert "ben" not in reason.message
        assert "ada" not in reason.message


@given(weekly_runs(), st.integers(1, 12))
def test_group_weeks_add_up(runs: list[Touchpoint], weeks: int) -> None:
    """For all histories, the weeks count every decided touchpoint in the window once."""
    summary = group_engagement(runs, now=NOW, week_count=weeks)
    begin = NOW.subtract(weeks=weeks)
    decided = [t for t in runs if t.outcome != "excused" and t.due >= begin]
    assert sum(w.decided_count for w in summary.weeks) == len(decided)
    assert sum(w.kept_count for w in summary.weeks) == sum(
        t.outcome == "kept" for t in decided
    )
    if summary.trend is not None:
        assert summary.trend_low is not None
        assert summary.trend_high is not None
        assert summary.trend_low <= summary.trend <= summary.trend_high


def test_group_engagement_bad_input() -> None:
    """A week count out of range and a policy that is not one are refused by name."""
    with pytest.raises(InvalidInputError, match="week_count"):
        group_engagement([], now=NOW, week_count=0)
    with pytest.raises(InvalidInputError, match="week_count"):
        group_engagement([], now=NOW, week_count=521)
    with pytest.raises(InvalidInputError, match="policy"):
        group_engagement([], now=NOW, policy={})  # type: ignore[arg-type]


@pytest.mark.parametrize("week_count", [2, 60, 520])
def test_weeks_before_the_calendar_starts_are_refused_by_name(week_count: int) -> None:
    """Weeks counted back from a *now* early in year 2 past the calendar's start name week_count."""
    now = dt.datetime(2, 1, 8, tzinfo=dt.UTC)
    with pytest.raises(InvalidInputError, match="week_count"):
        group_engagement([], now=now, week_count=week_count)
    assert group_engagement([], now=now, week_count=1).weeks[0].start.year == 2


# --- datasets ---------------------------------------------------------------------


def test_simulate_engagement_is_deterministic_with_truth() -> None:
    one = simulate_engagement(40, week_count=26, per_week=3, seed=5, activity_rate=0.5)
    assert one == simulate_engagement(
        40, week_count=26, per_week=3, seed=5, activity_rate=0.5
    )
    assert one != simulate_engagement(
        40, week_count=26, per_week=3, seed=6, activity_rate=0.5
    )
    assert len(one.truth) == 40
    touchpoints = [e for e in one.touchpoints if isinstance(e, Touchpoint)]
    assert len(touchpoints) == 40 * 26 * 3
    assert any(isinstance(e, Activity) for e in one.touchpoints)
    assert {t.kind for t in touchpoints} == {"meeting", "checkin"}
    assert all(e.due < one.now for e in touchpoints)
    for truth in one.truth:
        assert (truth.onset is not None) == truth.drifts
        if truth.drifts:
            assert truth.drift_rate is not None
            assert (
                0.3 * truth.baseline_rate
                <= truth.drift_rate
                <= 0.6 * truth.baseline_rate
            )


def test_simulate_engagement_for_members_in_their_own_zones() -> None:
    people = sample_cohort().members[:3]
    sim = simulate_engagement(people, week_count=2, seed=1)
    first = {
        e.member_id: e.due
        for e in reversed(sim.touchpoints)
        if isinstance(e, Touchpoint)
    }
    assert set(first) == {m.id for m in people}  # everyone has a touchpoint
    for member in people:
        assert first[member.id].in_timezone(member.timezone).hour == 18


def test_simulate_engagement_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="members"):
        simulate_engagement("many")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"members\[0\]"):
        simulate_engagement(["ada"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="per_week"):
        simulate_engagement(3, per_week=4)


def test_the_sample_engagement() -> None:
    sample = sample_engagement()
    ids = {m.id for m in sample_cohort().members}
    assert {t.member_id for t in sample.truth} == ids
    assert sample.now == pendulum.datetime(2024, 7, 1)
    reports = detect_drift(sample.touchpoints, now=sample.now)
    drifting = {t.member_id for t in sample.truth if t.drifts}
    caught = {r.member_id for r in reports if r.flagged}
    assert caught & drifting  # the detector finds drift the simulator put there
    assert len(caught - drifting) <= 3


def test_simulated_seeds_too_large_to_use_are_refused_by_name() -> None:
    """A seed of 5,000 digits is refused naming seed, not with a raw ValueError."""
    with pytest.raises(InvalidInputError, match="seed"):
        simulate_engagement(2, week_count=2, seed=10**5000)
    assert simulate_engagement(2, week_count=2, seed=2**63 - 1).truth


@pytest.mark.parametrize(
    ("start", "weeks"),
    [
        (pendulum.datetime(9998, 6, 1), 520),
        (pendulum.datetime(2, 1, 1), 5),
    ],
)
def test_simulated_records_past_the_calendar_are_refused_by_name(
    start: pendulum.DateTime, weeks: int
) -> None:
    """A record that would run past either end of the calendar names start."""
    with pytest.raises(InvalidInputError, match="start"):
        simulate_engagement(2, week_count=weeks, start=start)


def test_a_rising_group_says_so_in_the_shared_trend_words() -> None:
    """Attendance whose whole trend interval is above zero is described as rising."""
    events = [
        Touchpoint(
            who, START.add(weeks=w), "kept" if w >= 4 or who == "ada" else "missed"
        )
        for who in ("ada", "ben", "cy", "di")
        for w in range(8)
    ]
    summary = group_engagement(events, now=START.add(weeks=8))
    assert summary.trend_low is not None
    assert summary.trend_low > 0
    assert ", rising by about " in summary.reasons[0].message
    assert summary.reasons[0].message.endswith(" a week.")
