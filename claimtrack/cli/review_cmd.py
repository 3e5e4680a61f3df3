"""``claimtrack review``: a fact-checker's verdict and corrections on one claim."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack import queries
from claimtrack.cli.common import DbOption, app, fail, open_store
from claimtrack.render import browse
from claimtrack.render.common import console
from claimtrack.reviews import STATUSES, Correction, ReviewError, review, reviewer_name


@app.command(name="review")
def review_claim(
    claim_id: Annotated[int, typer.Argument(help="The claim to review (see claims, diff, show).")],
    status: Annotated[str | None, typer.Option("--status", help=f"Verdict: {', '.join(STATUSES)}.")] = None,
    value: Annotated[int | None, typer.Option("--value", help="The correct figure, when it was misread.")] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="The correct metric.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="The correct source (name or alias).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why: kept with the review.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Reviewer name [default: the system user].")] = None,
    db: DbOption = None,
) -> None:
    """Record a verdict or correction on a claim; what the extractor read is kept, and every
    change is kept in the claim's review history (who, when, old, new, note).

    Example: claimtrack review 12 --status disputed --note "ministry revised it the next day"

    Example: claimtrack review 31 --value 150 --status verified --by "R. Haddad"
    """
    correction = Correction(status=status, value=value, metric=metric, source=source, note=note)
    with open_store(db, create=False) as store:
        try:
            added = review(store, claim_id, correction, reviewer_name(by))
        except ReviewError as exc:
            fail(str(exc), 2 if "unknown" in str(exc) or "nothing to review" in str(exc) else 1)
        claim = queries.get_claim(store, claim_id)
    assert claim is not None
    browse.print_review(console(), claim, added)
