"""The home page's ways in by interest: centres d'intérêt and ROME themes as links with counts.

``interest_links(generation)`` -> ``{"centres": [{"label": "Les animaux", "url":
"/recherche?q=Les+animaux", "count": 4, "icon": "interest-17"}, …], "themes": [{…}]}``, the
most told first, only those that lead to a testimonial; None for a generation without lexicon.
Each link is the label typed as words, which the search reads as that interest
(``search.interests``), so a shared link says what it is and the count is the search's.
"""

from __future__ import annotations

from typing import Any

from search.generation import Generation
from search.interests import Interest, interests
from web import urls

CENTRE_ICONS = frozenset(str(n) for n in range(1, 31))
"""Centres d'intérêt that have an icon in ``_icons.html`` (``interest-17``)."""


def _link(item: Interest) -> dict[str, Any]:
    return {
        "label": item.label,
        "url": urls.words_url(item.query),
        "count": item.testimonials,
        "icon": f"interest-{item.code}" if item.kind == "centre_interet" and item.code in CENTRE_ICONS else "",
    }


def interest_links(generation: Generation) -> dict[str, list[dict[str, Any]]] | None:
    found = interests(generation)
    if not found.centres and not found.themes:
        return None

    def told(items: tuple[Interest, ...]) -> list[dict[str, Any]]:
        kept = sorted((i for i in items if i.testimonials), key=lambda i: -i.testimonials)
        return [_link(i) for i in kept]

    return {"centres": told(found.centres), "themes": told(found.themes)}
