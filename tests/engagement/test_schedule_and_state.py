"""Silence from a schedule, rosters, the silence rule, and the monitor's saved state."""

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator, Sequence

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import peerkit
from peerkit import InvalidInputError
from peerkit.datasets import sample_cohort
from peerkit.engagement import (
    Activity,
    DriftMonitor,
    DriftPolicy,
    DriftState,
    DriftStatus,
    Outcome,
    Touchpoint,
    detect_drift,
    outreach_queue,
    touchpoints_from_schedule,
)
from peerkit.engagement._schedule import match_done
from peerkit.engagement._silence import (
    ABSENCE_WEEKS,
    outlasts_absence,
    silence_alarm,
    silence_budgets,
)
from peerkit.scheduling import Cadence, occurrences
from peerkit.testing import drift_policies, touchpoints
from threads import in_threads

START = pendulum.datetime(2024, 1, 1, 18)
HOUR = 3600 * 1_000_000
ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham")


# --- the optimal matching -------------------------------------------------------


def brute_force(due: list[int], done: list[int], tol: int) -> tuple[int, int]:
    """The best (pairs, -distance) over every matching, by enumeration."""
    best = (0, 0)
    for chosen in itertools.product(range(-1, len(done)), repeat=len(due)):
        used = [j for j in chosen if j >= 0]
        if len(used) != len(set(used)):
            continue
        if any(j >= 0 and abs(due[i] - done[j]) > tol for i, j in enumerate(chosen)):
            continue
        distance = sum(abs(due[i] - done[j]) for i, j in enumerate(chosen) if j >= 0)
        best = max(best, (len(used), -distance))
    return best


@settings(max_examples=150)
@given(
    st.lists(st.integers(0, 12), max_size=5),
    st.lists(st.integers(0, 12), max_size=5),
    st.integers(0, 4),
)
def test_matching_is_optimal(due: list[int], done: list[int], tol: int) -> None:
    """For all small inputs, the matching has the most pairs, then the least distance, that enumeration finds."""
    due, done = sorted(due), sorted(done)
    pairs = match_done(due, done, tol)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    assert all(abs(due[i] - done[j]) <= tol for i, j in pairs)
    distance = sum(abs(due[i] - done[j]) for i, j in pairs)
    assert (len(pairs), -distance) == brute_force(due, done, tol)


def test_matching_prefers_more_kept_over_closer() -> None:
    """A done instant between two due times goes where it lets another one count too."""
    # Greedy by closeness would pair 5 with 6 and leave 3 unmatched.
    assert match_done([3, 6], [5, 8], 2) == [(0, 0), (1, 1)]


# --- touchpoints_from_schedule --------------------------------------------------


@st.composite
def schedules(
    draw: st.DrawFn,
) -> tuple[
    list[pendulum.DateTime], list[pendulum.DateTime], list[dt.date], pendulum.DateTime
]:
    """
    Adversarial schedules: several zones, bursts of done instants, repeats, holidays.

    Due times are drawn in several zones (some straddling clock changes),
    done instants come in bursts around some due times and at random
    elsewhere, instants repeat, and excused dates and instants are drawn
    from the due times themselves.
    """
    zone = draw(st.sampled_from(ZONES))
    base = pendulum.datetime(2024, 3, 1, 9, tz=zone)
    hours = draw(st.lists(st.integers(0, 24 * 60), min_size=0, max_size=14))
    due = [base.add(hours=h) for h in hours]
    done: list[pendulum.DateTime] = []
    for d in due:
        burst = draw(st.integers(0, 3))
        done.extend(
            d.add(minutes=draw(st.integers(-40 * 60, 40 * 60))) for _ in range(burst)
        )
    done.extend(
        base.add(hours=h) for h in draw(st.lists(st.integers(0, 24 * 60), max_size=5))
    )
    now = base.add(hours=draw(st.integers(24 * 30, 24 * 70)))
    done = [d for d in done if d <= now]
    excused: list[dt.date] = []
    for d in due:
        if draw(st.integers(0, 9)) == 0:
            excused.append(d.date())
        elif draw(st.integers(0, 9)) == 0:
            excused.append(d.in_timezone("UTC"))
    return due, done, excused, now


