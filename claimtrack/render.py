"""Terminal output: the one module that imports rich."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimtrack.records import Article, Claim
from claimtrack.report import Series
from claimtrack.store import AddResult

QUALIFIER_WORDS = {
    "exact": "", "at_least": "≥ ", "more_than": "> ", "approx": "~ ", "at_most": "≤ ", "less_than": "< ",
    "range": "", "vague": "",
}
CONTEXT_CHARS = 48


PIPE_WIDTH = 120  # columns when output goes to a file or pipe and $COLUMNS says nothing


def console(stderr: bool = False) -> Console:
    con = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not con.is_terminal and "COLUMNS" not in os.environ:
        con = Console(stderr=stderr, highlight=False, soft_wrap=False, width=PIPE_WIDTH)
    return con


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def value_text(value: int | float, value_max: int | float | None, qualifier: str) -> str:
    """A figure with its qualifier, as a fact-checker reads it: "≥ 687", "200–999 (vague)"."""
    if value_max is not None:
        return f"{number(value)}–{number(value_max)}" + (" (vague)" if qualifier == "vague" else "")
    return QUALIFIER_WORDS.get(qualifier, "") + number(value)


def in_context(claim: Claim) -> Text:
    """The figure highlighted inside a window of its sentence."""
    rel_start = claim.start - claim.sentence_start
    rel_end = claim.end - claim.sentence_start
    s = claim.sentence
    lo = max(0, rel_start - CONTEXT_CHARS)
    hi = min(len(s), rel_end + CONTEXT_CHARS)
    out = Text("…" if lo > 0 else "")
    out.append(s[lo:rel_start])
    out.append(s[rel_start:rel_end], style="bold reverse")
    out.append(s[rel_end:hi])
    if hi < len(s):
        out.append("…")
    return out


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


def print_add_summary(con: Console, results: Sequence[tuple[str, AddResult]],
                      refused: Sequence[tuple[str, str]]) -> None:
    added = sum(r.articles_added for _, r in results)
    stored = sum(r.articles_already_stored for _, r in results)
    claims = sum(r.claims_added for _, r in results)
    line = (f"{len(results)} file{'s' if len(results) != 1 else ''} read: {added} article"
            f"{'s' if added != 1 else ''} added, {stored} already stored, {claims} claim"
            f"{'s' if claims != 1 else ''} stored")
    if refused:
        line += f", {len(refused)} refused"
    con.print(Text(line, style="bold"))
    for path, reason in refused:
        con.print(Text(f"  refused {path}: {reason}", style="red"))


def series_table(series: Series) -> Table:
    name = " · ".join(x for x in (series.metric, series.location or "anywhere", series.subject or "anyone",
                                  series.period) if x)
    table = Table(title=name, title_justify="left")
    for col, justify in (("date", "left"), ("value", "right"), ("change", "right"), ("%", "right"),
                         ("source", "left"), ("outlet", "left"), ("art.", "right"), ("claim", "right"),
                         ("flags", "left")):
        table.add_column(col, justify=justify, no_wrap=col in ("date", "value", "change", "%"),  # type: ignore[arg-type]
                         overflow="fold")
    for row in series.rows:
        change = "" if row.change is None else ("+" if row.change > 0 else "") + number(row.change)
        pct = "" if row.change_pct is None else f"{row.change_pct:+.1f}%"
        source = row.source or "—"
        if row.via:
            source += " (via " + ", ".join(row.via) + ")"
        flags = Text(", ".join(row.flags), style="bold red") if row.flags else Text("")
        table.add_row(row.date.isoformat() if row.date else "undated",
                      value_text(row.value, row.value_max, row.qualifier), change, pct, source,
                      row.outlet or "", str(row.article_id), str(row.claim_id), flags)
    return table


def print_series(con: Console, series: Sequence[Series]) -> None:
    for s in series:
        con.print(series_table(s))
