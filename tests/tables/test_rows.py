"""peerkit.tables.rows: a flat row form for every result type, and write_csv."""

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import (
    InvalidInputError,
    Member,
    engagement,
    matching,
    outcomes,
    scheduling,
)
from peerkit.datasets import sample_cohort
from peerkit.tables import rows, write_csv
from peerkit.tables._rows import row_form_types
from test_serde import VALUE_STRATEGIES

# Public value types that are not results: inputs and settings (their
# JSON form is the way to store them) and opaque state.
NOT_RESULTS = {
    matching.FitPolicy,
    matching.PartnerPolicy,
    engagement.DriftPolicy,
    engagement.DriftState,
    scheduling.AdaptPolicy,
    outcomes.Instrument,
}
CELL_TYPES = (str, int, float, bool, type(None))
RESULT_TYPES = sorted(
    (t for t in VALUE_STRATEGIES if t not in NOT_RESULTS), key=lambda t: t.__qualname__
)


def test_every_public_value_type_has_a_row_form_or_is_not_a_result() -> None:
    """Each public value type (tests/test_serde.py) has a row form, or is named here as not a result."""
    missing = [
        t.__qualname__
        for t in VALUE_STRATEGIES
        if t not in NOT_RESULTS and t not in row_form_types()
    ]
    assert missing == [], "register a row form in peerkit/tables/_rows.py"
    assert RESULT_TYPES


@pytest.mark.parametrize("kind", RESULT_TYPES, ids=lambda t: t.__qualname__)
def test_row_forms_are_flat_and_stable(kind: type) -> None:
    """For all values of each result type, rows are flat cells with the same columns, and write to CSV."""
    checked = []

    @settings(max_examples=8)
    @given(st.lists(VALUE_STRATEGIES[kind], max_size=3))
    def check(values: list[Any]) -> None:
        table = rows(values)
        columns = None
        for row in table:
            assert all(isinstance(k, str) and k for k in row)
            assert all(isinstance(v, CELL_TYPES) for v in row.values()), row
            columns = columns or list(row)
            assert list(row) == columns
        for value in values:
            assert rows(value) == tuple(rows(value))  # deterministic
        out = io.StringIO()
        write_csv(table, out)
        checked.append(len(table))

    check()
    assert checked


def test_unknown_types_are_named() -> None:
    """Rows of a value without a row form raises InvalidInputError naming its type."""

    class Mystery:
        pass

    with pytest.raises(InvalidInputError, match="type Mystery has none"):
        rows(Mystery())
    with pytest.raises(InvalidInputError, match=r"result\[1\]"):
        rows([Member("a", "action"), Mystery()])
    with pytest.raises(InvalidInputError, match="type str has none"):
        rows("members")


def test_mixed_forms_are_refused() -> None:
    """An iterable mixing result types is refused: its rows would not share columns."""
    cohort = sample_cohort()
    with pytest.raises(InvalidInputError, match="one kind"):
        rows([cohort.members[0], cohort.groups[0]])


def test_subclasses_use_their_base_form() -> None:
    """A subclass of a result type takes its base's row form (the MRO is searched)."""

    class Extra(matching.Unplaced):
        pass

    (row,) = rows(Extra(member_id="a", reasons=()))
    assert row == {"member_id": "a", "reason_code": None, "reason": None}


def test_partner_matching_rows_have_both_ids_score_and_reason() -> None:
    """A partner matching is a pair (or trio) per row with every id, the score and the first reason, then the unplaced."""
    cohort = sample_cohort()
    import pendulum

    during = (pendulum.datetime(2024, 1, 8), pendulum.datetime(2024, 1, 15))
    result = matching.match_partners(cohort.members[:9], during=during)
    table = rows(result)
    assert len(table) == len(result.pairs) + len(result.trios) + len(result.unplaced)
    first = table[0]
    assert set(first) >= {"member_id", "partner_id", "score", "reason_code", "reason"}
    if result.pairs:
        assert (first["member_id"], first["partner_id"]) == result.pairs[0].member_ids


def test_members_with_different_traits_share_columns() -> None:
    """Rows of members with different traits all have every trait column, None where absent."""
    table = rows(
        [
            Member("a", "action", traits={"x": "1"}),
            Member("b", "action", traits={"y": "2"}),
        ]
    )
    assert [r["trait.x"] for r in table] == ["1", None]
    assert [r["trait.y"] for r in table] == [None, "2"]


def test_write_csv_cells() -> None:
    """write_csv writes None empty, bools as true/false, floats exactly, and quotes commas."""
    out = io.StringIO()
    write_csv([{"a": None, "b": True, "c": 0.1 + 0.2, "d": "x, y"}, {"e": 1}], out)
    assert out.getvalue().splitlines() == [
        "a,b,c,d,e",
        ',true,0.30000000000000004,"x, y",',
        ",,,,1",
    ]


@pytest.mark.parametrize(
    ("table", "path"),
    [
        ([{"a": object()}], "rows[0]['a']"),
        ([3], "rows[0]"),
        ([{1: "x"}], "rows[0]"),
        ("abc", "rows"),
    ],
)
def test_write_csv_refuses_non_cells(table: Any, path: str) -> None:
    """write_csv refuses what is not a row of cells, naming where."""
    with pytest.raises(InvalidInputError) as excinfo:
        write_csv(table, io.StringIO())
    assert excinfo.value.path == path


def test_write_csv_refuses_bad_targets(tmp_path: Any) -> None:
    """A target that is neither a writable path nor a text file is an InvalidInputError."""
    with pytest.raises(InvalidInputError, match="target"):
        write_csv([], 42)
    with pytest.raises(InvalidInputError, match="target"):
        write_csv([], tmp_path / "missing" / "x.csv")
