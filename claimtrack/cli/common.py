"""What every command shares: the typer app, common options, and failing in one line.

Every failure a user can cause (a missing file, a bad date, a database that cannot be
opened, an unknown metric) ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from claimtrack import __version__, compiled

if TYPE_CHECKING:  # (loaded by the commands that open a database, not by ``extract``)
    from claimtrack.store import Store

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


def parse_date(value: str | None, option: str = "--date") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}", 2)


def parse_lang(value: str) -> str | None:
    if value not in ("ar", "en", "auto"):
        fail(f"--lang must be ar, en or auto, not {value!r}", 2)
    return None if value == "auto" else value


def _version(value: bool) -> None:
    if value:
        build = "compiled extraction" if compiled() else "pure-Python extraction"
        typer.echo(f"claimtrack {__version__} ({build})")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """claimtrack: figures in war and disaster reporting, with who said them and when."""


def open_store(db: str | None, create: bool = True) -> Store:
    """The database ``--db`` names; a reading command on a missing file says to add articles first."""
    from claimtrack.store import Store, StoreError

    try:
        return Store.open(db, create=create)
    except StoreError as exc:
        if not create and "no such file" in str(exc):
            fail(f"{exc} (store articles first: claimtrack add FILE...)")
        fail(str(exc))




def write_whole(path: Path, body: str) -> None:
    """Write ``body`` to ``path`` through a temporary file, so a failure never leaves half a file."""
    if path.is_dir():
        fail(f"cannot write {path}: it is a directory")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(body)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        fail(f"cannot write {path}: {exc.strerror or exc}")
