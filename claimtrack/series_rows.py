"""Series straight from rows of the figures table: what :func:`claimtrack.report.series_of` makes
of the same figures, without a :class:`~claimtrack.report.Figure` per row.

``diff`` over a million claims reads tens of thousands of figures; each costs here one row read
and one :class:`~claimtrack.report.SeriesRow` built. The rows come from the database with each
place, series subject and kind of period together (claimtrack.series_query reads them so, in
index order); each kind is put in series order here, by date with undated figures last, then by
first claim. So one pass finds each series, its same-date groups (for ``disagree``), its
changes, drops and jumps, and the running totals and daily figures beside it (for ``sum``),
through the same flag functions ``series_of`` uses.
``tests/test_series_rows.py`` holds the two to the same output.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from itertools import groupby
from operator import itemgetter
from typing import Any

from claimtrack.figures import LIST_SEP
from claimtrack.report import (
    CUMULATIVE,
    DISAGREE,
    PERIOD,
    SUM,
    Dated,
    Number,
    Series,
    SeriesRow,
    SumKey,
    changes_in,
    contradicted,
    drops_in,
    flag_names,
    jumps_in,
    not_adding_up,
)

# The figures table columns each row holds, in this order.
COLUMNS = ("location", "series_subject", "period_kind", "source", "figure_date", "value", "value_real",
           "value_max", "qualifier", "first_claim", "subject", "via", "claim_ids", "article_ids", "outlets",
           "review", "corrected")
(LOCATION, SUBJECT_KEY, KIND, SOURCE, DATE, VALUE, VALUE_REAL, VALUE_MAX, QUALIFIER, FIRST, SUBJECT, VIA, CLAIMS,
 ARTICLES, OUTLETS, REVIEW, CORRECTED) = range(len(COLUMNS))

Row = Sequence[Any]
_DATE, _SOURCE, _FIRST, _DATE_FIRST = itemgetter(DATE), itemgetter(SOURCE), itemgetter(FIRST), itemgetter(DATE, FIRST)


def series_from_rows(metric: str, rows: Iterable[Row], by_source: bool = False) -> list[Series]:
    """The series of ``metric`` from its figure rows (:data:`COLUMNS`, each place, series subject
    and kind of period together, in any order within), flagged, most rows first, as
    :func:`claimtrack.report.series_of` orders them."""
    built: list[tuple[int, Series]] = []  # each with its least first claim: the order of equal series
    texts = _Texts()
    for (location, subject_key), block in groupby(rows, key=itemgetter(LOCATION, SUBJECT_KEY)):
        kinds = [(kind, _in_date_order(members)) for kind, members in groupby(block, key=itemgetter(KIND))]
        sums = _not_adding_up(kinds, texts.dates)
        for kind, members in kinds:
            disagree = _disagreeing(members)
            for source, part in _by_source(members) if by_source else ((None, members),):
                series = Series(metric, location, _shown_subject(subject_key, part), kind,
                                tuple(texts.rows(part, kind == CUMULATIVE, disagree, sums)), source, by_source)
                built.append((min(map(_FIRST, part)), series))
    built.sort(key=lambda item: (-len(item[1].rows), item[1].metric, item[1].location or "", item[1].subject or "",
                                 item[1].period, item[1].source or "", item[0]))
    return [series for _, series in built]


class _Parsed(dict[Any, Any]):
    """Texts that repeat from row to row (dates, relay lists, review statuses), each parsed once."""

    def __init__(self, parse: Callable[[Any], Any], known: dict[Any, Any]) -> None:
        super().__init__(known)
        self.parse = parse

    def __missing__(self, text: Any) -> Any:
        parsed = self[text] = self.parse(text)
        return parsed


class _Texts:
    """Builds series rows, parsing each date, relay list and set of review statuses once."""

    def __init__(self) -> None:
        # SQLite hands dates back as text when read without SQLAlchemy's types, PostgreSQL as dates.
        self.dates = _Parsed(lambda date: date if isinstance(date, dt.date) else dt.date.fromisoformat(date),
                             {None: None})
        self.vias = _Parsed(lambda via: tuple(json.loads(via)), {})
        self.reviews = _Parsed(lambda review: tuple(review.split(",")), {"": ()})

    def rows(self, members: list[Row], cumulative: bool, disagree: set[int], sums: set[int]) -> list[SeriesRow]:
        """The rows of one series (members in series order)."""
        dates = list(map(self.dates.__getitem__, map(_DATE, members)))
        values = [row[VALUE] if row[VALUE_REAL] is None else _real(row[VALUE_REAL]) for row in members]
        changes, shares = changes_in(dates, values)
        drops = drops_in(dates, values, [v if row[VALUE_MAX] is None else row[VALUE_MAX]
                                         for v, row in zip(values, members, strict=True)]) if cumulative else set()
        flags = _flags(members, drops, jumps_in(dates, changes), disagree, sums)
        vias, reviews = self.vias, self.reviews
        return [StoredRow(row, date, value, change, share, flagged, vias[row[VIA]], reviews[row[REVIEW]])
                for row, date, value, change, share, flagged in zip(members, dates, values, changes, shares, flags,
                                                                    strict=True)]


def _flags(members: list[Row], drops: set[int], jumps: set[int], disagree: set[int],
           sums: set[int]) -> list[tuple[str, ...]]:
    """The flags of each row of a series (drops and jumps by index, the others by first claim)."""
    flags: list[tuple[str, ...]] = [()] * len(members)  # most rows have none
    marked = disagree | sums
    flagged = drops | jumps
    if marked:
        flagged |= {index for index, first in enumerate(map(_FIRST, members)) if first in marked}
    for index in flagged:
        first = members[index][FIRST]
        flags[index] = _FLAGS[index in drops, first in disagree, index in jumps, first in sums]
    return flags


class StoredRow(SeriesRow):
    """A series row from a row of the figures table (:data:`COLUMNS`) and what its series works
    out for it. Its claim ids, article ids and outlets, and the first article and outlet, are kept
    as the table's text until first read, then parsed once; they cannot be set (rows are never
    changed once built).

    diff's table shows only the first of each and how many there are; parsing the 360,000 ids of
    a metric over a million claims was a fifth of its time. Equal to the :class:`SeriesRow` of the
    same values.
    """

    __slots__ = ("_claims", "_articles", "_outlets")
    _claims: str | tuple[int, ...]
    _articles: str | tuple[int, ...]
    _outlets: str | tuple[str, ...]

    # Every field set here but those read from the text, as SeriesRow's own __init__ would: one
    # call per row, with the table's row unpacked in it (60,000 rows for a metric).
    def __init__(self, row: Row, date: dt.date | None, value: Number, change: Number | None,
                 change_pct: float | None, flags: tuple[str, ...], via: tuple[str, ...],
                 review: tuple[str, ...]) -> None:
        (_, _, _, self.source, _, _, _, self.value_max, self.qualifier, self.claim_id, _, _, self._claims,
         self._articles, self._outlets, _, corrected) = row
        self.date = date
        self.value = value
        self.change = change
        self.change_pct = change_pct
        self.flags = flags
        self.via = via
        self.review = review
        self.corrected = bool(corrected)

    @property
    def article_id(self) -> int:  # type: ignore[override]  # read-only
        articles = self._articles
        return int(articles.partition(",")[0]) if isinstance(articles, str) else articles[0]

    @property
    def outlet(self) -> str | None:  # type: ignore[override]  # read-only
        outlets = self._outlets
        if isinstance(outlets, str):
            return outlets.partition(LIST_SEP)[0] if outlets else None
        return outlets[0] if outlets else None

    @property
    def claim_ids(self) -> tuple[int, ...]:  # type: ignore[override]  # read-only
        if isinstance(self._claims, str):
            self._claims = _ids(self._claims)
        return self._claims

    @property
    def article_ids(self) -> tuple[int, ...]:  # type: ignore[override]  # read-only
        if isinstance(self._articles, str):
            self._articles = _ids(self._articles)
        return self._articles

    @property
    def outlets(self) -> tuple[str, ...]:  # type: ignore[override]  # read-only
        if isinstance(self._outlets, str):
            self._outlets = tuple(self._outlets.split(LIST_SEP)) if self._outlets else ()
        return self._outlets

    @property
    def article_count(self) -> int:
        articles = self._articles
        return articles.count(",") + 1 if isinstance(articles, str) else len(articles)

    @property
    def outlet_count(self) -> int:
        outlets = self._outlets
        if isinstance(outlets, str):
            return outlets.count(LIST_SEP) + 1 if outlets else 0
        return len(outlets)

    def __eq__(self, other: object) -> bool:
        # SeriesRow's own __eq__ compares rows of one class only.
        if not isinstance(other, SeriesRow):
            return NotImplemented
        return _values(self) == _values(other)

    __hash__ = SeriesRow.__hash__


def _ids(text: str) -> tuple[int, ...]:
    return tuple(map(int, text.split(",")))


def _values(row: SeriesRow) -> tuple[Any, ...]:
    return tuple(getattr(row, field.name) for field in fields(SeriesRow))


# A row's flags by (drop, disagree, jump, sum), worked out once for every combination.
_FLAGS = {(drop, disagree, jump, total): flag_names(drop, {name for name, on in ((DISAGREE, disagree), (SUM, total))
                                                          if on}, jump)
          for drop in (False, True) for disagree in (False, True) for jump in (False, True) for total in (False, True)}


def _real(value: float) -> Number:
    return int(value) if float(value).is_integer() else float(value)


def _value(row: Row) -> Number:
    return row[VALUE] if row[VALUE_REAL] is None else _real(row[VALUE_REAL])


def _disagreeing(members: list[Row]) -> set[int]:
    """First claims of figures another source contradicts on the same date (members in series order)."""
    found: set[int] = set()
    for date, same_date in groupby(members, key=_DATE):  # as read: equal texts are equal dates
        if date is None:
            break  # undated figures come last
        group = list(same_date)
        if len(group) > 1 and len(set(map(_SOURCE, group))) > 1:
            found |= contradicted([(row[SOURCE], _value(row), row[VALUE_MAX], row[FIRST]) for row in group])
    return found


def _not_adding_up(kinds: list[tuple[str, list[Row]]], dates: dict[Any, dt.date | None]) -> set[int]:
    """``sum`` flags of one place and subject: its running totals against its daily figures, by source."""
    if not {CUMULATIVE, PERIOD} <= {kind for kind, _ in kinds}:
        return set()
    totals: dict[SumKey, Dated] = defaultdict(lambda: defaultdict(list))
    dailies: dict[SumKey, Dated] = defaultdict(lambda: defaultdict(list))
    for kind, members in kinds:
        if kind not in (CUMULATIVE, PERIOD):
            continue
        into = totals if kind == CUMULATIVE else dailies
        for row in members:
            date = dates[row[DATE]]
            if date is not None and row[QUALIFIER] == "exact" and row[VALUE_MAX] is None:
                into[(row[SOURCE],)][date].append((_value(row), row[FIRST]))
    return not_adding_up(totals, dailies)


def _in_date_order(members: Iterable[Row]) -> list[Row]:
    """Rows of one series in series order: by date, undated ones last, then by first claim."""
    rows = sorted(members, key=_FIRST)
    dated = [row for row in rows if row[DATE] is not None]
    dated.sort(key=_DATE)  # stable: by first claim within a date
    if len(dated) < len(rows):
        dated += [row for row in rows if row[DATE] is None]
    return dated


def _by_source(members: list[Row]) -> list[tuple[str | None, list[Row]]]:
    """A series split by source, each part in series order, in order of first appearance."""
    parts: dict[str | None, list[Row]] = {}
    for row in members:
        parts.setdefault(row[SOURCE], []).append(row)
    return list(parts.items())


def _shown_subject(key: str | None, members: list[Row]) -> str | None:
    """The subject a series shows: the members' own wording when they all agree (report._shown_subject)."""
    worded = {row[SUBJECT] for row in members}
    return worded.pop() if len(worded) == 1 else key
