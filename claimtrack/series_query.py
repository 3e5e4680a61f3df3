"""The figures of one metric, read from the store with repeats already collapsed.

A report over a million claims must not pull every claim into Python, nor group them at every
report: the ``figures`` table holds each figure once, kept in step with its claims when they are
written (claimtrack.figures), and a metric's figures are read from it through its index, a kind
of period of a place and subject at a time (claimtrack.series_rows builds their series). Only
``--outlet`` narrows a figure to some of its claims (those printed by that outlet), so it groups
the claims that match afresh, through the same grouping that fills the table.

Reviewed claims count as the reviewer read them: the reviewed metric, value and source replace
the extractor's where set (see claimtrack.figures).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from claimtrack import figures as figure_table
from claimtrack import series_rows
from claimtrack.cues import cues
from claimtrack.figures import LIST_SEP
from claimtrack.models import ClaimRow, FigureRow, SourceAliasRow, SourceRow
from claimtrack.report import Figure, Series, only_periods, series_of
from claimtrack.series_rows import Row, StoredKind, series_from_rows
from claimtrack.store import Store

QUOTE_BATCH = 500  # claim ids per query when fetching sentences

_claims = ClaimRow.__table__  # type: ignore[attr-defined]
_figures = FigureRow.__table__  # type: ignore[attr-defined]
Kind = tuple[str | None, str | None, str]  # a place, a series subject and a kind of period


@dataclass(frozen=True)
class Filters:
    """What ``diff`` and ``report`` narrow a metric to; text filters match case-insensitively.

    ``subject`` naming a whole population ("people") selects the whole-population series.
    ``source`` matches the figure's source, or any alias recorded for it. ``since``/``until``
    bound the figure's date (undated figures are left out when either is given).
    """

    metric: str
    location: str | None = None
    subject: str | None = None
    source: str | None = None
    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Quote:
    """A claim's sentence, with the figure at ``sentence[start:end]``."""

    sentence: str
    start: int
    end: int


def load_series(store: Store, filters: Filters, by_source: bool = False,
                periods: Collection[str] | None = None, lists: bool = True) -> list[Series]:
    """The series of ``filters.metric`` as ``diff`` shows them (see :func:`claimtrack.report.series_of`).

    ``lists=False`` leaves out each row's lists of claim ids, article ids and outlets, which diff's
    table does not show (it shows the first of each and how many there are): the figures are then
    read from their index alone, and asking a row for a list raises
    :class:`claimtrack.series_rows.ListsNotRead`. Rows narrowed to an outlet always have them.
    """
    with _collector_paused():
        if filters.outlet is not None:  # figures narrowed to some of their claims: grouped afresh
            return only_periods(series_of(fetch_figures(store, filters), by_source), periods)
        kinds = stored_kinds(store, filters, by_source, lists)
        return only_periods(series_from_rows(filters.metric, kinds, by_source, ordered=True), periods)


def stored_kinds(store: Store, filters: Filters, by_source: bool = False, lists: bool = True) -> list[StoredKind]:
    """The rows of the figures table under the filters (``outlet`` aside), as series_rows reads them:
    a kind of period of a place and subject at a time, each in series order, with the subject its
    series show (by source with ``by_source``); with ``lists=False``, without the lists.

    Each kind is read on its own, so no row carries its place, subject and kind, nor its subject as
    worded (the database is asked whether a series' figures all word it alike): each value the
    driver hands over costs more than the database's own reading of it.
    """
    f = _figures.c
    columns = [f[name] for name in series_rows.COLUMNS if lists or name not in series_rows.LISTS]
    with store.session() as session:
        sources = _source_names(session, filters.source) if filters.source is not None else None
        conn = session.connection()
        with _page_cache(conn):
            kinds = _KindReader(conn, filters, sources)
            stored = []
            for kind in kinds.every():
                rows = kinds.rows(kind, columns)
                if rows:  # none when the kind's figures went since it was found
                    stored.append(StoredKind(*kind, rows, kinds.subjects_shown(kind, rows, by_source)))
            return stored


def _fetched(conn: Any, statement: Any, parameters: dict[str, Any]) -> list[Row]:
    """The driver's plain tuples: SQLAlchemy's row objects and date parsing would add a fifth to the
    read, and series_rows takes a date as text or as a date."""
    result = conn.execute(statement, parameters)
    try:
        rows: list[Row] = result.cursor.fetchall()
        return rows
    finally:
        result.close()


