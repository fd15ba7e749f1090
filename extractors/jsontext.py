"""JSON answers read as Python values whose strings are text.

A JSON string may escape a lone surrogate ("\\ud800"); `json.loads` keeps it, and no
UTF-8 can hold it: the record could be neither printed nor loaded. Such code points
become U+FFFD (a pair of escapes that makes one character is joined by json itself).
"""

from __future__ import annotations

import json
import re
from typing import Any

SURROGATE_RE = re.compile("[\ud800-\udfff]")


def loads(text: str) -> Any:
    """`json.loads`, lone surrogates replaced by U+FFFD; raises what it raises."""
    return text_only(json.loads(text))


def text_only(value: Any) -> Any:
    """The value with every string (keys too) free of lone surrogates."""
    if isinstance(value, str):
        return SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, list):
        return [text_only(item) for item in value]
    if isinstance(value, dict):
        return {text_only(key): text_only(item) for key, item in value.items()}
    return value
