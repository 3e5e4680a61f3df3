"""The ``claimtrack`` command: parse options, call the library, hand results to render.

Each command lives in a module of its own and registers itself on the shared typer ``app``.
"""

from claimtrack.cli import add_cmd, diff_cmd, extract_cmd, report_cmd  # noqa: F401  (registers the commands)
from claimtrack.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    app()
