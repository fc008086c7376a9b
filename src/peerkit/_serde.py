"""
One cattrs converter for every peerkit value: dicts and JSON, both ways.

Structuring is strict: a JSON number is not a string, a string is not a
list of characters, unknown keys are refused, naive datetimes are refused.
Every failure becomes an `InvalidInputError` whose path names the field,
e.g. ``members[3].timezone``.

Speed (issue 15): the same availability specs are parsed once and shared
(values are immutable); a fast converter reads first, plainly valid
members in one pass (`peerkit._model.member_from_plain`), and only when it
fails is the detailed converter asked, to name the path; large values are
read and written with the cyclic garbage collector paused (see
`_CollectorPause`); `to_json` hands `json.dumps` tuples without copying.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import gc
import json
import math
import re
import threading
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn

from peerkit._availability import WeeklyAvailability
from peerkit._frozendict import FrozenDict
from peerkit._instants import as_instant
from peerkit._model import Member, member_from_plain
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

# --- unstructuring -----------------------------------------------------------


def _sort_key(item: Any) -> str:
    return item if isinstance(item, str) else json.dumps(item, sort_keys=True)


def _is_origin(*origins: type) -> Callable[[Any], bool]:
    def check(t: Any) -> bool:
        return t in origins or typing.get_origin(t) in origins

    return check


_PLAIN = (str, int, float, bool)


def _sorted_keys(value: Mapping[Any, Any]) -> list[Any]:
    keys = list(value)
    if all(type(k) is str for k in keys):
        keys.sort()  # the same order as _sort_key gives, without a call per key
        return keys
    return sorted(keys, key=_sort_key)


def _plain_mapping(value: Mapping[Any, Any]) -> dict[Any, Any]:
    """A mapping of plain values as a dict with sorted keys."""
    if type(value) is FrozenDict and value.str_keys:
        return value.to_dict()  # already in sorted order
    return {k: value[k] for k in _sorted_keys(value)}


class _Unstructuring:
    """
    Hook factories: sets as sorted lists, tuples as lists, sorted mappings.

    *for_json* hooks feed `json.dumps` straight away, so they may hand it
    tuples it writes as arrays: a value's own tuple of strings, and an
    availability's memoized specs, go out without a copy.
    """

    def __init__(self, c: cattrs.Converter, *, for_json: bool = False) -> None:
        self.c = c
        self.for_json = for_json

    def element_hook(self, t: Any) -> Callable[[Any], Any]:
        if t is Any:
            return self.c.unstructure
        if t in _PLAIN:
            return _identity
        return self.c.get_unstructure_hook(t)

    def set_hook(self, t: Any) -> Callable[[Any], list[Any]]:
        (elem,) = typing.get_args(t) or (Any,)
        if elem is str:
            return sorted
        hook = self.element_hook(elem)
        return lambda value: sorted((hook(v) for v in value), key=_sort_key)

    def tuple_hook(self, t: Any) -> Callable[[Any], list[Any]]:
        args = typing.get_args(t)
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] in _PLAIN:
                return _identity if self.for_json else list
            hook = self.element_hook(args[0])
            return lambda value: [hook(v) for v in value]
        hooks = [self.element_hook(a) for a in args]
        anything = self.c.unstructure

        def unstructure(value: Any) -> list[Any]:
            if hooks and len(hooks) == len(value):
                return [h(v) for h, v in zip(hooks, value, strict=True)]
            return [anything(v) for v in value]

        return unstructure

    def mapping_hook(self, t: Any) -> Callable[[Any], dict[Any, Any]]:
        args = typing.get_args(t)
        hook = self.element_hook(args[1] if len(args) == 2 else Any)
        if hook is _identity:
            return _plain_mapping
        return lambda value: {k: hook(value[k]) for k in _sorted_keys(value)}

    def register(self) -> None:
        c = self.c
        c.register_unstructure_hook_factory(_is_origin(frozenset, set), self.set_hook)
        c.register_unstructure_hook_factory(_is_origin(tuple, list), self.tuple_hook)
        c.register_unstructure_hook_factory(
            _is_origin(Mapping, dict, FrozenDict), self.mapping_hook
        )
        c.register_unstructure_hook(FrozenDict, self.mapping_hook(Any))
        for cls in (dt.datetime, pendulum.DateTime, dt.date, pendulum.Date):
            c.register_unstructure_hook(cls, _isoformat)
        if self.for_json:
            c.register_unstructure_hook(WeeklyAvailability, WeeklyAvailability.specs)
        else:
            c.register_unstructure_hook(WeeklyAvailability, lambda v: list(v.specs()))
        c.register_unstructure_hook(dt.time, lambda v: v.isoformat(timespec="minutes"))
        c.register_unstructure_hook(dt.timedelta, _iso_duration)


def _identity(value: Any) -> Any:
    return value


def _isoformat(value: dt.date) -> str:
    return value.isoformat()


def _iso_duration(value: dt.timedelta) -> str:
    """A length of time as ISO 8601 seconds: ``PT1800S``, ``PT0.5S``, ``-PT60S``."""
    us = value // dt.timedelta(microseconds=1)
    sign, us = ("-", -us) if us < 0 else ("", us)
    seconds, rest = divmod(us, 1_000_000)
    fraction = f".{rest:06d}".rstrip("0") if rest else ""
    return f"{sign}PT{seconds}{fraction}S"


_DURATION = re.compile(r"(-?)PT([0-9]{1,12})(?:\.([0-9]{1,6}))?S", re.ASCII)


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


def _structure_timedelta(value: Any, _t: Any) -> dt.timedelta:
    if isinstance(value, dt.timedelta):
        return value
    m = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise InvalidInputError(
            "", value, "an ISO 8601 length in seconds, e.g. 'PT1800S'"
        )
    us = int(m[2]) * 1_000_000 + int((m[3] or "").ljust(6, "0"))
    try:
        return dt.timedelta(microseconds=-us if m[1] else us)
    except OverflowError:
        raise InvalidInputError(
            "", value, "a length of time datetime can hold"
        ) from None


def _structure_date(value: Any, _t: Any) -> dt.date:
    result: dt.date = _iso(value, dt.date, "an ISO 8601 date, e.g. '2024-03-10'")
    return result


def _sequence(value: Any, what: str) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise InvalidInputError("", value, what)
    return value


def _structure_enum(value: Any, t: type[enum.Enum]) -> enum.Enum:
    try:
        return t(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(m.value) for m in t)
        raise InvalidInputError("", value, f"one of {allowed}") from None


_SPECS_HELP = "a window spec such as 'mon 18:00-21:00', or a list of them"


def _structure_availability(value: Any, _t: Any) -> WeeklyAvailability:
    # What the constructor accepts: a value, one spec string, or a list of them.
    if isinstance(value, WeeklyAvailability):
        return value
    if not isinstance(value, (str, list, tuple)):
        raise InvalidInputError("", value, _SPECS_HELP)
    try:
        return WeeklyAvailability.parse(value)
    except InvalidInputError as exc:
        # parse names positions "specs[2]"; here the position is all we need.
        path = exc.path.removeprefix("specs")
        raise InvalidInputError(path, exc.value, exc.expected) from None


def _all_str(value: Any) -> bool:
    return type(value) in (list, tuple) and all(type(v) is str for v in value)


class _Structuring:
    """
    Strict hook factories; with *detailed*, every failure names its path.

    Each hook resolves its elements' hooks once and takes plain lists of
    strings in one step. The fast converter (not *detailed*) does not
    collect paths; when it fails, `from_dict` asks the detailed one again,
    which says where.
    """

    def __init__(self, c: cattrs.Converter, *, detailed: bool) -> None:
        self.c = c
        self.detailed = detailed

    def element_hook(self, t: Any) -> Callable[[Any, Any], Any]:
        if t is Any:
            return self.c.structure
        return self.c.get_structure_hook(t)

    def each(self, values: list[Any] | tuple[Any, ...], t: Any) -> list[Any]:
        hook = self.element_hook(t)
        if not self.detailed:
            return [hook(item, t) for item in values]
        out = []
        for i, item in enumerate(values):
            try:
                out.append(hook(item, t))
            except Exception as exc:  # noqa: BLE001 - every failure is translated
                raise _translate(exc).at(f"[{i}]") from None
        return out

    def set_hook(self, t: Any) -> Callable[[Any, Any], frozenset[Any]]:
        (elem,) = typing.get_args(t) or (Any,)

        def structure(value: Any, _t: Any) -> frozenset[Any]:
            if elem is str and _all_str(value):
                return frozenset(value)
            items = self.each(_sequence(value, "a list of values"), elem)
            try:
                return frozenset(items)
            except TypeError:  # pragma: no cover - peerkit sets hold hashable values
                raise InvalidInputError(
                    "", value, "a list of distinct values"
                ) from None

        return structure

    def tuple_hook(self, t: Any) -> Callable[[Any, Any], Any]:
        args = typing.get_args(t)
        if typing.get_origin(t) is list or t is list:
            elem = args[0] if args else Any
            return lambda value, _t: self.each(_sequence(value, "a list"), elem)
        if len(args) == 2 and args[1] is Ellipsis:
            return self.homogeneous(args[0])
        return self.fixed(args)

    def homogeneous(self, elem: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        def structure(value: Any, _t: Any) -> tuple[Any, ...]:
            if elem is str and _all_str(value):
                return tuple(value)
            return tuple(self.each(_sequence(value, "a list"), elem))

        return structure

    def fixed(self, args: tuple[Any, ...]) -> Callable[[Any, Any], tuple[Any, ...]]:
        def structure(value: Any, _t: Any) -> tuple[Any, ...]:
            items = _sequence(value, f"a list of {len(args)} values")
            if len(items) != len(args):
                raise InvalidInputError(
                    "", value, f"a list of exactly {len(args)} values"
                )
            out = []
            for i, (item, arg) in enumerate(zip(items, args, strict=True)):
                try:
                    out.append(self.element_hook(arg)(item, arg))
                except Exception as exc:  # noqa: BLE001 - every failure is translated
                    raise _translate(exc).at(f"[{i}]") from None
            return tuple(out)

        return structure

    def mapping_hook(self, t: Any) -> Callable[[Any, Any], FrozenDict[Any, Any]]:
        args = typing.get_args(t)
        key_t, val_t = args if len(args) == 2 else (Any, Any)
        key_hook, val_hook = self.element_hook(key_t), self.element_hook(val_t)
        plain = key_t is str and val_t is str

        def structure(value: Any, _t: Any) -> FrozenDict[Any, Any]:
            if not isinstance(value, Mapping):
                raise InvalidInputError("", value, "a mapping")
            if plain and _all_str_items(value):
                return FrozenDict(value)
            out: dict[Any, Any] = {}
            for key, item in value.items():
                try:
                    k = key_hook(key, key_t)
                except Exception as exc:  # noqa: BLE001 - every failure is translated
                    raise _translate(exc) from None
                try:
                    out[k] = val_hook(item, val_t)
                except Exception as exc:  # noqa: BLE001 - every failure is translated
                    raise _translate(exc).at(f"[{str(key)!r}]") from None
            return FrozenDict(out)

        return structure

    def attrs_class(self, cl: type[Any]) -> Callable[[Any, Any], Any]:
        # The fast pass checks for unknown keys itself, without building a
        # set per object; the detailed pass lets cattrs name the key.
        generated = make_dict_structure_fn(
            cl,
            self.c,
            _cattrs_forbid_extra_keys=self.detailed,
            _cattrs_detailed_validation=self.detailed,
        )
        known = frozenset(a.name for a in attrs.fields(cl) if a.init)
        check_keys = not self.detailed

        def structure(value: Any, _t: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidInputError("", value, f"a mapping of {cl.__name__} fields")
            if check_keys and not known.issuperset(value):
                raise InvalidInputError("", value, f"only {cl.__name__} fields")
            return generated(value, cl)

        return structure

    def register(self) -> None:
        c = self.c
        for cls, hook in _PLAIN_HOOKS.items():
            c.register_structure_hook(cls, hook)
        c.register_structure_hook_factory(_is_origin(frozenset, set), self.set_hook)
        c.register_structure_hook_factory(_is_origin(tuple, list), self.tuple_hook)
        c.register_structure_hook_factory(
            _is_origin(Mapping, dict, FrozenDict), self.mapping_hook
        )
        c.register_structure_hook_func(
            lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
        )
        c.register_structure_hook_factory(
            lambda t: attrs.has(t) and t is not WeeklyAvailability, self.attrs_class
        )


_PLAIN_HOOKS: dict[Any, Callable[[Any, Any], Any]] = {
    str: _structure_str,
    int: _structure_int,
    float: _structure_float,
    bool: _structure_bool,
    dt.datetime: _structure_datetime,
    pendulum.DateTime: _structure_datetime,
    dt.date: _structure_date,
    dt.time: _structure_time,
    dt.timedelta: _structure_timedelta,
    WeeklyAvailability: _structure_availability,
}


def _all_str_items(value: Mapping[Any, Any]) -> bool:
    return type(value) is dict and all(
        type(k) is str and type(v) is str for k, v in value.items()
    )


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    c = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=True)
    _Unstructuring(c).register()
    _Structuring(c, detailed=detailed).register()
    return c


converter = _make_converter(detailed=True)
"""The one converter: every failure names its path. Capability packages' value
types need no registration."""

_fast = _make_converter(detailed=False)
"""The same hooks, without collecting paths: tried first, and when it fails
`from_dict` asks `converter`, which says where."""


def _fast_member_hook(ordinary: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Members from plainly valid JSON in one pass; anything else as usual."""

    def structure(value: Any, t: Any) -> Any:
        member = member_from_plain(value)
        return ordinary(value, t) if member is None else member

    return structure


