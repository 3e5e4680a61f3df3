"""Who says so: attribution cues in a sentence, relay chains, carry-over and canonical names.

A sentence may credit a figure through a speech verb ("قالت وزارة الصحة إن", "the ministry
said"), a prepositional cue ("وفقا لـ", "according to"), a relay ("نقلا عن", "citing", "نقلت X
عن Y", "seen by"), or a tally ("وفق تعداد لفرانس برس"). The *source* is the original; ``via``
lists the relays, outermost first. A sentence with no cue of its own keeps the previous
sentence's attribution when it opens with a continuation cue ("وأضافت الوزارة", "It added").
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from claimtrack.cues import ClaimCues, SourceName, cues
from claimtrack.phrases import Match, Token, tokenize

MAX_NAME_TOKENS = 9
# Sources that count for themselves: an "according to" naming one after a speaker's figure is
# where the figure comes from, not a relay of the speaker (news agencies and media relay).
COUNTING_KINDS = frozenset({"ministry", "un", "ngo"})
OPENING = 2  # an "according to" this close to a sentence's start covers all of it
NESTED_REACH = 8
RECENT = 64  # sources and places remembered for anaphora and carry-over

# Shows the article text between two folded offsets, as printed (so names keep their spelling).
Show = Callable[[int, int], str]


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source credited in a sentence; ``pos`` is the token index of its cue."""

    source: str | None
    via: tuple[str, ...]
    pos: int
    kind: str  # speech, according, carried
    cue: str
    governs_before: bool = True  # may credit figures before it ("..., the ministry said")
    # the verb opens the speaker's words ("أعلن الجيش أن"), not an object ("أعلن الجيش وفاتهم")
    quotes: bool = True


@dataclass
class History:
    """What earlier sentences of the article said about sources (for carry-over and anaphora)."""

    last: Attribution | None = None
    # Known sources and places named, latest last. Only the recent ones are kept: a pronoun or
    # "the ministry" refers back a few sentences, and a long article must not slow every lookup.
    mentions: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT))
    places: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT))
    period: str | None = None  # the period context an earlier sentence set up (event, period)
    # Where that context is: the places its sentence counted in (another place ends it; none:
    # anywhere). An incident may span places ("killed 5,000 in Turkey and 1,000 in Syria").
    period_places: frozenset[str] = frozenset()
    counted: str | None = None  # the metric the last sentence counted, for "20 of them"

    def remember(self, attribution: Attribution) -> None:
        self.last = attribution
        if attribution.source:
            self.mentions.append(attribution.source)

    def remember_all(self, attributions: list[Attribution]) -> None:
        """Every speaker of a sentence, in order: each can be referred back to ("the minister
        added"), and the last speaks on."""
        for attribution in attributions:
            self.remember(attribution)

    def recall(self, kind: str, head: Token | None = None, named_only: bool = False) -> str | None:
        """The last source of that kind named in the article ("any": the last source at all);
        of those, the last whose names share the anaphor's ``head`` word, if any does ("ونقل مكتب
        الأمم المتحدة عن مجموعة ... ويقدّر المكتب": the office is the UN office). With
        ``named_only``, only one sharing the head word."""
        c = cues()
        fitting = [name for name in reversed(self.mentions) if kind == "any" or c.source_kinds.get(name) == kind]
        if head is not None:
            keys = set(head.keys)
            named = next((name for name in fitting if keys & _words_of(name)), None)
            if named is not None or named_only:
                return named
        return fitting[0] if fitting else None


def _words_of(name: str) -> frozenset[str]:
    """The word keys of a remembered source: of all its names when known, else as printed."""
    known = cues().source_words.get(name)
    return known if known is not None else frozenset(key for tok in tokenize(name) for key in tok.keys)


def _span_text(show: Show, tokens: list[Token], lo: int, hi: int) -> str:
    return show(tokens[lo].start, tokens[hi - 1].end) if hi > lo else ""


def _acronym(tok: Token) -> bool:
    return len(tok.text) >= 2 and tok.text.isupper()  # "WHO" is a name, not "who"


def _stop(tokens: list[Token], i: int, c: ClaimCues) -> bool:
    tok = tokens[i]
    if tok.text[0].isdigit() or (tok.is_punct and tok.text not in "()'"):
        return True
    if _acronym(tok):
        return False
    return (c.name_stops.match_at(tokens, i) is not None or c.complementizers.match_at(tokens, i) is not None
            or c.counts.match_at(tokens, i) is not None)


QUOTES = frozenset('"«»“”')


def name_after(tokens: list[Token], i: int, hi: int) -> tuple[int, int]:
    """Token range of the name that follows position ``i`` (stops at punctuation and stop words;
    a name quoted after the words that head it runs on: قناة "المسيرة", خدمة الإسعاف "نجمة داود
    الحمراء", the "X" group)."""
    c = cues()
    j = i
    while j < hi and tokens[j].text in "()":
        j += 1
    lo = j
    quoted = False
    while j < hi and j - lo < MAX_NAME_TOKENS:
        if tokens[j].text in QUOTES and (quoted or (j > lo and any(c.source_heads.match_at(tokens, k) is not None
                                                                     for k in range(max(lo, j - 2), j)))):
            quoted = not quoted
        elif _stop(tokens, j, c) or (j > lo and c.relay_from.match_at(tokens, j) is not None):
            break  # "قناة الجزيرة | نقلا عن مصادر طبية": the relay cue ends the name
        j += 1
    return lo, j


