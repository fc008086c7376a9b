"""
Outcomes: did peer support help? Reliable change and honest programme results.

Standard questionnaires (`PHQ9`, `GAD7`, `WEMWBS`, or your own `Instrument`)
go in as `Measurement` values; out come each member's reliable change
(Jacobson and Truax) with a category and plain words, a programme's
results with their uncertainty and attrition shown, and how each group's
session feedback is moving.
"""

from peerkit.outcomes._change import Change, ChangeCategory, reliable_change
from peerkit.outcomes._feedback import FeedbackTrend, Rating, feedback_trend
from peerkit.outcomes._instrument import GAD7, PHQ9, WEMWBS, Instrument, Measurement
from peerkit.outcomes._programme import OutcomeSummary, programme_outcomes

__all__ = [
    "GAD7",
    "PHQ9",
    "WEMWBS",
    "Change",
    "ChangeCategory",
    "FeedbackTrend",
    "Instrument",
    "Measurement",
    "OutcomeSummary",
    "Rating",
    "feedback_trend",
    "programme_outcomes",
    "reliable_change",
]
