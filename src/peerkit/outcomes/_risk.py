"""risk_flags: item answers that a trained person must see today."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from peerkit._instants import to_utc
from peerkit._validate import (
    check_instance,
    check_iterable,
    instance,
    instant,
    number,
    string,
    to_float,
)
from peerkit.errors import InvalidInputError
from peerkit.outcomes._instrument import PHQ9, Instrument, Measurement, score_text

if TYPE_CHECKING:
    from collections.abc import Iterable


def _item_of(inst: RiskRule, attr: attrs.Attribute[Any], value: object) -> None:
    items = inst.instrument.item_count
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= items:
        expected = (
            f"an item number from 1 to {items} on the {inst.instrument.name}"
            if items
            else f"an item of an instrument that defines its items (the "
            f"{inst.instrument.name} as given does not)"
        )
        raise InvalidInputError(attr.name, value, expected)


@attrs.frozen
class RiskRule:
    """
    A rule that an answer above a level on one item goes to a person today.

    Attributes:
        instrument: The questionnaire; it must define its items.
        item: The item's number, counting from 1 as the questionnaire does.
        above: An answer above this raises a flag.
        topic: What the item asks about, in a few words for staff.

    Examples:
        >>> from peerkit.outcomes import PHQ9
        >>> rule = RiskRule(PHQ9, 9, 0, topic="thoughts of self-harm")
        >>> rule.item, rule.above
        (9, 0.0)
        >>> from peerkit.outcomes import DEFAULT_RISK_RULES
        >>> rules = (*DEFAULT_RISK_RULES, RiskRule(PHQ9, 3, 2, topic="sleep"))
        >>> [(r.instrument.name, r.item, r.above) for r in rules]
        [('PHQ-9', 9, 0.0), ('PHQ-9', 3, 2.0)]

    Added in 0.2.
    """

    instrument: Instrument = attrs.field(
        validator=instance(Instrument, "an Instrument")
    )
    item: int = attrs.field(validator=_item_of)
    above: float = attrs.field(converter=to_float, validator=number())
    topic: str = attrs.field(default="a risk item", kw_only=True, validator=string())


DEFAULT_RISK_RULES: tuple[RiskRule, ...] = (
    RiskRule(
        PHQ9,
        9,
        0,
        topic="thoughts of being better off dead or of self-harm",
    ),
)
"""
Any answer above 0 on PHQ-9 item 9 (thoughts of being better off dead or
of self-harm) goes to a trained person today, whatever the total score.
"""


@attrs.frozen(kw_only=True)
class RiskFlag:
    """
    An answer a trained person must follow up today; for staff only.

    Nothing in a flag is meant for the member or for other members: the
    message is addressed to staff, and no member-facing message peerkit
    writes ever mentions a flag.

    Attributes:
        member_id: Whose answer it is.
        instrument: The questionnaire's name.
        at: When the questionnaire was completed.
        item: The item's number, from 1.
        answer: The answer given.
        staff_message: What staff should do, in plain words.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement, risk_flags
        >>> at = pendulum.datetime(2024, 3, 4, 18)
        >>> answers = (0, 0, 0, 0, 0, 0, 0, 0, 1)
        >>> flag = risk_flags([Measurement("ada", PHQ9, at, 1, items=answers)])[0]
        >>> flag.member_id, flag.item, flag.answer
        ('ada', 9, 1.0)

    Added in 0.2.
    """

    member_id: str = attrs.field(validator=string())
    instrument: str = attrs.field(validator=string())
    at: pendulum.DateTime = attrs.field(converter=to_utc, validator=instant())
    item: int = attrs.field(validator=instance(int, "an item number"))
    answer: float = attrs.field(converter=to_float, validator=number())
    staff_message: str = attrs.field(validator=string())


def _rules(rules: object) -> tuple[RiskRule, ...]:
    listed = check_iterable("rules", rules, "an iterable of RiskRule")
    out = []
    for i, rule in enumerate(listed):
        check_instance(f"rules[{i}]", rule, RiskRule, "a RiskRule")
        out.append(rule)
    return tuple(out)


def _least_answer(measurement: Measurement, rule: RiskRule) -> float | None:
    """The least answer on the rule's item that the total alone proves, if any."""
    defined = rule.instrument  # the same questionnaire, with its items defined
    if defined.item_low is None or defined.item_high is None:
        return None
    others = (defined.item_count - 1) * defined.item_high
    return max(measurement.score - others, defined.item_low)


