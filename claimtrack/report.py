"""Series of figures over time, with their changes and the places a fact-checker should look.

Pure functions over :class:`Figure` records (or :class:`~claimtrack.store.StoredClaim` records,
collapsed into figures first): no database, no terminal.

A *figure* is one value a source gave for one date, however many articles printed it: claims with
the same value, qualifier and range, from the same source, for the same date, in the same series
are one figure with many appearances. Five outlets relaying one ministry bulletin are one row.

A *series* is every figure for one thing counted in one place: the same ``(metric, location,
subject)``, and the same kind of period (and, split by source, the same source). Subjects that
name a whole population ("people", "Palestinians", or none) form one series; parts of it
("children", "soldiers") their own. Kinds of period are kept apart because they answer different
questions, and mixing them would make ordinary reporting look like a contradiction:

- ``cumulative``: running totals ("since 7 October"). Only these should never go down, so only
  they get the ``drop`` flag.
- ``period``: counts within a window ("in the past 24 hours"); a series of them is a daily toll.
- ``event``: the toll of one incident; figures on the same date may be the same strike.
- ``unspecified``: a figure with no stated time frame, which is also what a null period means
  (a stock such as hostages held or people displaced), so the two form one series. Stocks may
  fall legitimately (hostages released), so they are not checked for drops either.

Within a series rows run by date (the figure's ``as_of``, else its article's publication date),
undated rows last, ties by first claim id. The flags:

- ``drop``: a running total lower, even at its upper bound, than a figure given on an earlier date.
- ``disagree``: another source gave a different figure for the same thing on the same date (two
  figures from one source on one date are a revision, not a disagreement). Checked across
  sources whether or not the series are split by source.
- ``jump``: a change from the previous date far out of line with the series: more than
  ``JUMP_FACTOR`` times its median absolute change between dates (a median below 1 counts as 1),
  once the series has at least ``JUMP_MIN_CHANGES`` such changes. The median, unlike a mean or a
  standard deviation, is not dragged up by the jumps it is meant to find.
- ``sum``: daily figures that do not add up. When one source gives exact running totals on two
  dates and exact ``period`` figures (read as daily) for every date in between, the dailies must
  sum to the change in the total; if not, the later total and those dailies are flagged.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import islice, pairwise
from typing import Protocol, TypeVar

from claimtrack.cues import cues
from claimtrack.store import StoredClaim

CUMULATIVE = "cumulative"
PERIOD = "period"
UNSPECIFIED = "unspecified"
PERIOD_KEYS = (CUMULATIVE, PERIOD, "event")
PERIOD_KINDS = (*PERIOD_KEYS, UNSPECIFIED)

DROP = "drop"
DISAGREE = "disagree"
JUMP = "jump"
SUM = "sum"
JUMP_FACTOR = 5
JUMP_MIN_CHANGES = 5

Number = int | float
SeriesKey = tuple[str, str | None, str | None, str]  # metric, location, series subject, period kind
_K = TypeVar("_K", bound=int | str)  # an article id or an outlet name


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as reported: a value a source gave for a date, with every claim that printed it.

    ``claim_ids`` run in ascending order, so the first is the earliest stored appearance; it stands
    for the figure (its ``via`` is that claim's). ``article_ids`` and ``outlets`` are distinct: that
    claim's article and outlet first, then the others in sorted order.
    ``review`` holds the reviewers' statuses of its claims, ``corrected`` whether a reviewer changed
    its value, metric or source (the figure then carries the corrected reading).
    """

    metric: str
    location: str | None
    subject: str | None
    period: str | None
    source: str | None
    date: dt.date | None
    value: Number
    value_max: int | None
    qualifier: str
    via: tuple[str, ...]
    claim_ids: tuple[int, ...]
    article_ids: tuple[int, ...]
    outlets: tuple[str, ...]
    review: tuple[str, ...] = ()
    corrected: bool = False

    @property
    def first_claim(self) -> int:
        return self.claim_ids[0]


