"""Which of a source's names an article used: the aliases ``claimtrack sources`` lists as seen.

The sources lexicon gives each canonical source its names in both languages; a generic name
("وزارة الصحة", "the army") belongs to every source it can resolve to. A claim's attribution
cue holds the words as printed ("وقالت وزارة الصحة في غزة"), so the names seen are the lexicon
names found inside it, longest first, without names that only repeat part of a longer one.
"""

from __future__ import annotations

from functools import cache, lru_cache

from claimtrack import lexicon
from claimtrack.text import arabic_share, fold_term


@cache
def _names() -> dict[str, tuple[tuple[str, str], ...]]:
    """Canonical source -> (folded name, name as written), longest first."""
    raw = lexicon.load("sources")
    names: dict[str, set[str]] = {}
    for entry in raw.get("source", []):
        names.setdefault(entry["name"], set()).update([entry["name"], *entry.get("aliases", [])])
    for entry in raw.get("generic", []):
        written = [entry["name"], *entry.get("aliases", [])]
        names.setdefault(entry["name"], set()).update(written)
        for canonical in entry.get("by_location", {}).values():
            names.setdefault(canonical, set()).update(written)
    return {source: tuple(sorted(((fold_term(n).lower(), n) for n in written), key=lambda p: -len(p[0])))
            for source, written in names.items()}


@lru_cache(maxsize=4096)  # wire copy repeats the same attributions ("the ministry said") endlessly
def aliases_seen(source: str, printed: str) -> tuple[str, ...]:
    """The lexicon names of ``source`` that ``printed`` contains (any case, folded like article text)."""
    text = fold_term(printed).lower()
    found: list[tuple[str, str]] = []
    for key, written in _names().get(source, ()):
        if key in text and not any(key in longer for longer, _ in found):
            found.append((key, written))
    return tuple(written for _, written in found)


def alias_lang(alias: str) -> str:
    return "ar" if arabic_share(alias) > 0.5 else "en"
