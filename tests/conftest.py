"""Shared fixtures: the dev corpus beside the checkout, and a CLI runner on a temporary database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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
