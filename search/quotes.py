"""A testimonial's most striking sentence, and a few stories to start wandering with.

A quote is one whole sentence of « Pourquoi j’aime mon métier » or « Mes conseils aux jeunes »
that reads on its own: 60 to 200 characters, starting with a capital and ending with . ! or ?,
quotes and brackets balanced, and no first word that leans on the sentence before (« Mais »,
« Donc », « Ça », « Il »…). Among those, the ones that say what the volunteer loves or tells a
youth directly come first::

    >>> best_quote({"passion": "Mais surtout le bruit. J’aime voir un plateau vide devenir une scène en une nuit."})
    Quote(text='J’aime voir un plateau vide devenir une scène en une nuit.', section='passion')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from search.generation import Generation
from search.lru import Lru

MIN_CHARS = 60
MAX_CHARS = 200
IDEAL_CHARS = 110
QUOTE_SECTIONS: tuple[str, ...] = ("passion", "conseils")
"""Where quotes come from, preferred first."""

LEANING_WORDS = frozenset(
    """
    mais et donc alors puis car ensuite enfin or ou sinon bref cependant pourtant aussi ainsi
    toutefois néanmoins sauf surtout ici après avant quant même encore d’ailleurs d’abord ensuite
    ça cela ceci celui celle ceux celles il ils elle elles là lui leur y en eux oui non voilà parce
    """.split()
)
"""First words that refer to what came before: a sentence starting so does not stand alone."""
LEANING_STARTS: tuple[str, ...] = (
    "de plus", "en plus", "du coup", "par contre", "en effet", "c’est pourquoi", "c’est ça", "c’est là",
    "c’est ce", "à part ça", "au final", "par exemple", "en revanche", "pour ça", "pour cela", "à côté",
    "en tout cas", "bien sûr", "d’autant",
)
STRONG = re.compile(
    r"\b(?:j’aime|j’adore|ce que j’aime|ce qui me plaît|fier|fière|plaisir|passion|bonheur|chaque jour|"
    r"jamais|n’ayez pas peur|osez|croyez|lancez-vous|allez-y|curieux|curieuse|rêve)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][ \u00a0\u202f]»))\s+(?=[«\"A-ZÀ-ÖØ-Þ])")
_FIRST_WORD = re.compile(r"[^\W\d_]+(?:’[^\W\d_]+)?")


@dataclass(frozen=True)
class Quote:
    text: str
    section: str  # section key: "passion" or "conseils"


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph: ``sentences("Oui. Non !") == ["Oui.", "Non !"]``."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return out


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("'", "’")


def stands_alone(sentence: str) -> bool:
    """Whether a sentence reads well out of its testimonial (length, shape, first word)."""
    text = _normal(sentence.strip())
    if not MIN_CHARS <= len(text) <= MAX_CHARS:
        return False
    if not text[0].isupper() or text.rstrip("» ")[-1:] not in (".", "!", "?"):
        return False
    if text.count("«") != text.count("»") or text.count("(") != text.count(")") or text.count('"') % 2:
        return False
    if text.endswith(":") or "…" in text[:-1] or "..." in text:
        return False
    lowered = text.lower()
    if any(lowered.startswith(start + " ") or lowered.startswith(start + ",") for start in LEANING_STARTS):
        return False
    first = _FIRST_WORD.match(lowered)
    if first is None:
        return False
    word = first.group(0)
    return word not in LEANING_WORDS and word.split("’")[0] not in ("ça", "cela")


def _score(sentence: str, section_rank: int, position: int) -> float:
    text = _normal(sentence)
    score = 2.0 - section_rank * 0.5 - position * 0.05
    score += 2.0 * len(STRONG.findall(text))
    if "!" in text:
        score += 0.5
    if re.search(r"\bvous\b|\bvotre\b|\bvos\b", text, re.IGNORECASE) or text.lower().startswith(("j’", "je ")):
        score += 0.75
    if ":" in text or ";" in text:
        score -= 0.75
    if re.search(r"\b(?:aussi|également|encore|non plus)\b", " ".join(text.lower().split()[:4])):
        score -= 2.5  # « J’aime aussi… » answers a sentence before it
    if re.search(r"\d", text):
        score -= 1.0  # figures (a salary, hours) inform more than they strike
    return score - abs(len(text) - IDEAL_CHARS) / 80


def best_quote(sections: Mapping[str, str]) -> Quote | None:
    """The most striking sentence of ``sections`` (key -> text), or None when none stands alone."""
    best: tuple[float, str, str] | None = None
    for rank, key in enumerate(QUOTE_SECTIONS):
        for position, sentence in enumerate(sentences(str(sections.get(key) or ""))):
            if not stands_alone(sentence):
                continue
            score = _score(sentence, rank, position)
            if best is None or score > best[0]:
                best = (score, _normal(sentence), key)
    return Quote(best[1], best[2]) if best else None


MAX_CACHED = 20_000


def quote_of(generation: Generation, docnum: int) -> Quote | None:
    """The quote of one document, computed once per generation."""
    cache: Lru[int, Quote | None] = generation.memo.get("quotes", lambda: Lru(MAX_CACHED, lambda _: 1, max_entries=MAX_CACHED))
    return cache.get(docnum, lambda: best_quote(generation.store.stored(docnum)))


def stories(generation: Generation, *, count: int = 3, seed: int = 0, tries: int = 60) -> list[tuple[int, Quote]]:
    """``count`` live documents that have a quote, from different sectors, in a seeded random order."""
    live = np.flatnonzero(generation.live)
    if not len(live):
        return []
    order = live[np.random.default_rng(seed).permutation(len(live))][:tries]
    sectors = generation.columns["sector"]
    picked: list[tuple[int, Quote]] = []
    seen: set[str] = set()
    spare: list[tuple[int, Quote]] = []
    for docnum in (int(d) for d in order):
        quote = quote_of(generation, docnum)
        if quote is None:
            continue
        sector = sectors.value_of(docnum)
        if sector in seen:
            spare.append((docnum, quote))
            continue
        seen.add(sector)
        picked.append((docnum, quote))
        if len(picked) == count:
            return picked
    return (picked + spare)[:count]
