"""Instruments (standard questionnaires) and measurements taken with them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pendulum

from peerkit._instants import to_utc
from peerkit._validate import (
    Validator,
    above,
    between,
    check_float,
    count,
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

SOURCE_KEYS = frozenset({"range", "cutoff", "reliability", "sd", "items"})
"""The numbers of an `Instrument` whose sources it can name."""


def _in_range(inst: Instrument, attr: attrs.Attribute[Any], value: object) -> None:
    # number(optional=True) has checked it: None or a finite float.
    if isinstance(value, float) and not inst.low <= value <= inst.high:
        raise InvalidInputError(
            attr.name, value, f"None or a score in [{inst.low:g}, {inst.high:g}]"
        )


def source_keys_in(allowed: frozenset[str]) -> Validator:
    """A validator: every key of a sources mapping is one of *allowed*."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        for key in value if isinstance(value, Mapping) else ():  # str_map checked it
            if key not in allowed:
                raise InvalidInputError(
                    attr.name, key, f"one of {', '.join(sorted(allowed))}"
                )

    return check


MEMBER_IDS = attrs.validators.deep_iterable(
    member_validator=string(),
    iterable_validator=instance(tuple, "a sequence of member ids"),
)
"""A validator: a tuple of member ids."""


def optional_number_field() -> Any:
    """An attrs field holding a finite float or None."""
    return attrs.field(converter=to_optional_float, validator=number(optional=True))


def _whole_bounds(inst: Instrument, _attr: attrs.Attribute[Any], value: object) -> None:
    if value:
        for name in ("low", "high"):
            bound = getattr(inst, name)
            if bound != math.floor(bound):
                raise InvalidInputError(
                    name, bound, "a whole number, as integer_scores is True"
                )


