"""Fetching: each platform's crawler puts bytes into the raw zone; it never parses.

`folder` reads files from a directory; the web platforms' crawlers live in
flows/platforms/ and plug in through FETCHERS.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Protocol

from flows import progress
from flows.crawl import Crawl
from flows.http import DEFAULT_MAX_BYTES, FetchError, PoliteClient, Politeness
from flows.listing import (
    LISTING_NAME,
    Context,
    Listing,
    ListingError,
    context_for,
    read_listing,
    unlisted,
)
from flows.platforms import ahjo, casem, dynasty, pdf_list, turku, tweb
from flows.rawstore import ManifestRow, Provenance, RawStore
from flows.reach import CONFIG_ERROR, SourceMisconfigured, from_fetch_error
from flows.results import DocumentResult, SourceError, SourceFailed
from flows.sources import Source

DOCUMENT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".json"}

Emit = Callable[[DocumentResult], None]  # where a fetcher hands each document on


class Fetcher(Protocol):
    """A platform's fetch of one source (fetch_source)."""

    def __call__(
        self,
        source: Source,
        store: RawStore,
        since: date | None,
        until: date | None = None,
        emit: Emit | None = None,
    ) -> list[DocumentResult]: ...


def folder_provenance(
    source: Source, context: Context, modified: str | None
) -> Provenance:
    """What comes with a folder file into the manifest: its listing context and its
    modification time (`modified`, as `last_modified`)."""
    return Provenance(
        source=source.name,
        municipality=context.municipality or source.municipality,
        language=context.language or source.language,
        meta=context.meta,
        last_modified=modified,
    )


def fetched(
    store: RawStore, source: Source, row: ManifestRow, is_new: bool
) -> DocumentResult:
    """The result of a document in the raw zone."""
    progress.document_fetched()
    raw_path = store.relative_path(row.sha256)
    return DocumentResult(
        row=row, uri=row.uri, is_new=is_new, raw_path=raw_path, source=source.name
    )


def modification(path: Path) -> tuple[int, str] | None:
    """A plain file's size and modification time (ns, as a string), or None for a
    link or a file that cannot be looked at (it is then read, and judged there)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return status.st_size, str(status.st_mtime_ns)


def folder_files(folder: Path) -> list[Path]:
    """Document files under a folder, recursively, in a stable order (see
    `folder_entries`)."""
    return [path for path, _, _ in folder_entries(folder)]


def folder_entries(folder: Path) -> Iterator[tuple[Path, str, bool]]:
    """Document files under a folder, recursively, in a stable order (by path,
    component by component), as they are listed: each with its path relative to
    the folder (POSIX) and whether it is a link (known from the listing, without a
    call per file). One folder's names are held at a time, not the whole tree's (a
    listing of 66,789 files held 30 MiB for the whole fetch; bench/NOTES.md). Links
    to folders are not followed, so only a file itself can be a link
    (`link_problem` checks where it leads); folders that cannot be read are passed
    over."""
    yield from _entries_under(folder, "")


def _entries_under(current: Path, prefix: str) -> Iterator[tuple[Path, str, bool]]:
    """The document files of one folder and, in name order among them, of its
    subfolders (depth first: the order of the paths sorted part by part)."""
    for name, is_dir, is_link in _folder_names(current):
        if is_dir:
            yield from _entries_under(current / name, f"{prefix}{name}/")
        else:
            yield current / name, prefix + name, is_link


def _folder_names(folder: Path) -> list[tuple[str, bool, bool]]:
    """One folder's subfolders and document files, sorted by name: (name, is a
    folder, is a link); as many as could be listed when it cannot be read."""
    names: list[tuple[str, bool, bool]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    names.append((entry.name, True, False))
                elif entry.is_file() and _is_document(entry.name):
                    names.append((entry.name, False, entry.is_symlink()))
    except OSError:
        pass  # what was listed before the folder failed is kept
    return sorted(names)


def _is_document(name: str) -> bool:
    """Whether a file name has a document's suffix."""
    return os.path.splitext(name)[1].lower() in DOCUMENT_SUFFIXES


