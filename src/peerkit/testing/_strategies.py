"""The strategies behind `peerkit.testing`."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from peerkit._availability import WEEKDAYS, WeeklyAvailability, Window
from peerkit._explain import Reason
from peerkit._instants import known_zones, zone
from peerkit._intervals import Interval
from peerkit._model import STAGES_OF_CHANGE, Cohort, Group, JourneyScale, Member
from peerkit.engagement import (
    Activity,
    DriftMonitor,
    DriftPolicy,
    DriftReport,
    DriftState,
    GroupEngagement,
    Milestone,
    Outcome,
    Touchpoint,
    WeeklyAttendance,
    detect_drift,
    group_engagement,
    milestones,
)
from peerkit.matching import (
    FitPolicy,
    FormedGroup,
    GroupFit,
    Grouping,
    MentorAssignment,
    MentorMatching,
    PairFit,
    PartnerMatching,
    PartnerPolicy,
    Trio,
    Unplaced,
    form_groups,
    group_fit,
    match_mentors,
    match_partners,
    partner_fit,
)
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    WEMWBS,
    Change,
    FeedbackTrend,
    Instrument,
    Measurement,
    OutcomeSummary,
    Rating,
    feedback_trend,
    programme_outcomes,
    reliable_change,
)
from peerkit.scheduling import (
    FREQUENCIES,
    AdaptPolicy,
    Cadence,
    CheckinPlan,
    CheckinStatus,
    PlanPolicy,
    Slot,
    SlotConflict,
    checkin_status,
    common_slots,
    plan_checkins,
    recurring_slot_conflicts,
)

# Zones with the transitions that break naive code come first, so they are
# drawn often and shrink towards UTC.
_TRICKY_ZONES = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Apia",  # skipped 2011-12-30 entirely
    "Asia/Kathmandu",  # +05:45
    "America/St_Johns",  # -03:30 with DST
    "America/Santiago",  # DST transitions at midnight
    "Australia/Sydney",  # southern-hemisphere DST
    "Asia/Tokyo",  # no DST
)

_IDS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8
)
_TAGS = st.sampled_from(
    ("grief", "caring", "alcohol", "anxiety", "sleep", "routine", "exercise", "work")
) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=10)
_LANGUAGES = st.sampled_from(("en", "es", "fr", "de", "pt", "pl", "ar", "hi"))


def timezones(*, tricky_only: bool = False) -> st.SearchStrategy[str]:
    """
    IANA zone names, favouring ones with awkward transitions.

    Args:
        tricky_only: Draw only from a short list of zones with half-hour
            shifts, skipped days and midnight transitions.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit import Member
        >>> from peerkit.testing import timezones
        >>> @given(timezones(tricky_only=True))
        ... def test_member_keeps_their_zone(name):
        ...     assert Member("ada", "action", timezone=name).timezone == name
        >>> test_member_keeps_their_zone()
    """
    if tricky_only:
        return st.sampled_from(_TRICKY_ZONES)
    rest = sorted(known_zones() - set(_TRICKY_ZONES))
    return st.sampled_from(_TRICKY_ZONES) | st.sampled_from(rest)


def aware_datetimes(
    *,
    min_value: dt.datetime = dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value: dt.datetime = dt.datetime(2040, 12, 31),  # noqa: DTZ001
    zones: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[pendulum.DateTime]:
    """
    Timezone-aware pendulum instants; never naive, never imaginary.

    Args:
        min_value: Earliest local wall time (naive, as hypothesis takes it).
        max_value: Latest local wall time.
        zones: Zone names to draw from; `timezones()` by default.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import aware_datetimes
        >>> @given(aware_datetimes())
        ... def test_never_naive(instant):
        ...     assert instant.utcoffset() is not None
        >>> test_never_naive()
    """
    tzinfos = (zones if zones is not None else timezones()).map(zone)
    return st.datetimes(
        min_value=min_value,
        max_value=max_value,
        timezones=tzinfos,
        allow_imaginary=False,
    ).map(pendulum.instance)


def intervals(*, max_minutes: int = 7 * 24 * 60) -> st.SearchStrategy[Interval]:
    """
    Intervals of one minute to *max_minutes*, starting at an aware instant.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import intervals
        >>> @given(intervals(max_minutes=90))
        ... def test_an_interval_holds_its_start(span):
        ...     assert span.start in span
        ...     assert 0 < span.minutes <= 90
        >>> test_an_interval_holds_its_start()
    """
    return st.builds(
        lambda start, minutes: Interval(start, start.add(minutes=minutes)),
        aware_datetimes(),
        st.integers(min_value=1, max_value=max_minutes),
    )


def windows() -> st.SearchStrategy[Window]:
    """
    One weekday window, on the quarter hour (a few on any minute).

    Examples:
        >>> from hypothesis import given
        >>> from peerkit import WEEKDAYS
        >>> from peerkit.testing import windows
        >>> @given(windows())
        ... def test_a_window_reads_as_its_weekday(window):
        ...     assert str(window).startswith(WEEKDAYS[window.day])
        >>> test_a_window_reads_as_its_weekday()
    """
    return _windows()


@st.composite
def _windows(draw: st.DrawFn) -> Window:
    day = draw(st.integers(0, 6))
    step = draw(st.sampled_from((15, 15, 15, 1)))
    start = draw(st.integers(0, (1440 - step) // step)) * step
    end = draw(st.integers(start // step + 1, 1440 // step)) * step
    return Window(day, start, end)


def weekly_availabilities(
    *, max_windows: int = 6
) -> st.SearchStrategy[WeeklyAvailability]:
    """
    Weekly availabilities: empty, always, or a handful of windows.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit import WeeklyAvailability
        >>> from peerkit.testing import weekly_availabilities
        >>> @given(weekly_availabilities())
        ... def test_specs_read_back(week):
        ...     assert WeeklyAvailability.parse(week.specs()) == week
        >>> test_specs_read_back()
    """
    return st.one_of(
        st.just(WeeklyAvailability()),
        st.just(WeeklyAvailability.always()),
        st.lists(windows(), max_size=max_windows).map(
            lambda ws: WeeklyAvailability(tuple(ws))
        ),
    )


def journey_scales(*, max_stages: int = 7) -> st.SearchStrategy[JourneyScale]:
    """
    Journey scales with one to *max_stages* distinct stages.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import journey_scales
        >>> @given(journey_scales())
        ... def test_the_ends_are_furthest_apart(scale):
        ...     first, last = scale.stages[0], scale.stages[-1]
        ...     assert scale.distance(first, last) == (1.0 if len(scale) > 1 else 0.0)
        >>> test_the_ends_are_furthest_apart()
    """
    return st.builds(
        JourneyScale,
        _IDS,
        st.lists(_IDS, min_size=1, max_size=max_stages, unique=True).map(tuple),
    )


def stages(scale: JourneyScale = STAGES_OF_CHANGE) -> st.SearchStrategy[str]:
    """
    Stage names on *scale*.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit import STAGES_OF_RECOVERY
        >>> from peerkit.testing import stages
        >>> @given(stages(STAGES_OF_RECOVERY))
        ... def test_stage_is_on_the_scale(stage):
        ...     assert stage in STAGES_OF_RECOVERY
        >>> test_stage_is_on_the_scale()
    """
    return st.sampled_from(scale.stages)


def reasons() -> st.SearchStrategy[Reason]:
    """
    Reasons with well-formed codes and finite weights.

    Examples:
        >>> from hypothesis import given
        >>> import peerkit
        >>> from peerkit.testing import reasons
        >>> @given(reasons())
        ... def test_reason_survives_json(reason):
        ...     text = peerkit.to_json(reason)
        ...     assert peerkit.from_json(peerkit.Reason, text) == reason
        >>> test_reason_survives_json()
    """
    code = st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(
            lambda s: s[0] != "_"
        ),
        min_size=1,
        max_size=3,
    ).map(".".join)
    weight = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)
    message = st.text(min_size=1, max_size=60).map(str.strip).filter(bool)
    return st.builds(Reason, code, weight, message)


def _traits() -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(
        st.sampled_from(("age_band", "gender", "region")),
        st.sampled_from(("18-25", "26-40", "41-65", "65+", "woman", "man", "north")),
        max_size=3,
    )


def members(
    scale: JourneyScale = STAGES_OF_CHANGE,
    *,
    ids: st.SearchStrategy[str] | None = None,
    availability: st.SearchStrategy[WeeklyAvailability] | None = None,
) -> st.SearchStrategy[Member]:
    """
    Members whose stage is on *scale*.

    Args:
        scale: The journey scale stages are drawn from.
        ids: Strategy for member ids; short lower-case ids by default.
        availability: Strategy for availability; `weekly_availabilities()`
            by default.

    Examples:
        >>> from hypothesis import given
        >>> import peerkit
        >>> from peerkit.testing import members
        >>> @given(members())
        ... def test_member_survives_json(member):
        ...     text = peerkit.to_json(member)
        ...     assert peerkit.from_json(peerkit.Member, text) == member
        >>> test_member_survives_json()
    """
    return st.builds(
        Member,
        ids if ids is not None else _IDS,
        stages(scale),
        experiences=st.frozensets(_TAGS, max_size=3),
        goals=st.frozensets(_TAGS, max_size=3),
        timezone=timezones(),
        availability=availability
        if availability is not None
        else weekly_availabilities(),
        languages=st.frozensets(_LANGUAGES, min_size=1, max_size=2),
        max_partners=st.integers(0, 3),
        quiet_hours=st.one_of(
            st.just(WeeklyAvailability()), weekly_availabilities(max_windows=3)
        ),
        traits=_traits(),
    )


@st.composite
def _band(draw: st.DrawFn, scale: JourneyScale) -> tuple[str, str] | None:
    if draw(st.booleans()):
        return None
    low = draw(st.integers(0, len(scale) - 1))
    high = draw(st.integers(low, len(scale) - 1))
    return (scale.stages[low], scale.stages[high])


def groups(
    scale: JourneyScale = STAGES_OF_CHANGE,
    *,
    people: st.SearchStrategy[list[Member]] | None = None,
    max_size: int = 8,
) -> st.SearchStrategy[Group]:
    """
    Groups with distinct member ids and room to spare or none.

    Args:
        scale: The journey scale of the members and the stage band.
        people: Strategy for the group's member list; distinct-id lists of
            `peerkit.testing.members` by default.
        max_size: Most members drawn when *people* is not given.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import groups
        >>> @given(groups())
        ... def test_group_never_over_capacity(group):
        ...     assert group.free_places >= 0
        ...     assert group.is_full == (group.free_places == 0)
        >>> test_group_never_over_capacity()
    """
    return _groups(scale, people, max_size)


@st.composite
def _groups(
    draw: st.DrawFn,
    scale: JourneyScale,
    people: st.SearchStrategy[list[Member]] | None,
    max_size: int,
) -> Group:
    inside = draw(
        people
        if people is not None
        else st.lists(members(scale), max_size=max_size, unique_by=_id)
    )
    return Group(
        draw(_IDS),
        tuple(inside),
        len(inside) + draw(st.integers(0, 4)),
        focus=draw(st.frozensets(_TAGS, max_size=2)),
        languages=draw(st.frozensets(_LANGUAGES, max_size=2)),
        timezone=draw(timezones()),
        meets=draw(weekly_availabilities(max_windows=2)),
        stage_band=draw(_band(scale)),
        requires=draw(
            st.dictionaries(
                st.sampled_from(("age_band", "gender")),
                st.frozensets(st.sampled_from(("18-25", "26-40", "woman")), min_size=1),
                max_size=1,
            )
        ),
    )


def _id(x: Any) -> str:
    return str(x.id)


def cohorts(
    *,
    min_size: int = 0,
    max_size: int = 20,
    max_groups: int = 4,
    scale: JourneyScale = STAGES_OF_CHANGE,
) -> st.SearchStrategy[Cohort]:
    """
    Whole cohorts: members with distinct ids, some of them placed in groups.

    Each member is in one group or none.

    Args:
        min_size: Fewest members.
        max_size: Most members.
        max_groups: Most groups.
        scale: The journey scale members' stages are on.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import cohorts
        >>> @given(cohorts(max_size=12))
        ... def test_everyone_is_placed_once_or_unplaced(cohort):
        ...     placed = [m.id for g in cohort.groups for m in g.members]
        ...     assert len(placed) == len(set(placed))
        ...     assert len(placed) + len(cohort.unplaced) == len(cohort.members)
        >>> test_everyone_is_placed_once_or_unplaced()
    """
    return _cohorts(min_size, max_size, max_groups, scale)


@st.composite
def _cohorts(
    draw: st.DrawFn, min_size: int, max_size: int, max_groups: int, scale: JourneyScale
) -> Cohort:
    people: list[Member] = draw(
        st.lists(members(scale), min_size=min_size, max_size=max_size, unique_by=_id)
    )
    n_groups = draw(st.integers(0, max_groups))
    group_ids = draw(st.lists(_IDS, min_size=n_groups, max_size=n_groups, unique=True))
    # Each member goes in one group or none.
    slots = draw(
        st.lists(
            st.integers(-1, n_groups - 1), min_size=len(people), max_size=len(people)
        )
    )
    made: list[Group] = []
    for g, group_id in enumerate(group_ids):
        inside = tuple(p for p, slot in zip(people, slots, strict=True) if slot == g)
        made.append(
            Group(
                group_id,
                inside,
                len(inside) + draw(st.integers(0, 4)),
                focus=draw(st.frozensets(_TAGS, max_size=2)),
                timezone=draw(timezones()),
                meets=draw(weekly_availabilities(max_windows=2)),
                stage_band=draw(_band(scale)),
            )
        )
    return Cohort(people, groups=made, scale=scale)


# --- matching --------------------------------------------------------------------

_TERM = Interval(pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
"""The period the strategies' matchings are for: a twelve-week term."""

