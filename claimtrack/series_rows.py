"""Series straight from rows of the figures table: what :func:`claimtrack.report.series_of` makes
of the same figures, without a :class:`~claimtrack.report.Figure` per row.

``diff`` over a million claims reads tens of thousands of figures, and Python's own loop is the
slow part of it: here most work on a series is done by whole lists at a time (``map``, slices,
``accumulate``, counters, which run in C) rather than row by row, each flag a list of booleans.
The rows come from the database a kind of period of a place and series subject at a time
(:class:`StoredKind`; claimtrack.series_query reads them so, through ``ix_figures_series``); each
kind is put in series order here, by date with undated figures last, then by first claim. Each
date's rows are then side by side, which gives its disagreements (``disagree``), the changes,
drops and jumps, and beside them the running totals and daily figures (``sum``), as
report.series_of's flag functions define them. ``tests/test_series_rows.py`` holds the two to the
same output.

Each row is a :class:`StoredRow`: the table's row and what its series works out for it (flags
included, all worked out first), one tuple built in C; what it takes from the table row alone (its
source, relays, review marks, percentage change...) is read when asked for, not while the series is
built.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import accumulate, chain, compress, pairwise, repeat
from operator import add, and_, eq, is_, itemgetter, lt, ne, not_, sub
from typing import Any, cast

from claimtrack.figures import LIST_SEP
from claimtrack.report import (
    CUMULATIVE,
    DISAGREE,
    JUMP_FACTOR,
    JUMP_MIN_CHANGES,
    PERIOD,
    SUM,
    Number,
    Series,
    SeriesRow,
    SeriesRowLike,
    flag_names,
)

# The figures table columns each row holds, in this order: those of ix_figures_series after the
# series' key (place, series subject, kind of period) but for the subject as worded, which a
# series shows as a whole (StoredKind.shown); then the lists, which a reader that does not want
# them leaves out (or reads as nulls).
COLUMNS = ("figure_date", "first_claim", "source", "value", "value_real", "value_max", "qualifier", "via", "review",
           "corrected", "first_article", "article_count", "first_outlet", "outlet_count", "claim_ids", "article_ids",
           "outlets")
(DATE, FIRST, SOURCE, VALUE, VALUE_REAL, VALUE_MAX, QUALIFIER, VIA, REVIEW, CORRECTED, FIRST_ARTICLE, ARTICLE_COUNT,
 FIRST_OUTLET, OUTLET_COUNT, CLAIMS, ARTICLES, OUTLETS) = range(len(COLUMNS))
LISTS = COLUMNS[CLAIMS:]

Row = Sequence[Any]
_DATE, _SOURCE, _FIRST, _DATE_FIRST = itemgetter(DATE), itemgetter(SOURCE), itemgetter(FIRST), itemgetter(DATE, FIRST)
_VALUE, _VALUE_REAL, _VALUE_MAX = itemgetter(VALUE), itemgetter(VALUE_REAL), itemgetter(VALUE_MAX)
_QUALIFIER = itemgetter(QUALIFIER)


@dataclass(frozen=True, slots=True)
class StoredKind:
    """The figure rows (:data:`COLUMNS`) of one kind of period of one place and series subject, and
    the subject its series show where that is not the series subject (report's _shown_subject:
    the figures' own wording, when they all agree on one): by source when the series are split by
    source, else under None.
    """

    location: str | None
    subject: str | None
    kind: str
    rows: list[Row]
    shown: Mapping[str | None, str | None]


class ListsNotRead(LookupError):
    """A row read without its lists (claim ids, article ids, outlets) was asked for one."""


def series_from_rows(metric: str, kinds: Iterable[StoredKind], by_source: bool = False,
                     ordered: bool = False) -> list[Series]:
    """The series of ``metric`` from its figure rows, a kind of period of a place and subject at a
    time (its rows in any order), flagged, most rows first, as :func:`claimtrack.report.series_of`
    orders them.

    ``ordered``: each kind's rows come in series order already but for undated rows, which may
    come all first instead of all last (as a database orders nulls): none is sorted again.
    """
    built: list[tuple[int, Series]] = []  # each with its least first claim: the order of equal series
    dates = _Dates()
    places: dict[tuple[str | None, str | None], list[_Kind]] = defaultdict(list)  # the kinds of each place and subject
    for stored in kinds:
        if stored.rows:
            places[(stored.location, stored.subject)].append(_Kind(stored, dates, ordered))
    for (location, subject), place in places.items():
        sums = _not_adding_up(place)
        for kind in place:
            disagree = _disagreeing(kind)
            cumulative = kind.kind == CUMULATIVE
            parts = _by_source(kind, disagree) if by_source else [(None, kind, disagree)]
            for source, part, contradicted in parts:
                series = Series(metric, location, kind.shown.get(source, subject), kind.kind,
                                _rows(part, cumulative, contradicted, sums), source, by_source)
                built.append((min(part.firsts), series))
    built.sort(key=lambda item: (-len(item[1].rows), item[1].metric, item[1].location or "", item[1].subject or "",
                                 item[1].period, item[1].source or "", item[0]))
    return [series for _, series in built]


class _Dates(dict[Any, "dt.date | None"]):
    """Dates as read (text from SQLite, dates from PostgreSQL), each parsed once."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, text: Any) -> dt.date | None:
        parsed = self[text] = text if isinstance(text, dt.date) else dt.date.fromisoformat(text)
        return parsed


class _Kind:
    """The rows of one kind of period of one place and subject (or of one source of them), in
    series order, with each row's date, value (as shown), upper bound, first claim and source
    beside it; the first ``dated`` are dated."""

    __slots__ = ("kind", "shown", "members", "dates", "values", "maxes", "firsts", "sources", "dated")

    def __init__(self, stored: StoredKind, dates: _Dates, ordered: bool) -> None:
        self.kind, self.shown = stored.kind, stored.shown
        members = stored.rows if ordered else _in_date_order(stored.rows)
        read = list(map(_DATE, members))
        undated = read.count(None)
        if undated and read[0] is None:  # nulls first (as SQLite orders them): put them last
            members, read = members[undated:] + members[:undated], read[undated:] + read[:undated]
        self.members = members
        self.dates: list[dt.date | None] = list(map(dates.__getitem__, read))
        self.values = _values_of(members)
        self.maxes: list[int | None] = list(map(_VALUE_MAX, members))
        self.firsts: list[int] = list(map(_FIRST, members))
        self.sources: list[str | None] = list(map(_SOURCE, members))
        self.dated = len(members) - undated

    def part(self, indexes: list[int]) -> _Kind:
        """The rows at ``indexes`` (in order), as a kind of their own."""
        part = _Kind.__new__(_Kind)
        part.kind, part.shown = self.kind, self.shown
        part.members = [self.members[i] for i in indexes]
        part.dates = [self.dates[i] for i in indexes]
        part.values = [self.values[i] for i in indexes]
        part.maxes = [self.maxes[i] for i in indexes]
        part.firsts = [self.firsts[i] for i in indexes]
        part.sources = [self.sources[i] for i in indexes]
        part.dated = len(part.dates) - part.dates.count(None)
        return part

    def figures(self) -> list[Any]:
        """Each row's figure as compared: its value, with its upper bound when any row has one."""
        maxes = self.maxes
        return self.values if maxes.count(None) == len(maxes) else list(zip(self.values, maxes, strict=True))

    def uppers(self) -> list[Number]:
        """Each row's upper bound: its value where it has none (report._upper)."""
        maxes = self.maxes
        if maxes.count(None) == len(maxes):
            return self.values
        return [value if upper is None else upper for value, upper in zip(self.values, maxes, strict=True)]

    def date_starts(self) -> list[int]:
        """The index of the first row of each date but the first (rows run by date)."""
        dates, dated = self.dates, self.dated
        return list(compress(range(1, dated), map(ne, dates[1:dated], dates)))


def _values_of(members: list[Row]) -> list[Number]:
    """Each row's value as shown: its exact fractional value where it has one."""
    reals = list(map(_VALUE_REAL, members))
    if reals.count(None) == len(reals):
        return list(map(_VALUE, members))
    return [value if real is None else _real(real) for value, real in zip(map(_VALUE, members), reals, strict=True)]


def _rows(part: _Kind, cumulative: bool, disagree: list[bool], sums: set[int]) -> tuple[StoredRow, ...]:
    """The rows of one series with their changes and flags (report.changes_in, drops_in and jumps_in;
    ``disagree``: whether another source contradicts each row, ``sums``: the first claims flagged)."""
    members, dates, values, dated = part.members, part.dates, part.values, part.dated
    count = len(members)
    changes: list[Number | None] = [None] * count  # from the previous row, when both are dated
    if dated > 1:
        changes[1:dated] = map(sub, values[1:dated], values[:dated - 1])
    starts = part.date_starts()
    drops = _dropping(part, starts) if cumulative else [False] * count
    summed = list(map(sums.__contains__, part.firsts)) if sums else [False] * count
    # Each row's flags at once, by whether it has each (the combinations worked out once).
    flags = map(_FLAGS.__getitem__, zip(drops, disagree, _jumping(starts, changes, count), summed, strict=True))
    return tuple(map(StoredRow, zip(members, dates, values, changes, [0, *values[:-1]], flags, strict=True)))


def _dropping(part: _Kind, starts: list[int]) -> list[bool]:
    """Whether each row is a dated row of a running total whose upper bound is below the highest
    value on any earlier date (report.drops_in); ``starts``: the first row of each date but the first."""
    drops = [False] * len(part.members)
    if not starts:
        return drops
    highest = list(accumulate(part.values[:part.dated], max))  # the highest value up to each row
    # Each row of a date against the highest value before that date, repeated over the date's rows.
    ends = [*starts[1:], part.dated]
    before = chain.from_iterable(map(repeat, map(highest.__getitem__, map(sub, starts, repeat(1))),
                                     map(sub, ends, starts)))
    first = starts[0]
    drops[first:part.dated] = map(lt, part.uppers()[first:part.dated], before)
    return drops


def _jumping(starts: list[int], changes: list[Number | None], count: int) -> list[bool]:
    """Whether each of ``count`` rows changes from the previous date far out of line (report.jumps_in);
    ``starts``: the first row of each date but the first, the rows whose change is between dates."""
    jumps = [False] * count
    if len(starts) >= JUMP_MIN_CHANGES:
        sizes = list(map(abs, map(changes.__getitem__, starts)))  # type: ignore[arg-type]  # dated: not None
        threshold = JUMP_FACTOR * max(statistics.median(sizes), 1)
        for index in compress(starts, map(lt, repeat(threshold), sizes)):  # few
            jumps[index] = True
    return jumps


def _disagreeing(kind: _Kind) -> list[bool]:
    """Whether another source contradicts each row's figure on its date (report.contradicted).

    On a date whose figures are not all alike, where no source gave two figures, every figure is
    contradicted; the few dates where one did are counted out (:func:`_others`).
    """
    dates, dated = kind.dates, kind.dated
    figures = kind.figures()
    # A date whose figures are not all alike has two side by side that differ (rows run by date).
    differing = set(compress(dates[1:dated], map(and_, map(eq, dates[1:dated], dates),
                                                 map(ne, figures[1:dated], figures))))
    contradicted = list(map(differing.__contains__, dates))
    if not differing:
        return contradicted
    found = list(compress(range(dated), contradicted))
    days = list(map(dates.__getitem__, found))
    given = Counter(zip(days, map(kind.sources.__getitem__, found), strict=True))  # rows of each date and source
    if len(given) == len(found):
        return contradicted
    revised = {date for date, _ in compress(given, map(lt, repeat(1), given.values()))}  # a source gave two
    recounted = list(compress(found, map(revised.__contains__, days)))
    for index in compress(recounted, map(not_, _others(kind, figures, recounted))):  # few
        contradicted[index] = False
    return contradicted


def _others(kind: _Kind, figures: list[Any], indexes: list[int]) -> list[int]:
    """How many rows of another source with another figure the date of each row at ``indexes`` has
    (``indexes``: every row of their dates)."""
    day = list(map(kind.dates.__getitem__, indexes))
    source = list(map(kind.sources.__getitem__, indexes))
    figure = list(map(figures.__getitem__, indexes))
    # Each row's date with its figure, with its source, and with both: counted, and looked up.
    figured = list(zip(day, figure, strict=True))
    sourced = list(zip(day, source, strict=True))
    both = list(zip(day, source, figure, strict=True))
    on_day, by_figure, by_source, by_both = Counter(day), Counter(figured), Counter(sourced), Counter(both)
    # All the rows of the date, less those with the row's figure and those from its source, plus
    # those with both (taken away twice).
    return list(map(sub, map(add, map(on_day.__getitem__, day), map(by_both.__getitem__, both)),
                    map(add, map(by_figure.__getitem__, figured), map(by_source.__getitem__, sourced))))


Given = tuple[str | None, dt.date]  # who gave a figure, and for which date


class _Exact:
    """The exact dated figures (report._exact) of one kind, by source and date: for each, the value
    they agree on, or None where they differ (report._one_value); and each figure's source and date."""

    __slots__ = ("keys", "firsts", "value")

    def __init__(self, kind: _Kind) -> None:
        dated = kind.dated
        exact = list(map(and_, map(eq, map(_QUALIFIER, kind.members[:dated]), repeat("exact")),
                         map(is_, kind.maxes[:dated], repeat(None))))
        dates = cast(list[dt.date], kind.dates[:dated])
        self.keys: list[Given] = list(compress(zip(kind.sources[:dated], dates, strict=True), exact))
        self.firsts = list(compress(kind.firsts, exact))
        values = list(compress(kind.values, exact))
        value: dict[Given, Number | None] = dict(zip(self.keys, values, strict=True))  # the last of each
        for differ in compress(self.keys, map(ne, map(value.__getitem__, self.keys), values)):
            value[differ] = None
        self.value = value

    def flagged(self, keys: set[Given]) -> set[int]:
        """The first claims of the figures of these sources and dates."""
        return set(compress(self.firsts, map(keys.__contains__, self.keys))) if keys else set()


def _not_adding_up(kinds: list[_Kind]) -> set[int]:
    """``sum`` flags of one place and subject: first claims of each source's exact running totals
    and the daily figures between them that do not add up to their change (report.not_adding_up)."""
    by_kind = {kind.kind: kind for kind in kinds}
    if CUMULATIVE not in by_kind or PERIOD not in by_kind:
        return set()
    totals, dailies = _Exact(by_kind[CUMULATIVE]), _Exact(by_kind[PERIOD])
    total, daily = totals.value, dailies.value
    reported = {source for source, _ in daily}  # the sources that gave daily figures
    total_dates: dict[str | None, list[dt.date]] = defaultdict(list)  # theirs, in order (as the rows run)
    for source, date in total:
        if source in reported:
            total_dates[source].append(date)
    closing: set[Given] = set()
    between: set[Given] = set()
    for source, dates in total_dates.items():
        for start, end in pairwise(dates):
            first, last = total[(source, start)], total[(source, end)]
            if first is None or last is None:
                continue
            days = [(source, start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1)]
            values = list(map(daily.get, days))
            if None in values or sum(values) == last - first:  # type: ignore[arg-type]  # no None
                continue
            closing.add((source, end))
            between.update(days)
    return totals.flagged(closing) | dailies.flagged(between)


def _in_date_order(members: Iterable[Row]) -> list[Row]:
    """Rows of one series in series order: by date, undated ones last, then by first claim."""
    rows = list(members)
    dated = [row for row in rows if row[DATE] is not None]
    dated.sort(key=_DATE_FIRST)  # first claims differ: no two rows are alike
    if len(dated) < len(rows):
        undated = [row for row in rows if row[DATE] is None]
        undated.sort(key=_FIRST)
        dated += undated
    return dated


def _by_source(kind: _Kind, disagree: list[bool]) -> list[tuple[str | None, _Kind, list[bool]]]:
    """A series split by source, each part in series order, in order of first appearance, with
    ``disagree`` (a flag for each row of the series) for its rows."""
    parts: dict[str | None, list[int]] = {}
    for index, source in enumerate(kind.sources):
        parts.setdefault(source, []).append(index)
    return [(source, kind.part(indexes), list(map(disagree.__getitem__, indexes))) for source, indexes in parts.items()]


class StoredRow(tuple[Row, dt.date | None, Number, Number | None, Number, tuple[str, ...]]):
    """A series row from a row of the figures table (:data:`COLUMNS`) and what its series works out
    for it: its date, value, change and flags. The rest is read from the table's row when asked for
    (the percentage change worked out then).

    A tuple of the table's row, the date, value and change, the previous row's value (for the
    percentage) and the flags, built in C from the tuple zip makes for it (an ``__init__`` per row
    was a fifth of the series' build); it is read through its properties only. diff's table shows of the lists
    of claim ids, article ids and outlets only the first of each and how many there are, which the
    table keeps beside them; a row read without the lists (series_query.load_series with
    ``lists=False``) raises :class:`ListsNotRead` when asked for one. Equal to the
    :class:`~claimtrack.report.SeriesRow` of the same values.
    """

    __slots__ = ()

    @property
    def date(self) -> dt.date | None:
        return self[1]

    @property
    def value(self) -> Number:
        return self[2]

    @property
    def change(self) -> Number | None:
        return self[3]

    @property
    def flags(self) -> tuple[str, ...]:
        return self[5]

    @property
    def change_pct(self) -> float | None:
        change, previous = self[3], self[4]
        return None if change is None or previous == 0 else round(change / previous * 100, 1)

    @property
    def source(self) -> str | None:
        return self[0][SOURCE]  # type: ignore[no-any-return]

    @property
    def value_max(self) -> int | None:
        return self[0][VALUE_MAX]  # type: ignore[no-any-return]

    @property
    def qualifier(self) -> str:
        return self[0][QUALIFIER]  # type: ignore[no-any-return]

    @property
    def claim_id(self) -> int:
        return self[0][FIRST]  # type: ignore[no-any-return]

    @property
    def via(self) -> tuple[str, ...]:
        return _relays(self[0][VIA])

    @property
    def review(self) -> tuple[str, ...]:
        return _statuses(self[0][REVIEW])

    @property
    def corrected(self) -> bool:
        return bool(self[0][CORRECTED])

    @property
    def article_id(self) -> int:
        return self[0][FIRST_ARTICLE]  # type: ignore[no-any-return]

    @property
    def outlet(self) -> str | None:
        return self[0][FIRST_OUTLET]  # type: ignore[no-any-return]

    @property
    def article_count(self) -> int:
        return self[0][ARTICLE_COUNT]  # type: ignore[no-any-return]

    @property
    def outlet_count(self) -> int:
        return self[0][OUTLET_COUNT]  # type: ignore[no-any-return]

    @property
    def claim_ids(self) -> tuple[int, ...]:
        return _ids(self._list(CLAIMS))

    @property
    def article_ids(self) -> tuple[int, ...]:
        return _ids(self._list(ARTICLES))

    @property
    def outlets(self) -> tuple[str, ...]:
        outlets = self._list(OUTLETS)
        return tuple(outlets.split(LIST_SEP)) if outlets else ()

    def _list(self, at: int) -> str:
        row = self[0]
        text = row[at] if at < len(row) else None
        if text is None:
            raise ListsNotRead(f"the {COLUMNS[at]} of claim {self.claim_id}'s figure were not read "
                               "(load_series reads them unless told lists=False)")
        return text  # type: ignore[no-any-return]

    # Compared and hashed by the values it shows, as a SeriesRow is, not as the tuple it is.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StoredRow | SeriesRow):
            return NotImplemented
        return _values(self) == _values(other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(_values(self))


def _ids(text: str) -> tuple[int, ...]:
    return tuple(map(int, text.split(",")))


@lru_cache(maxsize=1024)
def _relays(via: str) -> tuple[str, ...]:
    return tuple(json.loads(via))


@lru_cache(maxsize=1024)
def _statuses(review: str) -> tuple[str, ...]:
    return tuple(review.split(",")) if review else ()


def _values(row: SeriesRowLike) -> tuple[Any, ...]:
    return tuple(getattr(row, field.name) for field in fields(SeriesRow))


# A row's flags by (drop, disagree, jump, sum), worked out once for every combination.
_FLAGS: dict[tuple[bool, ...], tuple[str, ...]] = {
    (drop, disagree, jump, total): flag_names(drop, {name for name, on in ((DISAGREE, disagree), (SUM, total)) if on},
                                              jump)
    for drop in (False, True) for disagree in (False, True) for jump in (False, True) for total in (False, True)}


def _real(value: float) -> Number:
    return int(value) if float(value).is_integer() else float(value)
