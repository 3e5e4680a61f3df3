"""Reviews: a fact-checker's verdict and corrections on a stored claim, kept as an audit trail.

A correction never overwrites what the extractor read. Each reviewed field becomes one row of
the ``reviews`` table (who, when, field, old, new, note), and the claim's ``reviewed_*`` columns
hold the latest state so that reports read it without replaying the trail. A review names its
figure by article and offsets as well as by claim id, so the trail still says which characters
of which article were reviewed if the claim is later read differently.
"""

from __future__ import annotations

import datetime as dt
import getpass
import math
from dataclasses import dataclass

from sqlmodel import Session, col, select

from claimtrack import figures
from claimtrack.models import ClaimRow, ReviewRow, utcnow
from claimtrack.queries import canonical_source_name
from claimtrack.records import METRICS
from claimtrack.store import Store, StoreError

STATUSES = ("verified", "disputed", "wrong")
FIELDS = ("status", "value", "metric", "source", "note")


class ReviewError(Exception):
    """A review that cannot be recorded, worded for the user in one line."""


@dataclass(frozen=True)
class Correction:
    """What a reviewer says about a claim; fields left None are not reviewed."""

    status: str | None = None
    value: int | None = None
    metric: str | None = None
    source: str | None = None
    note: str | None = None

    def check(self) -> None:
        if all(getattr(self, name) is None for name in FIELDS):
            raise ReviewError("nothing to review: give --status, --value, --metric, --source or --note")
        if self.status is not None and self.status not in STATUSES:
            raise ReviewError(f"unknown status {self.status!r}; the statuses are: {', '.join(STATUSES)}")
        if self.metric is not None and self.metric not in METRICS:
            raise ReviewError(f"unknown metric {self.metric!r}; the metrics are: {', '.join(METRICS)}")
        if self.value is not None and (self.value < 0 or not math.isfinite(self.value)):
            raise ReviewError(f"a reviewed value must be a count of zero or more, not {self.value}")
        if self.source is not None and not self.source.strip():
            raise ReviewError("a reviewed source needs a name")


@dataclass(frozen=True)
class ReviewEntry:
    """One change in a claim's audit trail."""

    review_id: int
    claim_id: int
    field: str
    old: str | None
    new: str | None
    note: str | None
    reviewer: str
    at: dt.datetime


def reviewer_name(given: str | None) -> str:
    """Who is reviewing: ``--by`` when given, else the operating-system user."""
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (a bare container)
        return "unknown"


def review(store: Store, claim_id: int, correction: Correction, reviewer: str) -> list[ReviewEntry]:
    """Record ``correction`` on claim ``claim_id`` in one transaction; return the trail rows added."""
    correction.check()
    if correction.source is not None:
        correction = Correction(correction.status, correction.value, correction.metric,
                                canonical_source_name(store, correction.source.strip()), correction.note)

    def change(session: Session) -> list[ReviewEntry]:
        claim = session.get(ClaimRow, claim_id)
        if claim is None:
            raise ReviewError(f"no claim {claim_id} in {store.label}")
        before = figures.claim_key(claim.model_dump())
        rows = _apply(claim, correction, reviewer)
        session.add(claim)
        session.add_all(rows)
        session.flush()
        # The claim may leave its figure (a new value, metric or source) and its status shows on it.
        figures.refresh(session.connection(), (before, figures.claim_key(claim.model_dump())))
        return [_entry(row) for row in rows]

    try:
        return store.write(change, f"review claim {claim_id}")
    except StoreError as exc:
        raise ReviewError(str(exc)) from exc


def history(store: Store, claim_id: int) -> list[ReviewEntry]:
    """A claim's audit trail, oldest first."""
    with store.session() as session:
        rows = session.exec(select(ReviewRow).where(ReviewRow.claim_id == claim_id)
                            .order_by(col(ReviewRow.created_at), col(ReviewRow.id))).all()
        return [_entry(row) for row in rows]


def _apply(claim: ClaimRow, correction: Correction, reviewer: str) -> list[ReviewRow]:
    """Set the claim's reviewed state and return the trail rows that record each change."""
    assert claim.id is not None
    now = utcnow()
    changes: list[tuple[str, str | None, str | None]] = []
    if correction.status is not None:
        changes.append(("status", claim.review_status, correction.status))
        claim.review_status = correction.status
    if correction.value is not None:
        read = claim.value_real if claim.value_real is not None else claim.value
        now_value = claim.reviewed_value if claim.reviewed_value is not None else read
        changes.append(("value", value_text(now_value), str(correction.value)))
        # Setting back the value the extractor read clears the correction rather than repeating it.
        claim.reviewed_value = None if correction.value == read else correction.value
    if correction.metric is not None:
        changes.append(("metric", claim.reviewed_metric or claim.metric, correction.metric))
        claim.reviewed_metric = None if correction.metric == claim.metric else correction.metric
    if correction.source is not None:
        changes.append(("source", claim.reviewed_source or claim.source, correction.source))
        claim.reviewed_source = None if correction.source == claim.source else correction.source
    if correction.note is not None and not changes:
        changes.append(("note", None, None))
    return [ReviewRow(claim_id=claim.id, article_id=claim.article_id, claim_start=claim.start,
                      claim_end=claim.end, field=name, old=old, new=new, note=correction.note,
                      reviewer=reviewer, created_at=now)
            for name, old, new in changes]


def value_text(value: int | float) -> str:
    """A figure as the review trail writes it: "118", not "118.0"."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _entry(row: ReviewRow) -> ReviewEntry:
    assert row.id is not None
    at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return ReviewEntry(row.id, row.claim_id, row.field, row.old, row.new, row.note, row.reviewer, at)
