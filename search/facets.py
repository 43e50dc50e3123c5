"""Disjunctive facet counts over a generation's numpy columns.

OR within a facet, AND across facets. A facet's counts apply every other facet's filters
but not its own, so a counsellor who ticked Bretagne still sees what Normandie would add.
Selected values are always listed, even at 0; values sort by count, then French label.

>>> facets(generation, match, {"region": ("FR-BRE",)})["region"].values[0]  # doctest: +SKIP
FacetValue(value='FR-BRE', label='Bretagne', count=3, selected=True, parent='FR')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from search.analysis import fold
from search.errors import BadParameter
from search.facet_specs import (
    FACET_LABELS,
    FACET_NAMES,
    MAX_VALUE_LENGTH,
    MAX_VALUES_IN_TOTAL,
    MAX_VALUES_PER_FACET,
    SPECS,
)
from search.generation import Generation
from search.results import Facet, FacetValue
from search.store import BoolArray

Filters = dict[str, tuple[str, ...]]


def normalize_filters(filters: Mapping[str, Iterable[str]] | None) -> Filters:
    """Known facets only, values deduplicated in order, bounded; raises BadParameter otherwise."""
    out: Filters = {}
    for facet, values in (filters or {}).items():
        if facet not in SPECS:
            raise BadParameter(
                f"Filtre inconnu : « {facet[:40]} ».",
                remedy="Filtres possibles : " + ", ".join(FACET_NAMES) + ".",
            )
        kept: dict[str, None] = {}
        for value in values:
            value = str(value).strip()
            if not value:
                continue
            if len(value) > MAX_VALUE_LENGTH:
                raise BadParameter(
                    f"Valeur de filtre trop longue pour « {facet} ».",
                    remedy="Choisissez une valeur dans la liste des filtres.",
                )
            kept.setdefault(value, None)
        if len(kept) > MAX_VALUES_PER_FACET:
            raise BadParameter(
                f"Trop de valeurs pour le filtre « {facet} » ({len(kept)}).",
                remedy=f"Cochez au plus {MAX_VALUES_PER_FACET} valeurs par filtre.",
            )
        if kept:
            out[facet] = tuple(kept)
    total = sum(len(values) for values in out.values())
    if total > MAX_VALUES_IN_TOTAL:
        raise BadParameter(
            f"Trop de filtres cochés ({total}).",
            remedy=f"Cochez au plus {MAX_VALUES_IN_TOTAL} valeurs en tout.",
        )
    return {facet: out[facet] for facet in FACET_NAMES if facet in out}


def filter_masks(generation: Generation, filters: Filters) -> dict[str, BoolArray]:
    return {facet: generation.columns[facet].mask(list(values)) for facet, values in filters.items()}


def combine(generation: Generation, masks: Mapping[str, BoolArray], *, skip: str | None = None) -> BoolArray:
    """Live documents passing every facet filter except ``skip``'s."""
    result = generation.live.copy()
    for facet, mask in masks.items():
        if facet != skip:
            result &= mask
    return result


def _parent(generation: Generation, facet: str, value: str) -> str | None:
    """The parent value (a profession's sector, a region's country), from the generation's labels,
    else from the code itself (``M1718`` -> ``M``, ``FR-BRE`` -> ``FR``)."""
    if SPECS[facet].parent is None:
        return None
    known = generation.parent(facet, value)
    if known:
        return known
    if facet == "profession":
        return value[:1] or None
    return value.split("-", 1)[0] if "-" in value else None


Catalog = dict[str, tuple[str, str | None, str]]
"""value -> (label, parent, sort key): what every search lists of a facet value, computed once."""


def _catalog(generation: Generation, facet: str) -> Catalog:
    def build() -> Catalog:
        values = set(generation.columns[facet].values) | set(generation.labels.get(facet, {}))
        return {
            value: (generation.label(facet, value), _parent(generation, facet, value), fold(generation.label(facet, value)))
            for value in values
        }

    return generation.store.memo.get(f"facet-catalog-{facet}", build)


def _described(generation: Generation, facet: str, value: str) -> tuple[str, str | None, str]:
    found = _catalog(generation, facet).get(value)
    if found is None:  # a ticked value the generation does not know: it matches nothing
        label = generation.label(facet, value)
        return label, _parent(generation, facet, value), fold(label)
    return found


def _label_ranks(generation: Generation, facet: str) -> npt.NDArray[np.int64]:
    """``ranks[i]``: the place of the column's ``values[i]`` in the order a facet lists equal
    counts (folded label, then code), so that values are ordered with numpy."""

    def build() -> npt.NDArray[np.int64]:
        values = generation.columns[facet].values
        catalog = _catalog(generation, facet)
        order = sorted(range(len(values)), key=lambda i: (catalog[values[i]][2], values[i]))
        ranks = np.empty(len(values), dtype=np.int64)
        ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(values), dtype=np.int64)
        return ranks

    return generation.store.memo.get(f"facet-ranks-{facet}", build)


def facets(generation: Generation, match: BoolArray, filters: Filters) -> dict[str, Facet]:
    """Every facet's values with disjunctive counts for the documents in ``match``: most
    documents first, then by label; a selected value without documents last."""
    masks = filter_masks(generation, filters)
    out: dict[str, Facet] = {}
    for facet in FACET_NAMES:
        column = generation.columns[facet]
        sums = column.sums(match & combine(generation, masks, skip=facet))
        found = np.flatnonzero(sums)
        found = found[np.lexsort((_label_ranks(generation, facet)[found], -sums[found]))]
        selected = set(filters.get(facet, ()))
        catalog = _catalog(generation, facet)
        values = []
        for i, count in zip(found.tolist(), sums[found].tolist()):
            value = column.values[i]
            label, parent, _ = catalog[value]
            values.append(FacetValue(value, label, count, value in selected, parent))
        listed = {v.value for v in values} if selected else set()
        empty = sorted((v for v in selected if v not in listed), key=lambda v: (_described(generation, facet, v)[2], v))
        for value in empty:
            label, parent, _ = _described(generation, facet, value)
            values.append(FacetValue(value, label, 0, True, parent))
        out[facet] = Facet(name=facet, label=FACET_LABELS[facet], values=tuple(values))
    return out


def all_values(generation: Generation, facet: str) -> list[FacetValue]:
    """Every value of a facet over the whole generation (for /api/facets and the home page)."""
    counts = generation.columns[facet].counts(generation.live)
    labels = generation.labels.get(facet, {})
    values = [
        FacetValue(value, labels.get(value, value), counts.get(value, 0), False, _parent(generation, facet, value))
        for value in sorted(set(counts) | (set(labels) if facet in ("sector", "theme") else set()))
    ]
    values.sort(key=lambda v: (-v.count, fold(v.label), v.value))
    return values


def count(mask: BoolArray) -> int:
    return int(np.count_nonzero(mask))