_TERM_MINUTES = 16 * 7 * 24 * 60  # the longest period a strategy draws: 16 weeks


def fit_policies(
    scale: JourneyScale = STAGES_OF_CHANGE,
) -> st.SearchStrategy[FitPolicy]:
    """
    Group-fit policies with varied weights, stage tolerances and sizes.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.matching import group_fit
        >>> from peerkit.testing import fit_policies, groups, intervals, members
        >>> @given(members(), groups(), fit_policies(), intervals())
        ... def test_fit_is_a_score(member, group, policy, period):
        ...     fit = group_fit(member, group, during=period, policy=policy)
        ...     assert 0.0 <= fit.score <= 1.0
        >>> test_fit_is_a_score()
    """
    return _fit_policies(scale)


def _weights_and_tolerance(
    draw: st.DrawFn, components: tuple[str, ...]
) -> tuple[dict[str, float], float, float]:
    """Weights (a total policies take) and a stage tolerance with a limit above it."""
    weights = {k: draw(st.floats(0.0, 1.0, allow_nan=False)) for k in components}
    if sum(weights.values()) < sys.float_info.min:  # zero, or too small a total
        weights["stage"] = 1.0
    tolerance = draw(st.floats(0.0, 0.9, allow_nan=False))
    limit = draw(st.floats(tolerance + 0.05, 1.0, allow_nan=False))
    return weights, tolerance, limit


