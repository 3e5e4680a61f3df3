"""Dates: explicit dates for the publication date, and as-of dates resolved against it."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack import lexicon
from claimtrack.dates import AsOf, _grammar, _may_hold_cue, find_dates, parse_date, resolve_as_of, weekday_before
from claimtrack.records import Span
from claimtrack.text import fold

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "dates.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_resolve_as_of_table(case: dict[str, Any]) -> None:
    folded = fold(case["text"]).text
    got = resolve_as_of(folded, _date(case["published"]), context=_date(case.get("context")))
    want = _date(case["as_of"])
    if want is None:
        assert got is None, got
        return
    assert got is not None
    assert got.date == want
    assert folded[got.span.start : got.span.end] == got.cue
    if "cue" in case:
        assert got.cue == fold(case["cue"]).text
    if "conflict" in case:
        assert got.conflict is case["conflict"]


def test_as_of_is_never_after_the_article() -> None:
    for case in CASES:
        published = _date(case["published"])
        got = resolve_as_of(fold(case["text"]).text, published)
        if got is not None and published is not None:
            assert got.date <= published, case["id"]


def test_as_of_record() -> None:
    folded = fold("وأعلن الجيش، الاثنين، استدعاء 300 ألف").text
    start = folded.index("الاثنين")
    assert resolve_as_of(folded, dt.date(2023, 10, 10)) == AsOf(
        dt.date(2023, 10, 9), "الاثنين", Span(start, start + len("الاثنين")), False
    )


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("بيروت- بحث الأمين العام مع وفد من حماس الجمعة 5يوليو2024، مستجدات", dt.date(2024, 7, 5)),
        ("٥ يوليو ٢٠٢٤", dt.date(2024, 7, 5)),
        ("5 يوليو 2024", dt.date(2024, 7, 5)),
        ("10 تشرين الأول/أكتوبر 2023", dt.date(2023, 10, 10)),
        ("في 10 أكتوبر عام 2023م", dt.date(2023, 10, 10)),
        ("7 كانون الثاني 2024", dt.date(2024, 1, 7)),
        ("3 جانفي 2024", dt.date(2024, 1, 3)),
        ("— Secretary Antony Blinken (@SecBlinken) October 10, 2023", dt.date(2023, 10, 10)),
        ("Tuesday, 10 Oct. 2023", dt.date(2023, 10, 10)),
        ("Updated 2023-10-10 14:00", dt.date(2023, 10, 10)),
        ("2024/07/05", dt.date(2024, 7, 5)),
        ("the 1973 war", None),
        ("on October 10, the army", None),
        ("حرب تشرين الأول/أكتوبر عام 1973", None),
        ("31 نيسان/أبريل 2023", None),
        ("17:00 and 1,618 killed", None),
    ],
)
def test_parse_date(text: str, want: dt.date | None) -> None:
    folded = fold(text).text
    got = parse_date(folded)
    if want is None:
        assert got is None
    else:
        assert got is not None and got[0] == want
        assert folded[got[1].start : got[1].end].strip()


def test_find_dates_weekday_and_kind() -> None:
    folded = fold("الجمعة 5يوليو2024، ثم الخميس 5 يوليو 2024 ومنذ السابع من تشرين الأول/أكتوبر 2023").text
    found = list(find_dates(folded))
    assert [f.date for f in found] == [dt.date(2024, 7, 5), dt.date(2024, 7, 5), dt.date(2023, 10, 7)]
    assert (found[0].weekday, found[0].conflict) == (4, False)
    assert (found[1].weekday, found[1].conflict) == (3, True)
    assert found[2].numeric is False and found[2].in_since_clause is True


@pytest.mark.parametrize(
    ("published", "weekday", "want"),
    [
        (dt.date(2023, 10, 10), 0, dt.date(2023, 10, 9)),  # Tuesday -> Monday before
        (dt.date(2023, 10, 10), 1, dt.date(2023, 10, 10)),  # the same day counts
        (dt.date(2024, 1, 1), 5, dt.date(2023, 12, 30)),
        (dt.date(2024, 3, 1), 3, dt.date(2024, 2, 29)),
    ],
)
def test_weekday_before(published: dt.date, weekday: int, want: dt.date) -> None:
    assert weekday_before(published, weekday) == want


@given(st.dates(min_value=dt.date(1950, 1, 8)), st.integers(min_value=0, max_value=6))
def test_weekday_before_property(published: dt.date, weekday: int) -> None:
    got = weekday_before(published, weekday)
    assert got.weekday() == weekday
    assert dt.timedelta(0) <= published - got < dt.timedelta(days=7)


@given(st.text(alphabet="اليوم أمس السبت الاثنين on Monday last 7 من أكتوبر October 2023 ,.،منذ",
               max_size=80))
def test_resolve_as_of_never_crashes(text: str) -> None:
    got = resolve_as_of(text, dt.date(2024, 1, 1))
    if got is not None:
        assert got.date <= dt.date(2024, 1, 1)
        assert text[got.span.start : got.span.end] == got.cue


def _cue_terms() -> list[str]:
    cal, lex = lexicon.load("calendar"), lexicon.load("dates")
    terms = [t for table in (cal["months"], cal["weekdays"]) for k in table for t in lexicon.strings(table, k, k)]
    terms += [t for entry in lex["relative"] for t in entry["terms"]] + list(lex["future"]["terms"])
    return terms + [f"3 {t}" for t in lexicon.strings(lex["phrases"], "same_month", "same_month")]


@pytest.mark.parametrize("term", _cue_terms())
def test_the_quick_check_lets_every_cue_term_through(term: str) -> None:
    # resolve_as_of skips the cue pattern when _may_hold_cue says no: it must never say no to a cue.
    for sentence in (f"قال {term} إن", f"و{term}،", f"Officials said {term.upper()}, that"):
        folded = fold(sentence).text
        if _grammar().cue.search(folded):
            assert _may_hold_cue(_grammar(), folded), sentence


@given(st.lists(st.sampled_from(_cue_terms() + ["و", "ف", "،", ".", "-", "/", "2023", "07", " ", "killed", "قتيلا",
                                                "mid", "الماضي", "لل"]), max_size=12))
def test_the_quick_check_never_hides_a_cue(parts: list[str]) -> None:
    text = fold("".join(parts)).text
    assert _grammar().cue.search(text) is None or _may_hold_cue(_grammar(), text)


def test_linear_on_adversarial_input() -> None:
    for text in ("1" * 50_000, "اليوم " * 10_000, "on " * 20_000, "مساء " * 15_000):
        start = time.perf_counter()
        resolve_as_of(text, dt.date(2024, 1, 1))
        parse_date(text)
        assert time.perf_counter() - start < 5
