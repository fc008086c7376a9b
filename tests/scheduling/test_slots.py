"""Common slots and recurring-slot conflicts, DST-correct and boundary-safe."""

import datetime as dt
import random
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError, Member, WeeklyAvailability
from peerkit.scheduling import Slot, common_slots, recurring_slot_conflicts
from peerkit.testing import members, windows

HOUR = dt.timedelta(hours=1)

ADA = Member(
    "ada",
    "action",
    timezone="America/New_York",
    availability="mon-fri 08:00-11:00",
    quiet_hours="daily 21:00-08:30",
)
BEN = Member(
    "ben",
    "action",
    timezone="Europe/London",
    availability="mon-fri 13:00-15:00",
)


def test_common_slots_differ_in_the_march_weeks() -> None:
    """Ada's 08:30-11:00 meets Ben's 13:00-15:00 by 1.5 h in February, 2 h mid-March."""
    feb = common_slots([ADA, BEN], duration=HOUR, week_of=dt.date(2024, 2, 26))
    mar = common_slots([ADA, BEN], duration=HOUR, week_of=dt.date(2024, 3, 12))
    assert len(feb) == 5 * 2  # 13:30 and 14:00 London each weekday
    assert len(mar) == 5 * 3  # 13:00, 13:30 and 14:00
    first = mar[0]
    assert first.describe("ada") == "Mon 11 Mar 09:00-10:00 (America/New_York)"
    assert feb[0].describe("ada") == "Mon 26 Feb 08:30-09:30 (America/New_York)"
    assert first.describe("ben") == "Mon 11 Mar 13:00-14:00 (Europe/London)"


def test_earliest_and_latest_bound_the_slots() -> None:
    """No slot before earliest or ending after latest."""
    earliest = pendulum.datetime(2024, 2, 28, 14)
    latest = pendulum.datetime(2024, 2, 29, 15)
    found = common_slots(
        [ADA, BEN],
        duration=HOUR,
        week_of=dt.date(2024, 2, 26),
        earliest=earliest,
        latest=latest,
    )
    assert found
    assert all(s.start >= earliest and s.end <= latest for s in found)


@st.composite
def people(draw: st.DrawFn) -> list[Member]:
    week = st.lists(windows(), min_size=1, max_size=5).map(
        lambda ws: WeeklyAvailability(tuple(ws))
    )
    return draw(
        st.lists(
            members(availability=week),
            min_size=1,
            max_size=3,
            unique_by=lambda m: m.id,
        )
    )


@given(
    people(),
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
    st.sampled_from([15, 30, 60, 90]),
    st.randoms(use_true_random=False),
)
def test_every_slot_suits_everyone(
    group: list[Member], week: dt.date, minutes: int, rng: random.Random
) -> None:
    """For all members: each slot is free and not quiet for each; order-invariant."""
    length = dt.timedelta(minutes=minutes)
    found = common_slots(group, duration=length, week_of=week)
    for slot in found:
        assert slot.end - slot.start == length
        for m in group:
            free = m.availability.intervals_between(
                slot.start.subtract(days=1), slot.end.add(days=1), timezone=m.timezone
            )
            assert any(f.start <= slot.start and slot.end <= f.end for f in free)
            quiet = m.quiet_hours.intervals_between(
                slot.start.subtract(days=1), slot.end.add(days=1), timezone=m.timezone
            )
            assert not any(q.start < slot.end and slot.start < q.end for q in quiet)
    assert [s.start for s in found] == sorted(s.start for s in found)
    shuffled = list(group)
    rng.shuffle(shuffled)
    assert common_slots(shuffled, duration=length, week_of=week) == found


