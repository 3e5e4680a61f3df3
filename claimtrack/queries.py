"""Reading the store for people: claims with their whole provenance, articles, sources, search.

Every function takes an open :class:`~claimtrack.store.Store` and returns plain frozen records;
nothing here prints. Filters are SQL parameters (values from the command line are data, never
SQL), and they use the indexes: a metric or source filter on a million claims reads only the
claims it keeps.

A reviewer's corrections (``claimtrack review``) sit beside the extractor's reading. Records
carry the *effective* metric, value and source (reviewed where reviewed) and keep the
extractor's own reading in ``extracted``, so a report shows what a fact-checker settled on and
can still show what the article was read as saying.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, func, or_, select, text, union_all
from sqlalchemy.sql import Select

from claimtrack.cues import cues
from claimtrack.models import ArticleRow, ClaimRow, FileRow, SourceAliasRow, SourceRow, corrected
from claimtrack.phrases import tokenize
from claimtrack.report import period_key, series_subject
from claimtrack.store import Store
from claimtrack.text import fold

UNREVIEWED = "unreviewed"

# The tables' Core columns: typed for SQL expressions, where the models' attributes are typed as values.
CLAIMS: Table = ClaimRow.__table__  # type: ignore[attr-defined]
ARTICLES: Table = ArticleRow.__table__  # type: ignore[attr-defined]
FILES: Table = FileRow.__table__  # type: ignore[attr-defined]
SOURCES: Table = SourceRow.__table__  # type: ignore[attr-defined]
ALIASES: Table = SourceAliasRow.__table__  # type: ignore[attr-defined]
C, A, F, S, SA = CLAIMS.c, ARTICLES.c, FILES.c, SOURCES.c, ALIASES.c


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a command looks at; every field left None keeps all.

    Text filters compare case-insensitively. ``source`` matches a canonical source name or any
    alias recorded for it; ``since``/``until`` bound the figure's date (as_of, else publication
    date), both inclusive; ``status`` is a review status or ``unreviewed``.
    """

    metric: str | None = None
    location: str | None = None
    subject: str | None = None
    source: str | None = None
    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    period: str | None = None
    status: str | None = None
    article_id: int | None = None


@dataclass(frozen=True)
class Extracted:
    """What the extractor read, before any review."""

    metric: str
    value: int | float
    source: str | None


@dataclass(frozen=True)
class ClaimRecord:
    """A stored claim with its article, its provenance and its review state."""

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
    source_kind: str | None
    via: tuple[str, ...]
    as_of: dt.date | None
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    rule: str
    confidence: float
    cues: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    review_status: str | None
    extracted: Extracted
    published: dt.date | None
    date_source: str | None
    outlet: str | None
    title: str | None
    url: str | None
    lang: str
    file_path: str

    @property
    def date(self) -> dt.date | None:
        """The date the figure describes: its own as_of, else its article's publication date."""
        return self.as_of or self.published

    @property
    def reviewed_fields(self) -> tuple[str, ...]:
        """Which of metric, value and source a reviewer corrected."""
        pairs = (("metric", self.metric, self.extracted.metric), ("value", self.value, self.extracted.value),
                 ("source", self.source, self.extracted.source))
        return tuple(name for name, now, read in pairs if now != read)

    def to_json(self) -> dict[str, object]:
        """The claim as JSON: the CLAIMS.md fields, plus ids, article facts and review state."""
        return {
            "claim_id": self.claim_id, "article_id": self.article_id, "metric": self.metric,
            "value": self.value, "value_max": self.value_max, "qualifier": self.qualifier,
            "subject": self.subject, "location": self.location, "period": self.period,
            "source": self.source, "source_kind": self.source_kind, "via": list(self.via),
            "as_of": _iso(self.as_of), "date": _iso(self.date), "text": self.text, "start": self.start,
            "end": self.end, "sentence": self.sentence, "rule": self.rule, "confidence": self.confidence,
            "cues": dict(self.cues), "flags": list(self.flags), "review_status": self.review_status,
            "extracted": {"metric": self.extracted.metric, "value": self.extracted.value,
                          "source": self.extracted.source},
            "published": _iso(self.published), "date_source": self.date_source, "outlet": self.outlet,
            "title": self.title, "url": self.url, "lang": self.lang, "file": self.file_path,
        }


@dataclass(frozen=True)
class ArticleSummary:
    article_id: int
    published: dt.date | None
    date_source: str | None
    outlet: str | None
    title: str | None
    url: str | None
    lang: str
    claims: int
    file_path: str


