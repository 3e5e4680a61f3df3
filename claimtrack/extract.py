"""The pipeline: file bytes -> decoded text -> articles -> sentences -> figures -> claims.

Every stage is a pure function; this module strings them together. Rules work on the
*folded* text (see :mod:`claimtrack.text`); offsets are mapped back to the decoded file text
before they leave this module, so ``text[start:end] == claim.text`` always holds.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections import deque
from itertools import chain
from pathlib import Path

from claimtrack import attribution, claims, dates, numbers, segment
from claimtrack.cues import cues
from claimtrack.decode import InputError, decode
from claimtrack.phrases import Token, tokenize
from claimtrack.records import Article, Claim, DateSource, Extraction, Figure, PageFacts, Span
from claimtrack.text import Folded, detect_lang, fold

MAX_FILE_BYTES = 64 * 1024 * 1024
CATCH_UP = 3  # sentences without figures searched back for who spoke last


_NO_FACTS = PageFacts()


def read_file(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Decode a saved article file (``InputError`` names what is wrong)."""
    if path.is_dir():
        raise InputError("is a directory")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a FIFO or a terminal would wait forever
            raise InputError("not a regular file")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is too large ({size // (1024 * 1024)} MB; the limit is "
                             f"{MAX_FILE_BYTES // (1024 * 1024)} MB)")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("broken symbolic link" if path.is_symlink() else "no such file") from exc
    except PermissionError as exc:
        raise InputError("permission denied") from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    return decode(raw, encoding)


def extract_file(path: Path, *, published: dt.date | None = None, lang: str | None = None,
                 outlet: str | None = None, url: str | None = None, encoding: str | None = None) -> Extraction:
    """Read a file and extract its articles and claims."""
    text, used = read_file(path, encoding)
    return extract_text(text, published=published, lang=lang, outlet=outlet, url=url, encoding=used)


def extract_text(text: str, *, published: dt.date | None = None, lang: str | None = None,
                 outlet: str | None = None, url: str | None = None, encoding: str = "utf-8",
                 page: PageFacts | None = None) -> Extraction:
    """Articles and claims of a decoded text.

    ``published`` dates the first article (later articles in the file carry their own dates);
    ``outlet`` overrides the outlet read from the text for every article. ``page`` gives the
    first article's title, date and outlet where the page states them; ``published`` and
    ``outlet`` still win over it.
    """
    folded = fold(text)
    articles: list[Article] = []
    found: list[Claim] = []
    index = -1
    try:
        for index, seg in enumerate(segment.split_articles(folded.text)):
            first = index == 0
            facts = (page or _NO_FACTS) if first else _NO_FACTS
            article = _article(text, folded, seg, index, published if first else None, facts, lang, outlet, url)
            articles.append(article)
            found.extend(_article_claims(text, folded, seg, article))
    except TimeoutError as exc:  # raised by a pattern run past text.PATTERN_TIMEOUT
        where = f"article {index + 1}" if index >= 0 else "the page layout"
        raise InputError(f"text too intricate to read: a pattern ran out of time in {where}") from exc
    return Extraction(text=text, encoding=encoding, articles=tuple(articles), claims=tuple(found))


def _article(text: str, folded: Folded, seg: segment.Segment, index: int, given: dt.date | None,
             facts: PageFacts, lang: str | None, outlet: str | None, url: str | None) -> Article:
    start, end = folded.span(seg.start, seg.end)
    title = facts.title
    if title is None and seg.title is not None:
        a, b = folded.span(seg.title.start, seg.title.end)
        title = text[a:b].strip()
    published, date_source = _published(given, facts, seg)
    printed = facts.site or (_as_printed(text, folded, seg, seg.outlet) if seg.outlet else None)
    name = outlet or (attribution_outlet(printed) if printed else None)
    return Article(index=index, start=start, end=end, title=title, published=published,
                   date_source=date_source if published else None,
                   outlet=name, lang=lang or detect_lang(text[start:end]), url=url)


def _published(given: dt.date | None, facts: PageFacts,
               seg: segment.Segment) -> tuple[dt.date | None, DateSource | None]:
    """The user's date, else the page's metadata date, else the date the text prints."""
    if given:
        return given, "given"
    if facts.published:
        return facts.published, "stated"
    return seg.published, seg.date_source


def _as_printed(text: str, folded: Folded, seg: segment.Segment, folded_name: str) -> str:
    """A name segmentation read from the folded text, spelled as the file prints it."""
    at = folded.text.find(folded_name, seg.start)
    if at < 0:
        return folded_name
    a, b = folded.span(at, at + len(folded_name))
    return text[a:b]


def attribution_outlet(printed: str) -> str:
    """An outlet name as printed ("الحرة"), canonical where the sources lexicon knows it."""
    folded = fold(printed)
    toks = tokenize(folded.text)

    def show(start: int, end: int) -> str:
        a, b = folded.span(start, end)
        return printed[a:b]

    name = attribution.canonical(toks, 0, len(toks), show, None, attribution.History())
    return name or printed.strip()


def _article_claims(text: str, folded: Folded, seg: segment.Segment, article: Article) -> list[Claim]:
    reader = _ArticleReader(text, folded, article)
    body: list[Claim] = []
    headline: list[Claim] = []
    for block in seg.blocks:
        is_title = seg.title is not None and block.start == seg.title.start
        for sent in segment.sentences(folded.text, block):
            (headline if is_title else body).extend(reader.read(sent, is_title))
    # A headline figure that repeats the body is one claim, credited as the body credits it.
    told = {(c.metric, c.value) for c in body}
    return [c for c in headline if (c.metric, c.value) not in told] + body


class _ArticleReader:
    """Reads an article's sentences in order, carrying what earlier sentences established
    (the last source, the places, the period context) into later ones."""

    def __init__(self, text: str, folded: Folded, article: Article) -> None:
        self.text = text
        self.folded = folded
        self.article = article
        self.history = attribution.History()
        # The latest sentences with no figure, whose attributions are read only if a later sentence
        # needs them; older ones are never read, so a long stretch of prose holds no memory.
        self.unread: deque[list[Token]] = deque(maxlen=CATCH_UP)
        self.last_date: dt.date | None = None  # the date the last dated sentence gave its figures
        self.last_period: str | None = None  # the period of the last figure read ("over the same period")

    def show(self, start: int, end: int) -> str:
        """Article text between two folded offsets, as printed."""
        a, b = self.folded.span(start, end)
        return self.text[a:b]

    def read(self, sent: Span, is_title: bool) -> list[Claim]:
        sentence = self.folded.text[sent.start:sent.end]
        tokens = tokenize(self.folded.text, sent.start, sent.end)
        figures = [_shift(f, sent.start) for f in numbers.find_figures(sentence)]
        history = self.history
        place = claims.sentence_place(tokens) or (history.places[-1] if history.places else None)
        if not figures:
            self._skim(tokens, place, is_title)
            return []
        self._catch_up(place)
        found = attribution.sentence_attributions(tokens, self.show, place, history)
        if is_title and not found:
            named = attribution.headline_source(tokens, self.show, place, history)
            found = [named] if named else []
        carried = None
        if not found and not is_title and history.last is not None and attribution.opens_with_continuation(tokens):
            carried = history.last
        readings = claims.read_metrics(tokens, figures, history.counted)
        starts = {item[1] for item in readings if item is not None}
        dated = None
        if self.article.published:
            # "A day earlier" and "في اليوم نفسه" count from the last date the article gave.
            dated = dates.resolve_as_of(sentence, self.article.published, context=self.last_date)
            if dated is not None:
                self.last_date = dated.date
        out: list[Claim] = []
        done: list[claims.Reading] = []
        openers = attribution.clause_openers(tokens) if len(found) > 1 else frozenset()
        for item in readings:
            if item is None:
                continue
            fig, first, last, reading = item
            here = reading.location or place
            context = history.period if not history.period_places or here in history.period_places else None
            reading = claims.place_and_period(tokens, first, last, reading, place, context, starts - {first},
                                              done[-1] if done else None, self.last_period)
            self.last_period = reading.period
            attr = attribution.attribution_for(first, found, openers) if found else carried
            if is_title and attr is not None and attr.kind == "carried":
                attr = None
            done.append(reading)
            out.append(_claim(self.text, self.folded, sent, fig, reading, attr, self.article, dated))
        history.places.extend(c.location for c in out if c.location)
        if not is_title:
            self._note_context(tokens, done)
        history.mentions.extend(attribution.mentioned_sources(tokens, place, history))
        governing = [a for a in found if a.source]
        if governing and not is_title:
            history.remember_all(governing)
        elif carried is not None:
            history.remember(carried)
        return out

    def _note_context(self, tokens: list[Token], done: list[claims.Reading]) -> None:
        history = self.history
        before = history.period
        history.period = claims.period_context(tokens, done, before)
        if done:
            # An incident that struck "southern Turkey and northern Syria" is the context in both,
            # and stays so through a sentence that counts its toll in one of them.
            named = (m.value for m in cues().locations.find_all(tokens))
            places = frozenset(chain((r.location for r in done if r.location), named))
            if before is not None and history.period == before:
                # The same context goes on: its places add up, and one held anywhere stays so.
                places = history.period_places | places if history.period_places else frozenset()
            history.period_places = places
        history.counted = done[-1].metric if done else claims.counted_metric(tokens) or history.counted

    def _skim(self, tokens: list[Token], place: str | None, is_title: bool) -> None:
        """What a sentence with no figure leaves for later ones: sources named, period context."""
        if is_title or not tokens:
            return
        self._note_context(tokens, [])
        self.history.mentions.extend(attribution.mentioned_sources(tokens, place, self.history))
        self.unread.append(tokens)

    def _catch_up(self, place: str | None) -> None:
        """Read the attribution of the latest unread sentence that has one (it is who speaks next)."""
        for tokens in reversed(self.unread):
            governing = [a for a in attribution.sentence_attributions(tokens, self.show, place, self.history)
                         if a.source]
            if governing:
                self.history.remember_all(governing)
                break
        self.unread.clear()


def _shift(fig: Figure, offset: int) -> Figure:
    # Spelled out: dataclasses.replace costs more than the rest of a figure's bookkeeping.
    return Figure(fig.start + offset, fig.end + offset, fig.value, fig.value_max, fig.qualifier, fig.rule,
                  fig.qualifier_cue, fig.dual_noun)


def _claim(text: str, folded: Folded, sent: Span, fig: Figure, reading: claims.Reading,
           attr: attribution.Attribution | None, article: Article, dated: dates.AsOf | None) -> Claim:
    start, end = folded.span(fig.start, fig.end)
    s_start, s_end = folded.span(sent.start, sent.end)
    cue_list = list(reading.cues)
    if fig.qualifier_cue:
        cue_list.append(("qualifier", fig.qualifier_cue))
    if attr is not None:
        cue_list.append(("source", attr.cue))
    as_of = None
    flags: tuple[str, ...] = ()
    if dated is not None:
        as_of = dated.date
        cue_list.append(("as_of", dated.cue))
        if dated.conflict:
            flags = ("weekday-contradicts-date",)
    return Claim(
        metric=reading.metric, value=fig.value, value_max=fig.value_max, qualifier=fig.qualifier,
        subject=reading.subject, location=reading.location, period=reading.period,
        source=attr.source if attr else None, via=tuple(v for v in attr.via if v) if attr else (),
        as_of=as_of, start=start, end=end, text=text[start:end], sentence=text[s_start:s_end],
        article=article.index, published=article.published, rule=reading.rule,
        confidence=reading.confidence, sentence_start=s_start, cues=tuple(cue_list), flags=flags,
    )
