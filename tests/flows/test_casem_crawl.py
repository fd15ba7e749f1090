"""The CaseM / CloudNC crawler against a replay of Tampere's OData API (read where the
site has no HTML body list): `$format=json` on every request, `odata.nextLink` paging."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flows.fetch import FETCHERS
from flows.platforms.casem import as_json, contents_url
from flows.rawstore import RawStore
from flows.sources import Source
from tests.conftest import FIXTURES
from tests.sites import ReplaySite, site_file

SITE = FIXTURES / "sites" / "casem"
API = "/api/opennc/v1/"
JSON = "application/json; charset=utf-8"
ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"/>'
)


@pytest.fixture
def site(httpserver) -> ReplaySite:
    replay = ReplaySite(httpserver, ("http://tampere.cloudnc.fi",))

    def serve(path: str, name: str) -> None:
        body = site_file("casem", name).read_bytes()
        replay.add(as_json(API + path), body, content_type=JSON)

    serve("Nodes", "nodes.json")
    replay.add(API + "Nodes", ATOM, content_type="application/atom+xml")
    bodies = json.loads((SITE / "11291_subnodes.json").read_text("utf-8"))
    first, rest = bodies["value"][:17], bodies["value"][17:]
    more = f"{replay.base}{API}Nodes(11291)/SubNodes()?$skiptoken=17"
    replay.add(
        as_json(API + "Nodes(11291)/SubNodes()"),
        json.dumps({"value": first, "odata.nextLink": more}),
        content_type=JSON,
    )
    replay.add(
        as_json(API + "Nodes(11291)/SubNodes()?$skiptoken=17"),
        json.dumps({"value": rest}),
        content_type=JSON,
    )
    serve("Nodes(11291)/SubNodes(11292)/SubNodes()", "11291_11292_subnodes.json")
    serve(
        "Nodes(11291)/SubNodes(11292)/SubNodes(11291)/SubNodes()",
        "11291_11292_11291_subnodes.json",
    )
    # the stitched fixture has a second "Kaupunginhallitus" node: a body without meetings
    replay.add(
        as_json(API + "Nodes(11291)/SubNodes(12486)/SubNodes()"),
        b'{"value": []}',
        content_type=JSON,
    )
    meetings = json.loads(
        (SITE / "11291_11292_11291_subnodes.json").read_text("utf-8")
    )["value"]
    for node in meetings:
        path = as_json(contents_url(API, node["NodeId"]))
        if node["NodeId"] == 11292:
            replay.add(
                path,
                (SITE / "node_11292_contents.json").read_bytes(),
                content_type=JSON,
            )
        else:
            replay.add(path, b'{"value": []}', content_type=JSON)
    for content in range(57, 70):
        serve(
            f"Contents({content})/ExtendedProperties",
            f"contents_{content}_extended_properties.json",
        )
    return replay


def crawl(site: ReplaySite, raw: Path, since: date | None = None):
    source = Source(
        name="tampere",
        platform="casem",
        base_url=f"{site.base}/fi-FI",
        municipality="Tampere",
        bodies=("Kaupunginhallitus",),
    )
    return FETCHERS["casem"](source, RawStore(raw), since)


def test_crawl_walks_nodes_to_item_documents(site: ReplaySite, tmp_path: Path) -> None:
    results = crawl(site, tmp_path / "raw")
    assert [r.row.meta["content_id"] for r in results] == [
        str(n) for n in range(57, 70)
    ]
    assert {(r.row.meta["body"], r.row.meta["meeting_date"]) for r in results} == {
        ("Kaupunginhallitus", "2016-09-05")
    }
    first = results[0]
    served = site.routes[as_json(API + "Contents(57)/ExtendedProperties")].body
    assert RawStore(tmp_path / "raw").get(first.row.sha256) == served


def test_only_the_chosen_bodies_are_walked(site: ReplaySite, tmp_path: Path) -> None:
    crawl(site, tmp_path / "raw")
    assert not any("SubNodes(11312)" in path for path in site.hits())


def test_since_skips_older_meetings(site: ReplaySite, tmp_path: Path) -> None:
    assert crawl(site, tmp_path / "raw", since=date(2016, 9, 6)) == []
    # 32 later meetings' (empty) contents, the node walk (two pages of bodies), the
    # HTML body list (404: this tenant answers OData only)
    assert site.count() <= 41


def test_rerun_gets_304_and_stores_nothing_new(
    site: ReplaySite, tmp_path: Path
) -> None:
    crawl(site, tmp_path / "raw")
    rows = len(RawStore(tmp_path / "raw").manifest())
    site.log.clear()
    again = crawl(site, tmp_path / "raw")
    assert not any(r.is_new for r in again)
    assert site.count(status=200) == 0
    assert len(RawStore(tmp_path / "raw").manifest()) == rows


def test_server_errors_are_retried_and_malformed_pages_quarantined(
    site: ReplaySite, tmp_path: Path
) -> None:
    site.routes[as_json(API + "Nodes")].statuses = [500]
    site.add(
        as_json(API + "Nodes(11291)/SubNodes(11292)/SubNodes()"),
        b"<html>Virhe</html>",
        content_type="text/html",
    )
    results = crawl(site, tmp_path / "raw")
    assert [(r.stage, r.reason) for r in results] == [("fetch", "malformed_page")]
    assert [s for _, p, s in site.log if p == as_json(API + "Nodes")] == [500, 200]


def test_second_page_of_bodies_is_followed(site: ReplaySite, tmp_path: Path) -> None:
    crawl(site, tmp_path / "raw")
    assert as_json(API + "Nodes(11291)/SubNodes()?$skiptoken=17") in site.hits()
    assert API + "Nodes" not in site.hits()  # never the Atom answer
