"""Extraction of many documents on several cores, in order, overlapping with storing them.

``add`` hands documents to an :class:`Extractor` and gets their extractions back in the order it
gave them; a document whose extraction failed comes back with the exception in its place, so
the caller can refuse that one document and keep the rest. With one job everything runs in this
process. With more, documents are extracted in chunks by a pool of worker processes while this
process stores the chunks before (a few rounds ahead, so that the workers keep busy while a batch
is written): extraction is pure and CPU-bound, storing is one writer, so the two overlap. Workers
start from a fresh interpreter (``forkserver``, never a fork of a process holding database connections and
threads) and build the lexicon tables once each.

A worker sends back an extraction as plain tuples, without the text (this process holds it), and
this process rebuilds the records: unpickling frozen dataclasses field by field cost this process
more than storing them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import fields
from itertools import chain
from operator import attrgetter
from typing import Any, Generic, TypeVar

from claimtrack.records import Article, Claim, Extraction

CHUNK = 32  # documents per round, shared among the workers: enough to keep them busy, few enough to show progress
# Rounds handed to the workers before waiting for the oldest: while this process stores a batch (up to
# store.BATCH_DOCUMENTS documents at once), the workers still have rounds queued, instead of waiting
# for this process to read the next files. 8 rounds are 256 documents, twice a batch.
AHEAD = 8
OWNER_CHECK_SECONDS = 0.5  # how soon a worker notices that add has gone
AUTO_AFTER = 2 * CHUNK  # with --jobs 0, a pool starts only once this many documents are waiting

Extract = Callable[..., Extraction]
T = TypeVar("T")
# An extraction as a worker sends it: its text (None when it is the text the worker was given), its
# encoding, and each article's and claim's fields in the order of their records.
Packed = tuple[str | None, str, list[tuple[Any, ...]], list[tuple[Any, ...]]]
_ARTICLE_FIELDS = attrgetter(*(f.name for f in fields(Article)))
_CLAIM_FIELDS = attrgetter(*(f.name for f in fields(Claim)))


class WorkerDied(RuntimeError):
    """A worker process ended in the middle of a chunk (killed, out of memory, crashed)."""


def default_jobs() -> int:
    """How many worker processes ``--jobs 0`` means: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _warm(owner: int) -> None:
    """Worker start: leave when ``owner`` (the add process) does, and build the cached lexicon
    tables before the first task."""
    threading.Thread(target=_exit_with, args=(owner,), daemon=True).start()
    from claimtrack.extract import extract_text

    extract_text("1 killed.")


