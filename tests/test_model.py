"""The core domain model: journey scales, members, groups, cohorts."""

import json
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import peerkit
from peerkit import (
    STAGES_OF_CHANGE,
    STAGES_OF_RECOVERY,
    Cohort,
    Group,
    InvalidInputError,
    JourneyScale,
    Member,
    UnknownStageError,
    WeeklyAvailability,
    Window,
)
from peerkit._availability import windows_key, windows_of_key
from peerkit._model import member_from_plain
from peerkit._serde import converter
from peerkit.testing import cohorts, journey_scales, members, stages

# --- journey scales --------------------------------------------------------


def test_stages_of_change_are_the_five_classic_stages() -> None:
    """The ready scale is the transtheoretical model's five stages, in order."""
    assert STAGES_OF_CHANGE.stages == (
        "precontemplation",
        "contemplation",
        "preparation",
        "action",
        "maintenance",
    )


def test_recovery_scale_is_andresens_five_stages() -> None:
    """The recovery scale is Andresen et al.'s five stages, in order."""
    assert STAGES_OF_RECOVERY.stages == (
        "moratorium",
        "awareness",
        "preparation",
        "rebuilding",
        "growth",
    )


def test_distance_is_zero_for_same_and_one_for_the_ends() -> None:
    """Distance is 0 for one stage and 1 between the two ends."""
    assert STAGES_OF_CHANGE.distance("action", "action") == 0.0
    assert STAGES_OF_CHANGE.distance("precontemplation", "maintenance") == 1.0
    assert STAGES_OF_CHANGE.distance("contemplation", "preparation") == 0.25


@given(journey_scales(), st.data())
def test_distance_is_a_metric_in_unit_interval(
    scale: JourneyScale, data: st.DataObject
) -> None:
    """For all stages: distance is in [0, 1], symmetric, zero only on the diagonal, and obeys the triangle inequality."""
    a, b, c = (data.draw(stages(scale)) for _ in range(3))
    d = scale.distance
    assert 0.0 <= d(a, b) <= 1.0
    assert d(a, b) == d(b, a)
    assert (d(a, b) == 0.0) == (a == b or len(scale) == 1)
    assert d(a, c) <= d(a, b) + d(b, c) + 1e-12


def test_index_and_contains() -> None:
    """Index gives the position; `in` tells membership without raising."""
    assert STAGES_OF_CHANGE.index("preparation") == 2
    assert "action" in STAGES_OF_CHANGE
    assert "relapse" not in STAGES_OF_CHANGE
    assert 3 not in STAGES_OF_CHANGE
    assert len(STAGES_OF_CHANGE) == 5
    assert next(iter(STAGES_OF_CHANGE)) == "precontemplation"


@given(journey_scales(), st.text(max_size=10))
def test_unknown_stage_raises_unknown_stage_error(
    scale: JourneyScale, stage: str
) -> None:
    """For all strings off the scale, index raises UnknownStageError naming the stages."""
    if stage in scale:
        assert scale.stages[scale.index(stage)] == stage
        return
    with pytest.raises(UnknownStageError) as info:
        scale.index(stage)
    assert info.value.stages == scale.stages
    assert isinstance(info.value, InvalidInputError)
    assert isinstance(info.value, ValueError)


def test_steps_is_signed() -> None:
    """Steps counts how far ahead the second stage is."""
    assert STAGES_OF_CHANGE.steps("preparation", "action") == 1
    assert STAGES_OF_CHANGE.steps("action", "contemplation") == -2


def test_single_stage_scale_has_zero_distance() -> None:
    """A one-stage scale has distance 0, not a division by zero."""
    scale = JourneyScale("one", ("here",))
    assert scale.distance("here", "here") == 0.0


