"""The nightly deployment, defined in code: `minutes serve` serves it from this
process; prefect.yaml declares the same deployment for a Prefect server with workers."""

from __future__ import annotations

from typing import Any

from prefect.schedules import Cron, Schedule

from flows.nightly import minutes_run
from flows.settings import PROJECT_ROOT, Parallelism

DEPLOYMENT = "minutes-nightly"
CRON = "0 3 * * *"
TIME_ZONE = "Europe/Helsinki"
SOURCES = PROJECT_ROOT / "sources.toml"


def nightly_schedule() -> Schedule:
    """Every night at 03:00 Helsinki time (DST handled by the time zone)."""
    return Cron(CRON, timezone=TIME_ZONE)


def deployment_options() -> dict[str, Any]:
    """Name, schedule, parameters and tags of the nightly deployment."""
    return {
        "name": DEPLOYMENT,
        "schedules": [nightly_schedule()],
        "parameters": {"sources_file": str(SOURCES)},
        "tags": ["minutes", "nightly"],
        "description": "Fetch, extract and load every source of sources.toml.",
    }


def serve_nightly() -> None:
    """Serve the deployment until interrupted (Ctrl-C); its runs extract as
    MINUTES_TASK_RUNNER / MINUTES_DASK_ADDRESS say (default: worker processes)."""
    from flows.runners import with_runner

    with_runner(minutes_run, Parallelism.resolve()).serve(**deployment_options())
