"""
Partner matching: pair a whole round, hard rules first, exactly where it can.

Hard rules shape the graph before anything is scored: a pair that breaks
one (a block, a recent repeat, no language or time in common, someone
sitting out, a score below the policy's minimum) is never an edge, so no
objective can trade it for a better total. On that graph the matching is
solved exactly with rustworkx's blossom implementation (integer weights:
the score in units of 2**-30). Among equally good matchings the seed picks
one, by shuffling the order the solver sees the members in.

Up to `_EXACT_LIMIT` members in play the whole graph is solved exactly,
one connected component at a time (a matching is best on the graph
exactly when it is best on each component).

Above it the round is solved in blocks: by language, then by when in the
UTC day people are free, cut into chunks that are solved exactly on each
member's best candidate pairs; the pools are cut again half a chunk on
and re-solved, everyone left over is matched among themselves, short
augmenting paths and a bounded region around the unmatched bring in
anyone a maximum-cardinality matching would still place, and a last
bounded region around the weakest pairs polishes the total. No region
ever holds more than `_REGION_LIMIT` members. `benchmarks/bench_partners.py`
measures both sides of the limit against one exact solve of the full graph.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import rustworkx as rx

from peerkit._explain import Reason
from peerkit._validate import (
    check_instance,
    check_seed,
    check_str,
    number,
    to_float,
    tuple_of,
    unit,
)
from peerkit.errors import InvalidInputError
from peerkit.matching._fit import check_members, judged_weeks, with_cohort_scale
from peerkit.matching._pairs import (
    PairFit,
    PartnerPolicy,
    Scores,
    Table,
    sorted_ids,
    to_ids,
)
from peerkit.matching._results import (
    Unplaced,
    check_derived,
    check_partnered,
    to_reasons,
    to_unplaced,
)

if TYPE_CHECKING:
    from peerkit._intervals import Period
    from peerkit._model import Cohort, Member
    from peerkit.matching._pairs import IntArray

Objective = Literal["participation", "score", "fair"]
OBJECTIVES: tuple[str, ...] = ("participation", "score", "fair")

_EXACT_LIMIT = 2000  # members in play up to which the whole graph is solved exactly
_CHUNK = 1200  # members per block above it
_KEEP = 48  # best candidate partners kept per member in a block
_REACH = 2  # alternating steps the final repair looks out from the unmatched
_REGION_LIMIT = 1500  # members the final repair may re-solve at once
_WEAKEST = 100  # weakest pairs the final polish starts from
_UNIT = 1 << 30  # score resolution of the integer weights

# --- results ---------------------------------------------------------------------


def _to_fits(value: Iterable[PairFit]) -> tuple[PairFit, ...]:
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


def _check_trio_fits(inst: Trio, attr: attrs.Attribute[Any], value: object) -> None:
    tuple_of(PairFit, "a PairFit")(inst, attr, value)
    got = sorted(f.member_ids for f in value)  # type: ignore[attr-defined]  # checked
    a, b, c = inst.member_ids
    if got != [(a, b), (a, c), (b, c)]:
        raise InvalidInputError(attr.name, value, "the fits of the trio's three pairs")


@attrs.frozen(kw_only=True)
class Trio:
    """
    Three members partnered together, who check in as three.

    Each member of a trio holds two partners, so a trio only ever takes
    members whose ``max_partners`` is 2 or more: `match_partners` reports
    three such members who are each other's partners, and nobody else's,
    as one trio when ``PartnerPolicy.trios`` is set.

    Attributes:
        member_ids: The three members, sorted.
        score: The mean of the three pairs' scores.
        fits: The fit of each of the three pairs, by ids; every one keeps
            every rule.
        reasons: Why a trio, in member-safe words.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.matching import match_partners
        >>> people = [Member(i, "action", max_partners=2) for i in ("ada", "bo", "cy")]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> (trio,) = match_partners(people, during=term).trios
        >>> trio.member_ids, [f.member_ids for f in trio.fits]
        (('ada', 'bo', 'cy'), [('ada', 'bo'), ('ada', 'cy'), ('bo', 'cy')])
        >>> trio.reasons[0].code
        'trio.three'

    Added in 0.1.
    """

    member_ids: tuple[str, str, str] = attrs.field(
        converter=to_ids, validator=sorted_ids(3, "three member ids")
    )
    score: float = attrs.field(converter=to_float, validator=unit())
    fits: tuple[PairFit, PairFit, PairFit] = attrs.field(
        converter=_to_fits, validator=_check_trio_fits
    )
    reasons: tuple[Reason, ...] = attrs.field(
        converter=to_reasons, validator=tuple_of(Reason, "a Reason")
    )

    def __attrs_post_init__(self) -> None:
        mean = sum(f.score for f in self.fits) / 3
        check_derived("score", self.score, mean, "the mean of the three fits' scores")


def _check_objective(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value not in OBJECTIVES:
        raise InvalidInputError(attr.name, value, f"one of {', '.join(OBJECTIVES)}")


def _to_trios(value: Iterable[Trio]) -> tuple[Trio, ...]:
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


def _scores(matching: PartnerMatching) -> list[float]:
    return [*(f.score for f in matching.pairs), *(t.score for t in matching.trios)]


def _sum_of_scores(matching: PartnerMatching) -> float:
    """The sum of a round's pair and trio scores."""
    return sum(_scores(matching))


