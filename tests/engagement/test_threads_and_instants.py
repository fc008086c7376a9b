"""Thread safety of engagement's caches, and instants read as Python reads them."""

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pendulum
import pytest

import peerkit.engagement._engine as engine
import peerkit.engagement._touchpoint as touchpoint_module
from peerkit.datasets import simulate_engagement
from peerkit.engagement import (
    Activity,
    DriftMonitor,
    DriftPolicy,
    Touchpoint,
    detect_drift,
    group_engagement,
    milestones,
)
from threads import in_threads

if TYPE_CHECKING:
    from collections.abc import Callable

NEW_YORK = ZoneInfo("America/New_York")
# 01:30 on 3 November 2024 happens twice in New York: EDT, then EST.
FIRST = dt.datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK)
SECOND = FIRST.replace(fold=1)


def _long_record() -> tuple[tuple[Touchpoint | Activity, ...], pendulum.DateTime]:
    # Three touchpoints a week for a year and a half: well past the log
    # tables' first size, so every call has to grow them.
    record = simulate_engagement(
        12, week_count=78, per_week=3, activity_rate=0.2, seed=7
    )
    return record.touchpoints, record.now


def _monitored(
    events: tuple[Touchpoint | Activity, ...],
    now: pendulum.DateTime,
    policy: DriftPolicy,
) -> object:
    monitor = DriftMonitor(policy)
    monitor.observe_many(events)
    return monitor.reports(now=now)


@pytest.mark.parametrize(
    "entry", ["detect_drift", "group_engagement", "milestones", "monitor"]
)
def test_entry_points_give_the_serial_result_from_eight_threads(entry: str) -> None:
    """Eight threads at once, on a policy whose tables are not built yet, each get the serial result."""
    events, now = _long_record()
    policy = DriftPolicy(prior_strength=7.25, drop=0.45)
    calls: dict[str, Callable[[], object]] = {
        "detect_drift": lambda: detect_drift(events, now=now, policy=policy),
        "group_engagement": lambda: group_engagement(
            events, now=now, week_count=20, policy=policy
        ),
        "milestones": lambda: milestones(events, now=now, policy=policy),
        "monitor": lambda: _monitored(events, now, policy),
    }
    work = calls[entry]
    engine.stepper.cache_clear()
    results = in_threads([work] * 8)
    engine.stepper.cache_clear()
    serial = work()
    assert len(results) == 8
    assert all(result == serial for result in results)


def test_an_interrupted_table_build_leaves_the_previous_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A log-table build interrupted midway leaves complete tables: the next call is right."""
    events, now = _long_record()
    policy = DriftPolicy(prior_strength=6.75)
    engine.stepper.cache_clear()
    expected = detect_drift(events, now=now, policy=policy)
    engine.stepper.cache_clear()
    step = engine.stepper(policy)  # built at its first size
    first_size = step.tables_for(0).size
    real = engine._frozen_array
    calls = 0

    def interrupted(values: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:  # midway through building the larger tables
            raise KeyboardInterrupt
        return real(values)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_frozen_array", interrupted)
    with pytest.raises(KeyboardInterrupt):
        detect_drift(events, now=now, policy=policy)
    assert calls == 3
    assert step.tables_for(0).size == first_size  # the old tables, whole
    monkeypatch.setattr(engine, "_frozen_array", real)
    assert detect_drift(events, now=now, policy=policy) == expected
    monitor = DriftMonitor(policy)
    monitor.observe_many(events)
    assert monitor.reports(now=now) == expected


@pytest.mark.parametrize("order", [(FIRST, SECOND), (SECOND, FIRST)])
def test_both_folds_keep_their_instant_in_either_order(
    order: tuple[dt.datetime, dt.datetime],
) -> None:
    """The second 01:30 of a fall-back night is 06:30 UTC, the first 05:30, whichever comes first."""
    touchpoint_module.utc_moment.cache_clear()  # this order is the first seen
    expected = [
        dt.datetime(2024, 11, 3, 5 + when.fold, 30, tzinfo=dt.UTC) for when in order
    ]
    assert [Touchpoint("ada", when, "kept").due for when in order] == expected
    assert [Activity("ada", when).at for when in order] == expected


def test_a_folded_due_time_orders_and_reports_by_its_instant() -> None:
    """Touchpoints in both folds are an hour apart for detection too."""
    early = Touchpoint("ada", FIRST, "missed")
    late = Touchpoint("ada", SECOND, "kept")
    (report,) = detect_drift([late, early], now=SECOND)
    assert report.last_kept == dt.datetime(2024, 11, 3, 6, 30, tzinfo=dt.UTC)
    assert report.missed_in_a_row == 0


def test_histories_longer_than_the_tables_give_the_same_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the tables' cap the logs are computed, and every report is the same bit for bit."""
    events, now = _long_record()
    policy = DriftPolicy(prior_strength=5.5)
    engine.stepper.cache_clear()
    expected = detect_drift(events, now=now, policy=policy)
    expected_milestones = milestones(events, now=now, policy=policy)
    monkeypatch.setattr(engine, "INITIAL_SIZE", 4)
    monkeypatch.setattr(engine, "TABLE_CAP", 8)
    engine.stepper.cache_clear()
    try:
        assert detect_drift(events, now=now, policy=policy) == expected
        monitor = DriftMonitor(policy)
        monitor.observe_many(events)
        assert monitor.reports(now=now) == expected
        assert milestones(events, now=now, policy=policy) == expected_milestones
        assert engine.stepper(policy).tables_for(0).size == 8  # never grew past it
    finally:
        engine.stepper.cache_clear()
