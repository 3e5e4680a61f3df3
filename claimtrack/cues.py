"""The claim cue lexicons (``claims.ar.toml``, ``claims.en.toml``, ``sources.toml``) as phrase tables.

Both languages are merged into one set of tables: an Arabic article quoting an English tweet
is read with both, and the scripts never collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from claimtrack import lexicon
from claimtrack.lexicon import LexiconError
from claimtrack.phrases import PhraseTable, tokenize
from claimtrack.records import METRICS, PERIODS

LANGS = ("ar", "en")


@dataclass(frozen=True, slots=True)
class Role:
    """A counted noun naming people: gives the subject, and maybe a default metric."""

    subject: str
    metric: str | None
    yields: bool = False  # the metric holds only when no cue reads the figure ("captured 12 troops")


@dataclass(frozen=True, slots=True)
class SourceName:
    """What a printed name refers to: a canonical source, or a generic one resolved by place."""

    canonical: str
    kind: str
    by_location: tuple[tuple[str, str], ...] = ()
    person: bool = False  # a spokesperson's name, which titles and first names precede

    @property
    def generic(self) -> bool:
        return bool(self.by_location)


@dataclass(frozen=True)
class ClaimCues:
    metric_nouns: PhraseTable[str]
    roles: PhraseTable[Role]
    metric_cues: PhraseTable[str]
    toll_frames: PhraseTable[str]
    blockers: PhraseTable[bool]
    diseases: PhraseTable[bool]
    custody: PhraseTable[bool]
    locations: PhraseTable[str]
    periods: PhraseTable[str]
    running_total: PhraseTable[str]
    rising: PhraseTable[str]
    day_cues: PhraseTable[bool]
    comparison: PhraseTable[bool]
    speech_verbs: PhraseTable[bool]
    according_to: PhraseTable[bool]
    relay_from: PhraseTable[bool]
    relay_seen: PhraseTable[bool]
    relay_carried: PhraseTable[bool]
    affiliated: PhraseTable[bool]
    subnational: PhraseTable[bool]
    appositive: PhraseTable[bool]
    told: PhraseTable[bool]
    tally: PhraseTable[bool]
    relay_verbs: PhraseTable[bool]
    relay_verb_link: PhraseTable[bool]
    participles: PhraseTable[bool]
    complementizers: PhraseTable[bool]
    clause_openers: PhraseTable[bool]
    subject_verb_links: PhraseTable[bool]
    passive: PhraseTable[bool]
    continuation: PhraseTable[bool]
    anaphora: PhraseTable[str]
    name_stops: PhraseTable[bool]
    counts: PhraseTable[bool]
    source_heads: PhraseTable[bool]
    person_before: PhraseTable[bool]
    relative_pronouns: PhraseTable[bool]
    between: PhraseTable[bool]
    others: PhraseTable[bool]
    subset_links: PhraseTable[bool]
    subset_of: PhraseTable[bool]
    joined_by: PhraseTable[bool]
    subordinators: PhraseTable[bool]
    aimed: PhraseTable[bool]
    exchange: PhraseTable[bool]
    night: PhraseTable[bool]
    outlet_nouns: PhraseTable[bool]
    uncounted_verbs: PhraseTable[bool]
    dated_windows: PhraseTable[bool]
    same_period: PhraseTable[bool]
    until: PhraseTable[bool]
    new_total: PhraseTable[bool]
    rise_to: PhraseTable[bool]
    function_words: PhraseTable[bool]
    sources: PhraseTable[SourceName]
    source_kinds: dict[str, str]
    source_words: dict[str, frozenset[str]]  # the word keys of each canonical source's names
    general_subjects: frozenset[str]


def _keyed_words(raw: dict[str, Any], section: str, where: str,
                 allowed: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(word, key) pairs of a table of ``key = [words]``; keys must be in ``allowed`` if given."""
    table = raw.get(section, {})
    if not isinstance(table, dict):
        raise LexiconError(f"{where}: [{section}] must be a table of name = [words]")
    out: list[tuple[str, str]] = []
    for key in table:
        if allowed is not None and key not in allowed:
            raise LexiconError(f"{where}: [{section}] names unknown {key!r} (known: {', '.join(allowed)})")
        out.extend((w, key) for w in lexicon.strings(table, key, f"{where} [{section}]"))
    return out


