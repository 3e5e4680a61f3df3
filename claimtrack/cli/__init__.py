"""The ``claimtrack`` command: parse options, call the library, hand results to render.

Each command lives in a module of its own and registers itself on the shared typer ``app``.
"""

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

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    app()
