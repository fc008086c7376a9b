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
    changes,
    checkin_statuses,
    cohorts,
    drift_policies,
    drift_reports,
    drift_states,
    feedback_trends,
    fit_policies,
    formed_groups,
    group_engagements,
    group_fits,
    groupings,
    groups,
    instruments,
    intervals,
    journey_scales,
    measurements,
    members,
    mentor_assignments,
    mentor_matchings,
    milestone_values,
    outcome_summaries,
    pair_fits,
    partner_matchings,
    partner_policies,
    ratings,
    reasons,
    scores,
    slot_conflicts,
    slots,
    stages,
    timezones,
    touchpoints,
    trios,
    unplaced_members,
    weekly_attendances,
    weekly_availabilities,
    weekly_runs,
    windows,
)

__all__ = [
    "adapt_policies",
    "aware_datetimes",
    "cadences",
    "changes",
    "checkin_statuses",
    "cohorts",
    "drift_policies",
    "drift_reports",
    "drift_states",
    "feedback_trends",
    "fit_policies",
    "formed_groups",
    "group_engagements",
    "group_fits",
    "groupings",
    "groups",
    "instruments",
    "intervals",
    "journey_scales",
    "measurements",
    "members",
    "mentor_assignments",
    "mentor_matchings",
    "milestone_values",
    "outcome_summaries",
    "pair_fits",
    "partner_matchings",
    "partner_policies",
    "ratings",
    "reasons",
    "scores",
    "slot_conflicts",
    "slots",
    "stages",
    "timezones",
    "touchpoints",
    "trios",
    "unplaced_members",
    "weekly_attendances",
    "weekly_availabilities",
    "weekly_runs",
    "windows",
]
