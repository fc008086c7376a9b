"""
Results as flat rows: one registry of row forms, one entry per result type.

How a new result type joins: write a function from the value to its rows
(an iterable of dicts whose cells are str, int, float, bool or None) and
register it with ``@_row_form(TheType)`` below, beside its package's other
entries; then list its columns on the reference page (docs/reference/
tables.md). Use `first_reason`, `instant_text`, `join_list` and
`prefixed` so its cells follow the one cell format. `rows` finds a form
through the type's MRO, and a test checks that every public value type
in tests/test_serde.py has a form or is named as one that is not a result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from peerkit._availability import WeeklyAvailability, Window
from peerkit._explain import Reason
from peerkit._intervals import Interval
from peerkit._model import Cohort, Group, JourneyScale, Member
from peerkit._serde import collector_paused
from peerkit.engagement import (
    Activity,
    DriftReport,
    GroupEngagement,
    Milestone,
    Touchpoint,
    WeeklyAttendance,
)
from peerkit.errors import InvalidInputError
from peerkit.matching import (
    FormedGroup,
    GroupFit,
    Grouping,
    MentorAssignment,
    MentorMatching,
    PairFit,
    PartnerMatching,
    Trio,
    Unplaced,
)
from peerkit.outcomes import (
    Change,
    ExpectedChange,
    ExpectedSession,
    FeedbackTrend,
    Measurement,
    MemberRecovery,
    OnTrackReport,
    OutcomeSummary,
    Rating,
    RecoverySummary,
    RiskFlag,
    Trajectory,
    TrajectoryPoint,
)
from peerkit.scheduling import Cadence, CheckinPlan, CheckinStatus, Slot, SlotConflict
from peerkit.tables._cells import (
    first_reason,
    instant_text,
    join_list,
    prefixed,
    week_text,
)
from peerkit.tables._source import Cell, Row

_T = TypeVar("_T")
_Form = Callable[[Any], Iterable[Row]]
_FORMS: dict[type, _Form] = {}


def _row_form(cls: type[_T]) -> Callable[[Callable[[_T], Iterable[Row]]], _Form]:
    """Register the row form of *cls* (one entry per result type)."""

    def register(form: Callable[[_T], Iterable[Row]]) -> _Form:
        _FORMS[cls] = form
        return form

    return register


def form_of(value: object) -> _Form | None:
    """The row form registered for *value*'s type or its nearest base."""
    for cls in type(value).__mro__:
        form = _FORMS.get(cls)
        if form is not None:
            return form
    return None


def row_form_types() -> frozenset[type]:
    """Every type with a registered row form (for the tests and the docs)."""
    return frozenset(_FORMS)


def rows(result: object) -> tuple[Row, ...]:
    """
    A result as flat rows, ready for a CSV file or a DataFrame.

    Every result type has one row form with stable column names (listed on
    the reference page): a member per row for members, groupings, drift
    reports, outcome and recovery summaries; a pair (or a trio) per row
    for partner matchings, with every id, the score and the first reason;
    a group per row for groups; a session per row for a trajectory; a
    flag per row for risk flags; one row for a single fit or report.
    Rows that name members beside their scores, recovery or risk answers
    are for staff, never for a member-facing view (the reference marks
    them). Cells are str,
    int, float, bool or None, in the documented cell format: lists sorted
    and separated by ``;``, weekly windows as their specs, instants as
    ISO 8601 with the offset, an enum by its value.

    An iterable of results (members, a tuple of drift reports) gives each
    one's rows in turn, every row with the same columns (a column only
    some rows have, a ``trait.NAME``, is None in the others); its items
    must all have the same form. ``read_members(rows(members))`` gives
    the members back.

    Args:
        result: A peerkit result or value with a row form, or an iterable
            of them.

    Raises:
        peerkit.errors.InvalidInputError: If *result*'s type has no row
            form (the message names the type), or an iterable mixes forms.

    Examples:
        >>> from peerkit import Member
        >>> (row,) = rows([Member("ada", "action", languages=["fr", "en"])])
        >>> row["id"], row["languages"], row["availability"], row["quiet_hours"]
        ('ada', 'en; fr', 'daily 00:00-24:00', None)

    Added in 0.2.
    """
    with collector_paused(large=True):  # rows by the thousand, no cycles
        return _rows(result)


