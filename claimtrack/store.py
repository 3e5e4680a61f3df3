"""The claim store: a database (SQLite by default, any SQLAlchemy URL) of files, articles and claims.

``Store.open`` creates the schema when the database is new, migrates one that an older claimtrack
wrote (an SQLite file after copying it aside; PostgreSQL only through ``claimtrack db migrate``)
and refuses databases that are not claimtrack's or that a newer claimtrack wrote. Adding is
idempotent: a file, or an article, whose text is already stored is not stored again, so adding
the same folder twice changes nothing. Every failure reaches the caller as a :class:`StoreError`
with a one-line message.

Writes go through one transaction per ``Store.add``, or per group of documents for a
:class:`Batch`, with a savepoint around each document so that one refused document loses
nothing else. Claims go in as one multi-row insert, without building ORM objects.

Several processes may add to one database at once. On SQLite, WAL lets readers and a writer work
together, each write transaction takes the write lock up front (``BEGIN IMMEDIATE``) and waits for
it (busy_timeout). On PostgreSQL each write transaction first takes a transaction-scoped advisory
lock, so two writers never both find a file missing and both insert it. A transaction that still
finds the database locked, or that PostgreSQL aborts as a deadlock or serialization failure, is
retried a bounded number of times with growing pauses. A new SQLite file is readable by its owner
only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, event, func, insert, inspect, or_
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, create_engine, select

from claimtrack import figures
from claimtrack.bulk import BulkInsert
from claimtrack.cues import source_kinds
from claimtrack.migrate import MigrationError, backup_sqlite, migrate
from claimtrack.models import (
    SCHEMA_VERSION,
    ArticleRow,
    ClaimRow,
    FileRow,
    SchemaVersionRow,
    SourceAliasRow,
    SourceRow,
    extra_ddl,
    utcnow,
)
from claimtrack.records import Article, Claim, Extraction
from claimtrack.source_names import alias_lang, aliases_seen

DEFAULT_DB = "claimtrack.db"
ENV_DB = "CLAIMTRACK_DB"
BUSY_TIMEOUT_MS = 5000  # how long SQLite itself waits for another writer's lock
SQLITE_CACHE_KB = 32 * 1024  # page cache per connection at most (grown as pages are read)
LOCK_RETRIES = 8  # then whole transactions are retried, pausing LOCK_BACKOFF, doubled each time
LOCK_BACKOFF = 0.05
LOCK_BACKOFF_MAX = 2.0
# Every claimtrack writer of a PostgreSQL database takes this advisory lock (any fixed number
# no other application uses; this one spells "claimtrk" in ASCII).
PG_WRITE_LOCK = 0x636C61696D74726B
PG_RETRYABLE = {"40001", "40P01"}  # serialization failure, deadlock detected
# A Batch commits after this many documents, or once its oldest pending document has waited this
# long. Each transaction has a fixed cost (the full-text index merges its new terms, the figures
# are regrouped), so fewer, bigger ones cost less per document: 128 took ~10% less CPU than 64 (256 little less).
BATCH_DOCUMENTS = 128
BATCH_SECONDS = 1.0

_T = TypeVar("_T")


class StoreError(Exception):
    """A store failure, worded for the user in one line."""


@dataclass(frozen=True)
class AddResult:
    """What adding one document did.

    ``article_ids`` lists the database id of every article of the file, in file order, whether it
    was added now or was already stored (then it is the id of the stored copy). For a file found
    already stored before extraction (:meth:`Batch.already_stored`) it lists the articles first
    stored from that file.
    """

    articles_added: int
    articles_already_stored: int
    claims_added: int
    article_ids: tuple[int, ...]


@dataclass
class AddTotals:
    """What a whole ``add`` stored, counted as it goes: a batch of 100,000 files keeps four numbers,
    not a result per file."""

    documents: int = 0
    articles_added: int = 0
    articles_already_stored: int = 0
    claims_added: int = 0

    def count(self, result: AddResult) -> None:
        self.documents += 1
        self.articles_added += result.articles_added
        self.articles_already_stored += result.articles_already_stored
        self.claims_added += result.claims_added


@dataclass(frozen=True)
class Migration:
    """An upgrade ``Store.open`` made: from and to which schema version, and the copy made first."""

    from_version: int
    to_version: int
    backup: Path | None


@dataclass(frozen=True)
class StoredClaim:
    """A claim as read back from the store, with the article facts a report needs."""

    claim_id: int
    article_id: int
    metric: str
    value: int | float
    value_max: int | None
    qualifier: str
    subject: str | None
    location: str | None
    period: str | None
    source: str | None
    via: tuple[str, ...]
    as_of: dt.date | None
    published: dt.date | None
    outlet: str | None
    article_title: str | None
    text: str
    sentence: str
    rule: str


Outcome = AddResult | StoreError

# The write path's statements, built once: SQLAlchemy then reuses their compiled form, which
# matters when thousands of documents go through them.
_FILE_IDS = select(FileRow.sha256, FileRow.id).where(col(FileRow.sha256).in_(bindparam("digests", expanding=True)))
_ARTICLE_IDS = select(ArticleRow.sha256, ArticleRow.id).where(
    col(ArticleRow.sha256).in_(bindparam("digests", expanding=True)))
_SOURCE_IDS = select(SourceRow.name, SourceRow.id).where(col(SourceRow.name).in_(bindparam("names", expanding=True)))
# Many rows in one statement; each row's id comes back with its digest, as a multi-row insert
# returns its rows in no promised order.
_FILES_ARTICLES = (select(ArticleRow.file_id, ArticleRow.id)
                   .where(col(ArticleRow.file_id).in_(bindparam("file_ids", expanding=True)))
                   .order_by(col(ArticleRow.file_id), col(ArticleRow.index_in_file)))
_INSERT_SOURCE = insert(SourceRow)
_ALIASES = select(SourceAliasRow.source_id, SourceAliasRow.alias).where(
    col(SourceAliasRow.source_id).in_(bindparam("ids", expanding=True)))
_INSERT_ALIASES = insert(SourceAliasRow)
# A document's savepoint, as plain SQL that SQLite and PostgreSQL both read.
_SAVEPOINT = "SAVEPOINT claimtrack_document"
_RELEASE = "RELEASE SAVEPOINT claimtrack_document"
_ROLLBACK_TO = "ROLLBACK TO SAVEPOINT claimtrack_document"
Notify = Callable[[str], None]


def database_url(db: str | None) -> str:
    """The SQLAlchemy URL for ``--db``: the option, else $CLAIMTRACK_DB, else claimtrack.db here.

    A value containing ``://`` is a URL and passes through; anything else is a file path.
    """
    chosen = db or os.environ.get(ENV_DB) or DEFAULT_DB
    if "://" in chosen:
        return chosen
    return "sqlite:///" + str(Path(chosen).expanduser().absolute())


def source_kind(name: str) -> str:
    """A source's kind from the sources lexicon ('other' for a name as printed)."""
    return source_kinds().get(name, "other")