def test_recurring_slot_drifts_for_three_march_weeks() -> None:
    """A New York 09:00 meeting leaves Ben's 13:30-15:00 in the three March weeks."""
    ben = Member(
        "ben", "action", timezone="Europe/London", availability="mon-fri 13:30-15:00"
    )
    slot = Slot(
        start=pendulum.datetime(2024, 3, 5, 14),
        end=pendulum.datetime(2024, 3, 5, 15),
        timezones={"ada": ADA.timezone, "ben": ben.timezone},
    )
    ada = Member(
        "ada", "action", timezone="America/New_York", availability="mon-fri 08:00-11:00"
    )
    clashes = recurring_slot_conflicts(
        slot, [ben, ada], during=SIX_WEEKS, timezone="America/New_York"
    )
    assert [(str(c.week_of), c.member_id) for c in clashes] == [
        ("2024-03-12", "ben"),
        ("2024-03-19", "ben"),
        ("2024-03-26", "ben"),
    ]
    assert all(c.reason.code == "slot.unavailable" for c in clashes)
    # Kept at 14:00 UTC instead, it fits Ada all along (09:00, then 10:00
    # EDT) and leaves Ben once London moves its clocks on 31 March.
    in_utc = recurring_slot_conflicts(slot, [ada, ben], during=SIX_WEEKS)
    assert [(str(c.week_of), c.member_id) for c in in_utc] == [
        ("2024-04-02", "ben"),
        ("2024-04-09", "ben"),
    ]


SIX_WEEKS = (pendulum.datetime(2024, 3, 4), pendulum.datetime(2024, 4, 15))


def test_quiet_hours_conflict_is_named() -> None:
    """A slot inside someone's quiet hours is reported as such."""
    night_owl = Member(
        "cy", "action", timezone="Asia/Tokyo", quiet_hours="daily 22:00-07:00"
    )
    slot = Slot(
        start=pendulum.datetime(2024, 1, 8, 14),  # 23:00 in Tokyo
        end=pendulum.datetime(2024, 1, 8, 15),
        timezones={"cy": "Asia/Tokyo"},
    )
    (clash,) = recurring_slot_conflicts(
        slot, [night_owl], during=(slot.start, slot.start.add(days=1))
    )
    assert clash.reason.code == "slot.quiet"
    assert "quiet hours" in clash.reason.message


NO_ONE: list[Member] = []
BAD: Any = "2024-01-01"


@pytest.mark.parametrize(
    ("people", "kwargs", "path"),
    [
        (NO_ONE, {}, "members"),
        ([ADA, ADA], {}, "members[1].id"),
        ([ADA], {"duration": dt.timedelta(0)}, "duration"),
        ([ADA], {"step": dt.timedelta(days=2)}, "step"),
        ([ADA], {"week_of": BAD}, "week_of"),
        ([ADA], {"earliest": dt.datetime(2024, 1, 1)}, "earliest"),  # noqa: DTZ001
    ],
)
def test_bad_input_names_the_field(
    people: list[Member], kwargs: dict[str, Any], path: str
) -> None:
    """InvalidInputError with the field's name."""
    options: dict[str, Any] = {
        "duration": HOUR,
        "week_of": dt.date(2024, 1, 1),
        **kwargs,
    }
    with pytest.raises(InvalidInputError) as err:
        common_slots(people, **options)
    assert err.value.path == path
    with pytest.raises(InvalidInputError, match="slot"):
        recurring_slot_conflicts(BAD, [ADA], during=SIX_WEEKS)
    with pytest.raises(InvalidInputError, match="during"):
        recurring_slot_conflicts(SLOT, [ADA], during=(SLOT.end, SLOT.start))
    with pytest.raises(InvalidInputError, match="during"):
        recurring_slot_conflicts(
            SLOT, [ADA], during=(SLOT.start, SLOT.start.add(weeks=521))
        )


SLOT = Slot(
    start=pendulum.datetime(2024, 1, 8, 14),
    end=pendulum.datetime(2024, 1, 8, 15),
    timezones={"ada": "America/New_York"},
)


def test_slot_local_view_refuses_strangers() -> None:
    """Asking a slot for someone not in it is an error, not a guess."""
    slot = common_slots([ADA, BEN], duration=HOUR, week_of=dt.date(2024, 2, 26))[0]
    with pytest.raises(InvalidInputError, match="member_id"):
        slot.local("zoe")
    with pytest.raises(InvalidInputError, match="end"):
        Slot(start=slot.end, end=slot.start, timezones={})
