"""Series of figures over time, with their changes and the places a fact-checker should look.

Pure functions over :class:`~claimtrack.store.StoredClaim` records: no database, no terminal.

A *series* is every figure for one thing counted in one place: the same ``(metric, location,
subject)``, and the same kind of period. Subjects that name a whole population ("people",
"Palestinians", or none) form one series; parts of it ("children", "soldiers") their own.
Kinds of period are kept apart because they answer different questions, and mixing them would
make ordinary reporting look like a contradiction:

- ``cumulative``: running totals ("since 7 October"). Only these should never go down, so only
  they get the ``drop`` flag.
- ``period``: counts within a window ("in the past 24 hours"); a series of them is a daily toll.
- ``event``: the toll of one incident; figures on the same date may be the same strike.
- ``unspecified``: a figure with no stated time frame, which is also what a null period means
  (a stock such as hostages held or people displaced), so the two form one series. Stocks may
  fall legitimately (hostages released), so they are not checked for drops either.

Within a series rows run by date (the figure's ``as_of``, else its article's publication date),
undated rows last, ties by claim id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from claimtrack.cues import cues
from claimtrack.store import StoredClaim

CUMULATIVE = "cumulative"
UNSPECIFIED = "unspecified"
_PERIOD_KEYS = frozenset({CUMULATIVE, "period", "event"})

DROP = "drop"
DISAGREE = "disagree"


@dataclass(frozen=True)
class SeriesRow:
    """One figure in a series.

    ``change``/``change_pct`` compare it with the previous row; both are None for the first row,
    and when either row is undated (an undated figure has no place in time to change from).
    ``change_pct`` is None too when the previous value is 0.
    """

    date: dt.date | None
    value: int | float
    value_max: int | None
    qualifier: str
    change: int | float | None
    change_pct: float | None
    source: str | None
    via: tuple[str, ...]
    outlet: str | None
    article_id: int
    claim_id: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    metric: str
    location: str | None
    subject: str | None
    period: str
    rows: tuple[SeriesRow, ...]


def period_key(period: str | None) -> str:
    """The series a claim's period puts it in: null and unknown periods count as unspecified."""
    return period if period in _PERIOD_KEYS else UNSPECIFIED


def claim_date(claim: StoredClaim) -> dt.date | None:
    """The date a figure describes: its own ``as_of``, else when its article was published."""
    return claim.as_of or claim.published


def series_subject(subject: str | None) -> str | None:
    """The subject a series is kept apart by: a part of the population ("children", "soldiers"),
    or None for a whole population, however it was worded ("people", "Palestinians", none)."""
    return None if subject is None or subject in cues().general_subjects else subject


def build_series(claims: Sequence[StoredClaim]) -> list[Series]:
    """Group claims into series, most rows first (then by metric, location, subject, period)."""
    groups: dict[tuple[str, str | None, str | None, str], list[StoredClaim]] = defaultdict(list)
    for claim in claims:
        key = (claim.metric, claim.location, series_subject(claim.subject), period_key(claim.period))
        groups[key].append(claim)
    series = [Series(metric, location, _shown_subject(subject, members), period, _rows(members, period == CUMULATIVE))
              for (metric, location, subject, period), members in groups.items()]
    series.sort(key=lambda s: (-len(s.rows), s.metric, s.location or "", s.subject or "", s.period))
    return series


def _shown_subject(key: str | None, members: list[StoredClaim]) -> str | None:
    """The subject a series shows: the members' own wording when they all agree."""
    worded = {c.subject for c in members}
    return worded.pop() if len(worded) == 1 else key


def series_to_json(series: list[Series]) -> list[dict[str, object]]:
    """Series as JSON-ready dicts (dates as YYYY-MM-DD, tuples as lists)."""
    return [
        {
            "metric": s.metric,
            "location": s.location,
            "subject": s.subject,
            "period": s.period,
            "rows": [_row_to_json(row) for row in s.rows],
        }
        for s in series
    ]


def _row_to_json(row: SeriesRow) -> dict[str, object]:
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
    }


def _rows(claims: list[StoredClaim], cumulative: bool) -> tuple[SeriesRow, ...]:
    ordered = sorted(claims, key=_order)
    disputed = _disputed_dates(ordered)
    rows: list[SeriesRow] = []
    previous: StoredClaim | None = None
    highest_before: int | float | None = None  # highest lower bound on any earlier date
    highest_today: int | float | None = None
    for claim in ordered:
        date = claim_date(claim)
        if previous is not None and date != claim_date(previous):
            highest_before = _max(highest_before, highest_today)
            highest_today = None
        flags: list[str] = []
        if cumulative and date is not None and highest_before is not None and _upper(claim) < highest_before:
            flags.append(DROP)
        if date in disputed:
            flags.append(DISAGREE)
        if date is not None:
            highest_today = _max(highest_today, claim.value)
        change, change_pct = _change(previous, claim)
        rows.append(SeriesRow(
            date=date, value=claim.value, value_max=claim.value_max, qualifier=claim.qualifier,
            change=change, change_pct=change_pct, source=claim.source, via=claim.via,
            outlet=claim.outlet, article_id=claim.article_id, claim_id=claim.claim_id, flags=tuple(flags),
        ))
        previous = claim
    return tuple(rows)


def _order(claim: StoredClaim) -> tuple[bool, dt.date, int]:
    date = claim_date(claim)
    return (date is None, date or dt.date.min, claim.claim_id)


def _disputed_dates(claims: list[StoredClaim]) -> set[dt.date]:
    """Dates on which the series holds more than one distinct figure."""
    figures: dict[dt.date, set[tuple[int | float, int | None]]] = defaultdict(set)
    for claim in claims:
        date = claim_date(claim)
        if date is not None:
            figures[date].add((claim.value, claim.value_max))
    return {date for date, seen in figures.items() if len(seen) > 1}


def _upper(claim: StoredClaim) -> int | float:
    # A range or vague figure only contradicts an earlier total if even its upper bound is lower.
    return claim.value_max if claim.value_max is not None else claim.value


def _max(a: int | float | None, b: int | float | None) -> int | float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _change(previous: StoredClaim | None, claim: StoredClaim) -> tuple[int | float | None, float | None]:
    if previous is None or claim_date(previous) is None or claim_date(claim) is None:
        return None, None
    change = claim.value - previous.value
    if previous.value == 0:
        return change, None
    return change, round(change / previous.value * 100, 1)
