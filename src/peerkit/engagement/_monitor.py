"""DriftMonitor: the same statistic online, with its state as plain data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from peerkit._instants import from_micros
from peerkit._validate import (
    check_instance,
    instance,
    integer,
    number,
    string,
    to_tuple,
    tuple_of,
)
from peerkit.engagement._engine import FLOOR, MIXED, NONE, Member, stepper
from peerkit.engagement._policy import DriftPolicy
from peerkit.engagement._report import DriftReport, report_of
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

_INTS = (
    "kb", "nb", "kr", "nr", "run_start", "onset", "reeng", "n", "first",
    "last_key", "win", "wn", "miss_run", "miss_start", "kept", "excused",
    "last_kept", "last_activity", "last_seen",
)  # fmt: skip


def _int_field() -> Any:
    return attrs.field(validator=integer(NONE))


@attrs.frozen(kw_only=True)
class MemberState:
    """
    One member's drift statistic, as plain numbers (part of `DriftState`).

    Instants are POSIX microseconds and -1 means "none". The fields are the
    statistic's own; treat them as opaque, store and restore them whole.

    Examples:
        >>> import pendulum
        >>> from peerkit.engagement import DriftMonitor, Touchpoint
        >>> monitor = DriftMonitor()
        >>> _ = monitor.observe(
        ...     Touchpoint("ada", pendulum.datetime(2024, 1, 1), "kept")
        ... )
        >>> (saved,) = monitor.state.members
        >>> saved.member_id, saved.kept, saved.flagged
        ('ada', 1, False)

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    kb: int = _int_field()
    nb: int = _int_field()
    kr: int = _int_field()
    nr: int = _int_field()
    s: float = attrs.field(validator=number(FLOOR))
    h: float | None = attrs.field(validator=number(0.0, optional=True))
    run_start: int = _int_field()
    onset: int = _int_field()
    flagged: bool = attrs.field(validator=instance(bool, "True or False"))
    reeng: int = _int_field()
    n: int = _int_field()
    first: int = _int_field()
    last_key: int = _int_field()
    win: int = _int_field()
    wn: int = _int_field()
    miss_run: int = _int_field()
    miss_start: int = _int_field()
    kept: int = _int_field()
    excused: int = _int_field()
    last_kept: int = _int_field()
    last_activity: int = _int_field()
    last_seen: int = _int_field()
    kind: str | None = attrs.field(validator=string(optional=True))


def _to_members(value: Iterable[MemberState]) -> tuple[MemberState, ...]:
    return to_tuple(value)


@attrs.frozen(kw_only=True)
class DriftState:
    """
    A `DriftMonitor`'s whole state: its policy and every member's statistic.

    Plain data: ``peerkit.to_json(monitor.state)`` stores it, and
    ``DriftMonitor.from_state(peerkit.from_json(DriftState, text))``
    resumes exactly where it stopped.

    Attributes:
        policy: The monitor's policy.
        members: Each member's statistic, in member-id order.

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

    Added in 0.1.
    """

    policy: DriftPolicy = attrs.field(validator=instance(DriftPolicy, "a DriftPolicy"))
    members: tuple[MemberState, ...] = attrs.field(
        converter=_to_members, validator=tuple_of(MemberState, "a MemberState")
    )

    @members.validator
    def _check_unique(self, _attr: attrs.Attribute[Any], _value: object) -> None:
        seen: set[str] = set()
        for i, member in enumerate(self.members):
            if member.member_id in seen:
                raise InvalidInputError(
                    f"members[{i}].member_id", member.member_id, "member ids unique"
                )
            seen.add(member.member_id)


