"""Schema migrations: bring a database that an older claimtrack wrote up to ``SCHEMA_VERSION``.

Each step turns version N into N+1 and is a plain function of a connection inside the caller's
transaction, so a database is migrated all at once or not at all. The tables a step creates are
written out here as they were at that version, not taken from ``models.py``, so that an old
step keeps meaning the same thing after later versions change the models. Views hold no data:
after the steps they are dropped and created again from ``models.VIEWS``.

SQLite files are copied first (:func:`backup_sqlite`); a PostgreSQL database is migrated only
when the user asks (``claimtrack db migrate``) after making a dump, since no copy can be made
from here.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    text,
)
from sqlalchemy.engine import Connection

from claimtrack import figures
from claimtrack.cues import cues
from claimtrack.models import CORRECTED, SCHEMA_VERSION, SQLITE_FTS, VIEWS, SchemaVersionRow, utcnow

Step = Callable[[Connection], None]


class MigrationError(Exception):
    """A database this claimtrack cannot migrate, worded for the user in one line."""


def _v1_to_v2(conn: Connection) -> None:
    """Version 2: reviews and the reviewed columns of claims, the columns claims copy for the series
    report (filled from the stored rows), and the full-text index on SQLite."""
    # Fixed names and types below, no user input.
    for column, kind in (("review_status", "VARCHAR"), ("reviewed_value", "BIGINT"),
                         ("reviewed_metric", "VARCHAR"), ("reviewed_source", "VARCHAR"),
                         ("figure_date", "DATE"), ("outlet", "VARCHAR"), ("series_subject", "VARCHAR"),
                         ("period_kind", "VARCHAR DEFAULT 'unspecified' NOT NULL")):
        conn.exec_driver_sql(f"ALTER TABLE claims ADD COLUMN {column} {kind}")
    _fill_report_columns(conn)
    conn.exec_driver_sql("CREATE INDEX ix_claims_reviewed_metric ON claims (reviewed_metric)")
    conn.exec_driver_sql("DROP INDEX ix_claims_metric")  # the indexes that start with metric serve
    conn.exec_driver_sql("DROP INDEX ix_claims_source_id")
    conn.exec_driver_sql("CREATE INDEX ix_claims_source_date ON claims (source_id, reviewed_source, figure_date)")
    conn.exec_driver_sql("CREATE INDEX ix_claims_figures ON claims (metric, reviewed_metric, reviewed_value, "
                         "reviewed_source, location, series_subject, period_kind, source, figure_date, value, "
                         "value_real, value_max, qualifier, subject, review_status, article_id, outlet)")
    conn.exec_driver_sql(f"CREATE INDEX ix_claims_corrected ON claims (metric) WHERE {CORRECTED}")
    _reviews_v2().create(conn)
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            conn.exec_driver_sql(statement)
        # The triggers only index articles added from now on: index the stored ones too.
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def _fill_report_columns(conn: Connection) -> None:
    """Fill what claims copy for the series report from the stored claims and their articles, as
    claimtrack.store.claim_columns does for new claims. Whole-population subjects are those of the
    lexicons installed now, as for claims added from now on."""
    conn.exec_driver_sql(
        "UPDATE claims SET "
        "figure_date = COALESCE(as_of, (SELECT published FROM articles WHERE articles.id = claims.article_id)), "
        "outlet = (SELECT outlet FROM articles WHERE articles.id = claims.article_id), "
        "period_kind = CASE WHEN period IN ('cumulative', 'period', 'event') THEN period ELSE 'unspecified' END")
    general = sorted(cues().general_subjects)
    conn.execute(text("UPDATE claims SET series_subject = CASE WHEN subject IN :general THEN NULL ELSE subject END")
                 .bindparams(bindparam("general", general, expanding=True)))


def _reviews_v2() -> Table:
    """The reviews table as version 2 defined it (claims and articles only as far as it refers to them)."""
    metadata = MetaData()
    Table("claims", metadata, Column("id", Integer, primary_key=True))
    Table("articles", metadata, Column("id", Integer, primary_key=True))
    return Table(
        "reviews", metadata,
        Column("id", Integer, primary_key=True),
        Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False),
        Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
        Column("claim_start", Integer, nullable=False),
        Column("claim_end", Integer, nullable=False),
        Column("field", String, nullable=False),
        Column("old", String),
        Column("new", String),
        Column("note", String),
        Column("reviewer", String, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_reviews_claim_id", "claim_id"),
        Index("ix_reviews_article_id_claim_start", "article_id", "claim_start"),
    )


def _v2_to_v3(conn: Connection) -> None:
    """Version 3: the figures table, filled by grouping the stored claims as adding them does, and
    the corrected claims indexed by the key columns a review leaves alone."""
    conn.exec_driver_sql("DROP INDEX ix_claims_corrected")
    conn.exec_driver_sql("CREATE INDEX ix_claims_corrected ON claims (location, series_subject, period_kind, "
                         f"figure_date) WHERE {CORRECTED}")
    table = _figures_v3()
    table.create(conn)
    figures.rebuild(conn, into=table)


def _figures_v3(index: bool = True) -> Table:
    """The figures table as version 3 defined it (``index``: with its index)."""
    table = Table(
        "figures", MetaData(),
        Column("id", Integer, primary_key=True),
        Column("metric", String, nullable=False),
        Column("location", String),
        Column("series_subject", String),
        Column("period_kind", String, nullable=False),
        Column("source", String),
        Column("figure_date", Date),
        Column("value", BigInteger, nullable=False),
        Column("value_real", Float),
        Column("value_max", BigInteger),
        Column("qualifier", String, nullable=False),
        Column("first_claim", Integer, nullable=False),
        Column("subject", String),
        Column("via", Text, nullable=False),
        Column("claim_ids", Text, nullable=False),
        Column("article_ids", Text, nullable=False),
        Column("outlets", Text, nullable=False),
        Column("review", String, nullable=False),
        Column("corrected", Boolean, nullable=False),
    )
    if index:
        Index("ix_figures_series", *(table.c[name] for name in (
            "metric", "location", "series_subject", "period_kind", "source", "figure_date", "value", "value_real",
            "value_max", "qualifier")))
    return table


def _v3_to_v4(conn: Connection) -> None:
    """Version 4: the figures table with what diff's table shows of each figure's lists (the first
    article and outlet, how many of each), and its index in series order holding every column but
    the lists. The table holds nothing the claims do not say: it is made anew and the stored claims
    grouped into it again, as adding them does."""
    _figures_v3().drop(conn)  # (and its index)
    _figures_v4().create(conn)
    figures.rebuild(conn)


def _figures_v4() -> Table:
    """The figures table as version 4 defined it."""
    table = _figures_v3(index=False)
    for column in (Column("first_article", Integer, nullable=False), Column("article_count", Integer, nullable=False),
                   Column("first_outlet", String), Column("outlet_count", Integer, nullable=False)):
        table.append_column(column)
    Index("ix_figures_series", *(table.c[name] for name in (
        "metric", "location", "series_subject", "period_kind", "figure_date", "first_claim", "source", "value",
        "value_real", "value_max", "qualifier", "subject", "via", "review", "corrected", "first_article",
        "article_count", "first_outlet", "outlet_count")))
    return table


# STEPS[n] migrates version n to n + 1; the last one reaches SCHEMA_VERSION.
STEPS: dict[int, Step] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}
assert max(STEPS) + 1 == SCHEMA_VERSION, "add a migration step for the new schema version"


def migrate(conn: Connection, version: int) -> list[int]:
    """Apply every step from ``version`` up, in the caller's transaction; the versions reached."""
    if version not in STEPS:
        raise MigrationError(f"no migration from schema version {version} (this claimtrack migrates "
                             f"versions {min(STEPS)} to {SCHEMA_VERSION - 1})")
    reached = []
    for step_from in range(version, SCHEMA_VERSION):
        STEPS[step_from](conn)
        conn.execute(insert(SchemaVersionRow).values(version=step_from + 1, applied_at=utcnow()))
        reached.append(step_from + 1)
    _recreate_views(conn)
    return reached


def _recreate_views(conn: Connection) -> None:
    for name, sql in VIEWS.items():
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")  # names from models.VIEWS, not user input
        conn.exec_driver_sql(sql.strip())


def backup_sqlite(path: Path, version: int, now: dt.datetime | None = None) -> Path:
    """Copy the SQLite database ``path`` beside it, readable by its owner only; the copy's path.

    The copy is named with the version it holds and the time (claims.v1-backup-20250301T101500Z.db),
    made with SQLite's online backup (consistent even while others write), and is a single file
    that any SQLite tool, or an older claimtrack, opens as it was.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = _private_new_file(path.with_name(f"{path.stem}.v{version}-backup-{stamp}{path.suffix or '.db'}"))
    source = sqlite3.connect(path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the copy
    except sqlite3.Error:
        copy.close()
        target.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    return target


def _private_new_file(wanted: Path) -> Path:
    """Create ``wanted`` (or wanted-2, -3... if it exists) with mode 0600 and return its path."""
    for n in range(1, 100):
        candidate = wanted if n == 1 else wanted.with_name(f"{wanted.stem}-{n}{wanted.suffix}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(wanted)