@settings(max_examples=60, deadline=None)
@given(schedules(), st.randoms(use_true_random=False))
def test_schedule_promises(
    schedule: tuple[
        list[pendulum.DateTime],
        list[pendulum.DateTime],
        list[dt.date],
        pendulum.DateTime,
    ],
    rnd: random.Random,
) -> None:
    """For all schedules: order-invariant, each done counted once, every decided due time once, excused never missed."""
    due, done, excused, now = schedule
    tolerance = dt.timedelta(hours=20)
    result = touchpoints_from_schedule(
        "ada", due=due, done=done, now=now, excused=excused, tolerance=tolerance
    )
    shuffled_due, shuffled_done = list(due), list(done)
    rnd.shuffle(shuffled_due)
    rnd.shuffle(shuffled_done)
    assert result == touchpoints_from_schedule(
        "ada",
        due=shuffled_due,
        done=shuffled_done,
        now=now,
        excused=excused[::-1],
        tolerance=tolerance,
    )
    decided = [d for d in due if d < now - tolerance]
    assert len(result) == len(decided)
    assert sorted(t.due for t in result) == sorted(
        d.in_timezone("UTC") for d in decided
    )
    kept = [t for t in result if t.outcome == "kept"]
    assert len(kept) <= len(done)
    days = {e for e in excused if not isinstance(e, dt.datetime)}
    moments = {e for e in excused if isinstance(e, dt.datetime)}
    for d in decided:
        is_excused = d.date() in days or d in moments
        outcomes = {t.outcome for t in result if t.due == d}
        assert ("excused" in outcomes) == is_excused or not outcomes
    # Every kept one has a done instant of its own within tolerance.
    pairs = match_done(
        sorted(peerkit._instants.micros(t.due) for t in kept),
        sorted(peerkit._instants.micros(d) for d in done),
        tolerance // dt.timedelta(microseconds=1),
    )
    assert len(pairs) == len(kept)


def test_a_generator_that_never_ends_is_read_up_to_now() -> None:
    """occurrences() never ends; it is read only up to now, and the open check-in is left out."""
    weekly = Cadence.weekly(on="mon", time="18:00", timezone="Europe/London")
    start = pendulum.datetime(2024, 1, 1, tz="Europe/London")
    result = touchpoints_from_schedule(
        "ada",
        due=occurrences(weekly, start=start),
        done=[start.add(hours=18, minutes=30)],
        now=start.add(weeks=3, hours=18, minutes=30),
    )
    assert [t.outcome for t in result] == ["kept", "missed", "missed"]

    def forever() -> Iterator[pendulum.DateTime]:
        yield from (start.add(days=i) for i in itertools.count())

    assert (
        len(
            touchpoints_from_schedule(
                "ada", due=forever(), done=(), now=start.add(days=10)
            )
        )
        == 9
    )


def test_schedule_input_is_checked() -> None:
    """A generator going back in time, a done instant after now, naive times and bad tolerances are refused."""
    now = START.add(weeks=4)
    with pytest.raises(InvalidInputError, match=r"due\[1\]"):
        touchpoints_from_schedule(
            "ada", due=iter([START.add(days=1), START]), done=(), now=now
        )
    with pytest.raises(InvalidInputError, match=r"done\[0\]"):
        touchpoints_from_schedule("ada", due=[START], done=[now.add(days=1)], now=now)
    with pytest.raises(InvalidInputError, match=r"due\[0\]"):
        touchpoints_from_schedule(
            "ada",
            due=[dt.datetime(2024, 1, 1)],  # noqa: DTZ001
            done=(),
            now=now,
        )
    with pytest.raises(InvalidInputError, match="tolerance"):
        touchpoints_from_schedule(
            "ada", due=[START], done=(), now=now, tolerance=dt.timedelta(-1)
        )
    with pytest.raises(InvalidInputError, match=r"excused\[0\]"):
        touchpoints_from_schedule(
            "ada",
            due=[START],
            done=(),
            now=now,
            excused=["monday"],  # type: ignore[list-item]
        )
    with pytest.raises(InvalidInputError, match="member_id"):
        touchpoints_from_schedule("", due=[START], done=(), now=now)


