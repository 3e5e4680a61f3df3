"""How `claimtrack add` copes with one very large article: seconds and peak memory by size.

Run on demand (not part of the tests; tests/test_bad_input.py adds a 5 MB article):

    python benchmarks/bench_large_article.py [--mb 5 50]

Each size is a single file: a real article's opening, then a long live report that is mostly
Arabic prose with a figure sentence every PARAGRAPHS_PER_FIGURE paragraphs, then a closing
figure. Each is added to a new database by ``python -m claimtrack add`` in its own process,
so the peak resident memory printed is that run's alone. Time should grow linearly with size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OPENING = ("Floods in the valley\n\nRIVERTON, March 4, 2025 — At least 64 people have been killed in the floods, "
           "the regional health ministry said.\n\n")
PROSE_AR = ("وناقش المجلس البلدي مجددا ميزانية الطرق والمدارس والمستشفيات والجسور في المنطقة الشمالية "
            "وفي القرى المجاورة لها على ضفتي النهر وفي الأحياء الجديدة شرق المدينة بحسب مسؤولين محليين. ")
PROSE_EN = "The council met again to discuss the roads and the schools of the northern district, officials said. "
FIGURE_AR = "وقالت وزارة الصحة إن {n} شخصا قتلوا في السيول حتى الآن.\n\n"
PARAGRAPHS_PER_FIGURE = 50


def article(size: int) -> str:
    """About ``size`` bytes of UTF-8 in one article."""
    paragraph = PROSE_EN + "\n\n" + PROSE_AR * 6 + "\n\n"
    block = paragraph * PARAGRAPHS_PER_FIGURE
    parts = [OPENING]
    written, n = len(OPENING.encode()), 0
    while written < size:
        n += 1
        piece = block + FIGURE_AR.format(n=64 + n)
        parts.append(piece)
        written += len(piece.encode())
    return "".join(parts)


def run(mb: float, folder: Path) -> tuple[float, float, int]:
    """(seconds, peak MB resident, exit code) of adding an ``mb`` MB article to a new database."""
    path = folder / f"article-{mb:g}mb.txt"
    path.write_text(article(int(mb * 1_000_000)), encoding="utf-8")
    cmd = [sys.executable, "-m", "claimtrack", "add", str(path), "--db", str(folder / f"{mb:g}.db"), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[5, 50], help="article sizes in MB")
    args = parser.parse_args()
    print(f"{'MB':>6} {'seconds':>8} {'s per MB':>9} {'peak RSS MB':>12} exit")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.mb:
            seconds, peak, code = run(mb, Path(tmp))
            print(f"{mb:6g} {seconds:8.1f} {seconds / mb:9.2f} {peak:12.0f} {code:4d}", flush=True)


if __name__ == "__main__":
    main()
