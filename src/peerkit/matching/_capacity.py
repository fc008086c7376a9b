"""
Capacitated partner matching: members who hold more than one partner.

A member's ``max_partners`` is how many partners they hold at most, and a
pair is made at most once: a b-matching on a simple graph. `match_partners`
hands a round here when some member in play has ``max_partners`` above
one; a round where everyone holds at most one stays with the ordinary
matching in `_partners`.

The b-matching is solved exactly by the textbook reduction to an ordinary
maximum-weight matching (rustworkx's blossom):

- a member who may hold *b* partners becomes *b* copies (*b* cut to the
  number of partners they could have);
- a pair with a member who holds one partner at most is an edge from that
  member to every copy of the other: only one of them can be used;
- a pair of two members who may each hold several is a gadget, so that it
  is used once at most: the edge u - v becomes u - e_u, e_u - e_v,
  e_v - v. Unused, the gadget matches e_u - e_v (weight 2W); used, it
  matches u - e_u and e_v - v (W + w each). Using it adds 2w, the same as a
  plain edge of weight 2w; half of it (W + w on one side) is never worth
  more than leaving it unused, as w <= W.

With maximum cardinality, the matching's size is the number of gadgets
plus the number of partnerships, so ``participation`` gets the most
partnerships, then the best total, exactly. With ``priority``, every edge
into a priority member's first copy weighs a bonus more, larger than
twice any total: the most partnerships, then the most priority members
holding a partner, then the best total (`_Reduction`).

Members with no chain of allowed pairs between them (speakers of
different languages, say) are apart: each connected part of the graph of
allowed pairs is solved on its own, exactly while it has up to
`_FULL_LIMIT` members. A larger part is solved on each member's `_KEEP`
best candidate pairs (per partner they may hold), and a round above
`_CHUNK` members in play is first cut into blocks of likely partners (by
language, then by when in the UTC day they are free). After either,
everyone with room left is matched among themselves and short augmenting
paths (x - a = b - y) add any partnership they can; with ``priority``
the round is then solved without it too, and the one making more
partnerships kept.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
import rustworkx as rx

from peerkit.matching._partners import (
    PartnerMatching,
    Round,
    day_phases,
    fits_of_pairs,
    narrate_unplaced,
    trio_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from peerkit.matching._pairs import IntArray
    from peerkit.matching._partners import Trio

_FULL_LIMIT = 300  # members in play up to which every allowed pair is a candidate
_CHUNK = 1000  # members per block above it
_KEEP = 3  # best candidate partners kept per member (per unit of room) above it


def match(round_: Round, pins: list[tuple[int, int]]) -> PartnerMatching:
    """The round matched with every member's ``max_partners`` as their capacity."""
    made, exact = _match(round_, pins)
    if round_.priority is not None and not exact:
        # Sparse or in blocks the priority bonus is not a guarantee: the
        # round without priority is solved too, and kept if it makes more
        # partnerships, so priority never makes fewer.
        first, round_.priority = round_.priority, None
        plain, _ = _match(round_, pins)
        round_.priority = first
        if len(plain) > len(made):
            made = plain
    return result(round_, sorted(made), set(pins))


def _match(
    round_: Round, pins: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], bool]:
    """The partnerships made around *pins*, and whether the solve was exact."""
    table = round_.table
    room = np.array([m.max_partners for m in table.members], dtype=np.int64)
    room[~table.active] = 0
    for a, b in pins:
        room[a] -= 1
        room[b] -= 1
    idx = np.flatnonzero(room > 0).astype(np.int64)
    made = list(pins)
    exact = True
    chunks = _chunks(round_, idx)
    for chunk in chunks:
        for part in _components(*_candidates(round_, chunk, made)):
            u, v, w = part
            if len(np.union1d(u, v)) > _FULL_LIMIT:
                u, v, w = _best_candidates(u, v, w, room)
                exact = False
            round_.candidates.append((u, v))
            made += solve(
                u,
                v,
                w,
                room,
                objective=round_.objective,
                seed=round_.seed,
                first=_unplaced_first(round_, made),
            )
    if not exact or len(chunks) > 1:
        left = room.copy()
        for a, b in made:
            left[a] -= 1
            left[b] -= 1
        spare = np.flatnonzero(left > 0).astype(np.int64)
        u, v, w = _best_candidates(*_candidates(round_, spare, made), left)
        round_.candidates.append((u, v))
        made += solve(
            u,
            v,
            w,
            left,
            objective=round_.objective,
            seed=round_.seed,
            first=_unplaced_first(round_, made),
        )
        if round_.objective != "score":
            made = _short_paths(round_, idx, room, made, pins)
    return made, exact and len(chunks) == 1