def _exit_with(owner: int) -> None:
    # A worker holds a copy of both ends of the pool's queues, so it never sees the end of its
    # input when add is killed: it would wait for tasks for ever, and keep the forkserver (its
    # parent) and add's stderr open with it. So it watches add itself.
    while _alive(owner):
        time.sleep(OWNER_CHECK_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    """Whether a process runs: not gone, and on Linux not a zombie that its parent has yet to reap."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def _run(task: tuple[Extract, list[tuple[str, dict[str, Any]]]]) -> list[Extraction | Exception]:
    """Extract a chunk; a document's exception comes back as its value, for the caller to judge."""
    extract, documents = task
    out: list[Extraction | Exception] = []
    for text, options in documents:
        try:
            out.append(extract(text, **options))
        except Exception as exc:  # noqa: BLE001  (judged by the caller, at this document)
            out.append(exc)
    return out


def _run_packed(task: tuple[Extract, list[tuple[str, dict[str, Any]]]]) -> list[Packed | Exception]:
    """:func:`_run` in a worker: the extractions packed for the way back (see :func:`pack`)."""
    return [extraction if isinstance(extraction, Exception) else pack(extraction, text)
            for (text, _), extraction in zip(task[1], _run(task), strict=True)]


def pack(extraction: Extraction, text: str) -> Packed:
    """An extraction of ``text`` as plain tuples, which pickle at C speed, without ``text`` itself."""
    same = extraction.text is text or extraction.text == text
    return (None if same else extraction.text, extraction.encoding,
            [_ARTICLE_FIELDS(article) for article in extraction.articles],
            [_CLAIM_FIELDS(claim) for claim in extraction.claims])


def unpack(packed: Packed | Exception, text: str) -> Extraction | Exception:
    """The extraction :func:`pack` packed, of ``text``."""
    if isinstance(packed, Exception):
        return packed
    own, encoding, articles, found = packed
    return Extraction(text if own is None else own, encoding, tuple(Article(*fields) for fields in articles),
                      tuple(Claim(*fields) for fields in found))


class Extractor(Generic[T]):
    """Queue documents with a tag each; iterate :meth:`ready` for ``(tag, extraction)`` in order.

    ``jobs`` is the number of worker processes; 1 extracts in this process, 0 picks one per core
    once enough documents are waiting to pay for starting the workers.
    """

    def __init__(self, extract: Extract, jobs: int) -> None:
        self.extract = extract
        self.jobs = jobs
        self._waiting: list[tuple[T, str, dict[str, Any]]] = []
        # Rounds sent to the workers: their tags, their texts, a future per task.
        self._running: deque[tuple[list[T], list[str], list[Future[list[Packed | Exception]]]]] = deque()
        self._workers = 1
        # An executor, not multiprocessing.Pool: when a worker dies, Pool quietly starts another
        # and waits for ever for the lost chunk; an executor fails the chunk's futures.
        self._pool: ProcessPoolExecutor | None = None

    def put(self, tag: T, text: str, **options: Any) -> Iterator[tuple[T, Extraction | Exception]]:
        """Queue one document; yields whatever extractions are ready to store now."""
        self._waiting.append((tag, text, options))
        if self._pool is None:
            workers = self.jobs or default_jobs()
            if workers <= 1:
                yield from self._extract_here()
                return
            if self.jobs == 0 and len(self._waiting) < AUTO_AFTER:
                return  # too few documents yet to pay for starting workers; finish() may do them here
            context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm,
                                             initargs=(os.getpid(),))
            self._workers = workers
        if len(self._waiting) >= CHUNK:
            yield from self._dispatch()

    def finish(self) -> Iterator[tuple[T, Extraction | Exception]]:
        """Everything still queued or running, in order."""
        if self._pool is None:
            yield from self._extract_here()
            return
        yield from self._dispatch()
        while self._running:
            yield from self._collect()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)  # at most the running chunk to wait for
            self._pool = None

    def __enter__(self) -> Extractor[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _extract_here(self) -> Iterator[tuple[T, Extraction | Exception]]:
        waiting, self._waiting = self._waiting, []
        for (tag, _, _), extraction in zip(waiting, _run((self.extract, [(t, o) for _, t, o in waiting])),
                                           strict=True):
            yield tag, extraction

    def _dispatch(self) -> Iterator[tuple[T, Extraction | Exception]]:
        """Send what is waiting to the workers; hand back the rounds that are done, oldest first,
        waiting for the oldest only when too many are running."""
        assert self._pool is not None
        waiting, self._waiting = self._waiting, []
        if waiting:
            documents = [(text, options) for _, text, options in waiting]
            size = -(-len(documents) // self._workers)  # one task per worker, so every worker takes part
            tasks = [(self.extract, documents[i:i + size]) for i in range(0, len(documents), size)]
            self._running.append(([tag for tag, _, _ in waiting], [text for _, text, _ in waiting],
                                  [self._pool.submit(_run_packed, task) for task in tasks]))
        while self._running and (len(self._running) > AHEAD or all(f.done() for f in self._running[0][2])):
            yield from self._collect()

    def _collect(self) -> Iterator[tuple[T, Extraction | Exception]]:
        """The oldest round, once done."""
        tags, texts, futures = self._running.popleft()
        try:
            results = [future.result() for future in futures]
        except BrokenProcessPool as exc:
            raise WorkerDied("an extraction worker process died (killed, or out of memory?)") from exc
        for tag, text, packed in zip(tags, texts, chain.from_iterable(results), strict=True):
            yield tag, unpack(packed, text)
