"""
A twelve-week peer-support programme on peerkit, week by week.

A few hundred members across time zones are formed into groups, paired
with accountability partners (re-paired every four weeks without repeats),
given each round a weekly check-in plan (`plan_checkins`) that fits every
week of the round, in each one's own time and clear of their group's
weekly meeting. Each week the app records who showed up, and
`touchpoints_from_schedule` counts the silence from the schedule (a due
time nobody came to is a miss); drift is detected online for the roster
of placed members; a team's cadence is adapted (closer when one of them
drifts, lighter when all are steady); the coordinator gets an outreach
queue and milestones to celebrate. At the end: retention, how early drift
was caught against the simulator's ground truth, how many pairings were
new, the PHQ-9 outcomes and the combined PHQ-9 and GAD-7 recovery with
attrition shown, the members a facilitator should look at, and the risk
answers staff must follow up.

Only the public API is used; the members' behaviour comes from the
simulator's ground truth (`simulate_engagement`), and their questionnaires
from `simulate_outcomes`. Deterministic for a seed.

Run it with ``python examples/programme.py`` (``--weeks`` and
``--members`` for a shorter run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pendulum

from peerkit.datasets import (
    DriftTruth,
    SimulatedEngagement,
    simulate_cohort,
    simulate_engagement,
    simulate_outcomes,
)
from peerkit.engagement import (
    DriftMonitor,
    DriftReport,
    DriftStatus,
    Touchpoint,
    milestones,
    outreach_queue,
    touchpoints_from_schedule,
)
from peerkit.matching import Grouping, PartnerMatching, form_groups, match_partners
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    Measurement,
    OnTrackReport,
    OutcomeSummary,
    RecoverySummary,
    RiskFlag,
    combined_recovery,
    expected_change,
    facilitator_alerts,
    on_track,
    programme_outcomes,
    risk_flags,
)
from peerkit.scheduling import (
    AdaptPolicy,
    Cadence,
    CheckinPlan,
    adapt_cadence,
    occurrences,
    plan_checkins,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from peerkit import Group, Member

START = pendulum.datetime(2024, 3, 4)  # a Monday; clocks change in March
ROUND_WEEKS = 4  # partners are re-paired every four weeks
CHECKIN = dt.timedelta(minutes=30)
ON_TIME = dt.timedelta(hours=1)  # a check-in counts within an hour of its time
FLAGGED = (DriftStatus.DRIFTING, DriftStatus.DISENGAGED)
# Steady teams would drop to every other week by default: too light for a
# twelve-week programme, so no team checks in less than weekly.
AT_LEAST_WEEKLY = AdaptPolicy(least_per_week=1)


@dataclass(frozen=True)
class Team:
    """A partner pair or trio and when they check in."""

    member_ids: tuple[str, ...]
    plan: CheckinPlan | None  # the round's weekly check-in; None: no common time
    cadence: Cadence | None  # the plan's cadence, adapted to how the team is doing
    since: pendulum.DateTime  # where an adapted cadence's series starts


@dataclass(frozen=True)
class Summary:
    """The closing figures (a test recomputes each from the public API)."""

    member_count: int
    placed_count: int
    retained_count: int
    drifter_count: int
    caught_count: int
    median_delay_weeks: float | None
    steady_flagged_count: int
    steady_count: int
    pairing_count: int
    new_pairing_count: int


@dataclass(frozen=True)
class Programme:
    """Everything the programme produced, for the summary and its test."""

    members: tuple[Member, ...]
    grouping: Grouping
    rounds: tuple[PartnerMatching, ...]
    touchpoints: tuple[Touchpoint, ...]
    truth: tuple[DriftTruth, ...]
    first_flags: dict[str, pendulum.DateTime]
    reports: tuple[DriftReport, ...]
    outcomes: OutcomeSummary
    end: pendulum.DateTime
    recovery: RecoverySummary
    summary: Summary
    alerts: tuple[OnTrackReport, ...] = ()
    risks: tuple[RiskFlag, ...] = ()
    measurements: tuple[Measurement, ...] = ()  # every questionnaire answered


def kept_chance(truth: DriftTruth, due: pendulum.DateTime, reached: bool) -> float:
    """The simulator's true rate at *due*; outreach brings half the way back."""
    if not truth.drifts or truth.onset is None or due < truth.onset:
        return truth.baseline_rate
    low = truth.drift_rate if truth.drift_rate is not None else truth.baseline_rate
    return (low + truth.baseline_rate) / 2 if reached else low