# Not frozen: a report builds one row per figure (60,000 for a metric over a million claims), and a
# frozen dataclass sets each of its 17 fields through object.__setattr__, five times slower. Rows
# are never changed once built; unsafe_hash keeps them hashable as a frozen row was.
@dataclass(slots=True, unsafe_hash=True)
class SeriesRow:
    """One figure in a series.

    ``change``/``change_pct`` compare it with the previous row; both are None for the first row,
    and when either row is undated (an undated figure has no place in time to change from).
    ``change_pct`` is None too when the previous value is 0. ``outlet``, ``article_id`` and
    ``claim_id`` are those of its first appearance; the ``*_ids`` and ``outlets`` fields list all,
    ``article_count`` and ``outlet_count`` count them (claimtrack.series_rows counts without listing).
    """

    date: dt.date | None
    value: Number
    value_max: int | None
    qualifier: str
    change: Number | None
    change_pct: float | None
    source: str | None
    via: tuple[str, ...]
    outlet: str | None
    article_id: int
    claim_id: int
    flags: tuple[str, ...]
    claim_ids: tuple[int, ...] = ()
    article_ids: tuple[int, ...] = ()
    outlets: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    corrected: bool = False

    @property
    def article_count(self) -> int:
        return len(self.article_ids)

    @property
    def outlet_count(self) -> int:
        return len(self.outlets)


