"""What ``claimtrack add`` reads: command-line inputs -> files -> documents to extract.

An input is a file, a directory (searched recursively for article files), a glob pattern the
shell left unexpanded, or ``-`` for standard input. A file becomes documents by its suffix:
plain text as decoded; HTML through trafilatura (the page's main text, title, date and site
name), or lxml's HTML parser when trafilatura finds nothing; JSON Lines one document per line.
Nothing here touches the database, and every problem comes back as a :class:`Refusal`, so one
bad file or line never stops the others.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, BinaryIO

from claimtrack.decode import InputError, decode
from claimtrack.extract import MAX_FILE_BYTES, read_file
from claimtrack.records import PageFacts

if TYPE_CHECKING:
    from trafilatura.settings import Document as TrafilaturaPage

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
STDIN_ARG = "-"
STDIN_LABEL = "<stdin>"
_GLOB_CHARS = frozenset("*?[")
_NOT_A_PATH = "\0"  # starts the read-once key of a refusal or stdin, which no file path can equal
# htmldate's looser guesses (any date-like string in the page) misdate saved pages; the text's
# own dateline is read later anyway. Prefer the original publication date to the last update.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# Elements whose text starts a new line when lxml is the fallback (it joins all text otherwise).
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tr ul".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_DROPPED_TAGS = ("script", "style", "noscript", "template")


@dataclass(frozen=True, slots=True)
class Source:
    """One file to read; ``path`` is None for standard input."""

    label: str
    path: Path | None

    @property
    def kind(self) -> str:
        suffix = self.path.suffix.lower() if self.path is not None else ""
        return "html" if suffix in HTML_SUFFIXES else "jsonl" if suffix in JSONL_SUFFIXES else "text"


@dataclass(frozen=True, slots=True)
class Refusal:
    """An input, file or line that was not read, and why (one line)."""

    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class Document:
    """A text to extract and store, with what its page or feed says about it."""

    label: str  # path, "<stdin>", or "feed.jsonl:3" for a line of a feed
    text: str
    encoding: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None

    def page(self) -> PageFacts:
        return PageFacts(title=self.title, published=self.published, site=self.outlet)


def expand(args: Sequence[str]) -> Iterator[Source | Refusal]:
    """The files the command-line inputs name, in order, each once; refusals for inputs that name none.

    Lazily: a folder of 100,000 files is walked as it is read, never held as a list. What is
    remembered per file is a 16-byte digest of its resolved path, to read a file named twice
    (a folder and a glob over it) once.
    """
    seen: set[bytes] = set()
    for arg in args:
        for item, key in _expand_one(arg):
            digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).digest()
            if digest not in seen:
                seen.add(digest)
                yield item


def count(args: Sequence[str]) -> int:
    """How many items :func:`expand` yields (a first pass over the folders, for a progress bar's total)."""
    return sum(1 for _ in expand(args))


def _expand_one(arg: str) -> Iterator[tuple[Source | Refusal, str]]:
    """Each file (or refusal) an input names, with the key it is read once by: its resolved path."""
    if arg == STDIN_ARG:
        yield Source(STDIN_LABEL, None), _NOT_A_PATH + STDIN_LABEL
        return
    path = Path(arg)
    if path.is_dir():
        yield from _directory(path)
    elif path.exists():  # a file named on the command line is read whatever its suffix
        yield Source(arg, path), os.path.realpath(path)
    elif _GLOB_CHARS & set(arg):  # the shell left the pattern alone (quoted, or it matched nothing there)
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            yield Refusal(arg, "no files match this pattern"), _NOT_A_PATH + arg
        for match in matches:
            yield from _expand_one(match)
    else:
        yield Refusal(arg, "no such file"), _NOT_A_PATH + arg


def _directory(root: Path) -> Iterator[tuple[Source | Refusal, str]]:
    found = False
    for path, resolved in _walk(str(root), os.path.realpath(root)):
        found = True
        yield Source(path, Path(path)), resolved
    if not found:
        yield Refusal(str(root), f"no {', '.join(ARTICLE_SUFFIXES)} files in this directory"), _NOT_A_PATH + str(root)


def _walk(folder: str, resolved: str) -> Iterator[tuple[str, str]]:
    """(path, resolved path) of the article files under ``folder``, depth first and by name, which
    is the order of sorting all their paths; symbolic links to folders are not followed."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        name = entry.name
        if name.startswith("."):  # .git, editor and OS files
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, os.path.join(resolved, name))
        elif entry.is_file() and _is_article_file(name):
            # Only a link needs resolving: the folder it is in is resolved already.
            yield entry.path, os.path.realpath(entry.path) if entry.is_symlink() else os.path.join(resolved, name)


def _is_article_file(name: str) -> bool:
    return (PurePath(name).suffix.lower() in ARTICLE_SUFFIXES
            and not name.upper().startswith("README"))  # a folder's own notes


def read(source: Source, encoding: str | None = None, stdin: BinaryIO | None = None) -> list[Document | Refusal]:
    """The documents of one file (several for JSON Lines), or why it cannot be read."""
    try:
        text, used = _read_text(source, encoding, stdin)
        if source.kind == "html":
            return [html_document(source.label, text, used)]
    except InputError as exc:
        return [Refusal(source.label, str(exc))]
    if source.kind == "jsonl":
        return jsonl_documents(source.label, text, used)
    return [Document(source.label, text, used)]


def _read_text(source: Source, encoding: str | None, stdin: BinaryIO | None) -> tuple[str, str]:
    if source.path is not None:
        return read_file(source.path, encoding)
    if stdin is None:
        raise InputError("no standard input")
    raw = stdin.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"input is too large (the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    return decode(raw, encoding)


# --- HTML ---------------------------------------------------------------------------------------

def html_document(label: str, html: str, encoding: str) -> Document:
    """A saved page's main text, one paragraph per line with blank lines between, and its metadata."""
    page = _trafilatura(html)
    paragraphs = _paragraphs(page.text if page is not None else None)
    title = _one_line(page.title) if page is not None else None
    if not paragraphs:  # trafilatura judged nothing to be the article: keep all the page's text
        body, title = _lxml_text(html)
        paragraphs = _paragraphs(body)
    if not paragraphs:
        raise InputError("no text in this HTML page")
    if title and paragraphs[0] != title:  # the headline leads the text, where segmentation looks for it
        paragraphs.insert(0, title)
    return Document(label, "\n\n".join(paragraphs), encoding, title=title,
                    outlet=_one_line(page.sitename) if page is not None else None,
                    published=_iso_date(page.date) if page is not None else None)


def _trafilatura(html: str) -> TrafilaturaPage | None:
    # Imported here: trafilatura takes ~0.4 s to load, which commands without HTML should not pay.
    import trafilatura
    from lxml.etree import LxmlError
    from trafilatura.settings import Document as TrafilaturaPage

    try:
        page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           date_extraction_params=_DATE_PARAMS)
    except (ValueError, LxmlError):  # markup it cannot parse at all: the lxml fallback decides
        return None
    return page if isinstance(page, TrafilaturaPage) else None


