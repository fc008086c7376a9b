"""The one-pair and one-member fast paths give exactly what the checked paths give."""

import datetime as dt
import itertools
import zoneinfo

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import Group, Interval, InvalidInputError, Member, WeeklyAvailability
from peerkit._availability import materialize
from peerkit._frozendict import FrozenDict
from peerkit._intervals import as_period, intersect_spans, merge_spans
from peerkit.matching import (
    FitPolicy,
    PartnerPolicy,
    _partners,
    group_fit,
    partner_fit,
    rank_groups,
)
from peerkit.matching._fit import _Judge, _shared_micros, judged_weeks
from peerkit.matching._pairs import Table, _row_overlaps
from peerkit.matching._seasons import weeks_of
from peerkit.testing import (
    fit_policies,
    groups,
    intervals,
    members,
    partner_policies,
    timezones,
)

two_members = st.tuples(members(ids=st.just("a")), members(ids=st.just("b")))


def _checked(value: object) -> object:
    """*value* rebuilt through its class's converters and validators."""
    return attrs.evolve(value)  # type: ignore[misc]  # an attrs instance


@given(two_members, partner_policies(), intervals(max_minutes=30 * 24 * 60))
def test_partner_fit_is_the_tables_fit_to_the_last_bit(
    pair: tuple[Member, Member], policy: PartnerPolicy, period: Interval
) -> None:
    """For all pairs, policies and periods, partner_fit equals the bulk table's fit."""
    a, b = pair
    fit = partner_fit(a, b, during=period, policy=policy)
    table = Table((a, b), policy, judged_weeks(period))
    bulk = table.fits(np.array([0]), np.array([1]))[0]
    assert fit == bulk
    assert repr(fit) == repr(bulk)  # floats equal bit for bit, reasons alike
    assert _checked(fit) == fit
    assert type(fit.components) is FrozenDict
    assert all(type(v) is float for v in fit.components.values())
    assert all(type(r.weight) is float for r in fit.reasons)


@given(
    members(ids=st.just("zz")),
    st.lists(groups(), max_size=4, unique_by=lambda g: g.id),
    fit_policies(),
)
def test_rank_groups_gives_each_groups_fit_fully_checked(
    member: Member, given_groups: list[Group], policy: FitPolicy
) -> None:
    """For all members and groups, each ranked fit is group_fit's, and valid as built."""
    term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
    ranked = rank_groups(member, given_groups, during=term, policy=policy)
    assert len(ranked) == len(given_groups)
    by_id = {g.id: g for g in given_groups}
    for fit in ranked:
        assert fit == group_fit(member, by_id[fit.group_id], during=term, policy=policy)
        assert _checked(fit) == fit
        assert type(fit.components) is FrozenDict
        assert all(type(v) is float for v in fit.components.values())
        assert all(type(r.weight) is float for r in fit.reasons)


@given(intervals(), st.sampled_from(["UTC", "Asia/Kolkata", "America/Los_Angeles"]))
def test_the_judged_weeks_are_every_week_the_period_touches_in_any_zone(
    period: Interval, zone: str
) -> None:
    """For all periods, the kept judged weeks equal weeks_of, however written."""
    interval = as_period("during", period)
    tz = zoneinfo.ZoneInfo(zone)
    pair = (interval.start.astimezone(tz), interval.end.astimezone(tz))
    expected = weeks_of(interval)
    assert judged_weeks(pair) == expected
    assert judged_weeks(list(pair)) == expected
    assert judged_weeks(interval) == expected
    assert judged_weeks((interval.start, interval.end)) == expected
    start, end = expected[0], expected[-1]
    assert start <= int(interval.start.timestamp() * 1e6) < end
    assert (end - start) % (7 * 86_400_000_000) == 0


def test_a_bad_period_is_refused_every_time_not_kept() -> None:
    """A period ending before it starts is refused on every call, by name."""
    start = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    backwards = (start, start - dt.timedelta(days=1))
    for _ in range(2):
        with pytest.raises(InvalidInputError, match="during"):
            judged_weeks(backwards)
    naive = (dt.datetime(2026, 3, 2), dt.datetime(2026, 4, 2))  # noqa: DTZ001
    with pytest.raises(InvalidInputError, match="during"):
        judged_weeks(naive)


