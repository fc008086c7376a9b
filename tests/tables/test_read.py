"""peerkit.tables readers: the cell format, defaults, mapping, and every bad row named."""

import datetime as dt
import io
import pathlib

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import (
    STAGES_OF_RECOVERY,
    Cohort,
    InvalidInputError,
    InvalidRowsError,
    Member,
    UnknownStageError,
    WeeklyAvailability,
)
from peerkit import testing as pst
from peerkit.datasets import sample_cohort, sample_cohort_csv
from peerkit.engagement import Touchpoint
from peerkit.outcomes import GAD2, GAD7, PHQ2, PHQ9, WEMWBS, Measurement
from peerkit.tables import (
    read_groups,
    read_measurements,
    read_members,
    read_touchpoints,
    rows,
    write_csv,
)
from peerkit.tables._fast import FastMembers
from threads import in_threads


def csv_text(text: str) -> io.StringIO:
    return io.StringIO(text)


def problems(excinfo: pytest.ExceptionInfo[InvalidRowsError]) -> list[str]:
    return [e.path for e in excinfo.value.errors]


# --- the cell format ------------------------------------------------------------


def test_cells_read_as_documented() -> None:
    """Lists split on ';', weekly cells read as specs, trait.NAME columns become traits."""
    (ada,) = read_members(
        csv_text(
            "id,stage,experiences,goals,timezone,availability,languages,max_partners,quiet_hours,trait.age_band\n"
            'ada,action,caring,"sleep; routine",Europe/London,"tue,thu 18:00-20:00; sat 10:00-12:00",en; de,2,daily 21:00-08:00,26-40\n'
        )
    )
    assert ada == Member(
        "ada",
        "action",
        experiences={"caring"},
        goals={"sleep", "routine"},
        timezone="Europe/London",
        availability=["tue,thu 18:00-20:00", "sat 10:00-12:00"],
        languages={"en", "de"},
        max_partners=2,
        quiet_hours="daily 21:00-08:00",
        traits={"age_band": "26-40"},
    )


def test_empty_cells_are_defaults() -> None:
    """An empty cell (or a missing column) gives the field's default."""
    (ben,) = read_members(
        csv_text("id,stage,languages,availability,trait.x\nben,action,,,\n")
    )
    assert ben == Member("ben", "action")


def test_printed_availability_reads_back() -> None:
    """str(WeeklyAvailability) is a cell the reader and Member both take back."""
    week = WeeklyAvailability.parse(["mon-fri 18:00-21:00", "sat 22:00-01:00"])
    assert WeeklyAvailability.parse(str(week)) == week
    assert Member("a", "action", availability=str(week)).availability == week
    (a,) = read_members([{"id": "a", "stage": "action", "availability": str(week)}])
    assert a.availability == week
    (b,) = read_members([{"id": "b", "stage": "action", "availability": "never"}])
    assert b.availability.is_empty


def test_escaped_semicolon_stays_in_an_item() -> None:
    r"""A '\;' in a list cell is a ';' inside one item, and '\\' a backslash."""
    (a,) = read_members(
        [{"id": "a", "stage": "action", "goals": r"x\;y; z; C:\data; q\\"}]
    )
    assert a.goals == {"x;y", "z", "C:\\data", "q\\"}


def test_dict_reader_is_a_source() -> None:
    """A csv.DictReader is read as records, its rows numbered as the file's."""
    import csv

    reader = csv.DictReader(csv_text("id,stage\nada,action\nben,nope\n"))
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(reader)
    assert problems(excinfo) == ['row 3, column "stage"']


def test_columns_map_headers_and_leave_some_out() -> None:
    """columns= maps a programme's headers onto peerkit's, and None leaves a column out."""
    (a,) = read_members(
        csv_text("Name,Stage,Zone,Age,Notes\nada,action,Asia/Tokyo,18-25,likes tea\n"),
        columns={
            "Name": "id",
            "Stage": "stage",
            "Zone": "timezone",
            "Age": "trait.age_band",
            "Notes": None,
        },
    )
    assert (a.id, a.timezone, dict(a.traits)) == (
        "ada",
        "Asia/Tokyo",
        {"age_band": "18-25"},
    )


