"""One settings object: where the warehouse, the raw zone and Prefect's state live.

Each path comes from, first found: a command-line flag, the environment
(`MINUTES_WAREHOUSE`, `MINUTES_RAW_DIR`, `PREFECT_HOME`), the project config
`minutes.toml` (searched upward from the working directory, else the checkout's own),
then the defaults below. Relative paths in minutes.toml are relative to that file,
relative flags and environment values to the working directory; once resolved every
path is absolute, so messages name exactly one place.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = PROJECT_ROOT / "samples.toml"
CONFIG_NAME = "minutes.toml"

ENVIRONMENT = {
    "warehouse": "MINUTES_WAREHOUSE",
    "raw_dir": "MINUTES_RAW_DIR",
    "prefect_home": "PREFECT_HOME",
}
DEFAULTS = {
    "warehouse": "data/warehouse/minutes.duckdb",
    "raw_dir": "data/raw",
    "prefect_home": ".prefect",
}
FLAGS = {"warehouse": "--warehouse", "raw_dir": "--raw-dir"}


class SettingsError(ValueError):
    """A path or the project config is unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """Absolute paths of the warehouse, the raw zone and Prefect's home."""

    warehouse: Path
    raw_dir: Path
    prefect_home: Path
    config: Path | None = None  # the minutes.toml that was read
    origins: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def resolve(
        cls,
        warehouse: Path | None = None,
        raw_dir: Path | None = None,
        cwd: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Flags, then environment, then minutes.toml, then defaults (see module)."""
        cwd = (cwd or Path.cwd()).resolve()
        environ = os.environ if environ is None else environ
        config = find_config(cwd)
        values = read_config(config) if config else {}
        base = config.parent if config else default_base()
        flags = {"warehouse": warehouse, "raw_dir": raw_dir, "prefect_home": None}
        paths: dict[str, Path] = {}
        origins: dict[str, str] = {}
        for key in DEFAULTS:
            paths[key], origins[key] = _pick(key, flags[key], environ, values, cwd)
            if origins[key] in ("config", "default"):
                paths[key] = (base / paths[key]).resolve()
            if origins[key] == "config":
                origins[key] = str(config)
        settings = cls(config=config, origins=origins, **paths)
        settings.check()
        return settings

    @classmethod
    def from_env(
        cls, raw_dir: Path | None = None, warehouse: Path | None = None
    ) -> Settings:
        """The settings for these flags (the older name of `resolve`)."""
        return cls.resolve(warehouse=warehouse, raw_dir=raw_dir)

    def check(self) -> None:
        """Refuse paths that cannot be what they name (a folder as the warehouse)."""
        if self.warehouse.is_dir():
            raise SettingsError(
                f"warehouse {self.warehouse} ({self.origins.get('warehouse')}) is a"
                f" folder; give a DuckDB file, e.g. {self.warehouse / 'minutes.duckdb'}"
            )
        for parent in self.warehouse.parents:
            if parent.exists() and not parent.is_dir():
                raise SettingsError(
                    f"warehouse {self.warehouse}: {parent} is a file, not a folder"
                )
        if self.raw_dir.exists() and not self.raw_dir.is_dir():
            raise SettingsError(
                f"raw zone {self.raw_dir} ({self.origins.get('raw_dir')}) is a file;"
                " give a folder"
            )

    def describe(self) -> list[tuple[str, Path, str]]:
        """(name, path, where it came from) of each setting, for messages."""
        return [
            (key, getattr(self, key), self.origins.get(key, "")) for key in DEFAULTS
        ]


def _pick(
    key: str,
    flag: Path | None,
    environ: Mapping[str, str],
    config: Mapping[str, str],
    cwd: Path,
) -> tuple[Path, str]:
    """One setting's value and origin; flags and environment against the cwd."""
    if flag is not None:
        return (cwd / flag).resolve(), FLAGS.get(key, key)
    name = ENVIRONMENT[key]
    if environ.get(name):
        return (cwd / environ[name]).resolve(), name
    if key in config:
        return Path(config[key]), "config"
    return Path(DEFAULTS[key]), "default"


def find_config(start: Path) -> Path | None:
    """The nearest minutes.toml in `start` or above, else the checkout's own."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    own = PROJECT_ROOT / CONFIG_NAME
    return own if own.is_file() else None


def read_config(path: Path) -> dict[str, str]:
    """The settings of a minutes.toml; unknown keys are errors naming the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: {error}") from error
    for key, value in data.items():
        if key not in DEFAULTS:
            known = ", ".join(DEFAULTS)
            raise SettingsError(f"{path}: unknown key '{key}' (known: {known})")
        if not isinstance(value, str) or not value:
            raise SettingsError(f"{path}: '{key}' must be a non-empty path string")
    return dict(data)


def default_base() -> Path:
    """Where data goes without any minutes.toml: the user's data folder."""
    home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(home) / "minutes"


TASK_RUNNERS = ("processes", "dask")


@dataclass(frozen=True)
class Parallelism:
    """Where extraction runs: `processes` (worker processes on this machine, one
    per core: the default) or `dask` (Prefect's DaskTaskRunner: a local Dask cluster,
    or the existing one at `dask_address`). From, first found: the flags
    `--task-runner` / `--dask-address`, the environment `MINUTES_TASK_RUNNER` /
    `MINUTES_DASK_ADDRESS`, then the default; an address alone means dask."""

    task_runner: str = "processes"
    dask_address: str | None = None
    workers: int | None = None  # of a local Dask cluster (None: the cores)

    @classmethod
    def resolve(
        cls,
        task_runner: str | None = None,
        dask_address: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Parallelism:
        """Flags, then environment, then the default (see the class)."""
        environ = os.environ if environ is None else environ
        address = dask_address or environ.get("MINUTES_DASK_ADDRESS") or None
        runner = task_runner or environ.get("MINUTES_TASK_RUNNER") or None
        if runner is None:
            runner = "dask" if address else "processes"
        if runner not in TASK_RUNNERS:
            raise SettingsError(
                f"task runner '{runner}' is unknown; give one of"
                f" {', '.join(TASK_RUNNERS)}"
            )
        if runner != "dask":
            if dask_address:
                raise SettingsError("--dask-address needs --task-runner dask")
            address = None
        return cls(runner, address)


PREFECT_DEFAULTS = {
    # INFO reaches the Prefect UI (run logs); the console shows WARNING and up.
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


def configure_prefect(settings: Settings | None = None) -> None:
    """Prefect's home and quiet defaults, unless the operator set them already.
    Call before importing prefect."""
    home = (settings or Settings.resolve()).prefect_home
    for name, value in {"PREFECT_HOME": str(home), **PREFECT_DEFAULTS}.items():
        if not os.environ.get(name):
            os.environ[name] = value
