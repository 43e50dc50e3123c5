"""Facet groups as page data: long child lists are trimmed under an unticked parent."""

from __future__ import annotations

from search.results import Facet, FacetValue, SearchResults
from web.params import SearchParams
from web.present import CHILDREN_SHOWN, facet_groups, facet_values


def results_with(professions: int, selected_sector: bool = False, selected_child: str | None = None) -> SearchResults:
    sectors = Facet("sector", "Secteur", (FacetValue("J", "Santé", professions, selected_sector),))
    children = tuple(
        FacetValue(f"J{i:04d}", f"Métier {i:02d}", professions - i, f"J{i:04d}" == selected_child, "J")
        for i in range(professions)
    )
    empty = {name: Facet(name, name, ()) for name in ("country", "region", "theme")}
    return SearchResults(
        query="", total=professions, page=1, page_size=10, sort="recent", hits=(),
        facets={"sector": sectors, "profession": Facet("profession", "Métier", children), **empty},
    )


def sector_group(results: SearchResults, params: SearchParams) -> dict[str, object]:
    return facet_groups(facet_values(results, params))[0]["values"][0]  # type: ignore[no-any-return]


def test_unticked_parent_lists_its_top_children_and_says_how_many_more() -> None:
    view = sector_group(results_with(20), SearchParams())
    assert [c["value"] for c in view["children"]] == [f"J{i:04d}" for i in range(CHILDREN_SHOWN)]  # type: ignore[index]
    assert view["more_children"] == 20 - CHILDREN_SHOWN


def test_a_ticked_child_beyond_the_top_stays_listed() -> None:
    params = SearchParams(filters={"profession": ("J0015",)})
    view = sector_group(results_with(20, selected_child="J0015"), params)
    assert "J0015" in [c["value"] for c in view["children"]]  # type: ignore[index]
    assert view["more_children"] == 20 - CHILDREN_SHOWN - 1


def test_a_ticked_parent_lists_all_its_children() -> None:
    params = SearchParams(filters={"sector": ("J",)})
    view = sector_group(results_with(20, selected_sector=True), params)
    assert len(view["children"]) == 20 and view["more_children"] == 0  # type: ignore[arg-type]
