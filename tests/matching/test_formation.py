"""Group formation: hard rules, everyone accounted for, max-min, determinism."""

import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit import (
    InvalidInputError,
    Member,
    UnknownStageError,
    WeeklyAvailability,
    to_dict,
)
from peerkit.datasets import sample_cohort, simulate_cohort
from peerkit.matching import FitPolicy, Grouping, form_groups, group_fit
from peerkit.testing import members

sys.path.insert(0, str(Path(__file__).parent.parent))
from exhaustive import best_grouping, can_meet
from reference import WEEK

RHYTHMS = [
    WeeklyAvailability.parse("mon-fri 18:00-21:00"),
    WeeklyAvailability.parse("sat,sun 09:00-12:00"),
    WeeklyAvailability.parse("tue,thu 12:00-14:00"),
    WeeklyAvailability.always(),
    WeeklyAvailability(),
]

cohort_members = st.lists(
    members(
        availability=st.sampled_from(RHYTHMS),
    ).map(
        lambda m: attrs.evolve(
            m,
            timezone=m.timezone
            if m.timezone in ("UTC", "Europe/London", "America/New_York")
            else "Europe/London",
            languages=m.languages & {"en", "es"} or {"en"},
        )
    ),
    max_size=24,
    unique_by=lambda m: m.id,
)
sizes = st.integers(2, 4).flatmap(
    lambda lo: st.tuples(st.just(lo), st.integers(lo, lo + 3))
)


def _recomputed(grouping: Grouping, policy: FitPolicy) -> list[float]:
    return [
        group_fit(
            m,
            attrs.evolve(
                fg.group, members=[o for o in fg.group.members if o.id != m.id]
            ),
            policy=policy,
            during=WEEK,
        ).score
        for fg in grouping.groups
        for m in fg.group.members
    ]


@settings(max_examples=40)
@given(cohort_members, sizes)
def test_every_member_once_and_no_hard_rule_broken(
    people: list[Member], size: tuple[int, int]
) -> None:
    """For all cohorts: each member is in exactly one group or unplaced; groups are in size, share a language and a meeting everyone attends in full."""
    low, high = size
    policy = FitPolicy()
    grouping = form_groups(
        people, min_size=low, max_size=high, policy=policy, during=WEEK
    )
    placed = [m.id for fg in grouping.groups for m in fg.group.members]
    unplaced = [u.member_id for u in grouping.unplaced]
    assert sorted(placed + unplaced) == sorted(m.id for m in people)
    for fg in grouping.groups:
        group = fg.group
        assert low <= group.size <= high
        assert group.capacity == high
        (language,) = group.languages
        assert all(language in m.languages for m in group.members)
        assert not group.meets.is_empty
        for m in group.members:
            fit = group_fit(
                m,
                attrs.evolve(group, members=[o for o in group.members if o.id != m.id]),
                policy=policy,
                during=WEEK,
            )
            assert fit.eligible
            assert fit.components["schedule"] == 1.0
    fits = _recomputed(grouping, policy)
    if fits:
        assert grouping.min_score == min(fits)
        assert grouping.mean_score == pytest.approx(sum(fits) / len(fits), abs=1e-12)
        assert 0.0 <= grouping.min_score <= grouping.mean_score <= 1.0
    else:
        assert (grouping.min_score, grouping.mean_score) == (0.0, 0.0)


@settings(max_examples=40)
@given(cohort_members, sizes)
def test_nobody_who_could_be_placed_is_left_out(
    people: list[Member], size: tuple[int, int]
) -> None:
    """For all cohorts: no unplaced member could join a group with room, and no min_size unplaced members share a language and a meeting time."""
    low, high = size
    policy = FitPolicy()
    grouping = form_groups(
        people, min_size=low, max_size=high, policy=policy, during=WEEK
    )
    by_id = {m.id: m for m in people}
    left = [by_id[u.member_id] for u in grouping.unplaced]
    for u in left:
        for fg in grouping.groups:
            if fg.group.size < high and fg.group.languages & u.languages:
                assert not can_meet([*fg.group.members, u], policy)
    for language in {lang for u in left for lang in u.languages}:
        speakers = [u for u in left if language in u.languages]
        week = WEEK
        for minute in range(0, 7 * 24 * 60, 15):
            start = week.start.add(minutes=minute)
            end = start.add(minutes=policy.meeting_minutes)
            free = [
                u
                for u in speakers
                if any(
                    s.start <= start and end <= s.end
                    for s in u.availability.intervals_between(
                        week.start,
                        week.end.add(minutes=policy.meeting_minutes),
                        timezone=u.timezone,
                    )
                )
            ]
            assert len(free) < low


