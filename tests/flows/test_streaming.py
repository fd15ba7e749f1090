"""Fetch streams into the writer: documents are handed over a chunk at a time
through a bounded channel, so a fetch runs at most a few chunks ahead of the load
(a source is never held whole in memory), and what a failed fetch handed over
stays loaded."""

from __future__ import annotations

import shutil
import threading
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from flows import nightly, stop, stream
from flows.fetch import FETCHERS
from flows.nightly import minutes_run
from flows.results import DocumentResult
from flows.stream import Channel, Chunk, Emitter, End


def document(uri: str) -> DocumentResult:
    return DocumentResult(row=None, uri=uri, is_new=True)


def test_documents_go_on_a_chunk_at_a_time_the_rest_when_flushed() -> None:
    channel = Channel(size=10)
    emitter = Emitter(7, channel, size=2)
    emitter.begin_try()
    for name in "abcde":
        emitter(document(name))
    emitter.flush()
    chunks = []
    while (message := channel.poll()) is not None:
        assert isinstance(message, Chunk) and message.job == 7
        chunks.append([result.uri for result in message.documents])
    assert chunks == [["a", "b"], ["c", "d"], ["e"]]


def test_a_retried_fetch_hands_on_only_what_the_first_try_did_not() -> None:
    channel = Channel(size=10)
    emitter = Emitter(0, channel, size=1)
    emitter.begin_try()
    emitter(document("a"))
    emitter(document("b"))  # then the crawler broke
    emitter.begin_try()
    for name in "abc":
        emitter(document(name))
    uris = []
    while (message := channel.poll()) is not None:
        assert isinstance(message, Chunk)
        uris += [result.uri for result in message.documents]
    assert uris == ["a", "b", "c"]
    assert emitter.failed == 3  # rows None: documents that could not be fetched


def test_what_an_emitter_keeps_for_a_retry_is_small_whatever_the_uris() -> None:
    """20,000 documents with 120-character uris handed on and taken by the writer:
    the emitter keeps each uri's digest (16 bytes), not the uri (a set of them
    kept ~200 bytes a document), and a retry still knows them all."""
    channel = Channel(size=100)
    emitter = Emitter(0, channel, size=50)
    emitter.begin_try()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(20_000):
            emitter(document(f"https://example.invalid/{n:08d}/" + "x" * 88))
            while channel.poll() is not None:  # the writer takes them
                pass
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 20_000 * 24
    emitter.begin_try()
    emitter(document(f"https://example.invalid/{19_999:08d}/" + "x" * 88))
    emitter(document("https://example.invalid/new"))
    emitter.flush()
    message = channel.poll()
    assert isinstance(message, Chunk)
    assert [r.uri for r in message.documents] == ["https://example.invalid/new"]


def test_a_full_channel_holds_the_fetch_until_the_writer_takes() -> None:
    channel = Channel(size=1)
    channel.put(End(0))
    put = threading.Thread(target=channel.put, args=(End(1),), daemon=True)
    put.start()
    put.join(timeout=1)
    assert put.is_alive()  # waiting: the channel is full
    assert channel.take() == End(0)
    put.join(timeout=5)
    assert not put.is_alive() and channel.take() == End(1)


def test_a_closed_channel_ends_a_waiting_fetch() -> None:
    channel = Channel(size=1)
    channel.put(End(0))
    ended: list[BaseException] = []

    def fetch() -> None:
        try:
            channel.put(End(1))
        except stop.Stopped as error:
            ended.append(error)

    put = threading.Thread(target=fetch, daemon=True)
    put.start()
    channel.close()
    put.join(timeout=5)
    assert not put.is_alive() and len(ended) == 1
    with pytest.raises(stop.Stopped):
        channel.put(End(2))  # nor is a new one handed over


def folder_of(site: Path, copies: int) -> Path:
    """The sample site's sources.toml with its documents copied `copies` times."""
    folder = site.parent / "site"
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == "listing.toml":
            continue
        for number in range(1, copies):
            path.with_name(f"{path.stem}-{number}{path.suffix}").write_bytes(
                path.read_bytes()
            )
    return site


