"""indexer.build: atomic generations, verification, incremental updates and rollback, on real indexes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer import generations as gens
from indexer.build import (
    BuildReport, _link_copy, _publish, _shared_segments, _verify, build_index, read_sources, rollback, update_index,
)
from indexer.corpus import load_corpus
from indexer.taxonomy import load_taxonomy
from search.errors import IndexDamaged, IndexMissing
from search.index import IndexHandle
from search.query import search

GOOD_IDS = {
    "audrey-consultante", "benedicte-infirmiere", "camille-developpeuse", "jerome-infirmier",
    "lea-communication", "moussa-boulanger", "oceane-aide-soignante", "yasmine-comptable",
}


def build(corpus: Path, index_dir: Path, **options: object) -> BuildReport:
    report = load_corpus(corpus)
    assert report.ok, [str(p) for p in report.errors]
    labels = load_taxonomy(corpus / "taxonomy").labels()
    return build_index(report.testimonials, index_dir, labels=labels, **options)  # type: ignore[arg-type]


def update(corpus: Path, index_dir: Path) -> BuildReport:
    report = load_corpus(corpus)
    assert report.ok, [str(p) for p in report.errors]
    return update_index(report.testimonials, index_dir, labels=load_taxonomy(corpus / "taxonomy").labels())


def entries(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.name != gens.LOCK)


def test_build_switches_current_to_a_complete_generation(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    calls: list[tuple[int, int]] = []
    report = build(good_corpus, index_dir, progress=lambda done, total: calls.append((done, total)))
    assert (report.indexed, report.withdrawn_skipped, report.previous) == (8, 1, None)
    assert report.size_bytes > 0 and report.duration_s > 0
    assert calls == [(n, 8) for n in range(1, 9)]
    assert gens.pointer(index_dir) == report.generation
    assert entries(index_dir) == ["current", report.generation]
    meta = gens.read_meta(index_dir / report.generation)
    assert meta["count"] == 8 and meta["generation"] == report.generation
    hashes, sources = read_sources(index_dir / report.generation)
    assert set(hashes) == set(sources) == GOOD_IDS
    assert "hashes" not in meta and "sources" not in meta  # readers never load what only the indexer needs
    assert meta["withdrawn"] == ["xavier-developpeur-retire"]
    generation = IndexHandle(index_dir).current()
    assert generation.count == 8
    assert set(generation.docnum) == GOOD_IDS
    assert search(generation, "").total == 8


def test_second_build_keeps_previous_third_prunes_the_oldest(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = build(good_corpus, index_dir)
    second = build(good_corpus, index_dir)
    assert second.previous == first.generation
    assert gens.pointer(index_dir, gens.PREVIOUS) == first.generation
    assert entries(index_dir) == sorted(["current", "previous", first.generation, second.generation])
    third = build(good_corpus, index_dir)
    assert first.generation in third.cleaned
    assert entries(index_dir) == sorted(["current", "previous", second.generation, third.generation])
    assert (gens.pointer(index_dir), gens.pointer(index_dir, gens.PREVIOUS)) == (third.generation, second.generation)


def test_leftovers_of_a_killed_build_are_removed_by_the_next(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = build(good_corpus, index_dir)
    killed = index_dir / ".tmp-gen-20260101T000000000000Z-1"
    killed.mkdir()
    (killed / "MAIN_half.seg").write_bytes(b"\0" * 4096)
    os.symlink(first.generation, index_dir / ".current.1.tmp")
    second = build(good_corpus, index_dir)
    assert {killed.name, ".current.1.tmp"} <= set(second.cleaned)
    assert entries(index_dir) == sorted(["current", "previous", first.generation, second.generation])


def _damage(path: Path, how: str) -> None:
    seg = next(path.glob("*.seg"))
    toc = next(path.glob("_MAIN_*.toc"))
    if how == "segment cut in half":
        os.truncate(seg, seg.stat().st_size // 2)
    elif how == "segment emptied":
        os.truncate(seg, 0)
    elif how == "segment tail cut":
        os.truncate(seg, seg.stat().st_size - 64)
    elif how == "table of contents missing":
        toc.unlink()
    elif how == "table of contents truncated":
        os.truncate(toc, toc.stat().st_size // 2)
    else:  # pragma: no cover
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    ["segment cut in half", "segment emptied", "segment tail cut", "table of contents missing", "table of contents truncated"],
)
def test_a_damaged_new_generation_is_not_switched_in(good_corpus: Path, tmp_path: Path, how: str) -> None:
    """Written, then damaged between write and verify: _publish refuses it and `current` stays."""
    index_dir = tmp_path / "index"
    serving = build(good_corpus, index_dir)
    name = gens.new_generation_name()
    tmp = index_dir / f"{gens.TMP_PREFIX}{name}"
    shutil.copytree(index_dir / serving.generation, tmp)
    _damage(tmp, how)
    with pytest.raises(IndexDamaged) as caught:
        _publish(index_dir, tmp, name, 8)
    assert tmp.name in caught.value.message and caught.value.remedy
    assert gens.pointer(index_dir) == serving.generation
    assert not (index_dir / name).exists()
    assert IndexHandle(index_dir).current().count == 8
    after = build(good_corpus, index_dir)  # the next build cleans the refused directory up
    assert tmp.name in after.cleaned and not tmp.exists()


def test_verify_checks_the_expected_count(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = build(good_corpus, index_dir)
    _verify(index_dir / report.generation, 8)
    with pytest.raises(IndexDamaged) as caught:
        _verify(index_dir / report.generation, 9)
    assert "8 témoignages au lieu de 9" in caught.value.message


def test_update_reindexes_only_what_changed(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build(good_corpus, index_dir)
    handle = IndexHandle(index_dir)
    before = handle.current()
    assert search(before, "xylophoniste").total == 0

    same = update(good_corpus, index_dir)
    assert (same.added, same.changed, same.removed, same.indexed) == (0, 0, 0, 8)

    folder = good_corpus / "testimonials"
    camille = folder / "camille-developpeuse.md"
    camille.write_text(
        camille.read_text(encoding="utf-8").rstrip("\n") + " Mon voisin xylophoniste m’a appris la patience.\n",
        encoding="utf-8",
    )
    added = folder / "nadia-boulangere.md"
    added.write_text(
        (folder / "moussa-boulanger.md").read_text(encoding="utf-8").replace("name: Moussa", "name: Nadia"),
        encoding="utf-8",
    )
    (folder / "lea-communication.md").unlink()

    report = update(good_corpus, index_dir)
    assert (report.added, report.changed, report.removed, report.indexed) == (1, 1, 1, 8)
    assert report.previous == same.generation
    generation = handle.current()  # the same handle sees the update at once
    assert generation.name == report.generation != before.name
    assert [h.id for h in search(generation, "xylophoniste").hits] == ["camille-developpeuse"]
    assert set(generation.docnum) == GOOD_IDS - {"lea-communication"} | {"nadia-boulangere"}
    assert search(generation, "").total == 8


def test_update_without_a_serving_generation_is_a_full_build(good_corpus: Path, tmp_path: Path) -> None:
    report = update(good_corpus, tmp_path / "index")
    assert (report.indexed, report.added) == (8, 8)
    assert IndexHandle(tmp_path / "index").current().count == 8


def test_readers_notice_a_new_generation_without_restart(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build(good_corpus, index_dir)
    handle = IndexHandle(index_dir)
    first = handle.current()
    assert handle.current() is first  # unchanged pointer: the same opened generation
    (good_corpus / "testimonials" / "audrey-consultante.md").unlink()
    report = build(good_corpus, index_dir)
    second = handle.current()
    assert second is not first and second.name == report.generation
    assert second.count == 7 and "audrey-consultante" not in second.docnum


def test_rollback_swaps_current_and_previous(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with pytest.raises(IndexMissing):
        rollback(index_dir)
    first = build(good_corpus, index_dir)
    with pytest.raises(IndexMissing):
        rollback(index_dir)
    (good_corpus / "testimonials" / "audrey-consultante.md").unlink()
    second = build(good_corpus, index_dir)
    handle = IndexHandle(index_dir)
    assert handle.current().count == 7
    assert rollback(index_dir) == (first.generation, second.generation)
    assert handle.current().count == 8
    assert rollback(index_dir) == (second.generation, first.generation)
    assert handle.current().count == 7


def test_multi_process_writer_gives_the_same_documents(good_corpus: Path, tmp_path: Path) -> None:
    report = build(good_corpus, tmp_path / "index", procs=2)
    generation = IndexHandle(tmp_path / "index").current()
    assert report.indexed == generation.count == 8
    assert set(generation.docnum) == GOOD_IDS


def _segments(generation_dir: Path) -> list[tuple[str, int]]:
    """(segment id, live documents) of a generation, oldest first."""
    from whoosh import index as whoosh_index

    from search.layout import INDEX_NAME

    ix = whoosh_index.open_dir(str(generation_dir), indexname=INDEX_NAME)
    return [(segment.segment_id(), segment.doc_count()) for segment in ix._segments()]


def test_repeated_edits_merge_only_small_segments_and_keep_their_number_bounded(good_corpus: Path, tmp_path: Path) -> None:
    """Whoosh's default merge policy merged a 100,000-document index whole on the second edit
    (487 s); updates now merge only the small segments they add, a size tier at a time."""
    import dataclasses

    from indexer.build import MERGE_FACTOR

    index_dir = tmp_path / "index"
    build(good_corpus, index_dir)
    items = list(load_corpus(good_corpus).testimonials)
    labels = load_taxonomy(good_corpus / "taxonomy").labels()
    position = next(n for n, t in enumerate(items) if t.id == "moussa-boulanger")
    target = items[position]
    handle = IndexHandle(index_dir)
    counts = []
    for edit in range(25):
        word = f"zorglub{'abcdefghijklmnopqrstuvwxyz'[edit]}"
        edited = dataclasses.replace(
            target,
            sections=dataclasses.replace(target.sections, metier=f"{target.sections.metier} Je pratique aussi le {word}."),
            content_hash=f"edit-{edit}",
        )
        report = update_index(items[:position] + [edited] + items[position + 1:], index_dir, labels=labels)
        assert (report.indexed, report.changed) == (8, 1)
        generation = handle.current()
        assert generation.count == 8
        assert [h.id for h in search(generation, word).hits] == ["moussa-boulanger"]
        segments = _segments(index_dir / report.generation)
        assert all(live > 0 for _, live in segments), "a segment without a live document was kept"
        counts.append(len(segments))
    assert max(counts) <= 2 * MERGE_FACTOR, counts
    assert min(counts[MERGE_FACTOR:]) < MERGE_FACTOR, f"the edits' segments were never merged: {counts}"


def test_the_update_merge_policy_never_rewrites_a_large_segment(good_corpus: Path, tmp_path: Path) -> None:
    from functools import partial

    from whoosh import index as whoosh_index

    from indexer.build import MERGE_FACTOR, _merge_small, document
    from search.layout import INDEX_NAME

    index_dir = tmp_path / "index"
    report = build(good_corpus, index_dir)
    generation_dir = index_dir / report.generation
    [(built, eight)] = _segments(generation_dir)
    assert eight == 8
    items = {t.id: t for t in load_corpus(good_corpus).testimonials}
    for _ in range(MERGE_FACTOR + 2):  # more small segments than one tier holds
        ix = whoosh_index.open_dir(str(generation_dir), indexname=INDEX_NAME)
        writer = ix.writer()
        writer.delete_by_term("id", "moussa-boulanger")
        writer.add_document(**document(items["moussa-boulanger"]))
        writer.commit(mergetype=partial(_merge_small, small=5))  # the built segment (8 documents) is "large"
    segments = _segments(generation_dir)
    assert segments[0] == (built, 7), "the large segment was rewritten"
    assert sum(live for _, live in segments) == 8
    assert len(segments) <= MERGE_FACTOR


def test_an_update_reads_again_only_the_segments_it_did_not_share(good_corpus: Path, tmp_path: Path) -> None:
    """Segments hard-linked from the published generation were verified when it was published:
    an update counts their documents without reading their ids again; any other file is read."""
    index_dir = tmp_path / "index"
    report = build(good_corpus, index_dir)
    source = index_dir / report.generation
    tmp = tmp_path / "copy"
    _link_copy(source, tmp)
    segments = {p.stem for p in source.glob("*.seg")}
    assert segments and _shared_segments(tmp, source) == segments
    rewritten = sorted(tmp.glob("*.seg"))[0]
    data = rewritten.read_bytes()
    rewritten.unlink()
    rewritten.write_bytes(data)  # same bytes, another file: not the published one's
    assert _shared_segments(tmp, source) == segments - {rewritten.stem}
    _verify(tmp, 8, verified=segments)
    with pytest.raises(IndexDamaged) as caught:  # trusted segments still count
        _verify(tmp, 9, verified=segments)
    assert "8 témoignages au lieu de 9" in caught.value.message


def test_builds_hand_back_the_objects_they_keep_out_of_the_collector(good_corpus: Path, tmp_path: Path) -> None:
    """A build freezes what was alive before it (gc.freeze) and unfreezes it after, failed or not:
    a server that moderates submissions must not keep objects out of the collector for good."""
    import gc

    index_dir = tmp_path / "index"
    build(good_corpus, index_dir)
    assert gc.get_freeze_count() == 0
    update(good_corpus, index_dir)
    assert gc.get_freeze_count() == 0
    with pytest.raises(Exception):
        build_index([object()], index_dir, labels={})  # type: ignore[list-item]
    assert gc.get_freeze_count() == 0
