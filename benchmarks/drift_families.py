"""
The families tried for the drift statistic, on the three cohorts of bench_drift.

    python benchmarks/drift_families.py            # 2,000 members (a few minutes)
    python benchmarks/drift_families.py --members 1000
    python benchmarks/drift_families.py --quick    # 100 members
    python benchmarks/drift_families.py --budget   # the default budget, every cohort
    python benchmarks/drift_families.py --levels   # ... by steady members' rate band

A numpy re-implementation (floats, no tables: close to, not bit for bit,
peerkit's) of the recursion with every knob exposed, so that each family
tried for issue 16 can be rerun: a Bernoulli CUSUM or a Shiryaev-Roberts
sum (`sr`) of the predictive log-likelihood ratio "the run's own rate, at
most `drop` x baseline, learned with `run_prior` touchpoints' weight"
against "one rate, the run weighing `half`"; the threshold falling by
`gamma` log(min(n, 156)); misses after `damp_after` in a row damped by a
two-state away model (`rho`: the chance of staying away); the run folded
into the baseline when the statistic falls to `fold`. Every row is
calibrated on the calibration cohort to flag at most 5% of its steady
members, then judged on the test cohort (bench_drift's seeds and judging),
beside the full-history Bayes factor and the oracle.

`--budget` asks the other question of issue 16: does the *default*
budget (5 per 100 members a year) flag 5% +/- 2 SE of steady members on
every cohort, the bursty one included? For each structural family tried
(`BUDGET_FAMILIES`: silence judged by elapsed time, a threshold falling
with the baseline's count, a warm-up, bounded increments, misses held
during an absence, an away model releasing them), SLOPE and CALIBRATION
are refitted on the calibration seeds, and every test cohort is judged:
bench_drift's seeds, two more seeds of each, and the bursty generator
with 1-week and with 4-week bursts (cohorts nothing was tuned on).

`--levels` asks why: steady members who keep less than 60% are flagged
far more often than those who keep more than 80%, on every cohort. For
each family tried to even that out (`LEVEL_FAMILIES`: a threshold moved
by the baseline's log-odds, a weaker or stronger prior, a lower cohort
rate, the cohort rate read from a past cohort) SLOPE and CALIBRATION
(and the log-odds weight beta, where fitted: the one evening the lowest
and highest bands on the calibration seeds) are refitted on the
calibration seeds, and each test cohort's steady members flagged are
shown by band of their simulated rate (`--band-by kept`: of their
record's kept share), with the drifters found.
"""

from __future__ import annotations

import argparse
import functools
import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from _attendance import simulate_attendance
from bench_drift import (
    BURSTY,
    TARGET_SHARE,
    Track,
    cohort,
    cutoff,
    oracle,
    oracle_maxima,
    per_member,
    quality,
    read_cohort,
)
from drift_ceiling import (
    Bayes,
    Prototype,
    matrix,
    run,
)

