"""The plain result types the stages hand each other (fetch → extract → load never
import one another): a document's result, and what a run says about each source
with the run's status derived from them.

A source ends in one `SourceStatus`; the run is `completed` when every source is in
SUCCESS, `failed` when none is, `partial` otherwise (exit status 0 / 1 / 3). A new
state (e.g. `blocked` by robots.txt) is one enum member, placed in SUCCESS or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from flows.rawstore import ManifestRow
from models.records import Item


class SourceStatus(StrEnum):
    """How one source ended in a run."""

    SUCCEEDED = "succeeded"  # fetched (at least its listing), extracted and loaded
    FAILED = "failed"  # nothing could be listed, or the crawl broke
    REFUSED = "refused"  # its configuration is unusable: not attempted
    BLOCKED = "blocked"  # robots.txt disallows its listing: reported, never retried
    CANCELLED = "cancelled"  # the run was stopped before the source was done


SUCCESS = frozenset({SourceStatus.SUCCEEDED})  # blocked and refused count as failed


class RunStatus(StrEnum):
    """How a run ended (the `runs.status` column)."""

    RUNNING = "running"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"  # found `running` by a later run: its process died


EXIT_CODES = {
    RunStatus.COMPLETED: 0,
    RunStatus.PARTIAL: 3,
    RunStatus.FAILED: 1,
}


@dataclass(frozen=True)
class SourceError:
    """Why a source failed: the URL, the exception's class and its message."""

    url: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.url}: {self.kind}: {self.message}"


class SourceFailed(Exception):
    """A source could not be collected at all (raised by a fetcher); `status` is how
    the run records it (FAILED, or e.g. a `blocked` state a fetcher knows)."""

    def __init__(
        self, error: SourceError, status: SourceStatus = SourceStatus.FAILED
    ) -> None:
        self.error, self.status = error, status
        super().__init__(str(error))


def run_status(statuses: Iterable[SourceStatus]) -> RunStatus:
    """completed when every source succeeded, failed when none did, else partial."""
    found = list(statuses)
    good = sum(status in SUCCESS for status in found)
    if good == len(found):
        return RunStatus.COMPLETED
    return RunStatus.FAILED if good == 0 else RunStatus.PARTIAL


def status_from(exception: BaseException) -> SourceStatus:
    """How a source that raised `exception` ended: a fetcher's SourceFailed says,
    anything else failed it."""
    if isinstance(exception, SourceFailed):
        return exception.status
    return SourceStatus.FAILED


def error_from(exception: BaseException, url: str) -> SourceError:
    """A SourceError for an exception that broke a source's crawl."""
    if isinstance(exception, SourceFailed):
        return exception.error
    return SourceError(url, type(exception).__name__, str(exception) or "(no message)")


@dataclass
class DocumentResult:
    """One document of a run: its manifest row and its items, or why it failed."""

    row: ManifestRow | None
    uri: str
    is_new: bool
    raw_path: str | None = None
    items: list[Item] = field(default_factory=list)
    stage: str | None = None  # fetch | extract, when it failed
    reason: str | None = None
    detail: str | None = None
    source: str | None = None
    settled: bool = False  # read before by this extractor: not extracted again


class TaskDocuments:
    """The documents a Prefect task returns, in one object Prefect does not look
    into. Prefect links every element of a list a task returns to the task's state,
    in a dict kept for the rest of the flow run (`FlowRunContext.run_results`:
    two per document: ~108,000 entries, 22 MiB, six minutes into a run of 100k items);
    this is one entry a task."""

    __slots__ = ("documents",)

    def __init__(self, documents: list[DocumentResult]) -> None:
        self.documents = documents
