"""combined_recovery: NHS Talking Therapies' definitions, counted as services count."""

from __future__ import annotations

import itertools

import attrs
import pandas as pd  # type: ignore[import-untyped]
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit.datasets import simulate_sessions
from peerkit.errors import InvalidInputError
from peerkit.outcomes import (
    GAD7,
    PHQ9,
    TALKING_THERAPIES,
    WEMWBS,
    Caseness,
    Measurement,
    combined_recovery,
    recovery_of,
)
from peerkit.testing import session_measurements

DAY = pendulum.datetime(2024, 1, 8, 18)


def by_hand(d0: int, d1: int, a0: int, a1: int) -> tuple[bool, ...]:
    """The definitions written out again, independently of peerkit's code."""
    case_before = d0 >= 10 or a0 >= 8
    case_after = d1 >= 10 or a1 >= 8
    dep_better, dep_worse = d0 - d1 >= 6, d1 - d0 >= 6
    anx_better, anx_worse = a0 - a1 >= 4, a1 - a0 >= 4
    improvement = (dep_better or anx_better) and not (dep_worse or anx_worse)
    deterioration = (dep_worse or anx_worse) and not (dep_better or anx_better)
    recovered = case_before and not case_after
    return (
        case_before,
        case_after,
        recovered,
        improvement,
        recovered and improvement,
        deterioration,
    )


def flags(d0: int, d1: int, a0: int, a1: int) -> tuple[bool, ...]:
    r = recovery_of("m", (d0, d1), (a0, a1))
    return (
        r.caseness_before,
        r.caseness_after,
        r.recovered,
        r.reliable_improvement,
        r.reliable_recovery,
        r.reliable_deterioration,
    )


# Hand-worked cases, from the definitions as the manual and NHS Digital
# write them (PHQ-9 first, last; GAD-7 first, last) -> (case before, case
# after, recovered, reliable improvement, reliable recovery, reliable
# deterioration).
WORKED = [
    # a case who falls below both cutoffs, 6 and 4 points: reliable recovery
    ((15, 9), (10, 6), (True, False, True, True, True, False)),
    # below both cutoffs, but by 3 and 2 points: recovered, not reliably
    ((12, 9), (9, 7), (True, False, True, False, False, False)),
    # PHQ-9 falls 8 points and stays at 10: reliable improvement, still a case
    ((18, 10), (5, 3), (True, True, False, True, False, False)),
    # GAD-7 at exactly 8 at the end is still a case
    ((9, 4), (12, 8), (True, True, False, True, False, False)),
    # not a case at the start: recovery does not apply, improvement still can
    ((9, 3), (7, 2), (False, False, False, True, False, False)),
    # one reliably better, the other reliably worse: neither counts
    ((16, 8), (4, 9), (True, True, False, False, False, False)),
    # a rise of 6 on the PHQ-9 alone: reliable deterioration
    ((8, 14), (5, 6), (False, True, False, False, False, True)),
    # a rise of 5 and of 3: within measurement error
    ((8, 13), (5, 8), (False, True, False, False, False, False)),
    # exactly at the cutoffs at the start is a case; 9 and 7 at the end is not
    ((10, 9), (8, 7), (True, False, True, False, False, False)),
    # a fall of exactly 4 on the GAD-7 is reliable
    ((11, 10), (12, 8), (True, True, False, True, False, False)),
]


@pytest.mark.parametrize(("dep", "anx", "expected"), WORKED)
def test_hand_worked_cases(
    dep: tuple[int, int], anx: tuple[int, int], expected: tuple[bool, ...]
) -> None:
    """Each hand-worked case from the published definitions comes out as written."""
    assert flags(*dep, *anx) == expected
    assert by_hand(*dep, *anx) == expected