def test_an_excused_date_is_read_in_the_due_times_own_zone() -> None:
    """23:30 in New York on 1 March is excused by 1 March, though it is 2 March in UTC."""
    due = pendulum.datetime(2024, 3, 1, 23, 30, tz="America/New_York")
    [t] = touchpoints_from_schedule(
        "ada", due=[due], done=(), now=due.add(days=3), excused=[dt.date(2024, 3, 1)]
    )
    assert t.outcome == "excused"
    [t] = touchpoints_from_schedule(
        "ada", due=[due], done=(), now=due.add(days=3), excused=[dt.date(2024, 3, 2)]
    )
    assert t.outcome == "missed"


# --- silence --------------------------------------------------------------------


def the_issues_member() -> list[Touchpoint]:
    """About 7 of 8 kept for half a year, then her last 5 weekly check-ins missed."""
    weekly = [START.add(weeks=w) for w in range(30)]
    done = [d.add(minutes=10) for i, d in enumerate(weekly[:25]) if i % 8 != 3]
    return list(
        touchpoints_from_schedule(
            "maya", due=weekly, done=done, now=weekly[-1].add(days=2)
        )
    )


def test_five_missed_in_a_row_reach_the_outreach_queue() -> None:
    """The issue's member who missed her last 5 weekly check-ins is flagged, and the evidence says the run."""
    history = the_issues_member()
    steady = [Touchpoint("zoe", t.due, "kept") for t in history]
    now = history[-1].due.add(days=2)
    reports = detect_drift([*history, *steady], now=now)
    maya = reports[0]
    assert maya.status is DriftStatus.DISENGAGED
    assert maya.onset == START.add(weeks=25)
    assert [r.member_id for r in outreach_queue(reports)] == ["maya"]
    assert maya.evidence[0].message.startswith(
        "Missed the last 5 check-ins, since 24 June"
    )


@given(st.integers(0, 200), st.integers(1, 84))
def test_outlasts_absence_is_the_runs_span_in_weeks(run: int, pace: int) -> None:
    """For all runs and paces, a run outlasts the absence exactly when it spans more than ABSENCE_WEEKS, and a longer run never less."""
    assert outlasts_absence(run, pace) == (run / (pace / 4) > ABSENCE_WEEKS)
    if outlasts_absence(run, pace):
        assert outlasts_absence(run + 1, pace)


def _twice_weekly_absence(weeks: int) -> list[Touchpoint]:
    """Nineteen of twenty kept twice a week for half a year, then *weeks* of misses."""
    dues = [START.add(hours=84 * i) for i in range(52 + 2 * weeks)]
    return [
        Touchpoint(
            "ada", due, "kept" if i < 52 and i % 20 != 7 else "missed", "checkin"
        )
        for i, due in enumerate(dues)
    ]


def test_a_three_week_absence_is_not_silence_but_four_weeks_are() -> None:
    """A steady member's three-week illness (six misses at two a week) is not silence; four weeks (eight) are."""
    policy = DriftPolicy()
    step = peerkit.engagement._engine.stepper(policy)
    budgets = silence_budgets(policy)
    verdicts = {}
    for weeks in (3, 4):
        state = peerkit.engagement._engine.Member()
        for t in _twice_weekly_absence(weeks):
            step.step(state, int(t.outcome == "kept"), peerkit._instants.micros(t.due))
        state.flagged = False  # the silence rule alone
        assert state.miss_run == 2 * weeks
        verdicts[weeks] = peerkit.engagement._silence.silent(
            state,
            prior=step.prior,
            strength=step.strength,
            min_history=policy.min_history,
            budgets=budgets,
        )
        # Six misses in a row would be silence for this member's rate by count alone.
        rate = (state.kept + step.prior) / (state.n - state.miss_run + step.strength)
        assert silence_alarm(6, rate, budgets[state.q])
    assert verdicts == {3: False, 4: True}


@given(st.floats(0.05, 0.95), st.integers(1, 60), st.floats(1e-6, 0.1))
def test_silence_alarm_is_monotone(rate: float, run: int, budget: float) -> None:
    """For all rates and budgets, a longer run never clears an alarm and a larger budget never raises fewer."""
    if silence_alarm(run, rate, budget):
        assert silence_alarm(run + 1, rate, budget)
        assert silence_alarm(run, rate, budget * 2)
    chance = rate * (1 - rate) ** run
    if abs(chance - budget) > 1e-9 * budget:
        assert silence_alarm(run, rate, budget) == (chance <= budget)


