"""``claimtrack db check``, ``db migrate`` and ``db regroup``: look after the database itself."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from claimtrack import figures
from claimtrack.checks import Check, run_checks
from claimtrack.cli.common import DbOption, app, fail
from claimtrack.models import SCHEMA_VERSION
from claimtrack.render import common as render_common
from claimtrack.store import Store, StoreError

db_app = typer.Typer(name="db", help="Check, migrate or regroup the claim database.", no_args_is_help=True)
app.add_typer(db_app)


@db_app.command()
def check(db: DbOption = None) -> None:
    """Check the database: engine integrity, schema version, and that stored claims still match their files.

    Prints one row per check, ok or the problem found, and exits 1 if any check found a problem.

    Example: claimtrack db check --db claims.db
    """
    try:
        with Store.open(db, create=False) as store, store.connect() as conn:
            checks = run_checks(conn)
    except StoreError as exc:
        fail(str(exc))
    con = render_common.console()
    con.print(_table(checks, store.label))
    if not all(item.ok for item in checks):
        raise typer.Exit(1)


@db_app.command()
def migrate(db: DbOption = None) -> None:
    """Bring a database an older claimtrack wrote up to this claimtrack's schema version.

    An SQLite file is copied beside itself first (the message says where). A PostgreSQL database
    cannot be copied from here: run pg_dump first.

    Example: pg_dump -Fc claims > claims.dump && claimtrack db migrate --db postgresql+psycopg://host/claims
    """
    try:
        store = Store.open(db, create=False, migrate=True, notify=None)
    except StoreError as exc:
        fail(str(exc))
    with store:
        done = store.migration
        if done is None:
            typer.echo(f"{store.label} is at schema version {SCHEMA_VERSION} already: nothing to migrate")
            return
        line = f"migrated {store.label} from schema version {done.from_version} to {done.to_version}"
        typer.echo(line + (f"; the version {done.from_version} database was copied to {done.backup}"
                           if done.backup else ""))


@db_app.command()
def regroup(db: DbOption = None) -> None:
    """Write the figures table again from the claims, when db check says it disagrees with them.

    Claimtrack keeps it in step as it writes; only claims edited outside claimtrack leave it behind.

    Example: claimtrack db regroup --db claims.db
    """
    try:
        with Store.open(db, create=False) as store:
            written = store.write(lambda session: figures.rebuild(session.connection()), "regroup the figures")
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"{store.label}: {written} figures written from the claims")


def _table(checks: list[Check], label: str) -> Table:
    table = Table(title=f"claimtrack db check · {label}", title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("details", overflow="fold")
    for item in checks:
        result = Text("ok", style="green") if item.ok else Text("problem", style="bold red")
        table.add_row(item.name, result, item.checked if item.ok else "\n".join(item.problems))
    return table