def test_boundary_combinations_against_the_definitions() -> None:
    """Every combination of scores near the cutoffs and reliable-change limits agrees with the definitions."""
    phq = (0, 3, 4, 5, 9, 10, 11, 15, 16, 17, 21, 27)
    gad = (0, 3, 4, 7, 8, 9, 11, 12, 13, 21)
    checked = 0
    for d0, d1, a0, a1 in itertools.product(phq, phq, gad, gad):
        assert flags(d0, d1, a0, a1) == by_hand(d0, d1, a0, a1), (d0, d1, a0, a1)
        checked += 1
    assert checked == len(phq) ** 2 * len(gad) ** 2


@pytest.mark.slow
def test_every_phq9_gad7_combination_against_the_definitions() -> None:
    """Exhaustively, over all 28 x 28 x 22 x 22 first and last scores, peerkit agrees with the definitions."""
    checked = 0
    for d0, d1, a0, a1 in itertools.product(range(28), range(28), range(22), range(22)):
        assert flags(d0, d1, a0, a1) == by_hand(d0, d1, a0, a1), (d0, d1, a0, a1)
        checked += 1
    assert checked == 28 * 28 * 22 * 22


def _scores(who: str, phq: tuple[int, ...], gad: tuple[int, ...]) -> list[Measurement]:
    return [
        Measurement(who, ins, DAY.add(weeks=w), s)
        for ins, series in ((PHQ9, phq), (GAD7, gad))
        for w, s in enumerate(series)
    ]


def test_first_and_last_available_scores_are_paired() -> None:
    """The middle sessions do not matter: only the first and last score on each questionnaire."""
    summary = combined_recovery(_scores("ada", (16, 25, 2, 9), (10, 0, 21, 6)))
    (result,) = summary.members
    assert (result.depression_before, result.depression_after) == (16, 9)
    assert (result.anxiety_before, result.anxiety_after) == (10, 6)
    assert result.reliable_recovery


def test_attrition_is_counted_not_dropped() -> None:
    """One score only, only the PHQ-9, and no score at all are counted apart, as programme_outcomes does."""
    ms = [
        *_scores("ada", (16, 8), (10, 5)),
        *_scores("ben", (15,), (9,)),
        *_scores("cy", (15, 14), ()),
    ]
    summary = combined_recovery(ms, members=["ada", "ben", "cy", "dee"])
    assert summary.member_count == 4
    assert summary.paired_count == 1
    assert summary.lost == ("ben", "cy")
    assert summary.no_baseline == ("dee",)
    assert summary.described == 0.25
    assert summary.lost_baseline_mean == 15.0
    assert summary.baseline_mean == 16.0
    codes = [r.code for r in summary.reasons]
    assert codes[0] == "recovery.described"
    assert "recovery.lost_baseline" in codes
    assert codes[-1] == "recovery.no_comparison"


def test_rates_have_their_denominators() -> None:
    """Recovery is over cases at the start, improvement and deterioration over everyone paired."""
    ms = [
        *_scores("ada", (16, 8), (10, 5)),  # case, reliable recovery
        *_scores("ben", (5, 3), (3, 2)),  # not a case, no change
        *_scores("cy", (5, 12), (3, 3)),  # not a case, deteriorated
    ]
    summary = combined_recovery(ms)
    assert (summary.paired_count, summary.caseness_count) == (3, 1)
    assert summary.recovery_rate == 1.0
    assert summary.reliable_recovery_rate == 1.0
    assert summary.reliable_improvement_rate == pytest.approx(1 / 3)
    assert summary.reliable_deterioration_rate == pytest.approx(1 / 3)


def test_no_cases_means_no_recovery_rate() -> None:
    """With no case at the start the recovery rates are None, not 0."""
    summary = combined_recovery(_scores("ada", (5, 3), (3, 2)))
    assert summary.recovery_rate is None
    assert summary.reliable_recovery_rate is None
    assert summary.reliable_improvement_rate == 0.0


def test_empty_input_gives_an_empty_summary() -> None:
    """No measurements: nothing counted, every rate None, one reason."""
    summary = combined_recovery([])
    assert summary.member_count == 0
    assert summary.described is None
    assert [r.code for r in summary.reasons] == ["recovery.empty"]


