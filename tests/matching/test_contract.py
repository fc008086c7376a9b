"""The matching contract of 0.2: a required period, inputs that compose, results that hold together, seeds refused by name."""

import datetime as dt
import json
from collections.abc import Callable

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import peerkit
from peerkit import Group, InvalidInputError, Member, week_span
from peerkit.matching import (
    FitPolicy,
    FormedGroup,
    Grouping,
    MentorMatching,
    PartnerMatching,
    PartnerPolicy,
    Trio,
    blocking_pairs,
    form_groups,
    group_fit,
    match_mentors,
    match_partners,
    partner_fit,
    rank_groups,
    suggest_mentors,
    suggest_mentors_for,
    suggest_partners,
    suggest_partners_for,
)
from reference import COHORT, MEMBERS, WEEK

NY = Member(
    "ny", "action", timezone="America/New_York", availability="weekdays 09:00-10:00"
)
LDN = Member(
    "ldn", "action", timezone="Europe/London", availability="weekdays 14:00-15:00"
)

# --- during= ---------------------------------------------------------------------

ENTRY_POINTS: dict[str, Callable[..., object]] = {
    "group_fit": lambda **kw: group_fit(MEMBERS[0], COHORT.groups[0], **kw),
    "rank_groups": lambda **kw: rank_groups(MEMBERS[0], COHORT, **kw),
    "form_groups": lambda **kw: form_groups(MEMBERS[:8], min_size=3, max_size=4, **kw),
    "partner_fit": lambda **kw: partner_fit(MEMBERS[0], MEMBERS[1], **kw),
    "match_partners": lambda **kw: match_partners(MEMBERS[:8], **kw),
    "match_mentors": lambda **kw: match_mentors(MEMBERS[:3], MEMBERS[3:8], **kw),
    "blocking_pairs": lambda **kw: blocking_pairs(
        match_partners(MEMBERS[:8], during=WEEK), MEMBERS[:8], **kw
    ),
    "suggest_partners": lambda **kw: suggest_partners(MEMBERS[0], MEMBERS[1:8], **kw),
    "suggest_partners_for": lambda **kw: suggest_partners_for(MEMBERS[:8], **kw),
    "suggest_mentors": lambda **kw: suggest_mentors(MEMBERS[0], MEMBERS[3:8], **kw),
}


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_during_is_required(name: str) -> None:
    """Every function that judges schedules refuses to run without the period it is for."""
    with pytest.raises(TypeError, match="during"):
        ENTRY_POINTS[name]()


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
@pytest.mark.parametrize(
    "bad",
    [
        None,
        dt.date(2026, 1, 12),
        (dt.datetime(2026, 1, 12), dt.datetime(2026, 1, 19)),  # noqa: DTZ001 - naive on purpose
        (WEEK.end, WEEK.start),
        (WEEK.start,),
        "2026-01-12",
    ],
    ids=["none", "date", "naive", "backwards", "one-end", "string"],
)
def test_a_bad_period_is_refused_by_name(name: str, bad: object) -> None:
    """A period that is not an Interval or an ordered pair of aware datetimes is an InvalidInputError naming during."""
    with pytest.raises(InvalidInputError) as info:
        ENTRY_POINTS[name](during=bad)
    assert info.value.path == "during"


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_an_interval_and_a_pair_are_the_same_period(name: str) -> None:
    """An Interval, a (start, end) tuple and a [start, end] list of the same instants give the same answer."""
    as_pair = (WEEK.start, WEEK.end)
    expected = ENTRY_POINTS[name](during=WEEK)
    assert ENTRY_POINTS[name](during=as_pair) == expected
    assert ENTRY_POINTS[name](during=list(as_pair)) == expected


