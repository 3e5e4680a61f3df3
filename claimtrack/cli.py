"""The ``claimtrack`` command: parse options, call the library, hand results to render.

Every failure a user can cause (a missing file, a bad date, a database that cannot be
opened, an unknown metric) ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, BinaryIO, NoReturn

import typer

from claimtrack import __version__, ingest, render
from claimtrack.decode import InputError
from claimtrack.extract import extract_file, extract_text
from claimtrack.lexicon import LexiconError
from claimtrack.records import METRICS, Extraction
from claimtrack.report import build_series, series_to_json
from claimtrack.store import AddResult, Store, StoreError

app = typer.Typer(
    name="claimtrack",
    help="Track the figures that news articles report (killed, wounded, hostages, displaced...), "
    "who they are credited to, and how they move over time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database file or SQLAlchemy URL [default: $CLAIMTRACK_DB, else ./claimtrack.db]",
                 show_default=False),
]
LangOption = Annotated[str, typer.Option("--lang", help="Article language: ar, en or auto.")]


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr (never wrapped, whatever the terminal width) and a non-zero exit."""
    typer.echo(f"claimtrack: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


def _date(value: str | None, option: str = "--date") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}", 2)


def _lang(value: str) -> str | None:
    if value not in ("ar", "en", "auto"):
        fail(f"--lang must be ar, en or auto, not {value!r}", 2)
    return None if value == "auto" else value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimtrack {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """claimtrack: figures in war and disaster reporting, with who said them and when."""


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A saved article (text file, UTF-8, UTF-16 or Windows-1256).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the claims as a JSON array (see CLAIMS.md).")] = False,
    date: Annotated[str | None, typer.Option("--date", help="Publication date of the first article, "
                                             "YYYY-MM-DD.")] = None,
    lang: LangOption = "auto",
    explain: Annotated[bool, typer.Option("--explain", help="Show the rule and cue words behind each claim.")] = False,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Force a text encoding.")] = None,
) -> None:
    """Extract the claims of one article file, without a database.

    Example: claimtrack extract article.txt --date 2023-10-10 --json
    """
    published = _date(date)
    language = _lang(lang)
    try:
        result = extract_file(file, published=published, lang=language, encoding=encoding)
    except InputError as exc:
        fail(f"{file}: {exc}")
    except LexiconError as exc:
        fail(f"lexicon error: {exc}")
    if as_json:
        sys.stdout.write(json.dumps([c.to_json() for c in result.claims], ensure_ascii=False, indent=1) + "\n")
        return
    render.print_extraction(render.console(), str(file), result.articles, result.claims, explain)


PROGRESS_AFTER = 3  # more files than this get a progress bar


@app.command()
def add(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH",
        help="Article files (.txt, .md, .html, .htm, .jsonl), directories of them, glob patterns, or - for stdin.")],
    db: DbOption = None,
    date: Annotated[str | None, typer.Option("--date", help="Publication date of each file's first article, "
                                             "YYYY-MM-DD (else read from the page or text).")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Outlet name, overriding the page and text.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Address the article was saved from.")] = None,
    lang: LangOption = "auto",
    encoding: Annotated[str | None, typer.Option("--encoding", help="Force a text encoding.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")] = False,
) -> None:
    """Store articles and their claims, and show what was found.

    Directories are searched recursively. HTML pages give their main text, title, date and site name.

    Each line of a .jsonl file ({"text", "url", "outlet", "published", "title"}) is an article of its own.

    Each file (or line) is stored in one transaction: all of its articles and claims, or nothing.
    The same article text added twice is stored once.

    A file or line that cannot be read is listed at the end and makes the exit code 1; the others are still stored.

    Example: claimtrack add examples/ 'saved/*.html' && claimtrack diff --metric killed
    """
    extract = partial(extract_text, published=_date(date), lang=_lang(lang), outlet=outlet)
    con = render.console()
    sources = ingest.expand(paths)
    try:
        store = Store.open(db)
    except StoreError as exc:
        fail(str(exc))
    batch = _Batch(store, extract, url, encoding, show=None if quiet else partial(render.print_stored, con))
    with store, render.progress(con, len(sources), enabled=len(sources) > PROGRESS_AFTER) as step:
        for source in sources:
            step(source.label)
            batch.add(source)
    render.print_add_summary(con, batch.results, batch.refused, batch.files_read)
    if batch.refused:
        raise typer.Exit(1)


class _Batch:
    """The documents of an ``add``, stored one by one; what was stored and what was refused."""

    def __init__(self, store: Store, extract: Callable[..., Extraction], url: str | None, encoding: str | None,
                 show: Callable[[str, Extraction, AddResult], None] | None) -> None:
        self.store, self.extract, self.show = store, extract, show
        self.url, self.encoding = url, encoding
        self.results: list[tuple[str, AddResult]] = []
        self.refused: list[tuple[str, str]] = []
        self.files_read = 0

    def add(self, source: ingest.Source | ingest.Refusal) -> None:
        items = [source] if isinstance(source, ingest.Refusal) else ingest.read(source, self.encoding, _stdin())
        stored = [self._store(item) for item in items]
        self.files_read += any(stored)

    def _store(self, item: ingest.Document | ingest.Refusal) -> bool:
        if isinstance(item, ingest.Refusal):
            self.refused.append((item.label, item.reason))
            return False
        try:
            extraction = self.extract(item.text, url=self.url or item.url, encoding=item.encoding, page=item.page())
            result = self.store.add(extraction, item.label)
        except LexiconError as exc:
            fail(f"lexicon error: {exc}")
        except StoreError as exc:  # this document only: the next one may well be stored
            self.refused.append((item.label, str(exc)))
            return False
        self.results.append((item.label, result))
        if self.show is not None:
            self.show(item.label, extraction, result)
        return True


def _stdin() -> BinaryIO | None:
    """Standard input as bytes (decoded like a file), or None when the process has none."""
    return getattr(sys.stdin, "buffer", None)


@app.command()
def diff(
    metric: Annotated[str, typer.Option("--metric", "-m", help=f"One of: {', '.join(METRICS)}.")],
    db: DbOption = None,
    location: Annotated[str | None, typer.Option("--location", help="Only this place (e.g. Gaza).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only figures credited to this source.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the series as JSON.")] = False,
) -> None:
    """How the figures of one metric moved: each series in date order, with the change.

    A series is one metric for one place and subject; running totals are kept apart from
    daily or per-incident figures. Flags mark a running total that drops and sources that
    disagree on the same date.

    Example: claimtrack diff --metric killed --location Gaza
    """
    if metric not in METRICS:
        fail(f"unknown metric {metric!r}; the metrics are: {', '.join(METRICS)}", 2)
    try:
        store = Store.open(db, create=False)
    except StoreError as exc:
        fail(f"{exc} (store articles first: claimtrack add FILE...)" if "no such file" in str(exc) else str(exc))
    with store:
        series = build_series(store.claims(metric=metric, location=location, source=source))
    if as_json:
        sys.stdout.write(json.dumps(series_to_json(series), ensure_ascii=False, indent=1) + "\n")
        return
    con = render.console()
    if not series:
        con.print(f"No {metric} figures stored" + (" for these filters." if location or source else "."))
        return
    render.print_series(con, series)


def main() -> None:
    """Console entry point."""
    app()
