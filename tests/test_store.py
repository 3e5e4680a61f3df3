"""The claim store: schema creation, idempotent add, rollback, filters and user-facing errors.

Tests taking ``store`` or ``db_url`` run on SQLite and, when $CLAIMTRACK_TEST_PG_URL names a server,
on PostgreSQL too."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from claimtrack import store as store_module
from claimtrack.models import SCHEMA_VERSION
from claimtrack.records import Article, Claim, Extraction
from claimtrack.store import AddResult, Store, StoreError, database_url, source_kind
from tests.conftest import sql

EN = "Gaza toll rises\nThe Gaza Health Ministry said 1,618 Palestinians were killed, Reuters reported.\n"
AR = "قالت وزارة الصحة إن 300 ألف نزحوا من منازلهم في غزة.\n"
TEXT = EN + AR


def claim(figure: str, metric: str, value: int | float, *, article: int = 0, source: str | None = None,
          via: tuple[str, ...] = (), location: str | None = "Gaza", subject: str | None = "Palestinians",
          period: str = "cumulative", text: str = TEXT) -> Claim:
    start = text.index(figure)
    return Claim(
        metric=metric, value=value, value_max=None, qualifier="exact", subject=subject,
        location=location, period=period, source=source, via=via, as_of=None,
        start=start, end=start + len(figure), text=figure, sentence=figure, article=article,
        published=None, rule="digits", confidence=0.9, cues=(("source", "said"),), flags=("test",),
    )


def extraction(text: str = TEXT, claims: tuple[Claim, ...] | None = None) -> Extraction:
    split = text.index(AR) if AR in text else len(text)
    articles = (
        Article(index=0, start=0, end=split, title="Gaza toll rises", published=dt.date(2023, 10, 10),
                date_source="given", outlet="Alhurra", lang="en", url="https://example.org/a"),
        Article(index=1, start=split, end=len(text), title=None, published=None, date_source=None,
                outlet=None, lang="ar"),
    )
    if claims is None:
        claims = (
            claim("1,618", "killed", 1618, source="Gaza Health Ministry", via=("Reuters",), text=text),
            claim("300 ألف", "displaced", 300000, article=1, source="Gaza Health Ministry",
                  subject="people", period="unspecified", text=text),
        )
    return Extraction(text=text, encoding="utf-8", articles=articles, claims=claims)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "claims.db"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open store on a new database: an SQLite file, and a PostgreSQL schema when a server is set up."""
    opened = Store.open(db_url)
    yield opened
    opened.close()


def query(db_url: str, statement: str) -> list[tuple[object, ...]]:
    return sql(db_url, statement)


# --- opening ---------------------------------------------------------------------------------------

def test_open_creates_schema_and_version(store: Store, db_url: str) -> None:
    engine = create_engine(database_url(db_url))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"files", "articles", "sources", "source_aliases", "claims", "schema_version"} <= tables
    assert query(db_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert store.article_count() == 0
    assert store.claim_count() == 0


def test_reopen_keeps_data_and_does_not_add_a_version(db_url: str) -> None:
    with Store.open(db_url) as first:
        first.add(extraction(), "a.txt")
    with Store.open(db_url, create=False) as second:
        assert second.claim_count() == 2
    assert query(db_url, "SELECT count(*) FROM schema_version") == [(1,)]


def test_open_in_memory_url() -> None:
    with Store.open("sqlite://") as memory:
        assert memory.add(extraction(), "a.txt").claims_added == 2
        assert memory.claim_count() == 2


def assert_one_line(error: pytest.ExceptionInfo[StoreError]) -> str:
    message = str(error.value)
    assert message and "\n" not in message
    assert "Traceback" not in message and "sqlalche.me" not in message
    return message


def test_open_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        Store.open(str(tmp_path))
    assert assert_one_line(error).startswith(f"cannot open database {tmp_path}:")


def test_open_in_missing_directory_fails(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "claims.db"
    with pytest.raises(StoreError) as error:
        Store.open(str(target))
    assert assert_one_line(error).startswith(f"cannot open database {target}:")
    assert not target.parent.exists()


def test_open_missing_file_without_create_fails(db_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        Store.open(str(db_path), create=False)
    assert_one_line(error)
    assert not db_path.exists()


def test_open_file_that_is_not_sqlite_fails_and_leaves_it_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    content = "not a database, just notes about casualty figures\n" * 50
    notes.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError) as error:
        Store.open(str(notes))
    assert "not a claimtrack database" in assert_one_line(error)
    assert notes.read_text(encoding="utf-8") == content


def test_open_foreign_sqlite_database_fails(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x INTEGER)")
    conn.close()
    with pytest.raises(StoreError) as error:
        Store.open(str(other))
    assert "not a claimtrack database" in assert_one_line(error)


def test_open_newer_schema_version_fails(db_url: str) -> None:
    Store.open(db_url).close()
    sql(db_url, "INSERT INTO schema_version (version, applied_at) VALUES (:version, '2030-01-01 00:00:00')",
        version=SCHEMA_VERSION + 1)
    with pytest.raises(StoreError) as error:
        Store.open(db_url)
    assert "newer" in assert_one_line(error)


def test_open_unavailable_driver_is_a_store_error() -> None:
    # No PostgreSQL driver need be installed here; either way the failure is one line, password hidden.
    with pytest.raises(StoreError) as error:
        Store.open("postgresql+psycopg://user:secret@127.0.0.1:1/claims")
    message = assert_one_line(error)
    assert "secret" not in message


# --- database_url ----------------------------------------------------------------------------------

def test_database_url_option_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "env.db"))
    assert database_url(str(tmp_path / "opt.db")) == f"sqlite:///{tmp_path / 'opt.db'}"


