"""The vocabulary of a generation: surface words for typo correction, "did you mean" and autocomplete.

Built once per generation from its ``words.json`` (lower-case surface words, accents kept, with
their document frequencies), which the indexer writes with every generation and keeps exact
through updates and withdrawals. A testimonial withdrawn since the generation was built
(hidden through the ledger) takes its words with it at once: they are subtracted here, so
autocomplete never offers them, even if the purge of the files was interrupted. Lookups use
folded words (``fold`` of the one analyzer module), so ``infirmiere`` finds ``infirmière``;
display uses the most frequent accented spelling.

>>> vocab.corrections("infirmeire")  # doctest: +SKIP
[Correction(word='infirmière', folded='infirmiere', distance=2, df=12)]
"""

from __future__ import annotations

import bisect
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from search.analysis import fold
from search.generation import Generation
from search.layout import VOCABULARY

_WORD = re.compile(r"[^\W\d_]{2,}")

VOCABULARY_FIELDS: tuple[str, ...] = ("profession", "rome_label", "metier", "parcours", "passion", "conseils")
"""The stored fields whose words a document adds to the vocabulary."""
MAX_CORRECTIONS = 3
"""How many corrected spellings one typed word may expand into."""


def surface_words(*texts: str) -> list[str]:
    """Distinct lower-case words of the texts, in order: ``surface_words("L’Été, l’été") == ["été"]``."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in _WORD.finditer(unicodedata.normalize("NFC", text).lower()):
            seen.setdefault(match.group(0), None)
    return list(seen)


def stored_words(fields: Mapping[str, Any]) -> list[str]:
    """The words one document adds to the vocabulary, from its fields (``VOCABULARY_FIELDS``)."""
    return surface_words(*(str(fields.get(name) or "") for name in VOCABULARY_FIELDS))


def _as_counts(data: Any) -> dict[str, int]:
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def read_counts(generation_dir: Path) -> dict[str, int]:
    """``words.json`` of a generation directory: {surface word: document frequency}; empty when absent."""
    try:
        with open(generation_dir / VOCABULARY, encoding="utf-8") as handle:
            return _as_counts(json.load(handle))
    except FileNotFoundError:
        return {}


def write_counts(generation_dir: Path, counts: Mapping[str, int]) -> None:
    kept = {word: df for word, df in sorted(counts.items()) if df > 0}
    tmp = generation_dir / f".{VOCABULARY}.tmp"
    text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))  # the C encoder: json.dump streams in Python
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, generation_dir / VOCABULARY)


def allowed_distance(folded: str) -> int:
    """Typo tolerance on folded words: 1 edit from 5 letters, 2 from 9, none below."""
    n = len(folded)
    return 2 if n >= 9 else 1 if n >= 5 else 0


@dataclass(frozen=True)
class Correction:
    word: str  # display spelling, accents kept
    folded: str
    distance: int
    df: int


class Vocabulary:
    """Folded word -> (display spelling, document frequency), with sorted keys for prefixes."""

    def __init__(self, entries: dict[str, tuple[str, int]]) -> None:
        self.entries = entries
        self.keys: list[str] = sorted(entries)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> "Vocabulary":
        entries: dict[str, tuple[str, int]] = {}
        for word, df in counts.items():
            key = fold(word)
            if not key or df <= 0:
                continue
            current = entries.get(key)
            if current is None:
                entries[key] = (word, df)
            else:
                best = word if df > current[1] else current[0]
                entries[key] = (best, current[1] + df)
        return cls(entries)

    @classmethod
    def from_generation(cls, generation: Generation) -> "Vocabulary":
        """The generation's words, less those of testimonials withdrawn or paused since it was built."""
        counts = Counter(_as_counts(generation.store.read_json(VOCABULARY)))
        gone = generation.hidden | generation.paused
        if gone:
            hidden = [n for n, doc_id in enumerate(generation.ids) if doc_id in gone and generation.built_live[n]]
            for n in hidden:
                counts.subtract(stored_words(generation.store.stored(n)))
        return cls.from_counts(counts)

    def __contains__(self, folded: str) -> bool:
        return folded in self.entries

    def df(self, folded: str) -> int:
        entry = self.entries.get(folded)
        return entry[1] if entry else 0

    def display(self, folded: str) -> str:
        entry = self.entries.get(folded)
        return entry[0] if entry else folded

    def corrections(self, folded: str, *, limit: int = MAX_CORRECTIONS) -> list[Correction]:
        """Known words within the allowed edit distance, nearest then most frequent first."""
        distance = allowed_distance(folded)
        if distance == 0 or not self.keys:
            return []
        found = extract(
            folded,
            self.keys,
            scorer=Levenshtein.distance,
            score_cutoff=distance,
            limit=None,
        )
        ranked = sorted(
            (Correction(self.entries[k][0], k, int(d), self.entries[k][1]) for k, d, _ in found if k != folded),
            key=lambda c: (c.distance, -c.df, c.folded),
        )
        return ranked[:limit]

    def completions(self, prefix: str, *, limit: int = 10) -> list[tuple[str, str, int]]:
        """Known words starting with the folded ``prefix``: (folded, display, df), most frequent first."""
        if not prefix:
            return []
        start = bisect.bisect_left(self.keys, prefix)
        found: list[tuple[str, str, int]] = []
        for key in self.keys[start:]:
            if not key.startswith(prefix):
                break
            word, df = self.entries[key]
            found.append((key, word, df))
        found.sort(key=lambda item: (-item[2], item[0]))
        return found[:limit]


def vocabulary(generation: Generation) -> Vocabulary:
    """The generation's vocabulary, built on first use."""
    return generation.memo.get("vocabulary", lambda: Vocabulary.from_generation(generation))
