"""Errors an extractor raises for input it cannot turn into items."""


class ExtractionError(Exception):
    """The document cannot be extracted; the message is the reason, for quarantine."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


# Reasons that report a field the document does not print (the item is kept, the
# field is null), not a part left out.
WARNING_REASONS = frozenset(
    {
        "missing_meeting_date",
        "missing_body",
        "impossible_date",
        "impossible_section",
        "missing_section",
    }
)


def is_warning(problem: ExtractionError) -> bool:
    """True for a problem that only warns of a null field."""
    return problem.reason in WARNING_REASONS
