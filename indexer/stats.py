"""Coverage figures of a corpus, as plain data, for ``bloomr stats`` and the coverage test.

>>> coverage(load_corpus(Path("corpus")).testimonials)["fiches"]  # doctest: +SKIP
84

Counts are over published testimonials, except ``testimonials`` and ``withdrawn``.
Gender of a job title is a simple, documented rule on its head word (``title_gender``),
good enough to watch the balance, not a grammar.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from indexer.model import Testimonial

METROPOLITAN_REGIONS: frozenset[str] = frozenset({
    "FR-ARA", "FR-BFC", "FR-BRE", "FR-CVL", "FR-20R", "FR-GES", "FR-HDF",
    "FR-IDF", "FR-NOR", "FR-NAQ", "FR-OCC", "FR-PDL", "FR-PAC",
})
"""The 13 regions of metropolitan France (ISO 3166-2)."""

OVERSEAS_REGIONS: frozenset[str] = frozenset({
    "FR-971", "FR-972", "FR-973", "FR-974", "FR-976",
    "FR-PM", "FR-BL", "FR-MF", "FR-WF", "FR-PF", "FR-NC", "FR-TF",
})
"""Overseas departments, regions and collectivities (ISO 3166-2 codes under FR)."""

WORDS_MIN, WORDS_MAX = 120, 800
"""Words of a testimonial's four sections: short ones (~150 words) and long ones (~700) are welcome."""
SHARED_WORDS = 6
"""Two testimonials sharing this many consecutive words read as one template voice."""