def _rows(result: object) -> tuple[Row, ...]:
    form = form_of(result)
    if form is not None:
        return _aligned([tuple(form(result))])
    if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Iterable):
        raise _no_form(result, "result")
    parts: list[tuple[Row, ...]] = []
    first: _Form | None = None
    for i, item in enumerate(result):
        item_form = form_of(item)
        if item_form is None:
            raise _no_form(item, f"result[{i}]")
        if first is None:
            first = item_form
        elif item_form is not first:
            raise InvalidInputError(
                f"result[{i}]",
                item,
                "items of one kind (their rows share columns); "
                f"this is a {type(item).__qualname__}",
            )
        parts.append(tuple(item_form(item)))
    return _aligned(parts)


def _no_form(value: object, path: str) -> InvalidInputError:
    names = ", ".join(sorted(cls.__qualname__ for cls in _FORMS))
    return InvalidInputError(
        path,
        value,
        f"a peerkit result with a row form ({names}), or an iterable of them; "
        f"type {type(value).__name__} has none",
    )


def _aligned(parts: list[tuple[Row, ...]]) -> tuple[Row, ...]:
    """Rows with the same columns, in first-seen order; missing cells None."""
    columns: dict[str, None] = {}
    for part in parts:
        for row in part:
            columns.update(dict.fromkeys(row))
    if all(len(row) == len(columns) for part in parts for row in part):
        return tuple(row for part in parts for row in part)
    return tuple(
        {name: row.get(name) for name in columns} for part in parts for row in part
    )


# --- the core ----------------------------------------------------------------


@_row_form(Member)
def _member(member: Member) -> Iterator[Row]:
    yield {
        "id": member.id,
        "stage": member.stage,
        "experiences": join_list(member.experiences),
        "goals": join_list(member.goals),
        "timezone": member.timezone,
        "availability": week_text(member.availability, empty_is_default=False),
        "languages": join_list(member.languages),
        "max_partners": member.max_partners,
        "quiet_hours": week_text(member.quiet_hours, empty_is_default=True),
        **prefixed("trait", member.traits),
    }


@_row_form(Cohort)
def _cohort(cohort: Cohort) -> Iterator[Row]:
    for member in cohort.members:
        yield from _member(member)


def _group_row(group: Group) -> Row:
    band = group.stage_band
    return {
        "id": group.id,
        "members": join_list(group.member_ids),
        "capacity": group.capacity,
        "focus": join_list(group.focus),
        "languages": join_list(group.languages),
        "timezone": group.timezone,
        "meets": week_text(group.meets, empty_is_default=True),
        "stage_band": None if band is None else f"{band[0]}; {band[1]}",
        **{
            f"requires.{k}": join_list(group.requires[k])
            for k in sorted(group.requires)
        },
    }


@_row_form(Group)
def _group(group: Group) -> Iterator[Row]:
    yield _group_row(group)


@_row_form(JourneyScale)
def _scale(scale: JourneyScale) -> Iterator[Row]:
    for i, stage in enumerate(scale.stages):
        yield {"scale": scale.name, "position": i, "stage": stage}


@_row_form(WeeklyAvailability)
def _week(week: WeeklyAvailability) -> Iterator[Row]:
    for window in week.windows:
        yield from _window(window)


@_row_form(Window)
def _window(window: Window) -> Iterator[Row]:
    yield {"window": str(window), "minutes": window.minutes}


@_row_form(Interval)
def _interval(interval: Interval) -> Iterator[Row]:
    yield {"start": instant_text(interval.start), "end": instant_text(interval.end)}


@_row_form(Reason)
def _reason(reason: Reason) -> Iterator[Row]:
    yield {"code": reason.code, "weight": reason.weight, "message": reason.message}


# --- matching ----------------------------------------------------------------


@_row_form(GroupFit)
def _group_fit(fit: GroupFit) -> Iterator[Row]:
    yield {
        "member_id": fit.member_id,
        "group_id": fit.group_id,
        "score": fit.score,
        "eligible": fit.eligible,
        **prefixed("component", fit.components),
        **first_reason(fit.reasons),
    }


@_row_form(FormedGroup)
def _formed_group(formed: FormedGroup) -> Iterator[Row]:
    for member_id in formed.group.member_ids:
        yield {
            "member_id": member_id,
            "group_id": formed.group.id,
            "placed": True,
            "score": formed.score,
            **first_reason(formed.reasons),
        }


@_row_form(Unplaced)
def _unplaced(unplaced: Unplaced) -> Iterator[Row]:
    yield {"member_id": unplaced.member_id, **first_reason(unplaced.reasons)}


@_row_form(Grouping)
def _grouping(grouping: Grouping) -> Iterator[Row]:
    for formed in grouping.groups:
        yield from _formed_group(formed)
    for unplaced in grouping.unplaced:
        yield {
            "member_id": unplaced.member_id,
            "group_id": None,
            "placed": False,
            "score": None,
            **first_reason(unplaced.reasons),
        }


