"""Reading members, groups, touchpoints and measurements from tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from peerkit._model import (
    STAGES_OF_CHANGE,
    Group,
    JourneyScale,
    Member,
    as_members,
)
from peerkit._serde import collector_paused
from peerkit._validate import check_instance, check_str
from peerkit.engagement import OUTCOMES, Touchpoint
from peerkit.errors import InvalidInputError, InvalidRowsError, UnknownStageError
from peerkit.outcomes import GAD2, GAD7, PHQ2, PHQ9, WEMWBS, Instrument, Measurement
from peerkit.tables._cells import (
    CellError,
    count_cell,
    instant_cell,
    list_cell,
    number_cell,
    text_cell,
    week_cell,
    zone_cell,
)
from peerkit.tables._fast import FastMembers
from peerkit.tables._source import open_table

if TYPE_CHECKING:
    from peerkit.tables._source import Table

T = TypeVar("T")

MEMBER_COLUMNS = (
    "id",
    "stage",
    "experiences",
    "goals",
    "timezone",
    "availability",
    "languages",
    "max_partners",
    "quiet_hours",
)
GROUP_COLUMNS = (
    "id",
    "members",
    "capacity",
    "focus",
    "languages",
    "timezone",
    "meets",
    "stage_band",
)
TOUCHPOINT_COLUMNS = ("member_id", "due", "outcome", "kind", "timezone")
MEASUREMENT_COLUMNS = ("member_id", "instrument", "at", "score", "timezone")
_MISSING = object()


class _Schema(NamedTuple):
    """The columns a reader knows, its ``prefix.NAME`` columns and required ones."""

    known: tuple[str, ...]
    prefixes: tuple[str, ...]
    required: tuple[str, ...]
    unique: str | None = None  # what ids are unique among ("member"), if any


_MEMBERS = _Schema(MEMBER_COLUMNS, ("trait",), ("id", "stage"), "member")
_GROUPS = _Schema(GROUP_COLUMNS, ("requires",), ("id", "capacity"), "group")
_TOUCHPOINTS = _Schema(TOUCHPOINT_COLUMNS, (), ("member_id", "due", "outcome"))
_MEASUREMENTS = _Schema(
    MEASUREMENT_COLUMNS, ("item",), ("member_id", "instrument", "at", "score")
)


class _Columns:
    """Which header cell feeds which peerkit column, and how to name it."""

    __slots__ = ("_header", "index", "prefixed", "shown")

    def __init__(
        self,
        header: tuple[str, ...],
        columns: Mapping[str, str | None],
        known: tuple[str, ...],
        prefixes: tuple[str, ...],
        required: tuple[str, ...],
    ) -> None:
        self.index: dict[str, int] = {}
        self.shown: dict[str, str] = {}
        self.prefixed: dict[str, list[tuple[str, int]]] = {p: [] for p in prefixes}
        unknown: list[str] = []
        for i, name in enumerate(header):
            target = columns.get(name, name)
            if target is None:
                continue  # a column the caller said to leave out
            prefix, _, rest = target.partition(".")
            if target in known:
                if target in self.index:
                    raise InvalidInputError(
                        f'row 1, column "{name}"',
                        name,
                        f"one column for {target!r} "
                        f'(column "{self.shown[target]}" is one already)',
                    )
                self.index[target] = i
                self.shown[target] = name
            elif rest and prefix in self.prefixed:
                if not rest.strip() or rest != rest.strip():
                    raise InvalidInputError(
                        f'row 1, column "{name}"', name, f"a name after '{prefix}.'"
                    )
                self.prefixed[prefix].append((rest, i))
            else:
                unknown.append(name)
        if unknown:
            raise _unknown_column(unknown[0], known, prefixes)
        for name in required if header else ():  # no columns at all: no rows
            if name not in self.index:
                raise InvalidInputError(
                    f'column "{name}"',
                    tuple(header),
                    f"a {name!r} column in the header",
                )
        self._header = header

    def path(self, number: int, name: str) -> str:
        return f'row {number}, column "{self.shown[name]}"'

    def path_at(self, number: int, index: int) -> str:
        return f'row {number}, column "{self._header[index]}"'


def _unknown_column(
    name: str, known: tuple[str, ...], prefixes: tuple[str, ...]
) -> InvalidInputError:
    """A header peerkit does not read, with the column it likely means, if any."""
    names = ", ".join(known) + "".join(f", {p}.NAME" for p in prefixes)
    head, dot, rest = name.partition(".")
    loose = {_loose(k): k for k in known}
    meant = loose.get(_loose(name))
    if meant is None and dot and rest and head.casefold() in prefixes:
        meant = f"{head.casefold()}.{rest}"
    hint = f"did you mean {meant!r}? Write it as listed, or " if meant else ""
    return InvalidInputError(
        f'row 1, column "{name}"',
        name,
        f"a column peerkit reads ({names}); {hint}map your own headers with "
        f"columns={{{name!r}: {meant or 'timezone'!r}}}, or leave one out with None",
    )


def _loose(name: str) -> str:
    """A header without case, spaces, hyphens or underscores, to suggest a column."""
    return "".join(c for c in name.casefold() if c not in " _-")


def _check_columns(columns: object) -> Mapping[str, str | None]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InvalidInputError(
            "columns", columns, "a mapping of your header to peerkit's column"
        )
    for key, value in columns.items():
        check_str("columns", key)
        if value is not None:
            check_str(f"columns[{key!r}]", value)
    return columns


class _Reader:
    """One row at a time: cells by peerkit name, problems named as shown."""

    __slots__ = ("cells", "cols", "number", "problems")

    def __init__(self, cols: _Columns, problems: list[InvalidInputError]) -> None:
        self.cols = cols
        self.problems = problems
        self.number = 0
        self.cells: tuple[object, ...] = ()

    def raw(self, name: str) -> object:
        i = self.cols.index.get(name)
        return None if i is None else self.cells[i]

    def get(self, name: str, read: Callable[[object], T], default: T) -> T:
        """The cell read by *read*; *default* where it is empty or bad."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            return read(value)
        except CellError as exc:
            self.fail(name, exc.value, exc.expected)
            return default

    def need(self, name: str, read: Callable[[object], T]) -> T | object:
        """A required cell read by *read*; `_MISSING` (with a problem) if absent."""
        if self.raw(name) is None:
            self.fail(name, "", "a value: the column is required")
            return _MISSING
        return self.get(name, read, _MISSING)

    def fail(self, name: str, value: object, expected: str) -> None:
        self.problems.append(
            InvalidInputError(self.cols.path(self.number, name), value, expected)
        )

    def fail_at(self, index: int, value: object, expected: str) -> None:
        self.problems.append(
            InvalidInputError(self.cols.path_at(self.number, index), value, expected)
        )