def test_every_week_the_period_touches_is_judged() -> None:
    """A term is judged on every Monday-to-Monday week it touches; one shorter than a week on the week or two it touches."""
    january = partner_fit(NY, LDN, during=WEEK)
    march = week_span(dt.date(2026, 3, 9), timezone="UTC")
    assert january.overlap_minutes == 300
    assert partner_fit(NY, LDN, during=march).overlap_minutes == 0
    # Twelve weeks from 12 January: New York's clocks change on 8 March,
    # London's on 29 March, so the three weeks between share no time.
    term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
    fit = partner_fit(NY, LDN, during=term)
    assert (fit.eligible, fit.overlap_minutes) == (False, 0)
    assert fit.reasons[0].message == (
        "No common time from 9 March until 30 March, when clocks change."
    )
    # Three days from Friday 9 January: the week of 5 January alone.
    short = (pendulum.datetime(2026, 1, 9), pendulum.datetime(2026, 1, 12))
    assert partner_fit(NY, LDN, during=short).overlap_minutes == 300
    # Friday 6 March to Tuesday 10 March touches the week of 9 March too.
    across = (pendulum.datetime(2026, 3, 6), pendulum.datetime(2026, 3, 10))
    assert partner_fit(NY, LDN, during=across).overlap_minutes == 0


@given(st.integers(0, 7 * 24 - 1), st.integers(1, 7 * 24))
def test_any_period_within_one_week_judges_that_week(offset: int, hours: int) -> None:
    """For all periods inside the week from 12 January 2026, the judged week is that week."""
    start = pendulum.datetime(2026, 1, 12).add(hours=offset)
    end = min(start.add(hours=hours), WEEK.end)
    assert partner_fit(NY, LDN, during=(start, end)) == partner_fit(
        NY, LDN, during=WEEK
    )


def test_the_policies_no_longer_hold_a_week() -> None:
    """week_of is gone from FitPolicy and PartnerPolicy: the period is an argument."""
    assert "week_of" not in attrs.fields_dict(FitPolicy)
    assert "week_of" not in attrs.fields_dict(PartnerPolicy)


# --- inputs compose ------------------------------------------------------------


def test_match_partners_takes_a_cohort() -> None:
    """match_partners(cohort) is match_partners(cohort.members)."""
    assert match_partners(COHORT, during=WEEK) == match_partners(MEMBERS, during=WEEK)


def test_form_groups_of_a_cohort_groups_only_its_members_without_a_group() -> None:
    """form_groups(cohort) is form_groups(cohort.unplaced): members already in a group keep it and are not regrouped."""
    grouping = form_groups(COHORT, min_size=4, max_size=7, during=WEEK)
    assert grouping == form_groups(COHORT.unplaced, min_size=4, max_size=7, during=WEEK)
    grouped = {m.id for g in COHORT.groups for m in g.members}
    assert grouped
    seen = {m.id for fg in grouping.groups for m in fg.group.members}
    seen |= {u.member_id for u in grouping.unplaced}
    assert seen == {m.id for m in COHORT.unplaced}
    assert not seen & grouped


# --- a Cohort's journey scale ----------------------------------------------------

