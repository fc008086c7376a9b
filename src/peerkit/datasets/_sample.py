"""The embedded sample cohort."""

from __future__ import annotations

import functools
from importlib import resources

from peerkit._model import Cohort
from peerkit._serde import from_json


@functools.cache
def sample_cohort() -> Cohort:
    """
    The sample cohort shipped with peerkit: 60 members and 5 groups.

    Members live in 15 time zones on five continents and are at every
    stage of `peerkit.STAGES_OF_CHANGE`; ids are first names. It is made
    up, resembles no real person, and is the same in every release unless
    the changelog says otherwise. The value is immutable, so it is read
    once and shared (threads included); a read that fails caches nothing.

    Examples:
        >>> cohort = sample_cohort()
        >>> len(cohort.members), len(cohort.groups)
        (60, 5)

    Added in 0.1.
    """
    text = resources.files("peerkit.datasets").joinpath("data/sample_cohort.json")
    return from_json(Cohort, text.read_text(encoding="utf-8"))
