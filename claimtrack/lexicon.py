"""Load the lexicon files in ``claimtrack/lexicons/``.

Language data lives in TOML, one file per domain and language (``numbers.ar.toml``,
``claims.en.toml``, ``sources.toml``...). Each module that reads a lexicon turns the raw
tables into typed, frozen structures and validates them (:class:`LexiconError` on anything
malformed), so a broken data edit fails at load and in the lexicon tests, not mid-extraction.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``lexicons/<name>.toml`` (cached; treat as read-only)."""
    path = resources.files("claimtrack") / "lexicons" / f"{name}.toml"
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LexiconError(f"lexicon {name!r} not found") from exc
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"lexicon {name!r}: {exc}") from exc


def strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    """``table[key]`` as a non-empty list of non-empty strings, or a :class:`LexiconError`."""
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: {key!r} must be a non-empty list of non-empty strings")
    return value


def names() -> list[str]:
    """Every lexicon shipped with claimtrack."""
    folder = resources.files("claimtrack") / "lexicons"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
