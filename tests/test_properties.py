"""Properties of ``search()`` on the good test corpus, checked with hypothesis (issue 8).

- any text gives results or a ``BadQuery``, never another exception;
- snippets hold only our own markup: without ``<mark>``/``</mark>`` there is no ``<`` left;
- pages concatenate to the full ordered list, without duplicates; past the end is empty;
- single-valued facet counts add up to the total they describe.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.errors import BadQuery
from search.generation import Generation
from search.index import IndexHandle
from search.query import search

SINGLE_VALUED = ("sector", "profession", "country", "region")
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words of the test corpus (with and without accents), its hostile text, and query syntax.
WORDS = [
    "infirmier", "infirmière", "INFIRMIERE", "infirm", "boulanger", "développeuse", "developpeur", "consultante",
    "aide-soignante", "communication", "mairie", "script", "alert", "bloomr", "gras", "7*7", "zèbre", "quantique",
    "Montréal", "nuit", "hôpital", "études", "concours", "Villeurbanne", "l’hôpital", "d'abord", "et", "le", "de",
    "lyon~1/5", "*", "?x", "f*", "nosuchfield:x", "((((", '"', "-", "-nuit", '"bloc opératoire"', "«", "»", "OR", "AND",
    "NOT", "<b>", "</mark>", "<mark>", "&amp;", "e\u0301", "\u202e", "\x00", "\ud800", "{{7*7}}", "{% raw %}",
]
ODD = st.characters(codec=None, categories=None)  # every code point, surrogates included
TEXTS = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=ODD, max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=8).map("".join),
)
BARE_AMPERSAND = re.compile(r"&(?!(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);)")
QUERY_WORDS = st.lists(st.sampled_from(WORDS[:30]), min_size=0, max_size=4).map(" ".join)


@pytest.fixture(scope="module")
def gen(index_dir: Path) -> Generation:
    return IndexHandle(index_dir).current()


@PROPERTY
@given(text=TEXTS)
def test_any_text_gives_results_or_bad_query(gen: Generation, text: str) -> None:
    try:
        results = search(gen, text)
    except BadQuery as exc:
        assert exc.message and exc.remedy
        assert exc.status == 400
        return
    assert 0 <= results.total <= gen.count
    assert len(results.hits) == min(results.total, 10)
    assert len({h.id for h in results.hits}) == len(results.hits)


@PROPERTY
@given(text=TEXTS)
def test_snippets_hold_only_our_markup(gen: Generation, text: str) -> None:
    try:
        results = search(gen, text, page_size=50)
    except BadQuery:
        return
    for hit in results.hits:
        bare = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in bare and ">" not in bare, hit.snippet
        assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>")
        assert "<mark><mark>" not in hit.snippet
        # what is left is escaped text: every & starts an entity
        assert not BARE_AMPERSAND.search(bare), bare
        assert "<" not in html.unescape(bare) or "&lt;" in bare


def test_hostile_corpus_text_is_escaped_in_snippets(gen: Generation) -> None:
    results = search(gen, "script alert bloomr", page_size=50)
    snippets = " ".join(h.snippet for h in results.hits)
    assert "&lt;script&gt;" in snippets or "&lt;" in snippets, snippets
    assert "<script" not in snippets and "<b>" not in snippets


def _ids(gen: Generation, text: str, sort: str | None, seed: int | None, page: int, page_size: int) -> list[str]:
    return [h.id for h in search(gen, text, sort=sort, seed=seed, page=page, page_size=page_size).hits]


@PROPERTY
@given(
    text=QUERY_WORDS,
    sort=st.sampled_from([None, "relevance", "recent", "random"]),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    page_size=st.integers(min_value=1, max_value=7),
)
def test_pages_concatenate_to_the_full_list(gen: Generation, text: str, sort: str | None, seed: int, page_size: int) -> None:
    everything = search(gen, text, sort=sort, seed=seed, page=1, page_size=100)
    full = [h.id for h in everything.hits]
    assert len(full) == everything.total
    pages: list[str] = []
    page = 1
    while len(pages) < len(full) and page <= 100:
        got = _ids(gen, text, sort, seed, page, page_size)
        assert got, (page, full)
        assert len(got) <= page_size
        pages.extend(got)
        page += 1
    assert pages == full
    assert len(set(pages)) == len(pages)
    past = search(gen, text, sort=sort, seed=seed, page=page, page_size=page_size)
    assert past.hits == () and past.total == everything.total


def _values(gen: Generation, facet: str) -> list[str]:
    return list(gen.columns[facet].values)


@st.composite
def filter_sets(draw: st.DrawFn, gen: Generation) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    for facet in draw(st.lists(st.sampled_from(SINGLE_VALUED + ("theme",)), unique=True, max_size=3)):
        known = _values(gen, facet) + ["ZZZ-inconnu"]
        chosen[facet] = draw(st.lists(st.sampled_from(known), min_size=1, max_size=3, unique=True))
    return chosen


@PROPERTY
@given(data=st.data(), text=QUERY_WORDS)
def test_single_valued_facet_counts_add_up(gen: Generation, data: st.DataObject, text: str) -> None:
    filters = data.draw(filter_sets(gen))
    results = search(gen, text, filters=filters, page_size=1)
    for facet in SINGLE_VALUED:
        counts = {v.value: v.count for v in results.facets[facet].values}
        assert all(c >= 0 for c in counts.values())
        if facet in filters:
            # the total is exactly the documents having one of the selected values
            assert results.total == sum(counts.get(v, 0) for v in filters[facet]), (facet, filters, counts)
            assert {v.value for v in results.facets[facet].values if v.selected} == set(filters[facet])
        # a facet's counts describe the same query without its own filter (disjunctive faceting)
        others = {f: vs for f, vs in filters.items() if f != facet}
        without = search(gen, text, filters=others, page_size=1).total
        codes = gen.columns[facet].codes
        assert codes is not None
        every_doc_has_a_value = bool((codes[gen.live] >= 0).all())
        if every_doc_has_a_value:
            assert sum(counts.values()) == without, (facet, filters, counts, without)
        else:
            assert sum(counts.values()) <= without


def test_property_checks_can_fail(gen: Generation) -> None:
    """The markup check rejects raw markup (every test can fail)."""
    bare = "<mark>a</mark> <b> & co".replace("<mark>", "").replace("</mark>", "")
    assert "<" in bare
    assert BARE_AMPERSAND.search(bare)
    assert not BARE_AMPERSAND.search("&lt;b&gt; &amp; &#34;")
