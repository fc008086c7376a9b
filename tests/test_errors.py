"""The error family: one base, builtin-compatible, details as attributes."""

import pytest

from peerkit.errors import InvalidInputError, PeerkitError, UnknownStageError


def test_invalid_input_is_a_value_error_with_details() -> None:
    """InvalidInputError is a PeerkitError and a ValueError and carries path, value, expected."""
    err = InvalidInputError(
        "members[3].timezone", "Mars/Base", "an IANA time zone name"
    )
    assert isinstance(err, PeerkitError)
    assert isinstance(err, ValueError)
    assert (err.path, err.value, err.expected) == (
        "members[3].timezone",
        "Mars/Base",
        "an IANA time zone name",
    )
    assert (
        str(err)
        == "members[3].timezone: expected an IANA time zone name, got 'Mars/Base'"
    )


def test_message_without_a_path_and_long_values_are_shortened() -> None:
    """An error with no path still reads well; huge values are cut."""
    assert str(InvalidInputError("", 1, "a string")) == "expected a string, got 1"
    assert len(str(InvalidInputError("x", "y" * 10_000, "short"))) < 200


def test_at_prefixes_paths() -> None:
    """at() places an error inside an enclosing value, keeping its type."""
    assert (
        InvalidInputError("timezone", "x", "z").at("members[3]").path
        == "members[3].timezone"
    )
    assert InvalidInputError("[2]", "x", "z").at("members").path == "members[2]"
    assert InvalidInputError("", "x", "z").at("members").path == "members"
    assert InvalidInputError("stage", "x", "z").at("").path == "stage"
    err = UnknownStageError("stage", "flying", ("a", "b")).at("members[0]")
    assert isinstance(err, UnknownStageError)
    assert err.path == "members[0].stage"
    assert err.stages == ("a", "b")


def test_unknown_stage_lists_the_stages() -> None:
    """UnknownStageError says which stages would have been accepted."""
    err = UnknownStageError("stage", "flying", ("walking", "running"))
    assert "'walking', 'running'" in str(err)


def test_errors_can_be_raised_and_caught_as_value_error() -> None:
    """Code that catches ValueError keeps working."""
    with pytest.raises(ValueError, match="expected"):
        raise InvalidInputError("a", 1, "b")
