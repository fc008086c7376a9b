"""The embedded sample cohort."""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

from peerkit._model import Cohort
from peerkit._serde import from_json

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


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


def sample_cohort_csv() -> Traversable:
    """
    The sample cohort's members as a CSV file, as a programme keeps a roster.

    One row per member in `peerkit.tables`' cell format: lists separated
    by ``;``, availability as window specs, a ``trait.NAME`` column per
    trait. `peerkit.tables.read_members` reads it into the members of
    `sample_cohort`; open it in a spreadsheet to see the format.

    Returns:
        The packaged file (a `pathlib.Path` in an ordinary installation);
        `read_members` takes it as it is, and ``.read_text()`` reads it.

    Examples:
        >>> from peerkit.tables import read_members
        >>> read_members(sample_cohort_csv()) == sample_cohort().members
        True

    Added in 0.2.
    """
    return resources.files("peerkit.datasets").joinpath("data/sample_cohort.csv")
