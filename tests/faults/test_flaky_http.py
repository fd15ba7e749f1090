"""A flaky server (127.0.0.1 only): connections reset or cut short, answers that
never come, 429 with Retry-After, bursts of 5xx, bodies declared as another type.
The client retries what may pass and then gives up with a reason naming the
exception; what it returns is the body the server sent, whole."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from extractors import extract_document
from flows.http import FetchError, PoliteClient, Politeness
from models.records import Document

pytestmark = pytest.mark.fault("flaky HTTP")

FIXTURES = Path(__file__).parent.parent / "fixtures"
BODY = b"<html><body>Kunnanhallitus 5.12.2023 \xc2\xa7 451</body></html>"
Behaviour = Callable[[socket.socket], None]


def answer(status: str, body: bytes = BODY, headers: str = "") -> Behaviour:
    def send(conn: socket.socket) -> None:
        head = (
            f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: text/html\r\nConnection: close\r\n{headers}\r\n"
        )
        conn.sendall(head.encode() + body)

    return send


def reset(conn: socket.socket) -> None:
    """Close with RST, no answer."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def truncated(conn: socket.socket) -> None:
    """Promise 10,000 bytes, send 10, close."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\nConnection: close\r\n\r\n"
        + BODY[:10]
    )


def silent(conn: socket.socket) -> None:
    """Read the request and say nothing until the client gives up."""
    time.sleep(2.0)


class FlakyServer:
    """Answers the n-th connection with the n-th behaviour (the last one repeats);
    robots.txt is answered 404 without counting."""

    def __init__(self, behaviours: list[Behaviour]) -> None:
        self.behaviours = behaviours
        self.seen = 0
        self.times: list[float] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            request = conn.recv(65536)
            if b"/robots.txt" in request.split(b"\r\n", 1)[0]:
                with conn:
                    answer("404 Not Found", b"")(conn)
                continue
            self.times.append(time.monotonic())
            behaviour = self.behaviours[min(self.seen, len(self.behaviours) - 1)]
            self.seen += 1
            threading.Thread(target=self.behave, args=(conn, behaviour)).start()

    @staticmethod
    def behave(conn: socket.socket, behaviour: Behaviour) -> None:
        """One connection's behaviour, in a thread of its own (a silent one must
        not hold up the next connection)."""
        with conn:
            behaviour(conn)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def flaky() -> Iterator[Callable[[list[Behaviour]], FlakyServer]]:
    servers: list[FlakyServer] = []

    def start(behaviours: list[Behaviour]) -> FlakyServer:
        servers.append(FlakyServer(behaviours))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client(attempts: int = 3) -> PoliteClient:
    return PoliteClient(Politeness(delay=0, timeout=0.5, attempts=attempts, backoff=0))


@pytest.mark.parametrize(
    "fault",
    [reset, truncated, silent, answer("503 Service Unavailable")],
    ids=["reset", "truncated", "no answer", "5xx"],
)
def test_a_passing_fault_is_retried_and_the_whole_body_returned(flaky, fault) -> None:
    server = flaky([fault, fault, answer("200 OK")])
    response = client().get(f"{server.url}/d")
    assert response.content == BODY and server.seen == 3


@pytest.mark.parametrize(
    ("fault", "reason", "named"),
    [
        (reset, "network_error", "Error"),
        (truncated, "network_error", "RemoteProtocolError"),
        (silent, "network_error", "ReadTimeout"),
        (answer("502 Bad Gateway"), "http_502", "gave up"),
    ],
    ids=["reset", "truncated", "no answer", "5xx"],
)
def test_a_lasting_fault_ends_in_a_reason_naming_it(
    flaky, fault, reason: str, named: str
) -> None:
    server = flaky([fault])
    with pytest.raises(FetchError) as failed:
        client(attempts=2).get(f"{server.url}/d")
    assert failed.value.reason == reason
    assert named in failed.value.detail
    assert server.seen == 2  # tried as many times as allowed, not more


def test_429_waits_as_long_as_retry_after_says(flaky) -> None:
    server = flaky(
        [answer("429 Too Many Requests", b"", "Retry-After: 1\r\n"), answer("200 OK")]
    )
    response = client().get(f"{server.url}/d")
    assert response.content == BODY
    assert server.times[1] - server.times[0] >= 0.95


def test_a_client_error_is_not_retried(flaky) -> None:
    server = flaky([answer("404 Not Found", b"gone")])
    with pytest.raises(FetchError) as failed:
        client().get(f"{server.url}/d")
    assert failed.value.reason == "http_404" and server.seen == 1


@pytest.mark.parametrize(
    ("fixture", "declared"),
    [
        ("dynasty/2017406946-3.HTM", "application/pdf"),
        ("dynasty/2017406946-3.HTM", "application/octet-stream"),
        ("turku/turku_kh_2017-02-05-195.htm", "text/plain"),
        ("tweb/vantaa_kh_2017-03-20_10.pdf", "text/html"),
    ],
)
def test_a_body_declared_as_another_type_reads_as_what_it_is(
    fixture: str, declared: str
) -> None:
    data = (FIXTURES / fixture).read_bytes()
    uri = f"https://example.invalid/{fixture}"
    truth = extract_document(Document(uri=uri, data=data)).items
    told = extract_document(Document(uri=uri, data=data, media_type=declared)).items
    assert told == truth and truth
