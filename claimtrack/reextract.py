"""Read stored articles again with the current rules, keeping claim ids and reviews.

After an upgrade of claimtrack or of its lexicons, ``claimtrack reextract`` runs extraction
again over each stored file's text, with the facts recorded when it was added (the date the
user gave, the page's title, date and outlet). Each article's claims are then brought up to
date in one transaction per file:

- a figure read again (the same characters, and the same metric when a figure gave several
  claims) keeps its claim row and id; only the extractor's columns change, so its reviews and
  reviewed values stay with it;
- a figure read for the first time is added;
- a figure no longer read is removed, unless someone reviewed it: then it is kept, flagged
  ``not-read-again``, so no reviewer's work is lost.

An article whose text no longer comes out of its file unchanged (the article splitter now cuts
the file differently) is left as it was and counted as skipped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from claimtrack import figures
from claimtrack.extract import extract_text
from claimtrack.models import ArticleRow, ClaimRow, FileRow, ReviewRow
from claimtrack.records import Claim, PageFacts
from claimtrack.store import Store, claim_columns, ensure_sources, new_claim_row, record_aliases, sha256_text

NOT_READ_AGAIN = "not-read-again"


@dataclass(frozen=True)
class Reread:
    """What re-extracting one file changed."""

    path: str
    articles: int
    updated: int  # claims read again, their row kept
    added: int
    removed: int
    kept_reviewed: int  # claims no longer read, kept because they were reviewed
    skipped_articles: int


def file_ids(store: Store, article_ids: Sequence[int] = ()) -> list[int]:
    """The stored files to read again: all of them, or those holding ``article_ids``."""
    stmt = select(FileRow.id).order_by(col(FileRow.id))
    if article_ids:
        stmt = select(ArticleRow.file_id).where(col(ArticleRow.id).in_(article_ids)).distinct() \
            .order_by(col(ArticleRow.file_id))
    with store.session() as session:
        return [int(i) for i in session.exec(stmt).all() if i is not None]


def reextract_file(store: Store, file_id: int) -> Reread:
    """Extract file ``file_id`` again and bring its articles' claims up to date (one transaction)."""
    return store.write(lambda session: _reread(session, file_id), f"re-extract file {file_id}")


def _reread(session: Session, file_id: int) -> Reread:
    stored_file = session.get(FileRow, file_id)
    if stored_file is None:
        raise LookupError(f"no file {file_id}")
    rows = session.exec(select(ArticleRow).where(ArticleRow.file_id == file_id)
                        .order_by(col(ArticleRow.index_in_file))).all()
    first = next((a for a in rows if a.index_in_file == 0), None)
    extraction = extract_text(
        stored_file.text, encoding=stored_file.encoding,
        published=first.published if first is not None and first.date_source == "given" else None,
        page=PageFacts(title=first.title, site=first.outlet,
                       published=first.published if first.date_source == "stated" else None)
        if first is not None else None,
    )
    by_digest = {a.sha256: a for a in rows}
    updated = added = removed = kept = 0
    matched = 0
    conn = session.connection()
    source_ids: dict[str, int] = {}
    for article in extraction.articles:
        text = extraction.text[article.start:article.end]
        row = by_digest.get(sha256_text(text))
        if row is None or row.id is None:
            continue
        matched += 1
        claims = [c for c in extraction.claims if c.article == article.index]
        ensure_sources(conn, {c.source for c in claims if c.source}, source_ids)
        u, a, r, k = _update_article(session, row, claims, source_ids)
        updated, added, removed, kept = updated + u, added + a, removed + r, kept + k
        record_aliases(conn, claims, source_ids)
    return Reread(stored_file.path, len(rows), updated, added, removed, kept, len(rows) - matched)


def _update_article(session: Session, article: ArticleRow, claims: list[Claim],
                    source_ids: dict[str, int]) -> tuple[int, int, int, int]:
    """(updated, added, removed, kept because reviewed) for one article's claims."""
    assert article.id is not None
    article_id = article.id
    old = session.exec(select(ClaimRow).where(ClaimRow.article_id == article_id)
                       .order_by(col(ClaimRow.id))).all()
    touched = {figures.claim_key(c.model_dump()) for c in old}  # the figures these claims leave
    reviewed = set(session.exec(select(ReviewRow.claim_id).where(
        col(ReviewRow.claim_id).in_([c.id for c in old]))).all())
    exact = {(c.start, c.end, c.metric): c for c in old}
    by_span: dict[tuple[int, int], list[ClaimRow]] = {}
    for c in old:
        by_span.setdefault((c.start, c.end), []).append(c)
    kept: set[int] = set()
    updated = added = 0
    conn = session.connection()
    for claim in claims:
        row = exact.get((claim.start, claim.end, claim.metric))
        if row is None or row.id in kept:
            row = next((c for c in by_span.get((claim.start, claim.end), []) if c.id not in kept), None)
        if row is None or row.id is None:
            conn.execute(insert(ClaimRow), [new_claim_row(claim, article_id, source_ids, article)])
            added += 1
            continue
        kept.add(row.id)
        conn.execute(update(ClaimRow).where(col(ClaimRow.id) == row.id)
                     .values(**claim_columns(claim, article_id, source_ids, article)))
        updated += 1
    gone = [c for c in old if c.id not in kept]
    keep = [c for c in gone if c.id in reviewed or c.review_status is not None]
    remove = [c.id for c in gone if c not in keep]
    if remove:
        conn.execute(delete(ClaimRow).where(col(ClaimRow.id).in_(remove)))
    for c in keep:
        flags = json.loads(c.flags)
        if NOT_READ_AGAIN not in flags:
            conn.execute(update(ClaimRow).where(col(ClaimRow.id) == c.id)
                         .values(flags=json.dumps([*flags, NOT_READ_AGAIN])))
    now = [i for i in conn.execute(select(col(ClaimRow.id)).where(ClaimRow.article_id == article_id)).scalars()
           if i is not None]
    figures.refresh(conn, touched | figures.keys_of_claims(conn, now))  # and the figures they join
    return updated, added, len(remove), len(keep)
