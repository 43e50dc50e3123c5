"""One fix to Whoosh-Reloaded 2.7.5 that Bloomr depends on, applied when ``search`` is imported.

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

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


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


def apply() -> None:
    """Make compound segments open their sub-files as ``ViewFile`` (idempotent)."""
    compound.BufferFile = ViewFile


apply()