def team_of(
    ids: Sequence[str],
    people: dict[str, Member],
    busy: dict[str, Group],
    begin: pendulum.DateTime,
) -> Team:
    """
    A team's weekly check-in: the fairest time that suits them all round.

    `plan_checkins` keeps it free for everyone in every week of the round
    (through its clock changes), clear of each one's group meeting.
    """
    team = [people[i] for i in ids]
    groups = [busy[i] for i in sorted(busy.keys() & set(ids))]
    round_weeks = (begin, begin.add(weeks=ROUND_WEEKS))
    plans = plan_checkins(team, during=round_weeks, duration=CHECKIN, busy=groups)
    if plans and plans[0].reasons[0].code == "plan.fits":
        return Team(tuple(ids), plans[0], plans[0].cadence, begin)
    return Team(tuple(ids), None, None, begin)


def checkins_due(
    team: Team,
    people: dict[str, Member],
    begin: pendulum.DateTime,
    end: pendulum.DateTime,
) -> list[pendulum.DateTime]:
    """
    A team's check-ins due in [begin, end): its plan's, or its adapted cadence's.

    An adapted cadence counts its weeks from *since* (every other week
    alternates from there) and keeps out of each member's quiet hours.
    """
    if team.plan is None or team.cadence is None:
        return []
    if team.cadence == team.plan.cadence:
        return [at for at in team.plan.occurrences() if begin <= at < end]
    last = end.subtract(microseconds=1)  # occurrences' until is inclusive
    quiet = [people[i] for i in team.member_ids]
    times = occurrences(team.cadence, start=team.since, until=last, quiet_hours=quiet)
    return [at for at in times if at >= begin]


def new_pairings(rounds: Sequence[PartnerMatching]) -> tuple[int, int]:
    """Pairings after the first round, and how many of them were new."""
    seen: set[frozenset[str]] = set()
    total = new = 0
    for r, matching in enumerate(rounds):
        teams = [frozenset(team) for team in matching.teams]
        if r:
            total += len(teams)
            new += sum(team not in seen for team in teams)
        seen.update(teams)
    return total, new


def summarise(  # noqa: PLR0913, PLR0917 - the record's pieces, each named
    members: Sequence[Member],
    grouping: Grouping,
    rounds: Sequence[PartnerMatching],
    touchpoints: Iterable[Touchpoint],
    truth: Sequence[DriftTruth],
    first_flags: dict[str, pendulum.DateTime],
    end: pendulum.DateTime,
) -> Summary:
    """The closing figures from the programme's record."""
    placed = {m.id for g in grouping.groups for m in g.group.members}
    recent = end.subtract(weeks=2)
    retained = {
        t.member_id for t in touchpoints if t.outcome == "kept" and t.due >= recent
    }
    drifting = {
        t.member_id: t.onset
        for t in truth
        if t.member_id in placed and t.drifts and t.onset is not None and t.onset < end
    }
    delays = [
        (first_flags[m] - onset).total_seconds() / (7 * 86400)
        for m, onset in drifting.items()
        if m in first_flags and first_flags[m] >= onset
    ]
    steady = placed - set(drifting)
    total, new = new_pairings(rounds)
    return Summary(
        member_count=len(members),
        placed_count=len(placed),
        retained_count=len(retained & placed),
        drifter_count=len(drifting),
        caught_count=len(delays),
        median_delay_weeks=statistics.median(delays) if delays else None,
        steady_flagged_count=len(steady & set(first_flags)),
        steady_count=len(steady),
        pairing_count=total,
        new_pairing_count=new,
    )