def _month_windows(raw: dict[str, Any], where: str) -> list[tuple[str, str]]:
    """Window cues made of a word that opens a span of time and a month ("between January",
    "between mid-March", "بين منتصف آذار"): whatever its two ends, a window is a period."""
    grammar = raw.get("grammar", {})
    opening = lexicon.strings(grammar, "window_between", f"{where} [grammar]") if "window_between" in grammar else []
    edges = [""] + (lexicon.strings(grammar, "month_edges", f"{where} [grammar]") if "month_edges" in grammar else [])
    months = [term for number in lexicon.load("calendar")["months"].values() for term in number]
    # (an edge glued to its month by a hyphen is one token: "mid-March")
    return [(f"{word} {edge}{'' if edge.endswith('-') or not edge else ' '}{month}", "period")
            for word in opening for edge in edges for month in months]


def _flag_list(raw: dict[str, Any], section: str, key: str, where: str,
               optional: bool = False) -> list[tuple[str, bool]]:
    table = raw.get(section, {})
    if not isinstance(table, dict):
        raise LexiconError(f"{where}: [{section}] must be a table")
    if optional and key not in table:
        return []  # a rule only one language needs
    return [(w, True) for w in lexicon.strings(table, key, f"{where} [{section}]")]


def _roles(raw: dict[str, Any], where: str) -> list[tuple[str, Role]]:
    out: list[tuple[str, Role]] = []
    for i, entry in enumerate(raw.get("role_nouns", [])):
        subject = entry.get("subject")
        metric = entry.get("metric")
        if not isinstance(subject, str) or (metric is not None and metric not in METRICS):
            raise LexiconError(f"{where}: role_nouns #{i + 1} needs a subject and a known metric")
        role = Role(subject, metric, bool(entry.get("yields", False)))
        out.extend((w, role) for w in lexicon.strings(entry, "forms", f"{where} role_nouns #{i + 1}"))
    return out