def to_stderr(message: str) -> None:
    """The default way ``Store.open`` tells the user it migrated a database."""
    print(f"claimtrack: {message}", file=sys.stderr)


class Store:
    """An open claim database. Use ``Store.open``; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, label: str, sqlite_path: Path | None = None,
                 migration: Migration | None = None) -> None:
        self._engine = engine
        self.label = label  # the path, or the URL without its password, for messages
        self.sqlite_path = sqlite_path
        self.migration = migration

    @classmethod
    def open(cls, db: str | None, create: bool = True, migrate: bool = False,
             notify: Notify | None = to_stderr) -> Store:
        """Open the database ``db`` names (see :func:`database_url`), creating the schema if new.

        An SQLite file of an older schema version is copied aside and migrated, and ``notify``
        is told where the copy is. Other databases of an older version are migrated only when
        ``migrate`` is true (``claimtrack db migrate``): no copy can be made of them from here.
        """
        url = database_url(db)
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(f"invalid database URL {url!r}") from exc
        path = _sqlite_file(parsed.get_backend_name(), parsed.database)
        label = str(path) if path else parsed.render_as_string(hide_password=True)
        if path is not None:
            _check_path(path, create)
            if create:
                _create_private(path)
        try:
            engine = _make_engine(url, in_memory=parsed.get_backend_name() == "sqlite" and path is None)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {label}: {_reason(exc)}") from exc
        try:
            migration = _init_schema(engine, create, label, path, migrate)
        except StoreError:
            engine.dispose()
            raise
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            engine.dispose()
            reason = _reason(exc)
            if "file is not a database" in reason:
                raise StoreError(f"{label} is not a claimtrack database (not an SQLite file)") from exc
            raise StoreError(f"cannot open database {label}: {reason}") from exc
        if migration is not None and notify is not None:
            notify(_migrated_message(label, migration))
        return cls(engine, label, path, migration)

    @property
    def dialect(self) -> str:
        """'sqlite', 'postgresql'..."""
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def add(self, extraction: Extraction, path: str) -> AddResult:
        """Store a file's articles and claims in one transaction; on any error store nothing."""
        [outcome] = self._write([(extraction, path)], _Seen())
        if isinstance(outcome, StoreError):
            raise outcome
        return outcome

    @contextmanager
    def batch(self, documents: int = BATCH_DOCUMENTS, seconds: float = BATCH_SECONDS) -> Iterator[Batch]:
        """A :class:`Batch` that commits every ``documents`` documents or ``seconds``, and at the end."""
        batch = Batch(self, documents, seconds)
        try:
            yield batch
        finally:
            batch.close()

    def already_stored(self, text: str, reader: Reader | None = None) -> AddResult | None:
        """What adding a file of this decoded text would do if it is stored already, else None.

        Lets a caller skip extracting a file it has stored before. ``reader`` keeps one connection
        for many lookups.
        """
        return self.stored_files([text], reader)[0]

    def stored_files(self, texts: Sequence[str], reader: Reader | None = None) -> list[AddResult | None]:
        """:meth:`already_stored` of many texts at once: two queries for all of them, not two each."""
        digests = [sha256_text(text) for text in texts]

        def look() -> list[AddResult | None]:
            with reader.connection() if reader is not None else self._engine.connect() as conn:
                files = {row[0]: row[1] for row in conn.execute(_FILE_IDS, {"digests": sorted(set(digests))})}
                articles: dict[int, list[int]] = {file_id: [] for file_id in files.values()}
                if files:
                    for file_id, article_id in conn.execute(_FILES_ARTICLES, {"file_ids": sorted(articles)}):
                        articles[file_id].append(article_id)
            return [None if (file_id := files.get(digest)) is None
                    else AddResult(0, len(articles[file_id]), 0, tuple(articles[file_id])) for digest in digests]

        try:
            return _retry_when_busy(look)
        except SQLAlchemyError as exc:
            if reader is not None:
                reader.close()
            raise StoreError(f"database {self.label}: {_reason(exc)}") from exc

    def reader(self) -> Reader:
        """A connection to keep for many quick lookups (see :class:`Reader`)."""
        return Reader(self._engine)

    def claims(
        self,
        metric: str | None = None,
        location: str | None = None,
        subject: str | None = None,
        source: str | None = None,
    ) -> list[StoredClaim]:
        """Stored claims in the order they were added, filtered by exact, case-insensitive matches.

        ``source`` matches the canonical source name or any alias recorded for it.
        """
        stmt = (
            select(ClaimRow, col(ArticleRow.published), col(ArticleRow.outlet), col(ArticleRow.title))
            .join(ArticleRow, col(ClaimRow.article_id) == col(ArticleRow.id))
            .order_by(col(ClaimRow.id))
        )
        for column, wanted in ((ClaimRow.metric, metric), (ClaimRow.location, location),
                               (ClaimRow.subject, subject)):
            if wanted is not None:
                stmt = stmt.where(_same_text(column, wanted))
        if source is not None:
            aliased = select(SourceAliasRow.source_id).where(_same_text(SourceAliasRow.alias, source))
            stmt = stmt.where(or_(_same_text(ClaimRow.source, source), col(ClaimRow.source_id).in_(aliased)))
        with self._session() as session:
            return [_stored_claim(row, published, outlet, title)
                    for row, published, outlet, title in session.exec(stmt).all()]

    def article_count(self) -> int:
        return self._count(ArticleRow)

    def claim_count(self) -> int:
        return self._count(ClaimRow)

    def _count(self, table: type[SQLModel]) -> int:
        with self._session() as session:
            return session.exec(select(func.count()).select_from(table)).one()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session for queries beyond the methods here; database errors become StoreError.

        Its queries all see the database as it was at the first of them, whatever is committed
        meanwhile: a report made of several queries (diff reads each kind of period apart, a list
        counts its rows and then reads a page) never mixes two moments. Neither database does that
        by default: pysqlite starts no transaction for a SELECT, and PostgreSQL's READ COMMITTED
        takes a new snapshot for each statement.
        """
        with self._session() as session:
            _one_snapshot(session.connection())
            yield session

    def write(self, change: Callable[[Session], _T], what: str) -> _T:
        """Run ``change`` in one write transaction (all of it or nothing), retried while locked."""
        def attempt() -> _T:
            with Session(self._engine) as session, session.begin():
                _lock_for_write(session.connection())
                return change(session)

        try:
            return _retry_when_busy(attempt)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot {what}: {_reason(exc)}") from exc

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection (``claimtrack db check`` reads through it); errors become StoreError."""
        try:
            with self._engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database {self.label}: {_reason(exc)}") from exc

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self._engine) as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"database {self.label}: {_reason(exc)}") from exc

    def _write(self, documents: list[tuple[Extraction, str]], seen: _Seen) -> list[Outcome]:
        """Store ``documents`` in one transaction, each in a savepoint: a result or a refusal each.

        ``seen`` caches the sources and aliases stored, between calls; it is emptied whenever a
        rollback may have undone a row it holds.
        """
        prepared = [_prepare(extraction, path) for extraction, path in documents]  # before taking the lock
        ready = [doc for doc in prepared if isinstance(doc, _Document)]

        def attempt() -> list[Outcome]:
            try:
                with self._engine.connect() as conn, conn.begin():
                    _lock_for_write(conn)
                    known = _Known.read(conn, ready)
                    outcomes = _add_documents(conn, ready, known, seen)
                    # Once per transaction: a figure that many of the documents repeat is written once.
                    figures.refresh(conn, known.figure_keys)
                    return outcomes
            except BaseException:
                seen.clear()
                raise

        try:
            written = iter(_retry_when_busy(attempt) if ready else [])
        except SQLAlchemyError as exc:
            reason = _reason(exc)
            written = iter([StoreError(f"cannot add {doc.path}: {reason}") for doc in ready])
        return [next(written) if isinstance(doc, _Document) else doc for doc in prepared]


