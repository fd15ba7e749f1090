"""A polite HTTP client: robots.txt, a delay per host, retries with backoff that
respect Retry-After, conditional GET, and form posts in the page's encoding.

Redirects are followed by hand, only within the host asked (http→https on the same
name included) or to hosts the source allows; every hop passes robots.txt and the
host's delay; credentials go only to the host they were set for. Bodies larger
than `Politeness.max_bytes` are refused while they arrive."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
from protego import Protego
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

USER_AGENT = "minutes-etl/0.1 (open-source minutes ETL; polite crawler)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0
MAX_REDIRECTS = 10
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}


class FetchError(Exception):
    """A page could not be fetched; `reason` goes to quarantine."""

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        self.url, self.reason, self.detail = url, reason, detail
        super().__init__(f"{url}: {reason} {detail}".strip())


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
    max_bytes: int = DEFAULT_MAX_BYTES  # a larger body is refused (too_large)


class PoliteClient:
    """httpx with robots.txt, a per-host delay and retries; one request at a time."""

    def __init__(
        self,
        politeness: Politeness | None = None,
        transport: httpx.BaseTransport | None = None,
        redirect_hosts: tuple[str, ...] = (),
    ) -> None:
        self.politeness = politeness or Politeness()
        self.transport = transport
        self.redirect_hosts = {host.lower() for host in redirect_hosts}
        self.headers: dict[str, str] = {"User-Agent": USER_AGENT}
        self.credentials: dict[str, tuple[str, str]] = {}  # header -> (host, value)
        self.client = self._new_client()
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, Protego | None] = {}

    def _new_client(self) -> httpx.Client:
        """A fresh httpx client (and cookie jar)."""
        return httpx.Client(
            timeout=self.politeness.timeout,
            headers=self.headers,
            follow_redirects=False,
            transport=self.transport,
        )

    def set_header(self, name: str, value: str) -> None:
        """A header sent with every request from now on (e.g. an API key)."""
        self.headers[name] = value
        self.client.headers[name] = value

    def set_credential(self, name: str, value: str, url: str) -> None:
        """A secret header (an API key) sent only to the host of `url`."""
        self.credentials[name] = (host_port(url), value)

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

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with robots, delay and retries, following redirects that stay
        where they may; raises FetchError."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request_once(method, url, **kwargs)
            target = redirect_target(response)
            if target is None:
                if response.status_code >= 400:
                    raise FetchError(url, f"http_{response.status_code}")
                return response
            if not self.may_follow(url, target):
                raise FetchError(url, "redirect_refused", f"to {target}")
            if response.status_code in (301, 302, 303) and method == "POST":
                method, kwargs = "GET", {"headers": {}}
            url = target
        raise FetchError(url, "too_many_redirects", f"more than {MAX_REDIRECTS}")

    def _request_once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request (no redirect followed) with robots, delay and retries."""
        if not self.allowed(url):
            raise FetchError(url, "robots_disallowed")
        headers = dict(kwargs.pop("headers", None) or {})
        headers.update(self.credentials_for(url))
        try:
            return self._retrying()(self._send, method, url, headers=headers, **kwargs)
        except RetryableStatus as error:
            raise FetchError(
                url, f"http_{error.response.status_code}", "gave up"
            ) from error
        except httpx.HTTPError as error:
            raise FetchError(url, "network_error", type(error).__name__) from error

    def credentials_for(self, url: str) -> dict[str, str]:
        """The secret headers set for this url's host (none for any other host)."""
        where = host_port(url)
        return {k: v for k, (host, v) in self.credentials.items() if host == where}

    def may_follow(self, origin: str, target: str) -> bool:
        """A redirect stays on the origin's host and port, upgrades it to https on
        the same name, or goes to a host the source allows."""
        parts = urlsplit(target)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            return False
        if host_port(target) == host_port(origin):
            return True
        if parts.hostname.lower() in self.redirect_hosts:
            return True
        same_name = parts.hostname.lower() == (urlsplit(origin).hostname or "").lower()
        return same_name and host_port(target).endswith(":443")

    def _retrying(self) -> Retrying:
        """The retry policy: timeouts, transport errors, 429 and 5xx."""
        return Retrying(
            stop=stop_after_attempt(self.politeness.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((RetryableStatus, httpx.TransportError)),
            reraise=True,
        )

    def _wait(self, state: RetryCallState) -> float:
        """Retry-After when the server says it, else exponential backoff."""
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableStatus) and error.retry_after is not None:
            return min(error.retry_after, MAX_RETRY_AFTER)
        backoff = wait_exponential(multiplier=self.politeness.backoff, max=60)
        return float(backoff(state))

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send after the host's delay and read at most `max_bytes` of the body; a
        retryable status raises."""
        self._pause(urlsplit(url).netloc)
        with self.client.stream(method, url, **kwargs) as response:
            if response.status_code in RETRY_STATUSES:
                response.read()
                raise RetryableStatus(response)
            return read_capped(response, url, self.politeness.max_bytes)

    def _pause(self, host: str) -> None:
        """Sleep so that requests to one host are `delay` seconds apart."""
        last = self._last_request.get(host)
        if last is not None:
            time.sleep(max(0.0, self.politeness.delay - (time.monotonic() - last)))
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
        if response.status_code in REDIRECT_STATUSES:  # e.g. http→https: follow once
            target = redirect_target(response)
            if target is None or not self.may_follow(f"{host}/robots.txt", target):
                return None
            try:
                self._pause(urlsplit(target).netloc)
                response = self.client.get(target)
            except httpx.HTTPError:
                return None
        if response.status_code != 200:
            return None
        return Protego.parse(response.text)


def host_port(url: str) -> str:
    """`host:port` of a url, the scheme's default port written out."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    return f"{(parts.hostname or '').lower()}:{port}"


def redirect_target(response: httpx.Response) -> str | None:
    """Where a redirect answer points (absolute), or None when it is not one."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_STATUSES or not location:
        return None
    return urljoin(str(response.request.url), location)


def read_capped(response: httpx.Response, url: str, max_bytes: int) -> httpx.Response:
    """The response with its body read, refused (too_large) past `max_bytes`
    whether the server announces the size or not."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, "too_large", f"{declared} bytes > {max_bytes}")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, "too_large", f"more than {max_bytes} bytes")
        chunks.append(chunk)
    headers = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=b"".join(chunks),
        request=response.request,
    )
