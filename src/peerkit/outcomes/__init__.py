"""
Outcomes: did peer support help? Reliable change and honest programme results.

Standard questionnaires (`PHQ9`, `GAD7`, `WEMWBS`, or your own `Instrument`)
go in as `Measurement` values; out come each member's reliable change
(Jacobson and Truax) with a category and plain words, a programme's
results with their uncertainty and attrition shown, and how each group's
session feedback is moving. Counted as services count them: NHS Talking
Therapies' combined recovery on paired PHQ-9 and GAD-7 scores
(`combined_recovery`), session-by-session trajectories with expected
bands and not-on-track alerts for facilitators (`on_track`,
`facilitator_alerts`), and risk answers routed to staff (`risk_flags`).
"""

from peerkit.outcomes._change import Change, ChangeCategory, reliable_change
from peerkit.outcomes._feedback import FeedbackTrend, Rating, feedback_trend
from peerkit.outcomes._instrument import (
    GAD2,
    GAD7,
    PHQ2,
    PHQ9,
    WEMWBS,
    Instrument,
    Measurement,
)
from peerkit.outcomes._programme import OutcomeSummary, programme_outcomes
from peerkit.outcomes._recovery import (
    TALKING_THERAPIES,
    Caseness,
    MemberRecovery,
    RecoverySummary,
    combined_recovery,
    recovery_of,
)
from peerkit.outcomes._risk import DEFAULT_RISK_RULES, RiskFlag, RiskRule, risk_flags
from peerkit.outcomes._sessions import (
    ExpectedChange,
    ExpectedSession,
    OnTrackReport,
    Trajectory,
    TrajectoryPoint,
    expected_change,
    facilitator_alerts,
    on_track,
    trajectory,
)

__all__ = [
    "DEFAULT_RISK_RULES",
    "GAD2",
    "GAD7",
    "PHQ2",
    "PHQ9",
    "TALKING_THERAPIES",
    "WEMWBS",
    "Caseness",
    "Change",
    "ChangeCategory",
    "ExpectedChange",
    "ExpectedSession",
    "FeedbackTrend",
    "Instrument",
    "Measurement",
    "MemberRecovery",
    "OnTrackReport",
    "OutcomeSummary",
    "Rating",
    "RecoverySummary",
    "RiskFlag",
    "RiskRule",
    "Trajectory",
    "TrajectoryPoint",
    "combined_recovery",
    "expected_change",
    "facilitator_alerts",
    "feedback_trend",
    "on_track",
    "programme_outcomes",
    "recovery_of",
    "reliable_change",
    "risk_flags",
    "trajectory",
]
