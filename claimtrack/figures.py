"""The ``figures`` table: the claims that repeat one figure, grouped when they are written.

``diff`` over a million claims cannot afford to group hundreds of thousands of claims into
figures at every report, so each figure (see :func:`claimtrack.report.repeat_key`) is kept as
one row, rebuilt from its claims in the same transaction as any write that changes them:
:func:`refresh` takes the keys of the figures a write touched (before and after the change),
and recomputes those rows from the claims. :func:`rebuild` recomputes the whole table (the
schema migration, and a database built outside claimtrack). ``db check`` compares the table
with :func:`every_computed`, a fresh grouping of every claim.

Claims are grouped by the database as they are read from an index: the claims no reviewer
corrected through ``ix_claims_figures``, the few corrected ones (read as the reviewer reads
them: the reviewed metric, value and source; a reviewed value is one figure, so it drops the
extractor's range and a 'range' or 'vague' qualifier becomes 'exact') through the partial index
``ix_claims_corrected``; the two sets of groups are merged here. Refreshing one figure looks up
its claims through those indexes, with statements built once (:func:`_statements`). Aggregates
go through SQLAlchemy's ``aggregate_strings`` (``group_concat`` on SQLite, ``string_agg`` on
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import ColumnElement

from claimtrack.bulk import BulkInsert
from claimtrack.models import ClaimRow, FigureRow, corrected

LIST_SEP = "\x1f"  # the ASCII unit separator between outlets: no outlet name contains it
INSERT_BATCH = 2000  # figure rows per INSERT statement when rebuilding

# A figure's key as the table stores it: metric, location, series subject, kind of period,
# source, date, value, exact fractional value, upper bound, qualifier.
Key = tuple[str, str | None, str | None, str, str | None, dt.date | None, int, float | None, int | None, str]
KEY_COLUMNS = ("metric", "location", "series_subject", "period_kind", "source", "figure_date", "value",
               "value_real", "value_max", "qualifier")
# What the table keeps of the lists beside them, as the lists read back: diff's table shows no more,
# so it reads these in place of the lists.
SHOWN_COLUMNS = ("first_article", "article_count", "first_outlet", "outlet_count")
COLUMNS = (*KEY_COLUMNS, "first_claim", "subject", "via", "claim_ids", "article_ids", "outlets", "review",
           "corrected", *SHOWN_COLUMNS)  # a figure row, as :func:`computed` gives it and the table holds it
CORRECTED_AT = COLUMNS.index("corrected")

_claims = ClaimRow.__table__  # type: ignore[attr-defined]
_figures = FigureRow.__table__  # type: ignore[attr-defined]
VAGUE = ("range", "vague")  # qualifiers a reviewed value makes 'exact'
_ANY_CORRECTED = select(literal(1)).select_from(_claims).where(corrected()).limit(1)
# No reviewer corrected the claim: an equality prefix of ix_claims_figures.
_UNCORRECTED = (_claims.c.reviewed_metric.is_(None), _claims.c.reviewed_value.is_(None),
                _claims.c.reviewed_source.is_(None))


# The keys a refresh regroups: a temporary table (each connection has its own) that the statements
# of a refresh join to the claims, filled anew by each refresh.
_keys = Table("claimtrack_figure_keys", MetaData(), *(Column(name, _figures.c[name].type) for name in KEY_COLUMNS),
              Column("nulls", Integer, nullable=False), prefixes=["TEMPORARY"])
_KEYS_DDL: dict[str, str] = {}
# Through the driver (claimtrack.bulk): SQLAlchemy's handling of each row cost more than the insert.
_KEYS_INSERT, _FIGURES_INSERT = BulkInsert(_keys), BulkInsert(_figures)

_KEY_SOURCES = (*KEY_COLUMNS, "reviewed_metric", "reviewed_value", "reviewed_source")  # what claim_key reads


def claim_key(row: Mapping[str, Any]) -> Key:
    """The key of the figure a claims row (its columns by name) stands in, as a reviewer reads it."""
    reviewed_value = row.get("reviewed_value")
    qualifier = row["qualifier"]
    if reviewed_value is not None and qualifier in VAGUE:
        qualifier = "exact"
    reviewed_metric, reviewed_source = row.get("reviewed_metric"), row.get("reviewed_source")
    return (
        row["metric"] if reviewed_metric is None else reviewed_metric, row["location"], row["series_subject"],
        row["period_kind"], row["source"] if reviewed_source is None else reviewed_source, row["figure_date"],
        row["value"] if reviewed_value is None else reviewed_value,
        row["value_real"] if reviewed_value is None else None, row["value_max"] if reviewed_value is None else None,
        qualifier,
    )


def keys_of_claims(conn: Connection, claim_ids: Iterable[int]) -> set[Key]:
    """The keys of the figures the given stored claims stand in now."""
    wanted = sorted(set(claim_ids))
    keys: set[Key] = set()
    c = _claims.c
    for at in range(0, len(wanted), 500):
        rows = conn.execute(select(*(c[name] for name in _KEY_SOURCES)).where(c.id.in_(wanted[at:at + 500])))
        keys.update(claim_key(dict(zip(_KEY_SOURCES, row, strict=True))) for row in rows)
    return keys


def refresh(conn: Connection, keys: Iterable[Key]) -> None:
    """Recompute the figure rows of ``keys`` from the claims (in the caller's transaction).

    Pass the keys of every claim a write changes, both before and after the change: a figure
    whose claims all left it is deleted, one that gained or lost claims is written anew.
    """
    keys = set(keys)
    if not keys:
        return
    any_corrected = conn.execute(_ANY_CORRECTED).first() is not None  # most databases have none
    parts: dict[Key, _Part] = {}
    for mask in _hold_keys(conn, keys):
        statements, pattern = _statements(mask), {"nulls": mask}
        conn.execute(statements.delete, pattern)  # the old rows of these figures, then the new ones
        _collect(parts, conn.execute(statements.plain, pattern), False)
        if any_corrected:
            _collect(parts, conn.execute(statements.read, pattern), True)
    _insert(conn, _rows(parts))


def _hold_keys(conn: Connection, keys: set[Key]) -> set[int]:
    """Put ``keys`` in this connection's temporary table of keys, alone; their patterns of nulls."""
    conn.exec_driver_sql(_create_keys_table(conn.dialect))
    conn.execute(delete(_keys))  # (what an earlier refresh of this connection left)
    masks = [_mask(key) for key in keys]
    _KEYS_INSERT.run(conn, [(*key, mask) for key, mask in zip(keys, masks, strict=True)], (*KEY_COLUMNS, "nulls"))
    return set(masks)


def _mask(key: Key) -> int:
    """Which values of a key are null, as one number (bit i: value i): the ``nulls`` column of the
    table of keys."""
    mask = 0
    for i, value in enumerate(key):
        if value is None:
            mask |= 1 << i
    return mask


def _create_keys_table(dialect: Dialect) -> str:
    """The DDL of the table of keys, compiled once per kind of database."""
    ddl = _KEYS_DDL.get(dialect.name)
    if ddl is None:
        ddl = _KEYS_DDL[dialect.name] = str(CreateTable(_keys, if_not_exists=True).compile(dialect=dialect))
    return ddl


@dataclass(frozen=True)
class _Refresh:
    """The statements that refresh the figures of one pattern of null key values, for every key of
    that pattern in the table of keys at once."""

    delete: Any
    plain: Any  # their claims no reviewer corrected, grouped
    read: Any  # their corrected claims, grouped as the reviewer reads them


@cache
def _statements(mask: int) -> _Refresh:
    """The refresh of the figures whose keys have a null where ``mask`` says (see :func:`_mask`),
    each joined to the table of keys on the other values: equalities and IS NULL, which an index
    can look up (one key per statement cost a statement per figure, and a list of row values made
    SQLite scan)."""
    k = _keys.c

    def matching(columns: Sequence[Any]) -> list[ColumnElement[bool]]:
        # IS NULL rather than IS NOT DISTINCT FROM, which PostgreSQL cannot look up in an index.
        return [k.nulls == bindparam("nulls"),
                *(column.is_(None) if mask & (1 << i) else column == k[name]
                  for i, (name, column) in enumerate(zip(KEY_COLUMNS, columns, strict=True)))]

    c, f = _claims.c, _figures.alias("old").c
    read_key = _reviewed_key()
    return _Refresh(
        delete(_figures).where(_figures.c.id.in_(select(f.id).where(*matching([f[name] for name in KEY_COLUMNS])))),
        _grouped(_plain_key(), and_(*_UNCORRECTED, *matching([c[name] for name in KEY_COLUMNS]))),
        _grouped(read_key, and_(corrected(), *matching(read_key))),
    )


def rebuild(conn: Connection, into: Table | None = None) -> int:
    """Recompute the whole table from the claims (in the caller's transaction); the figures written.

    ``into``: the table as an older schema version defined it (a migration step), given only the
    columns it has.
    """
    target = _figures if into is None else into
    conn.execute(delete(target))
    written = 0
    for rows in every_computed(conn):
        _insert(conn, rows, target)
        written += len(rows)
    return written


def every_computed(conn: Connection) -> Iterator[list[tuple[Any, ...]]]:
    """The figure rows of every claim, grouped afresh a metric at a time (each through the index)."""
    for metric in _metrics(conn):
        yield computed(conn, metric=metric)


def computed(conn: Connection, metric: str | None = None,
             conditions: Sequence[ColumnElement[bool]] = ()) -> list[tuple[Any, ...]]:
    """Figure rows (:data:`COLUMNS`) grouped afresh from the claims, of one metric or of every
    metric, in order of first claim; ``conditions`` on the claims table narrow the claims grouped."""
    plain_where: list[ColumnElement[bool]] = list(_UNCORRECTED)
    read_key = _reviewed_key()
    read_where: list[ColumnElement[bool]] = [corrected()]
    if metric is not None:
        plain_where.append(_claims.c.metric == metric)
        read_where.append(read_key[0] == metric)
    parts: dict[Key, _Part] = {}
    for by_reviewer, key_columns, where in ((False, _plain_key(), plain_where), (True, read_key, read_where)):
        _collect(parts, conn.execute(_grouped(key_columns, and_(*where, *conditions))), by_reviewer)
    return _rows(parts)


def _collect(parts: dict[Key, _Part], grouped: Iterable[Any], by_reviewer: bool) -> None:
    """Add groups of claims to ``parts``, merging those of one figure."""
    for row in grouped:
        part = _Part.of(row, by_reviewer)
        seen = parts.get(part.key)
        parts[part.key] = part if seen is None else seen.merged(part)


def _rows(parts: dict[Key, _Part]) -> list[tuple[Any, ...]]:
    return sorted((part.row() for part in parts.values()), key=_first_claim_of)


def stored(conn: Connection) -> Iterator[tuple[Any, ...]]:
    """The rows of the table (:data:`COLUMNS`), in no particular order."""
    f = _figures.c
    for row in conn.execute(select(*(f[name] for name in COLUMNS)).execution_options(yield_per=2000)):
        yield _normal(tuple(row))


def _metrics(conn: Connection) -> list[str]:
    c = _claims.c
    named = union(select(c.metric), select(c.reviewed_metric).where(c.reviewed_metric.is_not(None)))
    return sorted(conn.execute(named).scalars())


def _insert(conn: Connection, rows: Sequence[tuple[Any, ...]], target: Table = _figures) -> None:
    names = [name for name in COLUMNS if name in target.c]
    for at in range(0, len(rows), INSERT_BATCH):
        part = rows[at:at + INSERT_BATCH]
        if target is _figures:
            _FIGURES_INSERT.run(conn, part, COLUMNS)
            continue
        # an older table (a migration step fills its own version): only the columns it has
        conn.execute(insert(target), [{name: value for name, value in zip(COLUMNS, row, strict=True) if name in names}
                                      for row in part])


def _reviewed_key() -> tuple[ColumnElement[Any], ...]:
    """The key of a corrected claim as the reviewer reads it, in the order of :data:`KEY_COLUMNS`."""
    c = _claims.c
    return (
        func.coalesce(c.reviewed_metric, c.metric), c.location, c.series_subject, c.period_kind,
        func.coalesce(c.reviewed_source, c.source), c.figure_date, func.coalesce(c.reviewed_value, c.value),
        case((c.reviewed_value.is_(None), c.value_real)), case((c.reviewed_value.is_(None), c.value_max)),
        # (Not IN: a list parameter is spliced into the statement at every run.)
        case((and_(c.reviewed_value.is_not(None), or_(*(c.qualifier == literal(q) for q in VAGUE))), literal("exact")),
             else_=c.qualifier),
    )


def _plain_key() -> tuple[ColumnElement[Any], ...]:
    """The key of an uncorrected claim: its own columns, in the order of ``ix_claims_figures``."""
    return tuple(_claims.c[name] for name in KEY_COLUMNS)


def _grouped(key: Sequence[ColumnElement[Any]], where: ColumnElement[bool]) -> Any:
    """One row per group of claims: the key, the aggregates over its claims, then its first claim's
    relays, article and outlet."""
    c = _claims.c
    grouped = (
        select(
            *(column.label(name) for column, name in zip(key, KEY_COLUMNS, strict=True)),
            func.min(c.id).label("first_id"),
            func.aggregate_strings(cast(c.id, String), ",").label("claim_ids"),
            func.aggregate_strings(cast(c.article_id, String), ",").label("article_ids"),
            func.aggregate_strings(c.outlet, LIST_SEP).label("outlets"),
            func.aggregate_strings(c.review_status, ",").label("review"),
            # The subject as worded, when every claim words it alike (else the series shows its key).
            func.min(c.subject).label("subject_min"), func.max(c.subject).label("subject_max"),
            (func.count(c.subject) == func.count()).label("subject_always"),
        )
        .where(where)
        .group_by(*key)
        .subquery()
    )
    first = _claims.alias("first_claim")  # the claim that stands for the figure
    return (
        select(grouped, first.c.via, first.c.article_id.label("first_article"), first.c.outlet.label("first_outlet"))
        .join(first, first.c.id == grouped.c.first_id)
    )


@dataclass(frozen=True, slots=True)
class _Part:
    """One group of claims from :func:`_grouped`; the uncorrected and the corrected claims of one
    figure come as two parts, merged by :meth:`merged`."""

    key: Key
    first_id: int
    claim_ids: frozenset[int]
    article_ids: frozenset[int]
    outlets: frozenset[str]
    review: frozenset[str]
    corrected: bool
    subject: str | None  # as worded when every claim words it alike, else the series subject
    via: str
    first_article: int
    first_outlet: str | None  # the outlet listed first: the first claim's, else the least one

    @classmethod
    def of(cls, row: Any, by_reviewer: bool) -> _Part:
        (*key, first_id, claim_ids, article_ids, outlets, review, subject_min, subject_max, subject_always, via,
         first_article, first_outlet) = row
        normal = _normal_key(tuple(key))
        named = frozenset(outlets.split(LIST_SEP)) if outlets else frozenset()
        return cls(
            normal, first_id, frozenset(map(int, claim_ids.split(","))), frozenset(map(int, article_ids.split(","))),
            named, frozenset(review.split(",")) if review else frozenset(), by_reviewer,
            subject_min if subject_always and subject_min == subject_max else normal[2], via, first_article,
            first_outlet if first_outlet is not None or not named else min(named),
        )

    def merged(self, other: _Part) -> _Part:
        first, second = (self, other) if self.first_id <= other.first_id else (other, self)
        outlets = first.outlets | second.outlets
        return _Part(
            first.key, first.first_id, first.claim_ids | second.claim_ids, first.article_ids | second.article_ids,
            outlets, first.review | second.review, first.corrected or second.corrected,
            first.subject if first.subject == second.subject else first.key[2], first.via, first.first_article,
            # As report.merge_repeats lists them: the first part's leading outlet stays first.
            first.first_outlet if first.first_outlet is not None else min(outlets, default=None),
        )

    def row(self) -> tuple[Any, ...]:
        """The figure row: lists ordered as :class:`claimtrack.report.Figure` holds them."""
        articles = ",".join(map(str, _first_then_sorted(self.first_article, self.article_ids)))
        outlets = LIST_SEP.join(_first_then_sorted(self.first_outlet, self.outlets))
        return (
            *self.key, self.first_id, self.subject, self.via, ",".join(map(str, sorted(self.claim_ids))), articles,
            outlets, ",".join(sorted(self.review)), self.corrected, *shown(articles, outlets),
        )


def shown(article_ids: str, outlets: str) -> tuple[int, int, str | None, int]:
    """The first article, how many articles, the first outlet and how many outlets, as the lists
    ``article_ids`` and ``outlets`` read back (:data:`SHOWN_COLUMNS`)."""
    named = outlets.split(LIST_SEP) if outlets else []  # (one empty name reads back as none)
    return int(article_ids.partition(",")[0]), article_ids.count(",") + 1, named[0] if named else None, len(named)


def _first_then_sorted(first: Any, items: frozenset[Any]) -> list[Any]:
    # The leading article or outlet first, then the others sorted (report.first_then_sorted).
    return sorted(items) if first is None else [first, *sorted(items - {first})]


def _first_claim_of(row: tuple[Any, ...]) -> int:
    return int(row[len(KEY_COLUMNS)])


def _normal_key(key: tuple[Any, ...]) -> Key:
    """A key as Python compares it, whatever the database handed back."""
    metric, location, subject, period, source, date, value, value_real, value_max, qualifier = key
    return (metric, location, subject, period, source, _date(date), int(value),
            None if value_real is None else float(value_real), None if value_max is None else int(value_max),
            qualifier)


def _normal(row: tuple[Any, ...]) -> tuple[Any, ...]:
    width = len(KEY_COLUMNS)
    return (*_normal_key(row[:width]), *row[width:CORRECTED_AT], bool(row[CORRECTED_AT]), *row[CORRECTED_AT + 1:])


def _date(value: dt.date | str | None) -> dt.date | None:
    # SQLite hands back a COALESCE of two DATE columns as the stored text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
