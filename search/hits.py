"""One result: a ``Hit`` from a document number, its snippet taken from the best-matching section.

>>> make_hit(generation, 3, 1.25, {"infirmier"}).section  # doctest: +SKIP
'metier'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from search.generation import Generation
from search.highlight import SNIPPET_CHARS, snippet_html
from search.results import Hit
from search.scoring import field_matches
from search.sections import OPENING_PREFERENCE, SECTION_KEYS, SECTION_TITLES, SNIPPET_PREFERENCE


def published_date(value: object) -> date:
    """A stored ``YYYYMMDD`` integer as a date (1970-01-01 when unreadable)."""
    try:
        text = f"{int(str(value or 0)):08d}"
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return date(1970, 1, 1)


def best_section(generation: Generation, docnum: int, sections: Mapping[str, str], tokens: set[str]) -> str:
    """The section holding the most distinct query tokens, then the most occurrences, advice first
    on ties; decided from the postings, so only the chosen section is analysed for its snippet."""
    found = field_matches(generation, docnum, SNIPPET_PREFERENCE, tokens) if tokens else {}
    ranked = sorted(
        ((distinct, weight, -rank, key) for rank, (key, (distinct, weight)) in enumerate(found.items()) if distinct),
        reverse=True,
    )
    if ranked:
        return ranked[0][3]
    return next((key for key in OPENING_PREFERENCE if sections.get(key)), "metier")


def make_hit(generation: Generation, docnum: int, score: float, tokens: set[str]) -> Hit:
    """A Hit from a document number; its snippet marks ``tokens`` (analysed query tokens)."""
    stored: Mapping[str, Any] = generation.store.stored(docnum)
    sections = {key: str(stored.get(key) or "") for key in SECTION_KEYS}
    section = best_section(generation, docnum, sections, tokens)

    def code(name: str) -> str:
        return str(stored.get(name) or "")

    themes = tuple(t for t in code("themes").split(",") if t)
    return Hit(
        id=code("id"),
        name=code("name"),
        profession=code("profession"),
        rome=code("rome"),
        rome_label=generation.label("profession", code("rome")),
        sector=code("sector"),
        sector_label=generation.label("sector", code("sector")),
        country=code("country"),
        country_label=generation.label("country", code("country")),
        region=code("region"),
        region_label=generation.label("region", code("region")),
        themes=themes,
        theme_labels=tuple(generation.label("theme", t) for t in themes),
        published=published_date(stored.get("published")),
        score=score,
        section=section,
        section_label=SECTION_TITLES.get(section, section),
        snippet=snippet_html(sections.get(section, ""), tokens, width=SNIPPET_CHARS),
    )
