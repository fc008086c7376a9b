"""peerkit.tables against files as spreadsheets really export them (review of issue 21)."""

import io
import pathlib

import pytest

from peerkit import InvalidInputError, InvalidRowsError
from peerkit.tables import read_measurements, read_members


def write_bytes(tmp_path: pathlib.Path, data: bytes) -> pathlib.Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    return path


def paths(excinfo: pytest.ExceptionInfo[InvalidRowsError]) -> list[str]:
    return [problem.path for problem in excinfo.value.errors]


def test_semicolon_separated_excel_export(tmp_path: pathlib.Path) -> None:
    """A European Excel export (BOM, CRLF, ';' between cells, list cells quoted) reads as the comma form does."""
    data = (
        "\ufeffid;stage;languages;availability;trait.age_band;;\r\n"
        'ada;action;"en; de";"tue,thu 18:00-20:00";26-40;;\r\n'
        "ben;preparation;;;;;\r\n"
    ).encode()
    ada, ben = read_members(write_bytes(tmp_path, data))
    assert sorted(ada.languages) == ["de", "en"]
    assert str(ada.availability) == "tue,thu 18:00-20:00"
    assert dict(ada.traits) == {"age_band": "26-40"}
    assert ben.stage == "preparation"


def test_tab_separated_export() -> None:
    """A tab-separated export (Google Sheets' TSV) reads too."""
    (ada,) = read_members(io.StringIO("id\tstage\tlanguages\nada\taction\ten; de\n"))
    assert sorted(ada.languages) == ["de", "en"]


def test_cells_not_in_utf8_are_named_by_row_and_column(tmp_path: pathlib.Path) -> None:
    """A Windows-1252 export names every cell that is not UTF-8 by row and column, and says how to save it."""
    data = (
        'id;stage;goals;trait.name\r\nada;action;"a\r\nb";Jürgen\r\n'
        "ben;action;;Ben\r\nchen;action;;Zoë\r\n"
    ).encode("cp1252")
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(write_bytes(tmp_path, data))
    assert paths(excinfo) == [
        'row 2, column "trait.name"',
        'row 4, column "trait.name"',
    ]
    assert "CSV UTF-8" in excinfo.value.errors[0].expected
    assert excinfo.value.errors[0].value == "Jürgen".encode("cp1252")


def test_header_not_in_utf8_is_named(tmp_path: pathlib.Path) -> None:
    """A header cell that is not UTF-8 is named by its place in row 1."""
    with pytest.raises(InvalidInputError) as excinfo:
        read_members(write_bytes(tmp_path, "id,stage,trait.año\n".encode("cp1252")))
    assert excinfo.value.path == "row 1, column 3"
    assert "CSV UTF-8" in excinfo.value.expected


def test_an_unclosed_quote_does_not_swallow_the_rows_after_it() -> None:
    """A quote opened and never closed is a problem of its row, never a silent loss of every row after it."""
    text = 'id,stage,goals\nada,action,"oops\nben,action,x\nchen,action,y\n'
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(io.StringIO(text))
    assert paths(excinfo) == ["row 2"]
    assert "closing quote" in excinfo.value.errors[0].expected


def test_text_after_a_closing_quote_is_a_problem() -> None:
    """A cell like '"hi" there' is malformed CSV: reported by its row, the rows after still read."""
    text = 'id,stage,goals\nada,action,"hi" there\nben,acton,x\n'
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(io.StringIO(text))
    assert paths(excinfo) == ["row 2", 'row 3, column "stage"']


def test_csv_errors_are_numbered_by_row_not_by_line() -> None:
    """A cell over the size limit after a multi-line cell is named by the spreadsheet row, not the file line."""
    text = (
        'id,stage,goals\nada,action,"a\nb\nc"\nben,action,'
        + "x" * 140_000
        + "\nchen,acton,x\n"
    )
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(io.StringIO(text))
    assert paths(excinfo) == ["row 3", 'row 4, column "stage"']