def fetch_folder(
    source: Source,
    store: RawStore,
    since: date | None,
    until: date | None = None,
    emit: Emit | None = None,
) -> list[DocumentResult]:
    """Read every document file of a folder source into the raw zone, with the
    listing context of its folder's listing.toml (flows/listing.py). Each document
    is handed to `emit` as it is read (then the list returned is empty), or
    gathered into the list returned.

    The uri is the folder as written in sources.toml plus the file's relative path, so
    it does not depend on where the checkout lives. `since` does not apply to folders.
    """
    problem = check_source(source)
    if problem is not None:
        raise SourceMisconfigured(problem.url, problem.message)
    folder = source.folder()
    latest = store.latest()
    listings, failures = folder_listings(source, folder)
    results: list[DocumentResult] = []
    keep = emit or results.append
    for failure in failures:
        keep(failure)
    inside, max_bytes = folder.resolve(), politeness().max_bytes
    contexts: dict[Path, dict[str, str]] = {}
    base = str(PurePosixPath(source.base_url))
    for path, relative, is_link in folder_entries(folder):
        uri = folder_uri(base, relative)
        refused = link_problem(path, inside) if is_link else None
        if refused is not None:
            keep(_failed(source, uri, *refused))
            continue
        context = context_for(path, folder, listings, contexts)
        seen = None if is_link else modification(path)
        provenance = folder_provenance(source, context, seen[1] if seen else None)
        if seen is not None and seen[0] <= max_bytes:
            row = store.unchanged(uri, seen[0], latest, provenance)
            if row is not None:  # the same size and time as when read: not read
                keep(fetched(store, source, row, False))
                continue
        data = read_capped(path, max_bytes, is_link)
        if isinstance(data, tuple):
            keep(_failed(source, uri, *data))
            continue
        row, is_new = store.ingest(data, uri, latest, provenance)
        keep(fetched(store, source, row, is_new))
    return results


def folder_uri(base: str, relative: str) -> str:
    """A folder document's uri from the configured folder (as a PurePosixPath
    string, made once per source) and the file's relative POSIX path: what pathlib
    would join, without building paths per file."""
    if base == ".":
        return relative
    return f"{base}{relative}" if base.endswith("/") else f"{base}/{relative}"


def _folder_uri(source: Source, folder: Path, path: Path) -> str:
    """A folder document's uri: the folder as configured plus the relative path."""
    base = str(PurePosixPath(source.base_url))
    return folder_uri(base, path.relative_to(folder).as_posix())


def folder_listings(
    source: Source, folder: Path
) -> tuple[dict[Path, Listing], list[DocumentResult]]:
    """Every readable listing.toml under a folder, and a quarantine result for each
    one that is not (its files go on without it) or that names a missing file."""
    listings: dict[Path, Listing] = {}
    failures = []
    for path in sorted(folder.rglob(LISTING_NAME)):
        try:
            listings[path.parent] = read_listing(path)
        except ListingError as error:
            uri = _folder_uri(source, folder, path)
            failures.append(_failed(source, uri, "bad_listing", str(error)))
    for missing in unlisted(listings):
        uri = _folder_uri(source, folder, missing.parent / LISTING_NAME)
        detail = f"names {missing.name}, which is not in {missing.parent}"
        failures.append(_failed(source, uri, "bad_listing", detail))
    return listings, failures


def link_problem(path: Path, inside: Path) -> tuple[str, str] | None:
    """(reason, detail) when a link leads out of the folder (`inside`: the folder
    resolved) or cannot be followed."""
    try:
        target = path.resolve()
    except OSError as error:
        return "unreadable", str(error)
    if not target.is_relative_to(inside):
        return "outside_folder", f"links to {target}"
    return None


