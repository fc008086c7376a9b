"""Check-in status: matching done to due, overdue, streaks, rates."""

import datetime as dt
import random

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.scheduling import Cadence, checkin_status, occurrences
from peerkit.testing import aware_datetimes, cadences, timezones

WEEKLY = Cadence.weekly(on="mon", time="09:00", timezone="Europe/London")
START = pendulum.datetime(2024, 1, 1, tz="Europe/London")


def mondays(*days: int) -> list[pendulum.DateTime]:
    return [pendulum.datetime(2024, 1, d, 9, 30, tz="Europe/London") for d in days]


def test_kept_missed_streak_and_rate() -> None:
    """Kept the first two and the last Monday of January, missed the third."""
    status = checkin_status(
        WEEKLY,
        start=START,
        done=mondays(1, 8, 22, 29),
        now=pendulum.datetime(2024, 2, 1),
    )
    assert (status.kept_count, status.missed_count, status.due_count) == (4, 1, 5)
    assert [t.date() for t in status.overdue] == [dt.date(2024, 1, 15)]
    assert status.streak == 2
    assert status.completion_rate == pytest.approx(0.8)
    assert status.next_due == pendulum.datetime(2024, 2, 5, 9)


def test_open_window_is_neither_kept_nor_missed() -> None:
    """A check-in due an hour ago, not done yet, is next_due, not overdue."""
    status = checkin_status(
        WEEKLY, start=START, done=[], now=pendulum.datetime(2024, 1, 1, 10)
    )
    assert (status.kept_count, status.missed_count, status.due_count) == (0, 0, 0)
    assert status.completion_rate is None
    assert status.next_due == pendulum.datetime(2024, 1, 1, 9)


def test_one_done_keeps_one_due_time() -> None:
    """Two due times a day apart and one done check-in between them: one kept."""
    daily = Cadence.daily(time="09:00", timezone="UTC")
    status = checkin_status(
        daily,
        start=pendulum.datetime(2024, 1, 1),
        done=[pendulum.datetime(2024, 1, 1, 21)],
        now=pendulum.datetime(2024, 1, 4, 12),
    )
    assert status.kept_count == 1
    assert status.missed_count == 2


def test_future_done_times_are_ignored() -> None:
    """A done check-in after now does not count."""
    status = checkin_status(
        WEEKLY,
        start=START,
        done=mondays(8),
        now=pendulum.datetime(2024, 1, 3),
    )
    # 1 January was missed; the done check-in of 8 January lies after now.
    assert (status.kept_count, status.missed_count) == (0, 1)
    assert status.next_due == pendulum.datetime(2024, 1, 8, 9)


def test_days_off_are_never_misses() -> None:
    """A holiday Monday is not due at all."""
    status = checkin_status(
        WEEKLY,
        start=START,
        done=mondays(1, 15),
        now=pendulum.datetime(2024, 1, 20),
        days_off=[dt.date(2024, 1, 8)],
    )
    assert (status.kept_count, status.missed_count) == (2, 0)
    assert status.streak == 2


@given(
    cadences(zones=timezones(tricky_only=True), max_every=2),
    aware_datetimes(min_value=dt.datetime(2020, 1, 1)),  # noqa: DTZ001
    st.lists(st.integers(0, 60 * 24), max_size=20),
    st.integers(0, 60),
    st.randoms(use_true_random=False),
)
def test_status_invariants(
    cadence: Cadence,
    start: dt.datetime,
    hours: list[int],
    days: int,
    rng: random.Random,
) -> None:
    """For all histories: counts add up, streak fits, done order does not matter."""
    done = [start + dt.timedelta(hours=h) for h in hours]
    now = start + dt.timedelta(days=days)
    status = checkin_status(cadence, start=start, done=done, now=now)
    assert status.kept_count + status.missed_count == status.due_count
    assert 0 <= status.streak <= status.kept_count
    assert status.kept_count <= len(done)
    if status.due_count:
        assert status.completion_rate == pytest.approx(
            status.kept_count / status.due_count
        )
    # Only due times up to a tolerance (one day) after now can be decided:
    # kept early, or missed once their tolerance has passed.
    horizon = list(occurrences(cadence, start=start, until=now + dt.timedelta(days=1)))
    assert status.due_count <= len(horizon)
    assert all(t <= now for t in status.overdue)
    shuffled = list(done)
    rng.shuffle(shuffled)
    assert checkin_status(cadence, start=start, done=shuffled, now=now) == status


def test_bad_input() -> None:
    """Naive datetimes and negative tolerances are refused."""
    with pytest.raises(InvalidInputError, match="now"):
        checkin_status(WEEKLY, start=START, done=[], now=dt.datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match=r"done\[0\]"):
        checkin_status(
            WEEKLY,
            start=START,
            done=[dt.datetime(2024, 1, 1)],  # noqa: DTZ001 - the point
            now=START,
        )
    with pytest.raises(InvalidInputError, match="tolerance"):
        checkin_status(
            WEEKLY, start=START, done=[], now=START, tolerance=dt.timedelta(hours=-1)
        )
    with pytest.raises(InvalidInputError, match="done"):
        checkin_status(WEEKLY, start=START, done=5, now=START)  # type: ignore[arg-type]
