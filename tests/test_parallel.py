"""add --jobs: extraction in worker processes stores exactly what one process stores, in order."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from claimtrack.cli import add_cmd
from claimtrack.decode import InputError
from claimtrack.extract import extract_text
from claimtrack.lexicon import LexiconError
from claimtrack.parallel import CHUNK, Extractor, WorkerDied
from claimtrack.records import Extraction
from tests.conftest import EXAMPLES
from tests.test_browse import claims_json
from tests.test_cli import run


def test_jobs_store_the_same_claims_in_the_same_order(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    one = str(tmp_path_factory.mktemp("one") / "one.db")
    assert run("add", str(EXAMPLES), "--quiet", "--jobs", "1", "--db", one)[0] == 0
    code, out, _ = run("add", str(EXAMPLES), "--jobs", "2", "--db", db_url)
    assert code == 0 and "7 articles added" in out
    strip = ("claim_id", "article_id")
    assert [{k: v for k, v in c.items() if k not in strip} for c in claims_json(db_url)] == \
        [{k: v for k, v in c.items() if k not in strip} for c in claims_json(one)]


def test_extractions_come_back_in_the_order_given() -> None:
    texts = [f"At least {n} people were killed, the ministry said." for n in range(1, 2 * CHUNK + 6)]
    with Extractor[int](extract_text, jobs=2) as extractor:
        got = [tag for i, text in enumerate(texts) for tag, _ in extractor.put(i, text)]
        got += [tag for tag, _ in extractor.finish()]
    assert got == list(range(len(texts)))


def _broken(text: str) -> Extraction:
    raise LexiconError("claims.en: broken on purpose")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failure_comes_back_in_place_of_its_document(jobs: int) -> None:
    with Extractor[int](_broken, jobs=jobs) as extractor:
        got = list(extractor.put(0, "x")) + list(extractor.finish())
    assert [tag for tag, _ in got] == [0]
    assert isinstance(got[0][1], LexiconError) and "broken on purpose" in str(got[0][1])


def test_add_refuses_a_document_it_cannot_read_and_stores_the_rest(db: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def too_intricate(text: str, **options: object) -> Extraction:
        if "tangle" in text:
            raise InputError("text too intricate to read: a pattern ran out of time in article 1")
        return extract_text(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(add_cmd, "extract_text", too_intricate)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("At least 12 people were killed, the ministry said.\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("A tangle of 5 killed.\n", encoding="utf-8")
    code, out, _ = run("add", str(tmp_path / "in"), "--quiet", "--jobs", "1", "--db", str(db))
    assert code == 1
    assert "1 article added" in out and "refused" in out and "b.txt: text too intricate to read" in out


def _dies(text: str, **options: object) -> Extraction:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    raise AssertionError("unreachable")


def test_a_worker_that_dies_fails_the_run_instead_of_stalling_it() -> None:
    with Extractor[int](_dies, jobs=2) as extractor, pytest.raises(WorkerDied, match="worker process died"):
        for i in range(CHUNK):
            list(extractor.put(i, "x"))
        list(extractor.finish())


def test_add_says_in_one_line_that_a_worker_died(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(add_cmd, "extract_text", _dies)
    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"{n}.txt").write_text(f"At least {n + 2} people were killed.\n", encoding="utf-8")
    code, _, err = run("add", str(tmp_path / "in"), "--quiet", "--jobs", "2", "--db", str(db))
    assert code == 1 and "Traceback" not in err
    assert err.count("\n") == 1 and "worker process died" in err and "running the same add again" in err
