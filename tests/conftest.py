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
SAMPLES = ROOT / "data" / "raw" / "samples"
SITE_PARTS = ("texts/kittila", "dynasty/espoo", "turku/turku")  # quick to extract


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


def copy_sample_site(root: Path, parts: tuple[str, ...] = SITE_PARTS) -> Path:
    """Real documents of the bundled sample (with their listing.toml) as one folder
    source `site` under root; returns its sources.toml."""
    for part in parts:
        shutil.copytree(SAMPLES / part, root / "site" / Path(part).name)
    toml = root / "sources.toml"
    toml.write_text(
        '[[source]]\nname = "site"\nplatform = "folder"\nbase_url = "site"\n',
        encoding="utf-8",
    )
    return toml


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    """Five real items (Kittilä seeds, Espoo § 127 and an agenda, Turku § 195) as a
    folder source; returns its sources.toml."""
    return copy_sample_site(tmp_path / "sample")


@pytest.fixture(autouse=True)
def fast_polite_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawlers in tests: no delay between requests, short backoff and timeout."""
    monkeypatch.setenv("MINUTES_HTTP_DELAY", "0")
    monkeypatch.setenv("MINUTES_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("MINUTES_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("MINUTES_TASK_RETRY_DELAY", "0")


@pytest.fixture
def fetched_sample(tmp_path: Path):
    """The sample fetched into a raw zone as a folder source: (results, store),
    nothing extracted yet."""
    from flows.fetch import fetch_folder
    from flows.rawstore import RawStore
    from flows.sources import Source

    copy_sample_site(tmp_path)
    source = Source(
        name="site", platform="folder", base_url="site", config_dir=tmp_path
    )
    store = RawStore(tmp_path / "raw")
    return fetch_folder(source, store, None), store


def items_by_uri(results) -> dict[str, list]:
    """Each document's items, by its uri."""
    return {r.row.uri: list(r.items) for r in results}
