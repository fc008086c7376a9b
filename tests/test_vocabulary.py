"""
The public API follows the glossary (docs/explanation/glossary.md).

Every parameter of a public callable and every field and property of a
public value type is named here, with the concept it stands for. A new
name must be added on purpose (and to the glossary if it is a new
concept); a name the glossary retires fails at once.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import typing
from typing import Any

import attrs
import pytest

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PUBLIC_MODULES = (
    "peerkit",
    "peerkit.errors",
    "peerkit.matching",
    "peerkit.scheduling",
    "peerkit.engagement",
    "peerkit.outcomes",
    "peerkit.datasets",
    "peerkit.testing",
    "peerkit.tables",
)

# Each public name, with what it means. Grouped as the glossary groups them.
VOCABULARY: dict[str, str] = {
    # --- time: zones, instants, wall times, weeks and periods
    "timezone": "an IANA zone name",
    "timezones": "member id -> IANA zone name",
    "zones": "a strategy of IANA zone names",
    "tricky_only": "only zones with awkward rules",
    "at": "the instant one thing happened",
    "due": "the instant something was due",
    "next_due": "the next instant something is due",
    "now": "the reference instant of a decision or report",
    "start": "the first instant of a series or span",
    "end": "the instant a span ends before",
    "until": "the instant a series stops before",
    "since": "only what happens after this instant",
    "after": "the instant to look after",
    "stamp": "the instant a calendar file was made (DTSTAMP)",
    "onset": "the instant a change began",
    "last_kept": "the instant of the last kept touchpoint",
    "last_activity": "the instant of the last activity",
    "min_value": "the earliest instant a strategy draws",
    "max_value": "the latest instant a strategy draws",
    "time": "one wall time of day",
    "times": "wall times of day",
    "on": "weekdays",
    "weekdays": "weekdays",
    "day": "a calendar date, a weekday number or a month day",
    "month_days": "days of the month",
    "days_off": "calendar dates with no check-in",
    "week_of": "any date in a Monday-to-Monday week",
    "during": "the period a decision is for",
    "baseline_period": "the period baseline scores come from",
    "followup_period": "the period follow-up scores come from",
    "duration": "a length of time",
    "tolerance": "how late a check-in may be and still count",
    "step": "the spacing of candidate start times",
    "lookback": "how far before now to look",
    "earliest": "no slot starts before this instant",
    "latest": "no slot ends after this instant",
    "windows": "weekly availability windows",
    "max_windows": "the most windows a strategy draws",
    "specs": "window specs such as 'mon 18:00-21:00'",
    "every": "periods between occurrences of a recurrence",
    "max_every": "the largest every a strategy draws",
    "frequency": "daily, weekly or monthly",
    "per_week": "how many times a week, on average",
    "least_per_week": "the lightest cadence, per week",
    "most_per_week": "the closest cadence, per week",
    "minutes": "a length in minutes",
    "minutes_per_week": "available minutes in a week",
    "max_minutes": "the longest span a strategy draws, in minutes",
    "overlap_minutes": "minutes a week two people share",
    "min_overlap_minutes": "the least shared minutes that make a pair eligible",
    "ample_overlap_minutes": "shared minutes that score in full",
    "meeting_minutes": "how long a group meeting lasts",
    "quiet_hours": "when a member wants no check-ins",
    "quiet": "what to do with a check-in in quiet hours: defer or skip",
    "meets": "when a group meets each week",
    "availability": "when someone is free each week",
    "intervals": "Intervals",
    "parties": "members and groups whose time is compared",
    "slot": "a concrete common slot",
    "cadence": "a recurring schedule",
    "rule": "an RFC 5545 RRULE",
    "summary": "a calendar event's title",
    "done": "instants check-ins were done",
    "overdue": "whether a check-in is overdue",
    "completion_rate": "share of due check-ins kept",
    "reason": "why a slot does not recur",
    "busy": "other commitments a check-in keeps clear of",
    "local_times": "member id -> the local times they meet at",
    "burdens": "member id -> unsociable-hours burden in [0, 1]",
    "burden": "the largest member burden of a plan",
    "night": "weight of a check-in touching 23:00-06:00 local",
    "early_morning": "weight of a check-in touching 06:00-08:00 local",
    "late_evening": "weight of a check-in touching 20:00-23:00 local",
    "weekend": "weight added on a local Saturday or Sunday",
    "plan_count": "how many plans to offer",
    "uid": "a calendar event's stable, app-given UID",
    "sequence": "a calendar event's revision number (SEQUENCE)",
    "cancelled": "whether a calendar series is withdrawn",
    "organizer": "the organiser's calendar address",
    "attendees": "calendar addresses of the people invited",
    "reminder": "how long before a check-in a calendar reminds",
    # --- counts (end in _count, or can only be counts)
    "count": "how many",
    "size": "how many members a group has",
    "free_places": "how many more members a group can take",
    "streak": "kept check-ins in a row",
    "missed_in_a_row": "misses in a row",
    "max_partners": "the most partners a member can hold",
    "no_repeat_rounds": "rounds before a pair may repeat",
    "min_history": "decided touchpoints before a member is judged",
    "disengaged_after": "misses in a row that mean disengaged",
    "reengaged_for": "kept touchpoints that mean re-engaged",
    "max_steps": "the most cadence steps at once",
    "capacity": "the most members a group can hold",
    "capacities": "mentor id -> how many mentees",
    "due_count": "how many were due",
    "kept_count": "how many were kept",
    "missed_count": "how many were missed",
    "decided_count": "how many were kept or missed",
    "excused_count": "how many were excused",
    "touchpoint_count": "how many touchpoints",
    "recent_count": "how many recent touchpoints make the recent rate",
    "recent_kept_count": "kept among the recent ones",
    "recent_due_count": "due among the recent ones",
    "member_count": "how many members",
    "week_count": "how many weeks",
    "excused_week_count": "weeks of a period a pair or group may lack time to meet",
    "placed_count": "how many members were placed",
    "drifting_count": "how many are drifting",
    "disengaged_count": "how many are disengaged",
    "re_engaged_count": "how many re-engaged",
    "rating_count": "how many ratings",
    "session_count": "how many sessions",
    "with_baseline_count": "how many have a baseline",
    "completed_count": "how many have both scores",
    "recovered_count": "how many recovered",
    "improved_count": "how many reliably improved",
    "unchanged_count": "how many did not reliably change",
    "deteriorated_count": "how many reliably deteriorated",
    "min_size": "the smallest size",
    "max_size": "the largest size",
    "max_members": "the most members a strategy draws",
    "max_groups": "the most groups a strategy draws",
    "max_stages": "the most stages a strategy draws",
    "limit": "the most results to return",
    # --- people, groups and their traits
    "members": "Member values, a Cohort, or (as documented) member ids",
    "member": "one Member",
    "member_id": "a member's id",
    "member_ids": "members' ids",
    "ids": "a strategy of ids",
    "id": "a stable identifier",
    "id_prefix": "the prefix of new groups' ids",
    "groups": "Groups (or what form_groups returns, or a Cohort)",
    "group": "one Group",
    "group_id": "a group's id",
    "group_ids": "groups' ids",
    "with_groups": "whether a simulated cohort has groups",
    "falling_group": "the group whose feedback falls, in a simulation",
    "mentors": "the members who mentor",
    "mentees": "the members who are mentored",
    "mentor_id": "a mentor's id",
    "mentee_id": "a mentee's id",
    "a": "one side of a pair",
    "b": "the other side of a pair",
    "stage": "a stage name on a journey scale",
    "stages": "a journey scale's stages, in order",
    "stage_band": "the (lowest, highest) stages a group is for",
    "band": "a (lowest, highest) pair of stages",
    "scale": "a journey scale",
    "name": "a human-readable name",
    "experiences": "lived experiences a member shares",
    "goals": "what a member is working on",
    "focus": "what a group is about",
    "languages": "languages",
    "traits": "facts eligibility rules use",
    "requires": "trait rules a group requires",
    "size_trait": "the trait that holds a member's size comfort",
    "size_comfort": "size comfort value -> (smallest, largest) group",
    "ideal_size": "the (smallest, largest) ideal group size",
    "is_full": "whether a group is full",
    "unplaced": "who could not be placed, with reasons",
    "blocked": "pairs that must never be matched",
    "history": "past rounds or groupings",
    "keep_apart": "pairs of member ids that never share a group",
    "keep_together": "sets of member ids that share one group or none",
    "no_lone": "traits no group may hold exactly one member of a value of",
    "repeat_weight": "how much meeting past groupmates again counts in the search",
    "pinned": "pairs that must be matched",
    "trios": "trios, or whether trios are allowed",
    "pairs": "matched pairs",
    "teams": "pairs and trios as tuples of ids",
    "assignments": "mentor assignments",
    "matching": "a partner or mentor matching",
    "objective": "what a matching optimises",
    "seed": "the random seed",
    # --- scores, fits and policies
    "policy": "a frozen policy object",
    "weights": "component name -> weight",
    "weight": "how much a reason counts",
    "score": "a score in [0, 1], 1 best (or a questionnaire score)",
    "min_score": "the lowest score",
    "mean_score": "the mean score",
    "total": "a sum of scores",
    "fit": "a fit: score, components, reasons",
    "fits": "fits",
    "components": "component name -> score",
    "eligible": "whether every hard rule holds",
    "stage_tolerance": "a stage distance that still scores in full",
    "stage_limit": "the largest stage distance allowed",
    "one_ahead_counts": "whether one stage ahead counts as close",
    "reasons": "member-safe reasons",
    "code": "a stable reason code",
    "message": "a member-safe message",
    # --- engagement
    "touchpoints": "touchpoints",
    "event": "one touchpoint or activity",
    "events": "touchpoints and activities",
    "outcome": "kept, missed or excused",
    "kind": "what kind of event, milestone or drift",
    "status": "a drift status",
    "flagged": "whether a member is flagged",
    "severity": "how severe a drift is, in [0, 1]",
    "baseline_rate": "a member's own usual rate",
    "recent_rate": "a member's recent rate",
    "rate": "a rate in [0, 1]",
    "cohort_rate": "the prior rate for the cohort",
    "prior_strength": "how many touchpoints the prior weighs",
    "drop": "the relative drop the detector looks for",
    "release": "the rate that releases a flag",
    "false_flags_per_100_members_per_year": "the false-flag budget",
    "statistic": "the detector's statistic",
    "threshold": "the detector's threshold",
    "lighten_below": "severity under which a cadence lightens",
    "tighten_from": "severity from which a cadence tightens",
    "reports": "drift reports",
    "state": "a monitor's saved state",
    "states": "monitors' saved states, put together",
    "excused": "dates and instants not held against a member",
    "weeks": "weekly attendance, week by week",
    "trend": "the weekly change of a rate",
    "trend_low": "its interval's low end",
    "trend_high": "its interval's high end",
    "falling": "whether it is falling",
    "drifts": "whether a simulated member drifts",
    "drift_rate": "a simulated member's rate after drift",
    "drift_share": "share of simulated members who drift",
    "excused_rate": "share of simulated touchpoints excused",
    "activity_rate": "simulated activities per touchpoint",
    "truth": "a simulation's ground truth",
    "engagement": "a simulated engagement record",
    "followup_loss": "share of simulated members lost to follow-up",
    # --- outcomes
    "instrument": "a questionnaire",
    "measurements": "questionnaire scores",
    "pre": "the score before",
    "post": "the score after",
    "rci": "the reliable change index",
    "category": "a reliable change category",
    "difference": "post minus pre",
    "reliable": "whether a change is reliable",
    "clinical_before": "whether the score before is in the clinical range",
    "clinical_after": "whether the score after is in the clinical range",
    "changes": "per-member changes",
    "lost": "ids of members lost to follow-up",
    "no_baseline": "ids of members with no baseline",
    "described": "share of the cohort the figures describe",
    "baseline_mean": "mean baseline score",
    "followup_mean": "mean follow-up score",
    "lost_baseline_mean": "mean baseline score of those lost",
    "mean_change": "mean change",
    "mean_change_low": "its interval's low end",
    "mean_change_high": "its interval's high end",
    "effect_size": "standardised effect size",
    "effect_low": "its interval's low end",
    "effect_high": "its interval's high end",
    "low": "a range's or interval's low end",
    "high": "a range's or interval's high end",
    "higher_is_better": "whether higher scores are better",
    "reliability": "an instrument's reliability",
    "sd": "a standard deviation",
    "cutoff": "the clinical cutoff",
    "integer_scores": "whether scores are whole numbers",
    "sources": "where each number comes from",
    "difference_error": "the standard error of a difference",
    "reliable_difference": "the smallest reliable difference",
    "field": "the field an error names",
    "ratings": "session ratings",
    "mean": "a mean",
    "mean_low": "its interval's low end",
    "mean_high": "its interval's high end",
    "slope": "a weekly slope",
    "slope_low": "its interval's low end",
    "slope_high": "its interval's high end",
    "items": "a questionnaire's item answers, in order",
    "item_count": "how many items a questionnaire has",
    "item_low": "the lowest answer to one item",
    "item_high": "the highest answer to one item",
    "item": "an item's number on a questionnaire, from 1",
    "answer": "the answer given to one item",
    "above": "an answer above this raises a risk flag",
    "topic": "what a risk item asks about",
    "rules": "risk rules",
    "staff_message": "a message for staff only, never a member",
    "caseness": "the definition of a case and of reliable change (Caseness)",
    "depression": "the depression questionnaire (or its name)",
    "anxiety": "the anxiety questionnaire (or its name)",
    "depression_points": "the smallest reliable change on the depression questionnaire",
    "anxiety_points": "the smallest reliable change on the anxiety questionnaire",
    "depression_before": "the first depression score",
    "depression_after": "the last depression score",
    "anxiety_before": "the first anxiety score",
    "anxiety_after": "the last anxiety score",
    "caseness_before": "whether the first scores were at caseness",
    "caseness_after": "whether the last scores are at caseness",
    "recovered": "whether a member recovered (caseness to below it)",
    "reliable_improvement": "whether a member reliably improved",
    "reliable_recovery": "whether a member recovered and reliably improved",
    "reliable_deterioration": "whether a member reliably deteriorated",
    "paired_count": "how many have first and last scores on both questionnaires",
    "caseness_count": "how many were at caseness at the start",
    "reliable_improvement_count": "how many reliably improved",
    "reliable_recovery_count": "how many reliably recovered",
    "reliable_deterioration_count": "how many reliably deteriorated",
    "recovery_rate": "recovered over those at caseness",
    "reliable_improvement_rate": "reliably improved over those paired",
    "reliable_recovery_rate": "reliably recovered over those at caseness",
    "reliable_deterioration_rate": "reliably deteriorated over those paired",
    "points": "a trajectory's sessions, in time order",
    "change": "a score minus the first score",
    "sessions": "expected bands, one per session",
    "source": "where a value comes from: a reference for a definition, or where a table is read from (a path, text, records or a DataFrame)",
    "intercept": "a line's value at 0",
    "residual_sd": "the spread around a fitted line",
    "spread_slope": "how much the spread around a line grows per point of first score",
    "start_mean": "the mean first score of the members fitted",
    "start_spread": "the sum of squared deviations of their first scores",
    "critical": "the multiplier of a band (t or 1.96)",
    "first": "a member's first score",
    "first_score": "a member's first score",
    "latest_score": "a member's latest score",
    "expected_low": "the expected band's low end",
    "expected_high": "the expected band's high end",
    "points_beyond": "points beyond the expected band on the worse side",
    "not_on_track": "whether a member is not on track",
    "attendance_share": "the share of sessions a member came to",
    "adversarial": "whether a simulation adds awkward cases",
    "instruments": "questionnaires (for a table: those its instrument names refer to)",
    "max_sessions": "the most sessions a strategy draws",
    # --- serde, errors and plumbing
    "obj": "a value to serialise",
    "data": "JSON-like data",
    "text": "JSON text",
    "indent": "JSON indentation",
    "path": "where in the input an error is",
    "value": "the value an error is about",
    "expected": "what an error expected",
    "other": "another value of the same type",
    "is_empty": "whether nothing is in it",
    "people": "a strategy of member lists",
    # --- tables: rosters in, results out as rows
    "target": "where a table is written: a path or a text file",
    "columns": "your table's headers mapped onto peerkit's column names",
    "result": "a peerkit result (or an iterable of them) to turn into rows",
    "rows": "flat rows: mappings of column name to cell",
    "errors": "every problem found in a table, each an InvalidInputError",
    # --- choices (issue 18): shortlists, stated preferences, priority
    "k": "the most candidates a shortlist shows (a count)",
    "candidates": "who may be suggested to a member",
    "spread": "whether members asking at once are spread over the candidates",
    "mentee": "the mentee asking for a shortlist",
    "load": "mentor id -> how many mentees they hold now",
    "preferences": "member id -> their stated, ranked list of ids",
    "priority": "member ids to place first among the largest rounds",
}

# Words that the glossary retires: each would mean a second thing.
RETIRED = {
    "tz": "timezone",
    "interval": "every",
    "window": "recent_count, lookback or *_period",
    "unmatched": "unplaced",
    "mean_fit": "mean_score",
    "min_fit": "min_score",
    "skip": "days_off (dates) or quiet='skip'",
    "as_of": "now",
    "baseline_window": "baseline_period",
    "followup_window": "followup_period",
    "session": "at",
    "n": "member_count",
}

# Int-valued names that are not *_count: words that read only as counts, and
# positions (a weekday number, a minute of the day: `Window.day/start/end`).
COUNT_WORDS = {
    "count",
    "size",
    "free_places",
    "streak",
    "missed_in_a_row",
    "max_partners",
    "no_repeat_rounds",
    "min_history",
    "disengaged_after",
    "reengaged_for",
    "max_steps",
    "capacity",
    "every",
    "day",
    "start",
    "end",
    "limit",
    "item",
}


# The online monitor's saved state is an opaque payload, stored and handed
# back whole: its fields are not vocabulary a caller reads or writes.
OPAQUE = {"peerkit.engagement.DriftState"}


def _public_values() -> Iterator[tuple[str, object]]:
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if f"{module_name}.{name}" not in OPAQUE:
                yield f"{module_name}.{name}", getattr(module, name)


def _reads_as_count(name: str) -> bool:
    """An int-valued name is a count (*_count or a count word) or a measured amount."""
    return name.endswith("_count") or "minutes" in name or name in COUNT_WORDS


def _parameters(func: Callable[..., Any]) -> list[inspect.Parameter]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # builtins without a signature
        return []
    return [
        p
        for p in signature.parameters.values()
        if p.name not in {"self", "cls"}
        and p.kind not in {p.VAR_POSITIONAL, p.VAR_KEYWORD}
    ]


def _class_names(where: str, cls: type) -> Iterator[tuple[str, str]]:
    """Field, property and method parameter names of one public class."""
    if issubclass(cls, enum.Enum):
        return
    if issubclass(cls, BaseException) or not attrs.has(cls):
        yield from ((p.name, f"{where}()") for p in _parameters(cls))
        if issubclass(cls, BaseException):
            return
    else:
        for field in attrs.fields(cls):
            if not field.name.startswith("_"):
                yield field.name, f"{where}.{field.name}"
    for attr_name, member in vars(cls).items():
        if attr_name.startswith("_"):
            continue
        if isinstance(member, property):
            yield attr_name, f"{where}.{attr_name}"
        elif inspect.isfunction(func := getattr(member, "__func__", member)):
            yield from ((p.name, f"{where}.{attr_name}()") for p in _parameters(func))


def _names() -> dict[str, set[str]]:
    """Every public name -> where it is used."""
    found: dict[str, set[str]] = {}
    for where, value in _public_values():
        if inspect.isclass(value):
            pairs = list(_class_names(where, value))
        elif callable(value) and not typing.get_origin(value):
            pairs = [(p.name, f"{where}()") for p in _parameters(value)]
        else:
            pairs = []
        for name, place in pairs:
            found.setdefault(name, set()).add(place)
    return found


def test_every_public_name_is_in_the_vocabulary() -> None:
    """Every parameter, field and property name of the public API is listed with its meaning."""
    found = _names()
    assert len(found) > 100  # the walk really saw the API
    unknown = {
        name: sorted(where)[:3]
        for name, where in found.items()
        if name not in VOCABULARY
    }
    assert not unknown, f"names not in the vocabulary (add them on purpose): {unknown}"


def test_no_vocabulary_entry_is_stale() -> None:
    """Every name in the vocabulary is used somewhere in the public API."""
    found = _names()
    stale = sorted(set(VOCABULARY) - set(found))
    assert not stale, f"vocabulary names no longer used: {stale}"


def test_no_retired_name_is_used() -> None:
    """No public name is one the glossary retired (tz, window, unmatched, ...)."""
    found = _names()
    used = {name: sorted(found[name])[:3] for name in RETIRED if name in found}
    assert not used, f"retired names in use (see the glossary): {used}"


def test_int_fields_are_counts_by_name() -> None:
    """An int-valued field or property either ends in _count or is a word that reads only as a count."""
    checked = 0
    bad = []
    for where, value in _public_values():
        if not (inspect.isclass(value) and attrs.has(value)):
            continue
        hints = typing.get_type_hints(value)
        for field in attrs.fields(value):
            if field.name.startswith("_") or hints.get(field.name) is not int:
                continue
            checked += 1
            if not _reads_as_count(field.name):
                bad.append(f"{where}.{field.name}")
        for attr_name, member in vars(value).items():
            if isinstance(member, property) and not attr_name.startswith("_"):
                returns = typing.get_type_hints(member.fget).get("return")
                if returns is int:
                    checked += 1
                    if not _reads_as_count(attr_name):
                        bad.append(f"{where}.{attr_name}")
    assert checked > 10
    assert not bad, f"int-valued names that do not read as counts: {bad}"


def test_policy_parameters_are_policy_objects() -> None:
    """Every parameter named policy takes a frozen policy object, never a string."""
    checked = 0
    for where, value in _public_values():
        funcs: list[Callable[..., Any]] = []
        if inspect.isclass(value):
            funcs = [getattr(m, "__func__", m) for m in vars(value).values()]
            funcs = [f for f in funcs if inspect.isfunction(f)]
        elif callable(value):
            funcs = [value]
        for func in funcs:
            for p in _parameters(func):
                if p.name != "policy":
                    continue
                checked += 1
                assert p.default is not inspect.Parameter.empty, where
                assert type(p.default).__name__.endswith("Policy"), where
                assert attrs.has(type(p.default)), where
    assert checked >= 10


@pytest.mark.parametrize(
    "name",
    [
        "group_fit",
        "rank_groups",
        "form_groups",
        "partner_fit",
        "match_partners",
        "match_mentors",
        "blocking_pairs",
    ],
)
def test_schedule_decisions_take_a_required_period(name: str) -> None:
    """Every matching function that judges schedules takes a required keyword during=."""
    matching = importlib.import_module("peerkit.matching")
    parameter = inspect.signature(getattr(matching, name)).parameters["during"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty


def test_the_glossary_page_names_the_retired_words() -> None:
    """The glossary page exists and says what to use instead of each retired word."""
    from pathlib import Path

    page = (
        Path(__file__).parents[1] / "docs" / "explanation" / "glossary.md"
    ).read_text()
    retired_table = page.split("## Words peerkit does not use", 1)[1]
    for word in ("tz", "interval", "window", "unmatched"):
        assert f"| `{word}`" in retired_table, word
    for name in ("during", "timezone", "unplaced", "every", "lookback", "days_off"):
        assert f"`{name}`" in page, name
