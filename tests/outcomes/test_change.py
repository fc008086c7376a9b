"""Instruments, measurements and reliable change (Jacobson and Truax 1991)."""

import math

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    WEMWBS,
    Change,
    ChangeCategory,
    Instrument,
    Measurement,
    reliable_change,
)
from peerkit.testing import instruments, scores

READY = (PHQ9, GAD7, WEMWBS)
AT = pendulum.datetime(2024, 1, 8, 18)


def oracle(pre: float, post: float, ins: Instrument) -> ChangeCategory:
    """The Jacobson-Truax categories, written out from their definitions."""
    se_measurement = ins.sd * math.sqrt(1 - ins.reliability)
    s_diff = math.sqrt(2 * se_measurement**2)
    rci = (post - pre) / s_diff
    if abs(rci) <= 1.96:
        return ChangeCategory.UNCHANGED
    improved = post > pre if ins.higher_is_better else post < pre
    if not improved:
        return ChangeCategory.DETERIORATED

    def clinical(score: float) -> bool:
        assert ins.cutoff is not None
        return score <= ins.cutoff if ins.higher_is_better else score >= ins.cutoff

    if ins.cutoff is not None and clinical(pre) and not clinical(post):
        return ChangeCategory.RECOVERED
    return ChangeCategory.IMPROVED


def mirror(ins: Instrument) -> Instrument:
    """The same questionnaire scored the other way round."""
    cutoff = None if ins.cutoff is None else ins.low + ins.high - ins.cutoff
    return attrs.evolve(ins, higher_is_better=not ins.higher_is_better, cutoff=cutoff)


# --- the formula, exactly -----------------------------------------------------


@pytest.mark.parametrize("ins", READY, ids=lambda i: i.name)
def test_every_pair_of_scores_on_the_ready_instruments_follows_the_formula(
    ins: Instrument,
) -> None:
    """For every pre and post in range, the category is the Jacobson-Truax one."""
    points = range(int(ins.low), int(ins.high) + 1)
    for pre in points:
        for post in points:
            change = reliable_change(pre, post, instrument=ins)
            assert change.category is oracle(pre, post, ins), (pre, post)