def _unit(
    ids: tuple[str, ...], score: float | None, reasons: tuple[Reason, ...]
) -> Row:
    padded = (*ids, None, None, None)
    return {
        "member_id": padded[0],
        "partner_id": padded[1],
        "second_partner_id": padded[2],
        "placed": score is not None,
        "score": score,
        **first_reason(reasons),
    }


@_row_form(PairFit)
def _pair_fit(fit: PairFit) -> Iterator[Row]:
    yield {
        "member_id": fit.member_ids[0],
        "partner_id": fit.member_ids[1],
        "score": fit.score,
        "eligible": fit.eligible,
        "overlap_minutes": fit.overlap_minutes,
        **prefixed("component", fit.components),
        **first_reason(fit.reasons),
    }


@_row_form(Trio)
def _trio(trio: Trio) -> Iterator[Row]:
    yield _unit(trio.member_ids, trio.score, trio.reasons)


@_row_form(PartnerMatching)
def _partner_matching(matching: PartnerMatching) -> Iterator[Row]:
    for pair in matching.pairs:
        yield _unit(pair.member_ids, pair.score, pair.reasons)
    for trio in matching.trios:
        yield _unit(trio.member_ids, trio.score, trio.reasons)
    for unplaced in matching.unplaced:
        yield _unit((unplaced.member_id,), None, unplaced.reasons)


def _assignment(mentor_id: str | None, mentee_id: str, fit: PairFit | None) -> Row:
    return {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "placed": fit is not None,
        "score": None if fit is None else fit.score,
        "overlap_minutes": None if fit is None else fit.overlap_minutes,
    }


@_row_form(MentorAssignment)
def _mentor_assignment(assignment: MentorAssignment) -> Iterator[Row]:
    yield {
        **_assignment(assignment.mentor_id, assignment.mentee_id, assignment.fit),
        **first_reason(assignment.fit.reasons),
    }


@_row_form(MentorMatching)
def _mentor_matching(matching: MentorMatching) -> Iterator[Row]:
    for assignment in matching.assignments:
        yield from _mentor_assignment(assignment)
    for unplaced in matching.unplaced:
        yield {
            **_assignment(None, unplaced.member_id, None),
            **first_reason(unplaced.reasons),
        }


# --- scheduling --------------------------------------------------------------


@_row_form(Cadence)
def _cadence(cadence: Cadence) -> Iterator[Row]:
    yield {
        "frequency": str(cadence.frequency),
        "every": cadence.every,
        "weekdays": "; ".join(cadence.weekdays) or None,
        "month_days": "; ".join(str(d) for d in cadence.month_days) or None,
        "times": "; ".join(t.isoformat("minutes") for t in cadence.times),
        "timezone": cadence.timezone,
        "per_week": cadence.per_week,
        "rrule": cadence.to_rrule(),
    }


@_row_form(CheckinStatus)
def _checkin_status(status: CheckinStatus) -> Iterator[Row]:
    yield {
        "next_due": instant_text(status.next_due),
        "overdue": "; ".join(t.isoformat() for t in status.overdue) or None,
        "streak": status.streak,
        "kept_count": status.kept_count,
        "due_count": status.due_count,
        "completion_rate": status.completion_rate,
    }


@_row_form(Slot)
def _slot(slot: Slot) -> Iterator[Row]:
    yield {
        "start": instant_text(slot.start),
        "end": instant_text(slot.end),
        "member_ids": join_list(slot.timezones),
    }


@_row_form(SlotConflict)
def _slot_conflict(conflict: SlotConflict) -> Iterator[Row]:
    yield {
        "week_of": conflict.week_of.isoformat(),
        "member_id": conflict.member_id,
        "start": instant_text(conflict.start),
        "end": instant_text(conflict.end),
        **first_reason((conflict.reason,)),
    }


@_row_form(CheckinPlan)
def _checkin_plan(plan: CheckinPlan) -> Iterator[Row]:
    for member_id in sorted(plan.timezones):
        yield {
            "member_id": member_id,
            "timezone": plan.timezones[member_id],
            "local_times": "; ".join(plan.local_times.get(member_id, ())) or None,
            "burden": plan.burdens.get(member_id),
            "rrule": plan.cadence.to_rrule(),
            "start": instant_text(plan.start),
            "until": instant_text(plan.until),
            "duration_minutes": plan.duration.total_seconds() / 60,
            "week_count": plan.week_count,
            **first_reason(plan.reasons),
        }


