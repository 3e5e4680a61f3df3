"""The claim filters that listing, export and report commands share, as typer options."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack.cli.common import fail, parse_date
from claimtrack.queries import UNREVIEWED, ClaimFilter
from claimtrack.records import METRICS, PERIODS
from claimtrack.reviews import STATUSES

MetricFilter = Annotated[str | None, typer.Option("--metric", "-m", help=f"Only this metric: {', '.join(METRICS)}.")]
LocationFilter = Annotated[str | None, typer.Option("--location", help="Only this place, e.g. --location Gaza.")]
SubjectFilter = Annotated[str | None, typer.Option("--subject", help="Only figures about these people, "
                                                   "e.g. --subject children.")]
SourceFilter = Annotated[str | None, typer.Option(
    "--source", help="Only figures credited to this source or one of its aliases, e.g. --source 'Health Ministry'.")]
OutletFilter = Annotated[str | None, typer.Option("--outlet", help="Only figures printed by this outlet, "
                                                  "e.g. --outlet 'Valley Herald'.")]
SinceFilter = Annotated[str | None, typer.Option("--since", help="Only figures dated on or after this day, "
                                                 "e.g. --since 2025-03-05.")]
UntilFilter = Annotated[str | None, typer.Option("--until", help="Only figures dated on or before this day, "
                                                 "e.g. --until 2025-03-07.")]
PeriodFilter = Annotated[str | None, typer.Option("--period", help=f"Only this kind of figure: {', '.join(PERIODS)}.")]
StatusFilter = Annotated[str | None, typer.Option("--status", help=f"Only claims reviewed as {', '.join(STATUSES)}, "
                                                  f"or {UNREVIEWED}.")]


def claim_filter(metric: str | None = None, location: str | None = None, subject: str | None = None,
                 source: str | None = None, outlet: str | None = None, since: str | None = None,
                 until: str | None = None, period: str | None = None, status: str | None = None) -> ClaimFilter:
    """The filter the options describe; a value outside its choices fails with exit code 2."""
    if metric is not None and metric not in METRICS:
        fail(f"unknown metric {metric!r}; the metrics are: {', '.join(METRICS)}", 2)
    if period is not None and period not in PERIODS:
        fail(f"unknown period {period!r}; the periods are: {', '.join(PERIODS)}", 2)
    if status is not None and status not in (*STATUSES, UNREVIEWED):
        fail(f"unknown status {status!r}; the statuses are: {', '.join((*STATUSES, UNREVIEWED))}", 2)
    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    if first and last and first > last:
        fail(f"--since {first} is after --until {last}", 2)
    return ClaimFilter(metric=metric, location=location, subject=subject, source=source, outlet=outlet,
                       since=first, until=last, period=period, status=status)
