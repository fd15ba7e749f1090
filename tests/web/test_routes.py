"""The browse app's pages through the framework's test client, on the sample:
what each page shows, its filters, downloads, languages and errors."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from tests.web.conftest import TURKU, Sample

TURKU_TITLE = "Satava-Kakskerran osayleiskaavaluonnos"
SEED_TITLE = "Lapin hyvinvointialueen ja Kittilän kunnan kumppanuus"


def item_id_of(sample: Sample, title_start: str) -> str:
    """The id of the item whose title starts so."""
    con = duckdb.connect(str(sample.warehouse), read_only=True)
    try:
        row = con.execute(
            "SELECT item_id FROM items WHERE starts_with(title, ?)", [title_start]
        ).fetchone()
    finally:
        con.close()
    assert row, title_start
    return str(row[0])


def download_rows(client: TestClient, url: str) -> list[dict]:
    """The JSON download of a page."""
    response = client.get(url + "&format=json")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    return response.json()


# --- search ------------------------------------------------------------------------


def test_search_finds_inflected_finnish_words_and_marks_them(
    client: TestClient,
) -> None:
    page = client.get("/?q=hyvinvointialue").text
    assert SEED_TITLE in page  # the title says 'hyvinvointialueen'
    marked = re.findall(r"<mark>(.*?)</mark>", page)
    assert marked and all(m.lower().startswith("hyvinvointialue") for m in marked)
    assert re.search(r'id="count"><b>\d+</b>', page)


def test_the_count_says_result_or_results_in_each_language(
    client: TestClient,
) -> None:
    one = "/?q=hyvinvointialue+kumppanuus&lang="
    for lang, word in [("en", "result"), ("fi", "tulos"), ("sv", "träff")]:
        assert f'id="count"><b>1</b> {word}</p>' in client.get(one + lang).text
    many = client.get("/?sort=newest&lang=fi").text
    assert re.search(r'id="count"><b>\d+</b> tulosta</p>', many)


def test_every_word_must_match(client: TestClient) -> None:
    both = download_rows(client, "/?q=hyvinvointialue+kumppanuus")
    assert [r["title"][: len(SEED_TITLE)] for r in both] == [SEED_TITLE]
    assert download_rows(client, "/?q=hyvinvointialue+zxqvw") == []


def test_filters_narrow_the_result(client: TestClient) -> None:
    everything = download_rows(client, "/?sort=newest")
    assert len(everything) >= 3
    for query, check in [
        ("municipality=Turku", lambda r: r["municipality"] == "Turku"),
        ("body=Kunnanhallitus", lambda r: r["body"] == "Kunnanhallitus"),
        ("outcome=tabled", lambda r: r["outcome"] == "tabled"),
        ("date_from=2024-01-01", lambda r: r["meeting_date"] >= "2024-01-01"),
        ("date_to=2020-01-01", lambda r: r["meeting_date"] <= "2020-01-01"),
        ("voted=no", lambda r: r["voted"] is False),
        ("language=fi", lambda r: r["language"] == "fi"),
    ]:
        rows = download_rows(client, f"/?{query}")
        assert rows and all(check(r) for r in rows), query
        assert len(rows) < len(everything) or query == "language=fi", query


def test_results_are_paged_with_stable_links(client: TestClient) -> None:
    everything = download_rows(client, "/?sort=oldest")
    first = client.get("/?sort=oldest").text
    dates = re.findall(r"· (\d{4}-\d{2}-\d{2})", first)
    assert dates == sorted(dates) and dates[0] == everything[0]["meeting_date"]
    past_the_end = client.get("/?sort=oldest&page=99").text
    assert "Page 99 of 1" not in past_the_end or len(everything) <= 20
    assert 'rel="next"' not in first or len(everything) > 20


def test_search_download_is_csv_of_the_whole_result(client: TestClient) -> None:
    response = client.get("/?q=hyvinvointialue&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {"item_id", "title", "meeting_date", "outcome"} <= set(rows[0])
    assert any(r["title"].startswith(SEED_TITLE) for r in rows)


def test_bad_filter_values_are_ignored_not_errors(client: TestClient) -> None:
    response = client.get("/?date_from=yesterday&outcome=maybe&voted=x&page=-3")
    assert response.status_code == 200


# --- item ----------------------------------------------------------------------------


def test_item_page_shows_every_field_people_handlings_and_links(
    client: TestClient, sample: Sample
) -> None:
    item_id = item_id_of(sample, "Satava-Kakskerran")
    page = client.get(f"/item/{item_id}").text
    assert f"<h1>{TURKU_TITLE}</h1>" in page
    assert "Asia pantiin pöydälle" in page  # the decision
    assert "Aleksi Randell" in page and "kaupunginjohtaja" in page  # presenter
    assert page.count("Kaupunkisuunnittelu- ja ympäristölautakunta") >= 4  # handlings
    for field in ("diary_number", "earlier_handlings", "language", "source"):
        assert f"<th>{field}</th>" in page
    assert 'href="/case?diary=3720-2013' in page
    sha = re.search(r'href="/raw/([0-9a-f]{64})"', page)
    assert sha, "a link to the raw bytes we hold"


def test_provenance_marks_the_fields_span_in_the_item_text(
    client: TestClient, sample: Sample
) -> None:
    item_id = item_id_of(sample, "Satava-Kakskerran")
    page = client.get(f"/item/{item_id}").text
    assert "show in text" in page and "<code>" in page
    marked = client.get(f"/item/{item_id}?field=title").text
    span = re.search(r'<mark id="highlight">(.*?)</mark>', marked, re.S)
    assert span and span.group(1).strip() == TURKU_TITLE
    proposal = client.get(f"/item/{item_id}?field=proposal").text
    span = re.search(r'<mark id="highlight">(.*?)</mark>', proposal, re.S)
    assert span and span.group(1).startswith("Kaupunginhallitus päättää hyväksyä")


def test_item_json_is_the_record_with_its_details(
    client: TestClient, sample: Sample
) -> None:
    item_id = item_id_of(sample, "Satava-Kakskerran")
    found = client.get(f"/item/{item_id}?format=json").json()
    assert found["record"]["title"] == TURKU_TITLE
    assert len(found["handlings"]) == 4 and found["provenance"]
    assert found["text"] and TURKU_TITLE in found["text"]


def test_raw_bytes_are_the_fetched_document(client: TestClient, sample: Sample) -> None:
    item_id = item_id_of(sample, "Satava-Kakskerran")
    page = client.get(f"/item/{item_id}").text
    sha = re.search(r'href="/raw/([0-9a-f]{64})"', page).group(1)
    response = client.get(f"/raw/{sha}")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sha
    original = next(TURKU.glob("*.htm")).read_bytes()
    assert response.content == original
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["content-type"].startswith("text/html")


def test_unknown_item_and_raw_are_404(client: TestClient) -> None:
    assert client.get("/item/nope").status_code == 404
    assert client.get("/raw/" + "0" * 64).status_code == 404
    assert client.get("/raw/..%2F..%2Fetc%2Fpasswd").status_code == 404


# --- case, people, bodies ------------------------------------------------------------


def test_case_timeline_is_in_date_order_with_earlier_handlings(
    client: TestClient,
) -> None:
    page = client.get("/case?diary=3720-2013+(611)&municipality=Turku").text
    timeline = re.search(r'<ol class="timeline".*?</ol>', page, re.S).group(0)
    dates = re.findall(r"<b>(\d{4}-\d{2}-\d{2})</b>", timeline)
    assert dates == [
        "2017-03-21",
        "2017-03-28",
        "2017-04-11",
        "2017-04-26",
        "2017-05-02",
    ]
    assert timeline.count("mentioned in") == 4
    assert TURKU_TITLE in timeline
    rows = download_rows(client, "/case?diary=3720-2013+(611)&municipality=Turku")
    assert [r["meeting_date"] for r in rows] == dates


def test_person_page_lists_the_items_presented(client: TestClient) -> None:
    page = client.get("/person?name=Timo+Kurula&municipality=Kittil%C3%A4").text
    assert "<h1>Timo Kurula</h1>" in page
    assert "Hyvinvointialueen ja kuntien yhteistyö" in page and "presented" in page
    people = client.get("/people?name=kurula").text
    assert "/person?name=Timo+Kurula" in people


def test_body_page_has_meetings_and_an_outcome_chart(client: TestClient) -> None:
    bodies = client.get("/bodies").text
    link = re.search(r'href="(/body/[0-9a-f]+)">Kaupunginhallitus</a>', bodies)
    assert link
    page = client.get(link.group(1)).text
    chart = re.search(r'<figure id="outcome-chart">(.*?)</figure>', page, re.S)
    assert chart and "<svg" in chart.group(1)
    assert re.search(r'<table id="meetings">.*?\d{4}-\d{2}-\d{2}', page, re.S)


def test_pages_need_no_javascript(client: TestClient, sample: Sample) -> None:
    item_id = item_id_of(sample, "Satava-Kakskerran")
    for url in ("/", "/?q=kaava", f"/item/{item_id}", "/bodies", "/people"):
        assert "<script" not in client.get(url).text.lower(), url


# --- languages and errors ------------------------------------------------------------


def test_labels_follow_lang_then_accept_language(client: TestClient) -> None:
    assert (
        ">Haku<" in client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9"}).text
    )
    swedish = client.get("/?lang=sv&q=kaava", headers={"Accept-Language": "fi"}).text
    assert ">Sök<" in swedish
    assert 'href="/bodies?lang=sv"' in swedish  # the chosen language stays
    assert ">Search<" in client.get("/", headers={"Accept-Language": "de"}).text


def test_missing_warehouse_is_a_503_page(tmp_path: Path) -> None:
    from web.app import create_app

    with TestClient(create_app(tmp_path / "none.duckdb", tmp_path)) as fresh:
        response = fresh.get("/")
    assert response.status_code == 503 and "minutes run" in response.text
