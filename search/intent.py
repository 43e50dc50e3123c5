"""What a query asks of one generation, once understood: filters, the fiches to put first, the lack to state.

``search.understand`` reads a query against the lexicon (pure, no index). Here the reading meets
the generation: which testimonials belong to the recognised fiches (professions first, then
interests and advice themes), which filters the recognised places and sectors add to the
ticked ones, how many testimonials each recognised profession has, and — when none has any —
the nearest professions that do (same domaine professionnel, then same grand domaine)::

    intent = interpret(generation, "infirmière bretagne", {})
    intent.filters          # {"region": ("FR-BRE",)}
    intent.boost_masks      # [(mask of the nurses' testimonials, PROFESSION_BOOST)]
    intent.lacking          # () — nurses have testimonials
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from search.generation import Generation
from search.lexicon import Lexicon, lexicon
from search.metiers import nearby
from search.results import Nearby
from search.store import BoolArray
from search.understand import Understanding, understand

PROFESSION_BOOST = 200.0
"""Added to the score of a testimonial of a recognised profession: it outranks any text match."""
INTEREST_BOOST = 100.0
"""Added for a testimonial of a fiche an interest (« les animaux », a ROME theme…) stands for."""
THEME_BOOST = 60.0
"""Added for a testimonial whose advice is on a recognised advice theme (« alternance »)."""
REST_BOOST = 400.0
"""Added when a testimonial of a recognised fiche, or of its domaine professionnel, also matches
the rest of the query (« infirmière de nuit »: the nurses who speak of nights first; « méca
avion »: the aircraft mechanic before the car mechanics)."""
NEAR_BOOST = 100.0
"""Added for a testimonial of a profession close to one the corpus lacks: shown first, as such."""
MAX_NEAREST = 6


@dataclass(frozen=True)
class Intent:
    understanding: Understanding
    text: str  # what is searched as plain text
    filters: Mapping[str, tuple[str, ...]]  # ticked filters and recognised places and sectors
    counts: Mapping[str, int]  # published testimonials of each recognised profession
    profession_mask: BoolArray | None = None  # testimonials of the recognised professions that have some
    boost_masks: tuple[tuple[BoolArray, float], ...] = ()
    lacking: tuple[str, ...] = ()  # recognised professions with no testimonial, when none has any
    unlisted: tuple[str, ...] = ()  # jobs no ROME fiche covers (« astronaute »), as typed
    nearest: tuple[Nearby, ...] = ()
    profession_words: tuple[str, ...] = field(default_factory=tuple)  # what the professions came from
    domain_mask: BoolArray | None = None  # testimonials of the recognised professions' domaines

    @property
    def recognised(self) -> bool:
        return self.understanding.recognised

    @property
    def lacks(self) -> bool:
        """The job asked for has no testimonial yet (no fiche has one, or no fiche exists)."""
        return bool(self.lacking or self.unlisted) and self.profession_mask is None

    @property
    def fiche_mask(self) -> BoolArray | None:
        """Every testimonial a recognised meaning puts first (professions, interests, themes)."""
        masks = [mask for mask, _ in self.boost_masks]
        return np.logical_or.reduce(masks) if masks else None

    def understood(self) -> dict[str, Any]:
        """The ``understood`` object of ``/api/search`` and ``bloomr search --json``: advice
        themes, which rank rather than filter, are listed with the interests; ``filter_words``
        says which words each place or sector filter came from (``lead``: the place word before
        them, « dans le »)."""
        data = self.understanding.to_dict()
        for item in data["professions"]:
            item["testimonials"] = self.counts.get(item["rome"], 0)
        data["filters"].pop("theme", None)
        # what each filter came from, so that a page can take the words out or quote them
        data["filter_words"] = [
            {"facet": f.facet, "value": f.value, "label": f.label, "from": f.from_, "lead": f.lead}
            for f in self.understanding.filters if f.facet != "theme"
        ]
        data["interests"].extend(
            {"kind": "advice_theme", "code": f.value, "label": f.label, "from": f.from_}
            for f in self.understanding.filters if f.facet == "theme"
        )
        return data


def _domain_mask(generation: Generation, lex: Lexicon, domains: tuple[str, ...], per_fiche: Mapping[str, int]) -> BoolArray:
    """Testimonials of the fiches of these domaines professionnels (kept per generation: few are asked)."""
    cache: dict[tuple[str, ...], BoolArray] = generation.memo.get("domain_masks", dict)
    found = cache.get(domains)
    if found is None:
        codes = [c for c in per_fiche if per_fiche[c] and c in lex.fiches and lex.fiches[c].domain in domains]
        found = generation.columns["profession"].mask(codes)
        if len(cache) < 512:
            cache[domains] = found
    return found


def _within(mask: BoolArray, within: BoolArray | None) -> BoolArray:
    return mask if within is None else mask & within


def _merge(ticked: Mapping[str, Iterable[str]], found: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = {facet: tuple(values) for facet, values in ticked.items()}
    for facet, values in found.items():
        merged[facet] = tuple(dict.fromkeys((*merged.get(facet, ()), *values)))
    return merged


def interpret(generation: Generation, text: str, ticked: Mapping[str, Iterable[str]], *, understood: bool = True) -> Intent:
    """Read ``text`` against the generation's lexicon (``understood=False``: as plain text only)."""
    lex = lexicon(generation)
    reading = understand(lex, text) if understood and not lex.empty else Understanding(query=text, text=text)
    column = generation.columns["profession"]
    per_fiche = generation.memo.get("per_fiche", lambda: column.counts(generation.live))
    counts = {p.rome: per_fiche.get(p.rome, 0) for p in reading.professions}
    boosts: list[tuple[BoolArray, float]] = []
    profession_mask = None
    with_testimonials = [code for code, n in counts.items() if n]
    if with_testimonials:
        profession_mask = column.mask(with_testimonials)
        boosts.append((profession_mask, PROFESSION_BOOST))
    # With a profession, interests and advice themes only order its testimonials (« infirmière
    # avec les enfants »); alone, they bring their own.
    within = profession_mask if profession_mask is not None else None
    interest_fiches = sorted({code for interest in reading.interests for code in interest.fiches})
    if interest_fiches:
        boosts.append((_within(column.mask(interest_fiches), within), INTEREST_BOOST))
    near = sorted({code for job in reading.unlisted for code in job.near})
    if near:
        boosts.append((_within(column.mask(near), within), INTEREST_BOOST))
    filters = reading.facet_filters()
    themes = filters.pop("theme", ())  # advice themes rank first rather than filter: « formation » is a word too
    if themes:
        boosts.append((_within(generation.columns["theme"].mask(themes), within), THEME_BOOST))
    lacking = tuple(counts) if counts and not with_testimonials else ()
    close = [Nearby(code, generation.label("profession", code), per_fiche[code], "métier proche")
             for code in near if per_fiche.get(code)]
    nearest = (*close, *nearby(generation, (*lacking, *near), skip={n.rome for n in close}))[:MAX_NEAREST] \
        if (lacking or near) else ()
    if lacking and nearest:
        boosts.append((column.mask([n.rome for n in nearest]), NEAR_BOOST))
    domains = tuple(sorted({lex.fiches[c].domain for c in with_testimonials if c in lex.fiches}))
    domain_mask = _domain_mask(generation, lex, domains, per_fiche) if domains else None
    return Intent(
        understanding=reading,
        text=reading.text,
        filters=_merge(ticked, filters),
        counts=counts,
        profession_mask=profession_mask,
        boost_masks=tuple(boosts),
        lacking=lacking,
        unlisted=tuple(job.from_ for job in reading.unlisted),
        nearest=tuple(nearest),
        # a title ROME writes is searched as text too (its mentions come next); a youth word or an
        # abbreviation is not (« IDE » is no « idée », « dev » no « devenu »), unless the job has no
        # testimonial: then the texts that mention it are all there is to show after its neighbours
        profession_words=tuple(dict.fromkeys(
            p.from_ for p in reading.professions if p.source == "rome" or lacking
        )),
        domain_mask=domain_mask,
    )
