"""The figure stage: find the numbers an article prints and read their values.

:func:`find_figures` works on text folded by :func:`claimtrack.text.fold` and runs the Arabic
and the English grammar together (articles mix the two). How it reads a figure:

1. A candidate regex finds where a figure may start: a digit, or a word of either lexicon
   (number words, scale words, vague quantities, duals of counted nouns), clitics allowed.
2. A reader turns the text from there into *atoms* (a digit token, a number word, a scale
   word...) and an accumulator joins them the way the language does: ``60 ألفاً و839``,
   ``ثلاثمائة وواحد وثلاثون``, ``one hundred and five``, ``2.3 million``.
3. Around the number, ranges (``بين 100 و300``, ``300-400``), exclusions (dates, years, times,
   durations, ages, money, percentages, identifiers) and qualifier cues (``على الأقل``,
   ``more than``) are read from the context.

All language data lives in ``lexicons/numbers.ar.toml`` and ``lexicons/numbers.en.toml``, folded
with :func:`claimtrack.text.fold_term` at load; patterns are compiled once, lazily. Every
repetition in the patterns is possessive or bounded, so a megabyte of digits reads in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import regex

from claimtrack.lexicon import LexiconError, load
from claimtrack.records import Figure
from claimtrack.text import fold_term

__all__ = ["find_figures"]

# Atom kinds. Arabic: unit (1-9), teen (10-19, read as one atom with its عشر), tens, hundred
# (a whole hundred, 100-900), scale (ألف...), dual (ألفين = 2 x scale). English adds hmul
# ("hundred", a multiplier), article ("a"), dozen. Both: half/quarter, num (a digit token).
_NUMBER_KINDS = ("unit", "teen", "tens", "hundred", "hmul", "scale", "dual", "article", "dozen", "frac")

_WINDOW = 90  # characters of left context searched for cues
GAP_WORDS = 12  # words a count noun may run to between a qualifier verb and its figure
_MAX_DIGITS = 15  # longer digit runs are identifiers, not counts
_MAX_PLAIN_DIGITS = 7  # unseparated runs longer than this are phone numbers or IDs
_CLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
_DIGIT_CLITICS = frozenset(["و", "ف", "ب", "ل", "ال", "وال", "بال", "فال", "لل", "ولل", "وب", "ول", "فب", "فل", "وبال"])
_GLUED_BEFORE_DIGIT = frozenset("/@#_+:=&?.,٫٬$€£₪")  # chars that make a digit run part of something else
_LETTER = r"[^\W\d_]"


# ---------------------------------------------------------------------------- lexicon loading


@dataclass(frozen=True, slots=True)
class _Word:
    kind: str
    value: int
    lang: str
    alone: bool = False  # a scale word that means one of it with no count before (ألف)
    dual_alone: bool = False  # ألفا: two thousand alone, accusative of ألف after a count


@dataclass(frozen=True, slots=True)
class _Grammar:
    words: dict[str, _Word]  # folded Arabic forms and lower-cased English forms
    duals: dict[str, str]  # folded dual form -> folded singular
    glued: dict[str, tuple[int, bool]]  # English suffix on digits -> (scale, needs a decimal)
    weekdays: frozenset[str]
    vague: dict[str, tuple[int, int, bool]]  # lower-cased phrase -> (min, max, "of" required)
    qualifier_of: dict[str, str]  # normalised cue -> qualifier
    starters: frozenset[str]
    lead_next: Any  # what must follow "a", "an", "half" for them to start a figure
    vague_re: Any
    pre_cue: Any
    gap_cue: Any
    post_cue: Any
    range_before: Any
    range_from: Any
    range_and: Any
    range_to: Any
    change: Any
    excl_after: Any
    excl_before: Any
    id_apposition: Any
    ordinal_head: Any
    month_after: Any
    month_before: Any
    month_day_before: Any
    year_before: Any
    old_year_before: Any
    year_after: Any
    count_after: Any
    one_before: Any
    one_after: Any


def _terms(table: Any, key: str, where: str, *, required: bool = True) -> list[str]:
    """``table[key]`` as a list of folded strings; LexiconError when malformed."""
    if not isinstance(table, dict):
        raise LexiconError(f"{where}: expected a table")
    value = table.get(key, None if required else [])
    if not isinstance(value, list) or (required and not value):
        raise LexiconError(f"{where}: {key!r} must be a non-empty list of strings")
    out = []
    for v in value:
        if not isinstance(v, str) or not v.strip():
            raise LexiconError(f"{where}: {key!r} holds a non-string or empty entry")
        out.append(fold_term(v.strip()))
    return out


def _table(data: Any, key: str, where: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise LexiconError(f"{where}: missing table [{key}]")
    return value


def _int_key(key: str, where: str) -> int:
    try:
        return int(key)
    except ValueError as exc:
        raise LexiconError(f"{where}: key {key!r} is not a number") from exc


def _add(words: dict[str, _Word], forms: Iterable[str], word: _Word, where: str) -> None:
    for form in forms:
        key = form.lower() if word.lang == "en" else form
        old = words.get(key)
        if old is not None and old != word and not (old.kind == "scale" and word.kind == "scale"):
            raise LexiconError(f"{where}: {form!r} listed twice with different meanings")
        words[key] = word


def _load_words(lang: str, data: dict[str, Any], words: dict[str, _Word]) -> None:
    where = f"numbers.{lang}"
    for key, forms in _table(data, "units", where).items():
        _add(words, _terms({key: forms}, key, f"{where}.units"), _Word("unit", _int_key(key, where), lang), where)
    for key, forms in _table(data, "tens", where).items():
        _add(words, _terms({key: forms}, key, f"{where}.tens"), _Word("tens", _int_key(key, where), lang), where)
    if lang == "ar":
        for key, forms in _table(data, "teen_heads", where).items():
            _add(words, _terms({key: forms}, key, where), _Word("teen_head", _int_key(key, where), lang), where)
        _add(words, _terms(_table(data, "ten", where), "forms", where), _Word("ten", 10, lang), where)
        for key, forms in _table(data, "hundreds", where).items():
            _add(words, _terms({key: forms}, key, where), _Word("hundred", _int_key(key, where), lang), where)
    else:
        for key, forms in _table(data, "teens", where).items():
            _add(words, _terms({key: forms}, key, where), _Word("teen", _int_key(key, where), lang), where)
        _add(words, _terms(_table(data, "hundred", where), "forms", where), _Word("hmul", 100, lang), where)
        _add(words, _terms(_table(data, "article", where), "forms", where), _Word("article", 1, lang), where)
        _add(words, _terms(_table(data, "dozen", where), "forms", where), _Word("dozen", 12, lang), where)
    fractions = _table(data, "fractions", where)
    _add(words, _terms(fractions, "half", where), _Word("frac", 50, lang), where)
    _add(words, _terms(fractions, "quarter", where), _Word("frac", 25, lang), where)
    scales = data.get("scales")
    if not isinstance(scales, list) or not scales:
        raise LexiconError(f"{where}: [[scales]] missing")
    for scale in scales:
        value = scale.get("value") if isinstance(scale, dict) else None
        if not isinstance(value, int) or value < 1000:
            raise LexiconError(f"{where}: a scale needs an integer value >= 1000")
        alone = set(_terms(scale, "alone", where, required=False))
        dual_alone = set(_terms(scale, "dual_alone", where, required=False))
        for form in _terms(scale, "forms", where):
            _add(words, [form], _Word("scale", value, lang, form in alone, form in dual_alone), where)
        for form in _terms(scale, "dual", where, required=False):
            _add(words, [form], _Word("dual", value, lang), where)


def _alt(terms: Iterable[str], reverse: bool = False) -> str:
    """A regex matching any of ``terms`` (longest first; any run of spaces between words), written
    as a character trie so that a failing position costs one character test, not one per term.
    ``reverse`` builds the trie from the ends of the terms, for patterns matched right to left."""
    root: dict[str, Any] = {}
    for term in set(terms):
        node = root
        chars = " ".join(term.split())
        for ch in reversed(chars) if reverse else chars:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie(root, reverse) if root else "(?!)"


def _trie(node: dict[str, Any], reverse: bool) -> str:
    alts = []
    for ch in sorted(k for k in node if k):
        piece = r"\s+" if ch == " " else regex.escape(ch)
        rest = _trie(node[ch], reverse)
        alts.append(rest + piece if reverse else piece + rest)
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body  # greedy: the longer term wins


def _norm(cue: str) -> str:
    return " ".join(cue.lower().split())


def _both(ar: dict[str, Any], en: dict[str, Any], path: tuple[str, ...], key: str) -> list[str]:
    """Folded terms of ``key`` under ``path`` in both lexicons (either may leave it empty)."""
    out: list[str] = []
    for lang, data in (("ar", ar), ("en", en)):
        table: Any = data
        for part in path:
            table = _table(table, part, f"numbers.{lang}.{'.'.join(path)}")
        out += _terms(table, key, f"numbers.{lang}.{'.'.join(path)}", required=False)
    return out


def _qualifier_map(ar: dict[str, Any], en: dict[str, Any], where: str, quals: dict[str, str]) -> list[str]:
    """Cues of ``qualifiers.<where>`` (both languages); records each cue's qualifier in ``quals``."""
    cues: list[str] = []
    for qualifier in ("at_least", "more_than", "approx", "at_most", "less_than"):
        for term in _both(ar, en, ("qualifiers", where), qualifier):
            key = _norm(term)
            if quals.get(key, qualifier) != qualifier and where != "after":
                raise LexiconError(f"numbers: cue {term!r} has two qualifiers")
            quals.setdefault(key, qualifier)
            cues.append(term)
    return cues


