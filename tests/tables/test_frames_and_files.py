"""peerkit.tables against real pandas and polars, and against awkward files."""

import io
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import InvalidInputError, InvalidRowsError, Member
from peerkit import testing as pst
from peerkit.datasets import sample_cohort, sample_cohort_csv
from peerkit.tables import read_members, read_touchpoints, rows, write_csv

pandas = pytest.importorskip("pandas")
polars = pytest.importorskip("polars")


def normal_form(members: list[Member]) -> list[dict[str, object]]:
    """The documented normal form of a roster: what rows() writes."""
    return [dict(r) for r in rows(members)]


@settings(max_examples=30)
@given(st.lists(pst.members(), min_size=1, max_size=6, unique_by=lambda m: m.id))
def test_pandas_frame_round_trips(members: list[Member]) -> None:
    """A pandas frame in normal form -> read_members -> rows -> frame equals the original."""
    frame = pandas.DataFrame(normal_form(members))
    again = pandas.DataFrame(list(rows(read_members(frame))))
    pandas.testing.assert_frame_equal(again, frame)


@settings(max_examples=30)
@given(st.lists(pst.members(), min_size=1, max_size=6, unique_by=lambda m: m.id))
def test_polars_frame_round_trips(members: list[Member]) -> None:
    """A polars frame in normal form -> read_members -> rows -> frame equals the original."""
    frame = polars.DataFrame(normal_form(members))
    again = polars.DataFrame(list(rows(read_members(frame))))
    assert again.equals(frame)
    assert again.columns == frame.columns


def test_pandas_read_csv_with_its_defaults() -> None:
    """pandas.read_csv's own typing (NaN for empty cells, int columns) reads into the same members."""
    frame = pandas.read_csv(sample_cohort_csv())
    assert read_members(frame) == sample_cohort().members
    assert read_members(frame.to_dict("records")) == sample_cohort().members


def test_polars_read_csv_with_its_defaults() -> None:
    """polars.read_csv's own typing (nulls, int columns) reads into the same members."""
    frame = polars.read_csv(sample_cohort_csv().read_bytes())
    assert read_members(frame) == sample_cohort().members
    assert read_members(frame.to_dicts()) == sample_cohort().members


def test_frames_with_list_columns() -> None:
    """List cells held as real lists (polars list columns, Python lists in records) are lists."""
    frame = polars.DataFrame(
        {"id": ["a"], "stage": ["action"], "languages": [["en", "de"]]}
    )
    (a,) = read_members(frame)
    assert a.languages == {"en", "de"}
    (b,) = read_members(
        pandas.DataFrame({"id": ["b"], "stage": ["action"], "goals": [["x", "y"]]})
    )
    assert b.goals == {"x", "y"}


def test_frame_errors_name_rows_as_a_spreadsheet_would() -> None:
    """A bad cell in a frame is named by its row as written to CSV (the header is row 1)."""
    frame = pandas.DataFrame(
        {"id": ["a", "b"], "stage": ["action", "nope"], "max_partners": [1, 2.5]}
    )
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(frame)
    assert [e.path for e in excinfo.value.errors] == [
        'row 3, column "stage"',
        'row 3, column "max_partners"',
    ]


def test_frame_datetimes_are_instants() -> None:
    """Aware datetime columns of pandas and polars are instants; naive ones need a timezone."""
    due = pandas.to_datetime(["2024-03-04 18:00"]).tz_localize("Europe/Paris")
    frame = pandas.DataFrame({"member_id": ["a"], "due": due, "outcome": ["kept"]})
    (t,) = read_touchpoints(frame)
    assert t.due.isoformat() == "2024-03-04T17:00:00+00:00"
    naive = polars.DataFrame(
        {
            "member_id": ["a"],
            "due": [pandas.Timestamp("2024-03-04 18:00").to_pydatetime()],
            "outcome": ["kept"],
        }
    )
    with pytest.raises(InvalidRowsError):
        read_touchpoints(naive)
    (u,) = read_touchpoints(naive, timezone="Europe/Paris")
    assert u.due == t.due


