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
from collections.abc import Iterable, Sequence
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
    change_from,
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


def series_from_rows(metric: str, rows: Iterable[Row], by_source: bool = False) -> list[Series]:
    """The series of ``metric`` from its figure rows (:data:`COLUMNS`, each place, series subject
    and kind of period together, in any order within), flagged,
    most rows first, as :func:`claimtrack.report.series_of` orders them."""
    built: list[tuple[int, Series]] = []  # each with its least first claim: the order of equal series
    figures = _Figures()
    for (location, subject_key), block in groupby(rows, key=itemgetter(LOCATION, SUBJECT_KEY)):
        kinds = [(kind, _in_date_order(members)) for kind, members in groupby(block, key=itemgetter(KIND))]
        sums = _not_adding_up(kinds, figures)
        for kind, members in kinds:
            disagree = _disagreeing(members)
            for source, part in _by_source(members) if by_source else ((None, members),):
                series = Series(metric, location, _shown_subject(subject_key, part), kind,
                                tuple(figures.rows(part, kind == CUMULATIVE, disagree, sums)), source, by_source)
                built.append((min(row[FIRST] for row in part), series))
    built.sort(key=lambda item: (-len(item[1].rows), item[1].metric, item[1].location or "", item[1].subject or "",
                                 item[1].period, item[1].source or "", item[0]))
    return [series for _, series in built]


class _Figures:
    """Builds series rows, parsing each relay list and date once however many rows repeat it."""

    def __init__(self) -> None:
        self.vias: dict[str, tuple[str, ...]] = {}
        self.dates: dict[Any, dt.date | None] = {None: None}

    def rows(self, members: list[Row], cumulative: bool, disagree: set[int], sums: set[int]) -> list[SeriesRow]:
        dates = [self.date(row[DATE]) for row in members]
        values = [row[VALUE] if row[VALUE_REAL] is None else _real(row[VALUE_REAL]) for row in members]
        changes: list[Number | None] = [None]
        shares: list[float | None] = [None]
        for index in range(1, len(members)):
            if dates[index - 1] is None or dates[index] is None:
                changes.append(None)
                shares.append(None)
            else:
                change, share = change_from(values[index - 1], values[index])
                changes.append(change)
                shares.append(share)
        drops = drops_in(dates, values, [v if row[VALUE_MAX] is None else row[VALUE_MAX]
                                         for v, row in zip(values, members, strict=True)]) if cumulative else set()
        jumps = jumps_in(dates, changes)
        vias = self.vias
        built: list[SeriesRow] = []
        for index, row in enumerate(members):
            first = row[FIRST]
            flags = _FLAGS[index in drops, first in disagree, index in jumps, first in sums]
            relays = vias.get(row[VIA])
            if relays is None:
                relays = vias[row[VIA]] = tuple(json.loads(row[VIA]))
            articles, outlets = row[ARTICLES], row[OUTLETS]
            built.append(StoredRow(
                dates[index], values[index], row[VALUE_MAX], row[QUALIFIER], changes[index], shares[index],
                row[SOURCE], relays, outlets.partition(LIST_SEP)[0] if outlets else None,
                int(articles.partition(",")[0]), first, flags, row[CLAIMS], articles, outlets,
                tuple(row[REVIEW].split(",")) if row[REVIEW] else (), bool(row[CORRECTED]),
            ))
        return built

    def date(self, value: Any) -> dt.date | None:
        # SQLite hands dates back as text when read without SQLAlchemy's types; they repeat a lot.
        known = self.dates.get(value)
        if known is None and value is not None:
            known = self.dates[value] = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        return known


class StoredRow(SeriesRow):
    """A series row as the figures table holds it: its claim ids, article ids and outlets are kept
    as the table's text until first read, then parsed once.

    diff's table shows only the first of each and how many there are; parsing the 360,000 ids of
    a metric over a million claims was a fifth of its time. Equal to the :class:`SeriesRow` of the
    same values.
    """

    __slots__ = ("_claims", "_articles", "_outlets")

    # Every field set here, as SeriesRow's own __init__ would (one call per row, not two).
    def __init__(self, date: dt.date | None, value: Number, value_max: int | None, qualifier: str,
                 change: Number | None, change_pct: float | None, source: str | None, via: tuple[str, ...],
                 outlet: str | None, article_id: int, claim_id: int, flags: tuple[str, ...], claims: str,
                 articles: str, outlets: str, review: tuple[str, ...], corrected: bool) -> None:
        self.date, self.value, self.value_max, self.qualifier = date, value, value_max, qualifier
        self.change, self.change_pct, self.source, self.via = change, change_pct, source, via
        self.outlet, self.article_id, self.claim_id, self.flags = outlet, article_id, claim_id, flags
        self._claims: str | tuple[int, ...] = claims
        self._articles: str | tuple[int, ...] = articles
        self._outlets: str | tuple[str, ...] = outlets
        self.review, self.corrected = review, corrected

    @property
    def claim_ids(self) -> tuple[int, ...]:
        if isinstance(self._claims, str):
            self._claims = _ids(self._claims)
        return self._claims

    @claim_ids.setter
    def claim_ids(self, value: tuple[int, ...]) -> None:
        self._claims = value

    @property
    def article_ids(self) -> tuple[int, ...]:
        if isinstance(self._articles, str):
            self._articles = _ids(self._articles)
        return self._articles

    @article_ids.setter
    def article_ids(self, value: tuple[int, ...]) -> None:
        self._articles = value

    @property
    def outlets(self) -> tuple[str, ...]:
        if isinstance(self._outlets, str):
            self._outlets = tuple(self._outlets.split(LIST_SEP)) if self._outlets else ()
        return self._outlets

    @outlets.setter
    def outlets(self, value: tuple[str, ...]) -> None:
        self._outlets = value

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
    """First claims of figures another source contradicts on the same date (members in date order)."""
    found: set[int] = set()
    start = 0
    count = len(members)
    while start < count:
        date = members[start][DATE]
        if date is None:
            break  # undated figures come last
        end = start + 1
        while end < count and members[end][DATE] == date:
            end += 1
        if end - start > 1:
            group = members[start:end]
            if len({row[SOURCE] for row in group}) > 1:
                found |= contradicted([(row[SOURCE], _value(row), row[VALUE_MAX], row[FIRST]) for row in group])
        start = end
    return found


def _not_adding_up(kinds: list[tuple[str, list[Row]]], figures: _Figures) -> set[int]:
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
            date = figures.date(row[DATE])
            if date is not None and row[QUALIFIER] == "exact" and row[VALUE_MAX] is None:
                into[(row[SOURCE],)][date].append((_value(row), row[FIRST]))
    return not_adding_up(totals, dailies)


def _in_date_order(members: Iterable[Row]) -> list[Row]:
    """Rows of one series in series order: by date, undated ones last, then by first claim."""
    dated: list[Row] = []
    undated: list[Row] = []
    for row in members:
        (undated if row[DATE] is None else dated).append(row)
    dated.sort(key=_DATE_FIRST)
    undated.sort(key=_FIRST)
    return dated + undated


_DATE_FIRST, _FIRST = itemgetter(DATE, FIRST), itemgetter(FIRST)


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
