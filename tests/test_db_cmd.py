"""``claimtrack db check`` and ``claimtrack db migrate``, on SQLite and (when a server is set up) PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack.models import SCHEMA_VERSION
from tests.conftest import EXAMPLES, sql
from tests.test_cli import plain, run
from tests.test_migrate import v1_copy


@pytest.fixture
def examples_db(db_url: str) -> str:
    code, _, err = run("add", str(EXAMPLES), "--db", db_url, "--quiet")
    assert code == 0, err
    return db_url


def check(db_url: str) -> tuple[int, str]:
    code, out, err = run("db", "check", "--db", db_url)
    assert "Traceback" not in out + err
    return code, plain(out + err)


def test_a_sound_database_passes_every_check(examples_db: str) -> None:
    code, out = check(examples_db)
    assert code == 0, out
    assert "problem" not in out
    for name in ("schema version", "claims at their offsets", "text digests", "no orphans", "reviewed values",
                 "report columns", "figures"):
        assert f"{name} │ ok" in out
    assert f"version {SCHEMA_VERSION}" in out and "38 claims" in out


def test_a_claim_edited_by_hand_is_named(examples_db: str) -> None:
    sql(examples_db, "UPDATE claims SET text = '999' WHERE id = 3")
    code, out = check(examples_db)
    assert code == 1
    assert "claims at their offsets │ problem" in out and "claim 3" in out


def test_claim_offsets_moved_by_hand_are_named(examples_db: str) -> None:
    sql(examples_db, 'UPDATE claims SET start = start + 1, "end" = "end" + 1 WHERE id IN (5, 7)')
    code, out = check(examples_db)
    assert code == 1 and "2 claims whose text" in out and "claim 5, 7" in out


def test_an_article_whose_text_changed_fails_its_digest(examples_db: str) -> None:
    sql(examples_db, "UPDATE articles SET text = text || ' ' WHERE id = 2")
    code, out = check(examples_db)
    assert code == 1
    assert "text digests │ problem" in out and "article 2" in out
    if "://" not in examples_db:  # SQLite's search index no longer matches the article either
        assert "full-text index │ problem" in out


def test_a_reviewed_value_without_its_review_is_a_problem(examples_db: str) -> None:
    sql(examples_db, "UPDATE claims SET reviewed_value = 140 WHERE id = 1")
    code, out = check(examples_db)
    assert code == 1 and "reviewed values │ problem" in out and "claim 1" in out


def test_reviewed_columns_that_follow_the_latest_review_pass(examples_db: str) -> None:
    for old, new in (("64", "60"), ("60", "65")):
        sql(examples_db, "INSERT INTO reviews (claim_id, article_id, claim_start, claim_end, field, old, new, "
                         "reviewer, created_at) SELECT id, article_id, start, \"end\", 'value', :old, :new, "
                         "'desk', '2025-03-09 10:00:00' FROM claims WHERE id = 1", old=old, new=new)
    sql(examples_db, "UPDATE claims SET reviewed_value = 65 WHERE id = 1")
    assert run("db", "regroup", "--db", examples_db)[0] == 0  # the claim's figure, after a hand edit
    code, out = check(examples_db)
    assert code == 0, out


@pytest.mark.parametrize("edit", [
    "UPDATE claims SET figure_date = '1999-01-01' WHERE id = 4",
    "UPDATE claims SET figure_date = NULL WHERE id = 4",
    "UPDATE claims SET outlet = 'Elsewhere' WHERE id = 4",
    "UPDATE claims SET series_subject = 'someone' WHERE id = 4",
    "UPDATE claims SET period_kind = CASE WHEN period_kind = 'period' THEN 'event' ELSE 'period' END WHERE id = 4",
])
def test_report_columns_that_disagree_with_their_sources_are_named(examples_db: str, edit: str) -> None:
    sql(examples_db, edit)
    code, out = check(examples_db)
    assert code == 1 and "report columns │ problem" in out and "claim 4" in out


def test_an_article_outlet_changed_by_hand_is_named_on_its_claims(examples_db: str) -> None:
    sql(examples_db, "UPDATE articles SET outlet = 'Renamed' WHERE id = (SELECT article_id FROM claims WHERE id = 4)")
    code, out = check(examples_db)
    assert code == 1 and "report columns │ problem" in out and "outlet" in out


def test_check_on_a_missing_database_is_one_line(tmp_path: Path) -> None:
    code, out, err = run("db", "check", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no such file" in err and not (tmp_path / "none.db").exists()


def test_migrate_a_current_database_does_nothing(examples_db: str) -> None:
    code, out, _ = run("db", "migrate", "--db", examples_db)
    assert code == 0 and "nothing to migrate" in out


def test_migrate_a_version_1_file_says_where_the_copy_is(tmp_path: Path) -> None:
    current = tmp_path / "current.db"
    assert run("add", str(EXAMPLES), "--db", str(current), "--quiet")[0] == 0
    old = tmp_path / "old.db"
    v1_copy(current, old)
    code, out, _ = run("db", "migrate", "--db", str(old))
    assert code == 0, out
    [backup] = tmp_path.glob("old.v1-backup-*.db")
    assert f"from schema version 1 to {SCHEMA_VERSION}" in out and str(backup) in plain(out).replace("\n", "")
    assert check(str(old))[0] == 0