@pytest.mark.parametrize(
    ("stages_", "path"),
    [
        ((), "stages"),
        (("a", "a"), "stages[1]"),
        (("a", ""), "stages[1]"),
        ("abc", "stages"),
    ],
)
def test_bad_scales_are_refused(stages_: object, path: str) -> None:
    """A scale needs distinct, non-empty stage names."""
    with pytest.raises(InvalidInputError) as info:
        JourneyScale("x", stages_)  # type: ignore[arg-type]
    assert info.value.path == path


def test_band_checks() -> None:
    """A stage band must be on the scale and run forwards."""
    STAGES_OF_CHANGE.check_band(("preparation", "maintenance"))
    assert STAGES_OF_CHANGE.in_band("action", ("preparation", "maintenance"))
    assert not STAGES_OF_CHANGE.in_band("contemplation", ("preparation", "maintenance"))
    with pytest.raises(InvalidInputError, match="band from a lower"):
        STAGES_OF_CHANGE.check_band(("action", "contemplation"))
    with pytest.raises(UnknownStageError) as info:
        STAGES_OF_CHANGE.check_band(("action", "relapse"))
    assert info.value.path == "stage_band[1]"


# --- members -----------------------------------------------------------------


def test_member_defaults() -> None:
    """A member defaults to English, UTC, always available, one partner, no traits."""
    m = Member("ada", "action")
    assert m.languages == frozenset({"en"})
    assert m.timezone == "UTC"
    assert m.availability == WeeklyAvailability.always()
    assert m.max_partners == 1
    assert dict(m.traits) == {}
    assert m.experiences == frozenset()


def test_member_converts_lists_to_frozensets() -> None:
    """Lists given for the set fields are kept as frozensets."""
    m = Member(
        "ada",
        "action",
        experiences=["grief", "grief"],
        goals=("sleep",),
        languages=["en", "es"],
    )
    assert m.experiences == frozenset({"grief"})
    assert m.goals == frozenset({"sleep"})
    assert m.languages == frozenset({"en", "es"})


def test_member_is_frozen_and_hashable() -> None:
    """Members cannot be changed in place and can be put in sets."""
    m = Member("ada", "action", traits={"age_band": "26-40"})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        m.stage = "maintenance"  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.traits["age_band"] = "65+"  # type: ignore[index]
    assert len({m, Member("ada", "action", traits={"age_band": "26-40"})}) == 1


def test_member_does_not_keep_the_callers_mutable_objects() -> None:
    """Changing the dict or list passed in does not change the member."""
    traits = {"age_band": "26-40"}
    goals = ["sleep"]
    m = Member("ada", "action", traits=traits, goals=goals)
    traits["age_band"] = "65+"
    goals.append("exercise")
    assert m.traits["age_band"] == "26-40"
    assert m.goals == frozenset({"sleep"})


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"id": ""}, "id"),
        ({"id": 3}, "id"),
        ({"stage": None}, "stage"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "europe/london"}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"max_partners": -1}, "max_partners"),
        ({"max_partners": True}, "max_partners"),
        ({"max_partners": 1.5}, "max_partners"),
        ({"languages": []}, "languages"),
        ({"languages": "en"}, "languages"),
        ({"experiences": "grief"}, "experiences"),
        ({"experiences": [["a"]]}, "experiences"),
        ({"goals": [1]}, "goals"),
        ({"traits": {"age": 30}}, "traits['age']"),
        ({"traits": ["a"]}, "traits"),
        ({"availability": ["mon 09:00-10:00", "mon 9-10"]}, "availability[1]"),
        ({"availability": 5}, "availability"),
    ],
)
def test_bad_member_fields_name_the_field(kwargs: dict[str, object], path: str) -> None:
    """Every bad field raises InvalidInputError whose path names it."""
    args = {"id": "ada", "stage": "action"} | kwargs
    ident, stage = args.pop("id"), args.pop("stage")
    with pytest.raises(InvalidInputError) as info:
        Member(ident, stage, **args)  # type: ignore[arg-type]
    assert info.value.path == path
    assert path in str(info.value)


