"""How `claimtrack add` scales: articles per second and peak memory at 1,000, 10,000, 100,000 articles.

Run on demand (not part of the tests; Linux, since memory is read from /proc):

    python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--no-store] [--cache DIR]

For each size a corpus is generated (benchmarks/corpus_gen.py: Arabic and English articles
from templates, some republished or copied) and added to a new SQLite database by
``python -m claimtrack add FOLDER --quiet`` in a process of its own, so the seconds are end to
end (reading, extraction, storing). Memory is sampled from /proc while it runs: the peak of the
main process, of the largest extraction worker, and of all of them together.

Then, unless --no-store, the store's part alone is timed: the corpus is extracted once (kept in
--cache, so that runs before and after a change of the store time the same extractions) and
stored again in this process into a second new database, by what ``add`` calls: the check for
an already stored text, then the batched writes. Targets: 300 articles/s end to end, at most
300 MB, both flat as the corpus grows.

Measured 2026-11-29 on 2 cores shared with other work (load 2.5-6, so the seconds are noisy and
worse than on an idle machine; the memory is not), --jobs auto, MB = peak resident:

    articles  seconds  art/s  main MB  worker MB  total MB   (before: main MB)
       1,000     11.9     84       75         26       154                  76
      10,000     84.1    119       79         27       159                  83
      30,000    291.1    103       81         27       162                 104
     100,000   1246.7     80       88         28       168                 163 (in issue 7)

The main process grew with the corpus because ``ingest.expand`` listed every file before the
first was read (13.9 MB kept and 27.9 MB at its peak for 30,000 files); it now walks as it
reads. What is left of the growth, ~0.1 KB a file, is the digest per path that reads a file
named twice once. Store alone, 5,000 cached extractions: 268-286 -> 320-345 articles/s.

Store writes batched a table at a time (one multi-row insert per table per transaction, the
figures of a transaction regrouped a few statements at a time), measured 2026-11-29, same runs
before and after, load 2-5 on the 2 cores, so CPU seconds are the figure to compare:

    store alone, articles/s of CPU (wall)    before       after
       1,000                                  274-336      552-607 (341-430)
      10,000                                  242 (178)    493 (320)

    add end to end, mypyc-compiled extraction, --jobs auto (load 4-4.7):
                          seconds   CPU s, all processes   CPU s, main process
       1,000   before    ~14-16     13.6-14.9              7.4-7.9
               after     ~10-22     11.2-12.7              4.8-5.1
      10,000   before     165.3     119.8                  62.2
               after      113.5      88.8                  32.6

Peak memory after, at 1,000 and 10,000: main 81 and 85 MB, a worker 27 and 28 MB, all 161 and
166 MB. The workers' CPU (~5 ms an article compiled, ~6-7 ms pure Python) is now most of the
total: on two idle cores the 88.8 CPU seconds of 10,000 articles take at least 44 s (~225
articles/s); 300 articles/s needs the whole tree under 67 CPU seconds.

Then (branch add-fast), what the add process does per article, measured 2026-11-30 with the
same corpora and cached extractions, mypyc-compiled extraction, base and branch run one after
the other on the 2 cores while other engineers' jobs kept the load at 2.8-11.4 (wall seconds
moved by 30% from run to run; compare the CPU seconds):

- workers send extractions back as plain tuples without the text (unpickling frozen dataclasses
  field by field cost the add process ~2 s per 10,000);
- claims, files, articles, and the figures' rows and keys go in through the driver
  (claimtrack/bulk.py), not SQLAlchemy's per-row parameter handling;
- add looks up 32 texts at a time whether they are stored; a transaction holds 128 documents
  (was 64): each has a fixed cost (full-text index flush, figures regrouped);
- one timestamp per write, converters once per distinct value, JSON columns through one
  encoder, a 32 MB SQLite page cache and the temporary table of keys in memory;
- detect_lang counts letters by runs (0.2 -> 0.05 ms of a worker's ~4.5-5 ms per article).

    store alone (after: lookups 32 at a time, as add does them), articles/s of CPU (wall)
                                              before        after
       1,000                                  483 (260)     925-969 (483-862)
      10,000                                  465 (244)     720 (359)

    add end to end, --jobs auto:
                          seconds   art/s   CPU s, all   CPU s, main   main MB  total MB
       1,000   before   11.5-18.4   54-87   10.4-12.0    4.5-4.8        82      161-162
               after     7.7-16.5   60-130   7.3-10.0    2.9-3.7        92      169-170
      10,000   before 123.6-139.6   72-81   80.2-86.1   28.1-30.3        85      165
               after  107.2-139.8   72-93   71.8-82.4   21.0-22.7   124-125      204

(load 6.9 and 11.4 for the two runs before, 6.3 and 7.0 after.) The add process's peak grew
with the SQLite page cache, which fills up to 32 MB a connection and then stays: at most ~64 MB
more than before whatever the corpus, for a few per cent of the store's CPU.

The add process's CPU fell by a quarter at 10,000 (28-30 -> 21-23 s; 32.6 in the figures above);
the workers' ~50-60 s (contention makes it vary by ~20% between runs at one load) did not move
and are now three quarters of the total. Where the 10,000-article total goes, after:

    workers, ~50 s: the rules (claims, numbers, attribution, dates, cues, phrases) ~42-46 s;
        folding, segmentation and language ~4 s; start-up ~1 s; packing and pickling ~0.5 s
    add process, ~22 s: SQLite's own work (7 indexes on claims, one of 18 columns; the trigram
        full-text index of every article at each commit; the figures' delete, regroup and
        insert) ~10 s; figures.refresh in Python ~3 s; row building ~2 s; walking, reading and
        decoding files ~2.5 s; imports and start ~1.5 s; rebuilding records ~0.7 s

So 300 articles/s is still missed: all processes take 72-82 CPU s for 10,000 against the 67
needed, which on two idle cores is at best ~245-280 articles/s. The rest would have to come from
the rules (~4.5 -> ~3.7 ms an article) or from the schema's write cost (the 18-column covering
index, the trigram index of every article, the figures table), none of them in the add path's
files; the add path itself is now ~2 ms an article of CPU.

Measured 2026-11-30 on another machine of the same kind (2 cores, AMD EPYC, load 1.2-1.8), where
the same code runs ~3x faster than above; mypyc-compiled extraction, --jobs auto, unchanged code
for the add path:

    articles  seconds  art/s  CPU s  main CPU  main MB  worker MB  total MB  store art/s (CPU)
       1,000      1.8    541    2.4       1.2       96         28       175      2144 (2236)
      10,000     10.9    919   17.0       6.6      128         28       211      1866 (2067)
     100,000    131.2    762  184.4      81.7      142         28       225      1153 (1387)

The target of 300 articles/s and 300 MB holds at all three sizes. Seconds grow about linearly
(10x the articles: 6.0x then 12.0x the seconds; the 100,000 run ends with ~490,000 claims in
the database, whose indexes cost more to extend as they grow). The main process's peak grows
by 14 MB from 10,000 to 100,000 articles (the digests of the paths read and a fuller page cache).
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import write_corpus  # noqa: E402

from claimtrack import ingest  # noqa: E402
from claimtrack.cli.add_cmd import LOOKUP  # noqa: E402
from claimtrack.extract import extract_text  # noqa: E402
from claimtrack.parallel import Extractor  # noqa: E402
from claimtrack.records import Extraction  # noqa: E402
from claimtrack.store import Store  # noqa: E402

SAMPLE_SECONDS = 0.2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

Stored = tuple[str, str, Extraction]  # (label, text, its extraction)


@dataclass
class TreeMemory:
    """Peak resident memory of a process and its descendants, and the CPU time they used, sampled
    from /proc in a thread (the workers are the forkserver's children, whose CPU time the add
    process never collects)."""

    pid: int
    main_mb: float = 0.0
    worker_mb: float = 0.0  # the largest descendant (an extraction worker)
    total_mb: float = 0.0  # the largest sum over the whole tree at one moment
    cpu: dict[tuple[int, int], float] = field(default_factory=dict)  # (pid, start time) -> CPU seconds
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def main_cpu(self) -> float:
        return sum(seconds for (pid, _), seconds in self.cpu.items() if pid == self.pid)

    @property
    def total_cpu(self) -> float:
        return sum(self.cpu.values())

    def __enter__(self) -> TreeMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()

    def sample(self) -> None:
        tree = _descendants(self.pid)
        total = 0.0
        for pid in [self.pid, *tree]:
            self.cpu.update(_cpu(pid))
            status = _status(pid)
            total += status.get("VmRSS", 0.0)
            peak = status.get("VmHWM", 0.0)
            if pid == self.pid:
                self.main_mb = max(self.main_mb, peak)
            else:
                self.worker_mb = max(self.worker_mb, peak)
        self.total_mb = max(self.total_mb, total)


def _status(pid: int) -> dict[str, float]:
    """The Vm* lines of /proc/PID/status in MB (nothing once the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {key: int(rest.split()[0]) / 1024 for key, _, rest in (line.partition(":") for line in lines)
            if key.startswith("Vm") and rest.strip()}


def _cpu(pid: int) -> dict[tuple[int, int], float]:
    """{(pid, start time): user + system CPU seconds so far} from /proc/PID/stat (nothing once gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return {}
    return {(pid, int(fields[19])): (int(fields[11]) + int(fields[12])) / CLOCK_TICKS}


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(children)
        frontier = children
    return found


def end_to_end(folder: Path, db: Path, extra: list[str]) -> tuple[float, TreeMemory, str]:
    """(seconds, peak memory and CPU time, summary line) of one ``claimtrack add`` of the folder."""
    cmd = [sys.executable, "-m", "claimtrack", "add", str(folder), "--db", str(db), "--quiet", *extra]
    start = time.perf_counter()
    # Run beside the database, not here: ``-m`` would take a claimtrack package in the current
    # directory over the one installed or on PYTHONPATH (a tree of another commit, compared with this one).
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=db.parent)
    assert proc.stdout is not None
    with TreeMemory(proc.pid) as memory:
        out = proc.stdout.read()
        proc.wait()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"claimtrack add failed: {out}")
    return seconds, memory, out.strip().splitlines()[-1]


def extracted(folder: Path, cache: Path | None) -> list[Stored]:
    """Every document of the folder with its extraction, as ``add`` reads them (from the cache when there)."""
    kept = cache / f"{folder.name}-{sum(1 for _ in folder.rglob('*.txt'))}.pickle" if cache else None
    if kept is not None and kept.exists():
        with kept.open("rb") as f:
            stored: list[Stored] = pickle.load(f)
        return stored
    out: list[Stored] = []
    texts: dict[str, str] = {}
    with Extractor[str](extract_text, jobs=0) as extractor:
        for source in ingest.expand([str(folder)]):
            assert isinstance(source, ingest.Source)
            for doc in ingest.read(source):
                assert isinstance(doc, ingest.Document)
                texts[doc.label] = doc.text
                for label, extraction in extractor.put(doc.label, doc.text, encoding=doc.encoding):
                    assert isinstance(extraction, Extraction)
                    out.append((label, texts.pop(label), extraction))
        for label, extraction in extractor.finish():
            assert isinstance(extraction, Extraction)
            out.append((label, texts.pop(label), extraction))
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with kept.open("wb") as f:
            pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
    return out


def store_only(documents: list[Stored], db: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) the store takes to add extracted documents as ``add`` does: look up
    LOOKUP texts at a time, skip the stored, batch the rest."""
    start, cpu = time.perf_counter(), time.process_time()
    with Store.open(str(db)) as store, store.batch() as batch:
        for at in range(0, len(documents), LOOKUP):
            group = documents[at:at + LOOKUP]
            for (label, _, extraction), known in zip(group, batch.stored_files([text for _, text, _ in group]),
                                                     strict=True):
                if known is None:
                    batch.add(extraction, label, lambda _outcome: None)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-store", action="store_true", help="only the end-to-end run")
    parser.add_argument("--no-end-to-end", action="store_true", help="only the store's part")
    parser.add_argument("--cache", type=Path, help="keep extracted corpora here between runs")
    parser.add_argument("--corpus", type=Path, help="keep generated corpora here between runs")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest is shown")
    parser.add_argument("--jobs", type=int, help="add's --jobs (default: add's own)")
    args = parser.parse_args()
    print(f"{'articles':>9} {'seconds':>8} {'art/s':>6} {'CPU s':>6} {'main CPU':>8} {'main MB':>8} "
          f"{'worker MB':>9} {'total MB':>8}   {'store art/s':>11} {'(CPU)':>6}   load   claimtrack says", flush=True)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = (args.corpus or Path(tmp)) / f"corpus-{size}"
            if not folder.exists():
                write_corpus(folder, size)
            row, said = f"{size:9,}", ""
            if args.no_end_to_end:
                row += " " * 60
            else:
                extra = [] if args.jobs is None else ["--jobs", str(args.jobs)]
                seconds, memory, said = min((end_to_end(folder, Path(tmp) / f"end-to-end-{n}.db", extra)
                                             for n in range(args.repeat)), key=lambda run: run[0])
                row += (f" {seconds:8.1f} {size / seconds:6.0f} {memory.total_cpu:6.1f} {memory.main_cpu:8.1f}"
                        f" {memory.main_mb:8.0f} {memory.worker_mb:9.0f} {memory.total_mb:8.0f}")
            store_rate = " " * 18
            if not args.no_store:
                documents = extracted(folder, args.cache)
                wall, cpu = min(store_only(documents, Path(tmp) / f"store-{n}.db") for n in range(args.repeat))
                store_rate = f"{size / wall:11.0f} {size / cpu:6.0f}"
            print(f"{row}   {store_rate}   {os.getloadavg()[0]:4.1f}   {said}", flush=True)


if __name__ == "__main__":
    main()
