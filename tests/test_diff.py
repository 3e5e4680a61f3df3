"""``claimtrack diff`` over a database: repeats collapsed in SQL, reviewed values, filters, JSON, CSV, plot."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import io
import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from claimtrack import series_query
from claimtrack.cli import diff_cmd
from claimtrack.records import Article, Claim, Extraction
from claimtrack.report import Series, SeriesRow, build_series, series_to_json
from claimtrack.reviews import Correction, review
from claimtrack.series_query import Filters, fetch_figures, load_series
from claimtrack.store import Store
from tests.conftest import EXAMPLES
from tests.test_cli import plain, run

D1, D2, D3 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
_stories = itertools.count(1)


def article(store: Store, published: dt.date, outlet: str, *figures: tuple[int, dict[str, Any]]) -> None:
    """Store one article by ``outlet`` whose sentences each carry one figure (value, claim fields)."""
    sentences = [f"Figure {value} reported by {outlet} on {published}." for value, _ in figures]
    text = " ".join(sentences) + f" (Story {next(_stories)}.)"  # no two articles alike, or one is not stored
    claims = []
    offset = 0
    for sentence, (value, fields) in zip(sentences, figures, strict=True):
        start = text.index(str(value), offset)
        claim: dict[str, Any] = {
            "metric": "killed", "value": value, "value_max": None, "qualifier": "exact", "subject": "people",
            "location": "Gaza", "period": "cumulative", "source": "Gaza Health Ministry", "via": (),
            "as_of": None, "start": start, "end": start + len(str(value)), "text": str(value),
            "sentence": sentence, "sentence_start": text.index(sentence), "article": 0, "published": published,
            "rule": "digits", "confidence": 0.9,
        }
        claims.append(Claim(**(claim | fields)))
        offset = start + len(str(value))
    store.add(Extraction(text, "utf-8", (Article(0, 0, len(text), None, published, "given", outlet, "en"),),
                         tuple(claims)), f"{outlet}-{published}.txt")


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store.open(str(tmp_path / "c.db")) as opened:
        yield opened


def reviewed(store: Store, claim_id: int, **fields: Any) -> None:
    """Review a claim as the review command does (which keeps its figure in step)."""
    review(store, claim_id, Correction(**fields), "desk")


def test_five_outlets_relaying_one_bulletin_are_one_row(store: Store) -> None:
    for outlet in ("Alhurra", "Reuters", "BBC", "Al Jazeera", "Reuters"):
        article(store, D2, outlet, (4200, {}))
    article(store, D1, "WAFA", (4000, {}))
    [series] = load_series(store, Filters("killed"))
    first, relayed = series.rows
    assert (first.value, relayed.value, relayed.change) == (4000, 4200, 200)
    assert relayed.claim_ids == (1, 2, 3, 4, 5)
    assert relayed.article_ids == (1, 2, 3, 4, 5)
    assert relayed.outlet == "Alhurra" and set(relayed.outlets) == {"Alhurra", "Reuters", "BBC", "Al Jazeera"}


def test_the_database_groups_repeats_as_the_library_does(tmp_path: Path) -> None:
    db = tmp_path / "examples.db"
    assert run("add", str(EXAMPLES), "--db", str(db), "--quiet")[0] == 0
    with Store.open(str(db), create=False) as store:
        for metric in ("killed", "wounded", "missing", "displaced"):
            assert load_series(store, Filters(metric)) == build_series(store.claims(metric=metric)), metric
            assert load_series(store, Filters(metric), by_source=True) == build_series(
                store.claims(metric=metric), by_source=True), metric


def test_a_series_shows_the_wording_its_figures_agree_on_in_each_database(db_url: str) -> None:
    """load_series reads a kind of period of a place and subject at a time (places and subjects null
    or not), and the database works out the subject each series shows: its figures' own wording
    when they all agree, by source when split by source, else the series subject."""
    with Store.open(db_url) as store:
        article(store, D1, "Alhurra", (100, {"subject": "people", "source": "UN"}), (90, {"subject": "Palestinians"}),
                (7, {"location": None, "subject": "children"}), (6, {"location": None, "subject": None}))
        article(store, D2, "BBC", (120, {"subject": "people", "source": "UN"}), (95, {"subject": "Palestinians"}),
                (8, {"location": None, "subject": "children"}), (66, {"location": None, "subject": "people"}))
        claims = store.claims(metric="killed")
        for by_source in (False, True):
            series = load_series(store, Filters("killed"), by_source)
            assert series == build_series(claims, by_source)
            for filters in (Filters("killed"), Filters("killed", location="gaza"),
                            Filters("killed", source="un", since=D2)):
                assert shown(load_series(store, filters, by_source, lists=False)) == shown(
                    load_series(store, filters, by_source)), filters
        assert {(s.location, s.source, s.subject) for s in load_series(store, Filters("killed"), by_source=True)} == {
            ("Gaza", "UN", "people"), ("Gaza", "Gaza Health Ministry", "Palestinians"),
            (None, "Gaza Health Ministry", "children"), (None, "Gaza Health Ministry", None)}
        assert {(s.location, s.subject) for s in load_series(store, Filters("killed"))} == {
            ("Gaza", None), (None, "children"), (None, None)}


def test_a_report_read_while_an_article_is_added_shows_one_moment(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """diff reads each kind of period apart; an article committed between two of those reads shows
    in none of them, so no series holds figures from a later moment than another's."""
    with Store.open(db_url) as store, Store.open(db_url) as other_writer:
        article(store, D1, "Alhurra", (100, {}), (9, {"period": "period"}))
        before = load_series(store, Filters("killed"))
        reads = []
        read = series_query._KindReader.rows

        def rows_then_write(self: Any, *given: Any) -> Any:
            found = read(self, *given)
            reads.append(len(found))
            if len(reads) == 1:  # after the first kind's read, before the other's
                article(other_writer, D2, "BBC", (120, {}), (20, {"period": "period"}))
            return found

        monkeypatch.setattr(series_query._KindReader, "rows", rows_then_write)
        assert load_series(store, Filters("killed")) == before
        assert reads == [1, 1]
        monkeypatch.undo()
        assert [len(s.rows) for s in load_series(store, Filters("killed"))] == [2, 2]  # the write landed


