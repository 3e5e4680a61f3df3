"""The compiled build: setup.py names modules that exist, CI's compiled run really is compiled,
and what crosses to worker processes pickles in either build."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import os
import pickle
from pathlib import Path

import pytest

from claimtrack import compiled
from claimtrack.extract import extract_text
from claimtrack.records import PageFacts

ROOT = Path(__file__).resolve().parents[1]


def compiled_modules() -> list[str]:
    """The module paths listed in setup.py's COMPILED, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMPILED" for t in node.targets):
            return [ast.literal_eval(item) for item in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("setup.py lists no COMPILED modules")


def test_setup_compiles_the_extraction_pipeline() -> None:
    listed = compiled_modules()
    assert all((ROOT / path).is_file() for path in listed)
    assert "claimtrack/extract.py" in listed and "claimtrack/phrases.py" in listed


@pytest.mark.skipif(os.environ.get("CLAIMTRACK_EXPECT_COMPILED") != "1",
                    reason="set CLAIMTRACK_EXPECT_COMPILED=1 where the modules were compiled (.ci/run does)")
def test_every_listed_module_runs_compiled() -> None:
    assert compiled()
    for path in compiled_modules():
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert not (module.__file__ or "").endswith(".py"), module.__file__


def test_what_crosses_to_worker_processes_survives_pickling() -> None:
    # add --jobs sends page facts to workers and gets extractions back; a record that cannot be
    # unpickled (a compiled frozen dataclass) would kill the worker and stall the pool.
    page = PageFacts(title="Toll rises", published=dt.date(2024, 1, 2), site="Reuters")
    got = extract_text("At least 12 people were killed, the ministry said.", published=page.published, page=page)
    assert got.claims and pickle.loads(pickle.dumps(got)) == got
    assert pickle.loads(pickle.dumps(page)) == page
