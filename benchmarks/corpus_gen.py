"""Realistic news articles in Arabic and English, made from templates, for the scale benchmarks.

    python benchmarks/corpus_gen.py OUT_DIR --count 10000 [--seed 1]

Each article reports a disaster or strike in one of a dozen places on a date in 2024-2025: a
headline, a dateline, a toll credited to a source (a ministry, civil defence, the Red Crescent,
the UN...), injured, missing or displaced people, and a paragraph or two of prose without
figures. Figures grow over the days of an event, as running tolls do. One article in twenty
is a wire story another outlet republished with its own headline, and one in fifty is an exact
copy saved twice, so the store's "already stored" paths are exercised too. The same seed gives
the same corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

PLACES = [  # (English, Arabic)
    ("Gaza", "غزة"), ("Khan Younis", "خان يونس"), ("Rafah", "رفح"), ("Beirut", "بيروت"),
    ("Tyre", "صور"), ("Aleppo", "حلب"), ("Idlib", "إدلب"), ("Mosul", "الموصل"),
    ("Derna", "درنة"), ("Sanaa", "صنعاء"), ("Hodeidah", "الحديدة"), ("Khartoum", "الخرطوم"),
]
SOURCES = [
    ("the health ministry", "وزارة الصحة"), ("civil defence", "الدفاع المدني"),
    ("the Red Crescent", "الهلال الأحمر"), ("the United Nations", "الأمم المتحدة"),
    ("local officials", "مسؤولون محليون"), ("the army", "الجيش"),
]
OUTLETS_EN = ["Valley Herald", "Meridian Wire", "Eastbank Observer", "Coastal Times", "Northern Post"]
OUTLETS_AR = ["صحيفة الوادي اليوم", "وكالة أنباء الشرق", "موقع سرة نت", "جريدة الساحل", "قناة الشمال"]
EVENTS = [  # (English noun, Arabic noun)
    ("floods", "السيول"), ("earthquake", "الزلزال"), ("air strikes", "الغارات الجوية"),
    ("shelling", "القصف"), ("fire at the market", "حريق السوق"), ("building collapse", "انهيار المبنى"),
]
MONTHS_AR = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
             "نوفمبر", "ديسمبر"]

PROSE_EN = [
    "Rescue teams worked through the night with heavy machinery, residents said, and several roads "
    "leading to the area remained closed on {weekday}.",
    "Hospitals in the city appealed for blood donations and fuel for their generators, warning that "
    "supplies would not last more than a few days.",
    "Aid agencies said access to the worst-hit neighbourhoods was still limited and that the full "
    "extent of the damage was not yet known.",
    "Schools were turned into shelters for families whose homes were destroyed, and volunteers "
    "handed out bread, water and blankets.",
]
PROSE_AR = [
    "وواصلت فرق الإنقاذ عملها طوال الليل بمساعدة آليات ثقيلة، فيما بقيت طرق عدة مؤدية إلى المنطقة "
    "مغلقة يوم {weekday} بحسب سكان محليين.",
    "وناشدت مستشفيات المدينة المواطنين التبرع بالدم، محذرة من نفاد الوقود اللازم لتشغيل المولدات "
    "خلال أيام قليلة.",
    "وقالت منظمات إغاثة إن الوصول إلى الأحياء الأكثر تضررا ما زال محدودا، وإن حجم الأضرار لم يعرف "
    "بعد بشكل كامل.",
    "وتحولت مدارس عدة إلى مراكز إيواء للعائلات التي دمرت منازلها، ووزع متطوعون الخبز والمياه والأغطية.",
]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_AR = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


def _toll(rng: random.Random, day: int) -> dict[str, int]:
    """Figures of an event on its ``day``-th day: running totals grow, with some noise."""
    killed = rng.randint(5, 60) * (day + 1) + rng.randint(0, 9)
    return {"killed": killed, "wounded": killed * rng.randint(2, 5) + rng.randint(0, 30),
            "missing": rng.randint(3, 80), "displaced": rng.randint(2, 90) * 1000,
            "children": max(1, killed // rng.randint(3, 6))}


def english(rng: random.Random, place: str, source: str, event: str, date: dt.date, outlet: str,
            toll: dict[str, int]) -> str:
    qualifier = rng.choice(["At least ", "", "More than ", "Nearly "])
    weekday = WEEKDAYS_EN[date.weekday()]
    paragraphs = [
        f"{event.capitalize()} in {place}: toll rises to {toll['killed']}",
        f"{place.upper()}, {date:%B} {date.day}, {date.year} — {qualifier}{toll['killed']} people have been "
        f"killed in the {event} in {place}, {source} said on {weekday}, among them {toll['children']} children.",
        f"{source.capitalize()} added that {toll['wounded']} people were wounded and {toll['missing']} "
        f"were still missing.",
        rng.choice(PROSE_EN).format(weekday=weekday),
        f"The United Nations said about {toll['displaced']:,} people had been displaced from their homes.",
        rng.choice(PROSE_EN).format(weekday=weekday),
        f"© {date.year} {outlet}",
    ]
    return "\n\n".join(paragraphs) + "\n"


def arabic(rng: random.Random, place: str, source: str, event: str, date: dt.date, outlet: str,
           toll: dict[str, int]) -> str:
    qualifier = rng.choice(["", " على الأقل"])
    weekday = WEEKDAYS_AR[date.weekday()]
    month = MONTHS_AR[date.month - 1]
    paragraphs = [
        f"{event} في {place}: ارتفاع الحصيلة إلى {toll['killed']} قتيلا",
        f"{place} – {weekday} {date.day} {month} {date.year} – قالت {source} إن {toll['killed']} شخصا{qualifier} "
        f"قتلوا جراء {event} في {place}، بينهم {toll['children']} أطفال.",
        f"وأضافت أن {toll['wounded']} شخصا أصيبوا بجروح، فيما لا يزال {toll['missing']} آخرون في عداد المفقودين.",
        rng.choice(PROSE_AR).format(weekday=weekday),
        f"وقالت الأمم المتحدة إن نحو {toll['displaced']} شخص نزحوا من منازلهم.",
        rng.choice(PROSE_AR).format(weekday=weekday),
        f"{outlet} © {date.year}",
    ]
    return "\n\n".join(paragraphs) + "\n"


def articles(count: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """``count`` (file name, text) pairs; every 20th republishes, every 50th copies an earlier one."""
    rng = random.Random(seed)
    recent: list[tuple[str, str]] = []  # a window of earlier articles to repeat, kept small
    start = dt.date(2024, 1, 1)
    for n in range(count):
        if n % 50 == 49 and recent:
            name, text = rng.choice(recent)
            yield f"{n:06d}-copy-of-{name}", text
            continue
        lang = "ar" if n % 2 else "en"
        place = PLACES[rng.randrange(len(PLACES))]
        source = SOURCES[rng.randrange(len(SOURCES))]
        event = EVENTS[rng.randrange(len(EVENTS))]
        date = start + dt.timedelta(days=rng.randrange(730))
        toll = _toll(rng, rng.randrange(10))
        if lang == "en":
            text = english(rng, place[0], source[0], event[0], date, rng.choice(OUTLETS_EN), toll)
        else:
            text = arabic(rng, place[1], source[1], event[1], date, rng.choice(OUTLETS_AR), toll)
        if n % 20 == 19 and recent:  # another outlet runs an earlier wire story under its own headline
            text = "Republished: " + rng.choice(recent)[1] if lang == "en" else "إعادة نشر: " + rng.choice(recent)[1]
        name = f"{n:06d}-{lang}.txt"
        recent = (recent + [(name, text)])[-200:]
        yield name, text


def write_corpus(folder: Path, count: int, seed: int = 1) -> int:
    """Write ``count`` articles into ``folder`` (in subfolders of 1,000); the bytes written."""
    written = 0
    for n, (name, text) in enumerate(articles(count, seed)):
        sub = folder / f"{n // 1000:03d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (sub / name).write_bytes(data)
        written += len(data)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    size = write_corpus(args.out, args.count, args.seed)
    print(f"{args.count:,} articles, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
