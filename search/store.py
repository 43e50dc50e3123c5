"""The only query-side reader of Whoosh: one generation's files, handed out as plain values.

Whoosh is our storage and analysis framework; ranking, phrases, facets and snippets are numpy
code of ours (``search.scoring``, ``search.facets``), for measured reasons (README, Benchmarks).
Everything they need comes from here, as arrays and plain values::

    store = Store(Path("var/index/gen-…"))
    store.size, store.ids[:2], store.column("region")[:2]      # 42, ['aa', 'ab'], ['FR-BRE', 'CA-QC']
    store.postings("conseils", "stag")                          # Postings(docnums=[3 8 …], weights=[…])
    store.positions("metier", "bloc"), store.lengths("metier")  # occurrence keys, field lengths
    store.stored(3)["name"], store.more_like(3, "conseils", top=5)

A generation's files are opened once, when the store is opened: a newer generation may
replace and delete this directory while requests still read it (a withdrawal under traffic),
and they go on reading the open files — Linux keeps an unlinked file's bytes until its last
descriptor closes. Whoosh readers are not thread-safe: a small pool lends one per call.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from search import whoosh_fixes
from search.errors import IndexDamaged, UnsafeIndex
from search.layout import INDEX_NAME, META
from search.lru import Lru, Memo

T = TypeVar("T")

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]

POSITION_BITS = 24
"""Occurrences are keyed ``docnum << 24 | position``: a field holds fewer than 16 M tokens."""
CACHE_POSTINGS = 8_000_000
"""Posting entries (document, weight) kept per generation: at most 64 MB. At 100k documents a
common word has 100,000 postings in each of 7 fields, so a smaller budget thrashes."""
CACHE_POSITIONS = 4_000_000
"""Occurrence keys kept per generation for phrases: at most 32 MB."""
CACHE_ENTRIES = 20_000
"""(field, token) pairs kept, whatever their weight: unknown words weigh nothing but still count."""
MAX_IDLE_READERS = 4
"""Whoosh searchers kept open between calls (each holds some caches of its own)."""


@dataclass(frozen=True)
class Postings:
    docnums: IntArray  # sorted document numbers
    weights: FloatArray  # term frequency x field boost


_EMPTY = Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
_NO_POSITIONS: Int64Array = np.zeros(0, dtype=np.int64)


def check_safe(path: Path) -> None:
    """Refuse an index directory others can write to: Whoosh stores pickles."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid != os.geteuid() and info.st_uid != 0:
        raise UnsafeIndex(
            f"Le dossier d’index {path} n’appartient pas à l’utilisateur du serveur.",
            remedy="Reconstruisez l’index avec le même utilisateur (bloomr index).",
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeIndex(
            f"Le dossier d’index {path} est modifiable par d’autres utilisateurs.",
            remedy=f"Retirez ces droits : chmod go-w {path}",
        )


class HeldStorage(FileStorage):  # type: ignore[misc]
    """A read-only Whoosh storage over the files a directory held when it was opened.

    Each ``open_file`` reopens a held descriptor through ``/proc/self/fd`` (its own offset,
    same bytes), so the directory may be deleted meanwhile.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), readonly=True)
        self._fds: dict[str, int] = {}
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False):
                        self._fds[entry.name] = os.open(entry.path, os.O_RDONLY | os.O_CLOEXEC)
        except BaseException:
            _close_fds(self._fds)
            raise
        self._finalizer = weakref.finalize(self, _close_fds, dict(self._fds))

    def _fd(self, name: str) -> int:
        try:
            return self._fds[name]
        except KeyError:
            raise FileNotFoundError(f"{self.folder}/{name}") from None

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        handle = open(f"/proc/self/fd/{self._fd(name)}", "rb")  # noqa: SIM115 (Whoosh closes it)
        return StructFile(handle, name=name, **kwargs)

    def read_bytes(self, name: str) -> bytes:
        fd = self._fd(name)
        size = os.fstat(fd).st_size
        chunks: list[bytes] = []
        offset = 0
        while offset < size:
            chunk = os.pread(fd, min(size - offset, 1 << 22), offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks)

    def list(self) -> list[str]:
        return list(self._fds)

    def file_exists(self, name: str) -> bool:
        return name in self._fds

    def file_length(self, name: str) -> int:
        return os.fstat(self._fd(name)).st_size

    def file_modified(self, name: str) -> float:
        return os.fstat(self._fd(name)).st_mtime

    def close(self) -> None:
        """Whoosh closes a storage with each reader of a non-compound segment: the files stay
        held until ``release`` (or until the storage is garbage-collected)."""

    def release(self) -> None:
        fds, self._fds = self._fds, {}
        self._finalizer.detach()
        _close_fds(fds)


def _close_fds(fds: Mapping[str, int]) -> None:
    for fd in fds.values():
        try:
            os.close(fd)
        except OSError:
            pass


def _close_all(searchers: list[Searcher]) -> None:
    for searcher in searchers:
        searcher.close()
    searchers.clear()


_DAMAGED = "Reconstruisez l’index (bloomr index) ou revenez à la précédente (bloomr rollback)."


class Store:
    """One generation's Whoosh index, opened once; everything it hands out is a plain value."""

    def __init__(self, path: Path, *, reuse: "Store | None" = None) -> None:
        """Open the generation at ``path``; ``reuse``: the store it replaces, whose values read
        from segments this one shares are taken over instead of read again (an edit or a
        withdrawal copies a generation by hard links and adds one small segment)."""
        self.path = Path(path)
        for place in (self.path.parent, self.path):
            check_safe(place)
        try:
            self._storage = HeldStorage(self.path)
        except OSError as exc:
            raise IndexDamaged(f"La génération {self.path.name} est illisible ({type(exc).__name__}).", remedy=_DAMAGED) from exc
        self._lock = threading.Lock()
        try:
            self.meta: dict[str, Any] = self._json(META, required=True)
            self._ix = FileIndex(self._storage, schema=None, indexname=INDEX_NAME)
            with self._ix.reader() as reader:
                leaves = segment_readers(reader)
                self.segments = tuple(leaf.segment().segment_id() for leaf, _ in leaves)
                self.size = int(reader.doc_count_all())
                self.deleted = np.zeros(self.size, dtype=bool)
                for leaf, offset in leaves:
                    if leaf.has_deletions():
                        gone = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                        self.deleted[offset + gone] = True
                shared = set(self.segments)
                self._per_segment: dict[tuple[str, str], Any] = (
                    {key: value for key, value in reuse._per_segment.items() if key[0] in shared} if reuse else {}
                )
                self._columns: dict[str, list[str]] = {}
                self.ids: list[str] = self._read_column(leaves, "id")
                self.published: IntArray = np.fromiter(
                    (int(v or 0) for v in self._segment_values(leaves, "published", _published)),
                    dtype=np.int32, count=self.size,
                )
        except IndexDamaged:
            self._storage.release()
            raise
        except Exception as exc:  # Whoosh raises many kinds on damaged files; all mean the same here
            self._storage.release()
            raise IndexDamaged(
                f"La génération {self.path.name} est endommagée ({type(exc).__name__}).", remedy=_DAMAGED
            ) from exc
        self._idle: list[Searcher] = []
        self._pool_lock = threading.Lock()
        self._retired = False
        weakref.finalize(self, _close_all, self._idle)
        self._postings: Lru[tuple[str, str], Postings] = Lru(
            CACHE_POSTINGS, lambda p: len(p.docnums), max_entries=CACHE_ENTRIES
        )
        self._positions: Lru[tuple[str, str], Int64Array] = Lru(CACHE_POSITIONS, len, max_entries=CACHE_ENTRIES)
        self._lengths: dict[str, tuple[FloatArray, float]] = {}
        self.memo = Memo()
        """Values derived from the generation's files alone (its lexicon), whatever is hidden."""
        # (fingerprint, value) by key, taken over from the store reused: see ``carry``
        self._carry_lock = threading.Lock()
        self._carried: dict[str, tuple[object, Any]] = reuse.carried() if reuse else {}

    @property
    def name(self) -> str:
        return self.path.name

    # ------------------------------------------------------------------ files of ours

    def _json(self, name: str, *, required: bool = False) -> Any:
        try:
            raw = self._storage.read_bytes(name)
        except FileNotFoundError:
            if required:
                raise IndexDamaged(f"La génération {self.path.name} n’a pas de {name}.", remedy=_DAMAGED) from None
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as exc:
            raise IndexDamaged(f"{name} de la génération {self.path.name} est illisible.", remedy=_DAMAGED) from exc

    def read_json(self, name: str) -> Any:
        """A JSON file of ours in this generation (``words.json``, ``lexicon.json``); None when absent."""
        return self._json(name)

    def carry(self, key: str, fingerprint: object, build: Callable[[], T]) -> T:
        """``build()``, or the value a store this one reuses built for the same ``key`` and an
        equal ``fingerprint`` (what the value is made of). Values derived from a generation are
        built again after an edit although almost all are unchanged: the lexicon (0.35 s at
        100,000 testimonials) and the autocomplete's titles (0.6 s) need not be."""
        with self._carry_lock:
            known = self._carried.get(key)
        if known is not None and known[0] == fingerprint:
            return known[1]  # type: ignore[no-any-return]
        value = build()
        with self._carry_lock:
            self._carried[key] = (fingerprint, value)
        return value

    def carried(self) -> dict[str, tuple[object, Any]]:
        with self._carry_lock:
            return dict(self._carried)

    def digest(self, name: str) -> bytes:
        """A digest of the bytes of our file ``name`` (``b"absent"`` when there is none), read
        once per store (the lexicon's and the autocomplete's fingerprints both use it)."""

        def read() -> bytes:
            try:
                raw = self._storage.read_bytes(name)
            except FileNotFoundError:
                return b"absent"
            return hashlib.blake2b(raw, digest_size=16).digest()

        return self.memo.get(f"digest:{name}", read)

    def from_file(self, name: str, build: Callable[[Any], T]) -> T:
        """``build(read_json(name))``, once per store and carried over while the file's bytes
        are unchanged (``carry``): an edit leaves ``lexicon.json`` as it was."""
        return self.memo.get(f"file:{name}", lambda: self.carry(f"file:{name}", self.digest(name), lambda: build(self._json(name))))

    # ---------------------------------------------------------------------- readers

    @contextmanager
    def _reader(self) -> Iterator[Searcher]:
        with self._pool_lock:
            searcher = self._idle.pop() if self._idle else None
        if searcher is None:
            searcher = self._ix.searcher()
        try:
            yield searcher
        finally:
            with self._pool_lock:
                keep = not self._retired and len(self._idle) < MAX_IDLE_READERS
                if keep:
                    self._idle.append(searcher)
            if not keep:
                searcher.close()

    @contextmanager
    def whoosh_searcher(self) -> Iterator[Searcher]:
        """A pooled Whoosh searcher, for the tests that hold our numpy code against Whoosh's own;
        search code uses the methods of this class instead."""
        with self._reader() as searcher:
            yield searcher

    def close(self) -> None:
        """Retire this store: idle readers close now, lent ones when returned; the files close
        when the last reference goes (requests in flight keep reading them)."""
        with self._pool_lock:
            self._retired = True
            idle = list(self._idle)
            self._idle.clear()
        _close_all(idle)

    def _segment_values(self, leaves: list[tuple[Any, int]], name: str, read: Any) -> list[Any]:
        """``read(segment_reader, name)`` of every segment, in document order; a segment's values
        are read once and shared with the stores that reuse this one (its files never change:
        Whoosh writes a new segment, under a new name, for any change but deletions)."""
        values: list[Any] = []
        for leaf, _ in leaves:
            key = (leaf.segment().segment_id(), name)
            found = self._per_segment.get(key)
            if found is None:
                found = read(leaf, name)
                with self._lock:
                    self._per_segment[key] = found
            values.extend(found)
        return values

    def _read_column(self, leaves: list[tuple[Any, int]], name: str) -> list[str]:
        values = self._segment_values(leaves, name, _texts)
        with self._lock:
            self._columns[name] = values
        return values

    def column(self, name: str) -> list[str]:
        """The text value of a sortable column for every document number (``""`` when absent)."""
        with self._lock:
            found = self._columns.get(name)
        if found is not None:
            return found
        with self._reader() as searcher:
            values = self._read_column(segment_readers(searcher.reader()), name)
        return values

    def coded(self, name: str, *, multi: bool = False) -> tuple[tuple[str, ...], npt.NDArray[Any]]:
        """A text column, dictionary-encoded: its distinct values (sorted, ``""`` left out) and
        each document's code (``-1`` when it has none); with ``multi`` (comma-separated values),
        a documents × values boolean matrix instead of codes. Built from each segment's own
        encoding, which stores that reuse this one share."""
        with self._reader() as searcher:
            leaves = segment_readers(searcher.reader())
            parts = []
            for leaf, offset in leaves:
                key = (leaf.segment().segment_id(), f"{name} coded")
                found = self._per_segment.get(key)
                if found is None:
                    found = _encode(_texts(leaf, name), multi=multi)  # the encoding is kept, not the texts
                    with self._lock:
                        self._per_segment[key] = found
                parts.append((offset, found))
        values = tuple(sorted({v for _, (local, _, _) in parts for v in local}))
        position = {v: i for i, v in enumerate(values)}
        if multi:
            matrix = np.zeros((self.size, len(values)), dtype=bool)
            for offset, (local, docs, codes) in parts:
                lookup = np.asarray([position[v] for v in local], dtype=np.int64)
                matrix[offset + docs, lookup[codes]] = True
            return values, matrix
        out = np.full(self.size, -1, dtype=np.int32)
        for offset, (local, _, codes) in parts:
            lookup = np.asarray([position[v] for v in local] + [-1], dtype=np.int32)  # -1 picks the last: absent
            out[offset : offset + len(codes)] = lookup[codes]
        return values, out

    # --------------------------------------------------------------------- postings

    def postings(self, field: str, token: str) -> Postings:
        """Documents containing ``token`` in ``field`` and its weights; cached, bounded LRU."""
        return self._postings.get((field, token), lambda: self._read_postings(field, token))

    def _read_postings(self, field: str, token: str) -> Postings:
        ids: list[IntArray] = []
        weights: list[FloatArray] = []
        with self._reader() as searcher:
            reader: Any = searcher.reader()
            if (field, token) not in reader:
                return _EMPTY
            for leaf, offset in segment_readers(reader):
                found, weighed = whoosh_fixes.segment_postings(leaf, field, token)
                ids.append((found + offset).astype(np.int32))
                weights.append(weighed)
        docnums, values = np.concatenate(ids), np.concatenate(weights)
        live = ~self.deleted[docnums]  # Whoosh's matcher skipped the deleted documents
        return Postings(docnums[live], values[live])

    def known(self, token: str, fields: Iterable[str]) -> bool:
        """Whether ``token`` occurs in any of ``fields``."""
        return any(len(self.postings(field, token).docnums) for field in fields)

    def positions(self, field: str, token: str) -> Int64Array:
        """Every occurrence of ``token`` in ``field`` as sorted ``docnum << 24 | position`` keys; cached."""
        return self._positions.get((field, token), lambda: self._read_positions(field, token))

    def positions_in(self, field: str, token: str, docnums: IntArray) -> Int64Array:
        """Occurrence keys of ``token`` in ``field`` for the given sorted documents only.

        Not cached: used for stop words inside phrases, whose full position lists (« des »
        occurs millions of times at 100k) would flush every other entry from the cache.
        """
        return self._read_positions(field, token, docnums)

    def _read_positions(self, field: str, token: str, docnums: IntArray | None = None) -> Int64Array:
        keys = array("q")
        with self._reader() as searcher:
            reader: Any = searcher.reader()
            if (field, token) not in reader:
                return _NO_POSITIONS
            matcher = reader.postings(field, token)
            wanted = iter(docnums.tolist()) if docnums is not None else None
            while matcher.is_active():
                if wanted is not None:
                    target = next(wanted, None)
                    if target is None:
                        break
                    if matcher.id() < target:
                        matcher.skip_to(target)
                        if not matcher.is_active():
                            break
                    if matcher.id() != target:
                        continue
                base = matcher.id() << POSITION_BITS
                keys.extend(base + p for p in matcher.value_as("positions"))
                if wanted is None:
                    matcher.next()
        return np.frombuffer(keys, dtype=np.int64).copy()

    def lengths(self, field: str) -> FloatArray:
        """The length of ``field`` in every document, read in bulk once."""
        return self._field_lengths(field)[0]

    def average_length(self, field: str) -> float:
        return self._field_lengths(field)[1]

    def _field_lengths(self, field: str) -> tuple[FloatArray, float]:
        with self._lock:
            found = self._lengths.get(field)
        if found is not None:
            return found
        out = np.zeros(self.size, dtype=np.float32)
        with self._reader() as searcher:
            reader: Any = searcher.reader()
            for segment_reader, offset in segment_readers(reader):
                count = segment_reader.doc_count_all()
                key = (segment_reader.segment().segment_id(), f"{field} lengths")
                lengths = self._per_segment.get(key)
                if lengths is None:
                    lengths = whoosh_fixes.segment_lengths(segment_reader, field, count)
                    with self._lock:
                        self._per_segment[key] = lengths
                out[offset : offset + count] = lengths
            total = float(reader.field_length(field) or 0)
        value = (out, (total / max(self.size, 1)) or 1.0)
        with self._lock:
            self._lengths[field] = value
        return value

    # ------------------------------------------------------------------- documents

    def stored(self, docnum: int) -> Mapping[str, Any]:
        """The stored fields of one document."""
        with self._reader() as searcher:
            return dict(searcher.stored_fields(docnum))

    def more_like(self, docnum: int, field: str, *, top: int) -> list[int]:
        """Document numbers most similar to ``docnum`` by the key terms of ``field`` (Whoosh's Bo1)."""
        with self._reader() as searcher:
            return [int(hit.docnum) for hit in searcher.more_like(docnum, field, top=top)]

    def cache_figures(self) -> dict[str, int]:
        """Entries and weights of the caches (for benchmarks and tests)."""
        return {
            "postings_entries": len(self._postings),
            "postings_weight": self._postings.size,
            "positions_entries": len(self._positions),
            "positions_weight": self._positions.size,
        }


def segment_readers(reader: Any) -> list[tuple[Any, int]]:
    """(segment reader, its first document number) of each segment of ``reader``."""
    return [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())


def _texts(segment_reader: Any, name: str) -> list[str]:
    """A text column of one segment (``""`` when a document has no value)."""
    return [v.decode("utf-8") if isinstance(v, bytes) else (v if isinstance(v, str) else "")
            for v in segment_reader.column_reader(name)]


Encoded = tuple[tuple[str, ...], npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""One segment's column, dictionary-encoded: (its distinct values, documents, codes)."""


def _encode(texts: list[str], *, multi: bool) -> Encoded:
    """``(values, docs, codes)``: single-valued, ``codes[d]`` indexes ``values`` (-1: none) and
    ``docs`` is empty; multi-valued (comma-separated), document ``docs[i]`` has ``values[codes[i]]``."""
    if multi:
        pairs = [(d, x) for d, text in enumerate(texts) if text for x in text.split(",") if x]
        local = tuple(sorted({x for _, x in pairs}))
        position = {v: i for i, v in enumerate(local)}
        docs = np.fromiter((d for d, _ in pairs), dtype=np.int64, count=len(pairs))
        codes = np.fromiter((position[x] for _, x in pairs), dtype=np.int64, count=len(pairs))
        return local, docs, codes
    local = tuple(sorted({v for v in texts if v}))
    position = {v: i for i, v in enumerate(local)}
    codes = np.fromiter((position.get(v, -1) for v in texts), dtype=np.int64, count=len(texts))
    return local, np.zeros(0, dtype=np.int64), codes


def _published(segment_reader: Any, name: str) -> list[Any]:
    return list(segment_reader.column_reader(name))
