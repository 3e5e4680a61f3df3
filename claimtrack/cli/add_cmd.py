"""``claimtrack add``: store articles and their claims."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Annotated, BinaryIO

import typer

from claimtrack import ingest
from claimtrack.cli.common import DbOption, LangOption, app, fail, open_store, parse_date, parse_lang
from claimtrack.decode import InputError
from claimtrack.extract import extract_text
from claimtrack.lexicon import LexiconError
from claimtrack.parallel import Extractor, WorkerDied
from claimtrack.records import Extraction
from claimtrack.render import common as render_common
from claimtrack.render import extraction as render_extraction
from claimtrack.store import AddResult, AddTotals, Batch, StoreError

PROGRESS_AFTER = 3  # more files than this get a progress bar
LOOKUP = 32  # documents whose texts are looked up in the store together, before extracting the new ones


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
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes extracting in parallel; 0 uses "
                                      "every core once there are enough documents to pay for it.")] = 0,
) -> None:
    """Store articles and their claims, and show what was found.

    Directories are searched recursively. HTML pages give their main text, title, date and site name.

    Each line of a .jsonl file ({"text", "url", "outlet", "published", "title"}) is an article of its own.

    Each file (or line) is stored whole or not at all: all of its articles and claims, or nothing.
    The same article text added twice is stored once, and a file stored before is not read again.

    A file or line that cannot be read is listed at the end and makes the exit code 1; the others are still stored.

    Example: claimtrack add examples/ 'saved/*.html' && claimtrack diff --metric killed
    """
    extract = partial(extract_text, published=parse_date(date), lang=parse_lang(lang), outlet=outlet)
    con = render_common.console()
    total = _progress_total(paths)
    store = open_store(db)
    show = None if quiet else partial(render_extraction.print_stored, con)
    try:
        with store, store.batch() as batch, Extractor[tuple[str, _File]](extract, jobs) as extractor, \
                render_common.progress(con, total, enabled=total > PROGRESS_AFTER) as step:
            adder = _Adder(batch, extractor, url, encoding, show)
            for source in ingest.expand(paths):  # walked as it is read: 100,000 files are never one list
                step(source.label)
                adder.add(source)
            adder.finish()
    except WorkerDied as exc:  # the batch in hand is rolled back; what was committed before stays
        fail(f"{exc}; the files stored before it are kept, and running the same add again "
             "stores the rest (stored files are not read again)")
    render_extraction.print_add_summary(con, adder.totals, adder.refused, adder.files_read)
    if adder.refused:
        raise typer.Exit(1)


def _progress_total(paths: list[str]) -> int:
    """The files a progress bar counts to, from a first walk over the inputs; 0 when no bar is drawn
    (stderr is not a terminal), so that a batch job does not walk its folders twice."""
    if not render_common.console(stderr=True).is_terminal:
        return 0
    return ingest.count(paths)


@dataclass(eq=False)
class _File:
    """A file being added, as its documents' callbacks share it: whether one of them was stored yet.

    Nothing else holds it, so it is freed once its documents are stored: an add of 100,000 files
    keeps no record per file.
    """

    stored: bool = False


class _Adder:
    """The documents of an ``add``: each extracted unless its text is stored already, then queued
    on the batch; what was stored and what was refused, as the batch commits them."""

    def __init__(self, batch: Batch, extractor: Extractor[tuple[str, _File]], url: str | None, encoding: str | None,
                 show: Callable[[str, Extraction, AddResult], None] | None) -> None:
        self.batch, self.extractor, self.show = batch, extractor, show
        self.url, self.encoding = url, encoding
        self.totals = AddTotals()
        self.refused: list[tuple[str, str]] = []
        self.files_read = 0  # files with a document stored
        self._unchecked: list[tuple[ingest.Document, _File]] = []  # read, not yet looked up in the store

    def add(self, source: ingest.Source | ingest.Refusal) -> None:
        file = _File()
        items = [source] if isinstance(source, ingest.Refusal) else ingest.read(source, self.encoding, _stdin())
        for item in items:
            self._queue(item, file)

    def finish(self) -> None:
        """Store what is still being extracted."""
        self._check()
        self._store(self.extractor.finish)

    def _queue(self, item: ingest.Document | ingest.Refusal, file: _File) -> None:
        """Queue one document of ``file`` to be looked up in the store, and extracted unless its text is
        stored already."""
        if isinstance(item, ingest.Refusal):
            self.refused.append((item.label, item.reason))
            return
        self._unchecked.append((item, file))
        if len(self._unchecked) >= LOOKUP:
            self._check()

    def _check(self) -> None:
        """Look up the queued documents' texts in the store (one query for all); extract the new ones."""
        unchecked, self._unchecked = self._unchecked, []
        if not unchecked:
            return
        try:
            found = self.batch.stored_files([item.text for item, _ in unchecked])
        except StoreError as exc:
            self.refused.extend((item.label, str(exc)) for item, _ in unchecked)
            return
        for (item, file), known in zip(unchecked, found, strict=True):
            if known is not None:  # stored before: nothing to extract or write
                self._done(item.label, file, Extraction(item.text, item.encoding, ()), known)
                continue
            # A page that says nothing is no page: None crosses to a worker for less than an empty record.
            page = item.page() if item.title or item.published or item.outlet else None
            self._store(partial(self.extractor.put, (item.label, file), item.text, url=self.url or item.url,
                                encoding=item.encoding, page=page))

    def _store(self, extracted: Callable[[], Iterator[tuple[tuple[str, _File], Extraction | Exception]]]) -> None:
        """Queue on the batch each extraction that ``extracted()`` hands back; refuse a document whose
        text could not be read (too intricate for the patterns' time limit), stop on a broken lexicon."""
        for (label, file), extraction in extracted():
            if isinstance(extraction, LexiconError):
                fail(f"lexicon error: {extraction}")
            if isinstance(extraction, InputError):
                self.refused.append((label, str(extraction)))
                continue
            if isinstance(extraction, Exception):
                raise extraction
            try:
                self.batch.add(extraction, label, partial(self._done, label, file, extraction))
            except StoreError as exc:  # this document only: the next one may well be stored
                self.refused.append((label, str(exc)))

    def _done(self, label: str, file: _File, extraction: Extraction, outcome: AddResult | StoreError) -> None:
        if isinstance(outcome, StoreError):
            self.refused.append((label, str(outcome)))
            return
        self.totals.count(outcome)
        if not file.stored:
            file.stored = True
            self.files_read += 1
        if self.show is not None:
            self.show(label, extraction, outcome)


def _stdin() -> BinaryIO | None:
    """Standard input as bytes (decoded like a file), or None when the process has none."""
    return getattr(sys.stdin, "buffer", None)
