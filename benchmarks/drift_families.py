"""
The families tried for the drift statistic, on the three cohorts of bench_drift.

    python benchmarks/drift_families.py            # 2,000 members (a few minutes)
    python benchmarks/drift_families.py --members 1000
    python benchmarks/drift_families.py --quick    # 100 members

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
"""

from __future__ import annotations

import argparse
import functools
import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from bench_drift import (
    BURSTY,
    TARGET_SHARE,
    cohort,
    cutoff,
    oracle,
    oracle_maxima,
    per_member,
    quality,
)
from drift_ceiling import (
    Bayes,
    Prototype,
    matrix,
    run,
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


def main() -> None:
    """Every family on the three cohorts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--quick", action="store_true", help="100 members, for tests")
    args = parser.parse_args()
    members = 100 if args.quick else args.members
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
