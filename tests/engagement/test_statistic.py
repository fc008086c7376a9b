"""The drift statistic itself: one implementation, online and batch, and what it never does."""

import math

import attrs
import numpy as np
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

import peerkit.engagement._engine as engine
from peerkit.engagement import (
    DriftMonitor,
    DriftPolicy,
    DriftReport,
    Touchpoint,
    detect_drift,
)

START = pendulum.datetime(2024, 1, 1, 18)
HOUR_US = 3600 * 1_000_000
FIELDS = (
    "kb", "nb", "kr", "nr", "s", "h", "run_start", "onset", "flagged", "reeng",
    "n", "first", "win", "wn", "kept", "miss_run", "miss_start", "last_kept",
)  # fmt: skip

policies = st.builds(
    DriftPolicy,
    false_flags_per_100_members_per_year=st.sampled_from([0.5, 2.0, 5.0, 20.0, 60.0]),
    min_history=st.integers(1, 8),
    cohort_rate=st.sampled_from([0.2, 0.5, 0.8, 0.95]),
    prior_strength=st.sampled_from([1.0, 8.0, 30.0]),
    drop=st.sampled_from([0.3, 0.5, 0.8]),
    release=st.sampled_from([0.0, 0.5, 0.9]),
)
# One member's decided touchpoints: (kept, hours since the previous one).
tracks = st.lists(
    st.tuples(st.integers(0, 1), st.integers(1, 24 * 21)), min_size=1, max_size=80
)


def stepped(policy: DriftPolicy, track: list[tuple[int, int]]) -> engine.Member:
    """*track* through the scalar step."""
    step = engine.stepper(policy).step
    m = engine.Member()
    at = 0
    for kept, gap in track:
        at += gap * HOUR_US
        step(m, kept, at)
    return m


def batched(
    policy: DriftPolicy, many: list[list[tuple[int, int]]]
) -> list[engine.Member]:
    """*many* tracks through the numpy batch."""
    outcome: list[int] = []
    times: list[int] = []
    starts: list[int] = []
    lengths: list[int] = []
    for track in many:
        starts.append(len(outcome))
        lengths.append(len(track))
        at = 0
        for kept, gap in track:
            at += gap * HOUR_US
            outcome.append(kept)
            times.append(at)
    return engine.run_batch(
        policy,
        np.array(outcome, np.int64),
        np.array(times, np.int64),
        np.array(starts, np.int64),
        np.array(lengths, np.int64),
    )


@settings(max_examples=40)
@given(policies, st.lists(tracks, min_size=1, max_size=6))
def test_batch_equals_the_scalar_step_bit_for_bit(
    policy: DriftPolicy, many: list[list[tuple[int, int]]]
) -> None:
    """run_batch leaves every member in exactly the state the scalar step does (floats compared exactly)."""
    checked = 0
    for track, batch in zip(many, batched(policy, many), strict=True):
        online = stepped(policy, track)
        for name in FIELDS:
            assert getattr(batch, name) == getattr(online, name), name
            checked += 1
    assert checked == len(many) * len(FIELDS)


def test_batch_equals_the_scalar_step_past_the_log_tables() -> None:
    """Past the cached log tables (TABLE_CAP counts) both compute the same logs, bit for bit."""
    rng = np.random.default_rng(5)
    size = engine.TABLE_CAP + 80
    many = [[(int(x), 24 * 3) for x in rng.random(size) < p] for p in (0.9, 0.6, 0.3)]
    policy = DriftPolicy()
    for track, batch in zip(many, batched(policy, many), strict=True):
        online = stepped(policy, track)
        assert [getattr(batch, f) for f in FIELDS] == [
            getattr(online, f) for f in FIELDS
        ]


@settings(max_examples=25)
@given(
    policies,
    st.lists(tracks, min_size=2, max_size=9),
    st.integers(1, 4),
)
def test_batch_in_blocks_equals_the_scalar_step_bit_for_bit(
    policy: DriftPolicy, many: list[list[tuple[int, int]]], chunk: int
) -> None:
    """run_batch steps members in blocks of CHUNK: with blocks of 1-4 members, every member's state is still the scalar step's, exactly."""
    saved = engine.CHUNK
    engine.CHUNK = chunk
    try:
        blocked = batched(policy, many)
    finally:
        engine.CHUNK = saved
    for track, batch in zip(many, blocked, strict=True):
        online = stepped(policy, track)
        assert [getattr(batch, f) for f in FIELDS] == [
            getattr(online, f) for f in FIELDS
        ]


