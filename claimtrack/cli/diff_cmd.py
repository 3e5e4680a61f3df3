"""``claimtrack diff``: how the figures of one metric moved."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from claimtrack.cli.common import DbOption, app, fail, open_store
from claimtrack.records import METRICS
from claimtrack.render import common as render_common
from claimtrack.render import series as render_series
from claimtrack.report import build_series, series_to_json


@app.command()
def diff(
    metric: Annotated[str, typer.Option("--metric", "-m", help=f"One of: {', '.join(METRICS)}.")],
    db: DbOption = None,
    location: Annotated[str | None, typer.Option("--location", help="Only this place (e.g. Gaza).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only figures credited to this source.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the series as JSON.")] = False,
) -> None:
    """How the figures of one metric moved: each series in date order, with the change.

    A series is one metric for one place and subject; running totals are kept apart from
    daily or per-incident figures. Flags mark a running total that drops and sources that
    disagree on the same date.

    Example: claimtrack diff --metric killed --location Gaza
    """
    if metric not in METRICS:
        fail(f"unknown metric {metric!r}; the metrics are: {', '.join(METRICS)}", 2)
    store = open_store(db, create=False)
    with store:
        series = build_series(store.claims(metric=metric, location=location, source=source))
    if as_json:
        sys.stdout.write(json.dumps(series_to_json(series), ensure_ascii=False, indent=1) + "\n")
        return
    con = render_common.console()
    if not series:
        con.print(f"No {metric} figures stored" + (" for these filters." if location or source else "."))
        return
    render_series.print_series(con, series)