class Reader:
    """One connection kept open for many quick lookups: opening a connection for each cost as much
    as the lookup. Each lookup ends its read transaction, so nothing is held between lookups."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        if self._conn is None:
            self._conn = self._engine.connect()
        try:
            yield self._conn
        finally:
            self._conn.rollback()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except SQLAlchemyError:
                pass  # a connection that failed: nothing to keep or tell


class Batch:
    """Documents stored through ``Store.batch``: many to a transaction, each all-or-nothing.

    ``add`` queues a document and commits the queue once it holds enough documents or has
    waited long enough, so a crash loses at most the documents not yet committed (never part
    of one). Each document's ``done`` callback hears, after the commit, its result or refusal.
    """

    def __init__(self, store: Store, documents: int, seconds: float) -> None:
        self._store = store
        self._limit = documents
        self._seconds = seconds
        self._pending: list[tuple[Extraction, str, Callable[[Outcome], None]]] = []
        self._oldest = 0.0
        self._seen = _Seen()
        self._reader = store.reader()

    def already_stored(self, text: str) -> AddResult | None:
        return self._store.already_stored(text, self._reader)

    def stored_files(self, texts: Sequence[str]) -> list[AddResult | None]:
        return self._store.stored_files(texts, self._reader)

    def close(self) -> None:
        """Store what is queued, and let go of the lookup connection."""
        try:
            self.flush()
        finally:
            self._reader.close()

    def add(self, extraction: Extraction, path: str, done: Callable[[Outcome], None]) -> None:
        if not self._pending:
            self._oldest = time.monotonic()
        self._pending.append((extraction, path, done))
        if len(self._pending) >= self._limit or time.monotonic() - self._oldest >= self._seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the queued documents now."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        outcomes = self._store._write([(extraction, path) for extraction, path, _ in pending], self._seen)
        for (_, _, done), outcome in zip(pending, outcomes, strict=True):
            done(outcome)


@dataclass(frozen=True)
class _Document:
    """A document checked and hashed, ready to write."""

    extraction: Extraction
    path: str
    digest: str  # of the file text
    article_texts: tuple[str, ...]
    article_digests: tuple[str, ...]
    articles: dict[int, Article]  # by index in the file


def _prepare(extraction: Extraction, path: str) -> _Document | StoreError:
    """Refuse offsets outside the text and claims of articles the file lacks; hash the texts."""
    text = extraction.text

    def outside(start: int, end: int, what: str) -> StoreError | None:
        if 0 <= start <= end <= len(text):
            return None
        return StoreError(f"cannot add {path}: {what} has offsets {start}..{end} "
                          f"outside the file text (length {len(text)})")

    for article in extraction.articles:
        if error := outside(article.start, article.end, f"article {article.index}"):
            return error
    known = {article.index for article in extraction.articles}
    for claim in extraction.claims:
        if claim.article not in known:
            return StoreError(f"cannot add {path}: a claim refers to article {claim.article}, "
                              f"which the file does not have")
        if error := outside(claim.start, claim.end, f"claim {claim.text!r}"):
            return error
    texts = tuple(text[article.start:article.end] for article in extraction.articles)
    return _Document(extraction, path, sha256_text(text), texts, tuple(sha256_text(t) for t in texts),
                     {article.index: article for article in extraction.articles})


@dataclass
class _Known:
    """Ids of the files and articles a transaction's documents may find already stored, by digest.

    Read once per transaction (under the write lock), then kept up to date as documents are added;
    with the keys of the figures the added claims join, refreshed once before the commit.
    """

    files: dict[str, int]
    articles: dict[str, int]
    figure_keys: set[Any] = field(default_factory=set)

    @classmethod
    def read(cls, conn: Connection, documents: list[_Document]) -> _Known:
        files = conn.execute(_FILE_IDS, {"digests": sorted({doc.digest for doc in documents})})
        digests = sorted({digest for doc in documents for digest in doc.article_digests})
        articles = conn.execute(_ARTICLE_IDS, {"digests": digests})
        return cls({row[0]: row[1] for row in files}, {row[0]: row[1] for row in articles})


@dataclass
class _Seen:
    """Sources and aliases known to be stored, kept across a batch's transactions so that each
    document does not look them up again; emptied whenever a rollback may have undone one."""

    source_ids: dict[str, int] = field(default_factory=dict)
    aliases: set[tuple[int, str]] = field(default_factory=set)

    def clear(self) -> None:
        self.source_ids.clear()
        self.aliases.clear()


def _add_documents(conn: Connection, docs: list[_Document], known: _Known, seen: _Seen) -> list[Outcome]:
    """The documents of a transaction, written together a table at a time in one savepoint; when
    that is refused, again one at a time, each in a savepoint of its own, so that only the document
    at fault is refused (with its reason) and the others are stored all the same."""
    if len(docs) > 1:
        try:
            return list(_add_in_savepoint(conn, docs, known, seen))
        except (StoreError, DBAPIError) as exc:
            if isinstance(exc, DBAPIError) and _is_busy(exc):  # the whole transaction is retried
                raise
    return [_add_isolated(conn, doc, known, seen) for doc in docs]


def _add_isolated(conn: Connection, doc: _Document, known: _Known, seen: _Seen) -> Outcome:
    """One document inside a savepoint: stored whole, or rolled back and refused with the reason."""
    try:
        [result] = _add_in_savepoint(conn, [doc], known, seen)
    except StoreError as exc:
        return exc
    except DBAPIError as exc:
        if _is_busy(exc):
            raise
        return StoreError(f"cannot add {doc.path}: {_reason(exc)}")
    return result


def _add_in_savepoint(conn: Connection, docs: list[_Document], known: _Known, seen: _Seen) -> list[AddResult]:
    """``docs`` whole inside a savepoint, or none of them (rolled back, and the error raised)."""
    # Not begin_nested(): its bookkeeping costs as much again per savepoint.
    conn.exec_driver_sql(_SAVEPOINT)
    writer = _Writer(conn, known, seen)
    try:
        results = writer.run(docs)
    except (StoreError, DBAPIError):
        conn.exec_driver_sql(_ROLLBACK_TO)
        conn.exec_driver_sql(_RELEASE)
        seen.clear()
        raise
    conn.exec_driver_sql(_RELEASE)
    known.files.update(writer.new_files)
    known.articles.update(writer.new_articles)
    known.figure_keys.update(writer.figure_keys)
    return results


class _Writer:
    """The rows of some documents, added through one connection (the caller owns the transaction)
    a table at a time: a statement or two per table whatever the number of documents."""

    def __init__(self, conn: Connection, known: _Known, seen: _Seen) -> None:
        self.conn = conn
        self.known = known
        self.seen = seen
        self.new_files: dict[str, int] = {}  # what these documents added, for ``known`` once they are kept
        self.new_articles: dict[str, int] = {}
        self.figure_keys: set[figures.Key] = set()
        self.now = utcnow()  # when the rows of this write were added: one time for all of them

    def run(self, docs: list[_Document]) -> list[AddResult]:
        added = self._articles(docs, self._files(docs))  # per document: article index -> id, for those it adds
        # Claims of an already stored article are stored already.
        fresh = [(doc, claim, new_ids[claim.article]) for doc, new_ids in zip(docs, added, strict=True)
                 for claim in doc.extraction.claims if claim.article in new_ids]
        source_ids = self.seen.source_ids
        ensure_sources(self.conn, {claim.source for _, claim, _ in fresh if claim.source}, source_ids)
        rows = [new_claim_row(claim, article_id, source_ids, doc.articles[claim.article])
                for doc, claim, article_id in fresh]
        for row in rows:
            row["created_at"] = self.now
        if rows:
            _INSERT_CLAIMS.run(self.conn, rows)
            record_aliases(self.conn, [claim for _, claim, _ in fresh], source_ids, self.seen.aliases)
            self.figure_keys.update(map(figures.claim_key, rows))
        return [self._result(doc, new_ids, sum(claim.article in new_ids for claim in doc.extraction.claims))
                for doc, new_ids in zip(docs, added, strict=True)]

    def _result(self, doc: _Document, new_ids: dict[int, int], claims: int) -> AddResult:
        ids = tuple(self.known.articles.get(digest) or self.new_articles[digest] for digest in doc.article_digests)
        return AddResult(len(new_ids), len(ids) - len(new_ids), claims, ids)

    def _files(self, docs: list[_Document]) -> list[int]:
        """Each document's file id, inserting the files not stored yet."""
        rows: dict[str, dict[str, Any]] = {}
        for doc in docs:
            if doc.digest not in self.known.files and doc.digest not in rows:
                text, encoding = doc.extraction.text, doc.extraction.encoding
                rows[doc.digest] = {"path": doc.path, "sha256": doc.digest, "encoding": encoding, "text": text,
                                    "size_bytes": _size_bytes(doc.path, text, encoding), "added_at": self.now}
        self.new_files = _INSERT_FILES.returning(self.conn, list(rows.values()), "sha256")
        return [self.known.files.get(doc.digest) or self.new_files[doc.digest] for doc in docs]

    def _articles(self, docs: list[_Document], file_ids: list[int]) -> list[dict[int, int]]:
        """Insert the articles not stored yet (a text repeated, in a file or across files, once);
        per document, the index and id of each article it added."""
        rows: dict[str, dict[str, Any]] = {}
        added: list[dict[int, str]] = []  # per document: article index -> digest, for articles it adds
        for doc, file_id in zip(docs, file_ids, strict=True):
            mine: dict[int, str] = {}
            for article, text, digest in zip(doc.extraction.articles, doc.article_texts, doc.article_digests,
                                             strict=True):
                if digest in self.known.articles or digest in rows:
                    continue
                rows[digest] = {
                    "file_id": file_id, "index_in_file": article.index, "start": article.start,
                    "end": article.end, "text": text, "sha256": digest, "title": article.title,
                    "outlet": article.outlet, "url": article.url, "published": article.published,
                    "date_source": article.date_source, "lang": article.lang, "added_at": self.now}
                mine[article.index] = digest
            added.append(mine)
        self.new_articles = _INSERT_ARTICLES.returning(self.conn, list(rows.values()), "sha256")
        return [{index: self.new_articles[digest] for index, digest in mine.items()} for mine in added]


