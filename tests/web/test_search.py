"""Search and its index on a small warehouse written by the real load: stemming in
Finnish and Swedish, the index rebuilt only when items change, filters from a query
string, snippets, and a warehouse without an index."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from flows import search_index, warehouse
from flows.load import DocumentResult, RunInfo, finish_run, load_results
from models.records import Item, SourceRef
from web.search import Filters, search

ITEMS = [
    (
        "fi",
        "Levin asemakaavan muutos",
        "Kunnanhallitus päättää hyväksyä asemakaavan muutoksen.",
    ),
    ("fi", "Talousarvion 2024 täytäntöönpano", "Hyväksytään talousarvion ohjeet."),
    ("sv", "Detaljplan för centrum", "Kommunstyrelsen godkänner detaljplanen."),
]


def item(n: int, language: str, title: str, proposal: str) -> Item:
    """A minutes item of Testby's board, § n."""
    return Item(
        municipality="Testby",
        body="Kunnanhallitus",
        body_abbrev=None,
        meeting_date=f"2024-0{n}-01",
        section=n,
        diary_number=f"{n}/00.01/2024",
        title=title,
        doc_kind="minutes",
        preparers=(),
        presenter=None,
        proposal=proposal,
        decision="Hyväksyttiin." if language == "fi" else "Godkändes.",
        outcome="approved",
        voted=False,
        votes=(),
        disqualified=(),
        attachments=(),
        language=language,
        source=SourceRef(uri=f"test://{n}", sha256=f"{n:064x}", extractor_version="t"),
    )


def load(con: duckdb.DuckDBPyConnection, items: list[Item]) -> None:
    """Load items as one document of a run, then finish the run (as a flow does)."""
    run = RunInfo("run-" + str(len(items)), "run", datetime.now(UTC), ["t"], "t")
    result = DocumentResult(row=None, uri="test://doc", is_new=True, items=items)
    load_results(con, run, [result])
    finish_run(con, run, "completed")


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse with the three items above, loaded and indexed."""
    connection = warehouse.connect(tmp_path / "wh.duckdb")
    load(connection, [item(n, *fields) for n, fields in enumerate(ITEMS, start=1)])
    search_index.load_fts(connection)
    yield connection
    connection.close()


def titles(con: duckdb.DuckDBPyConnection, **query: str) -> list[str]:
    """Titles of a search's first page."""
    return [r.title or "" for r in search(con, Filters.from_query(query)).results]


def test_finnish_and_swedish_words_are_found_in_other_forms(con) -> None:
    assert titles(con, q="asemakaava") == ["Levin asemakaavan muutos"]
    assert titles(con, q="talousarvio") == ["Talousarvion 2024 täytäntöönpano"]
    assert titles(con, q="detaljplanen") == ["Detaljplan för centrum"]
    assert titles(con, q="asemakaava", language="sv") == []


def test_the_load_builds_the_index_once_and_again_after_a_change(con) -> None:
    assert search_index.stored(con, "fi").items == 2
    assert search_index.stored(con, "sv").items == 1
    assert search_index.refresh(con) == []  # nothing changed: nothing rebuilt
    changed = item(4, "fi", "Uimahallin peruskorjaus", "Peruskorjaus aloitetaan.")
    load(con, [changed])
    assert titles(con, q="uimahalli") == ["Uimahallin peruskorjaus"]
    assert search_index.stored(con, "fi").items == 3


def test_without_an_index_words_are_matched_as_text(con) -> None:
    for language in search_index.STEMMERS:
        con.execute(
            f"DROP SCHEMA IF EXISTS {search_index.schema_name(language)} CASCADE"
        )
    found = search(con, Filters.from_query({"q": "asemakaavan"}))
    assert not found.indexed and [r.title for r in found.results] == [
        "Levin asemakaavan muutos"
    ]