@pytest.mark.usefixtures("prefect_harness")
def test_a_fetch_runs_at_most_the_channel_ahead_of_the_writer(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CHUNK_DOCUMENTS", 1)
    monkeypatch.setattr(stream, "CHANNEL_CHUNKS", 1)
    folder_of(sample_site, 4)  # 20 documents
    handed: list[int] = []
    real_emit = Emitter.__call__

    def counted(self: Emitter, result: DocumentResult) -> None:
        handed.append(1)
        real_emit(self, result)

    ahead: list[int] = []
    taken: list[int] = []
    real_take = nightly.Collector._take

    def watched(self, pipeline, job, part, documents) -> None:  # type: ignore[no-untyped-def]
        taken.append(len(documents))
        ahead.append(len(handed) - sum(taken))
        real_take(self, pipeline, job, part, documents)

    monkeypatch.setattr(Emitter, "__call__", counted)
    monkeypatch.setattr(nightly.Collector, "_take", watched)
    summary = minutes_run(sample_site, [], None, tmp_path / "raw", tmp_path / "wh")
    assert summary.counts.documents_new == len(handed) == sum(taken) == 20
    # one chunk in the channel, one waiting to go in, one being read: never more
    assert max(ahead) <= 2, ahead


@pytest.mark.usefixtures("prefect_harness")
def test_what_a_failed_fetch_handed_over_is_loaded_the_source_failed(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(sample_site.parent / "site", sample_site.parent / "other")
    text = sample_site.read_text(encoding="utf-8")
    other = text.replace('"site"', '"other"')
    sample_site.write_text(text + other)
    real = FETCHERS["folder"]
    tries: list[int] = []

    def breaks_after_two(source, store, since, until=None, emit=None):  # type: ignore[no-untyped-def]
        if source.name == "other":
            return real(source, store, since, until, emit)
        tries.append(1)
        passed: list[DocumentResult] = []

        def two_then_break(result: DocumentResult) -> None:
            if len(passed) == 2:
                raise RuntimeError("the crawler broke")
            passed.append(result)
            emit(result)

        return real(source, store, since, until, two_then_break)

    monkeypatch.setitem(FETCHERS, "folder", breaks_after_two)
    summary = minutes_run(sample_site, [], None, tmp_path / "raw", tmp_path / "wh")
    assert len(tries) == 2  # the fetch task's retry, which broke again
    assert list(summary.failures) == ["site"]
    assert "the crawler broke" in summary.failures["site"]
    site, other = summary.outcomes
    assert site.counts.documents_new == 2  # once each, not again from the retry
    assert other.counts.documents_new == 5
    con = duckdb.connect(str(tmp_path / "wh"), read_only=True)
    try:
        loaded = con.execute(
            "SELECT count(*) FROM documents WHERE uri LIKE 'site/%'"
        ).fetchone()
        marks = con.execute("SELECT DISTINCT source FROM watermarks").fetchall()
        status = con.execute(
            "SELECT source, status FROM run_sources ORDER BY source"
        ).fetchall()
    finally:
        con.close()
    assert loaded == (2,)
    assert marks == [("other",)]  # not past what was never fetched
    assert status == [("other", "succeeded"), ("site", "failed")]


def test_a_batch_that_fails_fails_its_part_not_the_batch_sent_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sources' chunks interleave in the writer: when the batch in flight (part a)
    cannot be extracted as part b's batch comes, a fails and b's batch goes on."""
    from types import SimpleNamespace

    from flows.load import RunCounts
    from flows.nightly import Collector, Part, Pipeline

    def extract(
        documents: list[DocumentResult], raw_dir: object, sent: object
    ) -> list[DocumentResult]:
        if documents[0].uri.startswith("a"):
            raise RuntimeError("the worker died")
        return list(documents)  # extracted: a new list

    monkeypatch.setattr(nightly, "extract_soon", lambda documents, raw_dir: None)
    monkeypatch.setattr(nightly, "extract", extract)
    loaded: list[list[str]] = []
    monkeypatch.setattr(
        nightly,
        "load_task",
        lambda con, run, results, *rest: (
            loaded.append([r.uri for r in results.unquote()]) or RunCounts()
        ),
    )
    collector = Collector.__new__(Collector)
    failed: list[str] = []
    monkeypatch.setattr(
        collector, "_fail", lambda source, status, error: failed.append(source.name)
    )
    a, b = (
        Part(name, RunCounts(), name, origin=SimpleNamespace(name=name, base_url=name))  # type: ignore[arg-type]
        for name in "ab"
    )
    pipeline = Pipeline(None, None, None)  # type: ignore[arg-type]
    collector._send(pipeline, [document("a1")], a)
    collector._send(pipeline, [document("b1")], b)
    assert a.failed and failed == ["a"]
    assert not b.failed and pipeline.holds(b)
    pipeline.drain()
    assert loaded == [["b1"]]


def test_a_fetch_task_run_is_named_by_its_source_and_dates() -> None:
    from datetime import date

    from flows.nightly import Job
    from flows.sources import Source

    source = Source(name="a {b}", platform="folder", base_url="site")
    assert Job(source, None, None).run_name() == "fetch-source a {b}"
    window = Job(source, date(2024, 1, 1), date(2024, 6, 30))
    assert window.run_name() == "fetch-source a {b} 2024-01-01..2024-06-30"
    assert Job(source, date(2024, 1, 1), None).run_name().endswith(" 2024-01-01..")


@pytest.mark.usefixtures("prefect_harness")
def test_fetch_tasks_carry_their_source_in_the_name_and_no_tags(
    sample_site: Path, tmp_path: Path
) -> None:
    # Tags would make Prefect ask its server for concurrency slots at each fetch
    # task's start, which a SQLite server answers 503 (2 s retry) under writes.
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    minutes_run(sample_site, [], None, tmp_path / "raw", tmp_path / "wh")
    with get_client(sync_client=True) as client:
        (flow_run,) = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
        )
    fetches = [run for run in task_runs if run.name.startswith("fetch-source")]
    assert [run.name for run in fetches] == ["fetch-source site"]
    assert all(run.tags == [] for run in task_runs)
