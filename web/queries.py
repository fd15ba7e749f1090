"""What the pages show, read from the warehouse: an item whole, a case's timeline,
a person's items and votes, bodies and their meetings, the latest decisions.

Every function takes a read-only connection and returns plain rows (dicts), so the
app, the static report and the tests share them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from models.vocab import Outcome

Row = dict[str, Any]
OUTCOMES = [o.value for o in Outcome]
VOTE_SIDES = ("for", "against", "blank", "absent")


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Row]:
    """The rows of a query as dicts by column name."""
    result = con.execute(sql, params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Row | None:
    """The first row of a query, or None."""
    found = rows(con, sql, params)
    return found[0] if found else None


# --- filters' choices --------------------------------------------------------------


def facets(con: duckdb.DuckDBPyConnection) -> Row:
    """What the search form offers: municipalities, bodies and outcomes (from the
    small bodies table, not the items)."""
    municipalities = rows(
        con,
        "SELECT DISTINCT municipality AS m FROM bodies WHERE municipality IS NOT NULL"
        " ORDER BY 1",
        [],
    )
    names = rows(con, "SELECT DISTINCT name AS b FROM bodies ORDER BY 1", [])
    return {
        "municipalities": [r["m"] for r in municipalities],
        "bodies": [r["b"] for r in names],
        "outcomes": OUTCOMES,
    }


# --- one item -----------------------------------------------------------------------


def item(con: duckdb.DuckDBPyConnection, item_id: str) -> Row | None:
    """An item whole: its decisions row, the record as extracted, votes with names,
    people, provenance, its text, the document it came from, earlier handlings."""
    found = one(con, "SELECT * FROM decisions WHERE item_id = ?", [item_id])
    if found is None:
        return None
    record = one(con, "SELECT record FROM items WHERE item_id = ?", [item_id])
    found["record"] = json.loads(record["record"]) if record else {}
    found["vote_rows"] = item_votes(con, item_id)
    found["people"] = item_people(con, item_id)
    found["provenance"] = provenance(con, item_id)
    found["text"] = item_text(con, item_id)
    found["document"] = document(con, found["source_uri"], found["source_sha256"])
    found["handlings"] = handlings(con, item_id)
    found["versions"] = versions(con, item_id)
    return found


def item_votes(con: duckdb.DuckDBPyConnection, item_id: str) -> list[Row]:
    """The item's votes in order, with the members' names where printed."""
    return rows(
        con,
        "SELECT ordinal, kind, motion, votes_for, votes_against, blank, absent,"
        " for_names, against_names, blank_names, absent_names"
        " FROM votes WHERE item_id = ? ORDER BY ordinal",
        [item_id],
    )


def item_people(con: duckdb.DuckDBPyConnection, item_id: str) -> list[Row]:
    """Presenter and preparers with their titles and contacts."""
    return rows(
        con,
        "SELECT role, ordinal, person_id, name, title, phone, email FROM item_persons"
        " WHERE item_id = ? ORDER BY role DESC, ordinal",
        [item_id],
    )


def provenance(con: duckdb.DuckDBPyConnection, item_id: str) -> list[Row]:
    """Per field: the rule or model, the span in the item text, the value."""
    return rows(
        con,
        "SELECT field, method, span_start, span_end, value_excerpt"
        " FROM field_provenance WHERE item_id = ?"
        " ORDER BY coalesce(span_start, 2147483647), field",
        [item_id],
    )


def item_text(con: duckdb.DuckDBPyConnection, item_id: str) -> str | None:
    """The text the item was read from (None for items loaded before texts were
    kept)."""
    found = one(con, "SELECT text FROM item_texts WHERE item_id = ?", [item_id])
    return str(found["text"]) if found else None


def document(con: duckdb.DuckDBPyConnection, uri: str, sha256: str) -> Row | None:
    """The raw zone's manifest row of the item's document version."""
    return one(
        con,
        "SELECT uri, sha256, media_type, size, raw_path, fetched_at, source"
        " FROM documents WHERE uri = ? AND sha256 = ?",
        [uri, sha256],
    )


def handlings(con: duckdb.DuckDBPyConnection, item_id: str) -> list[Row]:
    """The item's earlier handlings, each with the item that records it when the
    warehouse has that meeting's item."""
    return rows(
        con,
        """
        SELECT h.ordinal, h.body, h.meeting_date, h.section,
               any_value(f.item_id) AS found
        FROM earlier_handlings AS h
        JOIN items AS i ON i.item_id = h.item_id
        LEFT JOIN items AS f
          ON f.municipality IS NOT DISTINCT FROM i.municipality AND f.body = h.body
         AND f.meeting_date = h.meeting_date AND f.section = h.section
        WHERE h.item_id = ?
        GROUP BY ALL ORDER BY h.ordinal
        """,
        [item_id],
    )


def versions(con: duckdb.DuckDBPyConnection, item_id: str) -> list[Row]:
    """Superseded versions of the item: when, and which fields changed."""
    found = rows(
        con,
        "SELECT version, valid_from, valid_to, extractor_version, changed_fields"
        " FROM item_versions WHERE item_id = ? ORDER BY version",
        [item_id],
    )
    for row in found:
        row["changed_fields"] = json.loads(row["changed_fields"] or "[]")
    return found


