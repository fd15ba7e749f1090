"""What every platform crawler shares: fetch a url politely, keep the bytes in the raw
zone (conditional GET against the manifest), and collect the documents to extract."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

import httpx

from extractors.html import CP1252_LABELS, declared_charset
from flows import progress
from flows.http import FetchError, PoliteClient
from flows.rawstore import LatestRows, ManifestRow, Provenance, RawStore
from flows.results import DocumentResult
from flows.sources import Source
from flows.urls import normalise, request_url


@dataclass
class Page:
    """A fetched page's bytes and what the server said about them."""

    url: str
    data: bytes
    content_type: str | None
    changed: bool


@dataclass
class Crawl:
    """One source's crawl: its client, raw zone, window and results so far."""

    source: Source
    store: RawStore
    client: PoliteClient
    since: date | None = None
    until: date | None = None
    results: list[DocumentResult] = field(default_factory=list)
    latest: LatestRows = field(init=False)
    listings: int = 0  # listing pages fetched: none means the source failed
    errors: list[FetchError] = field(default_factory=list)
    documents_seen: set[str] = field(default_factory=set)
    # where each document goes as it is fetched; None: gathered in `results`
    emit: Callable[[DocumentResult], None] | None = None

    def __post_init__(self) -> None:
        self.latest = self.store.latest()

    def in_window(self, day: date | str | None) -> bool:
        """A meeting date inside [since, until] (unknown dates are kept)."""
        if day is None or day == "":
            return True
        when = date.fromisoformat(day) if isinstance(day, str) else day
        return (self.since is None or when >= self.since) and (
            self.until is None or when <= self.until
        )

    def page(
        self, url: str, role: str = "listing", meta: dict[str, str] | None = None
    ) -> Page:
        """Fetch a url into the raw zone (raises FetchError); 304 reuses the bytes.
        The bytes are stored under the normalised url (flows.urls)."""
        url, key = request_url(url), normalise(url)
        previous = self.latest.get(key)
        response = self.client.get(
            url,
            etag=previous.etag if previous else None,
            last_modified=previous.last_modified if previous else None,
        )
        if role == "listing":
            self.listings += 1
        if response.status_code == 304 and previous is not None:
            self._record(previous, is_new=False, role=role)
            data = self.store.get(previous.sha256)
            return Page(url, data, previous.media_type, changed=False)
        self._store(key, response, role, meta)
        return Page(url, response.content, response.headers.get("content-type"), True)

    def json_list(self, url: str, key: str) -> list[dict[str, Any]]:
        """The list under `key` of a JSON answer; FetchError when it is not one."""
        page = self.page(url)
        try:
            return list(json.loads(page.data.decode("utf-8"))[key])
        except (ValueError, KeyError, TypeError) as error:
            reason = f"not a JSON answer with a '{key}' list: {error}"
            raise FetchError(url, "malformed_page", reason) from error

    def form(self, url: str, fields: dict[str, str]) -> Page:
        """POST a search form; the answer is kept in the raw zone under the url with
        the form fields after `#` (POST answers are never conditional)."""
        response = self.client.post_form(request_url(url), fields)
        self.listings += 1
        uri = f"{normalise(url)}#{urlencode(fields)}"
        self._store(uri, response, "listing", None)
        return Page(uri, response.content, response.headers.get("content-type"), True)

    def document(self, url: str, meta: dict[str, str]) -> None:
        """Fetch an item document once per crawl (the same document may be linked
        twice, e.g. with and without `:443`); a failure becomes a quarantine result."""
        key = normalise(url)
        if key in self.documents_seen:
            return
        self.documents_seen.add(key)
        try:
            self.page(url, role="document", meta=meta)
        except FetchError as error:
            self.failed(error)

    def failed(self, error: FetchError) -> None:
        """Record a url that could not be fetched."""
        self.errors.append(error)
        self._keep(
            DocumentResult(
                row=None,
                uri=normalise(error.url),
                is_new=True,
                stage="fetch",
                reason=error.reason,
                detail=error.detail or None,
                source=self.source.name,
            )
        )

    def _store(
        self, url: str, response: httpx.Response, role: str, meta: dict[str, str] | None
    ) -> None:
        """The answer's bytes into the raw zone (RawStore.ingest); documents go on."""
        context = Provenance(
            source=self.source.name,
            municipality=self.source.municipality,
            language=self.source.language,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            meta=meta,
            role=role,
        )
        row, is_new = self.store.ingest(response.content, url, self.latest, context)
        self._record(row, is_new, role)

    def _record(self, row: ManifestRow, is_new: bool, role: str) -> None:
        """Documents go on to extraction; listings only into the manifest."""
        if role != "document":
            return
        progress.document_fetched()
        raw_path = self.store.relative_path(row.sha256)
        self._keep(
            DocumentResult(
                row=row,
                uri=row.uri,
                is_new=is_new,
                raw_path=raw_path,
                source=self.source.name,
            )
        )

    def _keep(self, result: DocumentResult) -> None:
        """A document fetched (or failed): handed on at once, or gathered."""
        if self.emit is None:
            self.results.append(result)
        else:
            self.emit(result)


def charset_of(content_type: str | None, data: bytes, default: str = "cp1252") -> str:
    """The declared charset (header, else meta tag); windows-1252 for Latin-1 labels,
    which is what Finnish sites mean by them (bytes 0x92, 0x94)."""
    declared = None
    if content_type and "charset=" in content_type:
        declared = content_type.split("charset=")[-1].split(";")[0].strip().lower()
    declared = declared or declared_charset(data)
    if not declared:
        return default
    return "cp1252" if declared in CP1252_LABELS else declared


def decode_page(page: Page, default: str = "cp1252") -> str:
    """A listing page as text in its declared encoding."""
    encoding = charset_of(page.content_type, page.data, default)
    try:
        return page.data.decode(encoding, errors="replace")
    except LookupError:
        return page.data.decode(default, errors="replace")
