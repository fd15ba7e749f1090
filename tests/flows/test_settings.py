"""One settings object: flags, then environment, then minutes.toml (found upward from
the working directory), then defaults; every path absolute."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import Settings, SettingsError

NO_ENV: dict[str, str] = {}


def project(root: Path, text: str = "") -> Path:
    """A folder with a minutes.toml and a subfolder to work from."""
    (root / "minutes.toml").write_text(text, encoding="utf-8")
    (root / "reports" / "2024").mkdir(parents=True)
    return root / "reports" / "2024"


def test_config_is_found_upward_and_its_paths_are_relative_to_it(
    tmp_path: Path,
) -> None:
    cwd = project(tmp_path, 'warehouse = "db/w.duckdb"\nraw_dir = "raw"\n')
    settings = Settings.resolve(cwd=cwd, environ=NO_ENV)
    assert settings.warehouse == tmp_path / "db" / "w.duckdb"
    assert settings.raw_dir == tmp_path / "raw"
    assert settings.prefect_home == tmp_path / ".prefect"  # default, beside the toml
    assert settings.config == tmp_path / "minutes.toml"
    assert settings.origins["warehouse"] == str(tmp_path / "minutes.toml")


def test_environment_beats_config_and_flags_beat_both(tmp_path: Path) -> None:
    cwd = project(tmp_path, 'warehouse = "db/w.duckdb"\n')
    environ = {"MINUTES_WAREHOUSE": "env.duckdb", "PREFECT_HOME": "/srv/prefect"}
    from_env = Settings.resolve(cwd=cwd, environ=environ)
    assert from_env.warehouse == cwd / "env.duckdb"  # relative to the working dir
    assert from_env.prefect_home == Path("/srv/prefect")
    assert from_env.origins["warehouse"] == "MINUTES_WAREHOUSE"
    from_flag = Settings.resolve(Path("flag.duckdb"), cwd=cwd, environ=environ)
    assert from_flag.warehouse == cwd / "flag.duckdb"
    assert from_flag.origins["warehouse"] == "--warehouse"


def test_every_path_is_absolute(tmp_path: Path) -> None:
    settings = Settings.resolve(
        Path("w.duckdb"), Path("raw"), cwd=tmp_path, environ=NO_ENV
    )
    assert all(path.is_absolute() for _, path, _ in settings.describe())


def test_a_folder_as_warehouse_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.resolve(tmp_path, cwd=tmp_path, environ=NO_ENV)
    message = str(error.value)
    assert "is a folder" in message and str(tmp_path) in message
    assert "\n" not in message


def test_unknown_config_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    cwd = project(tmp_path, 'warehose = "typo.duckdb"\n')
    with pytest.raises(SettingsError) as error:
        Settings.resolve(cwd=cwd, environ=NO_ENV)
    assert str(tmp_path / "minutes.toml") in str(error.value)
    assert "'warehose'" in str(error.value)


def test_without_any_config_the_checkout_config_is_used(tmp_path: Path) -> None:
    from flows.settings import PROJECT_ROOT

    settings = Settings.resolve(cwd=tmp_path, environ=NO_ENV)
    assert settings.config == PROJECT_ROOT / "minutes.toml"
    assert settings.warehouse == PROJECT_ROOT / "data" / "warehouse" / "minutes.duckdb"