@contextmanager
def _page_cache(conn: Any) -> Iterator[None]:
    """A larger SQLite page cache for one read of many figures, then the one the connection had.

    The rows are read in series order through the index, so each page of the table is visited
    many times; SQLite's default cache (2 MiB) reads it from the file again each time. On the
    million-claim benchmark the larger cache cut the read from 1.0 to 0.2 s of wall time.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    conn.exec_driver_sql("PRAGMA cache_size=-65536")  # KiB: pages are only taken as they are read
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")  # an integer the database gave


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building many small acyclic objects.

    Tens of thousands of figures and rows would otherwise set off repeated full collections,
    each walking every object built so far; nothing built here forms a cycle. Once built they
    are moved to the oldest generation unexamined (freeze, then unfreeze): left in the youngest,
    the first collection after this would walk every one of them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def fetch_figures(store: Store, filters: Filters) -> list[Figure]:
    """The figures of a metric under the filters, each standing for all the claims that repeat it,
    in order of first claim."""
    with store.session() as session:
        conn = session.connection()
        sources = _source_names(session, filters.source) if filters.source is not None else None
        if filters.outlet is None:
            rows: Iterable[Sequence[Any]] = conn.execute(_from_table(filters, sources)).all()
        else:
            rows = figure_table.computed(conn, metric=filters.metric,
                                         conditions=_claim_conditions(filters, sources))
    vias: dict[str, tuple[str, ...]] = {}  # relay lists repeat: each is parsed once
    figures = [_figure(row, vias) for row in rows]
    figures.sort(key=_first_claim)
    return figures


def fetch_quotes(store: Store, claim_ids: Iterable[int]) -> dict[int, Quote]:
    """Each claim's sentence and where its figure sits in it, by claim id."""
    wanted = sorted(set(claim_ids))
    quotes: dict[int, Quote] = {}
    c = _claims.c
    with store.session() as session:
        for at in range(0, len(wanted), QUOTE_BATCH):
            batch = wanted[at:at + QUOTE_BATCH]
            stmt = select(c.id, c.sentence, c.start, c.end, c.sentence_start).where(c.id.in_(batch))
            for claim_id, sentence, start, end, sentence_start in session.execute(stmt):
                quotes[claim_id] = Quote(sentence, start - sentence_start, end - sentence_start)
    return quotes


class _KindReader:
    """Reads the figures under the filters a kind of period of a place and subject at a time.

    Each statement is built once for each way the kind's place and subject (and a source) can be
    null (:func:`_is`), and run with each kind's values: building one for each of 56 kinds took
    longer than the database takes to read a large kind.
    """

    def __init__(self, conn: Any, filters: Filters, sources: Sequence[str] | None) -> None:
        self._conn, self._filters, self._sources = conn, filters, sources
        self._built: dict[tuple[object, ...], Any] = {}

    def every(self) -> list[Kind]:
        """Each kind that has figures under the filters."""
        f = _figures.c
        found = self._conn.execute(self._select(f.location, f.series_subject, f.period_kind).distinct())
        return [(location, subject, period) for location, subject, period in found]

    def rows(self, kind: Kind, columns: Sequence[Any]) -> list[Row]:
        """The kind's figure rows, in series order (undated figures first or last, as the database
        orders nulls).

        In the order of ``ix_figures_series``, so the database reads the index as it is and sorts
        nothing (sorting made SQLite sort every row through a temporary B-tree, a third of the
        read). Without the lists the index holds every column read, so no row of the table is
        visited either: visiting them, in the index's order rather than theirs, was most of it.
        """
        f = _figures.c
        return self._run("rows", lambda: self._select(*columns).order_by(f.figure_date, f.first_claim), kind)

    def subjects_shown(self, kind: Kind, rows: Sequence[Row], by_source: bool) -> dict[str | None, str | None]:
        """The subject the kind's series show where it is not their series subject (report's
        _shown_subject): the wording its figures (``rows``) all share, where they share one; by
        source when split by source, else under None.

        Only a whole population is worded more ways than one: a part of it ("children") is its own
        series subject, and a figure's subject is its claims' wording when they agree, else its
        series subject (claimtrack.figures). The database stops at a second wording, where counting
        every figure's wording took a twentieth of the read.
        """
        if kind[1] is not None:
            return {}
        f = _figures.c

        def two_wordings() -> Any:  # one means every figure words the subject alike
            return self._select(f.subject).distinct().limit(2)

        if by_source:
            found = {source: self._run("wordings", two_wordings, kind, source)
                     for source in set(map(itemgetter(series_rows.SOURCE), rows))}
        else:
            found = {None: self._run("wordings", two_wordings, kind)}
        return {part: wordings[0][0] for part, wordings in found.items() if len(wordings) == 1}

    def _select(self, *columns: Any) -> Any:
        return _from_table(self._filters, self._sources, columns)

    def _run(self, name: str, build: Callable[[], Any], kind: Kind, *source: str | None) -> list[Row]:
        """The rows of the statement ``build`` makes, narrowed to the kind (and to the source given)."""
        location, subject, period = kind
        shape = (name, location is None, subject is None, *(given is None for given in source))
        statement = self._built.get(shape)
        if statement is None:
            f = _figures.c
            statement = self._built[shape] = build().where(
                _is(f.location, location, "location"), _is(f.series_subject, subject, "subject"),
                f.period_kind == bindparam("period"), *(_is(f.source, given, "source") for given in source))
        values = {"location": location, "subject": subject, "period": period, "source": source[0] if source else None}
        return _fetched(self._conn, statement, values)


