"""``claimtrack diff``: how the figures of one metric moved."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer

from claimtrack.cli.common import DbOption, app, fail, open_store, parse_date
from claimtrack.cli.filters import LocationFilter, OutletFilter, SinceFilter, SourceFilter, UntilFilter
from claimtrack.records import METRICS
from claimtrack.render import common as render_common
from claimtrack.render import plot as render_plot
from claimtrack.render import series as render_series
from claimtrack.report import (
    CSV_HEADER,
    JUMP_FACTOR,
    JUMP_MIN_CHANGES,
    PERIOD_KINDS,
    series_to_csv_rows,
    series_to_json,
)
from claimtrack.series_query import Filters, load_series

BY_CHOICES = ("source",)

MetricOption = Annotated[str, typer.Option("--metric", "-m", help=f"One of: {', '.join(METRICS)}.")]
PeriodOption = Annotated[list[str] | None, typer.Option(
    "--period", metavar="KIND", show_default=False,
    help=f"Only series of this kind ({', '.join(PERIOD_KINDS)}); repeat for several, "
    "e.g. --period cumulative --period period. All kinds when not given.")]
SubjectOption = Annotated[str | None, typer.Option(
    "--subject", help="Only this subject, e.g. --subject children; 'people' picks the whole-population series.")]
ByOption = Annotated[str | None, typer.Option(
    "--by", help="Split each series by source: --by source gives one series per source.")]


def filters_from_options(metric: str, location: str | None, subject: str | None, source: str | None,
                         outlet: str | None, since: str | None, until: str | None) -> Filters:
    """The filters the options name; a bad metric or date ends the command with a one-line usage error."""
    if metric not in METRICS:
        fail(f"unknown metric {metric!r}; the metrics are: {', '.join(METRICS)}", 2)
    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    if first and last and first > last:
        fail(f"--since {since} is after --until {until}", 2)
    return Filters(metric, location, subject, source, outlet, first, last)


def check_periods(periods: list[str] | None) -> list[str] | None:
    for period in periods or ():
        if period not in PERIOD_KINDS:
            fail(f"--period must be one of {', '.join(PERIOD_KINDS)}, not {period!r}", 2)
    return periods or None


def check_by(by: str | None) -> bool:
    if by is not None and by not in BY_CHOICES:
        fail(f"--by must be {' or '.join(BY_CHOICES)}, not {by!r}", 2)
    return by == "source"


@app.command(help=f"""How the figures of one metric moved: each series in date order, with the change.

    A series is one metric for one place and subject; running totals are kept apart from
    daily or per-incident figures. The same figure from the same source for the same date,
    printed by several articles, is one row that counts its articles and outlets.

    Flags: drop (a running total lower than one reported earlier), disagree (another source gave
    a different figure for the same date), jump (a change between dates more than {JUMP_FACTOR} times
    the series' median absolute change between dates, once it has {JUMP_MIN_CHANGES} such changes),
    sum (one source's daily figures do not add up to the change in its running total).
    Reviewed figures show the reviewer's value, metric and source, marked with their review status.

    Example: claimtrack diff --metric killed --location Gaza --since 2023-10-07 --by source
""")
def diff(
    metric: MetricOption,
    db: DbOption = None,
    location: LocationFilter = None,
    subject: SubjectOption = None,
    source: SourceFilter = None,
    outlet: OutletFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    period: PeriodOption = None,
    by: ByOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the series as JSON, each row with "
                                          "its claim ids, article ids and outlets.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print one CSV row per figure, with a header, "
                                         "e.g. --csv > killed.csv.")] = False,
    plot: Annotated[bool, typer.Option("--plot", help="Draw the series as a chart in the terminal "
                                       "instead of tables, e.g. --plot --by source.")] = False,
) -> None:
    filters = filters_from_options(metric, location, subject, source, outlet, since, until)
    periods, by_source = check_periods(period), check_by(by)
    if sum((as_json, as_csv, plot)) > 1:
        fail("choose one of --json, --csv and --plot", 2)
    with open_store(db, create=False) as store:
        # The table and the chart show no list of claim ids, article ids or outlets: not read for them.
        series = load_series(store, filters, by_source, periods, lists=as_json or as_csv)
    if as_json:
        sys.stdout.write(json.dumps(series_to_json(series), ensure_ascii=False, indent=1) + "\n")
        return
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(series_to_csv_rows(series))
        return
    con = render_common.console()
    if not series:
        narrowed = any(x is not None for x in (location, subject, source, outlet, since, until, period))
        con.print(f"No {metric} figures stored" + (" for these filters." if narrowed else "."))
        return
    if plot:
        render_plot.print_plot(con, series)
        return
    render_series.print_series(con, series)