@st.composite
def _fit_policies(draw: st.DrawFn, scale: JourneyScale) -> FitPolicy:
    weights, tolerance, limit = _weights_and_tolerance(
        draw, ("stage", "experience", "goals", "schedule", "size")
    )
    low = draw(st.integers(1, 10))
    return FitPolicy(
        scale=scale,
        weights=weights,
        stage_tolerance=tolerance,
        stage_limit=limit,
        one_ahead_counts=draw(st.booleans()),
        ideal_size=(low, low + draw(st.integers(0, 8))),
        meeting_minutes=draw(st.sampled_from((30, 60, 90))),
        excused_week_count=draw(st.sampled_from((0, 0, 1, 3))),
    )


def group_fits(scale: JourneyScale = STAGES_OF_CHANGE) -> st.SearchStrategy[GroupFit]:
    """
    Group fits as `peerkit.matching.group_fit` makes them, eligible or not.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import group_fits
        >>> @given(group_fits())
        ... def test_every_fit_explains_itself(fit):
        ...     assert 0.0 <= fit.score <= 1.0
        ...     assert fit.reasons
        >>> test_every_fit_explains_itself()
    """
    return st.builds(
        lambda member, group, policy, period: group_fit(
            member, group, during=period, policy=policy
        ),
        members(scale),
        groups(scale),
        fit_policies(scale),
        intervals(max_minutes=_TERM_MINUTES),
    )


def groupings(max_members: int = 14) -> st.SearchStrategy[Grouping]:
    """
    Groupings as `peerkit.matching.form_groups` makes them from sample members.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import groupings
        >>> @given(groupings(max_members=8))
        ... def test_nobody_is_in_two_places(grouping):
        ...     ids = [m.id for fg in grouping.groups for m in fg.group.members]
        ...     ids += [u.member_id for u in grouping.unplaced]
        ...     assert len(ids) == len(set(ids))
        >>> test_nobody_is_in_two_places()
    """
    from peerkit.datasets import sample_cohort  # noqa: PLC0415 - loads package data

    people = st.lists(
        st.sampled_from(sample_cohort().members),
        max_size=max_members,
        unique_by=lambda m: m.id,
    )
    sizes = st.integers(2, 4).flatmap(
        lambda lo: st.tuples(st.just(lo), st.integers(lo, 6))
    )
    return st.builds(
        lambda ms, size, seed: form_groups(
            ms, min_size=size[0], max_size=size[1], during=_TERM, seed=seed
        ),
        people,
        sizes,
        st.integers(0, 3),
    )


def formed_groups() -> st.SearchStrategy[FormedGroup]:
    """
    Groups as `peerkit.matching.form_groups` proposes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import formed_groups
        >>> @given(formed_groups())
        ... def test_a_new_group_meets_and_shares_a_language(formed):
        ...     assert not formed.group.meets.is_empty
        ...     assert len(formed.group.languages) == 1
        >>> test_a_new_group_meets_and_shares_a_language()
    """
    return (
        groupings()
        .filter(lambda g: bool(g.groups))
        .flatmap(lambda g: st.sampled_from(g.groups))
    )


def unplaced_members() -> st.SearchStrategy[Unplaced]:
    """
    Members `peerkit.matching.form_groups` could not place, with reasons.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import unplaced_members
        >>> @given(unplaced_members())
        ... def test_unplaced_says_why(unplaced):
        ...     assert unplaced.reasons
        ...     assert all(r.code.startswith("unplaced.") for r in unplaced.reasons)
        >>> test_unplaced_says_why()
    """
    return (
        groupings(max_members=8)
        .filter(lambda g: bool(g.unplaced))
        .flatmap(lambda g: st.sampled_from(g.unplaced))
    )


# --- partners and mentors -------------------------------------------------------------


def partner_policies(
    scale: JourneyScale = STAGES_OF_CHANGE,
) -> st.SearchStrategy[PartnerPolicy]:
    """
    Partner policies with varied weights and thresholds.

    Examples:
        >>> from hypothesis import given, strategies as st
        >>> from peerkit.matching import partner_fit
        >>> from peerkit.testing import intervals, members, partner_policies
        >>> @given(
        ...     members(ids=st.just("a")),
        ...     members(ids=st.just("b")),
        ...     partner_policies(),
        ...     intervals(),
        ... )
        ... def test_pair_fit_is_symmetric(a, b, policy, period):
        ...     forward = partner_fit(a, b, during=period, policy=policy)
        ...     assert partner_fit(b, a, during=period, policy=policy) == forward
        >>> test_pair_fit_is_symmetric()
    """
    return _partner_policies(scale)