def test_database_url_environment_beats_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "env.db"))
    assert database_url(None) == f"sqlite:///{tmp_path / 'env.db'}"


def test_database_url_default_is_in_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRACK_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url(None) == f"sqlite:///{tmp_path / 'claimtrack.db'}"


def test_database_url_relative_path_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert database_url("sub/x.db") == f"sqlite:///{tmp_path / 'sub' / 'x.db'}"


@pytest.mark.parametrize("url", ["sqlite:////tmp/x.db", "sqlite://", "postgresql+psycopg://u:p@h/db"])
def test_database_url_passes_urls_through(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", "/elsewhere.db")
    assert database_url(url) == url


def test_open_uses_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "env.db"))
    Store.open(None).close()
    assert (tmp_path / "env.db").exists()


# --- add -------------------------------------------------------------------------------------------

def test_add_stores_file_articles_and_claims(store: Store, db_url: str) -> None:
    result = store.add(extraction(), "a.txt")
    assert result == AddResult(articles_added=2, articles_already_stored=0, claims_added=2,
                               article_ids=(1, 2))
    assert store.article_count() == 2
    assert store.claim_count() == 2
    [(path, text, encoding, size)] = query(db_url, "SELECT path, text, encoding, size_bytes FROM files")
    assert (path, text, encoding) == ("a.txt", TEXT, "utf-8")
    assert size == len(TEXT.encode("utf-8"))  # a.txt is not on disk: the re-encoded size
    article_texts = [row[0] for row in query(db_url, "SELECT text FROM articles ORDER BY id")]
    assert article_texts == [EN, AR]


def test_add_records_file_size_on_disk(store: Store, tmp_path: Path, db_url: str) -> None:
    saved = tmp_path / "saved.txt"
    saved.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))  # a BOM the decoded text no longer has
    store.add(extraction(), str(saved))
    assert query(db_url, "SELECT size_bytes FROM files") == [(len(TEXT.encode("utf-8")) + 3,)]


def test_stored_claim_round_trips(store: Store) -> None:
    store.add(extraction(), "a.txt")
    killed, displaced = store.claims()
    assert (killed.metric, killed.value, killed.value_max) == ("killed", 1618, None)
    assert isinstance(killed.value, int)
    assert killed.via == ("Reuters",)
    assert killed.source == "Gaza Health Ministry"
    assert (killed.published, killed.outlet, killed.article_title) == (dt.date(2023, 10, 10), "Alhurra",
                                                                     "Gaza toll rises")
    assert killed.text == "1,618"
    assert displaced.text == "300 ألف"
    assert displaced.value == 300000
    assert displaced.published is None and displaced.period == "unspecified"


def test_claim_offsets_point_into_the_file_text(store: Store, db_url: str) -> None:
    store.add(extraction(), "a.txt")
    rows = query(db_url, "SELECT f.text, c.start, c.\"end\", c.text FROM claims c "
                          "JOIN articles a ON a.id = c.article_id JOIN files f ON f.id = a.file_id")
    for file_text, start, end, figure in rows:
        assert isinstance(file_text, str) and isinstance(start, int) and isinstance(end, int)
        assert file_text[start:end] == figure


def test_add_twice_is_idempotent(store: Store, db_url: str) -> None:
    first = store.add(extraction(), "a.txt")
    second = store.add(extraction(), "copy-of-a.txt")
    assert second == AddResult(articles_added=0, articles_already_stored=2, claims_added=0,
                               article_ids=first.article_ids)
    assert store.article_count() == 2
    assert store.claim_count() == 2
    assert query(db_url, "SELECT count(*), min(path) FROM files") == [(1, "a.txt")]


