"""Everything of Bloomr that reaches into Whoosh-Reloaded 2.7.5's internals, in one file.

- ``ViewFile`` (a fix, applied when ``search`` is imported): compound segments read in place.
- ``segment_lengths``: a segment's field lengths in one read of its length column.
- ``segment_prefixes``: the file-name prefixes of an index's segments (checking a new generation).
- ``segment_postings``: a term's postings in one segment as arrays, a block at a time.
- ``TrackingStorage``: a storage that closes the files Whoosh leaks when a segment is damaged.

``tests/test_whoosh_fixes.py`` fails when Whoosh changes under any of them.

Whoosh memory-maps a compound segment file, then opens each sub-file as
``BufferFile(memoryview)``, whose constructor copies the view into a ``BytesIO``: every
reader of a 100,000-testimonial index held 386 MB of postings in private memory, and each
pooled searcher another copy. ``ViewFile`` reads the memory map in place instead, so the
data stays in the page cache, shared by every searcher and every worker process.

Kept here, in one place, so that the day we leave Whoosh there is one file to delete.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.filedb import compound
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

_BYTE_LENGTHS = np.asarray([byte_to_length(i) for i in range(256)], dtype=np.float32)


class _ViewIO:
    """A read-only, seekable file over a memoryview, without copying it."""

    def __init__(self, view: Any) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        data = bytes(self._view[self._pos : end])
        self._pos = end
        return data

    def readline(self, size: int | None = -1) -> bytes:
        limit = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        end = self._pos
        while end < limit:
            chunk = bytes(self._view[end : min(limit, end + 256)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        data = bytes(self._view[self._pos : end])
        self._pos = end
        return data

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += len(self._view)
        self._pos = max(0, offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


class ViewFile(BufferFile):  # type: ignore[misc]
    """``BufferFile`` reading its memoryview in place (same interface, no BytesIO copy)."""

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = _ViewIO(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> "ViewFile":
        return ViewFile(self._buf[position : position + length], name=name or self._name)


def segment_lengths(segment_reader: Any, field: str, count: int) -> npt.NDArray[np.float32]:
    """All field lengths of one segment from its byte-coded length column (Whoosh 2.7 codec);
    document by document when the codec has no such column."""
    try:
        column = segment_reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    except AttributeError:
        column = None
    if column is not None:
        raw = np.fromiter((int(b) for b in column), dtype=np.int64, count=count)
        lengths: npt.NDArray[np.float32] = _BYTE_LENGTHS[raw]
        return lengths
    return np.asarray([segment_reader.doc_field_length(d, field) for d in range(count)], dtype=np.float32)


def segment_postings(segment_reader: Any, field: str, token: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """(document numbers in the segment, weights) of ``token`` in ``field``, deleted documents
    included (the caller masks them); empty arrays when the segment lacks the term.

    Whoosh's matcher hands out one posting per call (``id()``, ``weight()``, ``next()``): a common
    word's 30,000 postings at 100,000 testimonials took 0.3 s of a results page the first time.
    Its posting file is a chain of blocks, each a pickled (delta-coded ids, weights) tuple:
    read here a block at a time with numpy, as ``W3LeafMatcher`` would decode them.
    """
    if (field, token) not in segment_reader:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    matcher = segment_reader.postings(field, token)
    if isinstance(matcher, FilterMatcher):  # the deletions filter (the caller masks them)…
        matcher = matcher.child
        matcher.reset()  # … had moved it past the first deleted documents
    if type(matcher) is not W3LeafMatcher:  # another codec: the matcher's own way
        ids_list: list[int] = []
        weights_list: list[float] = []
        while matcher.is_active():
            ids_list.append(matcher.id())
            weights_list.append(matcher.weight())
            matcher.next()
        return np.asarray(ids_list, dtype=np.int64), np.asarray(weights_list, dtype=np.float32)
    ids: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float32]] = []
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        count = matcher._blocklength
        block = np.asarray(raw_ids, dtype=np.int64)
        ids.append(block if matcher._byteids else np.cumsum(block))
        if raw_weights is None:
            weights.append(np.ones(count, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weights.append(np.full(count, raw_weights, dtype=np.float32))
        else:
            weights.append(np.asarray(raw_weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def segment_prefixes(ix: Any) -> tuple[str, ...]:
    """``("MAIN_a1b2c3.",  …)``: every file of a segment starts with one of these."""
    return tuple(f"{segment.segment_id()}." for segment in ix._segments())


class TrackingStorage(FileStorage):  # type: ignore[misc]
    """A read-only FileStorage that remembers the files it opened: on a damaged segment Whoosh
    fails half-way through opening it and leaks the file (``CompoundStorage.__init__``)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)
        self.opened: list[StructFile] = []

    def open_file(self, name: str, **kwargs: object) -> StructFile:
        handle: StructFile = super().open_file(name, **kwargs)
        self.opened.append(handle)
        return handle

    def close_leaked(self) -> None:
        for handle in self.opened:
            if not handle.is_closed:
                handle.close()


def apply() -> None:
    """Make compound segments open their sub-files as ``ViewFile`` (idempotent)."""
    compound.BufferFile = ViewFile


apply()
