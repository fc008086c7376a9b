"""Simulated session-by-session questionnaires, plain and adversarial."""

from __future__ import annotations

import random

import pendulum

from peerkit._intervals import Interval
from peerkit._validate import check_int, check_seed
from peerkit.datasets._outcomes import SimulatedOutcomes
from peerkit.errors import InvalidInputError
from peerkit.outcomes import GAD7, PHQ9, Instrument, Measurement

_START = pendulum.datetime(2024, 1, 1, 18)
_MAX_MEMBERS = 1_000_000
_MAX_SESSIONS = 52


def _items(
    total: int, instrument: Instrument, rng: random.Random, *, risk: bool
) -> tuple[int, ...]:
    """
    Item answers adding up to *total*, spread at random.

    The last item (on the PHQ-9, thoughts of self-harm) is answered above
    0 only when *risk* is set or the total needs it, as in real records
    where it is rare.
    """
    answers = [0] * instrument.item_count
    top = int(instrument.item_high or 0)
    spare_last = instrument is PHQ9 and total <= (instrument.item_count - 1) * top
    open_items = list(range(instrument.item_count - (1 if spare_last else 0)))
    for _ in range(total):
        i = rng.choice(open_items)
        answers[i] += 1
        if answers[i] == top:
            open_items.remove(i)
    if spare_last and risk and total > 0:
        giver = max(range(instrument.item_count - 1), key=lambda i: (answers[i], -i))
        answers[giver] -= 1
        answers[-1] += 1
    return tuple(answers)


def _clip(value: float, instrument: Instrument) -> int:
    return int(min(max(round(value), instrument.low), instrument.high))


def simulate_sessions(
    member_count: int,
    *,
    session_count: int = 8,
    adversarial: bool = False,
    seed: int = 0,
) -> SimulatedOutcomes:
    """
    PHQ-9 and GAD-7 at every session a simulated member attends.

    Sessions are weekly, Mondays at 18:00 UTC from 1 January 2024. Each
    member starts at a random severity and moves along a straight line
    towards a member-specific end (on average about 40% of the way to the
    floor; a few get worse), with noise around it; each member attends
    each session with their own probability (from 60% to every session),
    and scores are recorded with item answers (a few members answer PHQ-9
    item 9, thoughts of self-harm, above 0 at some session). A member's attendance
    share is their number of PHQ-9 scores over *session_count*.

    With *adversarial*, the record has what real records have and a
    report must survive: members with one score only, late joiners,
    members with only the PHQ-9, scores tied at the caseness cutoffs
    (PHQ-9 10, GAD-7 8), measurements without item answers, a repeated
    identical measurement, and attrition that depends on the outcome
    (members getting worse leave).

    Args:
        member_count: How many members.
        session_count: How many weekly sessions.
        adversarial: Whether to add the awkward cases.
        seed: The random seed.

    Examples:
        >>> from peerkit.outcomes import PHQ9
        >>> sim = simulate_sessions(10, seed=1)
        >>> len({m.member_id for m in sim.of(PHQ9)})
        10
        >>> all(m.items is not None for m in sim.measurements)
        True

    Added in 0.2.
    """
    check_int("member_count", member_count, minimum=0, maximum=_MAX_MEMBERS)
    check_int("session_count", session_count, minimum=1, maximum=_MAX_SESSIONS)
    if not isinstance(adversarial, bool):
        raise InvalidInputError("adversarial", adversarial, "True or False")
    check_seed(seed)
    rng = random.Random(f"peerkit-sessions-{seed}")
    width = len(str(max(member_count - 1, 0)))
    out: list[Measurement] = []
    for index in range(member_count):
        member = f"m{index:0{width}d}"
        out.extend(_member(member, session_count, adversarial, rng))
    end = _START.add(weeks=session_count)
    return SimulatedOutcomes(
        measurements=tuple(out),
        ratings=(),
        baseline_period=Interval(_START, _START.add(weeks=1)),
        followup_period=Interval(end.subtract(weeks=1), end),
        now=end,
    )


def _member(
    member: str, session_count: int, adversarial: bool, rng: random.Random
) -> list[Measurement]:
    dep_start = rng.gauss(14.0, 5.0)
    anx_start = 0.6 * dep_start + rng.gauss(2.0, 3.0)
    drift = rng.gauss(0.4, 0.3)  # the share of the way to the floor by the end
    attends = rng.uniform(0.6, 1.0)
    risky = rng.random() < 0.05  # a few members answer item 9 above 0
    first = 0
    only_phq9 = one_only = tied = False
    if adversarial:
        roll = rng.random()
        first = rng.randrange(session_count) if roll < 0.15 else 0  # late joiners
        one_only = 0.15 <= roll < 0.25
        only_phq9 = 0.25 <= roll < 0.35
        tied = 0.35 <= roll < 0.5
    out = []
    span = max(session_count - 1, 1)
    for k in range(first, session_count):
        if k > first and rng.random() > attends:
            continue
        share = (k - first) / span
        dep = _clip(dep_start * (1 - drift * share) + rng.gauss(0, 2.0), PHQ9)
        anx = _clip(anx_start * (1 - drift * share) + rng.gauss(0, 1.6), GAD7)
        if tied and rng.random() < 0.6:
            dep, anx = 10, 8
        at = _START.add(weeks=k)
        for instrument, score in ((PHQ9, dep), (GAD7, anx)):
            if instrument is GAD7 and only_phq9:
                continue
            risk = risky and instrument is PHQ9 and rng.random() < 0.5
            items = _items(score, instrument, rng, risk=risk)
            keep_items = not adversarial or rng.random() >= 0.1
            out.append(
                Measurement(
                    member,
                    instrument,
                    at,
                    score,
                    items=items if keep_items else None,
                )
            )
        if adversarial and rng.random() < 0.02:
            out.append(out[-1])  # the same measurement twice
        if one_only:
            break
        # Attrition that depends on the outcome: those getting worse leave.
        if adversarial and dep > dep_start + 3 and rng.random() < 0.5:
            break
    return out