class SeriesRowLike(Protocol):
    """What a row of a series gives to read: a :class:`SeriesRow`, or a row built straight from the
    figures table (claimtrack.series_rows.StoredRow), which is equal to the SeriesRow of its values."""

    @property
    def date(self) -> dt.date | None: ...
    @property
    def value(self) -> Number: ...
    @property
    def value_max(self) -> int | None: ...
    @property
    def qualifier(self) -> str: ...
    @property
    def change(self) -> Number | None: ...
    @property
    def change_pct(self) -> float | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def via(self) -> tuple[str, ...]: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def article_id(self) -> int: ...
    @property
    def claim_id(self) -> int: ...
    @property
    def flags(self) -> tuple[str, ...]: ...
    @property
    def claim_ids(self) -> tuple[int, ...]: ...
    @property
    def article_ids(self) -> tuple[int, ...]: ...
    @property
    def outlets(self) -> tuple[str, ...]: ...
    @property
    def review(self) -> tuple[str, ...]: ...
    @property
    def corrected(self) -> bool: ...
    @property
    def article_count(self) -> int: ...
    @property
    def outlet_count(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Series:
    """The rows of one series; ``source`` is set when series are split by source (``by_source``)."""

    metric: str
    location: str | None
    subject: str | None
    period: str
    rows: tuple[SeriesRowLike, ...]
    source: str | None = None
    by_source: bool = False

    @property
    def title(self) -> str:
        parts = [self.metric, self.location or "anywhere", self.subject or "anyone", self.period]
        if self.by_source:
            parts.append(self.source or "no source")
        return " · ".join(parts)


def period_key(period: str | None) -> str:
    """The series a claim's period puts it in: null and unknown periods count as unspecified."""
    return period if period in PERIOD_KEYS else UNSPECIFIED


def claim_date(claim: StoredClaim) -> dt.date | None:
    """The date a figure describes: its own ``as_of``, else when its article was published."""
    return claim.as_of or claim.published


def series_subject(subject: str | None) -> str | None:
    """The subject a series is kept apart by: a part of the population ("children", "soldiers"),
    or None for a whole population, however it was worded ("people", "Palestinians", none)."""
    return None if subject is None or subject in cues().general_subjects else subject


def series_key(figure: Figure) -> SeriesKey:
    return figure.metric, figure.location, series_subject(figure.subject), period_key(figure.period)


def repeat_key(figure: Figure) -> tuple[object, ...]:
    """What makes two appearances one figure: series, source, date, and the figure as printed."""
    return (*series_key(figure), figure.source, figure.date, figure.value, figure.value_max, figure.qualifier)


def collapse(claims: Iterable[StoredClaim]) -> list[Figure]:
    """Claims as figures, repeats (the same figure from the same source for the same date) merged."""
    return merge_repeats(_figure_of(claim) for claim in claims)


def merge_repeats(figures: Iterable[Figure]) -> list[Figure]:
    """Figures with the same :func:`repeat_key` merged into one, in order of first claim."""
    merged: dict[tuple[object, ...], Figure] = {}
    for figure in figures:
        key = repeat_key(figure)
        seen = merged.get(key)
        merged[key] = figure if seen is None else _merge(seen, figure)
    return sorted(merged.values(), key=lambda f: f.first_claim)


def _figure_of(claim: StoredClaim) -> Figure:
    return Figure(
        metric=claim.metric, location=claim.location, subject=claim.subject, period=claim.period,
        source=claim.source, date=claim_date(claim), value=claim.value, value_max=claim.value_max,
        qualifier=claim.qualifier, via=claim.via, claim_ids=(claim.claim_id,), article_ids=(claim.article_id,),
        outlets=(claim.outlet,) if claim.outlet else (),
    )


def _merge(a: Figure, b: Figure) -> Figure:
    first, second = (a, b) if a.first_claim <= b.first_claim else (b, a)
    return replace(
        first,
        subject=first.subject if first.subject == second.subject else series_subject(first.subject),
        claim_ids=tuple(sorted({*first.claim_ids, *second.claim_ids})),
        article_ids=first_then_sorted(first.article_ids[0], first.article_ids + second.article_ids),
        outlets=first_then_sorted(first.outlets[0] if first.outlets else None, first.outlets + second.outlets),
        review=tuple(sorted({*first.review, *second.review})),
        corrected=first.corrected or second.corrected,
    )


def first_then_sorted(first: _K | None, items: Iterable[_K]) -> tuple[_K, ...]:
    """Distinct items, ``first`` (when given) first and the rest sorted: a stable order however they came.

    A set given as ``items`` is used as it is (and may lose ``first``), sparing a copy per figure.
    """
    rest: set[_K] = items if isinstance(items, set) else set(items)
    if first is None:
        return tuple(sorted(rest))
    if len(rest) == 1 and first in rest:  # the usual case of a figure printed once, or by one outlet
        return (first,)
    rest.discard(first)
    return (first, *sorted(rest))


def build_series(claims: Sequence[StoredClaim], by_source: bool = False) -> list[Series]:
    """Group claims into series, repeats collapsed (see :func:`series_of`)."""
    return series_of(collapse(claims), by_source)


def series_of(figures: Sequence[Figure], by_source: bool = False) -> list[Series]:
    """Figures grouped into series, flagged, most rows first (then by metric, location, subject, period)."""
    keyed = list(zip(series_keys(figures), figures, strict=True))
    marks = _flag_map(keyed)
    groups: dict[tuple[SeriesKey, str | None], list[Figure]] = defaultdict(list)
    for key, figure in keyed:
        groups[(key, figure.source if by_source else None)].append(figure)
    series = [
        Series(metric, location, _shown_subject(subject, members), period,
               _rows(members, period == CUMULATIVE, marks), source, by_source)
        for ((metric, location, subject, period), source), members in groups.items()
    ]
    series.sort(key=lambda s: (-len(s.rows), s.metric, s.location or "", s.subject or "", s.period, s.source or ""))
    return series


def series_keys(figures: Iterable[Figure]) -> list[SeriesKey]:
    """:func:`series_key` of each figure, reading the lexicons' whole-population subjects once."""
    general = cues().general_subjects
    return [(f.metric, f.location, None if f.subject is None or f.subject in general else f.subject,
             f.period if f.period in PERIOD_KEYS else UNSPECIFIED) for f in figures]


def only_periods(series: Sequence[Series], periods: Collection[str] | None) -> list[Series]:
    """The series of the given kinds of period (all when None); flags were set on all of them."""
    return [s for s in series if periods is None or s.period in periods]


def _shown_subject(key: str | None, members: list[Figure]) -> str | None:
    """The subject a series shows: the members' own wording when they all agree."""
    worded = {f.subject for f in members}
    return worded.pop() if len(worded) == 1 else key


Keyed = Sequence[tuple[SeriesKey, Figure]]  # figures with their series keys, computed once


def _flag_map(keyed: Keyed) -> dict[int, set[str]]:
    """Flags that compare a figure with figures of other series or sources, by first claim id."""
    marks: dict[int, set[str]] = defaultdict(set)
    for claim_id in _disagreeing(keyed):
        marks[claim_id].add(DISAGREE)
    for claim_id in _not_adding_up(keyed):
        marks[claim_id].add(SUM)
    return marks


def _disagreeing(keyed: Keyed) -> set[int]:
    """Figures another source contradicts on the same date in the same series."""
    same_day: dict[tuple[SeriesKey, dt.date], list[Given]] = defaultdict(list)
    for key, figure in keyed:
        if figure.date is not None:
            same_day[(key, figure.date)].append((figure.source, figure.value, figure.value_max, figure.first_claim))
    found: set[int] = set()
    for group in same_day.values():
        if len(group) > 1:
            found |= contradicted(group)
    return found


Given = tuple[str | None, Number, int | None, int]  # source, value, upper bound, first claim


def contradicted(group: Sequence[Given]) -> set[int]:
    """The first claims of the figures of one series and date that another source contradicts: one
    that another source gave a different figure beside (or in place of) it."""
    found: set[int] = set()
    for source, value, value_max, first_claim in group:
        for other_source, other_value, other_max, _ in group:
            if other_source != source and (other_value != value or other_max != value_max):
                found.add(first_claim)
                break
    return found


Dated = dict[dt.date, list[tuple[Number, int]]]  # a source's exact figures of one kind: values and first claims
SumKey = tuple[object, ...]  # what makes running totals and daily figures one count: series and source


def _not_adding_up(keyed: Keyed) -> set[int]:
    """Running totals whose change one source's daily figures in between contradict, and those dailies."""
    totals: dict[SumKey, Dated] = defaultdict(lambda: defaultdict(list))
    dailies: dict[SumKey, Dated] = defaultdict(lambda: defaultdict(list))
    for (metric, location, subject, kind), figure in keyed:
        if figure.date is None or kind not in (CUMULATIVE, PERIOD) or not _exact(figure):
            continue
        into = totals if kind == CUMULATIVE else dailies
        into[(metric, location, subject, figure.source)][figure.date].append((figure.value, figure.first_claim))
    return not_adding_up(totals, dailies)


def not_adding_up(totals: dict[SumKey, Dated], dailies: dict[SumKey, Dated]) -> set[int]:
    """The first claims of running totals and daily figures (exact and dated, by series and source)
    that do not add up."""
    found: set[int] = set()
    for key, daily in dailies.items():
        by_date = totals.get(key, {})
        for start, end in pairwise(sorted(by_date)):
            found |= _check_interval(by_date[start], by_date[end], daily, start, end)
    return found


def _check_interval(opening: list[tuple[Number, int]], closing: list[tuple[Number, int]], daily: Dated,
                    start: dt.date, end: dt.date) -> set[int]:
    """Flags for one stretch between two running totals, when every value in it is unambiguous."""
    first, last = _one_value(opening), _one_value(closing)
    days = [start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1)]
    values = [_one_value(daily.get(day, [])) for day in days]
    if first is None or last is None or any(v is None for v in values):
        return set()
    if sum(v for v in values if v is not None) == last - first:
        return set()
    return {claim for _, claim in closing} | {claim for day in days for _, claim in daily[day]}


