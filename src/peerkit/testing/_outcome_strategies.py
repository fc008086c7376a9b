"""Strategies for the session-by-session outcome types (combined recovery, risk)."""

from __future__ import annotations

import pendulum
from hypothesis import strategies as st

from peerkit.outcomes import (
    GAD2,
    GAD7,
    PHQ2,
    PHQ9,
    TALKING_THERAPIES,
    WEMWBS,
    Caseness,
    ExpectedChange,
    ExpectedSession,
    Instrument,
    Measurement,
    MemberRecovery,
    OnTrackReport,
    RecoverySummary,
    RiskFlag,
    RiskRule,
    Trajectory,
    TrajectoryPoint,
    combined_recovery,
    expected_change,
    on_track,
    recovery_of,
    risk_flags,
    trajectory,
)

_START = pendulum.datetime(2024, 1, 1, 18)
_WITH_ITEMS = (PHQ9, GAD7, WEMWBS, PHQ2, GAD2)


@st.composite
def item_answers(draw: st.DrawFn, instrument: Instrument) -> tuple[float, ...]:
    """
    Answers to each item of *instrument* (one that defines its items).

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.outcomes import PHQ9
        >>> from peerkit.testing import item_answers
        >>> @given(item_answers(PHQ9))
        ... def test_nine_answers(items):
        ...     assert len(items) == 9
        >>> test_nine_answers()
    """
    low, high = int(instrument.item_low or 0), int(instrument.item_high or 0)
    return tuple(
        float(draw(st.integers(low, high))) for _ in range(instrument.item_count)
    )


@st.composite
def session_measurements(
    draw: st.DrawFn,
    instruments: tuple[Instrument, ...] = (PHQ9, GAD7),
    *,
    max_members: int = 5,
    max_sessions: int = 8,
) -> list[Measurement]:
    """
    Weekly scores of a few members, with item answers, some sessions missed.

    Each member attends some of *max_sessions* weekly sessions and fills in
    each questionnaire in *instruments* there (or misses one), with item
    answers or without.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import session_measurements
        >>> @given(session_measurements())
        ... def test_totals_are_item_sums(taken):
        ...     for m in taken:
        ...         assert m.items is None or sum(m.items) == m.score
        >>> test_totals_are_item_sums()
    """
    member_count = draw(st.integers(0, max_members))
    out = []
    for index in range(member_count):
        sessions = draw(
            st.lists(
                st.integers(0, max_sessions - 1), unique=True, max_size=max_sessions
            )
        )
        for k in sorted(sessions):
            for instrument in instruments:
                if draw(st.integers(0, 9)) == 0:
                    continue  # this questionnaire missed
                items = draw(item_answers(instrument))
                keep = draw(st.booleans())
                out.append(
                    Measurement(
                        f"m{index}",
                        instrument,
                        _START.add(weeks=k),
                        sum(items),
                        items=items if keep else None,
                    )
                )
    return out


def casenesses() -> st.SearchStrategy[Caseness]:
    """
    Definitions of caseness: NHS Talking Therapies' and made-up ones.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import casenesses
        >>> @given(casenesses())
        ... def test_both_questionnaires_have_a_cutoff(caseness):
        ...     assert caseness.depression.cutoff is not None
        >>> test_both_questionnaires_have_a_cutoff()
    """
    return st.just(TALKING_THERAPIES) | st.builds(
        lambda d, a: Caseness(
            depression=PHQ2, anxiety=GAD2, depression_points=d, anxiety_points=a
        ),
        st.integers(1, 4),
        st.integers(1, 4),
    )


def member_recoveries() -> st.SearchStrategy[MemberRecovery]:
    """
    One member's combined result on drawn first and last scores.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import member_recoveries
        >>> @given(member_recoveries())
        ... def test_reliable_recovery_is_both(result):
        ...     assert result.reliable_recovery == (
        ...         result.recovered and result.reliable_improvement
        ...     )
        >>> test_reliable_recovery_is_both()
    """
    phq, gad = st.integers(0, 27), st.integers(0, 21)
    return st.builds(
        lambda d0, d1, a0, a1: recovery_of("m", (d0, d1), (a0, a1)), phq, phq, gad, gad
    )


def recovery_summaries() -> st.SearchStrategy[RecoverySummary]:
    """
    Combined recovery summaries over `session_measurements`.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import recovery_summaries
        >>> @given(recovery_summaries())
        ... def test_recovered_are_cases(summary):
        ...     assert summary.recovered_count <= summary.caseness_count
        >>> test_recovered_are_cases()
    """
    return session_measurements().map(combined_recovery)


