"""Policy weights whose total overflows: refused, not a silent score of 0."""

import datetime as dt
import sys
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from peerkit import Group, InvalidInputError, Member, WeeklyAvailability
from peerkit.matching import FitPolicy, PartnerPolicy, group_fit, partner_fit
from peerkit.matching._fit import COMPONENTS
from peerkit.matching._pairs import PAIR_COMPONENTS

PERIOD = (
    dt.datetime(2026, 3, 25, tzinfo=dt.UTC),
    dt.datetime(2026, 4, 14, tzinfo=dt.UTC),
)
ALWAYS = WeeklyAvailability.parse("daily 00:00-24:00")


def _alike(ident: str, zone: str) -> Member:
    """A member every component rates 1 against another `_alike` one."""
    return Member(
        ident,
        "action",
        timezone=zone,
        availability=ALWAYS,
        goals=["sleep"],
        experiences=["loss"],
    )


weights = st.floats(0.0, 1.7976931348623157e308, allow_nan=False)


@given(st.fixed_dictionaries(dict.fromkeys(PAIR_COMPONENTS, weights)))
@example({"stage": 0.0, "goals": 5e-324, "experience": 5e-324, "schedule": 0.0})
@example({"stage": 1e308, "goals": 1e308, "experience": 0.0, "schedule": 0.0})
def test_partner_weights_either_refused_or_a_true_mean(w: dict[str, float]) -> None:
    """For all weights: InvalidInputError naming weights, or the true weighted mean."""
    try:
        policy = PartnerPolicy(weights=w)
    except InvalidInputError as error:
        assert error.path == "weights"
        assert not sys.float_info.min <= sum(w.values()) < float("inf")
        return
    a = _alike("a", "Australia/Lord_Howe")
    b = Member(  # no goals or experiences: those components are neutral, 0.5
        "b", "action", timezone="Asia/Kathmandu", availability=ALWAYS
    )
    fit = partner_fit(a, b, during=PERIOD, policy=policy)
    exact = {"stage": Fraction(1), "goals": Fraction(1, 2)}
    exact |= {"experience": Fraction(1, 2), "schedule": Fraction(1)}
    assert dict(fit.components) == exact
    mean = sum(Fraction(w[k]) * exact[k] for k in w) / sum(map(Fraction, w.values()))
    assert fit.eligible
    assert fit.score == pytest.approx(float(mean), abs=1e-9)


@given(st.fixed_dictionaries(dict.fromkeys(COMPONENTS, weights)))
def test_group_weights_either_refused_or_a_true_mean(w: dict[str, float]) -> None:
    """For all weights: InvalidInputError naming weights, or a score in (0, 1]."""
    try:
        policy = FitPolicy(weights=w)
    except InvalidInputError as error:
        assert error.path == "weights"
        return
    me = _alike("me", "America/St_Johns")
    group = Group(
        "g",
        (_alike("p", "America/St_Johns"),),
        6,
        timezone="America/St_Johns",
        meets=WeeklyAvailability.parse("tue 19:00-20:30"),
    )
    fit = group_fit(me, group, during=PERIOD, policy=policy)
    assert fit.eligible
    assert fit.score > 0.0  # every component is above 0: so is their mean
    assert sum(r.weight for r in fit.reasons) == pytest.approx(fit.score, abs=1e-9)


@pytest.mark.parametrize("policy", [PartnerPolicy, FitPolicy])
def test_two_largest_weights_are_refused_naming_weights(policy: type) -> None:
    """Two weights of 1e308 add to infinity: refused, the field named."""
    names = PAIR_COMPONENTS if policy is PartnerPolicy else COMPONENTS
    w = dict.fromkeys(names, 0.0) | {names[0]: 1e308, names[1]: 1e308}
    with pytest.raises(InvalidInputError) as info:
        policy(weights=w)
    assert info.value.path == "weights"
    assert "finite" in str(info.value)


@pytest.mark.parametrize("policy", [PartnerPolicy, FitPolicy])
def test_a_subnormal_total_is_refused_naming_weights(policy: type) -> None:
    """Weights adding to less than the smallest normal float: refused."""
    names = PAIR_COMPONENTS if policy is PartnerPolicy else COMPONENTS
    with pytest.raises(InvalidInputError) as info:
        policy(weights=dict.fromkeys(names, 0.0) | {names[0]: 5e-324})
    assert info.value.path == "weights"
