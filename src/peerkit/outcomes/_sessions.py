"""Session by session: trajectories, expected bands, not-on-track alerts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from peerkit._explain import Reason
from peerkit._instants import to_utc
from peerkit._validate import (
    check_float,
    check_instance,
    check_int,
    check_iterable,
    count,
    instance,
    instant,
    number,
    string,
    to_float,
    to_optional_float,
    tuple_of,
    unit,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._change import ChangeCategory, categorise, limit_words
from peerkit.outcomes._instrument import (
    Instrument,
    Measurement,
    optional_number_field,
    score_text,
)
from peerkit.outcomes._stats import t_quantile

if TYPE_CHECKING:
    from collections.abc import Iterable

ATTENDS_NEARLY_EVERYTHING = 0.8
"""An attendance share from which "attends and is not on track" is worth a talk."""

_MIN_FIT = 3  # members a session's fit needs: a line and one degree of freedom
_MIN_CALIBRATED = 40  # members from which the band is read off their own spread
_SPREAD_FLOOR = 0.1  # the spread never falls below this share of residual_sd


def _to_category(value: object) -> object:
    if isinstance(value, str) and value in ChangeCategory._value2member_map_:
        return ChangeCategory(value)
    return value


@attrs.frozen(kw_only=True)
class TrajectoryPoint:
    """
    One session's score, and how far it is from the member's first.

    Attributes:
        at: When the questionnaire was completed.
        score: The score.
        change: ``score`` minus the first score.
        category: The reliable change since the first score (Jacobson and
            Truax): recovered, improved, unchanged or deteriorated.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement, trajectory
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> ms = [
        ...     Measurement("ada", PHQ9, day.add(weeks=w), s)
        ...     for w, s in ((0, 16), (1, 9))
        ... ]
        >>> trajectory(ms, instrument=PHQ9).points[-1].category.value
        'recovered'

    Added in 0.2.
    """

    at: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    score: float = attrs.field(converter=to_float, validator=number())
    change: float = attrs.field(converter=to_float, validator=number())
    category: ChangeCategory = attrs.field(
        converter=_to_category, validator=instance(ChangeCategory, "a ChangeCategory")
    )


@attrs.frozen(kw_only=True)
class Trajectory:
    """
    One member's scores on one questionnaire, session by session.

    Attributes:
        member_id: Whose scores they are.
        instrument: The questionnaire's name.
        points: Each session's `TrajectoryPoint`, in time order; the first
            is the starting score (change 0, unchanged).

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement, trajectory
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> ms = [
        ...     Measurement("ada", PHQ9, day.add(weeks=w), s)
        ...     for w, s in enumerate((16, 14, 9))
        ... ]
        >>> path = trajectory(ms, instrument=PHQ9)
        >>> path.session_count, [p.change for p in path.points]
        (3, [0.0, -2.0, -7.0])

    Added in 0.2.
    """

    member_id: str = attrs.field(validator=string())
    instrument: str = attrs.field(validator=string())
    points: tuple[TrajectoryPoint, ...] = attrs.field(
        validator=tuple_of(TrajectoryPoint, "a TrajectoryPoint")
    )

    @property
    def session_count(self) -> int:
        """
        How many sessions have a score.

        Examples:
            >>> Trajectory(member_id="ada", instrument="PHQ-9", points=()).session_count
            0
        """
        return len(self.points)


def _series(
    measurements: object, instrument: Instrument, path: str = "measurements"
) -> tuple[str | None, list[Measurement]]:
    """One member's measurements on *instrument*, one per instant, in time order."""
    listed = check_iterable(path, measurements, "an iterable of Measurement")
    member: str | None = None
    own: list[tuple[Measurement, int]] = []
    last_instrument: Instrument | None = None
    same = False
    for i, item in enumerate(listed):
        if type(item) is not Measurement:
            check_instance(f"{path}[{i}]", item, Measurement, "a Measurement")
        if item.instrument is not last_instrument:  # most share one value
            last_instrument = item.instrument
            same = instrument.same_questionnaire(last_instrument)
        if not same:
            continue
        if member is None:
            member = item.member_id
        elif item.member_id != member:
            raise InvalidInputError(
                f"{path}[{i}].member_id",
                item.member_id,
                f"one member's measurements (the first is {member!r})",
            )
        own.append((item, i))
    # Sorted, never hashed: a first hash of an aware datetime is costly.
    own.sort(key=lambda pair: (pair[0].at, pair[1]))
    series: list[Measurement] = []
    for item, i in own:
        if series and series[-1].at == item.at:
            if series[-1].score != item.score:
                raise InvalidInputError(
                    f"{path}[{i}]", item, "one score per instant (another differs)"
                )
            continue
        series.append(item)
    return member, series


