"""export: claims with their provenance as CSV, JSON Lines and schema.org ClaimReview."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from claimtrack.export import CSV_COLUMNS
from tests.test_cli import run


def test_csv_has_a_row_per_claim_with_provenance(examples_db: str) -> None:
    code, out, _ = run("export", "--format", "csv", "--db", examples_db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 38
    assert tuple(rows[0]) == CSV_COLUMNS
    for row in rows:  # the figure's text is where its offsets say, in the file it came from
        text = Path(row["file"]).read_text(encoding="utf-8")
        assert text[int(row["start"]):int(row["end"])] == row["text"]


def test_filters_narrow_the_export(examples_db: str) -> None:
    code, out, _ = run("export", "-f", "csv", "--metric", "killed", "--outlet", "Meridian Wire",
                       "--db", examples_db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and all(r["metric"] == "killed" and r["outlet"] == "Meridian Wire" for r in rows)


def test_jsonl_to_a_file(examples_db: str, tmp_path: Path) -> None:
    target = tmp_path / "claims.jsonl"
    code, _, err = run("export", "-f", "jsonl", "-o", str(target), "--db", examples_db)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert code == 0 and "38 claims written" in err
    assert len(lines) == 38 and all(json.loads(line)["claim_id"] for line in lines)


def test_export_refuses_an_unknown_format_and_a_directory(examples_db: str, tmp_path: Path) -> None:
    code, _, err = run("export", "-f", "xml", "--db", examples_db)
    assert code == 2 and "the formats are: csv, jsonl, claimreview" in err
    code, _, err = run("export", "-o", str(tmp_path), "--db", examples_db)
    assert code == 1 and "is a directory" in err


def check_claim_review(item: dict[str, Any]) -> None:
    """The schema.org ClaimReview shape (and what search engines require of it)."""
    assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
    assert isinstance(item["claimReviewed"], str) and item["claimReviewed"]
    reviewed = item["itemReviewed"]
    assert reviewed["@type"] == "Claim"
    assert reviewed["author"]["@type"] in ("Organization", "Person") and reviewed["author"]["name"]
    assert reviewed["appearance"]["@type"] in ("NewsArticle", "CreativeWork")
    rating = item["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert item["author"]["@type"] in ("Organization", "Person") and item["author"]["name"]
    dt.date.fromisoformat(item["datePublished"])


def test_claimreview_for_reviewed_claims_only(examples_db: str) -> None:
    code, out, _ = run("claims", "--json", "--metric", "killed", "--limit", "2", "--db", examples_db)
    first, second = (c["claim_id"] for c in json.loads(out))
    run("review", str(first), "--status", "verified", "--by", "amal", "--db", examples_db)
    run("review", str(second), "--status", "wrong", "--note", "misattributed", "--db", examples_db)
    code, out, _ = run("export", "-f", "claimreview", "--publisher", "Desk Check", "--db", examples_db)
    items = json.loads(out)
    assert code == 0 and len(items) == 2
    for item in items:
        check_claim_review(item)
        assert item["author"] == {"@type": "Organization", "name": "Desk Check"}
    assert [i["reviewRating"]["alternateName"] for i in items] == ["Verified", "Wrong"]
    assert items[1]["reviewBody"] == "misattributed"
    assert items[0]["itemReviewed"]["author"]["name"] == "Health Ministry"
