"""DriftStatus and DriftReport: where a member stands, and why."""

from __future__ import annotations

import enum
import functools
import math
from typing import Any

import attrs
import pendulum

from peerkit._explain import Reason
from peerkit._instants import to_utc
from peerkit._validate import count, instance, instant, number, string, unit
from peerkit.engagement._engine import FOLD, MIXED, NONE, Member
from peerkit.engagement._silence import silent as is_silent
from peerkit.engagement._touchpoint import utc_moment


class DriftStatus(enum.StrEnum):
    """
    Where a member stands with their engagement.

    Attributes:
        NEW: Too little history to judge yet.
        STEADY: In line with their own baseline.
        DRIFTING: Showing up clearly less than they used to.
        DISENGAGED: Drifting, missing every recent touchpoint, and not in
            touch otherwise.
        RE_ENGAGED: Back after a drift (for a few touchpoints, then steady).

    Examples:
        >>> from peerkit.engagement import DriftStatus
        >>> DriftStatus("re-engaged") is DriftStatus.RE_ENGAGED
        True
        >>> [status.value for status in DriftStatus]
        ['new', 'steady', 'drifting', 'disengaged', 're-engaged']

    Added in 0.1.
    """

    NEW = "new"
    STEADY = "steady"
    DRIFTING = "drifting"
    DISENGAGED = "disengaged"
    RE_ENGAGED = "re-engaged"


_NOUNS = {"checkin": "check-ins", "meeting": "meetings", "call": "calls"}


