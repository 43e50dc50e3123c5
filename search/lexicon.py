"""The lexicon of a generation: what the query side recognises, read once into fast structures.

``indexer.lexicon`` writes ``lexicon.json`` into every generation (next to ``words.json``);
``lexicon(generation)`` reads it once per generation (from the files its store holds) and
``search.understand`` matches queries against it::

    lex = lexicon(generation)
    lex.keys[("kin",)]                        # (17,): entry ids of « kiné »
    lex.entries[17]                           # Entry("profession", "J1404", "Kinésithérapeute", "synonyms")
    lex.is_known("élevage")                   # True: never « corrected » into another word
    lex.fiches["J1404"].sector                # "J"
    lex.fiches["J1404"].definition            # "Le Kinésithérapeute joue un rôle indispensable…"

A generation without the file (built before it existed) gives an empty lexicon: nothing is
recognised and every word is searched as text. The file's shape is in docs/contracts.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.analysis import fold
from search.generation import Generation
from search.layout import LEXICON

LEXICON_FILE = LEXICON
LEXICON_FORMAT = 1

Key = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """What a phrase means: ``Entry("region", "FR-BRE", "Bretagne", "taxonomy")``.

    ``kind``: ``profession`` (code: ROME fiche), ``region`` / ``country`` (ISO facet value),
    ``sector`` (grand domaine letter), ``theme`` (advice theme slug), ``rome_theme``, ``secteur``,
    ``sous_secteur``, ``centre_interet``, ``interest`` (with ``fiches``), or ``filler``.
    ``source``: ``rome``, ``synonyms`` or ``taxonomy``.
    """

    kind: str
    code: str
    label: str
    source: str
    fiches: tuple[str, ...] = ()


@dataclass(frozen=True)
class FicheInfo:
    code: str
    label: str  # « Infirmier / Infirmière en soins généraux (IDE) »
    masculine: str
    feminine: str
    domain: str  # « J15 »
    without_diploma: bool
    definition: str = ""  # ROME's definition, its first one or two sentences (« France Travail — ROME 4.0 »)
    levels: tuple[str, ...] = ()  # diplomas ROME's access text names: "CAP", "Bac", "Bac+2", "Bac+3", "Bac+5", "Bac+8"

    @property
    def sector(self) -> str:
        return self.domain[:1]


@dataclass(frozen=True, repr=False)
class Lexicon:
    entries: tuple[Entry, ...] = ()
    keys: Mapping[Key, tuple[int, ...]] = field(default_factory=dict)
    """phrase key -> entry ids (see ``search.phrases.phrase_key``)."""
    guarded: Mapping[Key, tuple[int, ...]] = field(default_factory=dict)
    """place names that are also common words (« lot »): valid only written with a capital or
    after a place word."""
    prefixes: frozenset[Key] = frozenset()
    """every proper prefix of a key of ``keys`` or ``guarded``: where a longer match may go on."""
    departments: Mapping[str, int] = field(default_factory=dict)
    """French department number (« 93 », « 2a ») -> entry id; valid only after a place word."""
    place_words: frozenset[Key] = frozenset()
    place_word_length: int = 0
    fiches: Mapping[str, FicheInfo] = field(default_factory=dict)
    domains: Mapping[str, str] = field(default_factory=dict)  # "J15" -> label
    sectors: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # "J" -> (ROME label, short label)
    rome_themes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    centres_interet: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    known_words: frozenset[str] = frozenset()
    credit: str = ""
    place_names: Mapping[str, str] = field(default_factory=dict)
    """A place's exact key, its words joined (« bouches du rhone »), -> its name as written
    (« Bouches-du-Rhône »): what autocomplete shows; places that are also common words left out."""

    def __repr__(self) -> str:
        return f"Lexicon({len(self.entries)} entries, {len(self.keys)} keys, {len(self.known_words)} known words)"

    def is_known(self, word: str) -> bool:
        """Whether ``word`` is a French word the product knows (ROME, places, synonyms), whatever
        its case or accents: such a word is never corrected into another one."""
        return fold(word).strip() in self.known_words

    @property
    def empty(self) -> bool:
        return not self.entries


def _fiche(code: str, row: list[Any]) -> FicheInfo:
    """``[label, masculine, feminine, domain, without_diploma, definition?, levels?]``: the last two
    may be missing (a generation built before they were written)."""
    definition = str(row[5]) if len(row) > 5 else ""
    levels = tuple(str(level) for level in row[6]) if len(row) > 6 else ()
    return FicheInfo(code, str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), definition, levels)


def lexicon_from_data(data: Mapping[str, Any]) -> Lexicon:
    """The inverse of ``indexer.lexicon.compile_lexicon``; raises ValueError on another format."""
    if data.get("format") != LEXICON_FORMAT:
        raise ValueError(f"lexicon format {data.get('format')!r}, expected {LEXICON_FORMAT}")
    entries = tuple(
        Entry(str(e["kind"]), str(e["code"]), str(e["label"]), str(e["source"]), tuple(e.get("fiches") or ()))
        for e in data["entries"]
    )
    keys = {tuple(k.split(" ")): tuple(v) for k, v in data["keys"].items()}
    guarded = {tuple(k.split(" ")): tuple(v) for k, v in data["guarded"].items()}
    prefixes = {key[:n] for table in (keys, guarded) for key in table for n in range(1, len(key))}
    place_words = frozenset(tuple(k.split(" ")) for k in data["place_words"])
    return Lexicon(
        entries=entries,
        keys=keys,
        guarded=guarded,
        prefixes=frozenset(prefixes),
        departments={str(k): int(v) for k, v in data["departments"].items()},
        place_words=place_words,
        place_word_length=max((len(k) for k in place_words), default=0),
        fiches={c: _fiche(c, v) for c, v in data["fiches"].items()},
        domains=dict(data["domains"]),
        sectors={c: (str(v[0]), str(v[1])) for c, v in data["sectors"].items()},
        rome_themes={c: (str(v[0]), str(v[1])) for c, v in data["rome_themes"].items()},
        centres_interet={c: (str(v[0]), str(v[1])) for c, v in data["centres_interet"].items()},
        known_words=frozenset(data["known_words"]),
        credit=str(data.get("credit", "")),
        place_names={str(k): str(v) for k, v in dict(data.get("place_names") or {}).items()},
    )


def read_lexicon(generation_dir: Path) -> Lexicon:
    """``lexicon.json`` of a generation, or an empty lexicon when the generation has none."""
    try:
        with open(Path(generation_dir) / LEXICON_FILE, encoding="utf-8") as handle:
            return lexicon_from_data(json.load(handle))
    except FileNotFoundError:
        return Lexicon()


def lexicon(generation: Generation) -> Lexicon:
    """The lexicon of a generation, read once from its held files (an empty one when it has none)."""

    def build(data: Any) -> Lexicon:
        return lexicon_from_data(data) if isinstance(data, dict) else Lexicon()

    return generation.store.from_file(LEXICON, build)
