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
    # At one degree of freedom t is Cauchy, whose CDF is exact in closed form
    # (scipy rounds 0.5 + 3.2e-10 at t = 1e-9 to 0.5).
    expected = 0.5 + math.atan(t) / math.pi if df == 1.0 else stats.t.cdf(t, df)
    assert _stats.t_cdf(t, df) == pytest.approx(expected, abs=1e-10)


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
    assert _stats.nct_cdf(1e200, 10.0, 3.0) == pytest.approx(1.0, abs=1e-9)
    assert _stats.nct_cdf(1e-200, 10.0, 3.0) == pytest.approx(stats.norm.cdf(-3.0))
    assert _stats.nct_cdf(-1e200, 10.0, 3.0) == pytest.approx(0.0, abs=1e-15)


def test_noncentral_t_near_zero_with_a_large_noncentrality_is_a_number() -> None:
    """A t so small that t² is subnormal no longer turns the series into NaN."""
    t = 5.565002189792545e-158
    assert _stats.nct_cdf(t, 1.0, 27.0) == pytest.approx(
        stats.nct.cdf(t, 1.0, 27.0), rel=1e-9, abs=0.0
    )
    tinier = 6.438202706350713e-162  # t² / (t² + df) rounds to 0
    assert _stats.nct_cdf(tinier, 19.0, 1.0) == pytest.approx(stats.norm.cdf(-1.0))


def test_bisect_widens_the_bracket_until_it_holds_the_root() -> None:
    """A bracket that misses the crossing is widened, in either direction."""
    assert _stats.bisect(lambda x: x, 50.0, 0.0, 1.0) == pytest.approx(50.0)
    assert _stats.bisect(lambda x: -x, 50.0, 0.0, 1.0) == pytest.approx(-50.0)


@given(
    st.floats(_stats.FAR_T, 1e6),
    st.sampled_from((1.0, 2.0, 3.0, 7.0, 19.0, 59.0, 199.0)),
    st.floats(0.5, 2.0),
)
def test_noncentral_t_far_out_matches_scipy(t: float, df: float, ratio: float) -> None:
    """For all t beyond FAR_T, the integral form agrees with scipy near the noncentrality."""
    nc = t * ratio
    expected = stats.nct.cdf(t, df, nc)
    assume(not math.isnan(expected))
    # scipy's own error grows far out (2.9e-7 at t = 2896, df = 1, nc = 2t,
    # where a second-order expansion agrees with peerkit to 1e-10).
    assert _stats.nct_cdf(t, df, nc) == pytest.approx(expected, abs=1e-6)
    assert _stats.nct_cdf(-t, df, -nc) == pytest.approx(1.0 - expected, abs=1e-6)


@given(
    st.floats(_stats.FAR_T, 80.0),
    st.sampled_from((1.0, 2.0, 3.0, 7.0, 19.0, 59.0, 199.0)),
    st.floats(0.5, 2.0),
)
def test_noncentral_t_integral_continues_the_series(
    t: float, df: float, ratio: float
) -> None:
    """For all t just beyond FAR_T, the integral agrees with the exact series to 1e-10."""
    nc = t * ratio
    series = _stats._nct_upper_half(t, df, nc)
    assert _stats._nct_far(t, df, nc) == pytest.approx(series, abs=1e-10)


@given(st.floats(_stats.FAR_T, 1e6), st.floats(201.0, 1e6), st.floats(0.9, 1.1))
def test_noncentral_t_far_out_with_many_degrees_of_freedom_is_close(
    t: float, df: float, ratio: float
) -> None:
    """Beyond 200 degrees of freedom (Wilson-Hilferty's chi) it is within 1e-4 of scipy."""
    expected = stats.nct.cdf(t, df, t * ratio)
    assume(not math.isnan(expected))
    assert _stats.nct_cdf(t, df, t * ratio) == pytest.approx(expected, abs=1e-4)


@given(st.floats(0.5, 100.0), st.floats(0.1, 100.0))
def test_upper_incomplete_gamma_matches_scipy(a: float, x: float) -> None:
    """For all a and x, Q(a, x) agrees with scipy.special.gammaincc."""
    assert _stats.gammaincc(a, x) == pytest.approx(special.gammaincc(a, x), abs=1e-12)


@pytest.mark.parametrize("d", [1e3, 1e15, -1e15])
@pytest.mark.parametrize("n", [2, 10, 1_000_000])
def test_effect_size_interval_of_a_huge_effect_is_finite(d: float, n: int) -> None:
    """A near-zero spread of changes gives an interval around d, in bounded time (no series of length d)."""
    est, low, high = _stats.standardised_mean_interval(d, 1.0, n)
    assert est == d
    assert low < d < high
    assert math.isfinite(low)
    assert math.isfinite(high)