def test_errors_name_the_header_as_shown() -> None:
    """A bad cell under a mapped header is named by the programme's own header."""
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(
            csv_text("Name,Stage,Zone\nada,action,Mars/Base\n"),
            columns={"Name": "id", "Stage": "stage", "Zone": "timezone"},
        )
    assert problems(excinfo) == ['row 2, column "Zone"']


def test_stage_is_checked_against_the_scale() -> None:
    """A stage not on the given scale is a problem of its row, an UnknownStageError."""
    table = "id,stage\nada,rebuilding\nben,action\n"
    (ada,) = read_members(
        csv_text("id,stage\nada,rebuilding\n"), scale=STAGES_OF_RECOVERY
    )
    assert ada.stage == "rebuilding"
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(csv_text(table))
    assert problems(excinfo) == ['row 2, column "stage"']
    assert isinstance(excinfo.value.errors[0], UnknownStageError)


def test_every_bad_row_is_reported() -> None:
    """All bad rows and cells are reported at once, in row order, the header being row 1."""
    table = (
        "id,stage,timezone,max_partners,availability\n"
        "ada,action,Europe/London,1,\n"
        "ben,acton,Mars/X,two,\n"
        "\n"
        "chen,action,,-1,mon 25:00-26:00\n"
        "ada,action,,,\n"
        ",action,,,\n"
    )
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(csv_text(table))
    assert problems(excinfo) == [
        'row 3, column "stage"',
        'row 3, column "timezone"',
        'row 3, column "max_partners"',
        'row 5, column "max_partners"',
        'row 5, column "availability"',
        'row 6, column "id"',
        'row 7, column "id"',
    ]
    err = excinfo.value
    assert isinstance(err, InvalidInputError)
    assert isinstance(err, ValueError)
    assert err.path == 'row 3, column "stage"'
    assert "7 problems" in str(err)
    assert "row 2 has it" in str(err)


def test_long_error_lists_are_shortened_in_the_message() -> None:
    """A table with thousands of bad rows lists them all on the error and 20 in the message."""
    table = "id,stage\n" + "".join(f"m{i},nope\n" for i in range(2000))
    with pytest.raises(InvalidRowsError) as excinfo:
        read_members(csv_text(table))
    assert len(excinfo.value.errors) == 2000
    assert "... and 1980 more" in str(excinfo.value)


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ("id,stage,timezon\n", 'row 1, column "timezon"'),
        ("id,stage,id\n", 'row 1, column "id"'),
        ("id,timezone\n", 'column "stage"'),
        ("id,stage,,x\n", "row 1, column 3"),
    ],
)
def test_bad_headers_are_refused(header: str, path: str) -> None:
    """An unknown, duplicated, missing or empty header is refused, naming it."""
    with pytest.raises(InvalidInputError) as excinfo:
        read_members(csv_text(header + "ada,action,x,y\n"))
    assert excinfo.value.path == path


def test_two_headers_mapped_onto_one_column_are_refused() -> None:
    """columns= cannot map two headers onto the same peerkit column."""
    with pytest.raises(InvalidInputError, match="one column for 'id'"):
        read_members(csv_text("id,Name,stage\na,b,action\n"), columns={"Name": "id"})


@pytest.mark.parametrize("source", [42, b"id,stage", {"id": "a"}, None])
def test_unreadable_sources_are_refused(source: object) -> None:
    """Anything that is not a path, text, records or a frame is an InvalidInputError."""
    with pytest.raises(InvalidInputError) as excinfo:
        read_members(source)
    assert excinfo.value.path == "source"


def test_missing_file_is_refused(tmp_path: pathlib.Path) -> None:
    """A path that cannot be opened is an InvalidInputError naming the source."""
    with pytest.raises(InvalidInputError, match="source"):
        read_members(tmp_path / "nope.csv")


