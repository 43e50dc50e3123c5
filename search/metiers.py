"""Métiers: one ROME fiche as its page shows it, the métiers near it, and the A–Z of those told.

``metier(generation, "J1506")`` gathers what ``/metiers/J1506`` and ``/api/metiers/J1506`` show;
``metiers(generation)`` lists the fiches that have testimonials, A to Z, with the sectors;
``nearby`` finds the métiers with testimonials closest to some fiches (the search uses it for a
job that has none)::

    >>> page = metier(generation, "J1506")                       # doctest: +SKIP
    >>> page.feminine, page.testimonials, [(n.rome, n.reason) for n in page.related]
    ('Infirmière en soins généraux (IDE)', 3, [('J1501', 'même domaine professionnel')])
    >>> metier(generation, "Z9999")                              # doctest: +SKIP
    Traceback (most recent call last):
    search.errors.NotFound: Ce code ne désigne aucun métier du ROME.

What a fiche is (both genders, definition, diplomas, domaine) comes from the generation's
lexicon (``lexicon.json``: all 1,584 fiches, credited « France Travail — ROME 4.0, version 60 »);
a generation without one still knows the fiches its testimonials use, by their label. A ROME
code names its domaine professionnel (``J15``) and grand domaine (``J``) by its first letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.analysis import fold
from search.errors import NotFound
from search.generation import Generation
from search.hits import make_hit
from search.lexicon import FicheInfo, lexicon
from search.results import Hit, Nearby

CODE = re.compile(r"[A-N][0-9]{4}")
"""A ROME 4.0 fiche code: a grand domaine letter and four digits."""
MAX_HITS = 24
"""Testimonials shown on a métier page; past it, the page links to the search of them all."""
MAX_NEARBY = 6
REASONS = {"domain": "même domaine professionnel", "sector": "même secteur"}


def testimonial_counts(generation: Generation) -> Mapping[str, int]:
    """Live testimonials per ROME fiche: ``{"J1506": 3, …}`` (fiches without any left out)."""

    def count() -> dict[str, int]:
        return {code: n for code, n in generation.columns["profession"].counts(generation.live).items() if n and code}

    found: Mapping[str, int] = generation.memo.get("per_fiche", count)
    return found


def _label(generation: Generation, code: str) -> str:
    known = generation.labels.get("profession", {}).get(code)
    if known:
        return known
    fiche = lexicon(generation).fiches.get(code)
    return fiche.label if fiche is not None else code


def nearby(
    generation: Generation, codes: Iterable[str], *, skip: Iterable[str] = (), limit: int = MAX_NEARBY
) -> tuple[Nearby, ...]:
    """Métiers with testimonials close to ``codes``: the same domaine professionnel first, then the
    same grand domaine; within each, the most told first. ``codes`` and ``skip`` are never listed.

    >>> [n.rome for n in nearby(generation, ["J1502"])]          # doctest: +SKIP
    ['J1506', 'J1501']
    """
    per_fiche = testimonial_counts(generation)
    wanted = [c for c in codes if CODE.fullmatch(c)]
    found: dict[str, Nearby] = {}
    left_out = {*wanted, *skip}
    for level, size in (("domain", 3), ("sector", 1)):
        near = {code[:size] for code in wanted}
        ranked = sorted(
            (code for code in per_fiche if code not in found and code not in left_out and code[:size] in near),
            key=lambda code: (-per_fiche[code], code),
        )
        for code in ranked:
            if len(found) >= limit:
                return tuple(found.values())
            found[code] = Nearby(code, _label(generation, code), per_fiche[code], REASONS[level])
    return tuple(found.values())


@dataclass(frozen=True)
class Metier:
    """One fiche as its page shows it; ``hits`` are its testimonials, newest first (at most
    ``MAX_HITS``), ``related`` the métiers with testimonials closest to it."""

    rome: str
    label: str  # « Infirmier / Infirmière en soins généraux (IDE) »
    masculine: str
    feminine: str
    definition: str  # ROME's, one or two sentences ("" when the generation has no lexicon)
    without_diploma: bool  # ROME says it is accessible without a diploma
    levels: tuple[str, ...]  # diplomas ROME's access text names: ("CAP", "Bac")
    domain: str  # "J15"
    domain_label: str
    sector: str  # "J"
    sector_label: str
    testimonials: int
    hits: tuple[Hit, ...]
    related: tuple[Nearby, ...]
    credit: str  # « France Travail — ROME 4.0, version 60 »

    @property
    def told(self) -> bool:
        return self.testimonials > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rome": self.rome,
            "label": self.label,
            "masculine": self.masculine,
            "feminine": self.feminine,
            "definition": self.definition,
            "without_diploma": self.without_diploma,
            "levels": list(self.levels),
            "domain": {"code": self.domain, "label": self.domain_label},
            "sector": {"code": self.sector, "label": self.sector_label},
            "testimonials": self.testimonials,
            "hits": [hit.to_dict() for hit in self.hits],
            "related": [n.to_dict() for n in self.related],
            "credit": self.credit,
        }


def fiche_info(generation: Generation, code: str) -> FicheInfo | None:
    """What the generation knows of a fiche: the lexicon's entry, else (no lexicon) a bare one
    for a fiche its testimonials use; None for a code that names no fiche."""
    if not CODE.fullmatch(code):
        return None
    fiche = lexicon(generation).fiches.get(code)
    if fiche is not None:
        return fiche
    label = generation.labels.get("profession", {}).get(code)
    if not label:
        return None
    return FicheInfo(code, label, label, label, code[:3], False)


def unknown_metier(code: str) -> NotFound:
    return NotFound(
        f"Aucun métier du ROME ne porte le code « {code[:12]} ».",
        remedy="Vérifiez l’adresse, ou retrouvez le métier dans la liste des métiers ou avec la recherche.",
    )


def metier(generation: Generation, code: str, *, limit: int = MAX_HITS) -> Metier:
    """The page of fiche ``code`` (``"J1506"``); raises NotFound when no fiche has that code."""
    fiche = fiche_info(generation, code)
    if fiche is None:
        raise unknown_metier(code)
    lex = lexicon(generation)
    mask = generation.columns["profession"].mask([code]) & generation.live
    docnums = np.flatnonzero(mask)
    # newest first, then by id: the same order as « Plus récents »
    order = sorted((int(d) for d in docnums), key=lambda d: (-int(generation.published[d]), generation.ids[d]))
    sector = fiche.sector
    return Metier(
        rome=code,
        label=fiche.label,
        masculine=fiche.masculine,
        feminine=fiche.feminine,
        definition=fiche.definition,
        without_diploma=fiche.without_diploma,
        levels=fiche.levels,
        domain=fiche.domain,
        domain_label=lex.domains.get(fiche.domain, ""),
        sector=sector,
        sector_label=generation.labels.get("sector", {}).get(sector) or (lex.sectors[sector][0] if sector in lex.sectors else sector),
        testimonials=len(order),
        hits=tuple(make_hit(generation, d, 0.0, set()) for d in order[:max(0, limit)]),
        related=nearby(generation, [code]),
        credit=lex.credit,
    )


@dataclass(frozen=True)
class MetierEntry:
    """A line of the A–Z: ``MetierEntry("J1506", "Infirmier / Infirmière en soins généraux (IDE)", 3)``."""

    rome: str
    label: str
    testimonials: int

    @property
    def sector(self) -> str:
        return self.rome[:1]

    @property
    def letter(self) -> str:
        """The letter it is filed under: « Écrivain » under E, « Œnologue » under O."""
        first = fold(self.label)[:1].upper()
        return first if "A" <= first <= "Z" else "#"

    def to_dict(self) -> dict[str, Any]:
        return {"rome": self.rome, "label": self.label, "testimonials": self.testimonials, "letter": self.letter}


@dataclass(frozen=True)
class SectorEntry:
    """A grand domaine and how many of its métiers, and testimonials, the site holds."""

    code: str
    label: str
    metiers: int
    testimonials: int

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "metiers": self.metiers, "testimonials": self.testimonials}


@dataclass(frozen=True)
class Metiers:
    """The fiches that have testimonials, A to Z (French order: accents and case do not count),
    and every sector with how many of them it holds."""

    entries: tuple[MetierEntry, ...]
    sectors: tuple[SectorEntry, ...]

    def letters(self) -> list[tuple[str, list[MetierEntry]]]:
        """``[("A", [entries…]), ("B", […]), …]``: only letters that have an entry."""
        grouped: dict[str, list[MetierEntry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.letter, []).append(entry)
        return list(grouped.items())

    def to_dict(self) -> dict[str, Any]:
        return {"metiers": [e.to_dict() for e in self.entries], "sectors": [s.to_dict() for s in self.sectors]}


def _sort_key(label: str) -> tuple[str, str]:
    return (re.sub(r"[^0-9a-z ]+", " ", fold(label)).strip(), label)


def metiers(generation: Generation) -> Metiers:
    """The A–Z of the métiers that have testimonials, and the sectors (``/metiers``)."""

    def build() -> Metiers:
        per_fiche = testimonial_counts(generation)
        entries = sorted(
            (MetierEntry(code, _label(generation, code), n) for code, n in per_fiche.items() if CODE.fullmatch(code)),
            key=lambda e: _sort_key(e.label),
        )
        sectors = []
        for code, label in generation.labels.get("sector", {}).items():
            mine = [e for e in entries if e.sector == code]
            sectors.append(SectorEntry(code, label, len(mine), sum(e.testimonials for e in mine)))
        return Metiers(tuple(entries), tuple(sorted(sectors, key=lambda s: s.code)))

    found: Metiers = generation.memo.get("metiers", build)
    return found
