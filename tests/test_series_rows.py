"""Series built straight from figure rows (what ``diff`` reads) are those report.series_of builds from figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections import defaultdict
from typing import Any

import pytest

from claimtrack.figures import LIST_SEP, SHOWN_COLUMNS, shown
from claimtrack.report import Figure, SeriesRow, period_key, series_of, series_subject
from claimtrack.series_rows import CLAIMS, COLUMNS, ListsNotRead, StoredKind, StoredRow, series_from_rows

START = dt.date(2025, 3, 1)
SOURCES = ("Health Ministry", "Red Crescent", "UN", None)


def wire_figures(seed: int, count: int = 400) -> list[Figure]:
    """Figures as wire reporting gives them: running totals that grow (now and then misread), daily
    tolls that mostly add up, tolls of strikes, undated figures, ranges, sources a little apart."""
    rng = random.Random(seed)
    figures = []
    for claim in range(1, count + 1):
        source = rng.choice(SOURCES)
        period = rng.choice(("cumulative", "cumulative", "period", "event", None, "unspecified"))
        day = rng.randrange(8)
        date = None if rng.random() < 0.05 else START + dt.timedelta(days=day)
        value: int | float = {"cumulative": 100 + 10 * day, "period": 10}.get(period or "", 7) + rng.choice(
            (0, 0, 0, 1, -30, 400))
        if rng.random() < 0.03:
            value += 0.5  # a fractional figure
        value_max = value + 20 if rng.random() < 0.05 else None
        qualifier = "range" if value_max else rng.choice(("exact", "exact", "at_least"))
        subject = rng.choice((None, "people", "Palestinians", "children"))
        outlets = tuple(rng.sample(("Alhurra", "BBC", "Reuters", "وكالة"), rng.randrange(0, 3)))
        figures.append(Figure(
            "killed", rng.choice(("Gaza", "Gaza", None)), subject, period, source, date, value, value_max, qualifier,
            rng.choice(((), ("AFP",))), (claim, claim + 1000), (claim, claim + 2000), outlets,
            tuple(sorted(rng.sample(("verified", "disputed"), rng.randrange(0, 2)))), rng.random() < 0.05))
    return figures


def kinds_of(figures: list[Figure], by_source: bool = False) -> list[StoredKind]:
    """The figures as the figures table holds them, a kind of period of a place and subject at a
    time (as the database gives them), in no particular order within, with the subjects shown."""
    kinds: dict[tuple[Any, ...], list[Figure]] = defaultdict(list)
    for f in figures:
        kinds[(f.location, series_subject(f.subject), period_key(f.period))].append(f)
    stored = []
    for key, members in kinds.items():
        random.Random(len(members)).shuffle(members)
        parts = defaultdict(list)
        for f in members:
            parts[f.source if by_source else None].append(f.subject)
        shown = {part: worded.pop() if len(worded := set(subjects)) == 1 else key[1]
                 for part, subjects in parts.items()}  # the subject the figures agree on, else the series'
        stored.append(StoredKind(*key, [table_row(f) for f in members], shown))
    return stored


def table_row(f: Figure) -> tuple[Any, ...]:
    """A figure as a row of the figures table (:data:`COLUMNS`)."""
    row = {"source": f.source, "figure_date": f.date, "value": round(f.value),
           "value_real": f.value if isinstance(f.value, float) else None, "value_max": f.value_max,
           "qualifier": f.qualifier, "first_claim": f.first_claim, "via": json.dumps(list(f.via)),
           "claim_ids": ",".join(map(str, f.claim_ids)), "article_ids": ",".join(map(str, f.article_ids)),
           "outlets": LIST_SEP.join(f.outlets), "review": ",".join(f.review), "corrected": f.corrected}
    row.update(zip(SHOWN_COLUMNS, shown(row["article_ids"], row["outlets"]), strict=True))
    return tuple(row[name] for name in COLUMNS)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("by_source", [False, True])
def test_rows_give_the_series_figures_give(seed: int, by_source: bool) -> None:
    figures = wire_figures(seed)
    from_rows = series_from_rows("killed", kinds_of(figures, by_source), by_source)
    assert from_rows == series_of(figures, by_source)
    flags = {flag for s in from_rows for row in s.rows for flag in row.flags}
    if not by_source:
        assert {"drop", "disagree"} <= flags  # the comparison covered flagged rows


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("by_source", [False, True])
@pytest.mark.parametrize("nulls_first", [False, True])
def test_rows_in_series_order_are_taken_as_they_come(seed: int, by_source: bool, nulls_first: bool) -> None:
    # As the database reads them (ordered=True): by date then first claim within each kind of
    # period, undated figures first (SQLite) or last (PostgreSQL).
    figures = wire_figures(seed)

    def order(row: tuple[Any, ...]) -> tuple[Any, ...]:
        date = row[COLUMNS.index("figure_date")]
        return ((date is not None) == nulls_first, date or START, row[COLUMNS.index("first_claim")])

    kinds = [dataclasses.replace(kind, rows=sorted(kind.rows, key=order)) for kind in kinds_of(figures, by_source)]
    assert series_from_rows("killed", kinds, by_source, ordered=True) == series_of(figures, by_source)


def test_every_flag_is_compared() -> None:
    flags = {flag for seed in range(12) for s in series_from_rows("killed", kinds_of(wire_figures(seed)))
             for row in s.rows for flag in row.flags}
    assert flags == {"drop", "disagree", "jump", "sum"}


def test_no_rows_no_series() -> None:
    assert series_from_rows("killed", []) == [] == series_of([])


def stored_and_parsed(outlets: tuple[str, ...]) -> tuple[StoredRow, SeriesRow]:
    """One row built from the figures table's row, and the same row with its lists given whole."""
    articles, named = "7,2,9", LIST_SEP.join(outlets)
    row = (START.isoformat(), 3, "UN", 42, None, None, "exact", '["AFP"]', "verified", 0, *shown(articles, named),
           "3,12,40", articles, named)
    stored = StoredRow((row, START, 42, 2, 40, ("jump",)))  # the row, date, value, change, previous value, flags
    parsed = SeriesRow(START, 42, None, "exact", 2, 5.0, "UN", ("AFP",), outlets[0] if outlets else None, 7, 3,
                       ("jump",), (3, 12, 40), (7, 2, 9), outlets, ("verified",), False)
    return stored, parsed