@st.composite
def _partner_policies(draw: st.DrawFn, scale: JourneyScale) -> PartnerPolicy:
    weights, tolerance, limit = _weights_and_tolerance(
        draw, ("stage", "goals", "experience", "schedule")
    )
    least = draw(st.sampled_from((1, 15, 30, 60)))
    return PartnerPolicy(
        scale=scale,
        weights=weights,
        stage_tolerance=tolerance,
        stage_limit=limit,
        min_score=draw(st.sampled_from((0.0, 0.2, 0.4, 0.6))),
        no_repeat_rounds=draw(st.integers(0, 4)),
        trios=draw(st.booleans()),
        min_overlap_minutes=least,
        ample_overlap_minutes=least + draw(st.integers(0, 600)),
        excused_week_count=draw(st.sampled_from((0, 0, 1, 3))),
    )


def pair_fits(scale: JourneyScale = STAGES_OF_CHANGE) -> st.SearchStrategy[PairFit]:
    """
    Pair fits as `peerkit.matching.partner_fit` makes them, eligible or not.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import pair_fits
        >>> @given(pair_fits())
        ... def test_fit_names_the_pair_in_order(fit):
        ...     assert fit.member_ids == ("a", "b")
        ...     assert 0.0 <= fit.score <= 1.0
        >>> test_fit_names_the_pair_in_order()
    """
    return st.builds(
        lambda a, b, policy, period: partner_fit(a, b, during=period, policy=policy),
        members(scale, ids=st.just("a")),
        members(scale, ids=st.just("b")),
        partner_policies(scale),
        intervals(max_minutes=_TERM_MINUTES),
    )


def _sample_people(max_members: int) -> st.SearchStrategy[list[Member]]:
    from peerkit.datasets import sample_cohort  # noqa: PLC0415 - loads package data

    return _some_of(sample_cohort().members, max_size=max_members)


def _some_of(
    people: tuple[Member, ...] | list[Member], *, min_size: int = 0, max_size: int
) -> st.SearchStrategy[list[Member]]:
    """Distinct members drawn by index, so reprs stay short."""
    return st.lists(
        st.integers(0, len(people) - 1),
        min_size=min_size,
        max_size=max_size,
        unique=True,
    ).map(lambda picks: [people[i] for i in picks])


def partner_matchings(max_members: int = 24) -> st.SearchStrategy[PartnerMatching]:
    """
    Rounds as `peerkit.matching.match_partners` makes them from sample members.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import partner_matchings
        >>> @given(partner_matchings(max_members=10))
        ... def test_nobody_placed_is_unplaced(matching):
        ...     placed = {i for team in matching.teams for i in team}
        ...     assert placed.isdisjoint(u.member_id for u in matching.unplaced)
        ...     assert len(set(matching.teams)) == len(matching.teams)
        >>> test_nobody_placed_is_unplaced()
    """
    return st.builds(
        lambda ms, objective, seed: match_partners(
            ms, during=_TERM, objective=objective, seed=seed
        ),
        _sample_people(max_members),
        st.sampled_from(("participation", "score", "fair")),
        st.integers(0, 3),
    )


def trios() -> st.SearchStrategy[Trio]:
    """
    Trios as `peerkit.matching.match_partners` forms them.

    Three sample members who may each hold two partners (a trio only takes
    such members), matched on their own.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import trios
        >>> @given(trios())
        ... def test_a_trio_is_three_good_pairs(trio):
        ...     assert len(set(trio.member_ids)) == 3
        ...     assert all(fit.eligible for fit in trio.fits)
        >>> test_a_trio_is_three_good_pairs()
    """
    from peerkit.datasets import sample_cohort  # noqa: PLC0415 - loads package data

    loose = PartnerPolicy(min_score=0.0, min_overlap_minutes=1)
    people = [
        attrs.evolve(m, max_partners=2)
        for m in sample_cohort().members
        if m.max_partners and "en" in m.languages
    ]
    return st.deferred(lambda: _trio_of(people, loose))


def _trio_of(people: list[Member], loose: PartnerPolicy) -> st.SearchStrategy[Trio]:
    """Trios from the triples of *people* whose three pairs are all eligible."""
    # Any three rarely form a trio; a triple of eligible pairs does, so draw
    # from those (found once, when the strategy is first drawn from).
    fits = {
        (i, j)
        for i, j in itertools.combinations(range(len(people)), 2)
        if partner_fit(people[i], people[j], during=_TERM, policy=loose).eligible
    }
    triangles = [
        (i, j, k)
        for i, j, k in itertools.combinations(range(len(people)), 3)
        if {(i, j), (i, k), (j, k)} <= fits
    ]
    return (
        st.sampled_from(triangles)
        .map(lambda picks: [people[i] for i in picks])
        .map(lambda ms: match_partners(ms, during=_TERM, policy=loose))
        .filter(lambda m: bool(m.trios))
        .map(lambda m: m.trios[0])
    )


def mentor_matchings(max_members: int = 24) -> st.SearchStrategy[MentorMatching]:
    """
    Mentor rounds as `peerkit.matching.match_mentors` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import mentor_matchings
        >>> @given(mentor_matchings(max_members=10))
        ... def test_no_mentor_over_capacity(matching):
        ...     for mentor, capacity in matching.capacities.items():
        ...         assert len(matching.mentees_of(mentor)) <= capacity
        >>> test_no_mentor_over_capacity()
    """
    return _sample_people(max_members).flatmap(
        lambda ms: st.integers(0, len(ms)).map(
            lambda k: match_mentors(ms[:k], ms[k:], during=_TERM)
        )
    )


def mentor_assignments() -> st.SearchStrategy[MentorAssignment]:
    """
    Single mentor assignments, fit and all.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import mentor_assignments
        >>> @given(mentor_assignments())
        ... def test_an_assignment_is_an_eligible_pair(assignment):
        ...     assert assignment.mentor_id != assignment.mentee_id
        ...     assert assignment.fit.eligible
        >>> test_an_assignment_is_an_eligible_pair()
    """
    return (
        mentor_matchings()
        .filter(lambda m: bool(m.assignments))
        .flatmap(lambda m: st.sampled_from(m.assignments))
    )


# --- scheduling -------------------------------------------------------------------


@st.composite
def _times(draw: st.DrawFn) -> tuple[dt.time, ...]:
    hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=2, unique=True))
    minutes = draw(
        st.lists(
            st.sampled_from((0, 15, 30, 45, 7)), min_size=1, max_size=2, unique=True
        )
    )
    return tuple(dt.time(h, m) for h in hours for m in minutes)