# --- engagement --------------------------------------------------------------


@_row_form(Touchpoint)
def _touchpoint(touchpoint: Touchpoint) -> Iterator[Row]:
    yield {
        "member_id": touchpoint.member_id,
        "due": instant_text(touchpoint.due),
        "outcome": touchpoint.outcome,
        "kind": touchpoint.kind,
    }


@_row_form(Activity)
def _activity(activity: Activity) -> Iterator[Row]:
    yield {
        "member_id": activity.member_id,
        "at": instant_text(activity.at),
        "kind": activity.kind,
    }


@_row_form(DriftReport)
def _drift_report(report: DriftReport) -> Iterator[Row]:
    yield {
        "member_id": report.member_id,
        "status": report.status.value,
        "onset": instant_text(report.onset),
        "severity": report.severity,
        "baseline_rate": report.baseline_rate,
        "recent_rate": report.recent_rate,
        "recent_kept_count": report.recent_kept_count,
        "recent_due_count": report.recent_due_count,
        "missed_in_a_row": report.missed_in_a_row,
        "last_kept": instant_text(report.last_kept),
        "last_activity": instant_text(report.last_activity),
        "touchpoint_count": report.touchpoint_count,
        "excused_count": report.excused_count,
        "kind": report.kind,
        "statistic": report.statistic,
        "threshold": report.threshold,
        "now": instant_text(report.now),
    }


@_row_form(WeeklyAttendance)
def _weekly_attendance(week: WeeklyAttendance) -> Iterator[Row]:
    yield {
        "start": instant_text(week.start),
        "kept_count": week.kept_count,
        "decided_count": week.decided_count,
    }


@_row_form(GroupEngagement)
def _group_engagement(engagement: GroupEngagement) -> Iterator[Row]:
    for week in engagement.weeks:
        yield from _weekly_attendance(week)


@_row_form(Milestone)
def _milestone(milestone: Milestone) -> Iterator[Row]:
    yield {
        "member_id": milestone.member_id,
        "kind": milestone.kind.value,
        "at": instant_text(milestone.at),
        "count": milestone.count,
        "message": milestone.message,
    }


# --- outcomes ----------------------------------------------------------------


@_row_form(Measurement)
def _measurement(measurement: Measurement) -> Iterator[Row]:
    yield {
        "member_id": measurement.member_id,
        "instrument": measurement.instrument.name,
        "at": instant_text(measurement.at),
        "score": measurement.score,
        **{
            f"item.{i}": answer
            for i, answer in enumerate(measurement.items or (), start=1)
        },
    }


@_row_form(Rating)
def _rating(rating: Rating) -> Iterator[Row]:
    yield {
        "group_id": rating.group_id,
        "at": instant_text(rating.at),
        "score": rating.score,
        "low": rating.low,
        "high": rating.high,
    }


def _change_row(
    instrument: str, member_id: str | None, status: str, change: Change | None
) -> Row:
    row: dict[str, Cell] = {
        "member_id": member_id,
        "instrument": instrument,
        "status": status,
        "pre": None,
        "post": None,
        "rci": None,
        "category": None,
        "clinical_before": None,
        "clinical_after": None,
        "reason_code": None,
        "reason": None,
    }
    if change is not None:
        row.update(
            pre=change.pre,
            post=change.post,
            rci=change.rci,
            category=change.category.value,
            clinical_before=change.clinical_before,
            clinical_after=change.clinical_after,
            **first_reason(change.reasons),
        )
    return row


@_row_form(Change)
def _change(change: Change) -> Iterator[Row]:
    yield _change_row(change.instrument, change.member_id, "completed", change)


@_row_form(OutcomeSummary)
def _outcome_summary(summary: OutcomeSummary) -> Iterator[Row]:
    for change in summary.changes:
        yield _change_row(summary.instrument, change.member_id, "completed", change)
    for member_id in summary.lost:
        yield _change_row(summary.instrument, member_id, "lost", None)
    for member_id in summary.no_baseline:
        yield _change_row(summary.instrument, member_id, "no_baseline", None)


@_row_form(FeedbackTrend)
def _feedback_trend(trend: FeedbackTrend) -> Iterator[Row]:
    yield {
        "group_id": trend.group_id,
        "session_count": trend.session_count,
        "rating_count": trend.rating_count,
        "low": trend.low,
        "high": trend.high,
        "mean": trend.mean,
        "mean_low": trend.mean_low,
        "mean_high": trend.mean_high,
        "slope": trend.slope,
        "slope_low": trend.slope_low,
        "slope_high": trend.slope_high,
        "falling": trend.falling,
        **first_reason(trend.reasons),
    }