RECOVERY = [
    Member(
        f"r{i}",
        peerkit.STAGES_OF_RECOVERY.stages[i % 3],
        languages=["en"],
        availability="daily 18:00-21:00",
    )
    for i in range(9)
]
RECOVERING = peerkit.Cohort(
    RECOVERY,
    groups=[Group("g", RECOVERY[:2], 6)],
    scale=peerkit.STAGES_OF_RECOVERY,
)
RECOVERY_PARTNERS = PartnerPolicy(scale=peerkit.STAGES_OF_RECOVERY)
ON_RECOVERY: dict[str, Callable[..., object]] = {
    "match_partners": lambda **kw: match_partners(RECOVERING, during=WEEK, **kw),
    "match_mentors": lambda **kw: match_mentors(
        peerkit.Cohort(RECOVERY[:3], scale=peerkit.STAGES_OF_RECOVERY),
        peerkit.Cohort(RECOVERY[3:], scale=peerkit.STAGES_OF_RECOVERY),
        during=WEEK,
        **kw,
    ),
    "blocking_pairs": lambda **kw: blocking_pairs(
        match_partners(RECOVERY, during=WEEK, policy=RECOVERY_PARTNERS),
        RECOVERING,
        during=WEEK,
        **kw,
    ),
    "form_groups": lambda **kw: form_groups(
        RECOVERING, min_size=3, max_size=4, during=WEEK, **kw
    ),
    "rank_groups": lambda **kw: rank_groups(RECOVERY[8], RECOVERING, during=WEEK, **kw),
    "suggest_partners": lambda **kw: suggest_partners(
        RECOVERY[8], RECOVERING, during=WEEK, **kw
    ),
    "suggest_partners_for": lambda **kw: suggest_partners_for(
        RECOVERING, during=WEEK, **kw
    ),
    "suggest_mentors": lambda **kw: suggest_mentors(
        RECOVERY[8],
        peerkit.Cohort(RECOVERY[:3], scale=peerkit.STAGES_OF_RECOVERY),
        during=WEEK,
        **kw,
    ),
    "suggest_mentors_for": lambda **kw: suggest_mentors_for(
        peerkit.Cohort(RECOVERY[3:], scale=peerkit.STAGES_OF_RECOVERY),
        peerkit.Cohort(RECOVERY[:3], scale=peerkit.STAGES_OF_RECOVERY),
        during=WEEK,
        **kw,
    ),
}


def _policy_on(name: str, scale: peerkit.JourneyScale) -> FitPolicy | PartnerPolicy:
    if name in {"form_groups", "rank_groups"}:
        return FitPolicy(scale=scale)
    return PartnerPolicy(scale=scale)


@pytest.mark.parametrize("name", sorted(ON_RECOVERY))
def test_a_cohort_on_another_scale_is_judged_on_it_when_the_policy_is_left_alone(
    name: str,
) -> None:
    """Given a Cohort, a policy left at the default scale takes the cohort's: the same as passing the cohort's scale."""
    call = ON_RECOVERY[name]
    result = call()
    assert result == call(policy=_policy_on(name, peerkit.STAGES_OF_RECOVERY))
    assert result or name == "blocking_pairs"  # pairs, groups or fits decided


@pytest.mark.parametrize("name", sorted(ON_RECOVERY))
def test_a_policy_on_another_scale_than_the_cohort_s_is_refused_by_name(
    name: str,
) -> None:
    """A policy set to a scale other than the cohort's is an InvalidInputError on policy.scale saying what to pass."""
    other = peerkit.JourneyScale("mine", ("moratorium", "awareness", "preparation"))
    with pytest.raises(InvalidInputError, match=r"cohort\.scale") as raised:
        ON_RECOVERY[name](policy=_policy_on(name, other))
    assert raised.value.path == "policy.scale"


def test_blocking_pairs_takes_a_cohort() -> None:
    """blocking_pairs(matching, cohort) is blocking_pairs(matching, cohort.members)."""
    matching = match_mentors(MEMBERS[:20], MEMBERS[20:], during=WEEK)
    by_cohort = blocking_pairs(matching, COHORT, during=WEEK)
    assert by_cohort == blocking_pairs(matching, MEMBERS, during=WEEK)
    partners = match_partners(COHORT, during=WEEK)
    assert blocking_pairs(partners, COHORT, during=WEEK) == blocking_pairs(
        partners, MEMBERS, during=WEEK
    )


def test_rank_groups_takes_what_form_groups_returns() -> None:
    """rank_groups accepts Groups, FormedGroups, a whole Grouping or a Cohort, and judges the same groups the same way."""
    grouping = form_groups(COHORT.unplaced, min_size=4, max_size=7, during=WEEK)
    assert grouping.groups
    newcomer = COHORT.member("ada")
    plain = rank_groups(newcomer, [fg.group for fg in grouping.groups], during=WEEK)
    assert rank_groups(newcomer, grouping.groups, during=WEEK) == plain
    assert rank_groups(newcomer, list(grouping.groups), during=WEEK) == plain
    assert rank_groups(newcomer, grouping, during=WEEK) == plain
    mixed: list[Group | FormedGroup] = [
        grouping.groups[0],
        *(fg.group for fg in grouping.groups[1:]),
    ]
    assert rank_groups(newcomer, mixed, during=WEEK) == plain
    assert rank_groups(newcomer, COHORT, during=WEEK) == rank_groups(
        newcomer, COHORT.groups, during=WEEK
    )


