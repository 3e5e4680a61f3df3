"""Drift test: schema.sql and the SQLModel models must describe the same database.

On failure, regenerate schema.sql from the models: ``python -m claimtrack.models > schema.sql``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import claimtrack.models  # noqa: F401  (registers the tables on SQLModel.metadata)

SCHEMA_SQL = Path(__file__).resolve().parent.parent / "schema.sql"
TABLES = {"files", "articles", "sources", "source_aliases", "claims", "reviews", "figures", "schema_version"}
VIEWS = {"claims_full", "sources_summary"}

Column = tuple[str, bool, int]  # affinity, not null, position in the primary key
Index = tuple[str, bool, tuple[str, ...]]  # name (or origin for unique constraints), unique, columns
ForeignKey = tuple[str, str, str]  # column, referenced table, referenced column


class Table(NamedTuple):
    columns: dict[str, Column]
    indexes: set[Index]
    foreign_keys: set[ForeignKey]


Description = dict[str, Table]


def affinity(declared: str) -> str:
    """SQLite's type affinity for a declared column type (section 3.1 of its datatype docs)."""
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if not declared or "BLOB" in declared:
        return "BLOB"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def describe(conn: sqlite3.Connection) -> Description:
    """Tables with their columns, indexes (unique constraints included) and foreign keys."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'articles_fts%' ORDER BY name")]  # the full-text index is checked on its own
    return {name: describe_table(conn, name) for name in names}


def describe_table(conn: sqlite3.Connection, table: str) -> Table:
    columns: dict[str, Column] = {}
    for _cid, name, declared, notnull, _default, pk in conn.execute(f"PRAGMA table_info('{table}')"):
        columns[name] = (affinity(declared), bool(notnull), pk)
    indexes: set[Index] = set()
    for _seq, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list('{table}')"):
        indexed = tuple(row[2] for row in conn.execute(f"PRAGMA index_info('{name}')"))
        # Indexes SQLite makes for UNIQUE constraints are named by position: compare their content only.
        label = name if origin == "c" else origin
        indexes.add((label, bool(unique), indexed))
    foreign_keys = {(row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list('{table}')")}
    return Table(columns, indexes, foreign_keys)


def from_models(tmp_path: Path) -> Description:
    path = tmp_path / "models.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        SQLModel.metadata.create_all(engine)
    finally:
        engine.dispose()
    return describe_file(path)


def from_schema_sql(tmp_path: Path) -> Description:
    path = tmp_path / "schema.db"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA_SQL.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return describe_file(path)


def describe_file(path: Path) -> Description:
    conn = sqlite3.connect(path)
    try:
        return describe(conn)
    finally:
        conn.close()


def test_schema_sql_executes_cleanly() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(SCHEMA_SQL.read_text(encoding="utf-8"))
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_schema_sql_has_every_table(tmp_path: Path) -> None:
    assert set(from_schema_sql(tmp_path)) == TABLES


@pytest.mark.parametrize("table", sorted(TABLES))
def test_models_match_schema_sql(tmp_path: Path, table: str) -> None:
    models, schema = from_models(tmp_path), from_schema_sql(tmp_path)
    assert set(models) == set(schema), "tables differ: regenerate schema.sql"
    assert models[table] == schema[table], f"{table} differs: python -m claimtrack.models > schema.sql"


def test_claims_indexes_the_report_needs(tmp_path: Path) -> None:
    schema = from_schema_sql(tmp_path)
    columns = {indexed for _label, _unique, indexed in schema["claims"].indexes}
    assert {("article_id",), ("source",), ("metric", "location", "subject")} <= columns
    # diff reads a metric's figures in series order off the figures table's index.
    [(_, _, series)] = schema["figures"].indexes
    assert series[:4] == ("metric", "location", "series_subject", "period_kind")


def test_unique_keys_make_add_idempotent(tmp_path: Path) -> None:
    schema = from_schema_sql(tmp_path)
    assert ("u", True, ("sha256",)) in schema["files"].indexes
    assert ("u", True, ("sha256",)) in schema["articles"].indexes
    assert ("u", True, ("name",)) in schema["sources"].indexes
    assert ("u", True, ("source_id", "alias")) in schema["source_aliases"].indexes


def test_schema_sql_has_the_views_and_full_text_index(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA_SQL.read_text(encoding="utf-8"))
        views = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert views == VIEWS
        conn.execute("INSERT INTO files (path, sha256, encoding, text, size_bytes, added_at) "
                     "VALUES ('a.txt', 'f', 'utf-8', 'x', 1, '2025-01-01')")
        conn.execute("INSERT INTO articles (file_id, index_in_file, start, \"end\", text, sha256, title, lang, "
                     "added_at) VALUES (1, 0, 0, 1, 'قالت والوزارة إن 20 قتلوا', 'a', 'Floods', 'ar', '2025-01-01')")
        found = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'وزارة'").fetchall()
        assert found == [(1,)]
    finally:
        conn.close()
