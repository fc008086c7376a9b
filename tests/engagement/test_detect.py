"""Drift detection: the statistic, statuses, evidence, batch against online."""

import datetime as dt
import random
from collections.abc import Sequence

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import peerkit
import peerkit.datasets
from peerkit import InvalidInputError
from peerkit.engagement import (
    Activity,
    DriftMonitor,
    DriftPolicy,
    DriftReport,
    DriftState,
    DriftStatus,
    Touchpoint,
    detect_drift,
    outreach_queue,
)
from peerkit.testing import drift_policies, touchpoints, weekly_runs

START = pendulum.datetime(2024, 1, 1)
NOW = START.add(weeks=60)


def record(who: str, outcomes: str, *, every: int = 7) -> list[Touchpoint]:
    """Touchpoints from a string: k kept, m missed, x excused; one a week."""
    names = {"k": "kept", "m": "missed", "x": "excused"}
    return [
        Touchpoint(who, START.add(days=every * i), names[c])  # type: ignore[arg-type]
        for i, c in enumerate(outcomes)
    ]


def order(event: Touchpoint | Activity) -> tuple[int, int]:
    if isinstance(event, Touchpoint):
        return (event._key >> 2, event._key & 3)
    return (event._us, 9)


def replay(
    events: Sequence[Touchpoint | Activity], policy: DriftPolicy
) -> DriftMonitor:
    monitor = DriftMonitor(policy)
    for event in sorted(events, key=order):
        monitor.observe(event)
    return monitor


# --- golden cases -------------------------------------------------------------


def test_a_steady_member_is_steady() -> None:
    """Keeping about 9 in 10 for a year is steady, with a low severity."""
    [report] = detect_drift(record("ada", "kkkkkkkkkm" * 5), now=NOW)
    assert report.status is DriftStatus.STEADY
    assert report.onset is None
    assert report.severity < 0.5
    assert report.touchpoint_count == 50
    assert report.baseline_rate > 0.8


def test_a_drop_is_caught_with_its_onset_and_evidence() -> None:
    """Twenty weeks kept, then one in four: drifting, onset at the first miss."""
    history = record("ada", "k" * 20 + "mmkmmmkm")
    [report] = detect_drift(history, now=NOW)
    assert report.status is DriftStatus.DRIFTING
    assert report.onset == START.add(weeks=20)
    assert report.severity >= 0.5
    assert report.recent_rate == pytest.approx(2 / 8)
    messages = [r.message for r in report.evidence]
    assert (
        messages[0] == "Kept 2 of 8 check-ins since 20 May 2024, usually about 8 of 8."
    )
    assert report.evidence[0].code == "drift.recent"


def test_the_baseline_does_not_absorb_the_drop() -> None:
    """However long the drift runs, the baseline is the rate before it."""
    for length in (8, 20, 40):
        [report] = detect_drift(record("ada", "k" * 20 + "m" * length), now=NOW)
        assert report.baseline_rate > 0.85
        assert report.onset == START.add(weeks=20)


def test_missing_everything_without_activity_is_disengaged() -> None:
    [report] = detect_drift(record("ada", "k" * 16 + "m" * 6), now=NOW)
    assert report.status is DriftStatus.DISENGAGED
    codes = [r.code for r in report.evidence]
    assert "drift.missed_in_a_row" in codes
    assert "drift.no_activity" in codes


def test_activity_keeps_a_drifting_member_from_disengaged() -> None:
    """A message during the misses: still in touch, so drifting, not gone."""
    history = record("ada", "k" * 16 + "m" * 6)
    message = Activity("ada", START.add(weeks=19, days=2))
    [report] = detect_drift([*history, message], now=NOW)
    assert report.status is DriftStatus.DRIFTING
    assert report.last_activity == message.at
    assert "drift.in_touch" in [r.code for r in report.evidence]


