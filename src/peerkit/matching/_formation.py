"""
Group formation: partition a cohort into new groups, worst-off member first.

The search works on plain integers: members are indexes, a member's
possible meeting starts are a bitset over a week on one zone's wall clock
(15-minute steps), set only where the member is free in every week of the
period, and fits are kept as running sums so a move or a swap is
judged in time proportional to the two groups it touches. The groups found
are then turned into `Group` values and every member's fit is recomputed
with the public `group_fit`, so what is reported is what a caller gets.

Work is blocked by hard rules before it is scored: members are split by
language, ordered by when in the day they are free and by stage, and cut
into blocks of about a dozen groups that are solved independently. Nothing
is quadratic in the cohort.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from peerkit._availability import WeeklyAvailability, Window, materialize
from peerkit._explain import Reason
from peerkit._instants import MINUTES_PER_DAY, from_micros, local_micros, zone
from peerkit._intervals import Interval, Period, as_period
from peerkit._model import Cohort, Group, Member
from peerkit._validate import check_instance, check_int, check_seed, check_str
from peerkit.matching._fit import (
    NEUTRAL,
    FitPolicy,
    check_members,
    closeness,
    group_fit,
    judged_weeks,
    size_range,
    size_score,
    with_cohort_scale,
)
from peerkit.matching._group_rules import NO_RULES, GroupRules, read_rules
from peerkit.matching._results import FormedGroup, Grouping, Unplaced
from peerkit.matching._seasons import pair_weeks, zone_weeks

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

_STEP = 15  # minutes between candidate meeting starts
_US_PER_MIN = 60 * 1_000_000
_SLOTS = 7 * MINUTES_PER_DAY // _STEP
_BLOCK_GROUPS = 12  # groups per independently solved block
_EPS = 1e-12
_EXACT_LIMIT = 12  # blocks this small are solved exactly
_EXACT_NODES = 200_000  # search nodes the exact solver may visit before giving up
_POLISH_PER_MEMBER = 15  # the same, for the last pass over all groups
_BUDGET_PER_MEMBER = 60  # candidate moves judged per member of a block, per restart
_REGROUP_SOLVES = 64  # exact solves a regrouping may spend, plus one per 4 members


# --- preparation ------------------------------------------------------------------


@attrs.define
class _Job:
    """What every step of one form_groups call shares."""

    policy: FitPolicy
    min_size: int
    max_size: int
    period: Interval  # the period the groups are for
    lo: int  # start of a week of the period in which *frame* keeps one offset
    rng: random.Random
    frame: str  # the zone whose wall-clock week the meeting slots are in
    bounds: tuple[int, ...]  # the period's weeks in the frame's Mondays
    rules: GroupRules = NO_RULES  # keep apart / together, no lone member, history
    never: frozenset[str] = frozenset()  # who no group can take (`_never_placed`)


@attrs.frozen
class _Person:
    member: Member
    stage: int
    mask: int  # possible meeting starts, in the frame's wall time, every week
    phase: int  # when in the (UTC) day they are mostly free, 0..95
    comfort: tuple[int, int]


def _season_mask(
    member: Member, minutes: int, bounds: tuple[int, ...], frame: str
) -> int:
    """
    Bit k set when the member is free for a whole meeting at slot k in every week.

    Slot k is ``15 * k`` minutes after Monday 00:00 on *frame*'s wall clock.
    Only the distinct weeks are read (`pair_weeks`). In a week in which
    *frame*'s own clocks change, each slot is read on the wall clock, the
    way the meeting will be (`_wall_mask`).
    """
    ours, theirs = zone_weeks(member.timezone, bounds), zone_weeks(frame, bounds)
    first, _, _, _ = pair_weeks(ours, theirs, exact=True)
    windows, timezone = member.availability.windows, member.timezone
    mask = (1 << _SLOTS) - 1
    for k in first:
        lo = bounds[k]
        if theirs[k][0] == "c":
            mask &= _meeting_mask(windows, timezone, minutes * _US_PER_MIN, lo)
        else:
            hi = bounds[k + 1]
            mask &= _wall_mask(windows, timezone, frame, minutes, (lo, hi))
        if not mask:
            break
    return mask


@functools.lru_cache(maxsize=256)
def _wall_slots(frame: str, week: tuple[int, int], minutes: int) -> tuple[Any, Any]:
    """Each slot's meeting start and end as instants, in a week of a clock change."""
    tz = zone(frame)
    monday = from_micros(week[0]).astimezone(tz).date()
    starts: list[int] = []
    ends: list[int] = []
    for k in range(_SLOTS):
        for wall, out in ((k * _STEP, starts), (k * _STEP + minutes, ends)):
            day, minute = divmod(wall, MINUTES_PER_DAY)
            out.append(local_micros(monday + dt.timedelta(days=day), minute, tz))
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


@functools.lru_cache(maxsize=4096)
def _wall_mask(
    windows: tuple[Window, ...],
    timezone: str,
    frame: str,
    minutes: int,
    week: tuple[int, int],
) -> int:
    """`_meeting_mask` for a week in which the frame's clocks change: slot by slot."""
    starts, ends = _wall_slots(frame, week, minutes)
    lo, hi = int(starts.min()), int(ends.max())
    spans = materialize(windows, timezone, lo, hi + 1)
    if not spans:
        return 0
    first = np.array([a for a, _ in spans], dtype=np.int64)
    last = np.array([b for _, b in spans], dtype=np.int64)
    at = np.searchsorted(first, starts, side="right") - 1
    ok = (at >= 0) & (last[np.maximum(at, 0)] >= ends)
    return int.from_bytes(np.packbits(ok, bitorder="little").tobytes(), "little")


