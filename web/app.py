"""`minutes browse`: the web app (FastAPI + Jinja2 templates), read-only.

Pages: search (/), an item (/item/{id}), a case's timeline (/case), people
(/people, /person), bodies (/bodies, /body/{id}) and the raw bytes we hold
(/raw/{sha256}). Every page is plain HTML with a stable URL, readable without
JavaScript, and gives its result as CSV or JSON with `format=csv` / `format=json`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.templating import Jinja2Templates

from models import ids
from web import charts, queries, search
from web.db import Reader, WarehouseBusy, WarehouseMissing
from web.i18n import LANGUAGES, choose, translator

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("csv", "json")
SHA256 = re.compile(r"[0-9a-f]{64}")


def templates() -> Jinja2Templates:
    """The Jinja2 environment the app and the static report share."""
    found = Jinja2Templates(directory=str(TEMPLATES))
    found.env.globals["charts"] = charts
    found.env.globals["body_id"] = ids.body_id
    found.env.filters["outcome_class"] = lambda o: f"outcome-{o or 'none'}"
    found.env.filters["show"] = show
    return found


def show(value: Any) -> str:
    """A record value as text: lists one element after another, records as
    key: value pairs, nothing as a dash."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list):
        return "; ".join(show(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{k}: {show(v)}" for k, v in value.items() if v not in (None, [])
        )
    return str(value)


TEMPLATE_ENV = templates()


@dataclass(frozen=True)
class Page:
    """What every page needs: the interface language, how it was chosen, and the
    request's path and query (for links that keep the language)."""

    lang: str
    explicit: bool
    path: str
    params: dict[str, str]

    def href(self, path: str, **query: Any) -> str:
        """A link to a page of the app, keeping ?lang= when it was chosen."""
        values = {k: str(v) for k, v in query.items() if v not in (None, "")}
        if self.explicit:
            values.setdefault("lang", self.lang)
        return path + ("?" + urlencode(values) if values else "")

    def here(self, **changes: Any) -> str:
        """This page's URL with some query values changed (None removes one)."""
        values = {**self.params, **changes}
        kept = {k: v for k, v in values.items() if v not in (None, "")}
        return self.path + ("?" + urlencode(kept) if kept else "")


def page_of(request: Request) -> Page:
    """The Page of a request: ?lang= first, then Accept-Language."""
    explicit = request.query_params.get("lang")
    lang = choose(explicit, request.headers.get("accept-language"))
    return Page(
        lang, explicit in LANGUAGES, request.url.path, dict(request.query_params)
    )


def render(
    request: Request, template: str, status: int = 200, **context: Any
) -> Response:
    """A template rendered for a request, with the page helpers."""
    page = page_of(request)
    context.update(page=page, t=translator(page.lang), static=False)
    return TEMPLATE_ENV.TemplateResponse(request, template, context, status_code=status)


# --- downloads ---------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A cell as JSON knows it (dates as ISO text)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def table_response(rows: list[dict[str, Any]], fmt: str, name: str) -> Response:
    """Rows as a CSV or JSON download named `name`."""
    if fmt == "json":
        body = json.dumps([plain(r) for r in rows], ensure_ascii=False, indent=1)
        return download(body, "application/json", f"{name}.json")
    buffer = io.StringIO()
    columns = list(rows[0]) if rows else []
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return download(buffer.getvalue(), "text/csv; charset=utf-8", f"{name}.csv")


def _cell(value: Any) -> Any:
    """A CSV cell: nested values as JSON text."""
    value = plain(value)
    return (
        json.dumps(value, ensure_ascii=False)
        if isinstance(value, list | dict)
        else value
    )


def download(body: str, media_type: str, filename: str) -> Response:
    """A response the browser saves as a file."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=media_type, headers=headers)


def wanted_format(request: Request) -> str | None:
    """csv or json when the query asks for a download."""
    fmt = request.query_params.get("format")
    return fmt if fmt in FORMATS else None


# --- routes ------------------------------------------------------------------------

router = APIRouter()


def session(request: Request) -> Any:
    """A read-only session on the warehouse for this request."""
    reader: Reader = request.app.state.reader
    return reader.session()


@router.get("/", response_class=HTMLResponse, name="search")
def search_page(request: Request) -> Response:
    """Search: words and filters; a page of results, or the whole result as a
    download."""
    filters = search.Filters.from_query(request.query_params)
    fmt = wanted_format(request)
    with session(request) as con:
        if fmt:
            found = search.download(con, filters)
            rows = [result_row(r) for r in found]
            return table_response(rows, fmt, "search")
        number = _int(request.query_params.get("page"), 1)
        result = search.search(con, filters, number)
        options = queries.facets(con)
    return render(request, "search.html", result=result, facets=options)


def result_row(result: search.Result) -> dict[str, Any]:
    """A search result as a download row."""
    row = asdict(result)
    for key in ("text", "snippet"):
        row.pop(key)
    return row


def _int(value: str | None, default: int) -> int:
    """A positive whole number from the query, else the default."""
    try:
        return max(1, int(value)) if value else default
    except ValueError:
        return default


@router.get("/item/{item_id}", response_class=HTMLResponse, name="item")
def item_page(request: Request, item_id: str) -> Response:
    """An item whole: every field, decision, votes, conflicts, people, provenance
    with its span in the item text, the source document and our raw copy."""
    with session(request) as con:
        found = queries.item(con, item_id)
    if found is None:
        raise HTTPException(404, f"no item {item_id}")
    fmt = wanted_format(request)
    if fmt == "json":
        body = json.dumps(plain(found), ensure_ascii=False, indent=1)
        return download(body, "application/json", f"item-{item_id}.json")
    if fmt == "csv":
        return table_response(field_rows(found), fmt, f"item-{item_id}")
    field = request.query_params.get("field")
    marked = highlight(found["text"], found["provenance"], field)
    return render(request, "item.html", item=found, field=field, marked=marked)


def field_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """An item as field/value rows (its CSV form)."""
    return [{"field": k, "value": _cell(v)} for k, v in found["record"].items()]


@dataclass(frozen=True)
class Marked:
    """The item text cut around one field's span: before, the span, after."""

    before: str
    span: str
    after: str


def highlight(
    text: str | None, provenance: list[dict[str, Any]], field: str | None
) -> Marked | None:
    """The text with the chosen field's span marked (None: nothing to mark)."""
    spans = [
        p for p in provenance if p["field"] == field and p["span_start"] is not None
    ]
    if text is None or not spans:
        return None
    start, end = spans[0]["span_start"], spans[0]["span_end"]
    if not 0 <= start <= end <= len(text):
        return None
    return Marked(text[:start], text[start:end], text[end:])


@router.get("/case", response_class=HTMLResponse, name="case")
def case_page(
    request: Request, diary: str, municipality: str | None = None
) -> Response:
    """A case's timeline: items sharing a diary number and their earlier
    handlings, in date order."""
    municipality = municipality or None
    with session(request) as con:
        entries = queries.case(con, municipality, diary)
    fmt = wanted_format(request)
    if fmt:
        return table_response(entries, fmt, "case")
    if not entries:
        raise HTTPException(404, f"no items with diary number {diary}")
    return render(
        request, "case.html", entries=entries, diary=diary, municipality=municipality
    )


@router.get("/person", response_class=HTMLResponse, name="person")
def person_page(
    request: Request, name: str, municipality: str | None = None
) -> Response:
    """A person's items (presented, prepared), votes where named, conflicts."""
    with session(request) as con:
        found = queries.person(con, municipality or None, name)
    fmt = wanted_format(request)
    if fmt:
        rows = [
            {"kind": kind, **row}
            for kind in ("roles", "votes", "conflicts")
            for row in found[kind]
        ]
        return table_response(rows, fmt, "person")
    if not (found["roles"] or found["votes"] or found["conflicts"]):
        raise HTTPException(404, f"nothing about {name}")
    return render(request, "person.html", person=found)


@router.get("/people", response_class=HTMLResponse, name="people")
def people_page(request: Request, name: str | None = None) -> Response:
    """Named officials, most items first; ?name= narrows the list."""
    with session(request) as con:
        found = queries.people(con, name or None)
    fmt = wanted_format(request)
    if fmt:
        return table_response(found, fmt, "people")
    return render(request, "people.html", people=found, name=name or "")


@router.get("/bodies", response_class=HTMLResponse, name="bodies")
def bodies_page(request: Request) -> Response:
    """Every body with its meetings and items."""
    with session(request) as con:
        found = queries.bodies(con)
    fmt = wanted_format(request)
    if fmt:
        return table_response(found, fmt, "bodies")
    return render(request, "bodies.html", bodies=found)


@router.get("/body/{body_id}", response_class=HTMLResponse, name="body")
def body_page(request: Request, body_id: str) -> Response:
    """A body: its meetings and its outcome mix over time (charts)."""
    with session(request) as con:
        found = queries.body(con, body_id)
    if found is None:
        raise HTTPException(404, f"no body {body_id}")
    fmt = wanted_format(request)
    if fmt:
        return table_response(found["meeting_rows"], fmt, f"body-{body_id}")
    return render(request, "body.html", body=found)


@router.get("/raw/{sha256}", name="raw")
def raw_bytes(request: Request, sha256: str) -> Response:
    """The bytes we hold of a document version, from the raw zone (read-only),
    with its media type; never run by the browser as our page."""
    if not SHA256.fullmatch(sha256):
        raise HTTPException(404, "not a sha256")
    with session(request) as con:
        found = queries.document_by_sha(con, sha256)
    path = raw_path(request.app.state.raw_dir, found)
    if found is None or path is None:
        raise HTTPException(404, f"no raw bytes {sha256}")
    headers = {
        "Content-Security-Policy": "sandbox",
        "X-Content-Type-Options": "nosniff",
    }
    media = found["media_type"] or "application/octet-stream"
    return FileResponse(path, media_type=media, headers=headers)


def raw_path(raw_dir: Path, document: dict[str, Any] | None) -> Path | None:
    """Where a document's bytes are in the raw zone (None: not there, or a path
    that leads outside it)."""
    if document is None or not document["raw_path"]:
        return None
    root = raw_dir.resolve()
    path = (root / document["raw_path"]).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


# --- the app -----------------------------------------------------------------------


def create_app(warehouse: Path, raw_dir: Path) -> FastAPI:
    """The browse app over a warehouse file and its raw zone."""
    reader = Reader(warehouse)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        reader.close()

    app = FastAPI(
        title="minutes browse",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.reader = reader
    app.state.raw_dir = raw_dir
    app.include_router(router)
    app.add_exception_handler(WarehouseBusy, unavailable)
    app.add_exception_handler(WarehouseMissing, unavailable)
    app.add_exception_handler(HTTPException, not_found)
    return app


async def unavailable(request: Request, error: Exception) -> Response:
    """503 while a writer holds the file, or before anything was loaded."""
    key = "busy" if isinstance(error, WarehouseBusy) else "missing"
    response = render(request, "error.html", status=503, message_key=key)
    response.headers["Retry-After"] = "5"
    return response


async def not_found(request: Request, error: Exception) -> Response:
    """An error page in the interface language (404 and the like)."""
    status = getattr(error, "status_code", 500)
    detail = str(getattr(error, "detail", ""))
    return render(
        request, "error.html", status=status, message_key="not_found", detail=detail
    )