def name_before(tokens: list[Token], i: int, lo_limit: int) -> tuple[int, int]:
    """Token range of the name that ends just before position ``i`` ("the ministry said")."""
    c = cues()
    j = i - 1
    while j >= lo_limit and not tokens[j].is_punct and not _acronym(tokens[j]) and (
            c.subject_verb_links.match_at(tokens, j) or c.name_stops.match_at(tokens, j)):
        j -= 1  # "also", "has", "قد", "on Friday"... between the name and its verb
    while j >= lo_limit and tokens[j].text in ",،":
        j -= 1
    hi = j + 1
    # (an acronym in brackets after the name is no words of it: "... Management and Reduction (INGD)")
    bracketed = hi - 3 > lo_limit and tokens[hi - 1].text == ")" and tokens[hi - 3].text == "("
    longest = MAX_NAME_TOKENS + (3 if bracketed else 0)
    while j >= lo_limit and hi - j <= longest:
        if _stop(tokens, j, c) or c.relay_from.match_at(tokens, j) or c.clause_openers.match_at(tokens, j):
            break
        if c.speech_verbs.match_at(tokens, j) or c.according_to.match_at(tokens, j):
            break
        j -= 1
    lo = j + 1
    second = _second_name(tokens, lo, lo_limit) or _carried(tokens, lo, hi, lo_limit)
    if second is not None:
        return second
    if j > lo_limit and tokens[j].text.lower() in ("in", "of", "for", "at", "on") and not _known(tokens, lo, hi):
        # "The health ministry in the Hamas-run territory said", "officials on both sides said":
        # the name runs back to a known source or a word that heads source names before "in".
        head = name_before(tokens, j, lo_limit)
        if head[1] > head[0] and (_known(tokens, *head) or _headed(tokens, *head)):
            return head[0], hi
    return lo, hi


def _second_name(tokens: list[Token], lo: int, lo_limit: int) -> tuple[int, int] | None:
    """The first name when the one ending a name search is its second (", known as the White Helmets,")."""
    c = cues()
    for k in range(max(lo_limit, lo - 4), lo):
        m = c.appositive.match_at(tokens, k)
        if m is not None and m.last == lo - 1 and k - 1 > lo_limit and tokens[k - 1].text in ",،":
            first = name_before(tokens, k - 1, lo_limit)
            if first[1] > first[0] and (_known(tokens, *first) or _headed(tokens, *first)):
                return first
    return None


def _carried(tokens: list[Token], lo: int, hi: int, lo_limit: int) -> tuple[int, int] | None:
    """The speaker and the relay that carried its words, when a name search ended in the relay
    (", in a statement carried by the news agency WAFA, said"), or the relay and the source it
    cites (", citing the Health Ministry, said")."""
    c = cues()
    for k in range(max(lo_limit + 2, lo - 1), hi):
        if (c.relay_carried.match_at(tokens, k) is not None or c.relay_from.match_at(tokens, k) is not None) \
                and tokens[k - 1].text in ",،":
            speaker = name_before(tokens, k - 1, lo_limit)
            if speaker[1] > speaker[0] and (_known(tokens, *speaker) or _looks_like_name(tokens, *speaker)):
                return speaker[0], hi
    return None


def _headed(tokens: list[Token], lo: int, hi: int) -> bool:
    """Does the name end with a word that heads source names ("local officials", "regional police")?"""
    return cues().source_heads.match_at(tokens, hi - 1) is not None


ARTICLES = frozenset({"a", "an", "the"})
# A conjunction joining the speaker's clause to the one before opens no name: "..., and the Kenya
# Defence Forces said" is said by the forces.
CONJUNCTIONS = frozenset({"and", "but", "while"})
APPOSITION_REACH = 5  # words of ", a rights group that ..." before its relative pronoun
PRONOUNS = frozenset({"he", "she", "they", "it"})
MAX_PERSON_WORDS = 4  # words of a person's name before a title between commas
POSSESSIVE = ("'s", "\u2019s")


def _trim(tokens: list[Token], lo: int, hi: int) -> tuple[int, int]:
    """Drop a leading article and trailing prepositions of a printed name ("a spokesman for the office").

    A name that then starts with a preposition ("في وقت سابق") is no name at all.
    """
    c = cues()
    while lo < hi and tokens[lo].text.lower() in CONJUNCTIONS:
        lo += 1
    while lo < hi and (tokens[lo].text.lower() in ARTICLES or not tokens[lo].is_word):
        lo += 1
    if lo + 1 < hi and tokens[lo].text[0].islower() and tokens[lo].text.endswith(POSSESSIVE) \
            and tokens[lo + 1].text[0].isupper():
        lo += 1  # "the country's National Disaster Centre": the possessor is no part of the name
    while hi > lo and (c.function_words.match_at(tokens, hi - 1) is not None or not tokens[hi - 1].is_word):
        if tokens[hi - 1].text == ")" and hi - 3 >= lo and tokens[hi - 3].text == "(":
            break  # "... Reduction (INGD)" keeps its acronym
        hi -= 1
    if lo < hi and c.function_words.match_at(tokens, lo) is not None:
        return lo, lo
    if lo < hi and not tokens[lo].text.isascii():
        # An Arabic name ends at its first preposition: "جمعية الهلال الأحمر | في وادي سرة".
        for k in range(lo + 1, hi):
            if c.function_words.match_at(tokens, k) is not None:
                if k + 2 < hi and c.subnational.match_at(tokens, k + 1) is not None:
                    return lo, k + 3  # "وزارة الصحة في ولاية الخرطوم": the part of the country is in the name
                if k == lo + 1 and k + 1 < hi and c.source_heads.match_at(tokens, lo) is not None:
                    return lo, hi  # "مسؤول في المجلس البلدي": one head word alone names no one
                return lo, k
    return lo, hi


