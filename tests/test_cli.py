"""The claimtrack command, driven through Typer's CliRunner on a temporary database."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from claimtrack import __version__, compiled
from claimtrack.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()

ARTICLE = """Toll rises in the valley

RIVERTON, March 4, 2025 — At least 64 people have been killed in the floods, the regional health ministry said.

Source: Valley Herald
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def plain(text: str) -> str:
    """Rich output without colour codes and with runs of spaces collapsed, for assertions."""
    return re.sub(r"[ \t]+", " ", re.sub(r"\x1b\[[0-9;]*m", "", text))


def test_version() -> None:
    code, out, _ = run("--version")
    build = "compiled" if compiled() else "pure-Python"
    assert code == 0 and out.strip() == f"claimtrack {__version__} ({build} extraction)"


def test_extract_json_is_the_claims_contract(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, out, _ = run("extract", str(article), "--json", "--date", "2025-03-04")
    assert code == 0
    (claim,) = json.loads(out)
    for field in ("metric", "value", "value_max", "qualifier", "subject", "location", "period", "source", "via",
                  "as_of", "start", "end", "text", "sentence", "article", "published"):
        assert field in claim
    assert (claim["metric"], claim["value"], claim["qualifier"]) == ("killed", 64, "at_least")
    assert claim["published"] == "2025-03-04"
    assert ARTICLE[claim["start"]:claim["end"]] == "64"


def test_extract_json_puts_one_claim_on_each_line(tmp_path: Path) -> None:
    article = tmp_path / "two.txt"
    article.write_text("Two soldiers were killed and 14 people were wounded, the army said.\n", encoding="utf-8")
    code, out, _ = run("extract", str(article), "--json")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.rstrip(","))["value"] for line in lines[1:-1]] == [2, 14]


def test_the_extract_command_loads_no_database_code(tmp_path: Path) -> None:
    # A pipeline runs `claimtrack extract` once per file: SQLAlchemy alone would add a third of a second.
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    probe = ("import sys\nfrom claimtrack.cli import main\n"
             "sys.argv = ['claimtrack', 'extract', sys.argv[1], '--json']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\nprint('LOADED', 'sqlalchemy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(article)], capture_output=True, text=True, check=True)
    assert '"value": 64' in done.stdout and done.stdout.rstrip().endswith("LOADED False")


def test_extract_without_claims_prints_an_empty_array(tmp_path: Path) -> None:
    article = tmp_path / "quiet.txt"
    article.write_text("The council met on Monday to discuss the budget.\n", encoding="utf-8")
    code, out, _ = run("extract", str(article), "--json")
    assert code == 0 and json.loads(out) == []


def test_extract_table_shows_the_figure_and_source(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, out, _ = run("extract", str(article), "--explain")
    assert code == 0
    assert "killed" in out and "64" in out and "Valley Herald" in plain(out)


def test_extract_missing_file_is_one_line_error(tmp_path: Path) -> None:
    code, out, err = run("extract", str(tmp_path / "nope.txt"), "--json")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "nope.txt" in err and "Traceback" not in err


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, _, err = run("extract", str(article), "--date", "04/03/2025")
    assert code == 2 and "YYYY-MM-DD" in err


def test_add_twice_stores_once(tmp_path: Path, db: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, out, _ = run("add", str(article), "--db", str(db), "--date", "2025-03-04")
    assert code == 0
    assert "1 article added" in plain(out) and "1 claim stored" in plain(out)
    code, out, _ = run("add", str(article), "--db", str(db), "--date", "2025-03-04")
    assert code == 0
    assert "already stored" in out and "0 articles added" in plain(out)


def test_add_reports_unreadable_files_and_exits_non_zero(tmp_path: Path, db: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, _ = run("add", str(empty), "--db", str(db))
    assert code == 1
    assert "refused" in out and "empty.txt" in out


def test_add_to_an_unusable_database_path(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, _, err = run("add", str(article), "--db", str(tmp_path / "missing-dir" / "x.db"))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err


def test_examples_give_a_killed_series_with_changes_and_a_disagreement(db: Path) -> None:
    code, out, _ = run("add", str(EXAMPLES), "--db", str(db), "--quiet")
    assert code == 0, out
    code, out, _ = run("diff", "--metric", "killed", "--db", str(db), "--json")
    assert code == 0
    series = json.loads(out)
    longest = max(series, key=lambda s: len(s["rows"]))
    assert len({r["date"] for r in longest["rows"]}) >= 4
    assert any(r["change"] for r in longest["rows"])
    assert any("disagree" in r["flags"] for s in series for r in s["rows"])
    assert set(longest) == {"metric", "location", "subject", "period", "source", "by_source", "rows"}
    assert {"date", "value", "value_max", "qualifier", "change", "source", "via", "outlet", "article_id",
            "claim_id"} <= set(longest["rows"][0])


def test_diff_table(db: Path) -> None:
    run("add", str(EXAMPLES), "--db", str(db), "--quiet")
    code, out, _ = run("diff", "--metric", "killed", "--db", str(db))
    assert code == 0 and "killed" in out and "change" in out


def test_diff_unknown_metric_lists_the_metrics(db: Path) -> None:
    code, _, err = run("diff", "--metric", "casualties", "--db", str(db))
    assert code == 2 and "killed" in err and "wounded" in err


def test_diff_on_a_missing_database_says_so(db: Path) -> None:
    code, _, err = run("diff", "--metric", "killed", "--db", str(db))
    assert code == 1 and err.count("\n") == 1


def test_every_command_has_help_with_an_example() -> None:
    for command in ("add", "extract", "diff"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example" in out