def _one_value(figures: list[tuple[Number, int]]) -> Number | None:
    """The value the figures agree on, or None when there are none or they differ."""
    values = {value for value, _ in figures}
    return values.pop() if len(values) == 1 else None


def _exact(figure: Figure) -> bool:
    return figure.qualifier == "exact" and figure.value_max is None


def _figure(figure: Figure) -> tuple[Number, int | None]:
    return figure.value, figure.value_max


def _rows(figures: list[Figure], cumulative: bool, marks: dict[int, set[str]]) -> tuple[SeriesRow, ...]:
    ordered = sorted(figures, key=_order)
    dates = [figure.date for figure in ordered]
    changes, shares = changes_in(dates, [figure.value for figure in ordered])
    drops = drops_in(dates, [f.value for f in ordered], [_upper(f) for f in ordered]) if cumulative else set()
    jumps = jumps_in(dates, changes)
    rows = []
    for index, (figure, change, change_pct) in enumerate(zip(ordered, changes, shares, strict=True)):
        marked = marks.get(figure.first_claim)
        flags: tuple[str, ...] = ()
        if marked or index in drops or index in jumps:  # most rows have none: skip building them
            flags = flag_names(index in drops, marked or set(), index in jumps)
        outlets, article_ids, claim_ids = figure.outlets, figure.article_ids, figure.claim_ids
        rows.append(SeriesRow(
            figure.date, figure.value, figure.value_max, figure.qualifier, change, change_pct, figure.source,
            figure.via, outlets[0] if outlets else None, article_ids[0], claim_ids[0], flags, claim_ids,
            article_ids, outlets, figure.review, figure.corrected,
        ))
    return tuple(rows)


def flag_names(drop: bool, marked: Collection[str], jump: bool) -> tuple[str, ...]:
    """A row's flags in the order they are shown."""
    return tuple(name for name, on in ((DROP, drop), (DISAGREE, DISAGREE in marked), (JUMP, jump),
                                       (SUM, SUM in marked)) if on)


def _order(figure: Figure) -> tuple[bool, dt.date, int]:
    return (figure.date is None, figure.date or dt.date.min, figure.first_claim)


