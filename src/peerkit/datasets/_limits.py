"""The limits every simulator shares: how many members, which seeds."""

from __future__ import annotations

from peerkit._validate import MAX_COUNT, check_int

MAX_MEMBERS = MAX_COUNT
"""The most members a simulator makes (a count's cap, as everywhere)."""


def check_member_count(path: str, value: object) -> int:
    """*value* if it is a number of members a simulator can make."""
    return check_int(path, value, minimum=0, maximum=MAX_MEMBERS)
