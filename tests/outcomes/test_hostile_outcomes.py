"""Hostile input: every public outcomes function answers or names the field."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.datasets import sample_outcomes, simulate_sessions
from peerkit.outcomes import (
    PHQ9,
    Caseness,
    ExpectedSession,
    Instrument,
    Measurement,
    Rating,
    RiskRule,
    combined_recovery,
    expected_change,
    facilitator_alerts,
    feedback_trend,
    on_track,
    programme_outcomes,
    recovery_of,
    reliable_change,
    risk_flags,
    trajectory,
)

START = pendulum.datetime(2024, 1, 1)
BASELINE = (START, START.add(weeks=1))
FOLLOWUP = (START.add(weeks=10), START.add(weeks=14))
SCORES = [
    Measurement("ada", PHQ9, START.add(days=1), 17),
    Measurement("ada", PHQ9, START.add(weeks=12), 8),
]
RATINGS = [Rating("g1", START.add(weeks=w), 5 + w % 3) for w in range(4)]

ODD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, 5e-324]),
    st.integers(-(10**30), 10**30),
    st.just(10**5000),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.sampled_from([[], {}, (), frozenset(), b"x", [None], {"a": 1}]),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.timedeltas(),
    st.sampled_from([dt.timedelta.max, dt.timedelta.min, dt.timedelta(0)]),
)


def answers_or_names_a_field(call: Callable[[], object]) -> None:
    try:
        call()
    except InvalidInputError as err:
        assert err.path


@given(st.tuples(ODD, ODD, ODD, ODD, ODD, ODD))
def test_instrument_takes_anything(fields: tuple[Any, ...]) -> None:
    """For all odd field values, Instrument builds or names the field."""
    low, high, rel, sd, cutoff, hib = fields
    answers_or_names_a_field(
        lambda: Instrument(
            name="X",
            low=low,
            high=high,
            higher_is_better=hib,
            reliability=rel,
            sd=sd,
            cutoff=cutoff,
        )
    )


@given(ODD, ODD, ODD)
def test_reliable_change_and_measurement_take_anything(
    pre: Any, post: Any, at: Any
) -> None:
    """For all odd scores and instants, reliable_change and Measurement answer or name the field."""
    answers_or_names_a_field(lambda: reliable_change(pre, post, instrument=PHQ9))
    answers_or_names_a_field(lambda: reliable_change(17, 8, instrument=pre))
    answers_or_names_a_field(lambda: Measurement("ada", PHQ9, at, pre))


@given(ODD, ODD, ODD)
def test_rating_and_feedback_trend_take_anything(
    now: Any, lookback: Any, other: Any
) -> None:
    """For all odd instants, lookbacks, scores and groups, feedback answers or names the field."""
    end = START.add(weeks=5)
    answers_or_names_a_field(lambda: Rating("g1", now, other))
    answers_or_names_a_field(lambda: Rating("g1", START, 5, other))
    answers_or_names_a_field(
        lambda: feedback_trend(RATINGS, now=now, lookback=lookback)
    )
    answers_or_names_a_field(
        lambda: feedback_trend(RATINGS, now=end, lookback=lookback)
    )
    answers_or_names_a_field(lambda: feedback_trend(RATINGS, now=end, groups=other))
    answers_or_names_a_field(lambda: feedback_trend(other, now=end))


@given(ODD, ODD, ODD)
def test_programme_outcomes_takes_anything(start: Any, end: Any, other: Any) -> None:
    """For all odd periods, rosters and measurement lists, programme_outcomes answers or names the field."""

    def run(**kwargs: Any) -> object:
        arguments: dict[str, Any] = {
            "instrument": PHQ9,
            "baseline_period": BASELINE,
            "followup_period": FOLLOWUP,
            **kwargs,
        }
        items = arguments.pop("measurements", SCORES)
        return programme_outcomes(items, **arguments)

    answers_or_names_a_field(lambda: run(baseline_period=(start, end)))
    answers_or_names_a_field(lambda: run(followup_period=(start, end)))
    answers_or_names_a_field(lambda: run(baseline_period=start))
    answers_or_names_a_field(lambda: run(members=other))
    answers_or_names_a_field(lambda: run(measurements=other))
    answers_or_names_a_field(lambda: run(instrument=other))


@given(
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=6),
    st.floats(0.01, 0.99),
    st.floats(1e-300, 1e300),
)
def test_programme_outcomes_on_any_continuous_scores_is_finite(
    pairs: list[tuple[float, float]], reliability: float, sd: float
) -> None:
    """For all scores on a continuous scale, the summary's figures are finite or None."""
    scale = Instrument(
        name="Mood",
        low=0,
        high=100,
        higher_is_better=True,
        reliability=reliability,
        sd=sd,
        integer_scores=False,
    )
    ms = []
    for i, (pre, post) in enumerate(pairs):
        ms.append(Measurement(f"m{i}", scale, START.add(days=1), pre))
        ms.append(Measurement(f"m{i}", scale, START.add(weeks=12), post))
    summary = programme_outcomes(
        ms, instrument=scale, baseline_period=BASELINE, followup_period=FOLLOWUP
    )
    assert summary.completed_count == len(pairs)


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), 10**400, True, None, "3", [3]]
)
def test_odd_scores_name_the_score(value: Any) -> None:
    """NaN, infinities, huge ints, bools and non-numbers as scores are named errors."""
    with pytest.raises(InvalidInputError) as err:
        reliable_change(value, 8, instrument=PHQ9)
    assert err.value.path == "pre"


