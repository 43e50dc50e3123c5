"""Compound segments are read in place: same results, no private copy of the postings."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

from whoosh.filedb import compound

from search.index import IndexHandle
from search.whoosh_fixes import ViewFile, _ViewIO


def test_compound_storage_opens_sub_files_as_views(index_dir: Path) -> None:
    assert compound.BufferFile is ViewFile
    generation = IndexHandle(index_dir).current()
    with generation.store.whoosh_searcher() as searcher:
        assert searcher.doc_count() == generation.count


def test_view_io_reads_like_bytesio() -> None:
    data = b"line one\nline two\n" + pickle.dumps({"a": [1, 2, 3]}) + b"tail"
    view, reference = _ViewIO(memoryview(data)), io.BytesIO(data)
    for step in ("readline", "readline", "pickle", "read4", "read_rest"):
        if step == "readline":
            assert view.readline() == reference.readline()
        elif step == "pickle":
            assert pickle.load(view) == pickle.load(reference)  # type: ignore[arg-type]
        elif step == "read4":
            assert view.read(4) == reference.read(4)
        else:
            assert view.read() == reference.read() == b""
        assert view.tell() == reference.tell()
    assert view.seek(-4, io.SEEK_END) == reference.seek(-4, io.SEEK_END)
    target = bytearray(10)
    assert view.readinto(target) == 4 and bytes(target[:4]) == b"tail"


def test_subset_is_a_view_too() -> None:
    whole = ViewFile(memoryview(b"0123456789"), name="x")
    part = whole.subset(2, 5)
    assert isinstance(part, ViewFile) and part.read(5) == b"23456"


def test_postings_read_by_blocks_are_whoosh_s_own(good_corpus: Path, tmp_path: Path) -> None:
    """Every term of every text field, on an index of several segments with a deleted document:
    the postings the store reads a block at a time (search.whoosh_fixes.segment_postings) are
    those Whoosh's matcher hands out one by one, deleted documents left out."""
    import dataclasses

    import numpy as np

    from indexer.build import build_index, update_index
    from indexer.corpus import load_corpus
    from indexer.taxonomy import load_taxonomy
    from search.schema import TEXT_FIELDS

    index_dir = tmp_path / "index"
    items = list(load_corpus(good_corpus).testimonials)
    labels = load_taxonomy(good_corpus / "taxonomy").labels()
    build_index(items, index_dir, labels=labels)
    edited = dataclasses.replace(items[0], content_hash="edited")
    update_index([edited] + items[1:], index_dir, labels=labels)
    store = IndexHandle(index_dir).current().store
    assert len(store.segments) == 2 and store.deleted.sum() == 1
    checked = 0
    with store.whoosh_searcher() as searcher:
        reader = searcher.reader()
        for field in TEXT_FIELDS:
            for token in {text for text in reader.field_terms(field)}:
                matcher = reader.postings(field, token)
                ids, weights = [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
                found = store.postings(field, token)
                assert found.docnums.tolist() == ids, (field, token)
                assert np.allclose(found.weights, np.asarray(weights, dtype=np.float32)), (field, token)
                checked += 1
    assert checked > 300