def _unplaced_first(
    round_: Round, made: list[tuple[int, int]]
) -> np.ndarray[Any, Any] | None:
    """The priority members not placed yet (a pin or an earlier part places them)."""
    if round_.priority is None:
        return None
    first: np.ndarray[Any, Any] = round_.priority.copy()
    for a, b in made:
        first[a] = first[b] = False
    return first if first.any() else None


def _components(
    u: IntArray, v: IntArray, w: IntArray
) -> list[tuple[IntArray, IntArray, IntArray]]:
    """The edges split by connected component: each solved on its own, exactly."""
    if not len(u):
        return []
    members, local = np.unique(np.concatenate((u, v)), return_inverse=True)
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(members)))
    graph.add_edges_from_no_data(
        list(zip(local[: len(u)].tolist(), local[len(u) :].tolist(), strict=True))
    )
    label = np.empty(len(members), dtype=np.int64)
    parts = sorted(sorted(c) for c in rx.connected_components(graph))
    for k, nodes in enumerate(parts):
        label[nodes] = k
    of_edge = label[local[: len(u)]]
    order = np.argsort(of_edge, kind="stable")
    cuts = np.flatnonzero(np.diff(of_edge[order])) + 1
    return [(u[e], v[e], w[e]) for e in np.split(order, cuts)]


