"""Rows a load writes, gathered per table and written a table at a time: one
INSERT from an Arrow table per table and load, instead of one statement per row
(DuckDB's cost per statement was 95% of the load; README "Speed").

Rows are tuples in the table's column order. Tables whose rows may meet rows
already stored (bodies, meetings, persons, item_texts) are kept one row per key,
merged as the row-by-row statements merged them, and written with ON CONFLICT.
Reads during a load never need the pending rows: a batch reads the warehouse for
keys it has not written (latest_items gives each item key once per batch).

Rows to remove and stored rows to change are gathered too, and written first: a
statement per table for all of them (deletes, then updates), not one per row — a
row's own DELETE scanned the whole table (4.3 ms a statement for field_provenance at
100k items: a reprocess took time that grew with the square of the warehouse).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

Row = tuple[Any, ...]
Names = tuple[str, ...]

# ON CONFLICT clauses of the keyed tables, written in this order before the rest.
UPSERTS = {
    "bodies": "ON CONFLICT (body_id) DO UPDATE SET abbrev = coalesce(bodies.abbrev,"
    " excluded.abbrev)",
    "meetings": "ON CONFLICT (meeting_id) DO UPDATE SET doc_kind = CASE WHEN"
    " excluded.doc_kind = 'minutes' THEN 'minutes' ELSE meetings.doc_kind END",
    "persons": "ON CONFLICT DO NOTHING",
    "item_texts": "ON CONFLICT (item_id) DO UPDATE SET text = excluded.text"
    " WHERE item_texts.text <> excluded.text",
}

# The texts of items new to the warehouse (PendingRows.text), written to item_texts.
NEW_TEXTS = "new item_texts"


class PendingRows:
    """The rows of one load not yet written."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.keyed: dict[str, dict[Any, Row]] = defaultdict(dict)
        self.columned: dict[str, list[list[Any]]] = {}
        self.deleted: dict[tuple[str, str], dict[Any, None]] = defaultdict(dict)
        self.updated: dict[tuple[str, Names, Names], dict[Row, Row]] = defaultdict(dict)

    def add(self, table: str, row: Row) -> None:
        """A row to insert."""
        self.rows[table].append(row)

    def delete(self, table: str, column: str, key: Any) -> None:
        """Rows of `table` whose `column` is `key` to remove (before any insert)."""
        self.deleted[(table, column)][key] = None

    def update(self, table: str, where: dict[str, Any], values: dict[str, Any]) -> None:
        """The stored row whose columns have the `where` values to get `values` (after
        the deletes, before any insert); the last update of a row wins."""
        shape = (table, tuple(where), tuple(values))
        self.updated[shape][tuple(where.values())] = tuple(values.values())

    def columns(
        self, table: str, key: Any, columns: tuple[tuple[Any, ...], ...]
    ) -> None:
        """Rows to insert given as columns, all but the first: that one is `key`
        in every row (an item's many provenance rows, added column by column)."""
        if not columns:
            return
        gathered = self.columned.setdefault(
            table, [[] for _ in range(len(columns) + 1)]
        )
        gathered[0].extend([key] * len(columns[0]))
        for target, column in zip(gathered[1:], columns, strict=True):
            target.extend(column)

    def body(self, row: Row) -> None:
        """A bodies row (body_id, municipality, name, abbrev, language): the first
        abbreviation seen is kept."""
        known = self.keyed["bodies"].get(row[0])
        if known is None or (known[3] is None and row[3] is not None):
            self.keyed["bodies"][row[0]] = (
                row if known is None else (*known[:3], row[3], known[4])
            )

    def meeting(self, row: Row) -> None:
        """A meetings row (…, doc_kind last): minutes once any item of it is."""
        known = self.keyed["meetings"].get(row[0])
        if known is None or row[-1] == "minutes":
            self.keyed["meetings"][row[0]] = (
                row if known is None else (*known[:-1], "minutes")
            )

    def person(self, row: Row) -> None:
        """A persons row, once."""
        self.keyed["persons"].setdefault(row[0], row)

    def text(self, row: Row, new: bool = False) -> None:
        """An item_texts row; the last one of a key wins. A `new` item's text is
        inserted without ON CONFLICT (texts are only ever written with their item,
        so an item the warehouse lacks has none; a plain insert costs about half)."""
        if new:
            self.keyed["item_texts"].pop(row[0], None)
            self.keyed[NEW_TEXTS][row[0]] = row
        else:
            self.keyed[NEW_TEXTS].pop(row[0], None)
            self.keyed["item_texts"][row[0]] = row

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        """Every pending change into the warehouse, a statement per table: deletes,
        updates, then inserts."""
        for (table, column), keys in self.deleted.items():
            delete(con, table, column, list(keys))
        for (table, where, columns), rows in self.updated.items():
            update(con, table, where, columns, rows)
        names = column_names(con)
        for table, clause in UPSERTS.items():
            insert(con, table, names, list(self.keyed[table].values()), clause)
        insert(con, "item_texts", names, list(self.keyed[NEW_TEXTS].values()))
        for table, rows in self.rows.items():
            insert(con, table, names, rows)
        for table, columns in self.columned.items():
            insert_columns(con, table, names, columns)
        self.rows.clear()
        self.keyed.clear()
        self.columned.clear()
        self.deleted.clear()
        self.updated.clear()


