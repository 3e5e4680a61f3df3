"""What ``diff`` prints: one table per series."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from claimtrack.render.common import number, value_text
from claimtrack.report import Series


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