_INSERT_FILES = BulkInsert(FileRow.__table__)  # type: ignore[attr-defined]
_INSERT_ARTICLES = BulkInsert(ArticleRow.__table__)  # type: ignore[attr-defined]
_INSERT_CLAIMS = BulkInsert(ClaimRow.__table__)  # type: ignore[attr-defined]


class ArticleFacts(Protocol):
    """What a claims row copies from its article (an extracted article, or a stored row)."""

    @property
    def published(self) -> dt.date | None: ...

    @property
    def outlet(self) -> str | None: ...


def claim_columns(claim: Claim, article_id: int, source_ids: dict[str, int], article: ArticleFacts) -> dict[str, Any]:
    """The extractor's columns of a claims row (``source_ids`` must hold the claim's source), with
    what the row copies from ``article`` (the article stored under ``article_id``) for reports."""
    # Imported here: claimtrack.report reads StoredClaim from this module.
    from claimtrack.report import period_key, series_subject

    value, value_real = _split_value(claim.value, claim.text)
    return {
        "article_id": article_id, "metric": claim.metric, "value": value, "value_real": value_real,
        "value_max": claim.value_max, "qualifier": claim.qualifier, "subject": claim.subject,
        "location": claim.location, "period": claim.period, "source": claim.source,
        "source_id": source_ids[claim.source] if claim.source else None,
        "via": _json_list(claim.via), "as_of": claim.as_of,
        "start": claim.start, "end": claim.end, "text": claim.text, "sentence": claim.sentence,
        "sentence_start": claim.sentence_start, "rule": claim.rule, "confidence": claim.confidence,
        "cues": _json_list(claim.cues),
        "flags": _json_list(claim.flags),
        "figure_date": claim.as_of or article.published, "outlet": article.outlet,
        "series_subject": series_subject(claim.subject), "period_kind": period_key(claim.period),
    }


