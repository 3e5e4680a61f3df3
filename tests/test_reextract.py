"""reextract: stored articles read again with the current rules, keeping claim ids and reviews."""

from __future__ import annotations

import json

from tests.conftest import sql
from tests.test_browse import claims_json
from tests.test_cli import plain, run


def test_nothing_changes_when_the_rules_have_not(examples_db: str) -> None:
    before = claims_json(examples_db)
    code, out, _ = run("reextract", "--db", examples_db)
    assert code == 0 and "7 files (7 articles) read again: 38 claims kept, 0 added, 0 removed" in plain(out)
    assert claims_json(examples_db) == before


def test_an_older_reading_is_brought_up_to_date_keeping_id_and_review(examples_db: str) -> None:
    claim = claims_json(examples_db, "--metric", "killed", "--outlet", "Meridian Wire")[0]
    cid = claim["claim_id"]
    assert run("review", str(cid), "--status", "verified", "--db", examples_db)[0] == 0
    # As an older claimtrack might have read it: another metric, value and period.
    sql(examples_db, "UPDATE claims SET metric = 'missing', value = 7, period = 'event' WHERE id = :id", id=cid)
    code, out, _ = run("reextract", "--db", examples_db)
    assert code == 0 and "38 claims kept" in plain(out)
    code, out, _ = run("show", str(cid), "--json", "--db", examples_db)
    shown = json.loads(out)
    assert (shown["metric"], shown["value"], shown["period"]) == (claim["metric"], claim["value"], claim["period"])
    assert shown["review_status"] == "verified" and len(shown["reviews"]) == 1


def test_new_figures_are_added_and_figures_no_longer_read_removed(examples_db: str) -> None:
    first, second = (c["claim_id"] for c in claims_json(examples_db, "--limit", "2"))
    sql(examples_db, "DELETE FROM claims WHERE id = :id", id=first)
    # A claim no current rule reads: at the offsets of the article title.
    sql(examples_db, "INSERT INTO claims (article_id, metric, value, qualifier, via, start, \"end\", text, sentence, "
        "sentence_start, rule, confidence, cues, flags, created_at) "
        "SELECT article_id, 'rockets', 3, 'exact', '[]', 0, 1, 'x', 'x', 0, 'old', 0.5, '[]', '[]', created_at "
        "FROM claims WHERE id = :id", id=second)
    code, out, _ = run("reextract", "--db", examples_db)
    assert code == 0 and "1 added, 1 removed" in plain(out)
    assert len(claims_json(examples_db)) == 38
    assert [c for c in claims_json(examples_db) if c["rule"] == "old"] == []


def test_a_reviewed_figure_no_longer_read_is_kept_and_flagged(examples_db: str) -> None:
    cid = claims_json(examples_db, "--limit", "1")[0]["claim_id"]
    sql(examples_db, "UPDATE claims SET start = 0, \"end\" = 1 WHERE id = :id", id=cid)  # where no rule reads one
    assert run("review", str(cid), "--status", "disputed", "--db", examples_db)[0] == 0
    code, out, _ = run("reextract", "--db", examples_db)
    assert code == 0 and "1 reviewed claim no longer read kept" in plain(out)
    code, out, _ = run("show", str(cid), "--json", "--db", examples_db)
    assert "not-read-again" in json.loads(out)["flags"] and json.loads(out)["review_status"] == "disputed"
    assert len(claims_json(examples_db)) == 39  # the figure is read again as a new claim beside it


def test_reextract_one_article_and_an_unknown_one(examples_db: str) -> None:
    code, out, _ = run("reextract", "--article", "2", "--db", examples_db)
    assert code == 0 and "1 file (1 article) read again" in plain(out)
    code, _, err = run("reextract", "--article", "999", "--db", examples_db)
    assert code == 1 and "no article 999" in err
