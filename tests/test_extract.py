"""The whole pipeline on real pages: the seed article and the rest of the dev set."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from claimtrack.decode import InputError
from claimtrack.extract import extract_file, extract_text
from claimtrack.records import Claim
from tests.conftest import SHARED, gold

# Floors set just under what the extractor reaches on the dev set, so regressions fail.
DEV_FLOORS = {"f1": 0.98, "source_acc": 0.97, "qualifier_acc": 0.98, "period_acc": 0.97, "span_acc": 1.0}


def _find(claims: tuple[Claim, ...], metric: str, value: int) -> Claim:
    hits = [c for c in claims if c.metric == metric and c.value == value]
    assert hits, f"no {metric}={value} among {[(c.metric, c.value) for c in claims]}"
    return hits[0]


def test_seed_claims(corpus: Path) -> None:
    result = extract_file(corpus / "ar-seed.txt", published=dt.date(2023, 10, 10))
    reservists = _find(result.claims, "reservists", 300000)
    assert reservists.source == "Israeli army"
    assert reservists.text == "300 ألف"
    gaza = _find(result.claims, "killed", 687)
    assert (gaza.qualifier, gaza.source) == ("at_least", "Gaza Health Ministry")
    israel = _find(result.claims, "killed", 900)
    assert israel.source == "Israeli television channels"
    assert israel.via == ("Reuters",)
    wounded = _find(result.claims, "wounded", 2600)
    assert (wounded.qualifier, wounded.source, wounded.via) == ("at_least", "Israeli television channels",
                                                               ("Reuters",))


def test_every_span_is_the_printed_figure(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        result = extract_file(path)
        for c in result.claims:
            assert result.text[c.start:c.end] == c.text, (path.name, c)
            assert c.sentence_start <= c.start and c.end <= c.sentence_start + len(c.sentence)


def test_a_figure_with_no_metric_is_not_a_claim() -> None:
    text = "Twenty trucks crossed on Monday, and 14 facilities were damaged in 2023."
    assert extract_text(text).claims == ()


def test_attribution_by_according_to_and_qualifier() -> None:
    text = "At least 1,055 Palestinians have been killed in Gaza, according to the Health Ministry in Gaza."
    (claim,) = extract_text(text).claims
    assert (claim.metric, claim.value, claim.qualifier) == ("killed", 1055, "at_least")
    assert claim.source == "Gaza Health Ministry"
    assert claim.text == "1,055"


def test_arabic_speech_verb_and_carried_source() -> None:
    text = ("قالت وزارة الصحة في غزة إن 413 فلسطينيا استشهدوا في الغارات. "
            "وأضافت الوزارة أن عدد الجرحى تجاوز 2300.")
    claims = extract_text(text).claims
    assert [(c.metric, c.value, c.source) for c in claims] == [
        ("killed", 413, "Gaza Health Ministry"),
        ("wounded", 2300, "Gaza Health Ministry"),
    ]


@pytest.mark.parametrize(("sentence", "source"), [
    # A word that heads source names keeps its prepositional phrase.
    ("At least 14 people have died, officials on both sides of the front line said.",
     "officials on both sides of the front line"),
    ("At least 12 people were killed, officials in the provincial capital said on Sunday.",
     "officials in the provincial capital"),
    ("Rescuers in the town said 31 people were still missing.", "Rescuers in the town"),
    # A counted noun that also speaks: medics and doctors report tolls.
    ("At least 40 people were killed in a market bombing, medics said.", "medics"),
    ("قتل 35 شخصا في قصف على سوق شعبي، بحسب مسعفين.", "مسعفين"),
    # ... but soldiers and children are counted, not quoted.
    ("Five soldiers were killed, the army said.", "army"),
    # A second name between commas belongs to the first.
    ("An air strike killed 11 people, the Syrian Civil Defence, known as the White Helmets, said.",
     "Syrian Civil Defence"),
    # A known source the speaker is allied with is not the speaker.
    ("أعلنت القوة المشتركة لحركات الكفاح المسلح المتحالفة مع الجيش أنها قتلت أكثر من 300 من عناصر الدعم السريع.",
     "القوة المشتركة لحركات الكفاح المسلح"),
    ("أفادت وسائل إعلام رسمية بإصابة 14 شخصا في انفجارات مماثلة.", "وسائل إعلام رسمية"),
    ("وقال المبعوث الأمريكي الخاص إلى السودان إن عدد القتلى قد يصل إلى 150 ألف شخص.", "المبعوث الأمريكي الخاص"),
])
def test_who_speaks(sentence: str, source: str) -> None:
    assert [c.source for c in extract_text(sentence).claims] == [source]


@pytest.mark.parametrize(("sentence", "source", "via"), [
    # Who heard it relays the speaker, past an aside between commas.
    ("A U.S. official, speaking on condition of anonymity, told Reuters that warplanes carried out 40 strikes.",
     "U.S. official", ("Reuters",)),
    ("At least 12 people were killed, a hospital official told AFP.", "hospital official", ("AFP",)),
    # A name after a word that heads source names may hold any word, a counted noun too.
    ("وقال مدير مستشفى شهداء الأقصى لوكالة رويترز إن المستشفى استقبل نحو 100 جثمان.",
     "مدير مستشفى شهداء الأقصى", ("Reuters",)),
    ("Army Radio reported that some 60,000 reservists would receive orders.", "Army Radio", ()),
])
def test_who_speaks_and_who_relays(sentence: str, source: str, via: tuple[str, ...]) -> None:
    [claim] = extract_text(sentence).claims
    assert (claim.source, claim.via) == (source, via)


def test_money_in_any_currency_is_no_claim() -> None:
    text = "Police arrested three smugglers who charged passengers up to 16 million rupiah each."
    assert [(c.metric, c.value) for c in extract_text(text).claims] == [("detained", 3)]


def test_an_aside_on_the_speech_verb_relays_the_speaker() -> None:
    text = ("Russia's Defence Ministry said on Sunday, according to the TASS news agency, "
            "that it had killed 320 militants.")
    [claim] = extract_text(text).claims
    assert (claim.source, claim.via) == ("Russian Defence Ministry", ("TASS",))


def _scorer() -> ModuleType:
    path = SHARED / "tools" / "score.py"
    spec = importlib.util.spec_from_file_location("claimtrack_dev_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scored(folder: Path, predictions: Path) -> dict[str, float]:
    """The shared scorer's summary over an annotated folder, with predictions made in-process."""
    score = _scorer()
    items = score.load_gold(folder)
    assert items, folder
    for g, txt in items:
        published = dt.date.fromisoformat(g["published"]) if g.get("published") else None
        claims = extract_file(txt, published=published).claims
        (predictions / f"{g['id']}.json").write_text(json.dumps([c.to_json() for c in claims], ensure_ascii=False))
    summary, _, errors = score.score(items, predictions, None, False)
    assert not errors
    print(f"{folder.name}:", summary)
    return dict(summary)


