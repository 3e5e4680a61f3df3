"""Browsing a database of the bundled examples: claims, show, articles, sources, search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import sql
from tests.test_cli import plain, run


def claims_json(db: str, *filters: str) -> list[dict[str, object]]:
    code, out, err = run("claims", "--json", "--limit", "0", "--db", db, *filters)
    assert code == 0, err
    result: list[dict[str, object]] = json.loads(out)
    return result


def test_claims_lists_every_claim_in_date_order(examples_db: str) -> None:
    claims = claims_json(examples_db)
    assert len(claims) == 38
    dates = [c["date"] for c in claims]
    assert dates == sorted(dates, key=str)
    assert {"claim_id", "article_id", "outlet", "sentence", "rule", "review_status", "extracted"} <= set(claims[0])


def test_claims_filters_combine(examples_db: str) -> None:
    killed = claims_json(examples_db, "--metric", "killed")
    assert killed and all(c["metric"] == "killed" for c in killed)
    one_day = claims_json(examples_db, "--metric", "killed", "--since", "2025-03-05", "--until", "2025-03-05")
    assert one_day and {c["date"] for c in one_day} == {"2025-03-05"}
    ministry = claims_json(examples_db, "--source", "health ministry", "--outlet", "meridian wire")
    assert ministry and all(c["source"] == "Health Ministry" and c["outlet"] == "Meridian Wire" for c in ministry)
    assert claims_json(examples_db, "--location", "Nowhere") == []


def test_claims_table_says_how_many_are_hidden(examples_db: str) -> None:
    code, out, _ = run("claims", "--limit", "3", "--db", examples_db)
    assert code == 0
    assert "3 of 38 claims" in plain(out) and "--limit 0 shows all" in plain(out)


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--metric", "deaths", "unknown metric 'deaths'; the metrics are: killed"),
    ("--period", "weekly", "unknown period 'weekly'"),
    ("--since", "5 March", "--since must be a date as YYYY-MM-DD"),
    ("--status", "true", "unknown status 'true'"),
])
def test_bad_filters_are_one_line_errors(examples_db: str, option: str, value: str, message: str) -> None:
    code, out, err = run("claims", option, value, "--db", examples_db)
    assert code == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_filter_value_is_data_not_sql(examples_db: str) -> None:
    assert claims_json(examples_db, "--source", "x' OR 1=1 --") == []
    assert claims_json(examples_db, "--outlet", '" OR ""="') == []


def test_show_gives_the_whole_provenance(examples_db: str) -> None:
    claim = claims_json(examples_db, "--metric", "killed", "--outlet", "Meridian Wire", "--source",
                        "Health Ministry")[0]
    code, out, _ = run("show", str(claim["claim_id"]), "--db", examples_db)
    text = plain(out)
    assert code == 0
    for expected in (str(claim["sentence"])[:40], "Meridian Wire", "stated in the article", "Health Ministry",
                     str(claim["rule"]), "not reviewed", "04-en-red-crescent-count.txt"):
        assert expected in text


def test_show_lists_the_other_outlets_that_printed_the_same_figure(examples_db: str) -> None:
    same_day = claims_json(examples_db, "--metric", "killed", "--since", "2025-03-05", "--until", "2025-03-05",
                           "--source", "Health Ministry")
    assert {c["value"] for c in same_day} == {118}
    first, second = same_day
    code, out, _ = run("show", str(first["claim_id"]), "--json", "--db", examples_db)
    shown = json.loads(out)
    assert {a["claim_id"] for a in shown["appearances"]} == {first["claim_id"], second["claim_id"]}
    assert {a["outlet"] for a in shown["appearances"]} == {first["outlet"], second["outlet"]}


def test_show_unknown_claim(examples_db: str) -> None:
    code, _, err = run("show", "9999", "--db", examples_db)
    assert code == 1 and "no claim 9999" in err


def test_articles_newest_first_with_claim_counts(examples_db: str) -> None:
    code, out, _ = run("articles", "--json", "--db", examples_db)
    articles = json.loads(out)
    assert code == 0 and len(articles) == 7
    assert [a["published"] for a in articles] == sorted((a["published"] for a in articles), reverse=True)
    assert sum(a["claims"] for a in articles) == 38
    code, out, _ = run("articles", "--json", "--outlet", "Valley Herald", "--db", examples_db)
    assert {a["outlet"] for a in json.loads(out)} == {"Valley Herald"}


def test_sources_count_claims_and_span_dates(examples_db: str) -> None:
    code, out, _ = run("sources", "--json", "--db", examples_db)
    sources = {s["name"]: s for s in json.loads(out)}
    assert code == 0
    ministry = sources["Health Ministry"]
    assert ministry["kind"] == "ministry" and ministry["claims"] == 24
    assert set(ministry["aliases"]) == {"Health Ministry", "وزارة الصحة"}  # as the English and Arabic reports name it
    assert (ministry["first"], ministry["last"]) == ("2025-03-03", "2025-03-08")
    counts = [s["claims"] for s in sources.values()]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize(("query", "expected_title_word"), [
    ("Red Crescent", "Red Crescent"),
    ("double counting", "double counting"),
    ("الهلال", "الهلال"),
])
def test_search_finds_articles_and_the_sentence(examples_db: str, query: str, expected_title_word: str) -> None:
    code, out, _ = run("search", query, "--json", "--db", examples_db)
    hits = json.loads(out)
    assert code == 0 and hits
    assert all(query.lower() in (h["sentence"] + " " + (h["title"] or "")).lower() for h in hits)
    assert any(expected_title_word in (h["title"] or "") + h["sentence"] for h in hits)


def test_search_inside_words_and_short_queries(examples_db: str) -> None:
    # "وزارة" inside "لوزارة"/"والوزارة", and a two-letter query below the trigram index's reach.
    code, out, _ = run("search", "وزارة", "--json", "--db", examples_db)
    assert code == 0 and len(json.loads(out)) >= 3
    code, out, _ = run("search", "km", "--json", "--db", examples_db)
    assert code == 0 and isinstance(json.loads(out), list)


def test_search_text_with_fts_syntax_is_text(examples_db: str) -> None:
    for query in ('"', "NEAR(a b)", "flood*", "a OR b", "x' --"):
        code, out, err = run("search", query, "--json", "--db", examples_db)
        assert code == 0, err
        assert all(query.lower() in (h["sentence"] + " " + (h["title"] or "")).lower() for h in json.loads(out))


def test_reading_commands_on_a_missing_database(tmp_path: Path) -> None:
    for command in (["claims"], ["show", "1"], ["articles"], ["sources"], ["search", "x"]):
        code, _, err = run(*command, "--db", str(tmp_path / "none.db"))
        assert code == 1 and "claimtrack add" in err and "Traceback" not in err


def test_views_for_sql_browsers(examples_db: str) -> None:
    rows = sql(examples_db, "SELECT claim_id, outlet, file_path, source_kind, figure_date FROM claims_full")
    assert len(rows) == 38 and all(outlet and path and date for _, outlet, path, _, date in rows)
    (ministry,) = sql(examples_db, "SELECT claims, first_date, last_date FROM sources_summary "
                                   "WHERE name = 'Health Ministry'")
    assert [str(x) for x in ministry] == ["24", "2025-03-03", "2025-03-08"]
