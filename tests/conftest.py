"""Shared test configuration: hypothesis profiles."""

import os

from hypothesis import HealthCheck, settings

# dev: quick feedback while working. ci: more examples, reproducible, no
# deadline (CI machines are shared and noisy; no test asserts on time).
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)
