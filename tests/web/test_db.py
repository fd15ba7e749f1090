"""The app never keeps the warehouse from a run: the file is let go once requests
stop, a replaced file is read anew, and a writer that holds the file gives a 503
page asking to try again (not an error)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from flows import warehouse
from web import db
from web.app import create_app


def fresh(path: Path, items: int = 0) -> None:
    """A migrated warehouse with a number of bodies (to tell versions apart)."""
    con = warehouse.connect(path)
    for n in range(items):
        con.execute(
            "INSERT INTO bodies VALUES (?, 'X', ?, NULL, 'fi')", [f"b{n}", f"B{n}"]
        )
    con.close()


def count_bodies(reader: db.Reader) -> int:
    """Bodies seen through a reader session."""
    with reader.session() as con:
        return int(con.execute("SELECT count(*) FROM bodies").fetchone()[0])


def test_the_file_is_let_go_when_requests_stop(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    fresh(path, 1)
    reader = db.Reader(path, idle=0.2)
    assert count_bodies(reader) == 1 and reader.attached
    time.sleep(0.6)
    assert not reader.attached
    writer = duckdb.connect(str(path))  # a run can open it read-write now
    writer.close()
    reader.close()


def test_a_replaced_file_is_read_anew(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    fresh(path, 1)
    reader = db.Reader(path, idle=0.2)
    assert count_bodies(reader) == 1
    fresh(tmp_path / "next.duckdb", 3)
    (tmp_path / "next.duckdb").replace(path)  # a run publishes a new file
    time.sleep(0.4)
    assert count_bodies(reader) == 3
    reader.close()


def test_a_writer_holding_the_file_gives_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wh.duckdb"
    fresh(path)
    monkeypatch.setattr(db, "BUSY_WAIT", 0.3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
            " print('open', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with TestClient(create_app(path, tmp_path)) as client:
            response = client.get("/", headers={"Accept-Language": "fi"})
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert "Tietovarastoa päivitetään" in response.text
    finally:
        holder.kill()
        holder.wait()