@dataclass(frozen=True)
class SourceSummary:
    name: str
    kind: str
    aliases: tuple[str, ...]
    claims: int
    first: dt.date | None
    last: dt.date | None


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    published: dt.date | None
    outlet: str | None
    title: str | None
    sentence: str
    match_start: int  # within ``sentence``
    match_end: int


def find_claims(store: Store, where: ClaimFilter = ClaimFilter(), limit: int | None = None,
                newest_first: bool = False) -> tuple[list[ClaimRecord], int]:
    """Claims matching ``where`` in date order (undated last), with how many match in all.

    The claims are chosen, counted and ordered on the claims table alone (its indexes hold the
    figure date), and only the ``limit`` chosen are read whole with their article and file.
    """
    matching = _matching(where).subquery()
    date = matching.c.figure_date
    chosen = select(matching.c.id).order_by(date.is_(None), date.desc() if newest_first else date, matching.c.id)
    if limit is not None:
        chosen = chosen.limit(limit)
    records = _claims_select().where(C.id.in_(chosen)).order_by(
        C.figure_date.is_(None), C.figure_date.desc() if newest_first else C.figure_date, C.id)
    with store.session() as session:
        total = session.execute(select(func.count()).select_from(matching)).scalar_one()
        return [_record(row) for row in session.execute(records).all()], total


def _matching(where: ClaimFilter) -> Select[Any]:
    """The id and figure date of each claim matching ``where``, read from the claims table alone.

    A source filter is two disjoint parts, so that each reads one index rather than the table:
    claims the extractor credited to the source (ix_claims_source_date), and claims a reviewer
    credited to it (the partial index of corrected claims).
    """
    narrow = select(C.id, C.figure_date).where(*_conditions(where))
    if where.source is None:
        return narrow
    ids, names = _source_ids_and_names(where.source)
    as_read = narrow.where(C.reviewed_source.is_(None), C.source_id.in_(ids))
    as_reviewed = narrow.where(corrected(), or_(C.reviewed_source.in_(names),
                                                          C.reviewed_source == where.source))
    return union_all(as_read, as_reviewed)  # type: ignore[return-value]


def get_claim(store: Store, claim_id: int) -> ClaimRecord | None:
    with store.session() as session:
        row = session.execute(_claims_select().where(C.id == claim_id)).first()
        return _record(row) if row is not None else None


def appearances(store: Store, claim: ClaimRecord) -> list[ClaimRecord]:
    """Every stored claim that repeats this one: the same figure from the same source about the
    same thing for the same date, whichever article or outlet printed it (the claim included).
    Subjects compare as series do ("people" and no subject are the same whole population)."""
    if claim.date is None:
        return [claim]
    where = ClaimFilter(metric=claim.metric, since=claim.date, until=claim.date)
    stmt = _filtered(_claims_select(), where).where(
        func.coalesce(C.reviewed_value, C.value) == claim.value, _same_or_null(C.location, claim.location))
    with store.session() as session:
        found = [_record(row) for row in session.execute(stmt.order_by(C.id)).all()]
    return [c for c in found if _repeat_key(c) == _repeat_key(claim)]


def _repeat_key(c: ClaimRecord) -> tuple[object, ...]:
    return (c.source, c.value_max, c.qualifier, series_subject(c.subject), period_key(c.period))


def list_articles(store: Store, where: ClaimFilter = ClaimFilter(), limit: int | None = None
                  ) -> tuple[list[ArticleSummary], int]:
    """Articles (newest first) with how many claims each holds; ``outlet``/``since``/``until`` apply."""
    counts = (select(C.article_id, func.count(C.id).label("n"))
              .group_by(C.article_id).subquery())
    conditions = []
    if where.outlet is not None:
        conditions.append(func.lower(A.outlet) == where.outlet.lower())
    if where.since is not None:
        conditions.append(A.published >= where.since)
    if where.until is not None:
        conditions.append(A.published <= where.until)
    stmt = (select(A.id, A.published, A.date_source, A.outlet,
                   A.title, A.url, A.lang, func.coalesce(counts.c.n, 0), F.path)
            .join(FILES, F.id == A.file_id)
            .outerjoin(counts, counts.c.article_id == A.id)
            .where(*conditions)
            .order_by(A.published.is_(None), A.published.desc(), A.id.desc()))
    with store.session() as session:
        total = session.execute(select(func.count(A.id)).where(*conditions)).scalar_one()
        rows = session.execute(stmt.limit(limit) if limit is not None else stmt).all()
    return [ArticleSummary(*row) for row in rows], total