def read_capped(
    path: Path, max_bytes: int, follow: bool = True
) -> bytes | tuple[str, str]:
    """A file's bytes, or (reason, detail) when it holds more than the cap or
    cannot be read (one open and its fstat: no call by name but the open). With
    `follow` false a file that turned into a link since it was listed is not read
    (the link check was made on the listing)."""
    flags = os.O_RDONLY | (0 if follow else os.O_NOFOLLOW)
    try:
        with os.fdopen(os.open(path, flags), "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return "too_large", f"{size} bytes > {max_bytes}"
            return handle.read()
    except OSError as error:
        if error.errno == errno.ELOOP and not follow:
            return "unreadable", f"{path.name} turned into a link after it was listed"
        return "unreadable", str(error)


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
        source: Source,
        store: RawStore,
        since: date | None,
        until: date | None = None,
        emit: Emit | None = None,
    ) -> list[DocumentResult]:
        client = PoliteClient(politeness(), redirect_hosts=source.redirect_hosts)
        crawl = Crawl(source, store, client, since, until, emit=emit)
        try:
            module.crawl(crawl)
        except FetchError as error:  # the source's own listing: the source failed
            raise from_fetch_error(error) from error
        finally:
            client.close()
        if crawl.listings == 0:
            raise nothing_listed(source, crawl.errors)
        return crawl.results

    return fetch


def nothing_listed(source: Source, errors: list[FetchError]) -> SourceFailed:
    """Why a crawl that fetched no listing page failed: its first error, classified
    as a listing's error is (flows/reach.py: blocked by robots.txt, or failed)."""
    if not errors:
        error = SourceError(source.base_url, "NoListing", "no listing page was found")
        return SourceFailed(error)
    return from_fetch_error(errors[0])


FETCHERS: dict[str, Fetcher] = {
    "folder": fetch_folder,
    "dynasty": web_fetcher(dynasty),
    "tweb": web_fetcher(tweb),
    "casem": web_fetcher(casem),
    "ahjo": web_fetcher(ahjo),
    "turku": web_fetcher(turku),
    "pdf-list": web_fetcher(pdf_list),
}


REQUIRED_ENVIRONMENT = {"ahjo": ahjo.API_KEY_ENV}  # platform -> variable it needs


def check_source(source: Source) -> SourceError | None:
    """What makes a source impossible to fetch, found before any request or read:
    no crawler for its platform, a base_url that is no http(s) URL with a host, a
    folder outside the sources file's directory or missing, a missing API key."""
    if source.platform not in FETCHERS:
        message = f"no crawler for platform '{source.platform}'"
        return SourceError(source.base_url, CONFIG_ERROR, message)
    problem = source.problem()  # not http(s) with a host; a folder outside
    if problem is not None:
        return SourceError(source.base_url, CONFIG_ERROR, problem)
    if source.platform == "folder":
        folder = source.folder()
        if folder.is_dir():
            return None
        return SourceError(str(folder), CONFIG_ERROR, "base_url is not a folder")
    variable = REQUIRED_ENVIRONMENT.get(source.platform)
    if variable and not os.environ.get(variable):
        message = f"{variable} is not set (the {source.platform} API needs a key)"
        return SourceError(source.base_url, CONFIG_ERROR, message)
    return None


def fetch_source(
    source: Source,
    store: RawStore,
    since: date | None,
    until: date | None = None,
    emit: Emit | None = None,
) -> list[DocumentResult]:
    """Fetch one source with its platform's crawler: each document handed to `emit`
    as it is fetched (the list returned then empty), or all of them returned in a
    list. SourceFailed (flows/reach.py)
    when the source cannot be collected at all: refused before any request when its
    configuration cannot work (check_source), blocked when robots.txt disallows its
    listing, failed when its listing cannot be fetched or nothing was listed."""
    problem = check_source(source)
    if problem is not None:
        raise SourceMisconfigured(problem.url, problem.message)
    return FETCHERS[source.platform](source, store, since, until, emit)
