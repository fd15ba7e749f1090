"""Search over the items: full text through the load's fts indexes (BM25, Finnish and
Swedish stemmers, every word must match), filters, paging and snippets.

SQL is put together from fixed fragments only; every value a person typed goes in as
a parameter. Term ids are looked up first, so each index reads only the postings of
the query's own terms (they are stored sorted by term)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from flows.search_index import STEMMERS, has_index, schema_name
from models.vocab import Outcome

PER_PAGE = 20
MAX_PAGE = 500  # deeper pages: narrow the search or download it
DOWNLOAD_LIMIT = 10_000  # rows in a CSV/JSON download of a result
SNIPPET_WORDS = 32
K1, B = 1.2, 0.75  # BM25 parameters (the fts extension's defaults)
SORTS = ("relevance", "newest", "oldest")
WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Filters:
    """What a search asks for: words and filters, as in the page's query string."""

    q: str = ""
    municipality: str | None = None
    body: str | None = None
    outcome: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    voted: bool | None = None
    language: str | None = None
    sort: str = "relevance"

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        """Filters from a query string; empty and unknown values mean no filter."""
        return cls(
            q=(params.get("q") or "").strip(),
            municipality=_text(params.get("municipality")),
            body=_text(params.get("body")),
            outcome=_choice(params.get("outcome"), [o.value for o in Outcome]),
            date_from=_date(params.get("date_from")),
            date_to=_date(params.get("date_to")),
            voted=_flag(params.get("voted")),
            language=_choice(params.get("language"), list(STEMMERS)),
            sort=_choice(params.get("sort"), list(SORTS)) or "relevance",
        )

    def query(self) -> dict[str, str]:
        """The query string of these filters (empty ones left out)."""
        values = {
            "q": self.q,
            "municipality": self.municipality,
            "body": self.body,
            "outcome": self.outcome,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "voted": None if self.voted is None else ("yes" if self.voted else "no"),
            "language": self.language,
            "sort": None if self.sort == "relevance" else self.sort,
        }
        return {k: v for k, v in values.items() if v}

    @property
    def ranked(self) -> bool:
        """True when results come in order of relevance."""
        return bool(self.q) and self.sort == "relevance"


def _text(value: str | None) -> str | None:
    """A trimmed value, or None for an empty one."""
    return value.strip() or None if value else None


def _choice(value: str | None, allowed: list[str]) -> str | None:
    """The value when it is one of the allowed ones."""
    return value if value in allowed else None


def _date(value: str | None) -> date | None:
    """A YYYY-MM-DD value; anything else means no date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _flag(value: str | None) -> bool | None:
    """yes/no (also true/false, 1/0) as a bool; anything else means either."""
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    return None


@dataclass
class Snippet:
    """Text around the first match, as parts; `hit` parts are the matched words."""

    parts: list[tuple[str, bool]] = field(default_factory=list)
    cut_before: bool = False
    cut_after: bool = False


@dataclass
class Result:
    """One search result row."""

    item_id: str
    municipality: str | None
    body: str
    meeting_date: date
    section: int | None
    title: str | None
    outcome: str | None
    doc_kind: str
    language: str
    voted: bool
    diary_number: str | None
    score: float | None
    text: str | None = None
    snippet: Snippet | None = None


RESULT_COLUMNS = (
    "item_id",
    "municipality",
    "body",
    "meeting_date",
    "section",
    "title",
    "outcome",
    "doc_kind",
    "language",
    "voted",
    "diary_number",
)


@dataclass
class SearchPage:
    """A page of results with the total and what was searched."""

    filters: Filters
    results: list[Result]
    total: int
    page: int
    per_page: int
    indexed: bool  # False: no fts index yet, words matched as substrings
    terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, min(MAX_PAGE, -(-self.total // self.per_page)))


# --- the query ---------------------------------------------------------------------


def stems(con: duckdb.DuckDBPyConnection, language: str, words: str) -> list[str]:
    """The index's terms for a query: its tokenizer, then its stemmer."""
    schema = schema_name(language)
    rows = con.execute(
        f"SELECT DISTINCT stem(unnest({schema}.tokenize(?)), ?) AS term",
        [words, STEMMERS[language]],
    ).fetchall()
    return sorted(str(r[0]) for r in rows if r[0])


def term_ids(
    con: duckdb.DuckDBPyConnection, language: str, terms: list[str]
) -> list[int] | None:
    """Term ids of every term, or None when some term is in no document (then no
    document has every word)."""
    if not terms:
        return None
    rows = con.execute(
        f"SELECT termid FROM {schema_name(language)}.dict"
        " WHERE list_contains(string_split(?, chr(10)), term)",
        ["\n".join(terms)],
    ).fetchall()
    return [int(r[0]) for r in rows] if len(rows) == len(terms) else None


