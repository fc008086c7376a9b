"""Session by session: trajectory, expected_change, on_track and facilitator_alerts."""

from __future__ import annotations

import random

import numpy as np
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped]

from peerkit.datasets import simulate_sessions
from peerkit.errors import InvalidInputError
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    ExpectedChange,
    ExpectedSession,
    Instrument,
    Measurement,
    expected_change,
    facilitator_alerts,
    on_track,
    reliable_change,
    trajectory,
)
from peerkit.testing import session_measurements

DAY = pendulum.datetime(2024, 1, 8, 18)

# A continuous questionnaire with room on both sides: no clipping or rounding,
# so a simulated programme's trajectories are exactly the ones written here.
SIM = Instrument(
    name="Sim",
    low=-1000,
    high=1000,
    higher_is_better=False,
    reliability=0.9,
    sd=10,
    cutoff=None,
    integer_scores=False,
)


def series(
    who: str, scores: tuple[float, ...], instrument: Instrument = PHQ9
) -> list[Measurement]:
    return [
        Measurement(who, instrument, DAY.add(weeks=w), s) for w, s in enumerate(scores)
    ]


def test_trajectory_is_in_time_order_with_change_since_the_first() -> None:
    """Scores come back in time order, each with its change and reliable change since the first."""
    ms = series("ada", (16, 15, 9, 22))
    path = trajectory(ms[::-1], instrument=PHQ9)
    assert [p.score for p in path.points] == [16, 15, 9, 22]
    assert [p.change for p in path.points] == [0, -1, -7, 6]
    for point in path.points:
        assert (
            point.category is reliable_change(16, point.score, instrument=PHQ9).category
        )
    assert path.session_count == 4


def test_trajectory_leaves_other_questionnaires_out_and_refuses_mixed_members() -> None:
    """GAD-7 scores are left out; two members' scores are refused, naming the field."""
    ms = series("ada", (16, 12)) + series("ada", (9, 9), GAD7)
    assert trajectory(ms, instrument=PHQ9).session_count == 2
    with pytest.raises(InvalidInputError) as err:
        trajectory(series("ada", (16,)) + series("ben", (3,)), instrument=PHQ9)
    assert err.value.path == "measurements[1].member_id"
    with pytest.raises(InvalidInputError) as err:
        trajectory(series("ada", (9,), GAD7), instrument=PHQ9)
    assert err.value.path == "measurements"


def programme(member_count: int, rng: random.Random) -> list[Measurement]:
    """Known trajectories: a line in the session whose slope depends on the start."""
    out = []
    for i in range(member_count):
        start = rng.gauss(50, 10)
        slope = -2.0 - 0.05 * (start - 50)
        for k in range(8):
            mean = start + k * slope
            score = start if k == 0 else mean + rng.gauss(0, 4)
            out.append(Measurement(f"m{i}", SIM, DAY.add(weeks=k), score))
    return out


@pytest.mark.slow
def test_the_band_covers_95_percent_of_held_out_members() -> None:
    """Fitted on one simulated programme, each session's band holds 95% +- 2% of another's scores."""
    rng = random.Random(7)  # noqa: S311 - a simulation, not a secret
    fitted = expected_change(programme(3000, rng), instrument=SIM)
    held_out = programme(3000, rng)
    by_member: dict[str, list[float]] = {}
    for m in held_out:
        by_member.setdefault(m.member_id, []).append(m.score)
    assert [s.session_count for s in fitted.sessions] == list(range(2, 9))
    for session in fitted.sessions:
        inside = 0
        for scores in by_member.values():
            low, high = session.band(scores[0])
            inside += low <= scores[session.session_count - 1] <= high
        coverage = inside / len(by_member)
        assert 0.93 <= coverage <= 0.97, (session.session_count, coverage)