def _anaphora(raw: dict[str, Any], where: str) -> list[tuple[str, str]]:
    table = raw.get("anaphora", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise LexiconError(f"{where}: [anaphora] must map words to a source kind")
    return list(table.items())


def _sources() -> tuple[list[tuple[str, SourceName]], dict[str, str]]:
    raw = lexicon.load("sources")
    out: list[tuple[str, SourceName]] = []
    kinds: dict[str, str] = {}
    for i, entry in enumerate(raw.get("source", [])):
        name, kind = entry.get("name"), entry.get("kind")
        if not isinstance(name, str) or not isinstance(kind, str):
            raise LexiconError(f"sources: source #{i + 1} needs a name and a kind")
        if name in kinds:
            raise LexiconError(f"sources: {name!r} is listed twice")
        kinds[name] = kind
        target = SourceName(name, kind)
        out.append((name, target))
        out.extend((a, target) for a in lexicon.strings(entry, "aliases", f"sources {name!r}"))
        speaker = SourceName(name, kind, person=True)
        out.extend((p, speaker) for p in entry.get("people", []))
    for i, entry in enumerate(raw.get("generic", [])):
        name, kind = entry.get("name"), entry.get("kind")
        by_location = entry.get("by_location", {})
        if not isinstance(name, str) or not isinstance(kind, str) or not isinstance(by_location, dict):
            raise LexiconError(f"sources: generic #{i + 1} needs a name, a kind and by_location")
        kinds[name] = kind
        for place, canonical in by_location.items():
            if canonical not in kinds:
                raise LexiconError(f"sources: generic {name!r} maps {place!r} to unknown source {canonical!r}")
        target = SourceName(name, kind, tuple(sorted(by_location.items())))
        out.extend((a, target) for a in lexicon.strings(entry, "aliases", f"sources generic {name!r}"))
    return out, kinds


def _source_words(sources: list[tuple[str, SourceName]]) -> dict[str, frozenset[str]]:
    """Each canonical source's words, in every name it goes by: "the office" may be "مكتب الأمم
    المتحدة لتنسيق الشؤون الإنسانية" (OCHA) but not "مجموعة إدارة المواقع"."""
    words: dict[str, set[str]] = {}
    for printed, target in sources:
        words.setdefault(target.canonical, set()).update(key for tok in tokenize(printed) for key in tok.keys)
    return {name: frozenset(keys) for name, keys in words.items()}


@cache
def source_kinds() -> dict[str, str]:
    """The kind of each canonical source, without building the cue tables (the store needs no more)."""
    return _sources()[1]


@cache
def cues() -> ClaimCues:
    """The merged cue tables of every language (built once)."""
    raws = [(lexicon.load(f"claims.{lang}"), f"claims.{lang}") for lang in LANGS]

    def flags(section: str, key: str, optional: bool = False) -> list[tuple[str, bool]]:
        return [e for raw, where in raws for e in _flag_list(raw, section, key, where, optional)]

    def merged_flags(section: str, key: str, optional: bool = False) -> PhraseTable[bool]:
        return PhraseTable(flags(section, key, optional))

    sources, kinds = _sources()
    return ClaimCues(
        metric_nouns=PhraseTable(e for raw, w in raws for e in _keyed_words(raw, "metric_nouns", w, METRICS)),
        roles=PhraseTable(e for raw, w in raws for e in _roles(raw, w)),
        metric_cues=PhraseTable(e for raw, w in raws for e in _keyed_words(raw, "metric_cues", w, METRICS)),
        toll_frames=PhraseTable(e for raw, w in raws for e in _keyed_words(raw, "toll_frames", w, METRICS)),
        blockers=merged_flags("blockers", "forms"),
        diseases=merged_flags("diseases", "forms", optional=True),
        custody=merged_flags("custody", "forms", optional=True),
        locations=PhraseTable(e for raw, w in raws for e in _keyed_words(raw, "locations", w)),
        periods=PhraseTable([e for raw, w in raws for e in _keyed_words(raw, "period", w, PERIODS)]
                            + [e for raw, w in raws for e in _month_windows(raw, w)]),
        running_total=PhraseTable(e for raw, w in raws for e in _keyed_words(raw, "running_total", w, PERIODS)),
        rising=PhraseTable(e for raw, w in raws for e in _keyed_words(raw, "rising", w, PERIODS)),
        day_cues=merged_flags("day_cues", "forms"),
        comparison=merged_flags("comparison", "forms"),
        speech_verbs=merged_flags("attribution", "speech_verbs"),
        according_to=merged_flags("attribution", "according_to"),
        relay_from=merged_flags("attribution", "relay_from"),
        relay_seen=merged_flags("attribution", "relay_seen"),
        relay_carried=merged_flags("attribution", "relay_carried", optional=True),
        affiliated=merged_flags("attribution", "affiliated"),
        subnational=merged_flags("attribution", "subnational", optional=True),
        appositive=merged_flags("attribution", "appositive"),
        told=merged_flags("attribution", "told", optional=True),
        tally=merged_flags("attribution", "tally"),
        relay_verbs=merged_flags("attribution", "relay_verbs"),
        relay_verb_link=merged_flags("attribution", "relay_verb_link"),
        participles=merged_flags("attribution", "participles", optional=True),
        complementizers=merged_flags("attribution", "complementizers"),
        # (a rise to a new total opens a clause of its own: "..., raising the toll to ...")
        clause_openers=PhraseTable(flags("attribution", "clause_openers") + flags("grammar", "new_total")),
        subject_verb_links=merged_flags("attribution", "subject_verb_links"),
        passive=merged_flags("attribution", "passive"),
        continuation=merged_flags("attribution", "continuation"),
        anaphora=PhraseTable(e for raw, w in raws for e in _anaphora(raw, w)),
        name_stops=merged_flags("attribution", "name_stops"),
        counts=merged_flags("attribution", "counts", optional=True),
        source_heads=merged_flags("attribution", "source_heads"),
        person_before=merged_flags("attribution", "person_before"),
        relative_pronouns=merged_flags("attribution", "relative_pronouns"),
        between=merged_flags("grammar", "between_figure_and_noun"),
        others=merged_flags("grammar", "others"),
        subset_links=merged_flags("grammar", "subset_links"),
        subset_of=merged_flags("grammar", "subset_of"),
        joined_by=merged_flags("grammar", "joined_by"),
        subordinators=merged_flags("grammar", "subordinators", optional=True),
        aimed=merged_flags("grammar", "aimed", optional=True),
        exchange=merged_flags("grammar", "exchange"),
        night=merged_flags("grammar", "night"),
        outlet_nouns=merged_flags("grammar", "outlet_nouns", optional=True),
        uncounted_verbs=merged_flags("grammar", "uncounted_verbs", optional=True),
        dated_windows=merged_flags("grammar", "dated_windows"),
        same_period=merged_flags("grammar", "same_period"),
        until=merged_flags("grammar", "until"),
        new_total=merged_flags("grammar", "new_total"),
        rise_to=merged_flags("grammar", "rise_to"),
        function_words=merged_flags("grammar", "function_words"),
        sources=PhraseTable(sources),
        source_kinds=kinds,
        source_words=_source_words(sources),
        general_subjects=frozenset(e["subject"] for raw, _ in raws for e in raw.get("role_nouns", [])
                                   if e.get("general")),
    )
