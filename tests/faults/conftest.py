"""The fault table plugin (tests/faults/table.py): the `fault` marker, the `faults`
fixture, and the table printed (and written as JSON) at the end of the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.table import JSON_ENV, FaultTable

TABLE = pytest.StashKey[FaultTable]()
RECORDED = pytest.StashKey[str]()  # the last fault a test recorded through `faults`


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fault(name): each test is one case of this fault kind in the fault table",
    )
    config.stash[TABLE] = FaultTable()


def table_of(config: pytest.Config) -> FaultTable:
    """The session's table (made on first use if pytest_configure ran before us)."""
    if TABLE not in config.stash:
        config.stash[TABLE] = FaultTable()
    return config.stash[TABLE]


def fault_name(item: pytest.Item) -> str | None:
    """The fault kind of a test, from its `fault` marker."""
    marker = item.get_closest_marker("fault")
    return str(marker.args[0]) if marker and marker.args else None


class Recorder:
    """What one test records: cases of its fault kind (or of another it names)."""

    def __init__(self, table: FaultTable, item: pytest.Item) -> None:
        self.table = table
        self.item = item
        self.fault = fault_name(item)

    def record(
        self,
        *,
        survived: bool,
        fault: str | None = None,
        lost: int | None = None,
        duplicated: int | None = None,
        wrong: int = 0,
    ) -> None:
        """One case: survived or not, rows lost/duplicated (None: not measured),
        invariant violations."""
        name = fault or self.fault
        if name is None:
            raise ValueError("name the fault: mark the test or pass fault=")
        self.table.record(
            name, survived=survived, lost=lost, duplicated=duplicated, wrong=wrong
        )
        self.item.stash[RECORDED] = name


@pytest.fixture(scope="session")
def fault_table(request: pytest.FixtureRequest) -> FaultTable:
    """The session's fault table."""
    return table_of(request.config)


@pytest.fixture
def faults(request: pytest.FixtureRequest, fault_table: FaultTable) -> Recorder:
    """Record this test's cases in the fault table."""
    return Recorder(fault_table, request.node)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    report: pytest.TestReport = yield
    recorded = item.stash.get(RECORDED, None)
    name = recorded or fault_name(item)
    if name is not None:
        table = table_of(item.config)
        table.add_time(name, report.duration)
        ended = report.when == "call" or (report.when == "setup" and report.failed)
        # One case per test; a test that recorded its cases and then failed adds
        # one case that did not survive, so a failure always shows.
        if ended and not report.skipped and (recorded is None or report.failed):
            table.record(name, survived=report.passed)
    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    table = table_of(config)
    if not table.rows:
        return
    terminalreporter.section("fault table")
    for line in table.lines():
        terminalreporter.write_line(line)
    written = table.write_json()
    if written:
        terminalreporter.write_line(f"written to {written} (${JSON_ENV})")
