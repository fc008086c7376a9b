"""Serialization: exact round-trips, strict structuring, errors with paths."""

import contextlib
import datetime as dt
import json
from functools import partial
from typing import Any

import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import peerkit
from peerkit import (
    Cohort,
    Group,
    Interval,
    InvalidInputError,
    JourneyScale,
    Member,
    Reason,
    WeeklyAvailability,
    Window,
    engagement,
    from_dict,
    from_json,
    matching,
    outcomes,
    scheduling,
    to_dict,
    to_json,
)
from peerkit import testing as pst
from threads import in_threads

# Every public value type and a strategy for it. Later capabilities add rows.
VALUE_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    JourneyScale: pst.journey_scales(),
    Window: pst.windows(),
    WeeklyAvailability: pst.weekly_availabilities(),
    Interval: pst.intervals(),
    Reason: pst.reasons(),
    Member: pst.members(),
    Group: pst.groups(),
    Cohort: pst.cohorts(max_size=6),
    matching.FitPolicy: pst.fit_policies(),
    matching.GroupFit: pst.group_fits(),
    matching.Grouping: pst.groupings(),
    matching.FormedGroup: pst.formed_groups(),
    matching.Unplaced: pst.unplaced_members(),
    matching.PartnerPolicy: pst.partner_policies(),
    matching.PairFit: pst.pair_fits(),
    matching.Trio: pst.trios(),
    matching.PartnerMatching: pst.partner_matchings(),
    matching.MentorAssignment: pst.mentor_assignments(),
    matching.MentorMatching: pst.mentor_matchings(),
    scheduling.Cadence: pst.cadences(),
    scheduling.AdaptPolicy: pst.adapt_policies(),
    scheduling.CheckinStatus: pst.checkin_statuses(),
    scheduling.Slot: pst.slots(),
    scheduling.SlotConflict: pst.slot_conflicts(),
    scheduling.CheckinPlan: pst.checkin_plans(),
    scheduling.PlanPolicy: pst.plan_policies(),
    engagement.Touchpoint: pst.touchpoints(max_size=3)
    .filter(bool)
    .map(
        lambda events: next(
            (e for e in events if isinstance(e, engagement.Touchpoint)),
            engagement.Touchpoint("a", pendulum.datetime(2024, 1, 1), "kept"),
        )
    ),
    engagement.Activity: pst.touchpoints(max_size=3).map(
        lambda events: next(
            (e for e in events if isinstance(e, engagement.Activity)),
            engagement.Activity("a", pendulum.datetime(2024, 1, 1)),
        )
    ),
    engagement.DriftPolicy: pst.drift_policies(),
    engagement.DriftReport: pst.drift_reports(),
    engagement.DriftState: pst.drift_states(),
    engagement.Milestone: pst.milestone_values(),
    engagement.GroupEngagement: pst.group_engagements(),
    engagement.WeeklyAttendance: pst.weekly_attendances(),
    outcomes.Instrument: pst.instruments(),
    outcomes.Measurement: pst.measurements(max_size=3)
    .filter(bool)
    .map(lambda ms: ms[0]),
    outcomes.Change: pst.changes(),
    outcomes.OutcomeSummary: pst.outcome_summaries(),
    outcomes.Rating: pst.ratings(max_size=3).filter(bool).map(lambda rs: rs[0]),
    outcomes.FeedbackTrend: pst.feedback_trends(),
    outcomes.Caseness: pst.casenesses(),
    outcomes.MemberRecovery: pst.member_recoveries(),
    outcomes.RecoverySummary: pst.recovery_summaries(),
    outcomes.RiskRule: pst.risk_rules(),
    outcomes.RiskFlag: pst.risk_flag_values(),
    outcomes.Trajectory: pst.trajectories(),
    outcomes.TrajectoryPoint: pst.trajectory_points(),
    outcomes.ExpectedChange: pst.expected_changes(),
    outcomes.ExpectedSession: pst.expected_sessions(),
    outcomes.OnTrackReport: pst.on_track_reports(),
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def test_every_public_value_type_has_a_strategy() -> None:
    """The round-trip and fuzz tests cover every attrs class peerkit exports."""
    import attrs

    exported = {
        obj
        for module in (peerkit, matching, scheduling, engagement, outcomes)
        for name in module.__all__
        if isinstance(obj := getattr(module, name), type) and attrs.has(obj)
    }
    assert exported == set(VALUE_STRATEGIES)


