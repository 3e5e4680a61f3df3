"""What every terminal view shares: the console, figures as text, a figure in its sentence, progress."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from claimtrack.records import Claim

QUALIFIER_WORDS = {
    "exact": "", "at_least": "≥ ", "more_than": "> ", "approx": "~ ", "at_most": "≤ ", "less_than": "< ",
    "range": "", "vague": "",
}
CONTEXT_CHARS = 48


PIPE_WIDTH = 120  # columns when output goes to a file or pipe and $COLUMNS says nothing


def json_array(items: Iterable[object]) -> str:
    """A JSON array with one item per line: readable and greppable, and written by the json
    module's C encoder (``indent`` would switch to its pure-Python one, a third of the time of
    ``claimtrack extract --json`` on a 2 MB article)."""
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def console(stderr: bool = False) -> Console:
    con = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not con.is_terminal and "COLUMNS" not in os.environ:
        con = Console(stderr=stderr, highlight=False, soft_wrap=False, width=PIPE_WIDTH)
    return con


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def value_text(value: int | float, value_max: int | float | None, qualifier: str) -> str:
    """A figure with its qualifier, as a fact-checker reads it: "≥ 687", "200–999 (vague)"."""
    if value_max is not None:
        return f"{number(value)}–{number(value_max)}" + (" (vague)" if qualifier == "vague" else "")
    return QUALIFIER_WORDS.get(qualifier, "") + number(value)


def in_context(claim: Claim) -> Text:
    """The figure highlighted inside a window of its sentence."""
    rel_start = claim.start - claim.sentence_start
    rel_end = claim.end - claim.sentence_start
    s = claim.sentence
    lo = max(0, rel_start - CONTEXT_CHARS)
    hi = min(len(s), rel_end + CONTEXT_CHARS)
    out = Text("…" if lo > 0 else "")
    out.append(s[lo:rel_start])
    out.append(s[rel_start:rel_end], style="bold reverse")
    out.append(s[rel_end:hi])
    if hi < len(s):
        out.append("…")
    return out


@contextmanager
def progress(out: Console, total: int, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A transient progress bar on stderr; call the yielded ``step(label)`` as each file starts.

    Drawn only when stderr is a terminal. What is printed to ``out`` meanwhile goes above the bar
    when stdout is that terminal too; stdout sent to a file or pipe is left untouched.
    """
    if not enabled:
        yield lambda _label: None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=console(stderr=True), transient=True, redirect_stdout=_is_tty(out.file),
                   redirect_stderr=False)
    task = bar.add_task("", total=total)
    done = -1

    def step(label: str) -> None:
        nonlocal done
        done += 1
        bar.update(task, completed=done, description=PurePath(label).name or label)

    with bar:
        yield step


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False
