"""Plain, typed results that the CLI, the JSON API and the HTML pages all render.

``SearchResults.to_dict()`` is the JSON of ``bloomr search --json`` and ``/api/search``::

    {query, total, page, page_size, sort, hits: [{id, name, profession, rome, sector, country,
     region, themes, published, score, section, snippet}], facets: {facet: [{value, label, count,
     selected, parent?}]}, suggestion, suggestion_total, relaxed, without_filter: [...]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    parent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "value": self.value,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
        }
        if self.parent is not None:
            data["parent"] = self.parent
        return data


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]

    @property
    def selected(self) -> tuple[FacetValue, ...]:
        return tuple(v for v in self.values if v.selected)


@dataclass(frozen=True)
class Hit:
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
    themes: tuple[str, ...]
    theme_labels: tuple[str, ...]
    published: date
    score: float
    section: str  # section key of the snippet: metier, parcours, passion, conseils
    section_label: str
    snippet: str  # HTML: escaped text with only <mark>…</mark> added

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "profession": self.profession,
            "rome": self.rome,
            "rome_label": self.rome_label,
            "sector": self.sector,
            "country": self.country,
            "region": self.region,
            "themes": list(self.themes),
            "published": self.published.isoformat(),
            "score": round(self.score, 4),
            "section": self.section,
            "section_label": self.section_label,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class FilterRemoval:
    """How many results there would be without one active filter value."""

    facet: str
    value: str
    label: str
    total: int

    def to_dict(self) -> dict[str, Any]:
        return {"facet": self.facet, "value": self.value, "label": self.label, "total": self.total}


@dataclass(frozen=True)
class Nearby:
    """A profession close to one the corpus lacks: ``Nearby("J1502", "Aide-soignant…", 4, "même domaine")``."""

    rome: str
    label: str
    testimonials: int
    reason: str  # "même domaine professionnel" or "même secteur"

    def to_dict(self) -> dict[str, Any]:
        return {"rome": self.rome, "label": self.label, "testimonials": self.testimonials, "reason": self.reason}


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    page: int
    page_size: int
    sort: str
    hits: tuple[Hit, ...]
    facets: dict[str, Facet]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suggestion: str | None = None
    suggestion_total: int | None = None
    relaxed: bool = False
    without_filter: tuple[FilterRemoval, ...] = ()
    generation: str = ""
    partial: bool = False  # the time budget ran out: the best results found so far
    understood: dict[str, Any] = field(default_factory=dict)  # how the query was read (search.intent)
    nearest: tuple[Nearby, ...] = ()  # professions with testimonials close to a lacking one
    mentions_only: bool = False  # the job asked for has no testimonial yet: hits mention it or do a close job
    of_profession: int | None = None  # results that are testimonials of the profession recognised (None: none was)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
            "sort": self.sort,
            "filters": {k: list(v) for k, v in self.filters.items()},
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [v.to_dict() for v in facet.values] for name, facet in self.facets.items()},
            "suggestion": self.suggestion,
            "suggestion_total": self.suggestion_total,
            "relaxed": self.relaxed,
            "partial": self.partial,
            "without_filter": [r.to_dict() for r in self.without_filter],
            "understood": self.understood,
            "nearest": [n.to_dict() for n in self.nearest],
            "mentions_only": self.mentions_only,
            "of_profession": self.of_profession,
        }