@pytest.mark.parametrize("cls", list(VALUE_STRATEGIES), ids=lambda c: c.__name__)
# One converter per type takes every value down the same path: the shapes
# that differ (empty, None, nested) come in the first few dozen examples.
@settings(max_examples=50)
@given(data=st.data())
def test_round_trip_through_dict_and_json(cls: type, data: st.DataObject) -> None:
    """For all values of every public type, from_dict(to_dict(x)) == x and from_json(to_json(x)) == x."""
    value = data.draw(VALUE_STRATEGIES[cls])
    as_dict = to_dict(value)
    assert from_dict(cls, as_dict) == value
    text = to_json(value)
    assert from_json(cls, text) == value
    assert json.loads(text) == as_dict  # plain JSON types only
    assert (
        to_json(from_json(cls, text)) == text
    )  # canonical: a second trip is identical


@pytest.mark.parametrize("cls", list(VALUE_STRATEGIES), ids=lambda c: c.__name__)
# Random JSON is almost never shaped like the type, so it is refused at the
# top: more examples reach no further (the mutated test below reaches every
# field).
@settings(max_examples=50)
@given(data=JSON)
def test_fuzzed_from_dict_raises_only_invalid_input(cls: type, data: object) -> None:
    """For all JSON-like data, from_dict either builds a value or raises InvalidInputError."""
    try:
        from_dict(cls, data)
    except InvalidInputError as err:
        assert err.path
        assert str(err)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        out = [path] if path else []
        for k, v in data.items():
            out += _leaves(v, (*path, k))
        return out
    if isinstance(data, list):
        out = [path] if path else []
        for i, v in enumerate(data):
            out += _leaves(v, (*path, i))
        return out
    return [path]


def _replace(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], rest, new)}
    copy = list(data)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@pytest.mark.parametrize("cls", list(VALUE_STRATEGIES), ids=lambda c: c.__name__)
@given(data=st.data())
def test_mutated_valid_data_raises_only_invalid_input(
    cls: type, data: st.DataObject
) -> None:
    """For all valid values with one field replaced by random JSON, from_dict builds a value or raises InvalidInputError."""
    original = to_dict(data.draw(VALUE_STRATEGIES[cls]))
    leaves = _leaves(original)
    assume(leaves)  # a value with no fields has nothing to mutate
    where = data.draw(st.sampled_from(leaves))
    mutated = _replace(original, where, data.draw(JSON))
    snapshot = json.dumps(mutated, sort_keys=True, default=str)
    with contextlib.suppress(InvalidInputError):
        from_dict(cls, mutated)
    assert (
        json.dumps(mutated, sort_keys=True, default=str) == snapshot
    )  # input untouched


def _cohort_data() -> dict[str, Any]:
    members = [
        {"id": f"m{i}", "stage": "action", "timezone": "Europe/London"}
        for i in range(5)
    ]
    return {
        "members": members,
        "groups": [],
        "scale": to_dict(peerkit.STAGES_OF_CHANGE),
    }


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["members"][3].update(timezone="Mars/Base"), "members[3].timezone"),
        (lambda d: d["members"][1].update(stage="flying"), "members[1].stage"),
        (lambda d: d["members"][2].update(max_partners="2"), "members[2].max_partners"),
        (lambda d: d["members"][2].update(max_partners=2.0), "members[2].max_partners"),
        (lambda d: d["members"][0].update(goals="sleep"), "members[0].goals"),
        (lambda d: d["members"][0].update(goals=["sleep", 3]), "members[0].goals[1]"),
        (
            lambda d: d["members"][4].update(availability=["mon 9-10"]),
            "members[4].availability[0]",
        ),
        (
            lambda d: d["members"][4].update(traits={"age": 5}),
            "members[4].traits['age']",
        ),
        (lambda d: d["members"][4].pop("id"), "members[4].id"),
        (lambda d: d["members"][4].update(colour="blue"), "members[4].colour"),
        (
            lambda d: d.update(groups=[{"id": "g", "members": [], "capacity": -2}]),
            "groups[0].capacity",
        ),
        (lambda d: d.update(groups={"id": "g"}), "groups"),
        (lambda d: d.update(scale={"name": "x", "stages": []}), "scale.stages"),
        (lambda d: d["members"].append(d["members"][0]), "members[5].id"),
    ],
)
def test_errors_name_the_offending_field(change: Any, path: str) -> None:
    """Malformed input raises InvalidInputError whose path names the field, not a cattrs exception group."""
    data = _cohort_data()
    change(data)
    with pytest.raises(InvalidInputError) as info:
        from_dict(Cohort, data)
    assert info.value.path == path
    assert str(info.value).startswith(path + ": expected ")
    assert info.value.__cause__ is None or isinstance(
        info.value.__cause__, InvalidInputError
    )


