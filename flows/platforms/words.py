"""What listing pages say in words, shared by the crawlers: minutes or agenda."""

from __future__ import annotations

MINUTES_WORDS = ("pöytäkirja", "poytakirja", "protokoll", "protocol", "minutes")
AGENDA_WORDS = (
    "esityslista",
    "föredragningslista",
    "foredragningslista",
    "kokouskutsu",
    "kallelse",
    "agenda",
)


def doc_kind(*texts: str) -> str | None:
    """minutes or agenda by the first text that names one and not the other (link
    text, then its icon, then its row …); None when none tells."""
    for text in texts:
        lowered = text.lower()
        minutes = any(word in lowered for word in MINUTES_WORDS)
        agenda = any(word in lowered for word in AGENDA_WORDS)
        if minutes != agenda:
            return "minutes" if minutes else "agenda"
    return None
