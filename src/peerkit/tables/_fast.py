"""
The fast way to a `Member` from a row whose cells are plainly good.

A roster repeats itself: the same languages, zones, hours and goal lists
on row after row. Each distinct cell text is read and checked once per
table (by the same rules as `Member`'s validators) and its value shared;
a row whose cells all pass is built without checking them again. Any
doubt answers None, and the caller reads the row cell by cell, naming
every problem. A property test holds this path equal to the constructor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peerkit._availability import WeeklyAvailability
from peerkit._frozendict import FrozenDict
from peerkit._instants import is_timezone
from peerkit._model import Member
from peerkit._validate import MAX_COUNT, is_good_str
from peerkit.errors import InvalidInputError
from peerkit.tables._cells import split_list, week_specs

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_NONE = object()  # a memo's "this cell text is not plainly good"
_ALWAYS = WeeklyAvailability.always()
_NEVER = WeeklyAvailability()
_EMPTY: frozenset[str] = frozenset()
_EN = frozenset({"en"})
_NO_TRAITS: FrozenDict[str, str] = FrozenDict()


def _as_set(text: str) -> object:
    items = split_list(text)
    if not all(is_good_str(item) for item in items):
        return _NONE
    return frozenset(items)


def _as_zone(text: str) -> object:
    return text if is_timezone(text) else _NONE


def _as_week(text: str) -> object:
    try:
        return WeeklyAvailability.parse(week_specs(text))
    except InvalidInputError:
        return _NONE


def _as_count(text: str) -> object:
    if text.isdigit() and text.isascii():
        number = int(text)
        if number <= MAX_COUNT:
            return number
    return _NONE


def _as_text(text: str) -> object:
    return text if is_good_str(text) else _NONE


_Slot = tuple[str, int | None, "Callable[[str], object]", object, dict[object, object]]
"""A column's name, its place in the row, its reader, default and memo."""


def _as_languages(text: str) -> object:
    found = _as_set(text)
    return found or _NONE  # at least one language


class FastMembers:
    """Builds members from rows of one table, each distinct cell read once."""

    __slots__ = ("_id", "_slots", "_stage", "_stages", "_trait_memo", "_traits")

    def __init__(
        self,
        index: Mapping[str, int],
        traits: list[tuple[str, int]],
        stages: frozenset[str],
    ) -> None:
        self._id = index["id"]
        self._stage = index["stage"]
        self._stages = stages
        readers: dict[str, tuple[Callable[[str], object], object]] = {
            "experiences": (_as_set, _EMPTY),
            "goals": (_as_set, _EMPTY),
            "timezone": (_as_zone, "UTC"),
            "availability": (_as_week, _ALWAYS),
            "languages": (_as_languages, _EN),
            "max_partners": (_as_count, 1),
            "quiet_hours": (_as_week, _NEVER),
        }
        self._slots: tuple[_Slot, ...] = tuple(
            (name, index.get(name), read, default, {})
            for name, (read, default) in readers.items()
        )
        # Trait values by their columns' cells, each combination one shared
        # FrozenDict; None where a trait name is not plainly good.
        self._traits = (
            tuple(traits) if all(is_good_str(key) for key, _ in traits) else None
        )
        self._trait_memo: dict[tuple[object, ...], object] = {}

    def __call__(self, cells: tuple[object, ...]) -> Member | None:
        """The member, or None where any cell is not plainly good."""
        ident, stage = cells[self._id], cells[self._stage]
        if type(ident) is not str or not is_good_str(ident):
            return None
        if stage not in self._stages or self._traits is None:
            return None
        member = object.__new__(Member)
        setattr_ = object.__setattr__
        setattr_(member, "id", ident)
        setattr_(member, "stage", stage)
        for name, i, read, default, memo in self._slots:
            cell = None if i is None else cells[i]
            if cell is None:
                value = default
            else:
                # Memoized by text only: True == 1 as a dict key, and a bool
                # is no count.
                value = memo.get(cell) if type(cell) is str else None
                if value is None:
                    value = _fill(read, cell)
                    if type(cell) is str:
                        memo[cell] = value
                if value is _NONE:
                    return None
            setattr_(member, name, value)
        traits = self._traits_of(cells, self._traits)
        if traits is _NONE:
            return None
        setattr_(member, "traits", traits)
        return member

    def _traits_of(
        self, cells: tuple[object, ...], columns: tuple[tuple[str, int], ...]
    ) -> object:
        """The row's traits, one shared value per combination of cells."""
        key = tuple([cells[i] for _, i in columns])
        if not all(type(v) is str or v is None for v in key):
            return _NONE  # a number or a list: the careful path
        traits = self._trait_memo.get(key)
        if traits is None:
            traits = self._trait_memo[key] = self._trait_map(key)
        return traits

    def _trait_map(self, values: tuple[object, ...]) -> object:
        found: dict[str, str] = {}
        for (name, _), value in zip(self._traits or (), values, strict=True):
            if value is None:
                continue
            if type(value) is not str or not is_good_str(value):
                return _NONE
            found[name] = value
        return FrozenDict(found) if found else _NO_TRAITS


def _fill(read: Callable[[str], object], cell: object) -> object:
    """A cell's plain value, read the first time its text is seen."""
    if type(cell) is str:
        return read(cell)
    if read is _as_count and type(cell) is int and 0 <= cell <= MAX_COUNT:
        return cell  # an int column of a DataFrame or records
    return _NONE  # a float or another value: the careful path
