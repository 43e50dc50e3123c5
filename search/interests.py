"""Ways in by interest: ROME's centres d'intérêt and themes, worded for youths, each a search.

``interests(generation)`` gives, for the home page, every centre d'intérêt (« Les animaux »,
« Diriger une équipe ») and every ROME theme (« Enfants », « Mer et nautisme ») under the label
a 16-year-old reads (``synonyms.yaml``), with the search it leads to and how many testimonials
that search puts first. The search is the label typed as words (``/recherche?q=Les+animaux``):
the lexicon makes each label mean its interest (``indexer.lexicon``), so the count here is the
count there, and a shared link reads as what it is::

    >>> found = interests(generation)                            # doctest: +SKIP
    >>> found.centres[16].label, found.centres[16].query, found.centres[16].testimonials
    ('Les animaux', 'Les animaux', 4)

Two labels that mean the same testimonials (the centre « Les enfants » and the theme
« Enfants ») are offered once, as the centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from search.generation import Generation
from search.lexicon import lexicon
from search.understand import understand


@dataclass(frozen=True)
class Interest:
    """``Interest("centre_interet", "17", "Les animaux", "Les animaux", 4)``."""

    kind: str  # "centre_interet" or "rome_theme": where the label comes from
    code: str  # ROME's code: "17", "012"
    label: str  # worded for a 16-year-old
    query: str  # the words to search: the label itself, understood as its interest
    testimonials: int  # what that search puts first

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "label": self.label, "query": self.query, "testimonials": self.testimonials}


@dataclass(frozen=True)
class Interests:
    centres: tuple[Interest, ...] = ()  # the 30 centres d'intérêt, in ROME's order
    themes: tuple[Interest, ...] = ()  # the ROME themes not already said by a centre

    def to_dict(self) -> dict[str, Any]:
        return {"centres": [i.to_dict() for i in self.centres], "themes": [i.to_dict() for i in self.themes]}


def interests(generation: Generation) -> Interests:
    """Centres d'intérêt and ROME themes with their search and count (empty without a lexicon).
    A label the lexicon does not read whole as one interest is left out rather than offered as
    a search that would mean something else."""

    def build() -> Interests:
        lex = lexicon(generation)
        column = generation.columns["profession"]
        seen: set[frozenset[tuple[str, str]]] = set()
        groups: dict[str, list[Interest]] = {"centre_interet": [], "rome_theme": []}
        labelled = [("centre_interet", code, short) for code, (_, short) in lex.centres_interet.items()]
        labelled += [("rome_theme", code, short) for code, (_, short) in lex.rome_themes.items()]
        for kind, code, label in labelled:
            found = understand(lex, label)
            if found.professions or found.filters or found.unlisted or found.text or not found.interests:
                continue
            meaning = frozenset((i.kind, i.code) for i in found.interests)
            if meaning in seen:
                continue
            seen.add(meaning)
            fiches = sorted({fiche for i in found.interests for fiche in i.fiches})
            count = int(np.count_nonzero(column.mask(fiches) & generation.live)) if fiches else 0
            groups[kind].append(Interest(kind, code, label, label, count))
        return Interests(tuple(groups["centre_interet"]), tuple(groups["rome_theme"]))

    found: Interests = generation.memo.get("interests", build)
    return found
