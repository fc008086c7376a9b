"""Matching under threads, and caches that an interrupted fill cannot poison."""

import datetime as dt
import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pytest

import peerkit.matching._pairs as pairs_module
from peerkit import Reason
from peerkit.matching import (
    PartnerPolicy,
    form_groups,
    group_fit,
    match_partners,
    partner_fit,
    rank_groups,
)
from peerkit.matching._fit import judged_weeks
from reference import COHORT, MEMBERS, WEEK
from threads import in_threads


class Interrupted(BaseException):
    """Stands in for a KeyboardInterrupt arriving in the middle of a cache fill."""


def _calls() -> list[tuple[str, Callable[[], object]]]:
    """Every matching entry point that builds or reads a cache, on sample data."""
    ada, group = COHORT.member("ada"), COHORT.groups[0]
    return [
        *(
            (
                f"partner_fit {a.id} {b.id}",
                lambda a=a, b=b: partner_fit(a, b, during=WEEK),
            )
            for a, b in zip(MEMBERS[:12], MEMBERS[12:24], strict=True)
        ),
        ("match_partners", lambda: match_partners(COHORT, during=WEEK)),
        ("group_fit", lambda: group_fit(ada, group, during=WEEK)),
        ("rank_groups", lambda: rank_groups(ada, COHORT, during=WEEK)),
        (
            "form_groups",
            lambda: form_groups(MEMBERS[:24], min_size=3, max_size=6, during=WEEK),
        ),
    ]


def test_matching_from_eight_threads_equals_serial() -> None:
    """partner_fit, match_partners, group_fit, rank_groups and form_groups run from 8 threads at once give exactly the serial results."""
    calls = _calls()
    pairs_module._shared_reason.cache_clear()
    serial = {name: call() for name, call in calls}
    pairs_module._shared_reason.cache_clear()
    work = [(name, call) for _ in range(3) for name, call in calls]
    results = in_threads([call for _, call in work])
    assert len(results) == 3 * len(calls)
    for (name, _), result in zip(work, results, strict=True):
        assert result == serial[name], name


def _table(grid_limit: int, monkeypatch: pytest.MonkeyPatch) -> pairs_module.Table:
    """A partner table of the sample cohort, with overlaps kept as a grid or by key."""
    monkeypatch.setattr(pairs_module, "_GRID_LIMIT", grid_limit)
    term = (
        dt.datetime(2026, 1, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 6, tzinfo=dt.UTC),
    )
    return pairs_module.Table(MEMBERS, PartnerPolicy(), judged_weeks(term))


def _every_pair(n: int) -> tuple[np.ndarray, np.ndarray]:
    u, v = np.triu_indices(n, 1)
    return u.astype(np.int64), v.astype(np.int64)


@pytest.mark.parametrize("grid_limit", [0, 10_000], ids=["by-key", "grid"])
def test_one_table_shared_by_eight_threads_agrees(
    grid_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads filling one table's overlap cache at once all get the overlaps a fresh table gives."""
    expected = _table(grid_limit, monkeypatch).overlap(*_every_pair(len(MEMBERS)))
    shared = _table(grid_limit, monkeypatch)
    u, v = _every_pair(len(MEMBERS))
    slices = [slice(k, None, 8) for k in range(8)] * 2

    def run(part: slice) -> np.ndarray:
        return shared.overlap(u[part], v[part])

    got = in_threads([partial(run, part) for part in slices])
    assert len(got) == len(slices)
    for part, values in zip(slices, got, strict=True):
        assert np.array_equal(values, expected[part])


@pytest.mark.parametrize("grid_limit", [0, 10_000], ids=["by-key", "grid"])
def test_an_interrupted_overlap_fill_leaves_the_table_right(
    grid_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interruption in the middle of filling a table's overlaps leaves nothing half-built: the next call is right."""
    expected = _table(grid_limit, monkeypatch).overlap(*_every_pair(len(MEMBERS)))
    table = _table(grid_limit, monkeypatch)
    real = pairs_module.Table._count
    calls: list[int] = []

    def interrupted_once(
        self: pairs_module.Table, a: np.ndarray, b: np.ndarray, *rest: Any
    ) -> np.ndarray:
        calls.append(len(a))
        if len(calls) == 1:
            real(self, a, b, *rest)  # the work is done, then the interruption lands
            raise Interrupted
        return real(self, a, b, *rest)

    monkeypatch.setattr(pairs_module.Table, "_count", interrupted_once)
    u, v = _every_pair(len(MEMBERS))
    with pytest.raises(Interrupted):
        table.overlap(u, v)
    assert np.array_equal(table.overlap(u, v), expected)
    assert len(calls) == 2


def test_an_interrupted_reason_fill_leaves_partner_fit_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reason whose construction is interrupted is not cached: the next partner_fit is the one a cold cache gives."""
    a, b = MEMBERS[0], MEMBERS[1]
    expected = partner_fit(a, b, during=WEEK)
    pairs_module._shared_reason.cache_clear()
    real = Reason
    raised: list[tuple[object, ...]] = []

    def interrupted_once(*args: object) -> object:
        if not raised:
            raised.append(args)
            raise Interrupted
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pairs_module, "Reason", interrupted_once)
    with pytest.raises(Interrupted):
        partner_fit(a, b, during=WEEK)
    assert raised
    assert partner_fit(a, b, during=WEEK) == expected


def test_shared_reasons_key_on_the_exact_weight() -> None:
    """A reason of weight -0.0 and one of 0.0 share a cache entry only as 0.0: the cached value never depends on which came first."""
    pairs_module._shared_reason.cache_clear()
    negative = pairs_module._reason("x.test", -0.0, "A message.")
    positive = pairs_module._reason("x.test", 0.0, "A message.")
    assert negative is positive
    assert math.copysign(1.0, positive.weight) == 1.0


def test_a_tables_features_and_grid_are_read_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once built, a table's feature arrays and its overlap grid cannot be written to."""
    table = _table(10_000, monkeypatch)
    table.overlap(*_every_pair(4))
    arrays = [table.stage, table.masks, table.hours, table.pattern, table.active]
    arrays.append(table._grid)  # type: ignore[arg-type]  # built by the call above
    assert len(arrays) == 6
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[0]
