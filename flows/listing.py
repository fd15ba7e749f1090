"""`listing.toml`: the listing context of documents kept in a folder.

A crawler learns a document's body, meeting date and § from the listing page it found
the document on; TWeb item PDFs and CaseM JSON do not print them. A `folder` source
carries that context in a `listing.toml` beside the files:

    municipality = "Oulu"               # every file of this folder and its subfolders
    language = "fi"

    [files."35090068.pdf"]              # one file's listing context
    body = "Kaupunginhallitus"
    meeting_date = "2017-03-27"
    section = "73"

Top-level listing keys (body, meeting_date, …) apply to every file of the folder; a
`listing.toml` in a subfolder adds to and overrides its parent's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LISTING_NAME = "listing.toml"
LISTING_KEYS = ("body", "meeting_date", "section", "title", "doc_kind", "diary_number")
SOURCE_KEYS = ("municipality", "language")


class ListingError(ValueError):
    """A listing.toml that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Context:
    """What a folder's listing says about a document."""

    municipality: str | None = None
    language: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Listing:
    """One folder's listing.toml: folder-wide values and per-file tables."""

    values: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict[str, str]] = field(default_factory=dict)


def read_listing(path: Path) -> Listing:
    """A listing.toml, validated; ListingError names the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ListingError(f"{path}: {error}") from error
    files = data.pop("files", {})
    if not isinstance(files, dict):
        raise ListingError(f"{path}: 'files' must be a table of file names")
    values = _values(data, path, "")
    per_file = {
        str(name): _values(entry, path, f"files.{name}.")
        for name, entry in files.items()
    }
    return Listing(values, per_file)


def _values(entry: Any, path: Path, where: str) -> dict[str, str]:
    """The known keys of one table, as strings."""
    if not isinstance(entry, dict):
        raise ListingError(f"{path}: '{where.rstrip('.')}' must be a table")
    for key, value in entry.items():
        if key not in LISTING_KEYS + SOURCE_KEYS:
            known = ", ".join(SOURCE_KEYS + LISTING_KEYS)
            raise ListingError(f"{path}: unknown key '{where}{key}' (known: {known})")
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise ListingError(f"{path}: '{where}{key}' must be a string")
    if entry.get("language") not in (None, "fi", "sv"):
        raise ListingError(f"{path}: '{where}language' must be 'fi' or 'sv'")
    return {key: str(value) for key, value in entry.items()}


def context_for(
    document: Path,
    root: Path,
    listings: dict[Path, Listing],
    folders: dict[Path, dict[str, str]] | None = None,
) -> Context:
    """A document's context from the listings of its folder and the folders above
    it up to `root` (nearer ones win, the file's own table last). `folders` keeps
    each folder's merged values between calls (one per folder, not per file)."""
    folders = {} if folders is None else folders
    inherited = folders.get(document.parent)
    if inherited is None:
        inherited = folders[document.parent] = folder_values(
            document.parent, root, listings
        )
    merged = dict(inherited)
    own = listings.get(document.parent)
    if own is not None:
        merged.update(own.files.get(document.name, {}))
    meta = {k: v for k, v in merged.items() if k in LISTING_KEYS}
    return Context(merged.get("municipality"), merged.get("language"), meta)


def folder_values(
    folder: Path, root: Path, listings: dict[Path, Listing]
) -> dict[str, str]:
    """The values of the listings of a folder and the folders above it up to `root`
    (nearer ones win)."""
    merged: dict[str, str] = {}
    chain = [f for f in (folder, *folder.parents) if f == root or root in f.parents]
    for each in reversed(chain):
        listing = listings.get(each)
        if listing is not None:
            merged.update(listing.values)
    return merged


def unlisted(listings: dict[Path, Listing]) -> list[Path]:
    """Files a listing names that are not in its folder (a typo in a name)."""
    return [
        folder / name
        for folder, listing in listings.items()
        for name in listing.files
        if not (folder / name).is_file()
    ]
