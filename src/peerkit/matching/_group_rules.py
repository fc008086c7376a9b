"""
The coordinator's grouping rules that `form_groups` keeps, as one layer.

Formation consults a `GroupRules` value at three points: whether a
candidate group is allowed (`GroupRules.allows`, the whole check), whether
one member may join a partial group (`GroupRules.apart_from`, the one rule
that only gets worse as a group grows), and a repair that makes any group
allowed by taking members out (`GroupRules.repair`). The soft rule,
``history``, never decides anything: it only lowers the pair terms the
search adds up (`GroupRules.penalise`).

Hard rules:

- keep apart: two members never share a group;
- keep together: a set of members shares one group, or none of them is
  placed (sets that overlap are one set);
- no lone member: for each trait named, no group has exactly one member
  with some value of it (members without the trait are not counted).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from peerkit._model import Group
from peerkit._validate import check_str
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    from peerkit._model import Member

_EMPTY: frozenset[str] = frozenset()


def _listed(path: str, value: object, what: str) -> list[object]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputError(path, value, what)
    return list(value)


def _ids(path: str, value: object, what: str) -> list[str]:
    items = _listed(path, value, what)
    return [check_str(f"{path}[{i}]", ident) for i, ident in enumerate(items)]


def _group_ids(path: str, value: object) -> list[str]:
    """The member ids of one past group: a `Group`, a `FormedGroup` or ids."""
    group = getattr(value, "group", value)
    if isinstance(group, Group):
        return list(group.member_ids)
    return _ids(path, value, "a Group, a FormedGroup or a sequence of member ids")


def _past_groups(path: str, value: object) -> list[list[str]]:
    """The groups of one past grouping: a `Grouping` or a sequence of groups."""
    groups = getattr(value, "groups", None)
    if isinstance(groups, tuple) and attrs.has(type(value)):
        return [_group_ids(f"{path}.groups[{g}]", fg) for g, fg in enumerate(groups)]
    items = _listed(path, value, "a Grouping, or a sequence of groups")
    return [_group_ids(f"{path}[{g}]", item) for g, item in enumerate(items)]


@attrs.frozen
class GroupRules:
    """
    The grouping rules of one `form_groups` call, keyed by member id.

    Only members of the cohort appear: ids the caller named that are not in
    it are dropped when the rules are read.
    """

    apart: Mapping[str, frozenset[str]]  # who each member must not share a group with
    together: Mapping[str, frozenset[str]]  # each member's whole set (itself included)
    no_lone: tuple[str, ...]  # traits no group may hold one member of a value of
    history: Mapping[str, frozenset[str]]  # past groupmates
    repeat_weight: float

    @property
    def hard(self) -> bool:
        """Whether any hard rule is in force."""
        return bool(self.apart or self.together or self.no_lone)

    def apart_from(self, member_id: str, ids: Iterable[str]) -> bool:
        """Whether *member_id* must be kept apart from one of *ids*."""
        away = self.apart.get(member_id, _EMPTY)
        return bool(away) and any(i in away for i in ids)

    def allows(self, members: Sequence[Member]) -> bool:
        """Whether *members* may form a group: every hard rule holds."""
        if not self.hard:
            return True
        if self.apart or self.together:
            ids = {m.id for m in members}
            for m in members:
                if self.apart_from(m.id, ids):
                    return False
                whole = self.together.get(m.id)
                if whole is not None and not whole <= ids:
                    return False
        for trait in self.no_lone:
            counts: dict[str, int] = {}
            for m in members:
                value = m.traits.get(trait)
                if value is not None:
                    counts[value] = counts.get(value, 0) + 1
            if 1 in counts.values():
                return False
        return True

    def _lone(self, members: Sequence[Member]) -> list[Member]:
        """The members who are the only one of their value of a no_lone trait."""
        out: list[Member] = []
        for trait in self.no_lone:
            values = Counter(m.traits.get(trait) for m in members)
            out.extend(
                m
                for m in members
                if m.traits.get(trait) is not None and values[m.traits[trait]] == 1
            )
        return out

    def repair(self, members: Sequence[Member]) -> tuple[list[Member], list[Member]]:
        """
        The members of an allowed group, and those taken out to make it so.

        Takes out, in turn: part of a keep-together set, then one of each
        pair kept apart (the one with more such conflicts, then the larger
        id), then every lone member of a no_lone trait, until the rest is
        allowed. The result may be too small to be a group; the caller says.
        """
        kept = sorted(members, key=lambda m: m.id)
        if not self.hard or self.allows(kept):
            return kept, []
        out: list[Member] = []

        def take(gone: set[str]) -> None:
            for ident in list(gone):
                gone |= self.together.get(ident, _EMPTY)
            out.extend(m for m in kept if m.id in gone)
            kept[:] = [m for m in kept if m.id not in gone]

        ids = {m.id for m in kept}
        take({m.id for m in kept if not self.together.get(m.id, _EMPTY) <= ids})
        while True:
            ids = {m.id for m in kept}
            clashes = {
                m.id: len(self.apart.get(m.id, _EMPTY) & ids)
                for m in kept
                if self.apart_from(m.id, ids)
            }
            if not clashes:
                break
            take({max(clashes, key=lambda i: (clashes[i], i))})
        while lone := self._lone(kept):
            take({m.id for m in lone})
        return kept, sorted(out, key=lambda m: m.id)

    def penalise(self, ids: Sequence[str], pair: list[list[float]]) -> None:
        """Lower *pair* terms by ``repeat_weight`` for members grouped before."""
        if not self.history or not self.repeat_weight:
            return
        where = {ident: k for k, ident in enumerate(ids)}
        for i, ident in enumerate(ids):
            row = pair[i]
            for other in self.history.get(ident, _EMPTY):
                j = where.get(other)
                if j is not None:
                    row[j] -= self.repeat_weight


NO_RULES = GroupRules({}, {}, (), {}, 0.0)
"""No grouping rules: formation as it was before they existed."""


def read_rules(  # noqa: PLR0913 - one argument per rule, as form_groups takes them
    ids: Iterable[str],
    *,
    keep_apart: object,
    keep_together: object,
    history: object,
    no_lone: object,
    repeat_weight: float,
    traits: Iterable[str] | None = None,
) -> GroupRules:
    """
    Check each rule's input and keep what concerns the members *ids*.

    *traits* are the trait names the members have: a *no_lone* name none of
    them has is refused (a typo would otherwise be a rule that never
    applies). None skips that check (no members: nothing to check against).
    """
    present = set(ids)
    apart: dict[str, set[str]] = {}
    for i, pair in enumerate(_listed("keep_apart", keep_apart, "pairs of member ids")):
        path = f"keep_apart[{i}]"
        a, b = _pair(path, pair)
        if a in present and b in present:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    return GroupRules(
        {k: frozenset(v) for k, v in apart.items()},
        _read_together(keep_together, present),
        _read_no_lone(no_lone, traits),
        _read_history(history, present),
        repeat_weight,
    )


def _read_together(
    keep_together: object, present: set[str]
) -> dict[str, frozenset[str]]:
    """Each member's keep-together set, overlapping sets made one."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    sets = _listed("keep_together", keep_together, "sets of member ids")
    for i, item in enumerate(sets):
        given = set(_ids(f"keep_together[{i}]", item, "member ids"))
        if len(given) < 2:  # a set of one keeps nobody together: a slip, not a rule
            raise InvalidInputError(
                f"keep_together[{i}]",
                item,
                "a set of at least two different member ids",
            )
        members = sorted(x for x in given if x in present)
        for x in members:
            parent.setdefault(x, x)
        for x in members[1:]:
            a, b = sorted((root(members[0]), root(x)))
            if a != b:
                parent[b] = a
    grouped: dict[str, set[str]] = {}
    for x in parent:
        grouped.setdefault(root(x), set()).add(x)
    return {x: frozenset(s) for s in grouped.values() for x in s if len(s) > 1}


