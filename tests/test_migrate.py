"""Schema migrations: a version 1 database is copied aside, then brought to the current version whole."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from claimtrack import migrate as migrate_module
from claimtrack.extract import extract_file
from claimtrack.models import SCHEMA_VERSION
from claimtrack.store import Store, StoreError
from tests.conftest import EXAMPLES, sql
from tests.test_schema import describe_file

SCHEMA_V1 = Path(__file__).parent / "data" / "schema_v1.sql"
V1_TABLES = ("files", "sources", "source_aliases", "articles", "claims")


def v1_copy(current: Path, target: Path) -> None:
    """An SQLite database of schema version 1 (tests/data/schema_v1.sql) holding ``current``'s rows."""
    conn = sqlite3.connect(target)
    try:
        conn.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
        conn.execute("ATTACH DATABASE ? AS current", (str(current),))
        for table in V1_TABLES:
            columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f"PRAGMA main.table_info('{table}')"))
            conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM current.{table}")
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (1, '2025-03-01 10:00:00')")
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A current database holding the example articles."""
    path = tmp_path / "current.db"
    with Store.open(str(path)) as store:
        for example in sorted(EXAMPLES.glob("*.txt")):
            store.add(extract_file(example), str(example))
    return path


@pytest.fixture
def v1(filled: Path, tmp_path: Path) -> Path:
    path = tmp_path / "claims.db"
    v1_copy(filled, path)
    return path


def version_of(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0])
    finally:
        conn.close()


def test_a_version_1_database_is_copied_then_migrated_with_its_claims(v1: Path, filled: Path,
                                                                     tmp_path: Path) -> None:
    told: list[str] = []
    with Store.open(str(filled)) as current:
        expected = current.claims()
    with Store.open(str(v1), notify=told.append) as store:
        assert store.migration is not None and store.migration.from_version == 1
        assert store.claims() == expected
    backup = store.migration.backup
    assert backup is not None and backup.parent == tmp_path and backup.name.startswith("claims.v1-backup-")
    assert [str(backup) in message for message in told] == [True]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert version_of(backup) == 1 and version_of(v1) == SCHEMA_VERSION
    assert "reviews" not in describe_file(backup)
    # The same schema as a database created new, and the search index holds the stored articles.
    assert describe_file(v1) == describe_file(filled)
    found = sql(str(v1), "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'الصحة'")
    assert found[0][0] > 0
    assert found == sql(str(v1), "SELECT count(*) FROM articles WHERE text LIKE '%الصحة%'")


def test_migration_fills_what_claims_copy_for_reports_as_adding_does(v1: Path, filled: Path) -> None:
    Store.open(str(v1), notify=None).close()
    copied = "SELECT id, figure_date, outlet, series_subject, period_kind FROM claims ORDER BY id"
    rows = sql(str(v1), copied)
    assert rows and rows == sql(str(filled), copied)
    assert any(outlet is not None for _, _, outlet, _, _ in rows)
    assert {kind for *_, kind in rows} >= {"cumulative", "event"}


def test_a_migrated_database_opens_again_without_a_second_migration(v1: Path, tmp_path: Path) -> None:
    Store.open(str(v1), notify=None).close()
    with Store.open(str(v1), notify=None) as again:
        assert again.migration is None
    assert len(list(tmp_path.glob("claims.v1-backup-*"))) == 1


def test_a_failing_migration_leaves_the_database_at_version_1(v1: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half_done(conn: object) -> None:
        migrate_module._v1_to_v2(conn)  # type: ignore[arg-type]
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setitem(migrate_module.STEPS, 1, half_done)
    with pytest.raises(StoreError, match="disk full"):
        Store.open(str(v1), notify=None)
    assert version_of(v1) == 1
    assert "reviews" not in describe_file(v1) and "review_status" not in describe_file(v1)["claims"].columns


def test_every_version_has_a_step_up_to_the_current_one() -> None:
    assert sorted(migrate_module.STEPS) == list(range(1, SCHEMA_VERSION))


def downgrade_to_v1(db_url: str) -> None:
    """Turn a current database into what version 1 was, on either database, for the migration tests."""
    for statement in ("DROP VIEW claims_full", "DROP VIEW sources_summary", "DROP TABLE reviews", "DROP TABLE figures",
                      "DROP INDEX ix_claims_reviewed_metric", "DROP INDEX ix_claims_figures",
                      "DROP INDEX ix_claims_corrected", "DROP INDEX ix_claims_source_date"):
        sql(db_url, statement)
    sql(db_url, "CREATE INDEX ix_claims_metric ON claims (metric)")
    sql(db_url, "CREATE INDEX ix_claims_source_id ON claims (source_id)")
    for column in ("review_status", "reviewed_value", "reviewed_metric", "reviewed_source", "figure_date", "outlet",
                   "series_subject", "period_kind"):
        sql(db_url, f"ALTER TABLE claims DROP COLUMN {column}")
    sql(db_url, "UPDATE schema_version SET version = 1")


def test_postgresql_of_an_old_version_is_refused_until_db_migrate(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite files are migrated on open (the tests above)")
    with Store.open(db_url) as store:
        store.add(extract_file(EXAMPLES / "02-en-toll-rises.txt"), "02.txt")
        expected = store.claims()
    downgrade_to_v1(db_url)
    with pytest.raises(StoreError) as error:
        Store.open(db_url)
    message = str(error.value)
    assert "schema version 1" in message and "pg_dump" in message and "claimtrack db migrate --db" in message
    with Store.open(db_url, create=False, migrate=True, notify=None) as store:
        assert store.migration is not None and store.migration.backup is None
        assert store.claims() == expected
