"""Browsing the store: ``claims``, ``show``, ``articles``, ``sources`` and ``search``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from claimtrack import queries
from claimtrack.cli.common import DbOption, app, fail, open_store, parse_date
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
from claimtrack.render import browse
from claimtrack.render.common import console
from claimtrack.reviews import history

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=0, help="Show at most this many (0: all).")]


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


@app.command()
def claims(
    metric: MetricFilter = None, location: LocationFilter = None, subject: SubjectFilter = None,
    source: SourceFilter = None, outlet: OutletFilter = None, since: SinceFilter = None, until: UntilFilter = None,
    period: PeriodFilter = None, status: StatusFilter = None, limit: LimitOption = 50,
    newest: Annotated[bool, typer.Option("--newest", help="Newest figures first.")] = False,
    as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """List stored claims in date order, with their source, outlet and review state.

    Example: claimtrack claims --source "Gaza Health Ministry" --since 2023-10-07 --limit 20
    """
    where = claim_filter(metric, location, subject, source, outlet, since, until, period, status)
    with open_store(db, create=False) as store:
        found, total = queries.find_claims(store, where, limit=limit or None, newest_first=newest)
    if as_json:
        _print_json([c.to_json() for c in found])
        return
    con = console()
    if not total:
        con.print("No claims stored" + (" for these filters." if where != queries.ClaimFilter() else "."))
        return
    con.print(browse.claims_table(found, total))
    if len(found) < total:
        con.print(f"(showing {len(found)} of {total}; --limit 0 shows all)", style="dim")


@app.command()
def show(
    claim_id: Annotated[int, typer.Argument(help="A claim id, as diff, claims and add print it.")],
    as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """Everything known about one claim: its sentence, article, source chain, rule and reviews.

    Example: claimtrack show 12
    """
    with open_store(db, create=False) as store:
        claim = queries.get_claim(store, claim_id)
        if claim is None:
            fail(f"no claim {claim_id} in {store.label}")
        trail = history(store, claim_id)
        repeats = queries.appearances(store, claim)
    if as_json:
        data = claim.to_json()
        data["reviews"] = [{"at": e.at.isoformat(), "by": e.reviewer, "field": e.field, "old": e.old,
                            "new": e.new, "note": e.note} for e in trail]
        data["appearances"] = [{"claim_id": r.claim_id, "article_id": r.article_id, "outlet": r.outlet,
                                "published": r.published.isoformat() if r.published else None} for r in repeats]
        _print_json(data)
        return
    console().print(browse.claim_panel(claim, trail, repeats))


@app.command()
def articles(
    outlet: OutletFilter = None,
    since: Annotated[str | None, typer.Option("--since", help="Only articles published on or after "
                                              "YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only articles published on or before "
                                              "YYYY-MM-DD.")] = None,
    limit: LimitOption = 50, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """List stored articles, newest first, with how many claims each gave.

    Example: claimtrack articles --outlet Reuters --since 2024-01-01
    """
    where = queries.ClaimFilter(outlet=outlet, since=parse_date(since, "--since"), until=parse_date(until, "--until"))
    with open_store(db, create=False) as store:
        found, total = queries.list_articles(store, where, limit=limit or None)
    if as_json:
        _print_json([{"article_id": a.article_id, "published": a.published.isoformat() if a.published else None,
                      "date_source": a.date_source, "outlet": a.outlet, "title": a.title, "url": a.url,
                      "lang": a.lang, "claims": a.claims, "file": a.file_path} for a in found])
        return
    con = console()
    con.print(browse.articles_table(found, total))
    if len(found) < total:
        con.print(f"(showing {len(found)} of {total}; --limit 0 shows all)", style="dim")


@app.command()
def sources(as_json: JsonOption = False, db: DbOption = None) -> None:
    """List the sources claims are credited to: canonical name, kind, aliases seen, claims, first
    and last date.

    Example: claimtrack sources
    """
    with open_store(db, create=False) as store:
        found = queries.list_sources(store)
    if as_json:
        _print_json([{"name": s.name, "kind": s.kind, "aliases": list(s.aliases), "claims": s.claims,
                      "first": s.first.isoformat() if s.first else None,
                      "last": s.last.isoformat() if s.last else None} for s in found])
        return
    console().print(browse.sources_table(found))


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words to find, in any language (matched as written, any case).")],
    limit: LimitOption = 20, as_json: JsonOption = False, db: DbOption = None,
) -> None:
    """Find stored articles containing TEXT, showing the sentence it appears in.

    Example: claimtrack search "وزارة الصحة"
    """
    if not text.strip():
        fail("search needs some text to find", 2)
    with open_store(db, create=False) as store:
        hits = queries.search(store, text, limit=limit or 1_000_000)
    if as_json:
        _print_json([{"article_id": h.article_id, "published": h.published.isoformat() if h.published else None,
                      "outlet": h.outlet, "title": h.title, "sentence": h.sentence} for h in hits])
        return
    console().print(browse.search_table(text, hits))