@pytest.mark.parametrize(
    ("ins", "points"), [(PHQ9, 6), (GAD7, 4), (WEMWBS, 8)], ids=str
)
def test_reliable_change_in_whole_points(ins: Instrument, points: int) -> None:
    """PHQ-9 needs 6 points (NHS Talking Therapies' rule), GAD-7 4, WEMWBS 8."""
    middle = int((ins.low + ins.high) // 2)
    assert reliable_change(middle, middle + points, instrument=ins).reliable
    assert reliable_change(middle, middle - points, instrument=ins).reliable
    assert not reliable_change(middle, middle + points - 1, instrument=ins).reliable
    assert not reliable_change(middle, middle - points + 1, instrument=ins).reliable


@given(data=st.data())
def test_categories_follow_the_formula_for_any_instrument(data: st.DataObject) -> None:
    """For all instruments and pre/post in range, category and RCI follow the formula."""
    ins = data.draw(instruments())
    pre, post = data.draw(scores(ins)), data.draw(scores(ins))
    change = reliable_change(pre, post, instrument=ins)
    assert change.category is oracle(pre, post, ins)
    assert change.rci == pytest.approx((post - pre) / ins.difference_error)
    assert change.reliable == (abs(change.rci) > 1.96)
    assert change.difference == post - pre
    assert change.clinical_before == ins.is_clinical(pre)


@given(data=st.data())
def test_crossing_the_cutoff_without_reliable_change_is_not_recovery(
    data: st.DataObject,
) -> None:
    """For all changes within measurement error, the category is unchanged, cutoff or not."""
    ins = data.draw(instruments().filter(lambda i: i.cutoff is not None))
    pre, post = data.draw(scores(ins)), data.draw(scores(ins))
    change = reliable_change(pre, post, instrument=ins)
    if abs(post - pre) / ins.difference_error <= 1.96:
        assert change.category is ChangeCategory.UNCHANGED
    if change.category is ChangeCategory.RECOVERED:
        assert change.clinical_before is True
        assert change.clinical_after is False
        assert abs(change.rci) > 1.96


@given(data=st.data())
def test_identical_scores_are_unchanged(data: st.DataObject) -> None:
    """For all instruments and scores, the same score twice is unchanged with RCI 0."""
    ins = data.draw(instruments())
    score = data.draw(scores(ins))
    change = reliable_change(score, score, instrument=ins)
    assert change.category is ChangeCategory.UNCHANGED
    assert change.rci == 0.0
    assert change.reasons[0].message.endswith(
        f"stayed at {change.reasons[0].message.split()[-1]}"
    )


@given(data=st.data())
def test_reversing_the_direction_mirrors_the_categories(data: st.DataObject) -> None:
    """For all instruments, scoring the scale the other way round gives the same category."""
    ins = data.draw(instruments())
    pre, post = data.draw(scores(ins)), data.draw(scores(ins))
    flipped = mirror(ins)
    a = reliable_change(pre, post, instrument=ins)
    b = reliable_change(
        ins.low + ins.high - pre, ins.low + ins.high - post, instrument=flipped
    )
    assert b.category is a.category
    assert b.rci == pytest.approx(-a.rci)


@given(data=st.data())
def test_flipping_only_the_direction_swaps_improved_and_deteriorated(
    data: st.DataObject,
) -> None:
    """For all instruments without a cutoff, flipping higher_is_better swaps the two."""
    ins = attrs.evolve(data.draw(instruments()), cutoff=None)
    pre, post = data.draw(scores(ins)), data.draw(scores(ins))
    swap = {
        ChangeCategory.IMPROVED: ChangeCategory.DETERIORATED,
        ChangeCategory.DETERIORATED: ChangeCategory.IMPROVED,
        ChangeCategory.UNCHANGED: ChangeCategory.UNCHANGED,
    }
    a = reliable_change(pre, post, instrument=ins)
    b = reliable_change(
        pre,
        post,
        instrument=attrs.evolve(ins, higher_is_better=not ins.higher_is_better),
    )
    assert b.category is swap[a.category]


# --- words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ins", "pre", "post", "category", "words"),
    [
        (PHQ9, 17, 8, "recovered", "PHQ-9 fell from 17 to 8: more than the questionnaire's measurement error, and now below the cutoff of 10."),
        (PHQ9, 11, 9, "unchanged", "PHQ-9 fell from 11 to 9: within the questionnaire's measurement error (a reliable change is 6 points or more), so crossing the cutoff of 10 is not enough on its own."),
        (PHQ9, 24, 15, "improved", "PHQ-9 fell from 24 to 15: more than the questionnaire's measurement error; still at or above the cutoff of 10."),
        (PHQ9, 8, 16, "deteriorated", "PHQ-9 rose from 8 to 16: more than the questionnaire's measurement error, and now at or above the cutoff of 10."),
        (GAD7, 12, 12, "unchanged", "GAD-7 stayed at 12."),
        (WEMWBS, 38, 50, "improved", "WEMWBS rose from 38 to 50: more than the questionnaire's measurement error."),
        (WEMWBS, 50, 55, "unchanged", "WEMWBS rose from 50 to 55: within the questionnaire's measurement error (a reliable change is 8 points or more)."),
    ],
)  # fmt: skip
def test_reasons_say_what_happened_in_plain_words(
    ins: Instrument, pre: int, post: int, category: str, words: str
) -> None:
    """The reason names the questionnaire, both scores, the error and the cutoff."""
    change = reliable_change(pre, post, instrument=ins)
    assert change.category == category
    assert [r.message for r in change.reasons] == [words]
    assert change.reasons[0].code == f"change.{category}"


def test_a_scale_with_fractional_scores_states_its_limit_in_decimals() -> None:
    """Averaged scales have no whole-point rule; the words give the exact limit."""
    mood = Instrument(
        name="Mood", low=1, high=5, higher_is_better=True, reliability=0.8, sd=0.7,
        integer_scores=False,
    )  # fmt: skip
    change = reliable_change(3.0, 3.5, instrument=mood)
    assert "more than 0.87 points" in change.reasons[0].message
    assert change.pre == 3.0


def test_the_reason_weight_is_positive_for_improvement() -> None:
    """A reason's weight is the RCI turned so that better is positive."""
    assert reliable_change(17, 8, instrument=PHQ9).reasons[0].weight > 0
    assert reliable_change(40, 30, instrument=WEMWBS).reasons[0].weight < 0


# --- measurements ---------------------------------------------------------------


def test_measurements_carry_the_member_into_the_change() -> None:
    """Two measurements of one member give a change with that member's id."""
    pre = Measurement("ada", PHQ9, AT, 17)
    post = Measurement("ada", PHQ9, AT.add(weeks=12), 8)
    change = reliable_change(pre, post, instrument=PHQ9)
    assert change.member_id == "ada"
    assert reliable_change(17, post, instrument=PHQ9).member_id == "ada"
    assert reliable_change(17, 8, instrument=PHQ9).member_id is None


@pytest.mark.parametrize(
    ("pre", "post", "path"),
    [
        (Measurement("ada", GAD7, AT, 10), 8, "pre.instrument"),
        (10, Measurement("ada", GAD7, AT, 10), "post.instrument"),
        (Measurement("ada", PHQ9, AT, 10), Measurement("ben", PHQ9, AT, 8), "post.member_id"),
        (Measurement("ada", PHQ9, AT, 10), Measurement("ada", PHQ9, AT.subtract(days=1), 8), "post.at"),
        (28, 8, "pre"),
        (10, -1, "post"),
        (10, 8.5, "post"),
        (True, 8, "pre"),
        ("10", 8, "pre"),
        (float("nan"), 8, "pre"),
    ],
)  # fmt: skip
def test_bad_scores_raise_invalid_input_naming_the_field(
    pre: object, post: object, path: str
) -> None:
    """Out-of-range scores, another instrument, another member: InvalidInputError."""
    with pytest.raises(InvalidInputError) as err:
        reliable_change(pre, post, instrument=PHQ9)  # type: ignore[arg-type]
    assert err.value.path == path


