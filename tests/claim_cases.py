"""Score the extractor on the golden claim cases (tests/cases/claims_*.jsonl), as score.py scores
whole articles: a claim matches on (metric, value); then qualifier, source, period and span are
checked on the matched ones. Run it as a script to list every miss:

    python -m tests.claim_cases [ar|en]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtrack.cues import cues
from claimtrack.extract import extract_text

CASES = Path(__file__).parent / "cases"


def load(lang: str) -> list[dict[str, Any]]:
    lines = (CASES / f"claims_{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _same_source(gold: str | None, predicted: str | None) -> bool | None:
    """Loose, as score.py: either name contains the other. ``None`` (not scored) when gold names a
    source the sources lexicon does not know: the case then gives one English name where the
    extractor keeps the name as printed, and either is right."""
    if gold is None:
        return predicted is None
    if gold not in cues().source_kinds:
        return None
    if predicted is None:
        return False
    g, p = gold.casefold(), predicted.casefold()
    return g in p or p in g


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    agree: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in
                                                                 ("qualifier", "source", "period", "span")})
    misses: list[str] = field(default_factory=list)

    def ratio(self, key: str) -> float:
        ok, n = self.agree[key]
        return ok / n if n else 1.0

    @property
    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def score(lang: str) -> Score:
    s = Score()
    for case in load(lang):
        text = case["text"]
        published = dt.date.fromisoformat(case["published"]) if case.get("published") else None
        preds = [c.to_json() for c in extract_text(text, published=published).claims]
        used = [False] * len(preds)
        matched = set()
        for g in case["claims"]:
            hit = next((i for i, p in enumerate(preds)
                        if not used[i] and p["metric"] == g["metric"] and p["value"] == g["value"]), None)
            if hit is None:
                s.fn += 1
                s.misses.append(f"MISS {case['id']}: {g['metric']}={g['value']} ({g['text']})")
                continue
            used[hit] = True
            matched.add((g["metric"], g["value"]))
            s.tp += 1
            p = preds[hit]
            checks = {
                "qualifier": p["qualifier"] == g["qualifier"],
                "span": text[p["start"]:p["end"]] == p["text"] == g["text"],
            }
            same = _same_source(g["source"], p["source"])
            if same is not None:
                checks["source"] = same
            if g.get("period") is not None:
                checks["period"] = p["period"] == g["period"]
            for key, ok in checks.items():
                s.agree[key][0] += ok
                s.agree[key][1] += 1
                if not ok:
                    got = p["text"] if key == "span" else p[key]
                    s.misses.append(f"WRONG-{key.upper()} {case['id']}: {g['metric']}={g['value']} "
                                    f"gold={g[key if key != 'span' else 'text']!r} pred={got!r}")
        for i, p in enumerate(preds):
            if not used[i] and (p["metric"], p["value"]) not in matched:
                s.fp += 1
                s.misses.append(f"SPURIOUS {case['id']}: {p['metric']}={p['value']} ({p['text']})")
    return s


def main() -> None:
    for lang in sys.argv[1:] or ["ar", "en"]:
        s = score(lang)
        print("\n".join(s.misses))
        print(f"{lang}: f1={s.f1:.3f} qualifier={s.ratio('qualifier'):.3f} source={s.ratio('source'):.3f} "
              f"period={s.ratio('period'):.3f} span={s.ratio('span'):.3f} (tp={s.tp} fp={s.fp} fn={s.fn})")


if __name__ == "__main__":
    main()