def test_same_article_in_another_file_is_stored_once(store: Store, db_url: str) -> None:
    store.add(extraction(), "a.txt")
    other_text = "Another page\n" + AR
    other = Extraction(
        text=other_text, encoding="cp1256",
        articles=(Article(0, 0, 13, "Another page", None, None, None, "en"),
                  Article(1, 13, len(other_text), None, None, None, None, "ar")),
        claims=(claim("300 ألف", "displaced", 300000, article=1, text=other_text),),
    )
    result = store.add(other, "b.txt")
    assert (result.articles_added, result.articles_already_stored, result.claims_added) == (1, 1, 0)
    assert result.article_ids[1] == 2  # the stored copy of the Arabic article
    assert query(db_url, "SELECT count(*) FROM files") == [(2,)]
    assert store.claim_count() == 2


def test_fractional_values_round_trip_and_whole_floats_become_ints(store: Store) -> None:
    text = "2.5 million displaced, 2,000.0 wounded"
    claims = (claim("2.5 million", "displaced", 2_500_000.0, text=text),
              claim("2,000.0", "wounded", 2000.0, text=text),
              claim("2.5", "missing", 2.5, text=text))
    store.add(Extraction(text, "utf-8", (Article(0, 0, len(text), None, None, None, None, "en"),), claims),
              "f.txt")
    values = [stored.value for stored in store.claims()]
    assert values == [2_500_000, 2000, 2.5]
    assert [type(v) for v in values] == [int, int, float]


def test_sources_are_created_once_with_a_kind(store: Store, db_url: str) -> None:
    text = "Israeli army: 20 rockets. Ministry: 30 killed. Reuters: 40 wounded. Gaza 50 missing."
    claims = (claim("20", "rockets", 20, source="Israeli army", text=text),
              claim("30", "killed", 30, source="Gaza Health Ministry", text=text),
              claim("40", "wounded", 40, source="Reuters", text=text),
              claim("50", "missing", 50, source="Gaza Health Ministry", text=text))
    store.add(Extraction(text, "utf-8", (Article(0, 0, len(text), None, None, None, None, "en"),), claims),
              "s.txt")
    assert query(db_url, "SELECT name, kind FROM sources ORDER BY name") == [
        ("Gaza Health Ministry", "ministry"), ("Israeli army", "army"), ("Reuters", "agency")]
    linked = query(db_url, "SELECT c.source, s.name FROM claims c JOIN sources s ON s.id = c.source_id")
    assert all(source == name for source, name in linked) and len(linked) == 4


@pytest.mark.parametrize(("name", "kind"), [
    ("Gaza Health Ministry", "ministry"), ("Israeli army", "army"), ("AFP", "agency"),
    ("Hezbollah", "armed_group"), ("Israeli television channels", "media"), ("UNRWA", "un"),
    ("WHO", "un"), ("Apple", "other"), ("a name as printed", "other"),
])
def test_source_kind(name: str, kind: str) -> None:
    """Kinds come from sources.toml, the one list of canonical sources."""
    assert source_kind(name) == kind


# --- rollback --------------------------------------------------------------------------------------

