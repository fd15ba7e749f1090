"""The analyst views over a small hand-written warehouse (no flow, no Prefect)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows import warehouse

NOW = "2024-06-01 00:00:00+00"


def item(
    item_id: str, meeting: str, date: str, section: int, outcome: str | None, **kw
) -> str:
    """An INSERT for one items row with sensible defaults."""
    values = {
        "item_id": item_id,
        "meeting_id": meeting,
        "municipality": kw.get("municipality", "Kittilä"),
        "body": kw.get("body", "Kunnanhallitus"),
        "body_abbrev": kw.get("body_abbrev", "Khall"),
        "meeting_date": date,
        "section": section,
        "diary_number": kw.get("diary_number"),
        "title": kw.get("title", f"Asia {section}"),
        "doc_kind": "minutes" if outcome else "agenda",
        "proposal": "Ehdotus.",
        "decision": "Päätös." if outcome else None,
        "outcome": outcome,
        "voted": kw.get("voted", False),
        "disqualified": "[]",
        "attachments": kw.get("attachments", "[]"),
        "language": "fi",
        "source_uri": kw.get("uri", "a.txt"),
        "source_sha256": kw.get("sha", "s1"),
        "extractor_version": "t",
        "content_hash": "h",
        "record": "{}",
        "first_seen_at": NOW,
        "last_changed_at": NOW,
    }
    cols = ", ".join(values)
    marks = ", ".join("NULL" if v is None else f"'{v}'" for v in values.values())
    return f"INSERT INTO items ({cols}) VALUES ({marks})"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """Two meetings of one body, an agenda, a vote, two people, one quarantined file."""
    path: Path = tmp_path_factory.mktemp("views") / "w.duckdb"
    c = warehouse.connect(path)
    c.execute(
        f"""
        INSERT INTO documents (uri, sha256, source, municipality, media_type, size, raw_path, etag, last_modified, fetched_at) VALUES
          ('a.txt', 's1', 'kittila', 'Kittilä', 'text/plain', 1, 'x', NULL, NULL, '{NOW}'),
          ('b.txt', 's2', 'kittila', 'Kittilä', 'text/plain', 1, 'y', NULL, NULL, '{NOW}');
        INSERT INTO quarantine VALUES ('bad.txt', 's3', 'extract', 'no_items', NULL, 'kittila', '{NOW}');
        INSERT INTO bodies VALUES ('b1', 'Kittilä', 'Kunnanhallitus', 'Khall', 'fi');
        INSERT INTO meetings VALUES
          ('m1', 'b1', 'Kittilä', 'Kunnanhallitus', '2024-01-16', 'minutes'),
          ('m2', 'b1', 'Kittilä', 'Kunnanhallitus', '2024-02-20', 'minutes');
        INSERT INTO persons VALUES ('p1', 'Kittilä', 'Timo Kurula'), ('p2', 'Kittilä', 'Anna Rova');
        INSERT INTO item_persons VALUES
          ('i1', 'presenter', 0, 'p1', 'Timo Kurula', 'kunnanjohtaja', NULL, NULL),
          ('i2', 'presenter', 0, 'p1', 'Timo Kurula', 'kunnanjohtaja', NULL, NULL),
          ('i2', 'preparer', 0, 'p2', 'Anna Rova', 'talousjohtaja', '040', NULL),
          ('i3', 'presenter', 0, 'p1', 'Timo Kurula', 'kunnanjohtaja', NULL, NULL);
        INSERT INTO votes (item_id, ordinal, votes_for, votes_against, blank, absent, motion) VALUES ('i2', 0, 6, 3, NULL, NULL, 'hyväksyi'), ('i2', 1, 4, 5, 1, NULL, 'hylkäsi');
        """
    )
    c.execute(item("i1", "m1", "2024-01-16", 5, "tabled", diary_number="1/2024"))
    c.execute(
        item(
            "i2",
            "m1",
            "2024-01-16",
            6,
            "approved",
            voted=True,
            attachments='["Liite 1"]',
        )
    )
    c.execute(
        item(
            "i3",
            "m2",
            "2024-02-20",
            3,
            "approved",
            diary_number="1/2024",
            uri="b.txt",
            sha="s2",
        )
    )
    c.execute(
        item("i4", "m2", "2024-02-20", 4, None, body_abbrev=None, uri="b.txt", sha="s2")
    )
    yield c
    c.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_meeting_summary_counts_items_and_outcomes(con) -> None:
    got = rows(
        con,
        "SELECT meeting_id, items, approved, tabled, no_outcome, voted_items FROM meeting_summary ORDER BY 1",
    )
    assert got == [("m1", 2, 1, 1, 0, 1), ("m2", 2, 1, 0, 1, 0)]


def test_body_summary_totals(con) -> None:
    got = rows(
        con,
        "SELECT body, meetings, items, first_meeting::VARCHAR, last_meeting::VARCHAR, accepted, postponed FROM body_summary",
    )
    assert got == [("Kunnanhallitus", 2, 4, "2024-01-16", "2024-02-20", 2, 1)]


def test_people_roles_bodies_and_counts(con) -> None:
    got = rows(
        con,
        "SELECT name, roles, titles, presented_to, prepared_for, items_presented, items_prepared, items FROM people ORDER BY name",
    )
    assert got == [
        ("Anna Rova", ["preparer"], ["talousjohtaja"], [], ["Kunnanhallitus"], 0, 1, 1),
        (
            "Timo Kurula",
            ["presenter"],
            ["kunnanjohtaja"],
            ["Kunnanhallitus"],
            [],
            3,
            0,
            3,
        ),
    ]


def test_vote_details_margin_and_context(con) -> None:
    got = rows(
        con, "SELECT ordinal, section, title, margin FROM vote_details ORDER BY margin"
    )
    assert got == [(1, 6, "Asia 6", 1), (0, 6, "Asia 6", 3)]


def test_quality_coverage_and_quarantine(con) -> None:
    got = dict(
        (field, (items, filled, pct, docs, quarantined))
        for field, items, filled, pct, docs, quarantined in rows(
            con,
            "SELECT field, items, filled, coverage_pct, documents, quarantined_documents FROM quality WHERE source = 'kittila'",
        )
    )
    assert got["diary_number"] == (4, 2, 50.0, 2, 1)
    assert got["body_abbrev"] == (4, 3, 75.0, 2, 1)
    assert got["presenter"] == (4, 3, 75.0, 2, 1)
    assert got["attachments"] == (4, 1, 25.0, 2, 1)
    assert got["outcome"] == (4, 3, 75.0, 2, 1)
    assert all(0 <= v[2] <= 100 for v in got.values())
