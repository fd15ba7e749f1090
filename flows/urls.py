"""One URL per document: the form a URL is stored under in the raw zone.

Default ports (`:443` on https, `:80` on http) and fragments are dropped, the scheme and
host are lower-cased, `&amp;` left over from HTML or RSS becomes `&`, and the query's
parameters are sorted. Parameters are kept as written (not decoded), so TWeb's literal
`?+bid=` survives. Form answers are stored as `<url>#<fields>` and keep their fields.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def host_port(scheme: str, netloc: str) -> str:
    """The netloc without a default port, lower-cased."""
    netloc = netloc.lower()
    host, sep, port = netloc.rpartition(":")
    default = sep and port.isdigit() and int(port) == DEFAULT_PORTS.get(scheme)
    return host if default and not host.endswith("]") else netloc


def sorted_query(query: str) -> str:
    """The query's parameters in a stable order, each as written."""
    parts = [p for p in query.replace("&amp;", "&").split("&") if p]
    return "&".join(sorted(parts))


def request_url(url: str) -> str:
    """The URL to request: no fragment, no default port, `&amp;` undone; the query
    order is kept (some servers care)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = parts.query.replace("&amp;", "&")
    return urlunsplit((scheme, host_port(scheme, parts.netloc), parts.path, query, ""))


def normalise(url: str) -> str:
    """The URL a document is stored under: request_url with the query sorted."""
    parts = urlsplit(request_url(url))
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, sorted_query(parts.query), "")
    )
