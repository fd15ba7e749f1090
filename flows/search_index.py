"""The full-text search index over items (title, proposal, decision), built by the
load when items changed, never per query.

One DuckDB `fts` index per stemmer: Finnish items in schema `fts_main_search_fi`,
Swedish ones in `fts_main_search_sv` (the extension comes from the
duckdb-extension-fts package and is loaded by path: no network). Besides the
extension's own tables (`docs`, `dict`, `stats`, `stopwords`) each index keeps
`postings` (termid, docid, tf) sorted by term, so a query reads only the rows of its
own terms; the extension's per-occurrence `terms` table is dropped once `postings`
is made from it. `search_index` records what each index covers, so a run whose items
did not change leaves the index alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path

import duckdb

from flows.warehouse import (
    all_cores,
    beyond_the_limit_if_needed,
    checkpoint,
    transaction,
)

STEMMERS = {"fi": "finnish", "sv": "swedish"}
INDEX_VERSION = 1  # part of the fingerprint: a change in how the index is built
INDEXED_TEXT = "concat_ws(' ', title, proposal, decision)"


@dataclass(frozen=True)
class IndexState:
    """One language's index as `search_index` records it."""

    language: str
    stemmer: str
    items: int
    fingerprint: str


def fts_extension() -> Path:
    """The fts extension file shipped by the duckdb-extension-fts package."""
    folder = Path(str(resources.files("duckdb_extension_fts"))) / "extensions"
    return next(folder.glob(f"v{duckdb.__version__}/fts.duckdb_extension"))


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the packaged fts extension into a connection (by path, offline)."""
    path = str(fts_extension()).replace("'", "''")
    con.execute(f"LOAD '{path}'")


def schema_name(language: str) -> str:
    """The schema of a language's index, e.g. fts_main_search_fi."""
    return f"fts_main_search_{language}"


def input_table(language: str) -> str:
    """The table the index is built from (dropped after the build)."""
    return f"search_{language}"


def fingerprint(con: duckdb.DuckDBPyConnection, language: str) -> str:
    """What a language's items are now: count and latest change (an update moves
    last_changed_at, an insert the count), with the index version."""
    row = con.execute(
        "SELECT count(*), max(last_changed_at) FROM items WHERE language = ?",
        [language],
    ).fetchone()
    count, changed = row if row else (0, None)
    return f"v{INDEX_VERSION}:{count}:{changed}"


def has_index(con: duckdb.DuckDBPyConnection, language: str) -> bool:
    """True when the language's index tables exist."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ?"
        " AND table_name = 'postings'",
        [schema_name(language)],
    ).fetchone()
    return bool(row and row[0])


def stored(con: duckdb.DuckDBPyConnection, language: str) -> IndexState | None:
    """The recorded state of a language's index (None: never built)."""
    row = con.execute(
        "SELECT language, stemmer, items, fingerprint FROM search_index"
        " WHERE language = ?",
        [language],
    ).fetchone()
    return IndexState(*row) if row else None


def is_current(con: duckdb.DuckDBPyConnection, language: str) -> bool:
    """True when the recorded index matches the items (an empty language needs
    no index)."""
    state = stored(con, language)
    if state is None or state.fingerprint != fingerprint(con, language):
        return False
    return state.items == 0 or has_index(con, language)


def refresh(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild each language's index whose items changed since it was built, each in
    its own transaction; returns the languages rebuilt."""
    load_fts(con)
    rebuilt = []
    for language, stemmer in STEMMERS.items():
        if not is_current(con, language):
            if not rebuilt:
                # rows committed since the last checkpoint stay in memory under the
                # writer's limit: written out first, they leave the build that room
                checkpoint(con)
            with all_cores(con):
                beyond_the_limit_if_needed(
                    con,
                    partial(build, con, language, stemmer),
                    f"the {language} search index",
                )
            rebuilt.append(language)
    return rebuilt


def build(con: duckdb.DuckDBPyConnection, language: str, stemmer: str) -> None:
    """Build one language's index from scratch and record it (one transaction:
    a reader sees the old index or the new one)."""
    started = time.monotonic()
    with transaction(con):
        current = fingerprint(con, language)
        items = _make_index(con, language, stemmer)
        con.execute(
            "INSERT OR REPLACE INTO search_index VALUES (?, ?, ?, ?, ?, ?)",
            [
                language,
                stemmer,
                items,
                current,
                datetime.now(UTC),
                time.monotonic() - started,
            ],
        )


def _make_index(con: duckdb.DuckDBPyConnection, language: str, stemmer: str) -> int:
    """The fts index of a language's items with its postings; returns the items
    indexed (an empty language has no index)."""
    table, schema = input_table(language), schema_name(language)
    con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT item_id, {INDEXED_TEXT} AS text"
        " FROM items WHERE language = ? ORDER BY item_id",
        [language],
    )
    count = _count(con, table)
    if count:
        con.execute(
            f"PRAGMA create_fts_index('{table}', 'item_id', 'text',"
            f" stemmer = '{stemmer}', stopwords = 'none', overwrite = 1)"
        )
        con.execute(
            f"CREATE TABLE {schema}.postings AS SELECT termid, docid,"
            f" count(*)::INTEGER AS tf FROM {schema}.terms GROUP BY ALL"
            " ORDER BY termid, docid"
        )
        con.execute(f"DROP TABLE {schema}.terms")
    con.execute(f"DROP TABLE {table}")
    return count


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of a table."""
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
