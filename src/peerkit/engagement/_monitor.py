"""DriftMonitor: the same statistic online, with its state as plain data."""

from __future__ import annotations

import json
import math
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from peerkit._instants import from_micros
from peerkit._validate import check_instance, instance, integer, to_tuple
from peerkit.engagement._detect import _codes, _numbering, roster_ids
from peerkit.engagement._engine import MIXED, NONE, Member, run_batch, stepper
from peerkit.engagement._policy import DriftPolicy
from peerkit.engagement._report import (
    NONE_MOMENT,
    DriftReport,
    build_report,
    report_of,
)
from peerkit.engagement._silence import silence_budgets
from peerkit.engagement._state import decode
from peerkit.engagement._touchpoint import (
    EXCUSED,
    Activity,
    Event,
    Touchpoint,
    check_now,
    utc_moment,
)
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from peerkit._model import Cohort
    from peerkit._model import Member as RosterMember

_KEY = attrgetter("_key")
_ID = attrgetter("member_id")
_KIND = attrgetter("kind")

# A batch this large is taken through the batch statistic (`run_batch`);
# a smaller one event by event. Both give the same state, bit for bit.
BATCH_AT = 64
ACTIVITY = 3  # an activity's code in the monitor's keys: after all at one instant

# The saved state's layout, version 1: per member, these values in order.
STATE_VERSION = 1
_FIELDS = (
    "member_id", "kind", "kb", "nb", "kr", "nr", "s", "h", "q", "run_start",
    "onset", "flagged", "reeng", "n", "first", "last_key", "win", "wn",
    "miss_run", "miss_start", "kept", "excused", "last_kept", "last_activity",
    "last_seen",
)  # fmt: skip
_INTS = tuple(f for f in _FIELDS if f not in {"member_id", "kind", "s", "h", "flagged"})


@attrs.frozen(kw_only=True)
class DriftState:
    """
    A `DriftMonitor`'s whole state, as an opaque, versioned payload.

    Store it whole and hand it back: ``peerkit.to_json(monitor.state)``
    stores it, and ``DriftMonitor.from_state(peerkit.from_json(DriftState,
    text))`` resumes exactly where it stopped. The payload's layout is
    private and may change between versions; `DriftMonitor.from_state`
    checks every value in it and refuses a state no history could have
    produced.

    Attributes:
        version: The payload's layout.
        policy: The monitor's policy.
        payload: Every member's statistic, in a private layout.

    Examples:
        >>> import pendulum
        >>> import peerkit
        >>> from peerkit.engagement import DriftMonitor, DriftState, Touchpoint
        >>> monitor = DriftMonitor()
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> monitor.observe_many(
        ...     [Touchpoint("ada", start.add(weeks=w), "kept") for w in range(8)]
        ... )
        >>> text = peerkit.to_json(monitor.state)
        >>> peerkit.from_json(DriftState, text) == monitor.state
        True

    Added in 0.1; opaque since 0.2.
    """

    version: int = attrs.field(validator=integer(1, 1_000_000))
    policy: DriftPolicy = attrs.field(validator=instance(DriftPolicy, "a DriftPolicy"))
    payload: str = attrs.field(validator=instance(str, "a string"))


def _encode(members: dict[str, Member]) -> str:
    rows = []
    for ident in sorted(members):
        m = members[ident]
        row: list[object] = [getattr(m, name) for name in _FIELDS[1:]]
        row[_FIELDS.index("h") - 1] = None if m.h == math.inf else m.h
        rows.append([ident, *row])
    return json.dumps(rows, separators=(",", ":"), allow_nan=False)


