"""One counted search as a small value: what was asked, what it was understood as, what it found.

``record_of(results, generation, day=…)`` reads a ``SearchResults`` (its ``understood`` object,
its filters, its totals) into a ``Record`` that holds nothing else: no address, no user agent,
no cookie, no time finer than the day, and the words only folded, at most five::

    >>> record_of(search(gen, "Infirmière de NUIT à Brest"), gen, day=date(2026, 12, 1))  # doctest: +SKIP
    Record(day=datetime.date(2026, 12, 1), query='infirmiere de nuit a brest',
           fiches=('J1506',), filters=('region=FR-BRE',), interests=(), found=True, zero=False)

Every code kept is one the generation knows (a ROME fiche, a region, an advice theme…): a value
typed into a URL that nobody defined is dropped, so the store only ever sees known codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from search.analysis import fold, is_stop_word, normalise
from search.generation import Generation
from search.lexicon import Lexicon, lexicon
from search.results import SearchResults

MAX_WORDS = 5
MAX_WORD_LETTERS = 24
"""Longer « words » are not words a youth types (pasted links, keys, gibberish): dropped."""
MAX_QUERY_CHARS = MAX_WORDS * (MAX_WORD_LETTERS + 1)
FILTER_FACETS = ("sector", "country", "region", "theme")
"""Facets kept as filters; a ticked profession is kept with the fiches."""

_WORD = re.compile(r"[a-z]+")
_CODE_UNSAFE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Record:
    """A counted search. ``filters`` are ``facet=value`` and ``interests`` ``kind=code``, sorted."""

    day: date
    query: str  # folded words a-z separated by one space, at most MAX_WORDS; "" without words
    fiches: tuple[str, ...] = ()  # ROME codes named: professions understood, profession filter ticked
    filters: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    found: bool = False  # the results hold testimonials of one of ``fiches``
    zero: bool = False  # no result at all

    @property
    def shape(self) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool, bool]:
        """Everything but the day: what makes two searches the same search."""
        return (self.query, self.fiches, self.filters, self.interests, self.found, self.zero)


def normalise_query(text: str) -> str:
    """Folded words only, at most five: ``normalise_query("L'Infirmière, 2 ans ?!") == "infirmiere ans"``.

    Accents, case and punctuation go; a word holding a digit, an ``@`` or a ``/`` goes whole (a
    year, a phone number, a postcode, an address, a link), as do one-letter elisions (« l' »);
    past five words the articles and prepositions go first, then the words after the fifth.
    """
    words: list[str] = []
    for raw in fold(text).split():
        if any(char.isdigit() or char in "@/\\:" for char in raw):
            continue
        words.extend(w for w in _WORD.findall(raw) if 1 < len(w) <= MAX_WORD_LETTERS)
    if len(words) > MAX_WORDS:
        words = [w for w in words if not is_stop_word(normalise(w))] or words
    return " ".join(words[:MAX_WORDS])


def code_token(code: str) -> str:
    """A lexicon code as stored: folded, spaces as ``_`` (« agent secret » -> ``agent_secret``)."""
    return _CODE_UNSAFE.sub("_", fold(code).strip()).strip("_")


@dataclass(frozen=True)
class Known:
    """The codes a generation knows, per facet and per interest kind: nothing else is recorded."""

    facets: Mapping[str, frozenset[str]]
    interests: Mapping[str, frozenset[str]]


def known_codes(generation: Generation) -> Known:
    """Read once per generation (its memo)."""

    def compute() -> Known:
        lex: Lexicon = lexicon(generation)
        facets: dict[str, set[str]] = {facet: set(generation.labels.get(facet, {})) for facet in (*FILTER_FACETS, "profession")}
        facets["profession"] |= set(lex.fiches)
        facets["sector"] |= set(lex.sectors)
        interests: dict[str, set[str]] = {}
        for entry in lex.entries:
            if entry.kind in FILTER_FACETS:
                facets[entry.kind].add(entry.code)
            elif entry.kind not in ("profession", "filler"):
                interests.setdefault("unlisted" if entry.kind == "unlisted_job" else entry.kind, set()).add(code_token(entry.code))
        interests["advice_theme"] = set(facets["theme"])
        return Known(
            facets={k: frozenset(v) for k, v in facets.items()},
            interests={k: frozenset(v) for k, v in interests.items()},
        )

    known: Known = generation.store.memo.get("insights-known", compute)
    return known


def _interests(understood: Mapping[str, Any], known: Known) -> Iterable[str]:
    for item in understood.get("interests") or ():
        kind, code = str(item.get("kind", "")), code_token(str(item.get("code", "")))
        if code in known.interests.get(kind, ()):
            yield f"{kind}={code}"
    for job in understood.get("unlisted") or ():
        code = code_token(str(job.get("label", "")))
        if code in known.interests.get("unlisted", ()):
            yield f"unlisted={code}"


def record_of(results: SearchResults, generation: Generation, *, day: date) -> Record | None:
    """The record of a search, or None when nothing was asked (no words, no filter: browsing)."""
    known = known_codes(generation)
    understood = results.understood or {}
    ticked_fiches = [code for code in results.filters.get("profession", ()) if code in known.facets["profession"]]
    understood_fiches = [str(p.get("rome")) for p in understood.get("professions") or ()]
    fiches = tuple(sorted({c for c in (*understood_fiches, *ticked_fiches) if c in known.facets["profession"]}))
    filters = tuple(sorted({
        f"{facet}={value}"
        for facet in FILTER_FACETS
        for value in results.filters.get(facet, ())
        if value in known.facets[facet]
    }))
    interests = tuple(sorted(set(_interests(understood, known))))
    query = normalise_query(results.query)
    if not (query or fiches or filters or interests):
        return None
    found = bool(results.of_profession) or bool(ticked_fiches and results.total)
    return Record(
        day=day,
        query=query,
        fiches=fiches,
        filters=filters,
        interests=interests,
        found=bool(fiches) and found,
        zero=results.total == 0,
    )
