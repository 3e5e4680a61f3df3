"""``claimtrack extract``: one file's claims, without a database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from claimtrack.cli.common import LangOption, app, fail, parse_date, parse_lang
from claimtrack.decode import InputError
from claimtrack.extract import extract_file
from claimtrack.lexicon import LexiconError
from claimtrack.render import common as render_common
from claimtrack.render import extraction as render_extraction


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
    published = parse_date(date)
    language = parse_lang(lang)
    try:
        result = extract_file(file, published=published, lang=language, encoding=encoding)
    except InputError as exc:
        fail(f"{file}: {exc}")
    except LexiconError as exc:
        fail(f"lexicon error: {exc}")
    if as_json:
        sys.stdout.write(render_common.json_array(c.to_json() for c in result.claims))
        return
    render_extraction.print_extraction(render_common.console(), str(file), result.articles, result.claims, explain)
