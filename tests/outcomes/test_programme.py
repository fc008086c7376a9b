"""Programme outcomes: pairs by period, attrition shown, intervals against scipy."""

import math
import random

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats  # type: ignore[import-untyped]

from peerkit import Interval, InvalidInputError
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    ChangeCategory,
    Instrument,
    Measurement,
    OutcomeSummary,
    programme_outcomes,
    reliable_change,
)
from peerkit.testing import instruments, measurements

START = pendulum.datetime(2024, 1, 1)
BASELINE = Interval(START, START.add(weeks=2))
FOLLOWUP = Interval(START.add(weeks=10), START.add(weeks=14))


def summarise(
    ms: list[Measurement], ins: Instrument = PHQ9, **kwargs: object
) -> OutcomeSummary:
    return programme_outcomes(
        ms,
        instrument=ins,
        baseline_period=BASELINE,
        followup_period=FOLLOWUP,
        **kwargs,  # type: ignore[arg-type]
    )


def pairs(scores: dict[str, tuple[int | None, int | None]]) -> list[Measurement]:
    out = []
    for who, (pre, post) in scores.items():
        if pre is not None:
            out.append(Measurement(who, PHQ9, START.add(days=3), pre))
        if post is not None:
            out.append(Measurement(who, PHQ9, START.add(weeks=12), post))
    return out


# --- golden -------------------------------------------------------------------


def test_attrition_is_counted_listed_and_described() -> None:
    """Members without a follow-up are listed; the summary says whom it describes."""
    summary = summarise(
        pairs(
            {
                "ada": (17, 8),
                "ben": (12, 11),
                "cy": (15, None),
                "di": (None, 9),
                "ed": (20, 22),
            }
        )
    )
    assert summary.member_count == 5
    assert summary.with_baseline_count == 4
    assert summary.completed_count == 3
    assert summary.lost == ("cy",)
    assert summary.no_baseline == ("di",)
    assert summary.described == pytest.approx(3 / 5)
    assert [c.member_id for c in summary.changes] == ["ada", "ben", "ed"]
    assert (
        summary.recovered_count,
        summary.improved_count,
        summary.unchanged_count,
        summary.deteriorated_count,
    ) == (1, 0, 2, 0)
    assert summary.lost_baseline_mean == 15
    assert summary.baseline_mean == pytest.approx((17 + 12 + 20) / 3)
    assert summary.followup_mean == pytest.approx((8 + 11 + 22) / 3)
    assert summary.mean_change == pytest.approx((-9 - 1 + 2) / 3)
    assert [r.message for r in summary.reasons] == [
        "The results describe 3 of 5 members (60%); 1 with a baseline has no follow-up and 1 has no baseline.",
        "Of the 3 with both scores: 1 recovered, 0 improved, 2 unchanged and 0 deteriorated (a reliable change on the PHQ-9 is 6 points or more).",
        "Mean change \N{MINUS SIGN}2.67 points (95% CI \N{MINUS SIGN}16.79 to +11.46), standardised d_z \N{MINUS SIGN}0.47 (\N{MINUS SIGN}1.63 to +0.79); the interval includes no change.",
        "Those without a follow-up started at 15.0 on average, those with one at 16.3; if those lost fared differently, so would the results.",
        "Without a comparison group these figures cannot show the programme caused the change.",
    ]


def test_a_roster_counts_members_with_no_measurement_at_all() -> None:
    """Given the cohort's ids, members who never filled anything in are not invisible."""
    summary = summarise(pairs({"ada": (17, 8)}), members=["ada", "ben", "cy"])
    assert summary.member_count == 3
    assert summary.no_baseline == ("ben", "cy")
    assert summary.described == pytest.approx(1 / 3)
    assert summary.mean_change_low is None
    assert "too few" in summary.reasons[2].message


def test_baseline_is_the_first_score_in_its_window_and_followup_the_last() -> None:
    """Scores outside the windows are ignored; inside, first and last count."""
    ms = [
        Measurement("ada", PHQ9, START.subtract(days=1), 27),  # before the window
        Measurement("ada", PHQ9, START.add(days=1), 18),
        Measurement("ada", PHQ9, START.add(days=5), 16),
        Measurement("ada", PHQ9, START.add(weeks=6), 3),  # between the windows
        Measurement("ada", PHQ9, START.add(weeks=10), 12),
        Measurement("ada", PHQ9, START.add(weeks=13), 9),
        Measurement("ada", PHQ9, START.add(weeks=14), 0),  # the window is half-open
    ]
    (change,) = summarise(ms).changes
    assert (change.pre, change.post) == (18, 9)