@given(st.text(min_size=1, max_size=30))
def test_unknown_zones_are_never_accepted(name: str) -> None:
    """For all strings, a member's timezone is accepted only if it is a known IANA name."""
    from zoneinfo import available_timezones

    if name in available_timezones() or name == "UTC":
        assert Member("ada", "action", timezone=name).timezone == name
    else:
        with pytest.raises(InvalidInputError):
            Member("ada", "action", timezone=name)


# --- groups ------------------------------------------------------------------


def test_group_sorts_members_and_reports_room() -> None:
    """Members are kept sorted by id; size, free places and fullness follow."""
    a, b = Member("b", "action"), Member("a", "action")
    g = Group("g", [a, b], 3)
    assert g.member_ids == ("a", "b")
    assert (g.size, g.free_places, g.is_full) == (2, 1, False)
    assert Group("g", [b, a], 3) == g
    assert Group("g", [a, b], 2).is_full


@given(st.integers(max_value=-1))
def test_negative_capacity_is_never_accepted(capacity: int) -> None:
    """For all negative capacities, construction fails naming capacity."""
    with pytest.raises(InvalidInputError) as info:
        Group("g", (), capacity)
    assert info.value.path == "capacity"


def test_group_over_capacity_is_refused() -> None:
    """A group cannot hold more members than its capacity."""
    with pytest.raises(InvalidInputError, match="at least the number of members"):
        Group("g", [Member("a", "action"), Member("b", "action")], 1)