def test_silence_budget_follows_the_budget_and_the_pace() -> None:
    """A larger false-flag budget, or fewer touchpoints a week, spends more per touchpoint."""
    low = silence_budgets(DriftPolicy(false_flags_per_100_members_per_year=1))
    high = silence_budgets(DriftPolicy(false_flags_per_100_members_per_year=10))
    assert all(a < b for a, b in zip(low[1:], high[1:], strict=True))
    assert all(a > b for a, b in itertools.pairwise(low[1:]))


def test_silence_reads_the_members_own_rate() -> None:
    """The silence rule judges a member who keeps about four in ten on their own rate, not the cohort's 80%."""
    from peerkit.engagement import _engine, _silence

    policy = DriftPolicy()
    step = _engine.stepper(policy)
    budgets = _silence.silence_budgets(policy)
    state = _engine.Member()
    # Four in ten kept for a year and a half, then seven misses in a row.
    pattern = [1, 0, 1, 0, 0] * 16 + [1] + [0] * 7
    for w, kept in enumerate(pattern):
        step.step(state, kept, peerkit._instants.micros(START.add(weeks=w)))
    assert state.miss_run == 7
    # The statistic's baseline never took in this member's usual record
    # (a run of evidence since the start), so it is still the cohort's.
    assert state.nb < 10
    own = (state.kept + step.prior) / (state.n - state.miss_run + step.strength)
    assert own < 0.5
    unflagged = _engine.Member()
    for name in _engine.Member.__slots__:
        setattr(unflagged, name, getattr(state, name))
    unflagged.flagged = False
    assert not _silence.silent(
        unflagged,
        prior=step.prior,
        strength=step.strength,
        min_history=policy.min_history,
        budgets=budgets,
    )
    # Against the cohort's 80%, seven misses in a row would be silence.
    assert _silence.silence_alarm(7, policy.cohort_rate, budgets[state.q])


def test_the_benchmark_steps_the_same_silence_rule() -> None:
    """bench_drift's stepper, the statistic and the silence rule, raises exactly where a DriftMonitor turns flagged."""
    from peerkit.engagement import _engine, _silence

    policy = DriftPolicy()
    st_ = _engine.stepper(policy)
    budgets = _silence.silence_budgets(policy)
    rnd = random.Random(3)  # noqa: S311 - test data
    turned = 0
    for i in range(40):
        rate = rnd.uniform(0.3, 0.95)
        outcomes = [rnd.random() < rate for _ in range(60)]
        outcomes[30 + i % 10 : 40 + i % 10] = [False] * 10
        monitor = DriftMonitor(policy)
        state = _engine.Member()
        for w, kept in enumerate(outcomes):
            at = START.add(weeks=w)
            report = monitor.observe(Touchpoint("m", at, "kept" if kept else "missed"))
            st_.step(state, int(kept), peerkit._instants.micros(at))
            quiet = _silence.silent(
                state,
                prior=st_.prior,
                strength=st_.strength,
                min_history=policy.min_history,
                budgets=budgets,
            )
            assert report.flagged == (state.flagged or quiet)
            turned += quiet
    assert turned > 0


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 80), drift_policies())
def test_a_perfect_record_is_never_flagged(weeks: int, policy: DriftPolicy) -> None:
    """For all policies and lengths, keeping every touchpoint (some excused) is never flagged."""
    history = [
        Touchpoint("ada", START.add(weeks=w), "excused" if w % 7 == 3 else "kept")
        for w in range(weeks)
    ]
    [report] = detect_drift(history, now=START.add(weeks=weeks), policy=policy)
    assert not report.flagged


# --- rosters --------------------------------------------------------------------


def test_a_roster_gets_one_report_each() -> None:
    """With a roster, everyone on it has a report (new, saying nothing yet) and no one else does."""
    events = [Touchpoint("ada", START, "kept"), Touchpoint("eve", START, "missed")]
    reports = detect_drift(events, now=START.add(weeks=1), members=["cy", "ada", "bo"])
    assert [r.member_id for r in reports] == ["ada", "bo", "cy"]
    assert reports[1].status is DriftStatus.NEW
    assert reports[1].touchpoint_count == 0
    assert (
        reports[1].evidence[0].message
        == "No touchpoints due so far: nothing to judge yet."
    )
    monitor = DriftMonitor()
    monitor.observe_many(events)
    assert (
        monitor.reports(now=START.add(weeks=1), members=("bo", "cy", "ada")) == reports
    )


