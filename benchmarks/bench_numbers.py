"""Throughput of find_figures on ~2 MB of generated mixed Arabic/English news text.

Run: python benchmarks/bench_numbers.py
"""

from __future__ import annotations

import random
import time

from claimtrack.numbers import find_figures
from claimtrack.text import fold

_SENTENCES = [
    "وقالت وزارة الصحة في غزة إن {n} فلسطينيا على الأقل قتلوا وأصيب {m} آخرون منذ السابع من أكتوبر.",
    "ارتفعت حصيلة الشهداء إلى {k} آلاف و{n} شهيدا، بينهم {m} طفلا و{n} امرأة، بحسب بيان الوزارة.",
    "وأعلن الجيش استدعاء {k} ألف جندي احتياط، فيما نزح ما يزيد عن {n} ألف شخص خلال 24 ساعة.",
    "وشن الطيران عشرات الغارات على منازل ومقار حكومية في القطاع الذي يعيش فيه 2.3 مليون نسمة.",
    "The Health Ministry said on Monday that at least {n} Palestinians had been killed and {m} wounded.",
    "Israel has called up some {k}00,000 reservists since October 7, the army said in a statement.",
    "Hamas fired thousands of rockets, and between {n} and {m} people are still missing, officials said.",
    "The talks, held in Cairo over two days, were described as constructive by both delegations.",
    # Sentences without figures, so the density of figures is close to that of casualty reports.
    "وأكد المتحدث أن الوضع الإنساني في القطاع بلغ مستوى كارثيا مع انقطاع الكهرباء والمياه عن المستشفيات.",
    "ودعت الأمم المتحدة إلى فتح ممرات آمنة لإدخال المساعدات الإنسانية وإجلاء الجرحى والمرضى من المناطق المحاصرة.",
    "Aid agencies warned that hospitals were running out of fuel and medical supplies as the siege continued.",
    "Diplomats said negotiations over a possible truce were continuing, but no agreement had been reached yet.",
]


def _text(size: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        s = rng.choice(_SENTENCES).format(n=rng.randint(10, 999), m=rng.randint(10, 9999), k=rng.randint(2, 9))
        parts.append(s)
        total += len(s) + 1
    return " ".join(parts)


def main() -> None:
    text = fold(_text(2_000_000)).text
    find_figures("warm up: 5 آلاف")
    start = time.perf_counter()
    figures = find_figures(text)
    elapsed = time.perf_counter() - start
    print(f"{len(text):,} chars, {len(figures):,} figures, {elapsed:.2f} s, {len(text) / elapsed:,.0f} chars/s")


if __name__ == "__main__":
    main()
