"""Any HTML page no layout spec names: its leaf blocks as a line stream
(`extractors.html.html_lines`) through the generic path."""

from __future__ import annotations

from pathlib import PurePosixPath

from extractors.blocks import Layout
from extractors.generic import split_lines
from extractors.html import decode_html, html_lines, parse
from models.records import Document

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".php", ".asp", ".aspx", ".jsp"}


def matches(document: Document) -> bool:
    """An HTML document (by name, media type or its first bytes)."""
    suffix = PurePosixPath(document.uri.split("?")[0]).suffix.lower()
    head = document.data[:1024].lstrip().lower()
    return (
        suffix in HTML_SUFFIXES
        or "html" in (document.media_type or "")
        or head.startswith((b"<!doctype html", b"<html"))
    )


def split_items(document: Document) -> Layout:
    """The items of an HTML page, by the generic path."""
    root = parse(decode_html(document.data, default="cp1252"))
    return split_lines(html_lines(root), document)