def _looks_like_name(tokens: list[Token], lo: int, hi: int) -> bool:
    """A printed name holds no figure and no counted noun ("1,500 people were reported"), and has a
    proper noun or a word that heads the names of sources ("officials", "مصادر", "جمعية")."""
    if hi <= lo or not tokens[lo].is_word:
        return False
    c = cues()
    # After a word that heads source names anything may follow: "مدير مستشفى شهداء الأقصى".
    head = next((k for k in range(lo, hi) if c.source_heads.match_at(tokens, k) is not None), hi)
    for k in range(lo, hi):
        if tokens[k].text[0].isdigit() or k < head and (c.metric_nouns.match_at(tokens, k)
                                                        or c.metric_cues.match_at(tokens, k)):
            return False
    if c.roles.match_at(tokens, lo) and hi - lo <= 2 and head == hi:
        return False  # "soldiers", "children": counted, not speaking; "medics", "Israeli police" speak
    return any(tokens[k].text[0].isupper() or c.source_heads.match_at(tokens, k) is not None for k in range(lo, hi))


def canonical(tokens: list[Token], lo: int, hi: int, show: Show, place: str | None,
              history: History) -> str | None:
    """The canonical source a name refers to, else the name as printed (trimmed)."""
    c = cues()
    hi = next((k for k in range(lo + 1, hi) if c.affiliated.match_at(tokens, k) is not None), hi)
    best: Match[SourceName] | None = None
    for k in range(lo, hi):
        m = c.sources.match_at(tokens, k)
        if m is None:
            continue  # a known name may run past where a printed one would stop ("Health Ministry in Gaza")
        if best is None or (best.value.generic, -len(best.phrase)) > (m.value.generic, -len(m.phrase)):
            best = m
    if best is not None and not (best.value.generic and _subnational(tokens, best.last + 1, hi)
                                 or _qualified(tokens, lo, best)):
        return _fuller_mention(best, history) or _resolve(best.value, place, history)
    anaphor: Match[str] | None = None
    for k in range(lo, hi):
        found = c.anaphora.match_at(tokens, k)
        if found is not None and found.last < hi:
            anaphor = found  # the last one heads the name: "المتحدث باسم الوزارة" is the ministry
    if anaphor is not None and not (anaphor.value == "any" and _names_more(tokens, anaphor.last + 1, hi)):
        # ("المتحدث باسم الحكومة الكونغولية": a spokesman for someone new, named as printed)
        if anaphor.value == "same":
            return history.last.source if history.last is not None else None
        head = tokens[anaphor.last]
        if not _described(tokens, anaphor.last + 1, hi):
            return history.recall(anaphor.value, head) or history.recall("any", head)
        # "مسؤول في المجلس البلدي": a body described anew is the one named before with that word,
        # else a new one, named as printed.
        recalled = history.recall(anaphor.value, head, named_only=True) or history.recall("any", head, named_only=True)
        if recalled is not None:
            return recalled
    lo, hi = _trim(tokens, lo, hi)
    if not _looks_like_name(tokens, lo, hi):
        return None
    printed = _unbracketed(_span_text(show, tokens, lo, hi).strip(" -'"))
    first = tokens[lo].text
    if not first.isascii() and first[0] in "لب" and len(first) > 3 and first[1:] in tokens[lo].keys:
        printed = printed[1:]  # "وفقا لمكتب تنسيق الإغاثة": the ل belongs to the cue
    return printed or None


def _unbracketed(printed: str) -> str:
    """A name without a bracket it does not close or open ("(the ministry", but "... Reduction (INGD)")."""
    if printed.startswith("(") and ")" not in printed:
        printed = printed[1:]
    if printed.endswith(")") and "(" not in printed:
        printed = printed[:-1]
    return printed.strip(" -'")


def _fuller_mention(known: Match[SourceName], history: History) -> str | None:
    """A body named in full earlier that a short known name refers back to: after "the Kenya Red
    Cross Society said", "the Red Cross said" is that society, not the ICRC."""
    if known.value.generic or known.value.person:
        return None
    words = set(known.phrase)
    kinds = cues().source_kinds
    for name in reversed(history.mentions):
        if name not in kinds and words < _words_of(name):
            return name
    return None


def _qualified(tokens: list[Token], lo: int, known: Match[SourceName]) -> bool:
    """Does a proper name open the printed name before a known body's name ("the Kenya | Red Cross
    Society")? It is then another body (a national society, a country's own), kept as printed;
    a generic name is resolved by its place instead ("Lebanon's health ministry")."""
    k = known.first - 1
    if known.value.generic or known.value.person or k < lo:
        return False
    tok = tokens[k]
    return (tok.is_word and tok.text.isascii() and tok.text[0].isupper()
            and cues().function_words.match_at(tokens, k) is None)


def _subnational(tokens: list[Token], lo: int, hi: int) -> bool:
    """Does a part of a country follow a generic name ("وزارة الصحة | في ولاية الخرطوم")? The
    name is then that part's body, kept as printed rather than resolved to the country's."""
    table = cues().subnational
    return any(table.match_at(tokens, k) is not None for k in range(lo, min(hi, lo + 3)))