@given(st.lists(st.floats(-60.0, 60.0, allow_nan=False), min_size=1, max_size=50))
def test_softplus_is_the_same_scalar_and_array(values: list[float]) -> None:
    """The table softplus gives the same float for a number alone and inside an array, within 0.01 of log(1 + e^s)."""
    array = engine.softplus_array(np.array(values))
    for value, got in zip(values, array.tolist(), strict=True):
        assert engine.softplus(value) == got
        assert abs(got - math.log1p(math.exp(value))) < 0.01


@settings(max_examples=40)
@given(
    policies, st.lists(st.tuples(st.booleans(), st.integers(1, 24 * 14)), max_size=120)
)
def test_a_perfect_record_is_never_flagged(
    policy: DriftPolicy, items: list[tuple[bool, int]]
) -> None:
    """A member who keeps every touchpoint (some excused) is never flagged, at any step, online or in batch."""
    at = START
    history = []
    for excused, gap in items:
        at = at.add(hours=gap)
        history.append(Touchpoint("ada", at, "excused" if excused else "kept"))
    monitor = DriftMonitor(policy)
    for point in history:
        assert not monitor.observe(point).flagged
    now = at.add(days=1)
    assert all(not r.flagged for r in detect_drift(history, now=now, policy=policy))
    assert all(r.severity == 0.0 for r in monitor.reports(now=now))


@settings(max_examples=40)
@given(
    policies,
    st.lists(
        st.tuples(st.booleans(), st.integers(1, 24 * 14)), min_size=1, max_size=80
    ),
    st.lists(st.integers(0, 24 * 7 * 80), max_size=20),
)
def test_excused_never_counts_as_a_miss(
    policy: DriftPolicy, decided: list[tuple[bool, int]], excused_hours: list[int]
) -> None:
    """Adding excused touchpoints anywhere changes nothing in a report but its excused count and evidence."""
    at = START
    history = []
    for kept, gap in decided:
        at = at.add(hours=gap)
        history.append(Touchpoint("ada", at, "kept" if kept else "missed"))
    extra = [Touchpoint("ada", START.add(hours=h), "excused") for h in excused_hours]
    now = max(at, *(t.due for t in extra)).add(days=1) if extra else at.add(days=1)
    (plain,) = detect_drift(history, now=now, policy=policy)
    (more,) = detect_drift(history + extra, now=now, policy=policy)
    for name in (
        "status", "onset", "severity", "baseline_rate", "recent_rate",
        "recent_kept_count", "recent_due_count", "missed_in_a_row",
        "touchpoint_count", "statistic", "threshold",
    ):  # fmt: skip
        assert getattr(plain, name) == getattr(more, name), name
    assert more.excused_count == plain.excused_count + len(extra)


@settings(max_examples=30)
@given(policies, st.lists(tracks, min_size=1, max_size=5))
def test_batch_reports_equal_an_online_replay(
    policy: DriftPolicy, many: list[list[tuple[int, int]]]
) -> None:
    """detect_drift's reports equal a DriftMonitor's after replaying the same touchpoints."""
    history = []
    last = START
    for i, track in enumerate(many):
        at = START
        for kept, gap in track:
            at = at.add(hours=gap)
            history.append(Touchpoint(f"m{i}", at, "kept" if kept else "missed"))
        last = max(last, at)
    monitor = DriftMonitor(policy)
    for point in sorted(history, key=lambda t: t.due):
        monitor.observe(point)
    now = last.add(days=1)
    assert monitor.reports(now=now) == detect_drift(history, now=now, policy=policy)


@settings(max_examples=30)
@given(policies, tracks)
def test_reports_built_for_speed_are_plain_valid_reports(
    policy: DriftPolicy, track: list[tuple[int, int]]
) -> None:
    """The monitor's reports skip the validators: each is exactly a DriftReport, every field set, and the public constructor (validators on) accepts its values."""
    monitor = DriftMonitor(policy)
    at = START
    for kept, gap in track:
        at = at.add(hours=gap)
        report = monitor.observe(Touchpoint("ada", at, "kept" if kept else "missed"))
        assert type(report) is DriftReport
        rebuilt = DriftReport(
            **{f.name: getattr(report, f.name) for f in attrs.fields(DriftReport)}
        )
        assert rebuilt == report
        assert hash(rebuilt) == hash(report)
