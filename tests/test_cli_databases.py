"""add and diff through the command line on SQLite and, when a server is set up, PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES
from tests.test_cli import plain, run


def add_examples(db_url: str) -> str:
    code, out, err = run("add", str(EXAMPLES), "--db", db_url, "--quiet")
    assert code == 0, err
    return plain(out)


def test_add_twice_stores_once(db_url: str) -> None:
    assert "7 articles added, 0 already stored, 38 claims stored" in add_examples(db_url)
    assert "0 articles added, 7 already stored, 0 claims stored" in add_examples(db_url)


def test_diff_gives_the_killed_series(db_url: str) -> None:
    add_examples(db_url)
    code, out, err = run("diff", "--metric", "killed", "--db", db_url, "--json")
    assert code == 0, err
    values = [point["value"] for series in json.loads(out) for point in series["rows"]]
    assert 27 in values and 142 in values and 139 in values


def test_diff_source_filter_matches_a_source(db_url: str) -> None:
    add_examples(db_url)
    code, out, _ = run("diff", "--metric", "killed", "--db", db_url, "--source", "Health Ministry")
    assert code == 0 and "Health Ministry" in plain(out)


@pytest.mark.parametrize("hostile", ["x' OR 1=1 --", "Health Ministry' OR '1'='1", "'; DROP TABLE claims; --",
                                     "%", "Health%"])
def test_filter_values_are_data_not_sql(db_url: str, hostile: str) -> None:
    add_examples(db_url)
    for option in ("--source", "--location"):
        code, out, err = run("diff", "--metric", "killed", "--db", db_url, option, hostile)
        assert code == 0, err
        assert "No killed figures stored for these filters." in plain(out)
    code, out, _ = run("diff", "--metric", "killed", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)  # the claims are all still there