def _read_no_lone(no_lone: object, traits: Iterable[str] | None) -> tuple[str, ...]:
    """The trait names, sorted; one no member has is refused, with a likely meaning."""
    names = _listed("no_lone", no_lone, "a sequence of trait names")
    checked = [check_str(f"no_lone[{i}]", t) for i, t in enumerate(names)]
    if traits is not None:
        known = sorted(set(traits))
        for i, name in enumerate(checked):
            if name not in known:
                raise InvalidInputError(
                    f"no_lone[{i}]", name, _trait_expected(name, known)
                )
    return tuple(sorted(set(checked)))


def _trait_expected(name: str, known: Sequence[str]) -> str:
    """What a no_lone name should be: a trait members have, the likely one named."""
    if not known:
        return "a trait name some member has a value for (no member has any trait)"
    folded = {k.casefold(): k for k in known}
    meant = folded.get(name.casefold()) or next(
        iter(difflib.get_close_matches(name, known, n=1, cutoff=0.6)), None
    )
    hint = f"; did you mean {meant!r}?" if meant else ""
    return f"a trait name some member has a value for ({', '.join(known)}){hint}"


def _read_history(history: object, present: set[str]) -> dict[str, frozenset[str]]:
    """Each member's past groupmates."""
    before: dict[str, set[str]] = {}
    past = _listed("history", history, "a sequence of past groupings, oldest first")
    for r, grouping in enumerate(past):
        for group in _past_groups(f"history[{r}]", grouping):
            known = [x for x in group if x in present]
            for x in known:
                before.setdefault(x, set()).update(y for y in known if y != x)
    return {k: frozenset(v) for k, v in before.items() if v}


def _pair(path: str, value: object) -> tuple[str, str]:
    ids = _ids(path, value, "a pair of member ids")
    if len(ids) != 2 or ids[0] == ids[1]:
        raise InvalidInputError(path, value, "a pair of two different member ids")
    return ids[0], ids[1]
