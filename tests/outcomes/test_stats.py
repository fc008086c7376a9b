"""The distributions behind the intervals, against scipy."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import special, stats  # type: ignore[import-untyped]

from peerkit.outcomes import _stats

DFS = st.sampled_from((1.0, 2.0, 3.0, 4.0, 7.0, 19.0, 59.0, 299.0, 4999.0, 1e5))


@given(st.floats(0.05, 200.0), st.floats(0.05, 200.0), st.floats(0.0, 1.0))
def test_incomplete_beta_matches_scipy(a: float, b: float, x: float) -> None:
    """For all a, b > 0 and x in [0, 1], I_x(a, b) agrees with scipy.special.betainc."""
    assert _stats.betainc(a, b, x) == pytest.approx(special.betainc(a, b, x), abs=1e-12)


@given(st.floats(-60.0, 60.0), DFS)
def test_t_cdf_matches_scipy(t: float, df: float) -> None:
    """For all t and degrees of freedom, Student's t CDF agrees with scipy."""
    assert _stats.t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), abs=1e-10)


@given(st.floats(0.001, 0.999), DFS)
def test_t_quantile_matches_scipy(p: float, df: float) -> None:
    """For all p and degrees of freedom, the t quantile agrees with scipy."""
    expected = stats.t.ppf(p, df)
    assert _stats.t_quantile(p, df) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(st.floats(-30.0, 30.0), DFS, st.floats(-30.0, 30.0))
def test_noncentral_t_cdf_matches_scipy(t: float, df: float, nc: float) -> None:
    """For all t, df and noncentrality, the noncentral t CDF agrees with scipy."""
    expected = stats.nct.cdf(t, df, nc)
    assume(not math.isnan(expected))  # scipy gives up far in the tails; we do not
    assert _stats.nct_cdf(t, df, nc) == pytest.approx(expected, abs=1e-9)


def test_noncentral_t_with_zero_noncentrality_is_central() -> None:
    """At nc = 0 the noncentral t is Student's t."""
    for t in (-3.0, -0.5, 0.0, 0.5, 3.0):
        assert _stats.nct_cdf(t, 5.0, 0.0) == pytest.approx(
            _stats.t_cdf(t, 5.0), abs=1e-14
        )


def test_noncentral_t_far_out_is_zero_or_one() -> None:
    """Far beyond the noncentrality the CDF is 0 or 1, without overflow."""
    assert _stats.nct_cdf(1e200, 10.0, 3.0) == 1.0
    assert _stats.nct_cdf(1e-200, 10.0, 3.0) == pytest.approx(stats.norm.cdf(-3.0))
    assert _stats.nct_cdf(-1e200, 10.0, 3.0) == pytest.approx(0.0, abs=1e-15)


def test_bisect_widens_the_bracket_until_it_holds_the_root() -> None:
    """A bracket that misses the crossing is widened, in either direction."""
    assert _stats.bisect(lambda x: x, 50.0, 0.0, 1.0) == pytest.approx(50.0)
    assert _stats.bisect(lambda x: -x, 50.0, 0.0, 1.0) == pytest.approx(-50.0)
