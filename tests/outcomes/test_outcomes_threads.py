"""Outcomes and the sample data under threads: caches filled once, never half-built."""

from collections.abc import Callable

import pytest

from peerkit.datasets import (
    _engagement,
    _outcomes,
    _sample,
    sample_cohort,
    sample_engagement,
    sample_outcomes,
)
from peerkit.outcomes import (
    PHQ9,
    combined_recovery,
    expected_change,
    feedback_trend,
    on_track,
    programme_outcomes,
    risk_flags,
)
from threads import in_threads

THREADS = 8


def _summary() -> object:
    sample = sample_outcomes()
    return programme_outcomes(
        sample.of(PHQ9),
        instrument=PHQ9,
        baseline_period=sample.baseline_period,
        followup_period=sample.followup_period,
        members=[m.id for m in sample_cohort().members],
    )


def _trends() -> object:
    sample = sample_outcomes()
    return feedback_trend(sample.ratings, now=sample.now)


def _recovery() -> object:
    return combined_recovery(sample_outcomes().measurements)


def _on_track() -> object:
    scores = sample_outcomes().of(PHQ9)
    expected = expected_change(scores, instrument=PHQ9)
    first = scores[0].member_id
    own = [m for m in scores if m.member_id == first]
    return on_track(own, instrument=PHQ9, expected=expected), risk_flags(scores)


CALLS: dict[str, Callable[[], object]] = {
    "sample_cohort": sample_cohort,
    "sample_outcomes": sample_outcomes,
    "programme_outcomes": _summary,
    "feedback_trend": _trends,
    "combined_recovery": _recovery,
    "on_track": _on_track,
}


def _clear_caches() -> None:
    for cached in (sample_cohort, sample_engagement, sample_outcomes):
        cached.cache_clear()


def test_eight_threads_at_once_get_the_serial_results() -> None:
    """Every call from 8 threads at once, from cold caches, equals the serial result."""
    serial = {name: call() for name, call in CALLS.items()}
    _clear_caches()
    work = [(name, call) for _ in range(THREADS) for name, call in CALLS.items()]
    results = in_threads([call for _, call in work], threads=THREADS)
    assert len(results) == THREADS * len(CALLS)
    for (name, _), result in zip(work, results, strict=True):
        assert result == serial[name], name


class _FillInterruptedError(Exception):
    """Stands for anything that stops a cache fill halfway."""


@pytest.mark.parametrize(
    ("module", "name", "cached"),
    [
        (_sample, "from_json", sample_cohort),
        (_engagement, "simulate_engagement", sample_engagement),
        (_outcomes, "simulate_outcomes", sample_outcomes),
    ],
)
def test_an_interrupted_fill_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    cached: Callable[[], object],
) -> None:
    """A fill that fails partway caches nothing: the next call builds the right value."""
    serial = cached()
    _clear_caches()

    def interrupt(*_args: object, **_kwargs: object) -> object:
        raise _FillInterruptedError

    with monkeypatch.context() as patch:
        patch.setattr(module, name, interrupt)
        with pytest.raises(_FillInterruptedError):
            cached()
    assert cached() == serial
