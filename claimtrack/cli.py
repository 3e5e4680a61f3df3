"""The ``claimtrack`` command: parse options, call the library, hand results to render.

Every failure a user can cause (a missing file, a bad date, a database that cannot be
opened, an unknown metric) ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from claimtrack import __version__, render
from claimtrack.decode import InputError
from claimtrack.extract import extract_file
from claimtrack.lexicon import LexiconError
from claimtrack.records import METRICS
from claimtrack.report import build_series, series_to_json
from claimtrack.store import AddResult, Store, StoreError

ARTICLE_SUFFIXES = (".txt", ".md")

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


def _article_files(paths: list[Path]) -> Iterator[tuple[Path, str | None]]:
    """Each file to add, or (path, reason) for a path that cannot be read at all."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                           and not p.name.upper().startswith("README"))  # a folder's own notes
            if not found:
                yield path, f"no {', '.join(ARTICLE_SUFFIXES)} files in this directory"
            yield from ((p, None) for p in found)
        elif not path.exists():
            yield path, "no such file"
        else:
            yield path, None


@app.command()
def add(
    paths: Annotated[list[Path], typer.Argument(help="Article files or directories of them.")],
    db: DbOption = None,
    date: Annotated[str | None, typer.Option("--date", help="Publication date of each file's first article, "
                                             "YYYY-MM-DD (else read from the text).")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Outlet name, overriding the text.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Address the article was saved from.")] = None,
    lang: LangOption = "auto",
    encoding: Annotated[str | None, typer.Option("--encoding", help="Force a text encoding.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")] = False,
) -> None:
    """Store articles and their claims, and show what was found.

    Each file is stored in one transaction: all of its articles and claims, or nothing.
    The same article text added twice is stored once.

    Example: claimtrack add examples/ && claimtrack diff --metric killed
    """
    published = _date(date)
    language = _lang(lang)
    con = render.console()
    results: list[tuple[str, AddResult]] = []
    refused: list[tuple[str, str]] = []
    try:
        store = Store.open(db)
    except StoreError as exc:
        fail(str(exc))
    with store:
        for path, problem in _article_files(paths):
            if problem is not None:
                refused.append((str(path), problem))
                continue
            try:
                extraction = extract_file(path, published=published, lang=language, outlet=outlet, url=url,
                                          encoding=encoding)
                result = store.add(extraction, str(path))
            except InputError as exc:
                refused.append((str(path), str(exc)))
                continue
            except StoreError as exc:
                fail(str(exc))
            results.append((str(path), result))
            if not quiet:
                if result.articles_added == 0:
                    con.print(f"{path}: already stored", markup=False)
                else:
                    render.print_extraction(con, str(path), extraction.articles, extraction.claims)
    render.print_add_summary(con, results, refused)
    if refused:
        raise typer.Exit(1)


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
        fail(str(exc))
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