def document_by_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> Row | None:
    """A document version by its content address (for the raw bytes)."""
    return one(
        con,
        "SELECT uri, sha256, media_type, raw_path FROM documents WHERE sha256 = ?"
        " ORDER BY fetched_at DESC LIMIT 1",
        [sha256],
    )


# --- a case ------------------------------------------------------------------------

ITEM_COLUMNS = (
    "item_id, municipality, body, meeting_date, section, title, outcome, doc_kind,"
    " voted, diary_number, language"
)


def case(
    con: duckdb.DuckDBPyConnection, municipality: str | None, diary_number: str
) -> list[Row]:
    """A case's timeline: every item with the diary number, and the earlier
    handlings they name (the item recording one when we have it), in date order."""
    entries = {
        entry_key(r): {**r, "mentioned_by": None}
        for r in rows(
            con,
            f"SELECT {ITEM_COLUMNS} FROM items WHERE diary_number = ?"
            " AND municipality IS NOT DISTINCT FROM ?",
            [diary_number, municipality],
        )
    }
    for handling in case_handlings(con, municipality, diary_number):
        entries.setdefault(entry_key(handling), handling)
    return sorted(entries.values(), key=timeline_order)


def case_handlings(
    con: duckdb.DuckDBPyConnection, municipality: str | None, diary_number: str
) -> list[Row]:
    """The earlier handlings named by a case's items, joined to the items that
    record them where the warehouse has them."""
    return rows(
        con,
        f"""
        SELECT f.item_id, i.municipality, h.body, h.meeting_date, h.section, f.title,
               f.outcome, f.doc_kind, f.voted, f.diary_number, f.language,
               i.item_id AS mentioned_by, i.body AS mentioned_body,
               i.meeting_date AS mentioned_date, i.section AS mentioned_section
        FROM earlier_handlings AS h
        JOIN items AS i ON i.item_id = h.item_id
        LEFT JOIN (SELECT {ITEM_COLUMNS} FROM items) AS f
          ON f.municipality IS NOT DISTINCT FROM i.municipality AND f.body = h.body
         AND f.meeting_date = h.meeting_date AND f.section = h.section
        WHERE i.diary_number = ? AND i.municipality IS NOT DISTINCT FROM ?
        ORDER BY h.meeting_date, h.section
        """,
        [diary_number, municipality],
    )


def entry_key(row: Row) -> tuple[Any, ...]:
    """One handling of a case: body, date and § (the item's id when it has no §)."""
    section = row.get("section")
    return (row.get("body"), row.get("meeting_date"), section or row.get("item_id"))


def timeline_order(row: Row) -> tuple[date, int, str]:
    """Date order, undated last; then §."""
    day = row.get("meeting_date") or date.max
    return (day, row.get("section") or 0, str(row.get("body") or ""))


# --- people ------------------------------------------------------------------------


def person(con: duckdb.DuckDBPyConnection, municipality: str | None, name: str) -> Row:
    """A person's items (presented, prepared), votes where named and declared
    conflicts of interest, within a municipality."""
    return {
        "name": name,
        "municipality": municipality,
        "roles": person_roles(con, municipality, name),
        "votes": person_votes(con, municipality, name),
        "conflicts": person_conflicts(con, municipality, name),
    }


def person_roles(
    con: duckdb.DuckDBPyConnection, municipality: str | None, name: str
) -> list[Row]:
    """Items the person presented or prepared, newest first."""
    return rows(
        con,
        "SELECT ip.role, ip.title AS person_title, i.item_id, i.body, i.meeting_date,"
        " i.section, i.title, i.outcome, i.doc_kind FROM item_persons AS ip"
        " JOIN items AS i USING (item_id)"
        " WHERE ip.name = ? AND i.municipality IS NOT DISTINCT FROM ?"
        " ORDER BY i.meeting_date DESC, i.section",
        [name, municipality],
    )


def person_votes(
    con: duckdb.DuckDBPyConnection, municipality: str | None, name: str
) -> list[Row]:
    """Votes whose roll call names the person, with how they voted."""
    sides = " ".join(
        f"WHEN list_contains({side}_names, ?) THEN '{side}'" for side in VOTE_SIDES
    )
    return rows(
        con,
        f"SELECT item_id, body, meeting_date, section, title, outcome, motion,"
        f" votes_for, votes_against, CASE {sides} END AS side FROM vote_details"
        " WHERE municipality IS NOT DISTINCT FROM ? AND list_contains("
        " list_concat(for_names, against_names, blank_names, absent_names), ?)"
        " ORDER BY meeting_date DESC, section, ordinal",
        [*([name] * len(VOTE_SIDES)), municipality, name],
    )


def person_conflicts(
    con: duckdb.DuckDBPyConnection, municipality: str | None, name: str
) -> list[Row]:
    """Items where the person declared a conflict of interest."""
    return rows(
        con,
        "SELECT item_id, body, meeting_date, section, title, outcome FROM decisions"
        " WHERE municipality IS NOT DISTINCT FROM ? AND list_contains(disqualified, ?)"
        " ORDER BY meeting_date DESC, section",
        [municipality, name],
    )


