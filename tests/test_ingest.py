"""What ``claimtrack add`` accepts: directories, HTML pages, JSON Lines feeds, globs and stdin."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack import ingest
from claimtrack.cli import app
from claimtrack.extract import extract_text
from claimtrack.store import Store, StoredClaim
from tests.test_cli import ARTICLE, plain

runner = CliRunner()

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Flood toll rises | Valley Herald</title>
<meta property="og:site_name" content="Valley Herald">
<meta property="article:published_time" content="2025-03-04T10:00:00Z">
<script>var tracking = "At least 999 people were killed";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Flood toll rises in the valley</h1>
<p>RIVERTON — At least 64 people have been killed in the floods, the regional health ministry said.</p>
<p>The ministry added that 53 people were still missing.</p></article>
<footer>Copyright Valley Herald</footer></body></html>
"""

ARABIC_PAGE = """<html><head><title>ارتفاع حصيلة السيول</title>
<meta property="og:site_name" content="الحرة">
<meta property="article:published_time" content="2025-03-05"></head>
<body><article><h1>ارتفاع حصيلة السيول في الوادي</h1>
<p>قالت وزارة الصحة في الإقليم إن 27 شخصا على الأقل لقوا حتفهم جراء السيول التي ضربت الوادي.</p>
<p>وأضافت الوزارة أن فرق الإنقاذ ما زالت تبحث عن المفقودين في القرى المعزولة.</p></article></body></html>
"""


def feed_line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


FEED_GOOD_1 = feed_line(text="At least 12 people were killed in the landslide, the civil defence said.",
                        url="https://example.org/landslide", outlet="Meridian Wire",
                        published="2025-03-06T08:00:00Z", title="Landslide kills 12")
FEED_GOOD_2 = feed_line(text="Some 300 people have been displaced, the Red Crescent said.",
                        published="2025-03-07", url=None)


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, plain(result.stdout), plain(result.stderr)


def stored(db: Path) -> list[StoredClaim]:
    with Store.open(str(db), create=False) as store:
        return store.claims()


def article_count(db: Path) -> int:
    with Store.open(str(db), create=False) as store:
        return store.article_count()


def mixed_folder(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "sub" / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "sub" / "ar.htm").write_bytes(ARABIC_PAGE.encode("cp1256"))  # an older Arabic site's bytes
    (root / "feed.jsonl").write_text(f"{FEED_GOOD_1}\n{FEED_GOOD_2}\n", encoding="utf-8")
    (root / "README.md").write_text("# What these files are\n\nAt least 5 people were killed.\n", encoding="utf-8")
    (root / "data.csv").write_text("killed,64\n", encoding="utf-8")
    return root


def test_a_mixed_directory_adds_everything_and_a_re_add_stores_nothing(tmp_path: Path, db: Path) -> None:
    folder = mixed_folder(tmp_path / "saved")
    code, out, err = run("add", str(folder), "--db", str(db), "--date", "2025-03-04")
    assert code == 0, out + err
    # 4 files, the feed holding 2 articles; README.md and data.csv are not articles.
    assert "4 files (5 documents) read: 5 articles added, 0 already stored" in out
    assert "README" not in out and "data.csv" not in out
    assert {c.text for c in stored(db)} >= {"64", "12", "300", "27"}

    code, out, _ = run("add", str(folder), "--db", str(db), "--quiet")
    assert code == 0
    assert "0 articles added, 5 already stored, 0 claims stored" in out
    assert article_count(db) == 5


def test_expand_walks_directories_once_and_skips_notes_and_hidden_files(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "saved")
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text("x", encoding="utf-8")
    items = list(ingest.expand([str(folder), str(folder / "a.txt"), str(folder / "README.md")]))
    labels = [item.label for item in items]
    # The file also inside the folder is read once; a README named on purpose is read.
    assert labels == [str(folder / name) for name in ("a.txt", "feed.jsonl", "sub/ar.htm", "sub/page.html",
                                                      "README.md")]
    (empty,) = ingest.expand([str(tmp_path / "saved" / "sub" / "nothing")])
    assert isinstance(empty, ingest.Refusal) and empty.reason == "no such file"


