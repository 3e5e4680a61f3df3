"""PostgreSQL for teams: many writers at once on one server (skipped without $CLAIMTRACK_TEST_PG_URL).

The SQLite version of this test is in tests/test_durability.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import postgres_schema, sql
from tests.test_durability import FILES_PER_WRITER, WRITERS, add_from_four_processes


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_schema()


def claims_by_file(db_url: str) -> Counter[str]:
    rows = sql(db_url, "SELECT f.path, count(c.id) FROM files f JOIN articles a ON a.file_id = f.id "
                       "LEFT JOIN claims c ON c.article_id = a.id GROUP BY f.path")
    return Counter({str(path): int(count) for path, count in rows})


@pytest.mark.slow
def test_four_processes_adding_at_once_store_everything(pg_url: str, tmp_path: Path) -> None:
    # The schema does not exist yet either: the four race to create it.
    expected, outcomes = add_from_four_processes(pg_url, tmp_path)
    for code, output in outcomes:
        assert code == 0, output
    assert sql(pg_url, "SELECT count(*) FROM articles") == [(WRITERS * FILES_PER_WRITER,)]
    assert claims_by_file(pg_url) == Counter(expected)
    assert sum(expected.values()) > 2 * len(expected)
