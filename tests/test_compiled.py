"""The compiled build: setup.py names modules that exist, and CI's compiled run really is compiled."""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path

import pytest

from claimtrack import compiled

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