def _read_table(
    source: object,
    columns: object,
    schema: _Schema,
    build: Callable[[_Reader], T | None],
) -> list[T]:
    """
    Every row built, or `InvalidRowsError` with every problem found.

    Where the schema says so, ids must be unique within the table; a
    repeat names the row that had it first.
    """
    mapping = _check_columns(columns)
    problems: list[InvalidInputError] = []
    table: Table = open_table(source, problems)
    try:  # a file the table opened is closed even when the header is refused
        cols = _Columns(
            table.header, mapping, schema.known, schema.prefixes, schema.required
        )
        reader = _Reader(cols, problems)
        with collector_paused(large=True):  # values by the thousand, no cycles
            out = _read_rows(table, reader, build, schema.unique)
    finally:
        table.close()
    if problems:
        position = {name: i for i, name in enumerate(table.header)}
        problems.sort(key=lambda problem: _place(problem, position))
        raise InvalidRowsError(problems)
    return out


def _read_rows(
    table: Table,
    reader: _Reader,
    build: Callable[[_Reader], T | None],
    unique: str | None,
) -> list[T]:
    """The values of the rows that build without a problem; problems noted."""
    problems = reader.problems
    out: list[T] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        reader.number, reader.cells = number, cells
        before = len(problems)
        value = build(reader)
        if value is None or len(problems) != before:
            continue
        if unique is not None:
            ident: str = value.id  # type: ignore[attr-defined]
            first = seen.setdefault(ident, number)
            if first != number:
                reader.fail(
                    "id",
                    ident,
                    f"{unique} ids unique within the table (row {first} has it)",
                )
                continue
        out.append(value)
    return out


def _place(problem: InvalidInputError, position: Mapping[str, int]) -> tuple[int, int]:
    """Where a problem sits: its row, then its column's place in the header."""
    head, _, column = problem.path.partition(", column ")
    row = int(head[4:]) if head.startswith("row ") and head[4:].isdigit() else 0
    return row, position.get(column[1:-1], -1)


# --- members -----------------------------------------------------------------


