"""Where rows come from and where they go: files, text, records, DataFrames."""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from peerkit._serde import collector_paused
from peerkit.errors import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Callable

Cell = str | int | float | bool | None
"""What one cell of a row holds."""

Row = dict[str, Cell]
"""One row: column name to cell."""

_SOURCE_HELP = (
    "a path to a CSV file, a text file, an iterable of mappings "
    "(csv.DictReader, DataFrame.to_dict('records'), polars to_dicts()), "
    "or a pandas or polars DataFrame"
)
_TARGET_HELP = "a path to write a CSV file to, or a text file open for writing"


class Table:
    """
    A table as the reader sees it: the header as shown, then numbered rows.

    Rows are numbered as a spreadsheet shows them: the header is row 1, so
    the first record is row 2. Rows are produced lazily from a file, so a
    large file is read once, in constant memory besides what is built.
    """

    __slots__ = ("header", "owned", "rows")

    def __init__(
        self,
        header: tuple[str, ...],
        rows: Iterator[tuple[int, tuple[object, ...]]],
        owned: IO[str] | None = None,
    ) -> None:
        self.header = header
        self.rows = rows
        self.owned = owned

    def close(self) -> None:
        """Close the file the table opened, read to the end or not."""
        if self.owned is not None:
            self.owned.close()


def open_table(source: object, problems: list[InvalidInputError]) -> Table:
    """
    Read *source* as a table; a broken row adds to *problems* and is skipped.

    Raises:
        peerkit.errors.InvalidInputError: If *source* is none of the accepted
            kinds, cannot be opened or decoded, or has no usable header.
    """
    if isinstance(source, (str, os.PathLike)):
        return _file_table(source, problems)
    if hasattr(source, "read"):
        return _text_table(source, None, problems)
    if hasattr(source, "open") and hasattr(source, "read_text"):
        return _resource_table(source, problems)  # packaged data (a Traversable)
    if _is_polars_frame(source) or _is_pandas_frame(source):
        return _frame_table(source)
    if isinstance(source, (bytes, bytearray, Mapping)) or not isinstance(
        source, Iterable
    ):
        raise InvalidInputError("source", source, _SOURCE_HELP)
    return _records_table(source, None)


def _is_polars_frame(source: object) -> bool:
    return hasattr(source, "to_dicts") and hasattr(source, "get_column")


def _is_pandas_frame(source: object) -> bool:
    return (
        hasattr(source, "to_dict")
        and hasattr(source, "columns")
        and hasattr(source, "iloc")
    )


def _frame_table(frame: Any) -> Table:
    """A pandas or polars DataFrame, read column by column (no records built)."""
    names = list(frame.columns)
    for name in names:
        if not isinstance(name, str):
            raise InvalidInputError("row 1", name, "a column name that is a string")
    stripped = [name.strip() for name in names]
    if len(set(stripped)) != len(stripped):
        raise _duplicate_header(stripped)
    for name in stripped:
        if not name:
            raise InvalidInputError("row 1", name, "a column name in every header cell")
    if _is_polars_frame(frame):
        columns = [frame.get_column(name).to_list() for name in names]
    else:
        columns = [frame.iloc[:, i].tolist() for i in range(len(names))]
    return Table(tuple(stripped), _column_rows(columns))