def test_binary_file_handle_is_one_clear_problem(tmp_path: pathlib.Path) -> None:
    """A file opened in binary mode is one InvalidInputError saying how to open it, not csv's words per line."""
    path = write_bytes(tmp_path, b"id,stage\na,action\nb,action\n")
    with path.open("rb") as handle, pytest.raises(InvalidInputError) as excinfo:
        read_members(handle)
    assert not isinstance(excinfo.value, InvalidRowsError)
    assert excinfo.value.path == "source"
    assert "text mode" in excinfo.value.expected


@pytest.mark.parametrize("cell", ["1_0", "\u0661", "1,5"])
def test_numbers_only_as_spreadsheets_write_them(cell: str) -> None:
    """Python's int/float extras (1_0, Arabic-Indic digits) and decimal commas are refused, not read as numbers."""
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members([{"id": "ada", "stage": "action", "max_partners": cell}])
    assert paths(excinfo) == ['row 2, column "max_partners"']
    row = {"member_id": "ada", "instrument": "PHQ-9", "at": "2024-01-08T18:00:00+00:00"}
    with pytest.raises(InvalidRowsError) as excinfo:
        read_measurements([{**row, "score": cell}])
    assert paths(excinfo) == ['row 2, column "score"']


@pytest.mark.parametrize(
    ("header", "meant"),
    [("ID", "id"), ("Time Zone", "timezone"), ("Max-Partners", "max_partners")],
)
def test_a_header_in_other_case_or_spacing_gets_a_suggestion(
    header: str, meant: str
) -> None:
    """An unknown header that differs from a column only by case, spaces or hyphens names that column."""
    with pytest.raises(InvalidInputError) as excinfo:
        read_members(
            io.StringIO(f"id,stage,{header}\n".replace("id,stage,ID", "stage,ID"))
        )
    assert f"did you mean {meant!r}" in excinfo.value.expected
    assert f"{{{header!r}: {meant!r}}}" in excinfo.value.expected


@pytest.mark.parametrize(
    "header", ["id,stage,notes\n", "id\n", "member_id,due,outcome\n"]
)
def test_a_refused_header_still_closes_the_file(
    tmp_path: pathlib.Path, header: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file peerkit opened is closed when its header is refused (unknown or missing column), not left to the collector."""
    opened: list[object] = []
    real_open = open

    def tracking_open(*args: object, **kwargs: object) -> object:
        handle = real_open(*args, **kwargs)  # type: ignore[call-overload]
        opened.append(handle)
        return handle

    monkeypatch.setattr("builtins.open", tracking_open)
    path = write_bytes(tmp_path, (header + "ada,action,x\n").encode())
    with pytest.raises(InvalidInputError):
        read_members(path)
    assert opened
    assert all(handle.closed for handle in opened)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "cell", ["mon 18:00-20:00;", "mon 18:00-20:00; ;", ";mon 18:00-20:00"]
)
def test_weekly_cells_drop_empty_specs_as_list_cells_do(cell: str) -> None:
    """A stray ';' in an availability or quiet-hours cell is dropped, as in a list cell, not refused as an empty spec."""
    (ada,) = read_members(
        [{"id": "ada", "stage": "action", "availability": cell, "quiet_hours": cell}]
    )
    assert str(ada.availability) == str(ada.quiet_hours) == "mon 18:00-20:00"


def test_a_weekly_cell_of_only_separators_is_empty() -> None:
    """An availability cell of only ';' means the default, as an empty cell does."""
    (ada,) = read_members([{"id": "ada", "stage": "action", "availability": "; "}])
    (ben,) = read_members([{"id": "ben", "stage": "action"}])
    assert ada.availability == ben.availability


def test_trait_values_frames_infer_as_bools_and_floats_round_trip() -> None:
    """Traits written as 'true' or '1.5' come back from pandas' and polars' default read_csv (bools, floats) unchanged."""
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    from peerkit import Member
    from peerkit.tables import rows, write_csv

    members = (
        Member("a", "action", traits={"veteran": "true", "years": "1.5"}),
        Member("b", "action", traits={"veteran": "false", "years": "2"}),
    )
    out = io.StringIO()
    write_csv(rows(members), out)
    for lib in (pandas, polars):
        assert read_members(lib.read_csv(io.StringIO(out.getvalue()))) == members
