"""
Quickstart from a spreadsheet: a roster in from CSV, groups and pairs out to CSV.

The companion of quickstart.py for a programme whose roster lives in a
spreadsheet:

    python examples/roster_from_csv.py

It reads the sample roster that ships with peerkit (the sample cohort as a
CSV file), shows how a roster with mistakes is reported (every bad row at
once, named as the spreadsheet names it), forms groups for the members
not yet in one, pairs accountability partners, and writes both results
to CSV files an analyst can open. The files go to a temporary folder; the
week is fixed, so the output is the same every run.
"""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import tempfile

from peerkit.datasets import sample_cohort_csv
from peerkit.errors import InvalidRowsError
from peerkit.matching import form_groups, match_partners
from peerkit.tables import read_members, rows, write_csv

MONDAY = dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
TERM = (MONDAY, MONDAY + dt.timedelta(weeks=12))

BAD_ROSTER = """\
Name,Stage,Time zone,Languages
ada,action,Europe/London,en; fr
ben,acton,Europe/Lisbon,pt
chen,action,Asia/Shanghi,zh; en
"""


def main() -> None:
    """Read, report, decide, write."""
    members = read_members(sample_cohort_csv())
    print(f"Read {len(members)} members from the sample roster")

    print("\nA roster with mistakes is reported in one pass:")
    try:
        read_members(
            io.StringIO(BAD_ROSTER),
            columns={"Name": "id", "Stage": "stage", "Time zone": "timezone",
                     "Languages": "languages"},
        )  # fmt: skip
    except InvalidRowsError as error:
        for problem in error.errors:
            print(f"  {problem.path}: got {problem.value!r}")

    newcomers = members[:24]
    grouping = form_groups(newcomers, min_size=4, max_size=8, during=TERM)
    matching = match_partners(members, during=TERM)
    with tempfile.TemporaryDirectory() as folder:
        groups_csv = pathlib.Path(folder) / "groups.csv"
        pairs_csv = pathlib.Path(folder) / "pairs.csv"
        write_csv(rows(grouping), groups_csv)
        write_csv(rows(matching), pairs_csv)
        print(f"\n{groups_csv.name}, a member per row:")
        for line in groups_csv.read_text(encoding="utf-8").splitlines()[:4]:
            print("  " + line[:100])
        print(f"\n{pairs_csv.name}, a pair per row:")
        for line in pairs_csv.read_text(encoding="utf-8").splitlines()[:4]:
            print("  " + line[:100])

    same = read_members(rows(members)) == members
    print("\nThe roster goes out and back unchanged:", same)


if __name__ == "__main__":
    main()
