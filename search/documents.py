"""One testimonial for its page, and the testimonials related to it.

>>> view = get_testimonial(generation, "yanis-ingenieur-du-son")  # doctest: +SKIP
>>> view.sections[0]
('metier', 'Mon métier', 'Je passe mes journées…')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from search.errors import Gone, NotFound
from search.generation import Generation
from search.hits import make_hit, published_date
from search.results import Hit
from search.sections import SECTION_KEYS, SECTION_TITLES

MAX_RELATED = 8


@dataclass(frozen=True)
class TestimonialView:
    id: str
    name: str
    profession: str
    rome: str
    rome_label: str
    sector: str
    sector_label: str
    country: str
    country_label: str
    region: str
    region_label: str
    themes: tuple[tuple[str, str], ...]  # (slug, label)
    published: str  # ISO date
    sections: tuple[tuple[str, str, str], ...]  # (key, French title, text), non-empty sections only

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "profession": self.profession,
            "rome": self.rome,
            "rome_label": self.rome_label,
            "sector": self.sector,
            "sector_label": self.sector_label,
            "country": self.country,
            "country_label": self.country_label,
            "region": self.region,
            "region_label": self.region_label,
            "themes": [{"value": slug, "label": label} for slug, label in self.themes],
            "published": self.published,
            "sections": {key: text for key, _, text in self.sections},
        }


def _docnum(generation: Generation, doc_id: str) -> int:
    docnum = generation.docnum.get(doc_id)
    if docnum is not None:
        return docnum
    if doc_id in generation.paused:
        raise NotFound(
            "Ce témoignage est en pause : son auteur ou son autrice l’a mis de côté pour le moment.",
            remedy="Il reviendra peut-être bientôt. D’autres témoignages vous attendent.",
        )
    if doc_id in generation.withdrawn:
        raise Gone(
            "Ce témoignage a été retiré par son auteur ou son autrice.",
            remedy="Les bénévoles de Bloomr peuvent retirer leur récit à tout moment. D’autres témoignages vous attendent.",
        )
    raise NotFound(
        "Ce témoignage n’existe pas.",
        remedy="Vérifiez l’adresse, ou cherchez un métier depuis l’accueil.",
    )


def get_testimonial(generation: Generation, doc_id: str) -> TestimonialView:
    """The whole interview; NotFound for an unknown id, Gone for a withdrawn one."""
    stored = generation.store.stored(_docnum(generation, doc_id))
    themes = tuple(t for t in str(stored.get("themes") or "").split(",") if t)

    def text(key: str) -> str:
        return str(stored.get(key) or "")

    return TestimonialView(
        id=text("id"),
        name=text("name"),
        profession=text("profession"),
        rome=text("rome"),
        rome_label=generation.label("profession", text("rome")),
        sector=text("sector"),
        sector_label=generation.label("sector", text("sector")),
        country=text("country"),
        country_label=generation.label("country", text("country")),
        region=text("region"),
        region_label=generation.label("region", text("region")),
        themes=tuple((t, generation.label("theme", t)) for t in themes),
        published=published_date(stored.get("published")).isoformat(),
        sections=tuple((k, SECTION_TITLES[k], text(k)) for k in SECTION_KEYS if text(k).strip()),
    )


def related(generation: Generation, doc_id: str, *, limit: int = 4) -> list[Hit]:
    """Same profession elsewhere first, then similar advice; never itself, never withdrawn ones."""
    limit = max(0, min(limit, MAX_RELATED))
    docnum = _docnum(generation, doc_id)
    chosen: list[int] = []
    rome = generation.columns["profession"]
    assert rome.codes is not None
    same = np.flatnonzero((rome.codes == rome.codes[docnum]) & generation.live)
    region = generation.columns["region"]
    assert region.codes is not None
    # other regions first: "the same job elsewhere"
    ordered = sorted(
        (int(d) for d in same if int(d) != docnum),
        key=lambda d: (region.codes[d] == region.codes[docnum], -int(generation.published[d]), generation.ids[d]),  # type: ignore[index]
    )
    chosen.extend(ordered[:limit])
    if len(chosen) < limit:
        for d in generation.store.more_like(docnum, "conseils", top=limit * 3):
            if d != docnum and d not in chosen and generation.live[d]:
                chosen.append(d)
            if len(chosen) >= limit:
                break
    return [make_hit(generation, d, 0.0, set()) for d in chosen[:limit]]
