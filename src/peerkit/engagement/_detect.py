"""detect_drift (batch) and outreach_queue."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from peerkit._model import Cohort, as_members
from peerkit._model import Member as RosterMember
from peerkit._validate import check_instance, check_int, check_str
from peerkit.engagement._engine import MIXED, NONE, Member, run_batch
from peerkit.engagement._policy import DriftPolicy
from peerkit.engagement._report import DriftReport, DriftStatus, report_of
from peerkit.engagement._silence import silence_budgets
from peerkit.engagement._touchpoint import (
    EXCUSED,
    Activity,
    Event,
    Touchpoint,
    as_datetime,
    check_now,
)
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    import datetime as dt

    from numpy.typing import NDArray

_KEY = attrgetter("_key")
_ID = attrgetter("member_id")
_KIND = attrgetter("kind")


def split_events(
    events: object, path: str = "touchpoints"
) -> tuple[list[Touchpoint], list[Activity]]:
    """*events* as touchpoints and activities; anything else is an error."""
    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
        raise InvalidInputError(path, events, "an iterable of Touchpoint or Activity")
    # A list or tuple is read as it is (nothing here changes it): copying
    # millions of references costs more than the check below.
    listed: list[object] = (
        events  # type: ignore[assignment]  # read only, as a sequence
        if type(events) in (list, tuple)
        else list(events)
    )
    if set(map(type, listed)) <= {Touchpoint}:
        return listed, []  # type: ignore[return-value]  # checked just above
    touchpoints: list[Touchpoint] = []
    activities: list[Activity] = []
    for i, item in enumerate(listed):
        if isinstance(item, Touchpoint):
            touchpoints.append(item)
        elif isinstance(item, Activity):
            activities.append(item)
        else:
            raise InvalidInputError(f"{path}[{i}]", item, "a Touchpoint or an Activity")
    return touchpoints, activities


def _late(
    events: list[Touchpoint] | list[Activity], at: NDArray[np.int64], now: int
) -> None:
    if at.size and int(at.max()) > now:
        i = int(np.argmax(at > now))
        late = events[i]
        field = "due" if isinstance(late, Touchpoint) else "at"
        raise InvalidInputError(
            f"touchpoints[{i}].{field}",
            getattr(late, field),
            "no later than now (a touchpoint after now has not happened yet)",
        )


def _codes(items: list[str], into: defaultdict[str, int]) -> NDArray[np.int64]:
    """Integer codes of *items*, numbered in first-seen order into *into*."""
    return np.fromiter(map(into.__getitem__, items), np.int64, len(items))


def _numbering() -> defaultdict[str, int]:
    # A dict that numbers each new key as it is first looked up, all in C.
    return defaultdict(itertools.count().__next__)


def _kinds(
    touchpoints: list[Touchpoint], codes: NDArray[np.int64], members: int
) -> list[str | None]:
    """Each member's one kind of touchpoint, MIXED for several, None for none."""
    numbering = _numbering()
    kind_codes = np.fromiter(
        map(numbering.__getitem__, map(_KIND, touchpoints)),
        np.int64,
        len(touchpoints),
    )
    names = list(numbering)
    present = np.bincount(codes, minlength=members) > 0
    if len(names) == 1:
        return [names[0] if p else None for p in present.tolist()]
    # Two kinds of one member differ iff their smallest and largest codes do.
    low = np.full(members, len(names), np.int64)
    high = np.full(members, -1, np.int64)
    np.minimum.at(low, codes, kind_codes)
    np.maximum.at(high, codes, kind_codes)
    return [
        None if hi < 0 else names[lo] if lo == hi else MIXED
        for lo, hi in zip(low.tolist(), high.tolist(), strict=True)
    ]


def _in_order(codes: NDArray[np.int64], keys: NDArray[np.int64]) -> bool:
    if not np.all(codes[1:] >= codes[:-1]):
        return False
    same = codes[1:] == codes[:-1]
    return bool(np.all((keys[1:] >= keys[:-1]) | ~same))


