"""Reliable change (Jacobson and Truax 1991) for one member."""

from __future__ import annotations

import enum
import math

import attrs

from peerkit._explain import Reason
from peerkit._validate import (
    check_instance,
    instance,
    number,
    string,
    to_float,
    tuple_of,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._instrument import (
    Instrument,
    Measurement,
    check_measured_on,
    score_text,
)
from peerkit.outcomes._stats import Z95

_optional_bool = instance(bool, "True, False or None", optional=True)


class ChangeCategory(enum.StrEnum):
    """
    What a change between two scores amounts to.

    Attributes:
        RECOVERED: A reliable improvement that ends outside the clinical
            range, having started in it.
        IMPROVED: A reliable improvement that is not a recovery (it started
            outside the clinical range, or it has not left it yet, or the
            questionnaire has no cutoff).
        UNCHANGED: No change larger than measurement error, whatever the
            scores did, including crossing the cutoff.
        DETERIORATED: A reliable change for the worse.

    Examples:
        >>> from peerkit.outcomes import PHQ9, ChangeCategory, reliable_change
        >>> change = reliable_change(8, 16, instrument=PHQ9)
        >>> change.category is ChangeCategory.DETERIORATED
        True
        >>> ChangeCategory("recovered").value
        'recovered'

    Added in 0.1.
    """

    RECOVERED = "recovered"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


def _to_category(value: object) -> object:
    """Attrs converter: a category's value becomes the category."""
    if isinstance(value, str) and value in ChangeCategory._value2member_map_:
        return ChangeCategory(value)
    return value  # the validator names the field


@attrs.frozen(kw_only=True)
class Change:
    """
    One member's change on one questionnaire, and what it amounts to.

    Attributes:
        instrument: The questionnaire's name.
        member_id: Whose change it is, when the scores came as measurements.
        pre: The earlier score.
        post: The later score.
        rci: The reliable change index, ``(post - pre)`` over the standard
            error of a difference. Its sign is the scores' own: negative
            when a PHQ-9 falls. Beyond ±1.96 the change is reliable.
        category: Recovered, improved, unchanged or deteriorated.
        clinical_before: Whether *pre* was in the clinical range (None if
            the questionnaire has no cutoff).
        clinical_after: Whether *post* is.
        reasons: The same in plain words, safe to show the member.

    Examples:
        >>> from peerkit.outcomes import WEMWBS, reliable_change
        >>> change = reliable_change(40, 52, instrument=WEMWBS)
        >>> change.category.value, change.clinical_before, round(change.rci, 2)
        ('improved', None, 3.16)
        >>> print(change.reasons[0].message)
        WEMWBS rose from 40 to 52: more than the questionnaire's measurement error.

    Added in 0.1.
    """

    instrument: str = attrs.field(validator=string())
    member_id: str | None = attrs.field(validator=string(optional=True))
    pre: float = attrs.field(converter=to_float, validator=number())
    post: float = attrs.field(converter=to_float, validator=number())
    rci: float = attrs.field(converter=to_float, validator=number())
    category: ChangeCategory = attrs.field(
        converter=_to_category, validator=instance(ChangeCategory, "a ChangeCategory")
    )
    clinical_before: bool | None = attrs.field(validator=_optional_bool)
    clinical_after: bool | None = attrs.field(validator=_optional_bool)
    reasons: tuple[Reason, ...] = attrs.field(validator=tuple_of(Reason, "a Reason"))

    @property
    def difference(self) -> float:
        """
        ``post - pre`` in the questionnaire's points.

        Examples:
            >>> from peerkit.outcomes import PHQ9, reliable_change
            >>> reliable_change(17, 8, instrument=PHQ9).difference
            -9.0
        """
        return self.post - self.pre

    @property
    def reliable(self) -> bool:
        """
        Whether the change is larger than measurement error.

        Examples:
            >>> from peerkit.outcomes import PHQ9, reliable_change
            >>> reliable_change(17, 8, instrument=PHQ9).reliable
            True
            >>> reliable_change(11, 9, instrument=PHQ9).reliable  # crossing the cutoff
            False
        """
        return self.category is not ChangeCategory.UNCHANGED


def categorise(
    rci: float, instrument: Instrument, pre: float, post: float
) -> ChangeCategory:
    """The Jacobson-Truax category of a change with this RCI."""
    if abs(rci) <= Z95:
        return ChangeCategory.UNCHANGED
    better = (rci > 0) == instrument.higher_is_better
    if not better:
        return ChangeCategory.DETERIORATED
    if instrument.is_clinical(pre) and instrument.is_clinical(post) is False:
        return ChangeCategory.RECOVERED
    return ChangeCategory.IMPROVED


def _score(
    path: str, value: object, instrument: Instrument
) -> tuple[float, Measurement | None]:
    if isinstance(value, Measurement):
        check_measured_on(path, value, instrument)
        return value.score, value
    return instrument.check_score(value, field=path), None


def _side(instrument: Instrument, score: float) -> str:
    """Where a score sits against the cutoff, in words."""
    assert instrument.cutoff is not None  # noqa: S101 - callers check
    cutoff = score_text(instrument.cutoff)
    if instrument.is_clinical(score):
        side = "at or below" if instrument.higher_is_better else "at or above"
    else:
        side = "above" if instrument.higher_is_better else "below"
    return f"{side} the cutoff of {cutoff}"


def limit_words(instrument: Instrument) -> str:
    """The smallest reliable change in words: "6 points or more"."""
    limit = instrument.reliable_difference
    if instrument.integer_scores:
        return f"{math.floor(limit) + 1} points or more"
    return f"more than {limit:.2f} points"


def _words(
    instrument: Instrument, pre: float, post: float, category: ChangeCategory
) -> str:
    name = instrument.name
    if pre == post:
        return f"{name} stayed at {score_text(pre)}."
    verb = "rose" if post > pre else "fell"
    moved = f"{name} {verb} from {score_text(pre)} to {score_text(post)}"
    if category is ChangeCategory.UNCHANGED:
        text = (
            f"{moved}: within the questionnaire's measurement error "
            f"(a reliable change is {limit_words(instrument)})"
        )
        if instrument.cutoff is not None and instrument.is_clinical(
            pre
        ) != instrument.is_clinical(post):
            cutoff = score_text(instrument.cutoff)
            text += f", so crossing the cutoff of {cutoff} is not enough on its own"
        return text + "."
    text = f"{moved}: more than the questionnaire's measurement error"
    if instrument.cutoff is None:
        return text + "."
    if category is ChangeCategory.RECOVERED:
        return f"{text}, and now {_side(instrument, post)}."
    if instrument.is_clinical(pre) == instrument.is_clinical(post):
        return f"{text}; still {_side(instrument, post)}."
    return f"{text}, and now {_side(instrument, post)}."


def change_of(
    instrument: Instrument,
    pre: float,
    post: float,
    member_id: str | None,
) -> Change:
    """The `Change` between two scores already checked against *instrument*."""
    rci = (post - pre) / instrument.difference_error
    category = categorise(rci, instrument, pre, post)
    improvement = rci if instrument.higher_is_better else -rci
    return Change(
        instrument=instrument.name,
        member_id=member_id,
        pre=pre,
        post=post,
        rci=rci,
        category=category,
        clinical_before=instrument.is_clinical(pre),
        clinical_after=instrument.is_clinical(post),
        reasons=(
            Reason(
                f"change.{category.value}",
                improvement,
                _words(instrument, pre, post, category),
            ),
        ),
    )


def reliable_change(
    pre: float | Measurement,
    post: float | Measurement,
    *,
    instrument: Instrument,
) -> Change:
    """
    Whether a change between two scores is real, and what it amounts to.

    The Jacobson-Truax reliable change index: the change over the standard
    error of a difference, ``instrument.sd * sqrt(2 * (1 - reliability))``.
    Beyond ±1.96 the change is larger than measurement error would produce
    95% of the time. A reliable improvement that leaves the clinical range
    is a recovery; crossing the cutoff without a reliable change is not.

    Args:
        pre: The earlier score, or a `Measurement` of *instrument*.
        post: The later score, or a `Measurement` of *instrument*.
        instrument: The questionnaire both scores are on.

    Raises:
        peerkit.errors.InvalidInputError: If a score is outside the
            instrument's range, a measurement is of another instrument,
            or two measurements are of different members or out of order.

    Examples:
        >>> from peerkit.outcomes import PHQ9
        >>> change = reliable_change(17, 8, instrument=PHQ9)
        >>> change.category, round(change.rci, 2)
        (<ChangeCategory.RECOVERED: 'recovered'>, -3.49)
        >>> print(change.reasons[0].message)  # doctest: +NORMALIZE_WHITESPACE
        PHQ-9 fell from 17 to 8: more than the questionnaire's measurement
        error, and now below the cutoff of 10.
        >>> reliable_change(11, 9, instrument=PHQ9).category
        <ChangeCategory.UNCHANGED: 'unchanged'>

    Added in 0.1.
    """
    check_instance("instrument", instrument, Instrument, "an Instrument")
    before, first = _score("pre", pre, instrument)
    after, second = _score("post", post, instrument)
    member_id = None
    if first is not None and second is not None:
        if first.member_id != second.member_id:
            raise InvalidInputError(
                "post.member_id",
                second.member_id,
                f"the same member as pre ({first.member_id!r})",
            )
        if second.at < first.at:
            raise InvalidInputError(
                "post.at", second.at, f"no earlier than pre.at ({first.at})"
            )
    for measured in (first, second):
        if measured is not None:
            member_id = measured.member_id
    return change_of(instrument, before, after, member_id)
