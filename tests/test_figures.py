"""The figures table stays what grouping the claims afresh gives, through every write claimtrack makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from claimtrack import figures, migrate
from claimtrack.extract import extract_file
from claimtrack.models import SCHEMA_VERSION
from claimtrack.store import Store
from tests.conftest import EXAMPLES, sql
from tests.test_cli import plain, run

FIRST_CLAIM = len(figures.KEY_COLUMNS)  # where a figure row names its first claim


def table(db: str) -> set[tuple[Any, ...]]:
    with Store.open(db, create=False) as store, store.connect() as conn:
        return set(figures.stored(conn))


def grouped_afresh(db: str) -> set[tuple[Any, ...]]:
    with Store.open(db, create=False) as store, store.connect() as conn:
        return {row for rows in figures.every_computed(conn) for row in rows}


def in_step(db: str) -> set[tuple[Any, ...]]:
    """The table, after checking it holds exactly the figures the claims make."""
    kept = table(db)
    assert kept == grouped_afresh(db)
    return kept


def figure_of(rows: set[tuple[Any, ...]], claim_id: int) -> dict[str, Any]:
    """The figure row holding a claim, by column name."""
    [row] = [row for row in rows if str(claim_id) in row[FIRST_CLAIM + 3].split(",")]
    return dict(zip(figures.COLUMNS, row, strict=True))


def test_adding_groups_repeats_into_one_figure_each(examples_db: str) -> None:
    rows = in_step(examples_db)
    claims = sql(examples_db, "SELECT count(*) FROM claims")[0][0]
    assert sum(len(row[FIRST_CLAIM + 3].split(",")) for row in rows) == claims == 38
    relayed = [row for row in rows if "," in row[FIRST_CLAIM + 4]]  # printed by several articles
    assert relayed and len(rows) < claims


def test_adding_the_same_articles_again_changes_no_figure(examples_db: str) -> None:
    before = in_step(examples_db)
    assert run("add", str(EXAMPLES), "--quiet", "--db", examples_db)[0] == 0
    assert in_step(examples_db) == before


def test_a_repeat_added_later_joins_its_figure(db_url: str, tmp_path: Path) -> None:
    example = EXAMPLES / "02-en-toll-rises.txt"
    copy = tmp_path / "copy.txt"  # the same sentences in another article: the same figures again
    copy.write_text(example.read_text(encoding="utf-8") + "\nReported again by a second outlet.\n", encoding="utf-8")
    with Store.open(db_url) as store:
        store.add(extract_file(example), str(example))
    once = in_step(db_url)
    with Store.open(db_url) as store:
        store.add(extract_file(copy), str(copy))
    twice = in_step(db_url)
    assert len(twice) == len(once)  # no new figure: each gained a claim from the second article
    assert all(len(figure_of(twice, row[FIRST_CLAIM])["article_ids"].split(",")) == 2 for row in once)


def test_a_review_moves_a_claim_between_figures_and_back(examples_db: str) -> None:
    before = in_step(examples_db)
    claim = 10
    figure = figure_of(before, claim)
    assert run("review", str(claim), "--value", "999", "--status", "disputed", "--db", examples_db)[0] == 0
    after = in_step(examples_db)
    moved = figure_of(after, claim)
    assert (moved["value"], moved["review"], moved["corrected"], moved["claim_ids"]) == (999, "disputed", True,
                                                                                          str(claim))
    left = figure["claim_ids"].split(",")
    if len(left) > 1:  # the figure it left lost it
        assert str(claim) not in figure_of(after, int(next(i for i in left if i != str(claim))))["claim_ids"]
    read = figure["value_real"] if figure["value_real"] is not None else figure["value"]
    assert run("review", str(claim), "--value", str(read), "--db", examples_db)[0] == 0
    back = figure_of(in_step(examples_db), claim)
    assert (back["claim_ids"], back["review"], back["corrected"]) == (figure["claim_ids"], "disputed", False)


def test_a_status_alone_shows_on_the_figure(examples_db: str) -> None:
    assert run("review", "5", "--status", "verified", "--db", examples_db)[0] == 0
    assert "verified" in figure_of(in_step(examples_db), 5)["review"].split(",")


def test_reextract_brings_figures_of_hand_edited_claims_back_in_step(examples_db: str) -> None:
    before = in_step(examples_db)
    sql(examples_db, "UPDATE claims SET value = 7 WHERE id = 3")  # as an older claimtrack might have read it
    assert table(examples_db) != grouped_afresh(examples_db)  # edited outside claimtrack: behind
    assert run("reextract", "--db", examples_db)[0] == 0
    assert in_step(examples_db) == before


def test_db_check_names_a_figure_behind_its_claims_and_regroup_writes_it_again(examples_db: str) -> None:
    sql(examples_db, "UPDATE figures SET value = value + 1 WHERE first_claim = 1")
    code, out, _ = run("db", "check", "--db", examples_db)
    assert code == 1 and "figures │ problem" in plain(out) and "figure 1" in plain(out)
    code, out, _ = run("db", "regroup", "--db", examples_db)
    assert code == 0 and "figures written from the claims" in out
    code, out, _ = run("db", "check", "--db", examples_db)
    assert code == 0 and "figures │ ok" in plain(out)


def v2_copy(current: Path) -> None:
    """Make ``current`` a version 2 database: no figures table."""
    conn = sqlite3.connect(current)
    with conn:
        conn.execute("DROP TABLE figures")
        conn.execute("UPDATE schema_version SET version = 2")
    conn.close()


def test_migration_to_version_3_groups_the_stored_claims(tmp_path: Path) -> None:
    path = tmp_path / "claims.db"
    assert run("add", str(EXAMPLES), "--quiet", "--db", str(path))[0] == 0
    assert run("review", "4", "--value", "500", "--db", str(path))[0] == 0
    expected = in_step(str(path))
    v2_copy(path)
    with Store.open(str(path), notify=None) as store:
        assert store.migration is not None and (store.migration.from_version, store.migration.to_version) == (
            2, SCHEMA_VERSION)
    assert in_step(str(path)) == expected
    assert figure_of(expected, 4)["value"] == 500


def v3_copy(current: Path) -> None:
    """Make ``current`` a version 3 database: its figures table and index as version 3 had them."""
    with Store.open(str(current), create=False) as store, store.connect() as conn:
        conn.exec_driver_sql("DROP TABLE figures")
        table = migrate._figures_v3()
        table.create(conn)
        figures.rebuild(conn, into=table)
        conn.exec_driver_sql("UPDATE schema_version SET version = 3 WHERE version = 4")
        conn.commit()


def test_migration_to_version_4_keeps_every_figure_and_what_diff_shows(tmp_path: Path) -> None:
    path = tmp_path / "claims.db"
    assert run("add", str(EXAMPLES), "--quiet", "--db", str(path))[0] == 0
    assert run("review", "4", "--value", "500", "--db", str(path))[0] == 0
    expected = in_step(str(path))
    shown = [run("diff", "--metric", "killed", "--db", str(path), *options) for options in ((), ("--json",))]
    v3_copy(path)
    assert "first_article" not in {row[1] for row in sql(str(path), "PRAGMA table_info(figures)")}
    with Store.open(str(path), notify=None) as store:
        assert store.migration is not None and (store.migration.from_version, store.migration.to_version) == (
            3, SCHEMA_VERSION)
    assert in_step(str(path)) == expected
    assert [run("diff", "--metric", "killed", "--db", str(path), *options) for options in ((), ("--json",))] == shown
    Store.open(str(tmp_path / "new.db")).close()
    schema = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'figures' ORDER BY name"
    assert sql(str(path), schema) == sql(str(tmp_path / "new.db"), schema)


def test_diff_reads_the_same_series_from_either_database(examples_db: str, tmp_path: Path) -> None:
    reference = str(tmp_path / "reference.db")  # an SQLite file holding the same claims and review
    assert run("add", str(EXAMPLES), "--quiet", "--db", reference)[0] == 0
    for db in (examples_db, reference):
        assert run("review", "10", "--value", "999", "--status", "disputed", "--db", db)[0] == 0
    for options in (["--json"], ["--json", "--by", "source"], ["--csv", "--outlet", "Valley Herald"],
                    ["--csv", "--source", "health ministry", "--since", "2025-03-05"]):
        read = run("diff", "--metric", "killed", "--db", examples_db, *options)
        assert read[0] == 0 and read == run("diff", "--metric", "killed", "--db", reference, *options)


def test_a_batch_of_documents_repeating_figures_writes_each_figure_once(db_url: str, tmp_path: Path) -> None:
    example = EXAMPLES / "02-en-toll-rises.txt"
    copies = []
    for n in range(3):  # the same figures in three more articles, added in one transaction
        copy = tmp_path / f"copy-{n}.txt"
        copy.write_text(example.read_text(encoding="utf-8") + f"\nRelayed by outlet {n}.\n", encoding="utf-8")
        copies.append(copy)
    with Store.open(db_url) as store, store.batch() as batch:
        for path in (example, *copies):
            batch.add(extract_file(path), str(path), lambda _outcome: None)
    rows = in_step(db_url)
    assert rows and all(len(row[FIRST_CLAIM + 4].split(",")) == 4 for row in rows)  # each in all four articles
