"""`minutes browse`: binds 127.0.0.1 unless told, warns when told otherwise, and
refuses to start without a warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from flows import warehouse
from flows.cli import app

runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict:
    """What uvicorn.run was asked to do (nothing is served)."""
    calls: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.update(app=app, **kw))
    return calls


def test_browse_binds_loopback_by_default(tmp_path: Path, served: dict) -> None:
    warehouse.connect(tmp_path / "wh.duckdb").close()
    result = runner.invoke(app, ["browse", "--warehouse", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8000
    assert "http://127.0.0.1:8000/" in result.output and "warning" not in result.output


def test_browse_warns_when_bound_elsewhere(tmp_path: Path, served: dict) -> None:
    warehouse.connect(tmp_path / "wh.duckdb").close()
    args = ["browse", "--warehouse", str(tmp_path / "wh.duckdb"), "--host", "0.0.0.0"]
    result = runner.invoke(app, [*args, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0" and served["port"] == 8123
    assert "warning" in result.output and "other machines" in result.output


def test_browse_without_a_warehouse_exits_2(tmp_path: Path, served: dict) -> None:
    result = runner.invoke(
        app, ["browse", "--warehouse", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 2 and "minutes run" in result.output
    assert served == {}
