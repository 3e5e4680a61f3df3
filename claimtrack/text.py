"""Normalise text for matching while keeping a map back to the original offsets.

The rules of claimtrack are written against a *folded* form of the text: one digit script,
one alef, no tatweel, diacritics or bidi marks, plain spaces. Folding may delete or expand
characters, so :class:`Folded` keeps, for every folded character, the index of the original
character it came from. Offsets reported to users are always mapped back, so that
``original[start:end]`` is the figure as printed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

# Characters dropped entirely: tatweel, Arabic diacritics (harakat, superscript alef, Quranic
# marks), bidi and zero-width controls, the byte order mark.
_DROP = frozenset(
    [0x0640]
    + list(range(0x064B, 0x0660))
    + [0x0670]
    + list(range(0x06D6, 0x06DD))
    + list(range(0x06DF, 0x06E5))
    + [0x06E7, 0x06E8]
    + list(range(0x06EA, 0x06EE))
    + [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)

# One-to-one replacements. Arabic-Indic (٠-٩) and Persian (۰-۹) digits become ASCII digits;
# the Arabic thousands (٬) and decimal (٫) separators are kept, since they mean what they say.
_MAP: dict[int, str] = {}
for _i in range(10):
    _MAP[0x0660 + _i] = str(_i)
    _MAP[0x06F0 + _i] = str(_i)
for _cp in (0x00A0, 0x2007, 0x2009, 0x200A, 0x202F, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008,
            0x3000, 0x0009):
    _MAP[_cp] = " "
for _cp in (0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673):  # آ أ إ ٱ ٲ ٳ -> ا
    _MAP[_cp] = "\u0627"
_MAP[0x0649] = "\u064A"  # ى -> ي
_MAP[0x06CC] = "\u064A"  # Persian yeh -> ي
_MAP[0x06A9] = "\u0643"  # keheh -> ك
_MAP[0x2019] = "'"
_MAP[0x2018] = "'"
_MAP[0x2010] = "-"
_MAP[0x2011] = "-"
_MAP[0x2012] = "-"
_MAP[0x2013] = "-"
_MAP[0x2014] = "-"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    cp = ord(ch)
    if cp in _DROP:
        return ""
    mapped = _MAP.get(cp)
    if mapped is not None:
        return mapped
    if 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:  # Arabic presentation forms
        normal = unicodedata.normalize("NFKC", ch)
        if normal != ch:  # the Arabic symbols of the block (U+FBB2...) are their own NFKC form
            return "".join(_fold_char(c) for c in normal)
    return ch


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text and, for each of its characters, the original index it came from."""

    text: str
    origin: Sequence[int]  # len(text) + 1 entries; the last is len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span back to the original text."""
        if end <= start:
            o = self.origin[start]
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


_TRANSLATION: dict[int, str | None] = dict.fromkeys(_DROP) | dict(_MAP)
_DROPPED = regex.compile("[" + "".join(regex.escape(chr(cp)) for cp in sorted(_DROP)) + "]")
_PRESENTATION_FORMS = regex.compile("[\uFB50-\uFDFF\uFE70-\uFEFE]")
# Superscript, subscript and circled digits (², ₃, ①): str.isdigit() says yes, but they are
# exponents, footnote marks and bullets, never counts, and the figure reader cannot read them.
_NOT_DECIMAL_DIGITS = regex.compile(r"\p{Numeric_Type=Digit}")


def fold(original: str) -> Folded:
    """Fold ``original`` for matching; see the module docstring for what is folded."""
    if original.isascii():
        # The common English case: nothing to fold but tabs.
        return Folded(original.replace("\t", " "), range(len(original) + 1))
    folded = _fold(original)
    if _NOT_DECIMAL_DIGITS.search(folded.text) is None:
        return folded
    return Folded(_NOT_DECIMAL_DIGITS.sub(" ", folded.text), folded.origin)  # one for one: origins hold


def _fold(original: str) -> Folded:
    if _PRESENTATION_FORMS.search(original) is None:
        # Every change is one character to one or none: translate, and map around the deletions.
        folded = original.translate(_TRANSLATION)
        if len(folded) == len(original):
            return Folded(folded, range(len(original) + 1))
        origin: list[int] = []
        kept_from = 0
        for m in _DROPPED.finditer(original):
            origin.extend(range(kept_from, m.start()))
            kept_from = m.end()
        origin.extend(range(kept_from, len(original) + 1))
        return Folded(folded, origin)
    return _fold_slowly(original)


def _fold_slowly(original: str) -> Folded:
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        f = _fold_char(ch)
        if f == ch:
            out.append(ch)
            origin.append(i)
        elif f:
            out.append(f)
            origin.extend([i] * len(f))
    origin.append(len(original))
    return Folded("".join(out), origin)


def fold_term(term: str) -> str:
    """Fold a lexicon term the same way article text is folded, so the two can be compared."""
    return fold(term).text


# Seconds a pattern may run over one paragraph, line or sentence. The patterns are written to
# run in linear time (possessive or bounded repetition); should one still backtrack without end
# on some text, the regex module raises TimeoutError and extract_text refuses the text.
PATTERN_TIMEOUT = 10.0
# Below this length no pattern can run long (none backtracks worse than in the square of the
# length), and the clock a timeout starts costs more than the match itself.
UNTIMED_LENGTH = 2000


def pattern_timeout(length: int) -> float | None:
    """The time limit for a pattern run over ``length`` characters (None: no limit needed).
    Read at each call, so that tests can lower it."""
    return PATTERN_TIMEOUT if length > UNTIMED_LENGTH else None


ARABIC_LETTER_SHARE_FOR_AR = 0.3


# Runs, not single characters: summing the lengths of a few runs costs less than a string per letter.
_LETTERS = regex.compile(r"\p{L}+")
_ARABIC_LETTERS = regex.compile(r"[\p{Script=Arabic}&&\p{L}]+", regex.V1)


LANG_SAMPLE = 20_000  # characters read to tell a text's language; more changes nothing


def arabic_share(text: str) -> float:
    """Share of letters in ``text`` (its first LANG_SAMPLE characters) that are Arabic script."""
    sample = text[:LANG_SAMPLE]
    arabic = sum(map(len, _ARABIC_LETTERS.findall(sample)))
    if not arabic:  # (English: no need to count its letters)
        return 0.0
    return arabic / sum(map(len, _LETTERS.findall(sample)))


def detect_lang(text: str) -> str:
    """``ar`` when a fair share of the letters are Arabic, else ``en``."""
    return "ar" if arabic_share(text) >= ARABIC_LETTER_SHARE_FOR_AR else "en"