def _described(tokens: list[Token], k: int, hi: int) -> bool:
    """Does a definite Arabic adjective follow an anaphor ("المجلس | البلدي")?"""
    if k >= hi or not tokens[k].is_word:
        return False
    word = tokens[k].text
    return not word.isascii() and word.startswith("ال") and cues().function_words.match_at(tokens, k) is None


def _names_more(tokens: list[Token], lo: int, hi: int) -> bool:
    """Do words that name someone follow an anaphor ("the spokesman | for the Congolese government")?"""
    c = cues()
    return sum(1 for k in range(lo, hi) if tokens[k].is_word and c.function_words.match_at(tokens, k) is None) >= 2


def _resolve(name: SourceName, place: str | None, history: History) -> str:
    if not name.generic:
        return name.canonical
    options = dict(name.by_location)
    for candidate in reversed(history.mentions):
        if candidate in options.values():
            return candidate
    for p in ([place] if place else []) + list(reversed(history.places)):
        if p in options:
            return options[p]
    return name.canonical


def mentioned_sources(tokens: list[Token], place: str | None, history: History) -> list[str]:
    """Every known source a sentence names (they become the referents of "the ministry", "it")."""
    out = []
    for m in cues().sources.find_all(tokens):
        out.append(_resolve(m.value, place, history))
    return out


def _with_relay(tokens: list[Token], lo: int, hi: int, s_hi: int, show: Show, place: str | None,
                history: History, relay_verb: bool = False) -> tuple[str | None, tuple[str, ...]]:
    """Resolve the name at ``lo:hi``; a relay after it ("نقلا عن Y", "citing Y", "seen by Y") makes a chain."""
    c = cues()
    told = _told(tokens, lo, hi)
    if told is not None:
        # "قال مسؤول محلي لوكالة فرانس برس": the official speaks; the agency he told relays him.
        speaker = canonical(tokens, lo, told, show, place, history)
        relay_name = canonical(tokens, told, hi, show, place, history)
        if speaker and relay_name and speaker != relay_name:
            return speaker, (relay_name,)
    outer = canonical(tokens, lo, hi, show, place, history)
    j = hi
    while j < s_hi and tokens[j].is_punct and tokens[j].text in ",،()":
        j += 1
    if j < s_hi:
        link = c.relay_verb_link.match_at(tokens, j) if relay_verb else None
        relay = c.relay_from.match_at(tokens, j) or link
        if relay is not None:
            a, b = name_after(tokens, relay.last + 1, s_hi)
            inner = canonical(tokens, a, b, show, place, history)
            if inner is None and link is not None:
                inner = _quoted_person(tokens, a, b, show)  # "نقلت رويترز عن أحد الفارين"
            if inner and outer and inner != outer:
                return inner, (outer,)
            return inner or outer, ()
        seen = c.relay_seen.match_at(tokens, j)
        if seen is not None:
            a, b = name_after(tokens, seen.last + 1, s_hi)
            relay_name = canonical(tokens, a, b, show, place, history)
            if relay_name and outer and relay_name != outer:
                return outer, (relay_name,)
    # "UNRWA, citing the Health Ministry, said": the name before the verb holds the relay;
    # "The ministry, in a statement carried by WAFA, said": it holds the speaker's carrier.
    for k in range(lo + 1, hi):
        m = c.relay_from.match_at(tokens, k)
        if m is not None:
            inner = canonical(tokens, m.last + 1, hi, show, place, history)
            relay_outer = canonical(tokens, lo, k, show, place, history)
            if inner and relay_outer and inner != relay_outer:
                return inner, (relay_outer,)
        m = c.relay_carried.match_at(tokens, k)
        if m is not None:
            speaker = canonical(tokens, lo, _trim(tokens, lo, k)[1], show, place, history)
            carrier = canonical(tokens, m.last + 1, hi, show, place, history)
            if speaker and carrier and speaker != carrier:
                return speaker, (carrier,)
    return outer, ()


# Who hears a statement: news agencies and outlets. Before other bodies ل marks whose the speaker
# is ("المدير العام لمنظمة الصحة العالمية" speaks for the WHO).
HEARERS = frozenset({"agency", "media"})


def _quoted_person(tokens: list[Token], lo: int, hi: int, show: Show) -> str | None:
    """Whoever a relay verb quotes, as printed, when no source name is there ("عن أحد الفارين"):
    "نقل عن" quotes a person or a body, whatever the words."""
    lo, hi = _trim(tokens, lo, hi)
    if hi <= lo or any(not tokens[k].is_word for k in range(lo, hi)):
        return None
    return _span_text(show, tokens, lo, hi).strip() or None


def _glued(tok: Token, letters: str) -> bool:
    """Does an Arabic preposition of ``letters`` stand glued to the word ("لوكالة", "بحسب")? The
    word's keys then hold it without that letter."""
    keys = tok.keys
    return not keys[0].isascii() and keys[0][0] in letters and len(keys[0]) > 3 and keys[0][1:] in keys[1:]


def _told(tokens: list[Token], lo: int, hi: int) -> int | None:
    """Where an outlet glued to ل starts after a speaker's name ("مسؤول محلي | لوكالة فرانس برس")."""
    c = cues()
    for k in range(lo + 1, hi):
        if _glued(tokens[k], "ل"):
            m = c.sources.match_at(tokens, k)
            if m is not None and m.value.kind in HEARERS:
                return k
    return None


def _tally_target(tokens: list[Token], i: int, hi: int) -> int:
    """Skip a tally word ("وفق تعداد لفرانس برس"): the agency that counted is the source."""
    c = cues()
    m = c.tally.match_at(tokens, i) if i < hi else None
    return m.last + 1 if m is not None else i


