"""
The exceptions peerkit raises on purpose.

Every failure peerkit can foresee is a `PeerkitError`; bad input is an
`InvalidInputError`, which is also a `ValueError`, so code that already
catches `ValueError` keeps working.

Example:
    >>> import peerkit
    >>> try:
    ...     peerkit.Member("ada", "action", timezone="Mars/Olympus_Mons")
    ... except peerkit.InvalidInputError as e:
    ...     print(e.path)
    timezone
"""

from __future__ import annotations

import reprlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["InvalidInputError", "InvalidRowsError", "PeerkitError", "UnknownStageError"]


class PeerkitError(Exception):
    """
    Base class for every exception peerkit raises on purpose.

    Examples:
        >>> import peerkit
        >>> try:
        ...     peerkit.STAGES_OF_CHANGE.index("relapse")
        ... except peerkit.PeerkitError as e:
        ...     print(type(e).__name__)
        UnknownStageError

    Added in 0.1.
    """


class InvalidInputError(PeerkitError, ValueError):
    """
    A value passed to peerkit is not what it expects.

    The message names the offending field, the value and what was expected,
    e.g. ``members[3].timezone: expected an IANA time zone name such as
    'Europe/London', got 'Mars/Olympus_Mons'``.

    Attributes:
        path: Where the value sits in the input, e.g. ``members[3].timezone``.
            A top-level argument is named by itself (``history``).
        value: The offending value as given.
        expected: What would have been accepted, in words.

    Examples:
        >>> from peerkit import Member
        >>> from peerkit.errors import InvalidInputError
        >>> try:
        ...     Member("ada", "action", languages=[])
        ... except InvalidInputError as e:
        ...     print(e.path, isinstance(e, ValueError))
        languages True

    Added in 0.1.
    """

    path: str
    value: object
    expected: str

    def __init__(self, path: str, value: object, expected: str) -> None:
        super().__init__(path, value, expected)
        self.path = path
        self.value = value
        self.expected = expected

    def __str__(self) -> str:
        value = _short_repr(self.value)
        if self.path:
            return f"{self.path}: expected {self.expected}, got {value}"
        return f"expected {self.expected}, got {value}"

    def at(self, path: str) -> InvalidInputError:
        """
        Return a copy of this error whose path is prefixed with *path*.

        Used when a value nested inside a larger one fails: a member's
        ``timezone`` becomes ``members[3].timezone``.

        Args:
            path: The location of the enclosing value.

        Examples:
            >>> err = InvalidInputError("timezone", "Mars/Olympus_Mons", "a zone")
            >>> err.at("members[3]").path
            'members[3].timezone'
        """
        new = _copy_with_path(self, _join_path(path, self.path))
        new.__cause__ = self.__cause__
        return new


class UnknownStageError(InvalidInputError):
    """
    A stage name is not on the journey scale it is checked against.

    Attributes:
        stages: The stages the scale has, in order.

    Examples:
        >>> from peerkit import STAGES_OF_RECOVERY
        >>> from peerkit.errors import UnknownStageError
        >>> try:
        ...     STAGES_OF_RECOVERY.check("action")
        ... except UnknownStageError as e:
        ...     print(e.stages)
        ('moratorium', 'awareness', 'preparation', 'rebuilding', 'growth')

    Added in 0.1.
    """

    stages: tuple[str, ...]

    def __init__(self, path: str, value: object, stages: Sequence[str]) -> None:
        self.stages = tuple(stages)
        listed = ", ".join(repr(s) for s in self.stages)
        super().__init__(path, value, f"a stage on the scale ({listed})")


class InvalidRowsError(InvalidInputError):
    r"""
    Rows of a table could not be read: every problem, not only the first.

    `peerkit.tables` reads a whole table before it answers, so a roster
    with five bad rows is fixed in one pass. Each problem is an
    `InvalidInputError` whose path names the row and the column as the
    spreadsheet shows them (the header is row 1): ``row 4, column
    "timezone"``. The error itself carries the first problem's path,
    value and expectation, so code that catches `InvalidInputError` (or
    `ValueError`) keeps working.

    Attributes:
        errors: Every problem found, in row order then column order.

    Examples:
        >>> import io
        >>> from peerkit.tables import read_members
        >>> table = io.StringIO("id,stage\nada,action\nben,acton\n,action\n")
        >>> try:
        ...     read_members(table)
        ... except InvalidRowsError as e:
        ...     print([problem.path for problem in e.errors])
        ['row 3, column "stage"', 'row 4, column "id"']

    Added in 0.2.
    """

    errors: tuple[InvalidInputError, ...]

    def __init__(self, errors: Sequence[InvalidInputError]) -> None:
        self.errors = tuple(errors)
        if not self.errors:
            raise ValueError("InvalidRowsError needs at least one problem")
        first = self.errors[0]
        super().__init__(first.path, first.value, first.expected)

    def __str__(self) -> str:
        shown = self.errors[:_ROWS_SHOWN]
        lines = [InvalidInputError.__str__(e) for e in shown]
        more = len(self.errors) - len(shown)
        if more:
            lines.append(f"... and {more} more")
        count = len(self.errors)
        head = "1 problem" if count == 1 else f"{count} problems"
        return f"{head} in the table:\n  " + "\n  ".join(lines)


_ROWS_SHOWN = 20


def _join_path(prefix: str, path: str) -> str:
    """Join two error paths: ``members`` + ``[3].id`` -> ``members[3].id``."""
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


def _copy_with_path(err: InvalidInputError, path: str) -> InvalidInputError:
    if isinstance(err, InvalidRowsError):
        return InvalidRowsError([e.at(path) for e in err.errors])
    if isinstance(err, UnknownStageError):
        return UnknownStageError(path, err.value, err.stages)
    return InvalidInputError(path, err.value, err.expected)


_REPR = reprlib.Repr()  # keyword arguments need Python 3.12
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 80, 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdict = 6


def _short_repr(value: object, limit: int = 120) -> str:
    """A repr that stays short and safe for any value, however nested."""
    try:
        text = _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the error
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        return text[: limit - 3] + "..."
    return text
