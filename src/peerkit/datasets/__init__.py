"""
Sample data: an embedded cohort, and a simulator with known structure.

Example:
    >>> from peerkit.datasets import sample_cohort
    >>> sample_cohort().members[0].id
    'abebe'
"""

from peerkit.datasets._sample import sample_cohort
from peerkit.datasets._simulate import simulate_cohort

__all__ = ["sample_cohort", "simulate_cohort"]