def test_coming_back_is_re_engaged_then_steady() -> None:
    policy = DriftPolicy(reengaged_for=4)
    back = record("ada", "k" * 16 + "m" * 6 + "k" * 5)
    [report] = detect_drift(back, now=NOW, policy=policy)
    assert report.status is DriftStatus.RE_ENGAGED
    assert report.onset is None
    later = record("ada", "k" * 16 + "m" * 6 + "k" * 12)
    [report] = detect_drift(later, now=NOW, policy=policy)
    assert report.status is DriftStatus.STEADY


def test_hysteresis_one_kept_does_not_release_a_flag() -> None:
    [report] = detect_drift(record("ada", "k" * 16 + "m" * 6 + "k"), now=NOW)
    assert report.flagged


def test_new_members_are_new_until_min_history() -> None:
    [report] = detect_drift(record("ada", "mmmm"), now=NOW)
    assert report.status is DriftStatus.NEW
    assert report.evidence[0].code == "drift.new"
    [report] = detect_drift(
        record("ada", "mmmm"), now=NOW, policy=DriftPolicy(min_history=2)
    )
    assert report.status is not DriftStatus.NEW


def test_excused_touchpoints_are_counted_apart() -> None:
    [report] = detect_drift(record("ada", "k" * 20 + "x" * 10), now=NOW)
    assert report.status is DriftStatus.STEADY
    assert report.excused_count == 10
    assert report.touchpoint_count == 20
    assert "drift.excused" in [r.code for r in report.evidence]


def test_reports_are_in_member_id_order_one_per_member() -> None:
    events = record("cy", "kkk") + record("ada", "kk") + [Activity("ben", START)]
    reports = detect_drift(events, now=NOW)
    assert [r.member_id for r in reports] == ["ada", "ben", "cy"]
    assert reports[1].touchpoint_count == 0
    assert reports[1].status is DriftStatus.NEW
    assert reports[1].threshold is None


def test_kinds_name_the_evidence() -> None:
    meetings = [
        Touchpoint("ada", START.add(weeks=w), "kept", kind="meeting") for w in range(8)
    ]
    [report] = detect_drift(meetings, now=NOW)
    assert report.kind == "meeting"
    assert "meetings" in report.evidence[0].message
    mixed = [*meetings, Touchpoint("ada", START.add(weeks=9), "kept")]
    [report] = detect_drift(mixed, now=NOW)
    assert report.kind is None
    assert "touchpoints" in report.evidence[0].message


def test_the_sample_has_drifting_members_and_reasons_that_name_no_one() -> None:
    sample = peerkit.datasets.sample_engagement()
    reports = detect_drift(sample.touchpoints, now=sample.now)
    assert len(reports) == 60
    ids = {r.member_id for r in reports}
    flagged = [r for r in reports if r.flagged]
    assert flagged
    for report in reports:
        for reason in report.evidence:
            assert not any(ident in reason.message.split() for ident in ids)


def test_with_cohort_rate() -> None:
    past = record("a", "kkkm") + record("b", "kmxx")
    assert DriftPolicy().with_cohort_rate(past).cohort_rate == pytest.approx(4 / 6)
    assert DriftPolicy().with_cohort_rate(record("a", "xx")) == DriftPolicy()
    with_activity = [*past, Activity("a", START)]
    assert DriftPolicy().with_cohort_rate(with_activity).cohort_rate == pytest.approx(
        4 / 6
    )
    with pytest.raises(InvalidInputError, match=r"touchpoints\[0\]"):
        DriftPolicy().with_cohort_rate(["kept"])


# --- properties ----------------------------------------------------------------


@given(weekly_runs(), touchpoints(max_size=30), drift_policies())
def test_batch_equals_online_replay(
    runs: list[Touchpoint], extra: list[Touchpoint | Activity], policy: DriftPolicy
) -> None:
    """For all histories and policies, replaying event by event gives detect_drift's reports."""
    events = [*runs, *extra]
    assert replay(events, policy).reports(now=NOW) == detect_drift(
        events, now=NOW, policy=policy
    )


