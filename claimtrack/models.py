"""SQLModel tables: the storage schema, mirrored by ``schema.sql`` (a test keeps the two in step).

Regenerate ``schema.sql`` after changing a table with::

    python -m claimtrack.models > schema.sql

Column types stay portable (SQLite by default, PostgreSQL through a URL): figures are BIGINT so
that a population count never overflows, JSON lists are plain TEXT, dates are DATE.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.elements import Grouping
from sqlmodel import Field, SQLModel

# A claim whose metric, value or source a reviewer corrected (the condition of ix_claims_corrected).
CORRECTED = "reviewed_value IS NOT NULL OR reviewed_source IS NOT NULL OR reviewed_metric IS NOT NULL"


def corrected() -> Grouping[Any]:
    """:data:`CORRECTED` as a condition of a query, worded as the partial index is so that it is used."""
    return Grouping(text(CORRECTED))

# 2: reviews, reviewed values on claims, claims_full/sources_summary views, FTS; 3: figures;
# 4: what figures show of their lists, and the figures index in series order holding what diff reads
SCHEMA_VERSION = 4


def utcnow() -> dt.datetime:
    """Aware UTC now: SQLModel stores datetimes as UTC (SQLite keeps no zone, so reads add UTC back)."""
    return dt.datetime.now(dt.UTC)


class FileRow(SQLModel, table=True):
    """One file as added: its decoded text, so every offset stays checkable later."""

    __tablename__ = "files"

    id: int | None = Field(default=None, primary_key=True)
    path: str
    sha256: str = Field(unique=True)  # of the decoded text, UTF-8 encoded
    encoding: str
    text: str = Field(sa_type=Text)
    size_bytes: int
    added_at: dt.datetime = Field(default_factory=utcnow)


class ArticleRow(SQLModel, table=True):
    """One article of a file; ``start``/``end`` index the file text."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_file_id", "file_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    file_id: int = Field(foreign_key="files.id")
    index_in_file: int
    start: int
    end: int
    text: str = Field(sa_type=Text)
    sha256: str = Field(unique=True)  # the same article text is stored once, whatever file holds it
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    date_source: str | None = None  # 'given' | 'stated' | 'inferred'
    lang: str
    added_at: dt.datetime = Field(default_factory=utcnow)