def people(
    con: duckdb.DuckDBPyConnection, name: str | None = None, limit: int = 500
) -> list[Row]:
    """Named officials (presenters and preparers), most items first; a name part
    narrows the list."""
    return rows(
        con,
        "SELECT person_id, municipality, name, roles, titles, items_presented,"
        " items_prepared, items, first_meeting, last_meeting FROM people"
        " WHERE ? IS NULL OR name ILIKE '%' || ? || '%'"
        " ORDER BY items DESC, name LIMIT ?",
        [name, name, limit],
    )


# --- bodies ------------------------------------------------------------------------


def bodies(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every body with its meetings and items."""
    return rows(
        con,
        "SELECT body_id, municipality, body, abbrev, meetings, items, first_meeting,"
        " last_meeting, voted_items FROM body_summary"
        " ORDER BY municipality NULLS LAST, body",
        [],
    )


def body(con: duckdb.DuckDBPyConnection, body_id: str) -> Row | None:
    """A body with its meetings (newest first) and outcome counts per period."""
    found = one(con, "SELECT * FROM body_summary WHERE body_id = ?", [body_id])
    if found is None:
        return None
    found["meeting_rows"] = rows(
        con,
        "SELECT s.* FROM meeting_summary AS s JOIN meetings AS m USING (meeting_id)"
        " WHERE m.body_id = ? ORDER BY s.meeting_date DESC",
        [body_id],
    )
    found["unit"] = unit(found["first_meeting"], found["last_meeting"])
    found["outcomes"] = outcomes_per_period(con, body_id, found["unit"])
    return found


def unit(first: date | None, last: date | None) -> str:
    """Month when the data spans up to three years, else year."""
    if first is None or last is None:
        return "month"
    return "month" if (last - first).days <= 3 * 366 else "year"


def outcomes_per_period(
    con: duckdb.DuckDBPyConnection, body_id: str, period: str
) -> list[Row]:
    """Items per period and outcome ('(none)' for agenda items) of a body."""
    fmt = "%Y-%m" if period == "month" else "%Y"
    return rows(
        con,
        "SELECT strftime(i.meeting_date, ?) AS period,"
        " coalesce(i.outcome, '(none)') AS outcome, count(*) AS items"
        " FROM items AS i JOIN meetings AS m USING (meeting_id)"
        " WHERE m.body_id = ? GROUP BY ALL ORDER BY 1, 2",
        [fmt, body_id],
    )


# --- the report ----------------------------------------------------------------------


def latest_decisions(con: duckdb.DuckDBPyConnection, limit: int = 25) -> list[Row]:
    """The newest decided items (minutes), newest meeting first."""
    return rows(
        con,
        f"SELECT {ITEM_COLUMNS}, source_uri FROM items WHERE doc_kind = 'minutes'"
        " ORDER BY meeting_date DESC, municipality, body, section LIMIT ?",
        [limit],
    )


def totals(con: duckdb.DuckDBPyConnection) -> Row:
    """Headline numbers: items, meetings, bodies, municipalities, quarantined."""
    return (
        one(
            con,
            "SELECT (SELECT count(*) FROM items) AS items,"
            " (SELECT count(*) FROM meetings) AS meetings,"
            " (SELECT count(*) FROM bodies) AS bodies,"
            " (SELECT count(DISTINCT municipality) FROM items) AS municipalities,"
            " (SELECT count(DISTINCT document) FROM quarantine) AS quarantined",
            [],
        )
        or {}
    )


def decisions_per_period(con: duckdb.DuckDBPyConnection) -> tuple[str, list[Row]]:
    """Minutes items per period and body (body with its municipality)."""
    span = one(
        con,
        "SELECT min(meeting_date) AS first, max(meeting_date) AS last FROM items"
        " WHERE doc_kind = 'minutes'",
        [],
    )
    period = unit(span["first"], span["last"]) if span else "month"
    fmt = "%Y-%m" if period == "month" else "%Y"
    found = rows(
        con,
        "SELECT strftime(meeting_date, ?) AS period,"
        " body || coalesce(' (' || municipality || ')', '') AS body,"
        " count(*) AS items FROM items WHERE doc_kind = 'minutes'"
        " GROUP BY ALL ORDER BY 1, 2",
        [fmt],
    )
    return period, found


def outcomes_per_municipality(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Items per municipality and outcome ('(none)' for agenda items)."""
    return rows(
        con,
        "SELECT coalesce(municipality, '(unknown)') AS municipality,"
        " coalesce(outcome, '(none)') AS outcome, count(*) AS items FROM items"
        " GROUP BY ALL ORDER BY 1, 2",
        [],
    )


def coverage(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """The quality view: per source and field, the share of items with a value."""
    return rows(
        con,
        "SELECT source, field, items, filled, coverage_pct, documents,"
        " quarantined_documents FROM quality ORDER BY source, field",
        [],
    )


def latest_run(con: duckdb.DuckDBPyConnection) -> Row | None:
    """The newest row of `runs`."""
    return one(con, "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1", [])
