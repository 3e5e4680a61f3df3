"""Claims as files to share: CSV, JSON Lines, and ClaimReview JSON-LD for reviewed claims.

Pure functions from :class:`~claimtrack.queries.ClaimRecord` records to text; nothing here
reads the database or the terminal.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from claimtrack.queries import ClaimRecord
from claimtrack.reviews import ReviewEntry

FORMATS = ("csv", "jsonl", "claimreview")

CSV_COLUMNS = (
    "claim_id", "article_id", "date", "metric", "value", "value_max", "qualifier", "subject", "location",
    "period", "source", "source_kind", "via", "as_of", "published", "date_source", "outlet", "title", "url",
    "text", "start", "end", "sentence", "rule", "confidence", "review_status", "extracted_metric",
    "extracted_value", "extracted_source", "file",
)

# schema.org ClaimReview ratings: the review status on a 1 (worst) to 3 (best) scale.
RATINGS = {"verified": (3, "Verified"), "disputed": (2, "Disputed"), "wrong": (1, "Wrong")}


def to_csv(claims: Iterable[ClaimRecord]) -> str:
    """One row per claim under a header; relays in ``via`` joined outermost first with " > "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in claims:
        data = c.to_json()
        data["via"] = " > ".join(c.via)
        data["cues"] = None
        data["extracted_metric"], data["extracted_value"] = c.extracted.metric, c.extracted.value
        data["extracted_source"] = c.extracted.source
        writer.writerow(["" if data.get(name) is None else data[name] for name in CSV_COLUMNS])
    return out.getvalue()


def to_jsonl(claims: Iterable[ClaimRecord]) -> str:
    """One JSON object per line: every field of :meth:`ClaimRecord.to_json`."""
    return "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in claims)


def claim_review(claim: ClaimRecord, trail: Sequence[ReviewEntry], publisher: str | None = None) -> dict[str, object]:
    """The schema.org ClaimReview of a reviewed claim: what was claimed, by whom, where it
    appeared, and the reviewer's rating. ``claim.review_status`` must be set."""
    if claim.review_status not in RATINGS:
        raise ValueError(f"claim {claim.claim_id} has no review status to publish")
    rating, name = RATINGS[claim.review_status]
    decided = [e for e in trail if e.field == "status"]
    last = decided[-1] if decided else (trail[-1] if trail else None)
    appearance: dict[str, object] = {"@type": "NewsArticle"}
    for key, value in (("url", claim.url), ("headline", claim.title),
                       ("datePublished", claim.published.isoformat() if claim.published else None)):
        if value:
            appearance[key] = value
    if claim.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": claim.outlet}
    item: dict[str, object] = {"@type": "Claim", "appearance": appearance}
    if claim.source:
        item["author"] = {"@type": "Organization", "name": claim.source}
    if claim.date:
        item["datePublished"] = claim.date.isoformat()
    review: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.sentence,
        "itemReviewed": item,
        "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 3, "worstRating": 1,
                         "alternateName": name},
        "author": {"@type": "Organization", "name": publisher} if publisher
        else {"@type": "Person", "name": last.reviewer if last else "unknown"},
    }
    if last is not None:
        review["datePublished"] = last.at.date().isoformat()
    notes = [e.note for e in trail if e.note]
    if notes:
        review["reviewBody"] = notes[-1]
    return review


def to_claimreview(reviewed: Iterable[tuple[ClaimRecord, Sequence[ReviewEntry]]],
                   publisher: str | None = None) -> str:
    """A JSON array of ClaimReview objects, one per reviewed claim."""
    items = [claim_review(claim, trail, publisher) for claim, trail in reviewed]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"