def test_a_cohort_and_members_are_rosters() -> None:
    """A Cohort and its Member values give the same reports as their ids."""
    cohort = sample_cohort()
    ids = [m.id for m in cohort.members]
    events = [Touchpoint(ids[0], START, "kept")]
    now = START.add(weeks=1)
    by_ids = detect_drift(events, now=now, members=ids)
    assert len(by_ids) == len(ids)
    assert detect_drift(events, now=now, members=cohort) == by_ids
    assert detect_drift(events, now=now, members=list(cohort.members)) == by_ids


@pytest.mark.parametrize("roster", ["ada", 3, ["ada", "ada"], ["ada", 3], [" ada"]])
def test_a_bad_roster_is_refused(roster: object) -> None:
    """A string, a number, a repeated id or a non-member is not a roster."""
    with pytest.raises(InvalidInputError, match="members"):
        detect_drift([], now=START, members=roster)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="members"):
        DriftMonitor().reports(now=START, members=roster)  # type: ignore[arg-type]


# --- batch, online, state, forget, threads ---------------------------------------


def replay(
    events: Sequence[Touchpoint | Activity], policy: DriftPolicy
) -> DriftMonitor:
    monitor = DriftMonitor(policy)
    monitor.observe_many(events)
    return monitor


def _ids(events: Sequence[Touchpoint | Activity]) -> list[str]:
    return sorted({e.member_id for e in events})


@settings(max_examples=40, deadline=None)
@given(touchpoints(max_size=40), drift_policies(), st.data())
def test_batch_equals_online_across_forget_state_and_rosters(
    events: list[Touchpoint | Activity], policy: DriftPolicy, data: st.DataObject
) -> None:
    """For all histories: batch equals an online replay that is saved, resumed, split and merged, with members forgotten."""
    if not events:
        return
    now = max(e.due if isinstance(e, Touchpoint) else e.at for e in events)
    ids = _ids(events)
    gone = data.draw(st.sets(st.sampled_from(ids)))
    roster = data.draw(st.sets(st.sampled_from([*ids, "nobody"])))
    cut = data.draw(st.integers(0, len(events)))
    ordered = sorted(
        events, key=lambda e: e._key if isinstance(e, Touchpoint) else e._us << 2 | 3
    )
    monitor = replay(ordered[:cut], policy)
    text = peerkit.to_json(monitor.state)
    monitor = DriftMonitor.from_state(peerkit.from_json(DriftState, text))
    for event in ordered[cut:]:
        monitor.observe(event)
    for ident in gone:
        monitor.forget(ident)
    left = [e for e in events if e.member_id not in gone]
    assert monitor.reports(now=now) == detect_drift(left, now=now, policy=policy)
    assert monitor.reports(now=now, members=roster) == detect_drift(
        events, now=now, policy=policy, members=roster
    ) or bool(roster & gone)
    halves = [
        replay([e for e in left if (e.member_id < "m") == side], policy)
        for side in (0, 1)
    ]
    merged = DriftMonitor.from_states([h.state for h in halves])
    assert merged.state == monitor.state or not left
    assert merged.reports(now=now) == monitor.reports(now=now)


@settings(max_examples=20, deadline=None)
@given(touchpoints(max_size=40), drift_policies())
def test_forget_leaves_nothing_of_the_member(
    events: list[Touchpoint | Activity], policy: DriftPolicy
) -> None:
    """For all histories, after forget the stored state is the state of a monitor that never saw the member."""
    if not events:
        return
    monitor = replay(events, policy)
    ident = events[0].member_id
    monitor.forget(ident)
    assert ident not in [row[0] for row in _rows(monitor.state)]
    assert json.dumps(ident) not in monitor.state.payload
    assert (
        monitor.state
        == replay([e for e in events if e.member_id != ident], policy).state
    )


def test_forget_in_the_serialised_state() -> None:
    """A forgotten member's id and history are gone from the stored text; others stay."""
    monitor = DriftMonitor()
    monitor.observe_many(
        [Touchpoint("ada-7f3", START.add(weeks=w), "missed") for w in range(3)]
        + [Touchpoint("bo", START.add(years=1, weeks=w), "kept") for w in range(2)]
    )
    ada_first = str(peerkit._instants.micros(START))
    assert "ada-7f3" in peerkit.to_json(monitor.state)
    monitor.forget("ada-7f3")
    monitor.forget("never-seen")
    text = peerkit.to_json(monitor.state)
    assert "ada-7f3" not in text
    assert ada_first not in text
    assert "bo" in text
    with pytest.raises(InvalidInputError, match="member_id"):
        monitor.forget(3)  # type: ignore[arg-type]


