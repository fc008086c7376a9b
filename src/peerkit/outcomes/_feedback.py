"""feedback_trend: how a group's session feedback is moving."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from peerkit._explain import Reason, describe_trend
from peerkit._instants import as_instant, to_utc
from peerkit._validate import (
    above,
    check_float,
    check_instance,
    check_iterable,
    check_str,
    count,
    instance,
    instant,
    number,
    string,
    to_float,
    tuple_of,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._instrument import optional_number_field, score_text
from peerkit.outcomes._stats import line_fit, mean_interval

if TYPE_CHECKING:
    from collections.abc import Iterable

_WEEK_SECONDS = 7 * 24 * 3600


def _score(inst: Rating, attr: attrs.Attribute[Any], value: object) -> None:
    # The scale comes after the score in the fields; check it first here.
    low, high = check_float("low", inst.low), check_float("high", inst.high)
    if not high > low:
        raise InvalidInputError("high", high, f"a number above low ({low:g})")
    number = check_float(attr.name, value)
    if not inst.low <= number <= inst.high:
        raise InvalidInputError(
            attr.name,
            value,
            f"a rating from {score_text(inst.low)} to {score_text(inst.high)}",
        )


@attrs.frozen
class Rating:
    """
    One member's rating of one session, such as 0-10 after a meeting.

    A rating names the group and the session, not the member: feedback is
    read per group, and ratings of one session are averaged before the
    trend is fitted (they move together, so counting each rater as a
    separate observation would overstate how sure the trend is).

    Attributes:
        group_id: The group whose session it was.
        at: When the session was held; timezone-aware, kept as the UTC
            instant. Ratings with the same instant are one session.
        score: The rating, from *low* to *high*.
        low: The scale's lowest rating.
        high: The scale's highest rating.

    Examples:
        >>> import pendulum
        >>> Rating("g1", pendulum.datetime(2024, 3, 4, 18), 8).score
        8.0

    Added in 0.1.
    """

    group_id: str = attrs.field(validator=string())
    at: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    score: float = attrs.field(converter=to_float, validator=_score)
    low: float = attrs.field(default=0.0, converter=to_float, validator=number())
    high: float = attrs.field(default=10.0, converter=to_float, validator=above("low"))


@attrs.frozen(kw_only=True)
class FeedbackTrend:
    """
    A group's session feedback over a lookback: its level and its trend.

    Attributes:
        group_id: The group.
        session_count: Sessions with ratings in the lookback.
        rating_count: Ratings in the lookback.
        low: The rating scale's lowest value.
        high: The rating scale's highest value.
        mean: Mean of the session means, or None without sessions.
        mean_low: Lower end of its 95% t interval (needs two sessions).
        mean_high: Upper end.
        slope: Change in the session mean per week (least squares), or
            None with fewer than three sessions.
        slope_low: Lower end of its 95% t interval.
        slope_high: Upper end.
        falling: True when even the interval's upper end is below zero.
        reasons: The same in plain words, counts only.

    Examples:
        >>> from peerkit.datasets import sample_outcomes
        >>> from peerkit.outcomes import feedback_trend
        >>> sample = sample_outcomes()
        >>> trends = feedback_trend(sample.ratings, now=sample.now)
        >>> [(t.group_id, t.session_count, t.falling) for t in trends]
        [('g1', 8, False), ('g2', 8, False), ('g3', 8, True), ('g4', 8, False)]

    Added in 0.1.
    """

    group_id: str = attrs.field(validator=string())
    session_count: int = attrs.field(validator=count())
    rating_count: int = attrs.field(validator=count())
    low: float = attrs.field(converter=to_float, validator=number())
    high: float = attrs.field(converter=to_float, validator=number())
    mean: float | None = optional_number_field()
    mean_low: float | None = optional_number_field()
    mean_high: float | None = optional_number_field()
    slope: float | None = optional_number_field()
    slope_low: float | None = optional_number_field()
    slope_high: float | None = optional_number_field()
    falling: bool = attrs.field(validator=instance(bool, "True or False"))
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


_EARLIEST = pendulum.datetime(1, 1, 1)
"""Before every instant: a lookback reaching past it covers every rating."""


def _lookback(value: object) -> dt.timedelta:
    span = check_instance("lookback", value, dt.timedelta, "a positive timedelta")
    if span <= dt.timedelta(0):
        raise InvalidInputError("lookback", value, "a positive timedelta")
    return span


def _begin(end: pendulum.DateTime, lookback: dt.timedelta) -> dt.datetime:
    """The start of the lookback before *end* (at most the start of time)."""
    # Decided before subtracting: a lookback past year 1 would overflow.
    return _EARLIEST if lookback >= end - _EARLIEST else end - lookback


def _group_ids(groups: object) -> set[str] | None:
    if groups is None:
        return None
    listed = check_iterable("groups", groups, "an iterable of group ids")
    return {check_str(f"groups[{i}]", group) for i, group in enumerate(listed)}


def _span_words(lookback: dt.timedelta) -> str:
    weeks = lookback.total_seconds() / _WEEK_SECONDS
    if weeks == int(weeks):
        return f"{int(weeks)} week" + ("" if weeks == 1 else "s")
    days = lookback.total_seconds() / 86400
    return f"{days:g} days"


def feedback_trend(
    ratings: Iterable[Rating],
    *,
    now: dt.datetime,
    lookback: dt.timedelta = dt.timedelta(weeks=8),
    groups: Iterable[str] | None = None,
) -> tuple[FeedbackTrend, ...]:
    """
    Each group's session feedback over the last *lookback*: level and trend.

    Ratings of one session are averaged; the trend is the least-squares
    slope of the session means against time, per week, with a 95% t
    interval. A group is flagged ``falling`` only when the whole interval
    is below zero, so a single bad evening does not flag a group.

    Args:
        ratings: Ratings, any order, any groups.
        now: The end of the lookback; timezone-aware. Ratings after it are
            refused.
        lookback: How far back from *now* to look: a positive timedelta
            (one reaching back past every rating covers them all).
        groups: Every group's id, if you have the list: a group with no
            ratings at all then still gets a trend (with no sessions).

    Returns:
        One `FeedbackTrend` per group in the input (and in *groups*), in
        group-id order; groups with no ratings in the lookback have
        ``session_count == 0``.

    Raises:
        peerkit.errors.InvalidInputError: For a rating after *now*, a naive
            *now*, a group whose ratings use different scales, or a rating
            of a group missing from *groups*.

    Examples:
        >>> import pendulum
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> ratings = [
        ...     Rating("g1", start.add(weeks=w), score)
        ...     for w in range(8)
        ...     for score in (9 - w / 2, 8 - w / 2, 9 - w / 3)
        ... ]
        >>> (trend,) = feedback_trend(ratings, now=start.add(weeks=7, hours=2))
        >>> trend.session_count, round(trend.slope, 2), trend.falling
        (8, -0.44, True)

    Added in 0.1.
    """
    end = as_instant("now", now)
    span = _lookback(lookback)
    begin = _begin(end, span)
    listed = check_iterable("ratings", ratings, "an iterable of Rating")
    roster = _group_ids(groups)
    scales: dict[str, tuple[float, float]] = {}
    sessions: dict[str, dict[pendulum.DateTime, list[float]]] = {
        group: {} for group in roster or ()
    }
    for i, rating in enumerate(listed):
        _check_rating(f"ratings[{i}]", rating, roster, end)
        scale = scales.setdefault(rating.group_id, (rating.low, rating.high))
        if scale != (rating.low, rating.high):
            raise InvalidInputError(
                f"ratings[{i}]",
                rating,
                f"the scale {score_text(scale[0])}-{score_text(scale[1])} "
                f"of group {rating.group_id!r}'s other ratings",
            )
        own = sessions.setdefault(rating.group_id, {})
        if rating.at > begin:
            own.setdefault(rating.at, []).append(rating.score)
    words = _span_words(span)
    return tuple(
        _trend(group, scales.get(group, (0.0, 10.0)), sessions[group], end, words)
        for group in sorted(sessions)
    )


def _check_rating(
    path: str, rating: object, roster: set[str] | None, end: pendulum.DateTime
) -> Rating:
    """*rating* if it is a Rating of a listed group, no later than *end*."""
    checked = check_instance(path, rating, Rating, "a Rating")
    if roster is not None and checked.group_id not in roster:
        raise InvalidInputError(
            f"{path}.group_id", checked.group_id, "a group in groups"
        )
    if checked.at > end:
        raise InvalidInputError(f"{path}.at", checked.at, f"no later than now ({end})")
    return checked


def _session_points(
    sessions: dict[pendulum.DateTime, list[float]], end: pendulum.DateTime
) -> list[tuple[float, float]]:
    """Each session's mean rating against its time in weeks before *end*."""
    return sorted(
        (
            (at - end).total_seconds() / _WEEK_SECONDS,
            math.fsum(scores) / len(scores),
        )
        for at, scores in sessions.items()
    )


