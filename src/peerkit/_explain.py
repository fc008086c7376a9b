"""Reason: the unit of every explanation peerkit gives."""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs

from peerkit._validate import check_float, check_str, to_float
from peerkit.errors import InvalidInputError

_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")


@functools.lru_cache(maxsize=4096)
def _is_code(value: str) -> bool:
    return _CODE.fullmatch(value) is not None


def _check_code(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _is_code(value):
        raise InvalidInputError(
            attr.name, value, "a dotted lower-case code such as 'stage.close'"
        )


def _check_weight(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    check_float(attr.name, value)


def _check_message(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    check_str(attr.name, value)


@attrs.frozen
class Reason:
    """
    One reason behind a decision: a stable code, its weight, plain words.

    Reasons are what peerkit shows a coordinator or a member to explain a
    score, a placement, a pairing or a flag. Their messages are written to
    be member-safe: they never name another member or reveal another
    member's experiences or traits, only counts ("shares a focus with 3
    members").

    Attributes:
        code: Stable, machine-readable, dotted and lower-case
            (``"stage.close"``, ``"blocked"``). Safe to branch on.
        weight: How much the reason counted, signed: positive for, negative
            against. Its scale is the decision's own (a score component's
            contribution, a hard rule's ``-1.0``).
        message: One plain-language sentence a member may read.

    Examples:
        >>> Reason("stage.close", 0.3, "At a similar point in the journey.").code
        'stage.close'

    Added in 0.1.
    """

    code: str = attrs.field(validator=_check_code)
    weight: float = attrs.field(converter=to_float, validator=_check_weight)
    message: str = attrs.field(validator=_check_message)


def describe_trend(
    slope: float | None,
    low: float | None,
    high: float | None,
    *,
    format_spec: str = ".0%",
) -> str | None:
    """
    A weekly trend in words, only when its whole 95% interval is one side of 0.

    One narration for every "falling/rising by about ... a week" peerkit
    writes (a group's attendance, a group's session feedback), so the
    wording and the rule (say nothing while the interval spans zero) are
    the same everywhere.

    Args:
        slope: The change per week, or None with too little data.
        low: The lower end of the slope's 95% interval.
        high: The upper end of the slope's 95% interval.
        format_spec: How to print the size of the change (``".0%"`` for a
            rate, ``".2f"`` for a score).

    Returns:
        ``"falling by about 4% a week"`` if even *high* is below 0,
        ``"rising by about ..."`` if even *low* is above 0, else None.

    Examples:
        >>> describe_trend(-0.04, -0.07, -0.01)
        'falling by about 4% a week'
        >>> describe_trend(0.25, 0.1, 0.4, format_spec=".2f")
        'rising by about 0.25 a week'
        >>> describe_trend(0.02, -0.01, 0.05) is None
        True
    """
    if slope is None:
        return None
    if high is not None and high < 0:
        return f"falling by about {format(-slope, format_spec)} a week"
    if low is not None and low > 0:
        return f"rising by about {format(slope, format_spec)} a week"
    return None