def test_dev_set_score_does_not_regress(corpus: Path, tmp_path: Path) -> None:
    summary = _scored(corpus, tmp_path)
    for key, floor in DEV_FLOORS.items():
        assert summary[key] >= floor, (key, summary)


@pytest.mark.parametrize("article_id", ["ar-seed", "ar-d03", "en-d01"])
def test_gold_published_dates_reach_claims(corpus: Path, article_id: str) -> None:
    published = dt.date.fromisoformat(gold(corpus, article_id)["published"])
    result = extract_file(corpus / f"{article_id}.txt", published=published)
    assert result.articles[0].published == published
    assert all(c.published is not None for c in result.claims if c.article == 0)


@pytest.mark.parametrize("encoding", ["cp1256", "utf-16"])
def test_seed_saved_in_another_encoding_gives_the_same_claims(corpus: Path, tmp_path: Path, encoding: str) -> None:
    """A page saved as Windows-1256 or UTF-16 reads as the same claims, with offsets into its own text."""
    original = extract_file(corpus / "ar-seed.txt", published=dt.date(2023, 10, 10))
    text = (corpus / "ar-seed.txt").read_text(encoding="utf-8")
    saved = tmp_path / f"seed-{encoding}.txt"
    saved.write_bytes(text.encode(encoding, errors="replace"))
    again = extract_file(saved, published=dt.date(2023, 10, 10))
    assert again.encoding.replace("-", "").startswith(encoding.replace("-", ""))
    assert [(c.metric, c.value, c.source, c.article) for c in again.claims] == [
        (c.metric, c.value, c.source, c.article) for c in original.claims]
    assert all(again.text[c.start:c.end] == c.text for c in again.claims)
    assert [a.published for a in again.articles] == [dt.date(2023, 10, 10), dt.date(2024, 7, 5)]


def test_a_figure_joined_by_along_with_takes_the_verb_far_before_it() -> None:
    text = ("The army said the strike killed a senior commander it blamed for planning the raid, "
            "along with dozens of fighters in a tunnel beneath the camp.")
    (claim,) = extract_text(text).claims
    assert (claim.metric, claim.value, claim.value_max, claim.qualifier) == ("killed", 20, 99, "vague")
    assert claim.text == "dozens"


def test_an_arabic_symbol_without_a_compatibility_form_is_kept() -> None:
    # U+FBB4 sits among the presentation forms but is its own NFKC form: folding once recursed forever.
    result = extract_text("\ufbb4 قتل 5 أشخاص")
    assert result.text.startswith("\ufbb4")
    assert [c.value for c in result.claims] == [5]