def _order(event: Event) -> tuple[int, int]:
    """The monitor's order: by time, and at one instant missed, kept, excused."""
    if isinstance(event, Touchpoint):
        return (event._key >> 2, event._key & 3)  # noqa: SLF001 - our own field
    return (event._us, 3)  # noqa: SLF001


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

    __slots__ = ("_members", "_policy", "_step")

    def __init__(self, policy: DriftPolicy = DriftPolicy()) -> None:
        self._policy = check_instance("policy", policy, DriftPolicy, "a DriftPolicy")
        self._step = stepper(policy)
        self._members: dict[str, Member] = {}

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
        if type(event) is Touchpoint or isinstance(event, Touchpoint):
            ident = event.member_id
            m = members.get(ident)
            if m is None:
                m = members[ident] = Member()
            key = event._key  # noqa: SLF001 - our own cached field
            code = key & 3
            at = key >> 2
            if code != EXCUSED:  # excused ones never move the statistic
                if key < m.last_key:
                    raise InvalidInputError(
                        "touchpoint.due",
                        event.due,
                        "no earlier than this member's last kept or missed one "
                        f"({from_micros(m.last_key >> 2)}; at one instant, missed "
                        "before "
                        "kept): the monitor takes each member's touchpoints in time "
                        "order; use detect_drift for a history in any order",
                    )
                m.last_key = key
            kind = event.kind
            if m.kind is None:
                m.kind = kind
            elif m.kind != kind:
                m.kind = MIXED
            if code == EXCUSED:
                m.excused += 1
            else:
                self._step.step(m, code, at)
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
        return self._report(ident, m, utc_moment(m.last_seen))

    def observe_many(self, events: Iterable[Event]) -> None:
        """
        Take a batch of events, in any order: they are observed in time order.

        A week's check-ins and meetings can be handed over as they are
        collected; within the batch they are put in the monitor's order (by
        time, and at one instant missed before kept) and observed one by
        one, as `observe` does. Ask for `reports` afterwards.

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
        for i, event in enumerate(listed):
            if not isinstance(event, (Touchpoint, Activity)):
                raise InvalidInputError(
                    f"events[{i}]", event, "a Touchpoint or an Activity"
                )
        for event in sorted(listed, key=_order):
            self.observe(event)

    def _report(self, ident: str, m: Member, now: Any) -> DriftReport:
        policy = self._policy
        return report_of(
            ident,
            m,
            now,
            prior=self._step.prior,
            strength=policy.prior_strength,
            disengaged_after=policy.disengaged_after,
            min_history=policy.min_history,
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

    def reports(self, *, now: dt.datetime) -> tuple[DriftReport, ...]:
        """
        Every member's report at *now*, in member-id order.

        Equal to `detect_drift` on every event observed so far.

        Raises:
            peerkit.errors.InvalidInputError: If *now* is before any event.

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
        """
        at = utc_moment(check_now(now))
        result = []
        for ident in sorted(self._members):
            m = self._members[ident]
            self._check_now(m, now)
            result.append(self._report(ident, m, at))
        return tuple(result)

    @property
    def state(self) -> DriftState:
        """
        The monitor's whole state as a frozen, plain value.

        Examples:
            >>> import pendulum
            >>> import peerkit
            >>> from peerkit.engagement import DriftMonitor, Touchpoint
            >>> monitor = DriftMonitor()
            >>> _ = monitor.observe(
            ...     Touchpoint("ada", pendulum.datetime(2024, 1, 1), "kept")
            ... )
            >>> [m.member_id for m in monitor.state.members]
            ['ada']
            >>> stored = peerkit.to_json(monitor.state)  # keep it between runs
        """
        saved: list[MemberState] = []
        for ident, m in sorted(self._members.items()):
            numbers: dict[str, Any] = {name: getattr(m, name) for name in _INTS}
            saved.append(
                MemberState(
                    member_id=ident,
                    s=m.s,
                    h=None if m.h == float("inf") else m.h,
                    flagged=m.flagged,
                    kind=m.kind,
                    **numbers,
                )
            )
        return DriftState(policy=self._policy, members=tuple(saved))

    @classmethod
    def from_state(cls, state: DriftState) -> DriftMonitor:
        """
        A monitor that resumes exactly where *state* was taken.

        Raises:
            peerkit.errors.InvalidInputError: If *state* is not a DriftState.

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
        if not isinstance(state, DriftState):
            raise InvalidInputError("state", state, "a DriftState")
        monitor = cls(state.policy)
        for saved in state.members:
            m = Member()
            for name in _INTS:
                setattr(m, name, getattr(saved, name))
            m.s = saved.s
            m.h = float("inf") if saved.h is None else saved.h
            m.flagged = saved.flagged
            m.kind = saved.kind
            monitor._members[saved.member_id] = m
        return monitor