_fast.register_structure_hook(
    Member, _fast_member_hook(_fast.get_structure_hook(Member))
)

_for_json = cattrs.Converter()
"""Unstructuring for `to_json` alone: tuples go to `json.dumps` uncopied."""
_Unstructuring(_for_json, for_json=True).register()


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


def _type_name(cls: Any) -> str:
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin is list:
        return f"list[{args[0].__name__}]"
    if origin is tuple:
        return f"tuple[{args[0].__name__}, ...]"
    return str(cls.__name__)


def _is_value_type(cls: object) -> bool:
    return isinstance(cls, type) and attrs.has(cls)


def _check_value_type(path: str, cls: object) -> None:
    """A value type, or ``list[T]`` / ``tuple[T, ...]`` of one."""
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if _is_value_type(cls):
        return
    if origin is list and len(args) == 1 and _is_value_type(args[0]):
        return
    if (
        origin is tuple
        and len(args) == 2
        and args[1] is Ellipsis
        and _is_value_type(args[0])
    ):
        return
    raise InvalidInputError(
        path,
        cls,
        "a peerkit value type (an attrs class), or list[T] or tuple[T, ...] of one",
    )


def _check_value(path: str, obj: object) -> None:
    if not _is_value_type(type(obj)):
        raise InvalidInputError(path, obj, "a peerkit value (an attrs instance)")