def matches_sql(language: str, ids: list[int]) -> str:
    """item_id and BM25 score of the documents that have every term (the ids are
    integers from the index's own dictionary, safe to inline): each term's postings
    joined on the document, which keeps only documents with all of them (faster
    than grouping every posting of every term: a fifth to a quarter at 1M items)."""
    s = schema_name(language)
    terms = [
        f"(SELECT p.docid, p.tf AS tf{n},"
        f" ln((st.num_docs - t.df + 0.5) / (t.df + 0.5) + 1) AS idf{n}"
        f" FROM {s}.postings AS p JOIN {s}.dict AS t ON t.termid = p.termid"
        f" CROSS JOIN {s}.stats AS st WHERE p.termid = {int(i)}) AS p{n}"
        for n, i in enumerate(ids)
    ]
    joined = terms[0] + "".join(f" JOIN {term} USING (docid)" for term in terms[1:])
    length = f"{K1} * (1 - {B} + {B} * d.len / st.avgdl)"
    score = " + ".join(
        f"idf{n} * tf{n} * {K1 + 1} / (tf{n} + {length})" for n in range(len(ids))
    )
    return (
        f"SELECT d.name AS item_id, {score} AS score FROM {joined}"
        f" JOIN {s}.docs AS d ON d.docid = p0.docid CROSS JOIN {s}.stats AS st"
    )


