"""Series, deltas and flags over stored claims."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from claimtrack.records import Article, Claim, Extraction
from claimtrack.report import (
    CSV_HEADER,
    Series,
    SeriesRow,
    build_series,
    only_periods,
    series_to_csv_rows,
    series_to_json,
)
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
    series = only(build_series([stored(1, 500, D1), stored(2, 480, D1, source="UN"), stored(3, 470, D2)]))
    assert column(series, "flags") == [("disagree",), ("disagree",), ("drop",)]


def test_two_figures_from_one_source_on_one_date_are_a_revision_not_a_disagreement() -> None:
    series = only(build_series([stored(1, 136, D1), stored(2, 142, D1), stored(3, 150, D1, source="Red Crescent")]))
    assert column(series, "flags") == [("disagree",), ("disagree",), ("disagree",)]  # each differs from 150
    revised = only(build_series([stored(1, 136, D1), stored(2, 142, D1)]))
    assert column(revised, "flags") == [(), ()]


def test_row_carries_provenance() -> None:
    row = only(build_series([stored(7, 42, D1)])).rows[0]
    assert row == SeriesRow(date=D1, value=42, value_max=None, qualifier="exact", change=None,
                            change_pct=None, source="Gaza Health Ministry", via=("Reuters",),
                            outlet="Alhurra", article_id=107, claim_id=7, flags=(), claim_ids=(7,),
                            article_ids=(107,), outlets=("Alhurra",))


def test_json_shape() -> None:
    data = series_to_json(build_series([stored(1, 100, D1), stored(2, 90, D2), stored(3, 5, None)]))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    [entry] = data
    assert set(entry) == {"metric", "location", "subject", "period", "source", "by_source", "rows"}
    assert (entry["metric"], entry["location"], entry["subject"], entry["period"], entry["source"]) == (
        "killed", "Gaza", "Palestinians", "cumulative", None)
    rows = entry["rows"]
    assert isinstance(rows, list)
    assert set(rows[0]) == {f.name for f in dataclasses.fields(SeriesRow)} | {"article_count", "outlet_count"}
    assert rows[1] == {
        "date": "2023-10-11", "value": 90, "value_max": None, "qualifier": "exact", "change": -10,
        "change_pct": -10.0, "source": "Gaza Health Ministry", "via": ["Reuters"], "outlet": "Alhurra",
        "article_id": 102, "claim_id": 2, "flags": ["drop"], "article_count": 1, "outlet_count": 1,
        "claim_ids": [2], "article_ids": [102], "outlets": ["Alhurra"], "review": [], "corrected": False,
    }
    assert rows[2]["date"] is None


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([D1, D2, D3])), min_size=1, max_size=12))
def test_changes_add_up_and_drops_match_earlier_days(figures: list[tuple[int, dt.date]]) -> None:
    claims = [stored(i, value, date) for i, (value, date) in enumerate(figures)]
    series = only(build_series(claims))
    values = [row.value for row in series.rows]
    assert sorted(values) == sorted(value for value, _ in set(figures))  # a repeated figure is one row
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


def relayed(claim_id: int, value: int, date: dt.date, outlet: str, article_id: int, **fields: object) -> StoredClaim:
    """A claim as one outlet printed a figure, in article ``article_id``."""
    claim = stored(claim_id, value, date, **fields)  # type: ignore[arg-type]
    return dataclasses.replace(claim, outlet=outlet, article_id=article_id)


def test_a_figure_relayed_by_many_outlets_is_one_row() -> None:
    """Five outlets printing one ministry bulletin make one figure, not five."""
    claims = [relayed(i, 4200, D2, outlet, 10 + i) for i, outlet in enumerate(
        ["Alhurra", "Reuters", "Al Jazeera", "Reuters", "BBC"], start=1)]
    claims += [relayed(9, 4200, D2, "BBC", 15)]  # the same article printed it twice
    row = only(build_series([stored(0, 4000, D1), *claims])).rows[1]
    assert (row.value, row.claim_id, row.article_id, row.outlet) == (4200, 1, 11, "Alhurra")
    assert row.claim_ids == (1, 2, 3, 4, 5, 9)
    assert row.article_ids == (11, 12, 13, 14, 15)
    assert row.outlets == ("Alhurra", "Al Jazeera", "BBC", "Reuters")  # the first one's first, then sorted
    assert row.change == 200


def test_repeats_need_the_same_source_date_and_reading() -> None:
    series = only(build_series([
        stored(1, 4200, D2), stored(2, 4200, D2, source="UN"),  # another source
        stored(3, 4200, D3),  # another date
        stored(4, 4200, D2, qualifier="at_least"),  # another reading
    ]))
    assert [(row.claim_ids, row.source) for row in series.rows] == [
        ((1,), "Gaza Health Ministry"), ((2,), "UN"), ((4,), "Gaza Health Ministry"), ((3,), "Gaza Health Ministry")]


def test_by_source_gives_one_series_per_source_and_still_sees_disagreement() -> None:
    claims = [stored(1, 1000, D1), stored(2, 1100, D1, source="UN"), stored(3, 1050, D2),
              stored(4, 1150, D2, source="UN")]
    series = build_series(claims, by_source=True)
    assert [(s.source, column(s, "value")) for s in series] == [
        ("Gaza Health Ministry", [1000, 1050]), ("UN", [1100, 1150])]
    assert series[0].title == "killed · Gaza · Palestinians · cumulative · Gaza Health Ministry"
    assert all(row.flags == ("disagree",) for s in series for row in s.rows)


def steady(values: list[int], **fields: object) -> list[StoredClaim]:
    """One figure a day from 2023-10-10 on."""
    return [stored(i, value, D1 + dt.timedelta(days=i), **fields)  # type: ignore[arg-type]
            for i, value in enumerate(values)]


def test_jump_is_a_change_far_out_of_line_with_the_median_change() -> None:
    series = only(build_series(steady([100, 110, 121, 130, 142, 900, 910, 921])))
    # changes 10, 11, 9, 12, 758, 10, 11: the median is 11, so anything above 55 is a jump
    assert column(series, "flags") == [(), (), (), (), (), ("jump",), (), ()]


def test_no_jump_in_a_short_or_evenly_growing_series() -> None:
    assert "jump" not in str(column(only(build_series(steady([100, 900, 910]))), "flags"))
    uneven = only(build_series(steady([100, 160, 230, 250, 350, 410, 420, 530, 540, 800])))
    assert all("jump" not in row.flags for row in uneven.rows)  # 260 is under 5 × the median 60


def test_a_stalled_series_counts_its_median_change_as_at_least_one() -> None:
    series = only(build_series(steady([50, 50, 50, 50, 50, 53, 60])))
    assert column(series, "flags") == [(), (), (), (), (), (), ("jump",)]  # 7 > 5 × 1; 3 is not


def test_daily_figures_that_do_not_add_up_to_the_change_in_the_running_total() -> None:
    D4 = D3 + dt.timedelta(days=1)
    claims = [
        stored(1, 1000, D1), stored(2, 1060, D3), stored(3, 1090, D4),  # running totals
        stored(4, 25, D2, period="period"), stored(5, 35, D3, period="period"),  # 60: adds up
        stored(6, 50, D4, period="period"),  # but 1090 - 1060 is 30
    ]
    by_period = {s.period: s for s in build_series(claims)}
    assert column(by_period["cumulative"], "flags") == [(), (), ("sum",)]
    assert column(by_period["period"], "flags") == [(), (), ("sum",)]


def test_sum_is_checked_only_when_every_day_has_one_exact_figure_from_the_same_source() -> None:
    D4 = D3 + dt.timedelta(days=1)
    gap = [stored(1, 1000, D1), stored(2, 1100, D4), stored(3, 5, D2, period="period")]  # D3 missing
    other_source = [stored(1, 1000, D1), stored(2, 1100, D2), stored(3, 5, D2, period="period", source="UN")]
    vague = [stored(1, 1000, D1), stored(2, 1100, D2), stored(3, 5, D2, period="period", qualifier="at_least")]
    for claims in (gap, other_source, vague):
        assert all("sum" not in row.flags for s in build_series(claims) for row in s.rows)


def test_only_periods_keeps_the_kinds_asked_for() -> None:
    series = build_series([stored(1, 4000, D1), stored(2, 200, D1, period="period"), stored(3, 9, D1, period=None)])
    assert [s.period for s in only_periods(series, ["period", "unspecified"])] == ["period", "unspecified"]
    assert only_periods(series, None) == series


def test_csv_rows_have_one_cell_per_header_column() -> None:
    claims = [relayed(1, 100, D1, "Alhurra", 5), relayed(2, 100, D1, "BBC", 6), stored(3, 90, D2)]
    rows = series_to_csv_rows(build_series(claims))
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    first = dict(zip(CSV_HEADER, rows[0], strict=True))
    assert (first["date"], first["value"], first["outlets"], first["article_count"], first["claim_ids"]) == (
        "2023-10-10", "100", "Alhurra; BBC", "2", "1; 2")
    assert dict(zip(CSV_HEADER, rows[1], strict=True))["flags"] == "drop"
