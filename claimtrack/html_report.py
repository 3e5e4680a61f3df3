"""``claimtrack report``: series as one self-contained HTML page, built as a string.

The page works offline and from an e-mail attachment: no scripts, no fonts, no images, no
links to fetch; the style sheet is inline and the chart is inline SVG drawn here by hand
(a few lines, axes and labels need no library). Every piece of article text (sentences,
sources, outlets, places) is escaped with ``html.escape`` before it touches the page, so a
scraped article carrying markup shows that markup as text and never runs it. Cells holding
article text get ``dir="auto"``, so Arabic reads right to left inside an English page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from claimtrack.render.common import number, value_text
from claimtrack.report import Series, SeriesRowLike
from claimtrack.series_query import Quote

MAX_LINES = 8  # lines beyond this cannot be told apart
COLOURS = ("#c0392b", "#2471a3", "#1e8449", "#8e44ad", "#d68910", "#17a589", "#7f8c8d", "#a04000")
WIDTH, HEIGHT = 880, 340
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 45, 20, 40  # room for the tick labels
Y_TICKS = 5
X_TICKS = 6  # a tick every day when there are fewer than twice as many days

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.1em; margin-top: 2em; }
.filters { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 0.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: start; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
mark { background: #ffe08a; font-weight: bold; padding: 0 2px; }
.flag { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px; font-size: 0.85em; color: #fff;
        background: #c0392b; }
.review { background: #1e8449; } .review.disputed { background: #b9770e; } .review.wrong { background: #6c3483; }
.more { color: #666; font-size: 0.85em; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3em 1.5em; }
.swatch { display: inline-block; width: 1.2em; height: 0.35em; vertical-align: middle; margin-inline-end: 0.4em; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
"""


@dataclass(frozen=True)
class Page:
    """What the page is about: its metric and the filters that narrowed it, as the user gave them."""

    metric: str
    filters: tuple[tuple[str, str], ...] = ()
    generated: dt.date | None = None


def render(page: Page, series: Sequence[Series], quotes: Mapping[int, Quote]) -> str:
    """The whole HTML document: heading, chart, then a table per series."""
    rows = sum(len(s.rows) for s in series)
    appearances = sum(len(row.claim_ids) or 1 for s in series for row in s.rows)
    summary = (f"{len(series)} series, {rows} figures from {appearances} claims"
               if series else f"No {page.metric} figures stored for these filters.")
    filters = ", ".join(f"{name} {value}" for name, value in page.filters) or "all figures"
    generated = f" · generated {page.generated.isoformat()}" if page.generated else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>claimtrack · {escape(page.metric)}</title><style>{STYLE}</style></head>",
        "<body>",
        f"<h1>claimtrack · {escape(page.metric)}</h1>",
        f'<p class="filters" dir="auto">{escape(filters)} · {escape(summary)}{escape(generated)}</p>',
    ]
    if series:
        parts.append(chart(series))
        parts.extend(series_section(s, quotes) for s in series)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def chart(series: Sequence[Series]) -> str:
    """An inline SVG line chart of the dated figures, one coloured line per series, and its legend."""
    drawn = [s for s in series if any(row.date for row in s.rows)][:MAX_LINES]
    points = [(row.date, row.value) for s in drawn for row in s.rows if row.date is not None]
    if not points:
        return '<p class="more">No dated figures to chart.</p>'
    scale = _Scale([d for d, _ in points], [float(v) for _, v in points])
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" aria-label="Figures over time">',
           '<rect width="100%" height="100%" fill="#fff"/>', *scale.axes()]
    for index, s in enumerate(drawn):
        svg.append(_line(s, scale, COLOURS[index % len(COLOURS)]))
    svg.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch" style="background:{COLOURS[i % len(COLOURS)]}"></span>'
        f'<span dir="auto">{escape(s.title)}</span></li>' for i, s in enumerate(drawn))
    note = (f'<p class="more">{len(drawn)} of {len(series)} series charted (those with the most figures).</p>'
            if len(drawn) < len(series) else "")
    return f'<figure>{"".join(svg)}<ul class="legend">{legend}</ul>{note}</figure>'