@given(ODD)
def test_instrument_methods_and_sample_lookup_take_anything(value: Any) -> None:
    """For all odd values, is_clinical, check_score and SimulatedOutcomes.of answer or name the field."""
    answers_or_names_a_field(lambda: PHQ9.is_clinical(value))
    answers_or_names_a_field(lambda: PHQ9.check_score(value))
    answers_or_names_a_field(lambda: sample_outcomes().of(value))
    assert PHQ9.same_questionnaire(value) is False


SESSION_SCORES = [
    Measurement("ada", PHQ9, START.add(weeks=w), s, items=items)
    for w, (s, items) in enumerate(
        [(2, (1, 1, 0, 0, 0, 0, 0, 0, 0)), (1, (0, 0, 0, 0, 0, 0, 0, 0, 1))]
    )
]


@given(ODD, ODD, ODD)
def test_item_answers_and_instrument_items_take_anything(
    items: Any, low: Any, count: Any
) -> None:
    """For all odd item answers and item scales, Measurement and Instrument answer or name the field."""
    answers_or_names_a_field(lambda: Measurement("ada", PHQ9, START, 3, items=items))
    answers_or_names_a_field(lambda: Measurement("ada", PHQ9, START, 3, items=[items]))
    answers_or_names_a_field(lambda: PHQ9.check_items(items))
    answers_or_names_a_field(
        lambda: Instrument(
            name="X",
            low=0,
            high=6,
            higher_is_better=False,
            reliability=0.8,
            sd=1,
            item_count=count,
            item_low=low,
            item_high=3,
        )
    )


@given(ODD, ODD, ODD)
def test_the_new_outcome_functions_take_anything(a: Any, b: Any, c: Any) -> None:
    """For all odd arguments, combined recovery, risk, trajectories and on-track answer or name the field."""
    answers_or_names_a_field(lambda: combined_recovery(a))
    answers_or_names_a_field(lambda: combined_recovery(SESSION_SCORES, members=a))
    answers_or_names_a_field(lambda: combined_recovery(SESSION_SCORES, caseness=a))
    answers_or_names_a_field(lambda: recovery_of(a, (10, 5), (8, 2)))
    answers_or_names_a_field(lambda: recovery_of("ada", a, (8, 2)))
    answers_or_names_a_field(lambda: recovery_of("ada", (a, b), (8, 2)))
    answers_or_names_a_field(lambda: risk_flags(a))
    answers_or_names_a_field(lambda: risk_flags(SESSION_SCORES, rules=a))
    answers_or_names_a_field(lambda: RiskRule(a, 9, 0))
    answers_or_names_a_field(lambda: RiskRule(PHQ9, a, b))
    answers_or_names_a_field(lambda: trajectory(a, instrument=PHQ9))
    answers_or_names_a_field(lambda: trajectory(SESSION_SCORES, instrument=a))
    answers_or_names_a_field(lambda: expected_change(a, instrument=PHQ9))
    answers_or_names_a_field(lambda: expected_change(SESSION_SCORES, instrument=a))
    answers_or_names_a_field(
        lambda: on_track(SESSION_SCORES, instrument=PHQ9, expected=a)
    )
    answers_or_names_a_field(
        lambda: on_track(SESSION_SCORES, instrument=PHQ9, attendance_share=a)
    )
    answers_or_names_a_field(lambda: on_track(a, instrument=PHQ9))
    answers_or_names_a_field(lambda: facilitator_alerts(a))
    answers_or_names_a_field(  # a huge roster would only be slow, not wrong
        lambda: simulate_sessions(a if not isinstance(a, int) else 2, session_count=2)
    )
    answers_or_names_a_field(lambda: simulate_sessions(2, session_count=a, seed=1))
    answers_or_names_a_field(lambda: simulate_sessions(2, adversarial=a, seed=b))
    answers_or_names_a_field(
        lambda: ExpectedSession(
            session_count=a,
            member_count=0,
            intercept=b,
            slope=c,
            residual_sd=1,
            start_mean=0,
            start_spread=0,
            critical=1.96,
        ).band(c)
    )
    answers_or_names_a_field(
        lambda: Caseness(
            depression=a, anxiety=PHQ9, depression_points=b, anxiety_points=c
        )
    )
