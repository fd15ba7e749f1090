"""The nightly deployment as code and as prefect.yaml agree."""

from __future__ import annotations

import yaml

from flows.deploy import CRON, DEPLOYMENT, TIME_ZONE, deployment_options
from flows.nightly import minutes_run
from flows.settings import PROJECT_ROOT


def test_deployment_in_code_is_nightly_in_helsinki_time() -> None:
    deployment = minutes_run.to_deployment(**deployment_options())
    assert deployment.name == "minutes-nightly"
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (
        "0 3 * * *",
        "Europe/Helsinki",
    )
    assert deployment.parameters["sources_file"].endswith("sources.toml")


def test_prefect_yaml_declares_the_same_deployment() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    (entry,) = config["deployments"]
    assert entry["name"] == DEPLOYMENT
    assert entry["schedules"] == [{"cron": CRON, "timezone": TIME_ZONE}]
    module, function = entry["entrypoint"].split(":")
    assert (module, function) == ("flows/nightly.py", minutes_run.fn.__name__)
