"""Validators and lenient converters shared by every value type."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from peerkit._frozendict import FrozenDict
from peerkit.errors import InvalidInputError

T = TypeVar("T")

# --- converters -------------------------------------------------------------
# Converters only change the *shape* of a value when that is safe (a list
# becomes a frozenset). Anything they cannot convert is passed through
# untouched so that the field's validator, which knows the field's name,
# raises a precise InvalidInputError.


def to_frozenset(value: Iterable[T]) -> frozenset[T]:
    """Convert an iterable (not a string) to a frozenset; pass anything else on."""
    if isinstance(value, frozenset):
        return value
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # the validator rejects it
    try:
        return frozenset(value)
    except TypeError:  # unhashable elements
        return value  # type: ignore[return-value]


def to_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Convert an iterable (not a string or mapping) to a tuple."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]
    return tuple(value)


def to_str_map(value: Mapping[str, str]) -> Mapping[str, str]:
    """Freeze a mapping; pass anything else on."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        return FrozenDict(value)
    return value


def to_set_map(value: Mapping[str, Iterable[str]]) -> Mapping[str, frozenset[str]]:
    """Freeze a mapping whose values are sets; pass anything else on."""
    if isinstance(value, Mapping):
        return FrozenDict({k: to_frozenset(v) for k, v in value.items()})
    return value


# --- checks -----------------------------------------------------------------


def check_str(path: str, value: object) -> str:
    """Return *value* if it is a non-empty string without surrounding space."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise InvalidInputError(
            path, value, "a non-empty string without leading or trailing spaces"
        )
    return value


def check_int(path: str, value: object, *, minimum: int | None = None) -> int:
    """Return *value* if it is an int (not a bool) at least *minimum*."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(path, value, "an integer")
    if minimum is not None and value < minimum:
        raise InvalidInputError(path, value, f"an integer >= {minimum}")
    return value


def check_float(
    path: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
) -> float:
    """Return *value* as a float if it is a finite real number within bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError(path, value, "a real number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInputError(path, value, "a finite number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidInputError(path, value, f"a number in [{low}, {high}]")
    return number


def check_str_set(path: str, value: object, *, non_empty: bool = False) -> None:
    """Check that *value* is a frozenset of non-empty strings."""
    if not isinstance(value, frozenset):
        raise InvalidInputError(path, value, "a set or list of strings")
    if non_empty and not value:
        raise InvalidInputError(path, value, "at least one value")
    for item in sorted(value, key=repr):
        check_str(f"{path}[{item!r}]", item)


# --- attrs validators (they get the field, so the path is its name) ---------


def non_empty_str(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a non-empty string."""
    check_str(attr.name, value)


def str_set(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a frozenset of non-empty strings."""
    check_str_set(attr.name, value)


def non_empty_str_set(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a non-empty frozenset of non-empty strings."""
    check_str_set(attr.name, value, non_empty=True)


def non_negative_int(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: an int >= 0."""
    check_int(attr.name, value, minimum=0)


def finite_float(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a finite real number."""
    check_float(attr.name, value)


def unit_float(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a number in [0, 1]."""
    check_float(attr.name, value, low=0.0, high=1.0)


def instance_of(
    cls: type[Any] | tuple[type[Any], ...], expected: str
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """attrs validator factory: *value* is an instance of *cls*."""

    def _check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            raise InvalidInputError(attr.name, value, expected)

    return _check


def tuple_of(
    cls: type[Any], expected: str
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """attrs validator factory: a tuple whose items are all instances of *cls*."""

    def _check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidInputError(attr.name, value, f"a sequence of {expected}")
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise InvalidInputError(f"{attr.name}[{i}]", item, expected)

    return _check


def str_map(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a mapping of non-empty strings to non-empty strings."""
    if not isinstance(value, FrozenDict):
        raise InvalidInputError(attr.name, value, "a mapping of strings to strings")
    for key, item in value.items():
        check_str(f"{attr.name}", key)
        check_str(f"{attr.name}[{key!r}]", item)


def set_map(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a mapping of strings to non-empty sets of strings."""
    if not isinstance(value, FrozenDict):
        raise InvalidInputError(
            attr.name, value, "a mapping of strings to sets of strings"
        )
    for key, item in value.items():
        check_str(f"{attr.name}", key)
        check_str_set(f"{attr.name}[{key!r}]", item, non_empty=True)