def cadences(
    *, zones: st.SearchStrategy[str] | None = None, max_every: int = 4
) -> st.SearchStrategy[Cadence]:
    """
    Cadences across the whole supported RFC 5545 subset.

    Args:
        zones: Strategy for the cadence's zone; `timezones()` by default.
        max_every: Largest ``every``.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.scheduling import Cadence
        >>> from peerkit.testing import cadences
        >>> @given(cadences())
        ... def test_rrule_reads_back(cadence):
        ...     rule = cadence.to_rrule()
        ...     assert Cadence.from_rrule(rule, timezone=cadence.timezone) == cadence
        >>> test_rrule_reads_back()
    """
    return _cadences(zones if zones is not None else timezones(), max_every)


@st.composite
def _cadences(
    draw: st.DrawFn, zones: st.SearchStrategy[str], max_every: int
) -> Cadence:
    frequency = draw(st.sampled_from(FREQUENCIES))
    weekdays = st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True)
    days: list[str] = []
    month_days: list[int] = []
    if frequency == "weekly":
        days = draw(weekdays)
    elif frequency == "daily":
        days = draw(st.one_of(st.just([]), weekdays))
    else:
        # Monthly: ordinal weekdays, plain ones (every Tuesday of the
        # month), month days, or month days that must also be weekdays.
        shape = draw(st.sampled_from(("nth", "days", "plain", "both")))
        if shape in {"nth", "both"} and draw(st.booleans()):
            ordinal = st.sampled_from((1, 2, 3, 4, 5, -1, -2))
            days = [
                f"{n}{d}"
                for n, d in draw(
                    st.lists(
                        st.tuples(ordinal, st.sampled_from(WEEKDAYS)),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                )
            ]
        elif shape in {"plain", "both"}:
            days = draw(
                st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True)
            )
        if shape in {"days", "both"} or not days:
            month_days = draw(
                st.lists(
                    st.integers(1, 31) | st.integers(-31, -1),
                    min_size=1,
                    max_size=3 if shape == "days" else 12,
                    unique=True,
                )
            )
    return Cadence(
        frequency=frequency,
        times=draw(_times()),
        timezone=draw(zones),
        every=draw(st.integers(1, max_every)),
        weekdays=days,
        month_days=month_days,
    )


def adapt_policies() -> st.SearchStrategy[AdaptPolicy]:
    """
    Adaptation policies with varied bounds and thresholds.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import adapt_policies
        >>> @given(adapt_policies())
        ... def test_bounds_are_in_order(policy):
        ...     assert policy.least_per_week <= policy.most_per_week
        ...     assert policy.lighten_below <= policy.tighten_from
        >>> test_bounds_are_in_order()
    """
    return _adapt_policies()


@st.composite
def _adapt_policies(draw: st.DrawFn) -> AdaptPolicy:
    least = draw(st.sampled_from((0.2, 0.25, 0.5, 1.0, 2.0)))
    most = least * draw(st.sampled_from((1.0, 2.0, 4.0, 10.0, 35.0)))
    lighten = draw(st.sampled_from((0.0, 0.1, 0.2, 0.3)))
    return AdaptPolicy(
        least_per_week=least,
        most_per_week=most,
        lighten_below=lighten,
        tighten_from=lighten + draw(st.sampled_from((0.0, 0.2, 0.4))),
        max_steps=draw(st.integers(1, 4)),
    )


def checkin_statuses() -> st.SearchStrategy[CheckinStatus]:
    """
    Check-in statuses as `peerkit.scheduling.checkin_status` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import checkin_statuses
        >>> @given(checkin_statuses())
        ... def test_decided_is_kept_or_missed(status):
        ...     assert status.kept_count + status.missed_count == status.due_count
        ...     assert status.streak <= status.kept_count
        >>> test_decided_is_kept_or_missed()
    """
    return _checkin_statuses()


@st.composite
def _checkin_statuses(draw: st.DrawFn) -> CheckinStatus:
    cadence = draw(cadences(zones=timezones(tricky_only=True), max_every=2))
    start = draw(aware_datetimes(min_value=dt.datetime(2020, 1, 1)))  # noqa: DTZ001
    now = start + dt.timedelta(days=draw(st.integers(0, 90)))
    done = draw(
        st.lists(
            st.integers(0, 90 * 24).map(lambda h: start + dt.timedelta(hours=h)),
            max_size=12,
        )
    )
    return checkin_status(cadence, start=start, done=done, now=now)


def plan_policies() -> st.SearchStrategy[PlanPolicy]:
    """
    Check-in planning policies with varied weights, steps and plan counts.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import plan_policies
        >>> @given(plan_policies())
        ... def test_weights_are_shares(policy):
        ...     assert 0 <= policy.night <= 1 and policy.plan_count >= 1
        >>> test_weights_are_shares()
    """
    weight = st.sampled_from((0.0, 0.1, 0.25, 0.5, 1.0))
    return st.builds(
        PlanPolicy,
        night=weight,
        early_morning=weight,
        late_evening=weight,
        weekend=weight,
        step=st.sampled_from((15, 30, 60, 120)).map(lambda m: dt.timedelta(minutes=m)),
        plan_count=st.integers(1, 5),
    )


def checkin_plans() -> st.SearchStrategy[CheckinPlan]:
    """
    Check-in plans as `peerkit.scheduling.plan_checkins` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import checkin_plans
        >>> @given(checkin_plans())
        ... def test_the_worst_burden_is_a_members(plan):
        ...     assert plan.burden in plan.burdens.values()
        >>> test_the_worst_burden_is_a_members()
    """
    return _checkin_plans()