def sentence_attributions(tokens: list[Token], show: Show, place: str | None,
                          history: History) -> list[Attribution]:
    """Every attribution cue of a sentence with the source it names, in text order.

    Once a speaker's words have begun ("قال X إن ...", "X said that ..."), a later speech verb
    is part of what was said ("... أبلغ عائلات 224 رهينة") unless a new clause opens with it
    ("فيما تحدثت حماس عن").
    """
    c = cues()
    found: list[Attribution] = []
    n = len(tokens)
    in_quote = False
    resume = 0  # where the last cue read ends
    for i in c.clause_openers.starts_in(tokens, c.according_to, c.speech_verbs, c.participles):
        if i < resume:
            continue
        if c.clause_openers.match_at(tokens, i) is not None:
            in_quote = False
        if not found and i > 1 and tokens[i - 1].text in ",،" and c.participles.match_at(tokens, i) is not None:
            opening = _opening_subject(tokens, i, show, place, history)
            if opening is not None:
                found.append(opening)
                in_quote = True
                resume = i + 1
            continue
        acc = c.according_to.match_at(tokens, i)
        if acc is not None:
            start = acc.last + 1
            verb_after = c.speech_verbs.match_at(tokens, start) if start < n else None
            if verb_after is not None:
                start = verb_after.last + 1  # "حسبما أفادت وزارة الصحة", "as reported by"
            if c.anaphora.match_at(tokens, start) is None:
                start = _tally_target(tokens, start, n)
            lo, hi = name_after(tokens, start, n)
            if not _known(tokens, lo, hi):
                hi = _widen(tokens, lo, hi, n)
            relay_verb = verb_after is not None and c.relay_verbs.match_at(tokens, verb_after.first) is not None
            # "وقالت الشرطة إن ...، بحسب متحدث باسمها": an anaphor may refer to a speaker of this sentence.
            heard = _heard_so_far(history, found) if c.anaphora.match_at(tokens, lo) is not None else history
            # "بحسب ما نقلت وكالة رويترز عن مسؤولين": the officials speak, Reuters relays them.
            source, via = _with_relay(tokens, lo, hi, n, show, place, heard, relay_verb)
            speaker = found[-1] if found else None
            if (source and speaker is not None and speaker.kind == "speech" and speaker.source
                    and speaker.source != source and _aside(tokens, resume, i)):
                # "The ministry said on Sunday, according to TASS, that ...": TASS relays the ministry;
                # "the Daily Star reported, citing police sources": the paper relays the police sources.
                cue = f"{speaker.cue} … {_span_text(show, tokens, i, hi)}"
                if c.relay_from.match_at(tokens, i) is not None:
                    found[-1] = Attribution(source, (*speaker.via, speaker.source, *via), speaker.pos, "speech", cue,
                                            speaker.governs_before)
                else:
                    found[-1] = Attribution(speaker.source, (source, *speaker.via), speaker.pos, "speech", cue,
                                            speaker.governs_before)
            elif source:
                found.append(Attribution(source, via, i, "according", _span_text(show, tokens, i, hi)))
            resume = max(hi, acc.last + 1)
            continue
        verb = c.speech_verbs.match_at(tokens, i)
        if verb is not None and in_quote and _coordinated_speaker(tokens, i):
            in_quote = False  # "X said ..., and the Nepal Army said 300": a clause of its own, not X's words
        if verb is not None and in_quote and found and found[-1].source:
            inner = _nested(tokens, i, verb.last, show, place, history, found[-1])
            if inner is not None:
                found.append(inner)
                resume = verb.last + 1
                continue
        if verb is not None and not in_quote and _passive(tokens, i):
            # "were reported missing": reported by whoever the article last quoted.
            if history.last is not None and history.last.source:
                found.append(Attribution(history.last.source, history.last.via, i, "carried", tokens[i].text))
            resume = verb.last + 1
            continue
        if verb is not None and not in_quote:
            said = _speech(tokens, i, verb.last, show, place, history)
            in_quote = _opens_quote(tokens, verb.last + 1, n)
            found.append(said if in_quote else replace(said, quotes=False))
            resume = verb.last + 1
            continue
    return [a for a in found if a.source or a.kind == "speech"]


def _heard_so_far(history: History, found: list[Attribution]) -> History:
    """The article's history with the sources this sentence has named so far added last."""
    if not any(a.source for a in found):
        return history
    heard = replace(history, mentions=deque(history.mentions, maxlen=RECENT))
    heard.remember_all(found)
    return heard


def _opening_subject(tokens: list[Token], i: int, show: Show, place: str | None,
                     history: History) -> Attribution | None:
    """The speaker of a participle at ``i`` (", saying ..."): the name that opens the sentence, up
    to the last known source or word that heads source names in its first words ("Civil society
    groups in Rutshuru gave a higher toll, saying"); nobody when the sentence opens otherwise."""
    c = cues()
    lo, hi = name_after(tokens, 0, i)
    known = list(c.sources.find_all(tokens, lo, hi))
    heads = [k for k in range(lo, hi) if c.source_heads.match_at(tokens, k) is not None]
    ends = [m.last + 1 for m in known] + [k + 1 for k in heads]
    if not ends:
        return None
    end = min(ends)
    if not tokens[lo].text.isascii():
        lo = min([m.first for m in known if m.last < end] + [k for k in heads if k < end])  # after the verb

    while end < hi and c.source_heads.match_at(tokens, end) is not None:
        end += 1  # "civil society | groups"
    source = canonical(tokens, lo, end, show, place, history)
    if not source:
        return None
    return Attribution(source, (), i, "speech", _span_text(show, tokens, lo, end) + " … " + tokens[i].text)