def test_columns_must_be_a_mapping() -> None:
    """columns= is a mapping of strings to strings or None."""
    with pytest.raises(InvalidInputError, match="columns"):
        read_members([], columns=[("a", "id")])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="columns"):
        read_members([], columns={"a": 3})  # type: ignore[dict-item]


# --- round trips ---------------------------------------------------------------


def test_sample_csv_is_the_sample_cohort() -> None:
    """The CSV shipped in peerkit.datasets reads into the sample cohort's members."""
    assert read_members(sample_cohort_csv()) == sample_cohort().members
    out = io.StringIO()
    write_csv(rows(sample_cohort()), out)
    assert out.getvalue() == sample_cohort_csv().read_text(encoding="utf-8").replace(
        "\n", "\r\n"
    ).replace("\r\r\n", "\r\n")


def test_sample_groups_round_trip(tmp_path: pathlib.Path) -> None:
    """The sample cohort's groups go to a CSV file and back, members looked up by id."""
    cohort = sample_cohort()
    path = tmp_path / "groups.csv"
    write_csv(rows(cohort.groups), path)
    assert read_groups(path, members=cohort) == cohort.groups


@settings(max_examples=40)
@given(st.lists(pst.members(), max_size=6, unique_by=lambda m: m.id))
def test_members_round_trip_through_csv(members: list[Member]) -> None:
    """For all members from peerkit.testing, read_members(rows(members)) and its CSV give them back."""
    assert read_members(rows(members)) == tuple(members)
    out = io.StringIO()
    write_csv(rows(members), out)
    out.seek(0)
    assert read_members(out) == tuple(members)


ODD_TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from(';,"\\\n\r\t é中🙂'),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60)
@given(
    st.lists(ODD_TEXT, min_size=1, max_size=4, unique=True),
    st.lists(ODD_TEXT, max_size=4),
    ODD_TEXT,
    ODD_TEXT,
)
def test_awkward_text_round_trips(
    ids: list[str], goals: list[str], trait: str, key: str
) -> None:
    """Ids, list items and traits with ';', commas, quotes, backslashes, line breaks and unicode round-trip through CSV."""
    members = [Member(i, "action", goals=goals, traits={key: trait}) for i in ids]
    out = io.StringIO()
    write_csv(rows(members), out)
    out.seek(0)
    assert read_members(out) == tuple(members)


@settings(max_examples=40)
@given(st.lists(pst.members(), max_size=5, unique_by=lambda m: m.id))
def test_fast_path_equals_the_checked_path(members: list[Member]) -> None:
    """Members built by the fast path equal members built cell by cell through the constructor."""
    table = rows(members)
    fast = read_members(table)
    original = FastMembers.__call__
    try:
        FastMembers.__call__ = lambda _self, _cells: None  # type: ignore[method-assign,assignment]
        slow = read_members(table)
    finally:
        FastMembers.__call__ = original  # type: ignore[method-assign]
    assert fast == slow == tuple(members)
    for a, b in zip(fast, slow, strict=True):
        assert type(a.traits) is type(b.traits) or dict(a.traits) == dict(b.traits)


@settings(max_examples=25)
@given(pst.cohorts(max_size=6))
def test_groups_round_trip(cohort: Cohort) -> None:
    """For all cohorts, read_groups(rows(groups), members=cohort) gives the groups back."""
    assert (
        read_groups(rows(cohort.groups), members=cohort, scale=cohort.scale)
        == cohort.groups
    )


def test_group_cells_are_checked() -> None:
    """Unknown member ids, a backwards stage band and a bad capacity are named by row and column."""
    people = [Member("ada", "action")]
    with pytest.raises(InvalidRowsError) as excinfo:
        read_groups(
            [
                {"id": "g1", "members": "ada; zed", "capacity": "2"},
                {"id": "g2", "capacity": "x", "stage_band": "action; contemplation"},
                {"id": "g3", "capacity": "0", "members": "ada"},
            ],
            members=people,
        )
    assert problems(excinfo) == [
        'row 2, column "members"',
        'row 3, column "capacity"',
        'row 3, column "stage_band"',
        'row 4, column "capacity"',
    ]


