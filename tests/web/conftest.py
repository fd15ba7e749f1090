"""The bundled sample loaded by the real flow (as `make run` does) into a temporary
warehouse and raw zone, once per session, and a test client of the browse app.

Besides samples.toml's sources the sample gets Turku's fixture page, an item whose
case was handled four times before (a timeline lautakunta → hallitus)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flows.settings import PROJECT_ROOT, SAMPLE_SOURCES

TURKU = PROJECT_ROOT / "tests" / "fixtures" / "turku"
EXTRA = """
[[source]]
name = "turku-fixture"
municipality = "Turku"
platform = "folder"
base_url = "fixtures/turku"
"""


@dataclass(frozen=True)
class Sample:
    """A loaded sample: the warehouse file and its raw zone."""

    warehouse: Path
    raw_dir: Path


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Sample:
    """`minutes run` over samples.toml into a temporary warehouse."""
    from flows.nightly import minutes_run

    root = tmp_path_factory.mktemp("browse-sample")
    shutil.copytree(
        PROJECT_ROOT / "data" / "raw" / "samples", root / "data/raw/samples"
    )
    shutil.copytree(TURKU, root / "fixtures" / "turku")
    sources = root / "sources.toml"
    sources.write_text(SAMPLE_SOURCES.read_text("utf-8") + EXTRA, encoding="utf-8")
    minutes_run(sources, [], None, root / "raw", root / "minutes.duckdb")
    return Sample(root / "minutes.duckdb", root / "raw")


@pytest.fixture(scope="session")
def client(sample: Sample) -> TestClient:
    """A test client of the app over the sample (English unless asked)."""
    from web.app import create_app

    with TestClient(create_app(sample.warehouse, sample.raw_dir)) as test_client:
        yield test_client