def test_the_fit_equals_scipy() -> None:
    """Under 40 members, each session's line and band equal scipy's linregress and t-based prediction interval."""
    rng = random.Random(3)  # noqa: S311 - a simulation, not a secret
    ms = programme(30, rng)
    fitted = expected_change(ms, instrument=SIM)
    firsts: dict[str, float] = {}
    kth: dict[str, float] = {}
    for m in ms:
        week = round((m.at - DAY).total_seconds() / (7 * 86400))
        if week == 0:
            firsts[m.member_id] = m.score
        if week == 4:
            kth[m.member_id] = m.score
    session = fitted.at_session(5)
    assert session is not None
    assert session.session_count == 5
    xs = [firsts[who] for who in sorted(kth)]
    ys = [kth[who] for who in sorted(kth)]
    line = stats.linregress(xs, ys)
    assert session.slope == pytest.approx(line.slope, rel=1e-9)
    assert session.intercept == pytest.approx(line.intercept, rel=1e-9)
    n = len(xs)
    residuals = [
        y - line.intercept - line.slope * x for x, y in zip(xs, ys, strict=True)
    ]
    s = (sum(r * r for r in residuals) / (n - 2)) ** 0.5
    mean = sum(xs) / n
    sxx = sum((x - mean) ** 2 for x in xs)
    x0 = 65.0
    half = stats.t.ppf(0.975, n - 2) * s * (1 + 1 / n + (x0 - mean) ** 2 / sxx) ** 0.5
    centre = line.intercept + line.slope * x0
    low, high = session.band(x0)
    assert low == pytest.approx(centre - half, rel=1e-9)
    assert high == pytest.approx(centre + half, rel=1e-9)


def test_sessions_with_too_few_members_get_no_band() -> None:
    """A session reached by fewer than 3 members with different starts has no band."""
    ms = series("a", (10, 9, 8)) + series("b", (12, 11)) + series("c", (14, 12))
    fitted = expected_change(ms, instrument=PHQ9)
    assert [s.session_count for s in fitted.sessions] == [2]
    assert fitted.at_session(3) is fitted.sessions[0]  # an earlier band stands in
    assert fitted.at_session(1) is None


PUBLISHED = ExpectedChange(
    instrument="PHQ-9",
    sessions=(
        ExpectedSession(
            session_count=2,
            member_count=0,
            intercept=0.0,
            slope=0.9,
            residual_sd=2.0,
            start_mean=0.0,
            start_spread=0.0,
            critical=1.96,
        ),
    ),
    source="a made-up table for tests",
)


def test_a_member_beyond_the_band_is_not_on_track() -> None:
    """A latest score above the band (on a lower-is-better scale) is not on track, with how far."""
    report = on_track(series("ada", (10, 14)), instrument=PHQ9, expected=PUBLISHED)
    # band at start 10: 9 +- 3.92
    assert report.expected_high == pytest.approx(12.92)
    assert report.points_beyond == pytest.approx(14 - 12.92)
    assert report.not_on_track
    assert not report.reliable_deterioration
    assert [r.code for r in report.reasons] == ["on_track.beyond_band"]


def test_a_member_within_the_band_is_on_track() -> None:
    """Within or better than the band, with no reliable deterioration, is on track."""
    report = on_track(series("ada", (10, 4)), instrument=PHQ9, expected=PUBLISHED)
    assert not report.not_on_track
    assert report.points_beyond == 0
    assert [r.code for r in report.reasons] == ["on_track.within_band"]


def test_a_reliable_deterioration_at_any_session_is_not_on_track() -> None:
    """A rise of 6 at one session counts even if the latest score is back inside the band."""
    report = on_track(series("ada", (10, 16, 9)), instrument=PHQ9, expected=PUBLISHED)
    assert report.reliable_deterioration
    assert report.not_on_track
    assert report.reasons[0].code == "on_track.reliable_deterioration"


def test_without_a_band_only_deterioration_counts() -> None:
    """No expected bands: the reason says so and only a reliable deterioration is looked for."""
    report = on_track(series("ada", (10, 13)), instrument=PHQ9)
    assert not report.not_on_track
    assert report.expected_low is None
    assert [r.code for r in report.reasons] == ["on_track.no_band"]
    first = on_track(series("ada", (10,)), instrument=PHQ9, expected=PUBLISHED)
    assert [r.code for r in first.reasons] == ["on_track.first_session"]


def test_attending_nearly_everything_and_not_moving_is_a_prompt() -> None:
    """Attendance is reported beside the band; 80% or more and not on track adds its own reason."""
    stuck = on_track(
        series("ada", (10, 14)),
        instrument=PHQ9,
        expected=PUBLISHED,
        attendance_share=0.9,
    )
    assert stuck.attendance_share == 0.9
    assert stuck.reasons[-1].code == "on_track.attends_not_moving"
    assert "other support" in stuck.reasons[-1].message
    fine = on_track(
        series("ada", (10, 4)),
        instrument=PHQ9,
        expected=PUBLISHED,
        attendance_share=0.9,
    )
    assert fine.reasons[-1].code == "on_track.attendance"
    rare = on_track(
        series("ada", (10, 14)),
        instrument=PHQ9,
        expected=PUBLISHED,
        attendance_share=0.5,
    )
    assert rare.reasons[-1].code == "on_track.attendance"


