"""Errors an extractor raises for input it cannot turn into items."""


class ExtractionError(Exception):
    """The document cannot be extracted; the message is the reason, for quarantine."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)