def run(  # noqa: C901, PLR0912, PLR0915 - one programme, week by week, on purpose
    *, members: int = 300, weeks: int = 12, seed: int = 7, verbose: bool = True
) -> Programme:
    """Run the programme and return what it produced."""

    def say(text: str = "") -> None:
        if verbose:
            print(text)

    cohort = simulate_cohort(members, seed=seed, with_groups=False)
    people = {m.id: m for m in cohort.members}
    engagement = simulate_engagement(
        cohort.members,
        week_count=weeks,
        per_week=2,
        drift_share=0.3,
        start=START,
        seed=seed,
    )
    truth = {t.member_id: t for t in engagement.truth}
    rng = random.Random(seed)  # noqa: S311 - simulated behaviour, not secrets

    # Week 0: groups for everyone who can be placed, for the whole term.
    term = (START, START.add(weeks=weeks))
    grouping = form_groups(
        cohort.members, during=term, min_size=5, max_size=9, seed=seed
    )
    placed = [m for g in grouping.groups for m in g.group.members]
    meetings = {g.group.id: Cadence.for_group(g.group) for g in grouping.groups}
    group_of = {m.id: g.group.id for g in grouping.groups for m in g.group.members}
    say(
        f"Week 0: {len(placed)} of {len(cohort.members)} members in "
        f"{len(grouping.groups)} groups; {len(grouping.unplaced)} could not be "
        "placed, each with the reason."
    )

    monitor = DriftMonitor()
    rounds: list[PartnerMatching] = []
    teams: list[Team] = []
    record: list[Touchpoint] = []
    first_flags: dict[str, pendulum.DateTime] = {}
    reports: dict[str, DriftReport] = {}
    for week in range(weeks):
        begin, end = START.add(weeks=week), START.add(weeks=week + 1)
        last = end.subtract(microseconds=1)  # occurrences' until is inclusive
        if week % ROUND_WEEKS == 0:
            period = (begin, START.add(weeks=week + ROUND_WEEKS))  # this round's
            matching = match_partners(
                placed, during=period, history=rounds, seed=seed + week
            )
            rounds.append(matching)
            group = {m.id: g.group for g in grouping.groups for m in g.group.members}
            teams = [team_of(ids, people, group, begin) for ids in matching.teams]
            say(
                f"Week {week}: partner round {len(rounds)}: {len(matching.pairs)} "
                f"pairs, {len(matching.trios)} trios, "
                f"{sum(t.cadence is None for t in teams)} without a common time."
            )
        # This week's touchpoints: check-ins and group meetings.
        due: list[tuple[pendulum.DateTime, str, str]] = []
        for team in teams:
            for at in checkins_due(team, people, begin, end):
                due += [(at, who, "checkin") for who in team.member_ids]
        for member in placed:
            cadence = meetings[group_of[member.id]]
            for at in occurrences(cadence, start=begin, until=last):
                due.append((at, member.id, "meeting"))
        # What an app records: who showed up, and when (a few minutes in).
        schedule: dict[tuple[str, str], list[pendulum.DateTime]] = defaultdict(list)
        came: dict[tuple[str, str], list[pendulum.DateTime]] = defaultdict(list)
        for at, who, kind in sorted(due):
            schedule[who, kind].append(at)
            if rng.random() < kept_chance(truth[who], at, who in first_flags):
                came[who, kind].append(at.add(minutes=5))
        # Silence counted from the schedule: a due time nobody came to is a miss.
        week_points: list[Touchpoint] = []
        for (who, kind), times in schedule.items():
            week_points += touchpoints_from_schedule(
                who,
                due=times,
                done=came[who, kind],
                now=end.add(hours=1),
                tolerance=ON_TIME,
                kind=kind,
            )
        week_points.sort(key=lambda t: (t.due, t.member_id, t.kind))
        record += week_points
        monitor.observe_many(week_points)
        for report in monitor.reports(now=end, members=placed):
            reports[report.member_id] = report
            if report.status in FLAGGED and report.member_id not in first_flags:
                first_flags[report.member_id] = end
        # Adapt each team's check-ins to the most concerning of its members,
        # from the round's plan (not compounding week on week); a changed
        # cadence starts its series next week.
        adapted = []
        for team in teams:
            if team.plan is None:
                adapted.append(team)
                continue
            severity = max(reports[m].severity for m in team.member_ids if m in reports)
            cadence = adapt_cadence(
                team.plan.cadence, severity=severity, policy=AT_LEAST_WEEKLY
            )
            since = team.since if cadence == team.cadence else end
            adapted.append(Team(team.member_ids, team.plan, cadence, since))
        teams = adapted
        queue = outreach_queue(list(reports.values()), limit=3)
        found = milestones(record, now=end, since=begin)
        say(
            f"Week {week + 1}: {len(week_points)} touchpoints, "
            f"{sum(r.status in FLAGGED for r in reports.values())} flagged, "
            f"{len(found)} milestones."
        )
        for report in queue:
            say(f"  reach out to {report.member_id}: {report.evidence[0].message}")
        for milestone in found[:2]:
            say(f"  celebrate {milestone.member_id}: {milestone.message}")

    end = START.add(weeks=weeks)
    record_engagement = SimulatedEngagement(
        touchpoints=tuple(record), truth=engagement.truth, start=START, now=end
    )
    questionnaires = simulate_outcomes(
        record_engagement,
        groups={g.group.id: [m.id for m in g.group.members] for g in grouping.groups},
        seed=seed,
    )
    outcomes = programme_outcomes(
        questionnaires.of(PHQ9),
        instrument=PHQ9,
        baseline_period=questionnaires.baseline_period,
        followup_period=questionnaires.followup_period,
        members=[m.id for m in placed],
    )
    recovery = combined_recovery(
        [*questionnaires.of(PHQ9), *questionnaires.of(GAD7)],
        members=[m.id for m in placed],
    )
    summary = summarise(
        cohort.members, grouping, rounds, record, engagement.truth, first_flags, end
    )
    alerts = not_on_track(questionnaires.of(PHQ9))
    risks = risk_flags(questionnaires.measurements)
    return Programme(
        members=cohort.members,
        grouping=grouping,
        rounds=tuple(rounds),
        touchpoints=tuple(record),
        truth=engagement.truth,
        first_flags=first_flags,
        reports=tuple(sorted(reports.values(), key=lambda r: r.member_id)),
        outcomes=outcomes,
        end=end,
        recovery=recovery,
        summary=summary,
        alerts=alerts,
        risks=risks,
        measurements=tuple(questionnaires.measurements),
    )