def test_ranked_by_relevance_else_by_date(con) -> None:
    assert titles(con, sort="newest")[0] == "Detaljplan för centrum"
    assert titles(con, sort="oldest")[0] == "Levin asemakaavan muutos"
    page = search(con, Filters.from_query({"q": "hyväksyä"}))
    assert all(r.score is not None for r in page.results)


def test_paging_splits_the_result(con) -> None:
    filters = Filters.from_query({"sort": "oldest"})
    first, second = search(con, filters, 1, 2), search(con, filters, 2, 2)
    assert first.total == second.total == 3 and first.pages == 2
    assert [r.section for r in first.results + second.results] == [1, 2, 3]


def test_snippets_mark_the_matched_words(con) -> None:
    page = search(con, Filters.from_query({"q": "asemakaava"}))
    parts = page.results[0].snippet.parts
    assert [text for text, hit in parts if hit] == ["asemakaavan"]
    assert "".join(text for text, _ in parts).startswith("Kunnanhallitus päättää")


def test_filters_from_a_query_string() -> None:
    filters = Filters.from_query(
        {
            "q": " kaava ",
            "date_from": "2024-02-30",
            "date_to": "2024-03-01",
            "voted": "yes",
            "outcome": "tabled",
            "language": "en",
            "body": "",
        }
    )
    assert filters.q == "kaava" and filters.date_from is None
    assert filters.date_to == date(2024, 3, 1) and filters.voted is True
    assert (
        filters.outcome == "tabled"
        and filters.language is None
        and filters.body is None
    )
    assert Filters.from_query(filters.query()) == filters


def test_item_texts_hold_what_provenance_spans_point_into(tmp_path: Path) -> None:
    import extractors
    from models.ids import sha256_hex
    from models.records import Document

    path = (
        Path(__file__).parents[1] / "fixtures" / "turku" / "turku_kh_2017-02-05-195.htm"
    )
    data = path.read_bytes()
    document = Document(uri=str(path), data=data, sha256=sha256_hex(data))
    items = extractors.extract_document(document).items
    con = warehouse.connect(tmp_path / "wh.duckdb")
    load(con, items)
    text, start, end, title = con.execute(
        "SELECT t.text, p.span_start, p.span_end, i.title FROM item_texts t"
        " JOIN field_provenance p USING (item_id) JOIN items i USING (item_id)"
        " WHERE p.field = 'title'"
    ).fetchone()
    assert " ".join(text[start:end].split()) == title
    con.close()


@pytest.mark.parametrize(
    "words",
    ["asemakaava", "asemakaava muutos", "hyväksyä asemakaava muutos", "hyväksyä"],
)
def test_scores_are_the_fts_extensions_own_bm25(con, words: str) -> None:
    """Our postings query (one term alone, several joined on the document) gives
    the documents and scores of the extension's own match_bm25, every word
    required, over an index the extension builds of the same texts (ours keeps
    postings only). The extension takes the idf's log in base 10, we take ln: the
    same ranking, every score ln(10) times the extension's."""
    con.execute(
        f"CREATE TABLE bm25_check AS SELECT item_id, {search_index.INDEXED_TEXT}"
        " AS text FROM items WHERE language = 'fi'"
    )
    con.execute(
        "PRAGMA create_fts_index('bm25_check', 'item_id', 'text',"
        " stemmer = 'finnish', stopwords = 'none')"
    )
    expected = {
        row[0]: round(row[1] * math.log(10), 9)
        for row in con.execute(
            "SELECT item_id, fts_main_bm25_check.match_bm25(item_id, ?,"
            " conjunctive := 1) FROM bm25_check",
            [words],
        ).fetchall()
        if row[1] is not None
    }
    found = search(con, Filters.from_query({"q": words, "language": "fi"}))
    assert {r.item_id: round(r.score, 9) for r in found.results} == expected
    assert expected  # the words are in some document


def test_every_word_must_match(con) -> None:
    assert titles(con, q="asemakaava muutos") == ["Levin asemakaavan muutos"]
    assert titles(con, q="asemakaava talousarvio") == []