_JSON = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False) builds one per call


def _json_list(items: Sequence[Any]) -> str:
    """A JSON list column (tuples are lists in JSON); most claims have no relay or flag, and the
    encoder is slow to say "[]"."""
    return _JSON(items) if items else "[]"


def new_claim_row(claim: Claim, article_id: int, source_ids: dict[str, int], article: ArticleFacts) -> dict[str, Any]:
    """A whole new claims row: the extractor's columns, no review yet."""
    return claim_columns(claim, article_id, source_ids, article) | {
        "created_at": utcnow(), "review_status": None, "reviewed_value": None, "reviewed_metric": None,
        "reviewed_source": None}


def ensure_sources(conn: Connection, names: set[str], source_ids: dict[str, int]) -> None:
    """Make sure ``source_ids`` has every name, reading or creating the sources it lacks."""
    missing = names - source_ids.keys()
    if not missing:
        return
    source_ids.update((name, source_id) for name, source_id in conn.execute(_SOURCE_IDS, {"names": sorted(missing)}))
    for name in sorted(missing - source_ids.keys()):
        key = conn.execute(_INSERT_SOURCE, {"name": name, "kind": source_kind(name)}).inserted_primary_key
        assert key is not None
        source_ids[name] = int(key[0])


def record_aliases(conn: Connection, claims: list[Claim], source_ids: dict[str, int],
                   known: set[tuple[int, str]] | None = None) -> None:
    """Record the names of its source each claim's attribution printed (``claimtrack sources``).

    ``known`` holds (source id, alias) pairs stored already, and gains those read or added here:
    wire copy repeats the same few attributions, so most documents then need no query at all.
    """
    known = set() if known is None else known
    seen = {(source_ids[claim.source], alias) for claim in claims if claim.source
            for alias in aliases_seen(claim.source, dict(claim.cues).get("source", ""))} - known
    if not seen:
        return
    stored = {(row[0], row[1]) for row in conn.execute(_ALIASES, {"ids": sorted({i for i, _ in seen})})}
    known.update(stored)
    missing = sorted(seen - stored)
    if missing:
        conn.execute(_INSERT_ALIASES, [{"source_id": source_id, "alias": alias, "lang": alias_lang(alias)}
                                       for source_id, alias in missing])
        known.update(missing)