class SourceRow(SQLModel, table=True):
    """A canonical source (ministry, army, agency...) that claims are credited to."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str = "other"


class SourceAliasRow(SQLModel, table=True):
    """Another name of a source, in any language (وزارة الصحة -> Gaza Health Ministry)."""

    __tablename__ = "source_aliases"
    __table_args__ = (UniqueConstraint("source_id", "alias", name="uq_source_aliases_source_id_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sources.id")
    alias: str
    lang: str | None = None


class ClaimRow(SQLModel, table=True):
    """One stored claim; ``start``/``end``/``sentence_start`` index the file text.

    ``value`` is the figure as an integer. A fractional count (rare) keeps its exact value in
    ``value_real`` and ``value`` holds it rounded, so SQL can still sort and compare on ``value``.
    """

    __tablename__ = "claims"
    __table_args__ = (
        # (No index on metric alone: the indexes below that start with it serve.)
        Index("ix_claims_article_id", "article_id"),
        Index("ix_claims_source", "source"),
        # Claims credited to a source and not re-credited by a reviewer, by date: `claims --source`
        # orders and counts them on this index without reading the claim rows.
        Index("ix_claims_source_date", "source_id", "reviewed_source", "figure_date"),
        Index("ix_claims_metric_location_subject", "metric", "location", "subject"),
        Index("ix_claims_reviewed_metric", "reviewed_metric"),
        # The series report (claimtrack.series_query) reads this index alone. Uncorrected claims of
        # a metric (all reviewed_* columns null: an equality prefix) come out ordered by what makes
        # them one figure, so the database groups repeats as it reads them, with no sort and no
        # join; the columns after the figure's own are what each group collects.
        Index("ix_claims_figures", "metric", "reviewed_metric", "reviewed_value", "reviewed_source", "location",
              "series_subject", "period_kind", "source", "figure_date", "value", "value_real", "value_max",
              "qualifier", "subject", "review_status", "article_id", "outlet"),
        # The few claims a reviewer corrected, which are grouped apart as the reviewer reads them.
        # Partial: claims are added uncorrected, so adding them never touches it. By the key columns
        # a review leaves alone, so that refreshing one figure finds its corrected claims at once.
        Index("ix_claims_corrected", "location", "series_subject", "period_kind", "figure_date",
              sqlite_where=text(CORRECTED), postgresql_where=text(CORRECTED)),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id")
    metric: str
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    value_real: float | None = None
    value_max: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    qualifier: str
    subject: str | None = None
    location: str | None = None
    period: str | None = None
    source: str | None = None
    source_id: int | None = Field(default=None, foreign_key="sources.id")
    via: str = Field(default="[]", sa_type=Text)  # JSON list, outermost relay first
    as_of: dt.date | None = None
    start: int
    end: int
    text: str = Field(sa_type=Text)
    sentence: str = Field(sa_type=Text)
    sentence_start: int = 0
    rule: str
    confidence: float
    cues: str = Field(default="[]", sa_type=Text)  # JSON list of [what, words] pairs
    flags: str = Field(default="[]", sa_type=Text)  # JSON list
    created_at: dt.datetime = Field(default_factory=utcnow)
    # A reviewer's corrections sit beside what the extractor read, never over it; the reviews
    # table keeps the full audit trail, these columns its latest state for fast reports.
    review_status: str | None = None  # 'verified' | 'disputed' | 'wrong'
    reviewed_value: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reviewed_metric: str | None = None
    reviewed_source: str | None = None
    # Copies of what the series report groups by, kept in step when a claim is stored or read
    # again (claimtrack.store.claim_columns) and verified by ``claimtrack db check``; they spare
    # a report over a million claims a join with articles and per-row expressions.
    figure_date: dt.date | None = None  # as_of, else the article's publication date
    outlet: str | None = None  # the article's outlet
    series_subject: str | None = None  # the subject, null for a whole population (report.series_subject)
    # The period, 'unspecified' for none or an unknown one (report.period_key).
    period_kind: str = Field(default="unspecified", sa_column_kwargs={"server_default": "unspecified"})


# ix_figures_series: the series' order (date, then first claim, within a place, subject and kind
# of period), then every other column of the figures table but the lists of ids and outlets.
FIGURES_SERIES_INDEX = ("metric", "location", "series_subject", "period_kind", "figure_date", "first_claim", "source",
                        "value", "value_real", "value_max", "qualifier", "subject", "via", "review", "corrected",
                        "first_article", "article_count", "first_outlet", "outlet_count")


class FigureRow(SQLModel, table=True):
    """One figure as ``diff`` shows it: the claims that repeat one value from one source for one date
    in one series, as a reviewer reads them (claimtrack.figures keeps it in step with the claims).

    The key columns come first; the rest is what the series report collects over the claims. Lists
    are ordered as :class:`claimtrack.report.Figure` holds them: claim ids ascending, article ids
    and outlets with the first claim's first; the last four columns hold what diff's table shows of
    them (the first of each and how many), as they read back.
    """

    __tablename__ = "figures"
    __table_args__ = (
        # A metric's figures in series order (series_query reads them through it) holding every
        # column but the lists, so that diff's table reads the index alone, in order, and no row of
        # the table; and the lookup of one figure by its key when its claims change.
        Index("ix_figures_series", *FIGURES_SERIES_INDEX),
    )

    id: int | None = Field(default=None, primary_key=True)
    metric: str
    location: str | None = None
    series_subject: str | None = None
    period_kind: str
    source: str | None = None
    figure_date: dt.date | None = None
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    value_real: float | None = None
    value_max: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    qualifier: str
    first_claim: int
    subject: str | None = None  # as its claims word it when they all agree, else the series subject
    via: str = Field(default="[]", sa_type=Text)  # the first claim's relays, JSON
    claim_ids: str = Field(sa_type=Text)  # comma-separated
    article_ids: str = Field(sa_type=Text)  # comma-separated
    outlets: str = Field(default="", sa_type=Text)  # separated by the ASCII unit separator
    review: str = ""  # the claims' review statuses, sorted, comma-separated
    corrected: bool = False
    first_article: int  # the first of article_ids
    article_count: int  # how many article_ids
    first_outlet: str | None = None  # the first of outlets, None when there is none
    outlet_count: int  # how many outlets


class ReviewRow(SQLModel, table=True):
    """One change a reviewer made to one field of a claim: the audit trail of ``claimtrack review``.

    ``article_id``, ``claim_start`` and ``claim_end`` name the figure independently of the claim
    id, so reviews find their figure again when an article's claims are extracted anew.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_claim_id", "claim_id"),
        Index("ix_reviews_article_id_claim_start", "article_id", "claim_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id")
    article_id: int = Field(foreign_key="articles.id")
    claim_start: int
    claim_end: int
    field: str  # 'status' | 'value' | 'metric' | 'source' | 'note'
    old: str | None = None
    new: str | None = None
    note: str | None = None
    reviewer: str
    created_at: dt.datetime = Field(default_factory=utcnow)


