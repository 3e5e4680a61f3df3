"""add --jobs: extraction in worker processes stores exactly what one process stores, in order."""

from __future__ import annotations

import pytest

from claimtrack.extract import extract_text
from claimtrack.lexicon import LexiconError
from claimtrack.parallel import CHUNK, Extractor
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


def test_a_worker_failure_is_raised_at_its_document() -> None:
    with Extractor[int](_broken, jobs=2) as extractor, pytest.raises(LexiconError, match="broken on purpose"):
        list(extractor.put(0, "x"))
        list(extractor.finish())