def _item_scale(inst: Instrument, attr: attrs.Attribute[Any], value: object) -> None:
    """The item range: both ends or neither, and items that add up to the range."""
    if inst.item_count == 0:
        if value is not None:
            raise InvalidInputError(attr.name, value, "None, as item_count is 0")
        return
    if value is None:
        raise InvalidInputError(
            attr.name, value, "a number, as the instrument defines its items"
        )
    if attr.name != "item_high":
        return
    low, high = inst.item_low, value
    assert isinstance(low, float)  # noqa: S101 - number() checked it
    assert isinstance(high, float)  # noqa: S101 - number() checked it
    if not high > low:
        raise InvalidInputError(attr.name, high, f"a number above item_low ({low:g})")
    n = inst.item_count
    if not (math.isclose(n * low, inst.low) and math.isclose(n * high, inst.high)):
        raise InvalidInputError(
            "item_count",
            n,
            f"items whose sums span the score range {inst.low:g}-{inst.high:g} "
            f"({n} items of {low:g}-{high:g} span {n * low:g}-{n * high:g})",
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
            ``"cutoff"``, ``"reliability"``, ``"sd"`` and ``"items"``.
        item_count: How many items the questionnaire has, when it defines
            them (0 when it does not): a `Measurement` may then carry the
            item answers, and its total must be their sum.
        item_low: The lowest answer to one item (None without items).
        item_high: The highest answer to one item (None without items).

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
        factory=dict,
        converter=to_str_map,
        validator=[str_map(), source_keys_in(SOURCE_KEYS)],
    )
    item_count: int = attrs.field(default=0, validator=count(high=1000))
    item_low: float | None = attrs.field(
        default=None,
        converter=to_optional_float,
        validator=[number(optional=True), _item_scale],
    )
    item_high: float | None = attrs.field(
        default=None,
        converter=to_optional_float,
        validator=[number(optional=True), _item_scale],
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

    def check_items(self, items: object, *, field: str = "items") -> tuple[float, ...]:
        """
        *items* as a tuple of floats if they are this questionnaire's answers.

        Raises:
            peerkit.errors.InvalidInputError: Naming *field* (and the item's
                position), if the questionnaire defines no items, the count
                is wrong, or an answer is out of range (or not whole).

        Examples:
            >>> from peerkit.outcomes import GAD2, PHQ2
            >>> PHQ2.check_items([1, 2]), GAD2.check_items((0, 3))
            ((1.0, 2.0), (0.0, 3.0))
        """
        if self.item_count == 0 or self.item_low is None or self.item_high is None:
            raise InvalidInputError(
                field, items, f"None: the {self.name} as given defines no items"
            )
        if isinstance(items, (str, bytes)) or not isinstance(items, (tuple, list)):
            raise InvalidInputError(
                field, items, f"a sequence of {self.item_count} item answers"
            )
        if len(items) != self.item_count:
            raise InvalidInputError(
                field, items, f"{self.item_count} item answers on the {self.name}"
            )
        low, high = self.item_low, self.item_high
        answers = []
        for i, item in enumerate(items):
            answer = check_float(f"{field}[{i}]", item)
            if not low <= answer <= high or (
                self.integer_scores and answer != math.floor(answer)
            ):
                kind = "a whole number" if self.integer_scores else "an answer"
                raise InvalidInputError(
                    f"{field}[{i}]",
                    item,
                    f"{kind} from {score_text(low)} to {score_text(high)}",
                )
            answers.append(answer)
        return tuple(answers)

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


def _to_items(value: Iterable[float] | None) -> tuple[float, ...] | None:
    """Attrs converter: a list of answers becomes a tuple of floats."""
    if isinstance(value, (list, tuple)):
        return tuple(to_float(item) for item in value)
    return value  # type: ignore[return-value] # None, or the validator names it


def _items(inst: Measurement, attr: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    answers = inst.instrument.check_items(value, field=attr.name)
    total = math.fsum(answers)
    # Whole answers add up exactly; decimal ones (0.1 + 0.2) only to within
    # binary rounding, which is not a mismatch.
    if total != inst.score and (
        inst.instrument.integer_scores
        or not math.isclose(total, inst.score, rel_tol=1e-12, abs_tol=1e-12)
    ):
        raise InvalidInputError(
            attr.name,
            value,
            f"item answers that add up to the score ({score_text(inst.score)})",
        )


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
        items: The answer to each item, in the questionnaire's order, or
            None. Only for an instrument that defines its items
            (``item_count``); the score must then be their sum. Item
            answers are what `risk_flags` reads.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9
        >>> m = Measurement("ada", PHQ9, pendulum.datetime(2024, 1, 8, 18), 17)
        >>> m.score
        17.0
        >>> at = pendulum.datetime(2024, 1, 8, 18)
        >>> Measurement("ada", PHQ9, at, 5, items=(1, 1, 1, 1, 1, 0, 0, 0, 0)).items
        (1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)

    Added in 0.1; ``items`` in 0.2.
    """

    member_id: str = attrs.field(validator=string())
    instrument: Instrument = attrs.field(
        validator=instance(Instrument, "an Instrument")
    )
    at: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    score: float = attrs.field(converter=to_float, validator=_score)
    items: tuple[float, ...] | None = attrs.field(
        default=None, kw_only=True, converter=_to_items, validator=_items
    )


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
        "items": _KROENKE_2001 + ": nine items, each 0 (not at all) to 3 (nearly "
        "every day); item 9 asks about thoughts of being better off dead or of "
        "self-harm",
    },
    item_count=9,
    item_low=0,
    item_high=3,
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
        "items": _SPITZER_2006 + ": seven items, each 0 (not at all) to 3 "
        "(nearly every day)",
    },
    item_count=7,
    item_low=0,
    item_high=3,
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
        "items": _TENNANT_2007 + ": fourteen items, each 1 (none of the time) "
        "to 5 (all of the time)",
    },
    item_count=14,
    item_low=1,
    item_high=5,
)
"""
The Warwick-Edinburgh Mental Wellbeing Scale, 14-70, higher is better.

Reliable change is more than 7.45 points, so 8 points or more. It has no
clinical cutoff, so nobody "recovers" on it: members improve, stay the
same or deteriorate.
"""

_KROENKE_2003 = (
    "Kroenke, Spitzer and Williams (2003), The Patient Health Questionnaire-2: "
    "validity of a two-item depression screener, Med Care 41(11):1284-1292"
)
_KROENKE_2007 = (
    "Kroenke, Spitzer, Williams, Monahan and Löwe (2007), Anxiety disorders in "
    "primary care: prevalence, impairment, comorbidity, and detection, Ann "
    "Intern Med 146(5):317-325"
)
_PHQ4_TANZANIA = (
    "The psychometric properties of the PHQ-4 among out-of-school adolescent "
    "girls and young women in Tanzania, BMC Psychiatry (2020), "
    "doi:10.1186/s12888-020-02735-5, Table 3"
)
_SCREENER_SD = (
    "peerkit's working figure, not a published one: no reference standard "
    "deviation for the screener alone was found; a screener is built to "
    "screen, not to measure change, so treat its reliable change as rough"
)

PHQ2 = Instrument(
    name="PHQ-2",
    low=0,
    high=6,
    higher_is_better=False,
    reliability=0.77,
    sd=1.5,
    cutoff=3,
    sources={
        "range": _KROENKE_2003 + ": the PHQ-9's first two items, each 0 to 3",
        "cutoff": _KROENKE_2003
        + ": 3 or more, 83% sensitivity and 92% specificity for major depression",
        "reliability": _PHQ4_TANZANIA
        + ": two-item Cronbach's alpha 0.77 (a young, non-clinical sample)",
        "sd": _SCREENER_SD,
        "items": _KROENKE_2003 + ": little interest or pleasure; feeling down, "
        "depressed or hopeless",
    },
    item_count=2,
    item_low=0,
    item_high=3,
)
"""
The Patient Health Questionnaire-2 (depression screener), 0-6, lower is better.

The PHQ-9's first two items. A score of 3 or more is the screening cutoff:
the point to offer the PHQ-9, not a diagnosis. Its ``sd`` is a working
figure (see `Instrument.sources`), so its reliable change is rough.
"""

GAD2 = Instrument(
    name="GAD-2",
    low=0,
    high=6,
    higher_is_better=False,
    reliability=0.74,
    sd=1.5,
    cutoff=3,
    sources={
        "range": _KROENKE_2007 + ": the GAD-7's first two items, each 0 to 3",
        "cutoff": _KROENKE_2007 + ": 3 or more, 86% sensitivity and 83% "
        "specificity for generalized anxiety disorder",
        "reliability": _PHQ4_TANZANIA
        + ": two-item Cronbach's alpha 0.74 (a young, non-clinical sample)",
        "sd": _SCREENER_SD,
        "items": _KROENKE_2007 + ": feeling nervous, anxious or on edge; not "
        "being able to stop or control worrying",
    },
    item_count=2,
    item_low=0,
    item_high=3,
)
"""
The Generalized Anxiety Disorder-2 (anxiety screener), 0-6, lower is better.

The GAD-7's first two items. A score of 3 or more is the screening cutoff:
the point to offer the GAD-7, not a diagnosis. Its ``sd`` is a working
figure (see `Instrument.sources`), so its reliable change is rough.
"""
