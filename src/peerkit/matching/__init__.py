"""
Matching: group fit and formation, accountability partners, mentors.

Examples:
    >>> import pendulum
    >>> from peerkit.matching import rank_groups
    >>> from peerkit.datasets import sample_cohort
    >>> cohort = sample_cohort()
    >>> term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
    >>> best = rank_groups(cohort.member("ada"), cohort, during=term)[0]
    >>> best.group_id, best.eligible
    ('g4', True)
"""

from peerkit.matching._choices import (
    left_out,
    suggest_mentors,
    suggest_mentors_for,
    suggest_partners,
    suggest_partners_for,
)
from peerkit.matching._fit import FitPolicy, GroupFit, group_fit, rank_groups
from peerkit.matching._formation import form_groups
from peerkit.matching._mentors import (
    MentorAssignment,
    MentorMatching,
    blocking_pairs,
    match_mentors,
)
from peerkit.matching._pairs import PairFit, PartnerPolicy, partner_fit
from peerkit.matching._partners import PartnerMatching, Trio, match_partners
from peerkit.matching._results import FormedGroup, Grouping, Unplaced

__all__ = [
    "FitPolicy",
    "FormedGroup",
    "GroupFit",
    "Grouping",
    "MentorAssignment",
    "MentorMatching",
    "PairFit",
    "PartnerMatching",
    "PartnerPolicy",
    "Trio",
    "Unplaced",
    "blocking_pairs",
    "form_groups",
    "group_fit",
    "left_out",
    "match_mentors",
    "match_partners",
    "partner_fit",
    "rank_groups",
    "suggest_mentors",
    "suggest_mentors_for",
    "suggest_partners",
    "suggest_partners_for",
]
