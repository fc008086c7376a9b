"""
Hypothesis strategies for every public peerkit value type.

Apps use them to property-test their own code on peerkit values; install
with ``pip install "peerkit[testing]"``. Importing this module needs
hypothesis; the rest of peerkit does not.

Example:
    >>> from hypothesis import given
    >>> from peerkit.testing import members
    >>> @given(members())
    ... def test_member_has_a_language(member):
    ...     assert member.languages
    >>> test_member_has_a_language()
"""

from peerkit.testing._strategies import (
    adapt_policies,
    aware_datetimes,
    cadences,
    checkin_statuses,
    cohorts,
    fit_policies,
    formed_groups,
    group_fits,
    groupings,
    groups,
    intervals,
    journey_scales,
    members,
    mentor_assignments,
    mentor_matchings,
    pair_fits,
    partner_matchings,
    partner_policies,
    reasons,
    slot_conflicts,
    slots,
    stages,
    timezones,
    trios,
    unplaced_members,
    weekly_availabilities,
    windows,
)

__all__ = [
    "adapt_policies",
    "aware_datetimes",
    "cadences",
    "checkin_statuses",
    "cohorts",
    "fit_policies",
    "formed_groups",
    "group_fits",
    "groupings",
    "groups",
    "intervals",
    "journey_scales",
    "members",
    "mentor_assignments",
    "mentor_matchings",
    "pair_fits",
    "partner_matchings",
    "partner_policies",
    "reasons",
    "slot_conflicts",
    "slots",
    "stages",
    "timezones",
    "trios",
    "unplaced_members",
    "weekly_availabilities",
    "windows",
]