def test_other_questionnaires_are_ignored() -> None:
    """WEMWBS scores alongside do not change the result."""
    ms = _scores("ada", (16, 8), (10, 5))
    extra = [
        Measurement("ada", WEMWBS, DAY, 40),
        Measurement("ada", WEMWBS, DAY.add(weeks=1), 50),
    ]
    assert combined_recovery(ms + extra) == combined_recovery(ms)


def test_bad_input_names_the_field() -> None:
    """Not a measurement, a member off the roster, or two scores at one instant are refused."""
    with pytest.raises(InvalidInputError) as err:
        combined_recovery([object()])  # type: ignore[list-item]
    assert err.value.path == "measurements[0]"
    with pytest.raises(InvalidInputError) as err:
        combined_recovery(_scores("ada", (16, 8), (10, 5)), members=["ben"])
    assert err.value.path == "measurements[0].member_id"
    clash = [Measurement("ada", PHQ9, DAY, 3), Measurement("ada", PHQ9, DAY, 4)]
    with pytest.raises(InvalidInputError) as err:
        combined_recovery(clash)
    assert err.value.path == "measurements[1]"
    with pytest.raises(InvalidInputError) as err:
        combined_recovery([], caseness="nhs")  # type: ignore[arg-type]
    assert err.value.path == "caseness"
    with pytest.raises(InvalidInputError) as err:
        recovery_of("ada", (30, 1), (1, 1))
    assert err.value.path == "depression[0]"


def test_a_caseness_needs_cutoffs() -> None:
    """A Caseness on a questionnaire without a cutoff is refused, naming the field."""
    with pytest.raises(InvalidInputError) as err:
        attrs.evolve(TALKING_THERAPIES, anxiety=WEMWBS)
    assert err.value.path == "anxiety.cutoff"
    with pytest.raises(InvalidInputError) as err:
        attrs.evolve(TALKING_THERAPIES, sources={"nonsense": "x"})
    assert err.value.path == "sources"


def test_the_definitions_carry_their_sources() -> None:
    """Every definition names its source, and the summary carries them."""
    assert set(TALKING_THERAPIES.sources) == {
        "caseness",
        "recovery",
        "reliable_improvement",
        "reliable_recovery",
        "reliable_deterioration",
        "paired",
    }
    assert combined_recovery([]).sources == TALKING_THERAPIES.sources
    assert TALKING_THERAPIES.anxiety.cutoff == 8
    assert GAD7.cutoff == 10  # the ready GAD7 keeps its authors' cutoff


def _frame_rates(ms: list[Measurement]) -> dict[str, object]:
    """The same summary computed with pandas, as an analyst would."""
    frame = pd.DataFrame(
        [(m.member_id, m.instrument.name, m.at, m.score) for m in ms],
        columns=["member", "q", "at", "score"],
    ).drop_duplicates()
    frame = frame.sort_values(["member", "q", "at"])
    ends = frame.groupby(["member", "q"]).agg(
        first=("score", "first"), last=("score", "last"), n=("at", "nunique")
    )
    wide = ends.unstack("q")  # noqa: PD010 - one column per questionnaire is the point
    both = wide.dropna()
    both = both[(both[("n", "PHQ-9")] >= 2) & (both[("n", "GAD-7")] >= 2)]
    d0, d1 = both[("first", "PHQ-9")], both[("last", "PHQ-9")]
    a0, a1 = both[("first", "GAD-7")], both[("last", "GAD-7")]
    case0 = (d0 >= 10) | (a0 >= 8)
    case1 = (d1 >= 10) | (a1 >= 8)
    better = ((d0 - d1) >= 6) | ((a0 - a1) >= 4)
    worse = ((d1 - d0) >= 6) | ((a1 - a0) >= 4)
    improved = better & ~worse
    recovered = case0 & ~case1
    return {
        "paired": len(both),
        "cases": int(case0.sum()),
        "recovered": int(recovered.sum()),
        "improved": int(improved.sum()),
        "reliably_recovered": int((recovered & improved).sum()),
        "deteriorated": int((worse & ~better).sum()),
        "members": frame["member"].nunique(),
    }


