"""The real flow against replay sites: first run fetches and loads, the second run
downloads nothing new and changes nothing, a changed page updates exactly its items."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.nightly import minutes_run, window_start
from tests.flows.test_casem_crawl import site as casem_site  # noqa: F401
from tests.flows.test_dynasty_crawl import SITE as DYNASTY
from tests.flows.test_dynasty_crawl import site as dynasty_site  # noqa: F401
from tests.flows.test_run_flow import query, snapshot
from tests.flows.test_tweb_crawl import SCRIPTS
from tests.flows.test_tweb_crawl import site as tweb_site  # noqa: F401
from tests.sites import ReplaySite

pytestmark = pytest.mark.usefixtures("prefect_harness")


def sources_file(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def run(toml: Path, tmp_path: Path, since: date | None):
    """A run over the fixtures' months (one backfill window when since is given)."""
    until = date(2017, 6, 30) if since else None
    return minutes_run(toml, [], since, tmp_path / "raw", tmp_path / "wh.duckdb", until)


def dynasty_entry(site: ReplaySite) -> str:
    return (
        '[[source]]\nname = "espoo"\nmunicipality = "Espoo"\nplatform = "dynasty"\n'
        f'base_url = "{site.base}/kokous/"\nbodies = ["Kaupunginhallitus"]\n'
    )


def test_dynasty_site_end_to_end(dynasty_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    toml = sources_file(tmp_path, [dynasty_entry(dynasty_site)])
    first = run(toml, tmp_path, date(2017, 5, 8))
    wh = tmp_path / "wh.duckdb"
    rows = query(
        wh, "SELECT section, doc_kind, outcome FROM decisions ORDER BY meeting_date"
    )
    assert rows == [
        (127, "minutes", "amended"),
        (147, "minutes", "approved"),
        (None, "agenda", None),
    ]
    assert query(wh, "SELECT reason FROM quarantine") == [("http_404",)]
    assert first.counts.items_inserted == 3
    before = snapshot(wh)

    dynasty_site.log.clear()
    second = run(toml, tmp_path, date(2017, 5, 8))
    assert (second.counts.documents_new, second.counts.items_unchanged) == (0, 3)
    assert dynasty_site.count(status=200) == 0
    assert snapshot(wh) == before

    page = (
        (DYNASTY / "2017409885-1.HTM")
        .read_bytes()
        .replace(
            b"P\xe4\xe4t\xf6sehdotus hyv\xe4ksyttiin yksimielisesti.",
            b"Asia palautettiin uudelleen valmisteltavaksi.",
        )
    )
    dynasty_site.add("/kokous/2017409885-1.HTM", page)
    third = run(toml, tmp_path, date(2017, 5, 8))
    assert (third.counts.items_updated, third.counts.items_unchanged) == (1, 2)
    assert query(wh, "SELECT outcome FROM decisions WHERE section = 147") == [
        ("returned",)
    ]
    assert query(wh, "SELECT max(last_meeting_date) FROM watermarks") == [
        (date(2017, 5, 29),)
    ]


def test_casem_site_end_to_end(casem_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    entry = (
        '[[source]]\nname = "tampere"\nmunicipality = "Tampere"\nplatform = "casem"\n'
        f'base_url = "{casem_site.base}/fi-FI"\nbodies = ["Kaupunginhallitus"]\n'
    )
    toml = sources_file(tmp_path, [entry])
    first = run(toml, tmp_path, None)
    wh = tmp_path / "wh.duckdb"
    # 13 contents: 66 is attendance only; the stitched fixture repeats Articles 2, 3
    # and 4 within one meeting, so (meeting, §) collide and the later content wins
    assert first.counts.items_inserted == 9
    assert query(
        wh, "SELECT document LIKE '%Contents(66)%', reason FROM quarantine"
    ) == [(True, "no_items")]
    outcomes = dict(query(wh, "SELECT diary_number, outcome FROM decisions"))
    assert outcomes["TRE:1863/10.03.02/2016"] == "returned"  # content 61
    before = snapshot(wh)
    second = run(toml, tmp_path, None)
    assert second.counts.documents_new == 0 and snapshot(wh) == before


def test_tweb_site_end_to_end(tweb_site: ReplaySite, tmp_path: Path) -> None:  # noqa: F811
    entry = (
        '[[source]]\nname = "oulu"\nmunicipality = "Oulu"\nplatform = "tweb"\n'
        f'base_url = "{tweb_site.base}{SCRIPTS}"\nbodies = ["Kaupunginhallitus"]\n'
    )
    toml = sources_file(tmp_path, [entry])
    first = run(toml, tmp_path, date(2017, 3, 21))
    wh = tmp_path / "wh.duckdb"
    # the PDF has no § or date: they come from the item list
    assert query(
        wh, "SELECT meeting_date, section, diary_number, outcome FROM decisions"
    ) == [(date(2017, 3, 27), 73, "OUKA/1472/02.02.02/2017", "noted")]
    assert first.counts.quarantined == 1  # § 74's document is missing (404)
    before = snapshot(wh)
    second = run(toml, tmp_path, date(2017, 3, 21))
    assert second.counts.items_unchanged == 1 and snapshot(wh) == before


def test_window_start_prefers_since_then_watermark() -> None:
    assert window_start(date(2015, 1, 1), date(2020, 1, 1)) == date(2015, 1, 1)
    assert window_start(None, date(2020, 3, 1)) == date(2020, 1, 1)  # 60 days back
    assert window_start(None, None) is None