def _aside(tokens: list[Token], lo: int, hi: int) -> bool:
    """Do only punctuation and time words stand between a speech verb (ending at ``lo``) and a
    prepositional cue at ``hi`` (", on Sunday, according to")? Then the cue is an aside on the verb."""
    c = cues()
    return lo < hi and any(tokens[k].is_punct for k in range(lo, hi)) and all(
        tokens[k].is_punct or c.name_stops.match_at(tokens, k) is not None for k in range(lo, hi))


def _widen(tokens: list[Token], lo: int, hi: int, n: int) -> int:
    """Reach past a relative clause for the name of who published the figures
    ("حسب بيانات النعي التي ينشرها الحزب", "according to figures released by the ministry")."""
    c = cues()
    for k in range(hi, min(n, lo + MAX_NAME_TOKENS)):
        tok = tokens[k]
        if tok.is_punct or tok.text[0].isdigit():
            break
        m = c.sources.match_at(tokens, k) or c.anaphora.match_at(tokens, k)
        if m is not None:
            return m.last + 1
    return hi


def _before_relative_clause(tokens: list[Token], lo: int) -> tuple[int, int]:
    """The name before ", whose count has run ahead of the official one," and its verb."""
    c = cues()
    k = lo - 1
    while k >= 0 and tokens[k].text not in ",،":
        if c.relative_pronouns.match_at(tokens, k) is not None:
            comma = k - 1
            if comma >= 0 and tokens[comma].text in ",،":
                return name_before(tokens, comma, 0)
            # (", a rights group that tracks killings, says": a short noun phrase in apposition)
            comma = next((j for j in range(k - 1, max(-1, k - 1 - APPOSITION_REACH), -1) if tokens[j].is_punct), -1)
            if comma > 0 and tokens[comma].text in ",،" and tokens[comma + 1].text.lower() in ("a", "an"):
                return name_before(tokens, comma, 0)
        k -= 1
    if k >= 0 and k + 1 < len(tokens) and c.relative_pronouns.match_at(tokens, k + 1) is not None:
        return name_before(tokens, k, 0)
    return lo, lo


def _person(tokens: list[Token], lo: int, hi: int) -> bool:
    """A short unknown name right before "أن" ("وأضافت درايسديل أن") is a person speaking."""
    c = cues()
    return (hi - lo <= 3 and hi < len(tokens) and c.person_before.match_at(tokens, hi) is not None
            and all(tokens[k].is_word and c.function_words.match_at(tokens, k) is None
                    and c.anaphora.match_at(tokens, k) is None for k in range(lo, hi))
            and not any(c.metric_cues.match_at(tokens, k) or c.roles.match_at(tokens, k) for k in range(lo, hi)))


def _known(tokens: list[Token], lo: int, hi: int) -> bool:
    c = cues()
    return any(c.sources.match_at(tokens, k) is not None for k in range(lo, hi))


def _coordinated_speaker(tokens: list[Token], i: int) -> bool:
    """Does the English name before the speech verb at ``i`` open a clause joined by ", and"?"""
    if not tokens[i].text.isascii():
        return False
    lo = name_before(tokens, i, 0)[0]
    return 0 < lo < i and tokens[lo].text.lower() in CONJUNCTIONS and tokens[lo - 1].text == ","


def _nested(tokens: list[Token], i: int, last: int, show: Show, place: str | None, history: History,
            outer: Attribution) -> Attribution | None:
    """A known source speaking inside another's words is the original source, and the outer
    speakers its relays ("Al Jazeera, citing WAFA, reported that the Health Ministry had recorded")."""
    if i > 0 and tokens[i - 1].text.lower() in ("ما", "what", "than"):
        return None  # "تجاوز ما أعلنته الوزارة": what the ministry said is compared, not quoted
    said = _speech(tokens, i, last, show, place, history)
    if (said.kind != "speech" or not said.source or said.source == outer.source
            or said.source not in cues().source_kinds):
        return None
    via = outer.via + ((outer.source,) if outer.source else ())
    return Attribution(said.source, via, i, "nested", said.cue, governs_before=False)


def _passive(tokens: list[Token], i: int) -> bool:
    return i > 0 and cues().passive.match_at(tokens, i - 1) is not None


def _opens_quote(tokens: list[Token], i: int, n: int) -> bool:
    """Does what follows a speech verb open the speaker's words (a complementizer within reach)?"""
    c = cues()
    for k in range(i, min(n, i + MAX_NAME_TOKENS + 4)):
        if c.complementizers.match_at(tokens, k) is not None:
            return True
        if tokens[k].text[0].isdigit():
            return True
    return False


