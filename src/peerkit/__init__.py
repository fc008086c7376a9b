"""
peerkit: peer-support building blocks as pure functions over frozen values.

The core lives here: the domain model, the time-window algebra, reasons,
errors and serialization. The capabilities live in `peerkit.matching`,
`peerkit.scheduling`, `peerkit.engagement` and `peerkit.outcomes`;
`peerkit.testing` has hypothesis strategies, `peerkit.datasets` sample data,
and `peerkit.tables` reads rosters from CSV or DataFrames and writes results
back as rows.
"""

from importlib import metadata as _metadata

from peerkit._availability import (
    WEEKDAYS,
    WeeklyAvailability,
    Window,
    common_intervals,
    overlap_minutes,
)
from peerkit._explain import Reason
from peerkit._instants import local_instant
from peerkit._intervals import (
    Interval,
    intersect_intervals,
    merge_intervals,
    total_minutes,
    week_span,
)
from peerkit._model import (
    STAGES_OF_CHANGE,
    STAGES_OF_RECOVERY,
    Cohort,
    Group,
    JourneyScale,
    Member,
)
from peerkit._serde import from_dict, from_json, to_dict, to_json
from peerkit.errors import (
    InvalidInputError,
    InvalidRowsError,
    PeerkitError,
    UnknownStageError,
)

try:
    __version__ = _metadata.version("peerkit")
except (
    _metadata.PackageNotFoundError
):  # pragma: no cover - running from a bare source tree
    __version__ = "0.0.0"

__all__ = [
    "STAGES_OF_CHANGE",
    "STAGES_OF_RECOVERY",
    "WEEKDAYS",
    "Cohort",
    "Group",
    "Interval",
    "InvalidInputError",
    "InvalidRowsError",
    "JourneyScale",
    "Member",
    "PeerkitError",
    "Reason",
    "UnknownStageError",
    "WeeklyAvailability",
    "Window",
    "__version__",
    "common_intervals",
    "from_dict",
    "from_json",
    "intersect_intervals",
    "local_instant",
    "merge_intervals",
    "overlap_minutes",
    "to_dict",
    "to_json",
    "total_minutes",
    "week_span",
]