def test_top_level_errors_name_the_type() -> None:
    """A non-mapping at the top is named by the type it should have been."""
    with pytest.raises(InvalidInputError) as info:
        from_dict(Member, [1, 2])
    assert info.value.path == "Member"


def test_datetimes_are_iso_with_offset_and_naive_is_refused() -> None:
    """Instants are written as ISO 8601 with an offset; a naive string is refused."""
    span = Interval(
        pendulum.datetime(2024, 3, 10, 7, 30), pendulum.datetime(2024, 3, 10, 8)
    )
    assert to_dict(span) == {
        "start": "2024-03-10T07:30:00+00:00",
        "end": "2024-03-10T08:00:00+00:00",
    }
    assert (
        from_dict(
            Interval,
            {"start": "2024-03-10T03:30:00-04:00", "end": "2024-03-10T08:00:00Z"},
        )
        == span
    )
    with pytest.raises(InvalidInputError, match="naive") as info:
        from_dict(
            Interval, {"start": "2024-03-10T07:30:00", "end": "2024-03-10T08:00:00Z"}
        )
    assert info.value.path == "start"
    with pytest.raises(InvalidInputError) as info:
        from_dict(Interval, {"start": "yesterday", "end": "2024-03-10T08:00:00Z"})
    assert info.value.path == "start"


def test_aware_datetime_objects_are_accepted_by_from_dict() -> None:
    """from_dict accepts aware datetime objects where strings are expected."""
    start = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    span = from_dict(Interval, {"start": start, "end": start + dt.timedelta(hours=1)})
    assert span.minutes == 60


def test_sets_are_sorted_lists() -> None:
    """Frozensets are written as sorted lists, so output is stable."""
    member = Member("ada", "action", goals={"sleep", "exercise", "routine"})
    assert to_dict(member)["goals"] == ["exercise", "routine", "sleep"]


def test_from_json_refuses_bad_json() -> None:
    """Text that is not JSON is an InvalidInputError naming the text."""
    with pytest.raises(InvalidInputError) as info:
        from_json(Member, "{not json")
    assert info.value.path == "text"
    with pytest.raises(InvalidInputError):
        from_json(Member, 5)  # type: ignore[arg-type]
    assert from_json(Member, b'{"id": "a", "stage": "action"}').id == "a"


def test_only_value_types_are_accepted() -> None:
    """to_dict and from_dict refuse things that are not peerkit values."""
    with pytest.raises(InvalidInputError) as info:
        to_dict({"id": "a"})
    assert info.value.path == "obj"
    with pytest.raises(InvalidInputError) as info:
        from_dict(dict, {})
    assert info.value.path == "cls"
    with pytest.raises(InvalidInputError):
        from_json(int, "5")


def test_window_and_reason_strictness() -> None:
    """Primitive fields are strict: a bool is not an int, an int is not a string."""
    with pytest.raises(InvalidInputError) as info:
        from_dict(Window, {"day": True, "start": 0, "end": 10})
    assert info.value.path == "day"
    with pytest.raises(InvalidInputError) as info:
        from_dict(Reason, {"code": "a", "weight": "1", "message": "m"})
    assert info.value.path == "weight"
    with pytest.raises(InvalidInputError) as info:
        from_dict(Reason, {"code": "a", "weight": float("nan"), "message": "m"})
    assert info.value.path == "weight"
    assert from_dict(Reason, {"code": "a", "weight": 1, "message": "m"}).weight == 1.0


