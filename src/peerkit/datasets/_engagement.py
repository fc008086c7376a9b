"""Simulated engagement with ground truth, and the sample cohort's record."""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable

import attrs
import pendulum

from peerkit._instants import MAX_DATE, MIN_DATE, as_instant
from peerkit._model import Member
from peerkit._validate import (
    check_float,
    check_int,
    check_seed,
    instance,
    instant,
    string,
    tuple_of,
    unit,
)
from peerkit.datasets._limits import check_member_count
from peerkit.datasets._sample import sample_cohort
from peerkit.engagement import Activity, Outcome, Touchpoint
from peerkit.errors import InvalidInputError

# One touchpoint a week is a partner check-in; three are the group's
# meeting and two partner check-ins (days after the week's Monday).
_SHAPES: dict[int, tuple[tuple[int, str], ...]] = {
    1: ((0, "checkin"),),
    2: ((0, "meeting"), (3, "checkin")),
    3: ((0, "meeting"), (2, "checkin"), (4, "checkin")),
}
_HOUR = 18  # local time of every touchpoint


@attrs.frozen(kw_only=True)
class DriftTruth:
    """
    What the simulator did to one member: the answer drift detection seeks.

    Attributes:
        member_id: The member.
        baseline_rate: Their true kept rate before any drift.
        drifts: Whether their rate drops.
        onset: The due time of their first touchpoint at the lower rate.
        drift_rate: Their true kept rate from *onset* on.

    Examples:
        >>> from peerkit.datasets import sample_engagement
        >>> from peerkit.engagement import detect_drift
        >>> record = sample_engagement()
        >>> drifting = {t.member_id for t in record.truth if t.drifts}
        >>> reports = detect_drift(record.touchpoints, now=record.now)
        >>> flagged = {r.member_id for r in reports if r.flagged}
        >>> len(drifting), len(flagged), len(flagged & drifting)
        (18, 14, 14)

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    baseline_rate: float = attrs.field(validator=unit())
    drifts: bool = attrs.field(validator=instance(bool, "True or False"))
    onset: pendulum.DateTime | None = attrs.field(validator=instant(optional=True))
    drift_rate: float | None = attrs.field(validator=unit(optional=True))


@attrs.frozen(kw_only=True)
class SimulatedEngagement:
    """
    A simulated record of touchpoints with its ground truth.

    Attributes:
        touchpoints: Every touchpoint (and activity), member by member in
            time order.
        truth: What happened to each member, in member-id order.
        start: The Monday the record starts (UTC).
        now: The end of the record: the moment to judge it at.

    Examples:
        >>> from peerkit.datasets import simulate_engagement
        >>> record = simulate_engagement(20, week_count=12, seed=1)
        >>> len(record.touchpoints), len(record.truth)
        (240, 20)
        >>> str(record.start), str(record.now)
        ('2024-01-01 00:00:00+00:00', '2024-03-25 00:00:00+00:00')

    Added in 0.1.
    """

    touchpoints: tuple[Touchpoint | Activity, ...] = attrs.field(
        validator=tuple_of((Touchpoint, Activity), "a Touchpoint or an Activity")
    )
    truth: tuple[DriftTruth, ...] = attrs.field(
        validator=tuple_of(DriftTruth, "a DriftTruth")
    )
    start: pendulum.DateTime = attrs.field()
    now: pendulum.DateTime = attrs.field()


def _people(members: object) -> list[tuple[str, str]]:
    if isinstance(members, int) and not isinstance(members, bool):
        check_member_count("members", members)
        width = len(str(max(members - 1, 1)))
        return [(f"m{i:0{width}d}", "UTC") for i in range(members)]
    if isinstance(members, (str, bytes)) or not isinstance(members, Iterable):
        raise InvalidInputError("members", members, "a count or an iterable of Member")
    people = []
    for i, member in enumerate(members):
        if not isinstance(member, Member):
            raise InvalidInputError(f"members[{i}]", member, "a Member")
        people.append((member.id, member.timezone))
    return sorted(set(people))


def simulate_engagement(  # noqa: PLR0913 - a simulator's knobs, all keyword-only
    members: int | Iterable[Member] = 200,
    *,
    week_count: int = 52,
    per_week: int = 1,
    drift_share: float = 0.5,
    excused_rate: float = 0.02,
    activity_rate: float = 0.0,
    start: pendulum.DateTime | None = None,
    seed: int = 0,
) -> SimulatedEngagement:
    """
    Weekly touchpoints for a cohort, some members drifting, with the truth.

    Each member keeps touchpoints at their own true rate (drawn around 80%,
    as weekly attendance in peer programmes tends to be). A *drift_share*
    of members drift: from a random week in the middle two thirds of the
    record, their rate drops to 30-60% of their own. Touchpoints fall at
    18:00 in each member's own zone; a few are excused. The output is a
    pure function of the arguments.

    Args:
        members: How many members (ids ``m000``...), or the members
            themselves (their ids and time zones are used).
        week_count: Length of the record, in weeks.
        per_week: Touchpoints a week: 1 (a partner check-in), 2 (a meeting
            and a check-in) or 3 (a meeting and two check-ins).
        drift_share: Share of members who drift.
        excused_rate: Chance a touchpoint is excused.
        activity_rate: Chance a member sends a message in a week (at the
            same rate drifting or not); 0 for no activity.
        start: The Monday the record starts; default 1 January 2024 UTC.
        seed: The random seed (an integer of at most 2**63 either side of 0).

    Examples:
        >>> sim = simulate_engagement(10, week_count=26, seed=1)
        >>> len(sim.truth), len(sim.touchpoints)
        (10, 260)

    Added in 0.1.
    """
    people = _people(members)
    check_int("week_count", week_count, minimum=1, maximum=520)
    check_int("per_week", per_week, minimum=1, maximum=3)
    check_float("drift_share", drift_share, low=0.0, high=1.0)
    check_float("excused_rate", excused_rate, low=0.0, high=0.5)
    check_float("activity_rate", activity_rate, low=0.0, high=1.0)
    check_seed(seed)
    first = (
        pendulum.datetime(2024, 1, 1) if start is None else as_instant("start", start)
    )
    first = first.in_timezone("UTC")
    first = first.subtract(days=first.weekday()).start_of("day")  # its Monday
    if first.date() < MIN_DATE or (MAX_DATE - first.date()).days < 7 * week_count:
        raise InvalidInputError(
            "start",
            start,
            f"a Monday from which {week_count} weeks fit between {MIN_DATE} "
            f"and {MAX_DATE}",
        )
    rng = random.Random(f"peerkit-engagement-{seed}")
    shape = _SHAPES[per_week]
    dues = functools.lru_cache(maxsize=None)(
        lambda zone: [
            [
                (pendulum.datetime(d.year, d.month, d.day, _HOUR, tz=zone), kind)
                for offset, kind in shape
                for d in [first.add(weeks=week, days=offset)]
            ]
            for week in range(week_count)
        ]
    )
    low, high = max(1, week_count // 6), max(1, week_count - week_count // 6 - 1)
    events: list[Touchpoint | Activity] = []
    truth = []
    for ident, zone in people:
        rate = min(max(rng.betavariate(6.0, 1.5), 0.3), 0.98)
        drifts = rng.random() < drift_share
        week0 = rng.randint(low, high) if drifts else week_count
        ratio = rng.uniform(0.3, 0.6)
        onset = None
        for week, slots in enumerate(dues(zone)):
            p = rate * ratio if week >= week0 else rate
            for due, kind in slots:
                if week == week0 and onset is None:
                    onset = due
                outcome: Outcome
                if rng.random() < excused_rate:
                    outcome = "excused"
                else:
                    outcome = "kept" if rng.random() < p else "missed"
                events.append(Touchpoint(ident, due, outcome, kind))
            if activity_rate and rng.random() < activity_rate:
                events.append(Activity(ident, slots[0][0].add(days=1, hours=2)))
        truth.append(
            DriftTruth(
                member_id=ident,
                baseline_rate=rate,
                drifts=drifts and onset is not None,
                onset=onset,
                drift_rate=rate * ratio if onset is not None else None,
            )
        )
    return SimulatedEngagement(
        touchpoints=tuple(events),
        truth=tuple(truth),
        start=first,
        now=first.add(weeks=week_count),
    )


@functools.cache
def sample_engagement() -> SimulatedEngagement:
    """
    26 weeks of touchpoints for the sample cohort, with the truth.

    Every member of `sample_cohort` has a weekly group meeting and a
    partner check-in at 18:00 in their own zone from Monday 1 January
    2024; about a third drift, some still send messages. Judge it at
    ``.now``.

    Examples:
        >>> from peerkit.engagement import detect_drift
        >>> sample = sample_engagement()
        >>> reports = detect_drift(sample.touchpoints, now=sample.now)
        >>> len(reports)
        60

    Added in 0.1.
    """
    return simulate_engagement(
        sample_cohort().members,
        week_count=26,
        per_week=2,
        drift_share=0.35,
        activity_rate=0.3,
        seed=2024,
    )
