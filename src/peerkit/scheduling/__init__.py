"""
Check-in cadence scheduling, in every member's own time.

Recurring check-ins as RFC 5545 rules read in each member's IANA zone,
DST-correct (a gap time moves forward by the gap, an ambiguous time is its
first occurrence); quiet hours and days off as boundaries; where a member
stands with their check-ins; common slots for a pair or a group in a
concrete week, and the weeks a chosen slot stops fitting; a team's plan
for a whole period, fair across time zones; adapting a cadence to drift;
iCalendar export and its lifecycle (a stable uid, revisions, successors,
cancellation).
"""

from peerkit.scheduling._adapt import AdaptPolicy, adapt_cadence
from peerkit.scheduling._cadence import FREQUENCIES, Cadence, Frequency
from peerkit.scheduling._ical import to_ical
from peerkit.scheduling._occurrences import (
    QuietHours,
    QuietRule,
    next_checkin,
    occurrences,
)
from peerkit.scheduling._plans import CheckinPlan, PlanPolicy, plan_checkins
from peerkit.scheduling._slots import (
    Slot,
    SlotConflict,
    common_slots,
    recurring_slot_conflicts,
)
from peerkit.scheduling._status import CheckinStatus, checkin_status

__all__ = [
    "FREQUENCIES",
    "AdaptPolicy",
    "Cadence",
    "CheckinPlan",
    "CheckinStatus",
    "Frequency",
    "PlanPolicy",
    "QuietHours",
    "QuietRule",
    "Slot",
    "SlotConflict",
    "adapt_cadence",
    "checkin_status",
    "common_slots",
    "next_checkin",
    "occurrences",
    "plan_checkins",
    "recurring_slot_conflicts",
    "to_ical",
]