def _sqlite_file(backend: str, database: str | None) -> Path | None:
    """The file of an SQLite URL, or None for other databases and in-memory SQLite."""
    if backend != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _check_path(path: Path, create: bool) -> None:
    """Refuse paths SQLite cannot use, with a clearer reason than SQLite's 'unable to open'."""
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a directory")
    if not path.parent.is_dir():
        raise StoreError(f"cannot open database {path}: directory {path.parent} does not exist")
    if not path.exists() and not create:
        raise StoreError(f"cannot open database {path}: no such file")


def _make_engine(url: str, in_memory: bool) -> Engine:
    if in_memory:  # one shared connection, or every checkout would see a new empty database
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(wal=not in_memory))
    return engine


def _sqlite_pragmas(wal: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")  # SQLite leaves FK checks off unless asked
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # wait for another writer instead of failing
            # A write touches index pages all over a big database (digests are random): a page cache
            # bigger than SQLite's 2 MB, and the figures' table of keys in memory, spare it a few % of its CPU.
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
            cursor.execute("PRAGMA temp_store=MEMORY")
            if wal:  # readers and a writer at once; also fails fast on a file that is not SQLite
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return on_connect


def _init_schema(engine: Engine, create: bool, label: str, path: Path | None, explicit: bool) -> Migration | None:
    """Create, check or migrate the schema; the migration made, if any."""
    tables, version = _retry_when_busy(lambda: _schema_state(engine))
    if not tables:
        if not create:
            raise StoreError(f"{label} is not a claimtrack database (it is empty)")
        _retry_when_busy(lambda: _create_schema(engine))
        return None
    if version is None:
        raise StoreError(f"{label} is not a claimtrack database")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{label} has schema version {version}, newer than this claimtrack reads "
                         f"({SCHEMA_VERSION}): upgrade claimtrack")
    if version == SCHEMA_VERSION:
        return None
    if path is None and not explicit:
        raise StoreError(f"{label} has schema version {version} and this claimtrack needs {SCHEMA_VERSION}: "
                         f"back it up (pg_dump) and run: claimtrack db migrate --db '{label}'")
    return _retry_when_busy(lambda: _migrate(engine, path))