def test_improvement_on_average_is_said_in_words() -> None:
    """A clear fall on a lower-is-better scale reads as members improving."""
    rng = random.Random(3)  # noqa: S311 - test data, not secrets
    ms = pairs({f"m{i}": (rng.randint(14, 22), rng.randint(3, 10)) for i in range(20)})
    summary = summarise(ms)
    assert summary.mean_change_high is not None
    assert summary.mean_change_high < 0
    assert summary.reasons[2].message.endswith(": on average members improved.")
    assert summary.reasons[2].weight > 0


def test_no_scores_is_an_empty_summary_not_an_error() -> None:
    """An empty input gives an empty, honest summary."""
    summary = summarise([])
    assert (summary.member_count, summary.completed_count, summary.described) == (
        0,
        0,
        None,
    )
    assert [r.code for r in summary.reasons] == ["outcomes.empty"]


def test_everyone_changing_alike_has_no_standardised_effect() -> None:
    """With no spread in the changes, d_z is undefined and left out."""
    summary = summarise(pairs({"ada": (17, 10), "ben": (12, 5), "cy": (20, 13)}))
    assert summary.mean_change == -7
    assert summary.mean_change_low == summary.mean_change_high == -7
    assert summary.effect_size is None


def test_the_input_is_not_changed() -> None:
    """The caller's list is left as it was."""
    ms = pairs({"ada": (17, 8), "ben": (12, None)})
    copy = list(ms)
    summarise(ms)
    assert ms == copy


# --- properties -----------------------------------------------------------------


@given(data=st.data())
def test_every_member_with_a_baseline_is_accounted_for(data: st.DataObject) -> None:
    """For all inputs, each member is a completer, lost or without baseline, exactly once."""
    ins = data.draw(instruments())
    ms = data.draw(measurements(ins))
    summary = summarise(ms, ins)
    done = [str(c.member_id) for c in summary.changes]
    everyone = {m.member_id for m in ms}
    assert sorted([*done, *summary.lost, *summary.no_baseline]) == sorted(everyone)
    baseline = {m.member_id for m in ms if m.at in BASELINE}
    assert set(done) | set(summary.lost) == baseline
    assert (
        summary.with_baseline_count
        == len(baseline)
        == summary.completed_count + len(summary.lost)
    )
    assert summary.member_count == len(everyone)
    assert summary.described == (
        summary.completed_count / summary.member_count if everyone else None
    )
    assert (
        summary.recovered_count
        + summary.improved_count
        + summary.unchanged_count
        + summary.deteriorated_count
        == summary.completed_count
    )


@given(data=st.data())
def test_each_change_is_the_reliable_change_of_first_and_last(
    data: st.DataObject,
) -> None:
    """For all inputs, a completer's change is reliable_change of their window scores."""
    ins = data.draw(instruments())
    ms = data.draw(measurements(ins))
    summary = summarise(ms, ins)
    for change in summary.changes:
        own = [m for m in ms if m.member_id == change.member_id]
        pre = min((m for m in own if m.at in BASELINE), key=lambda m: m.at)
        post = max((m for m in own if m.at in FOLLOWUP), key=lambda m: m.at)
        assert change == reliable_change(pre, post, instrument=ins)
    counts = {c: sum(x.category is c for x in summary.changes) for c in ChangeCategory}
    assert counts[ChangeCategory.RECOVERED] == summary.recovered_count
    assert counts[ChangeCategory.DETERIORATED] == summary.deteriorated_count


@given(data=st.data())
def test_shuffling_the_measurements_changes_nothing(data: st.DataObject) -> None:
    """For all inputs and orders, the summary is the same."""
    ins = data.draw(instruments())
    ms = data.draw(measurements(ins))
    shuffled = data.draw(st.permutations(ms))
    assert summarise(list(shuffled), ins) == summarise(ms, ins)


# --- against scipy ---------------------------------------------------------------