def test_group_member_ids_must_be_unique() -> None:
    """Two members with one id in a group are refused."""
    with pytest.raises(InvalidInputError) as info:
        Group("g", [Member("a", "action"), Member("a", "maintenance")], 4)
    assert info.value.path.endswith(".id")


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"stage_band": ("action",)}, "stage_band"),
        ({"stage_band": ("action", "")}, "stage_band[1]"),
        ({"requires": {"age_band": []}}, "requires['age_band']"),
        ({"requires": {"age_band": "18-25"}}, "requires['age_band']"),
        ({"meets": "mon 09:00"}, "meets"),
        ({"meets": [1]}, "meets"),
        ({"timezone": "Nowhere"}, "timezone"),
        ({"focus": [None]}, "focus"),
    ],
)
def test_bad_group_fields_name_the_field(kwargs: dict[str, object], path: str) -> None:
    """Every bad group field raises InvalidInputError whose path names it."""
    with pytest.raises(InvalidInputError) as info:
        Group("g", (), 4, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_group_members_must_be_members() -> None:
    """Something other than a Member in members is refused with its index."""
    with pytest.raises(InvalidInputError) as info:
        Group("g", [Member("a", "action"), "b"], 4)  # type: ignore[list-item]
    assert info.value.path == "members[1]"


def test_group_band_given_as_list_becomes_tuple() -> None:
    """A stage band from JSON (a list) is kept as a tuple."""
    assert Group("g", (), 1, stage_band=["action", "maintenance"]).stage_band == (
        "action",
        "maintenance",
    )


# --- cohorts -----------------------------------------------------------------


def test_cohort_checks_stages_against_its_scale() -> None:
    """A member whose stage is not on the cohort's scale is refused, by position."""
    with pytest.raises(UnknownStageError) as info:
        Cohort([Member("a", "action"), Member("b", "growth")])
    assert info.value.path == "members[1].stage"
    assert (
        Cohort([Member("b", "growth")], scale=STAGES_OF_RECOVERY).members[0].id == "b"
    )


@given(journey_scales(), st.data())
def test_stage_not_on_scale_is_never_accepted(
    scale: JourneyScale, data: st.DataObject
) -> None:
    """For all scales and stages, a cohort accepts a member only if the stage is on its scale."""
    member = data.draw(members(STAGES_OF_CHANGE))
    if member.stage in scale:
        Cohort([member], scale=scale)
    else:
        with pytest.raises(UnknownStageError):
            Cohort([member], scale=scale)


def test_cohort_refuses_duplicate_ids_and_strangers_in_groups() -> None:
    """Member ids are unique, group ids are unique, and group members are cohort members."""
    a = Member("a", "action")
    with pytest.raises(InvalidInputError, match="unique within the cohort"):
        Cohort([a, Member("a", "maintenance")])
    with pytest.raises(InvalidInputError, match="listed in the cohort"):
        Cohort([a], groups=[Group("g", [Member("z", "action")], 3)])
    with pytest.raises(InvalidInputError, match="listed in the cohort"):
        Cohort([a], groups=[Group("g", [Member("a", "maintenance")], 3)])
    with pytest.raises(InvalidInputError, match="group ids unique"):
        Cohort([a], groups=[Group("g", (), 3), Group("g", (), 4)])
    with pytest.raises(UnknownStageError):
        Cohort([a], groups=[Group("g", (), 3, stage_band=("action", "growth"))])


def test_cohort_lookups() -> None:
    """member(), group() and unplaced find what they say, and refuse unknown ids."""
    a, b = Member("a", "action"), Member("b", "action")
    cohort = Cohort([b, a], groups=[Group("g", [a], 3)])
    assert cohort.member("b") is b
    assert cohort.group("g").member_ids == ("a",)
    assert cohort.unplaced == (b,)
    with pytest.raises(InvalidInputError):
        cohort.member("zz")
    with pytest.raises(InvalidInputError):
        cohort.group("zz")


@given(st.data())
def test_cohort_is_order_invariant(data: st.DataObject) -> None:
    """For all cohorts, listing members and groups in another order gives an equal cohort."""
    cohort = data.draw(cohorts(max_size=8))
    people = data.draw(st.permutations(cohort.members))
    groups = data.draw(st.permutations(cohort.groups))
    assert Cohort(people, groups=groups, scale=cohort.scale) == cohort


def test_values_are_exported_from_the_root() -> None:
    """The model types are reachable as peerkit.X."""
    assert peerkit.Member is Member
    assert peerkit.Cohort is Cohort


def test_frozen_mappings_compare_with_dicts_and_pickle() -> None:
    """A member's traits equal a plain dict with the same items, hash stably and pickle."""
    import pickle

    m = Member("a", "action", traits={"b": "2", "a": "1"})
    assert m.traits == {"a": "1", "b": "2"}
    assert list(m.traits) == ["a", "b"]
    assert m.traits != ["a", "b"]  # type: ignore[comparison-overlap]
    assert repr(m.traits) == "{'a': '1', 'b': '2'}"
    assert hash(m.traits) == hash(
        Member("a", "action", traits={"a": "1", "b": "2"}).traits
    )
    assert pickle.loads(pickle.dumps(m)) == m  # noqa: S301 - our own bytes


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("Stage.Close", 0.5, "m"), "code"),
        (("a", float("inf"), "m"), "weight"),
        (("a", 0.5, " "), "message"),
    ],
)
def test_bad_reasons_are_refused(
    args: tuple[object, object, object], path: str
) -> None:
    """A reason needs a dotted lower-case code, a finite weight and a message."""
    with pytest.raises(InvalidInputError) as info:
        peerkit.Reason(*args)  # type: ignore[arg-type]
    assert info.value.path == path


