"""
Schedule weekly check-ins for a partner pair in London and New York.

Runs on the sample cohort that ships with peerkit:

    python examples/schedule_checkins.py

felix lives in London and thandi in New York. The script finds the
half-hour slots that suit both of them in one week, chooses one, and
checks which member's clock the check-in should keep: in March the United
States changes its clocks three weeks before the United Kingdom, so
whoever's clock it is not on sees it move by an hour. It then prints the
pair's upcoming check-ins in each member's own time, the next check-in
and how the pair has been doing, one member's personal cadence adapted
to drift within the bounds they set, and the start of an iCalendar
export. Nothing reads the clock: every date is fixed, so the output is
the same on every run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
import pendulum

from peerkit.datasets import sample_cohort
from peerkit.scheduling import (
    AdaptPolicy,
    Cadence,
    adapt_cadence,
    checkin_status,
    common_slots,
    next_checkin,
    occurrences,
    recurring_slot_conflicts,
    to_ical,
)

if TYPE_CHECKING:
    from peerkit import Member
    from peerkit.scheduling import Slot

WEEK_OF = dt.date(2026, 2, 23)  # before any clock change of 2026
NOW = pendulum.datetime(2026, 4, 8, 12)  # "now", fixed: peerkit never reads the clock
WEEKS_AHEAD = 8
LENGTH = dt.timedelta(minutes=30)


def show_slots(pair: list[Member]) -> Slot:
    """Print the slots that suit both members this week; return the one chosen."""
    slots = common_slots(pair, duration=LENGTH, week_of=WEEK_OF)
    print(f"Half-hour slots that suit {' and '.join(m.id for m in pair)}:")
    for slot in slots:
        print("  " + "  =  ".join(slot.describe(m.id) for m in pair))
    # The latest slot: the one that the March weeks put to the test.
    chosen = slots[-1]
    print(f"Chosen: {chosen.describe(pair[0].id)}")
    return chosen


def choose_clock(slot: Slot, pair: list[Member]) -> Member:
    """Print the conflicts on each member's clock; return whose clock to keep."""
    print(f"\nThe next {WEEKS_AHEAD} weeks, kept on each member's clock:")
    conflicts = {}
    for member in pair:
        found = recurring_slot_conflicts(
            slot,
            pair,
            during=(slot.start, slot.start.add(weeks=WEEKS_AHEAD)),
            timezone=member.timezone,
        )
        conflicts[member.id] = len(found)
        print(f"  on {member.id}'s clock ({member.timezone}): {len(found)} conflicts")
        for conflict in found:
            print(f"    {conflict.week_of}: {conflict.reason.message}")
    keeper = min(pair, key=lambda m: (conflicts[m.id], m.id))
    print(f"Keep it on {keeper.id}'s clock.")
    return keeper


def show_checkins(cadence: Cadence, slot: Slot, pair: list[Member]) -> None:
    """Print the pair's upcoming check-ins, each member in their own time."""
    checkins = list(
        occurrences(cadence, start=slot.start, count=WEEKS_AHEAD, quiet_hours=pair)
    )
    print(f"\nCadence: {cadence}")
    for member in pair:
        first = checkins[0].in_tz(member.timezone)
        usual = first.hour * 60 + first.minute
        print(f"  {member.id} ({member.timezone}):")
        for checkin in checkins:
            local = checkin.in_tz(member.timezone)
            moved = local.hour * 60 + local.minute - usual
            note = ""
            if moved:
                size = "an hour" if abs(moved) == 60 else f"{abs(moved)} min"
                note = f"  ({size} {'later' if moved > 0 else 'earlier'} than usual)"
            print(f"    {local:%a %d %b %H:%M %Z}{note}")


def show_status(cadence: Cadence, slot: Slot, pair: list[Member]) -> None:
    """Print the next check-in after NOW and how the pair has kept to theirs."""
    upcoming = next_checkin(cadence, after=NOW, start=slot.start, quiet_hours=pair)
    if upcoming is None:  # only a rule that never occurs has no next check-in
        return
    times = ", ".join(
        f"{m.id} {upcoming.in_tz(m.timezone):%a %d %b %H:%M}" for m in pair
    )
    print(f"\nOn {NOW:%d %b %Y}, the next check-in is: {times}")

    # When the pair checked in, as the app recorded it: mostly on time,
    # once a day late, once not at all.
    due = list(occurrences(cadence, start=slot.start, until=NOW, quiet_hours=pair))
    late = dt.timedelta(days=1)
    done = [due[0], due[1] + dt.timedelta(minutes=5), due[2] + late, *due[4:]]
    status = checkin_status(
        cadence, start=slot.start, done=done, now=NOW, quiet_hours=pair
    )
    rate = status.completion_rate or 0.0
    print(
        f"Kept {status.kept_count} of {status.due_count} check-ins ({rate:.0%}), "
        f"{status.streak} in a row; missed: "
        + ", ".join(f"{t.in_tz(cadence.timezone):%d %b}" for t in status.overdue)
    )


def show_adapted(member: Member) -> None:
    """Adapt one member's personal cadence to drift, within their own bounds."""
    cadence = Cadence.weekly(on="tue", time="20:30", timezone=member.timezone)
    bounds = AdaptPolicy(least_per_week=0.5, most_per_week=2)
    print(f"\n{member.id}'s own check-in: {cadence}")
    print(
        f"  their bounds: {bounds.least_per_week:g} to {bounds.most_per_week:g} a week"
    )
    for severity in (0.1, 0.6, 1.0):
        adapted = adapt_cadence(cadence, severity=severity, policy=bounds)
        print(f"  drift severity {severity:.1f}: {adapted}")

    # adapt_cadence spaces days out; quiet hours are kept where check-ins
    # are generated. With Friday evenings quiet, Friday's check-in waits.
    resting = attrs.evolve(member, quiet_hours=["daily 22:00-08:00", "fri 18:00-24:00"])
    closest = adapt_cadence(cadence, severity=1.0, policy=bounds)
    start = pendulum.datetime(2026, 4, 6, tz=member.timezone)
    kept = occurrences(closest, start=start, count=4, quiet_hours=resting)
    print(f"  with quiet hours {resting.quiet_hours}:")
    print("    " + ", ".join(f"{t:%a %d %b %H:%M}" for t in kept))


def show_ical(cadence: Cadence, slot: Slot) -> None:
    """Print the start of the event in an iCalendar export of the pair's cadence."""
    text = to_ical(
        cadence,
        start=slot.start,
        until=pendulum.datetime(2026, 7, 1),
        summary="Check-in with your partner",
        days_off=[dt.date(2026, 4, 5)],  # Easter Sunday off
        duration=LENGTH,
    )
    lines = text.splitlines()
    event = lines.index("BEGIN:VEVENT")
    print(f"\niCalendar export ({len(lines)} lines), the event:")
    for line in lines[event : lines.index("END:VEVENT") + 1]:
        print(f"  {line}")


def main() -> None:
    """Schedule the pair's check-ins and show them from every side."""
    cohort = sample_cohort()
    pair = [cohort.member("felix"), cohort.member("thandi")]  # London, New York
    slot = show_slots(pair)
    keeper = choose_clock(slot, pair)
    first, _ = slot.local(keeper.id)
    cadence = Cadence.weekly(
        on=f"{first:%a}".lower(), time=first.time(), timezone=keeper.timezone
    )
    show_checkins(cadence, slot, pair)
    show_status(cadence, slot, pair)
    show_adapted(pair[0])
    show_ical(cadence, slot)


if __name__ == "__main__":
    main()
