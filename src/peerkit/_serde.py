"""
One cattrs converter for every peerkit value: dicts and JSON, both ways.

Structuring is strict: a JSON number is not a string, a string is not a
list of characters, unknown keys are refused, naive datetimes are refused.
Every failure becomes an `InvalidInputError` whose path names the field,
e.g. ``members[3].timezone``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn

from peerkit._availability import WeeklyAvailability
from peerkit._frozendict import FrozenDict
from peerkit._instants import as_instant
from peerkit.errors import InvalidInputError

T = TypeVar("T")


class _Placeholder:
    """Stands in for a value that is not there, in error messages."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


_NOTHING = _Placeholder("nothing")
_UNKNOWN_FIELD = _Placeholder("an unknown field")

converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
"""The one converter. Capability packages' value types need no registration."""


# --- unstructuring -----------------------------------------------------------


def _sort_key(item: Any) -> str:
    return item if isinstance(item, str) else json.dumps(item, sort_keys=True)


def _is_origin(*origins: type) -> Callable[[Any], bool]:
    def check(t: Any) -> bool:
        return t in origins or typing.get_origin(t) in origins

    return check


def _element_types(t: Any) -> tuple[Any, ...]:
    return typing.get_args(t)


def _unstructure_set(t: Any) -> Callable[[Any], list[Any]]:
    (elem,) = _element_types(t) or (Any,)

    def hook(value: Any) -> list[Any]:
        items = [converter.unstructure(v, unstructure_as=elem) for v in value]
        return sorted(items, key=_sort_key)

    return hook


def _unstructure_tuple(t: Any) -> Callable[[Any], list[Any]]:
    args = _element_types(t)

    def hook(value: Any) -> list[Any]:
        if len(args) == 2 and args[1] is Ellipsis:
            return [converter.unstructure(v, unstructure_as=args[0]) for v in value]
        if args and len(args) == len(value):
            return [
                converter.unstructure(v, unstructure_as=a)
                for v, a in zip(value, args, strict=True)
            ]
        return [converter.unstructure(v) for v in value]

    return hook


def _unstructure_mapping(t: Any) -> Callable[[Any], dict[Any, Any]]:
    args = _element_types(t)
    val = args[1] if len(args) == 2 else Any

    def hook(value: Any) -> dict[Any, Any]:
        return {
            k: converter.unstructure(value[k], unstructure_as=val)
            for k in sorted(value, key=_sort_key)
        }

    return hook


converter.register_unstructure_hook_factory(
    _is_origin(frozenset, set), _unstructure_set
)
converter.register_unstructure_hook_factory(_is_origin(tuple, list), _unstructure_tuple)
converter.register_unstructure_hook_factory(
    _is_origin(Mapping, dict, FrozenDict), _unstructure_mapping
)
converter.register_unstructure_hook(FrozenDict, _unstructure_mapping(Any))
converter.register_unstructure_hook(dt.datetime, lambda v: v.isoformat())
converter.register_unstructure_hook(pendulum.DateTime, lambda v: v.isoformat())
converter.register_unstructure_hook(dt.date, lambda v: v.isoformat())
converter.register_unstructure_hook(pendulum.Date, lambda v: v.isoformat())
converter.register_unstructure_hook(WeeklyAvailability, lambda v: list(v.specs()))
converter.register_unstructure_hook(dt.time, lambda v: v.isoformat(timespec="minutes"))


# --- structuring ---------------------------------------------------------------


