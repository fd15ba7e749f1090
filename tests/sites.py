"""A replay site for crawler tests: serves files at the paths of the real system on
127.0.0.1, rewriting the original host in links to itself, with ETag / 304,
scripted failures (503 then success, 404, slow pages) and a request log."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def site_file(platform: str, name: str) -> Path:
    """A replay site's file: its own copy under sites/<platform>/, else the
    platform's extractor fixture (each real document is kept once)."""
    own = FIXTURES / "sites" / platform / name
    return own if own.exists() else FIXTURES / platform / name


@dataclass
class Route:
    """What one path answers: body, content type, scripted statuses, delay."""

    body: bytes
    content_type: str = "text/html; charset=windows-1252"
    statuses: list[int] = field(default_factory=list)  # served first, one per request
    delay: float = 0.0
    hurry: threading.Event = field(default_factory=threading.Event)  # cuts a delay
    retry_after: str | None = None
    dynamic: Callable[[Request], bytes] | None = None  # computes the body per request


class ReplaySite:
    """A fixture site on a local HTTP server."""

    def __init__(
        self, server: HTTPServer, original_hosts: tuple[str, ...] = ()
    ) -> None:
        self.server = server
        self.original_hosts = original_hosts
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, str, int]] = []
        self.arrived: list[str] = []  # paths as requests arrive (before any delay)
        self.forms: list[dict[str, str]] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base(self) -> str:
        """http://127.0.0.1:<port>"""
        return self.server.url_for("/").rstrip("/")

    def add(self, path: str, body: bytes | str, **options: object) -> Route:
        """Serve `body` at `path` (path may include `?query`); hosts rewritten."""
        data = body.encode("cp1252") if isinstance(body, str) else body
        for host in self.original_hosts:
            data = data.replace(host.encode(), self.base.encode())
        route = Route(data, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def handle(self, request: Request) -> Response:
        """Answer from the routes; 404 for anything unknown."""
        key = request.path + (
            f"?{request.query_string.decode()}" if request.query_string else ""
        )
        self.arrived.append(key)
        if request.method == "POST":
            self.forms.append({k: v for k, v in request.form.items()})
        route = self.routes.get(key)
        response = self._answer(route, request)
        self.log.append((request.method, key, response.status_code))
        return response

    def _answer(self, route: Route | None, request: Request) -> Response:
        """The scripted status, a 304 for a matching ETag, or the body."""
        if route is None:
            return Response(b"not found", status=404)
        if route.delay:
            route.hurry.wait(route.delay)
        if route.statuses:
            headers = {"Retry-After": route.retry_after} if route.retry_after else {}
            return Response(b"busy", status=route.statuses.pop(0), headers=headers)
        if route.dynamic is not None:
            body = route.dynamic(request)
            return Response(body, headers={"Content-Type": route.content_type})
        etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            route.body, headers={"ETag": etag, "Content-Type": route.content_type}
        )

    def count(self, status: int | None = None, method: str | None = None) -> int:
        """How many requests were answered (with this status / method)."""
        return sum(
            1
            for m, _, s in self.log
            if (status is None or s == status) and (method is None or m == method)
        )

    def hits(self) -> Counter[str]:
        """Requests per path."""
        return Counter(path for _, path, _ in self.log)
