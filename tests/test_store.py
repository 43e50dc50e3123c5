"""The store: a generation's files held open, its caches bounded in entries as well as in weight."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer import model
from indexer.taxonomy import load_taxonomy
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


def built(corpus: Path, tmp_path: Path) -> tuple[Path, list[model.Testimonial], dict[str, Any]]:
    """(index directory, testimonials, labels) of ``corpus`` built into ``tmp_path/index``."""
    index_dir = tmp_path / "index"
    items = list(load_corpus(corpus).testimonials)
    labels = load_taxonomy(corpus / "taxonomy").labels()
    build_index(items, index_dir, labels=labels)
    return index_dir, items, labels


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


def test_a_store_reopened_after_an_edit_reuses_the_segments_it_shares(good_corpus: Path, tmp_path: Path) -> None:
    """An edit copies a generation by hard links and adds one segment: the new store takes over
    the old one's per-segment values (an edit at 100k went from 1.5 s of reopening to 0.1 s) and
    they are the values a fresh open reads."""
    import dataclasses

    from indexer.build import update_index
    from search.facet_specs import FACETS
    from search.schema import TEXT_FIELDS

    index_dir, items, labels = built(good_corpus, tmp_path)
    before = IndexHandle(index_dir).current()
    for field in TEXT_FIELDS:
        before.store.lengths(field)
    n = next(n for n, t in enumerate(items) if t.id == "moussa-boulanger")
    edited = dataclasses.replace(items[n], region="FR-BRE", content_hash="edited")
    update_index(items[:n] + [edited] + items[n + 1:], index_dir, labels=labels)
    path = IndexHandle(index_dir).current().path
    reused = open_generation(path, reuse=before)
    fresh = open_generation(path)
    shared = set(reused.store.segments) & set(before.store.segments)
    assert shared and len(reused.store.segments) == len(before.store.segments) + 1
    for key, value in reused.store._per_segment.items():  # what reuse means: the same objects, not copies
        if key[0] in shared:
            assert value is before.store._per_segment[key]
    assert reused.ids == fresh.ids and (reused.store.deleted == fresh.store.deleted).all()
    assert reused.store.deleted.sum() == 1  # the edited testimonial's old version
    assert (reused.published == fresh.published).all()
    for spec in FACETS:
        a, b = reused.columns[spec.name], fresh.columns[spec.name]
        assert a.values == b.values
        if spec.multi:
            assert (a.matrix == b.matrix).all()
        else:
            assert (a.codes == b.codes).all()
    for field in TEXT_FIELDS:
        assert (reused.store.lengths(field) == fresh.store.lengths(field)).all()
    assert reused.columns["region"].value_of(reused.docnum["moussa-boulanger"]) == "FR-BRE"
    found = [h.id for h in search(reused, "", filters={"region": ["FR-BRE"]}).hits]
    assert "moussa-boulanger" in found and found == [h.id for h in search(fresh, "", filters={"region": ["FR-BRE"]}).hits]


def test_a_retired_generation_is_freed_and_its_memory_given_back(good_corpus: Path, tmp_path: Path) -> None:
    """After a rebuild the handle retires the old generation: once no request holds it, nothing
    keeps it alive (no cache, no pool, no thread) and the C heap's free pages are returned
    (the soak's RSS stayed at the switch's high-water mark before)."""
    import time
    import weakref

    from search import heap
    from search.warm import warm

    index_dir, items, labels = built(good_corpus, tmp_path)
    handle = IndexHandle(index_dir)
    old = handle.current()
    warm(old)  # every cache a generation fills, filled
    assert search(old, "infirmière", page_size=5).total >= 1
    old_store = weakref.ref(old.store)
    trims = heap.trims
    del old
    build_index(items, index_dir, labels=labels)
    new = handle.current()
    assert new.store is not old_store()
    gc.collect()
    assert old_store() is None, "the retired generation is still referenced"
    deadline = time.monotonic() + 10
    while heap.trims == trims and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heap.trims == trims + 1
    assert search(new, "infirmière", page_size=5).total >= 1


def test_trimming_the_heap_is_available_on_this_c_library() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's; elsewhere trimming is a no-op")
    from search import heap

    assert heap.trim() is True


def test_an_edit_carries_over_what_it_leaves_unchanged_and_rebuilds_the_rest(good_corpus: Path, tmp_path: Path) -> None:
    """After an edit, the lexicon and the autocomplete's titles are taken over from the generation
    replaced when what they are made of is unchanged (Store.carry) — the same objects — and built
    again when a title changed."""
    import dataclasses

    from indexer.build import update_index
    from search.lexicon import lexicon
    from search.suggest import professions

    index_dir, items, labels = built(good_corpus, tmp_path)
    handle = IndexHandle(index_dir)
    old = handle.current()
    titles, lex = professions(old), lexicon(old)
    n = next(n for n, t in enumerate(items) if t.id == "moussa-boulanger")

    moved = dataclasses.replace(items[n], region="FR-BRE", content_hash="moved")
    update_index(items[:n] + [moved] + items[n + 1:], index_dir, labels=labels)
    edited = handle.current()
    assert edited.name != old.name
    assert professions(edited) is titles and lexicon(edited) is lex

    renamed = dataclasses.replace(items[n], profession="Chocolatier", content_hash="renamed")
    update_index(items[:n] + [renamed] + items[n + 1:], index_dir, labels=labels)
    changed = handle.current()
    assert professions(changed) is not titles
    assert [s.text for _, s in professions(changed).find("chocol", {})] == ["Chocolatier"]
    assert not professions(changed).find("boulang", {})  # the only baker is now a chocolatier
    assert [s.text for _, s in titles.find("boulang", {})] == ["Boulanger"]
