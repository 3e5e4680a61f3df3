"""Terminal output: the one module that imports rich."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO

from rich.console import Console, JustifyMethod
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from claimtrack.records import Article, Claim, Extraction
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


def print_stored(con: Console, label: str, extraction: Extraction, result: AddResult) -> None:
    """What one added document gave, as ``add`` reports it while it goes."""
    if result.articles_added == 0:
        con.print(f"{label}: already stored", markup=False)
    else:
        print_extraction(con, label, extraction.articles, extraction.claims)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def print_add_summary(con: Console, results: Sequence[tuple[str, AddResult]],
                      refused: Sequence[tuple[str, str]], files: int | None = None) -> None:
    """One line of totals, then each refused file or line with its reason.

    ``files`` counts the files read when it differs from the documents stored (a JSON Lines
    file holds many).
    """
    added = sum(r.articles_added for _, r in results)
    stored = sum(r.articles_already_stored for _, r in results)
    claims = sum(r.claims_added for _, r in results)
    read = _plural(len(results), "file")
    if files is not None and files != len(results):
        read = f"{_plural(files, 'file')} ({_plural(len(results), 'document')})"
    line = f"{read} read: {_plural(added, 'article')} added, {stored} already stored, {_plural(claims, 'claim')} stored"
    if refused:
        line += f", {len(refused)} refused"
    # Never wrapped, so each refusal stays one line to grep in a log.
    con.print(Text(line, style="bold"), soft_wrap=True)
    for path, reason in refused:
        con.print(Text(f"  refused {path}: {reason}", style="red"), soft_wrap=True)


@contextmanager
def progress(out: Console, total: int, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A transient progress bar on stderr; call the yielded ``step(label)`` as each file starts.

    Drawn only when stderr is a terminal. What is printed to ``out`` meanwhile goes above the bar
    when stdout is that terminal too; stdout sent to a file or pipe is left untouched.
    """
    if not enabled:
        yield lambda _label: None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=console(stderr=True), transient=True, redirect_stdout=_is_tty(out.file),
                   redirect_stderr=False)
    task = bar.add_task("", total=total)
    done = -1

    def step(label: str) -> None:
        nonlocal done
        done += 1
        bar.update(task, completed=done, description=PurePath(label).name or label)

    with bar:
        yield step


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False


def series_table(series: Series) -> Table:
    name = " · ".join(x for x in (series.metric, series.location or "anywhere", series.subject or "anyone",
                                  series.period) if x)
    table = Table(title=name, title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("date", "left"), ("value", "right"), ("change", "right"), ("%", "right"), ("source", "left"),
        ("outlet", "left"), ("art.", "right"), ("claim", "right"), ("flags", "left"))
    for col, justify in columns:
        table.add_column(col, justify=justify, no_wrap=col in ("date", "value", "change", "%"), overflow="fold")
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