def _to_status(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return DriftStatus(value)
    except ValueError:
        return value


def _day(at: pendulum.DateTime, now: pendulum.DateTime) -> str:
    text = f"{at.day} {at.format('MMMM')}"
    return text if at.year == now.year else f"{text} {at.year}"


def _of(kept: int, due: int) -> str:
    return f"{kept} of {due}"


@attrs.frozen(kw_only=True)
class DriftReport:
    """
    One member's engagement against their own baseline, at a moment.

    Everything in a report is about that member alone: no other member's
    touchpoints change it (the cohort enters only through
    `DriftPolicy.cohort_rate`, fixed beforehand).

    Attributes:
        member_id: Whose report it is.
        status: `DriftStatus`.
        onset: When the drift started (the first touchpoint of the run of
            evidence that raised the flag), while drifting or disengaged.
        severity: How worrying, in [0, 1]: how close the statistic is to
            its threshold (0 until it shows any evidence of a drop),
            weighted by how far the recent rate fell. At least 0.5 while
            drifting or disengaged.
        baseline_rate: The member's usual kept rate, shrunk toward the
            cohort's while their history is short; it leaves out the run
            of evidence being judged.
        recent_rate: Kept rate since the onset while flagged, else over the
            last `DriftPolicy.recent_count` touchpoints; None with no history.
        recent_kept_count: Kept touchpoints behind *recent_rate*.
        recent_due_count: Decided touchpoints behind *recent_rate*.
        missed_in_a_row: Missed touchpoints since the last kept one.
        last_kept: When the member last kept a touchpoint.
        last_activity: Their latest unscheduled activity, if any was given.
        touchpoint_count: Decided (kept or missed) touchpoints so far.
        excused_count: Excused touchpoints so far (never counted as misses).
        kind: The member's touchpoint kind, or None if they have several.
        statistic: The drift statistic (evidence of a drop, in nats: the
            log of a Shiryaev-Roberts sum; 0 when it is below 0).
        threshold: The value at which the statistic raises a flag (it
            follows the member's touchpoints a week); None with no history.
        now: The moment of the report.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint, detect_drift
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> history = [
        ...     Touchpoint("ada", start.add(weeks=w), "kept" if w < 12 else "missed")
        ...     for w in range(18)
        ... ]
        >>> (report,) = detect_drift(history, now=start.add(weeks=18))
        >>> report.status.value, str(report.onset.date()), report.missed_in_a_row
        ('disengaged', '2024-03-25', 6)
        >>> report.baseline_rate > 0.9, report.recent_rate
        (True, 0.0)

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    status: DriftStatus = attrs.field(
        converter=_to_status, validator=instance(DriftStatus, "a DriftStatus")
    )
    onset: pendulum.DateTime | None = attrs.field(
        converter=to_utc, validator=instant(optional=True)
    )
    severity: float = attrs.field(validator=unit())
    baseline_rate: float = attrs.field(validator=unit())
    recent_rate: float | None = attrs.field(validator=unit(optional=True))
    recent_kept_count: int = attrs.field(validator=count())
    recent_due_count: int = attrs.field(validator=count())
    missed_in_a_row: int = attrs.field(validator=count())
    last_kept: pendulum.DateTime | None = attrs.field(
        converter=to_utc, validator=instant(optional=True)
    )
    last_activity: pendulum.DateTime | None = attrs.field(
        converter=to_utc, validator=instant(optional=True)
    )
    touchpoint_count: int = attrs.field(validator=count())
    excused_count: int = attrs.field(validator=count())
    kind: str | None = attrs.field(validator=string(optional=True))
    statistic: float = attrs.field(validator=number(0.0))
    threshold: float | None = attrs.field(validator=number(0.0, optional=True))
    now: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())

    @property
    def flagged(self) -> bool:
        """
        True while drifting or disengaged: someone should reach out.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import Touchpoint, detect_drift
            >>> start = pendulum.datetime(2024, 1, 1, 18)
            >>> steady = [
            ...     Touchpoint("bo", start.add(weeks=w), "kept") for w in range(12)
            ... ]
            >>> detect_drift(steady, now=start.add(weeks=12))[0].flagged
            False
        """
        return self.status in (DriftStatus.DRIFTING, DriftStatus.DISENGAGED)

    @functools.cached_property
    def evidence(self) -> tuple[Reason, ...]:
        """
        The report in plain words a coordinator can act on.

        Messages are about this member only, and name no one.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import Touchpoint, detect_drift
            >>> start = pendulum.datetime(2024, 1, 1, 18)
            >>> history = [
            ...     Touchpoint(
            ...         "ada", start.add(weeks=w), "kept" if w < 12 else "missed"
            ...     )
            ...     for w in range(18)
            ... ]
            >>> (report,) = detect_drift(history, now=start.add(weeks=18))
            >>> for reason in report.evidence:
            ...     print(reason.message)
            Kept 0 of 6 check-ins since 25 March, usually about 6 of 6.
            Missed the last 6 in a row; last kept one on 18 March.
            No other activity since the misses began.
        """
        return _evidence(self)


def noun_for(kind: str | None) -> str:
    """How evidence and milestones call touchpoints of *kind* (None: mixed)."""
    if kind is None:
        return "touchpoints"
    return _NOUNS.get(kind, f"{kind} touchpoints")


def _evidence(r: DriftReport) -> tuple[Reason, ...]:  # noqa: C901 - one reason per fact
    noun = noun_for(r.kind)
    due = r.recent_due_count
    usual = round(r.baseline_rate * due)
    reasons: list[Reason] = []
    if r.status is DriftStatus.NEW and not r.touchpoint_count:
        return (
            Reason(
                "drift.new",
                0.0,
                f"No {noun} due so far: nothing to judge yet.",
            ),
        )
    if r.status is DriftStatus.NEW:
        return (
            Reason(
                "drift.new",
                0.0,
                f"Only {r.touchpoint_count} {noun} so far: too few to judge against "
                "their own usual rate yet.",
            ),
        )
    silent_run = (
        r.flagged
        and r.onset is not None
        and r.recent_kept_count == 0
        and due == r.missed_in_a_row
    )
    if silent_run and r.onset is not None:
        reasons.append(
            Reason(
                "drift.recent",
                r.severity,
                f"Missed the last {due} {noun}, since {_day(r.onset, r.now)}; "
                f"usually about {_of(usual, due)} kept.",
            )
        )
    elif r.flagged and r.onset is not None:
        reasons.append(
            Reason(
                "drift.recent",
                r.severity,
                f"Kept {_of(r.recent_kept_count, due)} {noun} since "
                f"{_day(r.onset, r.now)}, usually about {_of(usual, due)}.",
            )
        )
    elif r.recent_due_count:
        reasons.append(
            Reason(
                "drift.recent",
                r.severity,
                f"Kept {r.recent_kept_count} of the last {r.recent_due_count} {noun}, "
                f"usually about {_of(usual, r.recent_due_count)}.",
            )
        )
    if r.status is DriftStatus.RE_ENGAGED:
        reasons.append(
            Reason("drift.back", 1.0, "Back after a drift: showing up as usual again.")
        )
    if silent_run and r.last_kept is not None:
        reasons.append(
            Reason(
                "drift.missed_in_a_row",
                float(r.missed_in_a_row),
                f"Last kept one on {_day(r.last_kept, r.now)}.",
            )
        )
    elif r.missed_in_a_row >= 2 and r.flagged and not silent_run:
        since = (
            f"; last kept one on {_day(r.last_kept, r.now)}"
            if r.last_kept is not None
            else ""
        )
        reasons.append(
            Reason(
                "drift.missed_in_a_row",
                float(r.missed_in_a_row),
                f"Missed the last {r.missed_in_a_row} in a row{since}.",
            )
        )
    if r.last_activity is not None and r.flagged:
        if r.status is DriftStatus.DRIFTING and (
            r.last_kept is None or r.last_activity > r.last_kept
        ):
            reasons.append(
                Reason(
                    "drift.in_touch",
                    -0.5,
                    f"Still in touch: last active on {_day(r.last_activity, r.now)}.",
                )
            )
    elif r.status is DriftStatus.DISENGAGED:
        reasons.append(
            Reason(
                "drift.no_activity", 0.5, "No other activity since the misses began."
            )
        )
    if r.excused_count:
        reasons.append(
            Reason(
                "drift.excused",
                0.0,
                f"{r.excused_count} excused, not counted as missed.",
            )
        )
    return tuple(reasons)


def status_of(
    m: Member, disengaged_after: int, min_history: int, *, flagged: bool
) -> DriftStatus:
    """The status a member's state stands for (*flagged*: by either rule)."""
    if flagged:
        if m.miss_run >= disengaged_after and m.last_activity < m.miss_start:
            return _DISENGAGED
        return _DRIFTING
    if m.n < min_history:
        return _NEW
    if m.reeng > 0:
        return _RE_ENGAGED
    return _STEADY


# The statuses, read once (an enum member's attribute look-up is slow).
_NEW, _STEADY, _RE_ENGAGED = DriftStatus.NEW, DriftStatus.STEADY, DriftStatus.RE_ENGAGED
_DRIFTING, _DISENGAGED = DriftStatus.DRIFTING, DriftStatus.DISENGAGED


def _when(us: int) -> pendulum.DateTime | None:
    return None if us == NONE else utc_moment(us)


# A report under construction: `build_report` makes a DriftReport as an
# instance of this private subclass (no fields of its own, plain
# assignment), sets its slots directly, then gives it its class,
# `DriftReport` (the same layout: Python allows the swap). A frozen class
# refuses assignment, and setting each slot through its descriptor costs
# a call per field: this is the monitor's per-event cost. The public
# constructor still runs every validator; nothing else sees the subclass.
_Building: Any = type(
    "_DriftReportUnderConstruction",
    (DriftReport,),
    {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
    },
)
_new = object.__new__
NONE_MOMENT = utc_moment(0)  # stands in for "no known instant" (never matched)
INF = math.inf


def report_of(  # noqa: PLR0913 - the state and the policy's few numbers
    member_id: str,
    m: Member,
    now: pendulum.DateTime,
    *,
    prior: float,
    strength: float,
    disengaged_after: int,
    min_history: int,
    budgets: tuple[float, ...],
    known: tuple[int, pendulum.DateTime] = (NONE, NONE_MOMENT),
) -> DriftReport:
    """
    The report *m*'s state stands for at *now*.

    *known* is an instant the caller already holds, as microseconds and as
    a UTC DateTime (the event just observed): reused for any field at that
    instant rather than built again.

    A member is flagged by the statistic, or by silence: a run of misses in
    a row too unlikely for their own kept rate before it (`_silence.silent`,
    with the budget for their touchpoints a week). Silence is read from the
    state, not kept in it, so it holds exactly while the run lasts.
    """
    known_us, moment = known
    return build_report(
        member_id,
        m,
        now,
        known_us,
        moment,
        (prior, strength, disengaged_after, min_history, budgets),
    )


def build_report(  # noqa: PLR0913, PLR0915, PLR0917 - flat and positional for speed
    member_id: str,
    m: Member,
    now: pendulum.DateTime,
    known_us: int,
    moment: pendulum.DateTime,
    policy: tuple[float, float, int, int, tuple[float, ...]],
) -> DriftReport:
    """
    `report_of`, the policy's numbers in one tuple (the monitor's per-event call).

    *known_us* and *moment* are `report_of`'s *known*.
    """
    prior, strength, disengaged_after, min_history, budgets = policy
    baseline = (m.kb + prior) / (m.nb + strength)
    miss_run = m.miss_run
    flagged = m.flagged
    # `silent` is False without a run of misses or with the statistic's
    # flag: asked only when it can say otherwise.
    silent = (
        miss_run > 0
        and not flagged
        and is_silent(
            m,
            prior=prior,
            strength=strength,
            min_history=min_history,
            budgets=budgets,
        )
    )
    onset = NONE
    if flagged or silent:
        status = status_of(m, disengaged_after, min_history, flagged=True)
        # Silence within the statistic's run of evidence dates from the
        # run's start, as the statistic's own flag would; else from the
        # first miss.
        from_run = silent and m.nr > 0 and m.run_start <= m.miss_start
        if flagged or from_run:
            kept, due = m.kr, m.nr
            onset = m.onset if flagged else m.run_start
        else:
            kept, due = 0, miss_run
            onset = m.miss_start
    else:
        status = _NEW if m.n < min_history else _RE_ENGAGED if m.reeng > 0 else _STEADY
        kept, due = m.win.bit_count(), m.wn
    h, stat = m.h, m.s
    recent = kept / due if due else None
    # The share of the way from FOLD (no evidence: a perfect record sits
    # below it) to the threshold.
    if h == INF or stat <= FOLD:
        severity = 0.0
    else:
        evidence = (stat - FOLD) / (h - FOLD)
        if evidence > 1.0:  # noqa: PLR1730 - a comparison costs less than min()
            evidence = 1.0
        if evidence:
            fall = 0.0 if recent is None else 1.0 - recent / baseline
            fall = 0.0 if fall < 0 else 1.0 if fall > 1.0 else fall  # noqa: FURB136
            severity = evidence * (0.5 + 0.5 * fall)
            if severity > 1.0:  # noqa: PLR1730
                severity = 1.0
        else:
            severity = 0.0
    if (flagged or silent) and severity < 0.5:
        severity = 0.5
    last_kept, last_activity = m.last_kept, m.last_activity
    kind = m.kind
    r = _new(_Building)
    r.member_id = member_id
    r.status = status
    r.onset = (
        None if onset == NONE else moment if onset == known_us else utc_moment(onset)
    )
    r.severity = severity
    r.baseline_rate = baseline
    r.recent_rate = recent
    r.recent_kept_count = kept
    r.recent_due_count = due
    r.missed_in_a_row = miss_run
    r.last_kept = (
        None
        if last_kept == NONE
        else moment
        if last_kept == known_us
        else utc_moment(last_kept)
    )
    r.last_activity = (
        None
        if last_activity == NONE
        else moment
        if last_activity == known_us
        else utc_moment(last_activity)
    )
    r.touchpoint_count = m.n
    r.excused_count = m.excused
    r.kind = None if kind == MIXED else kind
    r.statistic = stat if stat > 0 else 0.0
    r.threshold = None if h == INF else h
    r.now = now
    r.__class__ = DriftReport
    report: DriftReport = r
    return report
