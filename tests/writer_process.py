"""The body of a writer process for tests/test_durability.py, in a module of its own so that a
spawned process imports only the command line, not pytest and the test module."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from typer.testing import CliRunner

from claimtrack.cli import app


def add_folder(folder: str, db: str, start: Barrier, results: Queue[tuple[int, str]]) -> None:
    """One user running ``claimtrack add FOLDER`` at the same moment as the others."""
    start.wait()
    result = CliRunner().invoke(app, ["add", folder, "--db", db, "--quiet"])
    results.put((result.exit_code, result.output + result.stderr))
