"""The polite client and page decoding on their own."""

from __future__ import annotations

import codecs
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from flows.crawl import Page, charset_of, decode_page
from flows.http import FetchError, PoliteClient, Politeness, retry_after_seconds
from tests.sites import ReplaySite


def test_retry_after_as_seconds_or_date() -> None:
    assert retry_after_seconds("3") == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 30
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("content_type", "head", "expected"),
    [
        ("text/html; charset=windows-1252", b"", "windows-1252"),
        ("text/html; charset=ISO-8859-1", b"", "cp1252"),  # 0x94 is ” on real pages
        (
            None,
            b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
            "utf-8",
        ),
        (None, b"<html>", "cp1252"),
    ],
)
def test_declared_charset(content_type: str | None, head: bytes, expected: str) -> None:
    assert (
        codecs.lookup(charset_of(content_type, head)).name
        == codecs.lookup(expected).name
    )


def test_latin1_declared_page_decodes_windows_1252_quotes() -> None:
    page = Page(
        "u",
        "Päätös ”hyväksyttiin” – lisäksi".encode("cp1252"),
        "text/html; charset=iso-8859-1",
        True,
    )
    assert decode_page(page) == "Päätös ”hyväksyttiin” – lisäksi"


def test_requests_to_one_host_are_spaced(httpserver) -> None:
    site = ReplaySite(httpserver)
    site.add("/a", "a")
    client = PoliteClient(Politeness(delay=0.3, attempts=1))
    started = time.monotonic()
    for _ in range(3):
        client.get(f"{site.base}/a")
    assert time.monotonic() - started >= 0.6  # robots.txt + 3 pages, 0.3 s apart


def test_timeouts_are_retried_then_reported(httpserver) -> None:
    site = ReplaySite(httpserver)
    site.add("/slow", "x", delay=1.0)
    client = PoliteClient(Politeness(delay=0, timeout=0.2, attempts=2, backoff=0.01))
    with pytest.raises(FetchError) as caught:
        client.get(f"{site.base}/slow")
    assert (caught.value.reason, caught.value.kind) == ("network_error", "ReadTimeout")
    assert caught.value.detail == "ReadTimeout: timed out"  # class and message kept


def test_too_many_requests_waits_for_retry_after(httpserver) -> None:
    site = ReplaySite(httpserver)
    route = site.add("/busy", "ok")
    route.statuses, route.retry_after = [429], "1"
    client = PoliteClient(Politeness(delay=0, attempts=3, backoff=0.01))
    started = time.monotonic()
    assert client.get(f"{site.base}/busy").text == "ok"
    assert time.monotonic() - started >= 1.0


def test_conditional_get_returns_304(httpserver) -> None:
    site = ReplaySite(httpserver)
    site.add("/page", "content")
    client = PoliteClient(Politeness(delay=0))
    etag = client.get(f"{site.base}/page").headers["etag"]
    assert client.get(f"{site.base}/page", etag=etag).status_code == 304