@st.composite
def _checkin_plans(draw: st.DrawFn) -> CheckinPlan:
    zones = st.sampled_from(_TRICKY_ZONES)
    people = [
        Member(
            f"m{i}",
            "action",
            timezone=draw(zones),
            availability=draw(
                st.sampled_from(("daily 06:00-23:00", "mon-fri 07:00-21:00"))
            ),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    start = pendulum.datetime(
        draw(st.integers(2020, 2030)), draw(st.integers(1, 12)), 1
    )
    found = plan_checkins(
        people,
        during=(start, start.add(weeks=draw(st.integers(1, 8)))),
        duration=dt.timedelta(minutes=30),
        per_week=draw(st.integers(1, 2)),
        policy=PlanPolicy(plan_count=1),
    )
    if found:
        return found[0]
    return CheckinPlan(  # no common time: a plan drawn as it could be
        cadence=Cadence.weekly(on="mon", time="09:00", timezone=people[0].timezone),
        start=start,
        until=start.add(weeks=1),
        duration=dt.timedelta(minutes=30),
        week_count=1,
        local_times={m.id: ("Mon 09:00-09:30",) for m in people},
        timezones={m.id: m.timezone for m in people},
        burdens={m.id: 0.0 for m in people},
    )


def slots() -> st.SearchStrategy[Slot]:
    """
    Slots as `peerkit.scheduling.common_slots` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import slots
        >>> @given(slots())
        ... def test_every_member_sees_the_same_length(slot):
        ...     for member_id in slot.timezones:
        ...         start, end = slot.local(member_id)
        ...         assert (end - start).total_seconds() == slot.minutes * 60
        >>> test_every_member_sees_the_same_length()
    """
    return _slot_pairs().flatmap(lambda found: st.sampled_from(found[0]))


@st.composite
def _slot_pairs(draw: st.DrawFn) -> tuple[tuple[Slot, ...], list[Member]]:
    people = draw(
        st.lists(
            members(
                availability=st.lists(windows(), min_size=1, max_size=6).map(
                    lambda ws: WeeklyAvailability(tuple(ws))
                )
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda m: m.id,
        ).filter(lambda ms: all(not m.availability.is_empty for m in ms))
    )
    week = draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
    found = common_slots(
        people,
        duration=dt.timedelta(minutes=15),
        week_of=week,
        step=dt.timedelta(hours=2),
    )
    if not found:
        found = common_slots(
            [Member("solo", "action")], duration=dt.timedelta(minutes=30), week_of=week
        )
        people = [Member("solo", "action")]
    return found, people


def slot_conflicts() -> st.SearchStrategy[SlotConflict]:
    """
    Slot conflicts as `peerkit.scheduling.recurring_slot_conflicts` finds them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import slot_conflicts
        >>> @given(slot_conflicts())
        ... def test_a_conflict_says_which_rule(conflict):
        ...     assert conflict.start < conflict.end
        ...     assert conflict.reason.code in {"slot.unavailable", "slot.quiet"}
        >>> test_a_conflict_says_which_rule()
    """
    from peerkit.datasets import sample_cohort  # noqa: PLC0415 - loads package data

    people = sample_cohort().members

    @st.composite
    def _one(draw: st.DrawFn) -> SlotConflict:
        pair = draw(_some_of(people, min_size=2, max_size=2))
        start = draw(aware_datetimes(min_value=dt.datetime(2020, 1, 1)))  # noqa: DTZ001
        slot = Slot(
            start=start,
            end=start + dt.timedelta(hours=1),
            timezones={m.id: m.timezone for m in pair},
        )
        found = recurring_slot_conflicts(
            slot, pair, during=(start, start + dt.timedelta(weeks=8))
        )
        if not found:
            return SlotConflict(
                week_of=start.date(),
                member_id=pair[0].id,
                start=start,
                end=start + dt.timedelta(hours=1),
                reason=Reason(
                    "slot.unavailable", -1.0, "Outside the times they are free."
                ),
            )
        return draw(st.sampled_from(found))

    return _one()


# --- engagement ---------------------------------------------------------------

_HISTORY_START = pendulum.datetime(2024, 1, 1)
_OUTCOMES = st.sampled_from(("kept", "kept", "kept", "missed", "excused"))


def touchpoints(
    *,
    member_ids: st.SearchStrategy[str] | None = None,
    max_size: int = 60,
) -> st.SearchStrategy[list[Touchpoint | Activity]]:
    """
    Histories: touchpoints (and a little activity) of a few members.

    Due times are whole hours over about a year from 1 January 2024, in
    tricky zones, so members share instants and records run long enough
    to drift. Outcomes lean to kept, as real attendance does.

    Args:
        member_ids: Ids to draw from; a handful of short ones by default.
        max_size: Most events in a history.

    Examples:
        >>> import pendulum
        >>> from hypothesis import given
        >>> from peerkit.engagement import detect_drift
        >>> from peerkit.testing import touchpoints
        >>> now = pendulum.datetime(2025, 6, 1)
        >>> @given(touchpoints())
        ... def test_order_does_not_matter(history):
        ...     forward = detect_drift(history, now=now)
        ...     assert detect_drift(history[::-1], now=now) == forward
        >>> test_order_does_not_matter()
    """
    ids = (
        member_ids if member_ids is not None else st.sampled_from(("a", "b", "c", "d"))
    )
    zones = timezones(tricky_only=True).map(zone)
    hours = st.integers(0, 52 * 7 * 24)

    def _at(hour: int, tz: Any) -> pendulum.DateTime:
        return _HISTORY_START.add(hours=hour).in_timezone(tz)

    touchpoint = st.builds(
        lambda who, hour, tz, outcome, kind: Touchpoint(
            who, _at(hour, tz), outcome, kind
        ),
        ids,
        hours,
        zones,
        _OUTCOMES,
        st.sampled_from(("checkin", "checkin", "meeting")),
    )
    activity = st.builds(lambda who, hour: Activity(who, _at(hour, "UTC")), ids, hours)
    return st.lists(touchpoint | activity, max_size=max_size)


def weekly_runs(
    *, weeks: int = 52, member_ids: tuple[str, ...] = ("a", "b", "c")
) -> st.SearchStrategy[list[Touchpoint]]:
    """
    Histories with one touchpoint a member a week: the shape drift needs.

    Each member keeps at a drawn rate, and may drop to a lower one from a
    drawn week, so drifting, steady and re-engaged records all appear.

    Examples:
        >>> import pendulum
        >>> from hypothesis import given
        >>> from peerkit.engagement import DriftMonitor, detect_drift
        >>> from peerkit.testing import weekly_runs
        >>> now = pendulum.datetime(2025, 6, 1)
        >>> @given(weekly_runs(weeks=20))
        ... def test_online_equals_batch(history):
        ...     monitor = DriftMonitor()
        ...     monitor.observe_many(history)
        ...     assert monitor.reports(now=now) == detect_drift(history, now=now)
        >>> test_online_equals_batch()
    """
    return _weekly_runs(weeks, member_ids)


@st.composite
def _weekly_runs(
    draw: st.DrawFn, weeks: int, member_ids: tuple[str, ...]
) -> list[Touchpoint]:
    events = []
    for ident in member_ids:
        length = draw(st.integers(0, weeks))
        change = draw(st.integers(0, weeks))
        bits = draw(st.lists(st.integers(0, 9), min_size=length, max_size=length))
        before = draw(st.integers(5, 10))
        after = draw(st.integers(0, 10))
        for week, bit in enumerate(bits):
            rate = before if week < change else after
            outcome: Outcome = "kept" if bit < rate else "missed"
            if bit == 9 and draw(st.booleans()):
                outcome = "excused"
            events.append(Touchpoint(ident, _HISTORY_START.add(weeks=week), outcome))
    return events


def drift_policies() -> st.SearchStrategy[DriftPolicy]:
    """
    Drift policies across the budget, history, prior and hysteresis knobs.

    Examples:
        >>> from hypothesis import given
        >>> import peerkit
        >>> from peerkit.engagement import DriftPolicy
        >>> from peerkit.testing import drift_policies
        >>> @given(drift_policies())
        ... def test_policy_survives_json(policy):
        ...     assert peerkit.from_json(DriftPolicy, peerkit.to_json(policy)) == policy
        >>> test_policy_survives_json()
    """
    return st.builds(
        DriftPolicy,
        false_flags_per_100_members_per_year=st.sampled_from(
            (0.5, 1.0, 5.0, 20.0, 60.0)
        ),
        min_history=st.integers(1, 12),
        cohort_rate=st.sampled_from((0.3, 0.6, 0.8, 0.95)),
        prior_strength=st.sampled_from((0.5, 2.0, 8.0, 30.0)),
        drop=st.sampled_from((0.2, 0.4, 0.6, 0.8)),
        release=st.sampled_from((0.0, 0.25, 0.5, 0.9)),
        disengaged_after=st.integers(1, 8),
        reengaged_for=st.integers(1, 12),
        recent_count=st.integers(1, 20),
    )


def _now() -> pendulum.DateTime:
    return _HISTORY_START.add(weeks=60)


def drift_reports() -> st.SearchStrategy[DriftReport]:
    """
    Drift reports as `peerkit.engagement.detect_drift` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import drift_reports
        >>> @given(drift_reports())
        ... def test_a_flag_is_worth_a_call(report):
        ...     if report.flagged:
        ...         assert report.severity >= 0.5
        ...         assert report.onset is not None
        >>> test_a_flag_is_worth_a_call()
    """
    return (
        st.tuples(weekly_runs(), touchpoints(max_size=20), drift_policies())
        .map(lambda t: detect_drift([*t[0], *t[1]], now=_now(), policy=t[2]))
        .filter(bool)
        .flatmap(st.sampled_from)
    )


def drift_states() -> st.SearchStrategy[DriftState]:
    """
    Monitor states after a drawn history (`DriftMonitor.state`).

    Examples:
        >>> from hypothesis import given
        >>> import peerkit
        >>> from peerkit.engagement import DriftMonitor, DriftState
        >>> from peerkit.testing import drift_states
        >>> @given(drift_states())
        ... def test_state_survives_storage(state):
        ...     stored = peerkit.from_json(DriftState, peerkit.to_json(state))
        ...     assert DriftMonitor.from_state(stored).state == state
        >>> test_state_survives_storage()
    """

    def _state(events: list[Touchpoint | Activity], policy: DriftPolicy) -> DriftState:
        monitor = DriftMonitor(policy)
        for event in sorted(events, key=_event_order):
            monitor.observe(event)
        return monitor.state

    return st.builds(_state, touchpoints(max_size=30), drift_policies())


def _event_order(event: Touchpoint | Activity) -> tuple[int, int]:
    if isinstance(event, Touchpoint):
        return (event._key >> 2, event._key & 3)  # noqa: SLF001 - the monitor's order
    return (event._us, 9)  # noqa: SLF001


def milestone_values() -> st.SearchStrategy[Milestone]:
    """
    Milestones as `peerkit.engagement.milestones` finds them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.engagement import MilestoneKind
        >>> from peerkit.testing import milestone_values
        >>> @given(milestone_values())
        ... def test_streaks_are_round_numbers(milestone):
        ...     if milestone.kind is MilestoneKind.STREAK:
        ...         assert milestone.count in (4, 8, 12, 26, 52)
        >>> test_streaks_are_round_numbers()
    """
    return (
        weekly_runs()
        .map(lambda events: milestones(events, now=_now()))
        .filter(bool)
        .flatmap(st.sampled_from)
    )


def group_engagements() -> st.SearchStrategy[GroupEngagement]:
    """
    Group summaries as `peerkit.engagement.group_engagement` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import group_engagements
        >>> @given(group_engagements())
        ... def test_counts_nest(summary):
        ...     drifting = summary.drifting_count
        ...     assert summary.disengaged_count <= drifting <= summary.member_count
        >>> test_counts_nest()
    """
    return st.builds(
        lambda events, weeks: group_engagement(events, now=_now(), week_count=weeks),
        weekly_runs(),
        st.integers(1, 12),
    )


def weekly_attendances() -> st.SearchStrategy[WeeklyAttendance]:
    """
    Weeks of attendance, from `group_engagements`.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import weekly_attendances
        >>> @given(weekly_attendances())
        ... def test_kept_within_decided(week):
        ...     assert week.kept_count <= week.decided_count
        ...     assert week.rate is None or 0.0 <= week.rate <= 1.0
        >>> test_kept_within_decided()
    """
    return group_engagements().flatmap(lambda g: st.sampled_from(g.weeks))


# --- outcomes -----------------------------------------------------------------

_BASELINE = Interval(_HISTORY_START, _HISTORY_START.add(weeks=2))
_FOLLOWUP = Interval(_HISTORY_START.add(weeks=10), _HISTORY_START.add(weeks=14))


def instruments() -> st.SearchStrategy[Instrument]:
    """
    Questionnaires: the ready ones and made-up ones of either direction.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import instruments
        >>> @given(instruments())
        ... def test_the_cutoff_is_in_the_clinical_range(instrument):
        ...     if instrument.cutoff is not None:
        ...         assert instrument.is_clinical(instrument.cutoff)
        >>> test_the_cutoff_is_in_the_clinical_range()
    """
    return st.sampled_from((PHQ9, GAD7, WEMWBS)) | _instruments()


@st.composite
def _instruments(draw: st.DrawFn) -> Instrument:
    integer = draw(st.booleans())
    base = draw(st.integers(-10, 20))
    span = draw(st.integers(1, 80))
    scale = 1.0 if integer else 0.25
    low, high = base * scale, (base + span) * scale
    cutoff = draw(
        st.none()
        | st.floats(low, high, allow_nan=False).map(lambda c: round(c * 2) / 2)
    )
    if cutoff is not None and not low <= cutoff <= high:
        cutoff = None
    return Instrument(
        name=draw(st.sampled_from(("Mood", "K-10", "Coping", "Sleep"))),
        low=low,
        high=high,
        higher_is_better=draw(st.booleans()),
        reliability=draw(st.floats(0.5, 0.98, allow_nan=False)),
        sd=draw(st.floats(0.2, (high - low) / 2 + 0.5, allow_nan=False)),
        cutoff=cutoff,
        integer_scores=integer,
    )


def scores(instrument: Instrument) -> st.SearchStrategy[float]:
    """
    Possible scores on *instrument*: whole numbers where it sums items.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.outcomes import PHQ9
        >>> from peerkit.testing import scores
        >>> @given(scores(PHQ9))
        ... def test_score_is_accepted(score):
        ...     assert PHQ9.check_score(score) == score
        >>> test_score_is_accepted()
    """
    if instrument.integer_scores:
        return st.integers(int(instrument.low), int(instrument.high)).map(float)
    return st.floats(instrument.low, instrument.high, allow_nan=False)


def measurements(
    instrument: Instrument | None = None,
    *,
    member_ids: st.SearchStrategy[str] | None = None,
    max_size: int = 40,
) -> st.SearchStrategy[list[Measurement]]:
    """
    Scores of a few members on one questionnaire, before, during and after.

    Times fall mostly in weeks 0-1 (baseline) and 10-13 (follow-up) from
    1 January 2024, some in between and after, so members have a baseline,
    a follow-up, both or neither. Each member has one score per instant.

    Args:
        instrument: The questionnaire; drawn from `instruments` if None.
        member_ids: Ids to draw from; a handful of short ones by default.
        max_size: Most measurements in a list.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.outcomes import GAD7
        >>> from peerkit.testing import measurements
        >>> @given(measurements(GAD7))
        ... def test_scores_are_in_range(taken):
        ...     assert all(GAD7.low <= m.score <= GAD7.high for m in taken)
        >>> test_scores_are_in_range()
    """
    ids = (
        member_ids
        if member_ids is not None
        else st.sampled_from(("a", "b", "c", "d", "e", "f"))
    )
    chosen = st.just(instrument) if instrument is not None else instruments()
    return chosen.flatmap(lambda ins: _measurements(ins, ids, max_size))


@st.composite
def _measurements(
    draw: st.DrawFn,
    instrument: Instrument,
    ids: st.SearchStrategy[str],
    max_size: int,
) -> list[Measurement]:
    hours = (
        st.integers(0, 2 * 7 * 24 - 1)
        | st.integers(10 * 7 * 24, 14 * 7 * 24 - 1)
        | st.integers(0, 20 * 7 * 24)
    )
    drawn = draw(
        st.lists(
            st.tuples(ids, hours, scores(instrument)),
            max_size=max_size,
            unique_by=lambda t: (t[0], t[1]),
        )
    )
    with_items = instrument.item_count > 0 and draw(st.booleans())
    return [
        Measurement(
            who,
            instrument,
            _HISTORY_START.add(hours=hour),
            score,
            items=_spread(score, instrument) if with_items else None,
        )
        for who, hour, score in drawn
    ]


def _spread(score: float, instrument: Instrument) -> tuple[float, ...]:
    """Item answers adding up to *score*, filled from the first item."""
    low, high = instrument.item_low or 0.0, instrument.item_high or 0.0
    left = score - low * instrument.item_count
    items = []
    for _ in range(instrument.item_count):
        extra = min(high - low, left)
        items.append(low + extra)
        left -= extra
    return tuple(items)


def changes() -> st.SearchStrategy[Change]:
    """
    Reliable changes between two drawn scores on a drawn questionnaire.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.outcomes import ChangeCategory
        >>> from peerkit.testing import changes
        >>> @given(changes())
        ... def test_recovery_leaves_the_clinical_range(change):
        ...     if change.category is ChangeCategory.RECOVERED:
        ...         assert change.clinical_before and not change.clinical_after
        >>> test_recovery_leaves_the_clinical_range()
    """
    return instruments().flatmap(
        lambda ins: st.builds(
            lambda pre, post: reliable_change(pre, post, instrument=ins),
            scores(ins),
            scores(ins),
        )
    )


def outcome_summaries() -> st.SearchStrategy[OutcomeSummary]:
    """
    Programme summaries over `measurements` (baseline weeks 0-1, follow-up 10-13).

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import outcome_summaries
        >>> @given(outcome_summaries())
        ... def test_every_completer_is_counted_once(summary):
        ...     categories = (
        ...         summary.recovered_count,
        ...         summary.improved_count,
        ...         summary.unchanged_count,
        ...         summary.deteriorated_count,
        ...     )
        ...     assert sum(categories) == summary.completed_count
        ...     lost = len(summary.lost)
        ...     assert summary.completed_count + lost == summary.with_baseline_count
        >>> test_every_completer_is_counted_once()
    """
    return instruments().flatmap(
        lambda ins: measurements(ins).map(
            lambda ms: programme_outcomes(
                ms,
                instrument=ins,
                baseline_period=_BASELINE,
                followup_period=_FOLLOWUP,
            )
        )
    )


def ratings(
    *,
    group_ids: st.SearchStrategy[str] | None = None,
    max_size: int = 60,
) -> st.SearchStrategy[list[Rating]]:
    """
    Session ratings (0-10) of a few groups over 12 weeks from 1 January 2024.

    Sessions are weekly at 18:00 UTC, so several ratings share a session.

    Examples:
        >>> import pendulum
        >>> from hypothesis import given
        >>> from peerkit.outcomes import feedback_trend
        >>> from peerkit.testing import ratings
        >>> @given(ratings())
        ... def test_one_trend_per_group(rated):
        ...     trends = feedback_trend(rated, now=pendulum.datetime(2024, 4, 1))
        ...     rated_groups = sorted({r.group_id for r in rated})
        ...     assert [t.group_id for t in trends] == rated_groups
        >>> test_one_trend_per_group()
    """
    ids = group_ids if group_ids is not None else st.sampled_from(("g1", "g2", "g3"))
    rating = st.builds(
        lambda group, week, score: Rating(
            group, _HISTORY_START.add(weeks=week, hours=18), score
        ),
        ids,
        st.integers(0, 11),
        st.integers(0, 10),
    )
    return st.lists(rating, max_size=max_size)


def feedback_trends() -> st.SearchStrategy[FeedbackTrend]:
    """
    Feedback trends as `peerkit.outcomes.feedback_trend` makes them.

    Examples:
        >>> from hypothesis import given
        >>> from peerkit.testing import feedback_trends
        >>> @given(feedback_trends())
        ... def test_falling_means_the_whole_interval_is_below_zero(trend):
        ...     if trend.falling:
        ...         assert trend.slope_high < 0
        >>> test_falling_means_the_whole_interval_is_below_zero()
    """
    return (
        ratings()
        .map(
            lambda rs: feedback_trend(
                rs, now=_HISTORY_START.add(weeks=12), lookback=dt.timedelta(weeks=8)
            )
        )
        .filter(bool)
        .flatmap(st.sampled_from)
    )
