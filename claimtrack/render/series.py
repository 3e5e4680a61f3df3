"""What ``diff`` prints: one table per series."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from claimtrack.render.common import number, value_text
from claimtrack.report import Series, SeriesRowLike

REVIEW_STYLES = {"verified": "green", "disputed": "yellow", "wrong": "bold magenta", "corrected": "cyan"}


def series_table(series: Series) -> Table:
    table = Table(title=series.title, title_justify="left")
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
        table.add_row(row.date.isoformat() if row.date else "undated",
                      value_text(row.value, row.value_max, row.qualifier), change, pct, source,
                      _with_more(row.outlet or "", row.outlet_count),
                      _with_more(str(row.article_id), row.article_count), str(row.claim_id), flags_text(row))
    return table


def flags_text(row: SeriesRowLike) -> Text:
    """The row's flags in red, then its review marks ('verified', 'corrected'...) in their colours."""
    text = Text(", ".join(row.flags), style="bold red")
    marks = [*row.review, *(["corrected"] if row.corrected else [])]
    for mark in marks:
        text.append(", " if text else "")
        text.append(mark, style=REVIEW_STYLES.get(mark, ""))
    return text


def _with_more(first: str, count: int) -> str:
    """The first of ``count`` appearances, and how many more there are: 'Meridian Wire (+2)'."""
    return first if count <= 1 else f"{first} (+{count - 1})"


def print_series(con: Console, series: Sequence[Series]) -> None:
    for s in series:
        con.print(series_table(s))