# --- touchpoints and measurements --------------------------------------------


@settings(max_examples=30)
@given(pst.touchpoints(max_size=6))
def test_touchpoints_round_trip(events: list[object]) -> None:
    """For all touchpoints, read_touchpoints(rows(touchpoints)) gives them back."""
    touchpoints = [e for e in events if isinstance(e, Touchpoint)]
    assert read_touchpoints(rows(touchpoints)) == tuple(touchpoints)


def test_naive_due_times_need_a_zone() -> None:
    """A due time without an offset is refused unless a timezone column or argument says whose."""
    table = [
        {"member_id": "ada", "due": "2024-03-10 02:30", "outcome": "kept"},
        {
            "member_id": "ben",
            "due": "2024-03-10T02:30",
            "outcome": "kept",
            "timezone": "America/New_York",
        },
    ]
    with pytest.raises(InvalidRowsError) as excinfo:
        read_touchpoints(table)
    assert problems(excinfo) == ['row 2, column "due"']
    ada, ben = read_touchpoints(table, timezone="America/New_York")
    assert (
        ada.due
        == ben.due
        == pendulum.datetime(2024, 3, 10, 3, 30, tz="America/New_York")
    )
    (utc,) = read_touchpoints(table[:1], timezone="UTC")
    assert utc.due == pendulum.datetime(2024, 3, 10, 2, 30)


def test_touchpoint_cells_are_checked() -> None:
    """A bad outcome, an unreadable instant and a bad zone argument are refused by name."""
    with pytest.raises(InvalidRowsError) as excinfo:
        read_touchpoints(
            csv_text(
                "member_id,due,outcome\nada,yesterday,kept\nada,2024-01-01T00:00Z,late\n"
            )
        )
    assert problems(excinfo) == ['row 2, column "due"', 'row 3, column "outcome"']
    with pytest.raises(InvalidInputError, match="timezone"):
        read_touchpoints([], timezone="EST")


def test_aware_datetimes_in_records_are_taken() -> None:
    """Aware datetime objects (as DataFrames hold them) are instants; naive ones need a zone."""
    aware = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    (t,) = read_touchpoints([{"member_id": "a", "due": aware, "outcome": "missed"}])
    assert t.due == aware
    naive = dt.datetime(2024, 1, 1)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(InvalidRowsError):
        read_touchpoints([{"member_id": "a", "due": naive, "outcome": "missed"}])


@settings(max_examples=30)
@given(pst.measurements(max_size=6))
def test_measurements_round_trip(measurements: list[Measurement]) -> None:
    """For all measurements, read_measurements(rows(...), instruments=...) gives them back."""
    instruments = {m.instrument.name: m.instrument for m in measurements}
    if len(instruments) < len({m.instrument for m in measurements}):
        return  # two instruments share a name: a table cannot tell them apart
    got = read_measurements(rows(measurements), instruments=instruments.values())
    assert got == tuple(measurements)


@settings(max_examples=20)
@given(
    st.tuples(
        pst.measurements(PHQ9, max_size=4),
        pst.measurements(GAD7, max_size=4),
        pst.measurements(PHQ2, max_size=3),
        pst.measurements(WEMWBS, max_size=3),
    )
)
def test_measurements_with_items_round_trip_through_csv(
    parts: tuple[list[Measurement], ...],
) -> None:
    """For all mixed tables of scores, with and without item answers, a CSV file of rows(...) reads back equal."""
    measurements = [m for part in parts for m in part]
    out = io.StringIO()
    write_csv(rows(measurements), out)
    out.seek(0)
    got = read_measurements(out, instruments=[PHQ9, GAD7, PHQ2, WEMWBS])
    assert got == tuple(measurements)
    header = out.getvalue().splitlines()[0] if measurements else ""
    if any(m.items for m in measurements):
        longest = max(len(m.items or ()) for m in measurements)
        assert f"item.{longest}" in header.split(",")


def _scored(**cells: str) -> dict[str, str]:
    return {
        "member_id": "a",
        "instrument": "PHQ-2",
        "at": "2024-01-01T00:00+00:00",
        "score": "3",
        **cells,
    }


