"""
The drift statistic: a Shiryaev-Roberts recursion against each member's own baseline.

One step per decided (kept or missed) touchpoint, in the member's time
order. Each step's increment is a predictive log-likelihood ratio: "the
rate fell" (the run's own rate, learned from the run, at most ``drop``
times the baseline) against "it did not" (one rate for the baseline and
the run, the run weighing three quarters). The statistic is the log of a
Shiryaev-Roberts sum, s <- log(w + e^s) + increment, which adds up the
evidence for every onset instead of keeping the best one as a CUSUM does
(w, the weight of an onset at this touchpoint, holds a perfect record
at `ONSET_LEVEL`); it is floored at `FLOOR`. The baseline is the
member's kept rate shrunk toward the cohort's, read only from touchpoints
*before* the current run of evidence (a run starts when the statistic
rises above `FOLD`, and is folded into the baseline when it falls back to
`FOLD` or below): the drop it is meant to detect is never folded into
it. A member is flagged when the statistic reaches the threshold, which
falls by ``GAMMA log(min(n, 156))`` as the record of n decided
touchpoints grows (its baseline is better known). While flagged the
statistic is capped at its threshold, and the flag is released only when
it falls to ``release`` times the threshold (hysteresis). The drift's
onset is the run's start.

`step` is the statistic for one member (the online monitor); `run_batch`
is the same arithmetic for many members at once with numpy, one step
across every member per touchpoint index. Both use only exactly rounded
operations (+, -, *, /, comparisons, round) and table look-ups (the
softplus log(1 + e^s) too: its correction log(1 + e^-|s|) is read from a
table on a 1/64 grid), so they agree bit for bit: replaying a history
online gives batch's reports.
"""

from __future__ import annotations