def _speech(tokens: list[Token], i: int, last: int, show: Show, place: str | None,
            history: History) -> Attribution:
    """The source of a speech verb: the name after it (Arabic order) or before it (English)."""
    c = cues()
    n = len(tokens)
    english = tokens[i].text.isascii()
    after = name_after(tokens, last + 1, n)
    relay_verb = c.relay_verbs.match_at(tokens, i) is not None
    if english and c.told.match_at(tokens, i) is not None:
        told = _told_by(tokens, i, after, show, place, history)
        if told is not None:
            return told
    if english and i > 0 and tokens[i - 1].text.lower() in PRONOUNS:
        # "..., he said": whoever the article quoted last, not a name before the pronoun, unless
        # the sentence named a subject first ("CENTCOM did not comment, but it said").
        subject = _subject_named_before(tokens, i - 1, place, history)
        if subject is not None:
            return Attribution(subject, (), i, "speech", tokens[i].text, governs_before=True)
        if history.last is not None and history.last.source:
            return Attribution(history.last.source, history.last.via, i, "carried", tokens[i].text,
                               governs_before=True)
        return Attribution(None, (), i, "speech", tokens[i].text, governs_before=True)
    if english:
        before = name_before(tokens, i, 0)
        candidates = [_before_relative_clause(tokens, before[0]), before, after]
    else:
        # Arabic puts the speaker after the verb; before it only as "وكان X قد أعلن".
        candidates = [after]
        if i > 0 and c.subject_verb_links.match_at(tokens, i - 1) is not None:
            candidates.append(name_before(tokens, i, 0))
    if not english and i > 0:
        before = name_before(tokens, i, 0)
        opens = before[0] > 0 and c.clause_openers.match_at(tokens, before[0] - 1) is not None
        if before[1] > before[0] and (opens or _known(tokens, *before)):
            candidates.append(before)  # "غير أن الجيش الإسرائيلي قدّر", "لكن جمعية الهلال الأحمر أعلنت"
    for lo, hi in candidates:
        if hi <= lo:
            continue
        named = _named_before_title(tokens, lo, hi) if english and hi <= i else None
        if named is not None:
            lo, hi = named  # "Oleh Hryhorov, the head of the regional military administration, said"
        source, via = _with_relay(tokens, lo, hi, n, show, place, history, relay_verb)
        if source is None and not english and _person(tokens, lo, hi):
            source = _span_text(show, tokens, lo, hi)  # "وأضافت درايسديل أن": a person speaking
        if source:
            cue = _span_text(show, tokens, min(lo, i), max(hi, last + 1))
            # "..., the ministry said" credits the figures before it; "27 the military says are dead" does not.
            trailing = english and lo < i and _opens_clause(tokens, lo)
            return Attribution(source, via, i, "speech", cue, governs_before=trailing)
    # A verb with a pronoun subject ("وأضاف أن", "it said") speaks for the source the sentence
    # named first ("ولم تعلق سنتكوم على الغارة، لكنها قالت"), else for the last source.
    subject = None if english else _subject_named_before(tokens, i, place, history)
    if subject is not None:
        return Attribution(subject, (), i, "speech", tokens[i].text, governs_before=False)
    if history.last is not None and history.last.source:
        return Attribution(history.last.source, history.last.via, i, "carried", tokens[i].text,
                           governs_before=english)
    return Attribution(None, (), i, "speech", tokens[i].text, governs_before=english)


def _subject_named_before(tokens: list[Token], i: int, place: str | None, history: History) -> str | None:
    """The last known source named before token ``i`` of the sentence, not after a preposition
    (a source a preposition governs is what the sentence speaks of: "على غارة"، "for the ministry")."""
    c = cues()
    subject = None
    for m in c.sources.find_all(tokens):  # (the whole sentence's matches are cached)
        if m.last >= i:
            break
        governed = (m.first > 0 and c.function_words.match_at(tokens, m.first - 1) is not None
                    or _glued(tokens[m.first], "لب"))
        if not governed:
            subject = _resolve(m.value, place, history)
    return subject


def _named_before_title(tokens: list[Token], lo: int, hi: int) -> tuple[int, int] | None:
    """The name of the speaker when a title between commas follows it and names no
    known body of its own ("Oleh Hryhorov, the head of the Sumy regional military administration,
    told"): the name is who speaks. A title naming a known body keeps it ("Ashraf al-Qudra,
    spokesman for the Gaza Health Ministry, said"), and so does a generic one that ends the title
    ("a spokesman for the civil defence")."""
    c = cues()
    k = lo - 1
    while k >= 0 and tokens[k].text.lower() in ARTICLES:
        k -= 1
    if k < 2 or tokens[k].text != ",":
        return None
    j = k - 1
    while j >= 0 and k - j <= MAX_PERSON_WORDS and tokens[j].is_word and tokens[j].text[0].isupper():
        j -= 1
    first = j + 1
    if k - first < 2 or (j >= 0 and not tokens[j].is_punct):
        return None
    if any(c.function_words.match_at(tokens, t) or c.locations.match_at(tokens, t) or c.day_cues.match_at(tokens, t)
           for t in range(first, k)):
        return None  # "In Malaysia, immigration authorities said", "On Saturday, the administrator"
    end = _trim(tokens, lo, hi)[1]
    for m in c.sources.find_all(tokens, lo, hi):
        if not m.value.generic or m.last + 1 == end:
            return None
    return first, k


def _opens_clause(tokens: list[Token], lo: int) -> bool:
    """Does the name at ``lo`` open the sentence or a clause after a comma (a count of the speakers
    may come first: ", two Iraqi security sources told Reuters")? Its verb then speaks for the
    figures before it."""
    counts = cues().counts
    k = lo - 1
    while k >= 0 and (counts.match_at(tokens, k) is not None or tokens[k].text.lower() in ARTICLES):
        k -= 1
    return k < 0 or tokens[k].text in ",;"