@settings(max_examples=25)
@given(cohort_members, st.data())
def test_order_invariant_deterministic_and_pure(
    people: list[Member], data: st.DataObject
) -> None:
    """For all cohorts: shuffling the members gives the same grouping, the same seed the same result, and inputs are untouched."""
    before = [to_dict(m) for m in people]
    first = form_groups(people, min_size=3, max_size=5, seed=7, during=WEEK)
    assert (
        form_groups(
            data.draw(st.permutations(people)),
            min_size=3,
            max_size=5,
            seed=7,
            during=WEEK,
        )
        == first
    )
    assert form_groups(people, min_size=3, max_size=5, seed=7, during=WEEK) == first
    assert [to_dict(m) for m in people] == before


@pytest.mark.parametrize("seed", range(6))
def test_small_cohorts_reach_the_exhaustive_optimum_or_near_it(seed: int) -> None:
    """On small simulated cohorts, form_groups places as many as the exhaustive optimum, and its worst and mean fits are within a few percent of it."""
    people = simulate_cohort(8 + seed % 3, seed=seed, with_groups=False).members
    policy = FitPolicy()
    grouping = form_groups(
        people, min_size=2, max_size=4, policy=policy, seed=seed, during=WEEK
    )
    placed, low, mean = best_grouping(people, min_size=2, max_size=4, policy=policy)
    assert grouping.placed_count == placed
    if placed:
        assert grouping.min_score >= low - 0.05
        assert grouping.mean_score >= 0.95 * mean
        assert (grouping.min_score, grouping.mean_score) <= (low + 1e-9, mean + 1e-9)


def test_unplaced_members_are_told_why() -> None:
    """No time for a meeting, and nobody sharing a language, each have their own reason code."""
    evenings = WeeklyAvailability.parse("mon-fri 18:00-21:00")
    people = [Member(f"m{i}", "action", availability=evenings) for i in range(4)]
    people.append(
        Member(
            "busy", "action", availability=WeeklyAvailability.parse("mon 09:00-09:30")
        )
    )
    people.append(Member("solo", "action", languages=["pl"], availability=evenings))
    grouping = form_groups(people, min_size=2, max_size=4, during=WEEK)
    reasons = {u.member_id: u.reasons[0].code for u in grouping.unplaced}
    assert reasons == {"busy": "unplaced.schedule", "solo": "unplaced.language"}
    assert grouping.placed_count == 4


def test_sample_cohort_grouping_reads_well() -> None:
    """On the sample cohort every group has a meeting time in its own zone and member-safe reasons."""
    grouping = form_groups(sample_cohort().members, min_size=4, max_size=7, during=WEEK)
    assert grouping.groups
    ids = {m.id for m in sample_cohort().members}
    for fg in grouping.groups:
        assert fg.group.id.startswith("new-")
        assert fg.score >= grouping.min_score
        for reason in fg.reasons:
            assert not any(i in reason.message.split() for i in ids)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"min_size": 4, "max_size": 3}, "max_size"),
        ({"min_size": 1, "max_size": 3}, "min_size"),
        ({"min_size": 2, "max_size": 3, "seed": "x"}, "seed"),
        ({"min_size": 2, "max_size": 3, "id_prefix": ""}, "id_prefix"),
        ({"min_size": 2, "max_size": 3, "policy": None}, "policy"),
    ],
)
def test_bad_sizes_and_options_are_named(kwargs: dict[str, object], path: str) -> None:
    """Out-of-order sizes and bad options raise InvalidInputError naming them."""
    with pytest.raises(InvalidInputError) as info:
        form_groups([Member("a", "action")], during=WEEK, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_bad_members_are_named() -> None:
    """Duplicate ids, non-members and off-scale stages are named by position."""
    with pytest.raises(InvalidInputError) as info:
        form_groups(
            [Member("a", "action"), Member("a", "action")],
            min_size=2,
            max_size=3,
            during=WEEK,
        )
    assert info.value.path == "members[1].id"
    with pytest.raises(InvalidInputError) as info:
        form_groups([Member("a", "action"), "b"], min_size=2, max_size=3, during=WEEK)  # type: ignore[list-item]
    assert info.value.path == "members[1]"
    with pytest.raises(UnknownStageError) as info:
        form_groups([Member("a", "growth")], min_size=2, max_size=3, during=WEEK)
    assert info.value.path == "members[0].stage"
    with pytest.raises(InvalidInputError):
        form_groups("abc", min_size=2, max_size=3, during=WEEK)  # type: ignore[arg-type]


def test_empty_cohort_gives_an_empty_grouping() -> None:
    """No members: no groups, nobody unplaced, fits 0."""
    assert form_groups([], min_size=2, max_size=3, during=WEEK) == Grouping(
        groups=(), unplaced=(), mean_score=0.0, min_score=0.0
    )


def test_members_are_recruited_across_group_languages() -> None:
    """A bilingual member in an English group can move to form a Spanish group with three unplaced Spanish speakers."""
    policy = attrs.evolve(FitPolicy(), meeting_minutes=30)
    grouping = form_groups(
        sample_cohort().unplaced, min_size=4, max_size=7, policy=policy, during=WEEK
    )
    unplaced = {u.member_id for u in grouping.unplaced}
    assert not {"ana", "carlos", "nadia"} & unplaced
