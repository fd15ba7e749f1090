"""`minutes sources add URL`: which publishing system a pasted URL belongs to, the base
URL its crawler starts from, a name for the entry, and the entry as sources.toml text.

Detection is by host and path patterns (DOMAIN.md 1.0): Dynasty's `DREQUEST.PHP`,
`oncloudos.com` and static `/kokous/`; TWeb's `ktwebscr`, `tweb.fi`, `triplancloud.fi`,
`ktweb.fi`; CloudNC's `cloudnc.fi`; Helsinki's `paatokset.hel.fi` and `/ahjo-proxy/`;
Turku's `paatokset.turku.fi`; M-Files' `mfiles.` hosts. Any other page is a PDF list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from flows.urls import request_url

HOST_WORDS = re.compile(
    r"^(www\d*|poytakirjat|dynastyjulkaisu|dynasty\d*|djulkaisu|julkaisu|julkaisut|"
    r"paatokset|paatoksetd10|kokoukset|kokous|asiakirjat|listat|ep10|tweb|mfiles|"
    r"asianhallinta\w*|kuulutukset|web\d+)$"
)
LANGUAGE = re.compile(r"[a-zA-Z]{2}-[a-zA-Z]{2}")
SLUG_SUFFIX = re.compile(r"(-julkaisu|-d10julk|d10|10fi|10|fi)$")


class NotAUrl(ValueError):
    """The text given is not an http(s) URL."""


@dataclass(frozen=True)
class Detected:
    """What a pasted URL says: platform, base URL, a name for the entry."""

    platform: str
    base_url: str
    name: str


def cut_after(url: str, marker: str) -> str:
    """The url up to and including the first `marker` (case-insensitive)."""
    at = url.lower().index(marker.lower())
    return url[: at + len(marker)]


def dynasty_base(url: str) -> str:
    """`…/cgi/DREQUEST.PHP` (CGI) or `…/kokous/` (static export)."""
    if "drequest.php" in url.lower():
        return cut_after(url.split("?")[0], "DREQUEST.PHP")
    if "/kokous/" in url.lower():
        return cut_after(url, "/kokous/")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/cgi/DREQUEST.PHP"


def tweb_base(url: str) -> str:
    """The script prefix ending in `ktwebscr/` (legacy `…/dbisa.dll/ktwebscr/`)."""
    if "ktwebscr" in url.lower():
        return cut_after(url.split("?")[0], "ktwebscr") + "/"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/ktwebscr/"


def cloudnc_base(url: str) -> str:
    """The site with its language: `https://x.cloudnc.fi/fi-FI`."""
    parts = urlsplit(url)
    language = next(
        (
            p
            for p in parts.path.split("/")
            if re.fullmatch(r"[a-zA-Z]{2}-[a-zA-Z]{2}", p)
        ),
        "fi-FI",
    )
    return f"{parts.scheme}://{parts.netloc}/{language}"


def site_root(url: str) -> str:
    """`https://host/`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def platform_of(url: str) -> tuple[str, str]:
    """(platform, base URL) by the url's host and path."""
    lowered = url.lower()
    host = urlsplit(lowered).netloc
    if "drequest.php" in lowered or host.endswith("oncloudos.com"):
        return "dynasty", dynasty_base(url)
    if re.search(r"/kokous/[^/]*\.htm", lowered) or lowered.endswith("/kokous/"):
        return "dynasty", dynasty_base(url)
    if "ktwebscr" in lowered or re.search(r"(tweb|triplancloud|ktweb)\.fi$", host):
        return "tweb", tweb_base(url)
    if host.endswith("cloudnc.fi"):
        return "casem", cloudnc_base(url)
    if host.endswith("paatokset.hel.fi") or "/ahjo-proxy/" in lowered:
        return "ahjo", f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/fi"
    if host.endswith("paatokset.turku.fi"):
        return "turku", site_root(url)
    if host.startswith("mfiles."):
        return "m-files", url
    return "pdf-list", url


def name_of(url: str) -> str:
    """A slug from the host: the municipality's label, without system words
    (`kuopio.oncloudos.com` → kuopio, `pello-julkaisu.triplancloud.fi` → pello,
    `poytakirjat.nivala.fi` → nivala, `dynastyjulkaisu.kase.fi/D10_Toholampi` →
    toholampi)."""
    parts = urlsplit(url.lower())
    prefix = re.search(r"/d10_([a-z]+)", parts.path)
    if prefix:
        return prefix.group(1)
    labels = parts.netloc.split(":")[0].split(".")
    generic = {"oncloudos", "cloudnc", "tweb", "triplancloud", "ktweb", "fi", "com"}
    words = [w for w in labels[:-1] if w not in generic and not HOST_WORDS.match(w)]
    word = words[0] if words else labels[0]
    return SLUG_SUFFIX.sub("", word.replace("_", "-")) or word


def detect(text: str) -> Detected:
    """The system, base URL and a name for a pasted URL (NotAUrl when it is none)."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotAUrl(f"'{text}' is not an http(s) URL")
    url = urlunsplit(urlsplit(request_url(url))._replace(fragment=""))
    platform, base = platform_of(url)
    return Detected(platform, base, name_of(base))


def toml_entry(
    found: Detected,
    name: str,
    municipality: str | None,
    language: str | None,
    pasted: str,
) -> str:
    """The sources.toml text of a new entry (evidence: the pasted URL, unverified)."""
    values = {
        "name": name,
        "municipality": municipality,
        "platform": found.platform,
        "base_url": found.base_url,
        "language": language,
        "evidence": f"added from {pasted.strip()} on {date.today()}",
    }
    lines = ["", "[[source]]"]
    lines += [f"{key} = {quoted(value)}" for key, value in values.items() if value]
    lines.append("verified = false")
    return "\n".join(lines) + "\n"


def quoted(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)