def list_sources(store: Store) -> list[SourceSummary]:
    """Every source claims are credited to, most claims first, with the aliases recorded for it."""
    date = _figure_date()
    stmt = (select(S.id, S.name, S.kind, func.count(C.id),
                   func.min(date), func.max(date))
            .outerjoin(CLAIMS, C.source_id == S.id)
            .outerjoin(ARTICLES, _article_join())
            .group_by(S.id, S.name, S.kind))
    with store.session() as session:
        rows = session.execute(stmt).all()
        aliases: dict[int, list[str]] = {}
        for source_id, alias in session.execute(
                select(SA.source_id, SA.alias).order_by(SA.alias)):
            aliases.setdefault(source_id, []).append(alias)
    out = [SourceSummary(name, kind, tuple(aliases.get(sid, ())), n, _as_date(first), _as_date(last))
           for sid, name, kind, n, first, last in rows]
    out.sort(key=lambda s: (-s.claims, s.name.lower()))
    return out


MIN_FTS_QUERY = 3  # the trigram index needs three characters; shorter searches scan with LIKE


def search(store: Store, query: str, limit: int = 20) -> list[SearchHit]:
    """Articles whose title or text contains ``query`` (any case), newest first, each with the
    first sentence that contains it. SQLite uses the full-text index; other databases scan."""
    query = query.strip()
    if not query:
        return []
    with store.session() as session:
        if session.get_bind().dialect.name == "sqlite" and len(query) >= MIN_FTS_QUERY:
            ids = select(text("rowid")).select_from(text("articles_fts")).where(
                text("articles_fts MATCH :q").bindparams(q=_fts_phrase(query)))
            condition: Any = A.id.in_(ids)
        else:
            pattern = "%" + _escape_like(query.lower()) + "%"
            condition = or_(func.lower(A.text).like(pattern, escape="\\"),
                            func.lower(A.title).like(pattern, escape="\\"))
        stmt = (select(A.id, A.published, A.outlet, A.title, A.text)
                .where(condition)
                .order_by(A.published.is_(None), A.published.desc(), A.id.desc())
                .limit(limit))
        rows = session.execute(stmt).all()
    hits = []
    for article_id, published, outlet, title, body in rows:
        sentence, lo, hi = matching_sentence(body, query) or matching_sentence(title or "", query) or ("", 0, 0)
        hits.append(SearchHit(article_id, published, outlet, title, sentence, lo, hi))
    return hits


_SENTENCE_ENDS = ".!?؟\n"


def matching_sentence(body: str, query: str) -> tuple[str, int, int] | None:
    """The sentence of ``body`` holding the first match of ``query`` (any case), with the match's
    offsets inside that sentence, or None."""
    lowered = body.lower()
    at = lowered.find(query.lower()) if len(lowered) == len(body) else -1  # same length: same offsets
    if at < 0:
        at = body.find(query)
    if at < 0:
        return None
    lo = max(body.rfind(ch, 0, at) for ch in _SENTENCE_ENDS) + 1
    ends = [i for i in (body.find(ch, at + len(query)) for ch in _SENTENCE_ENDS) if i >= 0]
    hi = min(ends) + 1 if ends else len(body)
    lead = len(body[lo:hi]) - len(body[lo:hi].lstrip())
    return body[lo:hi].strip(), at - lo - lead, at - lo - lead + len(query)


def canonical_source_name(store: Store, name: str) -> str:
    """The stored canonical name a reviewer means by ``name`` (a name or alias, any case), else ``name``."""
    with store.session() as session:
        found = session.execute(select(S.name).where(or_(
            func.lower(S.name) == name.lower(),
            S.id.in_(select(SA.source_id)
                             .where(func.lower(SA.alias) == name.lower()))))).first()
    if found is not None:
        return str(found[0])
    return lexicon_source_name(name) or name


def lexicon_source_name(name: str) -> str | None:
    """The canonical name the sources lexicon gives ``name`` when all of it is a known alias."""
    tokens = tokenize(fold(name).text)
    if not tokens:
        return None
    match = cues().sources.match_at(tokens, 0)
    if match is None or match.last != len(tokens) - 1 or match.value.generic:
        return None
    return match.value.canonical


def _claims_select() -> Select[Any]:
    # The outlet comes with the claims row, which copies its article's.
    return (select(CLAIMS, A.published, A.date_source, A.title, A.url, A.lang, F.path,
                   S.kind.label("source_kind"))
            .join(ARTICLES, _article_join())
            .join(FILES, F.id == A.file_id)
            .outerjoin(SOURCES, S.id == C.source_id))


