"""Why a whole source could not be reached, said the one way a run knows
(flows/results.py): a SourceFailed carrying a SourceError (URL, exception class,
message) and a SourceStatus.

- its listing could not be fetched: failed, with the underlying exception's class;
- robots.txt disallows us: blocked (reported as `blocked by robots.txt`, never
  retried, not a success);
- it cannot start (e.g. a missing API key, no crawler): refused, never retried.
"""

from __future__ import annotations

from flows.http import FetchError, RetryableStatus
from flows.results import SourceError, SourceFailed, SourceStatus

BLOCKED_LABEL = "blocked by robots.txt"
CONFIG_ERROR = "ConfigError"  # the error class of a refused source


class SourceBlocked(SourceFailed):
    """robots.txt disallows the source's listing: reported, never retried."""

    def __init__(self, url: str) -> None:
        error = SourceError(url, "RobotsDisallowed", BLOCKED_LABEL)
        super().__init__(error, SourceStatus.BLOCKED)


class SourceMisconfigured(SourceFailed):
    """The source cannot start (e.g. a missing API key): refused, never retried."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(SourceError(url, CONFIG_ERROR, message), SourceStatus.REFUSED)


def from_fetch_error(error: FetchError) -> SourceFailed:
    """The listing's fetch error as the source's failure: blocked by robots.txt, or
    failed with the underlying exception's class and the reason with its message when
    there is one (ConnectError, `network_error: …`), else FetchError and the reason
    (http_404 …; a 5xx the client gave up on is one too)."""
    if error.reason == "robots_disallowed":
        return SourceBlocked(error.url)
    cause = error.__cause__
    if cause is not None and not isinstance(cause, RetryableStatus):
        message = f"{error.reason}: {cause}".strip()
        return SourceFailed(SourceError(error.url, type(cause).__name__, message))
    message = f"{error.reason} {error.detail}".strip()
    return SourceFailed(SourceError(error.url, type(error).__name__, message))
