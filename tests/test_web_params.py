"""web.params, web.urls, web.french and web.present.safe_snippet: pure functions, no index."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from search.errors import BadParameter, BadQuery
from web import urls
from search.facet_specs import MAX_VALUES_PER_FACET
from search.text import clean_text
from web.french import NBSP, NNBSP, long_date, number, plural, quoted
from web.params import MAX_QUERY_CHARS, SearchParams, parse_search
from web.present import safe_snippet


def parse(query: str) -> SearchParams:
    return parse_search(QueryParams(query), default_page_size=10, query_string=query)


def test_parse_full_state() -> None:
    params = parse("q=ing%C3%A9nieur+du+son&region=FR-BRE&sector=L&region=FR-IDF&sort=recent&page=2&page_size=20")
    assert params == SearchParams(
        q="ingénieur du son",
        filters={"sector": ("L",), "region": ("FR-BRE", "FR-IDF")},
        sort="recent",
        page=2,
        page_size=20,
    )


def test_defaults_and_unknown_names_ignored() -> None:
    assert parse("utm_source=x&fbclid=y") == SearchParams()


def test_repeated_value_kept_once_and_blank_values_dropped() -> None:
    assert parse("sector=M&sector=M&sector=&theme=%20").filters == {"sector": ("M",)}


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1e3", "10**9", "1001", "", "1.0", "%EF%BC%91"])
def test_bad_page_is_a_french_400(raw: str) -> None:
    with pytest.raises(BadParameter) as caught:
        parse(f"page={raw}")
    assert caught.value.status == 400
    assert "«\u00a0page\u00a0»" in caught.value.message
    assert caught.value.remedy


@pytest.mark.parametrize("raw", ["0", str(10**9), "51"])
def test_bad_page_size(raw: str) -> None:
    with pytest.raises(BadParameter, match="page_size"):
        parse(f"page_size={raw}")


def test_relevance_is_the_default_sort_and_left_out() -> None:
    assert parse("q=son&sort=relevance") == parse("q=son")
    assert urls.search_url(parse("q=son&sort=relevance")) == "/recherche?q=son"


def test_unknown_sort() -> None:
    with pytest.raises(BadParameter, match="n’existe pas"):
        parse("sort=%3Cscript%3E")


def test_query_length_bound() -> None:
    parse("q=" + "a" * MAX_QUERY_CHARS)
    with pytest.raises(BadQuery) as caught:
        parse("q=" + "a" * (MAX_QUERY_CHARS + 1))
    assert caught.value.status == 400
    assert "trop longue" in caught.value.message


def test_facet_repeated_too_often() -> None:
    many = "&".join(f"region=R{i}" for i in range(MAX_VALUES_PER_FACET + 1))
    with pytest.raises(BadParameter, match="Trop de filtres"):
        parse(many)


def test_too_many_parameters_and_too_long_url() -> None:
    with pytest.raises(BadParameter, match="trop de paramètres"):
        parse("&".join(f"x{i}=1" for i in range(1000)))
    with pytest.raises(BadParameter, match="trop longue"):
        parse("x=" + "a" * 1_000_000)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("e\u0301te\u0301", "été"),
        ("a\x00b", "ab"),
        ("\u202eabc", "abc"),
        ("  deux   mots\t\n", "deux mots"),
        ("\ud800x", "x"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(st.text(max_size=60))
def test_clean_text_never_keeps_controls_or_bidi(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert not any(ch in cleaned for ch in "\x00\u202e\u202d\u2066")
    assert all(ord(ch) >= 32 for ch in cleaned)


def test_search_url_is_canonical() -> None:
    params = SearchParams(q="a b", filters={"region": ("FR-BRE",), "sector": ("L",)}, sort="recent", page=3)
    assert urls.search_url(params) == "/recherche?q=a+b&sector=L&region=FR-BRE&sort=recent&page=3"
    assert urls.search_url(SearchParams()) == "/recherche"


def test_toggle_adds_removes_and_resets_page() -> None:
    params = SearchParams(q="son", filters={"sector": ("L",)}, page=4)
    assert urls.toggle_url(params, "region", "FR-BRE") == "/recherche?q=son&sector=L&region=FR-BRE"
    assert urls.toggle_url(params, "sector", "L") == "/recherche?q=son"


_VALUES = st.sampled_from(["L", "M", "L1507", "FR-BRE", "FR", "é & =", "a+b", "conseils"])


@given(
    q=st.sampled_from(["", "son", "infirmière bretagne", "a&b=c"]),
    filters=st.dictionaries(st.sampled_from(list(urls.FACET_NAMES)), st.lists(_VALUES, max_size=3, unique=True).map(tuple)),
    sort=st.sampled_from([None, "recent", "random"]),
    page=st.integers(1, 3),
    seed=st.sampled_from([None, 42]),
    more=st.sampled_from([(), ("country",), ("sector:J",)]),
    facet=st.sampled_from(list(urls.FACET_NAMES)),
    value=_VALUES,
    words=st.sampled_from([None, {("region", "FR-BRE"): ("bretagne", "")}]),
)
def test_toggles_give_toggle_urls(q: str, filters: dict[str, tuple[str, ...]], sort: str | None, page: int, seed: int | None,
                                  more: tuple[str, ...], facet: str, value: str, words: urls.Words | None) -> None:
    """The page's fast path (``Toggles``) and the general ``toggle_url`` agree on every state."""
    params = SearchParams(q=q, filters=filters, sort=sort, page=page, seed=seed, more=more, page_size=10 if page < 3 else 20)
    parents = {"L1507": "L"}
    assert urls.Toggles(params, words=words).url(facet, value, parents=parents) == urls.toggle_url(
        params, facet, value, parents=parents, words=words)


