"""
Partner fit: how well two members suit each other as accountability partners.

Scoring one pair and scoring a million use the same code: members are
turned into a `_Table` of numpy arrays (stage index, goal, experience and
language sets as bit masks, each distinct week of the period as a bit
mask of whole UTC minutes) and `_Table.score` judges any number of pairs at once.
`partner_fit` does the same arithmetic, in the same order, on plain Python
numbers for its one pair (setting up arrays would cost more than the
scoring), so a pair's score in a matching is, to the last bit, the score
`partner_fit` gives.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
import numpy as np
from numpy.typing import NDArray

from peerkit._availability import materialize, windows_key, windows_of_key
from peerkit._explain import Reason
from peerkit._frozendict import FrozenDict, frozen_sorted
from peerkit._instants import MINUTES_PER_DAY
from peerkit._model import JourneyScale, Member
from peerkit._validate import (
    Validator,
    check_instance,
    check_str,
    count,
    integer,
    to_float,
    tuple_of,
    unit,
)
from peerkit.errors import InvalidInputError
from peerkit.matching._fit import (
    NEUTRAL,
    check_bool,
    check_ineligible_scores_zero,
    components_validator,
    judged_weeks,
    scale_field,
    stage_closeness,
    stage_limit_field,
    stage_tolerance_field,
    to_weights,
    weights_field,
)
from peerkit.matching._results import to_reasons, trusted_maker
from peerkit.matching._seasons import (
    Combos,
    describe_weeks,
    judged_value,
    pair_weeks,
    zone_weeks,
)

if TYPE_CHECKING:
    from peerkit._intervals import Period
    from peerkit.matching._seasons import State

PAIR_COMPONENTS: tuple[str, ...] = ("stage", "goals", "experience", "schedule")
"""The components of a partner fit, in the order they are reported."""

_WEEK_MINUTES = 7 * MINUTES_PER_DAY
_WORDS = -(-_WEEK_MINUTES // 64)  # 64-bit words per week mask
_US_PER_MIN = 60_000_000
_BATCH = 16_384  # pairs whose week masks are compared in one numpy step
_GRID_LIMIT = 2_048  # distinct weeks up to which every overlap is worked out at once
_MATRIX_ROWS = 4_096  # week masks up to which the grid is built by one matrix product
_SEGMENT_LIMIT = 2_048  # stretches of the week alike in every mask, for that product

# --- policy ------------------------------------------------------------------


def _check_ample(inst: Any, attr: attrs.Attribute[Any], value: object) -> None:
    if value < inst.min_overlap_minutes:
        raise InvalidInputError(
            attr.name,
            value,
            f"at least min_overlap_minutes ({inst.min_overlap_minutes})",
        )


_DEFAULT_WEIGHTS = FrozenDict(
    {"stage": 0.3, "goals": 0.3, "experience": 0.2, "schedule": 0.2}
)


@attrs.frozen(kw_only=True)
class PartnerPolicy:
    """
    How accountability partners are judged and paired; sensible defaults.

    Change one setting with `attrs.evolve`:
    ``attrs.evolve(PartnerPolicy(), no_repeat_rounds=6)``.

    Attributes:
        scale: The journey scale members' stages are on.
        weights: Weight of each component in a pair's score: ``stage``,
            ``goals``, ``experience``, ``schedule``. Non-negative, not all
            zero, their total a finite normal float; they need not sum to 1.
        stage_tolerance: Stage distance (0 to 1 on the scale) up to which
            two members count as at the same point. On a five-stage scale
            0.25 is one step.
        stage_limit: Stage distance at which closeness has fallen to 0;
            between the two it falls linearly. Above *stage_tolerance*.
        min_score: The lowest score of a pair worth making. A pair below it
            is never matched: leaving someone for the next round beats a
            partnership that is set up to fail.
        no_repeat_rounds: How many past rounds a partner may not be repeated
            in. 0 allows any repeat.
        trios: Whether three members who are each other's partners, and
            nobody else's, check in as one trio rather than as three pairs.
            Each member of a trio holds two partners, so a trio only ever
            takes members whose ``max_partners`` is 2 or more.
        min_overlap_minutes: Fewer minutes a week free at the same time than
            this, and a pair is not possible: there is no time to check in.
        ample_overlap_minutes: Minutes a week free at the same time at which
            the schedule component reaches 1.
        excused_week_count: How many weeks of the period a pair may lack
            ``min_overlap_minutes`` together and still be eligible: weeks a
            coordinator excuses. 0, the default, asks for every week. The
            schedule component is then judged on the worst week left.

    Examples:
        >>> policy = PartnerPolicy()
        >>> policy.min_score, policy.no_repeat_rounds, policy.trios
        (0.4, 3, True)

    Added in 0.1.
    """

    scale: JourneyScale = scale_field()  # noqa: RUF009 - an attrs field definition
    weights: Mapping[str, float] = weights_field(_DEFAULT_WEIGHTS, PAIR_COMPONENTS)
    stage_tolerance: float = stage_tolerance_field()
    stage_limit: float = stage_limit_field()
    min_score: float = attrs.field(default=0.4, converter=to_float, validator=unit())
    no_repeat_rounds: int = attrs.field(default=3, validator=integer(0, 10_000))
    trios: bool = attrs.field(default=True, validator=check_bool)
    min_overlap_minutes: int = attrs.field(
        default=30, validator=integer(1, _WEEK_MINUTES)
    )
    ample_overlap_minutes: int = attrs.field(
        default=180, validator=[integer(1, _WEEK_MINUTES), _check_ample]
    )
    excused_week_count: int = attrs.field(default=0, validator=count())


# --- result --------------------------------------------------------------------


def sorted_ids(count: int, expected: str) -> Validator:
    """Attrs validator factory: *count* different member ids, sorted."""

    def _check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or len(value) != count:
            raise InvalidInputError(attr.name, value, expected)
        for i, ident in enumerate(value):
            check_str(f"{attr.name}[{i}]", ident)
        if any(not a < b for a, b in itertools.pairwise(value)):
            raise InvalidInputError(attr.name, value, "different ids, sorted")

    return _check


def to_ids(value: Iterable[str]) -> tuple[str, ...]:
    """Converter: a list of ids becomes a tuple; anything else passes on."""
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class PairFit:
    """
    How well two members suit each other as partners, and why.

    Symmetric: the same value whichever member is named first.

    Attributes:
        member_ids: The two members, sorted.
        score: 0 to 1, 1 best: the weighted mean of the components when the
            pair is eligible, 0 when a hard rule rules it out.
        components: Each component's value, 0 to 1: ``stage``, ``goals``,
            ``experience``, ``schedule``.
        overlap_minutes: Whole minutes a week both are free at the same
            time, in the worst week of the period (daylight-saving changes
            included; the policy's excused weeks set aside).
        eligible: Whether every hard rule allows the pair: a shared
            language, enough time free together, neither sitting out.
        reasons: Why, hard rules first; member-safe plain language addressed
            to both. For an eligible pair the weights of the reasons add up
            to the score.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> bo, ada = Member("bo", "action"), Member("ada", "action")
        >>> fit = partner_fit(bo, ada, during=term)
        >>> fit.member_ids, fit.eligible, fit.overlap_minutes
        (('ada', 'bo'), True, 10080)

    Added in 0.1.
    """

    member_ids: tuple[str, str] = attrs.field(
        converter=to_ids, validator=sorted_ids(2, "a pair of member ids")
    )
    score: float = attrs.field(converter=to_float, validator=unit())
    components: Mapping[str, float] = attrs.field(
        converter=to_weights, validator=components_validator(PAIR_COMPONENTS)
    )
    overlap_minutes: int = attrs.field(validator=count())
    eligible: bool = attrs.field(validator=check_bool)
    reasons: tuple[Reason, ...] = attrs.field(
        converter=to_reasons, validator=tuple_of(Reason, "a Reason")
    )

    def __attrs_post_init__(self) -> None:
        check_ineligible_scores_zero(self)


_new_pair_fit = trusted_maker(PairFit)


# --- the feature table -----------------------------------------------------------

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _set_bits(sets: Sequence[frozenset[str]]) -> tuple[NDArray[np.uint64], IntArray]:
    """Each set as a row of 64-bit words over the sets' joint vocabulary."""
    # Members share few distinct sets: each is spelled out once, then copied.
    distinct: dict[frozenset[str], int] = {}
    which = np.fromiter(
        (distinct.setdefault(s, len(distinct)) for s in sets),
        dtype=np.int64,
        count=len(sets),
    )
    out, sizes = _distinct_set_bits(list(distinct))
    return out[which], sizes[which]


def _distinct_set_bits(
    sets: Sequence[frozenset[str]],
) -> tuple[NDArray[np.uint64], IntArray]:
    """`_set_bits` of sets given once each."""
    vocab = {word: k for k, word in enumerate(sorted(set().union(*sets)))}
    words = max(1, -(-len(vocab) // 64))
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    out = np.zeros((len(sets), words), dtype=np.uint64)
    at = np.fromiter(
        (vocab[item] for items in sets for item in items),
        dtype=np.int64,
        count=int(sizes.sum()),
    )
    rows = np.repeat(np.arange(len(sets), dtype=np.int64), sizes)
    bits = np.left_shift(np.uint64(1), (at & 63).astype(np.uint64))
    np.bitwise_or.at(out, (rows, at >> 6), bits)  # a set's items are distinct
    return out, sizes


def _hour_bits(rows: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """
    One bit per hour of the week with any free minute, per week-mask row.

    Minute ``k`` is bit ``k % 8`` of byte ``k // 8``: two hours are 15
    bytes, the middle byte's low half the first hour's, its high half the
    second's.
    """
    count = len(rows)
    raw = rows.view(np.uint8)[:, : _WEEK_MINUTES // 8].reshape(count, 84, 15)
    first, second = raw[:, :, 7] & 0x0F, raw[:, :, 7] & 0xF0
    for k in range(7):  # column by column: a reduction over 7 is slow in numpy
        first |= raw[:, :, k]
        second |= raw[:, :, 8 + k]
    hours = np.empty((count, 84, 2), dtype=np.bool_)
    hours[:, :, 0] = first != 0
    hours[:, :, 1] = second != 0
    flat = hours.reshape(count, 168)
    return (
        np.packbits(np.pad(flat, ((0, 0), (0, 192 - 168))), axis=1, bitorder="little")
        .view(np.uint64)
        .copy()
    )


@functools.lru_cache(maxsize=16384)
def _week_bits(windows: tuple[Any, ...], timezone: str, lo: int) -> int:
    """
    The whole UTC minutes of the week from *lo* free in *windows*, as int bits.

    Bit ``k`` is minute ``k`` of the week. Keyed on all that decides it; the
    value is an immutable int, stored only once complete.
    """
    hi = lo + _WEEK_MINUTES * _US_PER_MIN
    bits = 0
    for start, end in materialize(windows, timezone, lo, hi):
        first = -((lo - start) // _US_PER_MIN)  # round in: whole minutes only
        last = (end - lo) // _US_PER_MIN
        if last > first:
            bits |= ((1 << (last - first)) - 1) << first
    return bits


_RowsShared = Callable[[IntArray, IntArray], IntArray]


def _row_overlaps(rows: NDArray[np.uint64]) -> IntArray | None:
    """
    The shared minutes of every pair of week-mask *rows*, by one matrix product.

    The week is cut where any mask changes, so each mask is whole on each
    stretch: two masks share the lengths of the stretches both hold. The
    products are whole numbers of minutes under 2**24, so float32 holds
    every partial sum exactly: the counts are the popcounts' to the minute.
    None when there are too many masks or stretches for it to pay.
    """
    if len(rows) > _MATRIX_ROWS:
        return None
    bits = np.unpackbits(rows.view(np.uint8), axis=1, bitorder="little")
    bits = bits[:, :_WEEK_MINUTES]
    change = np.ones(_WEEK_MINUTES, dtype=np.bool_)
    change[1:] = (bits[:, 1:] != bits[:, :-1]).any(axis=0)
    starts = np.flatnonzero(change)
    if len(starts) > _SEGMENT_LIMIT:
        return None
    lengths = np.diff(starts, append=_WEEK_MINUTES).astype(np.float32)
    held = bits[:, starts].astype(np.float32)
    product = (held * lengths) @ held.T
    counts: IntArray = np.rint(product).astype(np.int64)
    return counts


@functools.lru_cache(maxsize=16384)
def _keyed_week_bits(key: bytes, timezone: str, lo: int) -> int:
    """`_week_bits` of the windows packed in *key* (`windows_key`): a C-level hash."""
    return _week_bits(windows_of_key(key), timezone, lo)


def _shared(bits: NDArray[np.uint64], u: IntArray, v: IntArray) -> IntArray:
    counts: IntArray = np.bitwise_count(bits[u] & bits[v]).sum(axis=1, dtype=np.int64)
    return counts


class PairFacts(NamedTuple):
    """One pair's row of `Scores`, as plain Python numbers."""

    stage: float
    goals: float
    experience: float
    schedule: float
    score: float
    eligible: bool
    steps: int
    shared_goals: int
    goals_known: bool
    shared_experiences: int
    experiences_known: bool
    minutes: int
    language: bool
    active: bool


@attrs.define
class Scores:
    """Everything `_Table.score` works out for a batch of pairs, as arrays."""

    stage: FloatArray
    goals: FloatArray
    experience: FloatArray
    schedule: FloatArray
    score: FloatArray
    eligible: BoolArray
    steps: IntArray
    shared_goals: IntArray
    goals_known: BoolArray
    shared_experiences: IntArray
    experiences_known: BoolArray
    minutes: IntArray
    language: BoolArray
    active: BoolArray
    min_score: float

    @property
    def allowed(self) -> BoolArray:
        """Eligible and not below the policy's minimum score."""
        return self.eligible & (self.score >= self.min_score)

    def rows(self) -> list[PairFacts]:
        """Each pair's facts as plain Python numbers, in order."""
        return [
            PairFacts(*row)
            for row in zip(
                *(getattr(self, name).tolist() for name in PairFacts._fields),
                strict=True,
            )
        ]


def _patterns(
    members: Sequence[Member],
    line_of_zone: Mapping[str, int],
    firsts: Sequence[Mapping[State, int]],
    width: int,
    weeks: tuple[int, ...],
) -> tuple[list[int], list[int], list[list[int]], list[int]]:
    """
    Each member's pattern (schedule and zone), and each pattern's week masks.

    Returns per member its pattern; per pattern its zone's timeline and its
    rows (one per state of the zone, padded to *width*); and the rows' bits.
    """
    # A schedule is keyed by its windows packed as bytes once, when the
    # availability was built (`windows_key`): hashing tens of thousands of
    # windows one Python call at a time was most of a cold table's time
    # where members each hold their own availability objects.
    keys: dict[tuple[str, bytes], int] = {}
    pattern: list[int] = []
    line: list[int] = []
    row_of: list[list[int]] = []
    rows: list[int] = []
    for m in members:
        key = (m.timezone, windows_key(m.availability))
        known = keys.get(key)
        if known is None:
            known = keys[key] = len(line)
            t = line_of_zone[m.timezone]
            line.append(t)
            own = []
            for week in firsts[t].values():
                own.append(len(rows))
                rows.append(_keyed_week_bits(key[1], m.timezone, weeks[week]))
            row_of.append(own + [own[0]] * (width - len(own)))
        pattern.append(known)
    return pattern, line, row_of, rows


class Table:
    """Members' features as arrays: the input every bulk scorer shares."""

    def __init__(
        self, members: Sequence[Member], policy: PartnerPolicy, weeks: tuple[int, ...]
    ) -> None:
        self.policy = policy
        self.weeks = weeks
        self.members = members
        self.ids = [m.id for m in members]
        self.index = {ident: i for i, ident in enumerate(self.ids)}
        scale = policy.scale
        self.stage = np.array([scale.index(m.stage) for m in members], dtype=np.int64)
        self.closeness = np.array(
            [
                stage_closeness(
                    len(scale), policy.stage_tolerance, policy.stage_limit, k
                )
                for k in range(len(scale))
            ],
            dtype=np.float64,
        )
        self.goals, self.goal_counts = _set_bits([m.goals for m in members])
        self.experiences, self.experience_counts = _set_bits(
            [m.experiences for m in members]
        )
        self.languages, _ = _set_bits([m.languages for m in members])
        self.active = np.array([m.max_partners > 0 for m in members], dtype=np.bool_)
        self._seasons(members, weeks)
        # One bit per hour with any free minute: most pairs of weeks that
        # share nothing are told apart in 3 words instead of 158.
        self.hours = _hour_bits(self.rows)
        # Overlaps are worked out when first asked for and kept. Both stores
        # are filled under the lock and only from finished arrays, so
        # threads sharing a table agree and an interrupted fill (an
        # exception, a KeyboardInterrupt) leaves nothing half-built.
        self._lock = threading.Lock()
        self._overlaps: dict[int, int] = {}
        self._grid: IntArray | None = None
        self._weights, self._total = _weighting(policy)
        # The features never change once built: read-only, so a table
        # shared between threads cannot be written to by mistake.
        for array in (
            self.stage,
            self.closeness,
            self.goals,
            self.goal_counts,
            self.experiences,
            self.experience_counts,
            self.languages,
            self.active,
            self.pattern,
            self.masks,
            self.rows,
            self.row_of,
            self.line,
            self.combo_a,
            self.combo_b,
            self.combo_count,
            self.hours,
        ):
            array.flags.writeable = False

    def __len__(self) -> int:
        return len(self.ids)

    def overlap(self, u: IntArray, v: IntArray) -> IntArray:
        """Whole minutes a week members *u* and *v* are both free, pair by pair."""
        pu, pv = self.pattern[u], self.pattern[v]
        n = len(self.masks)
        if n <= _GRID_LIMIT:  # few distinct weeks: a table of them all
            grid: IntArray = self._all_overlaps()[pu, pv]
            return grid
        keys = np.minimum(pu, pv) * n + np.maximum(pu, pv)
        unique, inverse = np.unique(keys, return_inverse=True)
        values = self.some_overlaps(unique.tolist())
        return values[inverse.reshape(-1)]

    def _all_overlaps(self) -> IntArray:
        """Every pair of distinct weeks' shared minutes, built once, read-only."""
        with self._lock:
            if self._grid is None:
                n = len(self.masks)
                a, b = np.triu_indices(n)
                matrix = _row_overlaps(self.rows)
                if matrix is None:
                    counts = self._count(a, b)
                else:
                    counts = self._count(a, b, lambda ra, rb: matrix[ra, rb])
                grid = np.zeros((n, n), dtype=np.int64)
                grid[a, b] = counts
                grid[b, a] = counts
                grid.flags.writeable = False
                self._grid = grid  # published only once complete
            return self._grid

    def some_overlaps(self, keys: list[int]) -> IntArray:
        """The shared minutes for these week-pair *keys*, adding any not yet known."""
        n = len(self.masks)
        with self._lock:
            cache = self._overlaps
            todo = np.array([k for k in keys if k not in cache], dtype=np.int64)
            # Every count is worked out before any is stored, and each stored
            # entry is final: an interrupted fill leaves only right answers.
            counts = self._count(todo // n, todo % n)
            cache.update(zip(todo.tolist(), counts.tolist(), strict=True))
            return np.array([cache[k] for k in keys], dtype=np.int64)

    def _seasons(self, members: Sequence[Member], weeks: tuple[int, ...]) -> None:
        """
        Week masks, one per schedule and state of its zone; weeks to judge.

        The weeks each pair of zones must be judged on are `pair_weeks`'.

        A zone's weeks with the same state have the same mask, so a pattern
        needs one mask per state; two zones' weeks in which each keeps one
        offset and the offsets differ alike share one overlap.
        """
        lines: dict[tuple[State, ...], int] = {}
        line_of_zone: dict[str, int] = {}
        for name in sorted({m.timezone for m in members}):
            states = zone_weeks(name, weeks)
            line_of_zone[name] = lines.setdefault(states, len(lines))
        timelines = list(lines)
        firsts: list[dict[State, int]] = []
        for states in timelines:
            first: dict[State, int] = {}
            for k, state in enumerate(states):
                first.setdefault(state, k)
            firsts.append(first)
        position = [{state: j for j, state in enumerate(f)} for f in firsts]
        width = max((len(f) for f in firsts), default=1)
        pattern, line, row_of, rows = _patterns(
            members, line_of_zone, firsts, width, weeks
        )
        self.pattern = np.array(pattern, dtype=np.int64)
        self.line = np.array(line, dtype=np.int64)
        self.row_of = np.array(row_of, dtype=np.int64).reshape(len(line), width)
        size = _WORDS * 8
        self.rows = (
            np.frombuffer(b"".join(r.to_bytes(size, "little") for r in rows), "<u8")
            .astype(np.uint64)
            .reshape(len(rows), _WORDS)
        )
        # The first week's mask of each pattern: when in the day they are free.
        self.masks = self.rows[self.row_of[:, 0]]
        n = len(timelines)
        combos = {}
        for ta, a in enumerate(timelines):
            for tb, b in enumerate(timelines):
                found, counts, _, _ = pair_weeks(a, b, exact=True)
                combos[ta, tb] = (
                    [position[ta][a[k]] for k in found],
                    [position[tb][b[k]] for k in found],
                    counts,
                )
        depth = max((len(c[2]) for c in combos.values()), default=1)
        self.combo_a = np.zeros((n, n, depth), dtype=np.int64)
        self.combo_b = np.zeros((n, n, depth), dtype=np.int64)
        self.combo_count = np.zeros((n, n, depth), dtype=np.int64)
        for (ta, tb), (sa, sb, counts) in combos.items():
            self.combo_a[ta, tb, : len(sa)] = sa
            self.combo_b[ta, tb, : len(sb)] = sb
            self.combo_count[ta, tb, : len(counts)] = counts

    def _count(
        self, a: IntArray, b: IntArray, shared: _RowsShared | None = None
    ) -> IntArray:
        """
        Shared free minutes of patterns *a* and *b*, pair by pair.

        In the worst week of the period, the policy's excused weeks set aside.
        *shared* counts week-mask rows' shared minutes (`_rows_shared`'s
        numbers, perhaps read from a table of them).
        """
        shared = shared or self._rows_shared
        if self.combo_count.shape[2] == 1:  # every week alike for every zone
            return shared(self.row_of[a, 0], self.row_of[b, 0])
        out = np.zeros(len(a), dtype=np.int64)
        for at in range(0, len(a), _BATCH):
            out[at : at + _BATCH] = self._judged(
                a[at : at + _BATCH], b[at : at + _BATCH], shared
            )
        return out

    def _judged(self, a: IntArray, b: IntArray, shared: _RowsShared) -> IntArray:
        """`_count` for one batch: each distinct week judged, then the worst kept."""
        la, lb = self.line[a], self.line[b]
        counts = self.combo_count[la, lb]
        valid = counts > 0
        ra = self.row_of[a[:, None], self.combo_a[la, lb]][valid]
        rb = self.row_of[b[:, None], self.combo_b[la, lb]][valid]
        values = np.full(counts.shape, _WEEK_MINUTES + 1, dtype=np.int64)
        values[valid] = shared(ra, rb)
        excused = self.policy.excused_week_count
        if excused == 0:
            worst: IntArray = values.min(axis=1)
            return worst
        order = np.argsort(values, axis=1, kind="stable")
        values = np.take_along_axis(values, order, axis=1)
        seen = np.cumsum(np.take_along_axis(counts, order, axis=1), axis=1)
        past = seen > excused
        pick = np.where(past.any(axis=1), past.argmax(axis=1), valid.sum(axis=1) - 1)
        kept: IntArray = values[np.arange(len(a)), pick]
        return kept

    def _rows_shared(self, a: IntArray, b: IntArray) -> IntArray:
        """Shared free minutes of week-mask rows *a* and *b*, pair by pair."""
        out = np.zeros(len(a), dtype=np.int64)
        some = (self.hours[a] & self.hours[b]).any(axis=1)
        a, b, at_some = a[some], b[some], np.flatnonzero(some)
        for at in range(0, len(a), _BATCH):
            end = at + _BATCH
            out[at_some[at:end]] = np.bitwise_count(
                self.rows[a[at:end]] & self.rows[b[at:end]]
            ).sum(axis=1, dtype=np.int64)
        return out

    def possible(self, u: IntArray, v: IntArray) -> BoolArray:
        """Whether each pair passes the hard rules (cheaper than `score`)."""
        ok = self.active[u] & self.active[v]
        ok &= _shared(self.languages, u, v) > 0
        ok[ok] = self.overlap(u[ok], v[ok]) >= self.policy.min_overlap_minutes
        return ok

    def allowed_scores(
        self, u: IntArray, v: IntArray
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """
        The pairs that pass the hard rules and the policy's minimum, and their scores.

        `possible` then `score`, for many pairs at once (a block of a large
        round): the same arithmetic on the same numbers, so each score is
        `score`'s to the last bit, without what only reasons need.
        """
        policy = self.policy
        ok = self.active[u] & self.active[v]
        ok &= _shared(self.languages, u, v) > 0
        u, v = u[ok], v[ok]
        minutes = self.overlap(u, v)
        enough = minutes >= policy.min_overlap_minutes
        u, v, minutes = u[enough], v[enough], minutes[enough]
        stage = self.closeness[np.abs(self.stage[u] - self.stage[v])]
        goals, _, _ = self._share(self.goals, self.goal_counts, u, v)
        experience, _, _ = self._share(self.experiences, self.experience_counts, u, v)
        schedule = np.minimum(1.0, minutes / policy.ample_overlap_minutes)
        mean = self._mean(stage, goals, experience, schedule)
        score = np.clip(mean, 0.0, 1.0)  # eligible: score's np.where keeps it
        keep = score >= policy.min_score
        return u[keep], v[keep], score[keep]

    def _share(
        self, bits: NDArray[np.uint64], sizes: IntArray, u: IntArray, v: IntArray
    ) -> tuple[FloatArray, IntArray, BoolArray]:
        """(component, how many shared, whether both listed any) per pair."""
        shared = _shared(bits, u, v)
        known = (sizes[u] > 0) & (sizes[v] > 0)
        fewer = np.maximum(np.minimum(sizes[u], sizes[v]), 1)
        return np.where(known, shared / fewer, NEUTRAL), shared, known

    def _mean(
        self,
        stage: FloatArray,
        goals: FloatArray,
        experience: FloatArray,
        schedule: FloatArray | float,
    ) -> FloatArray:
        w = self._weights
        mean: FloatArray = (
            w[0] * stage + w[1] * goals + w[2] * experience + w[3] * schedule
        ) / self._total
        return mean

    def bound(self, x: int, others: IntArray) -> FloatArray:
        """
        An upper bound on the score of *x* with each of *others*, cheaply.

        The schedule is taken to be ample and not checked; pairs with no
        language in common or someone sitting out get -1.
        """
        u = np.full(len(others), x, dtype=np.int64)
        stage = self.closeness[np.abs(self.stage[u] - self.stage[others])]
        goals, _, _ = self._share(self.goals, self.goal_counts, u, others)
        exp, _, _ = self._share(self.experiences, self.experience_counts, u, others)
        possible = (_shared(self.languages, u, others) > 0) & self.active[others]
        possible &= self.active[x]
        return np.where(possible, self._mean(stage, goals, exp, 1.0), -1.0)

    def score(self, u: IntArray, v: IntArray) -> Scores:
        """Score the pairs ``(u[k], v[k])``: every component, every rule."""
        policy = self.policy
        steps = np.abs(self.stage[u] - self.stage[v])
        stage = self.closeness[steps]
        goals, shared_goals, goals_known = self._share(
            self.goals, self.goal_counts, u, v
        )
        experience, shared_exp, exp_known = self._share(
            self.experiences, self.experience_counts, u, v
        )
        minutes = self.overlap(u, v)
        schedule = np.minimum(1.0, minutes / policy.ample_overlap_minutes)
        language = _shared(self.languages, u, v) > 0
        active = self.active[u] & self.active[v]
        eligible = active & language & (minutes >= policy.min_overlap_minutes)
        mean = self._mean(stage, goals, experience, schedule)
        score = np.where(eligible, np.clip(mean, 0.0, 1.0), 0.0)
        return Scores(
            stage=stage,
            goals=goals,
            experience=experience,
            schedule=schedule,
            score=score,
            eligible=eligible,
            steps=steps,
            shared_goals=shared_goals,
            goals_known=goals_known,
            shared_experiences=shared_exp,
            experiences_known=exp_known,
            minutes=minutes,
            language=language,
            active=active,
            min_score=policy.min_score,
        )

    def fits(self, u: IntArray, v: IntArray) -> list[PairFit]:
        """The pairs ``(u[k], v[k])`` as `PairFit` values, reasons and all."""
        rows = self.score(u, v).rows()
        members, policy, weeks = self.members, self.policy, self.weeks
        out = []
        for a, b, facts in zip(u.tolist(), v.tolist(), rows, strict=True):
            pair = (members[a], members[b])
            weekly = _weekly(pair, policy, weeks, facts.minutes)
            out.append(_pair_fit(pair, facts, policy, weekly))
        return out


# --- reasons -----------------------------------------------------------------------


def _reason(code: str, weight: float, message: str) -> Reason:
    """A `Reason`, shared: the same few reasons recur across many pairs."""
    # Keyed on the weight's exact value: 0.0 and -0.0, or 1 and 1.0, are
    # equal keys to a dict but not the same Reason in JSON.
    return _shared_reason(code, float(weight) + 0.0, message)


@functools.lru_cache(maxsize=4096)
def _shared_reason(code: str, weight: float, message: str) -> Reason:
    """The cache behind `_reason`: values are frozen, and only finished ones stored."""
    return Reason(code, weight, message)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def duration(minutes: int) -> str:
    """``95`` -> ``'1 hour 35 minutes'``."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_plural(hours, "hour"))
    if rest or not hours:
        parts.append(_plural(rest, "minute"))
    return " ".join(parts)


def _weighting(policy: PartnerPolicy) -> tuple[tuple[float, ...], float]:
    """The policy's weights in component order, and their total."""
    w = policy.weights  # in PAIR_COMPONENTS' order:
    weights = (w["stage"], w["goals"], w["experience"], w["schedule"])
    return weights, sum(weights)


class Weekly(NamedTuple):
    """The weeks of the period a pair lacks time in, in a member's words."""

    when: str  # "" when no week fails, or when every week does
    worst: int  # the fewest minutes in common in a week that fails


_EVERY_WEEK = Weekly("", 0)


def _weekly(
    pair: tuple[Member, Member],
    policy: PartnerPolicy,
    weeks: tuple[int, ...],
    minutes: int,
    known: tuple[list[int], Combos] | None = None,
) -> Weekly:
    """Which weeks of *weeks* the pair has too little time in, if only some."""
    if len(weeks) <= 2:  # one week: it fails or it does not
        return _EVERY_WEEK
    if policy.excused_week_count == 0 and minutes >= policy.min_overlap_minutes:
        return _EVERY_WEEK  # the worst week has enough
    values, combos = known or _week_values(pair[0], pair[1], weeks)
    need = policy.min_overlap_minutes
    if min(values) >= need:
        return _EVERY_WEEK
    _, _, index, changes = combos
    failing = [k for k, kind in enumerate(index) if values[kind] < need]
    if len(failing) == len(index):
        return _EVERY_WEEK
    worst = min(values[kind] for kind in set(index) if values[kind] < need)
    return Weekly(describe_weeks(weeks, failing, changes), worst)


def _rules(
    s: PairFacts, policy: PartnerPolicy, pair: tuple[Member, Member], weekly: Weekly
) -> list[Reason]:
    rules = []
    if not s.active:
        out = sum(1 for m in pair if m.max_partners == 0)
        who = "Both of you are" if out == 2 else "One of you is"
        rules.append(
            _reason("rule.sitting_out", -1.0, f"{who} sitting this round out.")
        )
    if not s.language:
        rules.append(_reason("rule.language", -1.0, "No language in common."))
    minutes = s.minutes
    if minutes >= policy.min_overlap_minutes:
        return rules
    if weekly.when and weekly.worst == 0:
        rules.append(_reason("rule.schedule", -1.0, f"No common time {weekly.when}."))
    elif weekly.when:
        rules.append(
            _reason(
                "rule.schedule",
                -1.0,
                f"Free at the same time for only {duration(weekly.worst)} a week "
                f"{weekly.when}; a check-in needs "
                f"{duration(policy.min_overlap_minutes)}.",
            )
        )
    elif minutes == 0:
        rules.append(
            _reason("rule.schedule", -1.0, "Never free at the same time in the week.")
        )
    else:
        rules.append(
            _reason(
                "rule.schedule",
                -1.0,
                f"Free at the same time for only {duration(minutes)} a week; "
                f"a check-in needs {duration(policy.min_overlap_minutes)}.",
            )
        )
    return rules


def _soft(s: PairFacts, policy: PartnerPolicy, weekly: Weekly) -> list[Reason]:
    weights, total = _weighting(policy)
    share = [w / total for w in weights]
    steps = s.steps
    stage = s.stage
    if steps == 0:
        code, message = "stage.same", "At the same stage of the journey."
    elif stage >= 1.0:
        code = "stage.close"
        message = f"{_plural(steps, 'stage')} apart in the journey: close enough."
    elif stage > 0.0:
        code = "stage.apart"
        message = f"{_plural(steps, 'stage')} apart in the journey."
    else:
        code = "stage.far"
        message = f"{_plural(steps, 'stage')} apart: far apart in the journey."
    reasons = [_reason(code, share[0] * stage, message)]
    for i, (what, known, shared, value) in enumerate(
        (
            ("goal", s.goals_known, s.shared_goals, s.goals),
            (
                "lived experience",
                s.experiences_known,
                s.shared_experiences,
                s.experience,
            ),
        ),
        start=1,
    ):
        head = "goals" if i == 1 else "experience"
        weight = share[i] * value
        if not known:
            reasons.append(
                _reason(
                    f"{head}.unknown",
                    weight,
                    f"Not both of you listed a {what}: no comparison made.",
                )
            )
        elif shared:
            # Never a count: "1 lived experience in common" would tell a
            # member with one listed that the other has exactly that one.
            message = f"You have {'goals' if i == 1 else what} in common."
            reasons.append(_reason(f"{head}.shared", weight, message))
        else:
            reasons.append(_reason(f"{head}.none", weight, f"No {what}s in common."))
    minutes = s.minutes
    if minutes < policy.min_overlap_minutes:
        return reasons  # the hard rule has said it
    code = "schedule.ample" if s.schedule >= 1.0 else "schedule.some"
    reasons.append(
        _reason(
            code,
            share[3] * s.schedule,
            f"Free at the same time for {duration(minutes)} a week"
            + (f", except {weekly.when}." if weekly.when else "."),
        )
    )
    return reasons


def _pair_fit(
    pair: tuple[Member, Member], s: PairFacts, policy: PartnerPolicy, weekly: Weekly
) -> PairFit:
    """The `PairFit` of *pair* from its facts: every field final and valid."""
    a, b = pair[0].id, pair[1].id
    components = frozen_sorted(  # keys in sorted order: FrozenDict's own
        {
            "experience": s.experience,
            "goals": s.goals,
            "schedule": s.schedule,
            "stage": s.stage,
        }
    )
    return _new_pair_fit(
        member_ids=(a, b) if a < b else (b, a),
        score=s.score,
        components=components,
        overlap_minutes=s.minutes,
        eligible=s.eligible,
        reasons=(*_rules(s, policy, pair, weekly), *_soft(s, policy, weekly)),
    )


def _share_of(a: frozenset[str], b: frozenset[str]) -> tuple[float, int, bool]:
    """(component, how many shared, whether both listed any): `Table._share`."""
    if a and b:
        shared = 0 if a.isdisjoint(b) else len(a & b)
        return shared / max(min(len(a), len(b)), 1), shared, True
    return NEUTRAL, 0, False


def _week_values(
    a: Member, b: Member, weeks: tuple[int, ...]
) -> tuple[list[int], Combos]:
    """
    The shared minutes in each distinct week of *weeks*, and which is which.

    The same numbers as `Table`'s, on plain ints: each distinct week read
    on its own real dates.
    """
    combos = _zone_combos(a.timezone, b.timezone, weeks)
    bits_a = _season_bits(a.availability.windows, a.timezone, weeks)
    bits_b = _season_bits(b.availability.windows, b.timezone, weeks)
    return [(bits_a[k] & bits_b[k]).bit_count() for k in combos[0]], combos


@functools.lru_cache(maxsize=4096)
def _zone_combos(a: str, b: str, weeks: tuple[int, ...]) -> Combos:
    """
    `pair_weeks` of two zones over *weeks*, on whole-minute masks, kept.

    Keyed on the zone names and the weeks, cheap to hash, where the zones'
    week states are long tuples; the value is `pair_weeks`' own.
    """
    return pair_weeks(zone_weeks(a, weeks), zone_weeks(b, weeks), exact=True)


@functools.lru_cache(maxsize=16384)
def _season_bits(
    windows: tuple[Any, ...], timezone: str, weeks: tuple[int, ...]
) -> tuple[int, ...]:
    """
    `_week_bits` of every week of *weeks*, alike weeks sharing one value.

    Keyed on all that decides it; a tuple of immutable ints, stored whole.
    """
    first: dict[State, int] = {}
    out = []
    for k, state in enumerate(zone_weeks(timezone, weeks)):
        if state not in first:
            first[state] = _week_bits(windows, timezone, weeks[k])
        out.append(first[state])
    return tuple(out)


def _one_pair(
    a: Member, b: Member, policy: PartnerPolicy, weekly: tuple[list[int], Combos]
) -> PairFacts:
    """
    `Table.score` for one pair, on plain numbers: the same operations in order.

    Float for float the same as the table's: numpy's float64 arithmetic on
    each element is Python's.
    """
    scale = policy.scale
    steps = abs(scale.index(a.stage) - scale.index(b.stage))
    stage = stage_closeness(
        len(scale), policy.stage_tolerance, policy.stage_limit, steps
    )
    goals, shared_goals, goals_known = _share_of(a.goals, b.goals)
    experience, shared_exp, exp_known = _share_of(a.experiences, b.experiences)
    values, combos = weekly
    minutes = judged_value(values, combos[1], policy.excused_week_count)
    schedule = min(1.0, minutes / policy.ample_overlap_minutes)
    language = not a.languages.isdisjoint(b.languages)
    active = a.max_partners > 0 and b.max_partners > 0
    eligible = active and language and minutes >= policy.min_overlap_minutes
    w, total = _weighting(policy)
    mean = (w[0] * stage + w[1] * goals + w[2] * experience + w[3] * schedule) / total
    return _facts(  # PairFacts' fields in order, without keyword matching
        (
            stage,
            goals,
            experience,
            schedule,
            min(1.0, max(0.0, mean)) if eligible else 0.0,  # score
            eligible,
            steps,
            shared_goals,
            goals_known,
            shared_exp,
            exp_known,
            minutes,
            language,
            active,
        )
    )


_facts = PairFacts._make


# --- partner_fit -------------------------------------------------------------------


def partner_fit(
    a: Member, b: Member, *, during: Period, policy: PartnerPolicy = PartnerPolicy()
) -> PairFit:
    """
    How well *a* and *b* suit each other as accountability partners.

    Symmetric: ``partner_fit(a, b) == partner_fit(b, a)``.

    Hard rules make a pair ineligible (score 0), each with its own reason
    code: ``rule.language`` (no language in common), ``rule.schedule``
    (fewer than the policy's ``min_overlap_minutes`` free at the same time
    in some week of the period, daylight-saving changes included, beyond
    the policy's ``excused_week_count``; the reason names the weeks) and
    ``rule.sitting_out`` (either member's ``max_partners`` is 0: a boundary,
    not a failure). Otherwise the score is the weighted mean of four
    components:

    - ``stage``: closeness on the journey scale;
    - ``goals`` and ``experience``: the share of the shorter list the two
      have in common (0.5, neutral, when either has listed none);
    - ``schedule``: minutes a week free together in the worst week of the
      period, reaching 1 at the policy's ``ample_overlap_minutes``.

    Messages are member-safe: whether the two share goals or lived
    experience ("You have goals in common"), never how many nor which
    goals, experiences or traits.

    Args:
        a: One member.
        b: The other.
        during: The period the pairing is for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes. Required. Schedules are
            judged in every Monday-to-Monday week (UTC) the period touches,
            each on its real dates, clock changes included; a period shorter
            than a week is judged on the week or two it touches.
        policy: How pairs are judged; see `PartnerPolicy`.

    Raises:
        peerkit.errors.InvalidInputError: If *a* and *b* are the same member.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> ada = Member("ada", "action", goals=["sleep", "walks"])
        >>> bo = Member("bo", "maintenance", goals=["sleep"], timezone="Europe/Paris")
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> fit = partner_fit(ada, bo, during=term)
        >>> fit.eligible, fit.components["goals"], fit.components["stage"]
        (True, 1.0, 1.0)
        >>> [r.message for r in fit.reasons][:2]
        ['1 stage apart in the journey: close enough.', 'You have goals in common.']
        >>> fit == partner_fit(bo, ada, during=term)
        True

    Added in 0.1.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    for path, member in (("a", a), ("b", b)):
        check_instance(path, member, Member, "a Member")
        policy.scale.check(member.stage, path=f"{path}.stage")
    if a.id == b.id:
        raise InvalidInputError("b.id", b.id, f"a member other than {a.id!r}")
    weeks = judged_weeks(during)
    pair = (a, b)
    values = _week_values(a, b, weeks)
    facts = _one_pair(a, b, policy, values)
    weekly = _weekly(pair, policy, weeks, facts.minutes, values)
    return _pair_fit(pair, facts, policy, weekly)
