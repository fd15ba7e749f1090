"""Operating the flow: sources isolated from each other, resumable backfill,
reprocess history."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

import flows.nightly
from flows.fetch import FETCHERS
from flows.nightly import AllSourcesFailed, minutes_reprocess, minutes_run
from tests.flows.test_dynasty_crawl import site as dynasty_site  # noqa: F401
from tests.flows.test_run_flow import query
from tests.flows.test_web_flow import dynasty_entry, sources_file
from tests.sites import ReplaySite

pytestmark = pytest.mark.usefixtures("prefect_harness")


def folder_entry(folder: Path) -> str:
    return f'[[source]]\nname = "site"\nplatform = "folder"\nbase_url = "{folder}"\n'


def broken_dynasty(*args, **kwargs):
    raise RuntimeError("crawler bug")


def test_one_failing_source_does_not_fail_the_others(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(FETCHERS, "dynasty", broken_dynasty)
    entries = [
        folder_entry(sample_site.parent / "site"),
        '[[source]]\nname = "espoo"\nplatform = "dynasty"\nbase_url = "http://127.0.0.1:9/kokous/"\n',
    ]
    toml = sources_file(tmp_path, entries)
    summary = minutes_run(toml, [], None, tmp_path / "raw", tmp_path / "wh.duckdb")
    assert summary.status == "partial" and summary.counts.items_inserted == 5
    assert "crawler bug" in summary.failures["espoo"] and summary.exit_code == 3
    ((status, per_source),) = query(
        tmp_path / "wh.duckdb", "SELECT status, per_source FROM runs"
    )
    parts = json.loads(per_source)
    assert status == "partial"
    assert parts["espoo"]["status"] == "failed" and parts["site"]["items_inserted"] == 5


def test_every_source_failing_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(FETCHERS, "dynasty", broken_dynasty)
    toml = sources_file(
        tmp_path,
        [
            '[[source]]\nname = "espoo"\nplatform = "dynasty"\nbase_url = "http://127.0.0.1:9/"\n'
        ],
    )
    with pytest.raises(AllSourcesFailed):
        minutes_run(toml, [], None, tmp_path / "raw", tmp_path / "wh.duckdb")
    assert query(tmp_path / "wh.duckdb", "SELECT status FROM runs") == [("failed",)]


def test_interrupted_backfill_resumes_without_duplicates(
    dynasty_site: ReplaySite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    monkeypatch.setattr(flows.nightly, "BACKFILL_WINDOW", timedelta(days=10))
    toml = sources_file(tmp_path, [dynasty_entry(dynasty_site)])
    wh = tmp_path / "wh.duckdb"
    collector = flows.nightly.Collector
    real = {"_take": collector._take, "_end": collector._end}

    def killed_in_second_window(name: str):
        def step(self, pipeline, job, part, *rest):
            if job.window is not None and job.window[1] > date(2017, 5, 8):
                raise KeyboardInterrupt("killed")
            return real[name](self, pipeline, job, part, *rest)

        return step

    for name in real:
        monkeypatch.setattr(collector, name, killed_in_second_window(name))
    with pytest.raises(KeyboardInterrupt):
        minutes_run(toml, [], date(2017, 5, 8), tmp_path / "raw", wh, date(2017, 5, 31))
    assert query(wh, "SELECT section FROM items ORDER BY section") == [(127,), (147,)]
    assert query(wh, "SELECT window_start FROM backfill_windows") == [
        (date(2017, 5, 8),)
    ]
    assert query(wh, "SELECT status FROM runs") == [("cancelled",)]

    for name, step in real.items():
        monkeypatch.setattr(collector, name, step)
    dynasty_site.log.clear()
    resumed = minutes_run(
        toml, [], date(2017, 5, 8), tmp_path / "raw", wh, date(2017, 5, 31)
    )
    assert (
        "/kokous/2017406946.HTM" not in dynasty_site.hits()
    )  # window 1 not walked again
    assert resumed.counts.items_inserted == 1  # the agenda of 29.05
    assert query(wh, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(3, 3)]
    assert query(wh, "SELECT count(*) FROM backfill_windows") == [(0,)]


def test_reprocess_keeps_previous_versions(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes_run(sample_site, [], None, tmp_path / "raw", tmp_path / "wh.duckdb")
    import extractors.build

    original = extractors.build.build_item

    def shouting_titles(block, document, version):
        item = original(block, document, version)
        from dataclasses import replace

        return replace(item, title=(item.title or "").upper())

    monkeypatch.setattr(extractors, "build_item", shouting_titles)
    summary = minutes_reprocess(tmp_path / "raw", tmp_path / "wh.duckdb")
    assert summary.counts.items_updated == 5
    assert summary.counts.field_changes == {"title": 5}
    wh = tmp_path / "wh.duckdb"
    rows = query(
        wh,
        "SELECT version, changed_fields, json_extract_string(record, '$.title') FROM item_versions ORDER BY 3",
    )
    assert len(rows) == 5 and rows[0][0] == 1 and json.loads(rows[0][1]) == ["title"]
    assert rows[0][2][0].isupper() and not rows[0][2].isupper()  # the old value is kept
    assert query(wh, "SELECT field_changes FROM runs WHERE kind = 'reprocess'") == [
        ('{"title": 5}',)
    ]


def test_a_broken_run_is_recorded_failed_not_left_running(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost_api(self, *args):
        raise ConnectionError("the Prefect API went away")

    monkeypatch.setattr(flows.nightly.Collector, "_fetch", lost_api)
    monkeypatch.setattr(flows.nightly.Collector, "_done", lost_api)
    with pytest.raises(ConnectionError):
        minutes_run(sample_site, [], None, tmp_path / "raw", tmp_path / "wh.duckdb")
    assert query(tmp_path / "wh.duckdb", "SELECT status FROM runs") == [("failed",)]


def test_a_fetcher_can_end_a_source_in_its_own_state(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.results import SourceError, SourceFailed, SourceStatus

    def refused_by_the_site(*args, **kwargs):
        error = SourceError("http://127.0.0.1:9/", "ConfigError", "no such host")
        raise SourceFailed(error, SourceStatus.REFUSED)

    monkeypatch.setitem(FETCHERS, "dynasty", refused_by_the_site)
    entries = [
        folder_entry(sample_site.parent / "site"),
        '[[source]]\nname = "espoo"\nplatform = "dynasty"\nbase_url = "http://127.0.0.1:9/kokous/"\n',
    ]
    summary = minutes_run(
        sources_file(tmp_path, entries),
        [],
        None,
        tmp_path / "raw",
        tmp_path / "wh.duckdb",
    )
    assert summary.status == "partial"
    assert query(
        tmp_path / "wh.duckdb",
        "SELECT source, status, error_message FROM run_sources ORDER BY source",
    ) == [("espoo", "refused", "no such host"), ("site", "succeeded", None)]
