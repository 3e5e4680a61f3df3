"""``claimtrack export``: claims with their provenance as CSV, JSON Lines or ClaimReview JSON-LD."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from claimtrack import export as exporting
from claimtrack import queries
from claimtrack.cli.common import DbOption, app, fail, open_store, write_whole
from claimtrack.cli.filters import (
    LocationFilter,
    MetricFilter,
    OutletFilter,
    PeriodFilter,
    SinceFilter,
    SourceFilter,
    StatusFilter,
    SubjectFilter,
    UntilFilter,
    claim_filter,
)
from claimtrack.reviews import history


@app.command(name="export")
def export_claims(
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(exporting.FORMATS)}.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="ClaimReview author: the organisation "
                                                  "publishing the reviews [default: each reviewer].")] = None,
    metric: MetricFilter = None, location: LocationFilter = None, subject: SubjectFilter = None,
    source: SourceFilter = None, outlet: OutletFilter = None, since: SinceFilter = None, until: UntilFilter = None,
    period: PeriodFilter = None, status: StatusFilter = None, db: DbOption = None,
) -> None:
    """Write claims with their provenance to share: csv, jsonl, or claimreview (schema.org
    ClaimReview JSON-LD, for claims that have a review status).

    Example: claimtrack export --format csv --metric killed -o killed.csv

    Example: claimtrack export --format claimreview --publisher "Desk Check" -o reviews.jsonld
    """
    if format not in exporting.FORMATS:
        fail(f"unknown format {format!r}; the formats are: {', '.join(exporting.FORMATS)}", 2)
    where = claim_filter(metric, location, subject, source, outlet, since, until, period, status)
    with open_store(db, create=False) as store:
        found, _ = queries.find_claims(store, where)
        if format == "csv":
            body = exporting.to_csv(found)
        elif format == "jsonl":
            body = exporting.to_jsonl(found)
        else:
            reviewed = [(c, history(store, c.claim_id)) for c in found if c.review_status]
            body = exporting.to_claimreview(reviewed, publisher)
            found = [c for c, _ in reviewed]
    if output is None:
        sys.stdout.write(body)
        return
    write_whole(output, body)
    typer.echo(f"{len(found)} claim{'s' if len(found) != 1 else ''} written to {output}", err=True)

