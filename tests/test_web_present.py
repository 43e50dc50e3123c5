"""Facet groups as page data: long lists behind « Afficher plus », every value reachable without
ticking its parent, a region never without its country; headings, sorts and the drawer's button."""

from __future__ import annotations

from typing import Any

from search.results import Facet, FacetValue, SearchResults
from web.params import SearchParams
from web.present import GROUPS, facet_groups, heading, show_text, sort_options

SHOWN = GROUPS[0].children_shown


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


def sector_view(results: SearchResults, params: SearchParams) -> dict[str, Any]:
    return facet_groups(results, params)[0]["values"][0]  # type: ignore[no-any-return]


def test_unticked_parent_lists_its_top_children_and_a_link_to_all_of_them() -> None:
    view = sector_view(results_with(20), SearchParams())
    assert [c["value"] for c in view["children"]] == [f"J{i:04d}" for i in range(SHOWN)]
    assert view["children_total"] == 20
    assert view["more"] == {
        "url": "/recherche?more=sector%3AJ",
        "text": "Afficher les 20\u00a0métiers",
        "focus": f"f-profession-J{SHOWN:04d}",
    }
    assert view["less"] is None and not view["children_open"]


def test_afficher_plus_shows_every_child_without_ticking_the_parent() -> None:
    params = SearchParams(more=("sector:J",))
    view = sector_view(results_with(20), params)
    assert len(view["children"]) == 20 and view["more"] is None and view["children_open"]
    assert view["less"] == {"url": "/recherche", "text": "Afficher moins"}
    # ticking a child from the whole list keeps the list whole
    assert view["children"][15]["toggle_url"] == "/recherche?profession=J0015&more=sector%3AJ"


def test_a_ticked_child_beyond_the_top_stays_listed() -> None:
    params = SearchParams(filters={"profession": ("J0015",)})
    view = sector_view(results_with(20, selected_child="J0015"), params)
    assert "J0015" in [c["value"] for c in view["children"]]
    assert len(view["children"]) == SHOWN + 1 and view["children_open"]


def test_a_ticked_parent_lists_all_its_children() -> None:
    params = SearchParams(filters={"sector": ("J",)})
    view = sector_view(results_with(20, selected_sector=True), params)
    assert len(view["children"]) == 20 and view["more"] is None


def test_short_lists_are_never_cut() -> None:
    view = sector_view(results_with(SHOWN + 1), SearchParams())
    assert len(view["children"]) == SHOWN + 1 and view["more"] is None


def test_a_region_is_never_shown_without_its_country() -> None:
    """Bretagne ticked: countries other than France count 0, their regions still hang under them."""
    countries = Facet("country", "Pays", (FacetValue("FR", "France", 3, False),))
    regions = Facet("region", "Région", (
        FacetValue("FR-BRE", "Bretagne", 3, True, "FR"),
        FacetValue("CA-QC", "Québec", 2, False, "CA"),
        FacetValue("SN-DK", "Dakar", 1, False, "SN"),
    ))
    empty = {name: Facet(name, name, ()) for name in ("sector", "profession", "theme")}
    results = SearchResults(query="", total=3, page=1, page_size=10, sort="recent", hits=(),
                            facets={"country": countries, "region": regions, **empty})
    params = SearchParams(filters={"region": ("FR-BRE",)})
    group = next(g for g in facet_groups(results, params) if g["name"] == "country")
    tree = {v["value"]: (v["count"], [c["value"] for c in v["children"]]) for v in group["values"]}
    assert tree == {"FR": (3, ["FR-BRE"]), "CA": (0, ["CA-QC"]), "SN": (0, ["SN-DK"])}
    canada = next(v for v in group["values"] if v["value"] == "CA")
    assert canada["toggle_url"] == "/recherche?country=CA&region=FR-BRE"


def test_heading_says_what_is_shown() -> None:
    chips = [
        {"facet": "sector", "label": "Santé"}, {"facet": "sector", "label": "Industrie"},
        {"facet": "region", "label": "Bretagne"},
    ]
    assert heading(SearchParams(), []) == ("Tous les témoignages", "Tous les témoignages")
    assert heading(SearchParams(), chips)[0] == "Témoignages · Santé ou Industrie · Bretagne"
    assert heading(SearchParams(q="son"), chips[2:])[0] == "Résultats pour «\u00a0son\u00a0» · Bretagne"
    assert heading(SearchParams(), chips * 2)[0] == "Témoignages · 6\u00a0filtres"


def test_sorts_offered_are_the_ones_that_mean_something() -> None:
    results = results_with(3)
    without_words = sort_options(results, SearchParams())
    assert [(o["value"], o["label"], o["selected"]) for o in without_words] == [
        ("", "Plus récents", True), ("random", "Au hasard", False),
    ]
    assert [o["selected"] for o in sort_options(results, SearchParams(sort="recent"))] == [True, False]
    with_words = sort_options(results, SearchParams(q="son", sort="recent"))
    assert [(o["value"], o["label"], o["selected"]) for o in with_words] == [
        ("", "Pertinence", False), ("recent", "Plus récents", True), ("random", "Au hasard", False),
    ]


def test_drawer_button_text() -> None:
    assert show_text(12) == "Voir les 12\u00a0témoignages"
    assert show_text(1750) == "Voir les 1\u202f750\u00a0témoignages"
    assert show_text(1) == "Voir le témoignage"
    assert show_text(0) == "Aucun témoignage\u00a0: fermer"


def test_a_long_country_list_ends_with_afficher_les_pays() -> None:
    countries = Facet("country", "Pays", tuple(FacetValue(f"C{i}", f"Pays {i}", 20 - i, i == 11) for i in range(13)))
    empty = {name: Facet(name, name, ()) for name in ("sector", "profession", "region", "theme")}
    results = SearchResults(query="", total=1, page=1, page_size=10, sort="recent", hits=(), facets={"country": countries, **empty})
    params = SearchParams(filters={"country": ("C11",)})
    group = next(g for g in facet_groups(results, params) if g["name"] == "country")
    assert [v["value"] for v in group["values"]] == [f"C{i}" for i in range(8)] + ["C11"]  # the ticked one stays
    assert group["more"]["text"] == "Afficher les 13\u00a0pays"
    params = params.with_(more=("country",))
    group = next(g for g in facet_groups(results, params) if g["name"] == "country")
    assert len(group["values"]) == 13 and group["less"]["text"] == "Afficher moins"