def risk_flags(
    measurements: Iterable[Measurement],
    *,
    rules: Iterable[RiskRule] = DEFAULT_RISK_RULES,
) -> tuple[RiskFlag, ...]:
    """
    The item answers that must go to a trained person today.

    Each measurement with item answers is read against each rule on its
    questionnaire: an answer above the rule's level raises a flag, whatever
    the total score (a PHQ-9 of 1 can carry a 1 on item 9). A measurement
    without item answers raises a flag only when its total proves the
    answer (a PHQ-9 of 25 or more needs at least 1 on item 9; the flag's
    answer is that least one and its message says so), so record the
    items of any questionnaire a rule reads. Flags are for staff: each message says
    who, when and what, and asks for a trained person today.

    Args:
        measurements: Scores on any questionnaires, any order.
        rules: The rules; `DEFAULT_RISK_RULES` (PHQ-9 item 9 above 0) by
            default. Add a programme's own with ``(*DEFAULT_RISK_RULES,
            RiskRule(...))``.

    Returns:
        The flags, the most recent first (ties by member id, questionnaire
        and item), one for each answer that breaks a rule; where a member
        has two records of one questionnaire at one instant, one flag with
        the higher answer.

    Raises:
        peerkit.errors.InvalidInputError: If a measurement or a rule is not
            one.

    Examples:
        >>> import pendulum
        >>> from peerkit.outcomes import PHQ9, Measurement
        >>> at = pendulum.datetime(2024, 3, 4, 18)
        >>> calm = Measurement("ben", PHQ9, at, 4, items=(1, 1, 1, 1, 0, 0, 0, 0, 0))
        >>> low = Measurement("ada", PHQ9, at, 2, items=(1, 0, 0, 0, 0, 0, 0, 0, 1))
        >>> flags = risk_flags([calm, low])
        >>> [flag.member_id for flag in flags]
        ['ada']
        >>> print(flags[0].staff_message)  # doctest: +NORMALIZE_WHITESPACE
        ada answered 1 on PHQ-9 item 9 (thoughts of being better off dead or of
        self-harm) on 2024-03-04 18:00 UTC: route to a trained person today.

    Added in 0.2.
    """
    checked = _rules(rules)
    listed = check_iterable("measurements", measurements, "an iterable of Measurement")
    flags: dict[tuple[Any, ...], RiskFlag] = {}
    for i, item in enumerate(listed):
        check_instance(f"measurements[{i}]", item, Measurement, "a Measurement")
        answers = item.items
        for rule in checked:
            if not rule.instrument.same_questionnaire(item.instrument):
                continue
            proven = answers is None
            answer = (
                _least_answer(item, rule) if answers is None else answers[rule.item - 1]
            )
            if answer is None or answer <= rule.above:
                continue
            key = (item.at, item.member_id, item.instrument.name, rule.item)
            seen = flags.get(key)
            # The same answer broke two rules, or the member has two records
            # at one instant: one flag, with the higher answer (never the
            # one that happened to come first).
            if seen is not None and seen.answer >= answer:
                continue
            what = (
                f"at least {score_text(answer)} (its total of "
                f"{score_text(item.score)} needs it; the item answers were not "
                "recorded)"
                if proven
                else score_text(answer)
            )
            flags[key] = RiskFlag(
                member_id=item.member_id,
                instrument=item.instrument.name,
                at=item.at,
                item=rule.item,
                answer=answer,
                staff_message=(
                    f"{item.member_id} answered {what} on "
                    f"{item.instrument.name} item {rule.item} ({rule.topic}) on "
                    f"{item.at.format('YYYY-MM-DD HH:mm')} UTC: route to a "
                    "trained person today."
                ),
            )
    ordered = sorted(flags.values(), key=lambda f: (f.member_id, f.instrument, f.item))
    ordered.sort(key=lambda f: f.at, reverse=True)
    return tuple(ordered)
