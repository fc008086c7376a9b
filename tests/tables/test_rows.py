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
from peerkit import testing as pst
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
    scheduling.PlanPolicy,
    outcomes.Instrument,
    outcomes.RiskRule,
    outcomes.Caseness,
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


@settings(max_examples=15)
@given(pst.recovery_summaries())
def test_recovery_rows_recount_the_summary(summary: outcomes.RecoverySummary) -> None:
    """For all recovery summaries, the rows are every member accounted for, and recounting them gives each count and denominator."""
    table = rows(summary)
    assert len(table) == summary.member_count
    ids = [str(r["member_id"]) for r in table]
    assert len(ids) == len(set(ids))
    paired = [r for r in table if r["status"] == "paired"]
    at_caseness = [r for r in paired if r["caseness_before"]]
    assert len(paired) == summary.paired_count
    assert len(at_caseness) == summary.caseness_count
    assert sum(bool(r["recovered"]) for r in paired) == summary.recovered_count
    for name in ("reliable_improvement", "reliable_recovery", "reliable_deterioration"):
        count = sum(bool(r[name]) for r in paired)
        assert count == getattr(summary, f"{name}_count")
    assert all(r["recovered"] is None for r in table if r["status"] != "paired")


@settings(max_examples=10)
@given(pst.trajectories())
def test_trajectory_rows_are_one_per_session(trajectory: outcomes.Trajectory) -> None:
    """For all trajectories, rows are one per session, numbered from 1, with the point's score."""
    table = rows(trajectory)
    assert [r["session"] for r in table] == list(range(1, trajectory.session_count + 1))
    assert [r["score"] for r in table] == [p.score for p in trajectory.points]


@settings(max_examples=10)
@given(pst.expected_changes())
def test_expected_change_rows_are_one_per_session(
    expected: outcomes.ExpectedChange,
) -> None:
    """For all expected changes, rows are one per session band, in order."""
    table = rows(expected)
    assert [r["session_count"] for r in table] == [
        s.session_count for s in expected.sessions
    ]


@settings(max_examples=10)
@given(st.lists(pst.risk_flag_values(), max_size=4))
def test_risk_flag_rows_are_one_per_flag(flags: list[outcomes.RiskFlag]) -> None:
    """For all lists of risk flags, rows are one per flag with its item, answer and staff message."""
    table = rows(flags)
    assert [
        (r["member_id"], r["item"], r["answer"], r["staff_message"]) for r in table
    ] == [(f.member_id, f.item, f.answer, f.staff_message) for f in flags]