def _told_by(tokens: list[Token], i: int, heard: tuple[int, int], show: Show, place: str | None,
             history: History) -> Attribution | None:
    """"X told Reuters": X speaks and Reuters relays, past an aside between commas
    ("A U.S. official, speaking on condition of anonymity, told Reuters")."""
    listener = canonical(tokens, *heard, show, place, history) if heard[1] > heard[0] else None
    if i > 0 and tokens[i - 1].text.lower() in PRONOUNS and history.last is not None:
        # "..., he told AFP": whoever the article quoted last.
        spans: list[tuple[int, int, str | None]] = [(i - 1, i, history.last.source or "")]
    else:
        spans = [(*name_before(tokens, i, 0), None)]
        if i > 0 and tokens[i - 1].text == ",":
            comma = next((k for k in range(i - 2, max(-1, i - MAX_NAME_TOKENS - 2), -1) if tokens[k].text == ","),
                         None)
            if comma is not None:
                spans.append((*name_before(tokens, comma, 0), None))
    for lo, hi, known in spans:  # known: the speaker already resolved ("" for nobody)
        if known is None and hi > lo:
            lo, hi = _named_before_title(tokens, lo, hi) or (lo, hi)
        speaker = known if known is not None else (canonical(tokens, lo, hi, show, place, history) if hi > lo
                                                   else None)
        if speaker and speaker != listener:
            trailing = _opens_clause(tokens, lo)
            return Attribution(speaker, (listener,) if listener else (), i, "speech",
                               _span_text(show, tokens, lo, max(heard[1], i + 1)), governs_before=trailing)
    return None


def headline_source(tokens: list[Token], show: Show, place: str | None, history: History) -> Attribution | None:
    """A headline that names its source before a colon ("الصحة في غزة: 471 شهيدا", "Gaza ministry: 12 killed")."""
    colon = next((k for k, t in enumerate(tokens[:MAX_NAME_TOKENS]) if t.text == ":"), None)
    if colon is None or colon == 0 or not _known(tokens, 0, colon):
        return None
    c = cues()
    opening = c.periods.match_at(tokens, 0)
    if (opening is not None and opening.value == "event") or c.blockers.match_at(tokens, 0) is not None:
        return None  # "هجوم الدعم السريع على مخيم زمزم: مئات القتلى": the incident, not who tells it
    source = canonical(tokens, 0, colon, show, place, history)
    return Attribution(source, (), colon, "according", _span_text(show, tokens, 0, colon)) if source else None


def opens_with_continuation(tokens: list[Token]) -> bool:
    return bool(tokens) and cues().continuation.match_at(tokens, 0) is not None


def clause_openers(tokens: list[Token]) -> frozenset[int]:
    """The tokens where a new clause opens ("فيما", "while", ";")."""
    return cues().clause_openers.starts(tokens)


def attribution_for(fig_pos: int, found: list[Attribution], openers: Collection[int] = ()) -> Attribution | None:
    """The attribution that governs the figure at token ``fig_pos``.

    The speech verb before the figure governs it (else the first after it: "..., the ministry
    said"). A prepositional cue after the figure that names someone else wraps the speaker
    as a relay ("Israeli TV said ..., according to Reuters"). ``openers`` are the tokens where
    a new clause opens (:func:`clause_openers`).
    """
    # A source quoted inside another's words speaks only for the figure right after it; a source
    # carried from an earlier sentence only when the sentence names none of its own.
    named = any(a.kind != "carried" for a in found)
    speech = [a for a in found if a.source and (a.kind == "speech" or a.kind == "carried" and not named
                                                or a.kind == "nested" and 0 < fig_pos - a.pos <= NESTED_REACH)]
    according = [a for a in found if a.kind == "according"]
    governing = next((a for a in reversed(speech) if a.pos < fig_pos), None)
    if governing is None:
        governing = next((a for a in speech if a.pos > fig_pos and a.governs_before), None)
    wrapper = None
    if according:
        # A figure between two "according to" cues is the later one's unless the earlier opens the
        # sentence: "قتل 6 آلاف بحسب الأمم المتحدة، بينهم 4500 ... وفق الدفاع المدني".
        after = [a for a in according if a.pos > fig_pos]
        before = [a for a in according if a.pos < fig_pos]
        later = min(after, key=lambda a: a.pos) if after else None
        if later is not None and before and any(fig_pos < k < later.pos for k in openers):
            # "أسفرت، وفق أرقام رسمية لبنانية، عن مقتل 4 آلاف ... فيما قُتل 45 ... بحسب السلطات
            # الإسرائيلية": a cue past a new clause is that clause's.
            wrapper = max(before, key=lambda a: a.pos)
        elif later is not None and not any(a.pos <= OPENING for a in before):
            wrapper = later
        else:
            wrapper = min(according, key=lambda a: abs(a.pos - fig_pos))
        if wrapper.pos > fig_pos and any(fig_pos < a.pos < wrapper.pos and a.quotes for a in speech):
            wrapper = None  # "..., وقالت قنوات إن ... وفقا لرويترز": Reuters relays that speaker only
    if governing is None:
        return wrapper
    if wrapper is None or wrapper.source == governing.source:
        return governing
    if wrapper.pos > fig_pos and governing.pos < fig_pos:
        if cues().source_kinds.get(wrapper.source or "") in COUNTING_KINDS:
            return wrapper  # "Hamas said …, more than 6,600 people, according to the Prisoners' Society": its count
        return Attribution(governing.source, (wrapper.source or "",) + governing.via, governing.pos,
                           "speech", f"{governing.cue} … {wrapper.cue}")
    return wrapper if abs(wrapper.pos - fig_pos) < abs(governing.pos - fig_pos) else governing
