"""The store under many writers and under a crash: nothing lost, nothing half-stored.

* four processes add 25 files each to one new SQLite database at the same moment;
* a batch ``add`` killed with SIGKILL part-way leaves a sound database that a rerun completes;
* a lock held longer than SQLite's own wait is outlasted by retrying the whole transaction.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from claimtrack import store as store_module
from claimtrack.extract import extract_text
from claimtrack.store import Store, StoreError
from tests.writer_process import add_folder

WRITERS = 4
FILES_PER_WRITER = 25

_EN = """Floods in district {n}

RIVERTON, March {day}, 2025 — At least {killed} people have been killed in the floods in district {n}, \
the regional health ministry said. The ministry added that {missing} people were still missing.

Rescue teams reached {wounded} wounded residents overnight, the Red Crescent said.
"""
_AR = """سيول في المنطقة {n}

قالت وزارة الصحة يوم {day} مارس/آذار 2025 إن {killed} شخصا قتلوا في السيول التي ضربت المنطقة {n}، \
وأضافت أن {missing} آخرين ما زالوا في عداد المفقودين.
"""


def article(n: int) -> str:
    """A small article of its own (no two share a text), English or Arabic."""
    template = _AR if n % 2 else _EN
    return template.format(n=n, day=1 + n % 28, killed=10 + n, missing=3 + n % 40, wounded=20 + 2 * n)


def write_articles(folder: Path, numbers: range) -> dict[str, str]:
    """Article files in ``folder``, by path."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {}
    for n in numbers:
        path = folder / f"article-{n:04d}.txt"
        texts[str(path)] = article(n)
        path.write_text(texts[str(path)], encoding="utf-8")
    return texts


def claims_by_file(db: Path) -> Counter[str]:
    """How many claims the database holds for the articles of each stored file."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT f.path, count(c.id) FROM files f JOIN articles a ON a.file_id = f.id "
                            "LEFT JOIN claims c ON c.article_id = a.id GROUP BY f.path").fetchall()
    conn.close()
    return Counter(dict(rows))


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        (result,) = conn.execute("PRAGMA integrity_check").fetchone()
    conn.close()
    return str(result)


# --- many writers ------------------------------------------------------------------------------------

def add_from_four_processes(db: str, tmp_path: Path) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Write WRITERS folders of articles and add each from a process of its own, all released at
    once: (the claims each file should give, each process's exit code and output)."""
    expected: dict[str, int] = {}
    folders = []
    for w in range(WRITERS):
        folder = tmp_path / f"writer-{w}"
        texts = write_articles(folder, range(w * FILES_PER_WRITER, (w + 1) * FILES_PER_WRITER))
        expected |= {path: len(extract_text(text).claims) for path, text in texts.items()}
        folders.append(folder)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=add_folder, args=(str(f), db, start, results)) for f in folders]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    return expected, outcomes


@pytest.mark.slow
def test_four_processes_adding_at_once_store_everything(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"  # not created yet: the four also race to create the schema
    expected, outcomes = add_from_four_processes(str(db), tmp_path)
    for code, output in outcomes:
        assert code == 0, output
        assert "locked" not in output
    assert claims_by_file(db) == Counter(expected)
    assert sum(expected.values()) > 2 * len(expected)  # the articles do carry claims
    assert integrity(db) == "ok"


def test_a_new_database_file_is_private_to_its_owner(tmp_path: Path) -> None:
    db = tmp_path / "private.db"
    old = os.umask(0o022)
    try:
        Store.open(str(db)).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_an_existing_database_keeps_its_permissions(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    Store.open(str(db)).close()
    db.chmod(0o640)  # a team chose to share it
    Store.open(str(db)).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o640


# --- retry when another writer holds the lock too long -----------------------------------------------

@pytest.fixture
def impatient(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite waits 20 ms for a lock, so a lock held longer reaches the retry loop at once."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(store_module, "LOCK_BACKOFF", 0.02)


def _hold_write_lock(db: Path, seconds: float, taken: threading.Event) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    taken.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def _locked_for(db: Path, seconds: float) -> threading.Thread:
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db, seconds, taken))
    holder.start()
    taken.wait()
    return holder


def test_add_outlasts_a_lock_held_longer_than_the_busy_timeout(tmp_path: Path, impatient: None) -> None:
    db = tmp_path / "claims.db"
    text = article(1)
    with Store.open(str(db)) as store:
        holder = _locked_for(db, 0.3)
        result = store.add(extract_text(text), "a.txt")
        holder.join()
        assert result.articles_added == 1 and store.claim_count() == len(extract_text(text).claims)


def test_a_lock_that_never_ends_is_one_line_error(tmp_path: Path, impatient: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "LOCK_RETRIES", 2)
    db = tmp_path / "claims.db"
    with Store.open(str(db)) as store:
        holder = _locked_for(db, 0.5)
        with pytest.raises(StoreError, match=r"^cannot add a\.txt: database is locked$"):
            store.add(extract_text(article(1)), "a.txt")
        holder.join()
        assert store.article_count() == 0


# --- crash ---------------------------------------------------------------------------------------------

BATCH = 2 * store_module.BATCH_DOCUMENTS + 24  # articles: more than one transaction's worth
KILL_AFTER = 20  # articles stored before the kill


def _stored_articles(db: Path) -> int:
    """Articles committed so far, read without creating or locking anything."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
    except sqlite3.Error:  # not created yet, or the schema not yet committed
        return 0
    return int(count)


def _add_command(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "claimtrack", "add", str(folder), "--db", str(db), "--quiet"]


@pytest.mark.slow
def test_a_batch_killed_part_way_leaves_whole_articles_and_a_rerun_completes(tmp_path: Path) -> None:
    folder, db = tmp_path / "batch", tmp_path / "claims.db"
    texts = write_articles(folder, range(BATCH))
    expected = {path: len(extract_text(text).claims) for path, text in texts.items()}
    env = {k: v for k, v in os.environ.items() if k != "CLAIMTRACK_DB"}
    proc = subprocess.Popen(_add_command(folder, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while _stored_articles(db) < KILL_AFTER and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"the batch ended before the kill: {err.decode()}"

    assert integrity(db) == "ok"
    stored = claims_by_file(db)
    assert KILL_AFTER <= len(stored) < BATCH
    for path, count in stored.items():  # every stored article has all its claims
        assert count == expected[path], path

    rerun = subprocess.run(_add_command(folder, db), capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert claims_by_file(db) == Counter(expected)
    assert integrity(db) == "ok"