def _calendar() -> tuple[list[str], list[str], list[str]]:
    """Arabic month names, English month names, weekday names (folded)."""
    cal = load("calendar")
    ar_months: list[str] = []
    en_months: list[str] = []
    for key, names in _table(cal, "months", "calendar").items():
        for name in _terms({key: names}, key, "calendar.months"):
            (en_months if name.isascii() else ar_months).append(name)
    weekdays: list[str] = []
    for key, names in _table(cal, "weekdays", "calendar").items():
        weekdays += _terms({key: names}, key, "calendar.weekdays")
    return ar_months, en_months, weekdays


def _vague(ar: dict[str, Any], en: dict[str, Any]) -> dict[str, tuple[int, int, bool]]:
    out: dict[str, tuple[int, int, bool]] = {}
    for lang, data in (("ar", ar), ("en", en)):
        entries = data.get("vague")
        if not isinstance(entries, list) or not entries:
            raise LexiconError(f"numbers.{lang}: [[vague]] missing")
        for entry in entries:
            low, high = entry.get("min"), entry.get("max")
            if not isinstance(low, int) or not isinstance(high, int) or not 0 < low < high:
                raise LexiconError(f"numbers.{lang}: a vague entry needs integers 0 < min < max")
            of_required = bool(entry.get("of_required", False))
            for phrase in _terms(entry, "phrases", f"numbers.{lang}.vague"):
                out[_norm(phrase)] = (low, high, of_required)
    return out