def test_unticking_a_sector_unticks_its_professions() -> None:
    params = SearchParams(filters={"sector": ("L", "M"), "profession": ("L1507", "M1705")})
    parents = {"L1507": "L", "M1705": "M"}
    assert urls.toggle_url(params, "sector", "L", parents=parents) == "/recherche?sector=M&profession=M1705"


def test_clear_keeps_words_and_sort() -> None:
    params = SearchParams(q="son", filters={"sector": ("L",)}, sort="recent", page=2)
    assert urls.clear_url(params) == "/recherche?q=son&sort=recent"


def test_urls_escape_hostile_values() -> None:
    params = SearchParams(q='<script>"&', filters={"theme": ("a&b=c",)})
    assert urls.search_url(params) == "/recherche?q=%3Cscript%3E%22%26&theme=a%26b%3Dc"
    assert urls.testimonial_url("../etc/passwd") == "/temoignages/..%2Fetc%2Fpasswd"


def test_random_sort_carries_its_seed_for_stable_pages() -> None:
    params = SearchParams(sort="random", seed=42)
    assert urls.page_url(params, 2) == "/recherche?sort=random&seed=42&page=2"


@given(
    q=st.text(max_size=30),
    values=st.lists(st.text(min_size=1, max_size=10), max_size=5),
    page=st.integers(min_value=1, max_value=1000),
)
def test_url_round_trip(q: str, values: list[str], page: int) -> None:
    """Whatever the state, parsing the URL we build gives the same state back."""
    state = parse_search(
        QueryParams(urls.search_url(SearchParams(q=clean_text(q), filters={}, page=page)).partition("?")[2])
    )
    assert state.q == clean_text(q)
    assert state.page == page
    cleaned = tuple(dict.fromkeys(v for v in (clean_text(x) for x in values) if v))
    built = urls.search_url(SearchParams(filters={"theme": cleaned} if cleaned else {}))
    assert parse_search(QueryParams(built.partition("?")[2])).selected("theme") == cleaned


def test_french_typography() -> None:
    assert number(12345) == "12\u202f345"
    assert plural(0, "témoignage") == "0\u00a0témoignage"
    assert plural(1, "témoignage") == "1\u00a0témoignage"
    assert plural(2, "résultat") == "2\u00a0résultats"
    assert quoted("x") == "«\u00a0x\u00a0»"
    assert long_date(date(2023, 2, 1)) == "1er\u00a0février 2023"
    assert long_date("2016-11-02") == "2\u00a0novembre 2016"
    assert long_date("pas une date") == ""


def test_safe_snippet_trusts_only_mark() -> None:
    assert safe_snippet("un &lt;b&gt; <mark>son</mark>") == "un &lt;b&gt; <mark>son</mark>"
    assert safe_snippet("<script>x</script> <mark>a</mark>") == "&lt;script&gt;x&lt;/script&gt; a"
    assert safe_snippet("<mark>a") == "a"


# --- selected facet values, bounded in total (issue 13) -----------------------------------------

def test_selected_values_are_bounded_in_total_across_facets() -> None:
    """120 values in a 7.8 KB URL rendered a 2 MB page: every toggle URL repeats the selection."""
    from web.params import MAX_SELECTED_VALUES

    spread = [f"{facet}=V{i}" for i in range(MAX_SELECTED_VALUES) for facet in ("region", "profession", "theme")]
    parse("&".join(spread[:MAX_SELECTED_VALUES]))
    with pytest.raises(BadParameter) as caught:
        parse("&".join(spread[: MAX_SELECTED_VALUES + 1]))
    assert caught.value.message == f"Trop de filtres sélectionnés (21){NNBSP}; 20 au plus, tous filtres confondus."
    assert caught.value.remedy == f"Retirez des filtres ou cliquez sur «{NBSP}Tout effacer{NBSP}»."


def test_the_selection_is_bounded_in_length_once_in_the_address() -> None:
    """Long values (64 characters, 9 in the address for each « € ») make long URLs with few values."""
    from web.params import MAX_SELECTION_CHARS

    parse("&".join(f"region=FR-R{i:02d}" for i in range(20)))  # real codes stay far below the bound
    hostile = "&".join(f"profession={'%E2%82%AC' * 60}{i}" for i in range(3))
    with pytest.raises(BadParameter) as caught:
        parse(hostile)
    assert caught.value.message.startswith("Les filtres sélectionnés sont trop longs (")
    assert f"{number(MAX_SELECTION_CHARS)} au plus" in caught.value.message


def test_repeated_values_count_once() -> None:
    parse("&".join(["region=FR-BRE"] * 100))


def test_the_openapi_document_states_the_bounds_it_can_state() -> None:
    from web.openapi import openapi_document
    from search.facet_specs import FACET_NAMES as FACETS
    from web.params import MAX_SELECTED_VALUES, MAX_SELECTION_CHARS

    parameters = {p["name"]: p for p in openapi_document()["paths"]["/api/search"]["get"]["parameters"]}
    for facet in FACETS:
        assert parameters[facet]["schema"]["maxItems"] == MAX_SELECTED_VALUES
        description = parameters[facet]["description"]
        assert f"au plus {MAX_SELECTED_VALUES} valeurs en tout" in description
        assert f"{number(MAX_SELECTION_CHARS)} caractères" in description