@pytest.mark.parametrize("outlets", [(), ("BBC",), ("وكالة", "BBC", ""), ("", "BBC")])
def test_stored_rows_read_their_lists_from_the_text(outlets: tuple[str, ...]) -> None:
    stored, parsed = stored_and_parsed(outlets)
    for _ in range(2):
        assert (stored.article_count, stored.outlet_count) == (3, len(outlets))
        assert (stored.article_id, stored.outlet) == (7, outlets[0] if outlets else None)
        assert (stored.claim_ids, stored.article_ids, stored.outlets) == ((3, 12, 40), (7, 2, 9), outlets)
    assert stored == parsed and parsed == stored and hash(stored) == hash(parsed)
    assert stored != dataclasses.replace(parsed, claim_ids=(3,)) and stored != (3, 12, 40)


def test_a_row_read_without_its_lists_says_so_when_asked_for_one() -> None:
    stored, parsed = stored_and_parsed(("BBC", "AFP"))
    row, *built = stored
    bare = StoredRow(((*row[:CLAIMS], None, None, None), *built))
    assert (bare.article_id, bare.article_count, bare.outlet, bare.outlet_count) == (7, 3, "BBC", 2)
    for name in ("claim_ids", "article_ids", "outlets"):
        with pytest.raises(ListsNotRead, match="load_series"):
            getattr(bare, name)
