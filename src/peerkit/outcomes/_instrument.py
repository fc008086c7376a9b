"""Instruments (standard questionnaires) and measurements taken with them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum

from peerkit._instants import to_utc
from peerkit._validate import (
    above,
    between,
    check_float,
    instance,
    instant,
    number,
    positive,
    str_map,
    string,
    to_float,
    to_optional_float,
    to_str_map,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._stats import Z95

SOURCE_KEYS = frozenset({"range", "cutoff", "reliability", "sd"})
"""The numbers of an `Instrument` whose sources it can name."""


def _in_range(inst: Instrument, attr: attrs.Attribute[Any], value: object) -> None:
    # number(optional=True) has checked it: None or a finite float.
    if isinstance(value, float) and not inst.low <= value <= inst.high:
        raise InvalidInputError(
            attr.name, value, f"None or a score in [{inst.low:g}, {inst.high:g}]"
        )


def _source_keys(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    for key in value if isinstance(value, Mapping) else ():  # str_map checked it
        if key not in SOURCE_KEYS:
            raise InvalidInputError(
                attr.name, key, f"one of {', '.join(sorted(SOURCE_KEYS))}"
            )


def _whole_bounds(inst: Instrument, _attr: attrs.Attribute[Any], value: object) -> None:
    if value:
        for name in ("low", "high"):
            bound = getattr(inst, name)
            if bound != math.floor(bound):
                raise InvalidInputError(
                    name, bound, "a whole number, as integer_scores is True"
                )


def score_text(score: float) -> str:
    """A score as people write it: 17, not 17.0; 3.5 stays 3.5."""
    return f"{score:g}" if score != int(score) else str(int(score))


@attrs.frozen(kw_only=True)
class Instrument:
    """
    A standard questionnaire: its score range, direction and psychometrics.

    Reliable change (Jacobson and Truax 1991) needs two numbers about the
    questionnaire: how reliable it is and how widely scores spread in the
    reference sample. From them, ``reliable_difference`` is the smallest
    change that measurement error alone would produce less than 5% of the
    time. peerkit ships `PHQ9`, `GAD7` and `WEMWBS`, each number with its
    source in ``sources``; your own questionnaire is just a new value.

    Attributes:
        name: Short name used in messages (``"PHQ-9"``).
        low: Lowest possible score.
        high: Highest possible score.
        higher_is_better: True for wellbeing scales, False for symptom
            scales such as the PHQ-9.
        reliability: The reliability coefficient used for reliable change
            (test-retest or internal consistency), strictly between 0 and 1.
        sd: The standard deviation of scores in the reference sample.
        cutoff: The clinical cutoff, or None if the questionnaire has none.
            A score is in the clinical range when it is at the cutoff or on
            its worse side: ``score >= cutoff`` when lower is better,
            ``score <= cutoff`` when higher is better.
        integer_scores: Whether scores are whole numbers (sums of items).
        sources: Where each number comes from, keyed by ``"range"``,
            ``"cutoff"``, ``"reliability"`` and ``"sd"``.

    Examples:
        >>> from peerkit.outcomes import PHQ9
        >>> PHQ9.name, PHQ9.low, PHQ9.high, PHQ9.cutoff
        ('PHQ-9', 0.0, 27.0, 10.0)
        >>> mood = Instrument(
        ...     name="Mood",
        ...     low=0,
        ...     high=40,
        ...     higher_is_better=True,
        ...     reliability=0.8,
        ...     sd=6.0,
        ...     cutoff=15,
        ... )
        >>> round(mood.reliable_difference, 2)
        7.44

    Added in 0.1.
    """

    name: str = attrs.field(validator=string())
    low: float = attrs.field(converter=to_float, validator=number())
    high: float = attrs.field(converter=to_float, validator=above("low"))
    higher_is_better: bool = attrs.field(validator=instance(bool, "True or False"))
    reliability: float = attrs.field(converter=to_float, validator=between(0.0, 1.0))
    sd: float = attrs.field(converter=to_float, validator=positive())
    cutoff: float | None = attrs.field(
        default=None,
        converter=to_optional_float,
        validator=[number(optional=True), _in_range],
    )
    integer_scores: bool = attrs.field(
        default=True, validator=[instance(bool, "True or False"), _whole_bounds]
    )
    sources: Mapping[str, str] = attrs.field(
        factory=dict, converter=to_str_map, validator=[str_map(), _source_keys]
    )

    @property
    def difference_error(self) -> float:
        """
        The standard error of a difference between two scores.

        ``sd * sqrt(2 * (1 - reliability))``: the spread of a change that
        measurement error alone produces (Jacobson and Truax 1991).

        Examples:
            >>> from peerkit.outcomes import PHQ9
            >>> round(PHQ9.difference_error, 2)
            2.58
        """
        return self.sd * math.sqrt(2.0 * (1.0 - self.reliability))

    @property
    def reliable_difference(self) -> float:
        """
        A change must be larger than this, in points, to be reliable.

        Examples:
            >>> from peerkit.outcomes import GAD7, PHQ9, WEMWBS
            >>> [round(i.reliable_difference, 2) for i in (PHQ9, GAD7, WEMWBS)]
            [5.06, 3.53, 7.45]
        """
        return Z95 * self.difference_error

    def same_questionnaire(self, other: object) -> bool:
        """
        Whether *other* is this questionnaire, however it is interpreted.

        Two instruments are the same questionnaire when their name, score
        range, direction and scoring agree; the cutoff, reliability, SD and
        sources may differ. So scores recorded with `GAD7` can be read with
        ``attrs.evolve(GAD7, cutoff=8)``.

        Examples:
            >>> import attrs
            >>> from peerkit.outcomes import GAD7, PHQ9
            >>> GAD7.same_questionnaire(attrs.evolve(GAD7, cutoff=8))
            True
            >>> GAD7.same_questionnaire(PHQ9)
            False
        """
        return isinstance(other, Instrument) and (
            self.name,
            self.low,
            self.high,
            self.higher_is_better,
            self.integer_scores,
        ) == (
            other.name,
            other.low,
            other.high,
            other.higher_is_better,
            other.integer_scores,
        )

    def is_clinical(self, score: float) -> bool | None:
        """
        Whether *score* is in the clinical range, or None without a cutoff.

        Examples:
            >>> from peerkit.outcomes import PHQ9, WEMWBS
            >>> PHQ9.is_clinical(10), PHQ9.is_clinical(9), WEMWBS.is_clinical(40)
            (True, False, None)

        Raises:
            peerkit.errors.InvalidInputError: If *score* is not a finite number.
        """
        value = check_float("score", score)
        if self.cutoff is None:
            return None
        if self.higher_is_better:
            return value <= self.cutoff
        return value >= self.cutoff

    def check_score(self, score: object, *, field: str = "score") -> float:
        """
        *score* as a float if the questionnaire can give it.

        Use it to check a score as it is entered, before you build a
        `Measurement` (which checks the same).

        Raises:
            peerkit.errors.InvalidInputError: Naming *field*, if *score* is
                not a number in range (or not whole, where scores are sums).

        Examples:
            >>> from peerkit.outcomes import PHQ9
            >>> PHQ9.check_score(17)
            17.0
        """
        path, value = field, score
        number = check_float(path, value)
        if not self.low <= number <= self.high or (
            self.integer_scores and number != math.floor(number)
        ):
            kind = "a whole number" if self.integer_scores else "a score"
            raise InvalidInputError(
                path,
                value,
                f"{kind} from {score_text(self.low)} to {score_text(self.high)} "
                f"on the {self.name}",
            )
        return number


def check_measured_on(
    path: str, measurement: Measurement, instrument: Instrument
) -> None:
    """Refuse *measurement* unless it is on the same questionnaire as *instrument*."""
    if not instrument.same_questionnaire(measurement.instrument):
        raise InvalidInputError(
            f"{path}.instrument",
            measurement.instrument.name,
            f"a measurement on the {instrument.name} (the same name, range and "
            "direction)",
        )


def _score(inst: Measurement, attr: attrs.Attribute[Any], value: object) -> None:
    inst.instrument.check_score(value, field=attr.name)


@attrs.frozen
class Measurement:
    """
    One completed questionnaire: whose, which, when, and the total score.

    Attributes:
        member_id: Whose score it is.
        instrument: The questionnaire; the score is checked against its
            range (and whole numbers where its scores are sums of items).
        at: When it was completed; timezone-aware (naive datetimes are
            refused), kept as the UTC instant.
        score: The total score.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9
        >>> m = Measurement("ada", PHQ9, pendulum.datetime(2024, 1, 8, 18), 17)
        >>> m.score
        17.0

    Added in 0.1.
    """

    member_id: str = attrs.field(validator=string())
    instrument: Instrument = attrs.field(
        validator=instance(Instrument, "an Instrument")
    )
    at: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    score: float = attrs.field(converter=to_float, validator=_score)


_KROENKE_2001 = (
    "Kroenke, Spitzer and Williams (2001), The PHQ-9: validity of a brief "
    "depression severity measure, J Gen Intern Med 16(9):606-613"
)
_SPITZER_2006 = (
    "Spitzer, Kroenke, Williams and Löwe (2006), A brief measure for assessing "
    "generalized anxiety disorder: the GAD-7, Arch Intern Med 166(10):1092-1097"
)
_NHS_TT_2023 = (
    "NHS Talking Therapies 2022-23 (NHS Digital), scores at the start of "
    "treatment of referrals at caseness, as quoted by M. Scott (cbtwatch.com; "
    "a secondary source)"
)
_TENNANT_2007 = (
    "Tennant et al. (2007), The Warwick-Edinburgh Mental Well-being Scale "
    "(WEMWBS): development and UK validation, Health Qual Life Outcomes 5:63"
)

PHQ9 = Instrument(
    name="PHQ-9",
    low=0,
    high=27,
    higher_is_better=False,
    reliability=0.89,
    sd=5.5,
    cutoff=10,
    sources={
        "range": _KROENKE_2001 + ": nine items scored 0 to 3",
        "cutoff": _KROENKE_2001
        + ": 10 or more, 88% sensitivity and 88% specificity for major "
        "depression; also NHS Talking Therapies' caseness threshold",
        "reliability": _KROENKE_2001
        + ": Cronbach's alpha 0.89 (primary care), as reported by secondary sources",
        "sd": _NHS_TT_2023 + ": mean 15.4, SD 5.5",
    },
)
"""
The Patient Health Questionnaire-9 (depression), 0-27, lower is better.