def test_pandas_duplicated_columns_are_refused() -> None:
    """A frame with the same column twice is refused, naming the column."""
    frame = pandas.DataFrame([["a", "action", "b"]], columns=["id", "stage", "id"])
    with pytest.raises(InvalidInputError, match='column "id"'):
        read_members(frame)


# --- awkward files -----------------------------------------------------------------


def write_bytes(tmp_path: pathlib.Path, data: bytes) -> pathlib.Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    return path


def test_bom_and_crlf(tmp_path: pathlib.Path) -> None:
    """A UTF-8 byte-order mark (Excel's 'CSV UTF-8') and CRLF line ends are read as plain CSV."""
    path = write_bytes(
        tmp_path, '\ufeffid,stage,goals\r\nzoë,action,"café; 睡眠"\r\n'.encode()
    )
    (m,) = read_members(path)
    assert (m.id, m.goals) == ("zoë", frozenset({"café", "睡眠"}))
    (n,) = read_members(io.StringIO("\ufeffid,stage\r\nann,action\r\n"))
    assert n.id == "ann"


def test_quoted_commas_and_line_breaks() -> None:
    """Quoted cells keep their commas and line breaks; rows are counted as records."""
    text = 'id,stage,availability\n"a,b",action,"tue,thu 18:00-20:00"\nc,"act\nion",\n'
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(io.StringIO(text))
    assert [e.path for e in excinfo.value.errors] == ['row 3, column "stage"']
    (ab,) = read_members(io.StringIO(text.rsplit("c,", 1)[0]))
    assert ab.id == "a,b"
    assert str(ab.availability) == "tue,thu 18:00-20:00"


def test_blank_and_short_rows() -> None:
    """Blank rows are skipped (still counted), and short rows take the defaults for missing cells."""
    (a, b) = read_members(
        io.StringIO("id,stage,timezone\n\n,,\na,action\n  \nb,action,Asia/Tokyo\n")
    )
    assert (a.timezone, b.timezone) == ("UTC", "Asia/Tokyo")


def test_ragged_long_rows_are_problems() -> None:
    """A row with more cells than the header is a problem of that row (empty extra cells are fine)."""
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(io.StringIO("id,stage\na,action,,\nb,action,oops\n"))
    assert [e.path for e in excinfo.value.errors] == ["row 3"]


def test_empty_and_header_only_tables() -> None:
    """An empty file and a header without rows read as no members."""
    assert read_members(io.StringIO("")) == ()
    assert read_members(io.StringIO("id,stage\n")) == ()
    assert read_members([]) == ()
    out = io.StringIO()
    write_csv(rows([]), out)
    assert read_members(io.StringIO(out.getvalue())) == ()


def test_undecodable_bytes_are_refused(tmp_path: pathlib.Path) -> None:
    """A file that is not UTF-8 (Latin-1 from an old export) is an InvalidInputError, not a UnicodeDecodeError."""
    path = write_bytes(tmp_path, "id,stage\nzoë,action\n".encode("latin-1"))
    with pytest.raises(InvalidInputError, match="UTF-8"):
        read_members(path)


def test_binary_file_handle_is_refused(tmp_path: pathlib.Path) -> None:
    """A file opened in binary mode is refused with a clear message."""
    path = write_bytes(tmp_path, b"id,stage\na,action\n")
    with path.open("rb") as handle, pytest.raises(InvalidInputError, match="text mode"):
        read_members(handle)


def test_nul_bytes_and_huge_cells_are_bounded() -> None:
    """A NUL byte is read as text, and a cell beyond the size limit is a problem of its row, not a crash."""
    (a,) = read_members(io.StringIO("id,stage\na\x00b,action\n"))
    assert a.id == "a\x00b"
    huge = 'id,stage,goals\nb,action,"' + "x" * (2 << 20) + '"\nc,action,\n'
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(io.StringIO(huge))
    assert excinfo.value.errors[0].path.startswith("row ")


def test_huge_valid_tables_are_linear() -> None:
    """Many rows sharing cell texts read in one pass (the memo holds each distinct text once)."""
    text = "id,stage,languages,availability\n" + "".join(
        f"m{i},action,en; de,mon-fri 18:00-21:00\n" for i in range(20_000)
    )
    members = read_members(io.StringIO(text))
    assert len(members) == 20_000
    assert members[0].availability is members[-1].availability