@pytest.mark.parametrize("groups", ["g1", 5, {"g": 1}, [COHORT.groups[0], "g"]])
def test_rank_groups_refuses_other_groups(groups: object) -> None:
    """Anything but groups, formed groups, a grouping or a cohort is an InvalidInputError under groups."""
    with pytest.raises(InvalidInputError) as info:
        rank_groups(MEMBERS[0], groups, during=WEEK)  # type: ignore[arg-type]
    assert info.value.path.startswith("groups")


# --- results hold together -------------------------------------------------------


def _round_with_trio() -> PartnerMatching:
    people = [Member(name, "action", max_partners=2) for name in ("ada", "bo", "cy")]
    people += [Member(name, "action", languages=["fr"]) for name in ("di", "ed")]
    matching = match_partners(people, during=WEEK)
    assert matching.trios
    return matching


def test_a_partner_matching_total_must_be_the_sum_of_its_scores() -> None:
    """A PartnerMatching whose total or min_score is not what its pairs and trios give is refused, naming the field."""
    matching = _round_with_trio()
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(matching, total=matching.total + 0.5)
    assert info.value.path == "total"
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(matching, min_score=matching.min_score / 2)
    assert info.value.path == "min_score"


def test_a_partner_matching_works_out_its_total_when_not_given() -> None:
    """Built from pairs and trios alone, a PartnerMatching's total and min_score are the ones match_partners reports."""
    matching = _round_with_trio()
    rebuilt = PartnerMatching(
        pairs=matching.pairs,
        trios=matching.trios,
        unplaced=matching.unplaced,
        objective=matching.objective,
    )
    assert rebuilt == matching
    assert PartnerMatching(pairs=()).total == 0.0


def test_float_noise_in_a_total_is_accepted() -> None:
    """A total that differs from the sum only by rounding (as JSON may carry it) is accepted."""
    matching = match_partners(MEMBERS, during=WEEK)
    nudged = attrs.evolve(matching, total=matching.total * (1 + 1e-12))
    assert nudged.total == pytest.approx(matching.total)


def test_from_json_refuses_a_tampered_total_with_its_path() -> None:
    """JSON of a round whose total was edited is refused by from_json, naming total."""
    data = json.loads(peerkit.to_json(match_partners(MEMBERS, during=WEEK)))
    data["total"] += 1.0
    with pytest.raises(InvalidInputError) as info:
        peerkit.from_json(PartnerMatching, json.dumps(data))
    assert info.value.path.endswith("total")


def test_from_json_refuses_a_tampered_trio_score() -> None:
    """A trio whose score is not the mean of its three fits is refused, in JSON too."""
    matching = _round_with_trio()
    (trio,) = matching.trios
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(trio, score=trio.score / 2)
    assert info.value.path == "score"
    data = json.loads(peerkit.to_json(trio))
    data["score"] /= 2
    with pytest.raises(InvalidInputError) as info:
        peerkit.from_json(Trio, json.dumps(data))
    assert info.value.path.endswith("score")


def test_a_grouping_mean_and_min_must_follow_from_its_groups() -> None:
    """A Grouping whose mean_score is not its groups' size-weighted mean, or whose min_score is above a group's score, is refused."""
    grouping = form_groups(MEMBERS, min_size=4, max_size=7, during=WEEK)
    assert grouping.groups
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(grouping, mean_score=min(1.0, grouping.mean_score + 0.1))
    assert info.value.path == "mean_score"
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(grouping, min_score=1.0)
    assert info.value.path == "min_score"
    with pytest.raises(InvalidInputError) as info:
        Grouping(groups=(), unplaced=(), mean_score=0.0, min_score=0.5)
    assert info.value.path == "min_score"
    data = json.loads(peerkit.to_json(grouping))
    data["mean_score"] = 0.01
    with pytest.raises(InvalidInputError) as info:
        peerkit.from_json(Grouping, json.dumps(data))
    assert info.value.path.endswith("mean_score")


