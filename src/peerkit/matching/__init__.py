"""
Matching: which group suits a member, forming groups, pairing partners.

Examples:
    >>> from peerkit.matching import rank_groups
    >>> from peerkit.datasets import sample_cohort
    >>> cohort = sample_cohort()
    >>> best = rank_groups(cohort.member("ada"), cohort.groups)[0]
    >>> best.group_id, best.eligible
    ('g4', True)
"""

from peerkit.matching._fit import FitPolicy, GroupFit, group_fit, rank_groups
from peerkit.matching._formation import FormedGroup, Grouping, Unplaced, form_groups

__all__ = [
    "FitPolicy",
    "FormedGroup",
    "GroupFit",
    "Grouping",
    "Unplaced",
    "form_groups",
    "group_fit",
    "rank_groups",
]
