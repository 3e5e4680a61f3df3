"""Splitting pages into articles and paragraphs, and paragraphs into sentences."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.extract import extract_text
from claimtrack.records import Span
from claimtrack.segment import MAX_SENTENCE, Segment, sentences, split_articles
from claimtrack.text import fold

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"

PROSE_AR = (
    "وقالت وزارة الصحة في غزة إن 687 فلسطينيا على الأقل قتلوا وأصيب 3726 آخرون في الغارات الجوية "
    "الإسرائيلية على القطاع المحاصر منذ السبت."
)
PROSE_AR_2 = "وحشدت إسرائيل عشرات آلاف الجنود في محيط قطاع غزة الذي يعيش فيه 2.3 مليون شخص."
PROSE_EN = (
    "The Health Ministry in Gaza said on Tuesday that 8,525 Palestinians had been killed since the war began."
)
PROSE_EN_2 = "About 2,000 people are missing and presumed buried under rubble, the ministry said on Tuesday."


def _page(*paragraphs: str) -> str:
    return fold("\n\n".join(paragraphs)).text


def _texts(folded: str, spans: tuple[Span, ...] | list[Span]) -> list[str]:
    return [folded[s.start : s.end] for s in spans]


def _folded(*pieces: str) -> list[str]:
    return [fold(p).text for p in pieces]


def _all_blocks(folded: str, segments: list[Segment]) -> list[str]:
    return [t for seg in segments for t in _texts(folded, seg.blocks)]


def _seed() -> str:
    path = CORPUS / "ar-seed.txt"
    if not path.exists():
        pytest.skip(f"dev corpus not found at {CORPUS} (the repo checkout sits beside shared/)")
    return fold(path.read_text(encoding="utf-8")).text


def test_seed_two_articles() -> None:
    folded = _seed()
    first, second = split_articles(folded)
    assert first.outlet == "الحرة"
    assert first.published is None and first.title is None  # the page gives no date for it
    assert second.published == dt.date(2024, 7, 5) and second.date_source == "stated"
    assert second.title is not None
    assert folded[second.title.start : second.title.end].startswith("نصرالله يبحث مع وفد من حماس")
    assert second.outlet is None  # "بيروت-" is a dateline, not an outlet
    assert first.end == second.start and second.end == len(folded)
    first_blocks = _texts(folded, first.blocks)
    second_blocks = _texts(folded, second.blocks)
    assert any("300 الف جندي احتياطي" in b for b in first_blocks)
    assert any("300 صاروخ" in b for b in second_blocks)
    assert not any("300 صاروخ" in b for b in first_blocks)


def test_seed_boilerplate_yields_no_blocks() -> None:
    folded = _seed()
    blocks = _all_blocks(folded, split_articles(folded))
    for furniture in ("مقالات مشابهة", "لابيد يحدد", "غانتس لنتنياهو", "Your browser", "كلمات دلالية",
                      "المصدر", "اقرا ايضا"):
        assert not any(furniture in b for b in blocks), furniture
    # the related-headline list repeats the second title: only the title itself is kept
    assert sum(b.startswith("نصرالله يبحث") for b in blocks) == 1


def test_read_also_with_headline_list_is_boilerplate() -> None:
    folded = _page(PROSE_EN, "Read also:", "Israel calls up 300,000 reservists",
                   "Gaza death toll passes 1,000", "UN warns of humanitarian crisis", PROSE_EN_2)
    (only,) = split_articles(folded)
    assert _texts(folded, only.blocks) == [PROSE_EN, PROSE_EN_2]


def test_read_also_with_bullets_is_boilerplate() -> None:
    folded = _page(
        PROSE_AR, "اقرأ أيضا", "  • إسرائيل تستدعي 300 ألف جندي احتياط", "  • ارتفاع حصيلة القتلى إلى 900"
    )
    (only,) = split_articles(folded)
    assert _texts(folded, only.blocks) == [fold(PROSE_AR).text]


def test_read_also_inline_link_is_boilerplate() -> None:
    folded = _page(PROSE_EN, "Read more: Gaza toll rises to 1,055", PROSE_EN_2)
    (only,) = split_articles(folded)
    assert len(only.blocks) == 2


def test_read_also_followed_by_article_starts_a_new_one() -> None:
    folded = _page("Gaza toll rises as strikes continue", PROSE_EN, "Read also:",
                   "Hezbollah fires 300 rockets at northern Israel", PROSE_EN_2, PROSE_EN)
    first, second = split_articles(folded)
    assert first.title is not None and second.title is not None
    assert _texts(folded, [first.title, second.title]) == [
        "Gaza toll rises as strikes continue",
        "Hezbollah fires 300 rockets at northern Israel",
    ]
    assert len(first.blocks) == 2 and len(second.blocks) == 3


def test_related_list_and_page_furniture() -> None:
    folded = _page(
        "مقتل جنديين إسرائيليين في معارك شمال قطاع غزة",
        PROSE_AR,
        "Your browser does not support the video tag.",
        "شارك على فيسبوك", "المصدر: الحرة", "كلمات دلالية: غزة، إسرائيل", "مقالات ذات صلة",
        "حماس توافق على إجراء محادثات", "عائلات الأسرى تفقد الأمل", "Tags: Gaza, Israel",
    )
    (only,) = split_articles(folded)
    assert only.outlet == "الحرة"
    assert _texts(folded, only.blocks) == _folded("مقتل جنديين إسرائيليين في معارك شمال قطاع غزة", PROSE_AR)


def test_titles() -> None:
    en = _page("Hamas frees two American hostages as Israel says most captives are alive", PROSE_EN)
    ar = _page("أطباء السودان: 850 قتيلا مدنيا منذ اندلاع المعارك.. والأمم المتحدة تورد أرقاما", PROSE_AR)
    no_title = _page(PROSE_AR, PROSE_AR_2)
    for folded, want in ((en, "Hamas frees two"), (ar, "اطباء السودان: 850")):
        (seg,) = split_articles(folded)
        assert seg.title is not None and folded[seg.title.start : seg.title.end].startswith(want)
        assert seg.blocks[0] == seg.title  # headline figures count: the title is a block
    assert split_articles(no_title)[0].title is None


def test_published_from_dateline_and_date_line() -> None:
    folded = _page("Title of the story", "Published: October 10, 2023 14:05 GMT", PROSE_EN)
    (seg,) = split_articles(folded)
    assert seg.published == dt.date(2023, 10, 10)
    assert not any("Published" in t for t in _texts(folded, seg.blocks))
    folded = _page("GAZA CITY, Oct 10, 2023 (Reuters) - " + PROSE_EN)
    (seg,) = split_articles(folded)
    assert (seg.published, seg.outlet) == (dt.date(2023, 10, 10), "Reuters")


def test_past_event_dates_are_not_publication_dates() -> None:
    cases = [
        "عبرت صباح اليوم أول قافلة من المساعدات الإنسانية معبر رفح للمرة الأولى منذ اندلاع الحرب في "
        "السابع من تشرين الأول/أكتوبر 2023.",
        "ويعد هذا الهجوم الأكثر دموية، وقد جاء بعد 50 عاما من اندلاع حرب تشرين الأول/أكتوبر عام 1973 التي "
        "خاضتها إسرائيل.",
        "Israel has not seen so many reservists called up since 6 October 1973, when war broke out again.",
    ]
    for paragraph in cases:
        (seg,) = split_articles(_page("Title line here", paragraph, PROSE_EN_2))
        assert seg.published is None, paragraph
    # a full date far down the article (an embedded tweet) is no dateline either
    tweet = "- Secretary (@SecBlinken) October 10, 2023"
    (seg,) = split_articles(_page(PROSE_EN, PROSE_EN_2, PROSE_EN, tweet))
    assert seg.published is None


def test_weekday_contradicting_date_is_rejected() -> None:
    (seg,) = split_articles(_page("بيروت- أعلن الحزب الخميس 5 يوليو 2024 " + PROSE_AR))
    assert seg.published is None  # 5 July 2024 was a Friday
    (seg,) = split_articles(_page("بيروت- أعلن الحزب الجمعة 5 يوليو 2024 " + PROSE_AR))
    assert seg.published == dt.date(2024, 7, 5)


def test_empty_page() -> None:
    (seg,) = split_articles("")
    assert seg.blocks == () and seg.title is None


# --- sentences ------------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    folded = fold(text).text
    return _texts(folded, sentences(folded, Span(0, len(folded))))


def test_sentences_keep_numbers_whole() -> None:
    assert _split("يعيش فيه 2.3 مليون شخص. وقتل 1,618 شخصا؟ وبلغ العدد 44.664 شهيدا") == [
        "يعيش فيه 2.3 مليون شخص.",
        "وقتل 1,618 شخصا؟",
        "وبلغ العدد 44.664 شهيدا",
    ]


def test_sentences_arabic_punctuation() -> None:
    assert _split("قال المتحدث، في بيان، إن 5 قتلوا؛ وأصيب 10! ثم ماذا؟\nسطر جديد") == _folded(
        "قال المتحدث، في بيان، إن 5 قتلوا؛",
        "وأصيب 10!",
        "ثم ماذا؟",
        "سطر جديد",
    )


def test_sentences_abbreviations() -> None:
    text = "The U.S. said Gen. Smith met Mr. Jones at 10 a.m. on Monday. He left St. Louis. Done."
    assert _split(text) == [
        "The U.S. said Gen. Smith met Mr. Jones at 10 a.m. on Monday.",
        "He left St. Louis.",
        "Done.",
    ]


def test_sentences_quotes_and_spans() -> None:
    folded = fold('  He said "stop."  Then 3,300 left.  ').text
    spans = sentences(folded, Span(0, len(folded)))
    assert _texts(folded, spans) == ['He said "stop."', "Then 3,300 left."]
    assert spans[0].start == 2


def test_sentences_inside_a_block_of_a_page() -> None:
    folded = _page("Headline here", PROSE_EN + " " + PROSE_EN_2)
    (seg,) = split_articles(folded)
    body = seg.blocks[1]
    got = sentences(folded, body)
    assert _texts(folded, got) == [PROSE_EN, PROSE_EN_2]
    assert all(body.start <= s.start < s.end <= body.end for s in got)


@given(st.text(alphabet="ab 12.,؟!?؛\n U.S.الحرب", max_size=120))
def test_sentence_spans_are_ordered_and_stripped(text: str) -> None:
    spans = sentences(text, Span(0, len(text)))
    last = 0
    for span in spans:
        assert last <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip()
        last = span.end


@given(st.text(alphabet="ab •\n:.مقالات مشابهة اقرأ أيضا Read also 2023 October 10,", max_size=200))
def test_split_articles_never_crashes(text: str) -> None:
    segments = split_articles(text)
    assert segments and segments[0].start == 0 and segments[-1].end == len(text)
    for seg in segments:
        assert all(seg.start <= b.start < b.end <= seg.end for b in seg.blocks)


def test_byline_outlet_after_a_long_run_of_spaces() -> None:
    # The byline pattern once took time in the square of a run of spaces inside the line.
    page = ("Floods in the valley\n\nBy Jane Doe," + " " * 200_000 + "Valley Herald\n\n"
            "At least 64 people were killed in the floods, officials said on Tuesday.")
    started = time.perf_counter()
    (seg,) = split_articles(fold(page).text)
    assert time.perf_counter() - started < 5
    assert seg.outlet == "Valley Herald"


def test_a_sentence_longer_than_any_real_one_is_cut_at_clause_breaks() -> None:
    text = "5 people were killed, " * 400 + "and the count went on."
    pieces = sentences(text, Span(0, len(text)))
    assert len(pieces) > 1 and all(p.end - p.start <= MAX_SENTENCE for p in pieces)
    assert all(text[p.start:p.end].startswith("5 people") for p in pieces)  # cut after ", ", never mid-clause
    assert "".join(text[p.start:p.end] + " " for p in pieces).strip() == text.strip()


def test_every_figure_of_an_endless_sentence_is_still_read() -> None:
    text = "5 people were killed, " * 3000
    assert len(extract_text(text).claims) == 3000
