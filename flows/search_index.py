"""The full-text search index over items (title, proposal, decision), built by the
load when items changed, never per query.

One index per stemmer: Finnish items in schema `fts_main_search_fi`, Swedish ones in
`fts_main_search_sv`, with the tables of DuckDB's `fts` extension (`docs`, `dict`,
`stats`) and its `tokenize` macro, and `postings` (termid, docid, tf) sorted by term,
so a query reads only the rows of its own terms. The extension (from the
duckdb-extension-fts package, loaded by path: no network) gives the Snowball `stem`;
the tables are made here in plain statements with the rows its `create_fts_index`
makes (a test builds both), without its table of every word's occurrence and the
UPDATEs that fill it in. Each document's terms are counted within its own row and
the build runs on the writer's one thread, so it stays within the writer's memory
limit by spilling (bench/NOTES.md: over 1M items 350 MiB at most; the extension's
build ran out of it, and so did this one on two threads, done again without the
limit: 9.5 GB).
`search_index` records what each index covers, so a run whose items did not change
leaves the index alone.
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
    beyond_the_limit_if_needed,
    checkpoint,
    transaction,
)

STEMMERS = {"fi": "finnish", "sv": "swedish"}
INDEX_VERSION = 1  # part of the fingerprint: a change in how the index is built
INDEXED_TEXT = "concat_ws(' ', title, proposal, decision)"
# the fts extension's tokenizer as its create_fts_index defines it: lower case,
# accents stripped, digits and punctuation made spaces, split on white space
TOKENIZE = (
    r"string_split_regex(regexp_replace(lower(strip_accents(CAST(s AS VARCHAR))),"
    r""" '[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|''''"`-]+', ' ', 'g'), '\s+')"""
)


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
    """A language's index (docs, dict, postings, stats and the tokenize macro);
    returns the items indexed (an empty language has no index)."""
    schema = schema_name(language)
    con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    count = _count(con, language)
    if not count:
        return 0
    con.execute(f"CREATE SCHEMA {schema}")
    con.execute(f"CREATE MACRO {schema}.tokenize(s) AS {TOKENIZE}")
    numbered, terms = _scratch_tables(language)
    _number_documents(con, numbered, language)
    _count_terms(con, terms, f"temp.{numbered}", schema, stemmer)
    _make_tables(con, f"temp.{terms}", f"temp.{numbered}", schema)
    for table in (terms, numbered):
        con.execute(f"DROP TABLE temp.{table}")
    return count


def _scratch_tables(language: str) -> tuple[str, str]:
    """The temporary tables of a build: the documents numbered, their terms."""
    return f"search_{language}_docs", f"search_{language}_terms"


def _number_documents(
    con: duckdb.DuckDBPyConnection, numbered: str, language: str
) -> None:
    """A language's items numbered from 0 in item_id order: the docids."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {numbered} AS SELECT row_number() OVER"
        " (ORDER BY item_id) - 1 AS docid, item_id FROM items WHERE language = ?",
        [language],
    )


def _count_terms(
    con: duckdb.DuckDBPyConnection,
    terms: str,
    numbered: str,
    schema: str,
    stemmer: str,
) -> None:
    """Each document's terms with their counts (tf), into a temporary table: the
    tokenizer's words, empty ones dropped, stemmed, counted within the document
    (a histogram a row: nothing held across documents)."""
    words = f"list_filter({schema}.tokenize({INDEXED_TEXT}), w -> w <> '')"
    stems = f"list_transform({words}, w -> stem(w, '{stemmer}'))"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {terms} AS SELECT docid, term.key AS term,"
        " term.value::INTEGER AS tf FROM (SELECT n.docid,"
        f" unnest(map_entries(list_aggr({stems}, 'histogram'))) AS term"
        f" FROM {numbered} AS n JOIN items USING (item_id))"
    )


def _make_tables(
    con: duckdb.DuckDBPyConnection, terms: str, numbered: str, schema: str
) -> None:
    """docs (docid, item_id as name, its words as len), dict (termid, term, df),
    postings sorted by term, and stats (num_docs, avgdl), as the extension has
    them."""
    con.execute(
        f"CREATE TABLE {schema}.docs AS SELECT n.docid, n.item_id AS name,"
        f" coalesce(l.len, 0)::BIGINT AS len FROM {numbered} AS n"
        f" LEFT JOIN (SELECT docid, sum(tf) AS len FROM {terms} GROUP BY docid)"
        " AS l USING (docid) ORDER BY docid"
    )
    con.execute(
        f"CREATE TABLE {schema}.dict AS SELECT row_number() OVER (ORDER BY term) - 1"
        f" AS termid, term, count(*)::BIGINT AS df FROM {terms} GROUP BY term"
        " ORDER BY termid"
    )
    con.execute(
        f"CREATE TABLE {schema}.postings AS SELECT d.termid, t.docid, t.tf"
        f" FROM {terms} AS t JOIN {schema}.dict AS d USING (term)"
        " ORDER BY d.termid, t.docid"
    )
    con.execute(
        f"CREATE TABLE {schema}.stats AS SELECT count(docid) AS num_docs,"
        f" sum(len) / count(len) AS avgdl FROM {schema}.docs"
    )


def _count(con: duckdb.DuckDBPyConnection, language: str) -> int:
    """Items of a language."""
    row = con.execute(
        "SELECT count(*) FROM items WHERE language = ?", [language]
    ).fetchone()
    return int(row[0]) if row else 0
