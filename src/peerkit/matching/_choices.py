"""
Shortlists: the partners or mentors a member may choose from, best first.

A shortlist is the hard rules first, then the score: only candidates the
member could be matched with this round (`partner_fit` eligible, at least
``policy.min_score``, not blocked, not a recent partner, a mentor with room
per ``load``), the best *k* of them by score, ties by id. The scoring is
`Table`'s, so a shortlisted fit is, to the last bit, `partner_fit`'s.

Spread. When many members ask at once, the best-scoring few would be on
every shortlist. With ``spread`` on, shortlists are built one member at a
time, and a candidate already on *n* shortlists of the same call competes
for the next one with their score multiplied by ``room / (room + n)``,
where ``room`` is how many more partners (``max_partners``) or mentees
(``max_partners`` less ``load``) they can take. Members are served in an
order that does not depend on the input's: those with the fewest possible
candidates first (they have the least to lose), ties by id. The discount
only chooses *who* is shown; a shortlist always holds as many candidates as
it could without spread, all of them allowed, and shows them ordered by
their own, undiscounted score.
"""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from peerkit._explain import Reason
from peerkit._frozendict import FrozenDict
from peerkit._model import Member
from peerkit._validate import (
    MAX_COUNT,
    check_instance,
    check_int,
    check_str,
)
from peerkit.errors import InvalidInputError
from peerkit.matching._fit import check_members, judged_weeks, with_cohort_scale
from peerkit.matching._pairs import PairFit, PartnerPolicy, Table
from peerkit.matching._partners import PartnerMatching, Round, read_rules

if TYPE_CHECKING:
    from peerkit._intervals import Period
    from peerkit._model import Cohort
    from peerkit.matching._pairs import FloatArray, IntArray

_PAIRS = 65_536  # asker-candidate pairs scored in one numpy step
_FEW_ASKERS = 16  # up to this many askers, only the overlaps asked for are worked out
_TABLES_KEPT = 2  # tables kept for calls on the very same members (see _table)

_AGAIN = Reason("pair.again", 0.0, "Partners before, in an earlier round.")