def _by_member(
    codes: NDArray[np.int64], keys: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Codes and keys ordered by member, then key (cheaply when nearly so)."""
    if _in_order(codes, keys):  # a log kept member by member
        return codes, keys
    order = np.argsort(codes, kind="stable")
    codes, keys = codes[order], keys[order]
    if _in_order(codes, keys):  # a log kept in time order
        return codes, keys
    order = np.lexsort((keys, codes))
    return codes[order], keys[order]


def member_states(
    touchpoints: list[Touchpoint],
    activities: list[Activity],
    *,
    now: int,
    policy: DriftPolicy,
) -> tuple[list[str], list[Member]]:
    """Every member's id (sorted) and state after all their events."""
    keys = np.fromiter(map(_KEY, touchpoints), np.int64, len(touchpoints))
    _late(touchpoints, keys >> 2, now)
    activity_at = np.fromiter(
        (a._us for a in activities),  # noqa: SLF001 - our own cached field
        np.int64,
        len(activities),
    )
    _late(activities, activity_at, now)
    numbering = _numbering()
    first_seen = np.fromiter(
        map(numbering.__getitem__, map(_ID, touchpoints)),
        np.int64,
        len(touchpoints),
    )
    activity_ids = list(map(_ID, activities))
    activity_first_seen = _codes(activity_ids, numbering)
    # Renumber in id order: reports come out sorted by member id.
    members = sorted(numbering, key=numbering.__getitem__)
    rank = np.empty(len(members), np.int64)
    members.sort()
    rank[[numbering[m] for m in members]] = np.arange(len(members))
    codes = rank[first_seen]
    codes_sorted, keys_sorted = _by_member(codes, keys)
    decided = (keys_sorted & 3) != EXCUSED
    excused = np.bincount(codes_sorted[~decided], minlength=len(members))
    codes_d = codes_sorted[decided]
    keys_d = keys_sorted[decided]
    found: list[Member | None] = [None] * len(members)
    if codes_d.size:
        starts = np.flatnonzero(np.r_[True, codes_d[1:] != codes_d[:-1]])
        lengths = np.diff(np.r_[starts, codes_d.size])
        who = codes_d[starts].tolist()
        ran = run_batch(policy, keys_d & 1, keys_d >> 2, starts, lengths)
        for i, state in zip(who, ran, strict=True):
            found[i] = state
    states = [Member() if state is None else state for state in found]
    if touchpoints:
        for state, kind, n in zip(
            states,
            _kinds(touchpoints, codes, len(members)),
            excused.tolist(),
            strict=True,
        ):
            state.kind = kind
            state.excused = n
    if activities:
        latest = np.full(len(members), NONE, np.int64)
        np.maximum.at(latest, rank[activity_first_seen], activity_at)
        for state, at in zip(states, latest.tolist(), strict=True):
            state.last_activity = at
    return members, states


def roster_ids(members: object) -> list[str] | None:
    """
    The member ids on a roster, in id order (None: no roster).

    A roster is a `peerkit.Cohort`, `peerkit.Member` values, or member ids;
    each member once.
    """
    if members is None:
        return None
    if isinstance(members, Cohort):
        return sorted(m.id for m in members.members)
    if isinstance(members, (str, bytes, Mapping)) or not isinstance(members, Iterable):
        raise InvalidInputError(
            "members", members, "a Cohort, Member values or member ids"
        )
    listed = list(members)
    if not all(isinstance(item, str) for item in listed):
        return sorted(m.id for m in as_members("members", listed))
    seen: set[str] = set()
    for i, ident in enumerate(listed):
        check_str(f"members[{i}]", ident)
        if ident in seen:
            raise InvalidInputError(f"members[{i}]", ident, "member ids unique")
        seen.add(ident)
    return sorted(seen)


def on_roster(
    roster: list[str], members: list[str], states: list[Member]
) -> tuple[list[str], list[Member]]:
    """The roster's members and states (a fresh state for one with no events)."""
    known = dict(zip(members, states, strict=True))
    return roster, [known.get(ident) or Member() for ident in roster]


def detect_drift(
    touchpoints: Iterable[Event],
    *,
    now: dt.datetime,
    members: Cohort | Iterable[RosterMember] | Iterable[str] | None = None,
    policy: DriftPolicy = DriftPolicy(),
) -> tuple[DriftReport, ...]:
    """
    Compare each member's recent engagement with their own baseline.

    For each member, a Shiryaev-Roberts sum over their kept and missed
    touchpoints against their own usual rate (shrunk toward the cohort's
    while their history is short) raises a flag when the evidence that
    they now show up at ``policy.drop`` of that rate passes a threshold set
    by the false-flag budget. The run of evidence is never folded into the
    baseline, so the baseline does not absorb the drop it detects. A run
    of misses in a row too unlikely for the member's own rate is a flag of
    its own (silence), its false flags counted in the same budget.
    Excused touchpoints are never misses. Activity, where given, keeps a
    member who is still in touch from being called disengaged.

    Args:
        touchpoints: Touchpoints (and any `Activity`) of any number of
            members, in any order.
        now: The moment of the reports; timezone-aware. Nothing may be
            later.
        members: The roster: a `peerkit.Cohort`, `peerkit.Member` values or
            member ids. With one, every member on it gets a report (one
            with no touchpoints is ``new``, and its evidence says there is
            nothing yet) and members not on it are left out. Without one,
            every member in *touchpoints* gets a report.
        policy: Budget, minimum history and hysteresis; see `DriftPolicy`.

    Returns:
        One report per member on the roster (without one, per member in
        the input), in member-id order.

    Raises:
        peerkit.errors.InvalidInputError: If an item is not a touchpoint or
            an activity, or one is later than *now*, or *now* is naive.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> record = ["kept"] * 12 + ["missed", "kept"] + ["missed"] * 4
        >>> touchpoints = [
        ...     Touchpoint("ada", start.add(weeks=i), outcome)
        ...     for i, outcome in enumerate(record)
        ... ]
        >>> [report] = detect_drift(touchpoints, now=start.add(weeks=18))
        >>> report.status, str(report.onset.date())
        (<DriftStatus.DISENGAGED: 'disengaged'>, '2024-03-25')
        >>> for reason in report.evidence:
        ...     print(reason.message)
        Kept 1 of 6 check-ins since 25 March, usually about 6 of 6.
        Missed the last 4 in a row; last kept one on 1 April.
        No other activity since the misses began.

    Added in 0.1.
    """
    check_instance("policy", policy, DriftPolicy, "a DriftPolicy")
    now_us = check_now(now)
    reported = as_datetime(now)
    touchpoint_list, activities = split_events(touchpoints)
    roster = roster_ids(members)
    idents, states = member_states(
        touchpoint_list, activities, now=now_us, policy=policy
    )
    if roster is not None:
        idents, states = on_roster(roster, idents, states)
    prior = policy.cohort_rate * policy.prior_strength
    budgets = silence_budgets(policy)
    return tuple(
        report_of(
            ident,
            state,
            reported,
            prior=prior,
            strength=policy.prior_strength,
            disengaged_after=policy.disengaged_after,
            min_history=policy.min_history,
            budgets=budgets,
        )
        for ident, state in zip(idents, states, strict=True)
    )


def outreach_queue(
    reports: Iterable[DriftReport], *, limit: int | None = None
) -> tuple[DriftReport, ...]:
    """
    Who to reach out to first: flagged members, most urgent first.

    Disengaged and drifting members, by severity, then disengaged before
    drifting, then by how long ago the drift began (earlier first), then by
    id. Each report carries its
    `DriftReport.evidence` to open the conversation with.

    Args:
        reports: Reports from `detect_drift` or `DriftMonitor`.
        limit: At most this many (None: all flagged members).

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> record = {"ada": ["kept"] * 14, "ben": ["kept"] * 8 + ["missed"] * 6}
        >>> touchpoints = [
        ...     Touchpoint(who, start.add(weeks=i), outcome)
        ...     for who, outcomes in record.items()
        ...     for i, outcome in enumerate(outcomes)
        ... ]
        >>> queue = outreach_queue(detect_drift(touchpoints, now=start.add(weeks=14)))
        >>> [(r.member_id, r.status.value) for r in queue]
        [('ben', 'disengaged')]

    Added in 0.1.
    """
    if limit is not None:
        check_int("limit", limit, minimum=0)
    if isinstance(reports, (str, bytes, Mapping)) or not isinstance(reports, Iterable):
        raise InvalidInputError("reports", reports, "an iterable of DriftReport")
    flagged: list[DriftReport] = []
    for i, report in enumerate(reports):
        if not isinstance(report, DriftReport):
            raise InvalidInputError(f"reports[{i}]", report, "a DriftReport")
        if report.status in (DriftStatus.DRIFTING, DriftStatus.DISENGAGED):
            flagged.append(report)
    flagged.sort(
        key=lambda r: (
            -r.severity,
            r.status is not DriftStatus.DISENGAGED,
            r.onset.timestamp() if r.onset is not None else 0.0,
            r.member_id,
        )
    )
    return tuple(flagged if limit is None else flagged[:limit])
