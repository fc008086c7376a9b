"""An immutable, hashable mapping for the mapping fields of frozen values."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(Mapping[K, V]):
    """
    A read-only mapping with value equality and a hash.

    Keys keep a canonical (sorted by ``repr``) order, so two mappings built
    from the same items in a different order iterate identically.
    """

    __slots__ = ("_data", "_hash", "str_keys")

    _data: dict[K, V]
    _hash: int | None
    str_keys: bool
    """Whether every key is a ``str`` (so the order is plain sorted order)."""

    def __new__(cls, items: Mapping[K, V] | None = None) -> FrozenDict[K, V]:
        data = dict(items) if items is not None else {}
        str_keys = all(type(k) is str for k in data)
        if str_keys:
            order = sorted(data)  # type: ignore[type-var]  # str keys; as _sort_key
        else:
            try:
                order = sorted(data, key=_sort_key)
            except TypeError:  # pragma: no cover - keys are str in every peerkit type
                order = list(data)
        self = super().__new__(cls)
        object.__setattr__(self, "_data", {k: data[k] for k in order})
        object.__setattr__(self, "_hash", None)
        object.__setattr__(self, "str_keys", str_keys)
        return self

    def to_dict(self) -> dict[K, V]:
        """A plain dict of the same items, in the same (canonical) order."""
        return dict(self._data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"FrozenDict is immutable; cannot set {name}")

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash(frozenset(self._data.items()))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._data,))


def frozen_sorted(data: dict[str, V]) -> FrozenDict[str, V]:
    """
    *data* as a `FrozenDict`, its ``str`` keys already in sorted order.

    For hot paths that build the dict themselves in canonical order: the
    same value `FrozenDict` would make, without sorting or copying. *data*
    is handed over: the caller must not keep or change it.
    """
    made: FrozenDict[str, V] = object.__new__(FrozenDict)
    object.__setattr__(made, "_data", data)
    object.__setattr__(made, "_hash", None)
    object.__setattr__(made, "str_keys", True)
    return made


def _sort_key(key: object) -> tuple[str, str]:
    return (type(key).__name__, repr(key) if not isinstance(key, str) else key)
