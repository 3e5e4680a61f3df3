"""``claimtrack report``: the series of one metric as a self-contained HTML page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from claimtrack import html_report
from claimtrack.cli.common import DbOption, app, open_store, write_whole
from claimtrack.cli.diff_cmd import (
    ByOption,
    MetricOption,
    PeriodOption,
    SubjectOption,
    check_by,
    check_periods,
    filters_from_options,
)
from claimtrack.cli.filters import LocationFilter, OutletFilter, SinceFilter, SourceFilter, UntilFilter
from claimtrack.series_query import fetch_quotes, load_series


@app.command()
def report(
    metric: MetricOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write, e.g. -o killed.html.")],
    db: DbOption = None,
    location: LocationFilter = None,
    subject: SubjectOption = None,
    source: SourceFilter = None,
    outlet: OutletFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    period: PeriodOption = None,
    by: ByOption = None,
) -> None:
    """Write the series of one metric as one HTML file: a chart, the diff tables and each figure's sentence.

    The file needs nothing else to open, offline or as an attachment: no scripts, fonts or images.
    Takes the filters of diff.

    Example: claimtrack report --metric killed --location Gaza --since 2023-10-07 -o killed.html
    """
    filters = filters_from_options(metric, location, subject, source, outlet, since, until)
    periods, by_source = check_periods(period), check_by(by)
    with open_store(db, create=False) as store:
        series = load_series(store, filters, by_source, periods)
        quotes = fetch_quotes(store, (row.claim_id for s in series for row in s.rows))
    given = (("location", location), ("subject", subject), ("source", source), ("outlet", outlet),
             ("since", since), ("until", until), ("period", ", ".join(period) if period else None), ("by", by))
    page = html_report.Page(metric, tuple((name, value) for name, value in given if value), dt.date.today())
    write_whole(output, html_report.render(page, series, quotes))
    figures = sum(len(s.rows) for s in series)
    typer.echo(f"wrote {output}: {len(series)} series, {figures} figure{'s' if figures != 1 else ''}")
