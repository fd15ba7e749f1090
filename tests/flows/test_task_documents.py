"""The documents fetch and extract hand back from their Prefect tasks: one object.

Prefect links every element of a list a task returns to the task's state, in a dict
kept for the whole flow run (`FlowRunContext.run_results`): two per document,
~22 MiB in a run of 100k items. Wrapped in `TaskDocuments`, a task's documents are
one entry.
"""

from __future__ import annotations

import typing

from prefect.utilities.collections import visit_collection

from flows import nightly
from flows.results import DocumentResult, TaskDocuments


def visited(expr: object) -> int:
    """How many objects Prefect's walk of a task's result links (it walks one level
    down, as `link_state_to_result` does)."""
    seen: list[object] = []
    visit_collection(expr, visit_fn=seen.append, max_depth=1)
    return len(seen)


def test_a_list_is_linked_document_by_document_the_wrapper_once() -> None:
    documents = [DocumentResult(row=None, uri=f"u{n}", is_new=True) for n in range(50)]
    assert visited(documents) == 51  # what a returned list costs
    assert visited(TaskDocuments(documents)) == 1


def test_the_extract_task_returns_the_wrapper_and_fetch_a_count() -> None:
    hints = typing.get_type_hints(nightly.extract_task.fn, vars(nightly))
    assert hints["return"] is TaskDocuments
    hints = typing.get_type_hints(nightly.fetch_task.fn, vars(nightly))
    assert hints["return"] is int  # its documents go through the channel
