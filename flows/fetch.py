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
from flows.http import DEFAULT_MAX_BYTES, FetchError, PoliteClient, Politeness
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
        problem = file_problem(path, folder, politeness().max_bytes)
        if problem is not None:
            results.append(_failed(source, uri, *problem))
            continue
        try:
            data = path.read_bytes()
        except OSError as error:
            results.append(_failed(source, uri, "unreadable", str(error)))
            continue
        results.append(store_bytes(store, source, uri, data, known))
    return results


def file_problem(path: Path, folder: Path, max_bytes: int) -> tuple[str, str] | None:
    """(reason, detail) when a file must not be read: a link leading out of the
    folder, or more bytes than the cap."""
    try:
        if not path.resolve().is_relative_to(folder.resolve()):
            return "outside_folder", f"links to {path.resolve()}"
        size = path.stat().st_size
    except OSError as error:
        return "unreadable", str(error)
    if size > max_bytes:
        return "too_large", f"{size} bytes > {max_bytes}"
    return None


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
    """Crawl politeness from MINUTES_HTTP_DELAY, _TIMEOUT, _BACKOFF and
    MINUTES_MAX_BYTES (the largest body or file read, default 100 MB)."""
    return Politeness(
        delay=float(os.environ.get("MINUTES_HTTP_DELAY", "1.0")),
        timeout=float(os.environ.get("MINUTES_HTTP_TIMEOUT", "30")),
        backoff=float(os.environ.get("MINUTES_HTTP_BACKOFF", "1.0")),
        max_bytes=int(os.environ.get("MINUTES_MAX_BYTES", str(DEFAULT_MAX_BYTES))),
    )


def web_fetcher(module: ModuleType) -> Fetcher:
    """A fetcher that runs a platform crawler with its own polite client."""

    def fetch(
        source: Source, store: RawStore, since: date | None, until: date | None = None
    ) -> list[DocumentResult]:
        client = PoliteClient(politeness(), redirect_hosts=source.redirect_hosts)
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