def _duals(ar: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for singular, forms in _table(ar, "duals", "numbers.ar").items():
        for form in _terms({singular: forms}, singular, "numbers.ar.duals"):
            out[form] = fold_term(singular)
    return out


def _glued(en: dict[str, Any]) -> dict[str, tuple[int, bool]]:
    out: dict[str, tuple[int, bool]] = {}
    for scale in en["scales"]:
        for suffix in _terms(scale, "glued", "numbers.en.scales", required=False):
            out[suffix.lower()] = (int(scale["value"]), suffix.lower() == "m")
    return out


def _compile(pattern: str, ignorecase: bool = True) -> Any:
    """Cues that must end where the figure starts (patterns ending in ``$``) are compiled with
    the ``regex`` module's REVERSE flag and matched right to left from the figure (see _before):
    one anchored attempt instead of one per position of the window. Patterns matched forward
    use the stdlib ``re``, whose per-call cost is lower."""
    if pattern.endswith("$"):
        return regex.compile(pattern, regex.V0 | regex.REVERSE | (regex.IGNORECASE if ignorecase else 0))
    return re.compile(pattern, re.IGNORECASE if ignorecase else 0)


_BOW = r"(?<!" + _LETTER + r")"  # beginning of a word
_EOW = r"(?!" + _LETTER + r")"  # end of a word
_TAIL = r"\s*(?:[وفبل]{1,2}|[وفب]?ال|لل)?$"  # a clitic glued to the figure, then the figure
_GAP_WORD = r"\s+" + _LETTER + r"++"


def _starters(words: dict[str, _Word], duals: dict[str, str], vague: dict[str, Any]) -> frozenset[str]:
    """Words a figure may start with, with every clitic and ال prefix spelled out (so the scan is a
    set lookup per word): number words, scale words that stand alone (not آلاف or thousand),
    duals, the first words of vague phrases; English lower-cased, with "a", "an" and "half",
    which :func:`find_figures` checks against the word after them."""
    ar = [w for w, v in words.items() if v.lang == "ar" and (v.kind != "scale" or v.alone or v.dual_alone)]
    ar += list(duals) + [p.split()[0] for p in vague if not p.isascii()]
    out = {clitic + art + w for w in ar for clitic in _CLITICS for art in ("", "ال")}
    out |= {w for w, v in words.items() if v.lang == "en" and v.kind in ("unit", "teen", "tens", "article", "frac")}
    out |= {p.split()[0] for p in vague if p.isascii()}
    return frozenset(out)


@cache
def _grammar() -> _Grammar:
    """Build the grammar from the lexicons (once)."""
    ar, en = load("numbers.ar"), load("numbers.en")
    words: dict[str, _Word] = {}
    _load_words("ar", ar, words)
    _load_words("en", en, words)
    duals = _duals(ar)
    vague = _vague(ar, en)
    ar_months, en_months, weekdays = _calendar()

    quals: dict[str, str] = {}
    pre = _qualifier_map(ar, en, "before", quals)
    post_quals: dict[str, str] = {}
    post = _qualifier_map(ar, en, "after", post_quals)
    for key, value in post_quals.items():
        quals.setdefault(key, value)
    gap_ar = _table(_table(ar, "qualifiers", "numbers.ar"), "before_gap", "numbers.ar.qualifiers")
    gap_cues: list[str] = []
    for qualifier in ("more_than", "at_most"):
        for term in _terms(gap_ar, qualifier, "numbers.ar.qualifiers.before_gap"):
            quals.setdefault(_norm(term), qualifier)
            gap_cues.append(term)
    gap_nouns = _terms(gap_ar, "nouns", "numbers.ar.qualifiers.before_gap")
    # The count noun's own words may run long ("عدد قتلى الزلزال الذي ضرب جنوب تركيا ... 11 ألفا"),
    # but not into a new clause, whose figure the verb does not govern.
    gap_word = (r"\s+(?!(?:" + _alt(_terms(gap_ar, "breaks", "numbers.ar.qualifiers.before_gap")) + ")"
                + _EOW + ")" + _LETTER + "++")

    def terms(*path: str) -> list[str]:
        return _both(ar, en, path[:-1], path[-1])

    def rev(*path: str) -> str:  # an alternation for a right-to-left pattern
        return _alt(terms(*path), reverse=True)

    def fwd(*path: str) -> str:
        return _alt(terms(*path))

    def groups(side: str, cats: tuple[str, ...]) -> str:
        return "|".join(f"(?P<{c}>{_alt(terms('exclude', side, c), side == 'before')})" for c in cats)

    months_fwd = _alt(ar_months) + "|" + _alt(en_months)
    months_rev = _alt(ar_months, True) + "|" + _alt(en_months, True)
    excl_after = ("duration", "age", "money", "percent", "measure", "time", "date", "fraction")
    excl_before = ("time", "age", "id", "percent", "duration", "ordinal", "ratio")
    return _Grammar(
        words=words,
        duals=duals,
        glued=_glued(en),
        weekdays=frozenset(weekdays),
        vague=vague,
        qualifier_of=quals,
        starters=_starters(words, duals, vague),
        lead_next=_compile(r"\s+(?:a\s+|an\s+)?(?:" + _alt(w for w, v in words.items() if v.lang == "en"
                                                           and v.kind in ("hmul", "scale", "dozen")) + ")" + _EOW),
        vague_re=_compile(r"(?P<v>" + _alt(vague) + ")" + _EOW),
        pre_cue=_compile(_BOW + r"[وفبل]{0,2}(?P<cue>" + _alt(pre, True) + ")" + _TAIL),
        gap_cue=_compile(
            _BOW + r"[وفبل]{0,2}(?P<cue>" + _alt(gap_cues, True) + r")\s+[وفبل]{0,2}(?:ال)?(?:"
            + _alt(gap_nouns, True) + ")" + _EOW + r"(?:" + gap_word + f"){{0,{GAP_WORDS}}}"
            + r"(?:\s+(?:" + _alt(_terms(gap_ar, "of_them", "numbers.ar.qualifiers.before_gap"), True) + ")"
            + _EOW + ")?" + _TAIL
        ),
        post_cue=_compile(r"(?:" + _GAP_WORD + r"){0,2}?\s+(?P<cue>" + _alt(post) + ")" + _EOW),
        range_before=_compile(_BOW + r"(?P<cue>" + rev("ranges", "before") + r")\s*$"),
        range_from=_compile(_BOW + r"(?P<cue>" + rev("ranges", "from") + r")\s*$"),
        range_and=_compile(r"\s+(?P<j>" + fwd("ranges", "and") + r")\s+|\s*(?P<g>و)(?=\S)"),
        range_to=_compile(
            r"(?:\s+(?P<j>" + _alt(terms("ranges", "to") + terms("ranges", "or")) + r")\s+"
            r"|(?P<h>[ ]?-[ ]?)(?=\d))"
        ),
        change=_compile(_BOW + r"(?:" + fwd("ranges", "change") + ")" + _EOW),
        excl_after=_compile(r"(?:\s*-\s*|\s*)(?:of\s+|ال)?(?:" + groups("after", excl_after) + r")(?![^\W_])"),
        excl_before=_compile(
            r"(?:" + _BOW + r"[وفبل]{0,2}(?:" + groups("before", excl_before) + ")" + _TAIL[:-1]
            + r"|(?P<money>" + rev("exclude", "before", "money") + r")\s*)$"
        ),
        id_apposition=_compile(_BOW + r"(?:" + rev("exclude", "before", "id") + r")\s*[,،]\s*$"),
        ordinal_head=_compile(_BOW + r"(?:" + rev("exclude", "before", "ordinal_heads") + r")\s*$"),
        month_after=_compile(r"\s*(?:من\s+|of\s+)?(?:" + months_fwd + r")" + _EOW, ignorecase=False),
        month_before=_compile(r"(?:" + months_rev + r")\.?\s*$", ignorecase=False),
        month_day_before=_compile(
            r"(?:" + months_rev + r")\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?\s*,?)?\s*$", ignorecase=False
        ),
        year_before=_compile(_BOW + r"(?:" + rev("years", "before") + r")\s*[وبل]?$"),
        old_year_before=_compile(_BOW + r"(?:" + rev("years", "word") + r")\s+$"),
        year_after=_compile(r"\s*(?:" + fwd("years", "after") + ")" + _EOW),
        count_after=_compile(r"\s+(?:" + fwd("years", "count_after") + ")" + _EOW),
        one_before=_compile(_BOW + r"(?:" + rev("exclude", "one", "before") + r")\s*$"),
        one_after=_compile(r"(?:\s+|\s*-\s*)(?:" + fwd("exclude", "one", "after") + ")" + _EOW),
    )


# ---------------------------------------------------------------------------- reading numbers


@dataclass(slots=True)
class _Atom:
    start: int  # where the figure text starts (after a stripped clitic, ال kept)
    end: int
    kind: str
    value: int
    lang: str  # "ar", "en", or "num" for digits
    conj: bool = False  # a glued و in front (و417، وثلاثون)
    definite: bool = False  # carries ال
    raw: str = ""  # digits, for kind "num"
    alone: bool = False
    dual_alone: bool = False


# Small patterns run on every candidate use the stdlib re (lower per-call cost than regex).
# Those typed Any always match where they are used (a digit, a letter, or an empty match).
_DIGITS: Any = re.compile(r"\d++(?:[.,٬٫،]\d++)*+")
_SPACE_GROUP = re.compile(r" (\d{3})(?![\d.,٬٫،:/])")
_PHONE_BEFORE = re.compile(r"\d ")
_PHONE_AFTER = re.compile(r" \d")
_SEP = re.compile(r"[.,٬٫،]")
_WORD: Any = re.compile(_LETTER + r"++")
_JOIN: Any = re.compile(r"[ ]*(?P<c>,)[ ]+|[ ]+(?P<w>و|(?i:and))[ ]+|(?P<h>-)(?=[A-Za-z])|[ ]*")


def _digit_atom(text: str, pos: int, start: int, conj: bool, g: _Grammar) -> _Atom | None:
    """The digit token at ``pos``; None when it is glued to something that makes it no count."""
    m = _DIGITS.match(text, pos)
    end = m.end()
    raw = m.group()
    if _PHONE_BEFORE.match(text, max(0, pos - 2), pos):
        return None  # a digit group after another: "+972 2 123 4567"
    if len(raw) <= 3 and raw.isdigit():  # "12 493": a space as thousands separator
        while (s := _SPACE_GROUP.match(text, end)) is not None:
            raw += "," + s.group(1)
            end = s.end()
        if "," in raw and _PHONE_AFTER.match(text, end):
            return None
    if end < len(text):
        nxt = text[end]
        if nxt in ":/" and end + 1 < len(text) and text[end + 1].isdigit():
            return None  # 17:00, 7/10/2023, 24/7
        if nxt.isalpha():
            suffix = _WORD.match(text, end).group()
            scale = g.words.get(suffix)
            glued = g.glued.get(suffix.lower())
            if not ((scale is not None and scale.kind == "scale") or (glued and (not glued[1] or "." in raw))):
                return None  # 5يوليو2024, ١٨٠ميلي, 7th, F16
    return _Atom(start, end, "num", 0, "num", conj=conj, raw=raw)


def _ar_atom(word: str, pos: int, end: int, g: _Grammar) -> _Atom | None:
    """An Arabic number word, after stripping a clitic (و ف ب ل) and keeping ال."""
    for clitic in _CLITICS:
        if not word.startswith(clitic):
            continue
        rest = word[len(clitic) :]
        if clitic and clitic[-1] in "فبل" and len(rest) < 3:
            continue  # لست، بست: not "six"
        if rest in g.weekdays:
            return None  # الاثنين is Monday
        definite = rest.startswith("ال") and rest not in g.words
        core = rest[2:] if definite else rest
        w = g.words.get(core)
        if w is not None and w.lang == "ar":
            return _Atom(pos + len(clitic), end, w.kind, w.value, "ar", clitic.startswith("و"), definite,
                         alone=w.alone, dual_alone=w.dual_alone)
    return None


def _read_atom(text: str, pos: int, g: _Grammar) -> _Atom | None:
    if pos >= len(text):
        return None
    if text[pos].isdigit():
        return _digit_atom(text, pos, pos, False, g)
    m = _WORD.match(text, pos)
    if m is None:
        return None
    word, end = m.group(), m.end()
    if end < len(text) and text[end].isdigit():  # و417، بـ300 (tatweel folded away)
        if word in _DIGIT_CLITICS:
            return _digit_atom(text, end, end, word.startswith("و"), g)
        return None
    if word.isascii():
        w = g.words.get(word.lower())
        glued = g.glued.get(word.lower())
        if w is None and glued is not None and pos > 0 and text[pos - 1].isdigit():
            return _Atom(pos, end, "scale", glued[0], "en")  # 2.3m, 5bn
        if w is None or w.lang != "en":
            return None
        return _Atom(pos, end, w.kind, w.value, "en", alone=w.alone)
    atom = _ar_atom(word, pos, end, g)
    if atom is None:
        return None
    if atom.kind in ("unit", "teen_head"):
        return _teen(text, atom, g)
    if atom.kind == "ten":
        atom.kind = "teen"
    return atom


def _teen(text: str, atom: _Atom, g: _Grammar) -> _Atom | None:
    """ثلاثة عشر، أحد عشر: a unit or teen head followed by عشر/عشرة is one teen atom."""
    m = _WORD.match(text, atom.end + 1) if text[atom.end : atom.end + 1] == " " else None
    w = g.words.get(m.group()) if m else None
    if m is not None and w is not None and w.kind == "ten":
        return _Atom(atom.start, m.end(), "teen", atom.value + 10, "ar", atom.conj, atom.definite)
    return atom if atom.kind == "unit" else None


def _next(text: str, pos: int, g: _Grammar) -> tuple[str, _Atom] | None:
    """The joiner after ``pos`` and the atom after it: ("adj"|"conj"|"and"|"comma"|"hyphen", atom)."""
    m = _JOIN.match(text, pos)
    if m.group("c"):
        how = "comma"
    elif m.group("w"):
        how = "conj" if m.group("w") == "و" else "and"
    elif m.group("h"):
        how = "hyphen"
    else:
        how = "adj"
    atom = _read_atom(text, m.end(), g)
    if atom is None:
        return None
    if atom.conj:
        if how != "adj":
            return None
        how = "conj"
    return how, atom


def _digits_value(raw: str, before_scale: bool) -> Decimal | None:
    """Read a digit token: which separators group thousands and which one is a decimal point."""
    seps = _SEP.findall(raw)
    groups = _SEP.split(raw)
    if sum(len(d) for d in groups) > _MAX_DIGITS:
        return None
    if not seps:
        return None if _id_like(raw) else Decimal(raw)
    last = seps[-1]
    decimal = last == "٫" or len(groups[-1]) != 3 or (before_scale and last == "." and len(seps) == 1)
    if decimal:
        if last in "٬،":
            return None
        whole, frac = groups[:-1], groups[-1]
        if len(whole) == 1 and _id_like(whole[0]):
            return None
        if len(whole) > 1 and (not _thousands(whole, seps[:-1]) or last in seps[:-1]):
            return None
        return Decimal("".join(whole) + "." + frac)
    if not _thousands(groups, seps) or last == "٫":
        return None
    return Decimal("".join(groups))


def _id_like(run: str) -> bool:
    """050..., phone numbers, IDs: a leading zero or too many digits for a count."""
    return (len(run) > 1 and run[0] == "0") or len(run) > _MAX_PLAIN_DIGITS


def _thousands(groups: list[str], seps: list[str]) -> bool:
    """1,618 / 44.664 / 12٬493 / 1,200,000: one separator kind, groups of three after the first."""
    if len(set(seps)) > 1:
        return False
    first = groups[0]
    if not 1 <= len(first) <= 3 or (len(first) > 1 and first[0] == "0"):
        return False
    return all(len(d) == 3 for d in groups[1:])


@dataclass(slots=True)
class _Num:
    start: int
    end: int
    value: Decimal
    rule: str
    scale: int  # the last scale applied (0: none)
    base: Decimal | None  # "400" of "400 ألف" when the number is one count times one scale
    plain: bool  # one unseparated digit token (years and dates are plain)
    definite: bool  # an Arabic word carrying ال
    lang: str


class _Acc:
    """Accumulates atoms into a value: total of scaled groups plus the group being read."""

    __slots__ = ("total", "group", "slots", "limit", "last", "lang", "n", "digits", "words",
                 "joined", "base", "end", "good", "start", "definite", "raw")

    def __init__(self, first: _Atom) -> None:
        self.total = Decimal(0)
        self.group = Decimal(0)
        self.slots: set[str] = set()  # filled places of the group: h t u teen x(digits)
        self.limit = 0  # last scale applied; later groups must stay below it
        self.last = ""
        self.lang = ""
        self.n = 0
        self.digits = self.words = False
        self.joined = 0
        self.base: Decimal | None = None
        self.start = first.start
        self.end = first.start
        self.definite = first.definite
        self.raw = ""
        self.good: tuple[int, Decimal, int, bool, bool, int, Decimal | None] | None = None

    def _set(self, value: Decimal, slot: str) -> None:
        self.group = value
        self.slots = {slot}

    def take(self, atom: _Atom, how: str, nxt: tuple[str, _Atom] | None) -> bool:
        """Add ``atom`` (reached through ``how``) if the language allows it here."""
        if not self._accepts(atom, how, nxt):
            return False
        self.n += 1
        self.end = atom.end
        if how in ("conj", "and", "comma") and self.n > 1:
            self.joined += 1
        if atom.lang != "num":
            self.lang = self.lang or atom.lang
            if atom.kind not in ("scale", "dual") or self.n == 1:
                self.words = True
        else:
            self.digits = True
        if self.last not in ("article", "frac_lead", "half_article"):
            self.good = (self.end, self.total + self.group, self.limit, self.digits, self.words,
                         self.joined, self.base)
        return True

    def _blocked(self, nxt: tuple[str, _Atom] | None) -> bool:
        """A join is refused when the next atom scales it past the current scale (بين 300 ألف و400 ألف)."""
        if nxt is None or nxt[0] != "adj" or nxt[1].kind != "scale":
            return False
        return nxt[1].value >= self.limit

    def _accepts(self, a: _Atom, how: str, nxt: tuple[str, _Atom] | None) -> bool:  # noqa: C901
        k, empty = a.kind, self.n == 0
        ar = a.lang != "en"
        if how == "conj" and (not ar or self.lang == "en"):
            return False
        if how in ("and", "comma") and (ar or self.last not in ("scale", "hmul", "dual")):
            return False
        if how == "comma" and self.last == "hmul":
            return False
        after_scale = not self.slots and self.limit > 0  # a scale was applied, new group empty
        if k == "num":
            before_scale = nxt is not None and nxt[0] == "adj" and nxt[1].kind == "scale"
            value = _digits_value(a.raw, before_scale)
            if value is None:
                return False
            if empty:
                self.raw = a.raw
                self._set(value, "x")
            elif how == "conj" and after_scale and value == int(value) and value < self.limit \
                    and not self._blocked(nxt):
                self._set(value, "x")
            else:
                return False
        elif k == "scale":
            if how == "adj" and self.group > 0 and (not self.limit or a.value < self.limit):
                if self.n == 1 or (self.n == 2 and self.last == "frac_lead"):
                    self.base = self.group
                self.total += self.group * a.value
                self.group, self.slots, self.limit = Decimal(0), set(), a.value
            elif empty and (a.alone or a.dual_alone):
                # ألفا alone is two thousand (ألفا شخص); joined to more (ألفاً وخمسمائة) it is
                # the accusative of ألف.
                two = a.dual_alone and not (nxt is not None and nxt[0] == "conj")
                self.total, self.limit = Decimal(2 if two else 1) * a.value, a.value
            elif how == "conj" and after_scale and a.value < self.limit and a.alone and not self._blocked(nxt):
                self.total += a.value
                self.limit = a.value
            elif self.last in ("frac_tail",) and a.definite and a.value == self.limit and how == "adj":
                pass  # مليون ونصف المليون
            else:
                return False
        elif k == "dual":
            if empty or (how == "conj" and after_scale and a.value < self.limit):
                self.total += 2 * a.value
                self.limit = a.value
            else:
                return False
        elif k == "hundred":
            if a.value == 100 and how == "adj" and self.last == "unit" and self.slots == {"u"}:
                self.group *= 100
                self.slots = {"h"}
            elif empty or (how == "conj" and after_scale and a.value < self.limit and not self._blocked(nxt)):
                self._set(Decimal(a.value), "h")
            else:
                return False
        elif k == "hmul":
            if how == "adj" and 0 < self.group < 100 and "h" not in self.slots:
                self.group *= 100
                self.slots = {"h"}
            else:
                return False
        elif k in ("unit", "teen", "tens"):
            if not self._number_word(a, how, empty, after_scale, nxt):
                return False
        elif k == "article":
            if not (empty or self.last == "frac_lead") or nxt is None or nxt[0] != "adj" \
                    or nxt[1].kind not in ("hmul", "scale", "dozen"):
                return False
            if empty:
                self._set(Decimal(1), "u")
            self.last = "half_article" if self.last == "frac_lead" else "article"
            return True
        elif k == "dozen":
            if how == "adj" and self.last in ("unit", "article", "half_article") and self.group < 10:
                self.group *= 12
                self.slots = {"x"}
            else:
                return False
        elif k == "frac":
            return self._fraction(a, how, empty, nxt)
        else:
            return False
        self.last = k
        return True

    def _number_word(self, a: _Atom, how: str, empty: bool, after_scale: bool,
                     nxt: tuple[str, _Atom] | None) -> bool:
        """Units, teens and tens: which may follow which, in each language."""
        k, value = a.kind, Decimal(a.value)
        slot = {"unit": "u", "teen": "teen", "tens": "t"}[k]
        if empty:
            self._set(value, slot)
            return True
        if self.slots & {"teen", "x", slot} or (k == "teen" and self.slots & {"u", "t"}):
            return False
        if self.limit and self._blocked(nxt):
            return False
        if a.lang == "ar":
            ok = how == "conj" and (bool(self.slots) or after_scale)
        elif k == "unit" and self.last == "tens":
            ok = how in ("hyphen", "adj")
        elif k == "tens" and "u" in self.slots:
            ok = False
        else:
            ok = how in ("adj", "and", "comma") and self.last in ("hmul", "scale", "dual")
        if ok:
            self.group += value
            self.slots.add(slot)
        return ok

    def _fraction(self, a: _Atom, how: str, empty: bool, nxt: tuple[str, _Atom] | None) -> bool:
        """نصف مليون، half a million (a lead fraction); مليون ونصف (a tail fraction)."""
        share = Decimal(a.value) / 100
        if empty:
            if nxt is None or nxt[0] != "adj" or nxt[1].kind not in ("scale", "article"):
                return False
            self._set(share, "x")
            self.last = "frac_lead"
            return True
        if how in ("conj", "and") and self.last in ("scale", "dual") and not self.slots and self.limit:
            self.total += share * self.limit
            self.slots = {"x"}
            self.last = "frac_tail"
            return True
        return False


def _read_number(text: str, pos: int, g: _Grammar) -> _Num | None:
    """The longest number starting at ``pos`` (a digit or a number word), or None."""
    first = _read_atom(text, pos, g)
    if first is None or first.kind not in _NUMBER_KINDS + ("num",):
        return None
    acc = _Acc(first)
    atom, how = first, "first"
    while True:
        nxt = _next(text, atom.end, g)
        if not acc.take(atom, how, nxt) or nxt is None:
            break
        how, atom = nxt
    if acc.good is None:
        return None
    end, value, limit, digits, words, joined, base = acc.good
    if value <= 0 and not (digits and value == 0):
        return None
    lang = acc.lang or "ar"
    if digits and (joined or words):
        rule = f"{lang}.compound"
    elif digits:
        rule = "digits+scale" if limit else "digits"
    else:
        rule = f"{lang}.words"
    plain = rule == "digits" and acc.raw.isdigit() and end - acc.start == len(acc.raw)
    return _Num(acc.start, end, value, rule, limit, base if joined == 0 else None, plain, acc.definite, lang)


# ---------------------------------------------------------------------------- context


def _before(pattern: Any, text: str, start: int) -> Any:
    """``pattern`` (anchored with ``$``, compiled REVERSE) matched on the text ending at ``start``."""
    return pattern.match(text, max(0, start - _WINDOW), start)  # REVERSE: anchored at ``start``


# A number coordinated with the figure: "85 و79 عاما", "aged 84 and 83".
_COORD_AFTER: Any = re.compile(r"(?:\s*+(?:و|and|or|أو|,)\s*+\d++(?:[.,]\d++)*+){0,3}")
_COORD_BEFORE = regex.compile(r"(?:\d+(?:[.,]\d+)*\s*(?:و|and|or|أو|,)\s*){1,3}$", regex.REVERSE)
_APPOSITION = regex.compile(r"(?<![\w])[A-Z][\w'-]*,\s*$", regex.REVERSE)
_APPOSITION_END = re.compile(r"\s*[,;)]")
_ID_END = re.compile(r"\s*(?:[,،;)]|\.(?!\d))")
# One or two words opening a quote right before a number that closes it: a name ("فلسطين 2").
_QUOTED_WORDS = regex.compile(r"[\"“«]\s*" + _LETTER + r"+(?:\s+" + _LETTER + r"+)?\s+$", regex.REVERSE)
_QUOTE_END = re.compile(r"\s*[\"”»]")
_YEAR_SPAN_AFTER = re.compile(r"\s*[-/]\s*\d{4}(?!\d)")
_YEAR_SPAN_BEFORE = regex.compile(r"\d{4}\s*[-/]\s*$", regex.REVERSE)
_PREV_WORD = regex.compile(r"(?<!" + _LETTER + r")(" + _LETTER + r"+)[^\w]*$", regex.REVERSE)
_LETTER_NEXT = re.compile(r"\s*" + _LETTER)
_OF_NEXT = re.compile(r"\s+of\b", re.IGNORECASE)
_DIGIT_NEXT = re.compile(r"\s*و?\d")
_SPACES: Any = re.compile(r"\s*")


def _is_year_like(num: _Num) -> bool:
    return num.plain and len(str(int(num.value))) == 4 and 1900 <= num.value <= 2100


def _is_year(text: str, num: _Num, g: _Grammar) -> bool:
    """A plain 19xx/20xx is a year after a year cue or a month, before a year suffix, in a span of
    years, or in English prose (where counts of a thousand carry a comma) unless a count follows."""
    start = num.start
    if _before(g.year_before, text, start) or _before(g.month_day_before, text, start):
        return True
    if g.year_after.match(text, num.end) or _YEAR_SPAN_AFTER.match(text, num.end):
        return True
    if _before(_YEAR_SPAN_BEFORE, text, start):
        return True
    prev = _before(_PREV_WORD, text, start)
    if prev is not None and prev.group(1).isascii():
        return not (_before(g.pre_cue, text, start) or g.count_after.match(text, num.end))
    if prev is not None and prev.group(1) == "في":
        return not _LETTER_NEXT.match(text, num.end)
    return False


def _excluded(text: str, start: int, end: int, num: _Num, g: _Grammar) -> int | None:
    """Where the reader resumes when the figure is a date, time, duration, age, amount of money,
    percentage, identifier or ordinal, not a count; None when it is a count."""
    coord = _COORD_AFTER.match(text, end).end()
    m = g.excl_after.match(text, end) or (g.excl_after.match(text, coord) if coord > end else None)
    if m is not None:
        return int(m.end())  # 3 في المئة: skip the unit too, so "المئة" is not read as 100
    return end if _excluded_before(text, start, end, num, g) else None


def _excluded_before(text: str, start: int, end: int, num: _Num, g: _Grammar) -> bool:
    if _before(g.excl_before, text, start):
        return True
    coord = _before(_COORD_BEFORE, text, start)
    if coord is not None and _before(g.excl_before, text, coord.start()):
        return True  # "aged 84 and 83": the cue governs both numbers
    if num.plain and num.value < 120 and _APPOSITION_END.match(text, end) and _before(_APPOSITION, text, start):
        return True  # "Judith Raanan, 59, and": an age after a name
    if num.plain and _ID_END.match(text, end) and _before(g.id_apposition, text, start):
        return True  # "the personnel hotline, 1111, ...": the number names the hotline
    if (num.plain and _QUOTE_END.match(text, end) and _before(_QUOTED_WORDS, text, start)
            and not _before(g.pre_cue, text, start)):  # (not "almost 50" quoted)
        return True  # "صاروخا من طراز \"فلسطين 2\"", the "Zircon 3": a name ending in a number
    if num.value <= 31 and num.value == int(num.value):
        if g.month_after.match(text, end) or (num.plain and _before(g.month_before, text, start)):
            return True
    glued_al = text[max(0, start - 2) : start] == "ال"
    if (num.definite or glued_al) and _before(g.ordinal_head, text, start - 2 if glued_al else start):
        return True
    if _is_year_like(num) and _is_year(text, num, g):
        return True
    if num.plain and 1800 <= num.value < 1900 and _before(g.old_year_before, text, start):
        return True  # an older year only right after the word year: "منذ بدء التسجيل عام 1851", "in the year 1883"
    if num.value == 1 and num.lang == "en" and not num.plain:
        if _before(g.one_before, text, start) or g.one_after.match(text, end):
            return True
    return False


def _glued_digit_ok(text: str, pos: int) -> bool:
    """A digit run may start a figure unless glued to a word (other than a clitic) or a symbol."""
    if pos == 0:
        return True
    prev = text[pos - 1]
    if prev.isalpha():
        lo = pos - 1
        while lo > 0 and text[lo - 1].isalpha() and pos - lo < 5:
            lo -= 1
        return text[lo:pos] in _DIGIT_CLITICS and not (lo > 0 and text[lo - 1].isalpha())
    if prev == "-" and pos > 1 and (text[pos - 2].isalnum()):
        return False  # COVID-19, F-16, 2023-10-07
    return prev not in _GLUED_BEFORE_DIGIT


def _qualify(text: str, start: int, end: int, g: _Grammar) -> tuple[str, str | None]:
    """The qualifier cue before the figure (or after it and its noun), else exact."""
    m = _before(g.pre_cue, text, start) or _before(g.gap_cue, text, start)
    if m is None:
        m = g.post_cue.match(text, end)
        if m is not None and _starts_number(text, m.end(), g):
            m = None  # the cue belongs to the next figure: "5 وأصيب على الأقل 10"
    if m is None:
        return "exact", None
    cue = m.group("cue")
    return g.qualifier_of.get(_norm(cue), "exact"), cue


def _starts_number(text: str, pos: int, g: _Grammar) -> bool:
    return _read_atom(text, _SPACES.match(text, pos).end(), g) is not None


def _ranged(text: str, a: _Num, g: _Grammar) -> tuple[_Num, Decimal, str] | None:
    """``a`` as the low bound of a range: (high bound, adjusted low value, cue), or None."""
    before = _before(g.range_before, text, a.start)
    if before is not None:
        j = g.range_and.match(text, a.end)
        if j is not None:
            b = _read_number(text, j.end(), g)
            low = _shared_scale(a, b)
            if b is not None and low is not None:
                return b, low, f"{before.group('cue')} … {j.group('j') or j.group('g')}"
    j = g.range_to.match(text, a.end)
    if j is None:
        return None
    b = _read_number(text, j.end(), g)
    low = _shared_scale(a, b)
    if b is None or low is None:
        return None
    if j.group("h") is not None:
        if not (a.rule.startswith("digits") and b.rule.startswith("digits")) or _is_year_like(a):
            return None
        return b, low, "-"
    word = j.group("j")
    start = _before(g.range_from, text, a.start)
    if g.change.search(text, max(0, a.start - 45), a.start):
        return None  # ارتفع من 300 إلى 400 / rose from 300 to 400: a change, not a range
    return b, low, f"{start.group('cue')} … {word}" if start else word


def _shared_scale(a: _Num, b: _Num | None) -> Decimal | None:
    """The low bound's value, taking the high bound's scale (بين 300 و400 ألف); None if not a range."""
    if b is None:
        return None
    low = a.value
    if not a.scale and b.scale and b.base is not None and low < b.base:
        low *= b.scale
    return low if low < b.value else None


def _value(d: Decimal) -> int | float:
    try:
        return int(d) if d == d.to_integral_value() else float(d)
    except InvalidOperation:  # pragma: no cover - Decimal of digits is always finite
        return 0


# ---------------------------------------------------------------------------- figures


def _vague_at(text: str, pos: int, g: _Grammar) -> Figure | None:
    """عشرات، مئات الآلاف، dozens, tens of thousands at ``pos`` (a clitic may precede)."""
    word = _WORD.match(text, pos)
    if word is None:
        return None
    for clitic in _CLITICS:
        if not word.group().startswith(clitic):
            continue
        m = g.vague_re.match(text, pos + len(clitic))
        if m is None:
            continue
        low, high, of_required = g.vague[_norm(m.group("v"))]
        after = text[m.end() : m.end() + 12]
        if of_required and not _OF_NEXT.match(after):
            return None
        if _DIGIT_NEXT.match(after):
            return None  # "آلاف" before a number is not vague
        if g.excl_after.match(text, m.end()):
            return None  # آلاف الدولارات، عشرات السنين
        return Figure(m.start(), m.end(), low, high, "vague", "vague", None)
    return None


def _dual_at(text: str, pos: int, g: _Grammar) -> tuple[Figure, int] | None:
    """جنديين، رهينتين: the dual of a listed counted noun counts two (and where reading resumes)."""
    m = _WORD.match(text, pos)
    if m is None:
        return None
    word = m.group()
    for clitic in _CLITICS:
        if not word.startswith(clitic):
            continue
        rest = word[len(clitic) :]
        for core in (rest, rest[2:] if rest.startswith("ال") else None):
            if core and core in g.duals:
                start = pos + len(clitic)
                noun, resume = g.duals[core], m.end()
                # A dual right after agrees with this one ("طائرتين مسيرتين" = two drones): one figure.
                nxt = _WORD.match(text, _SPACES.match(text, m.end()).end())
                if nxt is not None and nxt.group() in g.duals:
                    noun, resume = f"{noun} {g.duals[nxt.group()]}", nxt.end()
                qualifier, cue = _qualify(text, start, m.end(), g)
                return Figure(start, m.end(), 2, None, qualifier, "ar.dual", cue, noun), resume
    return None


def _figure_at(text: str, pos: int, g: _Grammar) -> tuple[Figure | None, int]:
    """The figure starting at candidate ``pos``, and where scanning resumes."""
    vague = _vague_at(text, pos, g) if not text[pos].isdigit() else None
    if vague is not None:
        return vague, vague.end
    num = _read_number(text, pos, g)
    if num is None:
        if not text[pos].isdigit():
            dual = _dual_at(text, pos, g)
            if dual is not None:
                return dual
        return None, _skip(text, pos)
    ranged = _ranged(text, num, g)
    if ranged is None:
        resume = _excluded(text, num.start, num.end, num, g)
        if resume is not None:
            return None, resume
        qualifier, cue = _qualify(text, num.start, num.end, g)
        return Figure(num.start, num.end, _value(num.value), None, qualifier, num.rule, cue), num.end
    high, low, cue = ranged
    resume = _excluded(text, num.start, high.end, num, g)
    if resume is None and _excluded_before(text, high.start, high.end, high, g):
        resume = high.end
    if resume is not None:
        return None, resume
    return Figure(num.start, high.end, _value(low), int(high.value), "range", "range", cue), high.end


def _skip(text: str, pos: int) -> int:
    """Past the token at ``pos`` (a whole digit run, so its inner digits are not read again)."""
    m = _DIGITS.match(text, pos) if text[pos].isdigit() else _WORD.match(text, pos)
    return m.end() if m is not None else pos + 1


_TOKENS = re.compile(r"\d+|[^\W\d_]+")  # stdlib re: the fastest scan over every word
_ANY_DIGIT = re.compile(r"\d")
_LEADS = frozenset(("a", "an", "half"))  # start a figure only before a number word
_LEAD_WORDS = re.compile(r"(?<![^\W\d_])(?:an?|half)(?![^\W\d_])", re.IGNORECASE)


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text`` (already folded), sorted by start and non-overlapping."""
    g = _grammar()
    candidates: Iterator[re.Match[str]] = _TOKENS.finditer(text)
    if _ANY_DIGIT.search(text) is None:
        # Most sentences hold no digit and no word a figure may start with: a set operation in C
        # says so. Where "a", "an" or "half" are the only such words, only they are visited.
        found = g.starters.intersection(map(str.lower, _TOKENS.findall(text)))
        if not found:
            return []
        if found <= _LEADS:
            candidates = _LEAD_WORDS.finditer(text)
    figures: list[Figure] = []
    pos = 0
    starters = g.starters
    for m in candidates:
        at = m.start()
        if at < pos:
            continue  # inside the figure just read, or a digit run already skipped
        token = m.group()
        if token[0].isdigit():
            if not _glued_digit_ok(text, at):
                pos = _skip(text, at)
                continue
        else:
            if token.isascii():
                token = token.lower()
                if token in _LEADS and not g.lead_next.match(text, m.end()):
                    continue
            if token not in starters:
                continue
        figure, pos = _figure_at(text, at, g)
        if figure is not None:
            figures.append(figure)
    return figures