class DriftMonitor:
    """
    Drift detection online: feed events as they arrive, ask at any moment.

    The statistic is `detect_drift`'s, step for step: replaying a history
    in time order gives the same reports as detecting on the whole of it.
    Each member's kept and missed touchpoints must arrive in time order (at
    one instant, a missed one before a kept one); excused touchpoints and
    activity may arrive in any order. The monitor
    is the one mutable object in peerkit; its `state` is a frozen, plain
    value to store between runs.

    Args:
        policy: See `DriftPolicy`.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import Touchpoint
        >>> monitor = DriftMonitor()
        >>> start = pendulum.datetime(2024, 1, 1)
        >>> for week in range(8):
        ...     report = monitor.observe(
        ...         Touchpoint("ada", start.add(weeks=week), "kept")
        ...     )
        >>> report.status.value
        'steady'

    Added in 0.1.
    """

    __slots__ = ("_budgets", "_members", "_numbers", "_policy", "_step")

    def __init__(self, policy: DriftPolicy = DriftPolicy()) -> None:
        self._policy = check_instance("policy", policy, DriftPolicy, "a DriftPolicy")
        self._step = stepper(policy)
        self._budgets = silence_budgets(policy)
        self._members: dict[str, Member] = {}
        # `report_of`'s policy numbers, for `build_report`.
        self._numbers = (
            self._step.prior,
            policy.prior_strength,
            policy.disengaged_after,
            policy.min_history,
            self._budgets,
        )

    @property
    def policy(self) -> DriftPolicy:
        """
        The monitor's policy.

        Examples:
            >>> import attrs
            >>> from peerkit.engagement import DriftMonitor, DriftPolicy
            >>> policy = attrs.evolve(DriftPolicy(), min_history=4)
            >>> DriftMonitor(policy).policy.min_history
            4
        """
        return self._policy

    def _take(self, event: object) -> tuple[str, Member]:
        """Step the statistic by one event; the member's id and state."""
        members = self._members
        if type(event) is Touchpoint or isinstance(event, Touchpoint):
            ident = event.member_id
            m = members.get(ident)
            if m is None:
                m = members[ident] = Member()
            key = event._key  # noqa: SLF001 - our own cached field
            at = key >> 2
            excused = key & 3 == EXCUSED  # excused ones never move the statistic
            if not excused and key < m.last_key:
                raise _out_of_order(event, m.last_key)
            kind = event.kind
            if m.kind != kind:
                m.kind = kind if m.kind is None else MIXED
            if excused:
                m.excused += 1
            else:
                m.last_key = key
                self._step.step(m, key & 1, at)
        elif isinstance(event, Activity):
            ident = event.member_id
            m = members.get(ident)
            if m is None:
                m = members[ident] = Member()
            at = event._us  # noqa: SLF001
            m.last_activity = max(m.last_activity, at)
        else:
            raise InvalidInputError("event", event, "a Touchpoint or an Activity")
        m.last_seen = max(m.last_seen, at)
        return ident, m

    def observe(self, event: Event) -> DriftReport:
        """
        Take one touchpoint or activity; return that member's report.

        The report is as of the event's own time.

        Raises:
            peerkit.errors.InvalidInputError: If *event* is neither, or is
                a touchpoint earlier than that member's last one.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import DriftMonitor, Touchpoint
            >>> monitor = DriftMonitor()
            >>> report = monitor.observe(
            ...     Touchpoint("ada", pendulum.datetime(2024, 1, 1), "kept")
            ... )
            >>> report.status.value, report.touchpoint_count
            ('new', 1)
        """
        members = self._members
        if type(event) is Touchpoint:  # the common case, `_take` inlined
            ident = event.member_id
            m = members.get(ident)
            if m is None:
                m = members[ident] = Member()
            key = event._key  # noqa: SLF001 - our own cached field
            at = key >> 2
            if key & 3 == EXCUSED:  # excused ones never move the statistic
                m.excused += 1
            elif key < m.last_key:
                raise _out_of_order(event, m.last_key)
            else:
                m.last_key = key
                self._step.step(m, key & 1, at)
            kind = event.kind
            if m.kind != kind:
                m.kind = kind if m.kind is None else MIXED
            moment = event.due
        else:
            ident, m = self._take(event)
            # The event's own instant, already a UTC DateTime: reused, not rebuilt.
            if isinstance(event, Touchpoint):
                at, moment = event._key >> 2, event.due  # noqa: SLF001 - our own field
            else:
                at, moment = event._us, event.at  # noqa: SLF001
        latest = m.last_seen
        if at >= latest:
            m.last_seen = at
            now = moment
        else:
            now = utc_moment(latest)
        return build_report(ident, m, now, at, moment, self._numbers)

    def observe_many(self, events: Iterable[Event]) -> None:
        """
        Take a batch of events, in any order: they are observed in time order.

        A week's check-ins and meetings can be handed over as they are
        collected; within the batch they are put in the monitor's order (by
        time, and at one instant missed before kept) and taken one by one,
        as `observe` takes them, without building a report for each. Ask
        for `reports` afterwards.

        Raises:
            peerkit.errors.InvalidInputError: If an item is not an event
                (nothing is taken then), or, as `observe`, if an event is
                earlier than one already taken for its member (the events
                before it have been taken).

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import Touchpoint
            >>> monday = pendulum.datetime(2024, 3, 4, 18)
            >>> monitor = DriftMonitor()
            >>> monitor.observe_many(
            ...     [
            ...         Touchpoint("ada", monday.add(days=3), "kept"),
            ...         Touchpoint("ada", monday, "kept", kind="meeting"),
            ...         Touchpoint("ada", monday, "missed"),
            ...     ]
            ... )
            >>> monitor.report("ada", now=monday.add(days=7)).touchpoint_count
            3
        """
        listed: object = to_tuple(events)
        if not isinstance(listed, tuple):
            raise InvalidInputError("events", events, "an iterable of events")
        keys: list[int] = []
        if set(map(type, listed)) <= {Touchpoint}:
            keys = list(map(_KEY, listed))
        else:
            self._keys(listed, keys)
        if len(listed) >= BATCH_AT and self._take_batch(listed, keys):
            return
        take = self._take
        for i in sorted(range(len(listed)), key=keys.__getitem__):
            take(listed[i])

    @staticmethod
    def _keys(listed: tuple[object, ...], keys: list[int]) -> None:
        """Each event's key in the monitor's order; refuses a non-event."""
        for i, event in enumerate(listed):
            if type(event) is Touchpoint:
                keys.append(event._key)  # noqa: SLF001 - our own cached field
            elif isinstance(event, Touchpoint):
                keys.append(event._key)  # noqa: SLF001
            elif isinstance(event, Activity):
                keys.append(event._us << 2 | ACTIVITY)  # noqa: SLF001 - after all at one instant
            else:
                raise InvalidInputError(
                    f"events[{i}]", event, "a Touchpoint or an Activity"
                )

    def _take_batch(  # noqa: C901, PLR0912 - one pass per field the online path keeps
        self, events: tuple[Event, ...], keys: list[int]
    ) -> bool:
        """
        Take a batch in time order through the batch statistic (`run_batch`).

        The same arithmetic as taking the events one by one, member by
        member across the batch at once. Returns False, having taken
        nothing, if a member's kept or missed touchpoint is earlier than
        one already taken (the one-by-one path then takes what comes
        before it and refuses it).
        """
        members = self._members
        numbering = _numbering()
        first_seen = _codes(list(map(_ID, events)), numbering)
        codes = first_seen
        idents = list(numbering)
        key_array = np.array(keys, np.int64)
        order = np.lexsort((key_array, codes))
        codes, key_array = codes[order], key_array[order]
        excused = (key_array & 3) == EXCUSED
        activity = (key_array & 3) == ACTIVITY
        decided = ~(excused | activity)
        codes_d, keys_d = codes[decided], key_array[decided]
        # The order check, before anything is taken.
        known = np.array(
            [members[i].last_key if i in members else NONE for i in idents], np.int64
        )
        if codes_d.size:
            starts = np.flatnonzero(np.r_[True, codes_d[1:] != codes_d[:-1]])
            who = codes_d[starts]
            if bool(np.any(keys_d[starts] < known[who])):
                return False
        states = [members.get(i) or Member() for i in idents]
        if codes_d.size:
            lengths = np.diff(np.r_[starts, codes_d.size])
            ran = run_batch(
                self._policy,
                keys_d & 1,
                keys_d >> 2,
                starts,
                lengths,
                initial=[states[c] for c in who.tolist()],
            )
            ends = (starts + lengths - 1).tolist()
            for c, new, end in zip(who.tolist(), ran, ends, strict=True):
                old = states[c]
                new.kind, new.excused = old.kind, old.excused
                new.last_activity, new.last_seen = old.last_activity, old.last_seen
                new.last_key = int(keys_d[end])
                states[c] = new
        if bool(excused.any()):
            for c, n in enumerate(np.bincount(codes[excused], minlength=len(idents))):
                states[c].excused += int(n)
        at = key_array >> 2
        latest = np.full(len(idents), NONE, np.int64)
        np.maximum.at(latest, codes, at)
        if bool(activity.any()):
            active = np.full(len(idents), NONE, np.int64)
            np.maximum.at(active, codes[activity], at[activity])
            for c, a in enumerate(active.tolist()):
                states[c].last_activity = max(states[c].last_activity, a)
        kinds: dict[int, set[str]] = {}
        pairs = (
            zip(first_seen.tolist(), map(_KIND, events), strict=True)
            if not activity.any()
            else (
                (c, e.kind)
                for c, e in zip(first_seen.tolist(), events, strict=True)
                if isinstance(e, Touchpoint)
            )
        )
        for c, kind in set(pairs):
            kinds.setdefault(c, set()).add(kind)
        for c, found in kinds.items():
            m = states[c]
            if len(found) > 1:
                m.kind = MIXED
            else:
                (kind,) = found
                m.kind = kind if m.kind in (None, kind) else MIXED
        for c, (ident, m) in enumerate(zip(idents, states, strict=True)):
            m.last_seen = max(m.last_seen, int(latest[c]))
            members[ident] = m
        return True

    def _report(
        self,
        ident: str,
        m: Member,
        now: Any,
        known: tuple[int, Any] = (NONE, NONE_MOMENT),
    ) -> DriftReport:
        policy = self._policy
        return report_of(
            ident,
            m,
            now,
            prior=self._step.prior,
            strength=policy.prior_strength,
            disengaged_after=policy.disengaged_after,
            min_history=policy.min_history,
            budgets=self._budgets,
            known=known,
        )

    def _check_now(self, m: Member, now: dt.datetime) -> Any:
        at = check_now(now)
        latest = m.last_seen
        if at < latest:
            raise InvalidInputError(
                "now",
                now,
                f"no earlier than the member's latest event ({from_micros(latest)})",
            )
        return utc_moment(at)

    def report(self, member_id: str, *, now: dt.datetime) -> DriftReport:
        """
        One member's report at *now*.

        Raises:
            peerkit.errors.InvalidInputError: If the monitor has not seen
                *member_id*, or *now* is before their latest event.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import DriftMonitor, Touchpoint
            >>> start = pendulum.datetime(2024, 1, 1, 18)
            >>> monitor = DriftMonitor()
            >>> for week in range(18):
            ...     outcome = "kept" if week < 12 else "missed"
            ...     _ = monitor.observe(
            ...         Touchpoint("ada", start.add(weeks=week), outcome)
            ...     )
            >>> report = monitor.report("ada", now=start.add(weeks=18))
            >>> report.status.value, report.missed_in_a_row
            ('disengaged', 6)
        """
        m = self._members.get(member_id) if isinstance(member_id, str) else None
        if m is None:
            raise InvalidInputError(
                "member_id", member_id, "a member the monitor has seen"
            )
        return self._report(member_id, m, self._check_now(m, now))

    def reports(
        self,
        *,
        now: dt.datetime,
        members: Cohort | Iterable[RosterMember] | Iterable[str] | None = None,
    ) -> tuple[DriftReport, ...]:
        """
        Every member's report at *now*, in member-id order.

        Equal to `detect_drift` on every event observed so far, with the
        same roster.

        Args:
            now: The moment of the reports (no earlier than any event of a
                member reported on).
            members: The roster, as `detect_drift` takes it: with one,
                every member on it gets a report (``new``, saying there is
                nothing yet, for one the monitor has not seen), and members
                not on it are left out; without one, every member seen.

        Raises:
            peerkit.errors.InvalidInputError: If *now* is before an event
                of a member reported on, or the roster is not one.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import DriftMonitor, Touchpoint, detect_drift
            >>> start = pendulum.datetime(2024, 1, 1, 18)
            >>> events = [
            ...     Touchpoint(who, start.add(weeks=w), "kept" if w % 3 else "missed")
            ...     for who in ("ada", "bo")
            ...     for w in range(10)
            ... ]
            >>> monitor = DriftMonitor()
            >>> monitor.observe_many(events)
            >>> now = start.add(weeks=10)
            >>> monitor.reports(now=now) == detect_drift(events, now=now)
            True
            >>> [
            ...     r.status.value
            ...     for r in monitor.reports(now=now, members=["ada", "cy"])
            ... ]
            ['steady', 'new']
        """
        at = utc_moment(check_now(now))
        roster = roster_ids(members)
        known = self._members
        idents = sorted(known) if roster is None else roster
        result = []
        for ident in idents:
            m = known.get(ident)
            if m is None:
                m = Member()
            else:
                self._check_now(m, now)
            result.append(self._report(ident, m, at))
        return tuple(result)

    def forget(self, member_id: str) -> None:
        """
        Remove a member completely (the right to erasure).

        Everything the monitor held of them is dropped: their reports, and
        every trace in `state`. A member it has not seen is already
        forgotten. Their later events, if any, start afresh.

        Raises:
            peerkit.errors.InvalidInputError: If *member_id* is not a string.

        Examples:
            >>> import pendulum
            >>> import peerkit
            >>> from peerkit.engagement import DriftMonitor, Touchpoint
            >>> monitor = DriftMonitor()
            >>> _ = monitor.observe(
            ...     Touchpoint("ada", pendulum.datetime(2024, 1, 1), "kept")
            ... )
            >>> monitor.forget("ada")
            >>> "ada" in peerkit.to_json(monitor.state)
            False

        Added in 0.2.
        """
        if not isinstance(member_id, str):
            raise InvalidInputError("member_id", member_id, "a member id")
        self._members.pop(member_id, None)

    @property
    def state(self) -> DriftState:
        """
        The monitor's whole state as a frozen, opaque value.

        Examples:
            >>> import pendulum
            >>> import peerkit
            >>> from peerkit.engagement import DriftMonitor, Touchpoint
            >>> monitor = DriftMonitor()
            >>> _ = monitor.observe(
            ...     Touchpoint("ada", pendulum.datetime(2024, 1, 1), "kept")
            ... )
            >>> monitor.state.version
            1
            >>> stored = peerkit.to_json(monitor.state)  # keep it between runs
        """
        return DriftState(
            version=STATE_VERSION, policy=self._policy, payload=_encode(self._members)
        )

    @classmethod
    def from_state(cls, state: DriftState) -> DriftMonitor:
        """
        A monitor that resumes exactly where *state* was taken.

        Every value in the state is checked: a state no history could have
        produced (a negative count, more kept than due, a statistic past
        its threshold, an unknown version) is refused.

        Raises:
            peerkit.errors.InvalidInputError: If *state* is not a DriftState
                a monitor could have saved.

        Examples:
            >>> import pendulum
            >>> import peerkit
            >>> from peerkit.engagement import DriftMonitor, DriftState, Touchpoint
            >>> start = pendulum.datetime(2024, 1, 1)
            >>> monitor = DriftMonitor()
            >>> _ = monitor.observe(Touchpoint("ada", start, "kept"))
            >>> stored = peerkit.to_json(monitor.state)
            >>> resumed = DriftMonitor.from_state(peerkit.from_json(DriftState, stored))
            >>> later = Touchpoint("ada", start.add(weeks=1), "missed")
            >>> resumed.observe(later) == monitor.observe(later)
            True
        """
        return cls.from_states([state])

    @classmethod
    def from_states(cls, states: Iterable[DriftState]) -> DriftMonitor:
        """
        One monitor holding the members of several states (of one policy).

        For monitors kept per partition: their states together are the
        state one monitor of every event would have. To split a state,
        resume it and `forget` the members that leave.

        Raises:
            peerkit.errors.InvalidInputError: If a state is not one a monitor
                could have saved, the policies differ, a member is in two
                states, or there is no state.

        Examples:
            >>> import pendulum
            >>> from peerkit.engagement import DriftMonitor, Touchpoint
            >>> start = pendulum.datetime(2024, 1, 1)
            >>> left, right = DriftMonitor(), DriftMonitor()
            >>> _ = left.observe(Touchpoint("ada", start, "kept"))
            >>> _ = right.observe(Touchpoint("bo", start, "missed"))
            >>> both = DriftMonitor.from_states([left.state, right.state])
            >>> [r.member_id for r in both.reports(now=start)]
            ['ada', 'bo']

        Added in 0.2.
        """
        if isinstance(states, DriftState):
            states = [states]
        listed = to_tuple(states)
        if not isinstance(listed, tuple) or not listed:
            raise InvalidInputError("states", states, "one or more DriftState values")
        monitor: DriftMonitor | None = None
        for i, state in enumerate(listed):
            path = "state" if len(listed) == 1 else f"states[{i}]"
            if not isinstance(state, DriftState):
                raise InvalidInputError(path, state, "a DriftState")
            if state.version != STATE_VERSION:
                raise InvalidInputError(
                    f"{path}.version",
                    state.version,
                    f"a state version this peerkit reads ({STATE_VERSION})",
                )
            if monitor is None:
                monitor = cls(state.policy)
            elif state.policy != monitor.policy:
                raise InvalidInputError(
                    f"{path}.policy", state.policy, "the same policy in every state"
                )
            read = decode(state.payload, state.policy, monitor._step, _FIELDS)
            for ident, m in read.items():
                if ident in monitor._members:
                    raise InvalidInputError(
                        f"{path}.payload", ident, "each member in one state only"
                    )
                monitor._members[ident] = m
        assert monitor is not None  # noqa: S101 - listed is not empty
        return monitor


def _out_of_order(event: Touchpoint, last_key: int) -> InvalidInputError:
    return InvalidInputError(
        "touchpoint.due",
        event.due,
        "no earlier than this member's last kept or missed one "
        f"({from_micros(last_key >> 2)}; at one instant, missed before kept): "
        "the monitor takes each member's touchpoints in time order; use "
        "detect_drift for a history in any order",
    )
