"""Reviews: verdicts and corrections kept beside what the extractor read, as an audit trail."""

from __future__ import annotations

import json

import pytest

from claimtrack.queries import get_claim
from claimtrack.reviews import Correction, ReviewError, history, review
from claimtrack.store import Store
from tests.conftest import EXAMPLES, sql
from tests.test_browse import claims_json
from tests.test_cli import plain, run


def ministry_118(db: str) -> dict[str, object]:
    return claims_json(db, "--metric", "killed", "--since", "2025-03-05", "--until", "2025-03-05",
                       "--source", "Health Ministry")[0]


def test_a_correction_sits_beside_the_extractors_reading(examples_db: str) -> None:
    claim = ministry_118(examples_db)
    code, out, err = run("review", str(claim["claim_id"]), "--value", "120", "--status", "disputed",
                         "--note", "the bulletin says 120", "--by", "R. Haddad", "--db", examples_db)
    assert code == 0, err
    assert "now reads: killed 120" in plain(out) and "disputed; corrected value" in plain(out)
    code, out, _ = run("show", str(claim["claim_id"]), "--json", "--db", examples_db)
    shown = json.loads(out)
    assert (shown["value"], shown["review_status"]) == (120, "disputed")
    assert shown["extracted"]["value"] == 118  # what the article was read as saying is kept
    assert [(r["field"], r["old"], r["new"], r["by"]) for r in shown["reviews"]] == [
        ("status", None, "disputed", "R. Haddad"), ("value", "118", "120", "R. Haddad")]
    # the extractor's columns are untouched
    assert sql(examples_db, "SELECT value FROM claims WHERE id = :id", id=claim["claim_id"]) == [(118,)]


def test_reports_and_filters_use_the_reviewed_metric_and_source(examples_db: str) -> None:
    claim = ministry_118(examples_db)
    cid = str(claim["claim_id"])
    assert run("review", cid, "--metric", "missing", "--source", "Sarra Red Crescent", "--db", examples_db)[0] == 0
    assert cid not in {str(c["claim_id"]) for c in claims_json(examples_db, "--metric", "killed")}
    moved = {str(c["claim_id"]): c for c in claims_json(examples_db, "--metric", "missing")}
    assert moved[cid]["source"] == "Sarra Red Crescent"
    assert cid in {str(c["claim_id"]) for c in claims_json(examples_db, "--source", "Sarra Red Crescent")}
    assert cid not in {str(c["claim_id"]) for c in claims_json(examples_db, "--source", "Health Ministry")}


def test_the_trail_keeps_every_change_in_order(examples_db: str) -> None:
    cid = ministry_118(examples_db)["claim_id"]
    assert isinstance(cid, int)
    with Store.open(examples_db) as store:
        review(store, cid, Correction(status="verified"), "amal")
        review(store, cid, Correction(status="wrong", note="retracted"), "omar")
        review(store, cid, Correction(value=118), "omar")  # back to the value read: the correction clears
        trail = history(store, cid)
        claim = get_claim(store, cid)
    assert [(e.field, e.old, e.new, e.reviewer) for e in trail] == [
        ("status", None, "verified", "amal"), ("status", "verified", "wrong", "omar"),
        ("value", "118", "118", "omar")]
    assert claim is not None and claim.review_status == "wrong" and claim.reviewed_fields == ()


def test_reviews_survive_adding_the_same_articles_again(examples_db: str) -> None:
    cid = str(ministry_118(examples_db)["claim_id"])
    assert run("review", cid, "--status", "verified", "--db", examples_db)[0] == 0
    assert run("add", str(EXAMPLES), "--quiet", "--db", examples_db)[0] == 0
    code, out, _ = run("show", cid, "--json", "--db", examples_db)
    assert json.loads(out)["review_status"] == "verified" and len(json.loads(out)["reviews"]) == 1


def test_claims_filter_by_review_status(examples_db: str) -> None:
    cid = ministry_118(examples_db)["claim_id"]
    run("review", str(cid), "--status", "wrong", "--db", examples_db)
    assert [c["claim_id"] for c in claims_json(examples_db, "--status", "wrong")] == [cid]
    assert len(claims_json(examples_db, "--status", "unreviewed")) == 37


@pytest.mark.parametrize(("args", "code", "message"), [
    ([], 2, "nothing to review"),
    (["--status", "true"], 2, "unknown status 'true'"),
    (["--metric", "deaths"], 2, "unknown metric 'deaths'"),
    (["--value", "-3"], 1, "zero or more"),
])
def test_bad_reviews_change_nothing(examples_db: str, args: list[str], code: int, message: str) -> None:
    cid = str(ministry_118(examples_db)["claim_id"])
    got, _, err = run("review", cid, *args, "--db", examples_db)
    assert got == code and message in err and "Traceback" not in err
    code, out, _ = run("show", cid, "--json", "--db", examples_db)
    assert json.loads(out)["reviews"] == []


def test_review_of_a_claim_that_does_not_exist(examples_db: str) -> None:
    code, _, err = run("review", "9999", "--status", "verified", "--db", examples_db)
    assert code == 1 and "no claim 9999" in err


def test_a_source_alias_is_stored_by_its_canonical_name(examples_db: str) -> None:
    cid = ministry_118(examples_db)["claim_id"]
    assert isinstance(cid, int)
    with Store.open(examples_db) as store:
        review(store, cid, Correction(source="وزارة الصحة في غزة"), "amal")
        claim = get_claim(store, cid)
        with pytest.raises(ReviewError):
            review(store, cid, Correction(source="  "), "amal")
    assert claim is not None and claim.source == "Gaza Health Ministry"


def test_db_check_accepts_the_trail_of_reviews(examples_db: str) -> None:
    cid = str(ministry_118(examples_db)["claim_id"])
    for args in (["--status", "verified", "--value", "120"], ["--value", "118", "--metric", "missing"],
                 ["--source", "Sarra Red Crescent", "--status", "wrong"], ["--metric", "killed"]):
        assert run("review", cid, *args, "--db", examples_db)[0] == 0
        code, out, _ = run("db", "check", "--db", examples_db)
        assert code == 0, plain(out)
