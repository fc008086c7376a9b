r"""
Tables: rosters in from CSV, records or DataFrames; results out as rows.

The one place in peerkit that reads or writes files. Readers take a path,
a text file, an iterable of mappings, or a pandas or polars DataFrame
(taken by duck typing: neither is a dependency), read the whole table and
report every bad row at once, each problem named by row and column as the
spreadsheet shows them. `rows` turns any result into flat rows, and
`write_csv` writes rows to a file.

Example:
    >>> import io
    >>> from peerkit.tables import read_members, rows, write_csv
    >>> members = read_members(io.StringIO("id,stage,languages\nada,action,en; de\n"))
    >>> out = io.StringIO()
    >>> write_csv(rows(members), out)
    >>> out.getvalue().splitlines()[1]
    'ada,action,,,UTC,daily 00:00-24:00,de; en,1,'
"""

from peerkit.tables._read import (
    read_groups,
    read_measurements,
    read_members,
    read_touchpoints,
)
from peerkit.tables._rows import rows
from peerkit.tables._write import write_csv

__all__ = [
    "read_groups",
    "read_measurements",
    "read_members",
    "read_touchpoints",
    "rows",
    "write_csv",
]