def _lxml_text(html: str) -> tuple[str, str | None]:
    """All visible text of the page's body, a line per block element, and its <title>."""
    import lxml.html  # loaded on demand, as trafilatura is
    from lxml.etree import LxmlError

    try:
        # As bytes with the encoding named: lxml refuses a str that carries an XML encoding declaration.
        root = lxml.html.document_fromstring(html.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True))
    except (ValueError, LxmlError):
        return "", None
    title = _one_line(root.findtext(".//title"))
    for element in list(root.iter(*_DROPPED_TAGS)):  # listed first: dropping while iterating skips
        element.drop_tree()
    for element in root.iter():
        if element.tag in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _CELL_TAGS:
            element.tail = " " + (element.tail or "")
    body = root.find("body")
    return str((body if body is not None else root).text_content()), title


def _paragraphs(text: str | None) -> list[str]:
    """Non-blank lines with HTML's insignificant runs of whitespace collapsed."""
    return [line for line in (" ".join(raw.split()) for raw in (text or "").splitlines()) if line]


def _one_line(value: str | None) -> str | None:
    """Metadata on one line with single spaces; None when blank."""
    joined = " ".join(value.split()) if value else ""
    return joined or None


def _iso_date(value: str | None) -> dt.date | None:
    """A date from "2025-03-04" or an ISO timestamp ("2025-03-04T10:00:00Z"); None otherwise."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


# --- JSON Lines ---------------------------------------------------------------------------------

def jsonl_documents(label: str, text: str, encoding: str) -> list[Document | Refusal]:
    """One document per line of a feed; a broken line is refused by number and the others kept."""
    out: list[Document | Refusal] = []
    for number, line in _numbered_lines(text):
        try:
            out.append(_jsonl_document(f"{label}:{number}", line, encoding))
        except InputError as exc:
            out.append(Refusal(label, f"line {number}: {exc}"))
    return out


def _numbered_lines(text: str) -> Iterable[tuple[int, str]]:
    # Only "\n" ends a line: JSON strings may hold U+2028 and other breaks that splitlines() cuts at.
    return ((number, line) for number, line in enumerate(text.split("\n"), start=1) if line.strip())


def _jsonl_document(label: str, line: str, encoding: str) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise InputError("not a JSON object")
    text = _string_field(record, "text")
    if text is None or not text.strip():
        raise InputError('no "text"')
    title = _one_line(_string_field(record, "title"))
    published = _string_field(record, "published")
    date = _iso_date(published)
    if published and date is None:
        raise InputError(f'"published" is not an ISO date: {published!r}')
    if title and not text.lstrip().startswith(title):  # read as the headline, as on the page
        text = f"{title}\n\n{text}"
    return Document(label, text, encoding, title=title, url=_one_line(_string_field(record, "url")),
                    outlet=_one_line(_string_field(record, "outlet")), published=date)


def _string_field(record: dict[str, Any], name: str) -> str | None:
    """A field that must be a string when present; null counts as absent (scrapers write it)."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f'"{name}" is not a string')
