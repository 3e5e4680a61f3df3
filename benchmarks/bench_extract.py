"""How fast `claimtrack extract` reads: characters per second on ~2 MB of news-like text.

Run on demand (not part of the tests):

    python benchmarks/bench_extract.py [--mb 2] [--peer]

It writes a file of generated wire-style paragraphs in English and in Arabic (one figure
sentence in three, as in casualty reporting), extracts each file once to warm up and then
times a second run. With --peer it also times quantulum3 (if installed) on the same English
text and prints the ratio.

Measured 2026-11-30 (2 cores, AMD EPYC, load ~1), best of three runs:

    build              en chars/s   ar chars/s
    mypyc-compiled      1,320,000    1,190,000   (a regular `pip install .`)
    pure Python           740,000      700,000   (an editable install)

quantulum3 0.10.0 (without its optional classifier) read 3,600 characters/s of the same English
text in the same run: the compiled build is ~365x faster. End to end, `claimtrack extract FILE
--json` on the 2 MB files (process start, imports, lexicons, decoding and JSON included) takes
1.9-2.1 s compiled: ~1.0 M characters/s. On the machine of the measurements before (see
bench_scale.py) the same compiled code read 383k (en) and 252k (ar) characters/s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from claimtrack import compiled
from claimtrack.extract import extract_file

SOURCES_EN = ["the health ministry said", "according to the United Nations", "the army said",
              "officials told Reuters", "the civil defence agency said"]
PLACES_EN = ["Gaza", "southern Lebanon", "Khartoum", "the West Bank", "Kharkiv"]
FIGURES_EN = [
    "At least {n} people were killed in strikes on {p} on Tuesday, {s}.",
    "The death toll rose to {n:,} since the war began, {s}, while {m:,} others were wounded.",
    "More than {n:,} people have been displaced from {p}, {s}.",
    "Some {n} rockets were fired at border towns overnight, {s}.",
    "Between {n} and {m} people remain missing under the rubble in {p}, {s}.",
]
NARRATIVE_EN = [
    "Residents described a night of heavy bombardment and said they had nowhere safe to go.",
    "Aid agencies warned that supplies of fuel, food and medicine were running out.",
    "Diplomats met in Cairo to discuss a proposal for a ceasefire and the exchange of captives.",
    "The talks were expected to resume later in the week, according to people familiar with them.",
    "Hospitals in the area said they were operating beyond capacity with generators failing.",
    "The government said it would open a second crossing for humanitarian convoys.",
]
SOURCES_AR = ["قالت وزارة الصحة", "أعلن الجيش", "أفاد الدفاع المدني", "ذكرت وكالة الأنباء"]
PLACES_AR = ["غزة", "جنوب لبنان", "الخرطوم", "الضفة الغربية", "حلب"]
FIGURES_AR = [
    "{s} إن {n} شخصا على الأقل قتلوا في غارات على {p} يوم الثلاثاء.",
    "{s} أن عدد القتلى ارتفع إلى {n} منذ بدء الحرب، فيما بلغ عدد الجرحى {m} جريحا.",
    "{s} أن أكثر من {n} ألف شخص نزحوا من {p} خلال الأسبوع الماضي.",
    "وأضافت الوزارة أن نحو {n} شخصا ما زالوا في عداد المفقودين تحت الأنقاض في {p}.",
]
NARRATIVE_AR = [
    "وقال سكان إنهم أمضوا ليلة من القصف العنيف ولم يجدوا مكانا آمنا يلجؤون إليه.",
    "وحذرت منظمات الإغاثة من نفاد الوقود والغذاء والدواء في المستشفيات.",
    "واجتمع دبلوماسيون في القاهرة لبحث مقترح لوقف إطلاق النار وتبادل الأسرى.",
    "ومن المتوقع استئناف المحادثات في وقت لاحق من الأسبوع بحسب مصادر مطلعة.",
    "وأعلنت الحكومة أنها ستفتح معبرا ثانيا لمرور القوافل الإنسانية.",
]


def generate(lang: str, size: int, seed: int = 7) -> str:
    """Paragraphs of news-like text, one sentence in three with figures, about ``size`` characters."""
    rnd = random.Random(seed)
    figures, narrative, sources, places = (
        (FIGURES_EN, NARRATIVE_EN, SOURCES_EN, PLACES_EN) if lang == "en"
        else (FIGURES_AR, NARRATIVE_AR, SOURCES_AR, PLACES_AR))
    parts: list[str] = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rnd.randint(2, 4)):
            if rnd.random() < 1 / 3:
                n = rnd.randint(3, 900)
                sentences.append(rnd.choice(figures).format(n=n, m=n + rnd.randint(5, 5000),
                                                           s=rnd.choice(sources), p=rnd.choice(places)))
            else:
                sentences.append(rnd.choice(narrative))
        paragraph = " ".join(sentences)
        parts.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(parts)


def rate(path: Path, runs: int = 3) -> tuple[float, int]:
    """Characters per second of the best of ``runs`` timed runs (other work on a shared machine
    only ever slows a run down)."""
    result = extract_file(path)  # warm up: lexicons, compiled patterns
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = extract_file(path)
        best = min(best, time.perf_counter() - started)
    return len(result.text) / best, len(result.claims)


def peer_rate(text: str) -> float | None:
    try:
        from quantulum3 import parser  # type: ignore[import-not-found]
    except ImportError:
        return None
    sample = text[:20_000]  # quantulum3 is slow (about a thousand characters a second on this text)
    parser.parse(sample[:2000])
    started = time.perf_counter()
    parser.parse(sample)
    return len(sample) / (time.perf_counter() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=2.0, help="size of each generated file in MB of text")
    ap.add_argument("--peer", action="store_true", help="also time quantulum3 on the English text")
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    print(f"extraction modules: {'compiled by mypyc' if compiled() else 'pure Python (see setup.py to compile)'}")
    with tempfile.TemporaryDirectory() as tmp:
        english = ""
        for lang in ("en", "ar"):
            text = generate(lang, size)
            english = english or text
            path = Path(tmp) / f"{lang}.txt"
            path.write_text(text, encoding="utf-8")
            chars_per_s, claims = rate(path)
            print(f"{lang}: {len(text):,} characters, {claims:,} claims, {chars_per_s:,.0f} characters/s")
            if lang == "en":
                en_rate = chars_per_s
        if args.peer:
            peer = peer_rate(english)
            if peer is None:
                print("quantulum3 is not installed (pip install quantulum3) — no peer figure")
            else:
                print(f"quantulum3 (en): {peer:,.0f} characters/s; claimtrack is {en_rate / peer:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