def test_lookups_and_bands_refuse_wrong_types() -> None:
    """Lookups by a non-string id and malformed bands are InvalidInputError, not TypeError."""
    cohort = Cohort([Member("a", "action")])
    for bad in (3, None):
        with pytest.raises(InvalidInputError):
            cohort.member(bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError):
            cohort.group(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        STAGES_OF_CHANGE.check_band(None)  # type: ignore[arg-type]
    with pytest.raises(UnknownStageError) as info:
        STAGES_OF_CHANGE.in_band("action", ("action", "growth"))
    assert info.value.path == "band[1]"


def test_availability_accepts_window_specs() -> None:
    """Members and groups read window specs where an availability is expected, as JSON does."""
    m = Member("a", "action", availability=["mon 18:00-21:00"])
    g = Group("g", (), 4, meets="tue 19:00-20:30")
    assert m.availability == WeeklyAvailability.parse("mon 18:00-21:00")
    assert g.meets.specs() == ("tue 19:00-20:30",)


def test_frozen_mapping_cannot_be_changed_after_construction() -> None:
    """A member's traits cannot be re-initialised or assigned to."""
    m = Member("a", "action", traits={"age_band": "26-40"})
    with pytest.raises(AttributeError):
        m.traits._data = {}  # type: ignore[attr-defined]
    m.traits.__init__({"age_band": "65+"})  # type: ignore[misc]
    assert m.traits == {"age_band": "26-40"}


def test_counts_have_a_sane_upper_bound() -> None:
    """A capacity or partner limit beyond a million is a mistake, named as such."""
    with pytest.raises(InvalidInputError, match="<= 1000000"):
        Member("a", "action", max_partners=10**5000)
    with pytest.raises(InvalidInputError):
        Group("g", (), 10**7)


# --- the one-pass reading of plain members (issue 15, faster JSON) ---------------

_ODD_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2_000_000),
    st.floats(allow_nan=False),
    st.sampled_from(
        ["", " a", "a ", "\ud800", "EST", "UTC", "action", "mon 09:00-10:00"]
    ),
    st.lists(st.sampled_from(["en", "", "x\ud800", " y", "mon 09:00-10:00", "never"])),
    st.dictionaries(
        st.sampled_from(["k", "", " k"]), st.sampled_from(["v", "", "\udc00"])
    ),
    st.text(max_size=5),
)


@given(members(), st.data())
def test_plain_member_reading_agrees_with_the_constructor(
    member: Member, data: st.DataObject
) -> None:
    """The one-pass member_from_plain gives what the constructor gives, or None; never a value the constructor refuses."""
    plain = peerkit.to_dict(member)
    assert member_from_plain(plain) == member
    assert member_from_plain(json.loads(json.dumps(plain))) == member
    fields = data.draw(st.lists(st.sampled_from([*sorted(plain), "extra"]), max_size=3))
    for field in fields:
        if data.draw(st.booleans()):
            plain.pop(field, None)
        else:
            plain[field] = data.draw(_ODD_JSON)
    fast = member_from_plain(plain)
    try:  # the detailed converter: the attrs constructor, every validator
        expected = converter.structure(plain, Member)
    except Exception:  # noqa: BLE001 - any refusal
        assert fast is None
    else:
        assert fast is None or (fast == expected and repr(fast) == repr(expected))


_windows = st.lists(
    st.builds(
        lambda day, start, length: Window(day, start, min(1440, start + length)),
        st.integers(0, 6),
        st.integers(0, 1439),
        st.integers(1, 600),
    ),
    max_size=6,
)


@given(_windows, _windows)
def test_the_windows_key_is_equal_exactly_when_the_availabilities_are(
    a: list[Window], b: list[Window]
) -> None:
    """For all pairs of window lists: the packed key (what a cold shortlist table hashes) is equal exactly when the availabilities are, reads back to the windows, and survives evolve and pickling."""
    first, second = WeeklyAvailability(a), WeeklyAvailability(b)
    assert (windows_key(first) == windows_key(second)) == (first == second)
    assert windows_of_key(windows_key(first)) == first.windows
    assert windows_key(attrs.evolve(first, windows=b)) == windows_key(second)
    again = pickle.loads(pickle.dumps(first))  # noqa: S301 - our own value
    assert again == first
    assert windows_key(again) == windows_key(first)
    assert windows_key(WeeklyAvailability(first.windows)) == windows_key(first)
