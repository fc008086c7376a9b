"""touchpoints_from_schedule: what was due, what came, and the silence between."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping

from peerkit._instants import as_instant, micros
from peerkit._validate import MAX_COUNT, check_iterable, check_str
from peerkit.engagement._touchpoint import (
    Outcome,
    Touchpoint,
    check_now,
    utc_moment,
)
from peerkit.errors import InvalidInputError

# The longest tolerance: a check-in counted as kept more than a year away
# from its due time is no longer the same check-in.
MAX_TOLERANCE = dt.timedelta(days=366)


def match_done(
    due: list[int], done: list[int], tolerance: int
) -> list[tuple[int, int]]:
    """
    An optimal matching of due times to done instants (POSIX microseconds).

    *due* and *done* sorted ascending. A due time and a done instant may be
    paired when they are at most *tolerance* apart; each is used at most
    once. Of all matchings, one with the most pairs, and of those, the
    least total distance.

    Every window has the same length, so there is an optimal matching
    that never crosses (if ``d1 < d2`` are paired with ``e2 > e1``,
    swapping keeps both pairs within tolerance and does not add distance):
    a dynamic programme over the two sorted lists finds it, like a longest
    common subsequence. Due times whose windows share no done instant are
    solved apart, so the work is the sum over such blocks of their due
    times times their done instants (at most ``len(due) * len(done)``).

    Returns:
        The pairs as (index in *due*, index in *done*), in due order.
    """
    pairs: list[tuple[int, int]] = []
    n, m = len(due), len(done)
    if not n or not m:
        return pairs
    # lo[i], hi[i]: done[lo:hi] are within tolerance of due[i]; both rise with i.
    lo: list[int] = []
    hi: list[int] = []
    a = b = 0
    for d in due:
        while a < m and done[a] < d - tolerance:
            a += 1
        b = max(b, a)
        while b < m and done[b] <= d + tolerance:
            b += 1
        lo.append(a)
        hi.append(b)
    i = 0
    while i < n:
        if lo[i] == hi[i]:
            i += 1
            continue
        j = i + 1
        top = hi[i]
        while j < n and lo[j] < top:  # shares a done instant with the block
            top = max(top, hi[j])
            j += 1
        pairs.extend(_solve_block(due, done, tolerance, range(i, j), lo[i], top))
        i = j
    return pairs


def _solve_block(  # noqa: PLR0913, PLR0917 - the block's bounds
    due: list[int],
    done: list[int],
    tolerance: int,
    rows: range,
    first: int,
    stop: int,
) -> list[tuple[int, int]]:
    """The dynamic programme on one block: due[rows] against done[first:stop]."""
    cols = range(first, stop)
    width = len(cols)
    # A score is pairs * big - distance: more pairs first, then less distance.
    big = len(rows) * tolerance + 1
    prev = [0] * (width + 1)
    table = [prev]
    for r in rows:
        d = due[r]
        row = [0] * (width + 1)
        for c in range(1, width + 1):
            gap = abs(d - done[cols[c - 1]])
            best = max(prev[c], row[c - 1])
            if gap <= tolerance:
                best = max(best, prev[c - 1] + big - gap)
            row[c] = best
        table.append(row)
        prev = row
    pairs: list[tuple[int, int]] = []
    r, c = len(rows), width
    while r and c:
        here = table[r][c]
        if here == table[r - 1][c]:
            r -= 1
        elif here == table[r][c - 1]:
            c -= 1
        else:
            pairs.append((rows[r - 1], cols[c - 1]))
            r -= 1
            c -= 1
    pairs.reverse()
    return pairs


def _instants(path: str, values: Iterable[object]) -> list[tuple[int, dt.datetime]]:
    """Aware datetimes as (POSIX microseconds, the datetime), at most MAX_COUNT."""
    read: list[tuple[int, dt.datetime]] = []
    for i, value in enumerate(itertools.islice(values, MAX_COUNT + 1)):
        if i == MAX_COUNT:
            raise InvalidInputError(path, values, f"at most {MAX_COUNT:,} instants")
        instant = as_instant(f"{path}[{i}]", value)
        read.append((micros(instant), value))  # type: ignore[arg-type]  # checked
    return read


def _due_times(due: object, before: int) -> list[tuple[int, dt.datetime]]:
    """
    The due times before *before* (microseconds).

    A collection (a list, a tuple, a set) is read whole, in any order. Any
    other iterable (a generator such as ``occurrences(...)``, which may
    never end) must be in time order; it is read up to its first due time
    that is not before *before*.
    """
    due = check_iterable("due", due, "an iterable of timezone-aware datetimes")
    if isinstance(due, Collection):
        return [pair for pair in _instants("due", due) if pair[0] < before]
    read: list[tuple[int, dt.datetime]] = []
    last = None
    for i, value in enumerate(due):
        if i == MAX_COUNT:
            raise InvalidInputError("due", due, f"at most {MAX_COUNT:,} due times")
        us = micros(as_instant(f"due[{i}]", value))
        if last is not None and us < last:
            raise InvalidInputError(
                f"due[{i}]",
                value,
                "no earlier than the due time before it (a due iterable that is "
                "not a collection is read in time order, up to now)",
            )
        if us >= before:
            break
        last = us
        read.append((us, value))
    return read


def _excused(excused: object) -> tuple[frozenset[dt.date], frozenset[int]]:
    excused = check_iterable(
        "excused", excused, "an iterable of dates or aware datetimes"
    )
    days: set[dt.date] = set()
    instants: set[int] = set()
    for i, item in enumerate(excused):
        if isinstance(item, dt.datetime):
            instants.add(micros(as_instant(f"excused[{i}]", item)))
        elif isinstance(item, dt.date):
            days.add(item)
        else:
            raise InvalidInputError(
                f"excused[{i}]", item, "a date or a timezone-aware datetime"
            )
    return frozenset(days), frozenset(instants)


def touchpoints_from_schedule(  # noqa: PLR0913 - the schedule, what came, and how to read it
    member_id: str,
    *,
    due: Iterable[dt.datetime],
    done: Iterable[dt.datetime],
    now: dt.datetime,
    excused: Iterable[dt.date | dt.datetime] = (),
    tolerance: dt.timedelta = dt.timedelta(days=1),
    kind: str = "checkin",
) -> tuple[Touchpoint, ...]:
    """
    Touchpoints from a schedule: what was due, what came, and what did not.

    An app records what happened; silence it has to work out. Every due
    time before ``now - tolerance`` is decided: *kept* if a *done* instant
    (a check-in received, an attendance taken) is within *tolerance* of it,
    else *missed*. Each done instant counts for at most one due time, and
    they are paired optimally: as many due times kept as possible, then
    each as close to its done instant as possible. A due time on an
    excused date (read in the due time's own zone) or at an excused
    instant is *excused*. Due times from ``now - tolerance`` on are still
    open and left out; so is a done instant that no due time can use.

    Engagement imports nothing from scheduling: *due* is any iterable of
    aware datetimes, such as `peerkit.scheduling.occurrences`. A list,
    tuple or set is read whole in any order; any other iterable (a
    generator, which may never end) must be in time order and is read only
    up to now.

    Args:
        member_id: Whose schedule it is.
        due: The due times (timezone-aware).
        done: When the member showed up (timezone-aware, none after
            *now*), in any order.
        now: The moment of the reading (timezone-aware).
        excused: Dates (in each due time's own zone) and instants not held
            against the member: holidays, an agreed pause, a cancelled
            meeting.
        tolerance: How far a done instant may be from its due time (at most
            366 days); also how long a due time stays open.
        kind: The touchpoints' kind (``"checkin"``, ``"meeting"``).

    Returns:
        The decided touchpoints, in time order (at one instant: missed,
        kept, excused).

    Raises:
        peerkit.errors.InvalidInputError: If a time is naive or out of
            range, a done instant is after *now*, a due generator goes back
            in time, or an argument is not what it should be.

    Examples:
        >>> import pendulum
        >>> from peerkit.scheduling import Cadence, occurrences
        >>> weekly = Cadence.weekly(on="mon", time="18:00", timezone="Europe/London")
        >>> start = pendulum.datetime(2024, 1, 1, tz="Europe/London")
        >>> came = [start.add(hours=18, minutes=5), start.add(weeks=1, hours=19)]
        >>> touchpoints = touchpoints_from_schedule(
        ...     "ada",
        ...     due=occurrences(weekly, start=start),
        ...     done=came,
        ...     excused=[pendulum.date(2024, 1, 15)],
        ...     now=start.add(weeks=4),
        ... )
        >>> for t in touchpoints:
        ...     print(t.due.date(), t.outcome)
        2024-01-01 kept
        2024-01-08 kept
        2024-01-15 excused
        2024-01-22 missed

    Added in 0.2.
    """
    check_str("member_id", member_id)
    check_str("kind", kind)
    if not isinstance(tolerance, dt.timedelta) or not (
        dt.timedelta(0) <= tolerance <= MAX_TOLERANCE
    ):
        raise InvalidInputError(
            "tolerance", tolerance, "a timedelta from 0 to 366 days"
        )
    now_us = check_now(now)
    tol = tolerance // dt.timedelta(microseconds=1)
    days, instants = _excused(excused)
    due_times = _due_times(due, now_us - tol)
    check_iterable("done", done, "an iterable of timezone-aware datetimes")
    if isinstance(done, Mapping):
        raise InvalidInputError("done", done, "an iterable of timezone-aware datetimes")
    done_times = _instants("done", done)
    for i, (us, value) in enumerate(done_times):
        if us > now_us:
            raise InvalidInputError(
                f"done[{i}]", value, "no later than now (it has not happened yet)"
            )
    decided: list[int] = []
    outcomes: list[tuple[int, Outcome]] = []
    for us, value in due_times:
        if us in instants or value.date() in days:
            outcomes.append((us, "excused"))
        else:
            decided.append(us)
    decided.sort()
    came = sorted(us for us, _ in done_times)
    kept = {i for i, _ in match_done(decided, came, tol)}
    outcomes.extend(
        (us, "kept" if i in kept else "missed") for i, us in enumerate(decided)
    )
    result = [Touchpoint(member_id, utc_moment(us), o, kind) for us, o in outcomes]
    result.sort(key=lambda t: t._key)  # noqa: SLF001 - our own cached field
    return tuple(result)