class SchemaVersionRow(SQLModel, table=True):
    """Which schema version a database holds; one row per applied version."""

    __tablename__ = "schema_version"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    applied_at: dt.datetime = Field(default_factory=utcnow)


# Views for browsing the database directly (datasette claimtrack.db, or any SQL client): every
# claim with its article and source, and one row per source. Plain SQL both databases read.
VIEWS = {
    "claims_full": """
CREATE VIEW claims_full AS
SELECT c.id AS claim_id, c.metric, c.value, c.value_real, c.value_max, c.qualifier, c.subject,
       c.location, c.period, c.source, s.kind AS source_kind, c.via, c.as_of,
       COALESCE(c.as_of, a.published) AS figure_date, c.review_status, c.reviewed_value,
       c.reviewed_metric, c.reviewed_source, c.text, c.sentence, c.start, c."end", c.rule,
       c.confidence, c.cues, c.flags, a.id AS article_id, a.title, a.outlet, a.url, a.published,
       a.date_source, a.lang, f.path AS file_path, f.encoding AS file_encoding
FROM claims c
JOIN articles a ON a.id = c.article_id
JOIN files f ON f.id = a.file_id
LEFT JOIN sources s ON s.id = c.source_id""",
    "sources_summary": """
CREATE VIEW sources_summary AS
SELECT s.id AS source_id, s.name, s.kind, COUNT(c.id) AS claims,
       MIN(COALESCE(c.as_of, a.published)) AS first_date, MAX(COALESCE(c.as_of, a.published)) AS last_date
FROM sources s
LEFT JOIN claims c ON c.source_id = s.id
LEFT JOIN articles a ON a.id = c.article_id
GROUP BY s.id, s.name, s.kind""",
}

# Full-text search over article titles and text (SQLite FTS5; PostgreSQL searches with ILIKE).
# The trigram tokenizer matches any substring of three or more characters in any script, so
# "وزارة" finds "والوزارة" and "hostage" finds "hostages", without a stemmer per language.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
)


def extra_ddl(dialect_name: str) -> list[str]:
    """Statements beyond the tables: the views, and on SQLite the full-text index and its triggers."""
    statements = [sql.strip() for sql in VIEWS.values()]
    if dialect_name == "sqlite":
        statements.extend(SQLITE_FTS)
    return statements


def sqlite_ddl() -> str:
    """The DDL of every table and index as SQLAlchemy emits it for SQLite: the text of schema.sql."""
    dialect = sqlite.dialect()
    parts = [f"-- claimtrack schema, version {SCHEMA_VERSION}.\n"
             "-- Generated from claimtrack/models.py: python -m claimtrack.models > schema.sql\n"]
    for table in SQLModel.metadata.sorted_tables:
        parts.append(_statement(CreateTable(table), dialect))
        for index in sorted(table.indexes, key=lambda ix: str(ix.name)):
            parts.append(_statement(CreateIndex(index), dialect))
    parts.extend(statement + ";\n" for statement in extra_ddl("sqlite"))
    return "\n".join(parts)


def _statement(ddl: CreateTable | CreateIndex, dialect: Dialect) -> str:
    lines = str(ddl.compile(dialect=dialect)).strip().splitlines()
    return "\n".join(line.rstrip() for line in lines) + ";\n"


if __name__ == "__main__":
    print(sqlite_ddl(), end="")