def trajectory(
    measurements: Iterable[Measurement], *, instrument: Instrument
) -> Trajectory:
    """
    One member's scores in time order, with the change since the first.

    At each session the change since the first score is judged as
    `reliable_change` judges it (Jacobson and Truax): a PHQ-9 that has
    fallen 6 points or more since the first session is a reliable
    improvement, one that has risen 6 or more a reliable deterioration.

    Args:
        measurements: One member's scores, any order; scores on other
            questionnaires are left out.
        instrument: The questionnaire.

    Raises:
        peerkit.errors.InvalidInputError: If the measurements are of more
            than one member or two differ at one instant, or none is on
            *instrument*.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> ms = [
        ...     Measurement("ada", PHQ9, day.add(weeks=w), s)
        ...     for w, s in enumerate((9, 12, 16))
        ... ]
        >>> [p.category.value for p in trajectory(ms, instrument=PHQ9).points]
        ['unchanged', 'unchanged', 'deteriorated']

    Added in 0.2.
    """
    check_instance("instrument", instrument, Instrument, "an Instrument")
    member, series = _series(measurements, instrument)
    if member is None:
        raise InvalidInputError(
            "measurements", measurements, f"at least one score on the {instrument.name}"
        )
    first = series[0].score
    error = instrument.difference_error
    points = tuple(
        TrajectoryPoint(
            at=m.at,
            score=m.score,
            change=m.score - first,
            category=categorise((m.score - first) / error, instrument, first, m.score),
        )
        for m in series
    )
    return Trajectory(member_id=member, instrument=instrument.name, points=points)


