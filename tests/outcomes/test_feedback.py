"""Session feedback: level and trend per group, ratings of a session averaged."""

import datetime as dt
import math

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped]

from peerkit import InvalidInputError
from peerkit.outcomes import FeedbackTrend, Rating, feedback_trend
from peerkit.testing import ratings

START = pendulum.datetime(2024, 1, 1, 18)
NOW = START.add(weeks=11, hours=2)  # the last 8 weeks hold 8 sessions
WEEKS8 = dt.timedelta(weeks=8)


def weekly(group: str, levels: list[list[float]]) -> list[Rating]:
    return [
        Rating(group, START.add(weeks=week), score)
        for week, scores in enumerate(levels)
        for score in scores
    ]


def test_a_group_whose_feedback_falls_is_flagged_and_a_steady_one_is_not() -> None:
    """A clear weekly fall flags the group; the same scatter without a fall does not."""
    falling = weekly("g1", [[9 - w * 0.5, 8 - w * 0.5, 9 - w * 0.4] for w in range(12)])
    steady = weekly("g2", [[8, 7, 9] if w % 2 else [7, 8, 8] for w in range(12)])
    g1, g2 = feedback_trend([*falling, *steady], now=NOW, lookback=WEEKS8)
    assert (g1.group_id, g1.falling, g2.group_id, g2.falling) == (
        "g1",
        True,
        "g2",
        False,
    )
    assert g1.slope is not None
    assert g1.slope == pytest.approx(-0.4667, abs=1e-3)
    assert g1.session_count == 8
    assert g1.rating_count == 24
    assert g1.reasons[0].code == "feedback.falling"
    assert "falling by about 0.47 a week" in g1.reasons[0].message
    assert g2.reasons[0].message.startswith(
        "Feedback averaged 7.8 out of 10 over 8 sessions in the last 8 weeks"
    )


def test_ratings_of_one_session_count_once() -> None:
    """Many raters at one session are one point of the trend, their mean."""
    many = weekly("g1", [[5.0] * 20 if w == 11 else [8.0] for w in range(12)])
    (trend,) = feedback_trend(many, now=NOW, lookback=WEEKS8)
    assert trend.session_count == 8
    assert trend.rating_count == 27
    assert trend.mean == pytest.approx((7 * 8 + 5) / 8)


def test_slope_and_interval_match_scipy() -> None:
    """Slope, its standard error and the t interval agree with scipy's linregress."""
    scores = [[7, 8], [6], [8, 9, 7], [5, 6], [7], [6, 5, 5], [4], [6, 5], [5], [3, 4]]
    group = weekly("g1", [[float(s) for s in week] for week in scores])
    now = START.add(weeks=10)
    (trend,) = feedback_trend(group, now=now, lookback=dt.timedelta(weeks=10, hours=1))
    xs = [w - 10 for w in range(10)]
    ys = [sum(week) / len(week) for week in scores]
    fit = stats.linregress(xs, ys)
    half = stats.t.ppf(0.975, len(xs) - 2) * fit.stderr
    assert trend.slope == pytest.approx(fit.slope, rel=1e-12)
    assert trend.slope_low == pytest.approx(fit.slope - half, rel=1e-9)
    assert trend.slope_high == pytest.approx(fit.slope + half, rel=1e-9)
    mean_ci = stats.t.interval(
        0.95, len(ys) - 1, loc=sum(ys) / len(ys), scale=stats.sem(ys)
    )
    assert trend.mean_low == pytest.approx(mean_ci[0], rel=1e-9)
    assert trend.mean_high == pytest.approx(mean_ci[1], rel=1e-9)


def test_a_group_with_nothing_in_the_lookback_says_so() -> None:
    """Old ratings only: the group is listed with no sessions and says so."""
    (trend,) = feedback_trend(weekly("g1", [[8.0]]), now=NOW, lookback=WEEKS8)
    assert (trend.session_count, trend.mean, trend.slope, trend.falling) == (
        0,
        None,
        None,
        False,
    )
    assert trend.reasons[0].message == "No session feedback in the last 8 weeks."


def test_two_sessions_have_a_mean_interval_but_no_trend() -> None:
    """A trend's interval needs three sessions; a mean's needs two."""
    two = weekly("g1", [[8.0], [6.0]])
    (trend,) = feedback_trend(two, now=START.add(weeks=1), lookback=WEEKS8)
    assert trend.mean == 7.0
    assert trend.mean_low is not None
    assert trend.slope is None


def test_other_scales_are_read_in_their_own_units() -> None:
    """A 1-5 scale reports 'out of 5' and keeps its bounds."""
    five = [Rating("g1", START.add(weeks=w), 4, low=1, high=5) for w in range(4)]
    (trend,) = feedback_trend(
        five, now=START.add(weeks=3), lookback=dt.timedelta(days=30)
    )
    assert (trend.low, trend.high) == (1, 5)
    assert (
        trend.reasons[0].message
        == "Feedback averaged 4.0 out of 5 over 4 sessions in the last 30 days."
    )


