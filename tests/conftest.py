"""Shared fixtures: the dev corpus beside the checkout, temporary databases (SQLite, and PostgreSQL when
$CLAIMTRACK_TEST_PG_URL names a server), and SQL on them."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from claimtrack.store import database_url

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dev"
EXAMPLES = REPO / "examples"


@pytest.fixture
def corpus() -> Path:
    """The annotated dev articles (skipped in a plain clone without ../shared)."""
    if not CORPUS.is_dir():
        pytest.skip(f"dev corpus not found at {CORPUS} (it sits beside the checkout as ../shared)")
    return CORPUS


def gold(corpus: Path, article_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((corpus / f"{article_id}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path; CLAIMTRACK_DB is cleared so nothing leaks from the environment."""
    monkeypatch.delenv("CLAIMTRACK_DB", raising=False)
    return tmp_path / "claims.db"


# --- one database of each kind ---------------------------------------------------------------------

PG_URL_ENV = "CLAIMTRACK_TEST_PG_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty database for ``--db``: an SQLite file, then (when $CLAIMTRACK_TEST_PG_URL names a
    PostgreSQL server) a schema of its own on that server, dropped with everything in it afterwards."""
    monkeypatch.delenv("CLAIMTRACK_DB", raising=False)
    if request.param == "sqlite":
        yield str(tmp_path / "claims.db")
    else:
        yield from postgres_schema()


def postgres_schema() -> Iterator[str]:
    """The URL of a fresh schema on the server $CLAIMTRACK_TEST_PG_URL names (skips without one)."""
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"no PostgreSQL server: set {PG_URL_ENV}=postgresql+psycopg://user@host:port/db "
                    "(.ci/run starts one)")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    schema = f"claimtrack_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))  # a generated name, never user input
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def sql(db_url: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run one SQL statement on the database ``db_url`` names (committing it); its rows, if any."""
    engine = create_engine(database_url(db_url))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture
def examples_db(db_url: str) -> str:
    """A database (each kind db_url gives) holding the bundled example articles: 7 articles, 38 claims."""
    from typer.testing import CliRunner

    from claimtrack.cli import app

    result = CliRunner().invoke(app, ["add", str(EXAMPLES), "--quiet", "--db", db_url])
    assert result.exit_code == 0, result.stderr
    return db_url