@attrs.frozen(kw_only=True)
class ExpectedSession:
    """
    The expected score at one session, given the starting score.

    A line through the members who reached the session: the expected
    score is ``intercept + slope * first score``, and the band around it
    is a 95% prediction interval for one new member,
    ``± critical * spread(first) * sqrt(1 + 1/n + (first - start_mean)^2 /
    start_spread)`` with ``n = member_count``, where ``spread(first) =
    residual_sd + spread_slope * (first - start_mean)`` (never below a
    tenth of ``residual_sd``): members who start worse usually spread
    more. For a published table (``member_count`` 0) the band is
    ``± critical * spread(first)``.

    Attributes:
        session_count: The session: how many scores a member has so far.
        member_count: Members the line was fitted on (0 for a published
            table).
        intercept: The line's value at a first score of 0.
        slope: How much the expected score moves per point of first score.
        residual_sd: The spread of scores around the line, at the mean
            first score.
        start_mean: The fitted members' mean first score.
        start_spread: The sum of squared deviations of their first scores
            (0 for a published table).
        critical: The multiplier of the band: for 40 members or more, the
            95% quantile of the fitted members' own standardised distances
            from the line (so the band holds 95% whatever the shape of the
            spread); for fewer, Student's t with ``member_count - 2``
            degrees of freedom; 1.96 for a published table.
        spread_slope: How much the spread grows per point of first score
            above ``start_mean`` (0 for fewer than 40 members, and by
            default).

    Examples:
        >>> published = ExpectedSession(
        ...     session_count=4,
        ...     member_count=0,
        ...     intercept=2.0,
        ...     slope=0.7,
        ...     residual_sd=3.0,
        ...     start_mean=0.0,
        ...     start_spread=0.0,
        ...     critical=1.96,
        ... )
        >>> [round(x, 2) for x in published.band(16)]
        [7.32, 19.08]

    Added in 0.2.
    """

    session_count: int = attrs.field(validator=count(low=2))
    member_count: int = attrs.field(validator=count())
    intercept: float = attrs.field(converter=to_float, validator=number())
    slope: float = attrs.field(converter=to_float, validator=number())
    residual_sd: float = attrs.field(converter=to_float, validator=number(0.0))
    start_mean: float = attrs.field(converter=to_float, validator=number())
    start_spread: float = attrs.field(converter=to_float, validator=number(0.0))
    critical: float = attrs.field(converter=to_float, validator=number(0.0))
    spread_slope: float = attrs.field(
        default=0.0, converter=to_float, validator=number()
    )

    def spread(self, first: float) -> float:
        """
        The spread of scores around the line for a member who started at *first*.

        Examples:
            >>> s = ExpectedSession(
            ...     session_count=2,
            ...     member_count=0,
            ...     intercept=0.0,
            ...     slope=1.0,
            ...     residual_sd=2.0,
            ...     start_mean=10.0,
            ...     start_spread=0.0,
            ...     critical=2.0,
            ...     spread_slope=0.1,
            ... )
            >>> s.spread(10), s.spread(20), s.spread(-1000)
            (2.0, 3.0, 0.2)
        """
        start = check_float("first", first)
        wide = self.residual_sd + self.spread_slope * (start - self.start_mean)
        return max(wide, _SPREAD_FLOOR * self.residual_sd)

    def band(self, first: float) -> tuple[float, float]:
        """
        The (low, high) band of scores expected at this session.

        Args:
            first: The member's first score.

        Examples:
            >>> s = ExpectedSession(
            ...     session_count=2,
            ...     member_count=0,
            ...     intercept=0.0,
            ...     slope=1.0,
            ...     residual_sd=1.0,
            ...     start_mean=0.0,
            ...     start_spread=0.0,
            ...     critical=2.0,
            ... )
            >>> s.band(10)
            (8.0, 12.0)
        """
        start = check_float("first", first)
        centre = self.intercept + self.slope * start
        n = self.member_count
        stretch = 1.0
        if n:
            stretch += 1.0 / n
            if self.start_spread > 0:
                stretch += (start - self.start_mean) ** 2 / self.start_spread
        half = self.critical * self.spread(start) * math.sqrt(stretch)
        if not (math.isfinite(centre) and math.isfinite(half)):
            raise InvalidInputError(
                "first", first, "a first score whose band is a finite range"
            )
        return centre - half, centre + half


@attrs.frozen(kw_only=True)
class ExpectedChange:
    """
    Expected scores session by session: a band for each session number.

    Attributes:
        instrument: The questionnaire's name.
        sessions: One `ExpectedSession` for each session with a band, in
            session order.
        source: How the bands were made: fitted on the programme's own
            members, or the published table's citation.

    Examples:
        >>> from peerkit.datasets import simulate_sessions
        >>> from peerkit.outcomes import PHQ9, expected_change
        >>> sim = simulate_sessions(200, seed=1)
        >>> expected = expected_change(sim.of(PHQ9), instrument=PHQ9)
        >>> [s.session_count for s in expected.sessions]
        [2, 3, 4, 5, 6, 7, 8]

    Added in 0.2.
    """

    instrument: str = attrs.field(validator=string())
    sessions: tuple[ExpectedSession, ...] = attrs.field(
        validator=tuple_of(ExpectedSession, "an ExpectedSession")
    )
    source: str = attrs.field(validator=string())

    def at_session(self, session_count: int) -> ExpectedSession | None:
        """
        The band for a session: the session's own, else the nearest before it.

        Examples:
            >>> e = ExpectedChange(instrument="PHQ-9", sessions=(), source="none")
            >>> e.at_session(3) is None
            True

        Raises:
            peerkit.errors.InvalidInputError: If *session_count* is not an
                integer.
        """
        check_int("session_count", session_count)
        best = None
        for session in self.sessions:
            if session.session_count <= session_count:
                best = session
        return best


