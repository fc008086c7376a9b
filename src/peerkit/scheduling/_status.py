"""Where a member stands with their cadence: next due, overdue, streak, rate."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from peerkit._instants import as_instant, micros, to_utc
from peerkit._validate import count, instant, tuple_of, unit
from peerkit.errors import InvalidInputError
from peerkit.scheduling._occurrences import (
    QuietHours,
    QuietRule,
    check_cadence,
    occurrences,
)

if TYPE_CHECKING:
    from peerkit.scheduling._cadence import Cadence


def _to_instants(value: Iterable[dt.datetime]) -> tuple[pendulum.DateTime, ...]:
    given: Any = value
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        return given  # type: ignore[return-value]  # the validator says why
    return tuple(to_utc(v) for v in given)


@attrs.frozen(kw_only=True)
class CheckinStatus:
    """
    Where one member stands with their check-ins at a moment.

    A check-in is *kept* when a done check-in lies within the tolerance of
    its due time (each done check-in keeps one due time), *missed* when
    its tolerance has passed without one, and *open* while it still may
    be kept. Instants are in UTC.

    Attributes:
        next_due: The earliest due time not yet kept whose tolerance has not
            passed (possibly a moment ago), or None if the series has ended.
        overdue: Due times that were missed, oldest first.
        streak: Kept check-ins in a row, counting back from the latest
            decided one (kept or missed).
        kept_count: How many due times were kept.
        due_count: How many due times are decided (kept or missed).
        completion_rate: ``kept_count / due_count``, or None while nothing
            is decided.

    Examples:
        >>> import pendulum
        >>> from peerkit.scheduling import Cadence, checkin_status
        >>> daily = Cadence.daily(time="08:00", timezone="Europe/Berlin")
        >>> start = pendulum.datetime(2024, 5, 6, tz="Europe/Berlin")
        >>> done = [start.add(days=d, hours=8, minutes=5) for d in (0, 1, 3)]
        >>> status = checkin_status(
        ...     daily, start=start, done=done, now=start.add(days=4)
        ... )
        >>> status.kept_count, status.due_count, status.streak, status.completion_rate
        (3, 4, 1, 0.75)
        >>> status.next_due.in_tz("Europe/Berlin").format("ddd HH:mm")
        'Fri 08:00'

    Added in 0.1.
    """

    next_due: pendulum.DateTime | None = attrs.field(
        converter=attrs.converters.optional(to_utc), validator=instant(optional=True)
    )
    overdue: tuple[pendulum.DateTime, ...] = attrs.field(
        converter=_to_instants,
        validator=tuple_of(pendulum.DateTime, "a tuple of instants"),
    )
    streak: int = attrs.field(validator=count())
    kept_count: int = attrs.field(validator=count())
    due_count: int = attrs.field(validator=count())
    completion_rate: float | None = attrs.field(validator=unit(optional=True))

    @property
    def missed_count(self) -> int:
        """
        How many due times were missed (``len(overdue)``).

        Examples:
            >>> import pendulum
            >>> from peerkit.scheduling import Cadence, checkin_status
            >>> daily = Cadence.daily(time="08:00", timezone="Europe/Berlin")
            >>> start = pendulum.datetime(2024, 5, 6, tz="Europe/Berlin")
            >>> now = start.add(days=2, hours=12)  # a day's tolerance after each
            >>> status = checkin_status(daily, start=start, done=[], now=now)
            >>> status.missed_count, [t.format("ddd") for t in status.overdue]
            (2, ['Mon', 'Tue'])
        """
        return len(self.overdue)


def _match(
    dues: Iterable[pendulum.DateTime], times: list[int], slack: int, moment: int
) -> tuple[list[bool], list[pendulum.DateTime], pendulum.DateTime | None]:
    """
    Kept or missed for each decided due time; the missed ones; the next open one.

    The replay stops at the first due time after *moment* that no done
    check-in is left to keep (every later one is open too), so it looks at
    no more than the due times up to *moment* and one per done check-in
    after it, however long the tolerance.
    """
    used = [False] * len(times)
    outcomes: list[bool] = []
    overdue: list[pendulum.DateTime] = []
    next_due = None
    for due in dues:
        at = micros(due)
        if at - slack > moment:
            return outcomes, overdue, next_due or due
        i = bisect.bisect_left(times, at - slack)
        while i < len(times) and used[i]:
            i += 1
        if at > moment and i == len(times):
            return outcomes, overdue, next_due or due
        if i < len(times) and times[i] <= at + slack:
            used[i] = True
            outcomes.append(True)
        elif at + slack < moment:
            outcomes.append(False)
            overdue.append(due)
        elif next_due is None:
            next_due = due
    return outcomes, overdue, next_due


def checkin_status(  # noqa: PLR0913 - the domain input plus keyword-only options
    cadence: Cadence,
    *,
    start: dt.datetime,
    done: Iterable[dt.datetime],
    now: dt.datetime,
    tolerance: dt.timedelta = dt.timedelta(days=1),
    quiet_hours: QuietHours = None,
    days_off: Iterable[dt.date] = (),
    quiet: QuietRule = "defer",
) -> CheckinStatus:
    """
    Match done check-ins to due times and say where the member stands.

    Due times are ``occurrences(cadence, start=start, ...)``; a done
    check-in within *tolerance* either side of a due time keeps it. Each
    done check-in keeps at most one due time, and as many as possible are
    kept (earliest due first, earliest done first, which is optimal for
    windows of equal length). Done check-ins are taken in any order; ones
    that keep nothing are ignored.

    Args:
        cadence: The member's cadence.
        start: When the series began (aware).
        done: When check-ins were done (aware datetimes).
        now: The moment to judge at (aware). Nothing later counts.
        tolerance: How early or late a check-in may be and still count.
            Any length is accepted: due times after *now* are looked at
            only while a done check-in is left that could keep one.
        quiet_hours: As for `occurrences`.
        days_off: As for `occurrences`: a day off is never a miss.
        quiet: As for `occurrences`.

    Examples:
        >>> import pendulum
        >>> from peerkit.scheduling import Cadence
        >>> weekly = Cadence.weekly(on="mon", time="09:00", timezone="Europe/London")
        >>> start = pendulum.datetime(2024, 3, 4, tz="Europe/London")
        >>> done = [pendulum.datetime(2024, 3, 4, 9, 20, tz="Europe/London")]
        >>> status = checkin_status(
        ...     weekly, start=start, done=done, now=pendulum.datetime(2024, 3, 20)
        ... )
        >>> (
        ...     status.kept_count,
        ...     status.missed_count,
        ...     status.streak,
        ...     f"{status.completion_rate:.2f}",
        ... )
        (1, 2, 0, '0.33')
        >>> str(status.next_due)
        '2024-03-25 09:00:00+00:00'

    Added in 0.1.
    """
    check_cadence(cadence)
    moment = micros(as_instant("now", now))
    if not isinstance(tolerance, dt.timedelta) or tolerance < dt.timedelta(0):
        raise InvalidInputError("tolerance", tolerance, "a timedelta >= 0")
    slack = tolerance // dt.timedelta(microseconds=1)
    given: Any = done
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise InvalidInputError("done", done, "an iterable of aware datetimes")
    times = sorted(
        t
        for t in (micros(as_instant(f"done[{i}]", d)) for i, d in enumerate(done))
        if t <= moment
    )
    dues = occurrences(
        cadence, start=start, quiet_hours=quiet_hours, days_off=days_off, quiet=quiet
    )
    outcomes, overdue, next_due = _match(dues, times, slack, moment)
    streak = 0
    for kept in reversed(outcomes):
        if not kept:
            break
        streak += 1
    kept_count = sum(outcomes)
    return CheckinStatus(
        next_due=next_due,
        overdue=tuple(overdue),
        streak=streak,
        kept_count=kept_count,
        due_count=len(outcomes),
        completion_rate=kept_count / len(outcomes) if outcomes else None,
    )