import peerkit.engagement._engine as engine
import peerkit.engagement._silence as silence
from peerkit.engagement import DriftPolicy
from peerkit.engagement._policy import (
    FREQ_MAX,
    FREQ_STEPS,
    HISTORY_CAP,
    RATE_GRID,
    WEEKS_PER_YEAR,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench_drift import Cohort
    from drift_ceiling import Detector, Matrix
    from numpy.typing import NDArray


class Knobs(NamedTuple):
    """One family's settings (the defaults are 0.2.0's CUSUM)."""

    gamma: float = 0.0  # the threshold falls by gamma log(min(n, cap))
    cap: int = 156
    run_prior: float = 2.0  # the run's rate starts at drop x baseline, this weight
    drop: float = 0.5
    rho: float = 0.0  # away model: chance of staying away, 0 for none
    damp_after: int = 99  # ... for misses after this many in a row
    strength: float = 8.0  # prior strength of the cohort rate
    half: float = 0.5  # the run's weight in "no drift"
    cohort_rate: float = 0.8
    sr: bool = False  # Shiryaev-Roberts sum instead of a CUSUM
    fold: float = 0.0  # the run joins the baseline when the statistic falls to this


class Variant(Prototype):
    """The recursion with *knobs*, every member at once (a drift_ceiling Detector)."""

    def __init__(self, members: int, h: float, knobs: Knobs) -> None:
        k = knobs
        super().__init__(members, h, k.gamma, k.cap)
        self.fold, self.sr = k.fold, k.sr
        self.prior = k.cohort_rate * k.strength
        self.strength = k.strength
        self.drop = k.drop
        self.run_prior = k.run_prior
        self.rho, self.damp_after, self.half = k.rho, k.damp_after, k.half
        self.min_history = 6
        self.release = 0.5
        self.run = np.zeros(members, np.int64)

    def update(
        self, x: NDArray[np.int64], active: NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """One step for the *active* members."""
        kb, nb, kr, nr = self.kb, self.nb, self.kr, self.nr
        p_drift = self.drift_rate()
        h_ = self.half
        p_none = (kb + kr * h_ + self.prior) / (nb + nr * h_ + self.strength)
        q_d, q_n = 1 - p_drift, 1 - p_none
        damp = self.run >= self.damp_after
        if self.rho:
            q_d = np.where(damp, self.rho + (1 - self.rho) * q_d, q_d)
            q_n = np.where(damp, self.rho + (1 - self.rho) * q_n, q_n)
        step = np.where(
            x == 1, np.log(p_drift) - np.log(p_none), np.log(q_d) - np.log(q_n)
        )
        prev = np.logaddexp(0.0, self.s) if self.sr else self.s
        s = np.where(
            active, np.maximum(prev + step, -4.0) if self.sr else prev + step, self.s
        )
        self.run = np.where(active, np.where(x == 1, 0, self.run + 1), self.run)
        score, released, cleared = self.settle(s, x, active, self.fold)
        s[released if self.sr else cleared] = 0.0
        self.s = s
        return score


def judge(
    name: str,
    make: Callable[[int, float], Detector],
    test: Cohort,
    mats: tuple[Matrix, Matrix],
) -> None:
    """Calibrate *make* on the first matrix (steady members); print its test row."""
    cal_mat, test_mat = mats
    maxima, _ = run(make, cal_mat, math.inf)
    h = cutoff(maxima.tolist(), TARGET_SHARE)
    _, raises = run(make, test_mat, h)
    q = quality(raises, test)
    burst = sum(1 for m in test.bursts if raises.get(m)) / max(len(test.bursts), 1)
    w4 = w12 = w26 = 0
    for m in test.drifters:
        on = test.truth[m].onset
        hit = next((r for r in raises.get(m, ()) if r[0] >= on - 1e-9), None)
        if hit:
            d = hit[0] - on
            w4 += d <= 4
            w12 += d <= 12
            w26 += d <= 26
    nd = len(test.drifters)
    onset = "—" if q.onset_error is None else f"{q.onset_error:.1f}"
    bursty = "—" if not test.bursts else f"{100 * burst:.1f}"
    print(
        f"| {name} | {h:.2f} | {100 * q.found:.1f} | {100 * w4 / nd:.1f} "
        f"| {100 * q.within:.1f} | {100 * w12 / nd:.1f} | {100 * w26 / nd:.1f} "
        f"| {q.delay or 0:.1f} | {100 * q.false_flags:.1f} | {onset} | {bursty} |",
        flush=True,
    )


SHIPPED = Knobs(sr=True, run_prior=4.0, gamma=0.5, half=0.75, fold=0.5)
FAMILIES = {
    "CUSUM, run prior 2, half weight (0.2.0's statistic)": Knobs(),
    "CUSUM, run prior 4": Knobs(run_prior=4.0),
    "CUSUM, run prior 4, threshold falling 1 log n, weight 3/4": Knobs(
        run_prior=4.0, gamma=1.0, half=0.75
    ),
    "CUSUM, falling threshold 2 log n": Knobs(gamma=2.0),
    "CUSUM, full weight to the run": Knobs(half=1.0),
    "CUSUM, drop 0.4": Knobs(drop=0.4),
    "CUSUM, drop 0.6": Knobs(drop=0.6),
    "CUSUM, prior strength 16": Knobs(strength=16.0),
    "CUSUM, away model from the 2nd miss in a row (rho 0.5)": Knobs(
        rho=0.5, damp_after=2
    ),
    "Shiryaev-Roberts, fold at 0": SHIPPED._replace(fold=0.0),
    "Shiryaev-Roberts, fold at 1": SHIPPED._replace(fold=1.0),
    "Shiryaev-Roberts, threshold falling 1 log n": SHIPPED._replace(gamma=1.0),
    "Shiryaev-Roberts, full weight to the run": SHIPPED._replace(half=1.0),
    "Shiryaev-Roberts, drop 0.6": SHIPPED._replace(drop=0.6),
    "Shiryaev-Roberts, away model from the 4th miss (rho 0.5)": SHIPPED._replace(
        rho=0.5, damp_after=4
    ),
    "Shiryaev-Roberts, away model from the 5th miss (rho 0.8)": SHIPPED._replace(
        rho=0.8, damp_after=5
    ),
    "Shiryaev-Roberts as shipped (fold 0.5)": SHIPPED,
}


# --- --budget: the default budget on every cohort, family by family ---------------


class Absence(NamedTuple):
    """A structural family tried for the honest budget (all off: 0.2.0's rules)."""

    gate: bool = False  # silence only once a run outlasts ABSENCE_WEEKS
    by_baseline: bool = False  # the threshold falls with the baseline's count
    # misses after this many in a row add nothing while within the absence
    hold: int = 0
    reserve: bool = False  # ... kept aside, released if the next run starts before
    # kept touchpoints pay it off (a two-state away model in one number)
    bound: float = 0.0  # a miss adds at most this many nats (0: no bound)
    warm: int = 0  # the first this many touchpoints always build the baseline


class Walker:
    """
    The shipped recursion (`_engine.Stepper`'s logs) with an `Absence` family's changes.

    Pure Python, one member at a time, with the threshold left open so each
    member's path can be judged against any (SLOPE, CALIBRATION): the
    statistic's path before a member's first flag does not depend on the
    threshold, so "ever flagged" is "the path's margin ever reached it".
    """

    def __init__(self, policy: DriftPolicy, family: Absence) -> None:
        self.st = engine.stepper(policy)
        self.policy = policy
        self.family = family
        self.budgets = silence.silence_budgets(policy)
        self.hazard = -math.log1p(-policy.false_flags_per_100_members_per_year / 100)

    def silent(self, m: engine.Member) -> bool:
        """The silence rule, gated by the absence or not (as 0.2.0 shipped it)."""
        run = m.miss_run
        if run == 0 or m.n < self.policy.min_history:
            return False
        if self.family.gate and not silence.outlasts_absence(run, m.q):
            return False
        rate = (m.kept + self.st.prior) / (m.n - run + self.st.strength)
        return silence.silence_alarm(run, rate, self.budgets[m.q])

    def walk(  # noqa: C901, PLR0912, PLR0915 - the recursion, kept flat as shipped
        self, track: Track
    ) -> tuple[NDArray[np.float64], list[float]]:
        """
        The path of one member, never flagged.

        Returns:
            Rows (s, log ARL at the member's pace, the threshold's fall,
            week, the baseline's log-odds, the baseline's count) from
            `min_history` on, and the weeks silence held.
        """
        st, f = self.st, self.family
        m = engine.Member()
        held = 0.0
        rows: list[tuple[float, ...]] = []
        quiet: list[float] = []
        for kept, week in zip(track.xs, track.ts, strict=True):
            at = round(week * engine.WEEK)
            m.n += 1
            if m.first == engine.NONE:
                m.first = at
            span = at - m.first
            q = engine.DEFAULT_FREQ
            if span > 0:
                q = math.floor((m.n - 1) * engine.WEEK / span * FREQ_STEPS + 0.5)
                q = min(max(q, 1), FREQ_MAX)
            m.q = q
            kb, nb, kr, nr = m.kb, m.nb, m.kr, m.nr
            g = round((kb + st.prior) / (nb + st.strength) * RATE_GRID)
            capped = kr >= st.rates[g] * nr
            inc = st.increment(g, kept, kb=kb, nb=nb, kr=kr, nr=nr, capped=capped)
            if not kept and f.bound:
                inc = min(inc, f.bound)
            run = m.miss_run + 1
            within = run > f.hold and not silence.outlasts_absence(run, q)
            if not kept and f.hold and within and inc > 0:
                if f.reserve:
                    held += inc
                inc = 0.0
            elif not kept and f.reserve:
                inc, held = inc + held, 0.0
            elif kept and held > 0:
                held = max(held + inc, 0.0)
            lo = st.log_onset
            s = max(lo + engine.softplus(m.s - lo) + inc, engine.FLOOR)
            if m.nb < f.warm:
                s = 0.0
            if s <= engine.FOLD:
                m.kb += m.kr + kept
                m.nb += m.nr + 1
                m.kr = m.nr = 0
            else:
                m.kr += kept
                m.nr += 1
            m.s = s
            if kept:
                m.kept += 1
                m.miss_run = 0
            else:
                m.miss_run += 1
            if m.n >= self.policy.min_history:
                arl = math.log(q / FREQ_STEPS * WEEKS_PER_YEAR / self.hazard)
                fall = engine.BONUS[min(HISTORY_CAP, m.nb if f.by_baseline else m.n)]
                # the baseline rate this step was judged against, as a log-odds
                p = st.rates[g] / self.policy.drop
                rows.append((s, arl, fall, week, math.log(p / (1 - p)), nb))
            if self.silent(m):
                quiet.append(week)
        return np.array(rows, np.float64).reshape(-1, 6), quiet


Paths = dict[str, tuple["NDArray[np.float64]", list[float]]]


def first_flag(
    path: tuple[NDArray[np.float64], list[float]],
    slope: float,
    cal: float,
    after: float = -math.inf,
) -> float:
    """A member's first flag at (SLOPE, CALIBRATION) from week *after* on, or inf."""
    rows, quiet = path
    first = next((w for w in quiet if w >= after - 1e-9), math.inf)
    if len(rows):
        over = rows[:, 0] - slope * rows[:, 1] + rows[:, 2] >= cal
        hit = np.nonzero(over & (rows[:, 3] >= after - 1e-9))[0]
        if len(hit):
            first = min(first, float(rows[hit[0], 3]))
    return first


def flagged_share(paths: Paths, slope: float, cal: float) -> float:
    """The share of *paths* ever flagged."""
    return sum(first_flag(p, slope, cal) < math.inf for p in paths.values()) / max(
        len(paths), 1
    )


def refit(calibration: list[Paths]) -> tuple[float, float]:
    """
    SLOPE and CALIBRATION putting the default budget at 5% on each calibration cohort.

    For each SLOPE on a grid, the CALIBRATION flagging 5% of each cohort's
    steady members (bisected); the SLOPE whose two agree best, their mean.
    """
    best = (math.inf, 0.0, 0.0)
    for slope in np.arange(0.4, 2.41, 0.1):
        cals = []
        for paths in calibration:
            lo, hi = -20.0, 20.0
            for _ in range(24):
                mid = (lo + hi) / 2
                under = flagged_share(paths, slope, mid) <= TARGET_SHARE
                lo, hi = (lo, mid) if under else (mid, hi)
            cals.append(hi)
        best = min(best, (max(cals) - min(cals), float(slope), sum(cals) / len(cals)))
    return round(best[1], 2), round(best[2], 2)


BUDGET_FAMILIES = {
    "0.2.0 as shipped before (count-only silence)": Absence(),
    "silence after a 3-week absence (shipped)": Absence(gate=True),
    "+ threshold falls with the baseline's count": Absence(gate=True, by_baseline=True),
    "+ warm-up: first 12 build the baseline": Absence(gate=True, warm=12),
    "+ a miss adds at most 1 nat (bounded increments)": Absence(gate=True, bound=1.0),
    "+ misses after 2 in a row add nothing within 3 weeks": Absence(gate=True, hold=2),
    "+ the same, by the baseline's count": Absence(gate=True, hold=2, by_baseline=True),
    "+ held evidence released if misses resume (away model)": Absence(
        gate=True, hold=2, reserve=True, by_baseline=True
    ),
}


def budget_cohorts(members: int) -> list[tuple[str, Cohort]]:
    """The test cohorts: bench_drift's seeds, another seed each, and other bursts."""
    out: list[tuple[str, Cohort]] = []
    for pw in (1, 3, BURSTY):
        out.extend(
            (f"{pw}/wk s{seed}", cohort(members, pw, seed))
            for seed in (2000 + pw, 3000 + pw, 4000 + pw)
        )
    for weeks in ((1, 1), (4, 4)):
        record = simulate_attendance(members, seed=2002, burst_weeks=weeks)
        label = f"bursty, {weeks[0]}-wk bursts s2002"
        out.append((label, read_cohort(record.sim, record.burst_ids)))
    return out


def budget(members: int, names: list[str]) -> None:
    """The default budget (refitted constants) on every cohort, family by family."""
    policy = DriftPolicy()
    calibration = [cohort(members, pw, 1000 + pw) for pw in (1, 3)]
    tests = budget_cohorts(members)
    print(
        f"\n## The default budget on every cohort ({members:,} members each)\n\n"
        "SLOPE and CALIBRATION refitted for each family on the calibration "
        "cohorts (1/week seed 1001, 3/week seed 1003: 5% of steady members "
        "flagged), then every test cohort judged at the default policy. Each "
        "cell: steady members flagged (in the 5% +/- 2 SE band or OUT), then "
        "drifters found by week 52 / within 8 weeks of onset, %.\n"
    )
    print("| family | SLOPE, CAL | " + " | ".join(lbl for lbl, _ in tests) + " |")
    print("|---|---|" + "---:|" * len(tests))
    for name in names:
        family = BUDGET_FAMILIES[name]
        walker = Walker(policy, family)
        fitted = [{m: walker.walk(c.tracks[m]) for m in c.steady} for c in calibration]
        slope, cal = refit(fitted)
        cells = []
        for _, c in tests:
            paths = {m: walker.walk(c.tracks[m]) for m in c.truth}
            steady = {m: paths[m] for m in c.steady}
            share = flagged_share(steady, slope, cal)
            se = math.sqrt(0.05 * 0.95 / len(c.steady))
            mark = "" if abs(share - 0.05) <= 2 * se else " OUT"
            found = within = 0
            for m in c.drifters:
                onset = c.truth[m].onset
                week = first_flag(paths[m], slope, cal, onset)
                found += onset <= week < math.inf
                within += onset <= week <= onset + 8
            nd = max(len(c.drifters), 1)
            power = f"{100 * found / nd:.0f}/{100 * within / nd:.0f}"
            cells.append(f"{100 * share:.1f}{mark}; {power}")
        row = " | ".join(cells)
        print(f"| {name} | {slope:g}, {cal:g} | {row} |", flush=True)


# --- --levels: is the false-flag chance the same at every rate? -------------------

BANDS = (0.6, 0.8)  # a steady member's own kept share: below 60%, 60-80%, 80% up
BAND_LABELS = ("<60%", "60-80%", ">=80%")
LOGIT_COHORT = math.log(0.8 / 0.2)  # the default cohort rate's log-odds
# what a member's band is read from: "true" (the simulated rate, the
# default) or "kept" (the record's kept share, which a burst of misses
# lowers: a flagged steady member is more often in the low band by it)
BAND_BY = ["true"]
BETAS = tuple(np.round(np.arange(-6.0, 1.01, 0.5), 2))


class Level(NamedTuple):
    """A family tried for an even false-flag chance across members' rates."""

    family: Absence = Absence(gate=True)
    strength: float = 8.0  # the prior strength of the cohort rate
    cohort_rate: float = 0.8  # the default cohort rate
    # the threshold moves by beta (logit baseline - logit 0.8): fitted on the
    # calibration cohorts (None) so the lowest and highest bands are flagged
    # alike, or fixed
    level: bool = False
    beta: float | None = None
    # the cohort rate read from a past cohort of the same kind (another seed),
    # as `DriftPolicy.with_cohort_rate` is meant to be used
    past_rate: bool = False
    # the level term weighed by the prior's share of the baseline,
    # 8 / (count + 8): the shrinkage's bias, largest while the record is short
    decay: bool = False


class Flat:
    """One cohort's never-flagged paths, every member's rows in one array."""

    def __init__(
        self, c: Cohort, paths: Paths, members: list[str], *, decay: bool = False
    ) -> None:
        self.members = members
        self.decay = decay
        rows = [paths[m][0] for m in members]
        lengths = np.array([len(r) for r in rows], np.int64)
        self.rows = np.concatenate(rows) if rows else np.zeros((0, 6))
        self.owner = np.repeat(np.arange(len(members)), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self.full = lengths > 0
        self.starts = starts[self.full]
        self.onset = np.array([c.truth[m].onset for m in members])
        self.quiet = [paths[m][1] for m in members]
        own = [
            float(np.mean(c.tracks[m].xs)) if c.tracks[m].xs else 1.0 for m in members
        ]
        if BAND_BY[0] == "true":  # the simulated rate, not the record's
            own = [c.truth[m].p0 for m in members]
        self.band = np.digitize(own, BANDS)

    def margin(
        self, slope: float, beta: float, window: float | None = None
    ) -> NDArray[np.float64]:
        """Each member's highest s - threshold + CALIBRATION (from the onset on)."""
        r = self.rows
        term = r[:, 4] - LOGIT_COHORT
        if self.decay:
            term = term * 8.0 / (r[:, 5] + 8.0)
        v = r[:, 0] - slope * r[:, 1] + r[:, 2] - beta * term
        if window is not None:
            on = self.onset[self.owner]
            v = np.where((r[:, 3] >= on - 1e-9) & (r[:, 3] <= on + window), v, -np.inf)
        out = np.full(len(self.members), -np.inf)
        if len(v):
            out[self.full] = np.maximum.reduceat(v, self.starts)
        return out

    def silent(self, window: float | None = None) -> NDArray[np.bool_]:
        """Whether the silence rule held (from the onset on, within *window*)."""
        if window is None:
            return np.array([bool(q) for q in self.quiet])
        return np.array(
            [
                any(on - 1e-9 <= w <= on + window for w in q)
                for q, on in zip(self.quiet, self.onset, strict=True)
            ]
        )

    def flagged(self, slope: float, beta: float, cal: float) -> NDArray[np.bool_]:
        """Steady members ever flagged."""
        out: NDArray[np.bool_] = (self.margin(slope, beta) >= cal) | self.silent()
        return out

    def calibration(self, slope: float, beta: float) -> float:
        """The CALIBRATION flagging at most 5% of these (steady) members."""
        margin, silent = self.margin(slope, beta), self.silent()
        allowed = math.floor(TARGET_SHARE * len(margin)) - int(silent.sum())
        ranked = np.sort(margin[~silent])[::-1]
        if allowed < 0:
            return 20.0
        if allowed >= len(ranked):
            return -20.0
        return float(np.nextafter(ranked[allowed], math.inf))


def by_band(flat: Flat, flagged: NDArray[np.bool_]) -> list[float]:
    """The share flagged in each rate band (nan for an empty band)."""
    return [
        float(flagged[flat.band == b].mean()) if (flat.band == b).any() else math.nan
        for b in range(len(BANDS) + 1)
    ]


def level_refit(calibration: list[Flat], level: Level) -> tuple[float, float, float]:
    """
    SLOPE, CALIBRATION and beta, on the calibration cohorts only.

    For each beta (0 unless the family moves the threshold by level), the
    SLOPE whose two CALIBRATIONs agree best and their mean; then the beta
    whose pooled flagged shares of the lowest and highest bands are closest.
    """
    betas: tuple[float, ...] = (0.0,)
    if level.level:
        betas = BETAS if level.beta is None else (level.beta,)
    best = (math.inf, 0.0, 0.0, 0.0)
    for beta in betas:
        fit = (math.inf, 0.0, 0.0)
        for slope in np.arange(0.4, 2.41, 0.1):
            cals = [f.calibration(float(slope), beta) for f in calibration]
            fit = min(fit, (max(cals) - min(cals), float(slope), sum(cals) / len(cals)))
        _, slope, cal = fit
        flags = np.concatenate([f.flagged(slope, beta, cal) for f in calibration])
        bands = np.concatenate([f.band for f in calibration])
        spread = abs(flags[bands == 0].mean() - flags[bands == len(BANDS)].mean())
        best = min(best, (spread, slope, cal, beta))
    return round(best[1], 2), round(best[2], 2), best[3]


def levels(members: int, names: list[str]) -> None:
    """Each LEVEL_FAMILIES row: steady members flagged by rate band, and power."""
    calibration = [cohort(members, pw, 1000 + pw) for pw in (1, 3)]
    tests = budget_cohorts(members)
    kinds = (1, 1, 1, 3, 3, 3, BURSTY, BURSTY, BURSTY, BURSTY, BURSTY)
    past = {pw: cohort(members, pw, 5000 + pw).touchpoints for pw in (1, 3, BURSTY)}
    print(
        f"\n## The false-flag chance by rate band ({members:,} members a cohort)\n\n"
        "Constants (and beta) refitted on the calibration cohorts, then each test "
        "cohort judged at the default budget. Each cell: steady members flagged, "
        f"% (OUT: outside 5% +/- 2 SE) [by {BAND_BY[0]} rate <60% / 60-80% / >=80%]; "
        "drifters found by week 52 / within 8 weeks, %.\n"
    )
    split: list[tuple[Cohort, Flat, NDArray[np.bool_]]] = []
    print("| family | SLOPE, CAL, beta | " + " | ".join(lbl for lbl, _ in tests) + " |")
    print("|---|---|" + "---:|" * len(tests))
    for name in names:
        level = LEVEL_FAMILIES[name]

        def policy_for(pw: int, level: Level = level) -> DriftPolicy:
            policy = DriftPolicy(
                prior_strength=level.strength, cohort_rate=level.cohort_rate
            )
            return policy.with_cohort_rate(past[pw]) if level.past_rate else policy

        cal_flats = []
        for pw, c in zip((1, 3), calibration, strict=True):
            walker = Walker(policy_for(pw), level.family)
            paths = {m: walker.walk(c.tracks[m]) for m in c.steady}
            cal_flats.append(Flat(c, paths, c.steady, decay=level.decay))
        slope, cal, beta = level_refit(cal_flats, level)
        cells = []
        for pw, (_, c) in zip(kinds, tests, strict=True):
            walker = Walker(policy_for(pw), level.family)
            paths = {m: walker.walk(c.tracks[m]) for m in c.truth}
            steady = Flat(c, paths, c.steady, decay=level.decay)
            flags = steady.flagged(slope, beta, cal)
            share = float(flags.mean())
            se = math.sqrt(0.05 * 0.95 / len(c.steady))
            mark = "" if abs(share - 0.05) <= 2 * se else " OUT"
            bands = "/".join(f"{100 * b:.0f}" for b in by_band(steady, flags))
            drift = Flat(c, paths, c.drifters, decay=level.decay)
            found = (drift.margin(slope, beta, 1e9) >= cal) | drift.silent(1e9)
            within = (drift.margin(slope, beta, 8.0) >= cal) | drift.silent(8.0)
            power = f"{100 * found.mean():.0f}/{100 * within.mean():.0f}"
            cells.append(f"{100 * share:.1f}{mark} [{bands}]; {power}")
            if c.bursts and name == names[0]:
                split.append((c, steady, flags))
        row = " | ".join(cells)
        print(f"| {name} | {slope:g}, {cal:g}, {beta:g} | {row} |", flush=True)
    print(f"\nThe bursty cohorts' steady members, by illness, for {names[0]!r}:\n")
    for (label, _), (c, steady, flags) in zip(tests[6:], split, strict=True):
        ill = np.array([m in c.bursts for m in steady.members])
        rest = [float(flags[~ill & (steady.band == b)].mean()) for b in range(3)]
        print(
            f"- {label}: without an illness {100 * flags[~ill].mean():.1f}% "
            f"[{'/'.join(f'{100 * r:.0f}' for r in rest)}], "
            f"{100 * (~ill & (steady.band == 0)).sum() / (~ill).sum():.0f}% of them "
            f"below 60%; with one {100 * flags[ill].mean():.1f}% "
            f"({100 * ill.mean():.0f}% of steady members)"
        )


LEVEL_FAMILIES = {
    "shipped (silence after a 3-week absence)": Level(),
    "(a) threshold moves with the baseline's log-odds, beta fitted": Level(level=True),
    "(b) prior strength 2": Level(strength=2.0),
    "(b) prior strength 4": Level(strength=4.0),
    "(b) prior strength 16": Level(strength=16.0),
    "(b) cohort rate from a past cohort of the same kind": Level(past_rate=True),
    "(a)+(b) log-odds threshold, prior strength 4": Level(strength=4.0, level=True),
    "(a) log-odds threshold, beta -0.5 fixed": Level(level=True, beta=-0.5),
    "(a) log-odds threshold, beta -1 fixed": Level(level=True, beta=-1.0),
    "(b) past cohort rate + (a) beta -0.5": Level(
        past_rate=True, level=True, beta=-0.5
    ),
    "(b) past cohort rate, prior strength 4": Level(past_rate=True, strength=4.0),
    "(b) default cohort rate 0.7": Level(cohort_rate=0.7),
    "(b) default cohort rate 0.6": Level(cohort_rate=0.6),
    "(a) log-odds threshold weighed by the prior's share, beta fitted": Level(
        level=True, decay=True
    ),
}


def main() -> None:
    """Every family on the three cohorts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--quick", action="store_true", help="100 members, for tests")
    parser.add_argument(
        "--budget", action="store_true", help="the default budget on every cohort"
    )
    parser.add_argument(
        "--families",
        default=None,
        help="with --budget or --levels: comma-separated indices into its families",
    )
    parser.add_argument(
        "--levels",
        action="store_true",
        help="the false-flag chance by rate band, for each LEVEL_FAMILIES row",
    )
    parser.add_argument(
        "--band-by",
        choices=("true", "kept"),
        default="true",
        help="with --levels: band members by their simulated rate or kept share",
    )
    args = parser.parse_args()
    members = 100 if args.quick else args.members
    BAND_BY[0] = args.band_by
    if args.levels:
        names = list(LEVEL_FAMILIES)
        if args.families:
            names = [names[int(i)] for i in args.families.split(",")]
        levels(members, names)
        return
    if args.budget:
        names = list(BUDGET_FAMILIES)
        if args.families:
            names = [names[int(i)] for i in args.families.split(",")]
        budget(members, names)
        return
    variants = FAMILIES
    for pw in (1, 3, 2):
        calib = cohort(members, pw, 1000 + pw)
        test = cohort(members, pw, 2000 + pw)
        cm = matrix(calib, calib.steady)
        tm = matrix(test, sorted(test.truth))
        kind = " (bursty, _attendance)" if pw == BURSTY else ""
        print(f"\n## {pw} a week{kind}: {members:,} members\n")
        print(
            "| family | threshold | found by 52 | within 4 | within 8 | within 12 "
            "| within 26 | median delay | steady flagged | onset error "
            "| burst members flagged |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        judge("Bayes factor, full history (drift_ceiling)", Bayes, test, (cm, tm))
        hs = cutoff(
            [oracle_maxima(calib.tracks[m], calib.truth[m]) for m in calib.steady],
            TARGET_SHARE,
        )
        raises = per_member(test, oracle(hs), test.tracks)
        q = quality(raises, test)
        print(
            f"| oracle Bernoulli CUSUM | {hs:.2f} | {100 * q.found:.1f} | — "
            f"| {100 * q.within:.1f} | — | — | {q.delay or 0:.1f} "
            f"| {100 * q.false_flags:.1f} | — | — |"
        )
        for name, kw in variants.items():
            judge(name, functools.partial(Variant, knobs=kw), test, (cm, tm))


if __name__ == "__main__":
    main()
