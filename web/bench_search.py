"""Search latency of `minutes browse` over a big synthetic warehouse, for
`minutes bench --search-items N` (issue 13: under 300 ms over 1M items).

Makes a warehouse (the real migrations) of N synthetic items whose titles, proposals
and decisions are runs of words from the real documents in tests/corpus/docs (Finnish
and Swedish, as labelled), spread over the municipalities of sources.toml, eight
bodies, 2015-2025 and every outcome; builds the search index as the load does
(flows.search_index.refresh) and times the app's own search (web.search.search,
20 results with snippets) over a set of queries, each on a fresh read-only
connection as a request gets one.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import tomllib
from pathlib import Path
from typing import Any

import duckdb

from flows import search_index, warehouse
from web.db import Reader
from web.search import Filters, search

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0

CORPUS = ROOT / "tests" / "corpus"
BODIES = (
    "Kunnanhallitus",
    "Kunnanvaltuusto",
    "Kaupunginhallitus",
    "Tekninen lautakunta",
    "Hyvinvointilautakunta",
    "Sivistyslautakunta",
    "Kommunstyrelsen",
    "Stadsfullmäktige",
)
OUTCOMES = ("approved",) * 6 + ("amended", "tabled", "returned", "noted", "elected")
QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("asemakaava", {}),
    ("talousarvio", {}),
    ("hyvinvointialue", {}),
    ("kunnanhallitus päättää", {}),
    ("lausunto", {"municipality": "Espoo"}),
    ("päätös", {"outcome": "tabled", "date_from": "2020-01-01"}),
    ("valtuusto", {"sort": "newest"}),
    ("detaljplan", {"language": "sv"}),
    ("kommunstyrelsen", {}),
    ("tilinpäätös vahvistaa", {"voted": "yes"}),
    ("", {"body": "Kunnanhallitus", "date_to": "2018-12-31"}),
)


def corpus_words() -> dict[str, list[str]]:
    """The words of the corpus documents per language (labels give the language)."""
    language: dict[str, str] = {}
    for labels in sorted((CORPUS / "labels").glob("*.jsonl")):
        for line in labels.read_text("utf-8").splitlines():
            label = json.loads(line)
            path = (labels.parent / label["path"]).resolve()
            language.setdefault(str(path), label["gold"].get("language") or "fi")
    words: dict[str, list[str]] = {"fi": [], "sv": []}
    for path in sorted((CORPUS / "docs").rglob("*.txt")):
        lang = language.get(str(path.resolve()), "fi")
        text = path.read_text("utf-8", errors="replace")
        words[lang].extend(re.findall(r"[^\W\d_][\w-]*", text))
    return words


def municipalities() -> list[str]:
    """The municipalities of sources.toml."""
    sources = tomllib.loads((ROOT / "sources.toml").read_text("utf-8"))["source"]
    return sorted({s["municipality"] for s in sources if s.get("municipality")})


CHUNK = 100_000  # items generated per statement (bounded memory)


def make_items(con: duckdb.DuckDBPyConnection, count: int) -> None:
    """Insert `count` synthetic items (every NOT NULL column filled)."""
    words = corpus_words()
    con.execute("CREATE TEMP TABLE words (language VARCHAR, pos BIGINT, word VARCHAR)")
    for language, found in words.items():
        # one string split in SQL: a list parameter costs ~0.1 ms an element
        con.execute(
            "INSERT INTO words SELECT ?, generate_subscripts(s, 1), unnest(s)"
            " FROM (SELECT string_split(?, chr(10)) AS s)",
            [language, "\n".join(found)],
        )
    con.execute(
        "CREATE TEMP TABLE pools AS SELECT language, count(*) AS size FROM words"
        " GROUP BY language"
    )
    con.execute(
        "CREATE TEMP TABLE picks AS SELECT string_split(?, chr(10)) AS towns,"
        " string_split(?, chr(10)) AS bodies, string_split(?, chr(10)) AS outcomes",
        ["\n".join(values) for values in (municipalities(), BODIES, OUTCOMES)],
    )
    for first in range(0, count, CHUNK):
        con.execute(CHUNK_SQL, [first, min(count, first + CHUNK)])


# One chunk of items: each field a run of consecutive corpus words from a place
# picked by hash, joined word by word (no list is copied per row).
CHUNK_SQL = """
INSERT INTO items BY NAME
WITH base AS (
    SELECT i, CASE WHEN i % 6 = 0 THEN 'sv' ELSE 'fi' END AS language,
           (hash(i) % 1000000007)::BIGINT AS h,
           (hash(i + 7919) % 1000000007)::BIGINT AS g
    FROM range(?, ?) AS t(i)
), fields AS (
    SELECT b.i, f.name, 1 + (b.h * f.salt) % (p.size - 400) AS start,
           CASE f.name WHEN 'title' THEN 4 + b.h % 8 WHEN 'proposal' THEN 40 + b.g % 160
                ELSE 8 + b.h % 40 END AS length, b.language
    FROM base AS b JOIN pools AS p USING (language)
    CROSS JOIN (VALUES ('title', 1), ('proposal', 3), ('decision', 7)) AS f(name, salt)
), texts AS (
    SELECT f.i, f.name, string_agg(w.word, ' ' ORDER BY w.pos) AS text
    FROM fields AS f
    JOIN words AS w ON w.language = f.language
     AND w.pos BETWEEN f.start AND f.start + f.length - 1
    GROUP BY f.i, f.name
), wide AS (
    PIVOT texts ON name IN ('title', 'proposal', 'decision') USING any_value(text)
    GROUP BY i
)
SELECT
    'syn' || b.i AS item_id,
    md5(municipality || body || (b.i // 20)) AS meeting_id,
    municipality, body,
    DATE '2015-01-01' + ((b.i // 20) % 4000)::INTEGER AS meeting_date,
    (b.i % 20 + 1)::INTEGER AS section,
    (b.i % 5000) || '/00.01/' || (2015 + b.i % 11) AS diary_number,
    w.title, 'minutes' AS doc_kind, w.proposal, w.decision,
    outcome, (b.g % 20 = 0) AS voted,
    '[]' AS disqualified, '[]' AS attachments, b.language,
    'synthetic://' || b.i AS source_uri, md5(b.i::VARCHAR) AS source_sha256,
    'bench' AS extractor_version, md5(b.i::VARCHAR) AS content_hash, '{}' AS record,
    TIMESTAMPTZ '2026-01-01 00:00:00+00' AS first_seen_at,
    TIMESTAMPTZ '2026-01-01 00:00:00+00' AS last_changed_at
FROM base AS b
JOIN wide AS w USING (i)
CROSS JOIN (
    SELECT towns, bodies, outcomes FROM picks
) AS p
CROSS JOIN LATERAL (
    SELECT p.towns[1 + b.h % len(p.towns)] AS municipality,
           p.bodies[1 + b.g % len(p.bodies)] AS body,
           p.outcomes[1 + (b.h // 7) % len(p.outcomes)] AS outcome
)
"""


def timed_search(reader: Reader, filters: Filters) -> tuple[float, int]:
    """Seconds for one request's work (attach the file, search, detach) and the
    number of matches."""
    start = time.perf_counter()
    with reader.session() as con:
        found = search(con, filters)
    return time.perf_counter() - start, found.total


def measure_search(
    count: int, work: Path, repeats: int = 5, target_ms: float = TARGET_MS
) -> dict[str, Any]:
    """Build a warehouse of `count` items under `work` (reused when a complete one is
    there; a build cut short is redone) and time every query."""
    path = work / f"search-{count}.duckdb"
    built: dict[str, Any] = {"reused": True}
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
        built = build(partial, count)
        partial.rename(path)
    built["warehouse_mib"] = round(path.stat().st_size / 2**20, 1)
    queries = report(path, repeats)
    worst = max(query["median_ms"] for query in queries)
    return {
        "items": count,
        "repeats": repeats,
        "build": built,
        "queries": queries,
        "worst_median_ms": worst,
        "target_ms": target_ms,
        "met": worst < target_ms,
    }


def build(path: Path, count: int) -> dict[str, Any]:
    """Make the synthetic warehouse and its index; seconds each took."""
    con = warehouse.connect(path)
    # a million rows made in a few big statements, not the writer's batches: DuckDB
    # gets its own default memory (the writer's limit would fail these statements)
    warehouse.lift_memory_limit(con)
    started = time.perf_counter()
    make_items(con, count)
    made = time.perf_counter() - started
    started = time.perf_counter()
    search_index.refresh(con)
    indexed = time.perf_counter() - started
    warehouse.checkpoint(con)
    con.close()
    return {"reused": False, "made_s": round(made, 1), "indexed_s": round(indexed, 1)}


def report(path: Path, repeats: int) -> list[dict[str, Any]]:
    """Time each query `repeats` times after one warm-up, as the app answers while
    someone browses (file attached) and after a pause (attached anew: 'cold')."""
    warm, cold = Reader(path), Reader(path, idle=0)
    measured = []
    try:
        for words, extra in QUERIES:
            filters = Filters.from_query({"q": words, **extra})
            timed_search(warm, filters)  # warm-up: the OS cache, as a running app has
            times, total = [], 0
            for _ in range(repeats):
                seconds, total = timed_search(warm, filters)
                times.append(seconds * 1000)
            first = []
            for _ in range(repeats):
                time.sleep(0.05)  # the idle timer lets the file go
                first.append(timed_search(cold, filters)[0] * 1000)
            label = " ".join([repr(words), *(f"{k}={v}" for k, v in extra.items())])
            measured.append(
                {
                    "query": label,
                    "median_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1),
                    "cold_median_ms": round(statistics.median(first), 1),
                    "matches": total,
                }
            )
    finally:
        warm.close()
        cold.close()
    return measured
