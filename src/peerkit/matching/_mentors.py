"""
Mentor matching (two-sided, with capacities) and the stability check.

Mentees propose, mentors hold their best offers up to their capacity:
deferred acceptance (Gale and Shapley 1962; the many-to-one "college
admissions" form). The result is stable with respect to the policy's
scores and, among stable matchings, the best one for every mentee.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from peerkit._explain import Reason
from peerkit._frozendict import FrozenDict
from peerkit._validate import (
    MAX_COUNT,
    check_choice,
    check_instance,
    check_int,
    check_str,
    instance,
    string,
    tuple_of,
)
from peerkit.errors import InvalidInputError
from peerkit.matching import _choices
from peerkit.matching._fit import check_members, judged_weeks, with_cohort_scale
from peerkit.matching._pairs import PairFit, PartnerPolicy, Table
from peerkit.matching._partners import (
    PartnerMatching,
    Round,
    read_rules,
    why_unplaced,
)
from peerkit.matching._results import Unplaced, check_placed_once, to_unplaced

if TYPE_CHECKING:
    from collections.abc import Sequence

    from peerkit._intervals import Period
    from peerkit._model import Cohort, Member
    from peerkit.matching._pairs import IntArray

_ROWS = 4096  # mentees scored against every mentor in one numpy step

MentorObjective = Literal["stable", "participation"]
MENTOR_OBJECTIVES: tuple[str, ...] = ("stable", "participation")


# --- results ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MentorAssignment:
    """
    One mentee placed with one mentor, and why.

    Attributes:
        mentor_id: The mentor.
        mentee_id: The mentee.
        fit: How well the two suit each other (`partner_fit`).

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> from peerkit.matching import match_mentors
        >>> mentors = [Member("mo", "maintenance")]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> matching = match_mentors(mentors, [Member("ada", "action")], during=term)
        >>> (assignment,) = matching.assignments
        >>> assignment.mentor_id, assignment.mentee_id, assignment.fit.member_ids
        ('mo', 'ada', ('ada', 'mo'))

    Added in 0.1.
    """

    mentor_id: str = attrs.field(validator=string())
    mentee_id: str = attrs.field(validator=string())
    fit: PairFit = attrs.field(validator=instance(PairFit, "a PairFit"))

    def __attrs_post_init__(self) -> None:
        if self.fit.member_ids != tuple(sorted((self.mentor_id, self.mentee_id))):
            raise InvalidInputError(
                "fit.member_ids", self.fit.member_ids, "the mentor's and mentee's ids"
            )

    @property
    def score(self) -> float:
        """
        The fit's score.

        Examples:
            >>> import pendulum
            >>> from peerkit import Member
            >>> from peerkit.matching import match_mentors
            >>> mentors = [Member("mo", "maintenance")]
            >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
            >>> matching = match_mentors(
            ...     mentors, [Member("ada", "action")], during=term
            ... )
            >>> (assignment,) = matching.assignments
            >>> assignment.score == assignment.fit.score
            True
        """
        return self.fit.score


def _to_assignments(value: Iterable[MentorAssignment]) -> tuple[MentorAssignment, ...]:
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


def _to_capacities(value: Mapping[str, int]) -> Mapping[str, int]:
    given: Any = value
    return FrozenDict(given) if isinstance(given, Mapping) else given


def _check_capacities(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise InvalidInputError(
            attr.name, value, "a mapping of mentor ids to capacities"
        )
    for key, item in value.items():
        check_str(attr.name, key)
        check_int(f"{attr.name}[{key!r}]", item, minimum=0, maximum=MAX_COUNT)


@attrs.frozen(kw_only=True)
class MentorMatching:
    """
    Mentees placed with mentors, every capacity kept, and who was not.

    Attributes:
        assignments: Who mentors whom, by mentor id then mentee id.
        unplaced: Mentees without a mentor and mentors without a mentee
            this round, by id, each with the reasons.
        capacities: Each mentor's capacity (their ``max_partners``).

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> mentors = [Member("mo", "maintenance", max_partners=2)]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> mentees = [Member("ada", "action"), Member("bo", "action")]
        >>> matching = match_mentors(mentors, mentees, during=term)
        >>> matching.mentees_of("mo"), matching.mentor_of("bo")
        (('ada', 'bo'), 'mo')

    Added in 0.1.
    """

    assignments: tuple[MentorAssignment, ...] = attrs.field(
        converter=_to_assignments,
        validator=tuple_of(MentorAssignment, "a MentorAssignment"),
    )
    unplaced: tuple[Unplaced, ...] = attrs.field(
        converter=to_unplaced, validator=tuple_of(Unplaced, "an Unplaced")
    )
    capacities: Mapping[str, int] = attrs.field(
        converter=_to_capacities, validator=_check_capacities
    )

    def __attrs_post_init__(self) -> None:
        load: dict[str, int] = {}
        mentees: set[str] = set()
        for i, a in enumerate(self.assignments):
            if a.mentor_id not in self.capacities:
                raise InvalidInputError(
                    f"assignments[{i}].mentor_id", a.mentor_id, "a mentor in capacities"
                )
            if a.mentee_id in mentees or a.mentee_id in self.capacities:
                raise InvalidInputError(
                    f"assignments[{i}].mentee_id", a.mentee_id, "each mentee once only"
                )
            mentees.add(a.mentee_id)
            load[a.mentor_id] = load.get(a.mentor_id, 0) + 1
            if load[a.mentor_id] > self.capacities[a.mentor_id]:
                raise InvalidInputError(
                    f"assignments[{i}]", a.mentor_id, "no mentor over capacity"
                )
        mentors = sorted({a.mentor_id for a in self.assignments})
        check_placed_once(
            [*((a.mentee_id,) for a in self.assignments), mentors],
            (u.member_id for u in self.unplaced),
        )

    @property
    def teams(self) -> tuple[tuple[str, ...], ...]:
        """
        Every assignment as a sorted pair of ids: one round of ``history``.

        Examples:
            >>> import pendulum
            >>> from peerkit import Member
            >>> from peerkit.matching import match_mentors
            >>> mentors = [Member("mo", "maintenance", max_partners=2)]
            >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
            >>> mentees = [Member("ada", "action"), Member("bo", "action")]
            >>> match_mentors(mentors, mentees, during=term).teams
            (('ada', 'mo'), ('bo', 'mo'))
        """
        return tuple(a.fit.member_ids for a in self.assignments)

    def mentees_of(self, mentor_id: str) -> tuple[str, ...]:
        """
        The mentees of *mentor_id*, by id.

        Examples:
            >>> import pendulum
            >>> from peerkit import Member
            >>> from peerkit.matching import match_mentors
            >>> mentors = [Member("mo", "maintenance", max_partners=2)]
            >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
            >>> mentees = [Member("bo", "action"), Member("ada", "action")]
            >>> match_mentors(mentors, mentees, during=term).mentees_of("mo")
            ('ada', 'bo')
        """
        return tuple(
            sorted(a.mentee_id for a in self.assignments if a.mentor_id == mentor_id)
        )

    def mentor_of(self, mentee_id: str) -> str | None:
        """
        The mentor of *mentee_id*, or None.

        Examples:
            >>> import pendulum
            >>> from peerkit import Member
            >>> from peerkit.matching import match_mentors
            >>> mentors = [Member("mo", "maintenance")]
            >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
            >>> mentees = [Member("ada", "action"), Member("bo", "action")]
            >>> matching = match_mentors(mentors, mentees, during=term)  # one mentee
            >>> matching.mentor_of("ada"), matching.mentor_of("bo")
            ('mo', None)
        """
        for a in self.assignments:
            if a.mentee_id == mentee_id:
                return a.mentor_id
        return None


# --- match_mentors -------------------------------------------------------------------


def _check_roles(mentors: list[Member], mentees: list[Member]) -> None:
    both = sorted({m.id for m in mentors} & {m.id for m in mentees})
    if both:
        raise InvalidInputError("mentees", both[0], "no member who is also a mentor")


def _preferences(
    round_: Round, seekers: IntArray, mentors: IntArray
) -> dict[int, list[tuple[float, int]]]:
    """Each seeker's allowed mentors, best first (score, then id order)."""
    prefs: dict[int, list[tuple[float, int]]] = {}
    for at in range(0, len(seekers), max(1, _ROWS // max(1, len(mentors)))):
        rows = seekers[at : at + max(1, _ROWS // max(1, len(mentors)))]
        u = np.repeat(rows, len(mentors))
        v = np.tile(mentors, len(rows))
        s, ok = round_.allowed(u, v)
        for x, m, score in zip(
            u[ok].tolist(), v[ok].tolist(), s.score[ok].tolist(), strict=True
        ):
            prefs.setdefault(x, []).append((score, m))
    for options in prefs.values():
        options.sort(key=lambda sm: (-sm[0], sm[1]))
    return prefs


def _defer(
    prefs: dict[int, list[tuple[float, int]]],
    capacity: dict[int, int],
    ranks: Mapping[int, Mapping[int, float]] | None = None,
) -> dict[int, list[tuple[float, int]]]:
    """
    Seeker-proposing deferred acceptance; mentor -> [(score, seeker)].

    A mentor in *ranks* prefers a higher ``ranks[mentor][seeker]`` to the
    score (their stated list); every seeker who proposes to them is on it.
    """
    held: dict[int, list[tuple[float, int, int]]] = {m: [] for m in capacity}
    nxt = dict.fromkeys(prefs, 0)
    free = sorted(prefs, reverse=True)
    while free:
        x = free.pop()
        options = prefs[x]
        if nxt[x] >= len(options):
            continue
        score, m = options[nxt[x]]
        nxt[x] += 1
        if ranks is not None and m in ranks:
            score = ranks[m][x]
        # A mentor prefers a higher score, then the smaller index (the
        # heap keeps the worst offer on top).
        heapq.heappush(held[m], (score, -x, x))
        if len(held[m]) > capacity[m]:
            _, _, out = heapq.heappop(held[m])
            free.append(out)
    return {m: [(s, x) for s, _, x in offers] for m, offers in held.items()}


def match_mentors(  # noqa: PLR0913 - the domain input plus keyword-only options
    mentors: Iterable[Member] | Cohort,
    mentees: Iterable[Member] | Cohort,
    *,
    during: Period,
    policy: PartnerPolicy = PartnerPolicy(),
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
    preferences: Mapping[str, Sequence[str]] | None = None,
    objective: MentorObjective = "stable",
) -> MentorMatching:
    """
    Place mentees with mentors, each mentor taking at most ``max_partners``.

    Two-sided and stable: mentees propose in order of preference, mentors
    keep their best offers up to capacity (seeker-proposing deferred
    acceptance). Preferences are the policy's `partner_fit` scores on both
    sides, ties broken by id. The result has no blocking pair: no mentee
    and mentor who would both rather be with each other, and among stable
    results it is the best for every mentee.

    The same hard rules as `match_partners`: an assignment is only made
    when the pair is eligible, scores at least ``policy.min_score``, is
    not in *blocked*, and was not made in the last
    ``policy.no_repeat_rounds`` rounds of *history* (set it to 0 to let
    mentorships continue). A mentor's ``max_partners`` is their capacity, a
    boundary never exceeded; 0 means sitting this round out. As there, an
    unplaced mentee's reasons never disclose a block: they read as if the
    mentors they are blocked with were not taking part.

    Args:
        mentors: The mentors (a `Cohort` or its members), in any order;
            ids unique.
        mentees: The mentees (a `Cohort` or its members), in any order;
            ids unique and not mentors.
        during: The period the mentoring is for: an `Interval` or a
            ``(start, end)`` pair of aware datetimes. Required. Schedules are
            judged in every Monday-to-Monday week (UTC) the period touches,
            each on its real dates, clock changes included. A period shorter
            than a week is judged on the week or two it touches, each week
            whole: a mentor and mentee free together only outside the
            period's own days still count as free together.
        policy: How pairs are judged; see `PartnerPolicy`. Given a
            `Cohort`, a policy whose scale is the default takes the
            cohort's scale; another scale than the cohort's is refused.
        blocked: Pairs of member ids never to match.
        history: Past rounds, oldest first: each a `MentorMatching`, a
            `PartnerMatching` or a sequence of pairs of ids.
        preferences: Stated choices, by member id: a mentee's ranked list
            of mentor ids, best first, and optionally a mentor's ranked
            list of mentee ids (a list or tuple: a set, having no order,
            is refused). A stated list replaces that person's
            score-derived preferences, and anyone not on it is
            unacceptable to them; the result is stable with respect to the
            stated lists (scores where none is stated). The hard rules
            still hold: a listed mentor the rules rule out is skipped. An
            unplaced mentee is told only that no mentor had a place for
            them within the stated choices.
        objective: ``"stable"`` (default): no blocking pair, the best
            stable result for every mentee. ``"participation"``: the most
            mentees placed, every mentee the stable result places among
            them; when nobody more can be placed, the stable result
            itself. It trades stability for the places: the left-out
            propose again ahead of first proposals, then augmenting paths
            place the rest, so a mentee may be moved to a lower choice
            and a blocking pair left, the price of placing someone who
            would otherwise have no mentor. Check with `blocking_pairs`.

    Raises:
        peerkit.errors.InvalidInputError: If an input is malformed or a
            member is both a mentor and a mentee.
        peerkit.errors.UnknownStageError: If a stage is not on the policy's
            scale.

    Examples:
        >>> import pendulum
        >>> from peerkit import Member
        >>> mentors = [Member("mo", "maintenance", goals=["sleep"])]
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> mentees = [
        ...     Member("ada", "action", goals=["sleep"]),
        ...     Member("bo", "action", goals=["walks"]),
        ... ]
        >>> matching = match_mentors(mentors, mentees, during=term)
        >>> [(a.mentor_id, a.mentee_id) for a in matching.assignments]
        [('mo', 'ada')]
        >>> [(u.member_id, u.reasons[0].code) for u in matching.unplaced]
        [('bo', 'unplaced.full')]
        >>> chosen = match_mentors(
        ...     mentors, mentees, during=term, preferences={"mo": ["bo"]}
        ... )
        >>> [(a.mentor_id, a.mentee_id) for a in chosen.assignments]
        [('mo', 'bo')]

    Added in 0.1; *preferences* and *objective* in 0.2.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    check_choice("objective", objective, MENTOR_OBJECTIVES)
    policy = with_cohort_scale(with_cohort_scale(policy, mentors), mentees)
    weeks = judged_weeks(during)
    givers = check_members("mentors", mentors, policy.scale)
    seekers = check_members("mentees", mentees, policy.scale)
    _check_roles(givers, seekers)
    rules = read_rules(blocked, history, policy)
    people = sorted(givers + seekers, key=lambda m: m.id)
    round_ = Round(Table(people, policy, weeks), rules, "participation", 0)
    table = round_.table
    mentor_idx = np.array(sorted(table.index[m.id] for m in givers), dtype=np.int64)
    mentee_idx = np.array(sorted(table.index[m.id] for m in seekers), dtype=np.int64)
    capacity = {int(i): table.members[i].max_partners for i in mentor_idx.tolist()}
    open_mentors = np.array(
        [i for i in mentor_idx.tolist() if capacity[i] > 0], dtype=np.int64
    )
    prefs = _preferences(round_, mentee_idx, open_mentors)
    stated = _choices.stated(preferences, table, prefs, mentor_idx, mentee_idx)
    room = {m: capacity[m] for m in open_mentors.tolist()}
    held = _defer(stated.prefs, room, stated.ranks)
    if objective == "participation":  # the most placed, then as stable as can be
        held = _choices.fill(held, stated, room, table.active)
    chosen = sorted(
        (table.ids[m], table.ids[x], m, x)
        for m, offers in held.items()
        for _, x in offers
    )
    fits = table.fits(
        np.array([c[2] for c in chosen], dtype=np.int64),
        np.array([c[3] for c in chosen], dtype=np.int64),
    )
    assignments = [
        MentorAssignment(mentor_id=c[0], mentee_id=c[1], fit=fit)
        for c, fit in zip(chosen, fits, strict=True)
    ]
    placed = {c[3] for c in chosen} | {c[2] for c in chosen}
    unplaced = []
    for i in range(len(table)):
        if i in placed:
            continue
        if i in capacity:
            reasons = _idle_mentor(capacity[i])
        else:
            reasons = (
                why_unplaced(round_, i, open_mentors)
                or stated.why(i)
                or (
                    Reason(
                        "unplaced.full",
                        0.0,
                        "Every compatible mentor is at capacity this round.",
                    ),
                )
            )
        unplaced.append(Unplaced(member_id=table.ids[i], reasons=reasons))
    return MentorMatching(
        assignments=assignments,
        unplaced=unplaced,
        capacities={table.ids[i]: c for i, c in capacity.items()},
    )


def _idle_mentor(capacity: int) -> tuple[Reason, ...]:
    if capacity == 0:
        return (
            Reason(
                "unplaced.sitting_out",
                0.0,
                "Sitting this round out, as you chose: a boundary, not a mismatch.",
            ),
        )
    return (
        Reason("unplaced.no_mentee", 0.0, "No mentee was matched with you this round."),
    )


# --- blocking_pairs ------------------------------------------------------------------


def blocking_pairs(  # noqa: PLR0913 - the domain input plus keyword-only options
    matching: PartnerMatching | MentorMatching,
    members: Iterable[Member] | Cohort,
    *,
    during: Period,
    policy: PartnerPolicy = PartnerPolicy(),
    blocked: Iterable[Sequence[str]] = (),
    history: Sequence[object] = (),
) -> tuple[PairFit, ...]:
    """
    Pairs who would both rather be with each other than where they are.

    Stability as a check on any matching, whoever made it. A pair blocks
    when it could be made this round (eligible, at least
    ``policy.min_score``, not in *blocked*, not a recent repeat in
    *history*, not partners already) and its score beats what each of the
    two would give up for it: nothing while they hold fewer partners than
    their ``max_partners``, else their weakest pair's or trio's score. For
    a `MentorMatching` the pair is a mentee and a mentor, and the mentor
    must have room or prefer the mentee to their weakest current one.

    `match_mentors` never leaves a blocking pair. `match_partners`
    maximises a total, which a stable matching may not; use this to see
    the cost.

    Args:
        matching: The round to check.
        members: The members it was made from (a `Cohort` or its members),
            in any order.
        during: The period the round is for, as given to the matcher.
            Required; every week it touches is judged, as by the matcher.
        policy: How pairs are judged; see `PartnerPolicy`. Given a
            `Cohort`, a policy whose scale is the default takes the
            cohort's scale; another scale than the cohort's is refused.
        blocked: Pairs never to match, as given to the matcher.
        history: Past rounds, as given to the matcher.

    Raises:
        peerkit.errors.InvalidInputError: If *members* are not the members
            of *matching*.

    Examples:
        >>> import pendulum
        >>> from peerkit.datasets import sample_cohort
        >>> cohort = sample_cohort()
        >>> members = cohort.members
        >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
        >>> matching = match_mentors(members[:20], members[20:], during=term)
        >>> blocking_pairs(matching, cohort, during=term)
        ()

    Added in 0.1.
    """
    check_instance("policy", policy, PartnerPolicy, "a PartnerPolicy")
    check_instance(
        "matching",
        matching,
        (PartnerMatching, MentorMatching),
        "a PartnerMatching or a MentorMatching",
    )
    policy = with_cohort_scale(policy, members)
    weeks = judged_weeks(during)
    people = check_members("members", members, policy.scale)
    rules = read_rules(blocked, history, policy)
    round_ = Round(Table(people, policy, weeks), rules, "participation", 0)
    table = round_.table
    ids = set(table.ids)
    named = {u.member_id for u in matching.unplaced} | {
        i for team in matching.teams for i in team
    }
    if isinstance(matching, MentorMatching):
        named |= set(matching.capacities)
    if named != ids:
        missing = min(named ^ ids)
        raise InvalidInputError(
            "members", missing, "the members of the matching, no more"
        )
    if isinstance(matching, PartnerMatching):
        found = _blocking_partners(round_, matching)
    else:
        found = _blocking_mentors(round_, matching)
    u = np.array([a for a, _ in found], dtype=np.int64)
    v = np.array([b for _, b in found], dtype=np.int64)
    return tuple(sorted(table.fits(u, v), key=lambda f: f.member_ids))


def _blocking_partners(
    round_: Round, matching: PartnerMatching
) -> list[tuple[int, int]]:
    table = round_.table
    n = len(table)
    worst = np.full(n, np.inf)
    load = np.zeros(n, dtype=np.int64)
    partners: dict[int, set[int]] = {}
    teams: list[tuple[tuple[str, ...], float]] = [
        (f.member_ids, f.score) for f in matching.pairs
    ]
    teams += [(t.member_ids, t.score) for t in matching.trios]
    for ids, score in teams:
        team = [table.index[i] for i in ids]
        for x in team:
            worst[x] = min(worst[x], score)
            load[x] += len(team) - 1
            partners.setdefault(x, set()).update(y for y in team if y != x)
    room = np.array([m.max_partners for m in table.members], dtype=np.int64)
    # What a member gives up for a new partner: nothing while they have
    # room, else their weakest partnership.
    current = np.where(load < room, -1.0, worst)
    found: list[tuple[int, int]] = []
    everyone = np.arange(n, dtype=np.int64)
    for x in np.flatnonzero(table.active & (current < 1.0)).tolist():
        others = everyone[x + 1 :]
        need = np.maximum(current[x], current[others])
        maybe = others[table.bound(x, others) > need]
        if not len(maybe):
            continue
        s, ok = round_.allowed(np.full(len(maybe), x, dtype=np.int64), maybe)
        better = ok & (s.score > current[x]) & (s.score > current[maybe])
        mine = partners.get(x, set())
        found.extend((x, y) for y in maybe[better].tolist() if y not in mine)
    return found


def _blocking_mentors(round_: Round, matching: MentorMatching) -> list[tuple[int, int]]:
    table = round_.table
    index = table.index
    mentors = np.array(sorted(index[m] for m in matching.capacities), dtype=np.int64)
    current = np.full(len(table), -1.0)
    mentor_of = {}
    worst = {int(m): -1.0 for m in mentors.tolist()}
    load = dict.fromkeys(worst, 0)
    for a in matching.assignments:
        x, m = index[a.mentee_id], index[a.mentor_id]
        current[x] = a.fit.score
        mentor_of[x] = m
        load[m] += 1
    for a in matching.assignments:
        m = index[a.mentor_id]
        if load[m] >= matching.capacities[a.mentor_id]:
            worst[m] = a.fit.score if worst[m] < 0 else min(worst[m], a.fit.score)
    floor = np.array([worst[m] for m in mentors.tolist()])
    found: list[tuple[int, int]] = []
    is_mentor = set(mentors.tolist())
    for x in range(len(table)):
        if x in is_mentor or not table.active[x]:
            continue
        s, ok = round_.allowed(np.full(len(mentors), x, dtype=np.int64), mentors)
        better = ok & (s.score > current[x]) & (s.score > floor)
        found.extend(
            (min(x, m), max(x, m))
            for m in mentors[better].tolist()
            if mentor_of.get(x) != m
        )
    return found
