"""Validators and lenient converters shared by every value type."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from peerkit._frozendict import FrozenDict
from peerkit._instants import as_instant
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    import attrs

T = TypeVar("T")

# --- converters -------------------------------------------------------------
# Converters only change the *shape* of a value when that is safe (a list
# becomes a frozenset). Anything they cannot convert is passed through
# untouched so that the field's validator, which knows the field's name,
# raises a precise InvalidInputError.


# The public converters are typed for attrs' mypy plugin (it reads a
# converter's parameter type as the __init__ parameter type); the work is
# done untyped, because at run time anything may arrive.


def _frozenset(value: Any) -> Any:
    if isinstance(value, frozenset):
        return value
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return value  # the validator rejects it
    try:
        return frozenset(value)
    except TypeError:  # unhashable elements
        return value


def _tuple(value: Any) -> Any:
    if isinstance(value, tuple):
        return value
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def to_float(value: float) -> float:
    """An int becomes a float; anything else (or an int too large) passes on."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return value  # the validator says why
    return value


def to_str_set(value: Iterable[str]) -> frozenset[str]:
    """Convert an iterable of strings (not a string) to a frozenset."""
    result: frozenset[str] = _frozenset(value)
    return result


def to_str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    """Convert an iterable of strings (not a string) to a tuple."""
    result: tuple[str, ...] = _tuple(value)
    return result


def to_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Convert an iterable (not a string or mapping) to a tuple, for non-attrs use."""
    result: tuple[T, ...] = _tuple(value)
    return result


def _str_map(value: Any) -> Any:
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        return FrozenDict(value)
    return value


def _set_map(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict({k: _frozenset(v) for k, v in value.items()})
    return value


def to_str_map(value: Mapping[str, str]) -> Mapping[str, str]:
    """Freeze a mapping; pass anything else on."""
    result: Mapping[str, str] = _str_map(value)
    return result


def to_set_map(value: Mapping[str, Iterable[str]]) -> Mapping[str, frozenset[str]]:
    """Freeze a mapping whose values are sets; pass anything else on."""
    result: Mapping[str, frozenset[str]] = _set_map(value)
    return result


# --- checks -----------------------------------------------------------------


def is_good_str(value: object) -> bool:
    """Whether *value* is a non-empty string, unpadded, that UTF-8 can encode."""
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and (value.isascii() or _encodes(value))
    )


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


def check_str(path: str, value: object) -> str:
    r"""
    Return *value* if it is a non-empty string without surrounding space.

    A string UTF-8 cannot encode (a lone surrogate such as ``"\ud800"``,
    which JSON, iCalendar and every database driver refuse to write) is
    refused here, so no value can hold one.
    """
    if (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and (value.isascii() or _encodes(value))
    ):
        return value  # is_good_str, inlined: this runs for every string field
    if isinstance(value, str) and value and not _encodes(value):
        raise InvalidInputError(
            path, value, "text that can be written as UTF-8 (no lone surrogates)"
        )
    raise InvalidInputError(
        path, value, "a non-empty string without leading or trailing spaces"
    )


def check_int(
    path: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return *value* if it is an int (not a bool) within the bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(path, value, "an integer")
    if (minimum is not None and value < minimum) or (
        maximum is not None and value > maximum
    ):
        low = "" if minimum is None else f" >= {minimum}"
        high = "" if maximum is None else f" <= {maximum}"
        both = " and" if low and high else ""
        raise InvalidInputError(path, value, f"an integer{low}{both}{high}")
    return value


MAX_SEED = 2**64 - 1
"""The largest seed: any 64-bit unsigned integer is one."""


def check_seed(value: object) -> int:
    """*value* if it is a seed: an int (not a bool) from 0 to `MAX_SEED`."""
    return check_int("seed", value, minimum=0, maximum=MAX_SEED)


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
    try:
        number = float(value)
    except OverflowError:
        raise InvalidInputError(path, value, "a finite number") from None
    if not math.isfinite(number):
        raise InvalidInputError(path, value, "a finite number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidInputError(path, value, f"a number in [{low}, {high}]")
    return number


def check_instance(
    path: str, value: object, cls: type[T] | tuple[type[T], ...], expected: str
) -> T:
    """Return *value* if it is an instance of *cls*; else name *path* and *expected*."""
    if not isinstance(value, cls):
        raise InvalidInputError(path, value, expected)
    return value


def check_iterable(path: str, value: object, expected: str) -> Iterable[Any]:
    """Return *value* if it is an iterable other than a string or a mapping."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputError(path, value, expected)
    return value


def check_choice(path: str, value: object, choices: tuple[str, ...]) -> str:
    """Return *value* if it is one of *choices* (the values of a `Literal` choice)."""
    if not isinstance(value, str) or value not in choices:
        words = [repr(c) for c in choices]
        listed = (
            words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
        )
        raise InvalidInputError(path, value, f"one of {listed}")
    return value


def check_str_set(path: str, value: object, *, non_empty: bool = False) -> None:
    """Check that *value* is a frozenset of non-empty strings."""
    if not isinstance(value, frozenset):
        raise InvalidInputError(path, value, "a set or list of strings")
    if non_empty and not value:
        raise InvalidInputError(path, value, "at least one value")
    # A set has no positions: a bad element is named by the field it is in,
    # the first by repr, so the error does not depend on the set's order.
    for item in value:
        if not is_good_str(item):
            for first in sorted(value, key=repr):
                check_str(path, first)


