"""What ``extract`` and ``add`` print: each article's claims, and the totals of an add."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimtrack.records import Article, Claim, Extraction
from claimtrack.render.common import in_context, value_text

if TYPE_CHECKING:  # (the database code is not loaded to print an extraction)
    from claimtrack.reextract import Reread
    from claimtrack.store import AddResult, AddTotals


def claims_table(claims: Sequence[Claim], title: str, explain: bool = False) -> Table:
    table = Table(title=title, title_justify="left", show_lines=explain)
    table.add_column("metric", style="cyan", no_wrap=True, min_width=6)
    table.add_column("value", justify="right", no_wrap=True, min_width=5)
    table.add_column("who / where", overflow="fold")
    table.add_column("period", overflow="fold")
    table.add_column("as of", overflow="fold")
    table.add_column("source", overflow="fold")
    table.add_column("the figure in its sentence", ratio=3, overflow="fold")
    if explain:
        table.add_column("why (rule and cues)")
    for c in claims:
        who = " / ".join(x for x in (c.subject, c.location) if x)
        source = c.source or "—"
        if c.via:
            source += " (via " + ", ".join(c.via) + ")"
        row: list[str | Text] = [c.metric, value_text(c.value, c.value_max, c.qualifier), who, c.period,
                                 c.as_of.isoformat() if c.as_of else "", source, in_context(c)]
        if explain:
            why = [c.rule] + [f"{what}: {words}" for what, words in c.cues]
            row.append("\n".join(why))
        table.add_row(*row)
    return table


def print_extraction(con: Console, path: str, articles: Sequence[Article], claims: Sequence[Claim],
                     explain: bool = False) -> None:
    for article in articles:
        mine = [c for c in claims if c.article == article.index]
        date = article.published.isoformat() if article.published else "undated"
        outlet = article.outlet or "outlet unknown"
        heading = f"{path} · article {article.index + 1} of {len(articles)} · {outlet} · {date}"
        heading += f" · {len(mine)} claim{'s' if len(mine) != 1 else ''}"
        if article.title:
            heading += f"\n{article.title}"
        if mine:
            con.print(claims_table(mine, heading, explain))
        else:
            con.print(Text(heading + "\n(no claims)", style="dim"))


def print_stored(con: Console, label: str, extraction: Extraction, result: AddResult) -> None:
    """What one added document gave, as ``add`` reports it while it goes."""
    if result.articles_added == 0:
        con.print(f"{label}: already stored", markup=False)
    else:
        print_extraction(con, label, extraction.articles, extraction.claims)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def print_add_summary(con: Console, totals: AddTotals, refused: Sequence[tuple[str, str]],
                      files: int | None = None) -> None:
    """One line of totals, then each refused file or line with its reason.

    ``files`` counts the files read when it differs from the documents stored (a JSON Lines
    file holds many).
    """
    read = _plural(totals.documents, "file")
    if files is not None and files != totals.documents:
        read = f"{_plural(files, 'file')} ({_plural(totals.documents, 'document')})"
    line = (f"{read} read: {_plural(totals.articles_added, 'article')} added, {totals.articles_already_stored} "
            f"already stored, {_plural(totals.claims_added, 'claim')} stored")
    if refused:
        line += f", {len(refused)} refused"
    # Never wrapped, so each refusal stays one line to grep in a log.
    con.print(Text(line, style="bold"), soft_wrap=True)
    for path, reason in refused:
        con.print(Text(f"  refused {path}: {reason}", style="red"), soft_wrap=True)


def print_reextract_summary(con: Console, done: Sequence[Reread]) -> None:
    """Totals of a ``reextract``, then each file whose articles could not all be read again."""
    articles = sum(r.articles for r in done)
    line = (f"{_plural(len(done), 'file')} ({_plural(articles, 'article')}) read again: "
            f"{sum(r.updated for r in done)} claims kept, {sum(r.added for r in done)} added, "
            f"{sum(r.removed for r in done)} removed")
    kept = sum(r.kept_reviewed for r in done)
    if kept:
        line += f", {kept} reviewed claim{'s' if kept != 1 else ''} no longer read kept (flag not-read-again)"
    con.print(Text(line, style="bold"), soft_wrap=True)
    for r in done:
        if r.skipped_articles:
            con.print(Text(f"  {r.path}: {_plural(r.skipped_articles, 'article')} now split differently, "
                           f"left as stored", style="yellow"), soft_wrap=True)
