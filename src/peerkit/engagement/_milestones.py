"""Milestones: moments worth celebrating."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from peerkit._validate import check_instance, count, instance, instant, string
from peerkit.engagement._detect import split_events
from peerkit.engagement._engine import Member, stepper
from peerkit.engagement._policy import DriftPolicy
from peerkit.engagement._report import noun_for
from peerkit.engagement._touchpoint import EXCUSED, Event, check_now, utc_moment
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

_MONTH_US = 28 * 24 * 3600 * 1_000_000
STREAKS = (4, 8, 12, 26, 52)
COUNTS = (10, 25, 50, 100, 250, 500, 1000)


class MilestoneKind(enum.StrEnum):
    """
    What a milestone celebrates.

    Attributes:
        FIRST_MONTH: Still showing up four weeks after the first touchpoint.
        STREAK: A new longest run of kept touchpoints (4, 8, 12, 26, 52).
        KEPT: A round number kept in all (10, 25, 50, 100, ...).
        CAME_BACK: Back to their usual rate after a drift.

    Examples:
        >>> from peerkit.engagement import MilestoneKind
        >>> MilestoneKind("came-back") is MilestoneKind.CAME_BACK
        True

    Added in 0.1.
    """

    FIRST_MONTH = "first-month"
    STREAK = "streak"
    KEPT = "kept"
    CAME_BACK = "came-back"


def _to_kind(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return MilestoneKind(value)
    except ValueError:
        return value


@attrs.frozen(kw_only=True)
class Milestone:
    """
    A moment worth celebrating with one member.

    Attributes:
        member_id: Whose milestone it is.
        kind: `MilestoneKind`.
        at: The due time of the touchpoint that reached it (UTC).
        count: The number behind it: the streak, the total kept, or the
            kept in a row on coming back (0 for the first month).
        message: A sentence for the member, about them alone.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint, milestones
        >>> start = pendulum.datetime(2024, 1, 1, 18)
        >>> history = [Touchpoint("ada", start.add(weeks=w), "kept") for w in range(5)]
        >>> for milestone in milestones(history, now=start.add(weeks=5)):
        ...     print(milestone.kind.value, milestone.count, milestone.message)
        streak 4 4 check-ins in a row: the longest run yet.
        first-month 0 A month with the programme, and still showing up.

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    kind: MilestoneKind = attrs.field(
        converter=_to_kind, validator=instance(MilestoneKind, "a MilestoneKind")
    )
    at: pendulum.DateTime = attrs.field(validator=instant())
    count: int = attrs.field(validator=count())
    message: str = attrs.field(validator=string())


def _member_milestones(
    ident: str, keyed: list[tuple[int, str]], policy: DriftPolicy
) -> list[Milestone]:
    step = stepper(policy)
    m = Member()
    found: list[Milestone] = []
    kinds = {kind for _, kind in keyed}
    noun = noun_for(kinds.pop() if len(kinds) == 1 else None)
    first = keyed[0][0] >> 2
    month = False
    run = best = kept = 0
    for key, _ in keyed:
        code = key & 3
        at = key >> 2
        if code == EXCUSED:
            continue
        was_flagged = m.flagged
        step.step(m, code, at)
        if not code:
            run = 0
            continue
        run += 1
        kept += 1
        reached: list[tuple[MilestoneKind, int, str]] = []
        if not month and at - first >= _MONTH_US:
            month = True
            reached.append(
                (
                    MilestoneKind.FIRST_MONTH,
                    0,
                    "A month with the programme, and still showing up.",
                )
            )
        if run > best and run in STREAKS:
            reached.append(
                (
                    MilestoneKind.STREAK,
                    run,
                    f"{run} {noun} in a row: the longest run yet.",
                )
            )
        best = max(best, run)
        if kept in COUNTS:
            reached.append((MilestoneKind.KEPT, kept, f"{kept} {noun} kept in all."))
        if was_flagged and not m.flagged:
            reached.append(
                (
                    MilestoneKind.CAME_BACK,
                    run,
                    f"Back in the rhythm: {run} kept in a row after a quiet spell.",
                )
            )
        found.extend(
            Milestone(
                member_id=ident, kind=kind, at=utc_moment(at), count=count, message=text
            )
            for kind, count, text in reached
        )
    return found


def milestones(
    touchpoints: Iterable[Event],
    *,
    now: dt.datetime,
    since: dt.datetime | None = None,
    policy: DriftPolicy = DriftPolicy(),
) -> tuple[Milestone, ...]:
    """
    Moments worth celebrating, for every member in the input.

    A first month (still keeping touchpoints four weeks after their first),
    a new longest streak of kept touchpoints (4, 8, 12, 26, 52; excused
    ones neither break nor extend it), a round number kept in all (10, 25,
    50, 100, ...), and coming back after a drift (the flag `detect_drift`
    raised with *policy* released).

    Args:
        touchpoints: Touchpoints of any number of members, in any order
            (activity is accepted and ignored).
        now: Nothing may be later; timezone-aware.
        since: Only milestones reached after this moment (say, last
            week's report); None for all.
        policy: The drift policy behind "came back".

    Returns:
        Milestones by time, then member id, then kind.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> kept = [Touchpoint("ada", start.add(weeks=i), "kept") for i in range(10)]
        >>> [(m.kind.value, m.count) for m in milestones(kept, now=start.add(weeks=10))]
        [('streak', 4), ('first-month', 0), ('streak', 8), ('kept', 10)]

    Added in 0.1.
    """
    check_instance("policy", policy, DriftPolicy, "a DriftPolicy")
    now_us = check_now(now)
    since_us = None if since is None else check_now(since, "since")
    listed, _ = split_events(touchpoints)
    by_member: dict[str, list[tuple[int, str]]] = {}
    for i, touchpoint in enumerate(listed):
        if touchpoint._key >> 2 > now_us:  # noqa: SLF001 - our own cached field
            raise InvalidInputError(
                f"touchpoints[{i}].due", touchpoint.due, "no later than now"
            )
        by_member.setdefault(touchpoint.member_id, []).append(
            (touchpoint._key, touchpoint.kind)  # noqa: SLF001
        )
    found: list[Milestone] = []
    for ident in sorted(by_member):
        keyed = sorted(by_member[ident])
        found.extend(_member_milestones(ident, keyed, policy))
    if since_us is not None:
        cut = utc_moment(since_us)
        found = [m for m in found if m.at > cut]
    found.sort(key=lambda m: (m.at, m.member_id, m.kind.value))
    return tuple(found)
