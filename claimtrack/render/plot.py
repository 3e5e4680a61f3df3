"""``diff --plot``: the series as lines in the terminal, drawn with plotext."""

from __future__ import annotations

from collections.abc import Sequence

import plotext
from rich.console import Console
from rich.text import Text

from claimtrack.report import Series

MAX_LINES = 8  # more lines than this cannot be told apart in a terminal
HEIGHT = 24
DATE_FORM = "Y-m-d"
COLOURS = ("red", "blue", "green", "magenta", "cyan", "orange", "yellow", "gray")
MARKERS = ("•", "x", "+", "o", "*", "#", "@", "%")  # tell the lines apart where there is no colour


def plotted(series: Sequence[Series]) -> list[Series]:
    """The series worth a line: those with at least one dated row, most rows first, at most MAX_LINES."""
    return [s for s in series if any(row.date for row in s.rows)][:MAX_LINES]


def labels(series: Sequence[Series]) -> list[str]:
    """Each series named by what sets it apart from the others drawn (all of its name when alone)."""
    parts = [s.title.split(" · ") for s in series]
    varying = [i for i in range(len(parts[0])) if len({tuple(p[i:i + 1]) for p in parts}) > 1] if parts else []
    if not varying:
        return [s.title for s in series]
    return [" · ".join(p[i] for i in varying if i < len(p)) for p in parts]


def chart(series: Sequence[Series], width: int, height: int = HEIGHT, colour: bool = False) -> str:
    """The chart as text: dates along the bottom, one labelled line per series.

    In colour each line has its own colour; without, its own marker character. A series with
    several figures on one date is drawn through each of them in turn, so sources that disagree
    show as a zigzag (split them with --by source).
    """
    plotext.clear_figure()
    plotext.date_form(DATE_FORM)
    plotext.plotsize(width, height)
    plotext.theme("clear")
    for index, (s, label) in enumerate(zip(series, labels(series), strict=True)):
        dated = [row for row in s.rows if row.date is not None]
        dates = [row.date.isoformat() for row in dated if row.date is not None]
        values = [float(row.value) for row in dated]
        if colour:
            plotext.plot(dates, values, label=label, marker="braille", color=COLOURS[index % len(COLOURS)])
        else:
            plotext.plot(dates, values, label=label, marker=MARKERS[index % len(MARKERS)])
    plotext.xlabel("date")
    plotext.ylabel(series[0].metric if series else "")
    text: str = plotext.build()
    plotext.clear_figure()
    return text


def print_plot(con: Console, series: Sequence[Series]) -> None:
    drawn = plotted(series)
    if not drawn:
        con.print("No dated figures to plot.")
        return
    title = " · ".join(p for p in drawn[0].title.split(" · ") if all(p in s.title.split(" · ") for s in drawn))
    con.print(Text(title, style="bold"))
    colour = con.is_terminal and con.color_system is not None
    con.print(Text.from_ansi(chart(drawn, width=con.width, colour=colour)), soft_wrap=True)
    if len(drawn) < len(series):
        con.print(f"{len(drawn)} of {len(series)} series drawn (those with the most figures); "
                  "narrow them with --location, --subject, --period or --source.", style="dim")