@pytest.mark.parametrize(
    ("cells", "column", "expected"),
    [
        ({"item.1": "1"}, "item.1", "every item of the PHQ-2"),
        ({"item.1": "1", "item.2": "2", "item.3": "0"}, "item.3", "has 2 items"),
        ({"item.1": "x", "item.2": "3"}, "item.1", "a number"),
        ({"item.1": "4", "item.2": "-1"}, "item.1", "from 0 to 3"),
        ({"item.1": "1", "item.2": "1"}, "score", "add up to the score"),
        ({"item.01": "1"}, "item.01", "an item number"),
        ({"item.one": "1"}, "item.one", "an item number"),
    ],
)
def test_item_cells_are_checked(
    cells: dict[str, str], column: str, expected: str
) -> None:
    """Items partly answered, beyond the questionnaire, out of range or not adding up are named by row and column."""
    with pytest.raises(InvalidRowsError) as excinfo:
        read_measurements([_scored(**cells)])
    assert problems(excinfo) == [f'row 2, column "{column}"']
    assert expected in str(excinfo.value.errors[0])


def test_a_repeated_item_column_is_refused() -> None:
    """Two columns for one item are refused at the header (item.01 is no way round it)."""
    text = (
        "member_id,instrument,at,score,item.1,item.2,item.1\n"
        "a,PHQ-2,2024-01-01T00:00+00:00,3,1,2,1\n"
    )
    with pytest.raises(InvalidInputError, match=r'row 1, column "item.1"'):
        read_measurements(io.StringIO(text))


def test_items_of_an_instrument_without_items_are_refused() -> None:
    """An item answer on a questionnaire that defines no items is refused in its cell."""
    import attrs

    plain = attrs.evolve(
        PHQ2, name="Plain", item_count=0, item_low=None, item_high=None
    )
    row = _scored(instrument="Plain", **{"item.1": "3"})
    with pytest.raises(InvalidRowsError, match="defines no items"):
        read_measurements([row], instruments=[plain])
    (m,) = read_measurements(
        [_scored(instrument="Plain", **{"item.1": ""})], instruments=[plain]
    )
    assert m.items is None


def test_screeners_are_read_by_default() -> None:
    """PHQ-2 and GAD-2 scores are read without naming the instruments, items and all."""
    got = read_measurements(
        [_scored(**{"item.1": "1", "item.2": "2"}), _scored(instrument="GAD-2")]
    )
    assert [(m.instrument, m.items) for m in got] == [(PHQ2, (1.0, 2.0)), (GAD2, None)]


def test_measurement_cells_are_checked() -> None:
    """An unknown instrument and a score out of range are named by row and column."""
    with pytest.raises(InvalidRowsError) as excinfo:
        read_measurements(
            [
                {
                    "member_id": "a",
                    "instrument": "PHQ-8",
                    "at": "2024-01-01T00:00+00:00",
                    "score": "3",
                },
                {
                    "member_id": "a",
                    "instrument": "PHQ-9",
                    "at": "2024-01-01T00:00+00:00",
                    "score": "30",
                },
            ]
        )
    assert problems(excinfo) == ['row 2, column "instrument"', 'row 3, column "score"']
    (m,) = read_measurements(
        [
            {
                "member_id": "a",
                "instrument": "PHQ-9",
                "at": "2024-01-01 09:00",
                "score": 12,
            }
        ],
        timezone="Europe/Paris",
    )
    assert m == Measurement("a", PHQ9, pendulum.datetime(2024, 1, 1, 8), 12)
    with pytest.raises(InvalidInputError, match="instruments"):
        read_measurements([], instruments="PHQ-9")  # type: ignore[arg-type]


def test_reading_is_thread_safe() -> None:
    """Reading the same roster on many threads gives the same members every time."""
    text = sample_cohort_csv().read_text(encoding="utf-8")
    results = in_threads([lambda: read_members(io.StringIO(text)) for _ in range(16)])
    assert len(results) == 16
    for result in results:
        assert result == sample_cohort().members
