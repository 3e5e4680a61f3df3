"""Series straight from rows of the figures table: what :func:`claimtrack.report.series_of` makes
of the same figures, without a :class:`~claimtrack.report.Figure` per row.

``diff`` over a million claims reads tens of thousands of figures, and Python's own loop is the
slow part of it: here most work on a series is done by whole lists at a time (``map``, slices,
``accumulate``, sets and counters, which run in C) rather than row by row. The rows come from the
database with each place, series subject and kind of period together (claimtrack.series_query
reads them so, in the order of ``ix_figures_series``); each kind is put in series order here, by
date with undated figures last, then by first claim. So one pass finds each series, its same-date
groups (for ``disagree``), its changes, drops and jumps, and the running totals and daily figures
beside it (for ``sum``), as report.series_of's flag functions define them.
``tests/test_series_rows.py`` holds the two to the same output.

Each row is a :class:`StoredRow`: the table's row and what its series works out for it (flags
included, all worked out first), one tuple built in C; what it takes from the table row alone (its
source, relays, review marks, percentage change...) is read when asked for, not while the series is
built.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import and_, eq, is_, itemgetter, lt, ne, sub
from typing import Any, cast

from claimtrack.figures import LIST_SEP
from claimtrack.report import (
    CUMULATIVE,
    DISAGREE,
    JUMP_FACTOR,
    JUMP_MIN_CHANGES,
    PERIOD,
    SUM,
    Dated,
    Number,
    Series,
    SeriesRow,
    SeriesRowLike,
    SumKey,
    contradicted,
    flag_names,
    not_adding_up,
)

# The figures table columns each row holds, in this order: those of ix_figures_series after the
# series' key (place, series subject, kind of period) but for the subject as worded, which its
# series read as a whole (StoredKind.shown); then the lists, which a reader that does not want
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
_QUALIFIER, _DAY = itemgetter(QUALIFIER), itemgetter(0)


@dataclass(frozen=True, slots=True)
class StoredKind:
    """The figure rows (:data:`COLUMNS`) of one kind of period of one place and series subject, and
    the subject its series show (report's _shown_subject: the figures' own wording when they all
    agree, else the series subject): by source when the series are split by source, else under None.
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
            for source, part in _by_source(kind) if by_source else ((None, kind),):
                # A source written since the subjects were read (claimtrack.series_query reads them
                # first) shows the series subject.
                series = Series(metric, location, kind.shown.get(source, subject), kind.kind,
                                _rows(part, cumulative, disagree, sums), source, by_source)
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
    series order, with each row's date and value (as shown) beside it; the first ``dated`` are dated."""

    __slots__ = ("kind", "shown", "members", "dates", "values", "maxes", "firsts", "dated")

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
        part.dated = len(part.dates) - part.dates.count(None)
        return part


def _values_of(members: list[Row]) -> list[Number]:
    """Each row's value as shown: its exact fractional value where it has one."""
    reals = list(map(_VALUE_REAL, members))
    if reals.count(None) == len(reals):
        return list(map(_VALUE, members))
    return [value if real is None else _real(real) for value, real in zip(map(_VALUE, members), reals, strict=True)]


def _rows(part: _Kind, cumulative: bool, disagree: set[int], sums: set[int]) -> tuple[StoredRow, ...]:
    """The rows of one series with their changes and flags (report.changes_in, drops_in and jumps_in)."""
    members, dates, values, dated = part.members, part.dates, part.values, part.dated
    changes: list[Number | None] = [None] * len(members)  # from the previous row, when both are dated
    if dated > 1:
        changes[1:dated] = map(sub, values[1:dated], values[:dated - 1])
    flags = _flags(part, _dropping(part) if cumulative else set(), _jumping(dates, changes, dated), disagree, sums)
    return tuple(map(_new_row, repeat(StoredRow), zip(members, dates, values, changes, [0, *values[:-1]], flags,
                                                      strict=True)))


def _flags(part: _Kind, drops: set[int], jumps: set[int], disagree: set[int], sums: set[int]) -> list[tuple[str, ...]]:
    """Each row's flags, from the indexes of the rows with each (``disagree`` and ``sums``: by first claim)."""
    firsts = part.firsts
    flags: list[tuple[str, ...]] = [()] * len(firsts)
    disagreeing, summed = disagree.intersection(firsts), sums.intersection(firsts)
    if disagreeing or summed:
        index_of = dict(zip(firsts, range(len(firsts)), strict=True))
        disagreeing, summed = set(map(index_of.__getitem__, disagreeing)), set(map(index_of.__getitem__, summed))
    # The flagged rows split by each flag in turn into those with it and those without (set
    # operations, in C), then each group's flags set at once.
    groups: list[tuple[tuple[bool, ...], set[int]]] = [((), drops | disagreeing | jumps | summed)]
    for marked in (drops, disagreeing, jumps, summed):
        groups = [(key + (on,), part) for key, rows in groups
                  for on, part in ((True, rows & marked), (False, rows - marked)) if part]
    for key, rows in groups:
        deque(map(flags.__setitem__, rows, repeat(_FLAGS[key])), maxlen=0)
    return flags