def _dz_interval(diffs: list[float]) -> tuple[float, float]:
    """The exact d_z interval, by inverting scipy's noncentral t."""
    n = len(diffs)
    t = float(stats.ttest_1samp(diffs, 0.0).statistic)
    df = n - 1

    def root(p: float) -> float:
        def f(nc: float) -> float:
            return float(stats.nct.cdf(t, df, nc)) - p

        # Widen step by step: scipy's nct turns NaN far out in the tails.
        low, high, step = t - 0.5, t + 0.5, 0.5
        while f(low) <= 0:
            low -= step
            step *= 1.5
        step = 0.5
        while f(high) >= 0:
            high += step
            step *= 1.5
        return optimize.brentq(f, low, high, xtol=1e-13)  # type: ignore[no-any-return]

    return root(0.975) / math.sqrt(n), root(0.025) / math.sqrt(n)


@given(
    st.lists(
        st.tuples(st.integers(0, 27), st.integers(0, 27)), min_size=4, max_size=60
    ).filter(lambda ps: len({b - a for a, b in ps}) > 1)
)
def test_intervals_and_effect_size_match_scipy(scores: list[tuple[int, int]]) -> None:
    """For all random data, the mean-change CI and d_z with its CI agree with scipy."""
    summary = summarise(pairs({f"m{i:02d}": pair for i, pair in enumerate(scores)}))
    pre = [float(a) for a, _ in scores]
    post = [float(b) for _, b in scores]
    diffs = [b - a for a, b in zip(pre, post, strict=True)]
    ci = stats.ttest_rel(post, pre).confidence_interval(0.95)
    assert summary.mean_change == pytest.approx(
        float(sum(diffs) / len(diffs)), abs=1e-12
    )
    assert summary.mean_change_low == pytest.approx(ci.low, rel=1e-8, abs=1e-9)
    assert summary.mean_change_high == pytest.approx(ci.high, rel=1e-8, abs=1e-9)
    d = float(sum(diffs) / len(diffs)) / float(stats.tstd(diffs))
    low, high = _dz_interval(diffs)
    assert summary.effect_size == pytest.approx(d, rel=1e-9)
    assert summary.effect_low == pytest.approx(low, rel=1e-6, abs=1e-8)
    assert summary.effect_high == pytest.approx(high, rel=1e-6, abs=1e-8)


def test_a_large_cohort_still_gets_an_exact_interval() -> None:
    """With thousands of members the noncentral t series still converges (against scipy)."""
    rng = random.Random(5)  # noqa: S311 - test data, not secrets
    scores = [(rng.randint(10, 27), rng.randint(0, 20)) for _ in range(3000)]
    summary = summarise(pairs({f"m{i:04d}": pair for i, pair in enumerate(scores)}))
    low, high = _dz_interval([float(b - a) for a, b in scores])
    assert summary.effect_low == pytest.approx(low, rel=1e-6)
    assert summary.effect_high == pytest.approx(high, rel=1e-6)


# --- bad input ---------------------------------------------------------------------


def test_a_measurement_of_another_instrument_is_refused() -> None:
    """Mixing questionnaires is an error naming the measurement."""
    ms = [*pairs({"ada": (17, 8)}), Measurement("ada", GAD7, START.add(days=2), 10)]
    with pytest.raises(InvalidInputError) as err:
        summarise(ms)
    assert err.value.path == "measurements[2].instrument"


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"baseline_period": (START, START.add(weeks=11))}, "followup_period"),
        ({"baseline_period": (pendulum.naive(2024, 1, 1), START.add(weeks=2))}, "baseline_period"),
        ({"followup_period": "spring"}, "followup_period"),
        ({"followup_period": (START.add(weeks=14), START.add(weeks=10))}, "followup_period"),
        ({"instrument": "PHQ-9"}, "instrument"),
        ({"members": "ada"}, "members"),
        ({"members": ["ada", ""]}, "members[1]"),
        ({"members": ["ben"]}, "measurements[0].member_id"),
        ({"members": [None]}, "members[0]"),
        ({"members": 3}, "members"),
        ({"baseline_period": None}, "baseline_period"),
        ({"followup_period": (START.add(weeks=10), None)}, "followup_period"),
    ],
)  # fmt: skip
def test_bad_arguments_raise_invalid_input(
    kwargs: dict[str, object], path: str
) -> None:
    """Naive or overlapping periods, a bad roster: InvalidInputError naming the field."""
    arguments: dict[str, object] = {
        "instrument": PHQ9,
        "baseline_period": BASELINE,
        "followup_period": FOLLOWUP,
        **kwargs,
    }
    with pytest.raises(InvalidInputError) as err:
        programme_outcomes(pairs({"ada": (17, 8)}), **arguments)  # type: ignore[arg-type]
    assert err.value.path == path


