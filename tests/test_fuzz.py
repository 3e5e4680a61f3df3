"""Property tests: extraction of any text, however garbled, never raises and keeps its spans valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.extract import extract_text

# Arabic-heavy text with the things that trip a figure reader: digits in three scripts, number and
# qualifier words, separators, bidi and zero-width marks, tatweel and diacritics, line breaks.
_PIECES = [
    "قتل", "أصيب", "شخصا", "ألف", "مليون", "نحو", "أكثر من", "حوالي", "عشرات", "وزارة الصحة", "قالت",
    "killed", "wounded", "at least", "thousand", "the ministry said", "people",
    "0", "1", "7", "64", "1,618", "2.5", "٣٠٠", "١٬٢٣٤", "۴۵", "10-15", "١٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠",
    ",", "،", "٫", "٬", ".", "-", "–", "/", "%", ":", "؛", "؟", "(", ")", "«", "»",
    "\u200f", "\u200e", "\u202b", "\u202c", "\u2066", "\u2069", "\u200c", "\u200d", "\ufeff",
    "ـ", "\u064b", "\u0651", " ", "  ", "\n", "\n\n", "\t", "\r\n",
]
_LETTERS = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
_ANY = st.characters(codec="utf-8")  # anything a decoder could hand over (no lone surrogates)
_CHUNK = st.one_of(st.sampled_from(_PIECES), st.text(_LETTERS, min_size=1, max_size=6),
                   st.text(_ANY, min_size=1, max_size=3))
ARABIC_HEAVY = st.lists(_CHUNK, max_size=60).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ARABIC_HEAVY)
def test_extraction_never_raises_and_spans_slice_the_text(text: str) -> None:
    result = extract_text(text)
    assert result.text == text
    for article in result.articles:
        assert 0 <= article.start <= article.end <= len(text)
    for claim in result.claims:
        assert 0 <= claim.start <= claim.end <= len(text)
        assert text[claim.start:claim.end] == claim.text
        assert claim.text in claim.sentence
        assert claim.value >= 0
        assert claim.value_max is None or claim.value_max >= 0