@given(
    members(ids=st.just("m")),
    intervals(max_minutes=120 * 24 * 60),
    st.lists(timezones(), min_size=1, max_size=4),
)
def test_a_members_weeks_read_from_longer_stretches_are_each_weeks_own(
    member: Member, period: Interval, zones: list[str]
) -> None:
    """For all members, periods and zones, a week cut from a stretch is that week's spans."""
    judge = _Judge(member, FitPolicy(), period)
    windows, timezone = member.availability.windows, member.timezone
    for name in zones:
        bounds = judged_weeks(period, name)
        for lo, hi in itertools.pairwise(bounds):
            expected = materialize(windows, timezone, lo, hi)
            assert tuple(judge._spans(lo, hi)) == expected


@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 7 * 1440 - 1), st.integers(1, 600)), max_size=5
        ),
        min_size=1,
        max_size=12,
    )
)
def test_the_grids_matrix_product_counts_every_shared_minute(
    spans: list[list[tuple[int, int]]],
) -> None:
    """For all week masks, the matrix product's counts are the popcounts."""
    masks = []
    for row in spans:
        bits = 0
        for start, length in row:
            end = min(start + length, 7 * 1440)
            bits |= ((1 << (end - start)) - 1) << start
        masks.append(bits)
    words = -(-7 * 1440 // 64)
    rows = np.array(
        [[(m >> (64 * k)) & (2**64 - 1) for k in range(words)] for m in masks],
        dtype=np.uint64,
    )
    counts = _row_overlaps(rows)
    assert counts is not None
    for i, a in enumerate(masks):
        for j, b in enumerate(masks):
            assert counts[i, j] == (a & b).bit_count()


@given(members(ids=st.just("zz")), st.data())
def test_groups_meeting_alike_are_each_judged_as_on_their_own(
    member: Member, data: st.DataObject
) -> None:
    """For all members, groups sharing a meeting time still get their own fit."""
    term = (pendulum.datetime(2026, 1, 12), pendulum.datetime(2026, 4, 6))
    first = data.draw(groups())
    others = data.draw(st.lists(groups(), max_size=3))
    alike = [
        attrs.evolve(
            g, id=f"{first.id}-{k}", meets=first.meets, timezone=first.timezone
        )
        for k, g in enumerate(others)
    ]
    ranked = rank_groups(member, [first, *alike], during=term)
    by_id = {g.id: g for g in [first, *alike]}
    for fit in ranked:
        alone = rank_groups(member, [by_id[fit.group_id]], during=term)
        assert (fit,) == alone
        assert repr(fit) == repr(alone[0])


@given(
    st.lists(members(), min_size=2, max_size=12, unique_by=lambda m: m.id),
    partner_policies(),
    intervals(max_minutes=60 * 24 * 60),
    st.data(),
)
def test_a_blocks_edges_are_the_rounds_edges(
    people: list[Member], policy: PartnerPolicy, period: Interval, data: st.DataObject
) -> None:
    """For all rounds, a block's allowed pairs and weights are Round.edges' exactly."""
    always = WeeklyAvailability.parse("daily 00:00-24:00")
    people = [  # every other member free all week, in English: pairs to block
        attrs.evolve(
            m,
            availability=always,
            languages=m.languages | {"en"},
            max_partners=max(m.max_partners, 1),
        )
        if i % 2
        else m
        for i, m in enumerate(people)
    ]
    policy = attrs.evolve(policy, min_score=data.draw(st.sampled_from([0.0, 0.4])))
    ids = [m.id for i, m in enumerate(people) if i % 2]
    ids = ids if len(ids) > 1 else [m.id for m in people]
    blocked = data.draw(
        st.lists(st.permutations(ids).map(lambda p: (p[0], p[-1])), max_size=4)
    )
    rules = _partners.read_rules(blocked, [], policy)
    round_ = _partners.Round(
        Table(people, policy, judged_weeks(period)), rules, "score", 0
    )
    idx = np.arange(len(people), dtype=np.int64)
    expected = round_.edges(idx)
    got = _partners._block_edges(round_, idx)
    for ours, theirs in zip(got, expected, strict=True):
        assert np.array_equal(ours, theirs)


_spans = st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 500))).map(
    lambda raw: tuple(merge_spans((start, start + length) for start, length in raw))
)


@given(_spans, _spans)
def test_a_meetings_time_found_by_bisection_is_the_intersections(
    meets: tuple[tuple[int, int], ...], free: tuple[tuple[int, int], ...]
) -> None:
    """For all merged span lists, the bisection's total is intersect_spans' total."""
    ends = [end for _, end in free]
    expected = sum(end - start for start, end in intersect_spans(meets, free))
    assert _shared_micros(meets, free, ends) == expected
