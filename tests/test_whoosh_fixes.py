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