@given(rs=ratings(), data=st.data())
def test_feedback_is_order_invariant(rs: list[Rating], data: st.DataObject) -> None:
    """For all ratings and orders, the trends are the same."""
    shuffled = data.draw(st.permutations(rs))
    assert feedback_trend(list(shuffled), now=NOW, lookback=WEEKS8) == feedback_trend(
        rs, now=NOW, lookback=WEEKS8
    )


@given(rs=ratings())
def test_trends_are_one_per_group_and_consistent(rs: list[Rating]) -> None:
    """For all ratings, one trend per group in id order, falling only below zero."""
    trends = feedback_trend(rs, now=NOW, lookback=WEEKS8)
    assert [t.group_id for t in trends] == sorted({r.group_id for r in rs})
    for trend in trends:
        assert isinstance(trend, FeedbackTrend)
        assert trend.falling == (trend.slope_high is not None and trend.slope_high < 0)
        if trend.mean is not None:
            assert 0 <= trend.mean <= 10
        if trend.slope is not None:
            assert trend.slope_low is not None
            assert trend.slope_high is not None
            assert trend.slope_low <= trend.slope <= trend.slope_high
            assert not math.isnan(trend.slope)


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: feedback_trend(weekly("g1", [[8.0]] * 13), now=NOW), "ratings[12].at"),
        (lambda: feedback_trend([], now=NOW, lookback="8 weeks"), "lookback"),  # type: ignore[arg-type]
        (lambda: feedback_trend([], now=pendulum.naive(2024, 3, 1)), "now"),
        (lambda: feedback_trend([], now=NOW, lookback=dt.timedelta(0)), "lookback"),
        (lambda: feedback_trend([], now=NOW, lookback=8), "lookback"),  # type: ignore[arg-type]
        (lambda: feedback_trend([], now=NOW, lookback=dt.timedelta.min), "lookback"),
        (lambda: feedback_trend([], now=NOW, lookback=None), "lookback"),  # type: ignore[arg-type]
        (lambda: feedback_trend([], now=NOW, groups=[None]), "groups[0]"),  # type: ignore[list-item]
        (lambda: feedback_trend("ratings", now=NOW), "ratings"),  # type: ignore[arg-type]
        (lambda: feedback_trend([8], now=NOW), "ratings[0]"),  # type: ignore[list-item]
        (
            lambda: feedback_trend(
                [Rating("g1", START, 8), Rating("g1", START, 4, low=1, high=5)], now=NOW
            ),
            "ratings[1]",
        ),
        (lambda: Rating("g1", START, 11), "score"),
        (lambda: Rating("g1", START, 3, low=5, high=5), "high"),
        (lambda: Rating("g1", pendulum.naive(2024, 1, 1), 3), "at"),
        (lambda: Rating("", START, 3), "group_id"),
    ],
)  # fmt: skip
def test_bad_input_raises_invalid_input(call: object, path: str) -> None:
    """Ratings after now, naive times, mixed scales, bad lookbacks: InvalidInputError."""
    with pytest.raises(InvalidInputError) as err:
        call()  # type: ignore[operator]
    assert err.value.path == path


def test_a_list_of_groups_shows_groups_with_no_ratings_at_all() -> None:
    """Given every group's id, a group nobody rated still appears, with no sessions."""
    rated = weekly("g1", [[8.0]] * 4)
    window = dt.timedelta(weeks=12)
    trends = feedback_trend(rated, now=NOW, lookback=window, groups=["g1", "g2"])
    assert [(t.group_id, t.session_count) for t in trends] == [("g1", 4), ("g2", 0)]
    with pytest.raises(InvalidInputError) as err:
        feedback_trend(rated, now=NOW, groups=["g2"])
    assert err.value.path == "ratings[0].group_id"
    with pytest.raises(InvalidInputError) as err:
        feedback_trend(rated, now=NOW, groups="g1")
    assert err.value.path == "groups"


@pytest.mark.parametrize(
    "lookback",
    [dt.timedelta.max, dt.timedelta(days=999_999_999), dt.timedelta(days=365 * 2024)],
    ids=["max", "almost-max", "to-year-0"],
)
def test_a_lookback_reaching_past_year_one_covers_every_rating(
    lookback: dt.timedelta,
) -> None:
    """Any positive lookback is accepted: one longer than history covers it all, no OverflowError."""
    rs = weekly("g1", [[8.0], [7.0], [6.0], [5.0]])
    (trend,) = feedback_trend(rs, now=NOW, lookback=lookback)
    assert trend.session_count == 4
    assert trend.rating_count == 4
    early = pendulum.datetime(2, 1, 8)  # the earliest instants peerkit accepts
    (first,) = feedback_trend([Rating("g1", early, 5)], now=early, lookback=lookback)
    assert first.session_count == 1


def test_the_smallest_lookback_still_answers() -> None:
    """A one-microsecond lookback holds only a rating at that very microsecond."""
    tiny = dt.timedelta(microseconds=1)
    (trend,) = feedback_trend([Rating("g1", NOW, 5)], now=NOW, lookback=tiny)
    assert trend.session_count == 1
    (none,) = feedback_trend([Rating("g1", START, 5)], now=NOW, lookback=tiny)
    assert none.session_count == 0
