"""Builds the extraction modules as C extensions with mypyc where a C compiler is at hand.

The compiled modules are the same source, type-checked and translated by mypyc: extraction runs
about 1.5x faster and nothing else changes. Everything but the build lives in pyproject.toml.

- A regular install (``pip install .``, a wheel) compiles when a C compiler is found and falls
  back to pure Python when none is.
- An editable install (``pip install -e .``) stays pure Python, so that an edited rule takes
  effect at once; ``CLAIMTRACK_COMPILE=1`` compiles it in place all the same (then rebuild
  after each edit, or delete the ``claimtrack/*.so`` files).
- ``CLAIMTRACK_COMPILE=0`` never compiles.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from typing import Any

from setuptools import setup

# The modules that read text; the database, CLI and report code gains little from compiling.
# records.py stays pure Python: its frozen dataclasses cross to worker processes by pickle, and
# compiled frozen dataclasses cannot be unpickled.
COMPILED = [
    "claimtrack/text.py",
    "claimtrack/phrases.py",
    "claimtrack/numbers.py",
    "claimtrack/segment.py",
    "claimtrack/claims.py",
    "claimtrack/attribution.py",
    "claimtrack/dates.py",
    "claimtrack/cues.py",
    "claimtrack/lexicon.py",
    "claimtrack/extract.py",
]


def _wanted() -> bool:
    choice = os.environ.get("CLAIMTRACK_COMPILE", "").strip()
    if choice in ("0", "1"):
        return choice == "1"
    if any(arg in ("editable_wheel", "develop") for arg in sys.argv):
        return False
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(os.environ.get("CC", compiler)) is not None


def _extensions() -> list[Any]:
    if not _wanted():
        return []
    from mypyc.build import mypycify

    return list(mypycify(COMPILED, opt_level="3"))


setup(ext_modules=_extensions())