def expected_change(
    measurements: Iterable[Measurement], *, instrument: Instrument
) -> ExpectedChange:
    """
    Fit the scores a programme's own members reach, session by session.

    For each session number k (a member's k-th score), every member who
    reached it gives a pair: their first score and their k-th. An ordinary
    least-squares line of the k-th score on the first gives the expected
    score for any starting score (members who start worse usually fall
    further), and the band is a 95% prediction interval for one new
    member. With 40 members or more at a session, the band is calibrated
    on them: its width grows with the first score as their spread does,
    and its multiplier is read off their own distances from the line, so
    it holds 95% of members at every starting severity, not only on
    average (see `ExpectedSession`). With fewer, it is the textbook
    interval (normal errors of equal spread). A session needs 3 members
    with different first scores, or gets no band.

    Args:
        measurements: Everyone's scores, any order; scores on other
            questionnaires are left out.
        instrument: The questionnaire.

    Raises:
        peerkit.errors.InvalidInputError: If a member has two different
            scores at one instant.

    Examples:
        >>> from peerkit.datasets import simulate_sessions
        >>> from peerkit.outcomes import PHQ9
        >>> sim = simulate_sessions(200, seed=1)
        >>> session = expected_change(sim.of(PHQ9), instrument=PHQ9).sessions[-1]
        >>> session.session_count, [round(x, 1) for x in session.band(16)]
        (8, [1.4, 16.8])

    Added in 0.2.
    """
    check_instance("instrument", instrument, Instrument, "an Instrument")
    listed = check_iterable("measurements", measurements, "an iterable of Measurement")
    by_member: dict[str, dict[Any, float]] = {}
    for i, item in enumerate(listed):
        if type(item) is not Measurement:
            check_instance(f"measurements[{i}]", item, Measurement, "a Measurement")
        if not instrument.same_questionnaire(item.instrument):
            continue
        own = by_member.setdefault(item.member_id, {})
        if own.setdefault(item.at, item.score) != item.score:
            raise InvalidInputError(
                f"measurements[{i}]",
                item,
                "one score per member per instant (another differs)",
            )
    pairs: dict[int, list[tuple[float, float]]] = {}
    for member in sorted(by_member):
        own = by_member[member]
        scores = [own[at] for at in sorted(own)]
        for k in range(2, len(scores) + 1):
            pairs.setdefault(k, []).append((scores[0], scores[k - 1]))
    sessions = []
    for k in sorted(pairs):
        fitted = _fit(k, pairs[k])
        if fitted is not None:
            sessions.append(fitted)
    return ExpectedChange(
        instrument=instrument.name,
        sessions=tuple(sessions),
        source="fitted by expected_change on the programme's own members: a "
        "least-squares line of each session's score on the first, with a 95% "
        "prediction interval whose width grows with the first score, "
        "calibrated on the members (40 or more) or normal theory (fewer)",
    )