def _dropping(part: _Kind) -> set[int]:
    """Indexes of dated rows of a running total whose upper bound is below the highest value on any
    earlier date (report.drops_in)."""
    dates, values, dated = part.dates, part.values, part.dated
    if dated < 2:
        return set()
    maxes = part.maxes
    uppers = values if maxes.count(None) == len(maxes) else [
        value if upper is None else upper for value, upper in zip(values, maxes, strict=True)]
    highest = list(accumulate(values[:dated], max))  # the highest value up to each row
    found: set[int] = set()
    # Below the highest of every row before it is needed; then below the highest of earlier dates.
    for index in compress(range(1, dated), map(lt, uppers[1:dated], highest)):
        before = index - 1
        while before >= 0 and dates[before] == dates[index]:
            before -= 1
        if before >= 0 and uppers[index] < highest[before]:
            found.add(index)
    return found


def _jumping(dates: list[dt.date | None], changes: list[Number | None], dated: int) -> set[int]:
    """Indexes of rows whose change from the previous date is far out of line (report.jumps_in)."""
    between = list(compress(range(1, dated), map(ne, dates[1:dated], dates)))  # each date's first row
    if len(between) < JUMP_MIN_CHANGES:
        return set()
    sizes = list(map(abs, map(changes.__getitem__, between)))  # type: ignore[arg-type]  # dated: not None
    threshold = JUMP_FACTOR * max(statistics.median(sizes), 1)
    return set(compress(between, map(lt, repeat(threshold), sizes)))


def _disagreeing(kind: _Kind) -> set[int]:
    """First claims of figures another source contradicts on the same date (report.contradicted).

    On a date where no source gave two figures, a figure is contradicted exactly when the figures
    of that date are not all alike; the few dates where one source did are compared pair by pair.
    """
    dates, values, members, dated, maxes = kind.dates, kind.values, kind.members, kind.dated, kind.maxes
    # Each different figure of each date, in date order (as the rows are): a date repeated in it
    # was given different figures.
    alike: dict[tuple[Any, ...], None]
    if maxes.count(None) == len(maxes):
        alike = dict.fromkeys(zip(dates[:dated], values, strict=False))
    else:
        alike = dict.fromkeys(zip(dates[:dated], values, maxes, strict=False))
    days = list(map(_DAY, alike))
    differing = set(compress(days[1:], map(eq, days[1:], days)))
    if not differing:
        return set()
    firsts = kind.firsts
    found = set(compress(firsts, map(differing.__contains__, dates)))
    given = list(zip(dates[:dated], map(_SOURCE, members), strict=False))  # date and source of each row
    last = dict(zip(given, range(dated), strict=True))  # the last row of each date and source
    if len(last) == dated:
        return found
    # Dates on which one source gave two figures: their figures are compared pair by pair.
    revised = {dates[index] for index in compress(range(dated), map(ne, range(dated), map(last.__getitem__, given)))}
    in_order = cast(list[dt.date], dates)  # the first ``dated`` are dates, in order
    for date in cast(set[dt.date], revised & differing):
        start, end = bisect_left(in_order, date, 0, dated), bisect_right(in_order, date, 0, dated)
        found.difference_update(firsts[start:end])
        found |= contradicted([(row[SOURCE], value, row[VALUE_MAX], row[FIRST])
                               for row, value in zip(members[start:end], values[start:end], strict=True)])
    return found


def _not_adding_up(kinds: list[_Kind]) -> set[int]:
    """``sum`` flags of one place and subject: its running totals against its daily figures, by source."""
    if not {CUMULATIVE, PERIOD} <= {kind.kind for kind in kinds}:
        return set()
    totals: dict[SumKey, Dated] = defaultdict(lambda: defaultdict(list))
    dailies: dict[SumKey, Dated] = defaultdict(lambda: defaultdict(list))
    for kind in kinds:
        if kind.kind not in (CUMULATIVE, PERIOD):
            continue
        into = totals if kind.kind == CUMULATIVE else dailies
        dated = kind.members[:kind.dated]
        exact = map(and_, map(eq, map(_QUALIFIER, dated), repeat("exact")), map(is_, kind.maxes, repeat(None)))
        for source, date, value, first in compress(zip(map(_SOURCE, dated), kind.dates, kind.values, kind.firsts,
                                                       strict=False), exact):
            into[(source,)][date].append((value, first))  # type: ignore[index]  # dated
    return not_adding_up(totals, dailies)


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


def _by_source(kind: _Kind) -> list[tuple[str | None, _Kind]]:
    """A series split by source, each part in series order, in order of first appearance."""
    parts: dict[str | None, list[int]] = {}
    for index, source in enumerate(map(_SOURCE, kind.members)):
        parts.setdefault(source, []).append(index)
    return [(source, kind.part(indexes)) for source, indexes in parts.items()]


_Built = tuple[Row, dt.date | None, Number, Number | None, Number, tuple[str, ...]]


class StoredRow(_Built):
    """A series row from a row of the figures table (:data:`COLUMNS`) and what its series works out
    for it: its date, value, change and flags. The rest is read from the table's row when asked for
    (the percentage change worked out then).

    A tuple of the table's row, the date, value and change, the previous row's value (for the
    percentage) and the flags, built in C by ``tuple.__new__`` (an ``__init__`` per row was a fifth
    of the series' build); it is read through its properties only. diff's table shows of the lists
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


# tuple.__new__ itself, typed: a row is built in C, from the tuple zip made for it.
_new_row = cast(Callable[[type[StoredRow], _Built], StoredRow], tuple.__new__)


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
