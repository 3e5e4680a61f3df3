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

from sqlalchemy import String, and_, case, cast, func, literal, null, or_, select
from sqlalchemy.sql.elements import ColumnElement

from claimtrack.cues import cues
from claimtrack.models import ArticleRow, ClaimRow, SourceAliasRow, SourceRow
from claimtrack.report import (
    PERIOD_KEYS,
    UNSPECIFIED,
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
_articles = ArticleRow.__table__  # type: ignore[attr-defined]


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
        extracted = and_(_claims.c.metric == filters.metric, _claims.c.reviewed_metric.is_(None))
        reviewed = _claims.c.reviewed_metric == filters.metric
        rows = [row for where in (extracted, reviewed)
                for row in session.execute(_grouped(where, filters, sources)).all()]
    return merge_repeats(_figure(row) for row in rows)


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


def _grouped(where: ColumnElement[bool], filters: Filters, sources: Sequence[str] | None) -> Any:
    """One row per figure: the repeat key, then the aggregates over its claims."""
    c, a = _claims.c, _articles.c
    general = sorted(cues().general_subjects)
    key = (
        func.coalesce(c.reviewed_metric, c.metric).label("metric"),
        c.location,
        case((or_(c.subject.is_(None), c.subject.in_(general)), null()), else_=c.subject).label("subject_key"),
        case((c.period.in_(PERIOD_KEYS), c.period), else_=literal(UNSPECIFIED)).label("period_key"),
        func.coalesce(c.reviewed_source, c.source).label("source"),
        func.coalesce(c.as_of, a.published).label("date"),
        func.coalesce(c.reviewed_value, c.value).label("value"),
        case((c.reviewed_value.is_(None), c.value_real)).label("value_real"),
        case((c.reviewed_value.is_(None), c.value_max)).label("value_max"),
        case((and_(c.reviewed_value.is_not(None), c.qualifier.in_(("range", "vague"))), literal("exact")),
             else_=c.qualifier).label("qualifier"),
    )
    corrected = or_(c.reviewed_value.is_not(None), c.reviewed_metric.is_not(None), c.reviewed_source.is_not(None))
    grouped = (
        select(
            *key,
            func.min(c.id).label("first_id"),
            func.aggregate_strings(cast(c.id, String), ",").label("claim_ids"),
            func.aggregate_strings(cast(c.article_id, String), ",").label("article_ids"),
            func.aggregate_strings(a.outlet, LIST_SEP).label("outlets"),
            func.aggregate_strings(c.review_status, ",").label("review"),
            func.max(case((corrected, 1), else_=0)).label("corrected"),
            # The subject as worded, when every claim words it alike (else the series shows its key).
            func.min(c.subject).label("subject_min"), func.max(c.subject).label("subject_max"),
            (func.count(c.subject) == func.count()).label("subject_always"),
        )
        .select_from(_claims.join(_articles, a.id == c.article_id))
        .where(where, *_conditions(filters, sources))
        .group_by(*key)
        .subquery()
    )
    # The claim that stands for the figure gives its relays, first article and first outlet.
    first, first_article = _claims.alias("first_claim"), _articles.alias("first_article")
    return (
        select(grouped, first.c.via, first.c.article_id.label("first_article"),
               first_article.c.outlet.label("first_outlet"))
        .join(first, first.c.id == grouped.c.first_id)
        .join(first_article, first_article.c.id == first.c.article_id)
    )


def _conditions(filters: Filters, sources: Sequence[str] | None) -> list[ColumnElement[bool]]:
    c, a = _claims.c, _articles.c
    date = func.coalesce(c.as_of, a.published)
    conditions: list[ColumnElement[bool]] = []
    if filters.location is not None:
        conditions.append(_same_text(c.location, filters.location))
    if filters.subject is not None:
        conditions.append(_subject_condition(filters.subject))
    if sources is not None:
        conditions.append(func.lower(func.coalesce(c.reviewed_source, c.source)).in_([s.lower() for s in sources]))
    if filters.outlet is not None:
        conditions.append(_same_text(a.outlet, filters.outlet))
    if filters.since is not None:
        conditions.append(date >= filters.since)
    if filters.until is not None:
        conditions.append(date <= filters.until)
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


def _figure(row: Any) -> Figure:
    (metric, location, subject_key, period, source, date, value, value_real, value_max, qualifier, _first_id,
     claim_ids, article_ids, outlets, review, corrected, subject_min, subject_max, subject_always, via,
     first_article, first_outlet) = row  # unpacked once: a million attribute lookups add up
    return Figure(
        metric=metric, location=location,
        subject=subject_min if subject_always and subject_min == subject_max else subject_key,
        period=period, source=source, date=_date(date), value=_number(value_real if value_real is not None else value),
        value_max=value_max, qualifier=qualifier, via=() if via == "[]" else tuple(json.loads(via)),
        claim_ids=tuple(sorted(map(int, claim_ids.split(",")))),
        article_ids=first_then_sorted(first_article, map(int, article_ids.split(","))),
        outlets=first_then_sorted(first_outlet, outlets.split(LIST_SEP) if outlets else ()),
        review=tuple(sorted(set(review.split(",")))) if review else (), corrected=bool(corrected),
    )


def _number(value: int | float) -> int | float:
    # PostgreSQL widens a COALESCE of BIGINT and FLOAT to float; whole values read back as ints.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _date(value: dt.date | str | None) -> dt.date | None:
    # SQLite hands back a COALESCE of two DATE columns as the stored text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