@given(weekly_runs(), drift_policies(), st.data())
def test_state_round_trips_through_json_mid_stream(
    runs: list[Touchpoint], policy: DriftPolicy, data: st.DataObject
) -> None:
    """For all histories, saving the state as JSON at any point and resuming changes nothing."""
    events = sorted(runs, key=order)
    cut = data.draw(st.integers(0, len(events)))
    first = replay(events[:cut], policy)
    text = peerkit.to_json(first.state)
    resumed = DriftMonitor.from_state(peerkit.from_json(DriftState, text))
    assert resumed.state == first.state
    straight = replay(events[:cut], policy)
    for event in events[cut:]:
        assert resumed.observe(event) == straight.observe(event)
    assert resumed.reports(now=NOW) == straight.reports(now=NOW)
    assert peerkit.to_json(resumed.state) == peerkit.to_json(straight.state)


@given(weekly_runs(), touchpoints(max_size=20), drift_policies(), st.randoms())
def test_order_invariance(
    runs: list[Touchpoint],
    extra: list[Touchpoint | Activity],
    policy: DriftPolicy,
    rnd: random.Random,
) -> None:
    """For all histories, shuffling the input changes no report."""
    events = [*runs, *extra]
    shuffled = events[:]
    rnd.shuffle(shuffled)
    assert detect_drift(shuffled, now=NOW, policy=policy) == detect_drift(
        events, now=NOW, policy=policy
    )


@given(weekly_runs(), drift_policies(), st.data())
def test_excused_touchpoints_never_count_as_misses(
    runs: list[Touchpoint], policy: DriftPolicy, data: st.DataObject
) -> None:
    """For all histories, adding excused touchpoints changes nothing but the excused count."""
    extra = data.draw(
        st.lists(
            st.builds(
                lambda who, week: Touchpoint(
                    who, START.add(weeks=week, days=3), "excused"
                ),
                st.sampled_from(sorted({t.member_id for t in runs}) or ["a"]),
                st.integers(0, 52),
            ),
            max_size=10,
        )
    )
    before = {r.member_id: r for r in detect_drift(runs, now=NOW, policy=policy)}
    after = detect_drift([*runs, *extra], now=NOW, policy=policy)
    for report in after:
        if report.member_id in before:
            assert attrs.evolve(report, excused_count=0) == attrs.evolve(
                before[report.member_id], excused_count=0
            )
        else:
            assert report.status is DriftStatus.NEW


@given(
    st.lists(st.integers(0, 400), min_size=1, max_size=80).map(sorted),
    st.lists(st.sampled_from(("kept", "excused")), min_size=80, max_size=80),
    drift_policies(),
)
def test_a_perfect_record_is_never_drifting(
    days: list[int], outcomes: list[str], policy: DriftPolicy
) -> None:
    """For all records with no miss, the member is never flagged, at any point."""
    monitor = DriftMonitor(policy)
    for day, outcome in zip(days, outcomes, strict=False):
        report = monitor.observe(Touchpoint("ada", START.add(days=day), outcome))  # type: ignore[arg-type]
        assert not report.flagged
        assert report.status in (DriftStatus.NEW, DriftStatus.STEADY)


@given(weekly_runs(), touchpoints(max_size=20), drift_policies())
def test_report_invariants(
    runs: list[Touchpoint], extra: list[Touchpoint | Activity], policy: DriftPolicy
) -> None:
    """For all histories: severity in [0, 1], at least 0.5 when flagged; onset only when flagged, never after now."""
    for report in detect_drift([*runs, *extra], now=NOW, policy=policy):
        assert 0 <= report.severity <= 1
        assert report.recent_kept_count <= report.recent_due_count
        assert (report.onset is not None) == report.flagged
        if report.flagged:
            assert report.severity >= 0.5
            assert report.onset is not None
            assert report.onset <= NOW
        assert report.evidence  # always something to say


# --- the outreach queue ---------------------------------------------------------


