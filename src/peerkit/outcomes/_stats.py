"""
The few distributions outcomes need, in plain Python (no scipy at run time).

Student's t (for the interval of a mean and of a slope) and the noncentral
t (for the exact interval of a standardised mean change) are computed from
the regularised incomplete beta function; quantiles and the noncentral
parameter are found by bisection, which cannot fail to converge. Far out
(|t| > `FAR_T`) the noncentral t is an integral over the normal with a
fixed number of nodes, so its cost does not grow with t (the series'
does, linearly). The test suite checks every function here against scipy.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Z95 = 1.959963984540054
"""The standard normal's 97.5th percentile: the 1.96 of a 95% interval."""

_TINY = 1e-300
_EPS = 1e-16


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (modified Lentz), for x < (a+1)/(a+b+2)."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            result *= c * d
        if abs(c * d - 1.0) < _EPS:
            break
    return result


def _log_beta_front(a: float, b: float, x: float) -> float:
    """Log of x^a (1-x)^b / B(a, b)."""
    return (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log1p(-x)
    )


def betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), a, b > 0."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(_log_beta_front(a, b, x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def normal_cdf(z: float) -> float:
    """The standard normal's cumulative distribution at *z*."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def t_cdf(t: float, df: float) -> float:
    """Student's t distribution with *df* degrees of freedom, P(T <= t)."""
    square = t * t
    if square < df:  # near the centre: the half-width form keeps its digits
        return 0.5 + math.copysign(
            0.5 * betainc(0.5, df / 2.0, square / (df + square)), t
        )
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + square))
    return 1.0 - tail if t > 0 else tail


def bisect(
    f: Callable[[float], float], target: float, low: float, high: float
) -> float:
    """
    The x in [low, high] where a monotone *f* crosses *target*.

    The bracket is widened (doubling its width) until it holds the
    crossing, then halved until it is as narrow as floats allow.
    """
    rising = f(high) >= f(low)

    def below(x: float) -> bool:
        return (f(x) < target) == rising

    width = high - low
    while not below(low):
        low -= width
        width *= 2
    while below(high):
        high += width
        width *= 2
    for _ in range(200):
        middle = 0.5 * (low + high)
        if high - low <= 1e-15 * max(abs(low), abs(high), 1.0):
            break
        if below(middle):
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def t_quantile(p: float, df: float) -> float:
    """The *p* quantile of Student's t with *df* degrees of freedom."""
    z = math.sqrt(2.0) * _erfinv(2.0 * p - 1.0)
    return bisect(lambda t: t_cdf(t, df), p, z - 1.0, z + 1.0)


def _erfinv(y: float) -> float:
    """Inverse error function, by bisection on math.erf (only for a start)."""
    return bisect(math.erf, y, -1.0, 1.0)


