"""``claimtrack db check``: is a claim database sound, and does it still say what was added?

Each check reads the database only and gives a :class:`Check`: its name, what it looked at,
and the problems it found (none when all is well). Besides the database engine's own checks
(SQLite's integrity and foreign keys, the full-text index), they verify what claimtrack
promises: every claim's text is the file text at its offsets, every article is its file's
text at its offsets and hashes to its key, nothing refers to a row that is gone, the
reviewed columns of claims hold what the latest review of each field says, and what claims copy
for reports (figure date, outlet, series subject, kind of period) agrees with where it comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal, null, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from claimtrack import figures
from claimtrack.cues import cues
from claimtrack.models import (
    SCHEMA_VERSION,
    ArticleRow,
    ClaimRow,
    FileRow,
    ReviewRow,
    SchemaVersionRow,
    SourceAliasRow,
    SourceRow,
)
from claimtrack.report import PERIOD_KEYS, UNSPECIFIED
from claimtrack.reviews import value_text
from claimtrack.store import sha256_text

SHOWN = 5  # row ids named per problem; the count says how many more
REVIEWED = {"status": "review_status", "value": "reviewed_value", "metric": "reviewed_metric",
            "source": "reviewed_source"}  # review field -> the claims column holding its latest value


@dataclass(frozen=True)
class Check:
    name: str
    checked: str  # what was looked at, for the ok line
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def run_checks(conn: Connection) -> list[Check]:
    """Every check that applies to this database's engine, in order."""
    checks: list[Callable[[Connection], Check]] = [_schema_version]
    if conn.dialect.name == "sqlite":
        checks += [_sqlite_integrity, _sqlite_foreign_keys, _full_text_index]
    checks += [_claim_offsets, _article_offsets, _digests, _orphans, _reviews, _report_columns, _figures]
    return [check(conn) for check in checks]


def _schema_version(conn: Connection) -> Check:
    version = conn.execute(select(func.max(SchemaVersionRow.version))).scalar()
    problems = [] if version == SCHEMA_VERSION else [f"version {version}, expected {SCHEMA_VERSION}"]
    return Check("schema version", f"version {version}", problems)


def _sqlite_integrity(conn: Connection) -> Check:
    rows = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    return Check("SQLite integrity", "pages, indexes and constraints", [] if rows == ["ok"] else rows[:SHOWN])


def _sqlite_foreign_keys(conn: Connection) -> Check:
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    problems = [f"{table} row {rowid} refers to a missing {parent} row" for table, rowid, parent, _ in rows]
    return Check("foreign keys", "every reference between tables", _shown(problems))


def _full_text_index(conn: Connection) -> Check:
    """FTS5's own check; rank 1 also compares the index with the articles it indexes."""
    transaction = conn.begin_nested() if conn.in_transaction() else conn.begin()
    try:
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        problems = []
    except DBAPIError as exc:
        problems = [f"the index does not match the articles ({str(exc.orig).strip()}); rebuild it with: "
                    "sqlite3 DB \"INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')\""]
    finally:
        transaction.rollback()  # the check writes nothing, but it is an INSERT statement
    return Check("full-text index", "articles_fts against articles", problems)


def _claim_offsets(conn: Connection) -> Check:
    c, a, f = ClaimRow, ArticleRow, FileRow
    at_offsets = func.substr(f.text, col(c.start) + 1, col(c.end) - col(c.start))
    wrong = (select(col(c.id)).join(a, col(a.id) == col(c.article_id)).join(f, col(f.id) == col(a.file_id))
             .where(or_(col(c.start) < col(a.start), col(c.end) > col(a.end), col(c.start) > col(c.end),
                        at_offsets != col(c.text)))
             .order_by(col(c.id)))
    ids = list(conn.execute(wrong).scalars())
    total = conn.execute(select(func.count()).select_from(c)).scalar_one()
    return Check("claims at their offsets", f"{total} claims", _named(ids, "claim", "text is not the file text at "
                                                                      "its offsets (or they leave its article)"))


def _article_offsets(conn: Connection) -> Check:
    a, f = ArticleRow, FileRow
    at_offsets = func.substr(f.text, col(a.start) + 1, col(a.end) - col(a.start))
    wrong = (select(col(a.id)).join(f, col(f.id) == col(a.file_id))
             .where(or_(col(a.start) > col(a.end), at_offsets != col(a.text))).order_by(col(a.id)))
    ids = list(conn.execute(wrong).scalars())
    total = conn.execute(select(func.count()).select_from(a)).scalar_one()
    return Check("articles at their offsets", f"{total} articles",
                 _named(ids, "article", "text is not its file's text at its offsets"))


def _digests(conn: Connection) -> Check:
    """SHA-256 of every file and article text against its stored key, reading rows a batch at a time."""
    problems = []
    for name, table in (("file", FileRow), ("article", ArticleRow)):
        rows = conn.execution_options(yield_per=500).execute(select(col(table.id), col(table.sha256), col(table.text)))
        ids = [row_id for row_id, digest, text in rows
               if sha256_text(text) != digest]
        problems += _named(ids, name, "text does not hash to its sha256")
    return Check("text digests", "sha256 of every file and article", problems)