def _article_join() -> Any:
    return A.id == C.article_id


def _figure_date() -> Any:
    return func.coalesce(C.as_of, A.published)


def _filtered(stmt: Select[Any], where: ClaimFilter) -> Select[Any]:
    """``stmt`` (over claims joined to articles) narrowed by ``where``, with index-friendly conditions."""
    conditions = _conditions(where)
    if where.source is not None:
        conditions.append(_source_condition(where.source))
    return stmt.where(*conditions)


def _conditions(where: ClaimFilter) -> list[Any]:
    """The conditions of ``where`` but its source, on columns of the claims table."""
    conditions: list[Any] = []
    if where.metric is not None:  # the effective metric: reviewed, else read
        conditions.append(or_(C.reviewed_metric == where.metric,
                              and_(C.metric == where.metric, C.reviewed_metric.is_(None))))
    for column, wanted in ((C.location, where.location), (C.subject, where.subject),
                           (C.outlet, where.outlet)):
        if wanted is not None:
            conditions.append(func.lower(column) == wanted.lower())
    if where.since is not None:
        conditions.append(C.figure_date >= where.since)
    if where.until is not None:
        conditions.append(C.figure_date <= where.until)
    if where.period is not None:
        conditions.append(C.period.is_(None) | (C.period == where.period)
                          if where.period == "unspecified" else C.period == where.period)
    if where.status is not None:
        conditions.append(C.review_status.is_(None) if where.status == UNREVIEWED
                          else C.review_status == where.status)
    if where.article_id is not None:
        conditions.append(C.article_id == where.article_id)
    return conditions


def _source_condition(name: str) -> Any:
    """Claims whose effective source is ``name``: a canonical name or a recorded alias, any case."""
    ids, names = _source_ids_and_names(name)
    return or_(and_(C.reviewed_source.is_(None), C.source_id.in_(ids)),
               C.reviewed_source.in_(names), C.reviewed_source == name)


def _source_ids_and_names(name: str) -> tuple[Select[Any], Select[Any]]:
    """The ids and canonical names of the sources called ``name`` or having it as an alias, any case.

    The sources table is small, so the names resolve to ids there and the claims are found
    through the indexes on their source.
    """
    wanted = name.lower()
    ids = select(S.id).where(or_(
        func.lower(S.name) == wanted,
        S.id.in_(select(SA.source_id).where(func.lower(SA.alias) == wanted))))
    return ids, select(S.name).where(S.id.in_(ids))


def _same_or_null(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def _record(row: Any) -> ClaimRecord:
    claim = row._mapping
    read_value: int | float = claim["value_real"] if claim["value_real"] is not None else claim["value"]
    reviewed_value, reviewed_source = claim["reviewed_value"], claim["reviewed_source"]
    return ClaimRecord(
        claim_id=claim["id"], article_id=claim["article_id"],
        metric=claim["reviewed_metric"] or claim["metric"],
        value=reviewed_value if reviewed_value is not None else read_value,
        value_max=claim["value_max"] if reviewed_value is None else None,
        # A reviewed value replaces a range or vague quantity with one figure; "at least" stays.
        qualifier=claim["qualifier"] if reviewed_value is None or claim["value_max"] is None else "exact",
        subject=claim["subject"], location=claim["location"], period=claim["period"],
        source=reviewed_source or claim["source"],
        source_kind=claim["source_kind"] if reviewed_source is None else None,
        via=tuple(json.loads(claim["via"])), as_of=claim["as_of"], text=claim["text"], start=claim["start"],
        end=claim["end"], sentence=claim["sentence"], sentence_start=claim["sentence_start"], rule=claim["rule"],
        confidence=claim["confidence"], cues=tuple((what, words) for what, words in json.loads(claim["cues"])),
        flags=tuple(json.loads(claim["flags"])), review_status=claim["review_status"],
        extracted=Extracted(claim["metric"], read_value, claim["source"]),
        published=claim["published"], date_source=claim["date_source"], outlet=claim["outlet"],
        title=claim["title"], url=claim["url"], lang=claim["lang"], file_path=claim["path"],
    )


def _as_date(value: object) -> dt.date | None:
    """A date from an aggregate (SQLite hands MIN/MAX of dates back as text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _fts_phrase(query: str) -> str:
    """``query`` as one FTS5 phrase: quoted, so its words and punctuation are text, not syntax."""
    return '"' + query.replace('"', '""') + '"'


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
