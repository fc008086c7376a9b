"""
The reference week and the sample cohort that the matching tests decide on.

Test helper: one definition of the period every test's decisions are for,
so that the tests and the exhaustive solver agree on it.
"""

import datetime as dt

from peerkit import week_span
from peerkit.datasets import sample_cohort

WEEK = week_span(dt.date(2026, 1, 12), timezone="UTC")
"""The period the tests' decisions are for: one week with no clock change."""

COHORT = sample_cohort()
"""The packaged sample cohort."""

MEMBERS = COHORT.members
"""The sample cohort's members, in its order."""
