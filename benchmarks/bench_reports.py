"""How fast `claimtrack diff` reports on a large database: seconds for one metric over 1,000,000 claims.

Run on demand (not part of the tests):

    python benchmarks/bench_reports.py [--claims 1000000] [--articles 50000] [--db PATH] [--keep] [--tables]

It builds an SQLite database through claimtrack's own schema, inserting rows directly (no
extraction), shaped like wire reporting: every day each source of each place issues one bulletin
(a running toll per subject, a daily toll, the toll of one strike, stocks such as hostages held),
and the articles of the following days relay those bulletins, so most figures are printed by
many outlets. The claims are then grouped into the figures table by the function the schema
migration uses (claimtrack.figures.rebuild). Then it times, through the library and through the
CLI (output thrown away), and prints seconds for: ``diff --metric killed``, the same narrowed to
one place, and to one outlet (which groups that outlet's claims afresh), and ``claims --source X``
(the CLI's default 50 claims and the count of all that match); with --tables, diff's tables of
every series too. The target is 0.5 s for each library call but the outlet one, which has none.
A database given with --db is reused when it already exists. Each line gives the best of five
runs in wall-clock seconds and, in brackets, in CPU seconds of this process, which other jobs on
a shared machine disturb far less. ``diff``'s table and chart read the series without the lists
of claim ids, article ids and outlets (``lists=False``), as the command does; --json and --csv
read them.

Measured on 1,000,000 claims / 50,000 articles (60,074 killed figures), on 2 shared cores
(load average about 1.2), --db reused:

- ``load_series(metric=killed, lists=False)``: 0.30 s (cpu 0.30; 0.25-0.31 over repeated runs,
  0.51 with a test run beside it); timed apart, in a noisier run: the index read a kind of
  period at a time 0.28, the series built 0.18; with the lists 0.53 s;
- narrowed to Gaza 0.10 s; ``find_claims(source=...)`` 0.08 s, newest first 0.10 s.

Before the read by kind of period and the rows built as tuples (same database, load about 1):
load_series(metric=killed, lists=False) 0.36-0.41 s CPU; before that, at load 2: 0.48 s (read
0.22, build 0.25); the CLI: --json 6.5 s, --csv 2.8 s, Gaza over 30 days 2.1 s, claims --source
0.23 s.

Before schema version 4 (the figures table's rows visited in the order of its index, then a
Python loop per row), at the same load: load_series(metric=killed) cpu 0.97 s (read 0.47, build
0.30), Gaza 0.21 s; 0.67-1.5 s of wall time; the CLI's --json 14.7 s and --csv 6.5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from itertools import accumulate
from pathlib import Path

from typer.testing import CliRunner

from claimtrack import figures
from claimtrack.cli import app
from claimtrack.queries import ClaimFilter, find_claims
from claimtrack.report import period_key, series_subject
from claimtrack.series_query import Filters, fetch_figures, load_series, stored_kinds
from claimtrack.series_rows import series_from_rows
from claimtrack.store import Store, source_kind

START = dt.date(2023, 10, 7)
DAYS = 420
# place -> (weight, sources reporting on it)
PLACES: dict[str | None, tuple[float, tuple[str | None, ...]]] = {
    "Gaza": (0.45, ("Gaza Health Ministry", "Gaza Civil Defence", "UN OCHA", None)),
    "Israel": (0.10, ("Israeli army", "Israeli Government Press Office", None)),
    "southern Lebanon": (0.12, ("Lebanese Health Ministry", "Hezbollah", "Israeli army")),
    "West Bank": (0.10, ("Palestinian Health Ministry", "WAFA", "UN OCHA")),
    "Khartoum": (0.06, ("Sudan Federal Ministry of Health", "Sudanese Red Crescent")),
    "Darfur": (0.04, ("Sudan Federal Ministry of Health", "UN OCHA")),
    "Kharkiv": (0.03, ("Ukrainian officials", None)),
    None: (0.10, ("Gaza Health Ministry", "Israeli army", None)),
}
SOURCE_IDS = {name: i for i, name in enumerate(sorted({s for _, named in PLACES.values() for s in named if s}), 1)}
# metric -> (weight, daily growth of its running toll)
METRICS = {
    "killed": (0.36, 60), "wounded": (0.24, 150), "displaced": (0.08, 4000), "hostages": (0.06, 0),
    "missing": (0.06, 10), "detained": (0.05, 20), "rockets": (0.05, 40), "released": (0.03, 3),
    "airstrikes": (0.03, 30), "drones": (0.02, 5), "troops": (0.02, 0),
}
# What a bulletin gives for a metric: (subject, period) items, and how often articles quote each.
ITEMS = ((None, "cumulative", 0.45), ("children", "cumulative", 0.12), ("women", "cumulative", 0.06),
         ("soldiers", "cumulative", 0.04), (None, "period", 0.18), (None, "event", 0.1), (None, None, 0.05))
WHOLE = (None, "people", "Palestinians")  # ways articles word the whole population
QUALIFIERS = ("exact", "exact", "exact", "at_least", "more_than", "approx")
OUTLETS = [f"Outlet {i}" for i in range(40)] + [f"صحيفة رقم {i}" for i in range(20)]
RELAYS = ((), ("Reuters",), ("AFP",), ("AP",), ("WAFA",))
SENTENCE = "The toll rose to {n} people killed since the war began, {s} said on {d}, in a statement relayed by {o}."
ARTICLE = ("Residents described a night of heavy bombardment and said they had nowhere safe to go. "
           "Aid agencies warned that supplies of fuel, food and medicine were running out. ") * 8


TARGET = 0.5  # seconds, for each library call
PLACE = "Gaza"  # the place diff is narrowed to
OUTLET = "Outlet 7"  # the outlet diff is narrowed to: its claims are grouped afresh, not read from the table
SOURCE = "Gaza Health Ministry"  # the source claims lists
CLAIMS_SHOWN = 50  # what `claims` shows unless told otherwise


def stable(*parts: object) -> int:
    """A hash that is the same in every run (Python's own is salted per process)."""
    return zlib.crc32("/".join(map(str, parts)).encode())


def bulletin_value(metric: str, place: str | None, source: str | None, subject: str | None, period: str | None,
                   day: int) -> int:
    """The figure a source gives on a day: a running toll that grows, with sources a little apart."""
    growth = METRICS[metric][1]
    share = {"children": 0.4, "women": 0.25, "soldiers": 0.05}.get(subject or "", 1.0)
    offset = (stable(place, source) % 7) / 100  # each source's count runs a few percent apart
    if period == "cumulative":
        return int((1000 + growth * day) * share * (1 + offset))
    if period == "period":
        return max(0, int(growth * share * (0.5 + stable(day) % 100 / 100)))
    if period == "event":
        return 3 + stable(day, source) % 40
    return int(240 * share + day % 5)  # a stock (hostages held, people missing)


def claim_rows(claims: int, outlets: list[str], seed: int, reviewed: float = 0.005,
               days: int = DAYS) -> Iterator[tuple[object, ...]]:
    """Claim rows for the claims table: each article relays figures of the bulletins of its day or just before.

    ``outlets`` holds each article's outlet (article ids count from 1), which its claims copy.
    """
    articles = len(outlets)
    rng = random.Random(seed)
    places = list(PLACES)
    place_weights = list(accumulate(PLACES[p][0] for p in places))
    metrics = list(METRICS)
    metric_weights = list(accumulate(METRICS[m][0] for m in metrics))
    item_weights = list(accumulate(weight for _, _, weight in ITEMS))
    per_article = claims // articles
    claim_id = 0
    for article_id in range(1, articles + 1):
        day = (article_id - 1) * days // articles
        published = (START + dt.timedelta(days=day)).isoformat()
        for _ in range(per_article):
            claim_id += 1
            place = rng.choices(places, cum_weights=place_weights)[0]
            source = rng.choice(PLACES[place][1])
            metric = rng.choices(metrics, cum_weights=metric_weights)[0]
            subject, period, _ = rng.choices(ITEMS, cum_weights=item_weights)[0]
            lag = rng.choices((0, 1, 2), (0.7, 0.25, 0.05))[0]  # relaying yesterday's bulletin
            figure_day = max(0, day - lag)
            value = bulletin_value(metric, place, source, subject, period, figure_day)
            if rng.random() < 0.01:  # a misread or misprinted figure
                value = value * 10 + 1
            as_of = (START + dt.timedelta(days=figure_day)).isoformat() if lag or rng.random() < 0.3 else None
            qualifier = QUALIFIERS[stable(place, source, metric, period) % len(QUALIFIERS)]
            review = rng.random() / reviewed if reviewed else 1.0  # a fraction `reviewed` of claims is reviewed
            status = "verified" if review < 0.8 else "disputed" if review < 1 else None
            reviewed_value = value + 1 if review < 0.1 else None
            sentence = SENTENCE.format(n=value, s=source or "officials", d=as_of or "Tuesday", o="a wire")
            start = sentence.index(str(value))
            worded = rng.choice(WHOLE) if subject is None else subject
            yield (claim_id, article_id, metric, value, None, None, qualifier, worded, place, period, source,
                   SOURCE_IDS.get(source or ""), json.dumps(list(rng.choice(RELAYS))), as_of, start,
                   start + len(str(value)), str(value), sentence, 0, "digits", 0.9, "[]", "[]", "2024-01-01 00:00:00",
                   status, reviewed_value, None, None,
                   as_of or published, outlets[article_id - 1], series_subject(worded), period_key(period))


def build(path: Path, claims: int, articles: int, seed: int = 7, reviewed: float = 0.005, days: int = DAYS) -> None:
    """A claimtrack database at ``path`` holding ``claims`` claims over ``articles`` articles published over ``days``.

    A fraction ``reviewed`` of the claims carries a review status, a tenth of those a corrected value.
    """
    Store.open(str(path)).close()  # claimtrack's own schema, views and indexes
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(seed)
    # Inserting first and indexing after is several times faster than keeping the indexes up to date.
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims' "
                           "AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    with conn:
        conn.executemany("INSERT INTO files (id, path, sha256, encoding, text, size_bytes, added_at) "
                         "VALUES (?, ?, ?, 'utf-8', '', 0, '2024-01-01 00:00:00')",
                         [(i, f"feed-{i}.jsonl", f"file-{i}") for i in range(1, 101)])
        conn.executemany("INSERT INTO sources (id, name, kind) VALUES (?, ?, ?)",
                         [(i, name, source_kind(name)) for name, i in SOURCE_IDS.items()])
        outlets = [rng.choice(OUTLETS) for _ in range(articles)]
        conn.executemany(
            "INSERT INTO articles (id, file_id, index_in_file, start, \"end\", text, sha256, title, outlet, "
            "published, date_source, lang, added_at) VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, ?, 'given', 'en', "
            "'2024-01-01 00:00:00')",
            [(i, 1 + i % 100, i // 100, f"Article {i}. {ARTICLE}", f"article-{i}", f"Toll rises, day {i}",
              outlets[i - 1], (START + dt.timedelta(days=(i - 1) * days // articles)).isoformat())
             for i in range(1, articles + 1)])
        conn.executemany(
            "INSERT INTO claims (id, article_id, metric, value, value_real, value_max, qualifier, subject, location, "
            "period, source, source_id, via, as_of, start, \"end\", text, sentence, sentence_start, rule, confidence, "
            "cues, flags, created_at, review_status, reviewed_value, reviewed_metric, reviewed_source, figure_date, "
            "outlet, series_subject, period_kind) VALUES (" + ", ".join("?" * 32) + ")",
            claim_rows(claims, outlets, seed, reviewed, days))
        for _, statement in indexes:
            conn.execute(statement)
    conn.execute("ANALYZE")
    conn.close()
    # The figures of the claims inserted above, grouped by the function the schema migration uses
    # (adding claims through the store refreshes the same rows figure by figure).
    with Store.open(str(path), create=False) as store:
        written = store.write(lambda session: figures.rebuild(session.connection()), "group the figures")
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")  # the figures table's statistics too
    conn.close()
    print(f"grouped into {written:,} figures", file=sys.stderr)


def timed(what: str, action: Callable[[], object], runs: int = 5) -> float:
    """Best of ``runs`` wall-clock seconds (the first run also warms the page cache); the best
    seconds of this process's CPU time are printed beside them, which other processes on a
    shared machine disturb far less."""
    best = cpu = float("inf")
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        action()
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    print(f"{what:<48} {best:6.3f} s  (cpu {cpu:.3f} s)")
    return best


def paused(action: Callable[[], object]) -> object:
    """Run ``action`` with the cycle collector paused, as load_series runs its Python part."""
    gc.disable()
    try:
        return action()
    finally:
        gc.enable()


def run_cli(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    if result.exit_code != 0:
        raise SystemExit(f"claimtrack {' '.join(args)} failed: {result.stderr or result.exception}")


def report_timings(db: str) -> dict[str, float]:
    """Time the library calls behind ``diff`` and ``claims``; the seconds of each that has a target.

    ``diff``'s table (and chart) reads the series without the lists of claim ids, article ids and
    outlets (``lists=False``), as the command does; --json and --csv read them too (no target).
    """
    killed, in_gaza = Filters(metric="killed"), Filters(metric="killed", location=PLACE)
    by_outlet = Filters(metric="killed", outlet=OUTLET)
    with Store.open(db, create=False) as store:
        series = load_series(store, killed)
        rows = sum(len(s.rows) for s in series)
        claims = sum(len(r.claim_ids) for s in series for r in s.rows)
        print(f"diff --metric killed: {len(series)} series, {rows:,} rows standing for {claims:,} claims")
        kinds = stored_kinds(store, killed, lists=False)
        timed("  database: the figures' index, a kind of period at a time",
              lambda: paused(lambda: stored_kinds(store, killed, lists=False)))
        timed("  python: series rows and flags from those rows",
              lambda: paused(lambda: series_from_rows("killed", kinds, ordered=True)))
        timed("library: load_series(metric=killed) with the lists (--json, --csv)",
              lambda: load_series(store, killed))
        figures = fetch_figures(store, by_outlet)
        print(f"diff --metric killed --outlet {OUTLET!r} (claims grouped afresh, no target): {len(figures):,} figures")
        timed(f"library: load_series(metric=killed, outlet={OUTLET!r})", lambda: load_series(store, by_outlet))
        found, total = find_claims(store, ClaimFilter(source=SOURCE), limit=CLAIMS_SHOWN)
        print(f"claims --source {SOURCE!r}: {len(found)} shown of {total:,}")
        return {
            "diff --metric killed": timed("library: load_series(metric=killed, lists=False)",
                                          lambda: load_series(store, killed, lists=False)),
            f"diff --metric killed --location {PLACE}": timed(
                f"library: load_series(metric=killed, location={PLACE}, lists=False)",
                lambda: load_series(store, in_gaza, lists=False)),
            f"claims --source {SOURCE!r}": timed(
                f"library: find_claims(source=..., limit={CLAIMS_SHOWN})",
                lambda: find_claims(store, ClaimFilter(source=SOURCE), limit=CLAIMS_SHOWN)),
            f"claims --source {SOURCE!r} --newest": timed(
                "library: find_claims(source=..., newest first)",
                lambda: find_claims(store, ClaimFilter(source=SOURCE), limit=CLAIMS_SHOWN, newest_first=True)),
        }


def cli_timings(db: str, tables: bool) -> None:
    """Time the commands themselves, output thrown away (the tables of every series only when asked:
    drawing 60,000 rows takes minutes)."""
    if tables:
        timed("cli: diff --metric killed (tables)", lambda: run_cli("diff", "--metric", "killed", "--db", db), runs=1)
    timed("cli: diff --metric killed --json", lambda: run_cli("diff", "--metric", "killed", "--db", db, "--json"),
          runs=2)
    timed("cli: diff --metric killed --csv", lambda: run_cli("diff", "--metric", "killed", "--db", db, "--csv"),
          runs=2)
    timed(f"cli: diff --metric killed --location {PLACE} --since (30 days)",
          lambda: run_cli("diff", "--metric", "killed", "--db", db, "--location", PLACE,
                          "--since", (START + dt.timedelta(days=DAYS - 30)).isoformat()), runs=1)
    timed(f"cli: claims --source {SOURCE!r}", lambda: run_cli("claims", "--source", SOURCE, "--db", db))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="database to build, or to reuse when it exists")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--tables", action="store_true", help="time diff's tables too (minutes)")
    args = parser.parse_args()
    folder = None if args.db else Path(tempfile.mkdtemp(prefix="claimtrack-bench-"))
    path: Path = args.db if folder is None else folder / "bench.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.claims, args.articles)
        print(f"built {args.claims:,} claims over {args.articles:,} articles in "
              f"{time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    db = str(path)
    targets = report_timings(db)
    cli_timings(db, args.tables)
    if folder is not None and not args.keep:
        shutil.rmtree(folder)
    elif folder is not None:
        print(f"database kept at {path}")
    for what, seconds in targets.items():
        print(f"target: {what} at most {TARGET} s: {'met' if seconds <= TARGET else 'MISSED'} ({seconds:.3f} s)")
    sys.exit(0)


if __name__ == "__main__":
    main()