def _fit(k: int, pairs: list[tuple[float, float]]) -> ExpectedSession | None:
    """
    One session's line and band, or None without enough members.

    The line is ordinary least squares. With 40 members or more, the band
    is calibrated on the members themselves: the spread is let grow with
    the first score (a line through the absolute residuals), and
    ``critical`` is the conformal 95% quantile of each member's distance
    from the line over its standard error (rank ``ceil(0.95 * (n + 1))``),
    so the band holds 95% even when errors are not normal or not equally
    spread. With fewer, the textbook normal-theory interval.
    """
    n = len(pairs)
    if n < _MIN_FIT:
        return None
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    x_mean = math.fsum(xs) / n
    y_mean = math.fsum(ys) / n
    sxx = math.fsum((x - x_mean) ** 2 for x in xs)
    if sxx <= 0:
        return None
    sxy = math.fsum((x - x_mean) * (y - y_mean) for x, y in pairs)
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    residuals = [y - intercept - slope * x for x, y in pairs]
    residual_sd = math.sqrt(math.fsum(r * r for r in residuals) / (n - 2))
    session = ExpectedSession(
        session_count=k,
        member_count=n,
        intercept=intercept,
        slope=slope,
        residual_sd=residual_sd,
        start_mean=x_mean,
        start_spread=sxx,
        critical=t_quantile(0.975, n - 2),
    )
    if n < _MIN_CALIBRATED or residual_sd <= 0:
        return session
    sizes = [abs(r) for r in residuals]
    size_mean = math.fsum(sizes) / n
    growth = (
        math.fsum(
            (x - x_mean) * (a - size_mean) for x, a in zip(xs, sizes, strict=True)
        )
        / sxx
    )
    spread_slope = residual_sd * growth / size_mean if size_mean > 0 else 0.0
    session = attrs.evolve(session, spread_slope=spread_slope)
    standardised = sorted(
        abs(r)
        / (
            session.spread(x)
            * math.sqrt(max(1.0 - 1.0 / n - (x - x_mean) ** 2 / sxx, 1e-12))
        )
        for x, r in zip(xs, residuals, strict=True)
    )
    rank = math.ceil(0.95 * (n + 1))
    if rank <= n:
        session = attrs.evolve(session, critical=standardised[rank - 1])
    return session


@attrs.frozen(kw_only=True)
class OnTrackReport:
    """
    Whether a member's latest score is where members like them usually are.

    For a facilitator, never shown to the member as a label: it is a
    prompt to look and to talk, not a verdict.

    Attributes:
        member_id: Whose scores they are.
        instrument: The questionnaire's name.
        session_count: How many scores the member has: the session the
            latest score is from.
        first_score: The member's first score.
        latest_score: Their latest score.
        expected_low: The low end of the expected band at this session, or
            None without a band.
        expected_high: The high end.
        points_beyond: How far the latest score is beyond the band on the
            worse side, in points (0 within it or better).
        reliable_deterioration: Whether any session's score was a reliable
            deterioration since the first.
        not_on_track: Reliably deteriorated at some session, or the latest
            score is beyond the band on the worse side.
        attendance_share: The share of sessions the member came to, when
            the app passed it.
        reasons: The report in plain words, for a facilitator.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement, on_track
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> ms = [
        ...     Measurement("ada", PHQ9, day.add(weeks=w), s)
        ...     for w, s in enumerate((10, 13, 17))
        ... ]
        >>> report = on_track(ms, instrument=PHQ9)
        >>> report.not_on_track, report.reasons[0].code
        (True, 'on_track.reliable_deterioration')

    Added in 0.2.
    """

    member_id: str = attrs.field(validator=string())
    instrument: str = attrs.field(validator=string())
    session_count: int = attrs.field(validator=count())
    first_score: float = attrs.field(converter=to_float, validator=number())
    latest_score: float = attrs.field(converter=to_float, validator=number())
    expected_low: float | None = optional_number_field()
    expected_high: float | None = optional_number_field()
    points_beyond: float = attrs.field(converter=to_float, validator=number(0.0))
    reliable_deterioration: bool = attrs.field(
        validator=instance(bool, "True or False")
    )
    not_on_track: bool = attrs.field(validator=instance(bool, "True or False"))
    attendance_share: float | None = attrs.field(
        converter=to_optional_float, validator=unit(optional=True)
    )
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))