def _column_rows(
    columns: list[list[object]],
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """A frame's rows from its columns, cells as plain values; blank rows skipped."""
    for i, values in enumerate(zip(*columns, strict=True)):
        cells = tuple(
            [(v.strip() or None) if type(v) is str else plain_cell(v) for v in values]
        )
        if any(c is not None for c in cells):
            yield i + 2, cells


def _file_table(
    path: str | os.PathLike[str], problems: list[InvalidInputError]
) -> Table:
    return _opened_table(
        lambda: open(  # noqa: PTH123 - closed by the row generator
            path, encoding="utf-8-sig", errors="surrogateescape", newline=""
        ),
        os.fspath(path),
        problems,
    )


def _resource_table(resource: Any, problems: list[InvalidInputError]) -> Table:
    return _opened_table(
        lambda: resource.open(
            "r", encoding="utf-8-sig", errors="surrogateescape", newline=""
        ),
        resource,
        problems,
    )


def _opened_table(
    opener: Callable[[], IO[str]], shown: object, problems: list[InvalidInputError]
) -> Table:
    """The table of the CSV text *opener* opens (*shown* in an error if it cannot)."""
    try:
        handle = opener()
    except OSError as exc:
        raise InvalidInputError(
            "source", shown, f"a CSV file that can be read ({exc.strerror})"
        ) from None
    try:
        return _text_table(handle, handle, problems)
    except BaseException:
        handle.close()
        raise


_NOT_UTF8 = (
    'text encoded as UTF-8: save the sheet as "CSV UTF-8" (this cell\'s bytes '
    "are in another encoding, such as Windows-1252 from an older Excel)"
)
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes surrogateescape kept as they were


class _Lines:
    """A text file's lines; notes a line holding bytes that are not UTF-8."""

    __slots__ = ("bad", "lines")

    def __init__(self, text: Any) -> None:
        self.bad = False
        self.lines = self._read(text)

    def _read(self, text: Any) -> Iterator[str]:
        try:
            iterator = iter(text)
            for line in iterator:
                if type(line) is not str:
                    raise InvalidInputError(
                        "source",
                        text,
                        "a file opened in text mode "
                        "(open(path, encoding='utf-8-sig', newline=''))",
                    )
                if not line.isascii() and _UNDECODED.search(line):
                    self.bad = True
                yield line
        except UnicodeDecodeError as exc:
            raise InvalidInputError(
                "source",
                exc.object[exc.start : exc.end],
                'text encoded as UTF-8: save the sheet as "CSV UTF-8", '
                "or open the file with encoding='utf-8-sig'",
            ) from None
        except TypeError:
            raise InvalidInputError(
                "source", text, "a file opened in text mode"
            ) from None

    def undecoded(self, record: list[str]) -> list[int]:
        """The places of *record*'s cells holding bytes that are not UTF-8."""
        self.bad = False
        return [i for i, cell in enumerate(record) if _UNDECODED.search(cell)]


def _delimiter(first: str) -> str:
    """
    The delimiter a header line shows: ``,``, or ``;`` or a tab where it has no comma.

    Excel in many European locales saves "CSV" with ``;`` between cells
    (the comma is their decimal mark); Google Sheets exports tab-separated
    files too. A header of peerkit's names never holds a comma, a ``;``
    or a tab itself, so the first line says which one separates cells.
    """
    if "," in first:
        return ","
    if ";" in first:
        return ";"
    return "\t" if "\t" in first else ","


def _text_table(
    text: IO[str] | Any, owned: IO[str] | None, problems: list[InvalidInputError]
) -> Table:
    """A table from CSV text; *owned* is closed once the rows are read."""
    source = _Lines(text)
    try:
        first_line = next(source.lines, "")
        delimiter = _delimiter(first_line)
        lines = itertools.chain((first_line,), source.lines) if first_line else ()
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        first = _next_record(reader, problems, 1)
    except InvalidInputError:
        if owned is not None:
            owned.close()
        raise
    if first is None:  # an empty file: no columns, no rows
        first = []
    if source.bad:
        i = source.undecoded(first)[0]
        raise InvalidInputError(
            f"row 1, column {i + 1}",
            first[i].encode("utf-8", "surrogateescape"),
            _NOT_UTF8,
        )
    header = [cell.strip() for cell in first]
    if header and header[0].startswith("\ufeff"):  # a BOM in text given as str
        header[0] = header[0][1:].strip()
    while header and not header[-1]:  # trailing empty header cells
        header.pop()
    for i, name in enumerate(header):
        if not name:
            raise InvalidInputError(
                f"row 1, column {i + 1}", name, "a column name in every header cell"
            )
    if len(set(header)) != len(header):
        raise _duplicate_header(header)
    return Table(
        tuple(header),
        _csv_rows(reader, source, tuple(header), owned, problems),
        owned,
    )


_UNCLOSED = (
    'a closing quote (") for the cell this row opens with one: every line '
    "after it was read into that cell"
)
_AFTER_QUOTE = (
    "a cell quoted whole or not at all: text follows its closing quote (write "
    'a quote inside a quoted cell as "")'
)


def _next_record(
    reader: Any, problems: list[InvalidInputError], number: int
) -> list[str] | None:
    """
    The next record; None at the end; a record csv cannot read is a problem.

    The record is row *number* as a spreadsheet counts rows (a quoted cell
    may span lines). The csv module's field size limit (131,072
    characters) stays as it is: it is process-wide state, and no roster
    cell is that long, so a longer one is a problem of its row, which
    bounds what one cell can cost.
    """
    try:
        return next(reader)  # type: ignore[no-any-return]
    except StopIteration:
        return None
    except csv.Error as exc:
        said = str(exc)
        if said == "unexpected end of data":
            expected = _UNCLOSED
        elif said.endswith("expected after '\"'"):
            expected = _AFTER_QUOTE
        elif said.startswith("field larger"):
            expected = "cells of at most 131,072 characters"
        else:
            expected = "a row the CSV format allows"
        problems.append(InvalidInputError(f"row {number}", said, expected))
        return []  # counted as a row, so the rows after keep their numbers


def _csv_rows(
    reader: Any,
    source: _Lines,
    header: tuple[str, ...],
    owned: IO[str] | None,
    problems: list[InvalidInputError],
) -> Iterator[tuple[int, tuple[object, ...]]]:
    width = len(header)
    try:
        number = 1
        while True:
            # A quoted cell may span lines: the row is numbered by the
            # record, as a spreadsheet counts rows, not by the line.
            number += 1
            record = _next_record(reader, problems, number)
            if record is None:
                return
            if source.bad:
                bad = source.undecoded(record)
                for i in bad:
                    where = f'column "{header[i]}"' if i < width else f"column {i + 1}"
                    problems.append(
                        InvalidInputError(
                            f"row {number}, {where}",
                            record[i].encode("utf-8", "surrogateescape"),
                            _NOT_UTF8,
                        )
                    )
                if bad:
                    continue
            if len(record) > width and any(c.strip() for c in record[width:]):
                problems.append(
                    InvalidInputError(
                        f"row {number}",
                        record[width:],
                        f"at most {width} cells, one under each header (a cell "
                        "holding a comma must be quoted)",
                    )
                )
                continue
            cells = tuple([c.strip() or None for c in record[:width]])
            if not any(cells):
                continue  # a blank row
            if len(cells) < width:  # spreadsheets drop trailing empty cells
                cells += (None,) * (width - len(cells))
            yield number, cells
    finally:
        if owned is not None:
            owned.close()


def _records_table(records: Iterable[Any], header: list[str] | None) -> Table:
    try:
        listed = list(records)
    except InvalidInputError:
        raise
    except Exception as exc:
        raise InvalidInputError("source", records, _SOURCE_HELP) from exc
    keys: dict[str, None] = dict.fromkeys(header or ())
    for i, record in enumerate(listed):
        if not isinstance(record, Mapping):
            raise InvalidInputError(
                f"row {i + 2}", record, "a mapping of column to cell"
            )
        for key in record:
            if not isinstance(key, str):
                raise InvalidInputError(
                    f"row {i + 2}", key, "a column name that is a string"
                )
            keys.setdefault(key)
    names = [key.strip() for key in keys]
    for name in names:
        if not name:
            raise InvalidInputError("row 1", name, "a column name in every header cell")
    if len(set(names)) != len(names):
        raise _duplicate_header(names)
    return Table(tuple(names), _record_rows(listed, tuple(keys)))


def _record_rows(
    records: list[Mapping[str, object]], keys: tuple[str, ...]
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Each record's cells under *keys*, as plain values; blank records skipped."""
    for i, record in enumerate(records):
        get = record.get
        cells = tuple(
            [
                (v.strip() or None) if type(v) is str else plain_cell(v)
                for v in map(get, keys)
            ]
        )
        if any(c is not None for c in cells):
            yield i + 2, cells


def plain_cell(value: object) -> object:  # noqa: PLR0911 - one return per kind of cell
    """
    A DataFrame's or a record's cell as a plain Python value.

    Missing cells (None, NaN, pandas' NA and NaT) and blank strings become
    None; numpy scalars become Python numbers; text is stripped.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    kind = type(value)
    if kind.__name__ in {"NAType", "NaTType"}:
        return None
    if kind.__module__ == "numpy" and hasattr(value, "item"):
        return plain_cell(value.item())
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime()
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple)):
        return value.tolist()  # a numpy array or a polars Series in a list cell
    return value


def _duplicate_header(header: list[str]) -> InvalidInputError:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            return InvalidInputError(
                f'row 1, column "{name}"', name, "each column name once in the header"
            )
        seen.add(name)
    raise AssertionError  # only called when a name repeats


# --- writing -----------------------------------------------------------------


def write_rows(rows: object, target: object, cell: Callable[[object], str]) -> int:
    """Write *rows* as CSV to *target*; the number of rows written."""
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise InvalidInputError("rows", rows, "an iterable of rows (mappings)")
    listed = list(rows)
    header: dict[str, None] = {}
    for i, row in enumerate(listed):
        if not isinstance(row, Mapping):
            raise InvalidInputError(f"rows[{i}]", row, "a mapping of column to cell")
        for key in row:
            if not isinstance(key, str) or not key:
                raise InvalidInputError(f"rows[{i}]", key, "a column name (a string)")
            header.setdefault(key)
    columns = list(header)
    lines: list[list[str]] = [columns]
    with collector_paused(large=True):  # rows by the thousand, no cycles
        for i, row in enumerate(listed):
            values = [row.get(c) for c in columns]
            lines.append(
                [
                    v if type(v) is str else cell_of(cell, v, i, c)
                    for v, c in zip(values, columns, strict=True)
                ]
            )
    if isinstance(target, (str, os.PathLike)):
        try:
            with open(target, "w", encoding="utf-8", newline="") as handle:  # noqa: PTH123
                csv.writer(handle).writerows(lines)
        except OSError as exc:
            raise InvalidInputError(
                "target", os.fspath(target), f"{_TARGET_HELP} ({exc.strerror})"
            ) from None
    elif hasattr(target, "write"):
        csv.writer(target).writerows(lines)
    else:
        raise InvalidInputError("target", target, _TARGET_HELP)
    return len(listed)


def cell_of(cell: Callable[[object], str], value: object, i: int, column: str) -> str:
    """One value as the text of a CSV cell; an error names row *i* and *column*."""
    try:
        return cell(value)
    except InvalidInputError as exc:
        raise exc.at(f"rows[{i}][{column!r}]") from None