import functools
import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from peerkit.engagement._policy import (
    FREQ_MAX,
    FREQ_STEPS,
    GAMMA,
    HISTORY_CAP,
    RATE_GRID,
    WEEK_US,
    DriftPolicy,
    tables,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

WEEK = float(WEEK_US)
NONE = -1  # "no instant" in the integer microsecond fields
DEFAULT_FREQ = FREQ_STEPS  # one a week until two touchpoints say otherwise


class Member:
    """Mutable per-member state of the statistic (internal; saved in `DriftState`)."""

    __slots__ = (
        "excused",
        "first",
        "flagged",
        "h",
        "kb",
        "kept",
        "kind",
        "kr",
        "last_activity",
        "last_kept",
        "last_key",
        "last_seen",
        "miss_run",
        "miss_start",
        "n",
        "nb",
        "nr",
        "onset",
        "q",
        "reeng",
        "run_start",
        "s",
        "win",
        "wn",
    )

    def __init__(self) -> None:
        self.kb = self.nb = self.kr = self.nr = 0
        self.s = 0.0
        self.h = math.inf
        self.q = DEFAULT_FREQ  # the touchpoints-a-week step h was read at
        self.run_start = self.onset = NONE
        self.flagged = False
        self.reeng = 0
        self.n = 0
        self.first = NONE
        self.last_key = NONE
        self.win = self.wn = 0
        self.miss_run = 0
        self.miss_start = NONE
        self.kept = 0
        self.excused = 0
        self.last_kept = NONE
        self.last_activity = NONE
        self.last_seen = NONE  # the latest event of any kind (the monitor's clock)
        self.kind: str | None = None


MIXED = "*"  # Member.kind when a member has touchpoints of several kinds


# The drift's own rate is learned from the run, starting from the drifted
# baseline with the weight of this many touchpoints; no rate is assumed.
RUN_PRIOR = 4.0
# "No drift" reads the run at this weight (quarters: 3 of 4), so a long run
# cannot argue the drop away.
RUN_WEIGHT = 3
# The statistic never goes below FLOOR (a Shiryaev-Roberts sum of e^-4:
# older evidence than that is forgotten).
FLOOR = -4.0
# Where a perfect record holds the statistic (see `Stepper.log_onset`): with
# the default drop of one half, the onset weight is 1, the plain
# Shiryaev-Roberts sum.
ONSET_LEVEL = 0.0
# A run of evidence starts when the statistic rises above FOLD (the
# Shiryaev-Roberts sum above e^0.5) and is folded into the baseline when it
# falls back to FOLD or below; its start is the drift's onset estimate.
FOLD = 0.5
# softplus(s) = max(s, 0) + log(1 + e^-|s|), the correction read on this grid.
SOFT_STEPS = 64
SOFT_TOP = 40 * SOFT_STEPS
SOFT = (*(math.log1p(math.exp(-i / SOFT_STEPS)) for i in range(SOFT_TOP + 1)), 0.0)
SOFT_ARRAY = np.array(SOFT, dtype=np.float64)
# The threshold's fall after n decided touchpoints, by n (capped).
BONUS = (
    0.0,
    *(GAMMA * math.log(min(n, HISTORY_CAP)) for n in range(1, HISTORY_CAP + 1)),
)
BONUS_ARRAY = np.array(BONUS, dtype=np.float64)


def softplus(s: float) -> float:
    """
    log(1 + e^s), its correction term read from `SOFT` (exactly as batch).

    log(w + e^s) is log w + softplus(s - log w).
    """
    i = round(abs(s) * SOFT_STEPS)
    return (s if s > 0 else 0.0) + SOFT[i if i <= SOFT_TOP else SOFT_TOP + 1]


def softplus_array(s: NDArray[np.float64]) -> NDArray[np.float64]:
    """`softplus` over an array, bit for bit."""
    i = np.minimum(np.rint(np.abs(s) * SOFT_STEPS), SOFT_TOP + 1).astype(np.int64)
    out: NDArray[np.float64] = np.where(s > 0, s, 0.0) + SOFT_ARRAY[i]
    return out


# run_batch steps members in blocks this large (a block's columns fit the
# CPU's cache, and numpy's per-call cost is still small beside the work).
CHUNK = 8192
INITIAL_SIZE = 128  # counts the log tables cover before they are first rebuilt
# The most counts the tables ever cover (about 13 MB a policy); past it the
# same logs are computed as they are needed, so memory stays bounded
# whatever a history's length.
TABLE_CAP = 1024


class LogTables:
    """
    The statistic's log tables for run and baseline counts below `size`.

    Built whole and never changed: a larger table is a new object (see
    `Stepper.tables_for`), so every reader, in any thread, sees a complete
    table. "No drift" reads quarter counts, 4 x baseline + 3 x run (the
    run weighs three quarters): log(x/4 + prior kept | prior missed | prior
    strength). "Drift" reads run counts against its own prior, by baseline
    grid step. The lists serve the online step; the read-only arrays the
    same values to the batch.
    """

    __slots__ = (
        "a1",
        "a1_array",
        "b1",
        "b1_array",
        "l0a",
        "l0a_array",
        "l0b",
        "l0b_array",
        "l0m",
        "l0m_array",
        "m1",
        "m1_array",
        "size",
    )

    def __init__(
        self,
        size: int,
        rates: tuple[float, ...],
        prior: float,
        prior_missed: float,
        strength: float,
    ) -> None:
        log = math.log
        quarters = [x / 4 for x in range(4 * size)]
        self.l0a = tuple(log(h + prior) for h in quarters)
        self.l0b = tuple(log(h + prior_missed) for h in quarters)
        self.l0m = tuple(log(h + strength) for h in quarters)
        self.m1 = tuple(log(x + RUN_PRIOR) for x in range(size))
        self.a1 = tuple(
            tuple(log(x + rate * RUN_PRIOR) for x in range(size)) for rate in rates
        )
        self.b1 = tuple(
            tuple(log(x + (1 - rate) * RUN_PRIOR) for x in range(size))
            for rate in rates
        )
        self.l0a_array = _frozen_array(self.l0a)
        self.l0b_array = _frozen_array(self.l0b)
        self.l0m_array = _frozen_array(self.l0m)
        self.m1_array = _frozen_array(self.m1)
        self.a1_array = _frozen_array(self.a1)
        self.b1_array = _frozen_array(self.b1)
        self.size = size  # set last: a table is only ever used once complete


def _frozen_array(values: tuple[float, ...] | tuple[tuple[float, ...], ...]) -> Any:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


class Stepper:
    """
    `step` with a policy's constants and log tables bound (one per policy).

    Shared by every caller with an equal policy, in any thread: its
    constants never change, and its log tables are replaced whole, never
    extended in place (`tables_for`).
    """

    __slots__ = (
        "_grow_lock",
        "_tables",
        "dk",
        "dm",
        "limits",
        "log_onset",
        "mask",
        "min_history",
        "prior",
        "prior_missed",
        "rates",
        "recent_count",
        "reengaged_for",
        "release",
        "strength",
        "thresholds",
    )

    def __init__(self, policy: DriftPolicy) -> None:
        self.rates, self.thresholds = tables(policy)
        # The threshold at touchpoints-a-week step q after n decided
        # touchpoints (n capped): limits[q][n], the batch's subtraction.
        self.limits = tuple(
            tuple(threshold - bonus for bonus in BONUS) for threshold in self.thresholds
        )
        self.dk = tuple(math.log(r) for r in self.rates)
        self.dm = tuple(math.log(1 - r) for r in self.rates)
        # The weight of "the drift starts now" in the Shiryaev-Roberts sum,
        # chosen so that a perfect record holds the sum at e^ONSET_LEVEL whatever
        # the drop: kept touchpoints multiply it by at most about `drop`, so it
        # settles at onset x drop / (1 - drop).
        self.log_onset = ONSET_LEVEL + math.log((1 - policy.drop) / policy.drop)
        self.prior = policy.cohort_rate * policy.prior_strength
        self.prior_missed = policy.prior_strength - self.prior
        self.strength = policy.prior_strength
        self.release = policy.release
        self.min_history = policy.min_history
        self.reengaged_for = policy.reengaged_for
        self.recent_count = policy.recent_count
        self.mask = (1 << policy.recent_count) - 1
        self._grow_lock = threading.Lock()
        self._tables = self._build(INITIAL_SIZE)

    def _build(self, size: int) -> LogTables:
        return LogTables(size, self.rates, self.prior, self.prior_missed, self.strength)

    def tables_for(self, size: int) -> LogTables:
        """
        Log tables covering run and baseline counts below *size*.

        The current tables if they are large enough; else new ones, built
        whole (under a lock, so one thread builds them) and then published
        by swapping one reference. If the build is interrupted, the
        previous complete tables stay in place.
        """
        current = self._tables
        if current.size >= size:
            return current
        with self._grow_lock:
            current = self._tables
            if current.size < size:
                current = self._build(max(size, 2 * current.size))
                self._tables = current
        return current

    def increment(  # noqa: PLR0913 - the statistic's counts, as step reads them
        self, g: int, kept: int, *, kb: int, nb: int, kr: int, nr: int, capped: bool
    ) -> float:
        """
        One touchpoint's log-likelihood ratio, its logs computed, not looked up.

        Every log is the expression `LogTables` stores, so the result is
        the table look-up's, bit for bit; used past `TABLE_CAP`.
        """
        log = math.log
        rate = self.rates[g]
        w = RUN_WEIGHT
        m1 = log(nr + RUN_PRIOR)
        l0m = log((4 * nb + w * nr) / 4 + self.strength)
        if kept:
            drift = self.dk[g] if capped else log(kr + rate * RUN_PRIOR) - m1
            return drift - (log((4 * kb + w * kr) / 4 + self.prior) - l0m)
        missed_b, missed_r = nb - kb, nr - kr
        drift = self.dm[g] if capped else log(missed_r + (1 - rate) * RUN_PRIOR) - m1
        return drift - (
            log((4 * missed_b + w * missed_r) / 4 + self.prior_missed) - l0m
        )

    def step(  # noqa: C901, PLR0912, PLR0915 - one recursion, kept flat for speed
        self, m: Member, kept: int, at: int
    ) -> None:
        """Advance *m* by one decided touchpoint (*kept* 1 or 0) due *at*."""
        # Written for the online monitor's speed (locals, no builtin calls
        # where a comparison does), each float operation the batch's, in
        # the batch's order.
        n = m.n + 1
        m.n = n
        first = m.first
        if first == NONE:
            m.first = first = at
        span = at - first
        if span > 0:
            # floor of a positive float; int and float operands read as
            # float(n - 1) and float(span) (exact conversions, as batch's).
            q = int((n - 1) * WEEK / span * FREQ_STEPS + 0.5)
            q = 1 if q < 1 else FREQ_MAX if q > FREQ_MAX else q  # noqa: FURB136
        else:
            q = DEFAULT_FREQ
        h = self.limits[q][n if n < HISTORY_CAP else HISTORY_CAP]  # noqa: FURB136
        m.h = h
        m.q = q
        # The log-likelihood ratio of this touchpoint. Drift: the run has its
        # own rate, at most `drop` times the baseline's, learned from the
        # run. No drift: one rate for the baseline and the run, the run
        # weighing three quarters, so a long run cannot argue the drop away.
        kb, nb, kr, nr = m.kb, m.nb, m.kr, m.nr
        g = round((kb + self.prior) / (nb + self.strength) * RATE_GRID)
        t = self._tables
        size = t.size
        if nb + nr + 1 >= size and size < TABLE_CAP:
            t = self.tables_for(min(2 * (nb + nr + 1), TABLE_CAP))
            size = t.size
        capped = kr >= self.rates[g] * nr
        if nb + nr + 1 >= size:  # past the tables: the same logs, computed
            inc = self.increment(g, kept, kb=kb, nb=nb, kr=kr, nr=nr, capped=capped)
        elif kept:
            drift = self.dk[g] if capped else t.a1[g][kr] - t.m1[nr]
            inc = drift - (t.l0a[4 * kb + 3 * kr] - t.l0m[4 * nb + 3 * nr])
        else:
            drift = self.dm[g] if capped else t.b1[g][nr - kr] - t.m1[nr]
            inc = drift - (
                t.l0b[4 * (nb - kb) + 3 * (nr - kr)] - t.l0m[4 * nb + 3 * nr]
            )
        # log(w + e^s) + inc, w = e^lo: `softplus`, inlined (the same floats).
        lo = self.log_onset
        x = m.s - lo
        i = round((x if x >= 0 else -x) * SOFT_STEPS)
        s = (
            lo + ((x if x > 0 else 0.0) + SOFT[i if i <= SOFT_TOP else SOFT_TOP + 1])
        ) + inc
        if s < FLOOR:  # noqa: PLR1730 - a comparison costs less than max()
            s = FLOOR
        if m.flagged:
            if s > h:  # noqa: PLR1730
                s = h
            if s <= self.release * h:
                m.flagged = False
                m.onset = m.run_start = NONE
                m.kr = m.nr = 0
                m.reeng = self.reengaged_for
                s = 0.0
            else:
                m.kr = kr + kept
                m.nr = nr + 1
        else:
            if m.reeng > 0:
                m.reeng -= 1
            if s <= FOLD:
                m.kb = kb + kr + kept
                m.nb = nb + nr + 1
                m.kr = m.nr = 0
                m.run_start = NONE
            else:
                if nr == 0:
                    m.run_start = at
                m.kr = kr + kept
                m.nr = nr + 1
                if s >= h and n >= self.min_history:
                    m.flagged = True
                    m.onset = m.run_start
                    m.reeng = 0
        m.s = s
        m.win = ((m.win << 1) | kept) & self.mask
        wn = m.wn
        if wn < self.recent_count:
            m.wn = wn + 1
        if kept:
            m.kept += 1
            m.miss_run = 0
            m.last_kept = at
        else:
            if m.miss_run == 0:
                m.miss_start = at
            m.miss_run += 1


def _start_from(states: list[Member], columns: dict[str, Any]) -> None:
    """Fill each column with the states' values of the field it is named for."""
    for name, column in columns.items():
        column[:] = [getattr(m, name) for m in states]


@functools.lru_cache(maxsize=64)
def stepper(policy: DriftPolicy) -> Stepper:
    """
    The `Stepper` for *policy*, cached on the whole policy.

    Safe to share between callers and threads: see `Stepper`.
    """
    return Stepper(policy)


def run_batch(  # noqa: PLR0913, PLR0915 - the same recursion as Stepper.step, vectorised
    policy: DriftPolicy,
    outcome: NDArray[np.int64],
    at: NDArray[np.int64],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    *,
    initial: list[Member] | None = None,
) -> list[Member]:
    """
    Run `Stepper.step` over many members at once.

    With *initial* (each member's state before these touchpoints, aligned
    with *starts*), the run continues from it, as the online monitor's
    `observe_many` does; the online-only fields are the caller's.

    Args:
        policy: The policy.
        outcome: 1 kept, 0 missed, member by member, each in time order.
        at: POSIX microseconds of each, aligned with *outcome*.
        starts: Where each member's touchpoints start in the arrays.
        lengths: How many each member has (at least one).
        initial: Each member's state before these, or None for new members.

    Returns:
        Each member's state after their last touchpoint, in input order
        (the fields `detect_drift` reports from; the online-only ones are
        left at their defaults).
    """
    st = stepper(policy)
    begun = (
        np.zeros(len(lengths), np.int64)
        if initial is None
        else np.fromiter((m.n for m in initial), np.int64, len(initial))
    )
    logs = st.tables_for(min(int((begun + lengths).max(initial=0)) + 2, TABLE_CAP))
    rates = np.array(st.rates)
    dk, dm = np.array(st.dk), np.array(st.dm)
    l0a, l0b, l0m = logs.l0a_array, logs.l0b_array, logs.l0m_array
    a1, b1, m1 = logs.a1_array, logs.b1_array, logs.m1_array
    order = np.argsort(-lengths, kind="stable")
    begin = starts[order]
    size = lengths[order]
    k = len(order)
    i64 = np.int64
    kb = np.zeros(k, i64)
    nb = np.zeros(k, i64)
    kr = np.zeros(k, i64)
    nr = np.zeros(k, i64)
    s = np.zeros(k)
    h = np.full(k, math.inf)
    freq = np.full(k, DEFAULT_FREQ, i64)
    run_start = np.full(k, NONE, i64)
    onset = np.full(k, NONE, i64)
    flagged = np.zeros(k, bool)
    reeng = np.zeros(k, i64)
    first = at[begin]
    win = np.zeros(k, i64)
    kept_total = np.zeros(k, i64)
    miss_run = np.zeros(k, i64)
    miss_start = np.full(k, NONE, i64)
    last_kept = np.full(k, NONE, i64)
    n0 = begun[order]
    if initial is not None:
        _start_from(
            [initial[i] for i in order.tolist()],
            {
                "kb": kb, "nb": nb, "kr": kr, "nr": nr, "s": s, "h": h, "q": freq,
                "run_start": run_start, "onset": onset, "flagged": flagged,
                "reeng": reeng, "win": win, "kept": kept_total,
                "miss_run": miss_run, "miss_start": miss_start,
                "last_kept": last_kept,
            },
        )  # fmt: skip
        first = np.where(
            n0 > 0, [m.first for m in (initial[i] for i in order.tolist())], first
        )
    tables_cover = int((n0 + size).max(initial=0)) + 1 < logs.size
    # The log tables for kept (0) and missed (1) side by side, so that one
    # gather reads each member's own: the same values, the same subtractions.
    dkm = np.stack((dk, dm))
    ab1 = np.stack((a1, b1))
    l0ab = np.stack((l0a, l0b))
    limits = np.array(st.limits)
    lo = st.log_onset
    release, min_history = st.release, st.min_history
    # Members in blocks of CHUNK (each block's arrays stay in the CPU's
    # cache through its steps); size is sorted descending, so the members of
    # a block still going at step j are a prefix of it.
    whole: tuple[Any, ...] = (
        kb, nb, kr, nr, s, h, freq, run_start, onset, flagged, reeng, first,
        win, kept_total, miss_run, miss_start, last_kept, begin, size, n0,
    )  # fmt: skip
    for block in range(0, k, CHUNK):
        (kb, nb, kr, nr, s, h, freq, run_start, onset, flagged, reeng, first, win,
         kept_total, miss_run, miss_start, last_kept, begin, size, n0) = (
            column[block : block + CHUNK] for column in whole
        )  # fmt: skip
        steps = int(size[0])
        active = np.searchsorted(-size, -np.arange(steps), side="left").tolist()
        for j in range(steps):
            a = active[j]
            idx = begin[:a] + j
            x = outcome[idx]
            t = at[idx]
            n = n0[:a] + (j + 1)
            span = t - first[:a]
            with np.errstate(divide="ignore", invalid="ignore"):
                f = (n - 1).astype(np.float64) * WEEK / span.astype(np.float64)
                f = f * FREQ_STEPS + 0.5
            q = np.where(span > 0, np.clip(np.floor(f), 1, FREQ_MAX), DEFAULT_FREQ)
            q = q.astype(i64)
            hh = limits[q, np.minimum(n, HISTORY_CAP)]
            h[:a] = hh
            freq[:a] = q
            kba, nba, kra, nra = kb[:a], nb[:a], kr[:a], nr[:a]
            grid = np.rint((kba + st.prior) / (nba + st.strength) * RATE_GRID).astype(
                i64
            )
            capped = kra >= rates[grid] * nra
            kept_now = x == 1
            missed = 1 - x
            if tables_cover:  # every count so far is in the tables
                m1_nr = m1[nra]
                drift = np.where(
                    capped,
                    dkm[missed, grid],
                    ab1[missed, grid, np.where(kept_now, kra, nra - kra)] - m1_nr,
                )
                none = (
                    l0ab[
                        missed,
                        np.where(
                            kept_now,
                            4 * kba + 3 * kra,
                            4 * (nba - kba) + 3 * (nra - kra),
                        ),
                    ]
                    - l0m[4 * nba + 3 * nra]
                )
                inc = drift - none
            else:  # past the tables: the same logs, computed
                inc = np.array(
                    [
                        st.increment(g_, x_, kb=kb_, nb=nb_, kr=kr_, nr=nr_, capped=c_)
                        for g_, x_, kb_, nb_, kr_, nr_, c_ in zip(
                            grid.tolist(), x.tolist(), kba.tolist(), nba.tolist(),
                            kra.tolist(), nra.tolist(), capped.tolist(), strict=True,
                        )
                    ],
                    np.float64,
                )  # fmt: skip
            sa = np.maximum(lo + softplus_array(s[:a] - lo) + inc, FLOOR)
            fl = flagged[:a]
            # flagged members: capped at the threshold, released at `release` of it
            sa = np.where(fl, np.minimum(sa, hh), sa)
            released = fl & (sa <= release * hh)
            held = fl & ~released
            # unflagged members: folded at FOLD or below, else the run goes on
            free = ~fl
            reset = free & (sa <= FOLD)
            going = free & ~reset
            reeng_a = reeng[:a]
            reeng_a -= free & (reeng_a > 0)
            kba += reset * (kra + x)
            nba += reset * (nra + 1)
            # grow (held or going) and cleared (released or reset) split everyone.
            grow = held | going
            run_a = np.where(going & (nra == 0), t, run_start[:a])
            run_a[~grow] = NONE
            run_start[:a] = run_a
            kra += x
            kra *= grow
            nra += 1
            nra *= grow
            sa[released] = 0.0
            flag_now = going & (sa >= hh) & (n >= min_history)
            onset[:a] = np.where(flag_now, run_a, np.where(released, NONE, onset[:a]))
            reeng_a[flag_now] = 0
            reeng_a[released] = st.reengaged_for
            flagged[:a] = held | flag_now
            s[:a] = sa
            win[:a] = ((win[:a] << 1) | x) & st.mask
            kept_total[:a] += x
            mr = miss_run[:a]
            miss_start[:a] = np.where(~kept_now & (mr == 0), t, miss_start[:a])
            mr += 1
            mr *= missed
            last_kept[:a] = np.where(kept_now, t, last_kept[:a])
    (kb, nb, kr, nr, s, h, freq, run_start, onset, flagged, reeng, first, win,
     kept_total, miss_run, miss_start, last_kept, begin, size, n0) = whole  # fmt: skip
    states: list[Member] = [Member() for _ in range(k)]
    back = np.empty(k, i64)
    back[order] = np.arange(k)
    columns = (
        kb.tolist(), nb.tolist(), kr.tolist(), nr.tolist(), s.tolist(), h.tolist(),
        run_start.tolist(), onset.tolist(), flagged.tolist(), reeng.tolist(),
        (n0 + size).tolist(), first.tolist(), win.tolist(), kept_total.tolist(),
        miss_run.tolist(), miss_start.tolist(), last_kept.tolist(), freq.tolist(),
    )  # fmt: skip
    recent_count = st.recent_count
    for pos, (kb_, nb_, kr_, nr_, s_, h_, rs_, on_, fl_, re_, n_, fi_, wi_, ke_,
              mr_, ms_, lk_, q_) in enumerate(zip(*columns, strict=True)):  # fmt: skip
        m = states[pos]
        m.kb, m.nb, m.kr, m.nr, m.s, m.h = kb_, nb_, kr_, nr_, s_, h_
        m.run_start, m.onset, m.flagged, m.reeng = rs_, on_, fl_, re_
        m.n, m.first, m.win, m.wn, m.kept = n_, fi_, wi_, min(n_, recent_count), ke_
        m.miss_run, m.miss_start, m.last_kept, m.q = mr_, ms_, lk_, q_
    return [states[i] for i in back.tolist()]