@pytest.mark.parametrize(
    ("items", "path"),
    [
        ("scores", "measurements"),
        ([17], "measurements[0]"),
        (
            [Measurement("ada", PHQ9, START.add(days=1), 17), Measurement("ada", PHQ9, START.add(days=1), 12)],
            "measurements[1]",
        ),
    ],
)  # fmt: skip
def test_bad_measurement_lists_raise_invalid_input(items: object, path: str) -> None:
    """A string, a bare number, two different scores at one instant: refused."""
    with pytest.raises(InvalidInputError) as err:
        summarise(items)  # type: ignore[arg-type]
    assert err.value.path == path


def test_a_repeated_identical_score_is_harmless() -> None:
    """The same score entered twice at the same instant is one score."""
    ms = pairs({"ada": (17, 8)})
    assert summarise([*ms, ms[0]]) == summarise(ms)


def test_custom_cutoff_by_evolve() -> None:
    """NHS Talking Therapies' GAD-7 caseness of 8 is one evolve away."""
    talking = attrs.evolve(GAD7, cutoff=8)
    assert (
        reliable_change(12, 7, instrument=talking).category is ChangeCategory.RECOVERED
    )
    assert reliable_change(12, 7, instrument=GAD7).category is ChangeCategory.RECOVERED
    assert (
        reliable_change(13, 9, instrument=talking).category is ChangeCategory.IMPROVED
    )
    assert reliable_change(13, 9, instrument=GAD7).category is ChangeCategory.RECOVERED


def test_measurements_can_be_read_with_another_cutoff() -> None:
    """Scores taken with GAD7 are read with an evolved GAD7; the cutoff is the evolved one."""
    talking = attrs.evolve(GAD7, cutoff=8)
    ms = [
        Measurement("ada", GAD7, START.add(days=1), 13),
        Measurement("ada", GAD7, START.add(weeks=11), 9),
    ]
    summary = summarise(ms, talking)
    assert summary.improved_count == 1
    assert summarise(ms, GAD7).recovered_count == 1
    assert reliable_change(*ms, instrument=talking).category is ChangeCategory.IMPROVED
    with pytest.raises(InvalidInputError) as err:
        summarise(
            ms,
            attrs.evolve(GAD7, high=20, item_count=0, item_low=None, item_high=None),
        )
    assert err.value.path == "measurements[0].instrument"


def test_the_lost_baseline_weight_is_positive_when_those_lost_started_worse() -> None:
    """On any scale, the weight is positive when those lost were worse off at baseline."""
    summary = summarise(pairs({"ada": (10, 8), "ben": (20, None)}))
    (lost,) = [r for r in summary.reasons if r.code == "outcomes.lost_baseline"]
    assert lost.weight == 10


def test_changes_that_barely_differ_give_a_finite_effect_size_at_once() -> None:
    """Near-equal changes on a continuous scale (d in the 10**15s) answer, no endless series."""
    scale = Instrument(
        name="Mood",
        low=0,
        high=100,
        higher_is_better=True,
        reliability=0.9,
        sd=5,
        integer_scores=False,
    )
    ms = [
        Measurement(who, scale, START.add(days=1), 10.0) for who in ("ada", "ben", "cy")
    ] + [
        Measurement("ada", scale, START.add(weeks=12), 11.0),
        Measurement("ben", scale, START.add(weeks=12), 11.000000000000002),
        Measurement("cy", scale, START.add(weeks=12), 11.0),
    ]
    summary = summarise(ms, scale)
    assert summary.effect_size is not None
    assert summary.effect_size > 1e14
    assert summary.effect_low is not None
    assert summary.effect_high is not None
    assert 0 < summary.effect_low < summary.effect_size < summary.effect_high