def test_on_track_refuses_bad_options() -> None:
    """Bands for another questionnaire, or a share outside [0, 1], are refused naming the field."""
    with pytest.raises(InvalidInputError) as err:
        on_track(series("ada", (9, 9), GAD7), instrument=GAD7, expected=PUBLISHED)
    assert err.value.path == "expected.instrument"
    with pytest.raises(InvalidInputError) as err:
        on_track(series("ada", (9, 9)), instrument=PHQ9, attendance_share=1.5)
    assert err.value.path == "attendance_share"


def test_alerts_put_deteriorations_first_then_distance_then_attendance() -> None:
    """Facilitator alerts: reliable deterioration first, then furthest beyond, then attendance, then id."""
    reports = [
        on_track(
            series("ada", (10, 14)),
            instrument=PHQ9,
            expected=PUBLISHED,
            attendance_share=0.5,
        ),
        on_track(
            series("ben", (10, 14)),
            instrument=PHQ9,
            expected=PUBLISHED,
            attendance_share=1.0,
        ),
        on_track(series("cy", (10, 17)), instrument=PHQ9, expected=PUBLISHED),
        on_track(series("dee", (10, 15)), instrument=PHQ9, expected=PUBLISHED),
        on_track(series("eve", (10, 4)), instrument=PHQ9, expected=PUBLISHED),
    ]
    order = [r.member_id for r in facilitator_alerts(reports)]
    assert order == ["cy", "dee", "ben", "ada"]
    assert facilitator_alerts(reports[::-1]) == facilitator_alerts(reports)
    with pytest.raises(InvalidInputError) as err:
        facilitator_alerts([None])  # type: ignore[list-item]
    assert err.value.path == "reports[0]"


def test_adversarial_record_keeps_every_promise() -> None:
    """On the adversarial generator every member gets a consistent report, never an error."""
    sim = simulate_sessions(200, adversarial=True, seed=4)
    expected = expected_change(sim.of(PHQ9), instrument=PHQ9)
    by_member: dict[str, list[Measurement]] = {}
    for m in sim.of(PHQ9):
        by_member.setdefault(m.member_id, []).append(m)
    reports = [
        on_track(
            own,
            instrument=PHQ9,
            expected=expected,
            attendance_share=len({m.at for m in own}) / 8,
        )
        for own in by_member.values()
    ]
    assert len(reports) == len(by_member) > 150
    for report in reports:
        assert report.not_on_track == (
            report.reliable_deterioration or report.points_beyond > 0
        )
        if report.expected_low is not None and report.expected_high is not None:
            assert PHQ9.low <= report.expected_low <= report.expected_high <= PHQ9.high
    assert any(r.session_count == 1 for r in reports)  # one score only
    alerts = facilitator_alerts(reports)
    assert alerts
    assert all(a.not_on_track for a in alerts)


@given(ms=session_measurements((PHQ9,), max_members=1).filter(bool), data=st.data())
def test_on_track_is_order_invariant(
    ms: list[Measurement], data: st.DataObject
) -> None:
    """For all one-member records, shuffling the scores changes neither the trajectory nor the report."""
    shuffled = data.draw(st.permutations(ms))
    assert trajectory(shuffled, instrument=PHQ9) == trajectory(ms, instrument=PHQ9)
    assert on_track(shuffled, instrument=PHQ9, expected=PUBLISHED) == on_track(
        ms, instrument=PHQ9, expected=PUBLISHED
    )


def test_simulate_sessions_is_deterministic_and_the_adversarial_mode_has_every_case() -> (
    None
):
    """The same seed gives the same record; adversarial records hold each awkward case."""
    assert simulate_sessions(30, seed=2) == simulate_sessions(30, seed=2)
    plain = simulate_sessions(60, seed=2)
    assert all(m.items is not None for m in plain.measurements)
    sim = simulate_sessions(300, adversarial=True, seed=2)
    phq: dict[str, list[Measurement]] = {}
    gad: set[str] = set()
    for m in sim.measurements:
        if m.instrument.name == "PHQ-9":
            phq.setdefault(m.member_id, []).append(m)
        else:
            gad.add(m.member_id)
    firsts = {who: min(m.at for m in own) for who, own in phq.items()}
    assert any(len({m.at for m in own}) == 1 for own in phq.values())  # one score
    first_session = pendulum.datetime(2024, 1, 1, 18)
    assert any(at > first_session for at in firsts.values())  # late joiners
    assert set(phq) - gad  # members with only the PHQ-9
    assert any(m.items is None for m in sim.measurements)  # missing items
    assert len(set(sim.measurements)) < len(sim.measurements)  # a repeat
    assert any(m.score == 10 and m.instrument.name == "PHQ-9" for m in sim.measurements)


