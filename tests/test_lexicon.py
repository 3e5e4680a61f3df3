"""Every lexicon loads and validates; a malformed one fails at load with a LexiconError."""

from __future__ import annotations

from typing import Any

import pytest

from claimtrack import cues as cues_module
from claimtrack import lexicon
from claimtrack.cues import cues
from claimtrack.lexicon import LexiconError
from claimtrack.records import METRICS


def test_every_lexicon_parses() -> None:
    names = lexicon.names()
    assert {"calendar", "claims.ar", "claims.en", "numbers.ar", "numbers.en", "sources"} <= set(names)
    for name in names:
        assert isinstance(lexicon.load(name), dict)


def test_claim_cues_build_and_cover_every_metric() -> None:
    assert cues().metric_nouns
    covered: set[str] = set()
    for raw_name in ("claims.ar", "claims.en"):
        raw = lexicon.load(raw_name)
        covered |= set(raw["metric_nouns"]) | set(raw["metric_cues"])
    assert set(METRICS) <= covered


def test_generic_sources_resolve_to_known_sources() -> None:
    c = cues()
    for raw in lexicon.load("sources")["generic"]:
        for canonical in raw["by_location"].values():
            assert canonical in c.source_kinds


def test_a_canonical_source_is_listed_once() -> None:
    names = [s["name"] for s in lexicon.load("sources")["source"]]
    assert len(names) == len(set(names))


def test_missing_lexicon_is_a_lexicon_error() -> None:
    with pytest.raises(LexiconError, match="not found"):
        lexicon.load("no-such-lexicon")


@pytest.mark.parametrize(("section", "bad"), [
    ("metric_nouns", {"casualties": ["x"]}),  # not a metric
    ("metric_nouns", {"killed": []}),  # empty list
    ("metric_nouns", {"killed": ["ok", ""]}),  # empty word
    ("period", {"forever": ["always"]}),  # not a period
])
def test_malformed_claim_lexicon_is_refused(monkeypatch: pytest.MonkeyPatch, section: str, bad: Any) -> None:
    real = lexicon.load

    def patched(name: str) -> dict[str, Any]:
        data = dict(real(name))
        if name == "claims.en":
            data[section] = bad
        return data

    monkeypatch.setattr(lexicon, "load", patched)
    cues_module.cues.cache_clear()
    try:
        with pytest.raises(LexiconError):
            cues_module.cues()
    finally:
        cues_module.cues.cache_clear()
