"""The claim store: a database (SQLite by default, any SQLAlchemy URL) of files, articles and claims.

``Store.open`` creates the schema when the database is new and refuses databases that are not
claimtrack's or that a newer claimtrack wrote. ``Store.add`` is idempotent: a file, or an article,
whose text is already stored is not stored again, so adding the same folder twice changes nothing.
Every failure reaches the caller as a :class:`StoreError` with a one-line message.

Several processes may add to one SQLite file at once: WAL lets readers and a writer work
together, each add takes the write lock up front (``BEGIN IMMEDIATE``) and waits for it
(busy_timeout), and a transaction that still finds the database locked is retried a bounded
number of times with growing pauses. A new database file is created readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import event, func, insert, inspect, or_
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, create_engine, select

from claimtrack.cues import cues
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
from claimtrack.records import Claim, Extraction

DEFAULT_DB = "claimtrack.db"
ENV_DB = "CLAIMTRACK_DB"
BUSY_TIMEOUT_MS = 5000  # how long SQLite itself waits for another writer's lock
LOCK_RETRIES = 8  # then whole transactions are retried, pausing LOCK_BACKOFF, doubled each time
LOCK_BACKOFF = 0.05
LOCK_BACKOFF_MAX = 2.0

_T = TypeVar("_T")


class StoreError(Exception):
    """A store failure, worded for the user in one line."""


@dataclass(frozen=True)
class AddResult:
    """What one ``Store.add`` did.

    ``article_ids`` lists the database id of every article of the file, in file order, whether it
    was added now or was already stored (then it is the id of the stored copy).
    """

    articles_added: int
    articles_already_stored: int
    claims_added: int
    article_ids: tuple[int, ...]


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
    return cues().source_kinds.get(name, "other")


class Store:
    """An open claim database. Use ``Store.open``; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, label: str) -> None:
        self._engine = engine
        self.label = label  # the path, or the URL without its password, for messages

    @classmethod
    def open(cls, db: str | None, create: bool = True) -> Store:
        """Open the database ``db`` names (see :func:`database_url`), creating the schema if new."""
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
            _init_schema(engine, create, label)
        except StoreError:
            engine.dispose()
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            engine.dispose()
            reason = _reason(exc)
            if "file is not a database" in reason:
                raise StoreError(f"{label} is not a claimtrack database (not an SQLite file)") from exc
            raise StoreError(f"cannot open database {label}: {reason}") from exc
        return cls(engine, label)

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
        def attempt() -> AddResult:
            with self._transaction() as session:
                return _Adder(session, extraction, path).run()

        try:
            return _retry_when_locked(attempt)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot add {path}: {_reason(exc)}") from exc

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
        """A read session for queries beyond the methods here; database errors become StoreError."""
        with self._session() as session:
            yield session

    def write(self, change: Callable[[Session], _T], what: str) -> _T:
        """Run ``change`` in one write transaction (all of it or nothing), retried while locked."""
        def attempt() -> _T:
            with self._transaction() as session:
                return change(session)

        try:
            return _retry_when_locked(attempt)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot {what}: {_reason(exc)}") from exc

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self._engine) as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"database {self.label}: {_reason(exc)}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        # session.begin() commits when the block ends and rolls back if it raises.
        with Session(self._engine) as session, session.begin():
            _begin_immediate(session.connection())
            yield session