# Inclusive writing: « Infirmier·ère », « ingénieur·es », « chargé(e) », « étudiant·e·s ».
_INCLUSIVE = re.compile(r"[^\W\d_][·•‧⋅][^\W\d_]+|[^\W\d_]\((?:e|ne|se|euse|ère|rice|trice|le|fe)\)", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")

# Head words that are the same in both genders (« une comptable », « un comptable »).
_EPICENE_SUFFIXES = (
    "iste", "able", "ible", "aire", "logue", "graphe", "thérapeute", "crate", "iatre", "naute", "mètre",
    "pède", "ète", "ome", "phe", "ique",
)
_LINKS = frozenset({"de", "du", "des", "d", "en", "à", "au", "aux", "la", "le", "les", "et", "pour", "sur"})
_EPICENE_WORDS = frozenset({
    "aide", "architecte", "pilote", "guide", "juge", "ministre", "maire", "gendarme", "diplomate", "capitaine",
    "cadre", "membre", "élève", "sage", "arbitre", "interprète", "camarade", "stagiaire", "garde", "artisan·e",
    "chef·fe", "photographe", "journaliste", "libraire", "secrétaire", "notaire", "comptable", "responsable",
    "vétérinaire", "psychologue", "dentiste", "fleuriste", "coach", "manager", "designer", "analyste", "géomètre",
    "mécanicien·ne", "styliste", "pompier·ère",
})
_FEMININE_WORDS = frozenset({"femme", "mère", "sœur", "nourrice", "cheffe", "maîtresse", "marraine", "doula"})
_MASCULINE_WORDS = frozenset({"maître", "homme", "père", "frère", "moine", "parrain", "chef", "médecin"})
_FEMININE_SUFFIXES = ("euse", "trice", "ère", "ienne", "enne", "onne", "ette", "ive", "ée", "esse", "elle")
_VOWELS = set("aeiouyéèêëàâäîïôöûüù")


def _word_gender(word: str) -> str:
    """``"feminine"``, ``"masculine"`` or ``"epicene"`` for one lowercase word."""
    if word in _FEMININE_WORDS:
        return "feminine"
    if word in _MASCULINE_WORDS:
        return "masculine"
    if word in _EPICENE_WORDS or word.endswith(_EPICENE_SUFFIXES):
        return "epicene"
    if word.endswith(_FEMININE_SUFFIXES):
        return "feminine"
    if len(word) > 2 and word.endswith("e") and word[-2] not in _VOWELS:
        return "feminine"
    return "masculine"


def title_gender(profession: str) -> str:
    """Gender of a job title from its head word (its first word, each part of a hyphenated one).

    ``"feminine"`` (Boulangère, Aide-soignante, Sage-femme, Chargée de…), ``"masculine"``
    (Boulanger, Médecin généraliste), ``"epicene"`` (Comptable, Architecte, Auxiliaire de
    puériculture) or ``"inclusive"`` (Infirmier·ère, Chargé(e)).
    """
    if _INCLUSIVE.search(profession):
        return "inclusive"
    words = profession.strip().lower().replace("’", "'").split()
    if not words:
        return "epicene"
    head = words[0].split("'")[-1]
    genders = {_word_gender(part) for part in head.split("-") if part}
    if "feminine" in genders:
        return "feminine"
    if "masculine" in genders:
        return "masculine"
    if len(words) > 1 and words[1] not in _LINKS:  # « Vétérinaire rurale »: the adjective tells
        adjective = _word_gender(words[1])
        if adjective != "epicene":
            return adjective
    return "epicene"


def _words(text: str) -> list[str]:
    """Whitespace-separated tokens with at least one letter or digit: ``_words("« Oui » !") == ["Oui"]``.

    Two linear passes; the single pattern ``\\S*[^\\W_]\\S*`` was quadratic on a run of punctuation.
    """
    return [token for token in _TOKEN.findall(text) if _LETTER_OR_DIGIT.search(token)]


def word_count(t: Testimonial) -> int:
    """Words of the four sections, counted like ``wc -w`` (a token with at least one letter or digit)."""
    return sum(len(_words(text)) for _, text in t.sections.items())


def _inclusive(t: Testimonial) -> bool:
    return bool(_INCLUSIVE.search(t.profession)) or any(_INCLUSIVE.search(text) for _, text in t.sections.items())


def _folded_words(text: str) -> list[str]:
    return [w.strip(".,;:!?«»()\"“”…—–-").lower().replace("’", "'") for w in _words(text)]


def shared_sequences(testimonials: Iterable[Testimonial], n: int = SHARED_WORDS) -> list[tuple[str, str, str]]:
    """Word sequences of length ``n`` found in two different testimonials: ``[(id_a, id_b, "les six mots …")]``.

    Linear in the corpus size (one dictionary of sequences); each pair of testimonials is reported once.
    """
    first: dict[tuple[str, ...], str] = {}
    found: dict[tuple[str, str], str] = {}
    for t in testimonials:
        words = [w for _, text in t.sections.items() for w in _folded_words(text) if w]
        for i in range(len(words) - n + 1):
            key = tuple(words[i : i + n])
            owner = first.setdefault(key, t.id)
            if owner != t.id:
                found.setdefault((owner, t.id), " ".join(key))
    return [(a, b, text) for (a, b), text in sorted(found.items())]


def voices(testimonials: Iterable[Testimonial]) -> dict[str, int]:
    """Published testimonials per ROME fiche: ``{"J1506": 3, …}``."""
    return dict(Counter(t.rome for t in testimonials if not t.withdrawn and t.rome))


def coverage(testimonials: Iterable[Testimonial]) -> dict[str, object]:
    """The coverage figures of issue 9, as plain data (JSON-serialisable).

    ``{"testimonials": 124, "published": 122, "withdrawn": 2, "fiches": 84,
    "sectors": {"A": 5, …}, "metropolitan_regions": ["FR-ARA", …], "metropolitan_missing": [],
    "overseas_regions": ["FR-971", …], "outside_france": 31, "countries": {"FR": 91, …},
    "titles": {"feminine": 58, "masculine": 55, "epicene": 7, "inclusive": 2}, "inclusive_writing": 4,
    "themes": {"etudes": 30, …}, "themes_declared": 61, "themes_declared_share": 0.5,
    "dates": ["2012-03-01", "2026-02-11"], "words": [262, 590], "words_out_of_range": []}``
    """
    items = list(testimonials)
    published = [t for t in items if not t.withdrawn]
    regions = {t.region for t in published if t.country == "FR"}
    outside = [t for t in published if t.country and t.country != "FR"]
    words = {t.id: word_count(t) for t in published}
    dates = sorted(t.published for t in published)
    declared = sum(1 for t in published if t.themes_declared)
    per_fiche = voices(published)
    return {
        "testimonials": len(items),
        "published": len(published),
        "withdrawn": len(items) - len(published),
        "fiches": len({t.rome for t in published if t.rome}),
        "fiches_with_2": sum(1 for n in per_fiche.values() if n >= 2),
        "fiches_with_3": sum(1 for n in per_fiche.values() if n >= 3),
        "sectors": dict(sorted(Counter(t.sector for t in published if t.sector).items())),
        "metropolitan_regions": sorted(regions & METROPOLITAN_REGIONS),
        "metropolitan_missing": sorted(METROPOLITAN_REGIONS - regions),
        "overseas_regions": sorted(regions & OVERSEAS_REGIONS),
        "outside_france": len(outside),
        "countries": dict(Counter(t.country for t in published).most_common()),
        "titles": dict(sorted(Counter(title_gender(t.profession) for t in published).items())),
        "inclusive_writing": sum(1 for t in published if _inclusive(t)),
        "themes": dict(sorted(Counter(theme for t in published for theme in t.themes).items())),
        "themes_declared": declared,
        "themes_declared_share": round(declared / len(published), 3) if published else 0.0,
        "dates": [dates[0].isoformat(), dates[-1].isoformat()] if dates else [],
        "words": [min(words.values()), max(words.values())] if words else [],
        "words_out_of_range": sorted(i for i, n in words.items() if not WORDS_MIN <= n <= WORDS_MAX),
        "short_testimonials": sum(1 for n in words.values() if n <= 200),
        "long_testimonials": sum(1 for n in words.values() if n >= 600),
        "shared_sequences": len(shared_sequences(published)),
    }