def test_a_pattern_out_of_time_refuses_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # A paragraph long enough to be timed, and a limit no pattern can keep.
    monkeypatch.setattr("claimtrack.text.PATTERN_TIMEOUT", 1e-9)
    with pytest.raises(InputError, match="a pattern ran out of time"):
        extract_text("At least 5 people were killed, the ministry said. " * 60, published=dt.date(2024, 1, 2))


# Articles on other events and outlets, written apart from the rules: tests/data/heldout_like, and
# heldout_more, _third ... _tenth (all but the first annotated before the extractor was run on them). The floors
# sit just under what the extractor reaches, so a rule that only fits the dev set shows.
HELDOUT_SETS = {
    "heldout_like": {"f1": 0.97, "source_acc": 0.96, "qualifier_acc": 0.98, "period_acc": 0.93, "span_acc": 1.0},
    "heldout_more": {"f1": 0.96, "source_acc": 0.95, "qualifier_acc": 0.98, "period_acc": 0.93, "span_acc": 1.0},
    "heldout_third": {"f1": 0.88, "source_acc": 0.90, "qualifier_acc": 0.98, "period_acc": 0.87, "span_acc": 1.0},
    # Annotated apart from the rules; first scores 0.894 / 0.787 / 0.696 and 0.845 / 0.884 / 0.728.
    "heldout_fourth": {"f1": 0.90, "source_acc": 0.83, "qualifier_acc": 0.98, "period_acc": 0.78, "span_acc": 1.0},
    "heldout_fifth": {"f1": 0.94, "source_acc": 0.89, "qualifier_acc": 0.98, "period_acc": 0.76, "span_acc": 1.0},
    # First scores 0.877 / 0.881 / 0.621.
    "heldout_sixth": {"f1": 0.89, "source_acc": 0.94, "qualifier_acc": 0.98, "period_acc": 0.86, "span_acc": 1.0},
    # First scores 0.899 / 0.862 / 0.706 (qualifier 0.978).
    "heldout_seventh": {"f1": 0.89, "source_acc": 0.88, "qualifier_acc": 0.98, "period_acc": 0.80, "span_acc": 1.0},
    # First scores 0.873 / 0.885 / 0.809 (qualifier 0.992).
    "heldout_eighth": {"f1": 0.89, "source_acc": 0.87, "qualifier_acc": 0.98, "period_acc": 0.84, "span_acc": 1.0},
    # First scores 0.904 / 0.894 / 0.733 (qualifier 1.0).
    "heldout_ninth": {"f1": 0.94, "source_acc": 0.93, "qualifier_acc": 0.98, "period_acc": 0.86, "span_acc": 1.0},
    # First scores 0.914 / 0.898 / 0.736 (qualifier 1.0).
    "heldout_tenth": {"f1": 0.93, "source_acc": 0.95, "qualifier_acc": 0.98, "period_acc": 0.88, "span_acc": 1.0},
    # First scores 0.861 / 0.909 / 0.692 (qualifier 1.0).
    "heldout_eleventh": {"f1": 0.94, "source_acc": 0.94, "qualifier_acc": 0.98, "period_acc": 0.67, "span_acc": 1.0},
    # First scores 0.913 / 0.897 / 0.829 with the rules before the eleventh set, 0.924 / 0.921 / 0.83 after.
    "heldout_twelfth": {"f1": 0.95, "source_acc": 0.91, "qualifier_acc": 0.98, "period_acc": 0.82, "span_acc": 1.0},
}


@pytest.mark.parametrize("name", sorted(HELDOUT_SETS))
def test_heldout_like_set_score_does_not_regress(name: str, corpus: Path, tmp_path: Path) -> None:
    # ``corpus``: the shared scorer lives beside the dev set, so both come and go together.
    folder = Path(__file__).parent / "data" / name
    assert len(list(folder.glob("*.json"))) >= 10
    summary = _scored(folder, tmp_path)
    for key, floor in HELDOUT_SETS[name].items():
        assert summary[key] >= floor, (key, summary)


def test_a_figure_moved_to_article_offsets_keeps_every_field() -> None:
    from dataclasses import astuple, fields

    from claimtrack.extract import _shift
    from claimtrack.records import Figure

    # A distinct value in every field, of the field's type (the compiled build checks types).
    fig = Figure(*(f"v{i}" if "str" in str(f.type) else i for i, f in enumerate(fields(Figure), 1)))
    moved = _shift(fig, 100)
    assert (moved.start, moved.end) == (fig.start + 100, fig.end + 100)
    assert astuple(moved)[2:] == astuple(fig)[2:]


def test_an_incident_counted_in_two_places_frames_the_next_sentence_in_either() -> None:
    text = ("The earthquake killed 5,000 people in Turkey and 1,000 in Syria, officials said. "
            "In Turkey, more than 20,000 others were injured, the health minister said.")
    periods = [(c.metric, c.location, c.period) for c in extract_text(text).claims]
    assert periods == [("killed", "Turkey", "event"), ("killed", "Syria", "event"), ("wounded", "Turkey", "event")]
