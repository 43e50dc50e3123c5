"""The Whoosh schema of a generation, built on the one French analyzer.

Text fields, one per section so that snippets and boosts can tell them apart::

    profession (x4) > rome_label (x2) > conseils (x1.6) > metier (x1.3) > parcours, passion, name (x1)

Facet fields are stored, sortable ID columns (``sector``, ``rome``, ``country``,
``region``, and ``theme_key`` holding the comma-separated themes; ``search.facet_specs``
names which column holds each facet); ``published`` is an integer ``YYYYMMDD`` column for
sorting by date. Columns are what ``search.generation`` reads, without touching stored text.
"""

from __future__ import annotations

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from search.analysis import french_analyzer

TEXT_FIELDS: tuple[str, ...] = ("profession", "rome_label", "name", "metier", "parcours", "passion", "conseils")
"""Every analysed field a free-text query searches, in boost order."""

FIELD_BOOSTS: dict[str, float] = {
    "profession": 4.0,
    "rome_label": 2.0,
    "conseils": 1.6,
    "metier": 1.3,
    "parcours": 1.0,
    "passion": 1.0,
    "name": 1.0,
}


def bloomr_schema() -> Schema:
    """The schema every generation is written with: ``bloomr_schema().names()``."""
    analyzer = french_analyzer()

    def text(boost: float) -> TEXT:
        return TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=boost)

    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        name=text(FIELD_BOOSTS["name"]),
        profession=text(FIELD_BOOSTS["profession"]),
        rome_label=text(FIELD_BOOSTS["rome_label"]),
        metier=text(FIELD_BOOSTS["metier"]),
        parcours=text(FIELD_BOOSTS["parcours"]),
        passion=text(FIELD_BOOSTS["passion"]),
        conseils=text(FIELD_BOOSTS["conseils"]),
        sector=ID(stored=True, sortable=True),
        rome=ID(stored=True, sortable=True),
        country=ID(stored=True, sortable=True),
        region=ID(stored=True, sortable=True),
        themes=STORED(),  # "a,b": displayed; filtering and counts use the theme_key column
        theme_key=ID(sortable=True),
        published=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        themes_declared=STORED(),
        profession_text=COLUMN(VarBytesColumn()),
    )
