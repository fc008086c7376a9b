"""Adapting a cadence to how a member is doing, inside their own bounds."""

from __future__ import annotations

import math

import attrs

from peerkit._validate import (
    check_float,
    check_instance,
    integer,
    positive,
    to_float,
    unit,
)
from peerkit.errors import InvalidInputError
from peerkit.scheduling._cadence import Cadence, split_token

# Weekly shapes from lightest to closest, as offsets from the member's own
# first weekday, with the number of weeks between them.
_LADDER: tuple[tuple[tuple[int, ...], int], ...] = (
    ((0,), 4),  # every four weeks
    ((0,), 2),  # every other week
    ((0,), 1),  # weekly
    ((0, 3), 1),  # twice a week, three or four days apart
    ((0, 2, 4), 1),  # three times a week
    ((0, 1, 2, 3, 4, 5, 6), 1),  # every day
)


@attrs.frozen(kw_only=True)
class AdaptPolicy:
    """
    How `adapt_cadence` moves a cadence, and the member's own bounds.

    Attributes:
        least_per_week: The lightest cadence the member agreed to, in
            check-ins per week (0.2 is about monthly).
        most_per_week: The closest: the member's boundary. Check-ins never
            come more often than this.
        lighten_below: Below this severity the member is steady, and
            check-ins get one step lighter.
        tighten_from: From this severity check-ins get closer: one step at
            *tighten_from*, up to *max_steps* at severity 1.
        max_steps: Most steps closer in one adaptation.

    Examples:
        >>> AdaptPolicy(most_per_week=2).most_per_week
        2.0

    Added in 0.1.
    """

    least_per_week: float = attrs.field(
        default=0.2, converter=to_float, validator=positive(100.0)
    )
    most_per_week: float = attrs.field(
        default=3.0, converter=to_float, validator=positive(100.0)
    )
    lighten_below: float = attrs.field(
        default=0.2, converter=to_float, validator=unit()
    )
    tighten_from: float = attrs.field(default=0.4, converter=to_float, validator=unit())
    max_steps: int = attrs.field(default=2, validator=integer(1, len(_LADDER)))

    def __attrs_post_init__(self) -> None:
        if self.most_per_week < self.least_per_week:
            raise InvalidInputError(
                "most_per_week",
                self.most_per_week,
                f"a number >= least_per_week ({self.least_per_week})",
            )
        if not self.lighten_below <= self.tighten_from < 1:
            raise InvalidInputError(
                "tighten_from",
                self.tighten_from,
                f"a number >= lighten_below ({self.lighten_below}) and below 1",
            )


def _first_weekday(cadence: Cadence) -> int:
    """
    The member's own weekday: where the ladder's shapes start from.

    A shape the ladder made itself (Sunday and Wednesday) starts from the
    day that makes it a ladder shape (Sunday), so adapting again keeps the
    member's day; otherwise the first of their days, Monday first.
    """
    days = sorted({split_token(w)[0] for w in cadence.weekdays})
    if not days:
        return 0

    def fits(first: int) -> int:
        return max(
            len(offsets)
            for offsets, _ in _LADDER
            if {(first + o) % 7 for o in offsets} <= set(days)
        )

    return max(days, key=lambda d: (fits(d), -d))


def _rungs(cadence: Cadence) -> list[Cadence]:
    first = _first_weekday(cadence)
    return [
        Cadence(
            frequency="weekly",
            times=cadence.times,
            timezone=cadence.timezone,
            every=every,
            weekdays=tuple(
                ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(first + o) % 7]
                for o in offsets
            ),
        )
        for offsets, every in _LADDER
    ]


def adapt_cadence(
    cadence: Cadence, *, severity: float, policy: AdaptPolicy = AdaptPolicy()
) -> Cadence:
    """
    A closer cadence as drift severity rises, a lighter one when steady.

    The cadence moves along a ladder of weekly shapes (every four weeks,
    every other week, weekly, twice, three times a week, daily) that keep
    the member's time of day, zone and first weekday. A steady member
    (severity below ``policy.lighten_below``) goes one step lighter; from
    ``policy.tighten_from`` check-ins get one step closer, up to
    ``policy.max_steps`` at severity 1; in between the cadence is kept as
    it is. The result always lies within the member's bounds
    (``least_per_week`` to ``most_per_week``): a cadence outside them is
    first brought to the nearest shape inside. Higher severity never gives
    fewer check-ins.

    Args:
        cadence: The member's current cadence.
        severity: How far they are drifting, in [0, 1] (for instance a
            drift report's severity; any source will do).
        policy: The steps and the member's bounds.

    Raises:
        peerkit.errors.InvalidInputError: If severity is outside [0, 1], or
            no shape with the cadence's times of day fits the bounds.

    Examples:
        >>> from peerkit.scheduling import Cadence
        >>> weekly = Cadence.weekly(on="wed", time="18:00", timezone="Europe/London")
        >>> str(adapt_cadence(weekly, severity=0.9))
        'every week on Wed, Fri and Sun at 18:00 (Europe/London)'
        >>> str(adapt_cadence(weekly, severity=0.0))
        'every 2 weeks on Wed at 18:00 (Europe/London)'

    Added in 0.1.
    """
    check_instance("cadence", cadence, Cadence, "a Cadence")
    level = check_float("severity", severity, low=0.0, high=1.0)
    check_instance("policy", policy, AdaptPolicy, "an AdaptPolicy")
    rungs = _rungs(cadence)
    rates = [r.per_week for r in rungs]
    allowed = [
        i
        for i, rate in enumerate(rates)
        if policy.least_per_week - 1e-9 <= rate <= policy.most_per_week + 1e-9
    ]
    rate = cadence.per_week
    inside = policy.least_per_week - 1e-9 <= rate <= policy.most_per_week + 1e-9
    if not allowed:
        if inside:
            return cadence
        raise InvalidInputError(
            "policy",
            policy,
            f"bounds that some cadence with {len(cadence.times)} check-in(s) a day "
            f"fits (from {min(rates):g} to {max(rates):g} a week)",
        )
    lo, hi = allowed[0], allowed[-1]

    def nearest(r: float) -> int:
        return min(range(lo, hi + 1), key=lambda i: (abs(math.log(rates[i] / r)), i))

    base = cadence if inside else rungs[nearest(rate)]
    base_rate = base.per_week
    index = nearest(base_rate)
    if level < policy.lighten_below:
        candidate = rungs[max(lo, index - 1)]
        return candidate if candidate.per_week < base_rate else base
    if level < policy.tighten_from:
        return base
    share = (level - policy.tighten_from) / (1 - policy.tighten_from)
    steps = max(1, math.ceil(share * policy.max_steps))
    candidate = rungs[min(hi, index + steps)]
    return candidate if candidate.per_week > base_rate else base
