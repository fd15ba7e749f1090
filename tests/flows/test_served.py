"""The nightly deployment as an operator runs it: a real local Prefect server on
127.0.0.1, the deployment served by `minutes serve` or deployed from prefect.yaml to
a process work pool and run by a worker, a run triggered through the API or the
Prefect CLI; the run ends Completed, its rows are in the warehouse, its INFO logs and
the summary artifact are on the server, and the console shows no INFO."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.prefect_server import free_port
from flows.settings import PROJECT_ROOT
from tests.conftest import copy_sample_site

pytestmark = pytest.mark.flow

BIN = Path(sys.executable).parent
PREFECT = shutil.which("prefect", path=str(BIN)) or "prefect"
MINUTES = shutil.which("minutes", path=str(BIN)) or "minutes"
DEPLOYMENT = "minutes-run/minutes-nightly"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class Server:
    """A Prefect server of one test."""

    api: str
    env: dict[str, str]

    def post(self, path: str, body: dict | None = None) -> object:
        return self.request("POST", path, json=body or {})

    def get(self, path: str) -> object:
        return self.request("GET", path)

    def request(self, method: str, path: str, **kwargs: object) -> object:
        """One API call; a 503 (the server's SQLite busy, e.g. while its scheduler
        writes a new deployment's runs) is tried again, as Prefect's own client does."""
        for _ in range(5):
            response = httpx.request(method, f"{self.api}{path}", timeout=30, **kwargs)
            if response.status_code != 503:
                break
            time.sleep(1)
        response.raise_for_status()
        return response.json()


def clean_environment() -> dict[str, str]:
    """This process's environment without Prefect's or the project's settings."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "MINUTES_WAREHOUSE", "MINUTES_RAW_DIR"))
    }


@pytest.fixture
def server(tmp_path: Path):
    """`prefect server start` on a free port of 127.0.0.1, its own PREFECT_HOME."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **clean_environment(),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "COLUMNS": "200",
    }
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: healthy(api), 120, "the Prefect server to start")
        yield Server(api, env)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def deployment_id(server: Server) -> str | None:
    try:
        return server.get(f"/deployments/name/{DEPLOYMENT}")["id"]
    except httpx.HTTPStatusError:
        return None


def final_state(server: Server, run_id: str, seconds: float = 240) -> str:
    def terminal() -> str | None:
        state = server.get(f"/flow_runs/{run_id}")["state_type"]
        return state if state in TERMINAL else None

    return wait_for(terminal, seconds, f"flow run {run_id} to finish")


def items_in(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT municipality, section, outcome FROM decisions ORDER BY 1, 2"
        ).fetchall()
    finally:
        con.close()


def logs_of(server: Server, run_id: str) -> list[tuple[int, str]]:
    rows = server.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}})
    return [(row["level"], row["message"]) for row in rows]


def summary_artifact(server: Server, run_id: str) -> dict:
    rows = server.post(
        "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run_id]}}}
    )
    (artifact,) = [a for a in rows if a["key"] == "minutes-run-summary"]
    return artifact


def project_env(server: Server, tmp_path: Path) -> dict[str, str]:
    return {
        **server.env,
        "MINUTES_WAREHOUSE": str(tmp_path / "wh.duckdb"),
        "MINUTES_RAW_DIR": str(tmp_path / "raw"),
    }


EXPECTED = [
    ("Espoo", 127, "amended"),
    ("Espoo", None, None),
    ("Kittilä", 37, "approved"),
    ("Kittilä", 451, "approved"),
    ("Turku", 195, "tabled"),
]


def test_minutes_serve_runs_a_triggered_run_to_completed(
    server: Server, tmp_path: Path
) -> None:
    toml = copy_sample_site(tmp_path / "site")
    console = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [MINUTES, "serve"],
        env=project_env(server, tmp_path),
        cwd=tmp_path,
        stdout=console,
        stderr=subprocess.STDOUT,
    )
    try:
        deployment = wait_for(lambda: deployment_id(server), 120, "the deployment")
        run = server.post(
            f"/deployments/{deployment}/create_flow_run",
            {"parameters": {"sources_file": str(toml)}},
        )
        assert final_state(server, run["id"]) == "COMPLETED", (
            tmp_path / "serve.log"
        ).read_text()
    finally:
        serve.terminate()
        serve.wait(timeout=60)
        console.close()
    assert items_in(tmp_path / "wh.duckdb") == EXPECTED
    logs = logs_of(server, run["id"])
    assert any(level == 20 and "site: succeeded" in text for level, text in logs)
    tasks = server.post(
        "/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}}
    )
    assert "fetch-source site" in {task["name"] for task in tasks}
    # untagged, also under the deployment's tags: a tagged task's start asks the
    # server for concurrency slots (a 2 s retry when SQLite is busy)
    assert all(task["tags"] == [] for task in tasks), tasks
    table = summary_artifact(server, run["id"])["data"]
    assert "site" in table and "succeeded" in table
    output = (tmp_path / "serve.log").read_text()
    assert "minutes-run/minutes-nightly" in output  # the served message
    assert "| INFO" not in output and "telemetry" not in output.lower()


def prefect(server_env: dict[str, str], *args: str, cwd: Path | None = None):
    return subprocess.run(
        [PREFECT, *args],
        env=server_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_prefect_yaml_worker_and_the_prefect_cli(
    server: Server, tmp_path: Path
) -> None:
    toml = copy_sample_site(tmp_path / "site")
    env = {**project_env(server, tmp_path), "MINUTES_CHECKOUT": str(PROJECT_ROOT)}
    pool = prefect(env, "work-pool", "create", "minutes", "--type", "process")
    assert pool.returncode == 0, pool.stderr
    deployed = prefect(env, "--no-prompt", "deploy", "--all", cwd=PROJECT_ROOT)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    listed = prefect(env, "deployment", "ls")
    assert listed.returncode == 0, listed.stderr
    assert DEPLOYMENT in listed.stdout
    triggered = prefect(
        env, "deployment", "run", DEPLOYMENT, "--param", f"sources_file={toml}"
    )
    assert triggered.returncode == 0, triggered.stderr
    worker = prefect(
        env, "worker", "start", "--pool", "minutes", "--run-once", cwd=tmp_path
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    (run,) = server.post("/flow_runs/filter", {})
    assert final_state(server, run["id"]) == "COMPLETED", worker.stdout
    assert items_in(tmp_path / "wh.duckdb") == EXPECTED
    runs = prefect(env, "flow-run", "ls")
    assert runs.returncode == 0, runs.stderr
    assert "COMPLETED" in runs.stdout
    logs = logs_of(server, run["id"])
    assert any(level == 20 and "site: succeeded" in text for level, text in logs)
    flow_console = worker.stdout + worker.stderr
    assert "Flow run" in flow_console and "site: succeeded" not in flow_console
    assert "telemetry" not in flow_console.lower()
