"""A temporary local Prefect server for one command, when PREFECT_API_URL names none.

Prefect would start the same server itself (`SubprocessASGIServer`), but only once
the flow is called, after importing its own server module (seconds) in this process.
Started here, before anything imports Prefect, the server boots while this process
loads the flow; it is stopped when the command ends and, on Linux, killed by the
kernel when this process dies (so a SIGKILLed run leaves no server behind).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

STARTUP_TIMEOUT = 120.0  # seconds; a cold first start migrates Prefect's database
PR_SET_PDEATHSIG = 1
SERVER_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",  # Prefect's own marks of its temporary server
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",  # no blocks used: a second saved
}


class ServerError(RuntimeError):
    """The temporary server did not come up."""


def die_with_parent() -> None:
    """In the child before exec: the kernel sends SIGTERM when the parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the server is stopped by __exit__ only


def drain_prefect() -> None:
    """Send the logs and events Prefect still holds while the server listens (else
    its workers retry against a stopped server at exit)."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    with contextlib.suppress(Exception):  # best effort: the run is over
        APILogWorker.drain_all(timeout=5)
        EventsWorker.drain_all(timeout=5)


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TemporaryServer:
    """`with TemporaryServer(): ...` sets PREFECT_API_URL to a server of its own."""

    def __init__(self) -> None:
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__

    def __enter__(self) -> TemporaryServer:
        self.process = subprocess.Popen(
            self._command(),
            env={**os.environ, **SERVER_ENV},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C is for the run, which stops the server
            preexec_fn=die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
        os.environ["PREFECT_API_URL"] = self.api
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        drain_prefect()
        os.environ.pop("PREFECT_API_URL", None)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def _command(self) -> list[str]:
        """uvicorn with Prefect's app factory, as Prefect starts its own."""
        spec = importlib.util.find_spec("prefect")
        assert spec is not None and spec.submodule_search_locations
        packages = Path(list(spec.submodule_search_locations)[0]).parent
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(packages),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Block until the server answers /health; ServerError with its output
        when it exits or does not answer in time."""
        assert self.process is not None, "the server was not started"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"Prefect's server exited: {self._output()}")
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise ServerError(f"Prefect's server did not answer in {timeout:.0f} s")

    def _output(self) -> str:
        """The last lines the server wrote."""
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(lines[-5:]) or "(no output)"
