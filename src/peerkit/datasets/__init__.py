"""
Sample data: an embedded cohort, and a simulator with known structure.

Example:
    >>> from peerkit.datasets import sample_cohort
    >>> sample_cohort().members[0].id
    'abebe'
"""

from peerkit.datasets._engagement import (
    DriftTruth,
    SimulatedEngagement,
    sample_engagement,
    simulate_engagement,
)
from peerkit.datasets._outcomes import (
    SimulatedOutcomes,
    sample_outcomes,
    simulate_outcomes,
)
from peerkit.datasets._sample import sample_cohort, sample_cohort_csv
from peerkit.datasets._sessions import simulate_sessions
from peerkit.datasets._simulate import simulate_cohort

__all__ = [
    "DriftTruth",
    "SimulatedEngagement",
    "SimulatedOutcomes",
    "sample_cohort",
    "sample_cohort_csv",
    "sample_engagement",
    "sample_outcomes",
    "simulate_cohort",
    "simulate_engagement",
    "simulate_outcomes",
    "simulate_sessions",
]
