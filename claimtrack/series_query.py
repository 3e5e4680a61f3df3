"""The figures of one metric, read from the store with repeats already collapsed by the database.

A report over a million claims must not pull every claim into Python. The database filters by
the indexed metric and groups claims by what makes them one figure (series, source, date, value,
qualifier and range; see :func:`claimtrack.report.repeat_key`), returning per group the first
claim id, every claim and article id and every outlet. Python then builds series over those
groups, which are far fewer than the claims.

Reviewed claims count as the reviewer read them: the reviewed metric, value and source replace
the extractor's where set. A reviewed value is one figure, so it drops the extractor's range
(and a 'range' or 'vague' qualifier becomes 'exact'). The extractor's metric and the reviewed one
are queried apart, each through its own index, and the two sets of groups merged.

Aggregates go through SQLAlchemy's ``aggregate_strings`` (``group_concat`` on SQLite,
``string_agg`` on PostgreSQL), so the same query runs on both.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from claimtrack.cues import cues
from claimtrack.models import ClaimRow, SourceAliasRow, SourceRow, corrected
from claimtrack.report import (
    Figure,
    Series,
    first_then_sorted,
    merge_repeats,
    only_periods,
    series_of,
)
from claimtrack.store import Store

LIST_SEP = "\x1f"  # the ASCII unit separator: no outlet name contains it
QUOTE_BATCH = 500  # claim ids per query when fetching sentences

_claims = ClaimRow.__table__  # type: ignore[attr-defined]
KEY_NAMES = ("metric", "location", "subject_key", "period_key", "source", "date", "value", "value_real", "value_max",
             "qualifier")  # what makes claims one figure (report.repeat_key), as both queries name it


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
                periods: Collection[str] | None = None) -> list[Series]:
    """The series of ``filters.metric`` as ``diff`` shows them (see :func:`claimtrack.report.series_of`)."""
    with _collector_paused():
        return only_periods(series_of(fetch_figures(store, filters), by_source), periods)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building many small acyclic objects.

    Tens of thousands of figures and rows would otherwise set off repeated full collections,
    each walking every object built so far; nothing built here forms a cycle.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fetch_figures(store: Store, filters: Filters) -> list[Figure]:
    """The figures of a metric under the filters, each standing for all the claims that repeat it."""
    with store.session() as session:
        sources = _source_names(session, filters.source) if filters.source is not None else None
        plain = session.execute(_uncorrected(filters, sources)).all()
        reread = session.execute(_corrected(filters, sources)).all()
    vias: dict[str, tuple[str, ...]] = {}  # relay lists repeat: each is parsed once
    figures = [_figure(row, vias) for row in plain]
    if reread:
        figures = _merge_corrected(figures, [_figure(row, vias) for row in reread])
    figures.sort(key=_first_claim)
    return figures


def _merge_corrected(plain: list[Figure], reread: list[Figure]) -> list[Figure]:
    """The figures of uncorrected and corrected claims, those with the same repeat key merged.

    Uncorrected groups are distinct figures already, so only those with the date and value of a
    corrected figure (both part of the key) can merge; the rest are kept as they are.
    """
    near = {(f.date, f.value) for f in reread}
    apart = [f for f in plain if (f.date, f.value) not in near]
    return apart + merge_repeats([*(f for f in plain if (f.date, f.value) in near), *reread])


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


def _uncorrected(filters: Filters, sources: Sequence[str] | None) -> Any:
    """The figures of the claims no reviewer corrected: nearly all of them.

    With every reviewed column null the key is made of stored columns alone, in the order of the
    ``ix_claims_figures`` index, so the database groups them as it reads that index.
    """
    c = _claims.c
    key = (c.metric, c.location, c.series_subject, c.period_kind, c.source, c.figure_date, c.value,
           c.value_real, c.value_max, c.qualifier)
    where = and_(c.metric == filters.metric, c.reviewed_metric.is_(None), c.reviewed_value.is_(None),
                 c.reviewed_source.is_(None))
    return _grouped(key, where, False, filters, sources)


def _corrected(filters: Filters, sources: Sequence[str] | None) -> Any:
    """The figures of the claims a reviewer corrected (metric, value or source), as the reviewer reads them.

    A reviewed value is one figure: it drops the extractor's range, and a 'range' or 'vague'
    qualifier becomes 'exact'. These claims are few, read through the partial index that holds
    only them.
    """
    c = _claims.c
    key = (
        func.coalesce(c.reviewed_metric, c.metric), c.location, c.series_subject, c.period_kind,
        func.coalesce(c.reviewed_source, c.source), c.figure_date, func.coalesce(c.reviewed_value, c.value),
        case((c.reviewed_value.is_(None), c.value_real)), case((c.reviewed_value.is_(None), c.value_max)),
        case((and_(c.reviewed_value.is_not(None), c.qualifier.in_(("range", "vague"))), literal("exact")),
             else_=c.qualifier),
    )
    # Read through the partial index ix_claims_corrected, whose condition this repeats word for word.
    where = and_(corrected(), func.coalesce(c.reviewed_metric, c.metric) == filters.metric)
    return _grouped(key, where, True, filters, sources)


def _grouped(key: Sequence[ColumnElement[Any]], where: ColumnElement[bool], by_reviewer: bool, filters: Filters,
             sources: Sequence[str] | None) -> Any:
    """One row per figure: the key, then the aggregates over its claims, then its first claim's relays,
    article and outlet."""
    c = _claims.c
    labelled = [column.label(name) for column, name in zip(key, KEY_NAMES, strict=True)]
    grouped = (
        select(
            *labelled,
            func.min(c.id).label("first_id"),
            func.aggregate_strings(cast(c.id, String), ",").label("claim_ids"),
            func.aggregate_strings(cast(c.article_id, String), ",").label("article_ids"),
            func.aggregate_strings(c.outlet, LIST_SEP).label("outlets"),
            func.aggregate_strings(c.review_status, ",").label("review"),
            literal(by_reviewer).label("corrected"),
            # The subject as worded, when every claim words it alike (else the series shows its key).
            func.min(c.subject).label("subject_min"), func.max(c.subject).label("subject_max"),
            (func.count(c.subject) == func.count()).label("subject_always"),
        )
        .where(where, *_conditions(filters, sources))
        .group_by(*key)
        .subquery()
    )
    first = _claims.alias("first_claim")  # the claim that stands for the figure
    return (
        select(grouped, first.c.via, first.c.article_id.label("first_article"), first.c.outlet.label("first_outlet"))
        .join(first, first.c.id == grouped.c.first_id)
    )


def _conditions(filters: Filters, sources: Sequence[str] | None) -> list[ColumnElement[bool]]:
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


def _figure(row: Any, vias: dict[str, tuple[str, ...]]) -> Figure:
    (metric, location, subject_key, period, source, date, value, value_real, value_max, qualifier, _first_id,
     claim_ids, article_ids, outlets, review, by_reviewer, subject_min, subject_max, subject_always, via,
     first_article, first_outlet) = row  # unpacked once: a million attribute lookups add up
    relays = vias.get(via)
    if relays is None:
        relays = vias[via] = tuple(json.loads(via))
    return Figure(
        metric, location, subject_min if subject_always and subject_min == subject_max else subject_key, period,
        source, _date(date), _number(value_real if value_real is not None else value), value_max, qualifier, relays,
        tuple(sorted(map(int, claim_ids.split(",")))),
        first_then_sorted(first_article, {*map(int, article_ids.split(","))}),
        first_then_sorted(first_outlet, {*outlets.split(LIST_SEP)}) if outlets else (),
        tuple(sorted(set(review.split(",")))) if review else (), bool(by_reviewer),
    )


def _first_claim(figure: Figure) -> int:
    return figure.first_claim


def _number(value: int | float) -> int | float:
    # PostgreSQL widens a COALESCE of BIGINT and FLOAT to float; whole values read back as ints.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _date(value: dt.date | str | None) -> dt.date | None:
    # SQLite hands back a COALESCE of two DATE columns as the stored text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
