"""Read dates in folded article text.

Two jobs:

* :func:`find_dates` / :func:`parse_date` find explicit dates with a year ("الجمعة 5يوليو2024",
  "10 تشرين الأول/أكتوبر 2023", "October 10, 2023", "2023-10-10"), for the publication date of
  an article.
* :func:`resolve_as_of` reads the date a sentence gives its figures ("الاثنين", "أمس الجمعة",
  "السبت الماضي", "late on Monday", "on October 19") and resolves it against the article date,
  never into the future.

Which cue dates a sentence, when it holds several: a cue right after an as-of word ("حتى 16
أيار/مايو", "as of Monday") dates the figure itself and wins; otherwise the first cue of the
sentence, skipping cues inside a "since" clause ("منذ السبت", "since Saturday"), which start a
period rather than date the statement. A cue whose date would lie after the article date is
ignored, and so are forward-looking cues ("غدا الأحد", "next Monday").

Everything works on folded text (see :mod:`claimtrack.text`); every offset indexes it.
The words come from ``lexicons/dates.toml`` and ``lexicons/calendar.toml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

from claimtrack import lexicon
from claimtrack.records import Span
from claimtrack.text import fold_term, pattern_timeout

_DAY = dt.timedelta(days=1)
# How far back from a cue to look for an as-of word, and for the start of a since clause.
_AS_OF_WINDOW = 24
_CLAUSE_WINDOW = 160
_CLAUSE_BREAKS = ",،;؛:.!?؟\n"


@dataclass(frozen=True, slots=True)
class AsOf:
    """The date a sentence gives its figures, and the words that gave it."""

    date: dt.date
    cue: str
    span: Span
    conflict: bool = False  # a weekday printed beside the date contradicts it


@dataclass(frozen=True, slots=True)
class DateMatch:
    """An explicit date with its year, as printed in the text."""

    date: dt.date
    span: Span
    weekday: int | None  # the weekday printed beside it, Monday = 0
    conflict: bool  # that weekday contradicts the date
    numeric: bool  # the day is written in digits ("7 أكتوبر"), not as an ordinal ("السابع من")
    in_since_clause: bool  # "منذ 7 أكتوبر 2023": the start of a period, not a dateline


def weekday_before(published: dt.date, weekday: int) -> dt.date:
    """The most recent ``weekday`` (Monday = 0) on or before ``published``."""
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def find_dates(folded: str) -> Iterator[DateMatch]:
    """Every explicit date with a year in ``folded``, in text order."""
    g = _grammar()
    for m in g.explicit.finditer(folded, timeout=pattern_timeout(len(folded))):
        parts = _explicit_parts(g, m)
        if parts is None:
            continue
        day, month, year, numeric = parts
        if year is None:
            continue
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        weekday = _weekday_of(g, m, "xwd")
        yield DateMatch(
            date=date,
            span=Span(m.start(), m.end()),
            weekday=weekday,
            conflict=weekday is not None and weekday != date.weekday(),
            numeric=numeric,
            in_since_clause=_in_since_clause(g, folded, m.start()),
        )


def parse_date(folded: str) -> tuple[dt.date, Span] | None:
    """The first explicit date with a year in ``folded`` (any supported form), with its span."""
    for found in find_dates(folded):
        return found.date, found.span
    return None


def resolve_as_of(
    folded_sentence: str, published: dt.date | None, *, context: dt.date | None = None
) -> AsOf | None:
    """The date ``folded_sentence`` gives its figures, resolved against the article date.

    ``context`` is the date of the statement the sentence follows on from; cues that point back
    to it ("a day earlier", "في اليوم نفسه") resolve against it, and default to ``published``.
    Returns None when the sentence holds no usable date cue.
    """
    g = _grammar()
    if not _may_hold_cue(g, folded_sentence):
        return None
    usable: list[_Cue] = []
    for m in g.cue.finditer(folded_sentence, timeout=pattern_timeout(len(folded_sentence))):
        cue = _read_cue(g, m, published, context)
        if cue is None or cue.future or cue.date is None:
            continue
        if cue.explicit and _names_event(g, folded_sentence, cue.start):
            continue  # "the October 7 attack": an event's name, not when the statement was made
        if published is not None and cue.date > published:
            continue  # never into the future: the text meant another year or a plan
        usable.append(cue)
    chosen = next((c for c in usable if _after_as_of_word(g, folded_sentence, c.start)), None)
    if chosen is None:
        chosen = next((c for c in usable if not _in_since_clause(g, folded_sentence, c.start)), None)
    if chosen is None or chosen.date is None:
        return None
    return AsOf(
        date=chosen.date,
        cue=folded_sentence[chosen.start : chosen.end],
        span=Span(chosen.start, chosen.end),
        conflict=chosen.conflict,
    )


# --- cues -----------------------------------------------------------------------------------

_LETTER_RUNS = regex.compile(r"\p{L}+")
_NUMERIC_DATE_HINT = regex.compile(r"\d[-/]\d")  # "2023-10-10", "2023/10/10"


def _may_hold_cue(g: _Grammar, text: str) -> bool:
    """False when ``text`` cannot hold a cue, decided without the cue pattern.

    Every cue holds one of ``g.anchors`` as a whole word (after a و/ف proclitic) or is a numeric
    date. The test is exact, and it matters: the full pattern costs ~200 µs a sentence, while half
    the sentences with a figure name no day at all.
    """
    anchors = g.anchors
    for word in _LETTER_RUNS.findall(text.lower()):
        if word in anchors or (word[0] in "وف" and word[1:] in anchors):
            return True
    return _NUMERIC_DATE_HINT.search(text) is not None


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    date: dt.date | None
    conflict: bool = False
    future: bool = False
    explicit: bool = False


def _read_cue(g: _Grammar, m: Any, published: dt.date | None, context: dt.date | None) -> _Cue | None:
    start, end = int(m.start()), int(m.end())
    if m.group("fut") is not None:
        return _Cue(start, end, None, future=True)
    if m.group("rel") is not None:
        return _relative_cue(g, m, start, end, published, context)
    if m.group("wwd") is not None:
        return _weekday_cue(g, m, start, end, published)
    parts = _explicit_parts(g, m)
    if parts is None:
        return None
    day, month, year, _ = parts
    if month == 0:  # "23 من الشهر نفسه": the month of the context date
        anchor = context or published
        if anchor is None:
            return None
        year, month = anchor.year, anchor.month
    date = _complete(day, month, year, published)
    if date is None:
        return None
    weekday = _weekday_of(g, m, "xwd")
    return _Cue(start, end, date, conflict=weekday is not None and weekday != date.weekday(), explicit=True)


def _relative_cue(
    g: _Grammar, m: Any, start: int, end: int, published: dt.date | None, context: dt.date | None
) -> _Cue | None:
    days, anchor_kind = g.relative[_key(m.group("rel"))]
    anchor = (context or published) if anchor_kind == "context" else published
    if anchor is None:
        return _Cue(start, end, None)
    date = anchor + dt.timedelta(days=days)
    weekday = _weekday_of(g, m, "rwd")
    return _Cue(start, end, date, conflict=weekday is not None and weekday != date.weekday())


def _weekday_cue(g: _Grammar, m: Any, start: int, end: int, published: dt.date | None) -> _Cue:
    weekday = g.weekdays[_key(m.group("wwd"))]
    modifier = m.group("wpre") or m.group("wpost")
    kind = g.modifiers.get(_key(modifier)) if modifier else None
    if kind == "future":
        return _Cue(start, end, None, future=True)
    if published is None:
        return _Cue(start, end, None)
    if kind == "past":  # "السبت الماضي": strictly before the article date
        return _Cue(start, end, weekday_before(published - _DAY, weekday))
    return _Cue(start, end, weekday_before(published, weekday))


def _explicit_parts(g: _Grammar, m: Any) -> tuple[int, int, int | None, bool] | None:
    """(day, month, year or None, day in digits) of an explicit-date match; month 0 = same month."""
    groups = m.groupdict()
    prefix = next((p for p in ("a", "o", "b", "c", "s") if groups.get(p + "day") is not None), None)
    if prefix is None:
        return None
    raw_day = str(groups[prefix + "day"])
    numeric = raw_day.isdigit()
    day = int(raw_day) if numeric else g.ordinals[_key(raw_day)]
    if prefix == "s":
        return day, 0, None, numeric
    raw_month = str(groups[prefix + "mon"])
    month = int(raw_month) if raw_month.isdigit() else g.months[_key(raw_month)]
    raw_year = groups[prefix + "year"]
    return day, month, int(raw_year) if raw_year else None, numeric


def _complete(day: int, month: int, year: int | None, published: dt.date | None) -> dt.date | None:
    """The date, taking a missing year from the article: the latest such day not after it."""
    try:
        if year is not None:
            return dt.date(year, month, day)
        if published is None:
            return None
        date = dt.date(published.year, month, day)
        return date if date <= published else dt.date(published.year - 1, month, day)
    except ValueError:  # 31 نيسان, 29 February of a common year: not a date
        return None


def _weekday_of(g: _Grammar, m: Any, group: str) -> int | None:
    text = m.group(group)
    return g.weekdays[_key(text)] if text else None


def _after_as_of_word(g: _Grammar, text: str, start: int) -> bool:
    return g.as_of_before.search(text, max(0, start - _AS_OF_WINDOW), start) is not None


def _names_event(g: _Grammar, text: str, start: int) -> bool:
    lo = max(0, start - _AS_OF_WINDOW)
    if g.event_before.search(text, lo, start):
        return True
    month_first = text[start : start + 1].isascii() and text[start : start + 1].isalpha()
    return month_first and g.event_determiner.search(text, lo, start) is not None


def _in_since_clause(g: _Grammar, text: str, start: int) -> bool:
    """Whether a since word stands between the clause start and ``start``."""
    lo = max(0, start - _CLAUSE_WINDOW)
    clause = max(text.rfind(ch, lo, start) for ch in _CLAUSE_BREAKS) + 1
    return g.since.search(text, max(lo, clause), start) is not None


# --- grammar --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Grammar:
    cue: Any  # compiled regex: any date cue
    explicit: Any  # compiled regex: explicit dates only
    as_of_before: Any
    event_before: Any
    event_determiner: Any
    since: Any
    months: dict[str, int]
    weekdays: dict[str, int]
    ordinals: dict[str, int]
    relative: dict[str, tuple[int, str]]
    modifiers: dict[str, str]  # weekday modifier -> "past" | "future"
    anchors: frozenset[str]  # one word every cue holds (see _may_hold_cue)


def _key(text: str) -> str:
    """Lookup form of a term or of matched text: folded, single-spaced, case-folded."""
    return " ".join(fold_term(text).split()).casefold()


def _is_arabic(term: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in term)


def _alt(terms: Iterable[str]) -> str:
    """A regex alternation of terms, longest first, spaces matching any whitespace."""
    keys = sorted({_key(t) for t in terms}, key=len, reverse=True)
    return "|".join(r"\s+".join(regex.escape(w) for w in k.split()) for k in keys)


def _words(terms: Iterable[str], name: str | None = None, *, body: str | None = None) -> str:
    """Whole-word terms; Arabic ones may carry a و/ف proclitic outside the (named) group."""
    alt = body if body is not None else _alt(terms)
    group = f"(?P<{name}>{alt})" if name else f"(?:{alt})"
    # Letter boundaries only: digits may touch a month name ("5يوليو2024").
    return rf"(?<!\p{{L}})(?:[وف](?=\p{{Arabic}}))?{group}(?!\p{{L}})"


def _anchor_words(terms: Iterable[str]) -> frozenset[str]:
    """A word of each term that any match of it holds whole: one that is a term of its own where
    there is one ("ليلة أمس" -> "امس", "later today" -> "today"), else its longest word."""
    keys = {_key(t) for t in terms}
    single = {k for k in keys if _LETTER_RUNS.fullmatch(k)}
    anchors: set[str] = set()
    for key in keys:
        words = _LETTER_RUNS.findall(key)  # "sept." is found as "sept"
        anchors.add(max([w for w in words if w in single] or words, key=len))
    return frozenset(anchors)


def _numbered(table: dict[str, Any], where: str, lo: int, hi: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, _ in table.items():
        if not number.isdigit() or not lo <= int(number) <= hi:
            raise lexicon.LexiconError(f"{where}: key {number!r} must be a number {lo}..{hi}")
        for term in lexicon.strings(table, number, f"{where}.{number}"):
            out[_key(term)] = int(number)
    return out


def _relatives(entries: Any) -> tuple[dict[str, tuple[int, str]], list[str], list[str]]:
    """term -> (days, anchor), and the plain and guarded terms."""
    if not isinstance(entries, list) or not entries:
        raise lexicon.LexiconError("dates: [[relative]] entries are missing")
    table: dict[str, tuple[int, str]] = {}
    plain: list[str] = []
    guarded: list[str] = []
    for i, entry in enumerate(entries):
        where = f"dates: relative[{i}]"
        days, anchor = entry.get("days"), entry.get("anchor")
        if not isinstance(days, int) or anchor not in ("published", "context"):
            raise lexicon.LexiconError(f"{where}: needs integer 'days' and anchor 'published' or 'context'")
        terms = lexicon.strings(entry, "terms", where)
        (guarded if entry.get("guard_definite") else plain).extend(terms)
        table.update({_key(t): (days, str(anchor)) for t in terms})
    return table, plain, guarded


@cache
def _grammar() -> _Grammar:
    cal, lex = lexicon.load("calendar"), lexicon.load("dates")
    months_by_number = {k: lexicon.strings(cal["months"], k, "calendar.months") for k in cal["months"]}
    months = _numbered(cal["months"], "calendar.months", 1, 12)
    weekdays = _numbered(cal["weekdays"], "calendar.weekdays", 0, 6)
    ordinals = _numbered(lex["ordinal_days"], "dates.ordinal_days", 1, 31)
    relative, plain_rel, guarded_rel = _relatives(lex.get("relative"))
    mods, phrases = lex["weekday_modifiers"], lex["phrases"]

    def words(key: str) -> list[str]:
        return lexicon.strings(phrases, key, "dates.phrases")

    def mod(key: str) -> list[str]:
        return lexicon.strings(mods, key, "dates.weekday_modifiers")

    modifiers = {_key(t): "past" for t in mod("past_after") + mod("past_before")}
    modifiers.update({_key(t): "future" for t in mod("future_after") + mod("future_before")})
    all_months = [t for terms in months_by_number.values() for t in terms]
    en_months = [t for t in all_months if not _is_arabic(t)]
    weekday_terms = [t for terms in (lexicon.strings(cal["weekdays"], k, "calendar") for k in cal["weekdays"])
                     for t in terms]

    def weekday(name: str | None = None) -> str:
        return _words(weekday_terms, name)

    def month(name: str, terms: list[str]) -> str:
        # "تشرين الأول/أكتوبر", "أكتوبر (تشرين الأول)": a second name for the same month.
        return rf"{_words(terms, name)}\.?(?:\s*[/(]\s*{_words(all_months)}\s*\)?)?"

    def year(name: str) -> str:  # ", 2023", "عام 2023م", "من العام 2023"
        return (rf"(?:\s*[,،]?\s*(?:(?:{of}\s+)?{_words(words('year_words'))}\s*)?"
                rf"(?P<{name}>(?:1[89]|20)\d\d)(?!\d)(?:\s?{_words(words('year_suffixes'))})?)?")

    def day(name: str) -> str:
        return rf"(?<![\d.,:/])(?P<{name}>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"

    of, month_word = _words(words("day_of")), _words(words("month_words"))
    ordinal = _words(ordinals.keys(), "oday")
    explicit_forms = "|".join([
        rf"{day('aday')}\s*(?:{of}\s+)?(?:{month_word}\s+)?{month('amon', all_months)}{year('ayear')}",
        rf"{ordinal}\s+{of}\s+(?:{month_word}\s+)?{month('omon', all_months)}{year('oyear')}",
        rf"{month('bmon', en_months)}\s*{day('bday')}(?:\s*,?\s*(?P<byear>(?:1[89]|20)\d\d)(?!\d))?",
        r"(?<![\d.])(?P<cyear>(?:19|20)\d\d)(?P<csep>[-/])(?P<cmon>\d{1,2})(?P=csep)(?P<cday>\d{1,2})(?!\d)",
    ])
    same_month = rf"(?:{day('sday')}\s*){_words(words('same_month'))}"
    explicit = rf"(?:{weekday('xwd')}\s*[,،]?\s*)?(?:{explicit_forms})"
    # Plain terms first: "اليوم نفسه" must not be read as a guarded "اليوم".
    guarded = rf"|(?:{_alt(guarded_rel)})(?!\s+(?!{weekday()})ال\p{{L}})" if guarded_rel else ""
    rel = _words((), "rel", body=_alt(plain_rel) + guarded)
    rel_cue = rf"{rel}(?:\s*[,،]?\s*{weekday('rwd')})?"
    before = _words(mod("past_before") + mod("future_before"), "wpre")
    after = _words(mod("past_after") + mod("future_after"), "wpost")
    weekday_cue = (rf"(?:{before}\s+)?{weekday('wwd')}(?:\s+{after})?"
                   rf"(?:\s+{_words(words('time_of_day_after'))})?")
    future_terms = lexicon.strings(lex["future"], "terms", "dates.future")
    future = rf"(?P<fut>{_words(future_terms)})(?:\s*[,،]?\s*{weekday()})?"
    lead = rf"(?:{_words(words('time_of_day'))}\s+){{0,3}}"
    # Every form starts after a non-letter or at a digit; saying so first lets the engine drop
    # the middle of words at once (a third of the scan's time).
    cue = rf"(?:(?<!\p{{L}})|(?=\d)){lead}(?:{explicit}|{same_month}|{rel_cue}|{weekday_cue}|{future})"
    flags = regex.IGNORECASE
    return _Grammar(
        cue=regex.compile(cue, flags),
        explicit=regex.compile(explicit, flags),
        as_of_before=regex.compile(rf"{_words(words('as_of'))}\s*$", flags),
        event_before=regex.compile(rf"{_words(words('event_before'))}\s*$", flags),
        event_determiner=regex.compile(rf"(?:{_words(words('event_determiners'))}|'s)\s*$", flags),
        since=regex.compile(_words(words("since")), flags),
        months=months,
        weekdays=weekdays,
        ordinals=ordinals,
        relative=relative,
        modifiers=modifiers,
        # Each form of the cue holds a month, a weekday, a relative or future word, or a
        # same-month phrase; the weekday modifiers and times of day never stand alone.
        anchors=_anchor_words(all_months + weekday_terms + plain_rel + guarded_rel + future_terms
                              + words("same_month")),
    )
