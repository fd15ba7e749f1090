"""`--task-runner dask`: the same backfill, extracted by Prefect tasks on a local
Dask cluster, loads the same items as the default worker processes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows import nightly
from flows.nightly import minutes_reprocess, minutes_run
from flows.runners import batches, with_runner
from flows.settings import Parallelism, SettingsError
from tests.flows.test_run_flow import query

DASK = Parallelism("dask", workers=2)


def refuse(*args: object) -> None:
    raise AssertionError("extracted in the flow's process, not on the cluster")


def items(warehouse: Path) -> list[tuple]:
    """The items table but the times of the run that loaded them."""
    columns = [row[0] for row in query(warehouse, "DESCRIBE items")]
    kept = ", ".join(c for c in columns if not c.endswith("_at") and c != "run_id")
    return query(warehouse, f"SELECT {kept} FROM items ORDER BY ALL")


def test_parallelism_from_flags_then_environment() -> None:
    assert Parallelism.resolve(environ={}) == Parallelism("processes")
    env = {"MINUTES_TASK_RUNNER": "dask", "MINUTES_DASK_ADDRESS": "tcp://s:8786"}
    assert Parallelism.resolve(environ=env) == Parallelism("dask", "tcp://s:8786")
    assert Parallelism.resolve("processes", environ=env) == Parallelism("processes")
    only_address = {"MINUTES_DASK_ADDRESS": "tcp://s:8786"}
    assert Parallelism.resolve(environ=only_address).task_runner == "dask"
    with pytest.raises(SettingsError, match="needs --task-runner dask"):
        Parallelism.resolve("processes", "tcp://s:8786", environ={})
    with pytest.raises(SettingsError, match="unknown"):
        Parallelism.resolve("threads", environ={})


def test_default_runner_leaves_the_flow_as_it_is() -> None:
    assert with_runner(minutes_run, Parallelism()) is minutes_run
    runner = with_runner(minutes_run, DASK).task_runner
    assert type(runner).__name__ == "DaskTaskRunner"
    assert runner.cluster_kwargs["n_workers"] == 2
    assert runner.cluster_kwargs["threads_per_worker"] == 1
    address = with_runner(minutes_run, Parallelism("dask", "tcp://s:8786"))
    assert address.task_runner.address == "tcp://s:8786"


def test_batches_hold_every_document_once() -> None:
    assert batches([], 8) == []


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_backfill_on_local_dask_cluster_loads_the_same_items(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINUTES_DASK_BATCH", "2")  # several tasks for 5 documents
    since = date(2020, 1, 1)  # a backfill (a folder source: one window)
    default = minutes_run(sample_site, [], since, tmp_path / "raw", tmp_path / "a.db")
    dask_run = with_runner(minutes_run, DASK)
    monkeypatch.setattr(nightly, "extract_task", refuse)  # only extract-batch tasks
    on_dask = dask_run(sample_site, [], since, tmp_path / "raw2", tmp_path / "b.db")
    assert on_dask.counts.items_inserted == default.counts.items_inserted == 5
    assert items(tmp_path / "b.db") == items(tmp_path / "a.db")

    again = with_runner(minutes_reprocess, DASK)(tmp_path / "raw2", tmp_path / "b.db")
    assert again.counts.items_unchanged == 5


def test_cli_refuses_an_address_without_dask(tmp_path: Path) -> None:
    from tests.flows.test_cli import minutes

    wh = ["--warehouse", str(tmp_path / "wh.duckdb")]
    both = minutes(
        "run", "--task-runner", "processes", "--dask-address", "tcp://s:1", *wh
    )
    assert both.returncode == 2 and "needs --task-runner dask" in both.stderr
    unknown = minutes("reprocess", *wh, env={"MINUTES_TASK_RUNNER": "threads"})
    assert unknown.returncode == 2 and "task runner 'threads'" in unknown.stderr
    help_run = minutes("run", "--help", env={"COLUMNS": "200"})
    assert "env: MINUTES_TASK_RUNNER" in help_run.stdout
    assert "env: MINUTES_DASK_ADDRESS" in help_run.stdout
