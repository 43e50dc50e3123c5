"""The store: a generation's files held open, its caches bounded in entries as well as in weight."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import numpy as np
import pytest

from search import store as store_module
from search.generation import open_generation
from search.index import IndexHandle
from search.lru import Lru
from search.query import search
from search.store import Store


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        resident_pages = int(handle.read().split()[1])
    return resident_pages * 4096 / 2**20


def test_a_generation_deleted_under_its_reader_keeps_serving(index_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy, symlinks=True)
    generation = IndexHandle(copy).current()
    shutil.rmtree(generation.path)  # a newer generation replaced it and the old one was deleted
    found = search(generation, "infirmière bloc", page_size=20)  # fresh readers, postings, positions, stored fields
    assert found.total >= 1 and found.hits[0].snippet
    assert search(generation, '"aide soignante"').total >= 1


def test_damaged_or_missing_directories_are_clear_errors(tmp_path: Path) -> None:
    from search.errors import IndexDamaged

    (tmp_path / "gen-x").mkdir()
    with pytest.raises(IndexDamaged):
        Store(tmp_path / "gen-x")


def test_lru_is_bounded_in_entries_even_when_values_weigh_nothing() -> None:
    cache: Lru[int, list[int]] = Lru(budget=1000, weight=len, max_entries=50)
    for key in range(10_000):
        cache.get(key, list)
    assert len(cache) == 50 and cache.size == 0


@pytest.mark.slow
def test_30000_distinct_queries_keep_the_process_within_20_mb_of_warm(index_dir: Path) -> None:
    generation = open_generation(Path(index_dir) / "current")
    for word in ("infirmier", "stage", "conseil", "zzzzzzzzz"):
        search(generation, word)
    gc.collect()
    warm = rss_mb()
    rng = np.random.default_rng(3)
    letters = np.array(list("bcdfghjklmnpqrstvwxz"))
    for _ in range(30_000):
        search(generation, "".join(rng.choice(letters, size=9)))  # words nobody wrote: empty postings
    figures = generation.store.cache_figures()
    assert figures["postings_entries"] <= store_module.CACHE_ENTRIES
    gc.collect()
    assert rss_mb() - warm < 20, f"{rss_mb() - warm:.1f} MB more than warm"
