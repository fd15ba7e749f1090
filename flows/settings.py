"""One typed settings object: paths and defaults, overridable by environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = PROJECT_ROOT / "samples.toml"


@dataclass(frozen=True)
class Settings:
    """Where the raw zone and the warehouse live."""

    raw_dir: Path
    warehouse: Path

    @classmethod
    def from_env(
        cls, raw_dir: Path | None = None, warehouse: Path | None = None
    ) -> Settings:
        """Flags first, then MINUTES_RAW_DIR / MINUTES_WAREHOUSE, then the data/
        defaults."""
        return cls(
            raw_dir=raw_dir or Path(os.environ.get("MINUTES_RAW_DIR", "data/raw")),
            warehouse=warehouse
            or Path(
                os.environ.get("MINUTES_WAREHOUSE", "data/warehouse/minutes.duckdb")
            ),
        )


def configure_prefect() -> None:
    """Keep Prefect's state inside the project and its console quiet, unless the
    operator set these already. Call before importing prefect."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")