# --- the cyclic garbage collector ------------------------------------------------

_LARGE_COUNT = 1000
"""A collection this long makes a value large (1,000 members: about 500 kB)."""
_LARGE_TEXT = 1 << 19
"""JSON text this long (in characters or bytes) is large (about 1,000 members)."""


def _is_large(value: object) -> bool:
    """Whether *value*, or a collection directly inside it, is long."""
    if isinstance(value, (list, tuple)):
        return len(value) >= _LARGE_COUNT
    if isinstance(value, Mapping):
        items: Any = value.values()
    elif _is_value_type(type(value)):
        items = (getattr(value, a.name) for a in attrs.fields(type(value)))  # type: ignore[arg-type]  # an attrs class, checked
    else:
        return False
    return any(isinstance(v, (list, tuple)) and len(v) >= _LARGE_COUNT for v in items)


class _CollectorPause:
    """
    Pause the cyclic garbage collector while a large value is read or written.

    Building or writing 100,000 members allocates millions of containers,
    and CPython's cyclic collector walks the whole growing heap again and
    again meanwhile: about half the time spent beyond parsing, all of it
    for nothing, since peerkit values hold no reference cycles (reference
    counting frees them, paused collector or not).

    ``gc.disable()`` is process-wide, so pauses are counted under a lock:
    the first caller to enter turns the collector off if it was on; the
    last to leave turns it back on. Concurrent calls from several threads
    therefore never turn it on under another's feet, and a collector the
    application had turned off stays off. The count is changed only inside
    the lock and always undone in ``finally``, so an error (or an
    interruption) while a value is built leaves the collector as it was.
    Only large inputs pause it (see `_is_large`); while one runs, cyclic
    garbage elsewhere in the process waits for it to finish.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._resume = False

    @contextlib.contextmanager
    def __call__(self, large: bool) -> Iterator[None]:
        if not large:
            yield
            return
        entered = False
        try:
            with self._lock:
                if self._count == 0:
                    self._resume = gc.isenabled()
                    gc.disable()
                self._count += 1
                entered = True
            yield
        finally:
            if entered:
                with self._lock:
                    self._count -= 1
                    if self._count == 0 and self._resume:
                        gc.enable()


collector_paused = _CollectorPause()


# --- JSON text -------------------------------------------------------------------


class _RepeatedKeyError(Exception):
    """A JSON object gave a key twice (found fast; its path is found after)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads` object hook: an object, unless it repeats a key."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _RepeatedKeyError
    return obj


class _Repeated(dict[str, Any]):
    """A JSON object that repeated *key* (only built to name the path)."""

    key: str = ""


def _mark_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    marked = _Repeated(obj)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.key = key
            break
        seen.add(key)
    return marked


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _find(data: Any, bad: Callable[[Any], tuple[str, Any] | None]) -> tuple[str, Any]:
    """
    The path and value of the first node or key in *data* that *bad* flags.

    *bad* returns None for a good node, else ``(key, value)``: the key of a
    mapping that is wrong (or "" for the node itself) and what to show.
    Walked in document order with an explicit stack, so any depth is fine.
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        found = bad(node)
        if found is not None:
            key, value = found
            return (_join(path, key) if key else path), value
        if isinstance(node, dict):
            stack.extend((node[k], _join(path, k)) for k in reversed(list(node)))
        elif isinstance(node, (list, tuple)):
            stack.extend((node[i], f"{path}[{i}]") for i in reversed(range(len(node))))
    return "", data  # pragma: no cover - called only when something is flagged


def _repeat_in(node: Any) -> tuple[str, Any] | None:
    return (node.key, _REPEATED) if isinstance(node, _Repeated) else None


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _not_encodable(node: Any) -> tuple[str, Any] | None:
    if isinstance(node, str) and _not_utf8(node):
        return "", node
    if isinstance(node, dict):
        for key in node:
            if isinstance(key, str) and _not_utf8(key):
                return key, key
    return None


def _loads(text: str | bytes | bytearray) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _RepeatedKeyError:
        marked = json.loads(text, object_pairs_hook=_mark_repeats)
        path, value = _find(marked, _repeat_in)
        raise InvalidInputError(
            path, value, "each key at most once in a JSON object"
        ) from None
    except RecursionError:
        raise InvalidInputError("text", text, "JSON nested less deeply") from None
    except ValueError as exc:  # bad JSON, bad encoding, a number too long to read
        raise InvalidInputError("text", text, f"valid JSON ({exc})") from None


_REPEATED = _Placeholder("a key given twice")

_MAX_INDENT = 16


# --- public --------------------------------------------------------------------


def to_dict(obj: object) -> Any:
    """
    A peerkit value, or a list or tuple of them, as plain JSON-ready data.

    Every value becomes a dict of its fields, except `WeeklyAvailability`,
    which becomes its list of window specs (``["mon 18:00-21:00"]``), as it
    does inside a member. Datetimes become ISO 8601 strings with their
    offset, sets become sorted lists, and a list or tuple of values a list.

    Args:
        obj: Any peerkit value (a frozen attrs instance), or a list or tuple
            of them.

    Raises:
        peerkit.errors.InvalidInputError: If *obj* is not a peerkit value
            (``obj``) or an item of it is not (``obj[3]``).

    Examples:
        >>> import peerkit
        >>> peerkit.to_dict(peerkit.Member("ada", "action"))["languages"]
        ['en']

    Added in 0.1. Lists and tuples of values in 0.2.
    """
    with collector_paused(_is_large(obj)):
        return _unstructure(obj)


def _unstructure(obj: object, c: cattrs.Converter = _fast) -> Any:
    if isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            _check_value(f"obj[{i}]", item)
        return [c.unstructure(item) for item in obj]
    _check_value("obj", obj)
    return c.unstructure(obj)


def from_dict(cls: type[T], data: Any) -> T:
    """
    Build a peerkit value of type *cls* from plain data.

    Args:
        cls: The value type, e.g. `peerkit.Member`; or ``list[T]`` or
            ``tuple[T, ...]`` of one, for a list of values.
        data: A mapping as `to_dict` produces (or as JSON decodes); a list
            of them for a list type.

    Raises:
        peerkit.errors.InvalidInputError: If *data* does not describe a valid
            *cls*; ``.path`` names the offending field, e.g.
            ``members[3].timezone`` (``[3].id`` in a list).

    Examples:
        >>> import peerkit
        >>> peerkit.from_dict(peerkit.Member, {"id": "ada", "stage": "action"}).id
        'ada'

    Added in 0.1. Lists and tuples of values in 0.2.
    """
    _check_value_type("cls", cls)
    with collector_paused(_is_large(data)):
        return _structure(cls, data)


def _structure(cls: type[T], data: Any) -> T:
    try:
        return _fast.structure(data, cls)
    except Exception:  # noqa: BLE001, S110 - asked again below, to name the path
        pass
    try:
        result: T = converter.structure(data, cls)
    except RecursionError:
        raise InvalidInputError(
            _type_name(cls), data, "data nested less deeply"
        ) from None
    except Exception as exc:  # noqa: BLE001 - every failure is translated
        err = _translate(exc)
        if not err.path:
            err = InvalidInputError(_type_name(cls), err.value, err.expected)
        raise err from None
    return result  # pragma: no cover - both converters run the same checks


def to_json(obj: object, *, indent: int | None = None) -> str:
    r"""
    A peerkit value (or a list or tuple of them) as JSON text; see `to_dict`.

    Args:
        obj: Any peerkit value, or a list or tuple of them.
        indent: Pretty-print with this many spaces (0 to 16); compact by
            default.

    Raises:
        peerkit.errors.InvalidInputError: If *obj* is not a peerkit value,
            if *indent* is not a whole number from 0 to 16, or if a string
            in *obj* cannot be written as UTF-8 (a lone surrogate such as
            ``"\ud800"``); the path names it.

    Examples:
        >>> import peerkit
        >>> peerkit.to_json(peerkit.Window(0, 18 * 60, 21 * 60))
        '{"day": 0, "start": 1080, "end": 1260}'

    Added in 0.1. Lists and tuples of values in 0.2.
    """
    if indent is not None and (
        type(indent) is not int or not 0 <= indent <= _MAX_INDENT
    ):
        raise InvalidInputError(
            "indent",
            indent,
            f"None or a whole number of spaces from 0 to {_MAX_INDENT}",
        )
    with collector_paused(_is_large(obj)):
        data = _unstructure(obj, _for_json)
        # Values are acyclic (frozen, built bottom-up): no need to check.
        text = json.dumps(
            data,
            ensure_ascii=False,
            allow_nan=False,
            check_circular=False,
            indent=indent,
        )
        if not text.isascii() and _not_utf8(text):
            path, value = _find(data, _not_encodable)
            raise InvalidInputError(
                "obj" + path if path.startswith("[") else _join("obj", path),
                value,
                "text that can be written as UTF-8 (no lone surrogates)",
            )
        return text


def from_json(cls: type[T], text: str | bytes) -> T:
    """
    Build a peerkit value of type *cls* from JSON text; see `from_dict`.

    A JSON object that gives a key twice is refused (JSON parsers disagree
    on which one wins), with the key's path.

    Args:
        cls: The value type, or ``list[T]`` or ``tuple[T, ...]`` of one.
        text: JSON text, as `to_json` writes it.

    Raises:
        peerkit.errors.InvalidInputError: If *text* is not JSON, repeats a
            key in an object, or does not describe a valid *cls*.

    Examples:
        >>> import peerkit
        >>> ada = peerkit.Member("ada", "action", timezone="Europe/London")
        >>> peerkit.from_json(peerkit.Member, peerkit.to_json(ada)) == ada
        True
        >>> peerkit.from_json(list[peerkit.Member], peerkit.to_json([ada])) == [ada]
        True

    Added in 0.1. Lists and tuples of values in 0.2.
    """
    _check_value_type("cls", cls)
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidInputError("text", text, "JSON text")
    with collector_paused(len(text) >= _LARGE_TEXT):
        return _structure(cls, _loads(text))
