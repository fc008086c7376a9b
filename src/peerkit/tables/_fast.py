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
from peerkit.tables._cells import split_list

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
        return WeeklyAvailability.parse(text)
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


class FastMembers:
    """Builds members from rows of one table, each distinct cell read once."""

    __slots__ = ("_id", "_memos", "_slots", "_stage", "_stages", "_traits")

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
            "languages": (_as_set, _EN),
            "max_partners": (_as_count, 1),
            "quiet_hours": (_as_week, _NEVER),
        }
        self._memos: dict[Callable[[str], object], dict[str, object]] = {
            read: {} for read, _ in readers.values()
        }
        self._memos[_as_text] = {}
        self._slots = tuple(
            (name, index.get(name), read, default)
            for name, (read, default) in readers.items()
        )
        self._traits = (
            tuple((key, i) for key, i in traits if is_good_str(key))
            if all(is_good_str(key) for key, _ in traits)
            else None
        )

    def _read(self, read: Callable[[str], object], value: object) -> object:
        if type(value) is not str:
            if read is _as_count and type(value) is int and 0 <= value <= MAX_COUNT:
                return value  # checked just now
            return _NONE  # a list or a float from a DataFrame: the careful path
        memo = self._memos[read]
        found = memo.get(value)
        if found is None:
            found = memo[value] = read(value)
        return found

    def __call__(self, cells: tuple[object, ...]) -> Member | None:
        """The member, or None where any cell is not plainly good."""
        ident, stage = cells[self._id], cells[self._stage]
        if type(ident) is not str or not is_good_str(ident):
            return None
        if stage not in self._stages:
            return None
        if self._traits is None:
            return None
        member = object.__new__(Member)
        setattr_ = object.__setattr__
        setattr_(member, "id", ident)
        setattr_(member, "stage", stage)
        for name, i, read, default in self._slots:
            value = (
                default if i is None or cells[i] is None else self._read(read, cells[i])
            )
            if value is _NONE or (name == "languages" and not value):
                return None
            setattr_(member, name, value)
        traits: dict[str, str] = {}
        for key, i in self._traits:
            value = cells[i]
            if value is None:
                continue
            text = self._read(_as_text, value)
            if text is _NONE:
                return None
            traits[key] = text  # type: ignore[assignment]
        setattr_(member, "traits", FrozenDict(traits) if traits else _NO_TRAITS)
        return member
