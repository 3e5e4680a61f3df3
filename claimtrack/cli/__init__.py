"""The ``claimtrack`` command: parse options, call the library, hand results to render.

Each command lives in a module of its own and registers itself on the shared typer ``app``
when that module is imported. ``extract`` alone needs no database code (SQLAlchemy takes a
third of a second to load), so ``claimtrack extract`` registers only itself: a pipeline calling
it once per file does not pay for the rest. ``from claimtrack.cli import app`` registers all.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["app", "main"]


def register_all() -> Any:
    """Register every command; the typer app that holds them."""
    from claimtrack.cli import (  # noqa: F401  (importing a command module registers its commands)
        add_cmd,
        browse_cmd,
        db_cmd,
        diff_cmd,
        export_cmd,
        extract_cmd,
        reextract_cmd,
        report_cmd,
        review_cmd,
    )
    from claimtrack.cli.common import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return register_all()
    raise AttributeError(name)


def main() -> None:
    """Console entry point."""
    if sys.argv[1:2] == ["extract"]:
        from claimtrack.cli import extract_cmd  # noqa: F401
        from claimtrack.cli.common import app
    else:
        app = register_all()
    app()
