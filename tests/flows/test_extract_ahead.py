"""A run's batches: the workers extract the next batch while this one loads, and a
batch that is not wanted any more (its load failed, the run stops) is dropped."""

from __future__ import annotations

from typing import Any

import pytest

from flows import nightly
from flows.load import RunCounts
from flows.results import DocumentResult, TaskDocuments


def document(uri: str) -> DocumentResult:
    return DocumentResult(row=None, uri=uri, is_new=False)


class Recorder:
    """Stands in for the extraction workers and the writer, noting what happens when."""

    def __init__(self, fail_load: int | None = None) -> None:
        self.events: list[str] = []
        self.fail_load = fail_load

    def extraction(self, results: list[DocumentResult], raw_dir: Any) -> Any:
        recorder, name = self, results[0].uri
        recorder.events.append(f"sent {name}")

        class Sent:
            def results(self, advance: Any = None) -> list[DocumentResult]:
                recorder.events.append(f"collected {name}")
                return [document(f"{name} extracted")]

            def cancel(self) -> None:
                recorder.events.append(f"cancelled {name}")

        return Sent()

    def load(
        self, con: Any, run: Any, results: Any, part: str, *rest: Any
    ) -> RunCounts:
        (name,) = [result.uri for result in results.unquote()]
        self.events.append(f"loaded {name}")
        if self.fail_load is not None and name.startswith(f"b{self.fail_load}"):
            raise RuntimeError("the load failed")
        return RunCounts(items_inserted=1)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(nightly, "Extraction", recorder.extraction)
    monkeypatch.setattr(
        nightly,
        "extract_task",
        lambda sent, documents: TaskDocuments(sent.unquote().results()),
    )
    monkeypatch.setattr(nightly, "load_task", recorder.load)
    monkeypatch.setattr(nightly, "advance_held", lambda con, run, held: None)
    return recorder


def run_batches(count: int) -> RunCounts:
    counts = RunCounts()
    batches = [[document(f"b{n}")] for n in range(1, count + 1)]
    nightly.extract_and_load(None, None, batches, None, counts, "part")  # type: ignore[arg-type]
    return counts


def test_the_next_batch_is_sent_to_the_workers_before_this_one_loads(
    recorder: Recorder,
) -> None:
    counts = run_batches(3)
    assert recorder.events == [
        "sent b1",
        "collected b1",
        "sent b2",
        "loaded b1 extracted",
        "collected b2",
        "sent b3",
        "loaded b2 extracted",
        "collected b3",
        "loaded b3 extracted",
    ]
    assert counts.items_inserted == 3


def test_a_failed_load_drops_the_batch_sent_after_it(recorder: Recorder) -> None:
    recorder.fail_load = 2
    with pytest.raises(RuntimeError, match="the load failed"):
        run_batches(3)
    assert recorder.events[-3:] == ["sent b3", "loaded b2 extracted", "cancelled b3"]
    assert "collected b3" not in recorder.events


def test_batches_hold_about_the_items_asked_for_whatever_a_document_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Documents of 20 items each (PDFs of whole meetings), MINUTES_LOAD_ITEMS 100:
    after the first batches (FIRST_BATCH documents, made before one was loaded: the
    workers extract one ahead) a batch is five documents, not MINUTES_LOAD_BATCH's
    500; every document is loaded once, in order."""
    monkeypatch.setenv("MINUTES_LOAD_ITEMS", "100")
    monkeypatch.setenv("MINUTES_LOAD_BATCH", "500")

    class Sent:
        def __init__(self, results: list[DocumentResult], raw_dir: Any) -> None:
            self.documents = [
                DocumentResult(row=None, uri=r.uri, is_new=True, items=[None] * 20)  # type: ignore[list-item]
                for r in results
            ]

        def results(self, advance: Any = None) -> list[DocumentResult]:
            return self.documents

    loads: list[list[DocumentResult]] = []
    monkeypatch.setattr(nightly, "Extraction", Sent)
    monkeypatch.setattr(
        nightly,
        "extract_task",
        lambda sent, documents: TaskDocuments(sent.unquote().results()),
    )
    monkeypatch.setattr(
        nightly,
        "load_task",
        lambda con, run, results, *rest: (
            loads.append(list(results.unquote())) or RunCounts()
        ),
    )
    monkeypatch.setattr(nightly, "advance_held", lambda con, run, held: None)
    pages = [[document(f"d{n}") for n in range(page, page + 500)] for page in (0, 500)]
    nightly.extract_and_load(None, None, pages, None, RunCounts(), "part")  # type: ignore[arg-type]
    sizes = [len(batch) for batch in loads]
    unknowing = sizes[: sizes.index(5)]  # made before a batch was loaded
    assert set(unknowing) == {nightly.FIRST_BATCH} and len(unknowing) <= 3
    assert set(sizes[len(unknowing) :]) == {5}
    assert [r.uri for batch in loads for r in batch] == [f"d{n}" for n in range(1000)]


def test_a_part_without_items_yet_or_at_all_takes_what_it_may() -> None:
    part = nightly.Part("p", RunCounts())
    assert part.batch_size() == min(nightly.FIRST_BATCH, nightly.load_batch_size())
    settled = DocumentResult(row=None, uri="s", is_new=False, settled=True)
    part.read([settled] * 10)  # read before: no extraction, nothing learnt
    assert part.batch_size() == min(nightly.FIRST_BATCH, nightly.load_batch_size())
    part.read([document("empty")])  # extracted, no items (a failed document)
    assert part.batch_size() == nightly.load_batch_size()