def test_mapping_keys_must_be_strings() -> None:
    """A trait name that is not a string is refused."""
    with pytest.raises(InvalidInputError):
        from_dict(Member, {"id": "a", "stage": "s", "traits": {1: "x"}})


def test_values_pickle_for_multiprocessing() -> None:
    """Values survive pickling (process pools, Dask and Spark ship them that way)."""
    import pickle

    from peerkit.datasets import sample_cohort

    cohort = sample_cohort()
    assert pickle.loads(pickle.dumps(cohort)) == cohort  # noqa: S301 - our own bytes


def test_dates_structure_from_iso_strings() -> None:
    """Dates (used by policies' reference weeks) read ISO strings and refuse others."""
    from peerkit._serde import converter

    assert converter.structure("2024-03-10", dt.date) == dt.date(2024, 3, 10)
    assert converter.structure(dt.date(2024, 3, 10), dt.date) == dt.date(2024, 3, 10)
    assert converter.unstructure(dt.date(2024, 3, 10)) == "2024-03-10"
    for bad in ["10/03/2024", 5, dt.datetime(2024, 3, 10, tzinfo=dt.UTC)]:
        with pytest.raises(InvalidInputError):
            converter.structure(bad, dt.date)


def test_fixed_tuples_and_untyped_collections() -> None:
    """Fixed-length tuples check their length; bare collections still round-trip."""
    from peerkit._serde import converter

    assert converter.structure(["a", 1], tuple[str, int]) == ("a", 1)
    with pytest.raises(InvalidInputError):
        converter.structure(["a"], tuple[str, int])
    assert converter.unstructure(("a", 1), unstructure_as=tuple[str, int]) == ["a", 1]
    assert converter.unstructure(("a", 1), unstructure_as=tuple) == ["a", 1]
    assert converter.structure({"b": 1}, dict[str, int]) == {"b": 1}
    with pytest.raises(InvalidInputError):
        converter.structure({1: 1}, dict[str, int])


def test_unexpected_exceptions_become_invalid_input() -> None:
    """Whatever a constructor raises, from_dict reports an InvalidInputError."""
    import attrs

    from peerkit._serde import _translate

    @attrs.frozen
    class Odd:
        x: int = attrs.field()

        @x.validator
        def _check(self, _attr: object, value: int) -> None:
            if value == 13:
                raise ArithmeticError("unlucky")

    with pytest.raises(InvalidInputError, match="unlucky") as info:
        from_dict(Odd, {"x": 13})
    assert info.value.path == "Odd"
    assert _translate(KeyError("x")).expected.startswith("a value")


def test_hostile_json_is_an_invalid_input() -> None:
    """Deep nesting and over-long numbers are InvalidInputError, not RecursionError or ValueError."""
    with pytest.raises(InvalidInputError):
        from_json(Member, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InvalidInputError):
        from_json(Member, '{"id":"a","stage":"b","max_partners":' + "1" * 5000 + "}")
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InvalidInputError) as info:
        from_dict(Member, {"id": "a", "stage": "b", "goals": deep})
    assert len(str(info.value)) < 300


def test_huge_numbers_are_invalid_input() -> None:
    """An integer too large for a float is refused by name."""
    with pytest.raises(InvalidInputError) as info:
        Reason("a", 10**400, "m")
    assert info.value.path == "weight"
    with pytest.raises(InvalidInputError) as info:
        from_dict(Reason, {"code": "a", "weight": 10**400, "message": "m"})
    assert info.value.path == "weight"


def test_reason_codes_are_matched_whole() -> None:
    """A code with a trailing newline is not a code."""
    with pytest.raises(InvalidInputError):
        Reason("stage.close\n", 1, "m")


# --- issue 15: JSON correctness ----------------------------------------------------


