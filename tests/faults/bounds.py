"""How many hypothesis examples the fault suite tries, and how reproducibly.

By default every property test runs a fixed, small number of examples, the same on
every run (`derandomize=True`, no example database): CI is reproducible and the suite
stays within its time. For a longer hunt on a workstation:

    MINUTES_FAULTS_SCALE=10 MINUTES_FAULTS_RANDOM=1 .venv/bin/python -m pytest tests/faults

tries ten times as many examples, and other ones on every run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("MINUTES_FAULTS_SCALE", "1"))
RANDOM = os.environ.get("MINUTES_FAULTS_RANDOM") == "1"


def bounded(examples: int) -> settings:
    """Settings for `examples` examples (times SCALE): reproducible unless RANDOM, no
    deadline per example (a document's time limit bounds the slow ones)."""
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # `faults` only records
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
