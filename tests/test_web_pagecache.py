"""The results page cache: a page served again is the same page, a new generation empties it at once,
and a page served from it still counts for ``bloomr insights``."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from indexer.pipeline import index_corpus, withdraw
from insights.recorder import Recorder
from search.generation import Generation
from web.app import create_app
from web.pagecache import CACHE_HEADER, CachedPage, PageCache
from web.settings import Settings

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def site(good_corpus: Path, tmp_path: Path) -> Iterator[tuple[Starlette, Path, TestClient]]:
    index = tmp_path / "index"
    index_corpus(good_corpus, index)
    app = create_app(Settings(index=index, insights_db=tmp_path / "var" / "insights.sqlite3"))
    with TestClient(app, headers={"user-agent": BROWSER}) as client:
        started: Recorder = app.state.insights
        started.close()  # flushed by hand below: nothing races the test
        app.state.insights = Recorder(started.store)
        yield app, index, client


def test_the_same_search_is_served_again_byte_for_byte(site: tuple[Starlette, Path, TestClient]) -> None:
    _, _, client = site
    first = client.get("/recherche", params={"q": "boulanger", "sort": "recent"})
    again = client.get("/recherche?sort=recent&q=boulanger&page=1")  # another spelling of the same state
    plain = client.get("/recherche", params={"q": "boulanger", "sort": "recent"}, headers={"accept-encoding": "identity"})
    assert first.status_code == again.status_code == plain.status_code == 200
    assert first.headers[CACHE_HEADER] == "miss"
    assert again.headers[CACHE_HEADER] == "hit" and again.headers["content-encoding"] == "gzip"
    assert plain.headers[CACHE_HEADER] == "hit" and "content-encoding" not in plain.headers
    assert first.text == again.text == plain.text and "Moussa" in first.text
    # the guard's security headers are on a page from the cache too
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert again.headers["content-type"] == "text/html; charset=utf-8"


def test_a_withdrawal_empties_it_before_the_next_visit(site: tuple[Starlette, Path, TestClient], good_corpus: Path) -> None:
    _, index, client = site
    assert "Moussa" in client.get("/recherche", params={"q": "boulanger"}).text
    assert client.get("/recherche", params={"q": "boulanger"}).headers[CACHE_HEADER] == "hit"
    withdraw(index, "moussa-boulanger", corpus_dir=good_corpus)
    after = client.get("/recherche", params={"q": "boulanger"})
    assert after.headers[CACHE_HEADER] == "miss" and "Moussa" not in after.text


def test_a_page_from_the_cache_still_counts(site: tuple[Starlette, Path, TestClient]) -> None:
    app, _, _ = site
    served = [
        TestClient(app, client=(f"198.51.100.{n}", 40000 + n), headers={"user-agent": BROWSER}).get(
            "/recherche", params={"q": "boulanger"}).headers[CACHE_HEADER]
        for n in range(6)
    ]
    assert served == ["miss"] + ["hit"] * 5
    recorder: Recorder = app.state.insights
    recorder.flush()
    totals = recorder.store.totals(recorder.today(), recorder.today())
    assert [(row.query, row.count) for row in totals.rows] == [("boulanger", 6)]  # five of them from the cache


def test_the_unticked_filter_form_is_never_answered_from_the_cache(site: tuple[Starlette, Path, TestClient]) -> None:
    _, _, client = site
    client.get("/recherche", params={"q": "boulanger bretagne"})
    sent = client.get("/recherche", params={"q": "boulanger bretagne", "compris": "profession"}, follow_redirects=False)
    assert sent.status_code == 303


def test_bounded_in_bytes_and_entries() -> None:
    cache = PageCache(budget=64 * 1024, max_entries=3)
    generation = object.__new__(Generation)  # only its identity matters to the cache
    pages = [CachedPage.of(200, "text/html", f"<p>{n}</p>".encode() * 50) for n in range(5)]
    for n, page in enumerate(pages):
        cache.put(generation, n, page)
    assert [cache.get(generation, n) is not None for n in range(5)] == [False, False, True, True, True]
    big = CachedPage.of(200, "text/html", os.urandom(20_000))  # incompressible, over an eighth of the budget
    cache.put(generation, "big", big)
    assert cache.get(generation, "big") is None
    assert gzip.decompress(pages[4].gzipped) == b"<p>4</p>" * 50
    other = object.__new__(Generation)
    assert cache.get(other, 4) is None and cache.figures()["entries"] == 0  # another generation: all forgotten
