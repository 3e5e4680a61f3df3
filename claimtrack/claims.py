"""From figures to claims: which metric a figure counts, whom, where and over what period.

The rules read a sentence's tokens around each figure:

1. the *counted noun* right after the figure ("2600 جريح", "15 soldiers", "20 trucks"): a metric
   noun sets the metric, a role noun sets the subject, a blocker (trucks, facilities) means
   the figure counts something outside the metric list;
2. else the nearest *metric cue* in reach, before or after ("مقتل 15 عسكريا", "687 فلسطينيا
   قتلوا", "the death toll rose to 52");
3. else, for a figure listed after another one ("بينهم 78 طفلا و41 امرأة", "including 95
   civilians"), the metric of the figure it is listed with.

A figure none of these reach is not a claim. Each reading records the rule and cue words so
that ``claimtrack extract --explain`` can show why.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from claimtrack.cues import Role, cues
from claimtrack.phrases import Match, PhraseTable, Token, tokenize
from claimtrack.records import METRICS, Figure

NOUN_WINDOW = 4  # words after a figure in which its counted noun may stand
CUE_AFTER = 10  # tokens after a figure in which a metric cue may set its metric
CUE_BEFORE = 12
TIGHT = 2  # reach of a cue for a figure followed by an unknown noun
ROLE_CUE_REACH = 4  # a cue this close overrides a role noun's own metric ("مقتل 13 أسيرا")
FAR = 3  # extra distance of a bare metric noun used as a cue
LINK_REACH = 3  # tokens between a listed figure and the link word before it
LIST_FILLERS = frozenset({"another", "further", "additional", "some", "other"})
# Verbs right after a counted noun that make its people the speakers ("two aid workers told Reuters";
# not "12 fishermen reported missing").
SPEAKING = frozenset({"said", "say", "says", "told", "tell", "tells"})
LISTED_REACH = 4  # the same, for a cue after both figures to be said of both
PERIOD_AFTER = 16  # tokens after a figure in which a period cue may stand
FATE_REACH = 5  # words after a counted noun in which the fate of what it counts may stand
CUSTODY_REACH = 4  # tokens after a holding verb in which a place of custody may stand ("held in Israeli prisons")
DISEASE_REACH = 3  # tokens after an injury noun in which a disease may stand
DISEASE_BEFORE = 5  # and tokens before its figure ("الكوليرا التي سجلت منها 268 إصابة")
COMPARISON_REACH = 5  # tokens before "since" in which a superlative makes it a comparison
RELATIVE_REACH = 3  # tokens after a relative pronoun in which its verb may stand ("who have been freed")
TOLL_OF_REACH = 3  # tokens after a toll's phrase in which the incident it counts may stand
DAY_BEFORE_REACH = 2  # a day before the figure dates it with at most one word between ("فجر اليوم نحو 23")
SINCE_REACH = 5  # words before a window cue in which a "since" makes it the start of a running total

# Tolls run; actions (a release, a barrage, a raid) happen once.
DEFAULT_PERIOD = {"killed": "cumulative", "wounded": "cumulative", "detained": "cumulative", "displaced": "cumulative",
                  "released": "event", "rockets": "event", "drones": "event", "airstrikes": "event"}


@dataclass(frozen=True, slots=True)
class Reading:
    """What the rules read about one figure."""

    metric: str
    subject: str | None
    location: str | None
    period: str
    rule: str
    confidence: float
    cues: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _Noun:
    metric: str | None = None
    role: Role | None = None
    blocked: bool = False
    unknown: bool = False
    others: bool = False
    last: int = -1  # last token of the noun phrase
    words: str = ""


def figure_tokens(tokens: list[Token], fig: Figure, ends: list[int] | None = None) -> tuple[int, int]:
    """Indices of the first and last token covered by a figure (``ends``: the tokens' ends, given
    when there are many figures, so that each is found by bisection rather than a scan)."""
    first = bisect_right([t.end for t in tokens] if ends is None else ends, fig.start)
    if first == len(tokens):
        first = len(tokens) - 1
    last = first
    while last + 1 < len(tokens) and tokens[last + 1].start < fig.end:
        last += 1
    return first, last


def _counted_noun(tokens: list[Token], first: int, last: int, fig: Figure) -> _Noun:
    c = cues()
    if fig.dual_noun:
        noun_tokens = tokenize(fig.dual_noun)
        m = c.metric_nouns.match_at(noun_tokens, 0) if noun_tokens else None
        r = c.roles.match_at(noun_tokens, 0) if noun_tokens else None
        if m is not None or r is not None:
            return _Noun(metric=m.value if m else None, role=r.value if r else None, last=last,
                         words=fig.dual_noun)
    j = last + 1
    n = len(tokens)
    role: Role | None = None
    role_end = -1
    words = 0
    after_between = False
    while j < n and words < NOUN_WINDOW:
        tok = tokens[j]
        if tok.text[0].isdigit() and after_between:
            j += 1  # "27 of the 30 drones": the figure counts the noun of the whole
            after_between = False
            continue
        after_between = False
        if tok.is_punct or tok.text[0].isdigit():
            break
        if _conjunct(tok):
            break  # "٣٤٬٥٣٥ والمصابين": the و opens the next item, not this figure's noun
        metric = c.metric_nouns.match_at(tokens, j)
        if (metric is not None and metric.value == "wounded"
                and (_follows(c.diseases, tokens, metric.last, DISEASE_REACH)  # "47 إصابة جديدة بالإسهال": cases
                     or _disease_before(tokens, first))):  # "الكوليرا التي سجلت منها 268 إصابة"
            return _Noun(blocked=True, last=metric.last, words=_words(tokens, j, metric.last))
        if metric is not None:
            if tok.text.isascii() and metric.last + 1 < n and c.blockers.match_at(tokens, metric.last + 1) is not None:
                # English puts the head last: "two rocket launchers" counts launchers
                return _Noun(blocked=True, last=metric.last + 1, words=_words(tokens, j, metric.last + 1))
            return _Noun(metric=metric.value, role=role, last=metric.last, words=_words(tokens, j, metric.last))
        r = c.roles.match_at(tokens, j)
        if r is not None:
            # English puts the head noun last ("two American hostages") but keeps a role that has a
            # metric; Arabic stops at its first role noun below.
            if role is None or (r.value.metric is not None if tok.text.isascii() else role.metric is None):
                role, role_end = r.value, r.last
            j = r.last + 1
            words += 1
            if not tok.text.isascii():
                break  # an Arabic head noun comes first; what follows qualifies it
            continue
        if c.blockers.match_at(tokens, j) is not None:
            if role is not None:
                break
            return _Noun(blocked=True, last=j, words=tok.text)
        other = c.others.match_at(tokens, j)
        if other is not None and role is None and words == 0:
            return _Noun(others=True, last=other.last, words=tok.text)
        between = c.between.match_at(tokens, j)
        if between is not None:
            j = between.last + 1
            after_between = True
            continue
        if role is not None or c.function_words.match_at(tokens, j) is not None:
            break
        if words == 0 and not tok.text.isascii():
            return _Noun(unknown=True, last=j, words=tok.text)
        j += 1
        words += 1
    if role is not None:
        return _Noun(role=role, last=role_end, words=_words(tokens, last + 1, role_end))
    return _Noun(last=last)


def _fate_after(tokens: list[Token], found: _Cues, others: set[int], held: Match[str], until: int) -> Match[str] | None:
    """A release or death told later in the clause of people a holding participle describes."""
    subordinate = cues().subordinators.starts(tokens)  # "held for 14 months before being freed": still held
    for m in found.matches:
        if m.first <= held.last:
            continue
        if m.first >= until or any(k in others or k in subordinate or tokens[k].is_punct or _clause_break(tokens, k)
                                   for k in range(held.last + 1, m.first)):
            return None
        if m.value in FATE_METRICS and m.value != "wounded":
            return m
    return None


def _follows(table: PhraseTable[bool], tokens: list[Token], last: int, reach: int) -> bool:
    """Does a phrase of ``table`` start within ``reach`` tokens after token ``last``?"""
    return any(table.match_at(tokens, k) is not None for k in range(last + 1, min(len(tokens), last + 1 + reach)))


def _disease_before(tokens: list[Token], first: int) -> bool:
    """Is a disease named in the few words before token ``first``, with no punctuation between?"""
    for k in range(first - 1, max(-1, first - 1 - DISEASE_BEFORE), -1):
        if tokens[k].is_punct:
            return False
        if cues().diseases.match_at(tokens, k) is not None:
            return True
    return False


CONJUNCT_REACH = 3  # words from a joined verb to the figure it governs ("واختطفوا | خمسة")


def _figure_right_after(tokens: list[Token], last: int, others: set[int]) -> bool:
    """Does another figure follow token ``last`` within a few words, with no punctuation between
    ("death toll passes 210"; not "listed as missing, down from 3,000")?"""
    for k in range(last + 1, min(len(tokens), last + 1 + CONJUNCT_REACH)):
        if k in others:
            return True
        if tokens[k].is_punct:
            return False
    return False


def _conjunct(tok: Token) -> bool:
    """Does an Arabic word start with a glued conjunction ("والمصابين", "وإصابة")?

    A و that belongs to the word itself ("وفاة", "وفيات") is no conjunction: the whole word is
    then a lexicon word in its own right.
    """
    text = tok.text
    if text.isascii() or len(text) <= 3 or text[0] != "و":
        return False
    c = cues()
    whole = [Token(text, tok.start, tok.end, (text.lower().replace("ة", "ه"),))]
    return not any(t.match_at(whole, 0) for t in (c.metric_nouns, c.roles, c.blockers, c.metric_cues))


def _compound_modifier(tokens: list[Token], last: int, fig: Figure) -> bool:
    """Is the figure hyphenated to the word after it ("a 7.7-magnitude quake", "a 30-storey
    building")? Such a figure describes the noun; it counts nothing."""
    k = last + 1
    return (k + 1 < len(tokens) and tokens[k].text == "-" and tokens[k].start == fig.end
            and tokens[k + 1].start == tokens[k].end and tokens[k + 1].is_word and tokens[k + 1].text.isascii())


def _noun_before(tokens: list[Token], first: int) -> _Noun | None:
    """The counted noun just before a figure ("ضابط واحد"), or None."""
    if first == 0:
        return None
    c = cues()
    m = c.metric_nouns.match_at(tokens, first - 1)
    if m is not None and m.last == first - 1:
        return _Noun(metric=m.value, last=first - 1, words=tokens[first - 1].text)
    r = c.roles.match_at(tokens, first - 1)
    if r is not None and r.last == first - 1:
        return _Noun(role=r.value, last=first - 1, words=tokens[first - 1].text)
    return None


def _words(tokens: list[Token], lo: int, hi: int) -> str:
    return " ".join(t.text for t in tokens[lo:hi + 1])


def _clause_break(tokens: list[Token], k: int) -> bool:
    """Does a new clause open at token ``k`` ("فيما بلغ عدد الجرحى", "; while")?"""
    return k in cues().clause_openers.starts(tokens) or tokens[k].text in ";؛"


@dataclass(frozen=True, slots=True)
class _Cues:
    """The metric cues of a sentence: those another figure took (``owned``), and bare nouns (``far``)."""

    matches: list[Match[str]]
    owned: set[int]
    far: set[int]


def _nearest_cue(tokens: list[Token], found: _Cues, others: set[int], first: int, last: int,
                 reach_before: int, reach_after: int,
                 only: frozenset[str] | None = None, own_clause: bool = False) -> tuple[Match[str] | None, int]:
    """The closest metric cue in reach (of the ``only`` metrics, if given).

    A cue after the figure must stand in its clause, before any other figure (``others`` are
    their first tokens) unless that figure is listed with this one ("Nine soldiers and two
    civilians have been killed"). A cue another figure took is used only when nothing else is
    in reach; a bare noun used as a cue counts as farther than a verb. With ``own_clause`` (the
    figure names whom it counts) a cue before a clause opener is another clause's: "..., while
    roughly 33 million people had been affected"; a bare figure there shares the verb ("نزحوا ...
    في حين عبر قرابة 259 ألفا").
    """
    stop_after = last + reach_after + 1
    for k in range(last + 1, min(len(tokens), stop_after)):
        if (k in others and not _listed_at(tokens, k, last)) or _clause_break(tokens, k):
            stop_after = k
            break
    best: tuple[bool, int, Match[str]] | None = None
    subordinate = cues().subordinators.starts(tokens) if own_clause else frozenset()
    for m in found.matches:
        if only is not None and m.value not in only:
            continue
        if m.last < first:
            d = first - m.last
            if d > reach_before or (own_clause and d <= CUE_BEFORE
                                    and any(_clause_break(tokens, k) or k in subordinate
                                            for k in range(m.last + 1, first))):
                continue
        elif last < m.first < stop_after:
            d = m.first - last
            if m.first in found.far and _punct_between(tokens, m, first, last):
                continue  # a bare noun past a comma names no figure before it: "مئات الأشخاص، رفعوا صور الضحايا"
            if _conjunct(tokens[m.first]) and any(k in others for k in range(m.last + 1, m.last + 1 + CONJUNCT_REACH)):
                continue  # "وقتل المسلحون 9 رجال واختطفوا خمسة": a verb joined on governs the figure after it
            if own_clause and any(k in subordinate for k in range(last + 1, m.first)) \
                    and _figure_right_after(tokens, m.last, others):
                continue  # "sends 10,000 more troops ... as death toll passes 210": the next figure's cue
        else:
            continue
        if m.first in found.far:
            d += FAR
        if best is None or (m.first in found.owned, d) < best[:2]:
            best = (m.first in found.owned, d, m)
    if best is None:
        return None, 10**6
    return best[2], best[1]


def _listed_at(tokens: list[Token], k: int, last: int) -> bool:
    """Is the figure at ``k`` listed with the one ending at ``last`` ("and four", "بينهم 7",
    "two of them"), so that what is said after it is said of both?"""
    c = cues()
    # Up to four words back, past a qualifier: "and at least four", "بينهم ما لا يقل عن".
    before = any(c.subset_links.match_at(tokens, j) or c.subset_of.match_at(tokens, j)
                 for j in range(max(last + 1, k - LISTED_REACH), k))
    return before or any(c.subset_of.match_at(tokens, j) for j in range(k + 1, min(len(tokens), k + 3)))


def _opening_verb(tokens: list[Token], found: _Cues, others: set[int], start: int) -> Match[str] | None:
    """An Arabic metric verb that opens the clause of the figure at ``start``, however far before it
    ("قُتل منذ بدء التصعيد عبر الحدود في الثامن من أكتوبر الماضي ما لا يقل عن 607 أشخاص"): the
    verb comes first and its subject, the people counted, after all that qualifies it."""
    verb = next((m for m in reversed(found.matches) if m.last < start and m.first not in found.far), None)
    if verb is None or tokens[verb.first].text.isascii():
        return None
    if verb.first > 0 and tokens[verb.first - 1].text not in ",،":
        return None
    if any(k in others or _clause_break(tokens, k) or tokens[k].text in ",،.:" for k in range(verb.last + 1, start)):
        return None
    return verb


def _joined(tokens: list[Token], first: int) -> bool:
    """Is the figure joined to what came before by "along with", "as well as", "إلى جانب"...?"""
    c = cues()
    return any(c.joined_by.match_at(tokens, j) is not None for j in range(max(0, first - 3), first))


def _qualifier_start(tokens: list[Token], first: int, fig: Figure) -> int:
    """Where a figure's phrase starts, counting a qualifier before it ("killed | more than 2,000")."""
    if not fig.qualifier_cue:
        return first
    words = {w.lower() for w in fig.qualifier_cue.split()}
    k = first
    while k > 0 and tokens[k - 1].text.lower() in words:
        k -= 1
    return k


def _fate_of_part(tokens: list[Token], last: int, noun: _Noun) -> Match[str] | None:
    """A fate told right after the counted noun that differs from what the noun counts
    ("N of the wounded later died", "70 refugees are feared to have drowned")."""
    # A count of people in a state (refugees, hostages, detainees) can meet a fate; a count of the
    # dead or wounded already is one, and what follows it says where ("30 جثة انتشلت من تحت الأنقاض").
    if not noun.metric or noun.last + 1 >= len(tokens) or not (
            _partitive(tokens, last) or noun.metric in STATUS_METRICS):
        return None
    table = cues().metric_cues
    for k in range(noun.last + 1, min(len(tokens), noun.last + 1 + FATE_REACH)):
        m = table.match_at(tokens, k)
        if m is not None:
            return m if m.value in FATE_METRICS and m.value != noun.metric else None
        if not tokens[k].is_word:
            break
    return None


def _part_between(tokens: list[Token], others: set[int], last: int, until: int) -> bool:
    """Is a figure named as a part ("including 24", "بينهم 5") between token ``last`` and ``until``?"""
    subset_of = cues().subset_of
    return any(any(subset_of.match_at(tokens, j) for j in range(max(last + 1, k - LINK_REACH), k))
               for k in others if last < k < until)


def _punct_between(tokens: list[Token], cue: Match[str], first: int, last: int) -> bool:
    """Is a comma or other mark between a cue and the figure (``first..last``)? A fate past it
    opens the next clause ("بينهم 32 طفلا، وأصيب 400") rather than telling the part's own."""
    lo, hi = (cue.last + 1, first) if cue.last < first else (last + 1, cue.first)
    return any(tokens[k].is_punct for k in range(lo, hi))


def _partitive(tokens: list[Token], last: int) -> bool:
    """Is the figure followed by "of"/"من" (one of four soldiers)?"""
    return last + 1 < len(tokens) and tokens[last + 1].text.lower() in ("of", "من")


def _exchanged(tokens: list[Token], prev_last: int, first: int, fig: Figure) -> bool:
    """Is the figure what the one before it was freed in exchange for ("مقابل 183 أسيرا")?"""
    table = cues().exchange
    start = _qualifier_start(tokens, first, fig)
    return any(table.match_at(tokens, k) is not None for k in range(max(prev_last + 1, start - LINK_REACH), start))


def _uncounted(tokens: list[Token], start: int) -> bool:
    """Does a verb whose object is no metric govern the figure starting at ``start`` (one small
    word between at most: "rescued some 40", "تم إنقاذ 40")?"""
    c = cues()
    for k in range(max(0, start - 2), start):
        m = c.uncounted_verbs.match_at(tokens, k)
        if m is not None and (m.last == start - 1 or m.last == start - 2
                              and c.function_words.match_at(tokens, start - 1) is not None):
            return True
    return False


def _linked(tokens: list[Token], prev_last: int, first: int, fig: Figure) -> bool:
    """Is the figure listed with the one before it ("بينهم 78 طفلا و41 امرأة", "including 95")?"""
    c = cues()
    lo = max(prev_last + 1, first - _link_reach(fig))
    if tokens[first].start < fig.start and tokens[first].text.startswith("و"):
        return True  # "وأربعة مدنيين": the conjunction is glued to the number word
    start = _qualifier_start(tokens, first, fig)
    for k in range(lo, first):
        m = c.subset_links.match_at(tokens, k)
        # (only small words between: "and a further 30", not "and affected more than 1 million")
        if m is not None and all(c.function_words.match_at(tokens, j) is not None
                                 or tokens[j].text.lower() in LIST_FILLERS for j in range(m.last + 1, start)):
            return True
    return start > 0 and tokens[start - 1].text in ",،"


def _link_reach(fig: Figure) -> int:
    """Tokens back to look for a link word: past the figure's qualifier ("بينهم ما لا يقل عن 130")."""
    return LINK_REACH + (len(fig.qualifier_cue.split()) if fig.qualifier_cue else 0)


def _subset(tokens: list[Token], prev_last: int, first: int, noun_last: int, last: int, fig: Figure) -> bool:
    """Is the figure a part of the one before ("بينهم 78 طفلا", "3,542 of them children")?"""
    c = cues()
    lo = max(prev_last + 1, first - _link_reach(fig))
    if any(c.subset_of.match_at(tokens, k) is not None for k in range(lo, first)):
        return True
    hi = min(len(tokens), max(last + 2, noun_last + 1))
    return any(c.subset_of.match_at(tokens, k) is not None for k in range(last + 1, hi))


def _relative_fate(tokens: list[Token], found: _Cues, frame: Match[str], first: int) -> Match[str] | None:
    """A fate told of a toll's people in a relative clause right after it ("الذين أُفرج عنهم")."""
    k = frame.last + 1
    if k >= first or cues().relative_pronouns.match_at(tokens, k) is None:
        return None
    return next((m for m in found.matches if k < m.first <= k + RELATIVE_REACH and m.last < first
                 and m.value in FATE_METRICS and m.value != frame.value), None)


def _rising_toll(tokens: list[Token], first: int) -> Match[str] | None:
    """The toll a figure is the new value of ("ارتفع عدد الشهداء ... إلى 31", "the toll ... rose to 52").

    The figure must follow a rise word ("إلى", "rose to", "at"); the toll is the nearest toll
    phrase before it in the same clause.
    """
    c = cues()
    if not any(c.rise_to.match_at(tokens, k) is not None for k in range(max(0, first - 4), first)):
        return None
    k = first - 1
    while k >= 0:
        if _clause_break(tokens, k):
            return None
        m = c.toll_frames.match_at(tokens, k)
        if m is None and k >= first - 3:
            m = c.metric_nouns.match_at(tokens, k)  # "عدد الشهداء إلى 34 ألفا والمصابين إلى 77 ألفا"
        if m is not None and m.last < first:
            return m
        k -= 1
    return None


TOLLS = frozenset({"killed", "wounded", "missing", "detained", "displaced"})
# Weapons launched: a night's barrage of them is one attack ("launched 126 drones overnight").
LAUNCHES = frozenset({"drones", "rockets"})
# Counts a day dates as that day's window: tolls, and strikes ("carried out 35 raids on Tuesday").
DAY_COUNTS = TOLLS | {"airstrikes"}
FATE_METRICS = frozenset({"killed", "wounded", "released", "missing"})
STATUS_METRICS = frozenset({"displaced", "hostages", "detained", "reservists"})
HELD_METRICS = frozenset({"hostages", "detained"})
# What people can be counted as: a role noun ("شخصين", "soldiers") is never a count of weapons or strikes.
PEOPLE_METRICS = frozenset(METRICS) - LAUNCHES - {"airstrikes"}


def read_metrics(tokens: list[Token], figures: list[Figure],
                 context_metric: str | None = None) -> list[tuple[Figure, int, int, Reading] | None]:
    """Metric, subject and rule of each figure of one sentence, with its first and last token
    (``None``: not a claim).

    ``context_metric`` is what the previous sentence counted, for "20 of them are minors".
    Location and period are filled in by :func:`place_and_period`.
    """
    c = cues()
    ends = [t.end for t in tokens]
    spans = [figure_tokens(tokens, f, ends) for f in figures]
    nouns = [_counted_noun(tokens, a, b, f) for (a, b), f in zip(spans, figures, strict=True)]
    # The noun a figure counts ("أربع رهائن") is that figure's; it is no cue for the others.
    owned = {k for (a, b), noun in zip(spans, nouns, strict=True) if noun.metric or noun.role
             for k in range(b + 1, noun.last + 1)}
    verb_cues = list(c.metric_cues.find_all(tokens))
    noun_cues = [m for m in c.metric_nouns.find_all(tokens) if m.first not in owned]
    cue_matches = sorted(verb_cues + noun_cues, key=lambda m: m.first)
    # A bare noun ("غارة", "strike") names a metric less surely than a verb ("قتلت"): it counts as farther.
    far = {m.first for m in noun_cues} - {m.first for m in verb_cues}
    fig_first = {a for (a, _), noun in zip(spans, nouns, strict=True) if not noun.blocked}
    out: list[tuple[Figure, int, int, Reading] | None] = []
    prev: tuple[int, Reading] | None = None
    for fig, (first, last), noun in zip(figures, spans, nouns, strict=True):
        reading, cue = _read_one(tokens, fig, first, last, noun, _Cues(cue_matches, owned, far), fig_first, prev,
                                 context_metric)
        if cue is not None and cue.first > last:
            owned.add(cue.first)  # "six had been wounded and three were missing": one cue each
        if reading is None:
            out.append(None)
            continue
        out.append((fig, first, last, reading))
        prev = (last if noun.last < 0 else max(last, noun.last), reading)
    return out


def _read_one(tokens: list[Token], fig: Figure, first: int, last: int, noun: _Noun, found: _Cues,
              fig_first: set[int], prev: tuple[int, Reading] | None, context_metric: str | None,
              ) -> tuple[Reading | None, Match[str] | None]:
    if noun.blocked or _compound_modifier(tokens, last, fig) or fig.value != int(fig.value):
        return None, None  # (nobody is counted in fractions: "the magnitude 7.7 earthquake")
    if noun.role is not None and noun.last + 1 < len(tokens) and tokens[noun.last + 1].text in SPEAKING:
        return None, None  # "two aid workers told Reuters": the speakers, counted
    subject = noun.role.subject if noun.role else None
    how: list[tuple[str, str]] = []
    if noun.words:
        how.append(("noun", noun.words))
    if fig.value == 1 and fig.rule.endswith("words") and not (noun.role or noun.metric):
        noun = _noun_before(tokens, first) or noun  # Arabic puts واحد after its noun: "ضابط واحد"
        subject = noun.role.subject if noun.role else None
    if fig.value == 1 and fig.rule.endswith("words") and (_partitive(tokens, last) or not (noun.role or noun.metric)):
        return None, None  # "one of the deadliest", "one of four soldiers": only "one soldier" counts
    # The metric word of the sentence governs its parts: "59 hostages, 24 alive and 35 dead" are all held.
    hostage_part = prev is not None and prev[1].metric == "hostages" and (
        _linked(tokens, prev[0], first, fig) or _subset(tokens, prev[0], first, noun.last, last, fig))
    if hostage_part and (noun.metric in FATE_METRICS or not (noun.metric or noun.role) and _partitive(tokens, last)):
        how.append(("metric", "part of the hostages figure before it"))
        return Reading("hostages", subject, None, "unspecified", f"{fig.rule}|listed", 0.7, tuple(how)), None
    part_fate = _fate_of_part(tokens, last, noun)
    if part_fate is not None:
        # "أربعة من الجرحى فارقوا الحياة", "two of the wounded died": the part's fate is its metric.
        how.append(("metric", " ".join(part_fate.phrase)))
        return Reading(part_fate.value, subject, None, "unspecified", f"{fig.rule}|fate", 0.8, tuple(how)), part_fate
    if prev is not None and prev[1].metric == "released" and _exchanged(tokens, prev[0], first, fig):
        how.append(("metric", "the other side of an exchange for the released figure before it"))
        return Reading("released", subject, None, "unspecified", f"{fig.rule}|exchange", 0.75, tuple(how)), None
    if noun.metric:
        return Reading(noun.metric, subject, None, "unspecified", f"{fig.rule}|noun", 0.9, tuple(how)), None
    phrase_start = _qualifier_start(tokens, first, fig)
    if _uncounted(tokens, phrase_start):
        return None, None  # "affected more than 200,000", "أنقذت 40 شخصا": no metric counts them
    reach_b, reach_a = (TIGHT, TIGHT + 1) if noun.unknown else (CUE_BEFORE, CUE_AFTER)
    end = last if noun.unknown else max(last, noun.last)
    others = fig_first - {first}
    start = min(phrase_start, noun.last if 0 <= noun.last < first else first)
    if prev is None and not noun.unknown and _joined(tokens, start):
        reach_b = len(tokens)  # "the strike killed X ..., along with dozens of fighters": the verb is far back
    cue, dist = _nearest_cue(tokens, found, others, start, end, reach_b, reach_a,
                             only=PEOPLE_METRICS if noun.role else None, own_clause=noun.role is not None)
    if cue is None and prev is None and not noun.unknown:
        cue = _opening_verb(tokens, found, others, start)
        dist = CUE_BEFORE if cue is not None else dist
    if cue is not None and prev is not None and cue.value in LAUNCHES and prev[1].metric in LAUNCHES:
        # A launch verb counts the weapons the sentence counted before ("56 drones, of which 30 were
        # shot down and 17 were lost"), not the first metric that lists the verb.
        cue = Match(cue.first, cue.last, prev[1].metric, cue.phrase)
    if cue is not None and cue.value in HELD_METRICS and cue.first > last:
        # "137 pupils abducted from a school ... have been freed": what became of them decides,
        # not the participle that says how they came to be held.
        later = _fate_after(tokens, found, others, cue, len(tokens))
        if later is not None:
            cue, dist = later, later.first - end
    if cue is not None and cue.value == "hostages" and _follows(cues().custody, tokens, cue.last, CUSTODY_REACH):
        cue = Match(cue.first, cue.last, "detained", cue.phrase)  # "held in official detention centres"
    # A fate right after the people counted is theirs, whatever toll or list they stand in
    # ("the toll has risen to 113, with 146 people still missing").
    own_fate = (cue is not None and cue.value in FATE_METRICS and noun.last > last and cue.first > end
                and dist <= ROLE_CUE_REACH
                and not _punct_between(tokens, cue, first, end))
    frame = None if own_fate else _rising_toll(tokens, first)
    if frame is not None:
        # "The death toll from a missile strike ... rose to 52": the toll is what rose, not the strike;
        # what a relative clause says became of those counted is its metric ("عدد المحتجزين الذين
        # أُفرج عنهم ... إلى 21", "the number of hostages who have been freed rose to 21").
        cue = _relative_fate(tokens, found, frame, first) or frame
        dist = first - frame.last
    listed_fate = prev is not None and prev[1].metric in FATE_METRICS and _linked(tokens, prev[0], first, fig)
    if noun.role and noun.role.metric and cue is not None and cue.value not in FATE_METRICS and cue.first > last:
        # "the release of 25 detainees held by ...": what happened to the people counted decides,
        # not a participle that describes them.
        fate = _nearest_cue(tokens, found, others, start, end, ROLE_CUE_REACH, 0, FATE_METRICS)
        if fate[0] is not None:
            cue, dist = fate
    if (noun.role and noun.role.metric and cue is not None and cue.first > last
            and _part_between(tokens, others, end, cue.first)):
        cue = None  # "59 hostages, including 24 alive and 35 dead": what follows a part is the part's
    if noun.role and noun.role.metric and not listed_fate and (
            cue is None or cue.value not in FATE_METRICS and not noun.role.yields):
        return Reading(noun.role.metric, subject, None, "unspecified", f"{fig.rule}|role", 0.75, tuple(how)), None
    # (Not of hostages: "58 hostages, including 35 whose deaths have been confirmed" are all held.)
    died_of_them = (cue is not None and prev is not None and cue.value in FATE_METRICS and cue.value != prev[1].metric
                    and prev[1].metric != "hostages" and dist <= TIGHT and not _punct_between(tokens, cue, first, end))
    if prev is not None and not died_of_them and _subset(tokens, prev[0], first, noun.last, last, fig):
        # (a fate next to the part is its own: "1315 جريحا، توفي منهم 208", "of whom 208 died")
        how.append(("metric", f"part of the {prev[1].metric} figure before it"))
        return Reading(prev[1].metric, subject, None, "unspecified", f"{fig.rule}|subset", 0.8, tuple(how)), None
    linked = prev is not None and _linked(tokens, prev[0], first, fig)
    if hostage_part and cue is not None and cue.first > last and (noun.role is None or noun.role.metric == "hostages"):
        how.append(("metric", "part of the hostages figure before it"))  # "and 35 whose deaths were confirmed"
        return Reading("hostages", subject, None, "unspecified", f"{fig.rule}|listed", 0.7, tuple(how)), None
    # A figure listed with the one before it keeps its metric against a far cue, and against a
    # fate past a comma ("بينهم سبعة أطفال وثلاث نساء، وأصيب 20": the women were killed too).
    if cue is not None and not (linked and not own_fate and (dist > ROLE_CUE_REACH or cue.first > last
                                            and _punct_between(tokens, cue, first, end))):
        how.append(("metric", " ".join(cue.phrase)))
        side = "before" if cue.last < first else "after"
        confidence = 0.85 if dist <= 3 else 0.7
        return Reading(cue.value, subject, None, "unspecified", f"{fig.rule}|cue-{side}", confidence,
                       tuple(how)), cue
    if prev is not None and linked and (noun.role or noun.others or not noun.unknown):
        subject = subject or (prev[1].subject if noun.others else None)
        how.append(("metric", f"listed with the {prev[1].metric} figure"))
        return Reading(prev[1].metric, subject, None, "unspecified", f"{fig.rule}|listed", 0.7, tuple(how)), None
    if cue is not None:
        how.append(("metric", " ".join(cue.phrase)))
        return Reading(cue.value, subject, None, "unspecified", f"{fig.rule}|cue", 0.6, tuple(how)), cue
    if context_metric and _subset(tokens, -1, first, noun.last, last, fig):
        how.append(("metric", f"{context_metric}, counted in the sentence before"))
        return Reading(context_metric, subject, None, "unspecified", f"{fig.rule}|context", 0.6, tuple(how)), None
    return None, None


PART_RULES = ("|subset", "|listed")  # rules that read a figure as a part of, or listed with, the one before


def place_and_period(tokens: list[Token], first: int, last: int, reading: Reading, last_place: str | None,
                     context: str | None, others: set[int], before: Reading | None = None,
                     earlier: str | None = None) -> Reading:
    """Fill in where the figure is about and over what period it counts.

    ``context`` is the period an earlier sentence set up ("An Israeli air strike tore through
    the camp." makes the toll of the next sentence an event's). ``before`` is the reading of the
    figure before this one in the sentence, whose incident a part of it shares; ``earlier`` the
    period of the article's figure before this one, which "over the same period" takes.
    """
    c = cues()
    places = list(c.locations.find_all(tokens))
    # The nearest place named; one after the figure wins a tie ("قتل 496 شخصا في لبنان").
    nearest = min(places, key=lambda m: (first - m.last) * 1.01 if m.last < first else m.first - last, default=None)
    place = nearest.value if nearest is not None else last_place
    period, cue, after = _period(tokens, first, last, reading.metric, context, others, earlier)
    if before is not None and before.period == "event" and reading.rule.endswith(PART_RULES) and not after:
        # "16 were killed ..., among them seven children": a part of an incident's toll is the
        # incident's, unless a cue of its own follows it ("including 28 in the previous 24 hours").
        period, cue = before.period, f"part of the {before.metric} figure before it"
    how = reading.cues + ((("period", cue),) if cue else ())
    return Reading(reading.metric, reading.subject or _default_subject(reading.metric), place, period,
                   reading.rule, reading.confidence, how)


def sentence_place(tokens: list[Token]) -> str | None:
    """The first place a sentence names."""
    return next((m.value for m in cues().locations.find_all(tokens)), None)


def _default_subject(metric: str) -> str | None:
    return "reservists" if metric == "reservists" else None


class _Said(NamedTuple):
    """A figure's period, the cue that set it ("" for a default) and whether it follows the figure."""

    period: str
    cue: str
    after: bool


def _period(tokens: list[Token], first: int, last: int, metric: str, context: str | None,
            others: set[int], earlier: str | None = None) -> _Said:
    """The period and the cue that set it: the nearest period cue in reach, else a running-total
    cue, else the period an earlier sentence set up (an incident's before a rise word: incident
    tolls rise too), else the metric's default.

    A cue before the figure counts back to a colon ("أربع رهائن منذ بداية الحرب: رهينتين ...");
    one after it, until the next figure (``others`` are their first tokens) or a new clause.
    """
    c = cues()
    barrier = max((k for k in range(first) if tokens[k].text in ":;؛"), default=-1)
    # (a new total's clause keeps the window before it: "195 killed in the past 24 hours, raising
    # the overall toll to 25,490")
    barrier = max((k for k in c.new_total.starts(tokens) if barrier < k < first), default=barrier)
    clause_end = min(len(tokens), last + 1 + PERIOD_AFTER)
    k = last
    while k + 1 < clause_end:
        k += 1
        if k in others:
            # A cue after a clause joined by و is both figures' ("قتلوا وأصيب نحو 2880 آخرين خلال
            # المعارك"), as far after the joined figure as after this one.
            joined = any(_conjunct(tokens[j]) for j in range(max(last + 1, k - 3), k))
            if not (joined or _listed_at(tokens, k, last)):
                clause_end = k - 2  # "two ..., bringing to four": the cue just before a figure is that figure's
                break
            if joined:
                clause_end = min(len(tokens), max(clause_end, k + 1 + PERIOD_AFTER))
        if tokens[k].text in ":" or _clause_break(tokens, k):
            # (a "when" clause names the incident: "استشهد 16 ...، حين قصفت طائرات حربية مدرسة")
            opening = c.periods.match_at(tokens, k)
            clause_end = opening.last + 1 if opening is not None and opening.value == "event" else k
            break

    def distance(m: Match[Any]) -> int | None:
        if (barrier < m.first or m.value == "event") and m.last < first:
            # (an incident named before a colon is what follows it: "انفجارات البيجر: 12 قتيلا")
            return first - m.last
        if last < m.first and m.last < clause_end:
            return m.first - last
        return None

    def nearest(table: PhraseTable[str]) -> Match[str] | None:
        best: tuple[int, Match[str]] | None = None
        for m in table.find_all(tokens):
            if _compared(tokens, m) or m.value == "event" and (_at_region(tokens, m)
                                                                or _counted_strikes(tokens, m, metric, last)):
                continue
            if m.value == "period" and (_opened_by_since(tokens, m) or _statement_date(tokens, m)
                                        or _names_outlet(tokens, m)):
                continue
            d = distance(m)
            if d is not None and (best is None or d < best[0]):
                best = (d, m)
        return best[1] if best else None

    frame = _rising_toll(tokens, first)
    incident = _toll_of_incident(tokens, frame, first) if frame is not None else None
    if incident is not None:
        # "The death toll from the floods ... this week rose to 211": however long the toll has
        # been rising, it is one incident's.
        return _Said("event", " ".join(incident.phrase), False)
    m = nearest(c.periods)
    if earlier is not None:
        # "It added that 87,705 people had been wounded over the same period": the window of the
        # figure before, unless a cue of the figure's own is nearer.
        same = min(((d, s) for s in c.same_period.find_all(tokens) if (d := distance(s)) is not None),
                   key=itemgetter(0), default=None)
        if same is not None and (m is None or (distance(m) or 0) > same[0]):
            return _Said(earlier, f"{' '.join(same[1].phrase)}, as the figure before", same[1].first > last)
    if m is not None and m.value == "event":
        # "killed by monsoon rains and flooding since mid-June", "جراء السيول خلال اليومين الماضيين",
        # "Flash floods have killed 344 people ... since Friday": a count of the incidents since a
        # date, or within a window named after them, is a total or a window's count.
        wanted = ("cumulative", "period") if m.first > last else ("cumulative",)
        span = next((p for p in c.periods.find_all(tokens, max(m.last, last) + 1, clause_end)
                     if p.value in wanted and p.last < clause_end and not _compared(tokens, p)
                     and not _opened_by_since(tokens, p) and c.dated_windows.match_at(tokens, p.first) is None
                     and not _names_outlet(tokens, p)), None)
        m = span or m
    # (a day that opens the sentence dates all of it: "On Saturday alone, nearly 40,000 crossed")
    # (and a day between a verb and its figure: "اعتقلت القوات فجر اليوم 23 مواطنا")
    day = next((d for d in c.day_cues.find_all(tokens)
                if (last < d.first and d.last < clause_end or d.first <= 1
                    or d.last < first <= d.last + DAY_BEFORE_REACH and not any(
                        tokens[k].is_punct for k in range(d.last + 1, first)))
                and not _reported_on(tokens, d.first) and not _bounds_total(tokens, d)), None)
    total = nearest(c.running_total)
    rise = nearest(c.rising) if total is None else None
    if day is not None and metric in DAY_COUNTS and total is None and rise is None and frame is None \
            and (m is None or m.value == "cumulative" and m.last < first):
        # "24 people were killed in strikes on Tuesday": a toll dated to a day counts that day.
        return _Said("period", " ".join(day.phrase), day.first > last)
    if m is not None and m.value == "period" and c.night.match_at(tokens, m.first) is not None:
        # The night an attack came in is that attack: in an article telling of one ("... overnight",
        # after "the death toll from a massive attack on Kyiv"), in a clause naming it ("its largest
        # drone attack on Moscow ... overnight, killing three"), and for a night's launches
        # ("Russia launched 126 drones overnight").
        if context == "event":
            return _Said("event", f"{' '.join(m.phrase)}, of the incident an earlier sentence told", m.first > last)
        if not _names_strikes(tokens, m):
            named = _incident_in_clause(tokens, m.first, m.last)
            if named is not None and not _strikes_at(tokens, named.first):
                return _Said("event", f"{' '.join(m.phrase)}, of the {' '.join(named.phrase)}", m.first > last)
            if metric in LAUNCHES:
                return _Said("event", f"{' '.join(m.phrase)}, one night's launches", m.first > last)
    if m is not None:
        return _Said(m.value, " ".join(m.phrase), m.first > last)
    if total is not None:
        return _Said(total.value, " ".join(total.phrase), total.first > last)
    if context == "event":
        # the incident's toll rose: "وفي سوريا بلغ عدد الوفيات 1250"
        return _Said(context, "an earlier sentence", False)
    if rise is not None:
        return _Said(rise.value, " ".join(rise.phrase), rise.first > last)
    if context is not None:
        return _Said(context, "an earlier sentence", False)
    far = _incident_in_clause(tokens, first, last)
    if far is not None:
        # "killed at least 200 people, many of them civilians ..., in an attack on the outskirts of
        # Barsalogho": an incident named anywhere in the figure's clause is what it counts.
        return _Said("event", " ".join(far.phrase), far.first > last)
    return _Said(DEFAULT_PERIOD.get(metric, "unspecified"), "", False)


def _counted_strikes(tokens: list[Token], cue: Match[Any], metric: str, last: int) -> bool:
    """Is an incident cue the strikes a figure counts ("شن 14 غارة على تجمعات")? They are no single incident."""
    return metric == "airstrikes" and last < cue.first <= last + 2 and _strikes_at(tokens, cue.first)


def _names_outlet(tokens: list[Token], cue: Match[Any]) -> bool:
    """Is a window word a newspaper before its name ("the daily Prothom Alo")?"""
    k = cue.last + 1
    return (k < len(tokens) and tokens[k].is_word and tokens[k].text[0].isupper()
            and cues().outlet_nouns.match_at(tokens, cue.first) is not None)


def _strikes_at(tokens: list[Token], i: int) -> bool:
    noun = cues().metric_nouns.match_at(tokens, i)
    return noun is not None and noun.value == "airstrikes"


def _names_strikes(tokens: list[Token], cue: Match[Any]) -> bool:
    """Whether a window cue qualifies a strikes noun beside it ("غارات ليلية", "overnight raids"):
    many strikes in one night are that night's, not one attack's."""
    if cue.last + 1 < len(tokens) and _strikes_at(tokens, cue.last + 1):
        return True
    nouns = cues().metric_nouns
    return any((m := nouns.match_at(tokens, k)) is not None and m.value == "airstrikes" and m.last == cue.first - 1
               for k in range(max(0, cue.first - 3), cue.first))


def _incident_in_clause(tokens: list[Token], first: int, last: int) -> Match[str] | None:
    """An incident cue in the figure's clause however far from it, when nothing nearer set the period."""
    for m in cues().periods.find_all(tokens):
        if m.value != "event" or _at_region(tokens, m):
            continue
        lo, hi = (m.last + 1, first) if m.last < first else (last + 1, m.first)
        if not any(tokens[k].text in ":;؛" or _clause_break(tokens, k) for k in range(lo, hi)):
            return m
    return None


def counted_metric(tokens: list[Token]) -> str | None:
    """The metric of the last counted noun a sentence names ("most of the hostages held")."""
    c = cues()
    found = [m.value for m in c.metric_nouns.find_all(tokens)]
    found += [m.value.metric for m in c.roles.find_all(tokens) if m.value.metric]
    return found[-1] if found else None


def _toll_of_incident(tokens: list[Token], frame: Match[str], first: int) -> Match[str] | None:
    """The incident named right after ``frame``, the toll a figure is the new value of ("حصيلة
    ضحايا السيول ... إلى 57", "the death toll from the floods ... rose to 211")."""
    periods = cues().periods
    for k in range(frame.last + 1, min(first, frame.last + 1 + TOLL_OF_REACH)):
        m = periods.match_at(tokens, k)
        if m is not None:
            return m if m.value == "event" and not _at_region(tokens, m) else None
    return None


def _at_region(tokens: list[Token], m: Match[str]) -> bool:
    """Is an incident cue aimed at a whole region ("الغارات التي استهدفت جنوب لبنان والبقاع")?"""
    c = cues()
    k = m.last + 1
    if c.aimed.match_at(tokens, m.first) is None or k >= len(tokens):
        return False
    return c.locations.match_at(tokens, k) is not None


def _compared(tokens: list[Token], m: Match[str]) -> bool:
    """Does a superlative shortly before a running-total cue make its "since" a comparison ("the
    deadliest since 2014") rather than the start of a running total?"""
    if m.value != "cumulative":
        return False
    table = cues().comparison
    return any(table.match_at(tokens, j) is not None for j in range(max(0, m.first - COMPARISON_REACH), m.first))


def _opened_by_since(tokens: list[Token], m: Match[Any], reach: int = SINCE_REACH) -> bool:
    """Is a window cue the start of a running total ("since last month", "منذ بدء العملية البرية
    مطلع الشهر الجاري")? A running-total cue ``reach`` words before it at most, with no
    punctuation between."""
    periods = cues().periods
    for k in range(m.first - 1, max(-1, m.first - 1 - reach), -1):
        if tokens[k].is_punct or tokens[k].text[0].isdigit():
            return False
        before = periods.match_at(tokens, k)
        if before is not None and before.value == "cumulative":
            return True
    return False


def _statement_date(tokens: list[Token], m: Match[str]) -> bool:
    """Is a window cue between a speech verb and what was said the date of the statement ("the
    mission said last week that ...", "قالت الوزارة الأسبوع الماضي إن")?"""
    c = cues()
    after = m.last + 1
    if after >= len(tokens) or c.complementizers.match_at(tokens, after) is None:
        return False
    return any((v := c.speech_verbs.match_at(tokens, j)) is not None and v.last >= m.first - 2
               for j in range(max(0, m.first - 3), m.first))


def _bounds_total(tokens: list[Token], day: Match[bool]) -> bool:
    """Does a day start or end a running total ("منذ الأحد", "حتى مساء الاثنين", "since Sunday")?
    Only right after its "since" or "until"."""
    k = day.first
    return k > 0 and (_opened_by_since(tokens, day, reach=1) or cues().until.match_at(tokens, k - 1) is not None)


def _reported_on(tokens: list[Token], k: int) -> bool:
    """Is the day phrase at ``k`` the date of a statement ("the ministry said on Tuesday")?"""
    c = cues()
    return any(c.speech_verbs.match_at(tokens, j) is not None for j in range(max(0, k - 4), k))


def period_context(tokens: list[Token], readings: list[Reading], previous: str | None) -> str | None:
    """The period context a sentence leaves for the next: an incident or a window it named or
    counted in, kept through sentences that count nothing; a running total alone ends it."""
    if readings:
        periods = {r.period for r in readings}
        if "cumulative" in periods and "event" not in periods:
            return None  # an incident counted beside a running total stays the context
        return next((p for p in ("event", "period") if p in periods), previous)
    found = {m.value for m in cues().periods.find_all(tokens)}
    return next((p for p in ("event", "period") if p in found), previous)
