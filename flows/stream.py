"""A run's fetched documents on their way to the one writer: fetch threads hand them
over a chunk at a time through one bounded channel, so fetching runs at most a few
chunks ahead of extraction and loading. A source of 30,000 documents is not held in
memory until its fetch ends, nor while the writer is busy with another source."""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass

from flows import stop
from flows.results import DocumentResult

CHUNK_DOCUMENTS = 2000  # documents handed over together (settled in one query)
CHANNEL_CHUNKS = 2  # messages waiting for the writer at most; fetches wait beyond
DIGEST_BYTES = 16  # of a uri handed on (a set of 30,000 uris held 4.6 MiB)


@dataclass
class Chunk:
    """Documents one job fetched."""

    job: int
    documents: list[DocumentResult]


@dataclass
class End:
    """A job's fetch is over: done (`error` None) or failed."""

    job: int
    error: BaseException | None = None


Message = Chunk | End


class Channel:
    """Messages from fetch threads to the writer, at most `size` waiting: a fetch
    thread waits while the channel is full, and ends (stop.Stopped) once the
    writer has closed it or the run is stopping."""

    def __init__(self, size: int | None = None) -> None:
        self._queue: queue.Queue[Message] = queue.Queue(maxsize=size or CHANNEL_CHUNKS)
        self._closed = threading.Event()

    def put(self, message: Message) -> None:
        """Hand a message to the writer (waits while the channel is full)."""
        while True:
            if self._closed.is_set() or stop.STOP.is_set():
                raise stop.Stopped
            try:
                self._queue.put(message, timeout=stop.WAKE_SECONDS)
                return
            except queue.Full:
                continue

    def poll(self) -> Message | None:
        """The next message if one is waiting, else None."""
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None

    def take(self) -> Message | None:
        """The next message, or None when none came within WAKE_SECONDS (the
        writer wakes to publish, and a signal handed to another thread stops the
        run at once)."""
        if stop.STOP.is_set():
            raise stop.Stopped
        try:
            return self._queue.get(timeout=stop.WAKE_SECONDS)
        except queue.Empty:
            return None

    def close(self) -> None:
        """No more messages are taken: fetch threads waiting to hand one over end
        (what waits in the channel goes with it)."""
        self._closed.set()


class Emitter:
    """One job's documents into the channel, `size` at a time. A retried fetch
    (its task's second try) does not hand on again a document an earlier try did:
    the uris handed on are kept as DIGEST_BYTES-byte digests in one bytearray, made
    a set only when a retry needs it."""

    def __init__(self, job: int, channel: Channel, size: int | None = None) -> None:
        self.job, self.channel = job, channel
        self.size = size or CHUNK_DOCUMENTS
        self.chunk: list[DocumentResult] = []
        self.sent = bytearray()  # digests of the uris handed on, for a retry
        self.retried: set[bytes] | None = None  # the same as a set, once retried
        self.tries = 0
        self.fetched = self.new = self.failed = 0

    def begin_try(self) -> None:
        """A try of the fetch starts."""
        self.tries += 1
        if self.tries > 1 and self.retried is None:
            self.retried = {
                bytes(self.sent[at : at + DIGEST_BYTES])
                for at in range(0, len(self.sent), DIGEST_BYTES)
            }
            self.sent = bytearray()

    def __call__(self, result: DocumentResult) -> None:
        """A document fetched (or not): into the chunk, the chunk on when full."""
        digest = uri_digest(result.uri)
        if self.retried is not None:
            if digest in self.retried:
                return
            self.retried.add(digest)
        else:
            self.sent += digest
        if result.row is None:
            self.failed += 1
        else:
            self.fetched += 1
            self.new += result.is_new
        self.chunk.append(result)
        if len(self.chunk) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Hand on the documents gathered so far."""
        if self.chunk:
            chunk, self.chunk = self.chunk, []
            self.channel.put(Chunk(self.job, chunk))


def uri_digest(uri: str) -> bytes:
    """A uri's DIGEST_BYTES-byte BLAKE2b digest (that two of a billion uris share
    one: odds below 2**-64)."""
    return hashlib.blake2b(uri.encode(), digest_size=DIGEST_BYTES).digest()
