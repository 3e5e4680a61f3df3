"""The names of a source an attribution printed, as ``claimtrack sources`` lists them."""

from __future__ import annotations

import pytest

from claimtrack.source_names import alias_lang, aliases_seen


@pytest.mark.parametrize(("source", "printed", "seen"), [
    ("Gaza Health Ministry", "وقالت وزارة الصحة في غزة", ["وزارة الصحة في غزة"]),  # not also its part "وزارة الصحة"
    ("Gaza Health Ministry", "وأضافت وزارة الصحة", ["وزارة الصحة"]),  # a generic name resolved by place
    ("Israeli army", "the Israeli military said", ["Israeli military"]),
    ("AFP", "وفق تعداد لوكالة فرانس برس", ["وكالة فرانس برس"]),
    ("Reuters", "the ministry said", []),
    ("a local official", "a local official said", []),  # a source not in the lexicon has no aliases
])
def test_aliases_seen(source: str, printed: str, seen: list[str]) -> None:
    assert list(aliases_seen(source, printed)) == seen


def test_alias_language() -> None:
    assert (alias_lang("وزارة الصحة"), alias_lang("Health Ministry")) == ("ar", "en")