def _short_paths(
    round_: Round,
    idx: IntArray,
    room: IntArray,
    made: list[tuple[int, int]],
    pins: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    """
    Every augmenting path x - a = b - y among members with room, taken.

    x and y have room for another partner, a and b are partners (not
    pinned) with none: a - b gives way to x - a and b - y, one partnership
    more.
    """
    paths = _Paths(round_, idx, room, made, pins)
    changed = True
    while changed:
        changed = False
        for x in paths.lonely:
            changed |= paths.augment(x)
    return sorted(paths.pairs)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class _Paths:
    def __init__(
        self,
        round_: Round,
        idx: IntArray,
        room: IntArray,
        made: list[tuple[int, int]],
        pins: list[tuple[int, int]],
    ) -> None:
        self.left = room.copy()
        self.pairs = set(made)
        self.fixed = set(pins)
        self.partners: dict[int, set[int]] = defaultdict(set)
        for a, b in made:
            self.left[a] -= 1
            self.left[b] -= 1
            self.partners[a].add(b)
            self.partners[b].add(a)
        self.lonely = [x for x in idx.tolist() if self.left[x] > 0]
        self.near: dict[int, list[int]] = {}
        self.ends: dict[int, set[int]] = defaultdict(set)
        for x in self.lonely:
            _, ok = round_.allowed(np.full(len(idx), x, dtype=np.int64), idx)
            neighbours = idx[ok]
            round_.candidates.append((np.full(len(neighbours), x), neighbours))
            self.near[x] = [a for a in neighbours.tolist() if self.left[a] == 0]
            for a in self.near[x]:
                self.ends[a].add(x)

    def augment(self, x: int) -> bool:
        """Take one path from *x*, if there is one and *x* has room."""
        left, pairs = self.left, self.pairs
        if left[x] <= 0:
            return False
        for a in self.near[x]:
            if _pair(x, a) in pairs:
                continue
            for b in sorted(self.partners[a]):
                if _pair(a, b) in self.fixed:
                    continue
                ys = [
                    y
                    for y in sorted(self.ends[b])
                    if y not in (x, a) and left[y] > 0 and _pair(b, y) not in pairs
                ]
                if ys:
                    self._swap(x, a, b, ys[0])
                    return True
        return False

    def _swap(self, x: int, a: int, b: int, y: int) -> None:
        self.pairs.discard(_pair(a, b))
        self.partners[a].discard(b)
        self.partners[b].discard(a)
        for p, q in ((x, a), (b, y)):
            self.pairs.add(_pair(p, q))
            self.partners[p].add(q)
            self.partners[q].add(p)
        self.left[x] -= 1
        self.left[y] -= 1


def _candidates(
    round_: Round, idx: IntArray, made: list[tuple[int, int]]
) -> tuple[IntArray, IntArray, IntArray]:
    """Every allowed pair among *idx*, but the pairs *made* (a pair is made once)."""
    if len(idx) < 2:  # a pair takes two
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    u, v, w = round_.edges(idx)
    if made:
        done = round_.key(
            np.array([a for a, _ in made], dtype=np.int64),
            np.array([b for _, b in made], dtype=np.int64),
        )
        keep = ~np.isin(round_.key(u, v), done)
        u, v, w = u[keep], v[keep], w[keep]
    return u, v, w


def _chunks(round_: Round, idx: IntArray) -> list[IntArray]:
    """
    Members in play cut into blocks of about `_CHUNK` likely partners.

    Pooled by the language most of them share, then ordered by when in the
    UTC day they are free and by stage, as `_partners` blocks a large round.
    """
    if len(idx) <= _CHUNK:
        return [idx]
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
    out: list[IntArray] = []
    for _, members in sorted(pools.items()):
        pool = sorted(members, key=lambda i: (phase[i], table.stage[i], i))
        pieces = max(1, round(len(pool) / _CHUNK))
        bounds = [len(pool) * c // pieces for c in range(pieces + 1)]
        out.extend(
            np.array(sorted(pool[bounds[c] : bounds[c + 1]]), dtype=np.int64)
            for c in range(pieces)
        )
    return out


def _best_candidates(
    u: IntArray, v: IntArray, w: IntArray, room: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """The pairs among each member's `_KEEP` best (ties by index), both ways."""
    ends = np.concatenate((u, v))
    others = np.concatenate((v, u))
    weights = np.concatenate((w, w))
    order = np.lexsort((others, -weights, ends))
    sorted_ends = ends[order]
    first = np.searchsorted(sorted_ends, sorted_ends, side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    limit = _KEEP * np.maximum(room[ends], 1)
    best = rank < limit
    keep = best[: len(u)] | best[len(u) :]
    return u[keep], v[keep], w[keep]


# --- the reduction -------------------------------------------------------------------


def solve(  # noqa: PLR0913 - the graph plus keyword-only options
    u: IntArray,
    v: IntArray,
    w: IntArray,
    room: IntArray,
    *,
    objective: str,
    seed: int,
    first: np.ndarray[Any, Any] | None = None,
) -> list[tuple[int, int]]:
    """
    The best b-matching of the edges ``(u[k], v[k])`` weighing ``w[k]``.

    Member ``i`` holds at most ``room[i]`` partners; each edge is used once
    at most. Returns the pairs used, each ``(smaller, larger)``, sorted.
    With *first* (a mask over members, not for ``"score"``), among the
    b-matchings of the most pairs (and for ``"fair"`` the best worst pair)
    the one placing the most members of *first*, then the best total.
    """
    if not len(u):
        return []
    if objective == "score":
        return _b_matching(u, v, w, room, cardinality=False, seed=seed)
    if objective == "participation":
        return _b_matching(u, v, w, room, cardinality=True, seed=seed, first=first)
    target = len(_b_matching(u, v, w, room, cardinality=True, unit=True))
    levels = np.unique(w)
    lo, hi = 0, len(levels) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = w >= levels[mid]
        found = _b_matching(
            u[keep], v[keep], w[keep], room, cardinality=True, unit=True
        )
        if len(found) == target:
            lo = mid
        else:
            hi = mid - 1
    keep = w >= levels[lo]
    return _b_matching(
        u[keep], v[keep], w[keep], room, cardinality=True, seed=seed, first=first
    )


def _b_matching(  # noqa: PLR0913 - the graph plus keyword-only options
    u: IntArray,
    v: IntArray,
    w: IntArray,
    room: IntArray,
    *,
    cardinality: bool,
    unit: bool = False,
    seed: int = 0,
    first: np.ndarray[Any, Any] | None = None,
) -> list[tuple[int, int]]:
    """One exact solve of the reduction; a non-zero *seed* shuffles node order."""
    g = _Reduction(u, v, w, room, first)
    tail, head, weight = g.tail, g.head, g.weight
    if unit:
        weight = np.ones(len(tail), dtype=np.int64)
    if seed:
        order = np.random.default_rng(seed).permutation(g.n_nodes)
        tail, head = order[tail], order[head]
        back = np.argsort(order)
    else:
        back = np.arange(g.n_nodes)
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(g.n_nodes))
    graph.add_edges_from(
        list(zip(tail.tolist(), head.tolist(), weight.tolist(), strict=True))
    )
    found = rx.max_weight_matching(graph, max_cardinality=cardinality, weight_fn=int)
    return g.decode((int(back[x]), int(back[y])) for x, y in found)


def _spread(starts: IntArray, times: IntArray) -> tuple[IntArray, IntArray]:
    """For each k, ``times[k]`` rows: (k, 0), (k, 1), ... as (item, offset)."""
    item = np.repeat(np.arange(len(times)), times)
    offset = np.arange(len(item)) - np.repeat(np.cumsum(times) - times, times)
    return item, starts[item] + offset


class _Reduction:
    """
    The b-matching of a graph as an ordinary matching: copies and gadgets.

    With *first* (a mask over members), every edge into the first copy of
    a member of *first* weighs ``bonus`` more, larger than twice the total
    of any b-matching: copies are interchangeable, so the best matching
    uses a placed member's first copy, and places as many members of
    *first* as it can before it looks at the total. The gadgets' ``W``
    grows by the bonus too, so half a gadget is still never worth more
    than leaving it unused.
    """

    def __init__(
        self,
        u: IntArray,
        v: IntArray,
        w: IntArray,
        room: IntArray,
        first: np.ndarray[Any, Any] | None = None,
    ) -> None:
        members, local = np.unique(np.concatenate((u, v)), return_inverse=True)
        lu, lv = local[: len(u)], local[len(u) :]
        degree = np.bincount(local, minlength=len(members))
        copies = np.minimum(room[members], degree)
        start = np.concatenate(([0], np.cumsum(copies)))
        self.n_copies = n_copies = int(start[-1])
        self.owner = np.repeat(members, copies)  # copy node -> member
        cu, cv = copies[lu], copies[lv]
        plain = (cu == 1) | (cv == 1)
        big = int(w.max())
        lead = np.zeros(n_copies, dtype=np.int64)  # the bonus of each copy node
        if first is not None and first[members].any():
            bonus = (2 * big + 1) * (n_copies + 1)
            lead[start[:-1][first[members] & (copies > 0)]] = bonus
            big += bonus
        # Plain pairs: the one copy of one end to every copy of the other.
        pu, pv = lu[plain], lv[plain]
        span = cv[plain]
        edge, at = _spread(np.zeros(len(pu), dtype=np.int64), cu[plain] * span)
        tails = [start[pu[edge]] + at // span[edge]]
        heads = [start[pv[edge]] + at % span[edge]]
        weights = [2 * w[plain][edge] + lead[tails[0]] + lead[heads[0]]]
        # Gadgets: copies of u - e_u (W + w), e_u - e_v (2W), e_v - copies of v.
        gu, gv, gw = lu[~plain], lv[~plain], w[~plain]
        self.n_gadgets = n_gadgets = len(gu)
        self.e_u = n_copies + 2 * np.arange(n_gadgets)
        for ends, gadget_end in ((gu, self.e_u), (gv, self.e_u + 1)):
            edge, at = _spread(start[ends], copies[ends])
            tails.append(at)
            heads.append(gadget_end[edge])
            weights.append(gw[edge] + big + lead[at])
        tails.append(self.e_u)
        heads.append(self.e_u + 1)
        weights.append(np.full(n_gadgets, 2 * big, dtype=np.int64))
        self.n_nodes = n_copies + 2 * n_gadgets
        self.tail, self.head = np.concatenate(tails), np.concatenate(heads)
        self.weight = np.concatenate(weights)

    def decode(self, found: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """The pairs a matching of the reduction uses, sorted."""
        n_copies, owner = self.n_copies, self.owner
        mate: dict[int, int] = {}
        pairs: set[tuple[int, int]] = set()
        for p, q in found:
            if p < n_copies and q < n_copies:
                pairs.add(_pair(int(owner[p]), int(owner[q])))
            elif p < n_copies or q < n_copies:
                copy, gadget = (p, q) if p < n_copies else (q, p)
                mate[gadget] = int(owner[copy])
        for k in range(self.n_gadgets):
            x, y = mate.get(int(self.e_u[k])), mate.get(int(self.e_u[k]) + 1)
            if x is not None and y is not None:
                pairs.add(_pair(x, y))
        return sorted(pairs)


# --- the result ----------------------------------------------------------------------


def _triangles(
    pairs: list[tuple[int, int]], pinned: set[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Three members partnered with each other and nobody else, none pinned."""
    partners: dict[int, set[int]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    found = []
    for a in sorted(partners):
        mine = partners[a]
        if len(mine) != 2:
            continue
        b, c = sorted(mine)
        if a < b and partners[b] == {a, c} and partners[c] == {a, b}:
            trio = (a, b, c)
            if not any((p, q) in pinned for p, q in ((a, b), (a, c), (b, c))):
                found.append(trio)
    return found


def result(
    round_: Round, pairs: list[tuple[int, int]], pinned: set[tuple[int, int]]
) -> PartnerMatching:
    """The round as a `PartnerMatching`: pairs, trios, the unplaced, totals."""
    table = round_.table
    trios: list[Trio] = []
    if table.policy.trios:
        for a, b, c in _triangles(pairs, pinned):
            trios.append(trio_of(table, (a, b, c)))
            inside = {(a, b), (a, c), (b, c)}
            pairs = [p for p in pairs if p not in inside]
        trios.sort(key=lambda t: t.member_ids)
    placed = {i for pair in pairs for i in pair}
    placed |= {table.index[i] for t in trios for i in t.member_ids}
    left = [i for i in range(len(table)) if i not in placed]
    return PartnerMatching(
        pairs=fits_of_pairs(round_, pairs, pinned),
        trios=trios,
        unplaced=narrate_unplaced(round_, left, odd_one_out=False),
        objective=round_.objective,
    )