# --- attrs validator factories ----------------------------------------------
# Every field check is built by one of these factories, in the spirit of
# attrs' ``validators.ge``/``optional``: a rule (a count's cap, what "a
# number" means) is written once and holds the same way in every module.
# Each validator gets the field, so the error's path is the field's name.

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The attrs validator signature: ``(instance, attribute, value)``."""

MAX_COUNT = 1_000_000
"""The largest count a value may hold (a capacity, a partner limit, a tally)."""


def _maybe(
    check: Callable[[str, object], object], *, optional: bool = False
) -> Validator:
    """An attrs validator that runs *check* on the value (None passes if optional)."""

    def _validate(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        check(attr.name, value)

    return _validate


def string(*, optional: bool = False) -> Validator:
    """A non-empty string without surrounding space (or None if *optional*)."""
    return _maybe(check_str, optional=optional)


def strings(*, non_empty: bool = False) -> Validator:
    """A frozenset of non-empty strings (at least one if *non_empty*)."""
    return _maybe(functools.partial(check_str_set, non_empty=non_empty))


def integer(
    low: int | None = None, high: int | None = None, *, optional: bool = False
) -> Validator:
    """An int (not a bool) in ``[low, high]`` (or None if *optional*)."""
    return _maybe(
        functools.partial(check_int, minimum=low, maximum=high), optional=optional
    )


def count(*, low: int = 0, high: int = MAX_COUNT, optional: bool = False) -> Validator:
    """A count: an int from *low* (0) to *high* (`MAX_COUNT`), capped alike."""
    return integer(low, high, optional=optional)


def number(
    low: float | None = None, high: float | None = None, *, optional: bool = False
) -> Validator:
    """A finite real number in ``[low, high]`` (or None if *optional*)."""
    return _maybe(functools.partial(check_float, low=low, high=high), optional=optional)


def unit(*, optional: bool = False) -> Validator:
    """A number in [0, 1]: a score, a rate, a share (or None if *optional*)."""
    return number(0.0, 1.0, optional=optional)


def positive(high: float | None = None) -> Validator:
    """A finite number above 0 (and at most *high*)."""

    def _check(path: str, value: object) -> None:
        if check_float(path, value, high=high) <= 0:
            limit = "" if high is None else f", at most {high:g}"
            raise InvalidInputError(path, value, f"a number above 0{limit}")

    return _maybe(_check)


def between(low: float, high: float) -> Validator:
    """A finite number strictly between *low* and *high* (both excluded)."""

    def _check(path: str, value: object) -> None:
        if not low < check_float(path, value) < high:
            raise InvalidInputError(
                path, value, f"a number strictly between {low:g} and {high:g}"
            )

    return _maybe(_check)


def above(field: str) -> Validator:
    """A finite number above the value of the instance's *field*."""

    def _check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        number = check_float(attr.name, value)
        bound = getattr(inst, field)
        if not number > bound:
            raise InvalidInputError(
                attr.name, value, f"a number above {field} ({bound:g})"
            )

    return _check


def instance(
    cls: type[Any] | tuple[type[Any], ...], expected: str, *, optional: bool = False
) -> Validator:
    """An instance of *cls* (or None if *optional*), described as *expected*."""
    return _maybe(
        functools.partial(check_instance, cls=cls, expected=expected),
        optional=optional,
    )


def instant(*, optional: bool = False) -> Validator:
    """A timezone-aware datetime in peerkit's calendar (or None if *optional*)."""
    return _maybe(as_instant, optional=optional)


def tuple_of(cls: type[Any] | tuple[type[Any], ...], expected: str) -> Validator:
    """A tuple whose items are all instances of *cls*; errors name the position."""

    def _check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidInputError(attr.name, value, f"a sequence, each {expected}")
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise InvalidInputError(f"{attr.name}[{i}]", item, expected)

    return _check


def _check_str_map(path: str, value: object) -> None:
    if not isinstance(value, FrozenDict):
        raise InvalidInputError(path, value, "a mapping of strings to strings")
    for key, item in value.items():
        if not (is_good_str(key) and is_good_str(item)):
            check_str(path, key)
            check_str(f"{path}[{key!r}]", item)


def _check_set_map(path: str, value: object) -> None:
    if not isinstance(value, FrozenDict):
        raise InvalidInputError(path, value, "a mapping of strings to sets of strings")
    for key, item in value.items():
        check_str(path, key)
        check_str_set(f"{path}[{key!r}]", item, non_empty=True)


def str_map() -> Validator:
    """A mapping of non-empty strings to non-empty strings."""
    return _maybe(_check_str_map)


def set_map() -> Validator:
    """A mapping of strings to non-empty sets of strings."""
    return _maybe(_check_set_map)


def to_optional_float(value: float | None) -> float | None:
    """Attrs converter: None stays None; an int becomes a float."""
    return None if value is None else to_float(value)


def unique_by_id(path: str, items: object, cls: type[T], what: str) -> list[T]:
    """
    *items* as a list, each an instance of *cls* with an ``id`` not seen before.

    Errors name positions in the caller's input: ``members[3].id``.
    """
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise InvalidInputError(path, items, f"an iterable of {what}")
    listed = list(items)
    seen: set[str] = set()
    for i, item in enumerate(listed):
        if not isinstance(item, cls):
            raise InvalidInputError(f"{path}[{i}]", item, f"a {what}")
        ident = item.id  # type: ignore[attr-defined]  # every such class has an id
        if ident in seen:
            raise InvalidInputError(f"{path}[{i}].id", ident, f"{what} ids unique")
        seen.add(ident)
    return listed
