"""risk_flags: an answer on a risk item goes to a trained person, for staff only."""

from __future__ import annotations

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerkit.datasets import simulate_sessions
from peerkit.errors import InvalidInputError
from peerkit.outcomes import (
    DEFAULT_RISK_RULES,
    GAD7,
    PHQ2,
    PHQ9,
    Instrument,
    Measurement,
    RiskRule,
    combined_recovery,
    expected_change,
    on_track,
    risk_flags,
)
from peerkit.testing import session_measurements

AT = pendulum.datetime(2024, 3, 4, 18)


def phq9(who: str, items: tuple[int, ...], at: pendulum.DateTime = AT) -> Measurement:
    return Measurement(who, PHQ9, at, sum(items), items=items)


def test_item_nine_above_zero_raises_a_flag_whatever_the_total() -> None:
    """A total of 1 with the 1 on item 9 raises a flag; a total of 18 without does not."""
    low = phq9("ada", (0, 0, 0, 0, 0, 0, 0, 0, 1))
    high = phq9("ben", (3, 3, 3, 3, 3, 3, 0, 0, 0))
    flags = risk_flags([low, high])
    assert [(f.member_id, f.item, f.answer, f.at) for f in flags] == [
        ("ada", 9, 1.0, AT)
    ]
    assert flags[0].instrument == "PHQ-9"


def test_the_message_is_addressed_to_staff() -> None:
    """The flag's only message asks staff to route the member to a trained person today."""
    (flag,) = risk_flags([phq9("ada", (0, 0, 0, 0, 0, 0, 0, 0, 3))])
    assert "route to a trained person today" in flag.staff_message
    assert "ada" in flag.staff_message
    assert not hasattr(flag, "reasons")


def test_a_total_without_items_flags_only_what_it_proves() -> None:
    """Without item answers, a PHQ-9 of 24 proves nothing about item 9; one of 25 to 27 proves an answer of at least 1 to 3, and is flagged."""
    assert risk_flags([Measurement("ada", PHQ9, AT, 24)]) == ()
    checked = 0
    for total in (25, 26, 27):
        flags = risk_flags([Measurement("ada", PHQ9, AT, total)])
        assert [(f.member_id, f.item, f.answer) for f in flags] == [
            ("ada", 9, total - 24)
        ]
        assert "at least" in flags[0].staff_message
        assert "route to a trained person today" in flags[0].staff_message
        checked += 1
    assert checked == 3


def test_a_programme_adds_its_own_rule() -> None:
    """A rule is data: a PHQ-2 rule flags its own item, alongside the default."""
    rules = (*DEFAULT_RISK_RULES, RiskRule(PHQ2, 2, 2, topic="feeling down"))
    ms = [
        Measurement("ada", PHQ2, AT, 3, items=(0, 3)),
        Measurement("ben", PHQ2, AT, 3, items=(1, 2)),
    ]
    flags = risk_flags(ms, rules=rules)
    assert [(f.member_id, f.instrument, f.item) for f in flags] == [("ada", "PHQ-2", 2)]
    assert "feeling down" in flags[0].staff_message


def test_flags_are_most_recent_first() -> None:
    """The newest answers come first, ties by member id."""
    item9 = (0, 0, 0, 0, 0, 0, 0, 0, 1)
    ms = [
        phq9("cy", item9, AT.subtract(days=2)),
        phq9("ben", item9),
        phq9("ada", item9),
    ]
    assert [f.member_id for f in risk_flags(ms)] == ["ada", "ben", "cy"]


def test_two_rules_on_one_answer_give_one_flag() -> None:
    """The same answer breaking two rules is one flag, not two."""
    rules = (*DEFAULT_RISK_RULES, RiskRule(PHQ9, 9, 1))
    assert len(risk_flags([phq9("ada", (0, 0, 0, 0, 0, 0, 0, 0, 3))], rules=rules)) == 1