class _Scale:
    """Maps dates and values into the plotting area of the SVG."""

    def __init__(self, dates: list[dt.date], values: list[float]) -> None:
        self.first, self.last = min(dates), max(dates)
        low, high = min(values), max(values)
        pad = (high - low) * 0.05 or max(abs(high) * 0.05, 1.0)
        self.low, self.high = max(0.0, low - pad) if low >= 0 else low - pad, high + pad

    def x(self, date: dt.date) -> float:
        span = (self.last - self.first).days or 1
        offset = (date - self.first).days if self.last != self.first else span / 2
        return MARGIN_LEFT + offset / span * (WIDTH - MARGIN_LEFT - MARGIN_RIGHT)

    def y(self, value: float) -> float:
        return HEIGHT - MARGIN_BOTTOM - (value - self.low) / (self.high - self.low) * (
            HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)

    def axes(self) -> list[str]:
        bottom, right = HEIGHT - MARGIN_BOTTOM, WIDTH - MARGIN_RIGHT
        out = [f'<line x1="{MARGIN_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#888"/>',
               f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" y2="{bottom}" stroke="#888"/>']
        for step in range(Y_TICKS + 1):
            value = self.low + (self.high - self.low) * step / Y_TICKS
            y = self.y(value)
            out.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{number(round(value))}</text>')
        days = (self.last - self.first).days
        steps = range(days + 1) if days < 2 * X_TICKS else [round(days * i / (X_TICKS - 1)) for i in range(X_TICKS)]
        ticks = [self.first + dt.timedelta(days=step) for step in steps]
        for date in ticks:
            x = self.x(date)
            out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="#888"/>')
            out.append(f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">{date.isoformat()}</text>')
        return out


def _line(series: Series, scale: _Scale, colour: str) -> str:
    dated = [row for row in series.rows if row.date is not None]
    path = " ".join(f"{scale.x(row.date):.1f},{scale.y(float(row.value)):.1f}" for row in dated if row.date)
    dots = "".join(
        f'<circle cx="{scale.x(row.date):.1f}" cy="{scale.y(float(row.value)):.1f}" r="3" fill="{colour}">'
        f"<title>{escape(_point_label(series, row))}</title></circle>"
        for row in dated if row.date)
    return (f'<g><title>{escape(series.title)}</title>'
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>{dots}</g>')


def _point_label(series: Series, row: SeriesRowLike) -> str:
    when = row.date.isoformat() if row.date else "undated"
    figure = value_text(row.value, row.value_max, row.qualifier)
    return f"{series.title}: {figure} on {when} ({row.source or 'no source'})"


def series_section(series: Series, quotes: Mapping[int, Quote]) -> str:
    """A heading and the diff table of one series, each figure in its sentence."""
    head = "".join(f"<th>{name}</th>" for name in
                   ("date", "value", "change", "%", "source", "printed by", "flags", "the figure in its sentence"))
    body = "".join(_table_row(row, quotes.get(row.claim_id)) for row in series.rows)
    return (f'<section><h2 dir="auto">{escape(series.title)}</h2>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>")


def _table_row(row: SeriesRowLike, quote: Quote | None) -> str:
    change = "" if row.change is None else ("+" if row.change > 0 else "") + number(row.change)
    pct = "" if row.change_pct is None else f"{row.change_pct:+.1f}%"
    source = row.source or "—"
    if row.via:
        source += " (via " + ", ".join(row.via) + ")"
    cells = [
        f'<td class="num">{row.date.isoformat() if row.date else "undated"}</td>',
        f'<td class="num">{escape(value_text(row.value, row.value_max, row.qualifier))}</td>',
        f'<td class="num">{escape(change)}</td>',
        f'<td class="num">{escape(pct)}</td>',
        f'<td dir="auto">{escape(source)}</td>',
        f"<td>{_printed_by(row)}</td>",
        f"<td>{_badges(row)}</td>",
        f'<td dir="auto">{highlighted(quote) if quote else ""}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _printed_by(row: SeriesRowLike) -> str:
    outlets = "<br>".join(f'<span dir="auto">{escape(outlet)}</span>' for outlet in row.outlets) or "—"
    count = row.article_count
    articles = f"article {row.article_id}" if count <= 1 else f"{count} articles, first {row.article_id}"
    return f'{outlets}<div class="more">{escape(articles)} · claim {row.claim_id}</div>'


def _badges(row: SeriesRowLike) -> str:
    flags = [f'<span class="flag">{escape(flag)}</span>' for flag in row.flags]
    marks = [*row.review, *(["corrected"] if row.corrected else [])]
    flags += [f'<span class="flag review {escape(mark)}">{escape(mark)}</span>' for mark in marks]
    return "".join(flags)


def highlighted(quote: Quote) -> str:
    """The sentence, escaped, with its figure marked."""
    s = quote.sentence
    start, end = max(0, quote.start), min(len(s), quote.end)
    return f"{escape(s[:start])}<mark>{escape(s[start:end])}</mark>{escape(s[end:])}"
