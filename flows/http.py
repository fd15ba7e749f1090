"""A polite HTTP client: robots.txt, a delay per host, retries with backoff that
respect Retry-After, conditional GET, and form posts in the page's encoding."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit

import httpx
from protego import Protego
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from flows import stop

USER_AGENT = "minutes-etl/0.1 (open-source minutes ETL; polite crawler)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0


class FetchError(Exception):
    """A page could not be fetched; `reason` goes to quarantine."""

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        self.url, self.reason, self.detail = url, reason, detail
        super().__init__(f"{url}: {reason} {detail}".strip())

    @property
    def kind(self) -> str:
        """The class of the error behind it (ConnectError, ReadTimeout …), else the
        reason (http_404, robots_disallowed …)."""
        cause = self.__cause__
        if cause is not None and not isinstance(cause, RetryableStatus):
            return type(cause).__name__
        return self.reason


def describe_error(error: BaseException) -> str:
    """`Class: message` of an exception, for the record."""
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


class RetryableStatus(Exception):
    """A 429 or 5xx answer, worth another try (after Retry-After if given)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.retry_after = retry_after_seconds(response.headers.get("retry-after"))
        super().__init__(f"HTTP {response.status_code}")


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date from now."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass(frozen=True)
class Politeness:
    """How gently to crawl: seconds between requests to one host, retries."""

    delay: float = 1.0
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 1.0


class PoliteClient:
    """httpx with robots.txt, a per-host delay and retries; one request at a time."""

    def __init__(
        self,
        politeness: Politeness | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.politeness = politeness or Politeness()
        self.transport = transport
        self.headers: dict[str, str] = {"User-Agent": USER_AGENT}
        self.client = self._new_client()
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, Protego | None] = {}

    def _new_client(self) -> httpx.Client:
        """A fresh httpx client (and cookie jar)."""
        return httpx.Client(
            timeout=self.politeness.timeout,
            headers=self.headers,
            follow_redirects=True,
            transport=self.transport,
        )

    def set_header(self, name: str, value: str) -> None:
        """A header sent with every request from now on (e.g. an API key)."""
        self.headers[name] = value
        self.client.headers[name] = value

    def reset_cookies(self) -> None:
        """Start a new session (Dynasty keeps per-cookie state on the server)."""
        self.client.close()
        self.client = self._new_client()

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def get(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> httpx.Response:
        """GET, conditional when a validator is given (a 304 comes back as is)."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request("GET", url, headers=headers)

    def post_form(
        self, url: str, fields: dict[str, str], encoding: str = "cp1252"
    ) -> httpx.Response:
        """POST a form encoded like the page it came from (TWeb: windows-1252)."""
        body = urlencode(fields, encoding=encoding)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", url, headers=headers, content=body)

    def _request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        """One request with robots, delay and retries; raises FetchError."""
        stop.check()
        if not self.allowed(url):
            raise FetchError(url, "robots_disallowed")
        try:
            response = self._retrying()(self._send, method, url, **kwargs)
        except RetryableStatus as error:
            raise FetchError(
                url, f"http_{error.response.status_code}", "gave up"
            ) from error
        except httpx.HTTPError as error:
            raise FetchError(url, "network_error", describe_error(error)) from error
        if response.status_code >= 400:
            raise FetchError(url, f"http_{response.status_code}")
        return response

    def _retrying(self) -> Retrying:
        """The retry policy: timeouts, transport errors, 429 and 5xx."""
        return Retrying(
            stop=stop_after_attempt(self.politeness.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((RetryableStatus, httpx.TransportError)),
            reraise=True,
            sleep=stop.sleep,
        )

    def _wait(self, state: RetryCallState) -> float:
        """Retry-After when the server says it, else exponential backoff."""
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableStatus) and error.retry_after is not None:
            return min(error.retry_after, MAX_RETRY_AFTER)
        backoff = wait_exponential(multiplier=self.politeness.backoff, max=60)
        return float(backoff(state))

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        """Send after the host's delay; a retryable status raises."""
        self._pause(urlsplit(url).netloc)
        response = self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        if response.status_code in RETRY_STATUSES:
            raise RetryableStatus(response)
        return response

    def _pause(self, host: str) -> None:
        """Sleep so that requests to one host are `delay` seconds apart."""
        last = self._last_request.get(host)
        if last is not None:
            stop.sleep(self.politeness.delay - (time.monotonic() - last))
        stop.check()
        self._last_request[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        """robots.txt of the url's host allows us (no robots.txt: allowed)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            self._robots[host] = self._load_robots(host)
        robots = self._robots[host]
        return robots is None or bool(robots.can_fetch(url, USER_AGENT))

    def _load_robots(self, host: str) -> Protego | None:
        """The host's robots.txt rules, or None when it has none."""
        try:
            self._pause(urlsplit(host).netloc)
            response = self.client.get(f"{host}/robots.txt")
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        return Protego.parse(response.text)
