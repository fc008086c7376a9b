"""Simulated questionnaires and session feedback that follow engagement."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs
import pendulum

from peerkit._instants import to_utc
from peerkit._intervals import Interval
from peerkit._validate import (
    check_float,
    check_instance,
    check_iterable,
    check_seed,
    check_str,
    instance,
    instant,
    tuple_of,
)
from peerkit.datasets._engagement import SimulatedEngagement, sample_engagement
from peerkit.datasets._sample import sample_cohort
from peerkit.engagement import Touchpoint
from peerkit.errors import InvalidInputError
from peerkit.outcomes import GAD7, PHQ9, WEMWBS, Instrument, Measurement, Rating


@attrs.frozen(kw_only=True)
class SimulatedOutcomes:
    """
    Questionnaires before and after a simulated programme, and feedback.

    Attributes:
        measurements: PHQ-9, GAD-7 and WEMWBS scores at baseline and at
            follow-up, member by member.
        ratings: Each group's session ratings (0-10) from the members who
            came.
        baseline_period: When baseline questionnaires were taken.
        followup_period: When follow-up questionnaires were taken.
        now: The end of the record (the follow-up period's end): the
            moment to judge it at.

    Examples:
        >>> from peerkit.datasets import sample_outcomes
        >>> sample = sample_outcomes()
        >>> print(
        ...     sample.baseline_period.start.date(), sample.followup_period.start.date()
        ... )
        2024-01-01 2024-06-17
        >>> sample.now == sample.followup_period.end
        True

    Added in 0.1.
    """

    measurements: tuple[Measurement, ...] = attrs.field(
        validator=tuple_of(Measurement, "a Measurement")
    )
    ratings: tuple[Rating, ...] = attrs.field(validator=tuple_of(Rating, "a Rating"))
    baseline_period: Interval = attrs.field(validator=instance(Interval, "an Interval"))
    followup_period: Interval = attrs.field(validator=instance(Interval, "an Interval"))
    now: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())

    def of(self, instrument: Instrument) -> tuple[Measurement, ...]:
        """
        The measurements on one questionnaire (`programme_outcomes` takes one).

        Examples:
            >>> from peerkit.datasets import sample_outcomes
            >>> from peerkit.outcomes import GAD7
            >>> gad7 = sample_outcomes().of(GAD7)
            >>> len(gad7), {m.instrument.name for m in gad7}
            (106, {'GAD-7'})
        """
        check_instance("instrument", instrument, Instrument, "an Instrument")
        return tuple(
            m for m in self.measurements if instrument.same_questionnaire(m.instrument)
        )


# Per instrument: baseline mean and spread, the change for a member who
# kept nothing and the extra change for one who kept everything (points,
# lower-is-better scales fall), and the spread of individual changes.
# A read-only view: module state nobody can change under another thread.
_MODEL: Mapping[str, tuple[float, float, float, float, float]] = MappingProxyType(
    {
        "PHQ-9": (13.5, 5.0, 0.5, -6.0, 4.5),
        "GAD-7": (11.0, 4.5, 0.5, -4.5, 3.5),
        "WEMWBS": (39.0, 8.0, -0.5, 8.0, 7.0),
    }
)
_READY: tuple[Instrument, ...] = (PHQ9, GAD7, WEMWBS)


def _clip(value: float, instrument: Instrument) -> float:
    return float(min(max(round(value), instrument.low), instrument.high))


def _kept_shares(
    touchpoints: Iterable[object], weeks: int, end: pendulum.DateTime
) -> dict[str, tuple[float, float]]:
    """Each member's kept share over the whole record and its last weeks."""
    counts: dict[str, list[int]] = {}
    recent = end.subtract(weeks=weeks)
    for event in touchpoints:
        if not isinstance(event, Touchpoint) or event.outcome == "excused":
            continue
        row = counts.setdefault(event.member_id, [0, 0, 0, 0])
        kept = event.outcome == "kept"
        row[0] += kept
        row[1] += 1
        if event.due >= recent:
            row[2] += kept
            row[3] += 1
    return {
        who: (k / n if n else 0.0, rk / rn if rn else k / n if n else 0.0)
        for who, (k, n, rk, rn) in counts.items()
    }


def _groups(groups: object) -> dict[str, tuple[str, ...]]:
    if groups is None:
        return {}
    if not isinstance(groups, Mapping):
        raise InvalidInputError(
            "groups", groups, "a mapping of group ids to member ids"
        )
    out = {}
    for group, members in groups.items():
        check_str("groups", group)
        path = f"groups[{group!r}]"
        listed = check_iterable(path, members, "an iterable of member ids")
        out[group] = tuple(
            check_str(f"{path}[{i}]", member) for i, member in enumerate(listed)
        )
    return out


def _falling_group(value: object, rosters: dict[str, tuple[str, ...]]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in rosters:
        raise InvalidInputError(
            "falling_group", value, "None or the id of a group in groups"
        )
    return value


def simulate_outcomes(
    engagement: SimulatedEngagement,
    *,
    groups: Mapping[str, Iterable[str]] | None = None,
    followup_loss: float = 0.1,
    falling_group: str | None = None,
    seed: int = 0,
) -> SimulatedOutcomes:
    """
    Questionnaires and session feedback for a simulated engagement record.

    Every member takes the PHQ-9, GAD-7 and WEMWBS in the record's first
    two weeks (a few miss it) and again in its last two (half the record
    each, if it is shorter than four weeks). How much a
    member's scores improve follows how much they engaged: a member who
    kept every touchpoint improves by about 5.5 PHQ-9 points on average, one
    who kept none not at all, with wide individual spread. Members who
    drifted away are much more likely to miss the follow-up (as in real
    programmes), so attrition is selective, which is what an honest
    report has to show. Where *groups* are given, members who kept a
    meeting rate that week's session 0-10 (sessions on the record's
    Mondays at 18:00 UTC); *falling_group*'s feedback sinks week by week
    in the second half.

    Args:
        engagement: A record from `simulate_engagement` or
            `sample_engagement`.
        groups: Group id to its members' ids, for session feedback.
        followup_loss: Chance that a member who stayed engaged misses the
            follow-up; a disengaged member's chance is much higher.
        falling_group: A group whose feedback falls, or None.
        seed: The random seed.

    Examples:
        >>> from peerkit.datasets import simulate_engagement
        >>> sim = simulate_outcomes(simulate_engagement(20, week_count=12), seed=1)
        >>> len({m.member_id for m in sim.measurements})
        20

    Added in 0.1.
    """
    check_instance(
        "engagement", engagement, SimulatedEngagement, "a SimulatedEngagement"
    )
    rosters = _groups(groups)
    check_float("followup_loss", followup_loss, low=0.0, high=1.0)
    falling = _falling_group(falling_group, rosters)
    check_seed(seed)
    rng = random.Random(f"peerkit-outcomes-{seed}")
    start, end = engagement.start, engagement.now
    # Two weeks each, or half a record shorter than four weeks.
    span = min(dt.timedelta(weeks=2), (end - start) / 2)
    baseline = Interval(start, start + span)
    followup = Interval(end - span, end)
    weeks = max(1, round((end - start).total_seconds() / (7 * 86400)))
    shares = _kept_shares(engagement.touchpoints, min(8, weeks), end)
    hours = max(1, int(baseline.minutes // 60))
    measurements: list[Measurement] = []
    for member in sorted(shares):
        overall, recent = shares[member]
        response = rng.gauss(0.0, 1.0)  # a member's own responsiveness
        took_baseline = rng.random() >= 0.03
        loss = followup_loss + (1 - followup_loss) * 0.8 * (1 - recent) ** 2
        took_followup = rng.random() >= loss
        first = start.add(hours=rng.randrange(hours))
        last = followup.start.add(hours=rng.randrange(hours))
        for instrument in _READY:
            mean, spread, floor, gain, noise = _MODEL[instrument.name]
            pre = _clip(rng.gauss(mean, spread), instrument)
            change = (
                floor
                + gain * overall
                + noise * (0.6 * response + 0.8 * rng.gauss(0, 1))
            )
            post = _clip(pre + change, instrument)
            if took_baseline:
                measurements.append(Measurement(member, instrument, first, pre))
            if took_followup:
                measurements.append(Measurement(member, instrument, last, post))
    ratings = _ratings(engagement, rosters, falling, rng)
    return SimulatedOutcomes(
        measurements=tuple(measurements),
        ratings=tuple(ratings),
        baseline_period=baseline,
        followup_period=followup,
        now=end,
    )


def _ratings(
    engagement: SimulatedEngagement,
    rosters: dict[str, tuple[str, ...]],
    falling_group: str | None,
    rng: random.Random,
) -> list[Rating]:
    weeks = round((engagement.now - engagement.start).total_seconds() / (7 * 86400))
    group_of = {m: g for g, members in sorted(rosters.items()) for m in members}
    came: dict[tuple[str, int], list[str]] = {}
    for event in engagement.touchpoints:
        if (
            isinstance(event, Touchpoint)
            and event.kind == "meeting"
            and event.outcome == "kept"
            and event.member_id in group_of
        ):
            week = int((event.due - engagement.start).total_seconds() // (7 * 86400))
            came.setdefault((group_of[event.member_id], week), []).append(
                event.member_id
            )
    level = {group: rng.uniform(7.0, 8.5) for group in sorted(rosters)}
    ratings = []
    for group, week in sorted(came):
        session = engagement.start.add(weeks=week, hours=18)
        if session >= engagement.now:
            continue
        half = weeks // 2
        drop = 0.4 * max(0, week - half) if group == falling_group else 0.0
        for _member in sorted(came[group, week]):
            score = level[group] - drop + rng.gauss(0.0, 1.0)
            ratings.append(Rating(group, session, float(min(max(round(score), 0), 10))))
    return ratings


@functools.cache
def sample_outcomes() -> SimulatedOutcomes:
    """
    Questionnaires and session feedback for the sample cohort's 26 weeks.

    Built by `simulate_outcomes` on `sample_engagement`, with the sample
    cohort's groups; group ``g3``'s feedback falls over the weeks. Built
    once and shared: the value is immutable, so threads may share it, and
    a build that fails caches nothing.

    Examples:
        >>> from peerkit.outcomes import PHQ9, programme_outcomes
        >>> sample = sample_outcomes()
        >>> summary = programme_outcomes(
        ...     sample.of(PHQ9),
        ...     instrument=PHQ9,
        ...     baseline_period=sample.baseline_period,
        ...     followup_period=sample.followup_period,
        ... )
        >>> summary.member_count
        60

    Added in 0.1.
    """
    cohort = sample_cohort()
    return simulate_outcomes(
        sample_engagement(),
        groups={g.id: [m.id for m in g.members] for g in cohort.groups},
        falling_group="g3",
        seed=2024,
    )