def _migrate(engine: Engine, path: Path | None) -> Migration | None:
    """Migrate under the write lock (another process may have done it meanwhile), copying SQLite first."""
    with engine.begin() as conn:
        _lock_for_write(conn)
        _, version = _tables_and_version(conn)
        if version is None or version >= SCHEMA_VERSION:
            return None
        # The copy is read through a connection of its own, which sees the last commit: the old schema.
        backup = backup_sqlite(path, version) if path is not None else None
        try:
            migrate(conn, version)
        except MigrationError as exc:
            raise StoreError(str(exc)) from exc
        return Migration(version, SCHEMA_VERSION, backup)


def _migrated_message(label: str, migration: Migration) -> str:
    message = f"migrated {label} from schema version {migration.from_version} to {migration.to_version}"
    if migration.backup is not None:
        message += f"; the version {migration.from_version} database was copied to {migration.backup}"
    return message


def _schema_state(engine: Engine) -> tuple[set[str], int | None]:
    """The tables of the database and its schema version (None when it records none)."""
    with engine.connect() as conn:
        return _tables_and_version(conn)


def _tables_and_version(conn: Connection) -> tuple[set[str], int | None]:
    tables = set(inspect(conn).get_table_names())
    if SchemaVersionRow.__tablename__ not in tables:
        return tables, None
    version: int | None = conn.execute(select(func.max(SchemaVersionRow.version))).scalar_one()
    return tables, version