def not_on_track(scores: Sequence[Measurement]) -> tuple[OnTrackReport, ...]:
    """The members a facilitator should look at, against the programme's own bands."""
    expected = expected_change(scores, instrument=PHQ9)
    by_member: dict[str, list[Measurement]] = {}
    for m in scores:
        by_member.setdefault(m.member_id, []).append(m)
    return facilitator_alerts(
        on_track(own, instrument=PHQ9, expected=expected) for own in by_member.values()
    )


def show_summary(programme: Programme) -> None:
    """Print the closing summary."""
    s = programme.summary
    print("\nAfter the programme")
    print(f"  placed in groups: {s.placed_count} of {s.member_count}")
    print(
        "  kept a touchpoint in the last two weeks: "
        f"{s.retained_count} of {s.placed_count}"
    )
    delay = "-" if s.median_delay_weeks is None else f"{s.median_delay_weeks:.1f}"
    print(
        f"  drift caught: {s.caught_count} of {s.drifter_count} members who truly "
        f"drifted, a median {delay} weeks after it began"
    )
    steady = f"{s.steady_flagged_count} of {s.steady_count}"
    print(f"  steady members ever flagged: {steady}")
    print(
        "  pairings after round 1 that were new: "
        f"{s.new_pairing_count} of {s.pairing_count}"
    )
    for reason in programme.outcomes.reasons:
        print(f"  {reason.message}")
    print("  On the PHQ-9 and GAD-7 together:")
    for reason in programme.recovery.reasons[:3]:
        print(f"    {reason.message}")
    if programme.alerts:
        first = programme.alerts[0]
        print(
            f"  not on track at follow-up: {len(programme.alerts)} members; first "
            f"for the facilitator, {first.member_id}: {first.reasons[0].message}"
        )
    print(f"  risk answers for staff to follow up today: {len(programme.risks)}")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and run the programme."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    programme = run(members=args.members, weeks=args.weeks, seed=args.seed)
    show_summary(programme)


if __name__ == "__main__":
    main()
