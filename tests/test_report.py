"""Series, deltas and flags over stored claims."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from claimtrack.records import Article, Claim, Extraction
from claimtrack.report import Series, SeriesRow, build_series, series_to_json
from claimtrack.store import Store, StoredClaim

D1, D2, D3 = dt.date(2023, 10, 10), dt.date(2023, 10, 11), dt.date(2023, 10, 12)


def stored(claim_id: int, value: int | float, published: dt.date | None = None, *,
           as_of: dt.date | None = None, metric: str = "killed", location: str | None = "Gaza",
           subject: str | None = "Palestinians", period: str | None = "cumulative",
           source: str | None = "Gaza Health Ministry", value_max: int | None = None,
           qualifier: str = "exact") -> StoredClaim:
    return StoredClaim(
        claim_id=claim_id, article_id=100 + claim_id, metric=metric, value=value, value_max=value_max,
        qualifier=qualifier, subject=subject, location=location, period=period, source=source,
        via=("Reuters",), as_of=as_of, published=published, outlet="Alhurra", article_title=None,
        text=str(value), sentence=f"{value} killed", rule="digits",
    )


def only(series: list[Series]) -> Series:
    assert len(series) == 1
    return series[0]


def column(series: Series, name: str) -> list[object]:
    return [getattr(row, name) for row in series.rows]


def test_groups_by_metric_location_and_subject() -> None:
    series = build_series([
        stored(1, 100, D1), stored(2, 120, D2),
        stored(3, 5, D1, subject="soldiers", location="Israel"),
        stored(4, 40, D1, metric="wounded"),
    ])
    keys = [(s.metric, s.location, s.subject, s.period, len(s.rows)) for s in series]
    assert keys == [
        ("killed", "Gaza", "Palestinians", "cumulative", 2),  # most rows first
        ("killed", "Israel", "soldiers", "cumulative", 1),  # then by name
        ("wounded", "Gaza", "Palestinians", "cumulative", 1),
    ]


def test_cumulative_figures_are_kept_apart_from_increments() -> None:
    series = build_series([
        stored(1, 4000, D1), stored(2, 4200, D2),
        stored(3, 200, D2, period="period"),  # "in the past 24 hours"
        stored(4, 30, D2, period="event"),  # one strike
        stored(5, 9, D2, period="unspecified"), stored(6, 11, D3, period=None),
    ])
    by_period = {s.period: column(s, "value") for s in series}
    assert by_period == {"cumulative": [4000, 4200], "period": [200], "event": [30], "unspecified": [9, 11]}
    cumulative = next(s for s in series if s.period == "cumulative")
    assert "drop" not in {flag for row in cumulative.rows for flag in row.flags}


def test_rows_run_by_date_undated_last_ties_by_claim_id() -> None:
    series = only(build_series([
        stored(1, 300, None), stored(2, 250, D3), stored(3, 100, D1),
        stored(4, 150, D3, as_of=D2),  # as_of wins over the publication date
        stored(6, 260, D3), stored(5, 255, D3), stored(0, 310, None),
    ]))
    assert column(series, "claim_id") == [3, 4, 2, 5, 6, 0, 1]
    assert column(series, "date") == [D1, D2, D3, D3, D3, None, None]


def test_change_and_percentage() -> None:
    series = only(build_series([stored(1, 200, D1), stored(2, 250, D2), stored(3, 240, D3)]))
    assert column(series, "change") == [None, 50, -10]
    assert column(series, "change_pct") == [None, 25.0, -4.0]


def test_percentage_is_rounded_to_one_decimal() -> None:
    series = only(build_series([stored(1, 3, D1), stored(2, 4, D2)]))
    assert series.rows[1].change_pct == 33.3


def test_no_percentage_from_zero_and_no_change_around_undated_rows() -> None:
    series = only(build_series([stored(1, 0, D1), stored(2, 5, D2), stored(3, 9, None)]))
    assert column(series, "change") == [None, 5, None]
    assert column(series, "change_pct") == [None, None, None]


def test_drop_in_a_cumulative_series() -> None:
    series = only(build_series([stored(1, 500, D1), stored(2, 700, D2), stored(3, 650, D3)]))
    assert column(series, "flags") == [(), (), ("drop",)]


def test_drop_compares_with_any_earlier_day_not_just_the_previous_row() -> None:
    series = only(build_series([
        stored(1, 700, D1), stored(2, 600, D2), stored(3, 650, D3),
    ]))
    assert column(series, "flags") == [(), ("drop",), ("drop",)]


def test_no_drop_for_increments_or_a_range_that_reaches_the_earlier_figure() -> None:
    daily = only(build_series([stored(1, 300, D1, period="period"), stored(2, 100, D2, period="period")]))
    assert column(daily, "flags") == [(), ()]
    vague = only(build_series([stored(1, 250, D1), stored(2, 200, D2, value_max=999, qualifier="vague")]))
    assert column(vague, "flags") == [(), ()]


def test_sources_disagreeing_on_the_same_date() -> None:
    series = only(build_series([
        stored(1, 1000, D1), stored(2, 1100, D1, source="UN"), stored(3, 1200, D2),
    ]))
    assert column(series, "flags") == [("disagree",), ("disagree",), ()]


def test_same_figure_from_two_sources_is_no_disagreement() -> None:
    series = only(build_series([
        stored(1, 1000, D1), stored(2, 1000, D1, source="UN"), stored(3, 900, None), stored(4, 950, None),
    ]))
    assert column(series, "flags") == [(), (), (), ()]


def test_lower_figure_on_the_same_day_is_disagreement_not_drop() -> None:
    series = only(build_series([stored(1, 500, D1), stored(2, 480, D1), stored(3, 470, D2)]))
    assert column(series, "flags") == [("disagree",), ("disagree",), ("drop",)]


def test_row_carries_provenance() -> None:
    row = only(build_series([stored(7, 42, D1)])).rows[0]
    assert row == SeriesRow(date=D1, value=42, value_max=None, qualifier="exact", change=None,
                            change_pct=None, source="Gaza Health Ministry", via=("Reuters",),
                            outlet="Alhurra", article_id=107, claim_id=7, flags=())


def test_json_shape() -> None:
    data = series_to_json(build_series([stored(1, 100, D1), stored(2, 90, D2), stored(3, 5, None)]))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    [entry] = data
    assert set(entry) == {"metric", "location", "subject", "period", "rows"}
    assert (entry["metric"], entry["location"], entry["subject"], entry["period"]) == (
        "killed", "Gaza", "Palestinians", "cumulative")
    rows = entry["rows"]
    assert isinstance(rows, list)
    assert set(rows[0]) == {f.name for f in dataclasses.fields(SeriesRow)}
    assert rows[1] == {
        "date": "2023-10-11", "value": 90, "value_max": None, "qualifier": "exact", "change": -10,
        "change_pct": -10.0, "source": "Gaza Health Ministry", "via": ["Reuters"], "outlet": "Alhurra",
        "article_id": 102, "claim_id": 2, "flags": ["drop"],
    }
    assert rows[2]["date"] is None


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([D1, D2, D3])), min_size=1, max_size=12))
def test_changes_add_up_and_drops_match_earlier_days(figures: list[tuple[int, dt.date]]) -> None:
    claims = [stored(i, value, date) for i, (value, date) in enumerate(figures)]
    series = only(build_series(claims))
    values = [row.value for row in series.rows]
    assert sorted(values) == sorted(value for value, _ in figures)
    assert sum(row.change or 0 for row in series.rows) == values[-1] - values[0]
    for row in series.rows:
        assert row.date is not None
        earlier = [value for value, date in figures if date < row.date]
        assert ("drop" in row.flags) == bool(earlier and row.value < max(earlier))


def test_empty_input() -> None:
    assert build_series([]) == []
    assert series_to_json([]) == []


def test_series_from_the_store(tmp_path: Path) -> None:
    """Records in, through the store, out as one series: the path `claimtrack diff` takes."""
    def extraction(text: str, value: int, published: dt.date) -> Extraction:
        start = text.index(str(value))
        figure = Claim(
            metric="killed", value=value, value_max=None, qualifier="exact", subject="Palestinians",
            location="Gaza", period="cumulative", source="Gaza Health Ministry", via=(), as_of=None,
            start=start, end=start + len(str(value)), text=str(value), sentence=text, article=0,
            published=published, rule="digits", confidence=0.9,
        )
        article = Article(0, 0, len(text), None, published, "given", "Alhurra", "en")
        return Extraction(text, "utf-8", (article,), (figure,))

    with Store.open(str(tmp_path / "c.db")) as store:
        store.add(extraction("The toll rose to 1200 killed.", 1200, D2), "b.txt")
        store.add(extraction("At least 1000 killed so far.", 1000, D1), "a.txt")
        store.add(extraction("The ministry now says 1100 killed.", 1100, D3), "c.txt")
        series = only(build_series(store.claims(metric="killed")))
    assert column(series, "value") == [1000, 1200, 1100]
    assert column(series, "change") == [None, 200, -100]
    assert column(series, "flags") == [(), (), ("drop",)]


def test_whole_population_wordings_form_one_series() -> None:
    """"people", "Palestinians" and no subject all count the whole toll; "children" is a part of it."""
    claims = [
        stored(1, value=1000, subject="people", published=dt.date(2023, 10, 10)),
        stored(2, value=1100, subject="Palestinians", published=dt.date(2023, 10, 11)),
        stored(3, value=1200, subject=None, published=dt.date(2023, 10, 12)),
        stored(4, value=400, subject="children", published=dt.date(2023, 10, 12)),
    ]
    series = build_series(claims)
    assert [(s.subject, [r.value for r in s.rows]) for s in series] == [
        (None, [1000, 1100, 1200]),
        ("children", [400]),
    ]