def test_a_reviewed_value_metric_and_source_replace_the_extractors(store: Store) -> None:
    article(store, D1, "Alhurra", (100, {}), (7, {"metric": "wounded"}))
    article(store, D2, "BBC", (180, {}))
    reviewed(store, 3, status="disputed", value=150)
    reviewed(store, 2, status="verified", metric="killed", source="UN")
    rows = {row.claim_id: row for s in load_series(store, Filters("killed")) for row in s.rows}
    assert (rows[3].value, rows[3].review, rows[3].corrected) == (150, ("disputed",), True)
    assert (rows[2].value, rows[2].source, rows[2].review) == (7, "UN", ("verified",))
    assert load_series(store, Filters("wounded")) == []  # its metric is now killed
    assert rows[1].review == () and not rows[1].corrected


def test_a_reviewed_figure_merges_with_the_repeats_it_now_matches(store: Store) -> None:
    article(store, D1, "Alhurra", (118, {}))
    article(store, D1, "BBC", (181, {}))  # a misread 118
    reviewed(store, 2, value=118, status="wrong")
    [figure] = fetch_figures(store, Filters("killed"))
    assert (figure.value, figure.claim_ids, figure.outlets, figure.review) == (118, (1, 2), ("Alhurra", "BBC"),
                                                                             ("wrong",))


def test_figures_a_review_does_not_touch_stay_apart_in_claim_order(store: Store) -> None:
    article(store, D1, "Alhurra", (90, {}), (118, {}))
    article(store, D2, "BBC", (118, {}))  # the same value on another date: another figure
    article(store, D1, "CNN", (181, {}))
    reviewed(store, 4, value=118)
    figures = fetch_figures(store, Filters("killed"))
    assert [(f.value, f.claim_ids, f.corrected) for f in figures] == [
        (90, (1,), False), (118, (2, 4), True), (118, (3,), False)]


