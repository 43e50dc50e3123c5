"""The place names a query may use: what ``bloomr check`` accepts as a region or a country.

``known_places(taxonomy)`` lists every written name (region, department, canton, province, city
alias of ``regions.yaml``, country label of ``countries.yaml``) with the facet value it stands
for, in the order of ``countries.yaml`` (France first) when a name is shared. ISO codes are left
out (« BRE », « AB » are not names), and department numbers are apart: they are a place only in
a place context (« dans le 93 »)::

    places = known_places(taxonomy)
    places[phrase_key("Finistère")]     # [Place("region", "FR-BRE", "Bretagne", "Finistère")]
    department_numbers(taxonomy)["93"]  # Place("region", "FR-IDF", "Île-de-France", "93")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.taxonomy import Taxonomy, fold
from search.phrases import phrase_key

_PARENS = re.compile(r"\s*\([^)]*\)")
_DEPARTMENT = re.compile(r"^(?:[0-9]{2,3}|2[ab])$")


@dataclass(frozen=True)
class Place:
    facet: str  # "region" or "country": the filter it acts as
    code: str  # "FR-BRE", "FR"
    label: str  # the facet value's label: "Bretagne"
    name: str  # the name as written in the taxonomy: "Finistère"


def known_places(taxonomy: Taxonomy) -> dict[tuple[str, ...], list[Place]]:
    """Key of a place name -> the places it names, France's first."""
    found: dict[tuple[str, ...], list[Place]] = {}

    def add(name: str, place: Place) -> None:
        key = phrase_key(name)
        if key and place not in found.setdefault(key, []):
            found[key].append(place)

    for country in taxonomy.countries.values():
        add(country.label, Place("country", country.code, country.label, country.label))
    for code in taxonomy.countries:
        for key, (region_code, written) in taxonomy.region_keys.get(code, {}).items():
            names = {fold(written), fold(_PARENS.sub("", written))}
            if key not in names or key.isdigit():  # an ISO code or a number, not a name
                continue
            region = taxonomy.regions[region_code]
            for name in dict.fromkeys((written, _PARENS.sub("", written))):  # « Maritime (Région) », « Maritime »
                add(name, Place("region", region.code, region.label, name))
    return found


def department_numbers(taxonomy: Taxonomy) -> dict[str, Place]:
    """French department numbers (``"93"``, ``"2a"``, ``"974"``, and ``"1"`` for ``"01"``) -> their region."""
    found: dict[str, Place] = {}
    for key, (region_code, _) in taxonomy.region_keys.get("FR", {}).items():
        if _DEPARTMENT.match(key):
            region = taxonomy.regions[region_code]
            found[key] = Place("region", region.code, region.label, key.upper())
            if key.startswith("0"):
                found[key[1:]] = found[key]
    return dict(sorted(found.items()))
