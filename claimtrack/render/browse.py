"""What the browsing commands print: claim lists, one claim in full, articles, sources, search hits."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimtrack.queries import ArticleSummary, ClaimRecord, SearchHit, SourceSummary
from claimtrack.render.common import number, value_text
from claimtrack.reviews import ReviewEntry
from claimtrack.text import arabic_share

STATUS_STYLES = {"verified": "bold green", "disputed": "bold yellow", "wrong": "bold red"}


def _columns(table: Table, names: Sequence[str], right: AbstractSet[str] = frozenset(),
             no_wrap: AbstractSet[str] = frozenset()) -> None:
    for name in names:
        table.add_column(name, justify="right" if name in right else "left", no_wrap=name in no_wrap,
                         overflow="fold")


def source_chain(source: str | None, via: Sequence[str]) -> str:
    """"Israeli television (via Reuters)": the original source, then the relays outermost first."""
    return (source or "—") + (" (via " + ", ".join(via) + ")" if via else "")


def review_mark(claim: ClaimRecord) -> Text:
    """The review state as a list column shows it: the status, and which fields were corrected."""
    parts = [claim.review_status] if claim.review_status else []
    if claim.reviewed_fields:
        parts.append("corrected " + ", ".join(claim.reviewed_fields))
    return Text("; ".join(parts), style=STATUS_STYLES.get(claim.review_status or "", "yellow"))


def claims_table(claims: Sequence[ClaimRecord], total: int) -> Table:
    shown = f"{len(claims)} of {total}" if len(claims) < total else str(total)
    table = Table(title=f"{shown} claim{'s' if total != 1 else ''}", title_justify="left")
    _columns(table, ("id", "date", "metric", "value", "who / where", "period", "source", "outlet", "review"),
             right={"id", "value"}, no_wrap={"id", "date", "value"})
    for c in claims:
        table.add_row(str(c.claim_id), c.date.isoformat() if c.date else "undated", c.metric,
                      value_text(c.value, c.value_max, c.qualifier),
                      " / ".join(x for x in (c.subject, c.location) if x), c.period or "",
                      source_chain(c.source, c.via), c.outlet or "", review_mark(c))
    return table


def highlighted_sentence(claim: ClaimRecord) -> Text:
    """The whole sentence with the figure highlighted; Arabic sentences are set right-aligned so a
    terminal that lays out right-to-left text shows them as they read."""
    lo = max(0, claim.start - claim.sentence_start)
    hi = min(len(claim.sentence), claim.end - claim.sentence_start)
    out = Text(claim.sentence[:lo])
    out.append(claim.sentence[lo:hi], style="bold reverse")
    out.append(claim.sentence[hi:])
    if arabic_share(claim.sentence) > 0.5:
        out.justify = "right"
    return out


def claim_panel(claim: ClaimRecord, trail: Sequence[ReviewEntry], repeats: Sequence[ClaimRecord]) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    read = claim.extracted
    value = value_text(claim.value, claim.value_max, claim.qualifier)
    if claim.reviewed_fields:
        value += f"   (read as {read.metric} {number(read.value)} from {read.source or '—'})"
    date_known = {"given": "given when added", "stated": "stated in the article",
                  "inferred": "inferred from the text"}.get(claim.date_source or "", "unknown")
    rows = (
        ("metric", claim.metric), ("value", value), ("qualifier", claim.qualifier),
        ("who / where", " / ".join(x for x in (claim.subject, claim.location) if x) or "—"),
        ("period", claim.period or "—"), ("as of", claim.as_of.isoformat() if claim.as_of else "—"),
        ("source", source_chain(claim.source, claim.via) + (f"  [{claim.source_kind}]" if claim.source_kind else "")),
        ("rule", f"{claim.rule} (confidence {claim.confidence:.2f})"),
        ("cues", "; ".join(f"{what}: {words}" for what, words in claim.cues) or "—"),
        ("flags", ", ".join(claim.flags) or "—"),
        ("review", review_mark(claim).plain or "not reviewed"),
        ("article", f"{claim.article_id} · {claim.title or 'untitled'}"),
        ("outlet", claim.outlet or "unknown"), ("url", claim.url or "—"),
        ("published", f"{claim.published.isoformat() if claim.published else 'undated'} ({date_known})"),
        ("file", f"{claim.file_path} · characters {claim.start}–{claim.end}"),
    )
    for label, shown in rows:
        facts.add_row(label, Text(shown))
    parts: list[Table | Text | Panel] = [Panel(highlighted_sentence(claim), title=f"claim {claim.claim_id}",
                                               title_align="left"), facts]
    others = [r for r in repeats if r.claim_id != claim.claim_id]
    if others:
        parts.append(_repeats_table(others))
    if trail:
        parts.append(review_table(trail))
    return Group(*parts)


def _repeats_table(repeats: Sequence[ClaimRecord]) -> Table:
    outlets = {r.outlet for r in repeats}
    table = Table(title=f"the same figure also appears in {len(repeats)} other claim"
                  f"{'s' if len(repeats) != 1 else ''} ({len(outlets)} outlet{'s' if len(outlets) != 1 else ''})",
                  title_justify="left")
    for name in ("claim", "article", "outlet", "published"):
        table.add_column(name, overflow="fold")
    for r in repeats:
        published = r.published.isoformat() if r.published else ""
        table.add_row(str(r.claim_id), str(r.article_id), r.outlet or "", published)
    return table


def review_table(trail: Sequence[ReviewEntry]) -> Table:
    table = Table(title="review history", title_justify="left")
    for name in ("when (UTC)", "by", "field", "old", "new", "note"):
        table.add_column(name, overflow="fold")
    for e in trail:
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M"), e.reviewer, e.field, e.old or "", e.new or "", e.note or "")
    return table


def articles_table(articles: Sequence[ArticleSummary], total: int) -> Table:
    shown = f"{len(articles)} of {total}" if len(articles) < total else str(total)
    table = Table(title=f"{shown} article{'s' if total != 1 else ''}", title_justify="left")
    _columns(table, ("id", "published", "outlet", "title", "lang", "claims", "file"),
             right={"id", "claims"}, no_wrap={"id", "published"})
    for a in articles:
        date = a.published.isoformat() if a.published else "undated"
        if a.date_source == "inferred":
            date += "?"
        table.add_row(str(a.article_id), date, a.outlet or "", a.title or "", a.lang, str(a.claims), a.file_path)
    return table


def sources_table(sources: Sequence[SourceSummary]) -> Table:
    table = Table(title=f"{len(sources)} source{'s' if len(sources) != 1 else ''}", title_justify="left")
    _columns(table, ("source", "kind", "claims", "first", "last", "aliases seen"), right={"claims"})
    for s in sources:
        table.add_row(s.name, s.kind, str(s.claims), s.first.isoformat() if s.first else "",
                      s.last.isoformat() if s.last else "", ", ".join(s.aliases))
    return table


def search_table(query: str, hits: Sequence[SearchHit]) -> Table:
    table = Table(title=f"{len(hits)} article{'s' if len(hits) != 1 else ''} containing {query!r}",
                  title_justify="left")
    for name in ("article", "published", "outlet", "title", "sentence"):
        table.add_column(name, overflow="fold", ratio=3 if name == "sentence" else None)
    for h in hits:
        sentence = Text(h.sentence[:h.match_start])
        sentence.append(h.sentence[h.match_start:h.match_end], style="bold reverse")
        sentence.append(h.sentence[h.match_end:])
        table.add_row(str(h.article_id), h.published.isoformat() if h.published else "", h.outlet or "",
                      h.title or "", sentence)
    return table


def print_review(con: Console, claim: ClaimRecord, added: Sequence[ReviewEntry]) -> None:
    """What ``review`` recorded, then the claim as reports now read it."""
    con.print(review_table(added))
    con.print(Text(f"claim {claim.claim_id} now reads: {claim.metric} "
                   f"{value_text(claim.value, claim.value_max, claim.qualifier)} · "
                   f"{source_chain(claim.source, claim.via)} · {review_mark(claim).plain or 'not reviewed'}"),
              soft_wrap=True)
