"""Tokens and multi-word lexicon phrases, matched with Arabic clitics and case endings tolerated.

The claim rules look for cue phrases ("عدد القتلى", "according to", "وزارة الصحة") around a
figure. Arabic glues conjunctions and prepositions to words (وقتل، بحسب، للمصابين) and marks
case with a final alef (جريحا), so each token is looked up under a few *keys*: the word itself,
the word without a leading و/ف, without ب/ل/ك, without the article ال, and without a final
tanween alef. Lexicon phrases are keyed the same way, so one listed form matches its variants.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Generic, NamedTuple, TypeVar

import regex
from mypy_extensions import mypyc_attr

from claimtrack.text import fold_term

T = TypeVar("T")

TOKEN_RE: Any = regex.compile(
    # An initialism ("U.S.", "U.N.") is one word, so that a name or a clause does not stop at its dots.
    # A title's abbreviation too ("Rear Adm.", "Lt. Gen."): a speaker's name runs through it.
    r"(?:\p{Lu}\.){2,}+|(?:Lt|Gen|Adm|Col|Maj|Sgt|Capt|Brig|Cmdr|Cpl|Pvt|Gov|Sen|Rep|Dr|Prof|Mr|Mrs|Ms)\.(?=\s+\p{Lu})"
    r"|(?:\p{L}|\p{M})++(?:['\-](?:\p{L}|\p{M})++)*+|\d++(?:[.,،٬٫]\d++)*+|[^\s\p{L}\p{M}\d]",
    regex.V1,
)


class Token(NamedTuple):
    """A word, number or punctuation mark; ``start``/``end`` index the folded text.

    ``tables`` has a bit set for each phrase table that has a phrase starting with this word,
    so that most lookups end with one bit test.
    """

    text: str
    start: int
    end: int
    keys: tuple[str, ...]
    tables: int = -1
    generation: int = -1  # how many tables existed when ``tables`` was computed

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_punct(self) -> bool:
        return not self.text[0].isalnum()


def _is_arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


# Words whose ال is their own: "منذ ذلك الحين" (since then) holds no "حين" (when), which opens a clause.
OWN_ARTICLE = frozenset({"الحين"})


@lru_cache(maxsize=65536)
def word_keys(word: str) -> tuple[str, ...]:
    """The keys a word is looked up under (see the module docstring)."""
    w = word.lower().replace("ة", "ه")
    if not _is_arabic(w):
        # An initialism is looked up with and without its dots: "U.N." finds the lexicon's "UN".
        return (w, w.replace(".", "")) if "." in w and len(w) > 2 else (w,)
    keys = [w]
    stems = [w]
    if len(w) >= 3 and w[0] in "وف":
        stems.append(w[1:])
    for s in list(stems):
        if len(s) > 3 and s.startswith("لل"):
            stems.append("ال" + s[2:])
        elif len(s) > 3 and s[0] in "بلك":
            stems.append(s[1:])
    for s in list(stems):
        if len(s) > 4 and s.startswith("ال") and s not in OWN_ARTICLE:
            stems.append(s[2:])
    for s in stems:
        if s not in keys:
            keys.append(s)
        if len(s) > 4 and s.endswith("ي") and s + "ن" not in keys:
            keys.append(s + "ن")  # a plural before its complement drops its ن: مقاتلي حزب الله
        if len(s) > 3 and s.endswith("ا") and not s.endswith("اا"):
            bare = s[:-1]
            if bare not in keys:
                keys.append(bare)
    return tuple(keys)


_REGISTRY: list[Mapping[str, object]] = []  # the first-word index of every PhraseTable, by bit


@lru_cache(maxsize=65536)
def _word_entry(word: str) -> tuple[tuple[str, ...], int, int]:
    keys = word_keys(word) if word[0].isalpha() else (word,)
    mask = 0
    for bit, index in enumerate(_REGISTRY):
        if any(k in index for k in keys):
            mask |= 1 << bit
    return keys, mask, len(_REGISTRY)


@mypyc_attr(native_class=False)  # compiled classes cannot extend list
class Tokens(list[Token]):
    """The tokens of one sentence, keeping the phrases each table finds in them (see
    :meth:`PhraseTable.find_all`): the rules ask for the places, periods and sources of a
    sentence once per figure, and the tokens never change once made."""

    __slots__ = ("found", "starts", "generation", "_tables")

    def __init__(self, tokens: Iterable[Token] = ()) -> None:
        super().__init__(tokens)
        self.found: dict[int, list[Match[Any]]] = {}
        self.starts: dict[int, frozenset[int]] = {}
        # Tables that existed when every token was made (see PhraseTable.starts_in); 0: unknown.
        self.generation = 0
        self._tables = -1

    @property
    def tables(self) -> int:
        """The tables with a phrase that may start somewhere in the sentence: most sentences
        hold no cue of most tables, and one bit test then answers for all their tokens."""
        if self._tables < 0:
            mask = 0
            for tok in self:
                mask |= tok.tables
            self._tables = mask
        return self._tables


_new_token = partial(tuple.__new__, Token)  # Token(...) without NamedTuple's Python-level __new__


def tokenize(text: str, start: int = 0, end: int | None = None) -> Tokens:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    out = Tokens()
    # _word_entry forgets its entries whenever a table is made, so they all know every table.
    out.generation = len(_REGISTRY)
    append = out.append
    # Every character that is not white space belongs to a token, so each token starts at the first
    # occurrence of its text after the previous one: str.find is cheaper than a match object.
    pos = start
    find = text.find
    for word in TOKEN_RE.findall(text, start, len(text) if end is None else end):
        pos = find(word, pos)
        after = pos + len(word)
        append(_new_token((word, pos, after) + _word_entry(word)))
        pos = after
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The canonical key of a lexicon phrase: one key per word, the most reduced form."""
    words = [t.text for t in tokenize(fold_term(phrase))]
    return tuple(_canonical(w) for w in words)


