"""Odd values into every engagement entry point: only InvalidInputError comes out."""

import contextlib
import datetime as dt
import math
from collections.abc import Callable

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.datasets import simulate_engagement
from peerkit.engagement import (
    Activity,
    DriftMonitor,
    DriftPolicy,
    Milestone,
    Touchpoint,
    WeeklyAttendance,
    detect_drift,
    group_engagement,
    milestones,
    outreach_queue,
)

DAY = pendulum.datetime(2024, 1, 1)
ONE = [Touchpoint("ada", DAY, "kept")]
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=3),
    st.sampled_from(
        [
            10**5000,
            math.inf,
            {},
            [1, None],
            dt.timedelta.max,
            dt.datetime(2024, 1, 1),  # noqa: DTZ001 - naive on purpose
            dt.datetime(1, 1, 1, tzinfo=dt.UTC),
            dt.datetime(2, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=-23))),
            dt.datetime(9998, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-23))),
            DAY,
            ONE,
        ]
    ),
)
POLICY_FIELDS = [
    "false_flags_per_100_members_per_year",
    "min_history",
    "cohort_rate",
    "prior_strength",
    "drop",
    "release",
    "disengaged_after",
    "reengaged_for",
    "recent_count",
]


def _calls(a: object, b: object) -> list[Callable[[], object]]:
    later = DAY.add(weeks=1)
    return [
        lambda: detect_drift(a, now=later),  # type: ignore[arg-type]
        lambda: detect_drift(ONE, now=a),  # type: ignore[arg-type]
        lambda: group_engagement(ONE, now=a, week_count=b),  # type: ignore[arg-type]
        lambda: group_engagement(ONE, now=later, week_count=a),  # type: ignore[arg-type]
        lambda: milestones(ONE, now=a, since=b),  # type: ignore[arg-type]
        lambda: outreach_queue(a, limit=b),  # type: ignore[arg-type]
        lambda: Touchpoint(a, b, "kept"),  # type: ignore[arg-type]
        lambda: Touchpoint("ada", a, b),  # type: ignore[arg-type]
        lambda: Activity("ada", a, b),  # type: ignore[arg-type]
        lambda: DriftPolicy().with_cohort_rate(a),  # type: ignore[arg-type]
        lambda: DriftMonitor().observe(a),  # type: ignore[arg-type]
        lambda: DriftMonitor().observe_many(a),  # type: ignore[arg-type]
        lambda: DriftMonitor.from_state(a),  # type: ignore[arg-type]
        lambda: simulate_engagement(2, week_count=2, seed=a, start=b),  # type: ignore[arg-type]
        lambda: simulate_engagement(2, week_count=a, per_week=b),  # type: ignore[arg-type]
        lambda: WeeklyAttendance(start=a, kept_count=b, decided_count=0),  # type: ignore[arg-type]
        lambda: Milestone(member_id="ada", kind=a, at=b, count=0, message="Hi."),  # type: ignore[arg-type]
        *(
            lambda field=field: DriftPolicy(**{field: a})  # type: ignore[arg-type]
            for field in POLICY_FIELDS
        ),
    ]


@given(ODD, ODD)
def test_odd_values_raise_only_invalid_input(a: object, b: object) -> None:
    """For all odd values, every public engagement call answers or raises InvalidInputError."""
    calls = _calls(a, b)
    assert len(calls) == 17 + len(POLICY_FIELDS)
    for call in calls:
        with contextlib.suppress(InvalidInputError):
            call()


def test_a_monitor_state_replays_near_the_calendar_end() -> None:
    """Reports near the last day of the calendar are made without a raw error."""
    last = dt.datetime(9998, 12, 31, 23, tzinfo=dt.UTC)
    history = [
        Touchpoint("ada", last - dt.timedelta(weeks=w), "kept" if w > 8 else "missed")
        for w in range(20)
    ]
    reports = detect_drift(history, now=last)
    assert reports[0].evidence
    assert milestones(history, now=last, since=last) == ()
    with pytest.raises(InvalidInputError, match="week_count"):
        group_engagement(
            history, now=dt.datetime(3, 1, 1, tzinfo=dt.UTC), week_count=60
        )