def on_track(
    measurements: Iterable[Measurement],
    *,
    instrument: Instrument,
    expected: ExpectedChange | None = None,
    attendance_share: float | None = None,
) -> OnTrackReport:
    """
    Whether one member's latest score is within the band expected for them.

    A member is not on track when any session's score was a reliable
    deterioration since their first (as `trajectory` judges it), or when
    the latest score lies beyond the *expected* band for their session
    number and starting score on the worse side. Without *expected*, or
    without a band for the session, only reliable deterioration counts and
    a reason says so. A band from an earlier session stands in for a
    session beyond the last fitted one.

    When the app passes *attendance_share* (the share of sessions the
    member came to), it is reported beside the band, and a member who
    attends nearly everything (80% or more) and is not on track gets a
    reason of its own: a prompt for a conversation about other support,
    never a label on the member.

    Args:
        measurements: One member's scores, any order; scores on other
            questionnaires are left out.
        instrument: The questionnaire.
        expected: Expected bands, from `expected_change` or a published
            table; None to judge by reliable deterioration alone.
        attendance_share: The member's share of sessions attended, in
            [0, 1], or None.

    Raises:
        peerkit.errors.InvalidInputError: As `trajectory` does, or if
            *expected* is for another questionnaire or *attendance_share*
            is not in [0, 1].

    Examples:
        >>> from peerkit.datasets import simulate_sessions
        >>> from peerkit.outcomes import PHQ9, expected_change
        >>> sim = simulate_sessions(200, seed=1)
        >>> expected = expected_change(sim.of(PHQ9), instrument=PHQ9)
        >>> import pendulum
        >>> from peerkit.outcomes import Measurement
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> ms = [
        ...     Measurement("ada", PHQ9, day.add(weeks=w), s)
        ...     for w, s in enumerate((16, 16, 17, 18, 19, 20, 21, 21))
        ... ]
        >>> report = on_track(
        ...     ms, instrument=PHQ9, expected=expected, attendance_share=1.0
        ... )
        >>> report.not_on_track, [r.code for r in report.reasons]
        (True, ['on_track.beyond_band', 'on_track.attends_not_moving'])

    Added in 0.2.
    """
    check_instance("instrument", instrument, Instrument, "an Instrument")
    if expected is not None:
        check_instance("expected", expected, ExpectedChange, "an ExpectedChange")
        if expected.instrument != instrument.name:
            raise InvalidInputError(
                "expected.instrument",
                expected.instrument,
                f"bands for the {instrument.name}",
            )
    share = (
        None
        if attendance_share is None
        else check_float("attendance_share", attendance_share, low=0.0, high=1.0)
    )
    member, series = _series(measurements, instrument)
    if member is None:
        raise InvalidInputError(
            "measurements", measurements, f"at least one score on the {instrument.name}"
        )
    first, latest = series[0].score, series[-1].score
    error = instrument.difference_error
    worst = None
    for m in series[1:]:
        rci = (m.score - first) / error
        if categorise(rci, instrument, first, m.score) is ChangeCategory.DETERIORATED:
            worst = m.score
            break
    k = len(series)
    band = None
    session = expected.at_session(k) if expected is not None and k > 1 else None
    if session is not None:
        low, high = session.band(first)
        band = (max(low, instrument.low), min(high, instrument.high))
    beyond = 0.0
    if band is not None:
        beyond = (
            max(0.0, band[0] - latest)
            if instrument.higher_is_better
            else max(0.0, latest - band[1])
        )
    deteriorated = worst is not None
    not_on_track = deteriorated or beyond > 0
    reasons = _on_track_reasons(
        instrument, k, first, latest, band, beyond, worst, share, expected
    )
    return OnTrackReport(
        member_id=member,
        instrument=instrument.name,
        session_count=k,
        first_score=first,
        latest_score=latest,
        expected_low=None if band is None else band[0],
        expected_high=None if band is None else band[1],
        points_beyond=beyond,
        reliable_deterioration=deteriorated,
        not_on_track=not_on_track,
        attendance_share=share,
        reasons=reasons,
    )


