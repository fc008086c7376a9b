"""
Engagement: drift against each member's own baseline, milestones, groups.

Touchpoints (a check-in due, a meeting held: kept, missed or excused) go in;
out come drift reports with an onset, a severity and evidence in plain
words, batch (`detect_drift`) or online (`DriftMonitor`), an outreach queue,
milestones worth celebrating and how a group is doing.
"""

from peerkit.engagement._detect import detect_drift, outreach_queue
from peerkit.engagement._group import (
    GroupEngagement,
    WeeklyAttendance,
    group_engagement,
)
from peerkit.engagement._milestones import Milestone, MilestoneKind, milestones
from peerkit.engagement._monitor import DriftMonitor, DriftState
from peerkit.engagement._policy import DriftPolicy
from peerkit.engagement._report import DriftReport, DriftStatus
from peerkit.engagement._schedule import touchpoints_from_schedule
from peerkit.engagement._touchpoint import OUTCOMES, Activity, Outcome, Touchpoint

__all__ = [
    "OUTCOMES",
    "Activity",
    "DriftMonitor",
    "DriftPolicy",
    "DriftReport",
    "DriftState",
    "DriftStatus",
    "GroupEngagement",
    "Milestone",
    "MilestoneKind",
    "Outcome",
    "Touchpoint",
    "WeeklyAttendance",
    "detect_drift",
    "group_engagement",
    "milestones",
    "outreach_queue",
    "touchpoints_from_schedule",
]