def _is(column: Any, value: object, name: str) -> ColumnElement[bool]:
    """``IS NULL``, or ``=`` the parameter ``name``: both find the value in an index, where
    PostgreSQL's ``IS NOT DISTINCT FROM`` would not."""
    return column.is_(None) if value is None else column == bindparam(name)  # type: ignore[no-any-return]


def _from_table(filters: Filters, sources: Sequence[str] | None, columns: Sequence[Any] | None = None) -> Any:
    f = _figures.c
    conditions: list[ColumnElement[bool]] = [f.metric == filters.metric]
    if filters.location is not None:
        conditions.append(_same_text(f.location, filters.location))
    if filters.subject is not None:
        # Every claim of a figure has its series subject: a part of the population ("children")
        # worded as such, or a whole population however worded.
        general = filters.subject.lower() in {g.lower() for g in cues().general_subjects}
        conditions.append(f.series_subject.is_(None) if general else _same_text(f.series_subject, filters.subject))
    if sources is not None:
        conditions.append(func.lower(f.source).in_([s.lower() for s in sources]))
    if filters.since is not None:
        conditions.append(f.figure_date >= filters.since)
    if filters.until is not None:
        conditions.append(f.figure_date <= filters.until)
    return select(*(columns or [f[name] for name in figure_table.COLUMNS])).where(*conditions)


def _claim_conditions(filters: Filters, sources: Sequence[str] | None) -> list[ColumnElement[bool]]:
    """The filters as conditions on claims (the metric aside, which the grouping applies)."""
    c = _claims.c
    conditions: list[ColumnElement[bool]] = []
    if filters.location is not None:
        conditions.append(_same_text(c.location, filters.location))
    if filters.subject is not None:
        conditions.append(_subject_condition(filters.subject))
    if sources is not None:
        conditions.append(func.lower(func.coalesce(c.reviewed_source, c.source)).in_([s.lower() for s in sources]))
    if filters.outlet is not None:
        conditions.append(_same_text(c.outlet, filters.outlet))
    if filters.since is not None:
        conditions.append(c.figure_date >= filters.since)
    if filters.until is not None:
        conditions.append(c.figure_date <= filters.until)
    return conditions


def _subject_condition(wanted: str) -> ColumnElement[bool]:
    """A whole-population wording selects every whole-population claim; anything else its own wording."""
    c = _claims.c
    general = sorted(cues().general_subjects)
    if wanted.lower() in {g.lower() for g in general}:
        return or_(c.subject.is_(None), c.subject.in_(general))
    return _same_text(c.subject, wanted)


def _source_names(session: Any, wanted: str) -> list[str]:
    """The name asked for, and the canonical name of every source that has it as an alias."""
    s, alias = SourceRow.__table__.c, SourceAliasRow.__table__.c  # type: ignore[attr-defined]
    aliased = select(s.name).join(SourceAliasRow.__table__, alias.source_id == s.id).where(  # type: ignore[attr-defined]
        _same_text(alias.alias, wanted))
    return [wanted, *session.execute(aliased).scalars()]


def _same_text(column: Any, wanted: str) -> ColumnElement[bool]:
    # lower() on both sides, so SQLite (ASCII-only lower) and PostgreSQL each compare consistently.
    return func.lower(column) == func.lower(wanted)


def _figure(row: Sequence[Any], vias: dict[str, tuple[str, ...]]) -> Figure:
    """A figure from its row (claimtrack.figures.COLUMNS)."""
    (metric, location, _series_subject, period, source, date, value, value_real, value_max, qualifier, _first_id,
     subject, via, claim_ids, article_ids, outlets, review, by_reviewer, *_shown) = row  # unpacked once: many rows
    relays = vias.get(via)
    if relays is None:
        relays = vias[via] = tuple(json.loads(via))
    return Figure(
        metric, location, subject, period, source, _date(date),
        _number(value_real if value_real is not None else value), value_max, qualifier, relays,
        tuple(map(int, claim_ids.split(","))), tuple(map(int, article_ids.split(","))),
        tuple(outlets.split(LIST_SEP)) if outlets else (), tuple(review.split(",")) if review else (),
        bool(by_reviewer),
    )


def _first_claim(figure: Figure) -> int:
    return figure.first_claim


def _number(value: int | float) -> int | float:
    # PostgreSQL widens a COALESCE of BIGINT and FLOAT to float; whole values read back as ints.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _date(value: dt.date | str | None) -> dt.date | None:
    # SQLite hands back a COALESCE of two DATE columns as the stored text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
