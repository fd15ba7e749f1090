"""sources.toml: which municipalities to collect from, on which platform."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PLATFORMS = (
    "dynasty",
    "tweb",
    "casem",
    "ahjo",
    "folder",
    "turku",
    "pdf-list",
    "m-files",
)


class SourcesError(ValueError):
    """sources.toml is wrong; the message names the file, the entry and the key."""


@dataclass(frozen=True)
class Source:
    """One entry of sources.toml."""

    name: str
    platform: str
    base_url: str
    municipality: str | None = None
    bodies: tuple[str, ...] = ()
    language: str | None = None
    config_dir: Path = Path(".")
    evidence: str | None = None
    verified: bool | None = None
    link_pattern: str | None = None
    redirect_hosts: tuple[str, ...] = ()  # other hosts its redirects may go to

    def folder(self) -> Path:
        """For `folder` sources: the directory, relative to the sources file."""
        path = Path(self.base_url)
        return path if path.is_absolute() else self.config_dir / path

    def problem(self) -> str | None:
        """What is wrong with base_url, found before any request (None: nothing)."""
        if self.platform == "folder":
            return folder_problem(self.folder(), self.config_dir)
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "base_url is not an http(s) URL with a host"
        return None


def folder_problem(folder: Path, config_dir: Path) -> str | None:
    """A folder source must lie inside the directory of its sources file."""
    inside = folder.resolve().is_relative_to(config_dir.resolve())
    return (
        None if inside else "base_url is a folder outside the sources file's directory"
    )


class SourceEntry(BaseModel):
    """The typed schema of one [[source]] entry: strict types, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1)
    platform: str
    base_url: str = Field(min_length=1)
    municipality: str | None = None
    bodies: tuple[str, ...] = ()
    language: Literal["fi", "sv"] | None = None
    evidence: str | None = None  # where the system and URL were seen
    verified: bool | None = None  # false: nothing recent confirms it
    link_pattern: str | None = None  # pdf-list: a regex the document links match
    redirect_hosts: tuple[str, ...] = ()  # hosts besides its own a redirect may reach

    @field_validator("platform")
    @classmethod
    def known_platform(cls, value: str) -> str:
        if value not in PLATFORMS:
            raise ValueError(
                f"unknown platform '{value}' (one of {', '.join(PLATFORMS)})"
            )
        return value

    @field_validator("link_pattern")
    @classmethod
    def valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a regex: {error}") from error
        return value


def _source(entry: object, where: str, config_dir: Path) -> Source:
    """One entry checked against the schema; SourcesError names the entry and key."""
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: not a table of keys")
    try:
        checked = SourceEntry.model_validate(
            {
                k: tuple(v) if k in LIST_KEYS and isinstance(v, list) else v
                for k, v in entry.items()
            }
        )
    except ValidationError as error:
        raise SourcesError(f"{where}: {schema_problem(error)}") from None
    return Source(config_dir=config_dir, **checked.model_dump())


def schema_problem(error: ValidationError) -> str:
    """The first schema error in words, naming its key."""
    first = error.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else "?"
    kind = first["type"]
    if kind == "missing" or (
        kind == "string_too_short" and key in ("name", "base_url")
    ):
        return f"missing key '{key}'"
    if kind == "extra_forbidden":
        return f"unknown key '{key}'"
    if kind == "value_error":
        return f"{key}: {first['msg'].removeprefix('Value error, ')}"
    expected = TYPE_WORDS.get(key, "a string")
    return f"{key} must be {expected}, not {first['input']!r}"


LIST_KEYS = ("bodies", "redirect_hosts")
TYPE_WORDS = {
    "bodies": "a list of strings",
    "redirect_hosts": "a list of host names",
    "language": "'fi' or 'sv'",
    "verified": "true or false",
}


def load_sources(path: Path) -> list[Source]:
    """Every source in the file, validated; raises SourcesError naming the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SourcesError(f"{path}: {error}") from error
    unknown = set(data) - {"source"}
    if unknown:
        raise SourcesError(f"{path}: unknown key '{sorted(unknown)[0]}'")
    sources = [
        _source(entry, f"{path} [[source]] #{n + 1}", path.parent)
        for n, entry in enumerate(data.get("source", []))
    ]
    names = [s.name for s in sources]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SourcesError(f"{path}: duplicate source name '{sorted(duplicates)[0]}'")
    return sources


def select(sources: list[Source], names: list[str]) -> list[Source]:
    """The sources with these names (all when none given); unknown names are errors."""
    if not names:
        return sources
    known = {s.name for s in sources}
    missing = [n for n in names if n not in known]
    if missing:
        raise SourcesError(
            f"unknown source '{missing[0]}' (known: {', '.join(sorted(known))})"
        )
    return [s for s in sources if s.name in names]