def test_outreach_queue_puts_the_most_worrying_first() -> None:
    events = (
        record("ada", "k" * 30)
        + record("ben", "k" * 20 + "m" * 10)
        + record("cy", "k" * 20 + "mkmmkmmkmk")
    )
    reports = detect_drift(events, now=NOW)
    queue = outreach_queue(reports)
    assert [r.member_id for r in queue] == ["ben", "cy"]
    assert queue[0].status is DriftStatus.DISENGAGED
    assert outreach_queue(reports, limit=1) == queue[:1]
    assert outreach_queue(reports, limit=0) == ()


@given(weekly_runs(), st.randoms())
def test_outreach_queue_is_sorted_and_order_invariant(
    runs: list[Touchpoint], rnd: random.Random
) -> None:
    """For all reports in any order: only flagged members, by severity descending."""
    reports = list(detect_drift(runs, now=NOW))
    queue = outreach_queue(reports)
    rnd.shuffle(reports)
    assert outreach_queue(reports) == queue
    assert all(r.flagged for r in queue)
    assert [r.severity for r in queue] == sorted(
        (r.severity for r in queue), reverse=True
    )
    assert {r.member_id for r in queue} == {r.member_id for r in reports if r.flagged}


# --- the monitor -----------------------------------------------------------------


def test_monitor_refuses_out_of_order_touchpoints() -> None:
    monitor = DriftMonitor()
    monitor.observe(Touchpoint("ada", START.add(weeks=2), "kept"))
    with pytest.raises(InvalidInputError, match="time order"):
        monitor.observe(Touchpoint("ada", START.add(weeks=1), "kept"))
    # Another member, and activity, may come from any time.
    monitor.observe(Touchpoint("ben", START, "kept"))
    monitor.observe(Activity("ada", START))
    with pytest.raises(InvalidInputError, match="event"):
        monitor.observe("kept")  # type: ignore[arg-type]


def test_monitor_report_and_reports() -> None:
    monitor = DriftMonitor()
    for touchpoint in record("ada", "k" * 10):
        last = monitor.observe(touchpoint)
    assert last.now == START.add(weeks=9)
    assert monitor.report("ada", now=NOW).now == NOW
    assert monitor.policy == DriftPolicy()
    with pytest.raises(InvalidInputError, match="member_id"):
        monitor.report("zed", now=NOW)
    with pytest.raises(InvalidInputError, match="now"):
        monitor.report("ada", now=START)
    with pytest.raises(InvalidInputError, match="now"):
        monitor.reports(now=START)
    with pytest.raises(InvalidInputError, match="naive"):
        monitor.reports(now=dt.datetime(2030, 1, 1))  # noqa: DTZ001


def test_from_state_checks_its_input() -> None:
    """from_state refuses a non-state, an unknown version, a bad payload and a member twice."""
    with pytest.raises(InvalidInputError, match="state"):
        DriftMonitor.from_state({"policy": {}})  # type: ignore[arg-type]
    state = DriftMonitor().state
    assert state.payload == "[]"
    with pytest.raises(InvalidInputError, match="policy"):
        DriftState(version=1, policy="strict", payload="[]")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="version"):
        DriftMonitor.from_state(attrs.evolve(state, version=2))
    with pytest.raises(InvalidInputError, match="payload"):
        DriftMonitor.from_state(attrs.evolve(state, payload="{"))
    one = replay(record("ada", "kk"), DriftPolicy()).state
    with pytest.raises(InvalidInputError, match="one state only"):
        DriftMonitor.from_states([one, one])
    with pytest.raises(InvalidInputError, match="unique"):
        DriftMonitor.from_state(
            attrs.evolve(one, payload=one.payload[:-1] + "," + one.payload[1:])
        )


# --- bad input ----------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="due"):
        Touchpoint("ada", dt.datetime(2024, 1, 1), "kept")  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="at"):
        Activity("ada", dt.datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="now"):
        detect_drift([], now=dt.datetime(2024, 1, 1))  # noqa: DTZ001


