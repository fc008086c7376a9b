"""Touchpoints (expected opportunities and what happened) and activity."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Literal

import attrs
import pendulum

from peerkit._instants import MAX_DATE, MIN_DATE, as_instant, from_micros, micros
from peerkit._validate import instant, string
from peerkit.errors import InvalidInputError

Outcome = Literal["kept", "missed", "excused"]
"""What happened to a touchpoint: kept, missed, or excused (not a miss)."""

OUTCOMES: tuple[Outcome, ...] = ("kept", "missed", "excused")
"""Every outcome, in the order peerkit breaks ties between equal due times."""

# A touchpoint's key is ``micros * 4 + code``: one integer orders a member's
# touchpoints (at one instant: missed, kept, excused) and its lowest bit is
# 1 for kept, 0 for missed; excused is 2.
_CODES: dict[str, int] = {"missed": 0, "kept": 1, "excused": 2}
EXCUSED = 2


@functools.lru_cache(maxsize=1 << 16)
def utc_moment(us: int) -> pendulum.DateTime:
    """The UTC instant *us* POSIX microseconds (cached: due times repeat)."""
    return from_micros(us)


def _utc(value: object) -> tuple[pendulum.DateTime, int]:
    """
    An aware datetime as a UTC instant and its POSIX microseconds.

    The cache is keyed on the instant (exact microseconds, as Python
    reads the datetime, ``fold`` included), never on the datetime itself:
    two wall times an hour apart in a fall-back fold compare equal.
    """
    checked = value
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        checked = as_instant("", value)  # raises, saying why
    elif not MIN_DATE <= value.date() <= MAX_DATE:
        as_instant("", value)  # raises, saying why
    us = micros(checked)  # type: ignore[arg-type]  # checked above
    return utc_moment(us), us


def _instant(value: object) -> object:
    """Attrs converter: an aware datetime becomes its UTC instant."""
    try:
        return _utc(value)[0]  # anything may arrive; the validator checks
    except InvalidInputError:
        return value  # the validator names the field


def _outcome(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value not in _CODES:
        raise InvalidInputError(attr.name, value, "'kept', 'missed' or 'excused'")


@attrs.frozen
class Touchpoint:
    """
    One expected opportunity to show up, and what happened.

    A touchpoint is a check-in that was due, a meeting that was held, a
    call that was booked. *Excused* is neither kept nor missed: a
    cancelled meeting, a holiday, an agreed pause never counts against
    anyone.

    Attributes:
        member_id: Whose touchpoint it is.
        due: When it was due; timezone-aware (naive datetimes are refused),
            kept as the UTC instant.
        outcome: ``"kept"``, ``"missed"`` or ``"excused"``.
        kind: What it was, in your app's words (``"checkin"``,
            ``"meeting"``); evidence says "check-ins" or "meetings" by it.

    Examples:
        >>> import pendulum
        >>> t = Touchpoint("ada", pendulum.datetime(2024, 3, 4, 18), "kept")
        >>> t.outcome, t.kind
        ('kept', 'checkin')
        >>> from peerkit.engagement import OUTCOMES
        >>> OUTCOMES  # excused is never counted as a miss
        ('kept', 'missed', 'excused')

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    due: pendulum.DateTime = attrs.field(converter=_instant, validator=instant())
    outcome: Outcome = attrs.field(validator=_outcome)
    kind: str = attrs.field(default="checkin", validator=string())
    # POSIX microseconds * 4 + outcome code: the one number batch detection
    # sorts and reads (computed once here, not per call).
    _key: int = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:  # after the validators
        object.__setattr__(self, "_key", _utc(self.due)[1] * 4 + _CODES[self.outcome])


@attrs.frozen
class Activity:
    """
    An unscheduled sign of engagement: a message sent, a reply, a post.

    Activity is never required. Where given, it keeps a member who misses
    check-ins but is still in touch from being called disengaged (they are
    drifting, not gone), and it shows in the evidence.

    Attributes:
        member_id: Whose activity it is.
        at: When it happened; timezone-aware, kept as the UTC instant.
        kind: What it was, in your app's words (``"message"``).

    Examples:
        >>> import pendulum
        >>> Activity("ada", pendulum.datetime(2024, 3, 5, 9)).kind
        'message'

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    at: pendulum.DateTime = attrs.field(converter=_instant, validator=instant())
    kind: str = attrs.field(default="message", validator=string())
    _us: int = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:  # after the validators
        object.__setattr__(self, "_us", _utc(self.at)[1])


Event = Touchpoint | Activity
"""What the detectors take: touchpoints, and activity where you have it."""


def event_micros(event: Event) -> int:
    """POSIX microseconds of a touchpoint's due time or an activity's time."""
    if isinstance(event, Touchpoint):
        return event._key >> 2  # noqa: SLF001 - our own cached field
    return event._us  # noqa: SLF001


def check_now(now: object, path: str = "now") -> int:
    """*now* as POSIX microseconds, refusing naive datetimes."""
    return micros(as_instant(path, now))


def as_datetime(value: dt.datetime) -> pendulum.DateTime:
    """An aware datetime as a pendulum instant in UTC (for reports)."""
    return as_instant("", value).in_timezone(pendulum.UTC)
