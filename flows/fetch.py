"""Fetching: each platform's crawler puts bytes into the raw zone; it never parses.

`folder` reads files from a directory; the web platforms' crawlers live in
flows/platforms/ and plug in through FETCHERS.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePosixPath
from types import ModuleType

from flows.crawl import Crawl
from flows.http import FetchError, PoliteClient, Politeness
from flows.load import DocumentResult
from flows.platforms import ahjo, casem, dynasty, pdf_list, turku, tweb
from flows.rawstore import ManifestRow, RawStore, now_utc
from flows.reach import SourceMisconfigured, from_fetch_error
from flows.sources import Source

DOCUMENT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".json"}

Fetcher = Callable[[Source, RawStore, date | None, date | None], list[DocumentResult]]


def store_bytes(
    store: RawStore, source: Source, uri: str, data: bytes, known: set[tuple[str, str]]
) -> DocumentResult:
    """Put bytes into the raw zone; a manifest row when (uri, sha256) is new."""
    sha256 = store.put(data)
    row = ManifestRow(
        uri=uri,
        sha256=sha256,
        source=source.name,
        municipality=source.municipality,
        media_type=mimetypes.guess_type(PurePosixPath(uri).name)[0],
        size=len(data),
        fetched_at=now_utc(),
        language=source.language,
    )
    is_new = (uri, sha256) not in known
    if is_new:
        store.record(row)
        known.add((uri, sha256))
    raw_path = str(store.path_for(sha256).relative_to(store.root))
    return DocumentResult(
        row=row, uri=uri, is_new=is_new, raw_path=raw_path, source=source.name
    )


def folder_files(folder: Path) -> list[Path]:
    """Document files under a folder, recursively, in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
    )


def fetch_folder(
    source: Source, store: RawStore, since: date | None, until: date | None = None
) -> list[DocumentResult]:
    """Read every document file of a folder source into the raw zone.

    The uri is the folder as written in sources.toml plus the file's relative path, so
    it does not depend on where the checkout lives. `since` does not apply to folders.
    """
    folder = source.folder()
    if not folder.is_dir():
        return [_failed(source, source.base_url, "not_a_folder", str(folder))]
    known = store.known()
    results = []
    for path in folder_files(folder):
        uri = str(PurePosixPath(source.base_url) / path.relative_to(folder).as_posix())
        try:
            data = path.read_bytes()
        except OSError as error:
            results.append(_failed(source, uri, "unreadable", str(error)))
            continue
        results.append(store_bytes(store, source, uri, data, known))
    return results


def _failed(source: Source, uri: str, reason: str, detail: str) -> DocumentResult:
    """A fetch failure, for quarantine."""
    return DocumentResult(
        row=None,
        uri=uri,
        is_new=True,
        stage="fetch",
        reason=reason,
        detail=detail,
        source=source.name,
    )


def politeness() -> Politeness:
    """Crawl politeness from MINUTES_HTTP_DELAY, _TIMEOUT and _BACKOFF."""
    return Politeness(
        delay=float(os.environ.get("MINUTES_HTTP_DELAY", "1.0")),
        timeout=float(os.environ.get("MINUTES_HTTP_TIMEOUT", "30")),
        backoff=float(os.environ.get("MINUTES_HTTP_BACKOFF", "1.0")),
    )


def web_fetcher(module: ModuleType) -> Fetcher:
    """A fetcher that runs a platform crawler with its own polite client."""

    def fetch(
        source: Source, store: RawStore, since: date | None, until: date | None = None
    ) -> list[DocumentResult]:
        client = PoliteClient(politeness())
        crawl = Crawl(source, store, client, since, until)
        try:
            module.crawl(crawl)
        except FetchError as error:  # the source's own listing: the source failed
            raise from_fetch_error(error) from error
        finally:
            client.close()
        return crawl.results

    return fetch


FETCHERS: dict[str, Fetcher] = {
    "folder": fetch_folder,
    "dynasty": web_fetcher(dynasty),
    "tweb": web_fetcher(tweb),
    "casem": web_fetcher(casem),
    "ahjo": web_fetcher(ahjo),
    "turku": web_fetcher(turku),
    "pdf-list": web_fetcher(pdf_list),
}


def fetch_source(
    source: Source, store: RawStore, since: date | None, until: date | None = None
) -> list[DocumentResult]:
    """Fetch one source with its platform's crawler (raises SourceUnavailable when
    the source's listing cannot be fetched or robots.txt blocks it)."""
    fetcher = FETCHERS.get(source.platform)
    if fetcher is None:
        raise SourceMisconfigured(
            source.base_url, f"no crawler for platform '{source.platform}' yet"
        )
    problem = source.problem()
    if problem is not None:
        raise SourceMisconfigured(source.base_url, problem)
    return fetcher(source, store, since, until)