def test_at_session_and_band_refuse_what_they_cannot_answer() -> None:
    """A session number that is not an integer, or a band that overflows, is refused, naming the field."""
    session = ExpectedSession(
        session_count=2,
        member_count=0,
        intercept=1e308,
        slope=1e308,
        residual_sd=1e308,
        start_mean=0,
        start_spread=0,
        critical=2,
    )
    expected = ExpectedChange(instrument="PHQ-9", sessions=(session,), source="x")
    for bad in ("3", None, 2.5, True):
        with pytest.raises(InvalidInputError) as err:
            expected.at_session(bad)  # type: ignore[arg-type]
        assert err.value.path == "session_count"
    with pytest.raises(InvalidInputError) as err:
        session.band(27)
    assert err.value.path == "first"


def test_a_calibrated_band_is_computed_as_documented() -> None:
    """From 40 members, the band's spread and multiplier are the documented ones, written out here with numpy."""
    rng = random.Random(5)  # noqa: S311 - a simulation, not a secret
    ms = programme(80, rng)
    session = expected_change(ms, instrument=SIM).at_session(6)
    assert session is not None
    assert session.member_count == 80
    by: dict[str, list[Measurement]] = {}
    for m in sorted(ms, key=lambda m: m.at):
        by.setdefault(m.member_id, []).append(m)
    x = np.array([own[0].score for own in by.values()])
    y = np.array([own[5].score for own in by.values()])
    slope, intercept = np.polyfit(x, y, 1)
    r = y - intercept - slope * x
    n = len(x)
    s = np.sqrt((r**2).sum() / (n - 2))
    growth = np.polyfit(x, np.abs(r), 1)[0]
    spread_slope = s * growth / np.abs(r).mean()
    assert session.spread_slope == pytest.approx(spread_slope, rel=1e-9)

    def spread(v: float) -> float:
        return float(max(s + spread_slope * (v - x.mean()), 0.1 * s))

    sxx = ((x - x.mean()) ** 2).sum()
    lever = 1 / n + (x - x.mean()) ** 2 / sxx
    z = np.sort(np.abs(r) / (np.array([spread(v) for v in x]) * np.sqrt(1 - lever)))
    critical = z[int(np.ceil(0.95 * (n + 1))) - 1]
    assert session.critical == pytest.approx(critical, rel=1e-9)
    x0 = 65.0
    half = critical * spread(x0) * np.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / sxx)
    low, high = session.band(x0)
    assert low == pytest.approx(intercept + slope * x0 - half, rel=1e-9)
    assert high == pytest.approx(intercept + slope * x0 + half, rel=1e-9)


@pytest.mark.slow
def test_the_band_holds_95_percent_at_every_starting_severity() -> None:
    """On simulate_sessions, the last session's band holds about 95% of held-out completers within each starting-severity band, not only overall."""
    fitted = expected_change(simulate_sessions(3000, seed=11).of(PHQ9), instrument=PHQ9)
    by: dict[str, list[float]] = {}
    held = sorted(simulate_sessions(3000, seed=12).of(PHQ9), key=lambda m: m.at)
    for m in held:
        by.setdefault(m.member_id, []).append(m.score)
    session = fitted.at_session(8)
    assert session is not None
    assert session.session_count == 8
    completers = [scores for scores in by.values() if len(scores) == 8]
    groups = ((0, 10), (10, 15), (15, 20), (20, 28))
    for low, high in groups:
        group = [scores for scores in completers if low <= scores[0] < high]
        assert len(group) >= 100
        inside = 0
        for scores in group:
            band = session.band(scores[0])
            inside += band[0] <= scores[7] <= band[1]
        assert 0.89 <= inside / len(group) <= 0.99, (low, high, inside / len(group))
    inside = 0
    for scores in completers:
        band = session.band(scores[0])
        inside += band[0] <= scores[7] <= band[1]
    assert 0.93 <= inside / len(completers) <= 0.97