Reliable change is more than 5.06 points, so 6 points or more: the same
rule as NHS Talking Therapies' "reliable improvement". See
`Instrument.sources` and the explanation page for every number's source.
"""

GAD7 = Instrument(
    name="GAD-7",
    low=0,
    high=21,
    higher_is_better=False,
    reliability=0.92,
    sd=4.5,
    cutoff=10,
    sources={
        "range": _SPITZER_2006 + ": seven items scored 0 to 3",
        "cutoff": _SPITZER_2006
        + ": 10 or more, 89% sensitivity and 82% specificity for generalized "
        "anxiety disorder (NHS Talking Therapies uses 8 for caseness)",
        "reliability": _SPITZER_2006
        + ": Cronbach's alpha 0.92, as reported by secondary sources",
        "sd": _NHS_TT_2023 + ": mean 14, SD 4.5",
    },
)
"""
The Generalized Anxiety Disorder-7 (anxiety), 0-21, lower is better.

Reliable change is more than 3.53 points, so 4 points or more: NHS Talking
Therapies' rule. Its cutoff is the original paper's 10; for NHS Talking
Therapies' caseness use ``attrs.evolve(GAD7, cutoff=8)``.
"""

WEMWBS = Instrument(
    name="WEMWBS",
    low=14,
    high=70,
    higher_is_better=True,
    reliability=0.91,
    sd=8.96,
    cutoff=None,
    sources={
        "range": _TENNANT_2007 + ": fourteen items scored 1 to 5",
        "cutoff": "None: WEMWBS was not developed to detect mental illness and "
        "its developers advise against using it for screening (WEMWBS user "
        "guide, version 2, 2015)",
        "reliability": _TENNANT_2007 + ": Cronbach's alpha 0.91 (population sample)",
        "sd": "Scottish Health Survey 2018 (revised 2020), Table 1.2: adults "
        "16 and over, mean 49.4, SD 8.96, n = 4,299",
    },
)
"""
The Warwick-Edinburgh Mental Wellbeing Scale, 14-70, higher is better.

Reliable change is more than 7.45 points, so 8 points or more. It has no
clinical cutoff, so nobody "recovers" on it: members improve, stay the
same or deteriorate.
"""
