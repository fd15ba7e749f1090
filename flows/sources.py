"""sources.toml: which municipalities to collect from, on which platform."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

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
REQUIRED = ("name", "platform", "base_url")
OPTIONAL = (
    "municipality",
    "bodies",
    "language",
    "evidence",  # where the system and URL were seen
    "verified",  # false: nothing recent confirms it
    "link_pattern",  # pdf-list: a regex the document links match
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

    def folder(self) -> Path:
        """For `folder` sources: the directory, relative to the sources file."""
        path = Path(self.base_url)
        return path if path.is_absolute() else self.config_dir / path


def _source(entry: dict[str, object], where: str, config_dir: Path) -> Source:
    """One validated entry."""
    for key in entry:
        if key not in REQUIRED + OPTIONAL:
            raise SourcesError(f"{where}: unknown key '{key}'")
    for key in REQUIRED:
        if not entry.get(key):
            raise SourcesError(f"{where}: missing key '{key}'")
    if entry["platform"] not in PLATFORMS:
        raise SourcesError(
            f"{where}: unknown platform '{entry['platform']}'"
            f" (one of {', '.join(PLATFORMS)})"
        )
    if entry.get("language") not in (None, "fi", "sv"):
        raise SourcesError(f"{where}: language must be 'fi' or 'sv'")
    if not isinstance(entry.get("verified", True), bool):
        raise SourcesError(f"{where}: verified must be true or false")
    _check_pattern(entry.get("link_pattern"), where)
    return Source(
        name=str(entry["name"]),
        platform=str(entry["platform"]),
        base_url=str(entry["base_url"]),
        municipality=entry.get("municipality"),  # type: ignore[arg-type]
        bodies=tuple(entry.get("bodies", ())),  # type: ignore[arg-type]
        language=entry.get("language"),  # type: ignore[arg-type]
        config_dir=config_dir,
        evidence=entry.get("evidence"),  # type: ignore[arg-type]
        verified=entry.get("verified"),  # type: ignore[arg-type]
        link_pattern=entry.get("link_pattern"),  # type: ignore[arg-type]
    )


def _check_pattern(pattern: object, where: str) -> None:
    """A link_pattern must be a valid regular expression."""
    if pattern is None:
        return
    try:
        re.compile(str(pattern))
    except re.error as error:
        raise SourcesError(f"{where}: link_pattern is not a regex: {error}") from error


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