def _trend(
    group: str,
    scale: tuple[float, float],
    sessions: dict[pendulum.DateTime, list[float]],
    end: pendulum.DateTime,
    span: str,
) -> FeedbackTrend:
    points = _session_points(sessions, end)
    means = [y for _, y in points]
    mean = mean_low = mean_high = None
    slope = slope_low = slope_high = None
    if means:
        mean = math.fsum(means) / len(means)
    if len(means) >= 2:
        _, _, mean_low, mean_high = mean_interval(means)
    if len(points) >= 3:
        slope, slope_low, slope_high = line_fit(points)
    falling = slope_high is not None and slope_high < 0
    reasons = []
    top = score_text(scale[1])
    if mean is None:
        reasons.append(
            Reason("feedback.none", 0.0, f"No session feedback in the last {span}.")
        )
    else:
        plural = "" if len(means) == 1 else "s"
        text = (
            f"Feedback averaged {mean:.1f} out of {top} over {len(means)} "
            f"session{plural} in the last {span}"
        )
        trend = describe_trend(slope, slope_low, slope_high, format_spec=".2f")
        if trend is not None:
            text += f", {trend}"
        reasons.append(
            Reason(
                "feedback.falling" if falling else "feedback.level", mean, text + "."
            )
        )
    return FeedbackTrend(
        group_id=group,
        session_count=len(means),
        rating_count=sum(len(scores) for scores in sessions.values()),
        low=scale[0],
        high=scale[1],
        mean=mean,
        mean_low=mean_low,
        mean_high=mean_high,
        slope=slope,
        slope_low=slope_low,
        slope_high=slope_high,
        falling=falling,
        reasons=tuple(reasons),
    )
