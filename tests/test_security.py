"""No code path runs data as code: no pickle, eval or exec, and SQL is built with bound parameters.

Filter values reaching the database as data is tested end to end in tests/test_cli_databases.py.
This reads claimtrack's source and fails on a call that would run text as code or as SQL.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "claimtrack"
SOURCES = sorted(PACKAGE.rglob("*.py"))
UNSAFE_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
SQL_CALLS = {"execute", "exec_driver_sql", "executescript", "text"}
# SQL assembled from names fixed in the code itself (no value from a user or a file reaches it).
SQL_FROM_CONSTANTS = {
    ("migrate.py", "_v1_to_v2"),  # column names and types of the version 2 schema
    ("migrate.py", "_v2_to_v3"),  # the condition of the partial index, models.CORRECTED
    ("migrate.py", "_recreate_views"),  # view names from models.VIEWS
    ("store.py", "on_connect"),  # PRAGMA busy_timeout and cache_size from constants
    # INSERT of a table's columns, named by the code's rows and quoted by the dialect; the values
    # are bound parameters (? or %s placeholders).
    ("bulk.py", "run"),
    ("bulk.py", "returning"),
    ("series_query.py", "_page_cache"),  # PRAGMA cache_size restored to the integer SQLite gave
}


def functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node -> the name of the innermost function around it."""
    owner: dict[ast.AST, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else name
            owner[child] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owner


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def built_string(node: ast.AST) -> bool:
    """An f-string, a + or % of strings, or a .format() call: SQL made by pasting values in."""
    if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return isinstance(node, ast.Call) and called_name(node) == "format"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_code_from_data_and_no_sql_pasted_together(source: Path) -> None:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    owner = functions(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = {alias.name.split(".")[0] for alias in node.names}
            names |= {node.module.split(".")[0]} if isinstance(node, ast.ImportFrom) and node.module else set()
            assert not names & UNSAFE_MODULES, f"{source.name}:{node.lineno} imports {names & UNSAFE_MODULES}"
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node)
        if isinstance(node.func, ast.Name):
            assert name not in UNSAFE_CALLS, f"{source.name}:{node.lineno} calls {name}()"
        if name in SQL_CALLS and node.args and built_string(node.args[0]):
            where = (source.name, owner.get(node, "<module>"))
            assert where in SQL_FROM_CONSTANTS, f"{source.name}:{node.lineno}: SQL built from values in {where[1]}"