def test_eight_threads_equal_serial() -> None:
    """detect_drift and monitors on 8 threads give the serial results."""
    events = [
        Touchpoint(f"m{i}", START.add(weeks=w), "kept" if (w * 7 + i) % 5 else "missed")
        for i in range(30)
        for w in range(40)
    ]
    now = START.add(weeks=40)
    policies = [
        DriftPolicy(false_flags_per_100_members_per_year=b) for b in (1, 5, 20, 50)
    ]
    serial = [detect_drift(events, now=now, policy=p) for p in policies]
    online = [replay(events, p).reports(now=now) for p in policies]
    assert serial == online
    calls = [
        (lambda p=p: detect_drift(events, now=now, policy=p)) for p in policies
    ] * 2
    calls += [(lambda p=p: replay(events, p).reports(now=now)) for p in policies] * 2
    results = in_threads(calls)
    assert results == serial * 2 + serial * 2


# --- corrupted states ------------------------------------------------------------


def _outcome(rnd: random.Random, rate: float) -> Outcome:
    if rnd.random() < 0.05:
        return "excused"
    return "kept" if rnd.random() < rate else "missed"


def _real_states() -> list[DriftState]:
    rnd = random.Random(7)  # noqa: S311 - test data
    states = []
    for policy in (
        DriftPolicy(),
        DriftPolicy(min_history=2, release=0.2, recent_count=4),
    ):
        events: list[Touchpoint | Activity] = []
        for i in range(12):
            rate = rnd.random()
            events += [
                Touchpoint(
                    f"m{i}",
                    START.add(days=3 * w),
                    _outcome(rnd, rate),
                    kind=rnd.choice(["checkin", "meeting"])
                    if i % 3 == 0
                    else "checkin",
                )
                for w in range(rnd.randint(0, 60))
            ]
            if i % 4 == 0:
                events.append(Activity(f"m{i}", START.add(days=rnd.randint(0, 200))))
        states.append(replay(events, policy).state)
    return states


CORRUPTIONS: list[object] = [
    -1,
    -2,
    0,
    1,
    2,
    3,
    7,
    28.6,
    3_000_000,
    10**12,
    2**62,
    None,
    True,
    "x",
    [],
    0.5,
    -0.5,
    1e300,
    float("nan"),
]


def _rows(state: DriftState) -> list[list[object]]:
    rows: list[list[object]] = json.loads(state.payload)
    return rows


@pytest.mark.slow
def test_corrupted_states_are_refused_or_replay() -> None:
    """Every hand-corrupted state is refused with InvalidInputError, or replays and reports without error."""
    refused = accepted = 0
    for state in _real_states():
        rows = _rows(state)
        assert rows
        for i, row in enumerate(rows):
            for field in range(1, len(row)):
                for value in CORRUPTIONS:
                    if value == row[field] and type(value) is type(row[field]):
                        continue
                    changed = [list(r) for r in rows]
                    changed[i][field] = value
                    bad = attrs.evolve(state, payload=json.dumps(changed))
                    try:
                        monitor = DriftMonitor.from_state(bad)
                    except InvalidInputError:
                        refused += 1
                        continue
                    accepted += 1
                    ident = str(changed[i][0])
                    last = max(int(r[-1]) for r in changed)  # type: ignore[call-overload]
                    if last > peerkit._instants.micros(pendulum.datetime(9990, 1, 1)):
                        continue
                    later = peerkit._instants.from_micros(last).add(weeks=1)
                    outcomes: tuple[Outcome, ...] = ("kept", "missed", "missed", "kept")
                    for k, outcome in enumerate(outcomes):
                        monitor.observe(Touchpoint(ident, later.add(weeks=k), outcome))
                    for report in monitor.reports(now=later.add(weeks=5)):
                        attrs.validate(report)
                    DriftMonitor.from_state(monitor.state)
    assert refused > 0
    assert accepted > 0
    # Nearly everything is impossible: only a handful of changes a history can make pass.
    assert refused > 10 * accepted


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kb", -1),
        ("nb", 3_000_000),
        ("kb", 10**6),
        ("n", -5),
        ("kept", 10**9),
        ("s", -5.0),
        ("s", 1e300),
        ("h", 28.6),
        ("q", 0),
        ("flagged", 1),
        ("win", -1),
        ("wn", 99),
        ("last_seen", -1),
        ("first", 10**20),
        ("member_id", ""),
        ("kind", 3),
    ],
)
def test_impossible_states_are_refused(field: str, value: object) -> None:
    """Negative counts, allocation bombs, off-grid thresholds and wrong types are refused, naming the value."""
    from peerkit.engagement._monitor import _FIELDS

    state = _real_states()[0]
    rows = _rows(state)
    busy = max(range(len(rows)), key=lambda i: rows[i][_FIELDS.index("n")])  # type: ignore[arg-type, return-value]
    rows[busy][_FIELDS.index(field)] = value
    with pytest.raises(InvalidInputError) as err:
        DriftMonitor.from_state(attrs.evolve(state, payload=json.dumps(rows)))
    assert err.value.path.startswith("state.payload")


