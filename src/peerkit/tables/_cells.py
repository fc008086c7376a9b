"""The cell format: one way to write lists, weekly windows, instants and numbers."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import TYPE_CHECKING

from peerkit._availability import WeeklyAvailability
from peerkit._instants import as_instant, check_timezone, local_instant
from peerkit._validate import MAX_COUNT, check_str
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import pendulum

    from peerkit.tables._source import Cell

SEPARATOR = "; "
"""What joins the items of a list cell, and the specs of a weekly cell."""

_ESCAPE = re.compile(r"\\([\\;])")
_UNESCAPED_SEMICOLON = re.compile(r"(?<!\\)((?:\\\\)*);")


class CellError(Exception):
    """A cell is not what its column expects: the value and the expectation."""

    def __init__(self, value: object, expected: str) -> None:
        super().__init__(value, expected)
        self.value = value
        self.expected = expected


def _fail(value: object, expected: str) -> CellError:
    return CellError(value, expected)


def text_cell(value: object) -> str:
    """
    A plain text cell (an id, a stage, a trait value); numbers from frames too.

    pandas and polars read ``true``/``false`` and ``1.5`` in a CSV column as
    booleans and floats; they are read back as the text `write_csv` wrote.

    Examples:
        >>> text_cell(7), text_cell(7.0), text_cell(1.5), text_cell(True)
        ('7', '7', '1.5', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"  # as csv_text writes it
    if isinstance(value, int):
        return str(value)  # a numeric id column in a DataFrame
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # ditto, where a missing cell made it float
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    try:
        return check_str("", value)
    except InvalidInputError as exc:
        raise _fail(value, exc.expected) from None


def split_list(text: str) -> list[str]:
    r"""
    The items of a list cell: ``;`` separates them, ``\;`` is a ``;`` in one.

    Examples:
        >>> split_list("en; de")
        ['en', 'de']
        >>> split_list(r"a\;b; c")
        ['a;b', 'c']
    """
    if "\\" not in text:
        parts = text.split(";")
    else:
        parts = []
        start = 0
        for m in _UNESCAPED_SEMICOLON.finditer(text):
            parts.append(text[start : m.end() - 1])
            start = m.end()
        parts.append(text[start:])
        parts = [_ESCAPE.sub(r"\1", p) for p in parts]
    return [p for p in (part.strip() for part in parts) if p]


def join_list(items: Iterable[str]) -> str | None:
    r"""
    A list cell from items, sorted; None for no items.

    Examples:
        >>> join_list({"de", "en"})
        'de; en'
        >>> join_list(["a;b"])
        'a\\;b'
    """
    listed = sorted(items)
    if not listed:
        return None
    text = SEPARATOR.join(listed)
    if text.count(";") == len(listed) - 1 and "\\" not in text:
        return text  # nothing to escape: the common case
    return SEPARATOR.join(
        item.replace("\\", "\\\\").replace(";", "\\;") for item in listed
    )


def list_cell(value: object) -> list[str]:
    """A list cell's items (a list or a tuple from a DataFrame too)."""
    if isinstance(value, str):
        items = split_list(value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise _fail(value, "items separated by ';' (en; de)")
    for item in items:
        text_cell_strict(item)
    return items


def text_cell_strict(value: object) -> str:
    """A list item: a non-empty string, as every string field requires."""
    try:
        return check_str("", value)
    except InvalidInputError as exc:
        raise _fail(value, f"items separated by ';', each {exc.expected}") from None


def week_specs(text: str) -> str:
    """
    A weekly cell's specs without empty ones, as a list cell drops them.

    Examples:
        >>> week_specs("mon 18:00-20:00; ")
        'mon 18:00-20:00'
    """
    if ";" not in text:
        return text
    return SEPARATOR.join(p.strip() for p in text.split(";") if p.strip())


def week_cell(value: object) -> WeeklyAvailability | None:
    """A weekly cell: specs separated by ``;``, or ``never``; None for only ``;``."""
    if isinstance(value, str):
        value = week_specs(value)
        if not value:
            return None  # a cell of only ';' is empty, as a list cell is
    if isinstance(value, (list, tuple, str)):
        try:
            return WeeklyAvailability.parse(value)
        except InvalidInputError as exc:
            raise _fail(exc.value, exc.expected + "; several joined by ';'") from None
    raise _fail(
        value, "window specs separated by ';' (mon 18:00-21:00; sat 10:00-12:00)"
    )


def _is_plain_number(text: str) -> bool:
    """
    Whether *text* is written as a spreadsheet writes a number.

    Python's own parsers also take ``1_000`` and digits of other scripts;
    a cell so written is a typo or another convention, never a number.
    """
    return text.isascii() and "_" not in text


def count_cell(value: object, *, low: int = 0, high: int = MAX_COUNT) -> int:
    """A whole number cell: ``2``, or ``2.0`` as a DataFrame may hold it."""
    number: object = value
    if isinstance(value, str):
        if not _is_plain_number(value):
            raise _fail(value, f"a whole number from {low} to {high}")
        try:
            number = int(value)
        except ValueError:
            try:
                number = float(value)
            except ValueError:
                raise _fail(value, f"a whole number from {low} to {high}") from None
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not low <= number <= high
    ):
        raise _fail(value, f"a whole number from {low} to {high}")
    return number


def number_cell(value: object) -> float:
    """A number cell."""
    number: object = value
    if isinstance(value, str):
        if not _is_plain_number(value) or "," in value:
            raise _fail(value, "a number (with '.' as the decimal point: 4.5)")
        try:
            number = float(value)
        except ValueError:
            raise _fail(value, "a number") from None
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise _fail(value, "a number")
    if not math.isfinite(number):
        raise _fail(value, "a finite number")
    return float(number)


def zone_cell(value: object) -> str:
    """An IANA time zone cell."""
    try:
        return check_timezone("", value)
    except InvalidInputError as exc:
        raise _fail(value, exc.expected) from None


_NAIVE_HELP = (
    "an ISO 8601 instant with an offset, such as '2024-03-04T18:00:00+00:00' "
    "(a time without one needs a timezone column or timezone= saying whose "
    "clock it is on)"
)


def instant_cell(value: object, timezone: str | None) -> pendulum.DateTime:
    """
    An instant cell: ISO 8601 with an offset; a naive one read in *timezone*.

    A naive time is read as RFC 5545 reads a local time (a time in a
    spring-forward gap moves forward by the gap; an ambiguous one is the
    first occurrence), never guessed without a zone.
    """
    moment: object = value
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _fail(value, _NAIVE_HELP) from None
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        moment = dt.datetime.combine(value, dt.time())
    if not isinstance(moment, dt.datetime):
        raise _fail(value, _NAIVE_HELP)
    if moment.tzinfo is None or moment.utcoffset() is None:
        if timezone is None:
            raise _fail(value, _NAIVE_HELP)
        try:
            return local_instant(moment.date(), moment.time(), timezone)
        except InvalidInputError as exc:
            raise _fail(value, exc.expected) from None
    try:
        return as_instant("", moment)
    except InvalidInputError as exc:
        raise _fail(value, exc.expected) from None


# --- writing -----------------------------------------------------------------


def csv_text(value: object) -> str:
    """
    A row's cell as CSV text: empty for None, ``true``/``false``, exact floats.

    Raises:
        peerkit.errors.InvalidInputError: If *value* is not a cell
            (str, int, float, bool or None).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    raise InvalidInputError("", value, "a cell: a str, int, float, bool or None")


def instant_text(value: dt.datetime | None) -> str | None:
    """An instant as ISO 8601 with its offset; None stays None."""
    return None if value is None else value.isoformat()


def week_text(value: WeeklyAvailability, *, empty_is_default: bool) -> str | None:
    """A weekly value as its specs; None where empty is the column's default."""
    if empty_is_default and not value.windows:
        return None
    return _week_str(value)


# Keyed on the value (frozen, hashed by its windows); rosters share a few
# dozen distinct weeks. lru_cache is thread-safe and stores finished strings.
@functools.lru_cache(maxsize=4096)
def _week_str(value: WeeklyAvailability) -> str:
    return str(value)


def first_reason(reasons: tuple[object, ...]) -> dict[str, Cell]:
    """The first reason's code and message, the columns every decision row has."""
    if not reasons:
        return {"reason_code": None, "reason": None}
    reason = reasons[0]
    return {"reason_code": reason.code, "reason": reason.message}  # type: ignore[attr-defined]


def prefixed(prefix: str, values: Mapping[str, object]) -> dict[str, Cell]:
    """A mapping as ``prefix.KEY`` columns, keys sorted."""
    return {f"{prefix}.{k}": values[k] for k in sorted(values)}  # type: ignore[misc]
