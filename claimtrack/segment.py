"""Split a saved page into articles, paragraphs and sentences.

A saved news page holds more than the article: a "read also" teaser that may carry a whole
second article, lists of related headlines and tags, share and video-player lines, the
"المصدر: الحرة" source line. :func:`split_articles` walks the page line by line and keeps, for
each article, its content paragraphs (``blocks``), its headline, the outlet named on the page
and the publication date printed near its top. :func:`sentences` cuts a paragraph into
sentences without breaking numbers ("2.3 مليون", "1,618") or abbreviations ("U.S.", "Gen.").

Works on folded text (see :mod:`claimtrack.text`); all offsets index it. The words and
thresholds come from ``lexicons/segment.toml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

from claimtrack import lexicon
from claimtrack.dates import DateMatch, find_dates
from claimtrack.records import DateSource, Span
from claimtrack.text import fold_term, pattern_timeout

# How many lines after a "read also" marker may hold the headline and first paragraphs of a
# second article; beyond that the marker is taken for a list.
_LOOKAHEAD = 8
_SPACES: Any = regex.compile(" *+")  # always matches
# What follows the last separator of a stripped line: "By Jane Doe, Reuters" -> "Reuters".
# Possessive, as "\s*(...+?)\s*$" took time in the square of a run of spaces inside the line.
_BYLINE_TAIL = regex.compile(r"(?:[,،|]|\s[-–—]\s)\s*+([^,،|]++)$")
_META_MAX_WORDS = 3  # label words beside a date on a date-only line ("آخر تحديث", "Published on")


@dataclass(frozen=True, slots=True)
class Segment:
    """One article of a page; offsets index the folded page text."""

    start: int
    end: int
    title: Span | None
    published: dt.date | None
    date_source: DateSource | None  # "stated" when read from the text
    outlet: str | None  # as printed, e.g. "الحرة"
    blocks: tuple[Span, ...]  # content paragraphs, title included, boilerplate removed


def split_articles(folded: str) -> list[Segment]:
    """The articles of a page, in order; at least one, possibly without blocks."""
    st = _style()
    lines = _lines(folded)
    kinds = [_classify(st, line) for line in lines]
    drafts = [_Draft(start=0)]
    in_list = False
    runs = _bullet_runs(kinds)
    for i, (line, (kind, value)) in enumerate(zip(lines, kinds, strict=True)):
        draft = drafts[-1]
        if kind == "read_also":
            if i + 1 < len(lines) and _article_follows(st, lines, kinds, i + 1):
                if draft.blocks:
                    drafts.append(_Draft(start=lines[i + 1].start))
                in_list = False
            else:
                in_list = True
        elif kind == "list":
            in_list = True
        elif kind == "source":
            draft.source = draft.source or value
        elif kind == "byline" and draft.blocks:
            draft.byline = draft.byline or value
        elif kind == "meta":
            if not draft.prose_seen:
                draft.meta.append(line)
        elif kind == "bullet" and (in_list or (runs[i] >= 2 and _is_headline(st, line))):
            pass  # a list of headlines
        elif kind in ("text", "bullet", "byline"):
            if in_list and not _is_prose(st, line):
                continue  # an item of the related list
            in_list = False
            draft.add(st, line)
    return [d.finish(st, folded, end) for d, end in zip(drafts, _ends(drafts, len(folded)), strict=True)]


def sentences(folded: str, block: Span) -> list[Span]:
    """The sentences of ``block``: cut after . ! ? ؟ ؛ … and newlines, not inside numbers or
    after abbreviations; each span stripped of surrounding whitespace."""
    st = _style()
    out: list[Span] = []
    start = block.start
    for m in st.terminator.finditer(folded, block.start, block.end):
        if _ends_sentence(st, folded, m.start(), m.end(), block.end):
            _add_sentence(folded, start, m.end(), out)
            start = m.end()
    _add_sentence(folded, start, block.end, out)
    return out


# --- lines ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offsets of the line without its surrounding whitespace
    end: int
    text: str
    words: int


def _lines(folded: str) -> list[_Line]:
    """Non-blank lines, stripped."""
    out: list[_Line] = []
    pos = 0
    for raw in folded.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            out.append(_Line(start, start + len(stripped), stripped, len(stripped.split())))
        pos += len(raw) + 1
    return out


def _norm(text: str) -> str:
    """Comparison form of a line or term: single-spaced, case-folded, no edge punctuation."""
    return " ".join(text.split()).casefold().strip(" :：-–—|»«.")


def _ends_final(st: _Style, line: _Line) -> bool:
    return line.text.rstrip(st.closers)[-1:] in st.final


def _is_prose(st: _Style, line: _Line) -> bool:
    ends = _ends_final(st, line)
    return (ends and line.words >= st.prose_min_words) or line.words >= st.prose_long_words


def _is_headline(st: _Style, line: _Line) -> bool:
    return not _ends_final(st, line) and line.words <= st.headline_max_words


def _classify(st: _Style, line: _Line) -> tuple[str, str | None]:
    """What a line is: read_also, list, source, byline, meta, boiler, bullet or text."""
    norm = _norm(line.text)
    if norm in st.read_also:
        return "read_also", None
    if norm in st.lists:
        return "list", None
    head, sep, rest = line.text.partition(":")
    rest = rest.strip()
    if sep and rest:
        label = _norm(head)
        if label in st.source_labels and len(rest.split()) <= 6 and not _ends_final(st, line):
            return "source", rest.strip(" .،,")
        if label in st.read_also or label in st.lists:
            return "boiler", None
    if norm in st.boiler_lines or (line.words <= st.boiler_max_words and _has_prefix(norm, st.prefixes)):
        return ("meta", None) if _is_date_line(line) else ("boiler", None)
    if _is_date_line(line):
        return "meta", None
    if line.text[0] in st.bullets and line.text[1:2].isspace():
        return "bullet", None
    byline = _byline(st, line)
    if byline is not None:
        return "byline", byline or None
    return "text", None


def _has_prefix(norm: str, prefixes: tuple[str, ...]) -> bool:
    for prefix in prefixes:
        if norm.startswith(prefix):
            rest = norm[len(prefix) : len(prefix) + 1]
            if not rest or not rest.isalnum():
                return True
    return False


def _byline(st: _Style, line: _Line) -> str | None:
    """The outlet of an author line ("" when it names none), or None if not an author line."""
    if line.words > 8 or _ends_final(st, line) or any(ch.isdigit() for ch in line.text):
        return None
    first = _norm(line.text.split()[0])
    if first not in st.bylines:
        return None
    tail = _BYLINE_TAIL.search(line.text)
    return tail.group(1) if tail else ""


def _is_date_line(line: _Line) -> bool:
    """A line that is a date and at most a short label ("آخر تحديث: 5 يوليو 2024 10:30")."""
    if line.words > 12 or not any(ch.isdigit() for ch in line.text):
        return False
    found = next(find_dates(line.text), None)
    if found is None:
        return False
    rest = line.text[: found.span.start] + " " + line.text[found.span.end :]
    return sum(1 for w in rest.split() if any(ch.isalpha() for ch in w)) <= _META_MAX_WORDS


def _bullet_runs(kinds: list[tuple[str, str | None]]) -> list[int]:
    """For each line, the length of the run of consecutive bullet lines it belongs to."""
    runs = [0] * len(kinds)
    i = 0
    while i < len(kinds):
        j = i
        while j < len(kinds) and kinds[j][0] == "bullet":
            j += 1
        for k in range(i, j):
            runs[k] = j - i
        i = max(j, i + 1)
    return runs


def _article_follows(st: _Style, lines: list[_Line], kinds: list[tuple[str, str | None]], j: int) -> bool:
    """After a "read also" marker at j-1: at most one headline, then a full article.

    Full means a first paragraph with a dateline or a date near its start, or two prose
    paragraphs in a row; a second headline, a bullet or another marker means a list.
    """
    headlines = 0
    prose_at: int | None = None
    for k in range(j, min(len(lines), j + _LOOKAHEAD)):
        kind = kinds[k][0]
        if kind in ("meta", "boiler", "byline"):
            continue
        if kind not in ("text",):
            return prose_at is not None and kind == "source"
        line = lines[k]
        if prose_at is not None:
            return _is_prose(st, line)
        if _is_prose(st, line):
            if _has_dateline(st, line) or _published_in(st, [line]) is not None:
                return True
            prose_at = k
        elif headlines == 0 and _is_headline(st, line):
            headlines = 1
        else:
            return False
    return False


# --- articles -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    start: int
    blocks: list[_Line] = field(default_factory=list)
    meta: list[_Line] = field(default_factory=list)  # date lines above the first paragraph
    source: str | None = None
    byline: str | None = None
    prose_seen: bool = False

    def add(self, st: _Style, line: _Line) -> None:
        self.blocks.append(line)
        self.prose_seen = self.prose_seen or _is_prose(st, line)

    def finish(self, st: _Style, folded: str, end: int) -> Segment:
        first = self.blocks[0] if self.blocks else None
        title = first if first is not None and _is_headline(st, first) and not _is_prose(st, first) else None
        body = self.blocks[1:] if title else self.blocks
        lede = next((b for b in body if _is_prose(st, b)), None)
        published = _published_in(st, self.meta + ([lede] if lede else []))
        outlet = self.source or (_dateline_outlet(st, lede) if lede else None) or self.byline
        return Segment(
            start=self.start,
            end=end,
            title=Span(title.start, title.end) if title else None,
            published=published,
            date_source="stated" if published else None,
            outlet=outlet,
            blocks=tuple(Span(b.start, b.end) for b in self.blocks),
        )


def _ends(drafts: list[_Draft], total: int) -> list[int]:
    return [d.start for d in drafts[1:]] + [total]


def _published_in(st: _Style, lines: list[_Line]) -> dt.date | None:
    """The publication date: the first full date with digits in a date line or near the start of
    the first paragraph, not opening a since-clause and not contradicted by its weekday."""
    for line in lines:
        for found in find_dates(line.text):
            if found.span.start > st.date_window:
                break
            if _plausible_dateline_date(found):
                return found.date
    return None


def _plausible_dateline_date(found: DateMatch) -> bool:
    # "في السابع من أكتوبر 2023" and "منذ 7 أكتوبر 2023" name past events, not the dateline.
    return found.numeric and not found.in_since_clause and not found.conflict


def _has_dateline(st: _Style, line: _Line) -> bool:
    m = st.dateline.match(line.text, timeout=pattern_timeout(len(line.text)))
    return m is not None and len(m.group("place").split(",")[0].split()) <= st.max_place_words


def _dateline_outlet(st: _Style, line: _Line) -> str | None:
    """The bracketed outlet of a dateline ("GAZA (Reuters) -"); a bare place is no outlet."""
    m = st.dateline.match(line.text, timeout=pattern_timeout(len(line.text)))
    if m is None or len(m.group("place").split(",")[0].split()) > st.max_place_words:
        return None
    outlet = m.group("o1") or m.group("o2")
    return outlet.strip() if outlet and len(outlet.split()) <= 4 else None


# --- sentences ------------------------------------------------------------------------------


def _ends_sentence(st: _Style, text: str, start: int, end: int, limit: int) -> bool:
    """Whether the terminator run text[start:end] ends a sentence."""
    run = text[start:end].rstrip(st.closers)
    if any(ch in "!?؟؛\n" for ch in run):
        return True
    after_at = _SPACES.match(text, end, limit).end()  # not text[end:limit].lstrip(): that copies the block
    after = text[after_at : after_at + 1] if after_at < limit else ""
    if after.isascii() and after.islower():
        return False  # "e.g. the", "2 p.m. on": the sentence goes on
    if run.count(".") + run.count("…") > 1 or "…" in run:
        return True  # an ellipsis or ".." between clauses
    before = text[start - 1 : start]
    if before.isdigit() and text[end : end + 1].isdigit():
        return False  # 2.3, 44.664
    if end < limit and not text[end].isspace() and text[end].isascii() and text[end].isalnum():
        return False  # example.com, U.S: no space after the dot
    word = st.word_before.search(text, max(0, start - 40), start)
    if word is None:
        return True
    token = word.group(0)
    if "." in token or (len(token) == 1 and token.isupper()):
        return False  # U.S., a.m., initials as in John F. Kennedy
    return token.casefold() not in st.abbreviations


MAX_SENTENCE = 2_000  # characters; news sentences run to a few hundred


def _add_sentence(text: str, start: int, end: int, out: list[Span]) -> None:
    # A "sentence" longer than any real one (a scraped table, a list with no full stops) is cut at
    # clause breaks: the claim rules look across a whole sentence for each figure, so an endless
    # one would cost time in the square of its length.
    while end - start > MAX_SENTENCE:
        cut = _clause_cut(text, start, start + MAX_SENTENCE)
        _add_piece(text, start, cut, out)
        start = cut
    _add_piece(text, start, end, out)


def _clause_cut(text: str, start: int, limit: int) -> int:
    """Where to cut ``text[start:limit]``: after its last ", " or "; " (either script), else its
    last space, else at ``limit``; never in the first half, so every piece is long."""
    half = start + (limit - start) // 2
    best = max(text.rfind(mark, half, limit) for mark in (", ", "، ", "; ", "؛ "))
    if best >= 0:
        return best + 2
    space = text.rfind(" ", half, limit)
    return space + 1 if space >= 0 else limit


def _add_piece(text: str, start: int, end: int, out: list[Span]) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    if any(ch.isalnum() for ch in chunk):
        out.append(Span(start + lead, end - trail))


# --- lexicon --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Style:
    read_also: frozenset[str]
    lists: frozenset[str]
    source_labels: frozenset[str]
    bylines: frozenset[str]
    boiler_lines: frozenset[str]
    prefixes: tuple[str, ...]
    boiler_max_words: int
    bullets: frozenset[str]
    headline_max_words: int
    prose_min_words: int
    prose_long_words: int
    final: frozenset[str]
    closers: str
    max_place_words: int
    date_window: int
    abbreviations: frozenset[str]
    terminator: Any  # compiled regex
    word_before: Any
    dateline: Any


def _int(table: dict[str, Any], key: str, where: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise lexicon.LexiconError(f"{where}: {key!r} must be a positive integer")
    return value


@cache
def _style() -> _Style:
    lex = lexicon.load("segment")
    try:
        markers, boiler, shape = lex["markers"], lex["boilerplate"], lex["shape"]
        dateline, sents = lex["dateline"], lex["sentences"]
    except KeyError as exc:
        raise lexicon.LexiconError(f"segment: missing table {exc}") from exc

    def terms(table: dict[str, Any], key: str, where: str) -> frozenset[str]:
        return frozenset(_norm(fold_term(t)) for t in lexicon.strings(table, key, where))

    final = frozenset(fold_term(t) for t in lexicon.strings(shape, "sentence_final", "segment.shape"))
    closers = "".join(fold_term(t) for t in lexicon.strings(shape, "closers", "segment.shape"))
    term_chars = regex.escape("".join(sorted(final)))
    return _Style(
        read_also=terms(markers, "read_also", "segment.markers"),
        lists=terms(markers, "lists", "segment.markers"),
        source_labels=terms(markers, "source_labels", "segment.markers"),
        bylines=terms(markers, "bylines", "segment.markers"),
        boiler_lines=terms(boiler, "lines", "segment.boilerplate"),
        prefixes=tuple(sorted(terms(boiler, "prefixes", "segment.boilerplate"), key=len, reverse=True)),
        boiler_max_words=_int(boiler, "max_words", "segment.boilerplate"),
        bullets=frozenset(fold_term(t) for t in lexicon.strings(boiler, "bullets", "segment.boilerplate")),
        headline_max_words=_int(shape, "headline_max_words", "segment.shape"),
        prose_min_words=_int(shape, "prose_min_words", "segment.shape"),
        prose_long_words=_int(shape, "prose_long_words", "segment.shape"),
        final=final,
        closers=closers,
        max_place_words=_int(dateline, "max_place_words", "segment.dateline"),
        date_window=_int(dateline, "date_window", "segment.dateline"),
        abbreviations=frozenset(
            fold_term(t).casefold() for t in lexicon.strings(sents, "abbreviations", "segment.sentences")
        ),
        # A run of terminators (or a newline) and the closing quotes or brackets after it.
        terminator=regex.compile(rf"(?:[{term_chars}]++|\n)[{regex.escape(closers)}]*+"),
        # The word (letters and inner dots) just before a dot, not glued to a number ("2023م.").
        word_before=regex.compile(r"(?<![\p{L}\p{N}.])\p{L}[\p{L}.]*$"),
        dateline=regex.compile(
            r"(?P<place>[^\W\d_][^()\-—–:\n]{0,60}?)\s*(?:\((?P<o1>[^()\n]{2,40})\)\s*)?[-—–]"
            r"\s*(?:\((?P<o2>[^()\n]{2,40})\)\s*[-—–:]?)?"
        ),
    )
