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
from search.store import BoolArray, IntArray
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


@dataclass(frozen=True)
class Related:
    """A testimonial shown under another one, with why: ``reason`` is ``metier``, ``domaine``,
    ``conseils``, ``region``, ``secteur`` or ``pays``; ``text`` says it in French
    (« Mêmes conseils sur l’alternance »)."""

    hit: Hit
    reason: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.hit.to_dict(), "reason": self.reason, "reason_text": self.text}


REASONS: tuple[str, ...] = ("metier", "domaine", "conseils", "region", "secteur", "pays", "autre")
"""One of each of the first four comes first (several ways on from one page)."""
FILL: tuple[str, ...] = ("metier", "domaine", "secteur", "conseils", "region", "pays", "autre")
"""Then the closest ones fill up, in this order; « autre » (nothing in common) only to reach
``MIN_RELATED`` when nothing closer is left."""
MIN_RELATED = 3
REASON_TEXTS = {
    "metier": "Même métier",
    "domaine": "Même domaine",
    "region": "Même région",
    "secteur": "Même secteur",
    "pays": "Même pays",
    "autre": "Une autre histoire",
}


def _codes(generation: Generation, facet: str) -> IntArray:
    codes = generation.columns[facet].codes
    if codes is None:  # pragma: no cover - the single-valued facets always have codes
        raise ValueError(facet)
    return codes


def _domains(generation: Generation) -> IntArray:
    """Each document's domaine professionnel (the first three characters of its ROME code) as a
    small integer, -1 when it has no fiche: ``M1805`` and ``M1810`` share ``M18``."""

    def build() -> IntArray:
        column = generation.columns["profession"]
        names = sorted({v[:3] for v in column.values if len(v) >= 3})
        position = {name: i for i, name in enumerate(names)}
        table = np.asarray([position.get(v[:3], -1) for v in column.values] + [-1], dtype=np.int32)
        codes = _codes(generation, "profession")
        return np.asarray(table[np.where(codes >= 0, codes, len(column.values))], dtype=np.int32)

    return generation.memo.get("domains", build)


def _same(codes: IntArray, docnum: int) -> BoolArray:
    own = int(codes[docnum])
    if own < 0:
        return np.zeros(codes.shape[0], dtype=bool)
    return np.asarray(codes == own)


def related(generation: Generation, doc_id: str, *, limit: int = 4) -> list[Related]:
    """Testimonials close to ``doc_id``, each with its reason; never itself, never withdrawn ones.

    Closeness, in order: the same métier (ROME fiche; in another region first), the same domaine
    professionnel (``J15``), advice on the same theme (the rarest theme they share first, in the
    same sector first), the same region, the same sector, the same country. One of each of the
    first four kinds comes first, so a page shows several ways on; then the closest fill up
    (``FILL``: same métier, domaine, sector, then advice, region, country), and, when fewer
    than ``MIN_RELATED`` share anything, the newest others (« Une autre histoire »).
    Within a kind: more advice themes in common, then the newest.
    """
    limit = max(0, min(limit, MAX_RELATED))
    docnum = _docnum(generation, doc_id)
    others = generation.live.copy()
    others[docnum] = False
    region = _same(_codes(generation, "region"), docnum)
    sector = _same(_codes(generation, "sector"), docnum)
    themes = generation.columns["theme"].matrix
    if themes is None:  # pragma: no cover - the theme facet is multi-valued
        raise ValueError("theme")
    own_themes = [int(t) for t in np.flatnonzero(themes[docnum])]
    shared = themes[:, own_themes].sum(axis=1) if own_themes else np.zeros(generation.size, dtype=np.int64)
    newest = generation.published.astype(np.int64)

    metier = others & _same(_codes(generation, "profession"), docnum)
    domaine = others & _same(_domains(generation), docnum) & ~metier
    groups: dict[str, list[tuple[int, str]]] = {
        "metier": [(d, REASON_TEXTS["metier"]) for d in _ordered(metier, shared, newest, generation, first=~region)],
        "domaine": [(d, REASON_TEXTS["domaine"]) for d in _ordered(domaine, shared, newest, generation)],
        "conseils": _by_theme(generation, others, own_themes, sector, shared, newest),
        "region": [(d, REASON_TEXTS["region"]) for d in _ordered(others & region, shared, newest, generation, first=~sector)],
        "secteur": [(d, REASON_TEXTS["secteur"]) for d in _ordered(others & sector, shared, newest, generation)],
        "pays": [
            (d, REASON_TEXTS["pays"])
            for d in _ordered(others & _same(_codes(generation, "country"), docnum), shared, newest, generation)
        ],
        "autre": [(d, REASON_TEXTS["autre"]) for d in _ordered(others, shared, newest, generation)],
    }
    chosen: dict[int, tuple[str, str]] = {}

    def take(kind: str) -> bool:
        for d, text in groups[kind]:
            if d not in chosen:
                chosen[d] = (kind, text)
                return True
        return False

    for kind in REASONS[:4]:
        if len(chosen) < limit:
            take(kind)
    for kind in FILL:
        while len(chosen) < (limit if kind != "autre" else min(limit, MIN_RELATED)) and take(kind):
            pass
    return [Related(make_hit(generation, d, 0.0, set()), kind, text) for d, (kind, text) in chosen.items()]


def _ordered(
    mask: BoolArray, shared: Any, newest: Any, generation: Generation, *, first: BoolArray | None = None
) -> list[int]:
    """Documents of ``mask``: ``first`` ones first, then more themes shared, newer, by id."""
    docs = [int(d) for d in np.flatnonzero(mask)]
    return sorted(
        docs,
        key=lambda d: (not bool(first[d]) if first is not None else False, -int(shared[d]), -int(newest[d]), generation.ids[d]),
    )


def _by_theme(
    generation: Generation, others: BoolArray, own_themes: list[int], sector: BoolArray, shared: Any, newest: Any
) -> list[tuple[int, str]]:
    """Documents giving advice on one of the same themes, the rarest theme first (it says more)."""
    column = generation.columns["theme"]
    assert column.matrix is not None
    frequency = {t: int(np.count_nonzero(column.matrix[:, t] & generation.live)) for t in own_themes}
    out: list[tuple[int, str]] = []
    for t in sorted(own_themes, key=lambda t: (frequency[t], column.values[t])):
        slug = column.values[t]
        about = generation.short.get("theme", {}).get(slug) or generation.label("theme", slug).lower()
        text = f"Mêmes conseils sur {about}"
        out.extend((d, text) for d in _ordered(others & column.matrix[:, t], shared, newest, generation, first=sector))
    return out


def same_job_here(generation: Generation, doc_id: str) -> list[str]:
    """Ids of the other live testimonials of the same ROME fiche in the same region."""
    docnum = _docnum(generation, doc_id)
    mask = generation.live & _same(_codes(generation, "profession"), docnum) & _same(_codes(generation, "region"), docnum)
    mask[docnum] = False
    return sorted(generation.ids[int(d)] for d in np.flatnonzero(mask))