def test_bad_rules_and_inputs_name_the_field() -> None:
    """An item out of range, a questionnaire without items, or a non-rule is refused."""
    with pytest.raises(InvalidInputError) as err:
        RiskRule(PHQ9, 10, 0)
    assert err.value.path == "item"
    with pytest.raises(InvalidInputError) as err:
        RiskRule(attrs.evolve(PHQ9, item_count=0, item_low=None, item_high=None), 9, 0)
    assert err.value.path == "item"
    with pytest.raises(InvalidInputError) as err:
        risk_flags([], rules=["PHQ-9 item 9"])  # type: ignore[list-item]
    assert err.value.path == "rules[0]"
    with pytest.raises(InvalidInputError) as err:
        risk_flags([None])  # type: ignore[list-item]
    assert err.value.path == "measurements[0]"


def test_item_answers_are_checked() -> None:
    """Item answers must be the right count, in range, and add up to the total."""
    with pytest.raises(InvalidInputError) as err:
        Measurement("ada", PHQ9, AT, 4, items=(4, 0, 0, 0, 0, 0, 0, 0, 0))
    assert err.value.path == "items[0]"
    with pytest.raises(InvalidInputError) as err:
        Measurement("ada", GAD7, AT, 4, items=(1, 1, 1, 1))
    assert err.value.path == "items"
    with pytest.raises(InvalidInputError) as err:
        Measurement("ada", GAD7, AT, 4, items=(1, 1, 1, 0, 0, 0, 0))
    assert err.value.path == "items"
    with pytest.raises(InvalidInputError) as err:
        Measurement("ada", GAD7, AT, 4, items="1111000")  # type: ignore[arg-type]
    assert err.value.path == "items"


def test_nothing_member_facing_mentions_the_risk_item() -> None:
    """Recovery, on-track and their reasons never mention a flag, risk or self-harm."""
    sim = simulate_sessions(150, adversarial=True, seed=2)
    flagged = {f.member_id for f in risk_flags(sim.measurements)}
    assert flagged  # the simulation does answer item 9
    words = ("risk", "self-harm", "item 9", "flag", "trained person")
    summary = combined_recovery(sim.measurements)
    messages = [r.message for r in summary.reasons]
    messages += [r.message for m in summary.members for r in m.reasons]
    expected = expected_change(sim.of(PHQ9), instrument=PHQ9)
    for member in sorted(flagged):
        own = [m for m in sim.of(PHQ9) if m.member_id == member]
        report = on_track(own, instrument=PHQ9, expected=expected, attendance_share=0.9)
        messages += [r.message for r in report.reasons]
    assert messages
    for message in messages:
        assert not any(word in message.lower() for word in words), message


@given(ms=session_measurements((PHQ9,)), data=st.data())
def test_flags_are_exactly_the_answers_above_zero(
    ms: list[Measurement], data: st.DataObject
) -> None:
    """For all records, a flag is raised for each distinct measurement with item 9 above 0, in any order."""
    expected = {
        (m.member_id, m.at) for m in ms if m.items is not None and m.items[8] > 0
    }
    flags = risk_flags(ms)
    assert {(f.member_id, f.at) for f in flags} == expected
    assert len(flags) == len(expected)
    assert risk_flags(data.draw(st.permutations(ms))) == flags


def test_two_answers_at_one_instant_flag_the_higher_whatever_the_order() -> None:
    """Two PHQ-9s of one member at one instant give one flag with the higher item-9 answer, in any order."""
    low = Measurement("ada", PHQ9, AT, 3, items=(2, 0, 0, 0, 0, 0, 0, 0, 1))
    high = Measurement("ada", PHQ9, AT, 3, items=(0, 0, 0, 0, 0, 0, 0, 0, 3))
    for order in ([low, high], [high, low]):
        flags = risk_flags(order)
        assert [(f.member_id, f.answer) for f in flags] == [("ada", 3.0)]


def test_decimal_answers_that_add_up_are_accepted() -> None:
    """On a questionnaire with decimal answers, 0.1 and 0.2 add up to a total of 0.3 (binary rounding is not a mismatch); 0.1 and 0.3 do not."""
    tenths = Instrument(
        name="Tenths",
        low=0,
        high=2,
        higher_is_better=False,
        reliability=0.8,
        sd=0.5,
        integer_scores=False,
        item_count=2,
        item_low=0,
        item_high=1,
    )
    assert Measurement("ada", tenths, AT, 0.3, items=(0.1, 0.2)).items == (0.1, 0.2)
    with pytest.raises(InvalidInputError) as err:
        Measurement("ada", tenths, AT, 0.3, items=(0.1, 0.3))
    assert err.value.path == "items"
