"""
Reports the monitor builds on its fast path behave as public ones in every way.

And `detect_drift` reads the caller's list or tuple in place without changing it.
"""

import copy
import pickle

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import peerkit
from peerkit import InvalidInputError
from peerkit.engagement import (
    Activity,
    DriftMonitor,
    DriftReport,
    Touchpoint,
    detect_drift,
)

START = pendulum.datetime(2026, 3, 1, 9)
steps = st.lists(
    st.tuples(
        st.sampled_from(["kept", "missed", "excused", "activity"]),
        st.integers(0, 400),  # hours since the previous event
        st.sampled_from(["ada", "bo"]),
    ),
    min_size=1,
    max_size=40,
)


def _events(track: list[tuple[str, int, str]]) -> list[Touchpoint | Activity]:
    at, out = START, []
    for what, hours, who in track:
        at = at.add(hours=hours)
        out.append(
            Activity(who, at) if what == "activity" else Touchpoint(who, at, what)  # type: ignore[arg-type]
        )
    return out


@settings(max_examples=40)
@given(steps)
def test_observed_reports_survive_every_generic_operation(
    track: list[tuple[str, int, str]],
) -> None:
    """For all histories, each observed report is a DriftReport through copy, pickle, evolve, asdict and JSON."""
    monitor = DriftMonitor()
    for event in _events(track):
        report = monitor.observe(event)
        public = DriftReport(**attrs.asdict(report, recurse=False))
        for twin in (
            public,
            copy.copy(report),
            copy.deepcopy(report),
            pickle.loads(pickle.dumps(report)),  # noqa: S301 - our own bytes
            attrs.evolve(report),
            peerkit.from_json(DriftReport, peerkit.to_json(report)),
        ):
            assert type(twin) is DriftReport
            assert twin == report
            assert report == twin
            assert hash(twin) == hash(report)
            assert repr(twin) == repr(report)
        assert attrs.asdict(report) == attrs.asdict(public)
        assert peerkit.to_json(report) == peerkit.to_json(public)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            report.severity = 1.0  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del report.severity


@settings(max_examples=40)
@given(steps)
def test_detect_drift_leaves_the_callers_sequence_alone(
    track: list[tuple[str, int, str]],
) -> None:
    """For all histories, a list, a tuple and a generator give the same reports; the list is unchanged."""
    events = _events(track)
    now = START.add(years=1)
    given_list = list(events)
    from_list = detect_drift(given_list, now=now)
    assert given_list == events
    assert all(a is b for a, b in zip(given_list, events, strict=True))
    assert detect_drift(tuple(events), now=now) == from_list
    assert detect_drift(iter(events), now=now) == from_list
    touchpoints = [e for e in events if isinstance(e, Touchpoint)]
    kept = list(touchpoints)
    detect_drift(kept, now=now)
    assert kept == touchpoints


@pytest.mark.parametrize("container", [list, tuple, iter])
def test_a_stray_item_is_named_by_its_index(container: type) -> None:
    """Anything but a Touchpoint or Activity is refused, its index named."""
    events = [Touchpoint("ada", START, "kept"), Activity("ada", START), "kept"]
    with pytest.raises(InvalidInputError) as info:
        detect_drift(container(events), now=START.add(days=1))
    assert info.value.path == "touchpoints[2]"