def _lowest_score(matching: PartnerMatching) -> float:
    """The lowest pair or trio score of a round (0 when there are none)."""
    return min(_scores(matching), default=0.0)


@attrs.frozen(kw_only=True)
class PartnerMatching:
    """
    One round of accountability partners: every member accounted for.

    Every member passed to `match_partners` is in one trio, in one or more
    pairs (up to their ``max_partners``; a pair at most once), or in
    ``unplaced``. A member who holds fewer partners than their
    ``max_partners`` allows is placed, not unplaced: compare
    ``len(partners_of(id))`` with ``max_partners`` for the room left.

    Attributes:
        pairs: The pairs, by ids. A member who holds several partners is
            in several pairs.
        trios: Three members who are each other's partners and nobody
            else's, checking in as three (each holds two partners).
        unplaced: Members without any partner this round, by id, each with
            the reasons.
        total: The sum of the pairs' and trios' scores: what the
            ``"score"`` objective maximises. Worked out when not given; a
            value that is not that sum is refused.
        min_score: The lowest pair or trio score (0 when there are none):
            what the ``"fair"`` objective maximises. Worked out when not
            given; a value that is not the lowest score is refused.
        objective: The objective the round was matched for.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> people = [Member("ada", "action"), Member("bo", "action")]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> matching = match_partners(people, during=term)
        >>> [f.member_ids for f in matching.pairs], matching.partners_of("bo")
        ([('ada', 'bo')], ('ada',))

    Added in 0.1.
    """

    pairs: tuple[PairFit, ...] = attrs.field(
        converter=_to_fits, validator=tuple_of(PairFit, "a PairFit")
    )
    trios: tuple[Trio, ...] = attrs.field(
        default=(), converter=_to_trios, validator=tuple_of(Trio, "a Trio")
    )
    unplaced: tuple[Unplaced, ...] = attrs.field(
        default=(), converter=to_unplaced, validator=tuple_of(Unplaced, "an Unplaced")
    )
    total: float = attrs.field(
        default=attrs.Factory(_sum_of_scores, takes_self=True),
        converter=to_float,
        validator=number(0.0),
    )
    min_score: float = attrs.field(
        default=attrs.Factory(_lowest_score, takes_self=True),
        converter=to_float,
        validator=unit(),
    )
    objective: str = attrs.field(default="participation", validator=_check_objective)

    def __attrs_post_init__(self) -> None:
        check_partnered(self.pairs, self.trios, self.unplaced)
        check_derived(
            "total", self.total, _sum_of_scores(self), "the sum of the scores"
        )
        check_derived("min_score", self.min_score, _lowest_score(self), "the lowest")

    @property
    def teams(self) -> tuple[tuple[str, ...], ...]:
        """
        Every pair and trio as a tuple of ids: one round of ``history``.

        Examples:
            >>> PartnerMatching(pairs=()).teams
            ()
        """
        return (
            *(f.member_ids for f in self.pairs),
            *(t.member_ids for t in self.trios),
        )

    def partners_of(self, member_id: str) -> tuple[str, ...]:
        """
        The partners of *member_id* this round, sorted (none when unplaced).

        Raises:
            peerkit.errors.InvalidInputError: If *member_id* is not in the
                round.

        Examples:
            >>> import pendulum
            >>> from peerkit import Member
            >>> from peerkit.matching import match_partners
            >>> people = [Member(name, "action") for name in ("bo", "cy")]
            >>> people.append(Member("ada", "action", max_partners=2))
            >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
            >>> match_partners(people, during=term).partners_of("ada")
            ('bo', 'cy')
        """
        found = sorted(i for team in self.teams if member_id in team for i in team)
        if found:
            return tuple(i for i in found if i != member_id)
        if any(u.member_id == member_id for u in self.unplaced):
            return ()
        raise InvalidInputError("member_id", member_id, "a member of this round")


# --- rules: blocked pairs, history, pins -----------------------------------------


def _id_tuple(path: str, value: object, sizes: tuple[int, ...]) -> tuple[str, ...]:
    expected = " or ".join(str(s) for s in sizes) + " member ids"
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputError(path, value, expected)
    ids = tuple(value)
    if len(ids) not in sizes:
        raise InvalidInputError(path, value, expected)
    for i, ident in enumerate(ids):
        check_str(f"{path}[{i}]", ident)
    if len(set(ids)) != len(ids):
        raise InvalidInputError(path, value, "different member ids")
    return ids