def test_unknown_outcomes_and_bad_fields_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="outcome"):
        Touchpoint("ada", START, "late")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="member_id"):
        Touchpoint("", START, "kept")
    with pytest.raises(InvalidInputError, match="kind"):
        Touchpoint("ada", START, "kept", kind=" ")
    with pytest.raises(InvalidInputError, match="due"):
        Touchpoint("ada", [START], "kept")


def test_touchpoints_after_now_are_refused() -> None:
    events = record("ada", "kkk")
    with pytest.raises(InvalidInputError, match=r"touchpoints\[2\]\.due"):
        detect_drift(events, now=START.add(weeks=1))
    with pytest.raises(InvalidInputError, match="at"):
        detect_drift([Activity("ada", START.add(weeks=3))], now=START)


def test_other_items_and_policies_are_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"touchpoints\[1\]"):
        detect_drift([*record("ada", "k"), "kept"], now=NOW)  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="touchpoints"):
        detect_drift("kept", now=NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="policy"):
        detect_drift([], now=NOW, policy="strict")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="reports"):
        outreach_queue(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"reports\[0\]"):
        outreach_queue(["ada"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="limit"):
        outreach_queue([], limit=-1)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("false_flags_per_100_members_per_year", 0),
        ("false_flags_per_100_members_per_year", 100),
        ("min_history", 0),
        ("cohort_rate", 1.0),
        ("prior_strength", 0),
        ("drop", 0.0),
        ("release", 1.0),
        ("recent_count", 61),
    ],
)
def test_policy_fields_are_checked(field: str, value: object) -> None:
    with pytest.raises(InvalidInputError, match=field):
        DriftPolicy(**{field: value})  # type: ignore[arg-type]


def test_input_is_not_changed() -> None:
    events = record("ada", "k" * 20 + "m" * 8)
    copy = list(events)
    detect_drift(events, now=NOW)
    assert events == copy


def test_reports_can_be_built_and_checked_by_hand() -> None:
    """The public constructor validates, as every value's does."""
    report = detect_drift(record("ada", "k" * 10), now=NOW)[0]
    assert attrs.evolve(report) == report
    with pytest.raises(InvalidInputError, match="severity"):
        attrs.evolve(report, severity=2.0)
    with pytest.raises(InvalidInputError, match="status"):
        attrs.evolve(report, status="fine")
    assert attrs.evolve(report, status="steady").status is DriftStatus.STEADY
    assert isinstance(report, DriftReport)


@given(weekly_runs(), st.randoms())
def test_observe_many_takes_a_batch_in_any_order(
    events: list[Touchpoint], rnd: random.Random
) -> None:
    """For all histories and orders, observe_many equals observing in time order."""
    shuffled = list(events)
    rnd.shuffle(shuffled)
    batch = DriftMonitor()
    batch.observe_many(shuffled)
    assert batch.state == replay(events, DriftPolicy()).state


def test_observe_many_refuses_what_is_not_an_event() -> None:
    """A non-event anywhere in the batch is refused before anything is taken."""
    monitor = DriftMonitor()
    with pytest.raises(InvalidInputError) as err:
        monitor.observe_many([*record("ada", "kk"), "kept"])  # type: ignore[list-item]
    assert err.value.path == "events[2]"
    assert monitor.state.payload == "[]"
    with pytest.raises(InvalidInputError) as err:
        monitor.observe_many(3)  # type: ignore[arg-type]
    assert err.value.path == "events"


@pytest.mark.parametrize("value", [None, 3, 2.5, "kept", b"kept", {"a": 1}])
def test_with_cohort_rate_refuses_what_is_not_a_collection(value: object) -> None:
    """A cohort rate from something that is not a collection of events names touchpoints."""
    with pytest.raises(InvalidInputError, match="touchpoints"):
        DriftPolicy().with_cohort_rate(value)  # type: ignore[arg-type]