def gammaincc(a: float, x: float) -> float:
    """The regularised upper incomplete gamma function Q(a, x), a > 0."""
    if x <= 0.0:
        return 1.0
    front = math.exp(-x + a * math.log(x) - math.lgamma(a))
    if x < a + 1.0:  # the series of P(a, x)
        term = total = 1.0 / a
        for n in range(1, 10_000):
            term *= x / (a + n)
            total += term
            if term < total * _EPS:
                break
        return 1.0 - front * total
    # The continued fraction of Q(a, x) (modified Lentz).
    b = x + 1.0 - a
    c, d = 1.0 / _TINY, 1.0 / b
    result = d
    for n in range(1, 10_000):
        an = -n * (n - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        result *= c * d
        if abs(c * d - 1.0) < _EPS:
            break
    return front * result


FAR_T = 40.0
"""Beyond this |t| the noncentral t is computed as an integral, not a series."""

_EXACT_CHI_DF = 200.0
"""Up to these degrees of freedom the chi's tail is exact, beyond it Wilson-Hilferty."""


def _chi_sf(x: float, df: float) -> float:
    """P(S >= x) for S = sqrt(chi-square(df) / df)."""
    if x <= 0.0:
        return 1.0
    if df <= _EXACT_CHI_DF:
        return gammaincc(df / 2.0, df * x * x / 2.0)
    # Wilson and Hilferty (1931): (chi-square / df)^(1/3) is nearly normal.
    spread = math.sqrt(2.0 / (9.0 * df))
    return 0.5 * math.erfc((x ** (2.0 / 3.0) - 1.0 + spread**2) / spread / _SQRT2)


def _nct_far(t: float, df: float, nc: float) -> float:
    """
    P(T <= t) for a large t > 0, as E_Z[P(S >= (Z + nc) / t)].

    T = (Z + nc) / S with Z standard normal and S = sqrt(chi-square / df).
    The integrand is 1 where (Z + nc) / t is below S's range, 0 above it,
    and smooth in between, where Simpson's rule takes it in steps of an
    eighth of its width (at most a few hundred): the cost does not grow
    with t, as the series' does.
    """
    spread = 1.0 / math.sqrt(2.0 * df)  # S's standard deviation, nearly
    width = t * spread  # how far Z moves the integrand from 1 to 0
    low = max(-_Z_FAR, t * max(0.0, 1.0 - 14.0 * spread) - nc)
    high = min(_Z_FAR, t * (1.0 + 14.0 * spread) - nc)
    total = normal_cdf(low) if low > -_Z_FAR else 0.0  # where the integrand is 1
    if high <= low:
        return total
    steps = 2 * math.ceil((high - low) / min(1.0 / 32.0, width / 8.0) / 2.0)
    step = (high - low) / steps
    # Simpson's rule on the tail above and on its complement, from the same
    # nodes; the smaller of the two is the more accurate (its error scales
    # with its size), and the other follows from the normal's own CDF.
    above = below = 0.0
    for i in range(steps + 1):
        z = low + i * step
        weight = 1.0 if i in (0, steps) else (4.0 if i % 2 else 2.0)
        density = weight * math.exp(-z * z / 2.0) / _SQRT2PI
        tail = _chi_sf((z + nc) / t, df)
        above += density * tail
        below += density * (1.0 - tail)
    above, below = above * step / 3.0, below * step / 3.0
    middle = above if above <= below else normal_cdf(high) - normal_cdf(low) - below
    return min(1.0, max(0.0, total + middle))


_Z_FAR = 9.0  # a standard normal lies beyond +-9 with probability 2e-19
_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def nct_cdf(t: float, df: float, nc: float) -> float:
    """
    The noncentral t distribution, P(T <= t), with *df* and noncentrality *nc*.

    The series of Lenth (1989, Applied Statistics algorithm AS 243): Poisson
    weights times incomplete beta functions, summed outward from the
    largest weight, with the beta functions stepped by their recurrence so
    each term costs a few operations.
    """
    if t < 0:
        return 1.0 - _nct_upper(-t, df, -nc)
    return _nct_upper(t, df, nc)


def _nct_upper(t: float, df: float, nc: float) -> float:
    """P(T <= t) for t >= 0: the series near the centre, the integral far out."""
    return _nct_far(t, df, nc) if t > FAR_T else _nct_upper_half(t, df, nc)


def _nct_upper_half(t: float, df: float, nc: float) -> float:
    """P(T <= t) for 0 <= t <= FAR_T, by the series."""
    base = normal_cdf(-nc)
    if t == 0.0:
        return base
    square = t * t
    x = 1.0 if math.isinf(square) else square / (square + df)
    if x < sys.float_info.min:  # t too small to move the sum (x is 0 or subnormal)
        return base
    if x == 1.0:  # t too large for the sum to be below one
        return 1.0
    lam = nc * nc / 2.0
    b = df / 2.0
    if lam == 0.0:  # the central t
        return base + 0.5 * betainc(0.5, b, x)
    mode = math.floor(lam)
    log_lam = math.log(lam)
    log_p = -lam + mode * log_lam - math.lgamma(mode + 1.0)
    log_q = -lam + mode * log_lam - math.lgamma(mode + 1.5)
    p0 = math.exp(log_p)
    q0 = math.exp(log_q) * nc / math.sqrt(2.0)
    a_p, a_q = mode + 0.5, mode + 1.0
    ip0, iq0 = betainc(a_p, b, x), betainc(a_q, b, x)
    # g(a) = x^a (1-x)^b / (a B(a, b)): I_x(a+1, b) = I_x(a, b) - g(a).
    log_x, log_1mx = math.log(x), math.log1p(-x)

    def g(a: float) -> float:
        return math.exp(
            a * log_x
            + b * log_1mx
            + math.lgamma(a + b)
            - math.lgamma(a + 1.0)
            - math.lgamma(b)
        )

    gp0, gq0 = g(a_p), g(a_q)
    total = p0 * ip0 + q0 * iq0
    # Forward from the mode.
    p, q, ip, iq, gp, gq = p0, q0, ip0, iq0, gp0, gq0
    j = mode
    while True:
        ip -= gp
        iq -= gq
        gp *= x * (j + 0.5 + b) / (j + 1.5)
        gq *= x * (j + 1.0 + b) / (j + 2.0)
        j += 1
        p *= lam / j
        q *= lam / (j + 0.5)
        term = p * ip + q * iq
        total += term
        if (p + abs(q)) < _EPS * _EPS or (j > mode + 10 and abs(term) < _EPS * 1e-3):
            break
    # Backward from the mode.
    p, q, ip, iq, gp, gq = p0, q0, ip0, iq0, gp0, gq0
    j = mode
    while j > 0:
        # g(a-1) = g(a) * a / (x (a - 1 + b)), divided by x last so that a
        # tiny x cannot overflow the factor; a g that underflowed to 0 is
        # computed afresh (it grows as a falls).
        gp = gp * (j + 0.5) / (j - 0.5 + b) / x if gp else g(j - 0.5)
        gq = gq * (j + 1.0) / (j + b) / x if gq else g(j)
        ip += gp
        iq += gq
        p *= j / lam
        q *= (j + 0.5) / lam
        j -= 1
        term = p * ip + q * iq
        total += term
        if (p + abs(q)) < _EPS * _EPS:
            break
    return base + 0.5 * total


def mean_interval(values: Sequence[float]) -> tuple[float, float, float, float]:
    """
    Mean, sample standard deviation and the 95% t interval of the mean.

    Needs at least two values.
    """
    n = len(values)
    mean = math.fsum(values) / n
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def standardised_mean_interval(
    mean: float, sd: float, n: int
) -> tuple[float, float, float]:
    """
    Cohen's d (mean / sd) of n values, with its exact 95% interval.

    The interval inverts the noncentral t: t = d √n is noncentral t with
    n - 1 degrees of freedom and noncentrality δ √n (Steiger and Fouladi
    1997; Cumming and Finch 2001).
    """
    root = math.sqrt(n)
    d = mean / sd
    t = d * root
    df = n - 1.0
    spread = 1.0 + abs(t) / math.sqrt(2.0 * df)
    low = bisect(lambda nc: -nct_cdf(t, df, nc), -0.975, t - spread, t + spread)
    high = bisect(lambda nc: -nct_cdf(t, df, nc), -0.025, t - spread, t + spread)
    return d, low / root, high / root


def line_fit(
    points: Sequence[tuple[float, float]],
) -> tuple[float, float, float]:
    """
    Least-squares slope of y on x, with its 95% t interval.

    Needs at least three points with at least two distinct x.
    """
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in points)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    residual = math.fsum((y - mean_y - slope * (x - mean_x)) ** 2 for x, y in points)
    se = math.sqrt(residual / (n - 2) / sxx)
    half = t_quantile(0.975, n - 2) * se
    return slope, slope - half, slope + half
