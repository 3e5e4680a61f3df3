"""``claimtrack report``: one self-contained, escaped HTML page, checked as text and in headless Chromium."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from claimtrack.html_report import Page, highlighted, render
from claimtrack.report import build_series
from claimtrack.series_query import Quote
from tests.conftest import EXAMPLES
from tests.test_cli import run
from tests.test_report import stored

HOSTILE = """Floods kill 12

RIVERTON, March 9, 2025 — The ministry said <script>alert("x")</script> that at least 12 people were killed.

Source: Valley <img src=x onerror=alert(1)> Herald
"""
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def test_the_figure_is_marked_in_its_escaped_sentence() -> None:
    sentence = "a <b>bold</b> claim: 40 killed"
    quote = Quote(sentence, sentence.index("40"), sentence.index("40") + 2)
    assert highlighted(quote) == "a &lt;b&gt;bold&lt;/b&gt; claim: <mark>40</mark> killed"


def test_article_text_is_escaped_everywhere_it_appears() -> None:
    claim = stored(1, 40, dt.date(2025, 3, 3), source="<script>alert(1)</script>", location="<i>Gaza</i>")
    page = render(Page("killed"), build_series([claim]), {1: Quote("<script>x</script> 40 killed", 19, 21)})
    assert "<script" not in page.lower() and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;i&gt;Gaza&lt;/i&gt;" in page


def test_the_page_fetches_nothing() -> None:
    claims = [stored(i, 100 + i, dt.date(2025, 3, 3 + i)) for i in range(4)]
    page = render(Page("killed"), build_series(claims), {})
    assert not re.search(r"""\b(src|href)\s*=|@import|url\(|<link|<script""", page, re.IGNORECASE)
    assert page.count("<svg") == 1 and "<polyline" in page and page.count("<table") == 1


def test_arabic_cells_read_right_to_left() -> None:
    claim = stored(1, 118, dt.date(2025, 3, 5), source="وزارة الصحة")
    sentence = "وقالت وزارة الصحة إن 118 شخصا قتلوا"
    quote = Quote(sentence, sentence.index("118"), sentence.index("118") + 3)
    page = render(Page("killed"), build_series([claim]), {1: quote})
    assert '<td dir="auto">وزارة الصحة (via Reuters)</td>' in page
    assert '<td dir="auto">وقالت وزارة الصحة إن <mark>118</mark> شخصا قتلوا</td>' in page


def test_no_figures_is_a_page_that_says_so() -> None:
    page = render(Page("rockets", (("location", "Gaza"),)), [], {})
    assert "No rockets figures stored for these filters." in page and "<svg" not in page


@pytest.fixture
def report_file(tmp_path: Path, db: Path) -> Path:
    """The examples and an article carrying markup, reported to an HTML file through the CLI."""
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    assert run("add", str(EXAMPLES), str(hostile), "--db", str(db), "--quiet")[0] == 0
    out = tmp_path / "report.html"
    code, stdout, err = run("report", "--metric", "killed", "--db", str(db), "-o", str(out))
    assert code == 0, err
    assert f"wrote {out}" in stdout
    return out


def test_report_command_writes_the_page(report_file: Path) -> None:
    page = report_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page  # the article's markup, shown as text
    assert "<script" not in page.lower() and "<img" not in page
    assert "<mark>118</mark>" in page or "<mark>١١٨</mark>" in page
    assert "disagree" in page and "2 articles, first 3" in page  # the relayed 118, one row


def test_report_takes_the_filters_of_diff(db: Path, tmp_path: Path) -> None:
    assert run("add", str(EXAMPLES), "--db", str(db), "--quiet")[0] == 0
    out = tmp_path / "children.html"
    code, stdout, _ = run("report", "-m", "killed", "--db", str(db), "--subject", "children", "-o", str(out))
    assert code == 0 and "1 series, 2 figures" in stdout
    code, _, err = run("report", "-m", "killed", "--db", str(db), "--until", "March 8", "-o", str(out))
    assert code == 2 and err.count("\n") == 1 and "--until" in err


def test_report_help_has_an_example() -> None:
    code, out, _ = run("report", "--help")
    assert code == 0 and "Example" in out


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not found: install it (Debian: apt-get install chromium) to render the HTML report")


def headless(browser: str, profile: Path, *args: str) -> str:
    result = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def distinct_colours(png: Path) -> int:
    Image = pytest.importorskip("PIL.Image", reason="Pillow reads the screenshot (pip install '.[test]')")
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return len(colours or ())


@pytest.mark.slow
def test_the_report_renders_in_headless_chromium(report_file: Path, tmp_path: Path) -> None:
    browser = chromium()
    dom = headless(browser, tmp_path / "profile", "--dump-dom", report_file.as_uri())
    assert "<svg" in dom and "<polyline" in dom and "<table" in dom
    assert "<script" not in dom.lower()  # the article's markup stayed text in the rendered page too
    shot = tmp_path / "report.png"
    headless(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,900", report_file.as_uri())
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert distinct_colours(shot) > 10  # text, lines in several colours, highlights: not a blank page
