"""Writing rows to a CSV file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peerkit.tables._cells import csv_text
from peerkit.tables._source import write_rows

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def write_csv(rows: Iterable[Mapping[str, object]], target: object) -> None:
    r"""
    Write rows (from `rows`, or your own mappings) as a CSV file.

    The header is every column in the order first seen; an empty cell is
    None, ``true``/``false`` a bool, a float is written exactly (it reads
    back equal). The file is UTF-8 with RFC 4180 line endings; a cell with
    a comma, a quote or a line break is quoted.

    Args:
        rows: The rows: mappings of column name to a str, int, float, bool
            or None.
        target: A path to write (an existing file is replaced), or a text
            file open for writing (open it with ``newline=""``).

    Raises:
        peerkit.errors.InvalidInputError: If a row is not a mapping of
            names to cells (the path names the row and column), or the
            target cannot be written.

    Examples:
        >>> import io
        >>> out = io.StringIO()
        >>> write_csv([{"id": "ada", "score": 0.5, "note": "a, b"}], out)
        >>> out.getvalue()
        'id,score,note\r\nada,0.5,"a, b"\r\n'

    Added in 0.2.
    """
    write_rows(rows, target, csv_text)