def risk_rules() -> st.SearchStrategy[RiskRule]:
    """
    Risk rules on an item of a questionnaire that defines its items.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import risk_rules
        >>> @given(risk_rules())
        ... def test_the_item_exists(rule):
        ...     assert 1 <= rule.item <= rule.instrument.item_count
        >>> test_the_item_exists()
    """
    return st.sampled_from(_WITH_ITEMS).flatmap(
        lambda ins: st.builds(
            lambda item, above, topic: RiskRule(ins, item, above, topic=topic),
            st.integers(1, ins.item_count),
            st.integers(int(ins.item_low or 0), int(ins.item_high or 0)),
            st.sampled_from(("a risk item", "sleep", "self-harm")),
        )
    )


def risk_flag_values() -> st.SearchStrategy[RiskFlag]:
    """
    Risk flags as `peerkit.outcomes.risk_flags` raises them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import risk_flag_values
        >>> @given(risk_flag_values())
        ... def test_flags_ask_for_a_person(flag):
        ...     assert "trained person" in flag.staff_message
        >>> test_flags_ask_for_a_person()
    """
    return (
        session_measurements((PHQ9,))
        .map(risk_flags)
        .filter(bool)
        .flatmap(st.sampled_from)
    )


def trajectories() -> st.SearchStrategy[Trajectory]:
    """
    One member's PHQ-9 trajectory over drawn sessions.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import trajectories
        >>> @given(trajectories())
        ... def test_the_first_point_has_no_change(path):
        ...     assert path.points[0].change == 0
        >>> test_the_first_point_has_no_change()
    """
    return (
        session_measurements((PHQ9,), max_members=1)
        .filter(bool)
        .map(lambda ms: trajectory(ms, instrument=PHQ9))
    )


def trajectory_points() -> st.SearchStrategy[TrajectoryPoint]:
    """
    Points of `trajectories`.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import trajectory_points
        >>> @given(trajectory_points())
        ... def test_scores_are_phq9(point):
        ...     assert 0 <= point.score <= 27
        >>> test_scores_are_phq9()
    """
    return trajectories().flatmap(lambda path: st.sampled_from(path.points))


def expected_changes() -> st.SearchStrategy[ExpectedChange]:
    """
    Expected bands fitted on `session_measurements`, or a published-style table.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import expected_changes
        >>> @given(expected_changes())
        ... def test_sessions_in_order(expected):
        ...     numbers = [s.session_count for s in expected.sessions]
        ...     assert numbers == sorted(numbers)
        >>> test_sessions_in_order()
    """
    fitted = session_measurements((PHQ9,), max_members=8).map(
        lambda ms: expected_change(ms, instrument=PHQ9)
    )
    published = st.lists(
        expected_sessions(), max_size=3, unique_by=lambda s: s.session_count
    ).map(
        lambda ss: ExpectedChange(
            instrument="PHQ-9",
            sessions=tuple(sorted(ss, key=lambda s: s.session_count)),
            source="a published table",
        )
    )
    return fitted | published


def expected_sessions() -> st.SearchStrategy[ExpectedSession]:
    """
    One session's expected band, as a published table would give it.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import expected_sessions
        >>> @given(expected_sessions())
        ... def test_the_band_is_ordered(session):
        ...     low, high = session.band(15)
        ...     assert low <= high
        >>> test_the_band_is_ordered()
    """
    finite = st.floats(-50, 50, allow_nan=False)
    return st.builds(
        lambda k, a, b, sd: ExpectedSession(
            session_count=k,
            member_count=0,
            intercept=a,
            slope=b,
            residual_sd=sd,
            start_mean=0.0,
            start_spread=0.0,
            critical=1.96,
        ),
        st.integers(2, 12),
        finite,
        st.floats(-2, 2, allow_nan=False),
        st.floats(0, 10, allow_nan=False),
    )


def on_track_reports() -> st.SearchStrategy[OnTrackReport]:
    """
    On-track reports of one member's PHQ-9, with bands or without.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import on_track_reports
        >>> @given(on_track_reports())
        ... def test_beyond_the_band_is_not_on_track(report):
        ...     if report.points_beyond > 0:
        ...         assert report.not_on_track
        >>> test_beyond_the_band_is_not_on_track()
    """
    return st.builds(
        lambda ms, expected, share: on_track(
            ms, instrument=PHQ9, expected=expected, attendance_share=share
        ),
        session_measurements((PHQ9,), max_members=1).filter(bool),
        st.none() | expected_changes(),
        st.none() | st.floats(0, 1, allow_nan=False),
    )