# Recovery, trajectories, on-track reports and risk flags name members and
# their scores: rows for staff (the reference page says so), never for a
# member-facing view.


def _recovery_row(
    summary: RecoverySummary, member_id: str, status: str, m: MemberRecovery | None
) -> Row:
    row: dict[str, Cell] = {
        "member_id": member_id,
        "depression": summary.depression,
        "anxiety": summary.anxiety,
        "status": status,
    }
    row.update(_member_recovery_cells(m))
    return row


def _member_recovery_cells(m: MemberRecovery | None) -> Row:
    if m is None:
        return {
            **dict.fromkeys(_RECOVERY_CELLS),
            "reason_code": None,
            "reason": None,
        }
    return {
        "depression_before": m.depression_before,
        "depression_after": m.depression_after,
        "anxiety_before": m.anxiety_before,
        "anxiety_after": m.anxiety_after,
        "caseness_before": m.caseness_before,
        "caseness_after": m.caseness_after,
        "recovered": m.recovered,
        "reliable_improvement": m.reliable_improvement,
        "reliable_recovery": m.reliable_recovery,
        "reliable_deterioration": m.reliable_deterioration,
        **first_reason(m.reasons),
    }


_RECOVERY_CELLS = (
    "depression_before",
    "depression_after",
    "anxiety_before",
    "anxiety_after",
    "caseness_before",
    "caseness_after",
    "recovered",
    "reliable_improvement",
    "reliable_recovery",
    "reliable_deterioration",
)


@_row_form(MemberRecovery)
def _member_recovery(m: MemberRecovery) -> Iterator[Row]:
    yield {"member_id": m.member_id, **_member_recovery_cells(m)}


@_row_form(RecoverySummary)
def _recovery_summary(summary: RecoverySummary) -> Iterator[Row]:
    for m in summary.members:
        yield _recovery_row(summary, m.member_id, "paired", m)
    for member_id in summary.lost:
        yield _recovery_row(summary, member_id, "lost", None)
    for member_id in summary.no_baseline:
        yield _recovery_row(summary, member_id, "no_baseline", None)


def _point_cells(point: TrajectoryPoint) -> Row:
    return {
        "at": instant_text(point.at),
        "score": point.score,
        "change": point.change,
        "category": point.category.value,
    }


@_row_form(TrajectoryPoint)
def _trajectory_point(point: TrajectoryPoint) -> Iterator[Row]:
    yield _point_cells(point)


@_row_form(Trajectory)
def _trajectory(trajectory: Trajectory) -> Iterator[Row]:
    for session, point in enumerate(trajectory.points, start=1):
        yield {
            "member_id": trajectory.member_id,
            "instrument": trajectory.instrument,
            "session": session,
            **_point_cells(point),
        }


def _session_cells(session: ExpectedSession) -> Row:
    return {
        "session_count": session.session_count,
        "member_count": session.member_count,
        "intercept": session.intercept,
        "slope": session.slope,
        "residual_sd": session.residual_sd,
        "start_mean": session.start_mean,
        "start_spread": session.start_spread,
        "critical": session.critical,
        "spread_slope": session.spread_slope,
    }


@_row_form(ExpectedSession)
def _expected_session(session: ExpectedSession) -> Iterator[Row]:
    yield _session_cells(session)


@_row_form(ExpectedChange)
def _expected_change(expected: ExpectedChange) -> Iterator[Row]:
    for session in expected.sessions:
        yield {
            "instrument": expected.instrument,
            **_session_cells(session),
            "source": expected.source,
        }


@_row_form(OnTrackReport)
def _on_track_report(report: OnTrackReport) -> Iterator[Row]:
    yield {
        "member_id": report.member_id,
        "instrument": report.instrument,
        "session_count": report.session_count,
        "first_score": report.first_score,
        "latest_score": report.latest_score,
        "expected_low": report.expected_low,
        "expected_high": report.expected_high,
        "points_beyond": report.points_beyond,
        "reliable_deterioration": report.reliable_deterioration,
        "not_on_track": report.not_on_track,
        "attendance_share": report.attendance_share,
        **first_reason(report.reasons),
    }


@_row_form(RiskFlag)
def _risk_flag(flag: RiskFlag) -> Iterator[Row]:
    yield {
        "member_id": flag.member_id,
        "instrument": flag.instrument,
        "at": instant_text(flag.at),
        "item": flag.item,
        "answer": flag.answer,
        "staff_message": flag.staff_message,
    }