def drops_in(dates: Sequence[dt.date | None], values: Sequence[Number], uppers: Sequence[Number]) -> set[int]:
    """Indexes of dated rows (in series order) whose upper bound is below the highest value on any earlier date."""
    found: set[int] = set()
    highest_before: Number | None = None
    highest_today: Number | None = None
    for index, date in enumerate(dates):
        if date is None:
            break  # undated rows come last and have no earlier date
        if index and date != dates[index - 1]:
            highest_before = _max(highest_before, highest_today)
            highest_today = None
        if highest_before is not None and uppers[index] < highest_before:
            found.add(index)
        value = values[index]
        if highest_today is None or value > highest_today:  # _max, spelled out: once per row
            highest_today = value
    return found


def jumps_in(dates: Sequence[dt.date | None], changes: Sequence[Number | None]) -> set[int]:
    """Indexes of rows whose change from the previous date is far out of line (see the module notes)."""
    between_dates = {
        index: abs(change) for index, change in enumerate(changes)
        if change is not None and dates[index] != dates[index - 1]
    }
    if len(between_dates) < JUMP_MIN_CHANGES:
        return set()
    threshold = JUMP_FACTOR * max(statistics.median(between_dates.values()), 1)
    return {index for index, size in between_dates.items() if size > threshold}


def _upper(figure: Figure) -> Number:
    # A range or vague figure only contradicts an earlier total if even its upper bound is lower.
    return figure.value_max if figure.value_max is not None else figure.value


def _max(a: Number | None, b: Number | None) -> Number | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def changes_in(dates: Sequence[dt.date | None], values: Sequence[Number]) -> tuple[list[Number | None],
                                                                                 list[float | None]]:
    """Each row's change from the previous row's value, and as a percentage of it (rows in series
    order): None for the first row and beside an undated row, the percentage None from 0."""
    changes: list[Number | None] = [None] if values else []
    shares: list[float | None] = [None] if values else []
    shifted = zip(islice(dates, 1, None), islice(values, 1, None), strict=True)
    for before, previous, (date, value) in zip(dates, values, shifted, strict=False):  # shifted: one fewer
        if before is None or date is None:
            changes.append(None)
            shares.append(None)
        else:
            change = value - previous
            changes.append(change)
            shares.append(None if previous == 0 else round(change / previous * 100, 1))
    return changes, shares


def series_to_json(series: Sequence[Series]) -> list[dict[str, object]]:
    """Series as JSON-ready dicts (dates as YYYY-MM-DD, tuples as lists)."""
    return [
        {
            "metric": s.metric,
            "location": s.location,
            "subject": s.subject,
            "period": s.period,
            "source": s.source,
            "by_source": s.by_source,
            "rows": [_row_to_json(row) for row in s.rows],
        }
        for s in series
    ]


def _row_to_json(row: SeriesRowLike) -> dict[str, object]:
    return {
        "date": row.date.isoformat() if row.date else None,
        "value": row.value,
        "value_max": row.value_max,
        "qualifier": row.qualifier,
        "change": row.change,
        "change_pct": row.change_pct,
        "source": row.source,
        "via": list(row.via),
        "outlet": row.outlet,
        "article_id": row.article_id,
        "claim_id": row.claim_id,
        "flags": list(row.flags),
        "article_count": row.article_count,
        "outlet_count": row.outlet_count,
        "claim_ids": list(row.claim_ids),
        "article_ids": list(row.article_ids),
        "outlets": list(row.outlets),
        "review": list(row.review),
        "corrected": row.corrected,
    }


CSV_HEADER = (
    "metric", "location", "subject", "period", "series_source", "date", "value", "value_max", "qualifier",
    "change", "change_pct", "source", "via", "outlet", "article_id", "claim_id", "flags", "article_count",
    "outlet_count", "outlets", "article_ids", "claim_ids", "review", "corrected",
)


def series_to_csv_rows(series: Sequence[Series]) -> list[list[str]]:
    """One row per figure under :data:`CSV_HEADER`; lists joined by '; ', empty cells for none."""
    out = []
    for s in series:
        for row in s.rows:
            cells: list[object] = [
                s.metric, s.location, s.subject, s.period, s.source if s.by_source else None,
                row.date.isoformat() if row.date else None, row.value, row.value_max, row.qualifier,
                row.change, row.change_pct, row.source, _joined(row.via), row.outlet, row.article_id, row.claim_id,
                _joined(row.flags), row.article_count, row.outlet_count, _joined(row.outlets),
                _joined(row.article_ids), _joined(row.claim_ids), _joined(row.review), "yes" if row.corrected else "",
            ]
            out.append(["" if cell is None else str(cell) for cell in cells])
    return out


def _joined(items: Iterable[object]) -> str:
    return "; ".join(str(item) for item in items)
