"""``claimtrack reextract``: read stored articles again with the current rules."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack.cli.common import DbOption, app, fail, open_store
from claimtrack.lexicon import LexiconError
from claimtrack.reextract import Reread, file_ids, reextract_file
from claimtrack.render import common as render_common
from claimtrack.render.extraction import print_reextract_summary
from claimtrack.store import StoreError

PROGRESS_AFTER = 3


@app.command()
def reextract(
    article: Annotated[list[int] | None, typer.Option("--article", "-a", help="Only the file holding this "
                                                      "article (repeat for several) [default: every file].")] = None,
    db: DbOption = None,
) -> None:
    """Read stored articles again with this claimtrack's rules and lexicons, after an upgrade.

    A figure read again keeps its claim id and its reviews; new figures are added; figures no
    longer read are removed, unless reviewed (then kept and flagged not-read-again). One
    transaction per file: an interrupted run loses nothing and can simply be run again.

    Example: claimtrack reextract --article 12
    """
    con = render_common.console()
    done: list[Reread] = []
    with open_store(db, create=False) as store:
        files = file_ids(store, article or ())
        if article and not files:
            fail(f"no article {', '.join(map(str, article))} in {store.label}")
        with render_common.progress(con, len(files), enabled=len(files) > PROGRESS_AFTER) as step:
            for file_id in files:
                step(f"file {file_id}")
                try:
                    done.append(reextract_file(store, file_id))
                except LexiconError as exc:
                    fail(f"lexicon error: {exc}")
                except StoreError as exc:
                    fail(str(exc))
    print_reextract_summary(con, done)
