"""The web app's commands, registered by flows/cli.py: `minutes browse` and
`minutes report`. FastAPI, uvicorn and Altair are imported only when they run."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from flows.settings import Settings

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

WarehouseOption = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB file [env MINUTES_WAREHOUSE]"),
]
RawDirOption = Annotated[
    Path | None, typer.Option("--raw-dir", help="raw zone [env MINUTES_RAW_DIR]")
]
LOCAL = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def browse(
    port: Annotated[int, typer.Option("--port", help="port to serve on")] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="address to bind (default 127.0.0.1: this machine only)"
        ),
    ] = LOCAL,
    warehouse: WarehouseOption = None,
    raw_dir: RawDirOption = None,
) -> None:
    """Serve the read-only web app: search, item pages, case timelines, people and
    bodies (http://127.0.0.1:8000 by default)."""
    settings = Settings.from_env(raw_dir, warehouse)
    open_or_exit(settings.warehouse, "browse").close()
    if not is_loopback(host):
        err.print(
            f"[yellow]minutes browse: warning:[/yellow] binding {host} makes the app"
            " reachable from other machines; it has no login and shows everything"
            " in the warehouse"
        )
    import uvicorn

    from web.app import create_app

    app = create_app(settings.warehouse, settings.raw_dir)
    shown = f"[{host}]" if ":" in host else host
    out.print(f"minutes browse: http://{shown}:{port}/  ({settings.warehouse})")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def open_or_exit(path: Path, command: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection, the schema upgraded once if it is older (as every
    analyst command does); exit 2 with the reason when it cannot be opened."""
    from flows import analyst
    from flows import warehouse as wh

    try:
        return analyst.open_warehouse(path)
    except (wh.WarehouseMissing, duckdb.Error) as error:
        err.print(f"[red]minutes {command}:[/red] {error}")
        raise typer.Exit(2) from error


def report(
    out_path: Annotated[Path, typer.Option("--out", help="HTML file to write")] = Path(
        "report.html"
    ),
    warehouse: WarehouseOption = None,
    lang: Annotated[str, typer.Option("--lang", help="fi, sv or en")] = "en",
    browse_url: Annotated[
        str | None,
        typer.Option(
            "--browse-url",
            help="link titles to a running `minutes browse`, e.g."
            " http://127.0.0.1:8000",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML page with charts of the warehouse and the
    latest decisions (the browse app's templates and charts)."""
    from web.report import build_report

    target = Settings.from_env(warehouse=warehouse).warehouse
    con = open_or_exit(target, "report")
    try:
        html = build_report(con, str(target), lang, browse_url)
    finally:
        con.close()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    out.print(f"wrote {out_path} ({len(html) // 1024} KiB)")