def _on_track_reasons(  # noqa: PLR0913, PLR0917 - the report's parts, in order
    instrument: Instrument,
    k: int,
    first: float,
    latest: float,
    band: tuple[float, float] | None,
    beyond: float,
    worst: float | None,
    share: float | None,
    expected: ExpectedChange | None,
) -> tuple[Reason, ...]:
    name = instrument.name
    reasons = []
    if worst is not None:
        reasons.append(
            Reason(
                "on_track.reliable_deterioration",
                -1.0,
                f"{name} rose from {score_text(first)} to {score_text(worst)} "
                f"at one session: a reliable deterioration "
                f"({limit_words(instrument)}). Worth a conversation soon.",
            )
            if not instrument.higher_is_better
            else Reason(
                "on_track.reliable_deterioration",
                -1.0,
                f"{name} fell from {score_text(first)} to {score_text(worst)} "
                f"at one session: a reliable deterioration "
                f"({limit_words(instrument)}). Worth a conversation soon.",
            )
        )
    where = f"{name} {score_text(latest)} at session {k}, from {score_text(first)}"
    if k == 1:
        reasons.append(
            Reason(
                "on_track.first_session",
                0.0,
                f"{name} {score_text(first)}: one score so far, nothing to "
                "compare yet.",
            )
        )
    elif band is None:
        why = (
            "no expected band was given"
            if expected is None
            else f"no expected band reaches session {k}"
        )
        reasons.append(
            Reason(
                "on_track.no_band",
                0.0,
                f"{where}; {why}, so only a reliable deterioration is looked for.",
            )
        )
    else:
        span = f"{band[0]:.1f} to {band[1]:.1f}"
        if beyond > 0:
            reasons.append(
                Reason(
                    "on_track.beyond_band",
                    -beyond,
                    f"{where}: {beyond:.1f} points beyond the band expected for "
                    f"this session and starting score ({span}).",
                )
            )
        else:
            reasons.append(
                Reason(
                    "on_track.within_band",
                    0.0,
                    f"{where}: within or better than the band expected ({span}).",
                )
            )
    if share is not None:
        if worst is not None or beyond > 0:
            if share >= ATTENDS_NEARLY_EVERYTHING:
                reasons.append(
                    Reason(
                        "on_track.attends_not_moving",
                        share,
                        f"Comes to {share:.0%} of sessions and is not on track: a "
                        "prompt to talk about what other support might help "
                        "alongside the group.",
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "on_track.attendance",
                        share,
                        f"Comes to {share:.0%} of sessions.",
                    )
                )
        else:
            reasons.append(
                Reason(
                    "on_track.attendance", share, f"Comes to {share:.0%} of sessions."
                )
            )
    return tuple(reasons)


def facilitator_alerts(reports: Iterable[OnTrackReport]) -> tuple[OnTrackReport, ...]:
    """
    The members not on track, in the order a facilitator should look.

    Reliable deteriorations first, then the furthest beyond their band,
    then those who attend most (for whom "attends and is not moving"
    matters), then by member id.

    Args:
        reports: `on_track` reports, any order.

    Raises:
        peerkit.errors.InvalidInputError: If an item is not an
            `OnTrackReport`.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement, on_track
        >>> day = pendulum.datetime(2024, 1, 8)
        >>> def report(who, scores):
        ...     ms = [
        ...         Measurement(who, PHQ9, day.add(weeks=w), s)
        ...         for w, s in enumerate(scores)
        ...     ]
        ...     return on_track(ms, instrument=PHQ9)
        >>> reports = [report("ben", (12, 10)), report("ada", (8, 15))]
        >>> [r.member_id for r in facilitator_alerts(reports)]
        ['ada']

    Added in 0.2.
    """
    listed = check_iterable("reports", reports, "an iterable of OnTrackReport")
    chosen = []
    for i, report in enumerate(listed):
        check_instance(f"reports[{i}]", report, OnTrackReport, "an OnTrackReport")
        if report.not_on_track:
            chosen.append(report)
    chosen.sort(
        key=lambda r: (
            not r.reliable_deterioration,
            -r.points_beyond,
            -(r.attendance_share or 0.0),
            r.member_id,
            r.instrument,
        )
    )
    return tuple(chosen)
