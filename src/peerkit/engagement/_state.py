"""Reading a saved DriftState back, each value checked against what a history makes."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from peerkit._instants import MAX_DATE, MIN_DATE
from peerkit._validate import MAX_COUNT, is_good_str
from peerkit.engagement._engine import (
    BONUS,
    DEFAULT_FREQ,
    FLOOR,
    FOLD,
    MIXED,
    NONE,
    WEEK,
    Member,
    Stepper,
)
from peerkit.engagement._policy import FREQ_MAX, FREQ_STEPS, HISTORY_CAP
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    from peerkit.engagement._policy import DriftPolicy

_DAY_US = 86_400 * 1_000_000
_EPOCH = 719_163  # date(1970, 1, 1).toordinal()
LOW_US = (MIN_DATE.toordinal() - _EPOCH) * _DAY_US
HIGH_US = (MAX_DATE.toordinal() - _EPOCH + 1) * _DAY_US - 1
# A report counts up to MAX_COUNT touchpoints, so a saved count is at most that.
MAX_HISTORY = MAX_COUNT


class _Row:
    """One saved member, checked value by value; errors name the value."""

    __slots__ = ("path", "values")

    def __init__(self, path: str, values: dict[str, object]) -> None:
        self.path = path
        self.values = values

    def fail(self, name: str, why: str) -> InvalidInputError:
        return InvalidInputError(f"{self.path}.{name}", self.values[name], why)

    def count(self, name: str, high: int = MAX_HISTORY) -> int:
        value = self.values[name]
        if type(value) is not int or not 0 <= value <= high:
            raise self.fail(name, f"a count from 0 to {high:,}")
        return value

    def instant(self, name: str) -> int:
        value = self.values[name]
        if type(value) is not int or not (value == NONE or LOW_US <= value <= HIGH_US):
            raise self.fail(name, "POSIX microseconds in peerkit's range, or -1")
        return value

    def key(self, name: str) -> int:
        value = self.values[name]
        if type(value) is not int or not (
            value == NONE or (LOW_US <= value >> 2 <= HIGH_US and value & 3 < 2)
        ):
            raise self.fail(name, "the last decided touchpoint's key, or -1")
        return value

    def flag(self, name: str) -> bool:
        value = self.values[name]
        if type(value) is not bool:
            raise self.fail(name, "True or False")
        return value

    def check(self, ok: bool, name: str, why: str) -> None:
        if not ok:
            raise self.fail(name, why)


def decode(
    payload: str, policy: DriftPolicy, step: Stepper, fields: tuple[str, ...]
) -> dict[str, Member]:
    """The members a payload holds, refusing anything no history produces."""
    try:
        rows = json.loads(payload)
    except (ValueError, RecursionError):
        raise InvalidInputError("state.payload", payload, "a saved state") from None
    if not isinstance(rows, list):
        raise InvalidInputError("state.payload", payload, "a saved state")
    members: dict[str, Member] = {}
    last = None
    for i, row in enumerate(rows):
        path = f"state.payload[{i}]"
        if not isinstance(row, list) or len(row) != len(fields):
            raise InvalidInputError(path, row, f"a list of {len(fields)} values")
        ident = row[0]
        if not is_good_str(ident):
            raise InvalidInputError(f"{path}.member_id", ident, "a member id")
        if last is not None and ident <= last:
            raise InvalidInputError(
                f"{path}.member_id", ident, "member ids unique, in order"
            )
        last = ident
        members[ident] = _member(
            _Row(path, dict(zip(fields, row, strict=True))), policy, step
        )
    return members


def _member(  # noqa: C901, PLR0912, PLR0915 - one check per invariant
    r: _Row, policy: DriftPolicy, step: Stepper
) -> Member:
    v = r.values
    m = Member()
    n = r.count("n")
    kept = r.count("kept", n)
    kb = r.count("kb")
    nb = r.count("nb")
    kr = r.count("kr")
    nr = r.count("nr")
    r.check(kb <= nb, "kb", "at most nb (kept within the baseline)")
    r.check(kr <= nr, "kr", "at most nr (kept within the run)")
    r.check(nb + nr <= n, "nb", "nb + nr at most n")
    r.check(kb + kr <= kept, "kb", "kb + kr at most the kept count")
    r.check((nb - kb) + (nr - kr) <= n - kept, "nb", "misses within the missed count")
    excused = r.count("excused")
    miss_run = r.count("miss_run", n - kept)
    reeng = r.count("reeng", policy.reengaged_for)
    wn = r.count("wn", policy.recent_count)
    r.check(wn == min(n, policy.recent_count), "wn", "the recent window's length")
    win = r.count("win", (1 << wn) - 1)
    r.check(win.bit_count() <= kept, "win", "no more kept than the kept count")
    r.check(
        wn - win.bit_count() <= n - kept, "win", "no more missed than the missed count"
    )
    low = min(miss_run, wn)
    r.check(win & ((1 << low) - 1) == 0, "win", "the current misses in a row missed")
    if miss_run < wn:
        r.check(bool(win >> miss_run & 1), "win", "a kept one before the misses")
    flagged = r.flag("flagged")
    kind = v["kind"]
    if n + excused == 0:
        r.check(kind is None, "kind", "None for a member with no touchpoints")
    else:
        r.check(kind == MIXED or is_good_str(kind), "kind", "a touchpoint kind")
    first, run_start, onset = (
        r.instant("first"),
        r.instant("run_start"),
        r.instant("onset"),
    )
    last_kept, miss_start = r.instant("last_kept"), r.instant("miss_start")
    last_activity, last_seen = r.instant("last_activity"), r.instant("last_seen")
    last_key = r.key("last_key")
    r.check(last_seen != NONE, "last_seen", "the member's latest event")
    if n == 0:
        for name in (
            "first",
            "run_start",
            "onset",
            "last_kept",
            "miss_start",
            "last_key",
        ):
            r.check(v[name] == NONE, name, "-1 for a member with no decided touchpoint")
        r.check(
            excused > 0 or last_activity != NONE, "last_seen", "a member with an event"
        )
    else:
        r.check(first != NONE, "first", "the first decided touchpoint")
        decided = last_key >> 2
        r.check(last_key != NONE and first <= decided, "last_key", "after the first")
        r.check(decided <= last_seen, "last_seen", "at or after the last touchpoint")
        r.check((kept > 0) == (last_kept != NONE), "last_kept", "set when one was kept")
        r.check(
            (kept < n) == (miss_start != NONE), "miss_start", "set when one was missed"
        )
        for name in ("last_kept", "miss_start", "run_start"):
            at = v[name]
            r.check(at == NONE or first <= at <= decided, name, "within the history")  # type: ignore[operator]
        if last_key & 1:
            r.check(last_kept == decided and miss_run == 0, "last_key", "the last kept")
        else:
            r.check(
                miss_run > 0 and miss_start <= decided, "last_key", "the last missed"
            )
        if miss_run:
            r.check(last_kept < miss_start, "miss_start", "after the last kept one")
        elif kept < n:
            r.check(miss_start <= last_kept, "miss_start", "before the last kept one")
    r.check(last_activity <= last_seen, "last_activity", "at or before last_seen")
    if excused == 0:
        r.check(
            last_seen
            == max(last_key >> 2 if last_key != NONE else NONE, last_activity),
            "last_seen",
            "the latest event",
        )
    # The statistic.
    q = r.count("q", FREQ_MAX)
    s, h = v["s"], v["h"]
    r.check(
        type(s) is float and math.isfinite(s) and s >= FLOOR,
        "s",
        f"a finite number >= {FLOOR}",
    )
    if n == 0:
        r.check(h is None and q == DEFAULT_FREQ, "h", "None before any touchpoint")
        r.check(s == 0, "s", "0 before any touchpoint")
        h = math.inf
    else:
        span = (last_key >> 2) - first
        pace = DEFAULT_FREQ
        if span > 0:  # as Stepper.step reads it
            pace = math.floor(float(n - 1) * WEEK / float(span) * FREQ_STEPS + 0.5)
            pace = min(max(pace, 1), FREQ_MAX)
        r.check(q == pace, "q", "the touchpoints a week of the history")
        r.check(
            h == step.thresholds[q] - BONUS[min(HISTORY_CAP, n)],
            "h",
            "the threshold for q and n",
        )
    assert isinstance(s, float)  # noqa: S101 - checked above
    # A step's increment is at most -log P(outcome | no drift), and that
    # probability is at least min(prior kept, prior missed) / (n + strength);
    # the Shiryaev-Roberts sum log(e^lo + e^s) adds at most log 2 to
    # max(s, lo). So a step rises at most `most` above max(s, lo).
    most = math.log((n + step.strength) / min(step.prior, step.prior_missed))
    most = (most + math.log(2)) * (1 + 1e-9) + 1e-9  # the sums' rounding
    lo = step.log_onset
    if flagged:
        r.check(n >= policy.min_history, "flagged", "not before min_history")
        r.check(nr >= 1 and onset == run_start != NONE, "onset", "the run's start")
        r.check(reeng == 0, "reeng", "0 while flagged")
        # Capped at the threshold, except on the step that raised the flag.
        r.check(policy.release * h < s, "s", "above the release level while flagged")  # type: ignore[operator]
    else:
        r.check(onset == NONE, "onset", "-1 while not flagged")
        r.check((nr == 0) == (run_start == NONE), "run_start", "set while a run lasts")
        r.check(
            (nr == 0) == (s <= FOLD), "s", f"above {FOLD} exactly while a run lasts"
        )
        if n >= policy.min_history:
            r.check(s < h, "s", "below the threshold while not flagged")  # type: ignore[operator]
    r.check(s <= max(lo, FOLD) + most * nr, "s", "no more than the run's steps can add")
    for name in ("kb", "nb", "kr", "nr", "run_start", "onset", "reeng", "n", "first",
                 "last_key", "win", "wn", "miss_run", "miss_start", "kept", "excused",
                 "last_kept", "last_activity", "last_seen", "q"):  # fmt: skip
        setattr(m, name, v[name])
    m.s = s
    m.h = math.inf if h is None else float(h)  # type: ignore[arg-type]
    m.flagged = flagged
    m.kind = kind  # type: ignore[assignment]
    return m