def _check_bool(path: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(path, value, "True or False")
    return value


def _people(
    askers: list[Member], candidates: list[Member]
) -> tuple[list[Member], set[str]]:
    """Askers and candidates as one list by id; a shared id must be one member."""
    people = {m.id: m for m in candidates}
    for m in askers:
        other = people.get(m.id)
        if other is not None and other != m:
            raise InvalidInputError(
                "candidates", m.id, "the asking member itself, or another id"
            )
        people[m.id] = m
    return [people[i] for i in sorted(people)], {m.id for m in candidates}


class _FewAskers(Table):
    """
    A `Table` that works out only the overlaps asked for, never all of them.

    One member against many needs the overlaps of its own schedule with
    each other schedule (every week of the period judged), not the table
    of every pair of schedules `Table` builds when there are few: the
    scoring is `Table`'s, only the overlaps' bookkeeping differs.
    """

    def overlap(self, u: IntArray, v: IntArray) -> IntArray:
        """Whole minutes a week members *u* and *v* are both free, pair by pair."""
        pu, pv = self.pattern[u], self.pattern[v]
        n = len(self.masks)
        keys = np.minimum(pu, pv) * n + np.maximum(pu, pv)
        unique, inverse = np.unique(keys, return_inverse=True)
        values: IntArray = self.some_overlaps(unique.tolist())
        return values[inverse.reshape(-1)]


@attrs.frozen(eq=False)
class _Kept:
    people: tuple[Member, ...]
    policy: PartnerPolicy
    table: Table


_TABLES: OrderedDict[tuple[object, ...], _Kept] = OrderedDict()
_TABLES_LOCK = threading.Lock()


def _table(
    people: list[Member], policy: PartnerPolicy, weeks: tuple[int, ...], *, few: bool
) -> Table:
    """
    The `Table` of *people*, kept for the next call on the very same objects.

    An app shows shortlists one member at a time from the same candidate
    list: building the table is most of the cost. A table is reused only
    for the identical member and policy objects (held by the entry, so
    their ids cannot be reused while it is kept), which are frozen values:
    the same objects, the same table. Tables are thread-safe once built.
    """
    key = (tuple(map(id, people)), id(policy), weeks, few)
    with _TABLES_LOCK:
        kept = _TABLES.get(key)
        if kept is not None:
            _TABLES.move_to_end(key)
            return kept.table
    table = (_FewAskers if few else Table)(people, policy, weeks)
    with _TABLES_LOCK:
        _TABLES[key] = _Kept(tuple(people), policy, table)
        while len(_TABLES) > _TABLES_KEPT:
            _TABLES.popitem(last=False)
    return table


def _load(value: object, mentors: list[Member]) -> dict[str, int]:
    """Each mentor's room: ``max_partners`` less the mentees *value* says they hold."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise InvalidInputError("load", value, "a mapping of mentor ids to counts")
    for key, held in value.items():
        check_str("load", key)
        check_int(f"load[{key!r}]", held, minimum=0, maximum=MAX_COUNT)
    return {m.id: max(0, m.max_partners - value.get(m.id, 0)) for m in mentors}


def _candidates(
    round_: Round, askers: IntArray, pool: IntArray, room: IntArray
) -> dict[int, tuple[IntArray, FloatArray]]:
    """Each asker's allowed candidates with room, and their scores."""
    out: dict[int, tuple[IntArray, FloatArray]] = {}
    rows = max(1, _PAIRS // max(1, len(pool)))
    for at in range(0, len(askers), rows):
        block = askers[at : at + rows]
        u = np.repeat(block, len(pool))
        v = np.tile(pool, len(block))
        s, ok = round_.allowed(u, v)
        ok &= (u != v) & (room[v] > 0)
        cuts = np.arange(1, len(block)) * len(pool)
        for x, keep, vs, score in zip(
            block.tolist(),
            np.split(ok, cuts),
            np.split(v, cuts),
            np.split(s.score, cuts),
            strict=True,
        ):
            out[x] = (vs[keep], score[keep])
    return out


def _choose(
    options: dict[int, tuple[IntArray, FloatArray]],
    room: IntArray,
    k: int,
    *,
    spread: bool,
) -> dict[int, IntArray]:
    """Each asker's shortlist (indices), best first; see the module docstring."""
    shown = np.zeros(len(room), dtype=np.int64)
    out: dict[int, IntArray] = {}
    for x in sorted(options, key=lambda x: (len(options[x][0]), x)):
        cands, score = options[x]
        rank = score
        if spread:
            r = room[cands].astype(np.float64)
            rank = score * (r / (r + shown[cands]))
        picked = cands[np.lexsort((cands, -rank))[:k]]
        shown[picked] += 1
        order = np.lexsort((picked, -score[np.searchsorted(cands, picked)]))
        out[x] = picked[order]
    return out


def _fits(round_: Round, x: int, picked: IntArray) -> tuple[PairFit, ...]:
    """The fits of *x* with each of *picked*, in that order, earlier rounds noted."""
    table = round_.table
    fits = table.fits(np.full(len(picked), x, dtype=np.int64), picked)
    earlier = round_.rules.earlier
    return tuple(
        attrs.evolve(f, reasons=(_AGAIN, *f.reasons))
        if frozenset(f.member_ids) in earlier
        else f
        for f in fits
    )


def _shortlists(  # noqa: PLR0913 - the inputs of every suggest_* function
    askers: list[Member],
    pool: list[Member],
    room: dict[str, int],
    *,
    during: Period,
    k: int,
    policy: PartnerPolicy,
    blocked: object,
    history: object,
    spread: bool,
) -> dict[str, tuple[PairFit, ...]]:
    check_int("k", k, minimum=1, maximum=MAX_COUNT)
    _check_bool("spread", spread)
    weeks = judged_weeks(during)
    rules = read_rules(blocked, history, policy)
    people, _ = _people(askers, pool)
    table = _table(people, policy, weeks, few=len(askers) <= _FEW_ASKERS)
    round_ = Round(table, rules, "participation", 0)
    index = round_.table.index
    rooms = np.zeros(len(people), dtype=np.int64)
    for ident, r in room.items():
        rooms[index[ident]] = r
    asked = np.array(sorted(index[m.id] for m in askers), dtype=np.int64)
    candidates = np.array(sorted(index[m.id] for m in pool), dtype=np.int64)
    options = _candidates(round_, asked, candidates, rooms)
    chosen = _choose(options, rooms, k, spread=spread)
    return {round_.table.ids[x]: _fits(round_, x, chosen[x]) for x in sorted(chosen)}


# --- suggest_partners ------------------------------------------------------------


def suggest_partners(  # noqa: PLR0913 - the domain input plus keyword-only options
    member: Member,
    candidates: Iterable[Member] | Cohort,
    *,
    during: Period,
    k: int = 5,
    policy: PartnerPolicy = PartnerPolicy(),
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
    spread: bool = True,
) -> tuple[PairFit, ...]:
    """
    A member's shortlist of partners to choose from, best first.

    Only candidates `match_partners` could pair *member* with this round:
    eligible (`partner_fit`), at least ``policy.min_score``, not in
    *blocked*, not partners in the last ``policy.no_repeat_rounds`` rounds
    of *history*. Of those, the *k* best by score, ties by id. A candidate
    the member is blocked with reads exactly as one who is not taking
    part: nothing on the shortlist tells of a block. Each fit's reasons
    are `partner_fit`'s, addressed to both, plus ``pair.again`` for
    partners of an earlier round.

    Args:
        member: The member asking. Taken out of *candidates* if there.
        candidates: Who may be suggested (a `Cohort` or its members), in
            any order; ids unique.
        during: The period the partnership is for, as for `match_partners`.
        k: The most candidates to show, 1 or more.
        policy: How pairs are judged; see `PartnerPolicy`.
        blocked: Pairs of member ids never to match; ids not taking part
            are ignored.
        history: Past rounds, oldest first, as for `match_partners`.
        spread: Whether members asking in one call are spread over the
            candidates (see `suggest_partners_for`). One member alone has
            no other shortlist in the call, so here it changes nothing.

    Returns:
        The shortlist: each candidate's `PairFit` with *member*, best
        first; fewer than *k* (or none) when fewer are allowed.

    Raises:
        peerkit.errors.InvalidInputError: If an input is malformed, or a
            candidate has *member*'s id but is another member.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> ada = Member("ada", "action", goals=["sleep"])
        >>> others = [
        ...     Member("bo", "action", goals=["sleep"]),
        ...     Member("cy", "action", goals=["walks"]),
        ...     Member("di", "action", languages=["fr"]),
        ... ]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> [f.member_ids for f in suggest_partners(ada, others, during=term)]
        [('ada', 'bo'), ('ada', 'cy')]

    Added in 0.2.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    policy = with_cohort_scale(policy, candidates)
    check_instance("member", member, Member, "a Member")
    policy.scale.check(member.stage, path="member.stage")
    pool = check_members("candidates", candidates, policy.scale)
    room = {m.id: m.max_partners for m in pool}
    found = _shortlists(
        [member],
        pool,
        room,
        during=during,
        k=k,
        policy=policy,
        blocked=blocked,
        history=history,
        spread=spread,
    )
    return found[member.id]


def suggest_partners_for(  # noqa: PLR0913 - the domain input plus keyword-only options
    members: Iterable[Member] | Cohort,
    candidates: Iterable[Member] | Cohort | None = None,
    *,
    during: Period,
    k: int = 5,
    policy: PartnerPolicy = PartnerPolicy(),
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
    spread: bool = True,
) -> Mapping[str, tuple[PairFit, ...]]:
    """
    A shortlist for each of *members* at once, spread over the candidates.

    Each shortlist is what `suggest_partners` shows, except that with
    *spread* the shortlists are built one member at a time and a candidate
    already on *n* of them competes for the next with their score
    multiplied by ``max_partners / (max_partners + n)``. Members are
    served fewest possible candidates first, ties by id, whatever the
    order given. Spread only changes who is shown: every shortlist holds
    as many candidates as without it, every one allowed, ordered by their
    own score then id.

    Args:
        members: The members asking (a `Cohort` or its members), in any
            order; ids unique.
        candidates: Who may be suggested; ``None`` (default): *members*
            themselves, each other's candidates.
        during: The period the partnership is for, as for `match_partners`.
        k: The most candidates on each shortlist, 1 or more.
        policy: How pairs are judged; see `PartnerPolicy`.
        blocked: Pairs of member ids never to match.
        history: Past rounds, oldest first, as for `match_partners`.
        spread: Whether to spread the members over the candidates.

    Returns:
        Each asking member's id, in id order, with their shortlist.

    Raises:
        peerkit.errors.InvalidInputError: If an input is malformed, or an
            id names one member among *members* and another among
            *candidates*.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> people = [Member(i, "action") for i in ("ada", "bo", "cy", "di")]
        >>> people.append(Member("star", "action", goals=["sleep"]))
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> found = suggest_partners_for(people, during=term, k=1)
        >>> [fits[0].member_ids for i, fits in found.items() if i != "star"]
        [('ada', 'bo'), ('ada', 'bo'), ('cy', 'di'), ('cy', 'di')]
        >>> crowded = suggest_partners_for(people, during=term, k=1, spread=False)
        >>> len({fits[0].member_ids for fits in crowded.values()})
        4

    Added in 0.2.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    policy = with_cohort_scale(with_cohort_scale(policy, members), candidates)
    askers = check_members("members", members, policy.scale)
    pool = (
        askers
        if candidates is None
        else check_members("candidates", candidates, policy.scale)
    )
    found = _shortlists(
        askers,
        pool,
        {m.id: m.max_partners for m in pool},
        during=during,
        k=k,
        policy=policy,
        blocked=blocked,
        history=history,
        spread=spread,
    )
    return FrozenDict(found)


# --- suggest_mentors -------------------------------------------------------------


def suggest_mentors(  # noqa: PLR0913 - the domain input plus keyword-only options
    mentee: Member,
    mentors: Iterable[Member] | Cohort,
    *,
    during: Period,
    k: int = 5,
    load: Mapping[str, int] | None = None,
    policy: PartnerPolicy = PartnerPolicy(),
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
    spread: bool = True,
) -> tuple[PairFit, ...]:
    """
    A mentee's shortlist of mentors to choose from, best first.

    The mentors `match_mentors` could place *mentee* with this round, the
    *k* best by score (ties by id), leaving out every mentor at capacity:
    ``max_partners`` is a mentor's capacity and *load* says how many
    mentees each holds already. The same hard rules, and the same silence
    about blocks, as `suggest_partners`.

    Args:
        mentee: The mentee asking; not one of *mentors*.
        mentors: The mentors (a `Cohort` or its members), in any order; ids
            unique.
        during: The period the mentoring is for, as for `match_mentors`.
        k: The most mentors to show, 1 or more.
        load: Mentees each mentor holds now, by mentor id (``None``: none);
            ids not among *mentors* are ignored.
        policy: How pairs are judged; see `PartnerPolicy`.
        blocked: Pairs of member ids never to match.
        history: Past rounds, oldest first, as for `match_mentors`.
        spread: As for `suggest_partners`: one mentee alone has no other
            shortlist in the call, so here it changes nothing; see
            `suggest_mentors_for`.

    Raises:
        peerkit.errors.InvalidInputError: If an input is malformed or the
            mentee is also a mentor.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> mentors = [
        ...     Member("mo", "maintenance", goals=["sleep"]),
        ...     Member("nia", "maintenance", goals=["sleep"], max_partners=2),
        ... ]
        >>> ada = Member("ada", "action", goals=["sleep"])
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> [f.member_ids for f in suggest_mentors(ada, mentors, during=term)]
        [('ada', 'mo'), ('ada', 'nia')]
        >>> full = suggest_mentors(ada, mentors, during=term, load={"mo": 1})
        >>> [f.member_ids for f in full]
        [('ada', 'nia')]

    Added in 0.2.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    policy = with_cohort_scale(policy, mentors)
    check_instance("mentee", mentee, Member, "a Member")
    policy.scale.check(mentee.stage, path="mentee.stage")
    return suggest_mentors_for(
        [mentee],
        mentors,
        during=during,
        k=k,
        load=load,
        policy=policy,
        blocked=blocked,
        history=history,
        spread=spread,
    )[mentee.id]


def suggest_mentors_for(  # noqa: PLR0913 - the domain input plus keyword-only options
    mentees: Iterable[Member] | Cohort,
    mentors: Iterable[Member] | Cohort,
    *,
    during: Period,
    k: int = 5,
    load: Mapping[str, int] | None = None,
    policy: PartnerPolicy = PartnerPolicy(),
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
    spread: bool = True,
) -> Mapping[str, tuple[PairFit, ...]]:
    """
    A shortlist of mentors for each of *mentees* at once, spread out.

    Each is what `suggest_mentors` shows, except that with *spread* a
    mentor already on *n* shortlists of the call competes for the next
    with their score multiplied by ``room / (room + n)``, ``room`` being
    the places they have left (``max_partners`` less *load*): a mentor
    with more room is shown more often. Mentees are served fewest possible
    mentors first, ties by id.

    Args:
        mentees: The mentees asking (a `Cohort` or its members), in any
            order; ids unique, none a mentor.
        mentors: The mentors (a `Cohort` or its members), in any order; ids
            unique.
        during: The period the mentoring is for, as for `match_mentors`.
        k: The most mentors on each shortlist, 1 or more.
        load: Mentees each mentor holds now, by mentor id.
        policy: How pairs are judged; see `PartnerPolicy`.
        blocked: Pairs of member ids never to match.
        history: Past rounds, oldest first.
        spread: Whether to spread the mentees over the mentors.

    Returns:
        Each mentee's id, in id order, with their shortlist.

    Raises:
        peerkit.errors.InvalidInputError: If an input is malformed or a
            mentee is also a mentor.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> mentors = [Member("mo", "maintenance"), Member("nia", "maintenance")]
        >>> mentees = [Member("ada", "action"), Member("bo", "action")]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> found = suggest_mentors_for(mentees, mentors, during=term, k=1)
        >>> {i: fits[0].member_ids for i, fits in found.items()}
        {'ada': ('ada', 'mo'), 'bo': ('bo', 'nia')}

    Added in 0.2.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    policy = with_cohort_scale(with_cohort_scale(policy, mentors), mentees)
    seekers = check_members("mentees", mentees, policy.scale)
    givers = check_members("mentors", mentors, policy.scale)
    both = sorted({m.id for m in givers} & {m.id for m in seekers})
    if both:
        raise InvalidInputError("mentees", both[0], "no member who is also a mentor")
    found = _shortlists(
        seekers,
        givers,
        _load(load, givers),
        during=during,
        k=k,
        policy=policy,
        blocked=blocked,
        history=history,
        spread=spread,
    )
    return FrozenDict(found)


# --- left_out --------------------------------------------------------------------


def left_out(matching: PartnerMatching) -> tuple[str, ...]:
    """
    The members a round left without a partner, to pass as next ``priority``.

    Every unplaced member except those sitting the round out (a boundary
    they chose, not a loss), sorted by id.

    Raises:
        peerkit.errors.InvalidInputError: If *matching* is not a
            `PartnerMatching`.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.matching import match_partners
        >>> people = [Member(i, "action") for i in ("ada", "bo", "cy")]
        >>> people.append(Member("di", "action", max_partners=0))
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> first = match_partners(people, during=term)
        >>> left_out(first)
        ('bo',)
        >>> second = match_partners(people, during=term, priority=left_out(first))
        >>> second.partners_of("bo"), left_out(second)
        (('cy',), ('ada',))

    Added in 0.2.
    """
    check_instance("matching", matching, PartnerMatching, "a PartnerMatching")
    return tuple(
        sorted(
            u.member_id
            for u in matching.unplaced
            if not any(r.code == "unplaced.sitting_out" for r in u.reasons)
        )
    )


# --- stated preferences and participation for match_mentors ------------------------

Prefs = dict[int, list[tuple[float, int]]]

_LISTED = Reason(
    "unplaced.listed",
    0.0,
    "No mentor had a place for you this round within the choices stated.",
)


@attrs.frozen
class Stated:
    """
    `match_mentors`' preferences once stated lists are read (indices).

    Attributes:
        prefs: Each mentee's acceptable mentors, best first, with scores.
        ranks: For each mentor with a stated list: mentee -> rank key
            (higher preferred); only mentees on the list.
        listing: Whether any list was stated.
    """

    prefs: Prefs
    ranks: dict[int, dict[int, float]] | None
    listing: bool

    def why(self, _mentee: int) -> tuple[Reason, ...]:
        """What an unplaced mentee is told when lists were stated: nothing more."""
        return (_LISTED,) if self.listing else ()


def _stated_lists(
    preferences: object, table: Table, mentors: set[int], mentees: set[int]
) -> dict[int, list[int]]:
    if not isinstance(preferences, Mapping):
        raise InvalidInputError(
            "preferences", preferences, "a mapping of member ids to ranked ids"
        )
    index = table.index
    lists: dict[int, list[int]] = {}
    for key in sorted(preferences, key=str):
        check_str("preferences", key)
        who = index.get(key)
        if who is None:
            raise InvalidInputError("preferences", key, "a mentee or mentor id")
        other = mentors if who in mentees else mentees
        path = f"preferences[{key!r}]"
        ranked = preferences[key]
        # A set has no ranking: its order would be the hash seed's, not the caller's.
        if isinstance(ranked, (str, bytes, Mapping, AbstractSet)) or not isinstance(
            ranked, Iterable
        ):
            raise InvalidInputError(path, ranked, "a ranked sequence of ids")
        out: list[int] = []
        seen: set[int] = set()
        for i, ident in enumerate(ranked):
            check_str(f"{path}[{i}]", ident)
            j = index.get(ident)
            side = "a mentor" if who in mentees else "a mentee"
            if j is None or j not in other:
                raise InvalidInputError(f"{path}[{i}]", ident, f"{side} id")
            if j in seen:
                raise InvalidInputError(f"{path}[{i}]", ident, "each id once")
            seen.add(j)
            out.append(j)
        lists[who] = out
    return lists


def stated(
    preferences: object,
    table: Table,
    prefs: Prefs,
    mentors: IntArray,
    mentees: IntArray,
) -> Stated:
    """
    Replace score-derived preferences with the stated lists, where given.

    *prefs* holds every pair the hard rules allow, best score first; a
    stated list keeps only those, in its own order, and a mentor's list
    makes every mentee not on it unacceptable to that mentor.
    """
    if preferences is None:
        return Stated(prefs, None, listing=False)
    lists = _stated_lists(
        preferences, table, set(mentors.tolist()), set(mentees.tolist())
    )
    is_mentor = set(mentors.tolist())
    ranks = {
        m: {x: float(-k) for k, x in enumerate(ranked)}
        for m, ranked in lists.items()
        if m in is_mentor
    }
    out: Prefs = {}
    for x, options in prefs.items():
        score = {m: s for s, m in options}
        order = (
            [(score[m], m) for m in lists[x] if m in score] if x in lists else options
        )
        kept = [(s, m) for s, m in order if m not in ranks or x in ranks[m]]
        if kept:
            out[x] = kept
    return Stated(out, ranks, listing=True)


def fill(
    held: dict[int, list[tuple[float, int]]],
    stated: Stated,
    room: dict[int, int],
    active: np.ndarray[Any, Any],
) -> dict[int, list[tuple[float, int]]]:
    """
    The most mentees placed, from the stable result; then free places filled.

    First a second round of proposals: every mentee the stable result
    leaves out proposes down their list again, now ahead of every mentee
    proposing the first time, and whoever that displaces carries on down
    their own list (Kavitha's two-level deferred acceptance: a popular
    matching, at least as large as a stable one). It is kept if it places
    everyone the stable result places and more; otherwise the stable
    result is. (The steps after it change nothing when nobody more can
    be placed: free places a placed mentee prefers do not exist in a
    stable result.)
    Then augmenting paths (breadth first, each mentee's mentors in their
    order) from every unplaced mentee in index order: a mentee placed
    stays placed, and once no path leaves one mentee none will later, so
    one pass places the most. Then any placed mentee who prefers a mentor
    with a free place moves there, until none does: each move makes a
    mentee better off, so it ends.
    """
    prefs = stated.prefs
    stable = {x for offers in held.values() for _, x in offers}
    second = _two_level(prefs, stated.ranks, room)
    placed = {x for offers in second.values() for _, x in offers}
    if stable < placed:
        held = second
    mentor_of: dict[int, int] = {}
    held_by: dict[int, set[int]] = {m: set() for m in room}
    for m, offers in held.items():
        for _, x in offers:
            mentor_of[x] = m
            held_by[m].add(x)
    dead: set[int] = set()  # mentors a failed search reached: no path through them
    for x in sorted(prefs):
        if x in mentor_of or not active[x]:
            continue
        path = _augmenting(x, prefs, mentor_of, held_by, room, dead)
        if path:
            dead.clear()  # the matching changed: every mentor may lead somewhere
        for y, m in path:
            old = mentor_of.get(y)
            if old is not None:
                held_by[old].discard(y)
            mentor_of[y] = m
            held_by[m].add(y)
    _into_free_places(prefs, mentor_of, held_by, room)
    score = {(x, m): s for x, options in prefs.items() for s, m in options}
    return {m: [(score[x, m], x) for x in sorted(xs)] for m, xs in held_by.items()}


def _into_free_places(
    prefs: Prefs,
    mentor_of: dict[int, int],
    held_by: dict[int, set[int]],
    room: dict[int, int],
) -> None:
    """Move placed mentees to mentors they prefer who have a free place, until none."""
    position = {x: {m: k for k, (_, m) in enumerate(prefs[x])} for x in mentor_of}
    moved = True
    while moved:
        moved = False
        for x in sorted(mentor_of):
            now = position[x][mentor_of[x]]
            for _, m in prefs[x][:now]:
                if len(held_by[m]) < room[m]:
                    held_by[mentor_of[x]].discard(x)
                    held_by[m].add(x)
                    mentor_of[x] = m
                    moved = True
                    break


def _path(
    start: int, end: int, came: dict[int, int], mentor_of: dict[int, int]
) -> list[tuple[int, int]]:
    """The moves of an augmenting path ending at the mentor *end*, back to *start*."""
    moves = []
    mentor = end
    while True:
        mentee = came[mentor]
        moves.append((mentee, mentor))
        if mentee == start:
            return moves
        mentor = mentor_of[mentee]


def _two_level(
    prefs: Prefs, ranks: Mapping[int, Mapping[int, float]] | None, room: dict[int, int]
) -> dict[int, list[tuple[float, int]]]:
    """
    Deferred acceptance in which a mentee rejected everywhere tries once more.

    On their second pass a mentee is ahead, for every mentor, of anyone on
    their first: a mentor keeps the offers with the highest (pass, their
    preference, smaller index). Each mentee proposes at most twice down
    their list, so it ends.
    """
    score = {(x, m): s for x, options in prefs.items() for s, m in options}
    held: dict[int, list[tuple[int, float, int, int]]] = {m: [] for m in room}
    nxt = dict.fromkeys(prefs, 0)
    level = dict.fromkeys(prefs, 0)
    free = sorted(prefs, reverse=True)
    while free:
        x = free.pop()
        options = prefs[x]
        if nxt[x] >= len(options):
            if level[x] == 1:
                continue
            level[x], nxt[x] = 1, 0
        _, m = options[nxt[x]]
        nxt[x] += 1
        key = ranks[m][x] if ranks is not None and m in ranks else score[x, m]
        heapq.heappush(held[m], (level[x], key, -x, x))
        if len(held[m]) > room[m]:
            free.append(heapq.heappop(held[m])[3])
    return {m: [(score[o[3], m], o[3]) for o in offers] for m, offers in held.items()}


def _augmenting(  # noqa: PLR0913, PLR0917 - the search state, passed in
    start: int,
    prefs: Prefs,
    mentor_of: dict[int, int],
    held_by: dict[int, set[int]],
    room: dict[int, int],
    dead: set[int],
) -> list[tuple[int, int]]:
    """A shortest augmenting path from *start*: (mentee, new mentor) moves."""
    came: dict[int, int] = {}  # mentor -> the mentee who would move to them
    seen_mentees = {start}
    queue = [start]
    for x in queue:
        for _, m in prefs.get(x, ()):
            if m in came or m in dead:
                continue
            came[m] = x
            if len(held_by[m]) < room[m]:
                return _path(start, m, came, mentor_of)
            for y in sorted(held_by[m]):
                if y not in seen_mentees:
                    seen_mentees.add(y)
                    queue.append(y)
    dead.update(came)
    return []
