"""The five facets, declared once: name, French label, index column, parent facet, bounds.

The library counts them (``search.facets``), the CLI offers one option per facet, the web
parses them from URLs and groups them on the page, the JSON names them: all read ``FACETS``.

>>> [f.name for f in FACETS]
['sector', 'profession', 'country', 'region', 'theme']
>>> SPECS["profession"].parent, SPECS["profession"].column
('sector', 'rome')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FacetSpec:
    name: str  # URL, CLI and JSON name
    label: str  # French label of the facet
    column: str  # Whoosh column holding the value of each document
    parent: str | None = None  # the facet whose values group this one's (sector -> profession)
    multi: bool = False  # several values per document (comma-separated in its column)
    cli_help: str = ""


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("sector", "Secteur", "sector", cli_help="ROME grand domaine letter (A…N)"),
    FacetSpec("profession", "Métier", "rome", parent="sector", cli_help="ROME 4.0 fiche code (M1718)"),
    FacetSpec("country", "Pays", "country", cli_help="ISO 3166-1 alpha-2 code (FR, BE…)"),
    FacetSpec("region", "Région", "region", parent="country", cli_help="ISO 3166-2 code (FR-BRE, CA-QC…)"),
    FacetSpec("theme", "Conseils", "theme_key", multi=True, cli_help="advice theme slug (reseau…)"),
)
"""In display and URL order."""

SPECS: dict[str, FacetSpec] = {spec.name: spec for spec in FACETS}
FACET_NAMES: tuple[str, ...] = tuple(SPECS)
FACET_LABELS: dict[str, str] = {spec.name: spec.label for spec in FACETS}
CHILD_FACET: dict[str, str] = {spec.parent: spec.name for spec in FACETS if spec.parent}
"""Nested facets: unticking a sector also unticks its professions (``{"sector": "profession", …}``)."""

MAX_VALUE_LENGTH = 64
"""Characters of one facet value (codes are short; anything longer is not ours)."""
MAX_VALUES_IN_TOTAL = 20
"""Values ticked across all facets: every facet link of a page repeats the whole selection in its
URL, so a page grows with (links x selection): 120 values made a 2 MB page."""
MAX_VALUES_PER_FACET = MAX_VALUES_IN_TOTAL
"""Values ticked in one facet: one facet may hold the whole selection."""