def read_members(
    source: object,
    *,
    scale: JourneyScale = STAGES_OF_CHANGE,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[Member, ...]:
    r"""
    Members from a roster: a CSV file, records or a DataFrame.

    One row per member. The columns are `Member`'s fields: ``id`` and
    ``stage`` are required; ``experiences``, ``goals`` and ``languages``
    are lists separated by ``;`` (``en; de``); ``availability`` and
    ``quiet_hours`` are window specs separated by ``;`` in the form
    ``str(WeeklyAvailability)`` prints (``mon-fri 18:00-21:00; sat
    10:00-12:00``, or ``never``); ``max_partners`` is a whole number; each
    ``trait.NAME`` column is a trait. An empty cell means the field's
    default. The stage is checked against *scale* here, and ids must be
    unique. The whole table is read before answering, so every bad row is
    reported at once.

    Args:
        source: A path to a CSV file (UTF-8, a byte-order mark is fine), a
            text file, an iterable of mappings (`csv.DictReader`,
            ``DataFrame.to_dict("records")``, polars ``to_dicts()``,
            ``rows(members)``), or a pandas or polars DataFrame (taken by
            duck typing; neither is a dependency).
        scale: The journey scale stages are checked against.
        columns: Your headers mapped onto peerkit's (``{"Time zone":
            "timezone", "Age": "trait.age_band"}``); map a header to None
            to leave its column out. Any other unknown column is an error,
            so a misspelt header is never silently dropped.

    Returns:
        The members, in the table's row order.

    Raises:
        peerkit.errors.InvalidRowsError: If any row is bad; ``errors`` lists
            every problem, each naming the row and the column as the
            spreadsheet shows them (``row 4, column "timezone"``; the
            header is row 1).
        peerkit.errors.InvalidInputError: If the source cannot be read or
            the header is unusable (a duplicated or unknown column, no
            ``id`` or ``stage`` column).

    Examples:
        >>> import io
        >>> roster = io.StringIO(
        ...     "id,stage,timezone,languages,availability,trait.age_band\n"
        ...     "ada,action,Europe/London,en; fr,mon-fri 18:00-21:00,26-40\n"
        ...     "ben,preparation,,,,\n"
        ... )
        >>> ada, ben = read_members(roster)
        >>> sorted(ada.languages), str(ada.availability), dict(ada.traits)
        (['en', 'fr'], 'mon-fri 18:00-21:00', {'age_band': '26-40'})
        >>> ben.timezone, str(ben.availability)
        ('UTC', 'daily 00:00-24:00')

    Added in 0.2.
    """
    check_instance("scale", scale, JourneyScale, "a JourneyScale")
    stages = frozenset(scale.stages)

    fast: list[FastMembers] = []

    def build(row: _Reader) -> Member | None:
        if not fast:  # the header is known once the first row is
            fast.append(FastMembers(row.cols.index, row.cols.prefixed["trait"], stages))
        return fast[0](row.cells) or _member_checked(row, scale)

    return tuple(_read_table(source, columns, _MEMBERS, build))


def _prefixed_cells(
    row: _Reader, prefix: str, read: Callable[[object], T]
) -> dict[str, T]:
    """The ``prefix.NAME`` cells of a row by NAME, each read by *read*."""
    out: dict[str, T] = {}
    for key, i in row.cols.prefixed[prefix]:
        value = row.cells[i]
        if value is None:
            continue
        try:
            out[check_str("", key)] = read(value)
        except InvalidInputError as exc:
            row.fail_at(i, key, f"a name after '{prefix}.': " + exc.expected)
        except CellError as exc:
            row.fail_at(i, exc.value, exc.expected)
    return out


_CHECKED: dict[str, Callable[[object], object]] = {
    "experiences": list_cell,
    "goals": list_cell,
    "languages": list_cell,
    "timezone": zone_cell,
    "availability": week_cell,
    "quiet_hours": week_cell,
}
_GROUP_CELLS: dict[str, Callable[[object], object]] = {
    "focus": list_cell,
    "languages": list_cell,
    "timezone": zone_cell,
    "meets": week_cell,
}


def _optional_fields(
    row: _Reader, readers: Mapping[str, Callable[[object], object]]
) -> dict[str, Any]:
    """The optional cells of a row that hold a value, each read by its reader."""
    fields: dict[str, Any] = {}
    for name, read in readers.items():
        value = row.get(name, read, None)
        if value:  # an empty list (a cell of only ';') is the default too
            fields[name] = value
    return fields


def _member_checked(row: _Reader, scale: JourneyScale) -> Member | None:
    """The member from a row, cell by cell, every bad cell a problem."""
    before = len(row.problems)
    ident = row.need("id", text_cell)
    stage = row.need("stage", text_cell)
    if stage is not _MISSING:
        try:
            scale.check(stage)  # type: ignore[arg-type]
        except UnknownStageError:
            path = row.cols.path(row.number, "stage")
            row.problems.append(UnknownStageError(path, stage, scale.stages))
    fields = _optional_fields(row, _CHECKED)
    partners = row.get("max_partners", count_cell, None)
    if partners is not None:
        fields["max_partners"] = partners
    traits = _prefixed_cells(row, "trait", text_cell)
    if len(row.problems) > before:
        return None
    try:
        return Member(ident, stage, traits=traits, **fields)  # type: ignore[arg-type]
    except InvalidInputError as exc:  # a rule the cells above do not check
        field = exc.path.split(".", 1)[0].split("[", 1)[0]
        name = field if field in row.cols.index else "id"
        row.fail(name, exc.value, exc.expected)
        return None


# --- groups ------------------------------------------------------------------


def read_groups(
    source: object,
    *,
    members: Iterable[Member] | object,
    scale: JourneyScale = STAGES_OF_CHANGE,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[Group, ...]:
    r"""
    Groups from a table, their members looked up by id in *members*.

    One row per group. Columns: ``id`` and ``capacity`` (required),
    ``members`` (member ids separated by ``;``), ``focus`` and
    ``languages`` (lists), ``timezone``, ``meets`` (window specs, as in
    `read_members`), ``stage_band`` (``lowest; highest``, checked against
    *scale*), and a ``requires.TRAIT`` column per trait rule (the accepted
    values separated by ``;``). Empty cells mean the default.

    Args:
        source: As for `read_members`.
        members: The members the ``members`` cells name: `Member` values or
            a `peerkit.Cohort`.
        scale: The journey scale stage bands are checked against.
        columns: Your headers mapped onto peerkit's, as for `read_members`.

    Raises:
        peerkit.errors.InvalidRowsError: If any row is bad, every problem
            named by row and column.
        peerkit.errors.InvalidInputError: If the source or the header is
            unusable, or *members* is not members.

    Examples:
        >>> import io
        >>> from peerkit import Member
        >>> people = [Member("ada", "action"), Member("ben", "preparation")]
        >>> table = io.StringIO(
        ...     "id,members,capacity,meets,timezone,requires.age_band\n"
        ...     "g1,ada; ben,8,tue 18:00-19:30,Europe/Paris,18-25; 26-40\n"
        ... )
        >>> (g1,) = read_groups(table, members=people)
        >>> g1.member_ids, str(g1.meets), sorted(g1.requires["age_band"])
        (('ada', 'ben'), 'tue 18:00-19:30', ['18-25', '26-40'])

    Added in 0.2.
    """
    check_instance("scale", scale, JourneyScale, "a JourneyScale")
    by_id = {m.id: m for m in as_members("members", members)}

    def people(value: object) -> list[Member]:
        found = []
        for ident in list_cell(value):
            member = by_id.get(ident)
            if member is None:
                raise CellError(ident, "ids of members given in members=")
            found.append(member)
        return found

    def band(value: object) -> tuple[str, str]:
        ends = list_cell(value)
        if len(ends) != 2:
            raise CellError(value, "a stage band: 'lowest; highest'")
        try:
            scale.check_band((ends[0], ends[1]))
        except InvalidInputError as exc:
            raise CellError(exc.value, exc.expected) from None
        return ends[0], ends[1]

    def build(row: _Reader) -> Group | None:
        before = len(row.problems)
        ident = row.need("id", text_cell)
        capacity = row.need("capacity", count_cell)
        fields = _optional_fields(row, {**_GROUP_CELLS, "stage_band": band})
        requires = _prefixed_cells(row, "requires", list_cell)
        listed: list[Member] = row.get("members", people, [])
        if len(row.problems) > before:
            return None
        try:
            return Group(ident, listed, capacity, requires=requires, **fields)  # type: ignore[arg-type]
        except InvalidInputError as exc:
            field = exc.path.split(".", 1)[0].split("[", 1)[0]
            name = field if field in row.cols.index else "id"
            row.fail(name, exc.value, exc.expected)
            return None

    return tuple(_read_table(source, columns, _GROUPS, build))


# --- events ------------------------------------------------------------------


def _zone_of(row: _Reader, timezone: str | None) -> str | None:
    """Whose clock a naive instant on this row is on: its cell, else the argument."""
    return row.get("timezone", zone_cell, None) or timezone


def read_touchpoints(
    source: object,
    *,
    timezone: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[Touchpoint, ...]:
    """
    Touchpoints from a table: who, when it was due, and what happened.

    One row per touchpoint. Columns: ``member_id``, ``due`` (an ISO 8601
    instant with its offset, ``2024-03-04T18:00:00+00:00``) and
    ``outcome`` (``kept``, ``missed`` or ``excused``) are required;
    ``kind`` defaults to ``checkin``. A due time without an offset is
    refused unless a ``timezone`` column on its row, or *timezone*, says
    whose wall clock it is on; it is then read as RFC 5545 reads local
    times (a time in a spring-forward gap moves forward by the gap).

    Args:
        source: As for `read_members`.
        timezone: The IANA zone naive due times are on, where the row has
            no ``timezone`` cell. None refuses naive times.
        columns: Your headers mapped onto peerkit's, as for `read_members`.

    Raises:
        peerkit.errors.InvalidRowsError: If any row is bad, every problem
            named by row and column.
        peerkit.errors.InvalidInputError: If the source or the header is
            unusable.

    Examples:
        >>> rows = [
        ...     {
        ...         "member_id": "ada",
        ...         "due": "2024-03-04T18:00:00+00:00",
        ...         "outcome": "kept",
        ...     },
        ...     {"member_id": "ada", "due": "2024-03-11 18:00", "outcome": "missed"},
        ... ]
        >>> kept, missed = read_touchpoints(rows, timezone="Europe/London")
        >>> str(missed.due)
        '2024-03-11 18:00:00+00:00'

    Added in 0.2.
    """
    zone_default = None if timezone is None else _checked_zone(timezone)

    def outcome(value: object) -> str:
        if value not in OUTCOMES:
            raise CellError(value, "'kept', 'missed' or 'excused'")
        return value

    def build(row: _Reader) -> Touchpoint | None:
        member_id = row.need("member_id", text_cell)
        zone = _zone_of(row, zone_default)
        due = row.need("due", lambda v: instant_cell(v, zone))
        what = row.need("outcome", outcome)
        kind = row.get("kind", text_cell, "checkin")
        if _MISSING in (member_id, due, what):
            return None
        return Touchpoint(member_id, due, what, kind)  # type: ignore[arg-type]

    return tuple(_read_table(source, columns, _TOUCHPOINTS, build))


def _checked_zone(timezone: object) -> str:
    try:
        return zone_cell(timezone)
    except CellError as exc:
        raise InvalidInputError("timezone", exc.value, exc.expected) from None


def read_measurements(
    source: object,
    *,
    instruments: Iterable[Instrument] = (PHQ9, GAD7, WEMWBS, PHQ2, GAD2),
    timezone: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> tuple[Measurement, ...]:
    """
    Questionnaire scores from a table: whose, which, when, the total.

    One row per completed questionnaire. Columns (all required but
    ``timezone`` and the items): ``member_id``, ``instrument`` (an
    instrument's name, ``PHQ-9``), ``at`` (an ISO 8601 instant with its
    offset) and ``score``. Naive instants are read as in
    `read_touchpoints`. The item answers, where given, are one column per
    question, ``item.1`` to ``item.N`` in the questionnaire's order (as a
    survey tool exports them): every item of the row's instrument
    answered or every one empty, and ``score`` their sum. A table of
    several questionnaires leaves the columns past a shorter one's items
    empty.

    Args:
        source: As for `read_members`.
        instruments: The instruments the ``instrument`` cells name, by
            `Instrument.name`; PHQ-9, GAD-7, WEMWBS, PHQ-2 and GAD-2 by
            default.
        timezone: The IANA zone naive times are on, where the row has no
            ``timezone`` cell. None refuses naive times.
        columns: Your headers mapped onto peerkit's, as for `read_members`.

    Raises:
        peerkit.errors.InvalidRowsError: If any row is bad (a score out of
            the instrument's range, items only partly answered or not
            adding up to the score included), every problem named by row
            and column.
        peerkit.errors.InvalidInputError: If the source, the header or
            *instruments* is unusable.

    Examples:
        >>> (m,) = read_measurements(
        ...     [
        ...         {
        ...             "member_id": "ada",
        ...             "instrument": "PHQ-9",
        ...             "at": "2024-01-08T18:00:00+01:00",
        ...             "score": "17",
        ...         }
        ...     ]
        ... )
        >>> m.instrument.name, m.score, str(m.at)
        ('PHQ-9', 17.0, '2024-01-08 17:00:00+00:00')
        >>> from peerkit.outcomes import PHQ2
        >>> (m,) = read_measurements(
        ...     [
        ...         {
        ...             "member_id": "ada",
        ...             "instrument": "PHQ-2",
        ...             "at": "2024-01-08T18:00:00+01:00",
        ...             "score": "4",
        ...             "item.1": "1",
        ...             "item.2": "3",
        ...         }
        ...     ],
        ...     instruments=[PHQ2],
        ... )
        >>> m.items
        (1.0, 3.0)

    Added in 0.2.
    """
    by_name: dict[str, Instrument] = {}
    if isinstance(instruments, (str, Mapping)) or not isinstance(instruments, Iterable):
        raise InvalidInputError(
            "instruments", instruments, "an iterable of Instruments"
        )
    for i, instrument in enumerate(instruments):
        check_instance(f"instruments[{i}]", instrument, Instrument, "an Instrument")
        by_name[instrument.name] = instrument
    zone_default = None if timezone is None else _checked_zone(timezone)

    def which(value: object) -> Instrument:
        found = by_name.get(value) if isinstance(value, str) else None
        if found is None:
            names = ", ".join(repr(n) for n in sorted(by_name))
            raise CellError(value, f"the name of an instrument given ({names})")
        return found

    def build(row: _Reader) -> Measurement | None:
        member_id = row.need("member_id", text_cell)
        instrument = row.need("instrument", which)
        zone = _zone_of(row, zone_default)
        at = row.need("at", lambda v: instant_cell(v, zone))
        score = row.need("score", number_cell)
        items = _item_cells(row, instrument)
        if _MISSING in (member_id, instrument, at, score, items):
            return None
        try:
            return Measurement(member_id, instrument, at, score, items=items)  # type: ignore[arg-type]
        except InvalidInputError as exc:  # out of range, or not the items' sum
            row.fail("score", score, exc.expected)
            return None

    return tuple(_read_table(source, columns, _MEASUREMENTS, build))


def _item_cells(row: _Reader, instrument: object) -> tuple[float, ...] | object:
    """
    The ``item.N`` answers of a row in order; None if none; `_MISSING` if bad.

    ``item.1`` is the questionnaire's first item. Every item the
    instrument defines is answered, or none is; an answer beyond its
    items, or to an instrument without items, is a problem of its cell.
    """
    before = len(row.problems)
    answers, where = _item_answers(row)
    if len(row.problems) != before or instrument is _MISSING:
        return _MISSING
    if not answers:
        return None
    assert isinstance(instrument, Instrument)  # noqa: S101 - `which` gave it
    n = instrument.item_count
    beyond = [number for number in sorted(answers) if number > n]
    if beyond:
        has = "defines no items" if n == 0 else f"has {n} items"
        i = where[beyond[0]]
        row.fail_at(i, row.cells[i], f"no answer: the {instrument.name} as given {has}")
        return _MISSING
    missing = [k for k in range(1, n + 1) if k not in answers]
    if missing:
        row.fail_at(
            where[min(answers)],
            ", ".join(f"item.{k}" for k in missing),
            f"every item of the {instrument.name} answered (item.1 to item.{n}), "
            "or none; these are empty or absent",
        )
        return _MISSING
    try:
        return instrument.check_items(tuple(answers[k] for k in range(1, n + 1)))
    except InvalidInputError as exc:  # path "items[K]": item.K+1 is out of range
        inside = exc.path.partition("[")[2].rstrip("]")
        i = where[int(inside) + 1 if inside.isdigit() else min(answers)]
        row.fail_at(i, row.cells[i], exc.expected)
        return _MISSING


def _item_answers(row: _Reader) -> tuple[dict[int, float], dict[int, int]]:
    """The answered ``item.N`` cells by N, and each N's header index."""
    answers: dict[int, float] = {}
    where: dict[int, int] = {}
    for key, i in row.cols.prefixed["item"]:
        if not (key.isascii() and key.isdigit() and not key.startswith("0")):
            row.fail_at(i, key, "an item number from 1 after 'item.' (item.1)")
            continue
        where[int(key)] = i  # no two: the header holds each name once
        if row.cells[i] is None:
            continue
        try:
            answers[int(key)] = number_cell(row.cells[i])
        except CellError as exc:
            row.fail_at(i, exc.value, exc.expected)
    return answers, where
