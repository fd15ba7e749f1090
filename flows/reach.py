"""Why a whole source could not be crawled: its listing could not be fetched (failed),
robots.txt disallows us (blocked), or the source cannot start (failed, e.g. no key).

Each keeps the URL, the exception class and the message for the run summary and
`runs.per_source`; `retry` tells the fetch task whether another try can help.
"""

from __future__ import annotations

from typing import Any

from flows.http import FetchError

BLOCKED = "blocked"
FAILED = "failed"
BLOCKED_LABEL = "blocked by robots.txt"


class SourceUnavailable(Exception):
    """A source's listing could not be fetched: the source failed."""

    state = FAILED
    retry = True

    def __init__(self, url: str, exception: str, message: str) -> None:
        self.url, self.exception, self.message = url, exception, message
        super().__init__(f"{url}: {exception}: {message}")

    def details(self) -> dict[str, Any]:
        """What runs.per_source keeps of it."""
        return {
            "status": self.state,
            "error": str(self),
            "url": self.url,
            "exception": self.exception,
            "message": self.message,
        }


class SourceBlocked(SourceUnavailable):
    """robots.txt disallows the source's listing: reported, never retried."""

    state = BLOCKED
    retry = False

    def __init__(self, url: str) -> None:
        super().__init__(url, "RobotsDisallowed", BLOCKED_LABEL)


class SourceMisconfigured(SourceUnavailable):
    """The source cannot start (e.g. a missing API key): failed, never retried."""

    retry = False

    def __init__(self, url: str, message: str) -> None:
        super().__init__(url, type(self).__name__, message)


def from_fetch_error(error: FetchError) -> SourceUnavailable:
    """The listing's fetch error as the source's state, with the underlying
    exception's class and message when there is one."""
    if error.reason == "robots_disallowed":
        return SourceBlocked(error.url)
    cause = error.__cause__
    if cause is not None:
        message = f"{error.reason}: {cause}".strip()
        return SourceUnavailable(error.url, type(cause).__name__, message)
    message = f"{error.reason} {error.detail}".strip()
    return SourceUnavailable(error.url, type(error).__name__, message)


def should_retry(task: object, task_run: object, state: object) -> bool:
    """Prefect's retry condition: no retry for a blocked or misconfigured source."""
    error = getattr(state, "data", None)
    return not (isinstance(error, SourceUnavailable) and not error.retry)