def test_instrument_must_be_an_instrument() -> None:
    """A name is not an instrument."""
    with pytest.raises(InvalidInputError) as err:
        reliable_change(10, 8, instrument="PHQ-9")  # type: ignore[arg-type]
    assert err.value.path == "instrument"


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"member_id": ""}, "member_id"),
        ({"instrument": "PHQ-9"}, "instrument"),
        ({"at": pendulum.naive(2024, 1, 8)}, "at"),
        ({"at": "2024-01-08"}, "at"),
        ({"score": 30}, "score"),
        ({"score": 3.5}, "score"),
    ],
)
def test_bad_measurements_raise_invalid_input(
    kwargs: dict[str, object], path: str
) -> None:
    """Naive datetimes and scores the instrument cannot give are refused."""
    fields: dict[str, object] = {
        "member_id": "ada",
        "instrument": PHQ9,
        "at": AT,
        "score": 10,
    }
    fields.update(kwargs)
    with pytest.raises(InvalidInputError) as err:
        Measurement(**fields)  # type: ignore[arg-type]
    assert err.value.path == path


def test_measurements_are_kept_in_utc() -> None:
    """An aware time in any zone is kept as the same instant in UTC."""
    local = pendulum.datetime(2024, 1, 8, 18, tz="America/New_York")
    m = Measurement("ada", PHQ9, local, 10)
    assert m.at == local
    assert m.at.timezone_name == "UTC"


# --- instruments ------------------------------------------------------------------


def test_the_ready_instruments_carry_their_sources() -> None:
    """PHQ-9, GAD-7 and WEMWBS name a source for every number, their items too."""
    for ins in READY:
        assert set(ins.sources) == {"range", "cutoff", "reliability", "sd", "items"}
    assert (PHQ9.low, PHQ9.high, PHQ9.cutoff, PHQ9.higher_is_better) == (
        0,
        27,
        10,
        False,
    )
    assert (GAD7.low, GAD7.high, GAD7.cutoff, GAD7.higher_is_better) == (
        0,
        21,
        10,
        False,
    )
    assert (WEMWBS.low, WEMWBS.high, WEMWBS.cutoff, WEMWBS.higher_is_better) == (
        14,
        70,
        None,
        True,
    )
    assert PHQ9.reliable_difference == pytest.approx(5.056, abs=1e-3)
    assert GAD7.reliable_difference == pytest.approx(3.528, abs=1e-3)
    assert WEMWBS.reliable_difference == pytest.approx(7.451, abs=1e-3)


def test_without_a_cutoff_nobody_recovers() -> None:
    """A questionnaire without a cutoff has no clinical range and no recovery."""
    change = reliable_change(20, 60, instrument=WEMWBS)
    assert change.category is ChangeCategory.IMPROVED
    assert change.clinical_before is None
    assert WEMWBS.is_clinical(20) is None


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"name": ""}, "name"),
        ({"high": 0}, "high"),
        ({"low": "0"}, "low"),
        ({"reliability": 1.0}, "reliability"),
        ({"reliability": 0.0}, "reliability"),
        ({"sd": 0}, "sd"),
        ({"cutoff": 28}, "cutoff"),
        ({"higher_is_better": 1}, "higher_is_better"),
        ({"sources": {"mean": "somewhere"}}, "sources"),
        ({"sources": {"sd": ""}}, "sources['sd']"),
        ({"low": 0.5}, "low"),
        ({"integer_scores": "yes"}, "integer_scores"),
    ],
)
def test_bad_instruments_raise_invalid_input(
    kwargs: dict[str, object], path: str
) -> None:
    """Every number of an instrument is checked, and the field is named."""
    fields = attrs.asdict(PHQ9, recurse=False)
    fields.update(kwargs)
    with pytest.raises(InvalidInputError) as err:
        Instrument(**fields)
    assert err.value.path == path


def test_a_change_is_a_checked_value() -> None:
    """Change validates its fields like every value type."""
    good = attrs.asdict(reliable_change(17, 8, instrument=PHQ9), recurse=False)
    with pytest.raises(InvalidInputError) as err:
        Change(**{**good, "category": "better"})
    assert err.value.path == "category"
    with pytest.raises(InvalidInputError) as err:
        Change(**{**good, "clinical_before": "yes"})
    assert err.value.path == "clinical_before"