def _canonical(word: str) -> str:
    # A lexicon word is matched by its plain lower-cased form; the token side supplies variants.
    return word.lower().replace("ة", "ه")


@mypyc_attr(native_class=False)  # a compiled generic frozen dataclass fails to build its type
@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """A lexicon phrase found at tokens ``first..last`` (inclusive)."""

    first: int
    last: int
    value: T
    phrase: tuple[str, ...]


class _Starting(Generic[T]):
    """The phrases of a table that start with one key: the one-word phrase, and the longer ones
    by their second key. Each phrase keeps its rank in the table's longest-first order, which
    breaks ties between phrases of one length."""

    __slots__ = ("single", "longer")

    def __init__(self) -> None:
        self.single: tuple[int, T] | None = None
        self.longer: dict[str, list[tuple[tuple[str, ...], T, int]]] = {}


class PhraseTable(Generic[T]):
    """Phrases (one or more words) mapped to values, matched over a token list."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}
        for phrase, value in entries:
            key = phrase_key(phrase)
            if not key:
                continue
            by_first.setdefault(key[0], []).append((key, value))
        self._by_first: dict[str, _Starting[T]] = {}
        for first, options in by_first.items():
            options.sort(key=lambda kv: -len(kv[0]))  # longest phrase first
            starting: _Starting[T] = _Starting()
            for rank, (key, value) in enumerate(options):
                if len(key) > 1:
                    starting.longer.setdefault(key[1], []).append((key, value, rank))
                elif starting.single is None:
                    starting.single = (rank, value)
            self._by_first[first] = starting
        self._index = len(_REGISTRY)
        self._bit = 1 << self._index
        _REGISTRY.append(self._by_first)
        _word_entry.cache_clear()

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def may_start(self, tok: Token) -> bool:
        """Could a phrase of this table start at ``tok``? (False is certain, True is a maybe.)"""
        return bool(tok.tables & self._bit) or tok.generation <= self._index

    def match_at(self, tokens: list[Token], i: int) -> Match[T] | None:
        """The longest phrase starting at token ``i``; of two as long, the one whose first word
        is the token's earlier key, then the one listed first."""
        tok = tokens[i]
        if not tok.tables & self._bit and tok.generation > self._index:
            return None
        n_tokens = len(tokens)
        second = tokens[i + 1].keys if i + 1 < n_tokens else ()
        best: tuple[int, int, int] | None = None  # (-length, key rank, phrase rank): the least wins
        found: tuple[tuple[str, ...], T] | None = None
        for key_rank, k in enumerate(tok.keys):
            starting = self._by_first.get(k)
            if starting is None:
                continue
            if starting.longer:
                for k1 in second:
                    for key, value, rank in starting.longer.get(k1, ()):
                        n = len(key)
                        order = (-n, key_rank, rank)
                        if i + n > n_tokens or (best is not None and order >= best):
                            continue
                        if all(key[j] in tokens[i + j].keys for j in range(2, n)):
                            best, found = order, (key, value)
            if starting.single is not None:
                order = (-1, key_rank, starting.single[0])
                if best is None or order < best:
                    best, found = order, ((k,), starting.single[1])
        if found is None:
            return None
        return Match(i, i + len(found[0]) - 1, found[1], found[0])

    def starts_in(self, tokens: list[Token], *others: PhraseTable[Any]) -> list[int]:
        """Indices of the tokens where a phrase of this table or of ``others`` may start
        (as :meth:`may_start`: a missing index is certain, a listed one a maybe)."""
        bits, newest = self._bit, self._index
        for table in others:
            bits |= table._bit
            newest = max(newest, table._index)
        if isinstance(tokens, Tokens) and tokens.generation > newest:
            if not tokens.tables & bits:
                return []
            return [i for i, tok in enumerate(tokens) if tok.tables & bits]
        return [i for i, tok in enumerate(tokens) if tok.tables & bits or tok.generation <= newest]

    def starts(self, tokens: list[Token]) -> frozenset[int]:
        """Indices of the tokens where a phrase of this table starts (``match_at`` is not None)."""
        if isinstance(tokens, Tokens):
            found = tokens.starts.get(self._index)
            if found is None:
                found = tokens.starts[self._index] = self._starts(tokens)
            return found
        return self._starts(tokens)

    def _starts(self, tokens: list[Token]) -> frozenset[int]:
        return frozenset(i for i in self.starts_in(tokens) if self.match_at(tokens, i) is not None)

    def find_all(self, tokens: list[Token], lo: int = 0, hi: int | None = None) -> Iterator[Match[T]]:
        """Every non-overlapping longest match in ``tokens[lo:hi]``, left to right."""
        if lo == 0 and hi is None and isinstance(tokens, Tokens):
            found = tokens.found.get(self._index)
            if found is None:
                found = tokens.found[self._index] = self._scan(tokens, 0, len(tokens))
            return iter(found)
        return iter(self._scan(tokens, lo, len(tokens) if hi is None else hi))

    def _scan(self, tokens: list[Token], lo: int, hi: int) -> list[Match[T]]:
        out: list[Match[T]] = []
        resume = lo
        for i in self.starts_in(tokens):
            if i >= hi:
                break
            if i < resume:
                continue
            m = self.match_at(tokens, i)
            if m is not None and m.last < hi:
                out.append(m)
                resume = m.last + 1
        return out