def test_an_unknown_version_or_a_broken_payload_is_refused() -> None:
    """Only version 1 is read; text that is not a saved state is refused."""
    state = _real_states()[0]
    for payload in ("", "{}", "[1]", "[[1,2]]", "null", "[" * 10_000):
        with pytest.raises(InvalidInputError, match="payload"):
            DriftMonitor.from_state(attrs.evolve(state, payload=payload))
    with pytest.raises(InvalidInputError, match="version"):
        DriftMonitor.from_state(attrs.evolve(state, version=7))


def _one_by_one(
    events: Sequence[Touchpoint | Activity], policy: DriftPolicy
) -> DriftMonitor:
    monitor = DriftMonitor(policy)
    for event in sorted(
        events, key=lambda e: e._key if isinstance(e, Touchpoint) else e._us << 2 | 3
    ):
        monitor.observe(event)
    return monitor


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d", "e"]),
            st.integers(0, 400),
            st.sampled_from(["kept", "kept", "kept", "missed", "excused", "activity"]),
            st.sampled_from(["checkin", "meeting"]),
        ),
        min_size=60,
        max_size=400,
    ),
    drift_policies(),
    st.lists(st.integers(1, 300), max_size=4),
)
def test_large_batches_equal_one_by_one(
    drawn: list[tuple[str, int, str, str]], policy: DriftPolicy, cuts: list[int]
) -> None:
    """For all histories cut into batches of any size, observe_many (the batch statistic for large ones) equals observing one by one, bit for bit."""
    events: list[Touchpoint | Activity] = [
        Activity(who, START.add(days=day))
        if outcome == "activity"
        else Touchpoint(who, START.add(days=day), outcome, kind)  # type: ignore[arg-type]
        for who, day, outcome, kind in drawn
    ]
    ordered = sorted(
        events, key=lambda e: e._key if isinstance(e, Touchpoint) else e._us << 2 | 3
    )
    monitor = DriftMonitor(policy)
    begin = 0
    for cut in [*sorted(cuts), len(ordered)]:
        chunk = ordered[begin:cut]
        random.Random(cut).shuffle(chunk)  # noqa: S311 - any order within a batch
        monitor.observe_many(chunk)
        begin = max(begin, cut)
    expected = _one_by_one(events, policy)
    assert monitor.state == expected.state
    now = START.add(days=401)
    assert monitor.reports(now=now) == detect_drift(events, now=now, policy=policy)


def test_a_large_batch_out_of_order_is_refused_as_one_by_one() -> None:
    """A large batch with a touchpoint earlier than one taken is refused, having taken what came before it."""
    monitor = DriftMonitor()
    monitor.observe(Touchpoint("ada", START.add(weeks=10), "kept"))
    batch = [Touchpoint("bo", START.add(weeks=w), "kept") for w in range(80)]
    batch.append(Touchpoint("ada", START.add(weeks=5), "missed"))
    with pytest.raises(InvalidInputError, match=r"touchpoint\.due"):
        monitor.observe_many(batch)
    assert monitor.report("bo", now=START.add(weeks=90)).touchpoint_count == 5
