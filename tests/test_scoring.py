"""The numpy BM25F ranks exactly as Whoosh's own BM25F, and its masks match Whoosh's matches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from search.generation import Generation
from search.index import IndexHandle
from search.parse import parse_query
from search.plan import Unit, compile_query
from search.query import search
from search.schema import TEXT_FIELDS
from search.scoring import id_ranks, term_mask, top


@pytest.fixture(scope="module")
def gen(index_dir: Path) -> Generation:
    return IndexHandle(index_dir).current()


def _whoosh_query(unit: Unit) -> wq.Query:
    if unit.phrase:
        return wq.Or([wq.Phrase(f, list(unit.phrase)) for f in TEXT_FIELDS])
    return wq.Or([wq.Term(f, token, boost=boost) for token, boost in unit.alternatives for f in TEXT_FIELDS])


@pytest.mark.parametrize("text", ["infirmier", "aide soignante", "stages", "apprentissage école", "réseau clients", "la"])
def test_ranking_equals_whoosh_bm25f(gen: Generation, text: str) -> None:
    plan = compile_query(gen, parse_query(text))
    whoosh_query = wq.And([_whoosh_query(unit) for unit in plan.required])
    with gen.store.whoosh_searcher() as searcher:
        expected = [(searcher.stored_fields(h.docnum)["id"], round(h.score, 3)) for h in searcher.search(whoosh_query, limit=20)]
    expected.sort(key=lambda item: (-item[1], item[0]))  # equal scores: ours break ties by id
    ours = [(h.id, round(h.score, 3)) for h in search(gen, text, page_size=20).hits]
    assert ours == expected and ours


def test_term_mask_matches_whoosh_documents(gen: Generation) -> None:
    with gen.store.whoosh_searcher() as searcher:
        expected = sorted(searcher.docs_for_query(wq.Term("conseils", "stag")))
    assert np.flatnonzero(term_mask(gen, [("conseils", "stag")])).tolist() == expected


def test_field_lengths_read_in_bulk_equal_whoosh(gen: Generation) -> None:
    with gen.store.whoosh_searcher() as searcher:
        reader = searcher.reader()
        for field in ("metier", "conseils", "profession"):
            bulk = gen.store.lengths(field)
            assert [int(x) for x in bulk] == [reader.doc_field_length(d, field) for d in range(gen.size)]


def test_top_breaks_ties_by_id_and_pages_stay_stable() -> None:
    scores = np.asarray([1.0, 2.0, 2.0, 2.0, 0.5], dtype=np.float32)
    allowed = np.asarray([True, True, True, True, False])
    ranks = id_ranks(["e", "c", "a", "b", "d"])
    assert ranks.tolist() == [4, 2, 0, 1, 3]
    assert top(scores, allowed, 0, 2, ranks) == [(2, 2.0), (3, 2.0)]
    assert top(scores, allowed, 2, 4, ranks) == [(1, 2.0), (0, 1.0)]
    assert top(scores, allowed, 4, 6, ranks) == []


@pytest.mark.parametrize(
    "tokens", [["prise", "de", "sang"], ["aide", "soignant"], ["de", "la"], ["sang", "de", "prise"], ["zzz", "de"]]
)
def test_phrase_mask_equals_whoosh_phrases(gen: Generation, tokens: list[str]) -> None:
    from search.schema import TEXT_FIELDS
    from search.scoring import phrase_mask

    with gen.store.whoosh_searcher() as searcher:
        expected = sorted(searcher.docs_for_query(wq.Or([wq.Phrase(f, tokens) for f in TEXT_FIELDS])))
    assert np.flatnonzero(phrase_mask(gen, TEXT_FIELDS, tokens)).tolist() == expected


@pytest.mark.parametrize("tokens", [["ecol", "de", "commerc"], ["prise", "de", "sang"], ["de", "sang"], ["sang", "de"]])
def test_phrases_with_stop_words_inside_equal_whoosh(gen: Generation, tokens: list[str]) -> None:
    from search.schema import TEXT_FIELDS
    from search.scoring import phrase_mask

    with gen.store.whoosh_searcher() as searcher:
        expected = sorted(searcher.docs_for_query(wq.Or([wq.Phrase(f, tokens) for f in TEXT_FIELDS])))
    assert np.flatnonzero(phrase_mask(gen, TEXT_FIELDS, tokens)).tolist() == expected


def test_lru_keeps_the_most_recently_used_within_its_budget() -> None:
    from search.lru import Lru

    reads: list[str] = []
    cache: Lru[str, str] = Lru(budget=6, weight=len, max_entries=100)

    def get(key: str) -> str:
        return cache.get(key, lambda: reads.append(key) or key * 2)

    assert get("a") == "aa" and get("b") == "bb" and get("c") == "cc"  # 6: full
    assert get("a") == "aa"  # a is now the most recent
    get("d")  # over budget: b, the least recently used, goes
    get("a"), get("c"), get("b")
    assert reads == ["a", "b", "c", "d", "b"]