def _sequence(path: str, value: object, what: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputError(path, value, what)
    return value if isinstance(value, Sequence) else list(value)


def _pairs_in(team: tuple[str, ...]) -> list[frozenset[str]]:
    return [frozenset((a, b)) for i, a in enumerate(team) for b in team[i + 1 :]]


def _round_teams(path: str, round_: object) -> list[tuple[str, ...]]:
    teams = getattr(round_, "teams", None)
    if isinstance(teams, tuple) and attrs.has(type(round_)):
        return list(teams)
    items = _sequence(path, round_, "a matching, or a sequence of pairs and trios")
    return [_id_tuple(f"{path}[{i}]", t, (2, 3)) for i, t in enumerate(items)]


@attrs.frozen
class Rules:
    """The pairs a round may not make, and why, keyed by frozenset of two ids."""

    blocked: frozenset[frozenset[str]]
    recent: frozenset[frozenset[str]]
    earlier: frozenset[frozenset[str]]
    rounds: int


def read_rules(blocked: object, history: object, policy: PartnerPolicy) -> Rules:
    """Check ``blocked`` and ``history`` and return the pairs they rule out."""
    listed = _sequence("blocked", blocked, "a sequence of pairs of member ids")
    block = frozenset(
        frozenset(_id_tuple(f"blocked[{i}]", pair, (2,)))
        for i, pair in enumerate(listed)
    )
    rounds = _sequence("history", history, "a sequence of past rounds, oldest first")
    n = policy.no_repeat_rounds
    cut = len(rounds) - n
    recent: set[frozenset[str]] = set()
    earlier: set[frozenset[str]] = set()
    for r, round_ in enumerate(rounds):
        target = recent if r >= cut else earlier
        for team in _round_teams(f"history[{r}]", round_):
            target.update(_pairs_in(team))
    return Rules(block, frozenset(recent), frozenset(earlier - recent), n)


# --- the round: table, rules, objective ----------------------------------------------


class Round:
    """One `match_partners` call: the table, what is ruled out, the objective."""

    def __init__(
        self,
        table: Table,
        rules: Rules,
        objective: str,
        seed: int,
    ) -> None:
        self.table = table
        self.rules = rules
        self.objective = objective
        self.seed = seed
        n = len(table)
        self.n = n
        index = table.index

        def keys(pairs: Iterable[frozenset[str]]) -> IntArray:
            out = []
            for pair in pairs:
                a, b = sorted(pair)
                if a in index and b in index:
                    out.append(index[a] * n + index[b])
            return np.unique(np.array(out, dtype=np.int64))

        self.blocked_keys = keys(rules.blocked)
        self.recent_keys = keys(rules.recent) if rules.rounds else keys(())
        self.forbidden_keys = np.union1d(self.blocked_keys, self.recent_keys)
        self.candidates: list[tuple[IntArray, IntArray]] = []  # for the benchmark
        self.priority: np.ndarray[Any, Any] | None = None  # members to place first

    def key(self, u: IntArray, v: IntArray) -> IntArray:
        """One integer per unordered pair of members."""
        return np.minimum(u, v) * self.n + np.maximum(u, v)

    def allowed(self, u: IntArray, v: IntArray) -> tuple[Scores, np.ndarray[Any, Any]]:
        """Scores of the pairs and whether each may be made this round."""
        s = self.table.score(u, v)
        ok = s.allowed & ~np.isin(self.key(u, v), self.forbidden_keys)
        return s, ok

    @staticmethod
    def weights(score: np.ndarray[Any, Any]) -> IntArray:
        """Integer weights for the blossom solver: the score in units of 2**-30."""
        weights: IntArray = np.rint(score * _UNIT).astype(np.int64)
        return weights

    # --- solving ---------------------------------------------------------------

    def edges(self, idx: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """Every allowed pair among *idx*, with its integer weight."""
        iu, iv = np.triu_indices(len(idx), 1)
        u, v = idx[iu], idx[iv]
        maybe = self.table.possible(u, v)
        u, v = u[maybe], v[maybe]
        s, ok = self.allowed(u, v)
        u, v = u[ok], v[ok]
        return u, v, self.weights(s.score[ok])

    def solve(self, u: IntArray, v: IntArray, w: IntArray) -> list[tuple[int, int]]:
        """The best matching on these edges for the round's objective."""
        self.candidates.append((u, v))
        if not len(u):
            return []
        bonus = self._bonus(u, v)
        if self.objective == "score":
            return _matching(u, v, w, cardinality=False, seed=self.seed)
        if self.objective == "participation":
            return _matching(u, v, w + bonus, cardinality=True, seed=self.seed)
        return _fair(u, v, w, self.seed, bonus)

    def _bonus(self, u: IntArray, v: IntArray) -> IntArray | int:
        """
        Weight added per priority member an edge places: more than any total.

        Among matchings of the most pairs, the solver then places the most
        priority members, and only then looks at the scores.
        """
        if self.priority is None:
            return 0
        most = (len(np.union1d(u, v)) // 2 + 1) * _UNIT
        placed: IntArray = self.priority[u].astype(np.int64) + self.priority[v]
        return most * placed

    def solve_members(self, idx: IntArray) -> list[tuple[int, int]]:
        """Match the members *idx* among themselves."""
        if len(idx) <= _EXACT_LIMIT:
            return self.solve(*self.edges(idx))
        return _Blocks(self, idx).run()


def _matching(  # noqa: PLR0913 - the graph plus keyword-only options
    u: IntArray,
    v: IntArray,
    w: IntArray,
    *,
    cardinality: bool,
    unit: bool = False,
    seed: int = 0,
) -> list[tuple[int, int]]:
    """
    The exact matching (rustworkx) of the edges ``(u[k], v[k])`` weighing ``w[k]``.

    The graph is solved one connected component at a time: a matching is
    best on the whole graph exactly when it is best on each component
    (the pair count and the total are sums over the components), and the
    blossom algorithm's work grows much faster than the size it is given.

    Among equally good matchings the solver's choice follows the order of
    the nodes; a non-zero *seed* shuffles that order (the same way every
    time), so the seed chooses among ties and nothing else.
    """
    nodes, local = np.unique(np.concatenate((u, v)), return_inverse=True)
    if seed:
        order = np.random.default_rng(seed).permutation(len(nodes))
        local = order[local]
        nodes = nodes[np.argsort(order)]
    lu, lv = local[: len(u)], local[len(u) :]
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(nodes)))
    graph.add_edges_from(list(zip(lu.tolist(), lv.tolist(), w.tolist(), strict=True)))
    weight_fn = None if unit else int
    parts = rx.connected_components(graph)
    found: list[tuple[int, int]] = []
    if len(parts) == 1:
        found.extend(
            rx.max_weight_matching(
                graph, max_cardinality=cardinality, weight_fn=weight_fn
            )
        )
    else:
        for part in sorted(parts, key=min):
            if len(part) < 2:  # a lone node has no edge
                continue
            sub = graph.subgraph(sorted(part))
            matched = rx.max_weight_matching(
                sub, max_cardinality=cardinality, weight_fn=weight_fn
            )
            found.extend((sub[a], sub[b]) for a, b in matched)
    ids = nodes.tolist()
    return sorted((min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in found)


def _fair(
    u: IntArray, v: IntArray, w: IntArray, seed: int, bonus: IntArray | int = 0
) -> list[tuple[int, int]]:
    """Most members paired, then the best worst pair, then *bonus*, then the total."""
    target = len(_matching(u, v, w, cardinality=True, unit=True))
    levels = np.unique(w)
    lo, hi = 0, len(levels) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = w >= levels[mid]
        found = _matching(u[keep], v[keep], w[keep], cardinality=True, unit=True)
        if len(found) == target:
            lo = mid
        else:
            hi = mid - 1
    keep = w >= levels[lo]
    w = w + bonus
    return _matching(u[keep], v[keep], w[keep], cardinality=True, seed=seed)


# --- large rounds: blocks, seams, leftovers, short augmenting paths -------------------


def day_phases(table: Table) -> np.ndarray[Any, Any]:
    """For each member, when in the UTC day they are mostly free (radians)."""
    bits = np.unpackbits(table.masks.view(np.uint8), axis=1, bitorder="little")
    per_minute = bits[:, : 7 * 1440].reshape(len(bits), 7, 1440).sum(axis=1)
    angle = np.arange(1440) * (2 * np.pi / 1440)
    x = per_minute @ np.cos(angle)
    y = per_minute @ np.sin(angle)
    return np.arctan2(y, x)[table.pattern]  # type: ignore[no-any-return]


def _block_edges(round_: Round, idx: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """
    `Round.edges` of a block: every allowed pair among *idx*, its weight.

    The same pairs and weights, scored by `Table.allowed_scores` (only what
    a weight needs).
    """
    iu, iv = np.triu_indices(len(idx), 1)
    u, v, score = round_.table.allowed_scores(idx[iu], idx[iv])
    ok = ~np.isin(round_.key(u, v), round_.forbidden_keys)
    return u[ok], v[ok], round_.weights(score[ok])


class _Blocks:
    def __init__(self, round_: Round, idx: IntArray) -> None:
        self.round = round_
        self.idx = idx
        table = round_.table
        langs = [sorted(table.members[i].languages) for i in idx.tolist()]
        counts: dict[str, int] = defaultdict(int)
        for spoken in langs:
            for lang in spoken:
                counts[lang] += 1
        phase = day_phases(table)
        pools: dict[str, list[int]] = defaultdict(list)
        for i, spoken in zip(idx.tolist(), langs, strict=True):
            pools[max(spoken, key=lambda lang: (counts[lang], lang))].append(i)
        self.pools = [
            sorted(members, key=lambda i: (phase[i], table.stage[i], i))
            for _, members in sorted(pools.items())
        ]
        self.mate: dict[int, int] = {}

    def _pair(self, pairs: Iterable[tuple[int, int]]) -> None:
        for a, b in pairs:
            self.mate[a] = b
            self.mate[b] = a

    def _sparse(
        self, idx: IntArray, keep_pairs: Sequence[tuple[int, int]] = ()
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Allowed pairs among *idx*: each member's best `_KEEP`, and *keep_pairs*."""
        round_ = self.round
        u, v, w = _block_edges(round_, idx)
        m = len(idx)
        if m <= _KEEP + 1 or not len(u):
            return u, v, w
        pos = np.empty(round_.n, dtype=np.int64)
        pos[idx] = np.arange(m)
        pu, pv = pos[u], pos[v]
        dense = np.full((m, m), -1, dtype=np.int64)
        dense[pu, pv] = w
        dense[pv, pu] = w
        nth = np.partition(dense, m - _KEEP, axis=1)[:, m - _KEEP]
        keep = (w >= nth[pu]) | (w >= nth[pv])
        if keep_pairs:
            a = np.array([x for x, _ in keep_pairs], dtype=np.int64)
            b = np.array([y for _, y in keep_pairs], dtype=np.int64)
            keep |= np.isin(round_.key(u, v), round_.key(a, b))
        return u[keep], v[keep], w[keep]

    def _resolve(self, window: Sequence[int]) -> None:
        """Match *window* again, exactly, keeping its current pairs as candidates."""
        inside = set(window)
        free = [i for i in window if self.mate.get(i, i) in inside]
        current = [
            (i, self.mate[i]) for i in free if i in self.mate and i < self.mate[i]
        ]
        for i in free:
            self.mate.pop(i, None)
        idx = np.array(sorted(free), dtype=np.int64)
        self._pair(self.round.solve(*self._sparse(idx, current)))

    def _windows(self, order: Sequence[int], shift: float) -> None:
        """Solve *order* again in windows of about `_CHUNK`, starting *shift* in."""
        chunks = max(1, round(len(order) / _CHUNK))
        size = -(-len(order) // chunks)
        start = int(shift * size)
        cuts = [0, *range(start or size, len(order), size), len(order)]
        for a, b in itertools.pairwise(cuts):
            if b - a > 1:
                self._resolve(order[a:b])

    def run(self) -> list[tuple[int, int]]:
        round_ = self.round
        for pool in self.pools:
            self._windows(pool, 0.0)
            if len(pool) > _CHUNK:
                self._windows(pool, 0.5)
        left = np.array(
            sorted(i for i in self.idx.tolist() if i not in self.mate), dtype=np.int64
        )
        if 0 < len(left) < len(self.idx):
            self._pair(round_.solve_members(left))
        if round_.objective != "score":
            self._augment()
        self._polish()
        return sorted({(min(a, b), max(a, b)) for a, b in self.mate.items()})

    def _augment(self) -> None:
        """
        Re-solve the neighbourhood of everyone left over, exactly.

        Vertices reachable from an unmatched member along alternating paths
        (a neighbour, its partner, a neighbour of that partner, ...) up to
        `_REACH` steps are matched again from scratch, the rest kept: every
        augmenting path that short is found, and the score can only rise.
        """
        everyone = self.idx
        lonely = [i for i in everyone.tolist() if i not in self.mate]
        if len(lonely) < 2:
            return
        self._short_paths(lonely)
        lonely = [i for i in lonely if i not in self.mate]
        if len(lonely) < 2:
            return
        self._pair(self._region_matching(lonely))

    def _polish(self) -> None:
        """Re-solve, exactly, around the members of the weakest pairs."""
        pairs = sorted((a, b) for a, b in self.mate.items() if a < b)
        if not pairs:
            return
        u = np.array([a for a, _ in pairs], dtype=np.int64)
        v = np.array([b for _, b in pairs], dtype=np.int64)
        s, _ = self.round.allowed(u, v)
        order = np.lexsort((u, s.score))[:_WEAKEST]
        seeds = [x for k in order.tolist() for x in pairs[k]]
        lonely = [i for i in self.idx.tolist() if i not in self.mate]
        self._pair(self._region_matching(lonely + seeds))

    def _repair_region(self, lonely: list[int]) -> list[int]:
        """
        The members the repair re-solves: never more than `_REGION_LIMIT`.

        The unmatched first, then, a step at a time, each one's best
        candidates together with their partners (a pair joins whole or
        not at all), until `_REACH` steps or the limit.
        """
        round_ = self.round
        everyone = self.idx
        region: dict[int, None] = {}
        for x in lonely:
            team = [y for y in (x, self.mate.get(x)) if y is not None]
            if len(region) + len(team) > _REGION_LIMIT:
                break
            region.update(dict.fromkeys(team))
        frontier = list(region)
        for _ in range(_REACH):
            grown: list[int] = []
            for x in frontier:
                s, ok = _options(round_, x, everyone)
                best = np.argsort(-s.score[ok], kind="stable")[:_KEEP]
                for a in everyone[ok][best].tolist():
                    team = [y for y in (a, self.mate.get(a)) if y is not None]
                    new = [y for y in team if y not in region]
                    if not new:
                        continue
                    if len(region) + len(new) > _REGION_LIMIT:
                        return list(region)
                    region.update(dict.fromkeys(new))
                    grown.extend(new)
            frontier = grown
        return list(region)

    def _region_matching(self, lonely: list[int]) -> list[tuple[int, int]]:
        """Re-solve the repair region exactly, its current pairs kept as candidates."""
        region = self._repair_region(lonely)
        inside = set(region)
        current = [(a, b) for a, b in self.mate.items() if a < b and a in inside]
        for a, b in current:
            del self.mate[a], self.mate[b]
        idx = np.array(sorted(region), dtype=np.int64)
        return self.round.solve(*self._sparse(idx, current))

    def _short_paths(self, lonely: list[int]) -> None:
        """Every augmenting path x - a = b - y, whoever a and b are."""
        round_ = self.round
        everyone = self.idx
        near: dict[int, list[int]] = {}  # lonely member -> matched neighbours
        ends: dict[int, set[int]] = defaultdict(set)  # matched member -> lonely ones
        for x in lonely:
            _, ok = _options(round_, x, everyone)
            neighbours = everyone[ok]
            round_.candidates.append((np.full(len(neighbours), x), neighbours))
            near[x] = [a for a in neighbours.tolist() if a in self.mate]
            for a in near[x]:
                ends[a].add(x)
        left = set(lonely)
        changed = True
        while changed:
            changed = False
            for x in sorted(left):
                if x not in left:  # paired earlier in this sweep
                    continue
                for a in near[x]:
                    b = self.mate[a]
                    ys = sorted(y for y in ends[b] if y in left and y != x)
                    if ys:
                        self._pair([(x, a), (b, ys[0])])
                        left -= {x, ys[0]}
                        changed = True
                        break


# --- match_partners ----------------------------------------------------------------


def _pins(pinned: object, round_: Round) -> list[tuple[int, int]]:
    listed = _sequence("pinned", pinned, "a sequence of pairs of member ids")
    index = round_.table.index
    out: list[tuple[int, int]] = []
    used: dict[str, int] = defaultdict(int)
    for i, pair in enumerate(listed):
        ids = _id_tuple(f"pinned[{i}]", pair, (2,))
        for j, ident in enumerate(ids):
            if ident not in index:
                raise InvalidInputError(
                    f"pinned[{i}][{j}]", ident, "a member of this round"
                )
            most = max(1, round_.table.members[index[ident]].max_partners)
            if used[ident] >= most:
                raise InvalidInputError(
                    f"pinned[{i}][{j}]",
                    ident,
                    "a member pinned once only"
                    if most == 1
                    else f"a member pinned at most {most} times (max_partners)",
                )
            used[ident] += 1
        a, b = sorted(index[x] for x in ids)
        if (a, b) in out:
            raise InvalidInputError(f"pinned[{i}]", pair, "a pair pinned once only")
        broken = _broken(round_, a, b)
        if broken:
            raise InvalidInputError(
                f"pinned[{i}]", pair, f"a pair that breaks no rule ({broken})"
            )
        out.append((a, b))
    return out


def _priority(priority: object, round_: Round) -> np.ndarray[Any, Any] | None:
    """Which members to place first (issue 18), or None when nobody in play is."""
    listed = _sequence("priority", priority, "a sequence of member ids")
    index = round_.table.index
    first = np.zeros(round_.n, dtype=np.bool_)
    for i, ident in enumerate(listed):
        check_str(f"priority[{i}]", ident)
        if ident in index:
            first[index[ident]] = True
    if not first.any():
        return None
    if round_.objective == "score":
        raise InvalidInputError(
            "priority", listed, "no priority with objective 'score' (none placed first)"
        )
    return first


def _broken(round_: Round, a: int, b: int) -> str:
    u, v = np.array([a]), np.array([b])
    s = round_.table.score(u, v)
    key = round_.key(u, v)
    if np.isin(key, round_.blocked_keys)[0]:
        return "the pair is blocked"
    if np.isin(key, round_.recent_keys)[0]:
        return f"partners within the last {round_.rules.rounds} rounds"
    if not s.eligible[0]:
        return "a hard rule rules it out: " + ", ".join(
            r.code for r in round_.table.fits(u, v)[0].reasons if r.weight < 0
        )
    if not s.allowed[0]:
        return f"score {float(s.score[0]):.2f} below min_score"
    return ""


def match_partners(  # noqa: PLR0913 - the domain input plus keyword-only options
    members: Iterable[Member] | Cohort,
    *,
    during: Period,
    policy: PartnerPolicy = PartnerPolicy(),
    objective: Objective = "participation",
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
    pinned: Iterable[Sequence[str]] = (),
    priority: Iterable[str] = (),
    seed: int = 0,
) -> PartnerMatching:
    """
    Pair accountability partners for one round, every member accounted for.

    Hard rules first: a pair is only made when `partner_fit` finds it
    eligible, its score is at least ``policy.min_score``, it is not in
    *blocked*, and the two were not partners (in a pair or a trio) in the
    last ``policy.no_repeat_rounds`` rounds of *history*. No objective
    trades a rule for a better score. Then, on the pairs that remain:

    - ``"participation"`` (default): the most members paired, then the
      highest total score;
    - ``"score"``: the highest total score, even if fewer are paired;
    - ``"fair"``: the most members paired, then the best worst pair, then
      the highest total.

    Up to 2,000 members in play (taking part and not pinned) the optimum
    is exact: the same pair count and total as an exact solver on every
    allowed pair (with capacities above one, up to 300 in play in each
    connected part of the allowed pairs). Larger rounds are solved in
    blocks and repaired along the seams; see the partner-matching
    explanation for what that costs.

    Each member holds at most ``max_partners`` partners: 0 sits the round
    out, and a member who may hold two or more can be in that many pairs
    (a pair at most once; "most partnerships" counts pairs). Three members
    who each may hold two and are paired with each other and nobody else
    are one `Trio` when ``policy.trios`` is set; a trio never takes a
    member who holds one partner at most. Every member without any
    partner is in ``unplaced`` with the reason: sitting out, no compatible
    partner, every compatible partner a recent partner, all taken, or (with
    everyone holding one partner at most) an odd number taking part. A
    member holding fewer partners than their ``max_partners`` allows is
    placed, not unplaced. A block is
    never disclosed: a member's reasons are worked out as if the members
    they are blocked with were not in the round, so a block reads (and is
    coded) exactly as their absence would.

    Args:
        members: The members taking part (a `Cohort` or its members), in
            any order; ids unique.
        during: The period the round is for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes. Required. Schedules are
            judged in every Monday-to-Monday week (UTC) the period touches,
            each on its real dates, clock changes included; a period shorter
            than a week is judged on the week or two it touches.
        policy: How pairs are judged; see `PartnerPolicy`. Given a
            `Cohort`, a policy whose scale is the default takes the
            cohort's scale; another scale than the cohort's is refused.
        objective: What "best" means, as above.
        blocked: Pairs of member ids never to match (a member's block list,
            a moderator's decision). Ids not in *members* are ignored.
        history: Past rounds, oldest first: each a `PartnerMatching`, a
            `MentorMatching` or a sequence of pairs and trios of ids.
        pinned: Pairs of member ids the coordinator has fixed; the rest are
            matched around them. A member may be pinned up to their
            ``max_partners`` times, a pair once.
        priority: Member ids to place first, for example `left_out` of the
            last round: among the rounds with the most partnerships (and,
            for ``"fair"``, the best worst pair) the one placing the most
            of them (placed: holding at least one partner), then the
            highest total. Never fewer partnerships than without it. Ids
            not in *members* are ignored. Needs an objective that places
            the most members first (not ``"score"``). Exact up to 2,000
            members in play (with capacities above one, up to 300 in
            each connected part); above, where the round is solved in
            blocks, each block places the most of them among its largest
            matchings, and the round is never smaller than the one made
            without *priority* (both are solved).
        seed: Breaks ties between equally good matchings, an int from 0 to
            2**64 - 1; the same seed gives the same round.

    Raises:
        peerkit.errors.InvalidInputError: If an input is malformed, or a
            pinned pair itself breaks a rule.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit.datasets import sample_cohort
        >>> cohort = sample_cohort()
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> first = match_partners(cohort, during=term)
        >>> second = match_partners(cohort, during=term, history=[first])
        >>> repeats = set(first.teams) & set(second.teams)
        >>> len(first.pairs), len(first.unplaced), repeats
        (27, 11, set())

    Added in 0.1; *priority* in 0.2.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    policy = with_cohort_scale(policy, members)
    if objective not in OBJECTIVES:
        raise InvalidInputError(
            "objective", objective, f"one of {', '.join(OBJECTIVES)}"
        )
    check_seed(seed)
    weeks = judged_weeks(during)
    people = check_members("members", members, policy.scale)
    rules = read_rules(blocked, history, policy)
    round_ = Round(Table(people, policy, weeks), rules, objective, seed)
    pins = _pins(pinned, round_)
    round_.priority = _priority(priority, round_)
    if any(m.max_partners > 1 for m in people):  # a b-matching: see _capacity
        from peerkit.matching import _capacity  # noqa: PLC0415 - it builds on this

        return _capacity.match(round_, pins)
    pinned_ids = {i for pair in pins for i in pair}
    table = round_.table
    in_play = np.array(
        [i for i in range(len(people)) if table.active[i] and i not in pinned_ids],
        dtype=np.int64,
    )
    found = round_.solve_members(in_play)
    if round_.priority is not None and len(in_play) > _EXACT_LIMIT:
        # The blocks are solved with the priority bonus, but blocks are not
        # exact: the round without priority is solved too, and kept if it
        # makes more partnerships, so priority never makes fewer.
        first, round_.priority = round_.priority, None
        plain = round_.solve_members(in_play)
        round_.priority = first
        if len(plain) > len(found):
            found = plain
    pairs = sorted(pins + found)
    return _result(round_, pairs, set(pins))


# --- the result: trio, reasons, totals ---------------------------------------------


def _options(
    round_: Round, x: int, others: IntArray
) -> tuple[Scores, np.ndarray[Any, Any]]:
    return round_.allowed(np.full(len(others), x, dtype=np.int64), others)


def why_unplaced(round_: Round, x: int, everyone: IntArray) -> tuple[Reason, ...]:
    """Why *x* has no partner; empty when partners were possible but taken."""
    table = round_.table
    if not table.active[x]:
        return (
            Reason(
                "unplaced.sitting_out",
                0.0,
                "Sitting this round out, as you chose: a boundary, not a mismatch.",
            ),
        )
    others = everyone[everyone != x]
    # A block makes each of the two invisible to the other: the reasons are
    # worked out as if x's blocked partners were not in the round at all, so
    # that they never tell x (or anyone reading x's reasons) of a block.
    seen = ~np.isin(
        round_.key(np.full(len(others), x, dtype=np.int64), others),
        round_.blocked_keys,
    )
    others = others[seen]
    s = round_.table.score(np.full(len(others), x, dtype=np.int64), others)
    compatible = s.allowed
    if not compatible.any():
        return (_no_compatible(s, table.policy.min_score),)
    keys = round_.key(
        np.full(int(compatible.sum()), x, dtype=np.int64), others[compatible]
    )
    if np.isin(keys, round_.recent_keys).all():
        return (
            Reason(
                "unplaced.repeat",
                -1.0,
                "Everyone compatible with you this round was your partner in "
                f"the last {round_.rules.rounds} rounds.",
            ),
        )
    return ()


def _taken(policy_trios: bool, odd_one: bool) -> Reason:
    if odd_one and policy_trios:
        message = (
            "An odd number took part, and a trio takes only members "
            "willing to hold two partners."
        )
        return Reason("unplaced.odd_one_out", 0.0, message)
    if odd_one:
        message = "An odd number took part, and this round has no trios."
        return Reason("unplaced.odd_one_out", 0.0, message)
    return Reason(
        "unplaced.taken",
        0.0,
        "Everyone compatible was paired with someone else this round.",
    )


def _no_compatible(s: Scores, min_score: float) -> Reason:
    if not s.language.any():
        message = "Nobody else this round speaks a language you listed."
    elif not (s.language & (s.minutes > 0)).any():
        message = "Nobody who shares a language is free at the same time as you."
    elif not s.eligible.any():
        message = "Nobody who shares a language is free long enough at the same time."
    else:
        message = (
            "Nobody this round is a close enough fit "
            f"(a pair needs a score of {min_score:.2f})."
        )
    return Reason("unplaced.no_compatible", -1.0, message)


def _annotate(fit: PairFit, extra: list[Reason]) -> PairFit:
    return attrs.evolve(fit, reasons=(*extra, *fit.reasons)) if extra else fit


def fits_of_pairs(
    round_: Round, pairs: list[tuple[int, int]], pinned: set[tuple[int, int]]
) -> list[PairFit]:
    """Each pair's fit, with why it was pinned or repeated, sorted by ids."""
    table = round_.table
    u = np.array([a for a, _ in pairs], dtype=np.int64)
    v = np.array([b for _, b in pairs], dtype=np.int64)
    fits = []
    for (a, b), fit in zip(pairs, table.fits(u, v), strict=True):
        extra = []
        if (a, b) in pinned:
            extra.append(Reason("pair.pinned", 0.0, "Paired by your coordinator."))
        if frozenset(fit.member_ids) in round_.rules.earlier:
            extra.append(
                Reason("pair.again", 0.0, "Partners before, in an earlier round.")
            )
        fits.append(_annotate(fit, extra))
    return sorted(fits, key=lambda f: f.member_ids)


def trio_of(table: Table, trio: tuple[int, int, int]) -> Trio:
    """The `Trio` of three members, with its three fits."""
    a, b, c = trio
    fits = table.fits(np.array([a, a, b]), np.array([b, c, c]))
    return Trio(
        member_ids=(table.ids[a], table.ids[b], table.ids[c]),
        score=sum(f.score for f in fits) / 3,
        fits=fits,
        reasons=(
            Reason(
                "trio.three",
                0.0,
                "Three partners this round, each willing to hold two: you "
                "check in as three, every pair a good fit.",
            ),
        ),
    )


def narrate_unplaced(
    round_: Round, left: list[int], *, odd_one_out: bool
) -> list[Unplaced]:
    """
    Everyone left without a partner, each with why.

    With *odd_one_out* (everyone in play holds one partner at most), a
    single member left over by an odd count is told so; otherwise they are
    told everyone compatible was taken.
    """
    table = round_.table
    everyone = np.arange(len(table), dtype=np.int64)
    why = {i: why_unplaced(round_, i, everyone) for i in sorted(left)}
    taken = [i for i, reasons in why.items() if not reasons]
    odd = int(table.active.sum()) % 2 == 1
    odd_one = odd and odd_one_out and len(taken) == 1
    for i in taken:
        why[i] = (_taken(table.policy.trios, odd_one),)
    return [Unplaced(member_id=table.ids[i], reasons=why[i]) for i in why]


def _result(
    round_: Round, pairs: list[tuple[int, int]], pinned: set[tuple[int, int]]
) -> PartnerMatching:
    """
    The round as a `PartnerMatching`: pairs, the unplaced, totals.

    No trio here: everyone in play holds one partner at most, and each
    member of a trio holds two (`_capacity` makes trios).
    """
    table = round_.table
    placed = {i for pair in pairs for i in pair}
    unplaced = narrate_unplaced(
        round_, [i for i in range(len(table)) if i not in placed], odd_one_out=True
    )
    return PartnerMatching(
        pairs=fits_of_pairs(round_, pairs, pinned),
        unplaced=unplaced,
        objective=round_.objective,
    )
