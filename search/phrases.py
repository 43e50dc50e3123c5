"""How a phrase is read by the lexicon: its words, and the key under which it is looked up.

The indexer compiles known phrases (job titles, youth words, places, interests) into keys and
the query side reads what a youth typed into the same words, so both use this one module, over
the one French analyzer (``search.analysis``)::

    >>> phrase_key("Professeure des écoles")
    ('professeu', 'ecol')
    >>> phrase_key("prof de maths") == phrase_key("Profs des maths")
    True
    >>> phrase_key("IDE"), phrase_key("AS"), phrase_key("Gers", exact=True)
    (('=ide',), ('^as',), ('=gers',))

A key is the sequence of analysed tokens (case, accents, gender, number, elisions and hyphens
folded away) without articles. A word written in capitals keeps its exact spelling: ``=ide``
matches « IDE » or « ide » but not « idée » (whose token is also ``ide``); ``^as`` (two letters)
matches only when typed in capitals, « as » being a common word.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.analysis import FrenchTokenizer, fold, normalise

ARTICLES: frozenset[str] = frozenset(normalise(fold(w)) for w in "le la les l un une des du de d".split())
"""Analysed articles: neither part of a key nor a word to match (« professeur des écoles »
and « professeur d’école » meet on ``professeu ecol``)."""
EXACT = "="
"""Prefix of a key token that must be this very word (any case)."""
CAPITALS = "^"
"""Prefix of a key token that must be this very word, typed in capitals."""

_TOKENIZER = FrenchTokenizer()


@dataclass(frozen=True)
class Word:
    """One word of a text: ``Word(norm="infirmier", surface="infirmieres", written="Infirmières", start=0, end=11)``."""

    norm: str  # analysed token (gender and number folded away)
    surface: str  # folded spelling, accents and case removed
    written: str  # as typed
    start: int  # offsets in the text
    end: int

    @property
    def capitals(self) -> bool:
        """Typed in capitals (two letters at least): « IDE », « AS »."""
        letters = [c for c in self.written if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)

    @property
    def capitalised(self) -> bool:
        """Written with a capital first letter, the rest not all capitals: « Lot », not « LOT » nor « lot »."""
        return self.written[:1].isupper() and not self.capitals

    @property
    def article(self) -> bool:
        return self.norm in ARTICLES

    def forms(self) -> tuple[str, ...]:
        """The key tokens this word can stand for: its analysed token, its exact spelling, and
        its exact spelling in capitals when typed so."""
        exact = (self.norm, EXACT + self.surface)
        return exact + (CAPITALS + self.surface,) if self.capitals else exact


def words(text: str) -> list[Word]:
    """The words of ``text`` in order, with their offsets: ``[w.norm for w in words("L’IDE")] == ["ide"]``."""
    found: list[Word] = []
    for token in _TOKENIZER(text, chars=True):  # one Token object, mutated: copy its fields now
        start, end = token.startchar, token.endchar
        found.append(Word(normalise(token.text), token.text, text[start:end], start, end))
    return found


def phrase_key(text: str, *, exact: bool = False) -> tuple[str, ...]:
    """The lookup key of a known phrase (see the module's docstring); ``exact``: every word
    as spelled (a place name has no gender nor number: « Gers » must not be « gère »)."""
    key: list[str] = []
    for word in words(text):
        if word.article:
            continue
        if word.capitals and len(word.surface) <= 2:
            key.append(CAPITALS + word.surface)
        elif word.capitals or exact:
            key.append(EXACT + word.surface)
        else:
            key.append(word.norm)
    return tuple(key)