def _orphans(conn: Connection) -> Check:
    """Rows that refer to a row that is not there (PostgreSQL enforces this; a copied SQLite file may not)."""
    references: list[tuple[str, Any, Any, Any]] = [
        ("article", ArticleRow, ArticleRow.file_id, FileRow),
        ("claim", ClaimRow, ClaimRow.article_id, ArticleRow),
        ("claim", ClaimRow, ClaimRow.source_id, SourceRow),
        ("source alias", SourceAliasRow, SourceAliasRow.source_id, SourceRow),
        ("review", ReviewRow, ReviewRow.claim_id, ClaimRow),
        ("review", ReviewRow, ReviewRow.article_id, ArticleRow),
    ]
    problems = []
    for name, child, key, parent in references:
        missing = (select(child.id).outerjoin(parent, col(parent.id) == key)
                   .where(and_(col(key).is_not(None), col(parent.id).is_(None))).order_by(col(child.id)))
        ids = list(conn.execute(missing).scalars())
        problems += _named(ids, name, f"refers to a missing {parent.__tablename__} row")
    return Check("no orphans", "references between files, articles, claims, sources, reviews", problems)


def _reviews(conn: Connection) -> Check:
    """Each reviewed column of a claim must hold the ``new`` value of the latest review of that field,
    or be empty where that review set the field back to what the extractor read."""
    latest: dict[tuple[int, str], str | None] = {}
    reviews = select(col(ReviewRow.claim_id), col(ReviewRow.field), col(ReviewRow.new)).where(
        col(ReviewRow.field).in_(REVIEWED)).order_by(col(ReviewRow.id))
    for claim_id, review_field, new in conn.execute(reviews):
        latest[(claim_id, review_field)] = new
    columns = [col(getattr(ClaimRow, column)) for column in REVIEWED.values()]
    read = [col(ClaimRow.value_real), col(ClaimRow.value), col(ClaimRow.metric), col(ClaimRow.source)]
    reviewed = select(col(ClaimRow.id), *read, *columns).where(or_(*(column.is_not(None) for column in columns),
                                                        col(ClaimRow.id).in_({key[0] for key in latest})))
    problems = []
    for row in conn.execute(reviewed):
        claim_id, value_real, value_read, metric, source = tuple(row)[:5]
        values = tuple(row)[5:]
        as_read = {"value": value_text(value_real if value_real is not None else value_read),
                   "metric": metric, "source": source}
        for review_field, value in zip(REVIEWED, values, strict=True):
            expected = latest.get((claim_id, review_field))
            if expected is not None and expected == as_read.get(review_field):
                expected = None  # a review that restores the reading clears the correction
            if (None if value is None else str(value)) != expected:
                problems.append(f"claim {claim_id}: {REVIEWED[review_field]} is {value!r} but the latest "
                                f"review of its {review_field} says {expected!r}")
    return Check("reviewed values", f"{len(latest)} reviewed fields", _shown(problems))


def _report_columns(conn: Connection) -> Check:
    """The columns claims copy for the series report against their sources: the claim's date and its
    article, the subject and the lexicons' whole-population subjects, the period."""
    c, a = ClaimRow, ArticleRow
    general = sorted(cues().general_subjects)
    expected: list[tuple[str, Any, Any]] = [
        ("figure_date", col(c.figure_date), func.coalesce(col(c.as_of), col(a.published))),
        ("outlet", col(c.outlet), col(a.outlet)),
        ("series_subject", col(c.series_subject),
         case((or_(col(c.subject).is_(None), col(c.subject).in_(general)), null()), else_=col(c.subject))),
        ("period_kind", col(c.period_kind),
         case((col(c.period).in_(PERIOD_KEYS), col(c.period)), else_=literal(UNSPECIFIED))),
    ]
    problems = []
    for name, stored, source in expected:
        differs = or_(stored != source, and_(stored.is_(None), source.is_not(None)),
                      and_(stored.is_not(None), source.is_(None)))
        wrong = (select(col(c.id)).join(a, col(a.id) == col(c.article_id)).where(differs).order_by(col(c.id)))
        problems += _named(list(conn.execute(wrong).scalars()), "claim",
                           f"{name} disagrees with what it copies (claimtrack reextract sets it again)")
    return Check("report columns", "figure dates, outlets, series subjects and periods of claims", problems)


def _figures(conn: Connection) -> Check:
    """The figures table against the claims grouped afresh: what ``diff`` reads must be what they say."""
    kept = set(figures.stored(conn))
    expected = {row for rows in figures.every_computed(conn) for row in rows}
    first = len(figures.KEY_COLUMNS)  # a figure row's first claim, which names it
    problems = _named(sorted(row[first] for row in expected - kept), "figure",
                      "row is missing or differs from its claims (claimtrack db regroup writes them again)")
    problems += _named(sorted(row[first] for row in kept - expected), "figure",
                       "row no claims make (claimtrack db regroup writes them again)")
    return Check("figures", f"{len(kept)} figures against the claims they group", problems)


def _named(ids: Sequence[int | None], what: str, problem: str) -> list[str]:
    if not ids:
        return []
    named = ", ".join(str(i) for i in ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
    return [f"{len(ids)} {what}{'s' if len(ids) != 1 else ''} whose {problem}: {what} {named}"]


def _shown(problems: Iterable[str]) -> list[str]:
    listed = list(problems)
    return listed[:SHOWN] + ([f"... and {len(listed) - SHOWN} more"] if len(listed) > SHOWN else [])