def test_a_grouping_places_each_member_once() -> None:
    """A member in a group and in unplaced, or in two groups, is refused."""
    grouping = form_groups(MEMBERS, min_size=4, max_size=7, during=WEEK)
    first: FormedGroup = grouping.groups[0]
    twice = (*grouping.groups, first)
    with pytest.raises(InvalidInputError, match="one place"):
        attrs.evolve(grouping, groups=twice, mean_score=grouping.mean_score)


def test_a_mentor_matching_places_each_member_once() -> None:
    """A mentor who is assigned and also in unplaced is refused."""
    matching = match_mentors(MEMBERS[:10], MEMBERS[10:], during=WEEK)
    assert matching.assignments
    (mentor,) = {matching.assignments[0].mentor_id}
    bogus = (*matching.unplaced, attrs.evolve(matching.unplaced[0], member_id=mentor))
    with pytest.raises(InvalidInputError, match="one place"):
        attrs.evolve(matching, unplaced=bogus)
    assert isinstance(matching, MentorMatching)


# --- seeds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seed",
    [10**5000, 1 << 64, -1, True, 1.5, "7"],
    ids=["huge", "2**64", "negative", "bool", "float", "string"],
)
@pytest.mark.parametrize("call", ["match_partners", "form_groups"])
def test_a_seed_out_of_range_is_refused_by_name(seed: object, call: str) -> None:
    """Huge, negative, bool or non-int seeds are an InvalidInputError naming seed, never an OverflowError or ValueError."""
    seeded: dict[str, Callable[[], object]] = {
        "match_partners": lambda: match_partners(MEMBERS[:4], during=WEEK, seed=seed),  # type: ignore[arg-type]
        "form_groups": lambda: form_groups(
            MEMBERS[:4],
            min_size=2,
            max_size=3,
            during=WEEK,
            seed=seed,  # type: ignore[arg-type]
        ),
    }
    with pytest.raises(InvalidInputError) as info:
        seeded[call]()
    assert info.value.path == "seed"


@given(st.integers(0, (1 << 64) - 1))
def test_every_seed_in_range_is_accepted(seed: int) -> None:
    """For all seeds from 0 to 2**64 - 1, match_partners and form_groups answer."""
    people = MEMBERS[:6]
    assert isinstance(match_partners(people, during=WEEK, seed=seed), PartnerMatching)
    grouping = form_groups(people, min_size=2, max_size=3, during=WEEK, seed=seed)
    assert grouping.placed_count + len(grouping.unplaced) == len(people)


def test_rank_groups_names_a_bad_stage_where_the_caller_put_it() -> None:
    """A stage off the scale is named by its place in what was passed: a group, a formed group's group, or a grouping's groups."""
    member = Member("m", "preparation")  # on both scales
    policy = FitPolicy(scale=peerkit.STAGES_OF_RECOVERY)
    fine = Group("fine", [Member("y", "preparation")], 5)
    bad = Group("bad", [Member("x", "action")], 5)  # not a stage of recovery
    formed = FormedGroup(group=bad, score=0.5, reasons=())
    grouping = Grouping(groups=(formed,), unplaced=(), mean_score=0.5, min_score=0.5)
    cases: list[tuple[object, str]] = [
        ([fine, bad], "groups[1].members[0].stage"),
        ([fine, formed], "groups[1].group.members[0].stage"),
        (grouping, "groups.groups[0].group.members[0].stage"),
    ]
    for groups, path in cases:
        with pytest.raises(InvalidInputError) as info:
            rank_groups(member, groups, during=WEEK, policy=policy)  # type: ignore[arg-type]
        assert info.value.path == path
