"""Plain frozen records passed between the pipeline stages.

Every offset in these records indexes the text *as decoded from the file* (Python ``str``
indices, end exclusive), unless a field says otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Qualifier = Literal["exact", "at_least", "more_than", "approx", "at_most", "less_than", "range", "vague"]
QUALIFIERS: tuple[str, ...] = ("exact", "at_least", "more_than", "approx", "at_most", "less_than", "range", "vague")

Period = Literal["cumulative", "period", "event", "unspecified"]
PERIODS: tuple[str, ...] = ("cumulative", "period", "event", "unspecified")

METRICS: tuple[str, ...] = (
    "killed", "wounded", "missing", "hostages", "detained", "released", "displaced",
    "reservists", "troops", "rockets", "drones", "airstrikes", "population",
)

DateSource = Literal["given", "stated", "inferred"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text: ``text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as the article prints it, read into a value.

    ``start``/``end`` index the text the figure was found in. ``rule`` names the grammar rule
    that read it (``digits``, ``digits+scale``, ``ar.words``, ``ar.dual``, ``vague``...), so a
    fact-checker can see why it was read that way.
    """

    start: int
    end: int
    value: int | float
    value_max: int | None = None
    qualifier: str = "exact"
    rule: str = "digits"
    qualifier_cue: str | None = None
    dual_noun: str | None = None  # for a dual (جنديين) the singular noun it counts (جندي)


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure about a tracked metric, with its attribution: the contract of CLAIMS.md."""

    metric: str
    value: int | float
    value_max: int | None
    qualifier: str
    subject: str | None
    location: str | None
    period: str
    source: str | None
    via: tuple[str, ...]
    as_of: dt.date | None
    start: int
    end: int
    text: str
    sentence: str
    article: int
    published: dt.date | None
    rule: str
    confidence: float
    sentence_start: int = 0
    cues: tuple[tuple[str, str], ...] = ()  # (what the cue set, the cue words), for --explain
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The JSON object of CLAIMS.md, plus the provenance fields claimtrack adds."""
        return {
            "metric": self.metric,
            "value": self.value,
            "value_max": self.value_max,
            "qualifier": self.qualifier,
            "subject": self.subject,
            "location": self.location,
            "period": self.period,
            "source": self.source,
            "via": list(self.via),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "sentence": self.sentence,
            "article": self.article,
            "published": self.published.isoformat() if self.published else None,
            "rule": self.rule,
            "confidence": self.confidence,
            "cues": dict(self.cues),
            "flags": list(self.flags),
        }


@dataclass(frozen=True, slots=True)
class Article:
    """One article found in a file; ``start``/``end`` index the decoded file text."""

    index: int
    start: int
    end: int
    title: str | None
    published: dt.date | None
    date_source: DateSource | None
    outlet: str | None
    lang: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the pipeline read from one file: its decoded text, its articles and their claims."""

    text: str
    encoding: str
    articles: tuple[Article, ...]
    claims: tuple[Claim, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a page says about its first article outside the text: HTML metadata, a feed's fields."""

    title: str | None = None
    published: dt.date | None = None  # stored as "stated": the page says so, not the user
    site: str | None = None  # the outlet's name as the page gives it