def test_a_repeated_json_key_is_refused_with_its_path() -> None:
    """{"max_partners": 0, "max_partners": 3} is refused, not silently read as 3."""
    text = '{"id": "a", "stage": "action", "max_partners": 0, "max_partners": 3}'
    with pytest.raises(InvalidInputError) as info:
        from_json(Member, text)
    assert info.value.path == "max_partners"
    cohort = to_dict(Cohort([Member("a", "action"), Member("b", "action")]))
    text = json.dumps(cohort).replace(
        '"max_partners": 1', '"max_partners": 1, "max_partners": 2', 2
    )
    with pytest.raises(InvalidInputError) as info:
        from_json(Cohort, text)
    assert info.value.path == "members[0].max_partners"
    traits = '{"id": "a", "stage": "s", "traits": {"x": "1", "x": "2"}}'
    with pytest.raises(InvalidInputError) as info:
        from_json(Member, traits)
    assert info.value.path == "traits.x"


def test_lists_and_tuples_of_values_round_trip() -> None:
    """to_json/from_json, to_dict/from_dict take list[T] and tuple[T, ...] of a value type."""
    people = [Member("ada", "action"), Member("ben", "preparation", goals=["sleep"])]
    text = to_json(people)
    assert text == to_json(tuple(people))
    assert from_json(list[Member], text) == people
    assert from_json(tuple[Member, ...], text) == tuple(people)
    assert from_dict(list[Member], to_dict(people)) == people
    assert to_json([]) == "[]"
    assert from_json(list[Member], "[]") == []


def test_list_errors_name_the_position() -> None:
    """A bad member in a list is named by its position: [3].id."""
    data = [to_dict(Member(f"m{i}", "action")) for i in range(5)]
    data[3]["id"] = ""
    with pytest.raises(InvalidInputError) as info:
        from_json(list[Member], json.dumps(data))
    assert info.value.path == "[3].id"
    with pytest.raises(InvalidInputError) as info:
        from_dict(tuple[Member, ...], {"not": "a list"})
    assert info.value.path == "tuple[Member, ...]"
    with pytest.raises(InvalidInputError) as info:
        to_json([Member("a", "action"), "b"])
    assert info.value.path == "obj[1]"
    for bad in (list, list[int], tuple[Member, int], dict[str, Member]):
        with pytest.raises(InvalidInputError) as info:
            from_json(bad, "[]")
        assert info.value.path == "cls"


@pytest.mark.parametrize("indent", [1.5, True, -1, 17, 10**9, "  "])
def test_a_bad_indent_is_refused_by_name(indent: object) -> None:
    """to_json(indent=...) takes None or 0 to 16 spaces; anything else names indent."""
    with pytest.raises(InvalidInputError) as info:
        to_json(Member("a", "action"), indent=indent)  # type: ignore[arg-type]
    assert info.value.path == "indent"


def test_good_indents_pretty_print() -> None:
    """An indent of 0 to 16 spaces pretty-prints the same value."""
    ada = Member("a", "action")
    for indent in (0, 2, 16):
        assert from_json(Member, to_json(ada, indent=indent)) == ada


def test_from_dict_takes_a_single_spec_string_as_the_constructor_does() -> None:
    """Availability given as one spec string (or str() of a value) reads as in Member()."""
    week = WeeklyAvailability.parse(["mon-fri 18:00-21:00", "sat 10:00-12:00"])
    data = {"id": "a", "stage": "s", "availability": "mon 18:00-21:00"}
    assert from_dict(Member, data) == Member("a", "s", availability="mon 18:00-21:00")
    assert from_dict(WeeklyAvailability, str(week)) == week
    assert from_dict(Member, {**data, "availability": str(week)}).availability == week
    with pytest.raises(InvalidInputError) as info:
        from_dict(Member, {**data, "availability": ["mon 09:00-10:00", "nope"]})
    assert info.value.path == "availability[1]"


@pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "\udc00z"])
def test_lone_surrogates_are_refused_where_strings_are_checked(bad: str) -> None:
    """A string UTF-8 cannot encode never gets into a value: the field is named."""
    with pytest.raises(InvalidInputError, match="UTF-8") as info:
        Member(bad, "action")
    assert info.value.path == "id"
    with pytest.raises(InvalidInputError) as info:
        Member("a", "action", goals=["ok", bad])
    assert info.value.path == "goals"
    with pytest.raises(InvalidInputError) as info:
        Member("a", "action", traits={"k": bad})
    assert info.value.path == "traits['k']"
    escaped = json.dumps({"id": bad, "stage": "action"})
    with pytest.raises(InvalidInputError) as info:
        from_json(Member, escaped)
    assert info.value.path == "id"


def test_to_json_refuses_a_string_that_cannot_be_written() -> None:
    """A lone surrogate that reached a value unchecked is refused by to_json with its path."""
    import attrs

    @attrs.frozen
    class Note:
        text: str

    with pytest.raises(InvalidInputError) as info:
        to_json([Note("fine"), Note("bad \ud800")])
    assert info.value.path == "obj[1].text"
    assert to_json(Note("caf\u00e9")) == '{"text": "caf\u00e9"}'


# --- issue 15: faster JSON keeps every answer ---------------------------------------


def test_large_values_round_trip_and_restore_the_collector() -> None:
    """A cohort large enough to pause the cyclic collector round-trips, and the collector is on after."""
    import gc

    from peerkit._serde import _LARGE_TEXT
    from peerkit.datasets import simulate_cohort

    cohort = simulate_cohort(1200)
    text = to_json(cohort)
    assert len(text) > _LARGE_TEXT
    assert gc.isenabled()
    assert from_json(Cohort, text) == cohort
    assert from_dict(Cohort, to_dict(cohort)) == cohort
    assert gc.isenabled()
    gc.disable()
    try:
        assert from_json(Cohort, text) == cohort
        assert not gc.isenabled()  # an application's own choice is kept
    finally:
        gc.enable()


def test_an_error_in_a_large_value_restores_the_collector_and_names_the_path() -> None:
    """A bad member deep in a large cohort is named, and the collector is back on."""
    import gc

    from peerkit.datasets import simulate_cohort

    data = to_dict(simulate_cohort(1200))
    data["members"][1100]["timezone"] = "EST"
    with pytest.raises(InvalidInputError, match="America/New_York") as info:
        from_json(Cohort, json.dumps(data))
    assert info.value.path == "members[1100].timezone"
    assert gc.isenabled()


def test_json_from_8_threads_equals_the_serial_results() -> None:
    """from_json and to_json from 8 threads at a tight switch interval give the serial answers."""
    import gc

    from peerkit._availability import parse_specs
    from peerkit.datasets import simulate_cohort

    cohorts = [simulate_cohort(n, seed=n) for n in (3, 40, 1100, 7, 60, 1050, 25, 90)]
    texts = [to_json(c) for c in cohorts]
    parse_specs.cache_clear()

    def work(i: int) -> tuple[object, str]:
        return from_json(Cohort, texts[i]), to_json(cohorts[i])

    threaded = in_threads([partial(work, i) for i in list(range(len(texts))) * 2])
    serial = [work(i) for i in list(range(len(texts))) * 2]
    assert len(threaded) == 16
    assert threaded == serial
    assert [c for c, _ in serial[:8]] == cohorts
    assert gc.isenabled()


def test_parsed_availabilities_are_shared_and_equal() -> None:
    """The same specs read twice give one shared, equal value (safe: it is immutable)."""
    first = WeeklyAvailability.parse(["mon 09:00-10:00", "tue 09:00-10:00"])
    again = WeeklyAvailability.parse(("mon 09:00-10:00", "tue 09:00-10:00"))
    assert first is again
    assert first == WeeklyAvailability([Window(0, 540, 600), Window(1, 540, 600)])


def test_collector_pauses_are_counted_across_callers() -> None:
    """Overlapping pauses keep the collector off until the last ends, even after an error."""
    import gc

    from peerkit._serde import _CollectorPause

    pause = _CollectorPause()
    assert gc.isenabled()
    with pause(large=False):
        assert gc.isenabled()
    first, second = pause(large=True), pause(large=True)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    with pytest.raises(KeyError), pause(large=True):
        raise KeyError("boom")
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