# Column names per connection: its tables do not change after `warehouse.connect`
# migrated them, and the query cost ~4 ms a load (~15 ms on a new connection).
_COLUMNS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[str, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def column_names(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every table's column names in order, read once per connection."""
    if con not in _COLUMNS:
        _COLUMNS[con] = _read_column_names(con)
    return _COLUMNS[con]


def _read_column_names(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every table's column names in order, in one query (a DESCRIBE a table cost
    ~1 ms each, 5% of a load)."""
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY column_index)"
        " FROM duckdb_columns() WHERE schema_name = current_schema()"
        " AND database_name = current_database() GROUP BY table_name"
    ).fetchall()
    return {table: names for table, names in rows}


def insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    names_of: dict[str, list[str]],
    rows: list[Row],
    clause: str = "",
) -> None:
    """Rows (tuples in the table's column order) inserted in one statement."""
    if rows:
        insert_columns(con, table, names_of, list(zip(*rows, strict=True)), clause)


def insert_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    names_of: dict[str, list[str]],
    columns: Sequence[Sequence[Any]],
    clause: str = "",
) -> None:
    """Rows given as columns (in the order of `names_of[table]`, the table's
    columns) inserted in one statement."""
    if not columns or not len(columns[0]):
        return
    names = names_of[table]
    if len(columns) != len(names):
        raise ValueError(
            f"{table}: {len(columns)} values a row for {len(names)} columns"
        )
    arrow = pa.table(
        {name: pa.array(column) for name, column in zip(names, columns, strict=True)}
    )
    con.register("pending_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM pending_rows {clause}")
    finally:
        con.unregister("pending_rows")


def delete(
    con: duckdb.DuckDBPyConnection, table: str, column: str, keys: list[Any]
) -> None:
    """Rows whose `column` is one of `keys` removed, in one statement."""
    if not keys:
        return
    con.register("deleted_keys", pa.table({column: pa.array(keys)}))
    try:
        con.execute(
            f"DELETE FROM {table} WHERE {column} IN (SELECT {column} FROM deleted_keys)"
        )
    finally:
        con.unregister("deleted_keys")


def update(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: Names,
    columns: Names,
    rows: dict[Row, Row],
) -> None:
    """Stored rows (found by their `where` columns: the keys of `rows`) set to the
    `columns` values of `rows`, in one statement."""
    if not rows:
        return
    keys = list(zip(*rows, strict=True))
    values = list(zip(*rows.values(), strict=True))
    arrow = pa.table(
        {f"w{n}": pa.array(column) for n, column in enumerate([*keys, *values])}
    )
    assignments = ", ".join(
        f"{name} = pending_changes.w{len(where) + n}" for n, name in enumerate(columns)
    )
    match = " AND ".join(
        f"{table}.{name} = pending_changes.w{n}" for n, name in enumerate(where)
    )
    con.register("pending_changes", arrow)
    try:
        con.execute(
            f"UPDATE {table} SET {assignments} FROM pending_changes WHERE {match}"
        )
    finally:
        con.unregister("pending_changes")
