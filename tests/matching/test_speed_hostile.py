"""Hostile inputs for the matching fast paths: odd zones, clock changes, cold caches in threads."""

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from peerkit import Group, Member, WeeklyAvailability
from peerkit.matching import _fit, _pairs, partner_fit, rank_groups
from peerkit.matching._pairs import _SEGMENT_LIMIT, _WEEK_MINUTES, _row_overlaps
from threads import in_threads

if TYPE_CHECKING:
    from collections.abc import Callable

ZONES = ("Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "UTC")
SPECS = ("", "daily 00:00-24:00", "sun 01:30-03:15", "wed 23:30-24:00")
_WORDS_BITS = -(-_WEEK_MINUTES // 64) * 64  # a row of week-mask words, in bits
PERIODS = (  # Lord Howe's half-hour change; a year end; St John's autumn change
    (dt.datetime(2026, 9, 30, tzinfo=dt.UTC), dt.datetime(2026, 10, 20, tzinfo=dt.UTC)),
    (
        dt.datetime(2026, 12, 24, 13, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 9, tzinfo=dt.UTC),
    ),
    (
        dt.datetime(2026, 10, 28, 17, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 9, tzinfo=dt.UTC),
    ),
)


def _availability(spec: str) -> WeeklyAvailability:
    return WeeklyAvailability.parse(spec) if spec else WeeklyAvailability()


def test_row_overlaps_is_exact_at_the_stretch_limit_and_all_week() -> None:
    """Rows cut into the most stretches the product takes, with empty and full weeks: popcounts."""
    minutes = np.zeros((6, _WORDS_BITS), dtype=np.uint8)
    starts = np.linspace(0, _WEEK_MINUTES, _SEGMENT_LIMIT, endpoint=False).astype(int)
    alternate = np.zeros(_WEEK_MINUTES, dtype=np.uint8)
    for k, (lo, hi) in enumerate(
        zip(starts, [*starts[1:], _WEEK_MINUTES], strict=True)
    ):
        alternate[lo:hi] = k % 2
    minutes[1, :_WEEK_MINUTES] = 1  # all week
    minutes[2, :_WEEK_MINUTES] = alternate
    minutes[3, :_WEEK_MINUTES] = 1 - alternate
    minutes[4, : _WEEK_MINUTES // 2] = 1
    minutes[5, :_WEEK_MINUTES] = alternate
    rows = np.packbits(minutes, axis=1, bitorder="little").view(np.uint64)
    counts = _row_overlaps(rows)
    assert counts is not None
    expected = minutes.astype(np.int64) @ minutes.T.astype(np.int64)
    assert (counts == expected).all()
    assert counts[1, 1] == _WEEK_MINUTES


def test_rank_and_partner_fit_in_threads_with_cold_caches_equal_serial() -> None:
    """8 threads, caches emptied first: the same fits as one thread, in odd zones and clock changes."""
    members = [
        Member(
            f"m{i}",
            "action",
            timezone=ZONES[i % 4],
            availability=_availability(SPECS[(i // 4) % 4]),
        )
        for i in range(12)
    ]
    groups = [  # the same meeting time in every zone
        Group(f"g{i}", (members[i],), 6, timezone=zone, meets=_availability(SPECS[3]))
        for i, zone in enumerate(ZONES)
    ]
    calls: list[Callable[[], object]] = [
        *(partial(rank_groups, m, groups, during=p) for m in members for p in PERIODS),
        *(
            partial(partner_fit, a, b, during=p)
            for a, b in zip(members[::2], members[1::2], strict=True)
            for p in PERIODS
        ),
    ]
    serial = [call() for call in calls]
    _fit._meeting.cache_clear()
    _pairs._zone_combos.cache_clear()
    _pairs._season_bits.cache_clear()
    assert in_threads(calls) == serial