def languages(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[str]:
    """The indexed languages a search looks in."""
    wanted = [filters.language] if filters.language else list(STEMMERS)
    return [lang for lang in wanted if has_index(con, lang)]


def full_text(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> tuple[str, dict[str, list[str]]]:
    """The SQL of the items matching the words (item_id, score) and the terms
    searched per language."""
    parts, terms = [], {}
    for language in languages(con, filters):
        terms[language] = stems(con, language, filters.q)
        ids = term_ids(con, language, terms[language])
        if ids:
            parts.append(matches_sql(language, ids))
    if not parts:
        return "SELECT NULL::VARCHAR AS item_id, NULL::DOUBLE AS score LIMIT 0", terms
    return " UNION ALL ".join(parts), terms


def where(filters: Filters) -> tuple[str, list[Any]]:
    """The filter conditions on `items AS i` and their parameters."""
    conditions, params = ["TRUE"], []
    for column in ("municipality", "body", "outcome", "language"):
        value = getattr(filters, column)
        if value is not None:
            conditions.append(f"i.{column} = ?")
            params.append(value)
    if filters.date_from:
        conditions.append("i.meeting_date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        conditions.append("i.meeting_date <= ?")
        params.append(filters.date_to)
    if filters.voted is not None:
        conditions.append("i.voted = ?")
        params.append(filters.voted)
    return " AND ".join(conditions), params


def order_by(filters: Filters) -> str:
    """Relevance (with words), else newest or oldest first; ties by body and §."""
    dated = "i.meeting_date ASC" if filters.sort == "oldest" else "i.meeting_date DESC"
    tail = "i.municipality, i.body, i.section, i.item_id"
    return f"m.score DESC, {dated}, {tail}" if filters.ranked else f"{dated}, {tail}"


def substring(filters: Filters) -> tuple[str, list[Any]]:
    """Matching without an index (a warehouse the load has not indexed yet): every
    word a case-insensitive substring of title, proposal or decision."""
    words = WORD.findall(filters.q) or [filters.q]
    text = "concat_ws(' ', title, proposal, decision)"
    conditions = " AND ".join(f"{text} ILIKE ?" for _ in words)
    sql = f"SELECT item_id, NULL::DOUBLE AS score FROM items WHERE {conditions}"
    return sql, [f"%{w}%" for w in words]


def search(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    page: int = 1,
    per_page: int = PER_PAGE,
    snippets: bool = True,
) -> SearchPage:
    """One page of results (page numbers from 1) with the total: the page's ids
    are chosen on narrow columns first, then only its rows are read whole."""
    page = max(1, min(page, MAX_PAGE))
    sql, params, terms, indexed = _matching(con, filters)
    conditions, filter_params = where(filters)
    rows = con.execute(
        f"WITH m AS ({sql}) SELECT i.item_id, m.score, count(*) OVER () AS total"
        f" FROM m JOIN items AS i USING (item_id) WHERE {conditions}"
        f" ORDER BY {order_by(filters)} LIMIT ? OFFSET ?",
        [*params, *filter_params, per_page, (page - 1) * per_page],
    ).fetchall()
    results = rows_of(con, [(str(r[0]), r[1]) for r in rows])
    total = int(rows[0][-1]) if rows else _total(con, sql, params, filters)
    if snippets:
        add_snippets(con, results, terms)
    return SearchPage(filters, results, total, page, per_page, indexed, terms)


def rows_of(
    con: duckdb.DuckDBPyConnection, ranked: list[tuple[str, float | None]]
) -> list[Result]:
    """The result rows of some items, in the order given, with their scores."""
    if not ranked:
        return []
    columns = ", ".join(RESULT_COLUMNS)
    marks = ", ".join("?" for _ in ranked)
    found = con.execute(
        f"SELECT {columns}, concat_ws(' ', proposal, decision) FROM items"
        f" WHERE item_id IN ({marks})",
        [item_id for item_id, _ in ranked],
    ).fetchall()
    by_id = {row[0]: row for row in found}
    return [
        Result(
            **dict(zip(RESULT_COLUMNS, by_id[item_id], strict=False)),
            score=score,
            text=by_id[item_id][-1],
        )
        for item_id, score in ranked
        if item_id in by_id
    ]


def _matching(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> tuple[str, list[Any], dict[str, list[str]], bool]:
    """The matching items' SQL (item_id, score), its parameters, the terms per
    language and whether an index answered."""
    if not filters.q:
        return "SELECT item_id, NULL::DOUBLE AS score FROM items", [], {}, True
    if languages(con, filters) or _indexed_somewhere(con):
        sql, terms = full_text(con, filters)
        return sql, [], terms, True
    sql, params = substring(filters)
    return sql, params, {}, False


def _indexed_somewhere(con: duckdb.DuckDBPyConnection) -> bool:
    """True when some language has an index (a language without items has none)."""
    return any(has_index(con, lang) for lang in STEMMERS)


def _total(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], filters: Filters
) -> int:
    """The number of matches when the page itself is empty (a page past the end)."""
    conditions, filter_params = where(filters)
    row = con.execute(
        f"WITH m AS ({sql}) SELECT count(*) FROM m JOIN items AS i USING (item_id)"
        f" WHERE {conditions}",
        [*params, *filter_params],
    ).fetchone()
    return int(row[0]) if row else 0


def download(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[Result]:
    """Every result of a search, up to DOWNLOAD_LIMIT rows, without snippets."""
    found = search(con, filters, 1, DOWNLOAD_LIMIT, snippets=False)
    return found.results


# --- snippets ----------------------------------------------------------------------


def fold(word: str) -> str:
    """A word as the index sees it before stemming: lower case, accents stripped."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def word_stems(
    con: duckdb.DuckDBPyConnection, words: set[str], language: str
) -> dict[str, str]:
    """Each folded word's stem in a language (one query for all)."""
    if not words:
        return {}
    rows = con.execute(
        "SELECT w, stem(w, ?) FROM unnest(string_split(?, chr(10))) AS t(w)",
        # one string, not a list: DuckDB binds a Python list ~0.1 ms an element
        [STEMMERS[language], "\n".join(sorted(words))],
    ).fetchall()
    return {str(w): str(s) for w, s in rows}


def add_snippets(
    con: duckdb.DuckDBPyConnection,
    results: list[Result],
    terms: dict[str, list[str]],
) -> None:
    """Give each result a snippet: the words around its first match (the start of
    its text when the words matched only the title or nothing was searched)."""
    for language in {r.language for r in results}:
        wanted = set(terms.get(language, []))
        mine = [r for r in results if r.language == language]
        folded = {fold(w) for r in mine for w in WORD.findall(r.text or "")}
        stem_of = word_stems(con, folded, language) if wanted else {}
        for result in mine:
            result.snippet = snippet(result.text or "", wanted, stem_of)


def snippet(text: str, wanted: set[str], stem_of: dict[str, str]) -> Snippet:
    """The SNIPPET_WORDS words around the first word whose stem is wanted."""
    words = list(WORD.finditer(text))
    hits = [i for i, w in enumerate(words) if stem_of.get(fold(w.group())) in wanted]
    first = max(0, hits[0] - SNIPPET_WORDS // 3) if hits else 0
    chosen = words[first : first + SNIPPET_WORDS]
    if not chosen:
        return Snippet()
    marked = set(hits)
    parts: list[tuple[str, bool]] = []
    cursor = chosen[0].start()
    for index, word in enumerate(chosen, start=first):
        if cursor < word.start():
            parts.append((SPACE.sub(" ", text[cursor : word.start()]), False))
        parts.append((word.group(), index in marked))
        cursor = word.end()
    end = chosen[-1].end()
    return Snippet(parts, first > 0, end < len(text.rstrip()))