@pytest.mark.parametrize("adversarial", [False, True])
def test_pandas_agrees_on_simulated_programmes(adversarial: bool) -> None:
    """On simulated records, plain and adversarial, the counts equal a pandas groupby's."""
    ms = list(simulate_sessions(300, adversarial=adversarial, seed=3).measurements)
    summary = combined_recovery(ms)
    peer = _frame_rates(ms)
    assert peer == {
        "paired": summary.paired_count,
        "cases": summary.caseness_count,
        "recovered": summary.recovered_count,
        "improved": summary.reliable_improvement_count,
        "reliably_recovered": summary.reliable_recovery_count,
        "deteriorated": summary.reliable_deterioration_count,
        "members": summary.member_count,
    }


def test_adversarial_record_keeps_every_promise() -> None:
    """On the adversarial generator: everyone is counted once, rates equal counts over denominators."""
    ms = list(simulate_sessions(400, adversarial=True, seed=5).measurements)
    summary = combined_recovery(ms)
    ids = [r.member_id for r in summary.members]
    assert ids == sorted(ids)
    assert (
        len(ids) + len(summary.lost) + len(summary.no_baseline) == summary.member_count
    )
    assert summary.lost  # the generator's one-score and PHQ-9-only members
    assert summary.paired_count == len(ids)
    assert summary.recovery_rate == summary.recovered_count / summary.caseness_count
    assert summary.reliable_improvement_rate == (
        summary.reliable_improvement_count / summary.paired_count
    )
    tied = [
        r for r in summary.members if (r.depression_after, r.anxiety_after) == (10, 8)
    ]
    assert tied  # ties at the cutoffs happen, and count as cases
    assert all(r.caseness_after and not r.recovered for r in tied)
    assert combined_recovery(ms[::-1]) == summary


@given(ms=session_measurements(), data=st.data())
def test_order_invariant_and_consistent(
    ms: list[Measurement], data: st.DataObject
) -> None:
    """For all records, shuffling changes nothing and every count stays within its denominator."""
    summary = combined_recovery(ms)
    assert combined_recovery(data.draw(st.permutations(ms))) == summary
    assert summary.recovered_count <= summary.caseness_count <= summary.paired_count
    assert summary.reliable_recovery_count <= summary.recovered_count
    assert summary.reliable_recovery_count <= summary.reliable_improvement_count
    assert (
        summary.reliable_improvement_count + summary.reliable_deterioration_count
        <= summary.paired_count
    )


def test_member_reasons_speak_of_the_member_alone() -> None:
    """A member's reasons quote their own scores and no count of other members."""
    summary = combined_recovery(
        [*_scores("ada", (16, 8), (10, 5)), *_scores("ben", (12, 9), (9, 7))]
    )
    for result in summary.members:
        for reason in result.reasons:
            assert "members" not in reason.message
            other = "ben" if result.member_id == "ada" else "ada"
            assert other not in reason.message
    assert len(summary.members) == 2


def test_a_custom_caseness_is_honoured() -> None:
    """A Caseness with other cutoffs and points changes the verdicts accordingly."""
    strict = Caseness(
        depression=attrs.evolve(PHQ9, cutoff=12),
        anxiety=attrs.evolve(GAD7, cutoff=10),
        depression_points=8,
        anxiety_points=5,
    )
    result = recovery_of("ada", (11, 5), (9, 5), caseness=strict)
    assert not result.caseness_before
    assert not result.reliable_improvement


def test_a_caseness_needs_two_different_questionnaires() -> None:
    """A Caseness whose anxiety questionnaire is its depression one is refused, naming the field."""
    with pytest.raises(InvalidInputError) as err:
        attrs.evolve(TALKING_THERAPIES, anxiety=PHQ9)
    assert err.value.path == "anxiety"
