"""Adapting a cadence: monotone in severity, always inside the member's bounds."""

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from peerkit import InvalidInputError
from peerkit.scheduling import AdaptPolicy, Cadence, adapt_cadence
from peerkit.testing import adapt_policies, cadences

WEEKLY = Cadence.weekly(on="wed", time="18:00", timezone="Europe/London")
EPS = 1e-9


def test_steps_along_the_ladder() -> None:
    """Steady: every other week. Middle: unchanged. Drifting: closer, by severity."""
    assert adapt_cadence(WEEKLY, severity=0.0).per_week == 0.5
    assert adapt_cadence(WEEKLY, severity=0.3) == WEEKLY
    assert adapt_cadence(WEEKLY, severity=0.4).per_week == 2
    assert adapt_cadence(WEEKLY, severity=1.0).per_week == 3  # capped by most_per_week
    closer = adapt_cadence(WEEKLY, severity=0.5)
    assert closer.times == WEEKLY.times
    assert closer.timezone == WEEKLY.timezone
    assert closer.weekdays[0] == "wed"


def test_adapting_back_keeps_the_members_day() -> None:
    """Sunday, closer (Sunday and Wednesday), then lighter again: Sunday."""
    sunday = Cadence.weekly(on="sun", time="18:00", timezone="Europe/London")
    closer = adapt_cadence(sunday, severity=0.5)
    assert set(closer.weekdays) == {"sun", "wed"}
    assert adapt_cadence(closer, severity=0.0).weekdays == ("sun",)


def test_the_members_boundary_wins() -> None:
    """A member who allows one check-in a week never gets more, however high severity is."""
    once = AdaptPolicy(most_per_week=1)
    assert adapt_cadence(WEEKLY, severity=1.0, policy=once) == WEEKLY
    daily = Cadence.daily(time="09:00", timezone="UTC")
    assert adapt_cadence(daily, severity=0.3, policy=once).per_week == 1


@given(
    cadences(),
    adapt_policies(),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_monotone_in_severity_and_within_bounds(
    cadence: Cadence, policy: AdaptPolicy, s1: float, s2: float
) -> None:
    """For all cadences, policies and severities: more severe, never fewer; in bounds."""
    low, high = sorted((s1, s2))
    try:
        a = adapt_cadence(cadence, severity=low, policy=policy)
    except InvalidInputError:
        # No shape with these times of day fits the bounds, and it said so:
        # not a case this property is about (reject() is assume(False)).
        reject()
    b = adapt_cadence(cadence, severity=high, policy=policy)
    assert a.per_week <= b.per_week + EPS
    for result in (a, b):
        assert (
            policy.least_per_week - EPS <= result.per_week <= policy.most_per_week + EPS
        )
        assert result.times == cadence.times
        assert result.timezone == cadence.timezone


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"severity": 1.5}, "severity"),
        ({"severity": -0.1}, "severity"),
        ({"severity": 0.5, "policy": "strict"}, "policy"),
    ],
)
def test_bad_input(kwargs: dict[str, object], path: str) -> None:
    """Severity outside [0, 1] or a wrong policy: InvalidInputError."""
    with pytest.raises(InvalidInputError) as err:
        adapt_cadence(WEEKLY, **kwargs)  # type: ignore[arg-type]
    assert err.value.path == path


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"least_per_week": 2, "most_per_week": 1}, "most_per_week"),
        ({"least_per_week": 0}, "least_per_week"),
        ({"lighten_below": 0.5, "tighten_from": 0.4}, "tighten_from"),
        ({"tighten_from": 1.0}, "tighten_from"),
        ({"max_steps": 0}, "max_steps"),
    ],
)
def test_policy_validation(kwargs: dict[str, object], path: str) -> None:
    """Policies that make no sense are refused, naming the field."""
    with pytest.raises(InvalidInputError) as err:
        AdaptPolicy(**kwargs)  # type: ignore[arg-type]
    assert err.value.path == path


def test_impossible_bounds_are_refused() -> None:
    """Four check-in times a day cannot fit at most one a week."""
    busy = Cadence.daily(time=("08:00", "09:00", "20:00", "21:00"), timezone="UTC")
    with pytest.raises(InvalidInputError, match="policy"):
        adapt_cadence(busy, severity=0.5, policy=AdaptPolicy(most_per_week=0.5))