TOKENIZER_TEXTS = [
    ("fi", "Ylä-Lapin kaava 2/2024", "Hyväksytään §:n 12 mukaisesti (ks. liite)."),
    ("fi", "Kunnan ”yhteistoiminta”", "Päätösehdotus: O'Brienin ja Citroën’n sopimus."),
    ("fi", "1234 567", ""),  # digits only: a document of no words
    ("fi", "Asemakaava – muutos / kortteli 5", "Kaava-alue; e-mail: x@y.fi #tag"),
    ("sv", "Översiktsplan för Åland", "Styrelsen föreslår: godkänns! (bilaga 3)"),
    ("sv", "Café-verksamhet", "Ärendet återremitteras\tför beredning…"),
]


def test_the_index_has_the_rows_the_fts_extension_makes(tmp_path: Path) -> None:
    """The load's index holds, for each language, the documents with their lengths,
    the terms with their document counts, each document's terms with their counts
    and the statistics that the extension's own create_fts_index makes of the same
    texts: its tokenizer (accents, digits, punctuation, quotes, dashes) and stemmer."""
    con = warehouse.connect(tmp_path / "wh.duckdb")
    load(con, [item(n, *text) for n, text in enumerate(TOKENIZER_TEXTS, start=1)])
    search_index.load_fts(con)
    for language, stemmer in search_index.STEMMERS.items():
        ours = search_index.schema_name(language)
        con.execute(
            f"CREATE OR REPLACE TABLE check_{language} AS SELECT item_id,"
            f" {search_index.INDEXED_TEXT} AS text FROM items WHERE language = ?",
            [language],
        )
        con.execute(
            f"PRAGMA create_fts_index('check_{language}', 'item_id', 'text',"
            f" stemmer = '{stemmer}', stopwords = 'none')"
        )
        theirs = f"fts_main_check_{language}"
        for query in (
            "SELECT name, len FROM {s}.docs",
            "SELECT term, df FROM {s}.dict",
            "SELECT * FROM {s}.stats",
        ):
            assert sorted(con.execute(query.format(s=ours)).fetchall()) == sorted(
                con.execute(query.format(s=theirs)).fetchall()
            )
        postings = sorted(
            con.execute(
                f"SELECT t.term, d.name, p.tf FROM {ours}.postings AS p"
                f" JOIN {ours}.dict AS t USING (termid)"
                f" JOIN {ours}.docs AS d USING (docid)"
            ).fetchall()
        )
        assert postings == sorted(
            con.execute(
                f"SELECT t.term, d.name, count(*) FROM {theirs}.terms AS o"
                f" JOIN {theirs}.dict AS t USING (termid)"
                f" JOIN {theirs}.docs AS d USING (docid) GROUP BY ALL"
            ).fetchall()
        )
        assert len(postings) > 10  # words of every kind were indexed
        sorted_postings = con.execute(
            f"SELECT list(termid ORDER BY rowid) = list(termid ORDER BY termid)"
            f" FROM {ours}.postings"
        ).fetchone()
        assert sorted_postings == (True,)
    con.close()


def test_the_index_of_many_items_is_built_within_the_writers_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """30,000 items of ~100 words under a 22MB limit (as 1M items under the default
    64MB): the build spills rather than running out and being done again without
    the limit (which took an index over 1M items to 9.5 GB)."""
    from web.bench_search import make_items

    monkeypatch.setenv("MINUTES_DUCKDB_MEMORY", "22MB")
    con = warehouse.connect(tmp_path / "wh.duckdb")
    with warehouse.unbounded(con):
        make_items(con, 30_000)
    warehouse.checkpoint(con)
    with caplog.at_level("WARNING", logger="flows.warehouse"):
        assert search_index.refresh(con) == ["fi", "sv"]
    assert not caplog.records, caplog.records[0].getMessage()
    assert sum(search_index.stored(con, lang).items for lang in ("fi", "sv")) == 30_000
    con.close()