class _Adder:
    """One file's worth of rows, added through one session (the caller owns the transaction)."""

    def __init__(self, session: Session, extraction: Extraction, path: str) -> None:
        self.session = session
        self.extraction = extraction
        self.path = path
        self.source_ids: dict[str, int] = {}

    def run(self) -> AddResult:
        file_id = self._file_id()
        new_ids: dict[int, int] = {}  # article index in file -> id, for articles added now
        article_ids: list[int] = []
        for article in self.extraction.articles:
            text = self._slice(article.start, article.end, f"article {article.index}")
            digest = _sha256(text)
            stored = self.session.exec(select(ArticleRow.id).where(ArticleRow.sha256 == digest)).first()
            if stored is None:
                stored = self._insert(ArticleRow(
                    file_id=file_id, index_in_file=article.index, start=article.start, end=article.end,
                    text=text, sha256=digest, title=article.title, outlet=article.outlet, url=article.url,
                    published=article.published, date_source=article.date_source, lang=article.lang,
                ))
                new_ids[article.index] = stored
            article_ids.append(stored)
        known = {article.index for article in self.extraction.articles}
        claims_added = 0
        for claim in self.extraction.claims:
            if claim.article not in known:
                raise StoreError(f"cannot add {self.path}: a claim refers to article {claim.article}, "
                                 f"which the file does not have")
            self._slice(claim.start, claim.end, f"claim {claim.text!r}")
            if claim.article in new_ids:  # claims of an already stored article are stored already
                self.session.add(self._claim_row(claim, new_ids[claim.article]))
                claims_added += 1
        self.session.flush()
        return AddResult(len(new_ids), len(article_ids) - len(new_ids), claims_added, tuple(article_ids))

    def _file_id(self) -> int:
        text = self.extraction.text
        digest = _sha256(text)
        stored = self.session.exec(select(FileRow.id).where(FileRow.sha256 == digest)).first()
        if stored is not None:
            return stored
        encoding = self.extraction.encoding
        return self._insert(FileRow(path=self.path, sha256=digest, encoding=encoding, text=text,
                                    size_bytes=_size_bytes(self.path, text, encoding)))

    def _claim_row(self, claim: Claim, article_id: int) -> ClaimRow:
        value, value_real = _split_value(claim.value, claim.text)
        return ClaimRow(
            article_id=article_id, metric=claim.metric, value=value, value_real=value_real,
            value_max=claim.value_max, qualifier=claim.qualifier, subject=claim.subject,
            location=claim.location, period=claim.period, source=claim.source,
            source_id=self._source_id(claim.source) if claim.source else None,
            via=json.dumps(list(claim.via), ensure_ascii=False), as_of=claim.as_of,
            start=claim.start, end=claim.end, text=claim.text, sentence=claim.sentence,
            sentence_start=claim.sentence_start, rule=claim.rule, confidence=claim.confidence,
            cues=json.dumps([list(pair) for pair in claim.cues], ensure_ascii=False),
            flags=json.dumps(list(claim.flags), ensure_ascii=False),
        )

    def _source_id(self, name: str) -> int:
        if name not in self.source_ids:
            stored = self.session.exec(select(SourceRow.id).where(SourceRow.name == name)).first()
            if stored is None:
                stored = self._insert(SourceRow(name=name, kind=source_kind(name)))
            self.source_ids[name] = stored
        return self.source_ids[name]

    def _insert(self, row: FileRow | ArticleRow | SourceRow) -> int:
        self.session.add(row)
        self.session.flush()  # assigns the id
        assert row.id is not None
        return row.id

    def _slice(self, start: int, end: int, what: str) -> str:
        text = self.extraction.text
        if not 0 <= start <= end <= len(text):
            raise StoreError(f"cannot add {self.path}: {what} has offsets {start}..{end} "
                             f"outside the file text (length {len(text)})")
        return text[start:end]


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
            if wal:  # readers and a writer at once; also fails fast on a file that is not SQLite
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return on_connect


def _init_schema(engine: Engine, create: bool, label: str) -> None:
    tables, version = _retry_when_locked(lambda: _schema_state(engine))
    if not tables:
        if not create:
            raise StoreError(f"{label} is not a claimtrack database (it is empty)")
        _retry_when_locked(lambda: _create_schema(engine))
        return
    if version is None:
        raise StoreError(f"{label} is not a claimtrack database")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{label} has schema version {version}, newer than this claimtrack reads "
                         f"({SCHEMA_VERSION}): upgrade claimtrack")
    if version < SCHEMA_VERSION:  # no older version has been released, so there is no migration yet
        raise StoreError(f"{label} has schema version {version}, which this claimtrack cannot migrate")


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
        _begin_immediate(conn)
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


def _begin_immediate(conn: Connection) -> None:
    """On SQLite, take the write lock now, waiting (busy_timeout) for any other writer to finish.

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" if another process committed in between; SQLite does not wait in that case.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _retry_when_locked(attempt: Callable[[], _T]) -> _T:
    """``attempt()``, run again with growing, jittered pauses while SQLite reports the database locked.

    busy_timeout already waits for one writer; this outlasts a long transaction of another
    process (a big file being added) without giving up after a fixed five seconds.
    """
    for tries in range(LOCK_RETRIES):
        try:
            return attempt()
        except OperationalError as exc:
            if not _is_locked(exc) or tries == LOCK_RETRIES - 1:
                raise
        time.sleep(min(LOCK_BACKOFF_MAX, LOCK_BACKOFF * 2**tries) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def _is_locked(exc: OperationalError) -> bool:
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


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reason(exc: BaseException) -> str:
    """The driver's own message, on one line, without SQLAlchemy's SQL and background link."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(inner).strip().splitlines()
    return lines[0] if lines else type(inner).__name__