def test_filters(store: Store) -> None:
    article(store, D1, "Alhurra", (100, {}), (30, {"subject": "children"}), (5, {"location": "Rafah"}))
    article(store, D2, "BBC", (120, {"subject": None, "as_of": D3}), (40, {"subject": "children"}))
    article(store, D3, "BBC", (125, {"source": "UN"}))

    def values(**filters: Any) -> list[int | float]:
        return sorted(f.value for f in fetch_figures(store, Filters("killed", **filters)))

    assert values(location="rafah") == [5]
    assert values(subject="children") == [30, 40]
    assert values(subject="People") == [5, 100, 120, 125]  # the whole population, however worded
    assert values(outlet="bbc") == [40, 120, 125]
    assert values(source="un") == [125]
    assert values(since=D2) == [40, 120, 125]  # 120 is dated by its as_of
    assert values(until=D2) == [5, 30, 40, 100]
    assert values(since=D3, until=D3) == [120, 125]


def test_source_filter_finds_a_source_by_its_alias(store: Store) -> None:
    article(store, D1, "Alhurra", (100, {}))
    conn = sqlite3.connect(store.label)
    with conn:
        conn.execute("INSERT INTO source_aliases (source_id, alias, lang) VALUES (1, 'وزارة الصحة', 'ar')")
    conn.close()
    assert [f.value for f in fetch_figures(store, Filters("killed", source="وزارة الصحة"))] == [100]


@pytest.fixture
def examples_db(db: Path) -> Path:
    assert run("add", str(EXAMPLES), "--db", str(db), "--quiet")[0] == 0
    return db


def test_json_lists_the_appearances_of_each_row(examples_db: Path) -> None:
    code, out, _ = run("diff", "--metric", "killed", "--db", str(examples_db), "--json")
    assert code == 0
    rows = [row for s in json.loads(out) for row in s["rows"]]
    repeated = [row for row in rows if row["article_count"] > 1]
    assert repeated and all(len(row["claim_ids"]) == len(row["article_ids"]) == 2 for row in repeated)
    assert {"outlets", "outlet_count", "review", "corrected", "flags"} <= set(rows[0])