@functools.lru_cache(maxsize=16384)
def _meeting_mask(
    windows: tuple[Window, ...], timezone: str, length: int, lo: int
) -> int:
    """Bit k set when *windows* are free for *length* µs from ``lo + 15k`` min."""
    step = _STEP * _US_PER_MIN
    hi = lo + _SLOTS * step + length
    spans = materialize(windows, timezone, lo, hi)
    mask = 0
    for start, end in spans:
        first = -((lo - start) // step)  # ceil((start - lo) / step)
        last = min((end - length - lo) // step, _SLOTS - 1)
        if last >= first:
            mask |= ((1 << (last - first + 1)) - 1) << first
    return mask


def _phase(mask: int) -> int:
    """Start of the longest stretch of the UTC day in which the person is free."""
    per_day = MINUTES_PER_DAY // _STEP
    day = 0
    for d in range(7):
        day |= (mask >> (d * per_day)) & ((1 << per_day) - 1)
    best, best_len, run_start, run = 0, 0, 0, 0
    for k in range(per_day):
        if day >> k & 1:
            if not run:
                run_start = k
            run += 1
            if run > best_len:
                best, best_len = run_start, run
        else:
            run = 0
    return best


# --- the block solver ----------------------------------------------------------------


class _Block:
    """
    Members of one block, with every pair's term of the fit precomputed.

    A member's fit in a group is ``pair_sum / peers + base(peers) + size``:
    ``pair[i][j]`` holds the stage, experience and goal weight member *j*
    adds to member *i*'s fit, so a fit is one sum and a move one addition.
    """

    def __init__(self, people: Sequence[_Person], job: _Job) -> None:
        self.people = people
        self.min_size, self.max_size = job.min_size, job.max_size
        policy = job.policy
        total = sum(policy.weights.values())
        w = {k: v / total for k, v in policy.weights.items()}
        self.w_size = w["size"]
        exps = [p.member.experiences for p in people]
        goals = [p.member.goals for p in people]
        self.pair: list[list[float]] = []
        self.alone: list[float] = []  # fit terms with no peers (all neutral)
        self.neutral: list[float] = []  # the neutral terms when there are peers
        for p, exp, goal in zip(people, exps, goals, strict=True):
            we = w["experience"] if exp else 0.0
            wg = w["goals"] if goal else 0.0
            self.pair.append(
                [
                    w["stage"] * closeness(policy, q.stage - p.stage)
                    + (we if exp & exps[k] else 0.0)
                    + (wg if goal & goals[k] else 0.0)
                    for k, q in enumerate(people)
                ]
            )
            self.alone.append(
                (w["stage"] + w["experience"] + w["goals"]) * NEUTRAL + w["schedule"]
            )
            self.neutral.append(
                (0.0 if exp else w["experience"] * NEUTRAL)
                + (0.0 if goal else w["goals"] * NEUTRAL)
                + w["schedule"]
            )
        self.size_terms = [
            [self.w_size * size_score(n, p.comfort) for n in range(job.max_size + 2)]
            for p in people
        ]
        self.rules = job.rules
        self.rules.penalise([p.member.id for p in people], self.pair)

    def unit(self, i: int) -> list[int]:
        """*i* and everyone it must be kept together with, in this block."""
        whole = self.rules.together.get(self.people[i].member.id)
        if whole is None:
            return [i]
        return [k for k, p in enumerate(self.people) if p.member.id in whole]

    def admits(self, *groups: Sequence[int]) -> bool:
        """Whether every grouping rule allows each of *groups*."""
        if not self.rules.hard:
            return True
        people = self.people
        return all(self.rules.allows([people[i].member for i in g]) for g in groups)

    def apart(self, unit: Sequence[int], group: Sequence[int]) -> bool:
        """Whether a member of *unit* must be kept apart from one of *group*."""
        if not self.rules.apart:
            return False
        ids = [self.people[j].member.id for j in group]
        return any(self.rules.apart_from(self.people[i].member.id, ids) for i in unit)

    def value(self, i: int, pair_sum: float, size: int) -> float:
        """Member *i*'s fit in a group of *size* whose pair terms sum to *pair_sum*."""
        peers = size - 1
        base = self.neutral[i] + pair_sum / peers if peers else self.alone[i]
        return min(1.0, max(0.0, base + self.size_terms[i][size]))

    def fit(self, i: int, group: Sequence[int]) -> float:
        """Member *i*'s fit in *group* (which includes *i*), as group_fit has it."""
        row = self.pair[i]
        return self.value(i, sum(row[j] for j in group if j != i), len(group))

    def mask_of(self, group: Iterable[int]) -> int:
        mask = -1
        for j in group:
            mask &= self.people[j].mask
        return mask

    def affinity(self, i: int, group: Sequence[int]) -> float:
        if not group:
            return 0.3
        row = self.pair[i]
        return sum(row[j] for j in group) / len(group)


def _group_count(n: int, job: _Job) -> int:
    low, high = job.min_size, job.max_size
    target = min(high, max(low, round(sum(job.policy.ideal_size) / 2)))
    k = max(1, round(n / target), -(-n // high))
    return min(k, n // low)


def _construct(
    block: _Block, order: Sequence[int], k: int
) -> tuple[list[list[int]], list[int]]:
    """Greedy: the hardest to place first, each into the most compatible group."""
    groups: list[list[int]] = [[] for _ in range(k)]
    masks = [-1] * k
    leftover: list[int] = []
    seen: set[int] = set()
    for i in order:
        if i in seen:
            continue
        unit = block.unit(i)  # [i] unless i is to be kept together with others
        seen.update(unit)
        mask_i = block.mask_of(unit)
        best = _most_compatible(block, groups, masks, unit)
        if best < 0:
            leftover.extend(unit)
        else:
            groups[best].extend(unit)
            masks[best] &= mask_i
    kept = [g for g in groups if len(g) >= block.min_size]
    for small in groups:
        if 0 < len(small) < block.min_size:
            leftover.extend(small)
    if block.rules.hard:  # the search starts from groups every rule allows
        kept, taken_out = _repaired(block, kept)
        leftover.extend(taken_out)
    still = [i for i in sorted(leftover) if not _insert(block, kept, i)]
    return kept, still


def _most_compatible(
    block: _Block, groups: list[list[int]], masks: list[int], unit: list[int]
) -> int:
    """The group with room that *unit* (led by its first member) suits best, or -1."""
    best, best_value = -1, -1.0
    mask = block.mask_of(unit)
    for g, group in enumerate(groups):
        if len(group) + len(unit) > block.max_size or not masks[g] & mask:
            continue
        if block.apart(unit, group):
            continue
        value = block.affinity(unit[0], group)
        if value > best_value + _EPS:
            best, best_value = g, value
    return best


def _repaired(
    block: _Block, groups: list[list[int]]
) -> tuple[list[list[int]], list[int]]:
    """The groups with members taken out until every rule allows them."""
    index = {p.member.id: k for k, p in enumerate(block.people)}
    kept: list[list[int]] = []
    out: list[int] = []
    for group in groups:
        fine, gone = block.rules.repair([block.people[i].member for i in group])
        if len(fine) >= block.min_size:
            kept.append([index[m.id] for m in fine])
            out.extend(index[m.id] for m in gone)
        else:
            out.extend(group)
    return kept, out


def _insert(block: _Block, groups: list[list[int]], i: int) -> bool:
    """Put *i* into the compatible group with room it fits best; False if none."""
    mask_i = block.people[i].mask
    best, best_value = -1, -1.0
    for g, group in enumerate(groups):
        if len(group) < block.max_size and block.mask_of(group) & mask_i:
            value = block.fit(i, [*group, i])
            if value > best_value + _EPS and block.admits([*group, i]):
                best, best_value = g, value
    if best < 0:
        return False
    groups[best].append(i)
    return True


class _Search:
    """
    Local search on one block: moves and swaps, judged lexicographically.

    The objective is (worst fit, total fit) over the block. Each member's
    running pair sum and each group's worst and total fit are kept, so a
    candidate change is judged in time proportional to the two groups.
    """

    def __init__(
        self, block: _Block, groups: list[list[int]], rng: random.Random
    ) -> None:
        self.block = block
        self.groups = groups
        self.rng = rng
        self.where: dict[int, int] = {}
        self.sums: dict[int, float] = {}
        self.fits: dict[int, float] = {}
        self.low: list[float] = []
        self.total: list[float] = []
        self._lowest: list[tuple[float, int]] = []
        self._all_total = 0.0
        for g, grp in enumerate(groups):
            for i in grp:
                self.where[i] = g
                row = block.pair[i]
                self.sums[i] = sum(row[j] for j in grp if j != i)
                self.fits[i] = block.value(i, self.sums[i], len(grp))
            self.low.append(min((self.fits[i] for i in grp), default=1.0))
            self.total.append(sum(self.fits[i] for i in grp))

    def objective(self) -> tuple[float, float]:
        """(worst fit, total fit) over the block."""
        return (min(self.low, default=1.0), sum(self.total))

    def _rest(self, a: int, b: int) -> tuple[float, float]:
        """(worst, total) fit over the groups other than *a* and *b*."""
        low = 1.0
        for value, g in self._lowest:
            if g not in (a, b):
                low = value
                break
        return low, self._all_total - self.total[a] - self.total[b]

    def _judge(  # noqa: PLR0913, PLR0917 - the hot loop: no objects allocated per call
        self,
        a: int,
        b: int,
        new_a: list[int],
        new_b: list[int],
        out: int,
        into: int,
        bar: float,
    ) -> tuple[float, float] | None:
        """
        Objective if group *a* became *new_a* and *b* became *new_b*.

        *out* leaves *a* for *b* and *into* (or -1) leaves *b* for *a*.
        Returns None as soon as some member would fall below *bar*: such a
        change cannot beat the best one found so far.
        """
        block = self.block
        low, total = self._rest(a, b)
        if low < bar:
            return None
        pair, neutral, size_terms, sums = (
            block.pair,
            block.neutral,
            block.size_terms,
            self.sums,
        )
        for grp, gone, came in ((new_a, out, into), (new_b, into, out)):
            size = len(grp)
            peers = size - 1
            for i in grp:
                row = pair[i]
                if i == came:
                    s = 0.0
                    for j in grp:
                        if j != i:
                            s += row[j]
                else:
                    s = sums[i] - (row[gone] if gone >= 0 else 0.0)
                    if came >= 0:
                        s += row[came]
                value = neutral[i] + s / peers + size_terms[i][size]
                value = 1.0 if value > 1.0 else max(value, 0.0)
                if value < bar:
                    return None
                total += value
                low = min(low, value)
        return low, total

    @staticmethod
    def _better(a: tuple[float, float], b: tuple[float, float]) -> bool:
        if a[0] > b[0] + _EPS:
            return True
        return abs(a[0] - b[0]) <= _EPS and a[1] > b[1] + _EPS

    def improve(self, budget: int) -> None:
        """Apply the best improving change for the worst-off member, repeatedly."""
        current = self.objective()
        spent = 0
        while spent < budget:
            order = sorted(self.fits, key=lambda i: (self.fits[i], self.rng.random()))
            applied = False
            for x in order:
                best, spent = self._best_change(x, current, spent)
                if best is not None:
                    self._apply(*best)
                    current = self.objective()
                    applied = True
                    break
                if spent >= budget:
                    break
            if not applied:
                return

    def _best_change(
        self, x: int, current: tuple[float, float], spent: int
    ) -> tuple[_Change | None, int]:
        """The best move or swap of *x* that beats *current*, and the new spend."""
        block = self.block
        self._lowest = sorted((value, g) for g, value in enumerate(self.low))[:3]
        self._all_total = sum(self.total)
        mask_x = block.people[x].mask
        gx = self.where[x]
        src = self.groups[gx]
        src_without = [i for i in src if i != x]
        mask_src = block.mask_of(src_without)
        best: _Change | None = None
        best_value = current
        for gy, dst in enumerate(self.groups):
            if gy == gx or not block.mask_of(dst) & mask_x:
                continue
            bar = best_value[0] - _EPS
            if len(dst) < block.max_size and len(src) > block.min_size:
                new_dst = [*dst, x]
                value = self._judge(gx, gy, src_without, new_dst, x, -1, bar)
                spent += 1
                if (
                    value is not None
                    and self._better(value, best_value)
                    and block.admits(src_without, new_dst)
                ):
                    best, best_value = (gx, gy, src_without, new_dst), value
                    bar = best_value[0] - _EPS
            for y in dst:
                if not mask_src & block.people[y].mask:
                    continue
                dst_without = [i for i in dst if i != y]
                if not block.mask_of(dst_without) & mask_x:
                    continue
                new_src, new_dst = [*src_without, y], [*dst_without, x]
                value = self._judge(gx, gy, new_src, new_dst, x, y, bar)
                spent += 1
                if (
                    value is not None
                    and self._better(value, best_value)
                    and block.admits(new_src, new_dst)
                ):
                    best, best_value = (gx, gy, new_src, new_dst), value
                    bar = best_value[0] - _EPS
        return best, spent

    def _apply(self, a: int, b: int, new_a: list[int], new_b: list[int]) -> None:
        block = self.block
        for g, grp in ((a, new_a), (b, new_b)):
            self.groups[g] = grp
            for i in grp:
                self.where[i] = g
                row = block.pair[i]
                self.sums[i] = sum(row[j] for j in grp if j != i)
                self.fits[i] = block.value(i, self.sums[i], len(grp))
            self.low[g] = min((self.fits[i] for i in grp), default=1.0)
            self.total[g] = sum(self.fits[i] for i in grp)


_Change = tuple[int, int, list[int], list[int]]  # groups a, b and what they become


_Value = tuple[int, float, float]  # (placed, worst fit, total fit)


def _better_value(a: _Value, b: _Value) -> bool:
    if a[0] != b[0]:
        return a[0] > b[0]
    if a[1] > b[1] + _EPS:
        return True
    return abs(a[1] - b[1]) <= _EPS and a[2] > b[2] + _EPS


def _solve_heuristic(block: _Block, job: _Job) -> tuple[list[list[int]], list[int]]:
    """Greedy construction, then local search; a few restarts on small blocks."""
    n = len(block.people)
    k = _group_count(n, job)
    if k < 1:
        return [], list(range(n))
    base = sorted(
        range(n),
        key=lambda i: (block.people[i].mask.bit_count(), block.people[i].stage, i),
    )
    restarts = 8 if n <= 4 * job.max_size else 2
    best: tuple[_Value, list[list[int]], list[int]] | None = None
    for attempt in range(restarts):
        order = base if attempt == 0 else job.rng.sample(base, n)
        groups, left = _construct(block, order, k)
        search = _Search(block, groups, job.rng)
        search.improve(_BUDGET_PER_MEMBER * n)
        low, total = search.objective()
        value = (n - len(left), low, total)
        if best is None or _better_value(value, best[0]):
            best = (value, [g for g in search.groups if g], left)
    if best is None:  # pragma: no cover - restarts >= 1
        raise AssertionError
    return best[1], best[2]


def _feasible_groups(
    block: _Block, job: _Job
) -> list[list[tuple[int, list[int], float, float]]]:
    """Per member, the feasible groups it is the lowest member of.

    Each is (bits, members, worst fit, total fit).
    """
    people = block.people
    n = len(people)
    by_first: list[list[tuple[int, list[int], float, float]]] = [[] for _ in range(n)]

    def grow(members: list[int], mask: int, languages: frozenset[str]) -> None:
        if job.min_size <= len(members) and block.admits(members):
            fits = [block.fit(i, members) for i in members]
            bits = sum(1 << i for i in members)
            by_first[members[0]].append((bits, list(members), min(fits), sum(fits)))
        if len(members) == job.max_size:
            return
        for j in range(members[-1] + 1, n):
            m = mask & people[j].mask
            shared = languages & people[j].member.languages
            if m and shared and not block.apart([j], members):
                members.append(j)
                grow(members, m, shared)
                members.pop()

    for i in range(n):
        grow([i], people[i].mask, people[i].member.languages)
    for options in by_first:
        options.sort(key=lambda o: (-o[2], -o[3], o[1]))
    return by_first


def _cannot_beat(value: _Value, left: int, incumbent: _Value) -> bool:
    """Whether no completion of a partial grouping can beat *incumbent*."""
    placed, low, total = value
    can_place = placed + left
    if can_place != incumbent[0]:
        return can_place < incumbent[0]
    if not placed:
        return False
    if low < incumbent[1] - _EPS:
        return True
    return low <= incumbent[1] + _EPS and total + left < incumbent[2] - _EPS


def _solve_exact(
    block: _Block, job: _Job, *, to_beat: _Value = (0, 0.0, 0.0)
) -> tuple[list[list[int]], list[int]] | None:
    """
    The best grouping of a small block by branch and bound, or None if too costly.

    Lexicographic: members placed, then the worst fit, then the total.
    Only groupings better than *to_beat* are looked for: if none is, the
    result places nobody.
    """
    n = len(block.people)
    options = _feasible_groups(block, job)
    best: list[Any] = [to_beat, []]
    nodes = [0]

    def walk(remaining: int, chosen: list[list[int]], value: _Value) -> bool:
        nodes[0] += 1
        if nodes[0] > _EXACT_NODES:
            return False
        placed, low, total = value
        incumbent = best[0]
        if _cannot_beat(value, remaining.bit_count(), incumbent):
            return True
        if not remaining:
            if _better_value(value, incumbent):
                best[0], best[1] = value, [list(g) for g in chosen]
            return True
        first = (remaining & -remaining).bit_length() - 1
        for bits, members, g_low, g_total in options[first]:
            if bits & remaining == bits:
                chosen.append(members)
                fine = walk(
                    remaining & ~bits,
                    chosen,
                    (placed + len(members), min(low, g_low), total + g_total),
                )
                chosen.pop()
                if not fine:
                    return False
        return walk(remaining & ~(1 << first), chosen, value)

    if not walk((1 << n) - 1, [], (0, 1.0, 0.0)):
        return None
    groups: list[list[int]] = best[1]
    placed = {i for g in groups for i in g}
    return groups, [i for i in range(n) if i not in placed]


def _solve(
    people: Sequence[_Person], job: _Job
) -> tuple[list[list[_Person]], list[_Person]]:
    """Solve one block: exactly when it is small, else by local search."""
    if len(people) < job.min_size:
        return [], list(people)
    block = _Block(people, job)
    found = _solve_exact(block, job) if len(people) <= _EXACT_LIMIT else None
    groups, left = found if found is not None else _solve_heuristic(block, job)
    return [[people[i] for i in g] for g in groups], [people[i] for i in left]


# --- the whole cohort ---------------------------------------------------------


def _common_language(people: Sequence[_Person]) -> str:
    return min(frozenset.intersection(*(p.member.languages for p in people)))


def _language_of(member: Member, counts: Counter[str]) -> str:
    return max(sorted(member.languages), key=lambda lang: counts[lang])


def _blocks(people: Sequence[_Person], size: int) -> list[list[_Person]]:
    """Cut an ordered list into blocks of about *size*, the last one not tiny."""
    n = len(people)
    if n <= size * 3 // 2:
        return [list(people)]
    count = round(n / size)
    return [list(people[b * n // count : (b + 1) * n // count]) for b in range(count)]


def _by_time_and_stage(p: _Person) -> tuple[int, int, str]:
    return (p.phase // 8, p.stage, p.member.id)


def form_groups(  # noqa: PLR0913 - the domain input plus keyword-only options
    members: Iterable[Member] | Cohort,
    *,
    min_size: int,
    max_size: int,
    during: Period,
    policy: FitPolicy = FitPolicy(),  # noqa: B008 - frozen value
    seed: int = 0,
    id_prefix: str = "new",
    keep_apart: Iterable[Sequence[str]] = (),
    keep_together: Iterable[Iterable[str]] = (),
    history: Sequence[object] = (),
    no_lone: Sequence[str] = (),
) -> Grouping:
    """
    Partition a cohort into new groups, the worst-off member's fit first.

    Each group has *min_size* to *max_size* members who share a language
    and a weekly meeting time of ``policy.meeting_minutes`` that all of them
    are free for in every week of the period, on its real dates. The
    meeting is on the wall clock of the zone most of the group live in
    where it can be. The objective is the
    programme's, not the average's: place everyone who can be placed, then
    make the worst placed member's fit as high as possible, then the mean
    (a max-min objective, as CATME Team-Maker uses for student teams).
    Nobody is given a poor group to make others' slightly better.

    Small cohorts (a dozen people who can meet at all) are solved exactly;
    larger ones are split by language, time of day and stage into blocks of
    about a dozen groups, each improved by local search, so the work grows
    in proportion to the cohort.

    A member's fit in a formed group is exactly ``group_fit(member,
    attrs.evolve(fg.group, members=<the others>), during=during,
    policy=policy)``, so a
    caller recomputing it gets the same numbers. Members who cannot be
    placed without breaking a hard rule are returned in ``unplaced`` with
    the reason, never dropped.

    A coordinator's grouping rules are hard rules too, kept by every step
    and checked once more at the end, on the groups of all its passes (one
    per zone's clock) together: *keep_apart*, *keep_together* and
    *no_lone*. A set kept together is placed whole in one group of one
    pass, or not at all. Where they cannot all hold, members are left
    unplaced, never placed against one. A rule can stop a member joining
    a group alone where a small regrouping would place them (two members
    of a rare value joining together, a group split in two with a few
    unplaced members), so once the passes are done each group is solved
    again exactly together with unplaced members who could meet with it,
    and the result kept where it places more; in the end no group of
    fewer than twelve and one unplaced member (or set kept together) can
    be regrouped, on that group's clock, to place more. The regrouping's
    time is bounded: it spends at most 64 exact solves plus one per four
    members (each of at most twelve people and 200,000 search steps), and
    tries a member only with a group they share a language and a meeting
    time with; a cohort that would need more keeps what those placed.
    A member whose value of a *no_lone* trait no other member has could
    never be placed, and is left out of every search. *history* is the
    one soft rule: past groupmates are kept apart where that costs little
    fit (see ``FitPolicy.repeat_weight``). A member kept apart from someone is
    never told so: an unplaced member's reason reads the same whichever
    grouping rule, and whose, stood in the way.

    Args:
        members: The members to group, in any order, ids unique; or a
            `Cohort`, of which only the members without a group
            (``cohort.unplaced``) are grouped: members already in one of
            its groups keep it and are not in the result. To regroup
            everyone, pass ``cohort.members``.
        min_size: Smallest group, at least 2.
        max_size: Largest group, at least *min_size*; also each group's
            capacity.
        during: The period the groups are for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes. Required. Every
            Monday-to-Monday week the period touches is judged on its real
            dates; a period shorter than a week on the week or two it
            touches.
        policy: How fit is judged and the meeting length; see `FitPolicy`.
            Given a `Cohort`, a policy whose scale is the default takes the
            cohort's scale; another scale than the cohort's is refused.
        seed: Seeds the search's tie-breaks and restarts, an int from 0 to
            2**64 - 1; the result is a pure function of the inputs.
        id_prefix: New groups are called ``{id_prefix}-1``, ``-2``, ...,
            zero-padded to one width (``new-01`` ... ``new-12``).
        keep_apart: Pairs of member ids that must never share a group (a
            member's request, a moderator's decision). Ids not in
            *members* are ignored.
        keep_together: Sets of member ids that must share one group, or
            all be unplaced (``unplaced.together``); sets that overlap are
            one set. Ids not in *members* are ignored, but each set must
            name at least two different ids: a set of one would keep
            nobody together, so it is refused as a slip.
        history: Past groupings, oldest first: each a `Grouping`, or a
            sequence of groups (a `Group`, a `FormedGroup` or member ids).
            Members grouped together before are not grouped again where
            that can be avoided at a cost of at most
            ``policy.repeat_weight`` in fit.
        no_lone: Trait names for which no group may have exactly one
            member with some value (``("gender",)``: never one woman in a
            group of men). Members without the trait are not counted: they
            may join any group, and never make another member lone. Each
            name must be a trait at least one member has (of a `Cohort`,
            any of its members, grouped or not): a name nobody has is
            refused, with the likely one suggested, since a typo would
            otherwise be a rule that never applies. With no members at
            all there is nothing to check against and nothing to group,
            so any name is accepted. Names and values are compared
            exactly, case included (``"Woman"`` and ``"woman"`` are two
            values). A member whose value no other member has can never
            be placed, and is left out of the search from the start.

    Raises:
        peerkit.errors.InvalidInputError: If member ids repeat, a stage is
            not on the policy's scale, the sizes are out of order, or a
            rule is malformed (a pair that is not two different ids, a
            keep-together set of fewer than two ids, a bare string for
            *no_lone*, a *no_lone* trait no member has).

    Examples:
        >>> import pendulum
        >>> from peerkit.datasets import sample_cohort
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> cohort = sample_cohort()  # 60 members, 25 of them in its groups
        >>> grouping = form_groups(cohort, min_size=4, max_size=7, during=term)
        >>> len(cohort.unplaced), grouping.placed_count + len(grouping.unplaced)
        (35, 35)
        >>> 0 < grouping.min_score <= grouping.mean_score <= 1
        True

        With grouping rules:

        >>> ruled = form_groups(
        ...     cohort,
        ...     min_size=4,
        ...     max_size=7,
        ...     during=term,
        ...     keep_apart=[("hugo", "jamal")],
        ...     keep_together=[("dara", "tom")],
        ...     no_lone=("gender",),
        ... )
        >>> [fg.group.id for fg in ruled.groups if "dara" in fg.group.member_ids]
        ['new-3']
        >>> [fg.group.id for fg in ruled.groups if "tom" in fg.group.member_ids]
        ['new-3']

    Added in 0.1; the grouping rules in 0.2.
    """
    check_instance("policy", policy, FitPolicy, "a FitPolicy")
    check_int("min_size", min_size, minimum=2, maximum=1000)
    check_int("max_size", max_size, minimum=min_size, maximum=1000)
    check_seed(seed)
    check_str("id_prefix", id_prefix)
    period = as_period("during", during)
    policy = with_cohort_scale(policy, members)
    whole: Sequence[Member] = ()  # whose traits a no_lone name is checked against
    if isinstance(members, Cohort):  # its members with a group keep it
        whole, members = members.members, members.unplaced
    cohort = check_members("members", members, policy.scale)
    whole = whole or cohort
    rules = read_rules(  # once per call: every pass keeps the same rules
        (m.id for m in cohort),
        keep_apart=keep_apart,
        keep_together=keep_together,
        history=history,
        no_lone=no_lone,
        repeat_weight=policy.repeat_weight,
        traits={t for m in whole for t in m.traits} if whole else None,
    )
    never = _never_placed(cohort, rules)
    rng = random.Random(f"peerkit-form-{seed}")  # noqa: S311 - tie-breaks, not secrets
    zones = Counter(m.timezone for m in cohort)
    frames = sorted(zones, key=lambda z: (-zones[z], z))
    formed: list[tuple[str, list[_Person], _Job]] = []
    remaining: list[Member] = cohort
    left: list[_Person] = []
    able: dict[str, frozenset[str]] = {}  # who had a meeting time on some clock
    for frame in frames:
        if not any(m.timezone == frame for m in remaining):
            continue
        job = _frame_job(policy, (min_size, max_size), period, rng, frame)
        job = attrs.evolve(job, rules=rules, never=never)
        people, groups, left = _place(remaining, job)
        able.update((p.member.id, p.member.languages) for p in people if p.mask)
        formed.extend((language, group, job) for language, group in groups)
        remaining = [p.member for p in left]
        if not remaining:
            break
    if rules.hard and left:  # who a rule kept out may fit once a group is redone
        formed, left = _regroup_passes(formed, left, _REGROUP_SOLVES + len(cohort) // 4)
    if rules.hard:  # a net under every pass: no group is returned against a rule
        formed, taken_out = _final_repair(formed, rules, min_size)
        left = [*left, *taken_out]
    counts = Counter(lang for languages in able.values() for lang in languages)
    # Who had a meeting time on some clock was unplaced for another reason.
    left = [
        p if p.mask or p.member.id not in able else attrs.evolve(p, mask=1)
        for p in left
    ]
    naming = (min_size, id_prefix)
    return _result(formed, left, counts, (policy, rules), naming)


def _frame_job(
    policy: FitPolicy,
    sizes: tuple[int, int],
    period: Interval,
    rng: random.Random,
    frame: str,
) -> _Job:
    """What one pass of form_groups shares: meeting slots on *frame*'s wall clock."""
    bounds = judged_weeks(period, frame)
    states = zone_weeks(frame, bounds)
    steady = [k for k, state in enumerate(states) if state[0] == "c"]
    lo = bounds[steady[0] if steady else 0]
    return _Job(policy, sizes[0], sizes[1], period, lo, rng, frame, bounds)


def _place(
    members: Sequence[Member], job: _Job
) -> tuple[list[_Person], list[tuple[str, list[_Person]]], list[_Person]]:
    """
    One pass: groups of *members* meeting on the job's frame's wall clock.

    Members with no meeting time on that clock in every week are left for
    a pass on another zone's clock: a group of Sydney members meets on
    Sydney's clock, whose weeks and changes a London clock would cut up.
    A keep-together set is placed whole in one group of one pass or not
    at all: a group that holds part of a set is never allowed, so a set
    with a member who has no meeting time on this clock waits, whole, for
    a later pass.
    """
    policy, rules = job.policy, job.rules
    people = []
    for m in members:
        mask = _season_mask(m, policy.meeting_minutes, job.bounds, job.frame)
        stage = policy.scale.index(m.stage)
        people.append(_Person(m, stage, mask, _phase(mask), size_range(policy, m)))
    able = [p for p in people if p.mask]
    counts: Counter[str] = Counter(lang for p in able for lang in p.member.languages)
    hopeless = [p for p in able if p.member.id in job.never]
    able = [p for p in able if p.member.id not in job.never]
    groups: list[tuple[str, list[_Person]]] = []
    leftover: list[_Person] = []
    whole = _solve_exact(_Block(able, job), job) if len(able) <= _EXACT_LIMIT else None
    if whole is not None:
        chosen, rest = whole
        groups = [
            (_common_language([able[i] for i in g]), [able[i] for i in g])
            for g in chosen
        ]
        leftover = [able[i] for i in rest]
    else:
        by_language: dict[str, list[_Person]] = {}
        lead = _leads(able, rules)  # a keep-together set goes where its lead goes
        for p in able:
            language = _language_of(lead[p.member.id][1], counts)
            by_language.setdefault(language, []).append(p)
        for language in sorted(by_language):
            pool = sorted(
                by_language[language],
                key=lambda p: (*_by_time_and_stage(lead[p.member.id][0]), p.member.id),
            )
            blocks = _blocks(pool, _BLOCK_GROUPS * job.max_size)
            for block in _units_whole(blocks, rules):
                found, left_over = _solve(block, job)
                groups.extend((language, g) for g in found)
                leftover.extend(left_over)
    unplaced = _place_leftovers(groups, leftover, job)
    groups = _polish(groups, job)
    return people, groups, unplaced + hopeless + [p for p in people if not p.mask]


def _never_placed(cohort: Sequence[Member], rules: GroupRules) -> frozenset[str]:
    """
    Who no group can take whatever the grouping: left out of every search.

    A keep-together set whose members share no language (a group runs in
    one). The one member of the cohort with some value of a ``no_lone``
    trait would be the lone one of it in any group, and a set kept together
    with them cannot be placed whole; taking them out can leave another
    value with one member, so this repeats until it does not. Left in, they
    only crowd the search (a cohort with many lone values placed half the
    others it could), or worse: a set sharing no language was formed into a
    group of one member's language, which then failed whole.
    """
    by_id = {m.id: m for m in cohort}
    out: set[str] = {
        ident
        for ident, whole in rules.together.items()
        if not frozenset.intersection(*(by_id[i].languages for i in whole))
    }
    if not rules.no_lone:
        return frozenset(out)
    while True:
        rest = [m for m in cohort if m.id not in out]
        gone: set[str] = set()
        for trait in rules.no_lone:
            counts = Counter(m.traits.get(trait) for m in rest)
            gone.update(
                m.id
                for m in rest
                if m.traits.get(trait) is not None and counts[m.traits[trait]] == 1
            )
        for ident in list(gone):
            gone |= rules.together.get(ident, frozenset())
        if not gone:
            return frozenset(out)
        out |= gone


def _leads(
    able: Sequence[_Person], rules: GroupRules
) -> dict[str, tuple[_Person, Member]]:
    """
    Per member id: whose place in the sort order it takes, and the languages.

    A member to be kept together with others sorts with the set's smallest
    id, and is pooled by the languages the whole set shares, so the set
    lands in one block.
    """
    out = {p.member.id: (p, p.member) for p in able}
    if not rules.together:
        return out
    units: dict[frozenset[str], list[_Person]] = {}
    for p in able:
        whole = rules.together.get(p.member.id)
        if whole is not None:
            units.setdefault(whole, []).append(p)
    for unit in units.values():
        first = min(unit, key=lambda p: p.member.id)
        shared = frozenset.intersection(*(p.member.languages for p in unit))
        speaker = attrs.evolve(first.member, languages=shared or first.member.languages)
        for p in unit:
            out[p.member.id] = (first, speaker)
    return out


def _units_whole(blocks: list[list[_Person]], rules: GroupRules) -> list[list[_Person]]:
    """The blocks, with every keep-together set moved into its first block."""
    if not rules.together:
        return blocks
    home: dict[frozenset[str], int] = {}
    out: list[list[_Person]] = [[] for _ in blocks]
    for b, block in enumerate(blocks):
        for p in block:
            whole = rules.together.get(p.member.id)
            out[b if whole is None else home.setdefault(whole, b)].append(p)
    return [block for block in out if block]


def _final_repair(
    groups: list[tuple[str, list[_Person], _Job]], rules: GroupRules, min_size: int
) -> tuple[list[tuple[str, list[_Person], _Job]], list[_Person]]:
    """
    Every group, of every pass, with members taken out until each rule allows it.

    Returns the groups and who was taken out. Run once on the groups of all
    passes together, so a rule is checked across the passes' groups alike.
    """
    kept: list[tuple[str, list[_Person], _Job]] = []
    out: list[_Person] = []
    for language, group, job in groups:
        by_id = {p.member.id: p for p in group}
        fine, gone = rules.repair([p.member for p in group])
        if len(fine) >= min_size:
            kept.append((language, [by_id[m.id] for m in fine], job))
            out.extend(by_id[m.id] for m in gone)
        else:
            out.extend(group)
    return kept, out


def _place_leftovers(
    groups: list[tuple[str, list[_Person]]], leftover: list[_Person], job: _Job
) -> list[_Person]:
    """
    Place everyone who can be placed; return the rest. Changes *groups*.

    Leftovers first form groups among themselves, language by language;
    then each joins a group with room if it can, or a new group with others
    who share a meeting time, or one formed around them with members that
    groups above the smallest size can spare.
    """
    pending = sorted(leftover, key=lambda p: p.member.id)
    by_language: dict[str, list[_Person]] = {}
    for p in pending:
        for language in sorted(p.member.languages):
            by_language.setdefault(language, []).append(p)
    taken: set[str] = set()
    for language in sorted(by_language):
        pool = sorted(
            (p for p in by_language[language] if p.member.id not in taken),
            key=_by_time_and_stage,
        )
        for block in _blocks(pool, _BLOCK_GROUPS * job.max_size):
            found, _ = _solve(block, job)
            for g in found:
                groups.append((language, g))
                taken.update(p.member.id for p in g)
    pending = [p for p in pending if p.member.id not in taken]
    changed = True
    while changed and pending:
        still = [p for p in pending if not _join_existing(groups, p, job)]
        still = _join_in_twos(groups, still, job)
        changed = len(still) < len(pending)
        pending = still
        formed = _form_on_shared_slot(pending, job) or _recruit(groups, pending, job)
        if formed is not None:
            groups.append(formed)
            ids = {p.member.id for p in formed[1]}
            pending = [p for p in pending if p.member.id not in ids]
            changed = True
    return pending


def _regroup_passes(
    formed: list[tuple[str, list[_Person], _Job]],
    left: list[_Person],
    solves: int,
) -> tuple[list[tuple[str, list[_Person], _Job]], list[_Person]]:
    """
    After every pass: place who is still unplaced by regrouping, pass by pass.

    Run once the passes are done, so a member placed here was not wanted by
    a later pass. Each pass's groups are regrouped on that pass's clock
    (`_regroup`), the unplaced members' meeting times read on it again.
    At most *solves* exact solves are spent in all, so the time is bounded
    whatever the cohort. Returns the groups and who is still unplaced.
    """
    budget = [solves]
    jobs: dict[str, _Job] = {}
    by_frame: dict[str, list[tuple[str, list[_Person]]]] = {}
    for language, group, job in formed:
        jobs.setdefault(job.frame, job)
        by_frame.setdefault(job.frame, []).append((language, group))
    out: list[tuple[str, list[_Person], _Job]] = []
    for frame, groups in by_frame.items():
        job = jobs[frame]
        minutes = job.policy.meeting_minutes
        pending = [
            attrs.evolve(p, mask=_season_mask(p.member, minutes, job.bounds, frame))
            for p in left
        ]
        pending = [p for p in pending if p.mask and p.member.id not in job.never]
        still = _regroup(groups, pending, job, budget)
        placed = {p.member.id for p in pending} - {p.member.id for p in still}
        waiting = {p.member.id for p in left}
        left = [p for p in left if p.member.id not in placed]
        left.extend(p for p in still if p.member.id not in waiting)  # traded away
        out.extend((language, group, job) for language, group in groups)
    return out, left


def _regroup(
    groups: list[tuple[str, list[_Person]]],
    pending: list[_Person],
    job: _Job,
    budget: list[int],
) -> list[_Person]:
    """
    Place unplaced members by forming one group and a few of them again, exactly.

    Under the grouping rules a member often cannot join a group alone (the
    lone one of a ``no_lone`` value, a keep-together set) while the group and
    two or three unplaced members could be regrouped, every rule kept, into
    one or two groups that place more people. For each group, the unplaced
    members who could meet with enough of it are added, as many as the
    exact solver takes, and the whole is solved exactly (`_solve_exact`,
    every rule checked on every group it forms); if that places no more,
    each of them (a keep-together set whole) is tried with the group on
    their own. A result is kept only if it places more members in all (a
    member of the group may be left out for two others to be placed, as the
    objective has it). Sweeps repeat until one places nobody more, so in
    the end no group and one unplaced member (or set) who could meet with
    it can be regrouped to place more, unless *budget* (exact solves left,
    shared by every pass) runs out first. Changes *groups* and *budget*;
    returns who is still unplaced.
    """
    left = list(pending)
    changed = True
    while changed and left:
        changed = False
        for g in range(len(groups)):
            for chosen in _regroup_tries(groups[g][1], left, job):
                if budget[0] <= 0:
                    return left
                budget[0] -= 1
                still = _regroup_one(groups, g, chosen, left, job)
                if still is not None:
                    left, changed = still, True
                    break
    return left


def _regroup_one(
    groups: list[tuple[str, list[_Person]]],
    g: int,
    chosen: list[_Person],
    left: list[_Person],
    job: _Job,
) -> list[_Person] | None:
    """
    Group *g* and *chosen* solved again; who is then unplaced, or None if no better.

    Changes *groups* only when more members are placed.
    """
    language, group = groups[g]
    people = [*group, *chosen]
    found = _solve_exact(_Block(people, job), job, to_beat=(len(group), 2.0, 0.0))
    if not found or not found[0]:
        return None  # too costly, or nothing places more
    formed = [[people[i] for i in members] for members in found[0]]
    placed = {p.member.id for members in formed for p in members}
    for k, members in enumerate(formed):
        speaks = all(language in p.member.languages for p in members)
        entry = (language if speaks else _common_language(members), members)
        if k == 0:
            groups[g] = entry
        else:
            groups.append(entry)
    still = [p for p in left if p.member.id not in placed]
    return still + [q for q in group if q.member.id not in placed]  # traded away


def _most_placed(n: int, job: _Job) -> int:
    """The most of *n* members that groups of the job's sizes can hold."""
    k = n // job.min_size  # groups: every extra one holds at least min_size more
    return min(n, k * job.max_size)


def _regroup_tries(
    group: Sequence[_Person], pending: Sequence[_Person], job: _Job
) -> Iterator[list[_Person]]:
    """
    The sets of unplaced members to solve again with *group*, most promising first.

    First as many as the exact solver takes, then each left out of that on
    their own (a keep-together set whole). Each member must share a
    language and a meeting time with the group, and a meeting time with
    enough of the group and of the others to be in a group at all; those
    who share a time with
    more of the group come first. Sets that cannot place more people than
    the group holds, whatever the rules, are not tried.
    """
    room = _EXACT_LIMIT - len(group)
    if room < 1:
        return
    languages = frozenset().union(*(q.member.languages for q in group))
    times = 0
    for q in group:
        times |= q.mask
    # One who shares no meeting time with the group could only be placed in
    # a group of unplaced members alone, which the passes already looked for;
    # one cheap test per member keeps a sweep linear in those waiting.
    near = [p for p in pending if p.mask & times and p.member.languages & languages]
    masks = [q.mask for q in group] + [p.mask for p in near]
    near = [p for p in near if _some_slot_shared(p.mask, masks, job.min_size)]
    with_group = {p.member.id: sum(1 for q in group if q.mask & p.mask) for p in near}
    near.sort(key=lambda p: (-with_group[p.member.id], p.stage, p.member.id))
    by_id = {p.member.id: p for p in near}
    units: list[list[_Person]] = []
    seen: set[str] = set()
    for p in near:
        whole = job.rules.together.get(p.member.id, frozenset((p.member.id,)))
        if p.member.id in seen or not whole <= by_id.keys() or len(whole) > room:
            continue  # a set is placed whole or not at all
        seen |= whole
        units.append([by_id[i] for i in sorted(whole)])
    packed: list[_Person] = []
    for unit in units:
        if len(packed) + len(unit) <= room:
            packed.extend(unit)
    tries = [packed] + [unit for unit in units if unit[0] not in packed]
    for unplaced in tries:
        chosen = _could_be_placed(group, unplaced, job)
        if _most_placed(len(group) + len(chosen), job) > len(group):
            yield chosen


def _could_be_placed(
    group: Sequence[_Person], chosen: list[_Person], job: _Job
) -> list[_Person]:
    """
    Those of *chosen* who could be in a group of *group* and *chosen* at all.

    A member is kept while some slot of theirs is shared by enough of the
    others who speak a language of theirs, and while some other of them has
    their value of each ``no_lone`` trait (else they would be the lone one
    in any group of these people); a keep-together set goes whole.
    """
    while True:
        everyone = [*group, *chosen]
        gone = {
            p.member.id
            for p in chosen
            if not _some_slot_shared(
                p.mask,
                [
                    q.mask
                    for q in everyone
                    if q is not p and q.member.languages & p.member.languages
                ],
                job.min_size - 1,
            )
        }
        gone.update(m.id for m in _lone_among(everyone, chosen, job.rules))
        if not gone:
            return chosen
        for ident in list(gone):
            gone |= job.rules.together.get(ident, frozenset())
        chosen = [p for p in chosen if p.member.id not in gone]


def _lone_among(
    everyone: Sequence[_Person], chosen: Sequence[_Person], rules: GroupRules
) -> list[Member]:
    """Those of *chosen* whose value of a no_lone trait no other of *everyone* has."""
    out: list[Member] = []
    for trait in rules.no_lone:
        values = Counter(p.member.traits.get(trait) for p in everyone)
        out.extend(
            p.member
            for p in chosen
            if p.member.traits.get(trait) is not None
            and values[p.member.traits[trait]] == 1
        )
    return out


def _some_slot_shared(mask: int, masks: Sequence[int], count: int) -> bool:
    """Whether some bit of *mask* is set in at least *count* of *masks*."""
    at_least = [mask] + [0] * count  # at_least[j]: bits set in j or more so far
    for other in masks:
        m = other & mask
        if not m:
            continue
        for j in range(count, 0, -1):
            at_least[j] |= at_least[j - 1] & m
        if at_least[count]:
            return True
    return False


def _polish(
    groups: list[tuple[str, list[_Person]]], job: _Job
) -> list[tuple[str, list[_Person]]]:
    """
    A last local search over all groups, a dozen neighbouring groups at a time.

    Groups made while placing leftovers were formed to place people, not to
    fit them well; searching them together with their neighbours (by
    language and time of day) lets the worst-off member trade places.
    """
    out: list[tuple[str, list[_Person]]] = []
    by_language: dict[str, list[list[_Person]]] = {}
    for language, group in groups:
        by_language.setdefault(language, []).append(group)
    for language in sorted(by_language):
        ordered = sorted(
            by_language[language],
            key=lambda g: (min(p.phase for p in g) // 8, min(p.member.id for p in g)),
        )
        for start in range(0, len(ordered), _BLOCK_GROUPS):
            chunk = ordered[start : start + _BLOCK_GROUPS]
            people = [p for g in chunk for p in g]
            block = _Block(people, job)
            index = 0
            local: list[list[int]] = []
            for g in chunk:
                local.append(list(range(index, index + len(g))))
                index += len(g)
            search = _Search(block, local, job.rng)
            search.improve(_POLISH_PER_MEMBER * len(people))
            out.extend((language, [people[i] for i in g]) for g in search.groups if g)
    return out


def _join_existing(
    groups: list[tuple[str, list[_Person]]], p: _Person, job: _Job
) -> bool:
    best, best_value = -1, -1.0
    for g, (language, group) in enumerate(groups):
        if language not in p.member.languages or len(group) >= job.max_size:
            continue
        mask = p.mask
        for q in group:
            mask &= q.mask
        if not mask or not job.rules.allows([*(q.member for q in group), p.member]):
            continue
        block = _Block([*group, p], job)
        value = block.fit(len(group), list(range(len(group) + 1)))
        if value > best_value + _EPS:
            best, best_value = g, value
    if best < 0:
        return False
    groups[best][1].append(p)
    return True


def _join_in_twos(
    groups: list[tuple[str, list[_Person]]], pending: list[_Person], job: _Job
) -> list[_Person]:
    """
    Unplaced members who would each be a group's lone one join two at a time.

    Only with ``no_lone``: two members with the same values of its traits
    join a group with room for both, a language and a meeting time in
    common. Changes *groups*; returns who is still unplaced.
    """
    traits = job.rules.no_lone
    if not traits or len(pending) < 2:
        return pending
    masks = []
    for _language, group in groups:
        mask = -1
        for q in group:
            mask &= q.mask
        masks.append(mask)
    placed: set[str] = set()
    for a, p in enumerate(pending):
        for q in pending[a + 1 :]:
            if p.member.id in placed:
                break
            if q.member.id in placed or not _alike(p, q, job.rules):
                continue
            g = _room_for_two(groups, masks, p, q, job)
            if g >= 0:
                groups[g][1].extend((p, q))
                masks[g] &= p.mask & q.mask
                placed.update((p.member.id, q.member.id))
    return [p for p in pending if p.member.id not in placed]


def _alike(p: _Person, q: _Person, rules: GroupRules) -> bool:
    """Whether *p* and *q* share a meeting time and every no_lone value, unbound."""
    return (
        bool(p.mask & q.mask)
        and not {p.member.id, q.member.id} & rules.together.keys()
        and all(p.member.traits.get(t) == q.member.traits.get(t) for t in rules.no_lone)
    )


def _room_for_two(
    groups: list[tuple[str, list[_Person]]],
    masks: list[int],
    p: _Person,
    q: _Person,
    job: _Job,
) -> int:
    """
    The first group (in order) that may take both *p* and *q*, or -1.

    Two members with the same values join an allowed group without making
    anyone lone, so only the pairs kept apart are checked.
    """
    both = p.mask & q.mask
    for g, (language, group) in enumerate(groups):
        if (
            len(group) + 2 <= job.max_size
            and masks[g] & both
            and language in p.member.languages
            and language in q.member.languages
        ):
            ids = [r.member.id for r in group] + [p.member.id, q.member.id]
            if not job.rules.apart_from(p.member.id, ids) and not job.rules.apart_from(
                q.member.id, ids
            ):
                return g
    return -1


def _form_on_shared_slot(
    pending: Sequence[_Person], job: _Job
) -> tuple[str, list[_Person]] | None:
    """A new group from unplaced members who share a language and a meeting slot."""
    languages = sorted({lang for p in pending for lang in p.member.languages})
    for language in languages:
        speakers = [p for p in pending if language in p.member.languages]
        if len(speakers) < job.min_size:
            continue
        slot_counts: Counter[int] = Counter()
        for p in speakers:
            mask = p.mask
            while mask:
                low = mask & -mask
                slot_counts[low.bit_length() - 1] += 1
                mask ^= low
        slot, count = min(slot_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if count < job.min_size:
            continue
        free = [p for p in speakers if p.mask >> slot & 1]
        chosen = sorted(free, key=lambda p: (p.stage, p.member.id))[: job.max_size]
        fine, _ = job.rules.repair([p.member for p in chosen])
        if len(fine) < job.min_size:
            continue
        kept = {m.id for m in fine}
        return language, [p for p in chosen if p.member.id in kept]
    return None


def _recruit(
    groups: list[tuple[str, list[_Person]]], pending: Sequence[_Person], job: _Job
) -> tuple[str, list[_Person]] | None:
    """
    A new group around an unplaced member, with members groups can spare.

    Groups above the smallest size give up members who share the unplaced
    member's language (whatever language their own group runs in) and a
    meeting time, so that more people are placed in all. The donors are
    removed from their groups in place.
    """
    for u in pending:
        for language in sorted(u.member.languages):
            chosen, mask = [u], u.mask
            taken: dict[int, list[_Person]] = {}
            candidates = [  # only who shares a meeting time with u can join
                (0, abs(p.stage - u.stage), p.member.id, -1, p)
                for p in pending
                if p is not u and p.mask & u.mask and language in p.member.languages
            ] + [
                (1, abs(v.stage - u.stage), v.member.id, g, v)
                for g, (_lang, grp) in enumerate(groups)
                if len(grp) > job.min_size
                for v in grp
                if v.mask & u.mask and language in v.member.languages
            ]
            for _kind, _gap, _id, g, p in sorted(candidates, key=lambda c: c[:3]):
                if len(chosen) >= job.min_size:
                    break
                if not p.mask & mask:
                    continue
                if g >= 0:
                    spare = len(groups[g][1]) - len(taken.get(g, [])) - job.min_size
                    if spare <= 0:
                        continue
                    taken.setdefault(g, []).append(p)
                chosen.append(p)
                mask &= p.mask
            if len(chosen) >= job.min_size:  # u was unplaced: one more placed
                changed = _without_donors(groups, taken)
                if not all(
                    job.rules.allows([p.member for p in g])
                    for g in (chosen, *changed.values())
                ):
                    continue
                groups[:] = [
                    (lang, changed.get(g, grp)) for g, (lang, grp) in enumerate(groups)
                ]
                return language, chosen
    return None


def _without_donors(
    groups: list[tuple[str, list[_Person]]], taken: dict[int, list[_Person]]
) -> dict[int, list[_Person]]:
    """Each donor group as it would be without the members taken from it."""
    changed: dict[int, list[_Person]] = {}
    for g, donors in taken.items():
        gone = {d.member.id for d in donors}
        changed[g] = [q for q in groups[g][1] if q.member.id not in gone]
    return changed


# --- building the answer ------------------------------------------------------


def _group_zone(people: Sequence[_Person]) -> str:
    zones = Counter(p.member.timezone for p in people)
    return min(zones, key=lambda z: (-zones[z], z))


def _slot_windows(
    slot: int, zone_name: str, lo: int, minutes: int
) -> WeeklyAvailability:
    """A weekly meeting of *minutes* starting at *slot*, in *zone_name*'s wall time."""
    start = from_micros(lo + slot * _STEP * _US_PER_MIN).in_timezone(zone(zone_name))
    day, minute = start.weekday(), start.hour * 60 + start.minute
    end = minute + minutes
    if end <= MINUTES_PER_DAY:
        return WeeklyAvailability((Window(day, minute, end),))
    return WeeklyAvailability(
        (
            Window(day, minute, MINUTES_PER_DAY),
            Window((day + 1) % 7, 0, end - MINUTES_PER_DAY),
        )
    )


def _candidate_slots(mask: int, zone_name: str, job: _Job) -> list[int]:
    """Shared slots, on-the-hour local starts first, then half hours, then the rest."""
    offset = from_micros(job.lo).in_timezone(zone(zone_name)).utcoffset()
    shift = int(offset.total_seconds() // 60) if offset is not None else 0
    slots = []
    k, m = 0, mask
    while m:
        if m & 1:
            local = (k * _STEP + shift) % 60
            slots.append((local != 0, local != 30, k))
        m >>= 1
        k += 1
    return [k for *_, k in sorted(slots)]


def _candidates(
    mask: int, people: Sequence[_Person], job: _Job
) -> list[tuple[str, int]]:
    """
    Meeting times to try: in the group's most common zone, then the frame's.

    Slots are read on the frame's wall clock; the group's own zone gives the
    same wall-clock meeting when its clocks change with the frame's (every
    meeting is checked in every week by `group_fit` before it is kept).
    """
    zone_name = _group_zone(people)
    slots = _candidate_slots(mask, zone_name, job)[:8]
    out = [(zone_name, slot) for slot in slots]
    if zone_name != job.frame:
        out.extend((job.frame, slot) for slot in slots)
    return out


def _build(
    language: str, people: Sequence[_Person], job: _Job, ident: str
) -> tuple[Group, list[float]] | None:
    mask = -1
    for p in people:
        mask &= p.mask
    members = [p.member for p in people]
    for zone_name, slot in _candidates(mask, people, job):
        group = Group(
            ident,
            members,
            job.max_size,
            languages={language},
            timezone=zone_name,
            meets=_slot_windows(slot, zone_name, job.lo, job.policy.meeting_minutes),
        )
        fits = [
            group_fit(
                m,
                attrs.evolve(group, members=_others(members, m)),
                during=job.period,
                policy=job.policy,
            )
            for m in members
        ]
        if all(f.eligible and f.components["schedule"] >= 1.0 for f in fits):
            return group, [f.score for f in fits]
    return None  # pragma: no cover - the frame's own wall time always fits


def _others(members: Sequence[Member], member: Member) -> list[Member]:
    return [o for o in members if o.id != member.id]


def _group_reasons(group: Group, scores: Sequence[float]) -> tuple[Reason, ...]:
    return (
        Reason("group.size", 0.0, f"{group.size} members."),
        Reason("group.language", 0.0, f"Runs in {', '.join(sorted(group.languages))}."),
        Reason(
            "group.meeting",
            0.0,
            f"Meets {group.meets} ({group.timezone} time), when every member is free.",
        ),
        Reason(
            "group.worst_fit",
            min(scores),
            f"Every member's fit is at least {min(scores):.2f}.",
        ),
    )


def _unplaced_reason(
    p: _Person,
    counts: Counter[str],
    judged: tuple[FitPolicy, GroupRules],
    min_size: int,
) -> Reason:
    policy, rules = judged
    if not p.mask:
        return Reason(
            "unplaced.schedule",
            -1.0,
            f"No {policy.meeting_minutes}-minute stretch in your weekly "
            "availability for a group meeting.",
        )
    if p.member.id in rules.together:
        return Reason(
            "unplaced.together",
            -1.0,
            "You are to be placed with the others in your set, and no group "
            "could take all of you together without breaking a rule.",
        )
    if max(counts[lang] for lang in p.member.languages) < min_size:
        return Reason(
            "unplaced.language",
            -1.0,
            f"Too few members share a language with you to form a group of {min_size}.",
        )
    if rules.hard:  # said alike to everyone: never which rule, nor whose
        return Reason(
            "unplaced.no_group",
            -1.0,
            "No group could take you without breaking a rule: a shared "
            "language and meeting time, room, or the programme's grouping rules.",
        )
    return Reason(
        "unplaced.no_group",
        -1.0,
        "No group could take you without breaking a rule: none with room shares "
        "your language and a meeting time, and too few others do.",
    )


def _result(
    groups: list[tuple[str, list[_Person], _Job]],
    unplaced: list[_Person],
    counts: Counter[str],
    judged: tuple[FitPolicy, GroupRules],
    naming: tuple[int, str],
) -> Grouping:
    """
    The grouping, judged by the policy and rules in *judged*.

    *naming* is the smallest group size and the id prefix.
    """
    min_size, id_prefix = naming
    ordered = sorted(groups, key=lambda lg: min(p.member.id for p in lg[1]))
    width = len(str(len(ordered)))
    formed: list[FormedGroup] = []
    scores: list[float] = []
    for n, (language, people, job) in enumerate(ordered, start=1):
        built = _build(language, people, job, f"{id_prefix}-{n:0{width}d}")
        if built is None:  # pragma: no cover - see _build
            unplaced.extend(people)
            continue
        group, fits = built
        score = sum(fits) / len(fits)
        reasons = _group_reasons(group, fits)
        formed.append(FormedGroup(group=group, score=score, reasons=reasons))
        scores.extend(fits)
    left = [
        Unplaced(
            member_id=p.member.id,
            reasons=(_unplaced_reason(p, counts, judged, min_size),),
        )
        for p in sorted(unplaced, key=lambda p: p.member.id)
    ]
    return Grouping(
        groups=formed,
        unplaced=left,
        mean_score=sum(scores) / len(scores) if scores else 0.0,
        min_score=min(scores) if scores else 0.0,
    )
