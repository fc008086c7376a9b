"""peerkit.testing: strategies make valid values of every public type."""

from hypothesis import given

from peerkit import STAGES_OF_RECOVERY, Cohort, Group, Member
from peerkit.testing import cohorts, groups, members, timezones


@given(members(STAGES_OF_RECOVERY))
def test_members_are_on_the_given_scale(member: Member) -> None:
    """For all drawn members, the stage is on the scale asked for."""
    assert member.stage in STAGES_OF_RECOVERY


@given(groups())
def test_groups_are_within_capacity(group: Group) -> None:
    """For all drawn groups, members fit and ids are distinct."""
    assert group.size <= group.capacity
    assert len(set(group.member_ids)) == group.size


@given(cohorts(min_size=3, max_size=7))
def test_cohorts_respect_size_bounds(cohort: Cohort) -> None:
    """For all drawn cohorts, the size is within the bounds and each member is in at most one group."""
    assert 3 <= len(cohort.members) <= 7
    placed = [m.id for g in cohort.groups for m in g.members]
    assert len(placed) == len(set(placed))


@given(timezones(tricky_only=True))
def test_tricky_zones_are_real(zone: str) -> None:
    """For all tricky zones, a member can live there."""
    assert Member("a", "action", timezone=zone).timezone == zone
