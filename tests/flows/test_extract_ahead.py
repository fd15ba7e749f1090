"""A run's batches: the workers extract the next batch while this one loads, and a
batch that is not wanted any more (its load failed, the run stops) is dropped."""

from __future__ import annotations

from typing import Any

import pytest

from flows import nightly
from flows.load import RunCounts
from flows.results import TaskDocuments


class Recorder:
    """Stands in for the extraction workers and the writer, noting what happens when."""

    def __init__(self, fail_load: int | None = None) -> None:
        self.events: list[str] = []
        self.fail_load = fail_load

    def extraction(self, results: list[str], raw_dir: Any) -> Any:
        recorder, name = self, results[0]
        recorder.events.append(f"sent {name}")

        class Sent:
            def results(self, advance: Any = None) -> list[str]:
                recorder.events.append(f"collected {name}")
                return [f"{name} extracted"]

            def cancel(self) -> None:
                recorder.events.append(f"cancelled {name}")

        return Sent()

    def load(
        self, con: Any, run: Any, results: Any, part: str, *rest: Any
    ) -> RunCounts:
        (name,) = results.unquote()
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
    batches = [[f"b{n}"] for n in range(1, count + 1)]
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
