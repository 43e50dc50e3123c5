"""The search library on a real index of tests/data/good: invariances, facets, snippets, hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.documents import get_testimonial, related
from search.errors import BadParameter, BadQuery, Gone, NotFound
from search.generation import Generation
from search.index import IndexHandle
from search.query import search
from search.suggest import suggest


@pytest.fixture(scope="module")
def gen(index_dir: Path) -> Generation:
    return IndexHandle(index_dir).current()


def ids(gen: Generation, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in search(gen, query, page_size=50, **kwargs).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "variant",
    ["infirmière", "infirmiere", "INFIRMIER", "infirmières", "Infirmiers", "infirmier·ère", "infirmier.e.s", "infirme\u0301re"],
)
def test_gender_number_accent_variants_find_the_same_testimonials(gen: Generation, variant: str) -> None:
    expected = ids(gen, "infirmier")
    assert {"benedicte-infirmiere", "jerome-infirmier"} <= set(expected)
    assert ids(gen, variant) == expected


@pytest.mark.parametrize("variant", ["aide soignante", "aide-soignante", "Aide-Soignant", "aides-soignantes"])
def test_hyphenated_titles_match_spaced_and_hyphenated(gen: Generation, variant: str) -> None:
    assert "oceane-aide-soignante" in ids(gen, variant)


def test_elided_and_apostrophe_variants_are_equal(gen: Generation) -> None:
    assert ids(gen, "l'hôpital") == ids(gen, "l’hopital") == ids(gen, "hôpital")
    assert ids(gen, "hôpital") == ["benedicte-infirmiere"]


def test_every_word_must_match(gen: Generation) -> None:
    assert ids(gen, "infirmier brest") == ["benedicte-infirmiere"]
    assert ids(gen, "infirmier villeurbanne") == ["jerome-infirmier"]


def test_and_failing_falls_back_to_partial_matches_and_says_so(gen: Generation) -> None:
    results = search(gen, "infirmier baguettes")
    assert results.relaxed is True
    assert {"moussa-boulanger", "jerome-infirmier"} <= {h.id for h in results.hits}


def test_phrase_and_exclusion(gen: Generation) -> None:
    assert ids(gen, '"prises de sang"') == ["jerome-infirmier"]
    assert ids(gen, '"sang de prises"') == []
    assert "jerome-infirmier" not in ids(gen, "infirmier -villeurbanne")
    assert "benedicte-infirmiere" in ids(gen, "infirmier -villeurbanne")


def test_typos_are_corrected_and_suggested(gen: Generation) -> None:
    results = search(gen, "boulangeire")
    assert [h.id for h in results.hits] == ["moussa-boulanger"]
    assert results.suggestion is not None and "boulang" in results.suggestion
    assert results.suggestion_total == 1


def test_no_typo_tolerance_below_five_letters(gen: Generation) -> None:
    assert ids(gen, "pâtz") == []


def test_exact_match_ranks_above_correction(gen: Generation) -> None:
    # "apprenti" is exact in Moussa's text; nothing else may outrank it
    assert ids(gen, "apprenti")[0] == "moussa-boulanger"


def test_profession_outranks_body_text(gen: Generation) -> None:
    # Jérôme *is* an infirmier; Océane's text does not say it; Bénédicte is one too
    ranked = ids(gen, "infirmier")
    assert set(ranked[:2]) == {"benedicte-infirmiere", "jerome-infirmier"}


def test_stop_words_never_make_a_query_impossible(gen: Generation) -> None:
    assert search(gen, "de la").total > 0
    assert ids(gen, "boulanger de la") == ids(gen, "boulanger")


def test_withdrawn_testimonials_are_never_found(gen: Generation) -> None:
    assert ids(gen, "zèbre quantique") == []
    assert "xavier-developpeur-retire" not in ids(gen, "")
    with pytest.raises(Gone):
        get_testimonial(gen, "xavier-developpeur-retire")
    with pytest.raises(NotFound):
        get_testimonial(gen, "personne-inconnue")


@pytest.mark.parametrize(
    "hostile",
    ["((((((" * 5000, '"infirm', "lyon~1/5", "*", "*a*", "?x", "f*", "abcdefg~3", "nosuchfield:x", "\x00",
     "\ud800", "\u202einfirmier", "{{7*7}}", "{% raw %}", " OR ".join(["a"] * 10)],
)
def test_hostile_queries_give_results_or_a_clear_error(gen: Generation, hostile: str) -> None:
    try:
        results = search(gen, hostile)
    except BadQuery as exc:
        assert exc.status == 400 and exc.message and exc.remedy
    else:
        # syntax is plain text here: the answer is consistent and holds no markup of the query
        assert results.total == sum(v.count for v in results.facets["sector"].values)
        assert len(results.hits) == min(results.total, results.page_size)
        assert all("<" not in h.snippet.replace("<mark>", "").replace("</mark>", "") for h in results.hits)


def test_long_queries_get_a_clear_message(gen: Generation) -> None:
    with pytest.raises(BadQuery) as too_long:
        search(gen, "a" * 201)
    assert "trop longue" in too_long.value.message
    with pytest.raises(BadQuery) as too_many:
        search(gen, " ".join(["mot"] * 17))
    assert "trop de mots" in too_many.value.message


def test_html_in_a_testimonial_shows_as_text_in_snippets(gen: Generation) -> None:
    results = search(gen, "mairie")
    snippet = results.hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>mairie</mark>" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippet_names_the_section_that_matched_best(gen: Generation) -> None:
    hit = search(gen, "persévérez concours").hits[0]
    assert (hit.id, hit.section, hit.section_label) == ("jerome-infirmier", "conseils", "Mes conseils aux jeunes")
    assert "<mark>concours</mark>" in hit.snippet


def test_snippet_marks_gender_and_plural_variants(gen: Generation) -> None:
    hit = next(h for h in search(gen, "infirmiers").hits if h.id == "benedicte-infirmiere")
    assert "<mark>infirmiere</mark>" in hit.snippet or "<mark>infirmière</mark>" in hit.snippet


def test_empty_query_browses_everything_newest_first(gen: Generation) -> None:
    results = search(gen, "", page_size=50)
    dates = [h.published for h in results.hits]
    assert results.total == gen.count == len(results.hits)
    assert dates == sorted(dates, reverse=True)
    shuffled = [h.id for h in search(gen, "", sort="random", seed=7, page_size=50).hits]
    assert sorted(shuffled) == sorted(h.id for h in results.hits)
    assert shuffled == [h.id for h in search(gen, "", sort="random", seed=7, page_size=50).hits]


def test_facets_are_disjunctive_and_list_selected_values(gen: Generation) -> None:
    plain = search(gen, "")
    region_counts = {v.value: v.count for v in plain.facets["region"].values}
    ticked = search(gen, "", filters={"region": ["FR-BRE"]})
    # the region facet ignores its own filter: every other region still shows what it would add
    assert {v.value: v.count for v in ticked.facets["region"].values} == region_counts
    assert [v for v in ticked.facets["region"].values if v.selected][0].value == "FR-BRE"
    # other facets are narrowed to Bretagne
    assert sum(v.count for v in ticked.facets["country"].values) == ticked.total == region_counts["FR-BRE"]


def test_or_within_a_facet_and_across_facets(gen: Generation) -> None:
    both = search(gen, "", filters={"region": ["FR-BRE", "FR-ARA"]})
    assert both.total == search(gen, "", filters={"region": ["FR-BRE"]}).total + search(
        gen, "", filters={"region": ["FR-ARA"]}
    ).total
    narrowed = search(gen, "", filters={"region": ["FR-BRE", "FR-ARA"], "theme": ["confiance"]})
    assert {h.id for h in narrowed.hits} == {"jerome-infirmier"}


def test_facet_structure_whole(gen: Generation) -> None:
    results = search(gen, "infirmier", filters={"country": ["FR", "ZZ"]})
    country = [v.to_dict() for v in results.facets["country"].values]
    assert country == [
        {"value": "FR", "label": "France", "count": 2, "selected": True},
        {"value": "ZZ", "label": "ZZ", "count": 0, "selected": True},
    ]
    sector = [v.to_dict() for v in results.facets["sector"].values]
    assert sector == [{"value": "J", "label": gen.label("sector", "J"), "count": 2, "selected": False}]
    professions = results.facets["profession"].values
    assert all(v.parent == "J" for v in professions)
    regions = results.facets["region"].values
    assert {v.parent for v in regions} == {"FR"}


def test_unknown_filter_value_gives_an_empty_page(gen: Generation) -> None:
    results = search(gen, "", filters={"region": ["XX-NOPE"]})
    assert results.total == 0 and results.hits == ()
    assert [r.to_dict() for r in results.without_filter] == [
        {"facet": "region", "value": "XX-NOPE", "label": "XX-NOPE", "total": gen.count}
    ]


def test_unknown_facet_and_bad_pages_are_clear_errors(gen: Generation) -> None:
    for kwargs in ({"filters": {"colour": ["x"]}}, {"page": 0}, {"page": -1}, {"page": 10**9}, {"page_size": 0},
                   {"page_size": 10**9}, {"sort": "loudest"}):
        with pytest.raises(BadParameter):
            search(gen, "", **kwargs)  # type: ignore[arg-type]


def test_pagination_is_stable_and_past_the_end_is_empty(gen: Generation) -> None:
    everything = [h.id for h in search(gen, "", page_size=50).hits]
    paged = [h.id for page in (1, 2, 3, 4, 5) for h in search(gen, "", page=page, page_size=2).hits]
    assert paged == everything
    assert search(gen, "", page=99, page_size=2).hits == ()


def test_related_testimonials(gen: Generation) -> None:
    found = [r.hit.id for r in related(gen, "jerome-infirmier")]
    assert found[0] == "benedicte-infirmiere"  # same profession elsewhere first
    assert "jerome-infirmier" not in found and "xavier-developpeur-retire" not in found


def test_suggest_professions_then_words(gen: Generation) -> None:
    found = suggest(gen, "infi")
    assert found[0].kind == "profession" and found[0].text.lower().startswith("infirmi")
    assert suggest(gen, "soign")[0].text == "Aide-soignante"
    assert suggest(gen, "") == [] and suggest(gen, "z" * 500) == []


def test_json_shape(gen: Generation) -> None:
    data = search(gen, "infirmier").to_dict()
    assert {"query", "total", "page", "page_size", "hits", "facets", "suggestion", "relaxed"} <= set(data)
    assert set(data["facets"]) == {"sector", "profession", "country", "region", "theme"}
    assert {"id", "name", "profession", "rome", "sector", "country", "region", "themes", "published", "score",
            "section", "snippet"} <= set(data["hits"][0])


@pytest.mark.parametrize("q, filters", [("boulanger", {}), ("stage", {"region": ["FR-BRE"]}), ("", {"country": ["FR"]})])
def test_counts_only_gives_the_same_total_and_hits_without_the_rest(gen: Generation, q: str, filters: dict[str, list[str]]) -> None:
    full = search(gen, q, filters=filters, page_size=3)
    counted = search(gen, q, filters=filters, page_size=3, counts_only=True)
    assert full.total > 0 and full.facets  # a search that finds, with facets to leave out
    assert (counted.total, [h.id for h in counted.hits]) == (full.total, [h.id for h in full.hits])
    assert counted.facets == {} and counted.suggestion is None and counted.without_filter == ()