def test_a_folder_is_walked_in_the_order_of_its_sorted_paths(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.txt", "a.txt", "a-b/c.md", "a/b/c.txt", "B.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    walked = [item.label for item in ingest.expand([str(tmp_path)])]
    assert walked == [str(p) for p in sorted(p for p in tmp_path.rglob("*") if p.is_file())]
    assert ingest.count([str(tmp_path)]) == 6


def test_a_file_linked_twice_is_read_once_and_counted_once(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "saved")
    (folder / "sub" / "same.txt").symlink_to(folder / "a.txt")  # a link to a file the walk meets anyway
    (tmp_path / "elsewhere").symlink_to(folder, target_is_directory=True)
    inputs = [str(folder), str(tmp_path / "elsewhere" / "a.txt")]
    labels = [item.label for item in ingest.expand(inputs)]
    assert labels == [str(folder / name) for name in ("a.txt", "feed.jsonl", "sub/ar.htm", "sub/page.html")]
    assert ingest.count(inputs) == 4


def test_html_title_date_and_site_name_reach_the_stored_article(tmp_path: Path, db: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = run("add", str(page), "--db", str(db))
    assert code == 0, out
    claims = stored(db)
    assert {(c.text, c.metric) for c in claims} == {("64", "killed"), ("53", "missing")}  # not the script's 999
    assert {(c.article_title, c.outlet, c.published) for c in claims} == {
        ("Flood toll rises in the valley", "Valley Herald", dt.date(2025, 3, 4))}


def test_date_and_outlet_options_override_the_page(tmp_path: Path, db: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    code, _, _ = run("add", str(page), "--db", str(db), "--date", "2025-03-09", "--outlet", "Eastbank Observer")
    assert code == 0
    assert {(c.outlet, c.published) for c in stored(db)} == {("Eastbank Observer", dt.date(2025, 3, 9))}


def test_html_keeps_paragraphs_and_states_its_date(tmp_path: Path) -> None:
    doc = ingest.html_document("ar.html", ARABIC_PAGE, "utf-8")
    assert doc.text.split("\n\n")[0] == "ارتفاع حصيلة السيول في الوادي"
    assert doc.text.count("\n\n") == 2  # headline, two paragraphs
    (article,) = extract_text(doc.text, page=doc.page()).articles
    assert article.title == "ارتفاع حصيلة السيول في الوادي"
    assert (article.published, article.date_source) == (dt.date(2025, 3, 5), "stated")
    assert article.outlet == "Alhurra"  # the site name, canonicalised like an outlet read from the text


def test_html_falls_back_to_lxml_text_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_trafilatura", lambda _html: None)
    doc = ingest.html_document("page.html", PAGE, "utf-8")
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == "Flood toll rises | Valley Herald"  # the <title>, as the headline
    assert "RIVERTON — At least 64 people have been killed in the floods, the regional health ministry said." \
        in paragraphs
    assert "999" not in doc.text and "Home World" in paragraphs
    with pytest.raises(ingest.InputError, match="no text"):
        ingest.html_document("empty.html", "<html><body><script>x()</script></body></html>", "utf-8")


def test_stdin_is_decoded_like_a_file(db: Path) -> None:
    code, out, _ = run("add", "-", "--db", str(db), "--date", "2025-03-04", stdin=ARTICLE.encode("utf-16"))
    assert code == 0, out
    assert "<stdin>" in out and "1 file read: 1 article added" in out
    (claim,) = stored(db)
    assert (claim.value, claim.outlet, claim.published) == (64, "Valley Herald", dt.date(2025, 3, 4))


def test_a_glob_the_shell_did_not_expand(tmp_path: Path, db: Path) -> None:
    folder = mixed_folder(tmp_path / "saved")
    (folder / "b.txt").write_text(ARTICLE.replace("64", "71"), encoding="utf-8")
    code, out, _ = run("add", str(folder / "*.txt"), str(folder / "**" / "*.html"), "--db", str(db), "--quiet")
    assert code == 0, out
    assert "3 files read: 3 articles added" in out
    code, out, _ = run("add", str(folder / "*.pdf"), "--db", str(db), "--quiet")
    assert code == 1 and "no files match this pattern" in out


def test_a_broken_feed_line_is_refused_by_number_and_the_rest_stored(tmp_path: Path, db: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [FEED_GOOD_1, '{"text": "cut off', "", feed_line(url="https://example.org/no-text"),
             feed_line(text="x", published="last Tuesday"), FEED_GOOD_2]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run("add", str(feed), "--db", str(db), "--quiet")
    assert code == 1
    assert "1 file (2 documents) read: 2 articles added" in out and "3 refused" in out
    assert f"refused {feed}: line 2: invalid JSON" in out
    assert f'refused {feed}: line 4: no "text"' in out
    assert f"refused {feed}: line 5: \"published\" is not an ISO date: 'last Tuesday'" in out
    landslide = next(c for c in stored(db) if c.text == "12")
    assert (landslide.article_title, landslide.outlet, landslide.published) == (
        "Landslide kills 12", "Meridian Wire", dt.date(2025, 3, 6))
    assert article_count(db) == 2


def test_one_bad_file_does_not_stop_the_batch(tmp_path: Path, db: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    pdf = tmp_path / "scan.txt"
    pdf.write_bytes(b"%PDF-1.7\n...")
    code, out, _ = run("add", str(pdf), str(tmp_path / "missing.txt"), str(good), "--db", str(db), "--quiet")
    assert code == 1
    assert "1 file read: 1 article added" in out and "2 refused" in out
    assert "scan.txt: not a text file (looks like PDF)" in out and "missing.txt: no such file" in out


def test_the_progress_bar_stays_on_stderr(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = mixed_folder(tmp_path / "saved")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws as on a terminal, though output is captured
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    result = runner.invoke(app, ["add", str(folder), "--db", str(db), "--quiet"])
    assert result.exit_code == 0
    assert "/4" in plain(result.stderr)  # the bar, counting files
    assert plain(result.stdout).strip() == "4 files (5 documents) read: 5 articles added, 0 already stored, " \
        f"{len(stored(db))} claims stored"
