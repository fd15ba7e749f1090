"""Shared fixtures. Prefect state goes to a temp dir so test runs never collide."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="minutes-prefect-")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "data" / "raw" / "samples" / "kittila"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    """A copy of the bundled samples with its own sources.toml; returns the toml."""
    folder = tmp_path / "site" / "kittila"
    shutil.copytree(SAMPLES, folder)
    toml = tmp_path / "site" / "sources.toml"
    toml.write_text(
        '[[source]]\nname = "kittila"\nmunicipality = "Kittilä"\n'
        'platform = "folder"\nbase_url = "kittila"\n',
        encoding="utf-8",
    )
    return toml


@pytest.fixture(autouse=True)
def fast_polite_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawlers in tests: no delay between requests, short backoff and timeout."""
    monkeypatch.setenv("MINUTES_HTTP_DELAY", "0")
    monkeypatch.setenv("MINUTES_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("MINUTES_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("MINUTES_TASK_RETRY_DELAY", "0")