def assert_empty(store: Store, db_url: str) -> None:
    assert store.article_count() == 0
    assert store.claim_count() == 0
    for table in ("files", "articles", "sources", "claims"):
        assert query(db_url, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_constraint_violation_rolls_back_everything(store: Store, db_url: str) -> None:
    good, bad = extraction().claims
    broken = Claim(**{**{f: getattr(bad, f) for f in bad.__dataclass_fields__}, "metric": None})
    with pytest.raises(StoreError) as error:
        store.add(extraction(claims=(good, broken)), "a.txt")
    assert_one_line(error).startswith("cannot add a.txt:")
    assert_empty(store, db_url)


def test_failure_mid_add_rolls_back_everything(store: Store, db_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    original = store_module.new_claim_row
    calls = []

    def fail_on_second(claim: Claim, article_id: int, source_ids: dict[str, int], article: object) -> object:
        calls.append(claim)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(claim, article_id, source_ids, article)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "new_claim_row", fail_on_second)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.add(extraction(), "a.txt")
    assert_empty(store, db_url)
    monkeypatch.undo()
    assert store.add(extraction(), "a.txt").claims_added == 2  # nothing half-written blocks a retry


def test_claim_of_unknown_article_rolls_back(store: Store, db_url: str) -> None:
    with pytest.raises(StoreError) as error:
        store.add(extraction(claims=(claim("1,618", "killed", 1618, article=5),)), "a.txt")
    assert "article 5" in assert_one_line(error)
    assert_empty(store, db_url)


def test_offsets_outside_the_text_are_refused(store: Store, db_url: str) -> None:
    bad = Article(0, 0, len(TEXT) + 10, None, None, None, None, "en")
    with pytest.raises(StoreError) as error:
        store.add(Extraction(TEXT, "utf-8", (bad,)), "a.txt")
    assert "outside the file text" in assert_one_line(error)
    assert_empty(store, db_url)


# --- queries ---------------------------------------------------------------------------------------

@pytest.fixture
def filled(store: Store) -> Store:
    text = "100 killed in Gaza; 7 soldiers killed in Israel; 40 wounded in Gaza; 12 قتيلا في لبنان"
    claims = (
        claim("100", "killed", 100, source="Gaza Health Ministry", text=text),
        claim("7", "killed", 7, location="Israel", subject="soldiers", source="Israeli army", text=text),
        claim("40", "wounded", 40, source="Gaza Health Ministry", text=text),
        claim("12", "killed", 12, location="لبنان", subject=None, source=None, text=text),
    )
    store.add(Extraction(text, "utf-8", (Article(0, 0, len(text), None, None, None, None, "en"),), claims),
              "q.txt")
    return store


@pytest.mark.parametrize(("filters", "values"), [
    ({}, [100, 7, 40, 12]),
    ({"metric": "killed"}, [100, 7, 12]),
    ({"metric": "KILLED", "location": "gaza"}, [100]),
    ({"subject": "SOLDIERS"}, [7]),
    ({"source": "gaza health ministry"}, [100, 40]),
    ({"source": "Gaza Health"}, []),  # exact, not a substring
    ({"location": "لبنان"}, [12]),
    ({"metric": "killed", "source": "Israeli Army", "location": "israel", "subject": "soldiers"}, [7]),
    ({"location": "Gaza' OR '1'='1"}, []),  # parameterised: a quote is just a character
])
def test_claim_filters(filled: Store, filters: dict[str, str], values: list[int]) -> None:
    assert [stored.value for stored in filled.claims(**filters)] == values


def test_source_filter_matches_aliases(filled: Store, db_url: str) -> None:
    sql(db_url, "INSERT INTO source_aliases (source_id, alias, lang) "
                "SELECT id, 'وزارة الصحة', 'ar' FROM sources WHERE name = 'Gaza Health Ministry'")
    assert [stored.value for stored in filled.claims(source="وزارة الصحة")] == [100, 40]


def test_a_refused_document_in_a_batch_takes_only_its_own_rows_back(store: Store, db_url: str) -> None:
    # The second document creates a source, then fails (a figure without a finite value): its
    # savepoint undoes the source, and the third document, credited to it too, creates it again.
    texts = [f"{EN}Report {n}: 12 were killed.\n" for n in range(3)]
    docs = [extraction(text, (claim("12", "killed", value, source=source, text=text),))
            for text, value, source in zip(texts, (12, float("inf"), 12),
                                           ("Gaza Health Ministry", "Civil Defence", "Civil Defence"), strict=True)]
    outcomes: list[AddResult | StoreError] = []
    with store.batch() as batch:
        for n, doc in enumerate(docs):
            batch.add(doc, f"{n}.txt", outcomes.append)
    assert [type(outcome) for outcome in outcomes] == [AddResult, StoreError, AddResult]
    assert "no finite value" in str(outcomes[1])
    assert query(db_url, "SELECT name FROM sources ORDER BY name") == [("Civil Defence",), ("Gaza Health Ministry",)]
    assert query(db_url, "SELECT f.path, count(c.id) FROM files f JOIN articles a ON a.file_id = f.id "
                 "JOIN claims c ON c.article_id = a.id GROUP BY f.path ORDER BY f.path") == [("0.txt", 1), ("2.txt", 1)]


def test_a_document_the_database_refuses_in_a_batch_takes_only_its_own_rows_back(store: Store, db_url: str) -> None:
    # The batch is written a table at a time; the database refusing one row (a claim without a
    # metric) sends it back to one savepoint per document, and only that document is refused.
    texts = [f"{EN}Report {n}: 12 were killed.\n" for n in range(4)]
    docs = [extraction(text, (claim("12", "killed", 12, source="Civil Defence", text=text),)) for text in texts]
    bad = docs[2].claims[0]
    docs[2] = extraction(texts[2], (Claim(**{**{f: getattr(bad, f) for f in bad.__dataclass_fields__},
                                            "metric": None}),))
    outcomes: list[AddResult | StoreError] = []
    with store.batch() as batch:
        for n, doc in enumerate(docs):
            batch.add(doc, f"{n}.txt", outcomes.append)
    assert [type(outcome) for outcome in outcomes] == [AddResult, AddResult, StoreError, AddResult]
    assert str(outcomes[2]).startswith("cannot add 2.txt:")
    assert query(db_url, "SELECT f.path, count(c.id) FROM files f JOIN articles a ON a.file_id = f.id "
                 "JOIN claims c ON c.article_id = a.id GROUP BY f.path ORDER BY f.path") == [
        ("0.txt", 1), ("1.txt", 1), ("3.txt", 1)]
    assert query(db_url, "SELECT count(*) FROM figures") == [(1,)]  # the three stored claims repeat one figure