def _structure_str(value: Any, _t: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInputError("", value, "a string")
    return value


def _structure_int(value: Any, _t: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("", value, "an integer")
    return value


def _structure_float(value: Any, _t: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError("", value, "a number")
    if not math.isfinite(value):
        raise InvalidInputError("", value, "a finite number")
    return float(value)


def _structure_bool(value: Any, _t: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError("", value, "true or false")
    return value


def _structure_datetime(value: Any, _t: Any) -> pendulum.DateTime:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInputError(
                "",
                value,
                "an ISO 8601 date-time with an offset, e.g. 2024-03-10T09:00:00-04:00",
            ) from None
        return as_instant("", parsed)
    return as_instant("", value)


def _iso(value: Any, cls: type[dt.date | dt.time], expected: str) -> Any:
    """*value* if it is a *cls* already, else read from ISO text, else an error."""
    if isinstance(value, cls) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return cls.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInputError("", value, expected)


def _structure_time(value: Any, _t: Any) -> dt.time:
    result: dt.time = _iso(value, dt.time, "a wall time of day, e.g. '09:00'")
    return result


def _structure_date(value: Any, _t: Any) -> dt.date:
    result: dt.date = _iso(value, dt.date, "an ISO 8601 date, e.g. '2024-03-10'")
    return result


def _sequence(value: Any, what: str) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise InvalidInputError("", value, what)
    return value


def _each(values: Any, types: Callable[[int], Any]) -> list[Any]:
    out = []
    for i, item in enumerate(values):
        try:
            out.append(converter.structure(item, types(i)))
        except Exception as exc:  # noqa: BLE001 - every failure is translated
            raise _translate(exc).at(f"[{i}]") from None
    return out


def _structure_set_factory(t: Any) -> Callable[[Any, Any], frozenset[Any]]:
    (elem,) = _element_types(t) or (Any,)

    def hook(value: Any, _t: Any) -> frozenset[Any]:
        items = _each(_sequence(value, "a list of values"), lambda _i: elem)
        try:
            return frozenset(items)
        except TypeError:  # pragma: no cover - peerkit sets hold hashable values
            raise InvalidInputError("", value, "a list of distinct values") from None

    return hook


def _structure_tuple_factory(t: Any) -> Callable[[Any, Any], Any]:
    args = _element_types(t)
    homogeneous = len(args) == 2 and args[1] is Ellipsis

    def hook(value: Any, t: Any) -> Any:
        if typing.get_origin(t) is list or t is list:
            return _each(
                _sequence(value, "a list"), lambda _i: args[0] if args else Any
            )
        if homogeneous:
            items = _sequence(value, "a list")
            return tuple(_each(items, lambda _i: args[0]))
        items = _sequence(value, f"a list of {len(args)} values")
        if len(items) != len(args):
            raise InvalidInputError("", value, f"a list of exactly {len(args)} values")
        return tuple(_each(items, lambda i: args[i]))

    return hook


def _key_path(key: str) -> str:
    return f"[{key!r}]"


def _structure_mapping_factory(t: Any) -> Callable[[Any, Any], FrozenDict[Any, Any]]:
    args = _element_types(t)
    key_t, val_t = args if len(args) == 2 else (Any, Any)

    def hook(value: Any, _t: Any) -> FrozenDict[Any, Any]:
        if not isinstance(value, Mapping):
            raise InvalidInputError("", value, "a mapping")
        out: dict[Any, Any] = {}
        for key, item in value.items():
            try:
                k = converter.structure(key, key_t)
            except Exception as exc:  # noqa: BLE001
                raise _translate(exc) from None
            try:
                out[k] = converter.structure(item, val_t)
            except Exception as exc:  # noqa: BLE001
                raise _translate(exc).at(_key_path(str(key))) from None
        return FrozenDict(out)

    return hook


def _structure_enum(value: Any, t: type[enum.Enum]) -> enum.Enum:
    try:
        return t(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(m.value) for m in t)
        raise InvalidInputError("", value, f"one of {allowed}") from None


def _structure_availability(value: Any, _t: Any) -> WeeklyAvailability:
    specs = _sequence(value, "a list of window specs such as 'mon 18:00-21:00'")
    try:
        return WeeklyAvailability.parse(specs)
    except InvalidInputError as exc:
        # parse names positions "specs[2]"; here the position is all we need.
        path = exc.path.removeprefix("specs")
        raise InvalidInputError(path, exc.value, exc.expected) from None


def _structure_attrs_factory(cl: type[Any]) -> Callable[[Any, Any], Any]:
    generated = make_dict_structure_fn(
        cl,
        converter,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
    )

    def hook(value: Any, _t: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidInputError("", value, f"a mapping of {cl.__name__} fields")
        return generated(value, cl)

    return hook


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(dt.datetime, _structure_datetime)
converter.register_structure_hook(pendulum.DateTime, _structure_datetime)
converter.register_structure_hook(dt.date, _structure_date)
converter.register_structure_hook(dt.time, _structure_time)
converter.register_structure_hook(WeeklyAvailability, _structure_availability)
converter.register_structure_hook_factory(
    _is_origin(frozenset, set), _structure_set_factory
)
converter.register_structure_hook_factory(
    _is_origin(tuple, list), _structure_tuple_factory
)
converter.register_structure_hook_factory(
    _is_origin(Mapping, dict, FrozenDict), _structure_mapping_factory
)
converter.register_structure_hook_func(
    lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
)
converter.register_structure_hook_factory(
    lambda t: attrs.has(t) and t is not WeeklyAvailability, _structure_attrs_factory
)


# --- errors --------------------------------------------------------------------


def _translate(exc: BaseException) -> InvalidInputError:
    """Turn whatever structuring raised into one InvalidInputError with a path."""
    if isinstance(exc, InvalidInputError):
        return exc
    if isinstance(exc, ClassValidationError):
        with_notes, others = exc.group_exceptions()
        if with_notes:
            sub, note = with_notes[0]
            return _translate(sub).at(note.name)
        return _translate(others[0])
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = sorted(map(str, exc.extra_fields))
        known = ", ".join(a.name for a in attrs.fields(exc.cl))
        return InvalidInputError(
            extra[0], _UNKNOWN_FIELD, f"a field of {exc.cl.__name__} ({known})"
        )
    if isinstance(exc, KeyError):
        return InvalidInputError("", _NOTHING, "a value (the field is required)")
    return InvalidInputError(
        "", _NOTHING, f"a valid value ({type(exc).__name__}: {exc})"
    )


def _check_value_type(path: str, cls: object) -> None:
    if not (isinstance(cls, type) and attrs.has(cls)):
        raise InvalidInputError(path, cls, "a peerkit value type (an attrs class)")


# --- public --------------------------------------------------------------------


def to_dict(obj: object) -> Any:
    """
    A peerkit value as plain JSON-ready data.

    Every value becomes a dict of its fields, except `WeeklyAvailability`,
    which becomes its list of window specs (``["mon 18:00-21:00"]``), as it
    does inside a member. Datetimes become ISO 8601 strings with their
    offset, sets become sorted lists.

    Args:
        obj: Any peerkit value (a frozen attrs instance).

    Examples:
        >>> import peerkit
        >>> peerkit.to_dict(peerkit.Member("ada", "action"))["languages"]
        ['en']

    Added in 0.1.
    """
    _check_value_type("obj", type(obj))
    return converter.unstructure(obj)


def from_dict(cls: type[T], data: Any) -> T:
    """
    Build a peerkit value of type *cls* from plain data.

    Args:
        cls: The value type, e.g. `peerkit.Member`.
        data: A mapping as `to_dict` produces (or as JSON decodes).

    Raises:
        peerkit.errors.InvalidInputError: If *data* does not describe a valid
            *cls*; ``.path`` names the offending field, e.g.
            ``members[3].timezone``.

    Examples:
        >>> import peerkit
        >>> peerkit.from_dict(peerkit.Member, {"id": "ada", "stage": "action"}).id
        'ada'

    Added in 0.1.
    """
    _check_value_type("cls", cls)
    try:
        return converter.structure(data, cls)
    except RecursionError:
        raise InvalidInputError(cls.__name__, data, "data nested less deeply") from None
    except Exception as exc:  # noqa: BLE001 - every failure is translated
        err = _translate(exc)
        if not err.path:
            err = InvalidInputError(cls.__name__, err.value, err.expected)
        raise err from None


def to_json(obj: object, *, indent: int | None = None) -> str:
    """
    A peerkit value as JSON text; see `to_dict` for the encoding.

    Args:
        obj: Any peerkit value.
        indent: Pretty-print with this indent; compact by default.

    Examples:
        >>> import peerkit
        >>> peerkit.to_json(peerkit.Window(0, 18 * 60, 21 * 60))
        '{"day": 0, "start": 1080, "end": 1260}'

    Added in 0.1.
    """
    return json.dumps(to_dict(obj), ensure_ascii=False, allow_nan=False, indent=indent)


def from_json(cls: type[T], text: str | bytes) -> T:
    """
    Build a peerkit value of type *cls* from JSON text; see `from_dict`.

    Raises:
        peerkit.errors.InvalidInputError: If *text* is not JSON or does not
            describe a valid *cls*.

    Examples:
        >>> import peerkit
        >>> ada = peerkit.Member("ada", "action", timezone="Europe/London")
        >>> peerkit.from_json(peerkit.Member, peerkit.to_json(ada)) == ada
        True

    Added in 0.1.
    """
    _check_value_type("cls", cls)
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidInputError("text", text, "JSON text")
    try:
        data = json.loads(text)
    except RecursionError:
        raise InvalidInputError("text", text, "JSON nested less deeply") from None
    except ValueError as exc:  # bad JSON, bad encoding, a number too long to read
        raise InvalidInputError("text", text, f"valid JSON ({exc})") from None
    return from_dict(cls, data)
