"""The shared validators that every value type builds on."""

import pytest

from peerkit import InvalidInputError
from peerkit._serde import converter
from peerkit._validate import (
    between,
    check_float,
    check_int,
    check_iterable,
    check_str,
    check_str_set,
    to_tuple,
)


def test_check_float_bounds_and_types() -> None:
    """Numbers are accepted within bounds; bools, strings and out-of-range values are named errors."""
    assert check_float("x", 1) == 1.0
    assert check_float("x", 0.5, low=0.0, high=1.0) == 0.5
    for bad in [True, "1", None, float("nan"), 1.5]:
        with pytest.raises(InvalidInputError) as info:
            check_float("score", bad, low=0.0, high=1.0)
        assert info.value.path == "score"


def test_check_int_minimum() -> None:
    """Integers are checked against a minimum; bools are not integers here."""
    assert check_int("n", 3, minimum=0) == 3
    for bad in [-1, True, 2.0]:
        with pytest.raises(InvalidInputError):
            check_int("n", bad, minimum=0)


def test_to_tuple_passes_odd_values_on() -> None:
    """The lenient converter leaves strings and non-iterables for the validator to refuse."""
    assert to_tuple([1, 2]) == (1, 2)
    assert to_tuple("ab") == "ab"  # type: ignore[comparison-overlap]
    assert to_tuple(5) == 5  # type: ignore[arg-type, comparison-overlap]


def test_strict_bools_and_lists() -> None:
    """Booleans must be JSON booleans; lists structure element by element with paths."""
    assert converter.structure(True, bool) is True  # noqa: FBT003
    with pytest.raises(InvalidInputError):
        converter.structure(1, bool)
    assert converter.structure(["a"], list[str]) == ["a"]
    with pytest.raises(InvalidInputError) as info:
        converter.structure(["a", 2], list[str])
    assert info.value.path == "[1]"


@pytest.mark.parametrize("bad", ["\ud800", "x\udbff", "\udfff y"])
def test_check_str_refuses_lone_surrogates(bad: str) -> None:
    """check_str (every string field's check) refuses text UTF-8 cannot encode."""
    with pytest.raises(InvalidInputError, match="UTF-8") as info:
        check_str("name", bad)
    assert info.value.path == "name"
    with pytest.raises(InvalidInputError) as info:
        check_str_set("tags", frozenset({"ok", bad}))
    assert info.value.path == "tags"
    assert check_str("name", "caf\u00e9 \U0001f600") == "caf\u00e9 \U0001f600"


def test_between_excludes_both_ends() -> None:
    """between(0, 1) takes numbers strictly inside and names the field for the ends or worse."""
    check = between(0.0, 1.0)

    class Field:
        name = "reliability"

    check(None, Field, 0.5)  # type: ignore[arg-type]
    for bad in [0.0, 1.0, -1.0, float("nan"), True, "0.5"]:
        with pytest.raises(InvalidInputError) as info:
            check(None, Field, bad)  # type: ignore[arg-type]
        assert info.value.path == "reliability"


def test_check_iterable_refuses_strings_mappings_and_scalars() -> None:
    """Lists, tuples, sets and generators pass; strings, bytes, mappings and scalars do not."""
    for good in [[], (), {1}, iter([1])]:
        assert check_iterable("members", good, "ids") is good
    for bad in ["ab", b"ab", {"a": 1}, 3, None]:
        with pytest.raises(InvalidInputError) as info:
            check_iterable("members", bad, "ids")
        assert info.value.path == "members"