def test_csv_has_a_header_and_one_row_per_figure(examples_db: Path) -> None:
    code, out, _ = run("diff", "--metric", "killed", "--db", str(examples_db), "--csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    code, out, _ = run("diff", "--metric", "killed", "--db", str(examples_db), "--json")
    assert len(table) == sum(len(s["rows"]) for s in json.loads(out))
    assert {row["metric"] for row in table} == {"killed"}
    assert any(row["flags"] == "disagree" for row in table)


def test_by_source_and_period(examples_db: Path) -> None:
    code, out, _ = run("diff", "-m", "killed", "--db", str(examples_db), "--by", "source", "--period", "event",
                       "--subject", "people", "--json")
    assert code == 0
    series = json.loads(out)
    assert all(s["by_source"] and s["period"] == "event" and s["subject"] != "children" for s in series)
    assert {s["source"] for s in series} >= {"Health Ministry", "Sarra Red Crescent"}
    assert len({s["source"] for s in series}) == len(series)


def test_table_shows_repeats_and_review_marks(examples_db: Path) -> None:
    assert run("review", "5", "--status", "verified", "--db", str(examples_db))[0] == 0
    code, out, _ = run("diff", "-m", "killed", "--db", str(examples_db))
    assert code == 0
    text = plain(out)
    assert "Meridian Wire" in text or "(+1)" in text
    assert "3 (+1)" in text  # article 3, and one more article printed the same figure
    assert "verified" in text


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "5 March"), "--since must be a date as YYYY-MM-DD"),
    (("--until", "2025-13-01"), "--until must be a date as YYYY-MM-DD"),
    (("--since", "2025-03-08", "--until", "2025-03-01"), "is after --until"),
    (("--period", "daily"), "--period must be one of"),
    (("--by", "outlet"), "--by must be source"),
    (("--json", "--csv"), "choose one of"),
])
def test_bad_options_are_one_line_usage_errors(examples_db: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = run("diff", "-m", "killed", "--db", str(examples_db), *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_filters_that_match_nothing_say_so(examples_db: Path) -> None:
    code, out, _ = run("diff", "-m", "killed", "--db", str(examples_db), "--outlet", "Nowhere Times")
    assert code == 0 and "No killed figures stored for these filters." in out


def test_plot_draws_dated_lines_with_labels(examples_db: Path) -> None:
    code, out, _ = run("diff", "-m", "killed", "--db", str(examples_db), "--plot", "--by", "source",
                       "--period", "event")
    assert code == 0
    assert "killed · anywhere · event" in out  # what every line shares
    assert "anyone · Health Ministry" in out and "children · Health Ministry" in out  # what sets each apart
    assert "2025-03-03" in out and "2025-03-08" in out  # dates along the bottom
    assert "\x1b[" not in out  # no colour codes when not writing to a terminal


def shown(series: list[Series]) -> list[tuple[Any, ...]]:
    """What diff's table and chart show of each series and row: every field but the lists of claim
    ids, article ids and outlets (their first and their count instead)."""
    listed = {"claim_ids", "article_ids", "outlets"}
    return [(s.title, s.metric, s.location, s.subject, s.period, s.source, s.by_source,
             tuple((*(getattr(row, f.name) for f in dataclasses.fields(SeriesRow) if f.name not in listed),
                    row.article_count, row.outlet_count) for row in s.rows))
            for s in series]


@pytest.mark.parametrize("args", [(), ("--by", "source"), ("--subject", "children", "--since", "2025-03-05"),
                                  ("--source", "health ministry"), ("--period", "event"), ("--plot",),
                                  ("--plot", "--by", "source")])
def test_the_table_and_chart_read_without_lists_show_what_they_show_with_them(
        examples_db: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]) -> None:
    assert run("review", "10", "--value", "999", "--status", "disputed", "--db", str(examples_db))[0] == 0
    command = ("diff", "-m", "killed", "--db", str(examples_db), *args)
    without = run(*command)
    read = diff_cmd.load_series
    monkeypatch.setattr(diff_cmd, "load_series", lambda *given, lists: read(*given, lists=True))
    assert without[0] == 0 and without == run(*command)


def test_json_of_an_empty_result_is_an_empty_list(examples_db: Path) -> None:
    code, out, _ = run("diff", "-m", "rockets", "--db", str(examples_db), "--json")
    assert code == 0 and json.loads(out) == [] == series_to_json([])


def test_the_database_and_the_library_agree_on_wire_shaped_data(tmp_path: Path) -> None:
    """The benchmark's generator at a small size: relayed bulletins, misreads, whole-population wordings."""
    spec = importlib.util.spec_from_file_location("bench_reports", EXAMPLES.parent / "benchmarks" / "bench_reports.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    db = tmp_path / "wire.db"
    bench.build(db, claims=4000, articles=200, reviewed=0, days=10)  # the library reads no reviews
    with Store.open(str(db), create=False) as store:
        for metric in ("killed", "wounded", "hostages"):
            from_sql = load_series(store, Filters(metric), by_source=True)
            assert from_sql == build_series(store.claims(metric=metric), by_source=True), metric
            for filters, by_source in ((Filters(metric), False), (Filters(metric), True),
                                       (Filters(metric, location="gaza"), False),
                                       (Filters(metric, source="UN OCHA", since=bench.START), True)):
                without = load_series(store, filters, by_source, lists=False)
                assert without and shown(without) == shown(load_series(store, filters, by_source)), filters
            rows = [row for s in from_sql for row in s.rows]
            assert sum(len(row.claim_ids) for row in rows) == len(store.claims(metric=metric))
            assert any(len(row.outlets) > 1 for row in rows)  # repeats were collapsed
