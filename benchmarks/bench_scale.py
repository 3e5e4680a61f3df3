"""How `claimtrack add` scales: articles per second and peak memory at 1,000, 10,000, 100,000 articles.

Run on demand (not part of the tests):

    python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--no-split]

For each size a corpus is generated (benchmarks/corpus_gen.py: Arabic and English articles
from templates, some republished or copied) and added to a new SQLite database by
``python -m claimtrack add FOLDER --quiet`` in a process of its own, so the seconds are end to
end (reading, extraction, storing) and the peak resident memory is that run's alone. Then,
unless --no-split, the same corpus is added again in this process to a second new database,
timing extraction and the store's part separately, to show which of the two sets the pace.
The store's part is what claimtrack.store does: the check for an already stored text, and the
batched writes. Targets: 300 articles/s end to end, at most 300 MB, both flat as the corpus grows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import write_corpus  # noqa: E402

from claimtrack.extract import extract_text  # noqa: E402
from claimtrack.store import Store  # noqa: E402


def end_to_end(folder: Path, db: Path) -> tuple[float, float, str]:
    """(seconds, peak MB resident, summary line) of one ``claimtrack add`` of the folder."""
    cmd = [sys.executable, "-m", "claimtrack", "add", str(folder), "--db", str(db), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"claimtrack add failed: {out}")
    return seconds, usage.ru_maxrss / 1024, out.strip().splitlines()[-1]


def split(folder: Path, db: Path) -> tuple[float, float]:
    """(extraction seconds, store seconds) of adding the folder's files in this process."""
    extracting = storing = 0.0
    with Store.open(str(db)) as store, store.batch() as batch:
        for path in sorted(folder.rglob("*.txt")):
            text = path.read_text(encoding="utf-8")
            t0 = time.perf_counter()
            known = batch.already_stored(text)
            t1 = time.perf_counter()
            storing += t1 - t0
            if known is not None:
                continue
            extraction = extract_text(text)
            t2 = time.perf_counter()
            batch.add(extraction, str(path), lambda _outcome: None)
            extracting += t2 - t1
            storing += time.perf_counter() - t2
        t3 = time.perf_counter()
    storing += time.perf_counter() - t3  # the last commit
    return extracting, storing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-split", action="store_true", help="only the end-to-end run")
    args = parser.parse_args()
    print(f"{'articles':>9} {'seconds':>8} {'art/s':>6} {'peak MB':>8}   "
          f"{'extract art/s':>13} {'store art/s':>11}   claimtrack says")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            write_corpus(folder, size)
            seconds, peak, said = end_to_end(folder, Path(tmp) / "end-to-end.db")
            rates = ""
            if not args.no_split:
                extracting, storing = split(folder, Path(tmp) / "split.db")
                rates = f"{size / extracting:13.0f} {size / storing:11.0f}"
            print(f"{size:9,} {seconds:8.1f} {size / seconds:6.0f} {peak:8.0f}   {rates:>25}   {said}", flush=True)


if __name__ == "__main__":
    main()
