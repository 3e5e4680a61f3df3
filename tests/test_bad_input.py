"""Bad input through the command line: every file gives a correct result or a one-line refusal.

A refusal names the file and the reason on one line, exits non-zero, prints no traceback and
writes nothing to the database; a file that can be read gives valid claims (spans that slice
the decoded text) however odd it is.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from claimtrack.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()

EN_ARTICLE = (EXAMPLES / "02-en-toll-rises.txt").read_text(encoding="utf-8")
AR_ARTICLE = (EXAMPLES / "01-ar-floods-hit.txt").read_text(encoding="utf-8")
_RANDOM = random.Random(7)  # fixed seed: the same "random" bytes on every run


def invoke(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output + result.stderr
    # SystemExit is how Typer exits; any other exception would have been a traceback for the user.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def stored(db: Path) -> tuple[int, int, int]:
    """(files, articles, claims) in the database."""
    with sqlite3.connect(db) as conn:
        files, articles, claims = (int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                                   for table in ("files", "articles", "claims"))
    conn.close()
    return files, articles, claims


def claims_of(result: Result, text: str) -> list[dict[str, object]]:
    """The claims ``extract --json`` printed, after checking each span slices ``text``."""
    assert result.exit_code == 0, result.stderr
    claims: list[dict[str, object]] = json.loads(result.stdout)
    for claim in claims:
        start, end = claim["start"], claim["end"]
        assert isinstance(start, int) and isinstance(end, int)
        assert text[start:end] == claim["text"]
        assert isinstance(claim["value"], int | float) and claim["value"] >= 0
    return claims


def assert_refused(path: Path, db: Path, reason: str) -> None:
    """``extract`` and ``add`` each refuse ``path`` in one line naming it and ``reason``."""
    result = invoke("extract", str(path), "--json")
    assert result.exit_code != 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"claimtrack: {path}: ") and reason in line

    result = invoke("add", str(path), "--db", str(db), "--quiet")
    assert result.exit_code != 0
    refusals = [line for line in result.output.splitlines() if str(path) in line]
    assert len(refusals) == 1 and reason in refusals[0], result.output
    assert stored(db) == (0, 0, 0)


# --- refused: nothing in the file can be read ------------------------------------------------------

REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "file is empty"),
    "whitespace only": (lambda: b" \n\t\r\n  \n", "file is empty"),
    "random bytes": (lambda: _RANDOM.randbytes(8192), "not a text file"),
    "invalid UTF-8 throughout": (lambda: bytes(_RANDOM.randrange(0x80, 0x100) for _ in range(4096)),
                                 "not a text file"),
    "PNG": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _RANDOM.randbytes(512), "looks like PNG"),
    "PDF": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "looks like PDF"),
    "ZIP": (lambda: b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + _RANDOM.randbytes(512), "looks like ZIP"),
    "UTF-16 cut short": (lambda: (codecs.BOM_UTF16_LE + AR_ARTICLE.encode("utf-16-le"))[:-1], "truncated UTF-16"),
    "UTF-16 without BOM cut short": (lambda: EN_ARTICLE.encode("utf-16-le")[:-1], "truncated UTF-16"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_unreadable_content_is_refused(kind: str, tmp_path: Path, db: Path) -> None:
    make, reason = REFUSED[kind]
    path = tmp_path / "article.txt"
    path.write_bytes(make())
    assert_refused(path, db, reason)


def test_a_directory_given_as_the_file_is_refused(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "article.txt"
    folder.mkdir()
    result = invoke("extract", str(folder), "--json")
    assert result.exit_code != 0 and result.stderr == f"claimtrack: {folder}: is a directory\n"
    result = invoke("add", str(folder), "--db", str(db), "--quiet")  # a folder without articles
    assert result.exit_code != 0 and f"{folder}: no .txt" in result.output
    assert stored(db) == (0, 0, 0)


def test_an_unreadable_file_is_refused(tmp_path: Path, db: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 file; the FIFO and broken-link tests cover unreadable paths")
    path = tmp_path / "secret.txt"
    path.write_text(EN_ARTICLE, encoding="utf-8")
    path.chmod(0)
    try:
        assert_refused(path, db, "permission denied")
    finally:
        path.chmod(0o600)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, db: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert_refused(path, db, "not a regular file")


def test_a_broken_symbolic_link_is_refused(tmp_path: Path, db: Path) -> None:
    path = tmp_path / "gone.txt"
    path.symlink_to(tmp_path / "deleted.txt")
    result = invoke("extract", str(path), "--json")
    assert result.exit_code != 0 and result.stderr == f"claimtrack: {path}: broken symbolic link\n"
    result = invoke("add", str(path), "--db", str(db), "--quiet")
    assert result.exit_code != 0 and str(path) in result.output
    assert stored(db) == (0, 0, 0)


def test_a_batch_stores_the_good_files_and_lists_the_bad(tmp_path: Path, db: Path) -> None:
    (tmp_path / "good.txt").write_text(EN_ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(REFUSED["PNG"][0]())
    result = invoke("add", str(tmp_path), "--db", str(db), "--quiet")
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty.txt'}: file is empty" in result.output
    assert f"{tmp_path / 'image.txt'}: not a text file (looks like PNG)" in result.output
    files, articles, claims = stored(db)
    assert (files, articles) == (1, 1) and claims > 0


# --- read: odd but legible files ---------------------------------------------------------------------

def test_damaged_utf8_is_read_as_utf8_not_as_a_code_page(tmp_path: Path, db: Path) -> None:
    raw = bytearray(AR_ARTICLE.encode("utf-8"))
    at = raw.index(b"\n", len(raw) // 2)
    raw[at:at] = b" \xff\xfe"  # two stray bytes a scraper let through, at the end of a paragraph
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(raw))
    text = bytes(raw).decode("utf-8", errors="replace")
    clean = claims_of(invoke("extract", str(EXAMPLES / "01-ar-floods-hit.txt"), "--json"), AR_ARTICLE)
    damaged = claims_of(invoke("extract", str(path), "--json"), text)
    assert [(c["metric"], c["value"]) for c in damaged] == [(c["metric"], c["value"]) for c in clean]
    result = invoke("add", str(path), "--db", str(db), "--quiet")
    assert result.exit_code == 0
    assert stored(db) == (1, 1, len(clean))


def _line_of_digits() -> str:
    return "7" * 2_000_000


def _arabic_without_spaces() -> str:
    return "ب" * 200_000


def _ones_and_commas() -> str:
    return "1," * 300_000


@pytest.mark.slow
@pytest.mark.parametrize("make", [_line_of_digits, _arabic_without_spaces, _ones_and_commas],
                         ids=["2 MB line of digits", "200,000 Arabic letters", "300,000 times '1,'"])
def test_degenerate_text_is_stored_without_claims(make: Callable[[], str], tmp_path: Path, db: Path) -> None:
    """Nothing here counts anyone; the point is a prompt, clean answer (no backtracking blow-up)."""
    path = tmp_path / "odd.txt"
    path.write_text(make(), encoding="utf-8")
    result = invoke("add", str(path), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    assert stored(db) == (1, 1, 0)


def _large_article(size: int) -> str:
    """About ``size`` bytes: a real article's figures at both ends of a long, figure-free report."""
    filler_en = "The council met again to discuss the roads and the schools of the northern district, officials said. "
    filler_ar = ("وناقش المجلس البلدي مجددا ميزانية الطرق والمدارس والمستشفيات والجسور في المنطقة الشمالية "
                 "وفي القرى المجاورة لها على ضفتي النهر وفي الأحياء الجديدة شرق المدينة بحسب مسؤولين محليين. ")
    paragraph = filler_en + "\n\n" + filler_ar * 6 + "\n\n"  # mostly Arabic, as a long live report might be
    middle = paragraph * (size // len(paragraph.encode("utf-8")))
    return EN_ARTICLE.rstrip("\n") + "\n\n" + middle + "At least 64 people have been killed, the ministry said.\n"


@pytest.mark.slow
def test_a_5_mb_article_keeps_every_figure(tmp_path: Path, db: Path) -> None:
    text = _large_article(5_000_000)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 4_900_000
    result = invoke("add", str(path), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    small = claims_of(invoke("extract", str(EXAMPLES / "02-en-toll-rises.txt"), "--json"), EN_ARTICLE)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT c.start, c.end, c.text, c.value FROM claims c ORDER BY c.id").fetchall()
        (stored_text,) = conn.execute("SELECT text FROM files").fetchone()
    conn.close()
    assert stored_text == text
    assert all(text[start:end] == figure for start, end, figure, _ in rows)
    values = [value for *_, value in rows]
    assert values[: len(small)] == [c["value"] for c in small]  # the article's own figures, in order
    assert values[-1] == 64  # and the one after five megabytes of prose