def _create_schema(engine: Engine) -> None:
    """Create the tables, unless another process that opened the new database at once got there first."""
    with engine.begin() as conn:
        _lock_for_write(conn)
        tables, _ = _tables_and_version(conn)  # read again under the write lock
        if not tables:
            SQLModel.metadata.create_all(conn)
            for statement in extra_ddl(conn.dialect.name):
                conn.exec_driver_sql(statement)
            conn.execute(insert(SchemaVersionRow).values(version=SCHEMA_VERSION, applied_at=utcnow()))


def _create_private(path: Path) -> None:
    """Create a new database file readable by its owner only (SQLite gives its -wal and -shm the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # an existing database keeps the permissions its owner chose
    except OSError as exc:
        raise StoreError(f"cannot create database {path}: {exc.strerror or exc}") from exc
    os.close(fd)


def _one_snapshot(conn: Connection) -> None:
    """Make the connection's read transaction see one moment of the database (see Store.session)."""
    if conn.dialect.name == "sqlite":
        if not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            conn.exec_driver_sql("BEGIN")  # deferred: WAL fixes the snapshot at its first read
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _lock_for_write(conn: Connection) -> None:
    """Take the database's write lock for this transaction, waiting for any other writer to finish.

    SQLite: a deferred transaction that reads first and writes later fails at once with
    "database is locked" if another process committed in between; SQLite does not wait then.
    PostgreSQL: without the lock, two writers could both find a file missing and both insert
    it; the second would fail on the unique key instead of finding the first one's row.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(PG_WRITE_LOCK)))


def _retry_when_busy(attempt: Callable[[], _T]) -> _T:
    """``attempt()``, run again with growing, jittered pauses while the database is busy.

    busy_timeout already waits for one SQLite writer; this outlasts a long transaction of another
    process (a big file being added) without giving up after a fixed five seconds, and reruns a
    PostgreSQL transaction aborted by a deadlock or serialization failure.
    """
    for tries in range(LOCK_RETRIES):
        try:
            return attempt()
        except DBAPIError as exc:
            if not _is_busy(exc) or tries == LOCK_RETRIES - 1:
                raise
        time.sleep(min(LOCK_BACKOFF_MAX, LOCK_BACKOFF * 2**tries) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def _is_busy(exc: DBAPIError) -> bool:
    """Another writer got in the way: worth running the whole transaction again."""
    if getattr(exc.orig, "sqlstate", None) in PG_RETRYABLE:
        return True
    reason = str(exc.orig)
    return "database is locked" in reason or "database table is locked" in reason


def _same_text(column: Any, wanted: str) -> Any:
    # lower() on both sides, so SQLite (ASCII-only lower) and PostgreSQL each compare consistently.
    return func.lower(column) == func.lower(wanted)


def _stored_claim(row: ClaimRow, published: dt.date | None, outlet: str | None,
                  title: str | None) -> StoredClaim:
    assert row.id is not None
    value: int | float = row.value_real if row.value_real is not None else row.value
    return StoredClaim(
        claim_id=row.id, article_id=row.article_id, metric=row.metric, value=value,
        value_max=row.value_max, qualifier=row.qualifier, subject=row.subject, location=row.location,
        period=row.period, source=row.source, via=tuple(json.loads(row.via)), as_of=row.as_of,
        published=published, outlet=outlet, article_title=title, text=row.text,
        sentence=row.sentence, rule=row.rule,
    )


def _split_value(value: int | float, text: str) -> tuple[int, float | None]:
    """(integer column, exact fractional value or None): whole numbers stay exact integers."""
    if isinstance(value, int):
        return value, None
    if not math.isfinite(value):
        raise StoreError(f"claim {text!r} has no finite value ({value})")
    if value.is_integer():
        return int(value), None
    return round(value), value


def _size_bytes(path: str, text: str, encoding: str) -> int:
    """The file's size on disk; the re-encoded text's size when the path is not a readable file."""
    try:
        if os.path.isfile(path):
            return os.path.getsize(path)
    except OSError:
        pass
    try:
        return len(text.encode(encoding, errors="replace"))
    except LookupError:
        return len(text.encode("utf-8"))


def sha256_text(text: str) -> str:
    """The digest files and articles are keyed by: SHA-256 of the text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()



def _reason(exc: BaseException) -> str:
    """The driver's own message, on one line, without SQLAlchemy's SQL and background link."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else type(inner).__name__
