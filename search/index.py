"""The reader side of the index directory: follow ``current``, cache per generation.

``IndexHandle(index_dir).current()`` returns the serving ``Generation``. Each call reads
the ``current`` symlink (one ``readlink``); when a new generation was switched in, it is
opened and the old one is released, so the web app and the CLI notice a rebuild, an
update or a withdrawal without a restart.

A ``Generation`` holds everything that is keyed on Whoosh document numbers and must be
rebuilt with it: the id of each document, its facet codes as numpy arrays, its date.
Whoosh searchers are not thread-safe: each thread gets its own, per generation.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from search.errors import IndexDamaged, IndexMissing, UnsafeIndex
from search.schema import FACET_COLUMNS

INDEX_NAME = "MAIN"
LEDGER = "withdrawals.log"
"""JSON Lines ``{id, time}`` of withdrawals, written by ``bloomr withdraw`` before it purges."""
CURRENT = "current"
PREVIOUS = "previous"
META = "bloomr.json"

T = TypeVar("T")
MAX_IDLE_SEARCHERS = 4
"""Searchers kept open per generation between requests."""
logger = logging.getLogger("bloomr.index")
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class FacetColumn:
    """Facet codes per document number: ``values[codes[docnum]]`` is the document's value.

    Single-valued facets use ``codes`` (-1 when absent); the multi-valued theme facet uses
    ``matrix`` (documents x values) instead.
    """

    name: str
    values: tuple[str, ...]
    codes: IntArray | None = None
    matrix: BoolArray | None = None

    def index_of(self, value: str) -> int:
        try:
            return self.values.index(value)
        except ValueError:
            return -1

    def mask(self, selected: list[str]) -> BoolArray:
        """Documents having any of ``selected`` (OR within a facet)."""
        positions = [self.index_of(v) for v in selected]
        positions = [p for p in positions if p >= 0]
        if self.matrix is not None:
            if not positions:
                return np.zeros(self.matrix.shape[0], dtype=bool)
            return np.asarray(self.matrix[:, positions].any(axis=1))
        assert self.codes is not None
        if not positions:
            return np.zeros(self.codes.shape[0], dtype=bool)
        return np.isin(self.codes, np.asarray(positions, dtype=np.int32))

    def counts(self, mask: BoolArray) -> dict[str, int]:
        """Count of each value among the documents in ``mask``."""
        if self.matrix is not None:
            sums = self.matrix[mask].sum(axis=0)
        else:
            assert self.codes is not None
            codes = self.codes[mask]
            sums = np.bincount(codes[codes >= 0], minlength=len(self.values))
        return {value: int(sums[i]) for i, value in enumerate(self.values) if sums[i]}


def _column_values(reader: Any, field: str, size: int) -> list[str]:
    column = reader.column_reader(field)
    out: list[str] = []
    for docnum in range(size):
        raw = column[docnum]
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        out.append(raw if isinstance(raw, str) else "")
    return out


def _single_column(name: str, raw: list[str]) -> FacetColumn:
    values = tuple(sorted({v for v in raw if v}))
    position = {v: i for i, v in enumerate(values)}
    codes = np.fromiter((position.get(v, -1) for v in raw), dtype=np.int32, count=len(raw))
    return FacetColumn(name=name, values=values, codes=codes)


def _multi_column(name: str, raw: list[str]) -> FacetColumn:
    split = [[x for x in v.split(",") if x] for v in raw]
    values = tuple(sorted({x for xs in split for x in xs}))
    position = {v: i for i, v in enumerate(values)}
    matrix = np.zeros((len(raw), max(len(values), 1)), dtype=bool)[:, : len(values)]
    for docnum, xs in enumerate(split):
        for x in xs:
            matrix[docnum, position[x]] = True
    return FacetColumn(name=name, values=values, matrix=matrix)


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


def read_ledger(index_dir: Path) -> frozenset[str]:
    """Ids in ``withdrawals.log`` (JSON Lines ``{id, time}``); unreadable lines are skipped."""
    path = index_dir / LEDGER
    ids: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return frozenset()
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            ids.add(record["id"])
    return frozenset(ids)


def _warm(generation: "Generation") -> None:
    """Load a new generation's per-field lengths, vocabulary and profession list in the
    background, so the first visitors after a switch don't pay for it (about 1 s at 100k)."""
    from search.schema import TEXT_FIELDS
    from search.scoring import postings_cache
    from search.suggest import professions
    from search.vocabulary import vocabulary

    try:
        cache = postings_cache(generation)
        for field in TEXT_FIELDS:
            cache.lengths(field)
        vocabulary(generation)
        professions(generation)
    except Exception:  # a warm-up is an optimisation: any failure shows on the real request
        logger.debug("warm-up of %s failed", generation.name, exc_info=True)


def _close_searchers(searchers: list[Searcher]) -> None:
    for searcher in searchers:
        searcher.close()
    searchers.clear()


class Generation:
    """One opened, immutable index generation and its caches."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        for place in (path.parent, path):
            check_safe(place)
        try:
            with open(path / META, encoding="utf-8") as handle:
                self.meta: dict[str, Any] = json.load(handle)
            self.ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
            reader = self.ix.reader()
            try:
                self._load(reader)
            finally:
                reader.close()
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise IndexDamaged(
                f"La génération {path.name} est illisible ({type(exc).__name__}).",
                remedy="Reconstruisez l’index (bloomr index) ou revenez à la précédente (bloomr rollback).",
            ) from exc
        except Exception as exc:  # Whoosh raises many kinds on damaged files; all mean the same here
            raise IndexDamaged(
                f"La génération {path.name} est endommagée ({type(exc).__name__}).",
                remedy="Reconstruisez l’index (bloomr index) ou revenez à la précédente (bloomr rollback).",
            ) from exc
        labels = self.meta.get("labels", {})
        self.labels: dict[str, dict[str, str]] = {
            facet: dict(labels.get(facet, {})) for facet in ("sector", "profession", "country", "region", "theme")
        }
        parents = labels.get("parents", {})
        self.parents: dict[str, dict[str, str]] = {k: dict(v) for k, v in parents.items()}
        self.withdrawn: frozenset[str] = frozenset(self.meta.get("withdrawn", []))
        self._base_live = self.live
        self._base_withdrawn = self.withdrawn
        self._hidden: frozenset[str] = frozenset()
        self._idle: list[Searcher] = []
        self._pool_lock = threading.Lock()
        self._retired = False
        # A generation dropped without close() still closes its idle searchers' files.
        weakref.finalize(self, _close_searchers, self._idle)
        self._cache: dict[str, Any] = {}
        self._cache_lock = threading.Lock()

    def _load(self, reader: Any) -> None:
        size = int(reader.doc_count_all())
        self.size = size
        live = np.ones(size, dtype=bool)
        if reader.has_deletions():
            for docnum in range(size):
                if reader.is_deleted(docnum):
                    live[docnum] = False
        self.live: BoolArray = live
        self.ids: list[str] = _column_values(reader, "id", size)
        self.docnum: dict[str, int] = {doc_id: n for n, doc_id in enumerate(self.ids) if live[n] and doc_id}
        published = reader.column_reader("published")
        self.published: IntArray = np.fromiter(
            (int(published[n] or 0) for n in range(size)), dtype=np.int32, count=size
        )
        self.columns: dict[str, FacetColumn] = {}
        for facet, field in FACET_COLUMNS.items():
            raw = _column_values(reader, "theme_key" if facet == "theme" else field, size)
            self.columns[facet] = (_multi_column if facet == "theme" else _single_column)(facet, raw)
        self.count = int(live.sum())

    def hide(self, ids: frozenset[str]) -> None:
        """Hide withdrawn ids at once, before the purge rewrites the segments.

        ``bloomr withdraw`` appends to the ledger first; readers apply it on their next
        request, so a withdrawn testimonial disappears from results, facets, suggestions
        and its page even while its generation is being rewritten.
        """
        if ids == self._hidden:
            return
        live = self._base_live.copy()
        for doc_id in ids:
            n = self.docnum.get(doc_id)
            if n is None:
                n = next((i for i, x in enumerate(self.ids) if x == doc_id and self._base_live[i]), None)
            if n is not None:
                live[n] = False
        with self._cache_lock:
            self._cache.pop("professions", None)
        self.docnum = {doc_id: n for n, doc_id in enumerate(self.ids) if live[n] and doc_id}
        self.withdrawn = self._base_withdrawn | ids
        self.count = int(live.sum())
        self.live = live
        self._hidden = ids

    @property
    def created(self) -> str:
        return str(self.meta.get("created", ""))

    def label(self, facet: str, value: str) -> str:
        return self.labels.get(facet, {}).get(value, value)

    def parent(self, facet: str, value: str) -> str | None:
        return self.parents.get(facet, {}).get(value)

    def cached(self, key: str, build: Callable[["Generation"], T]) -> T:
        """A per-generation value built once (vocabulary, profession list…); dies with the generation."""
        try:
            return self._cache[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._cache_lock:
            if key not in self._cache:
                self._cache[key] = build(self)
            return self._cache[key]  # type: ignore[no-any-return]

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher from this generation's small pool, for one thread at a time.

        Whoosh searchers are not thread-safe, and each holds tens of megabytes of caches at
        100k documents: a pool reuses a few across threads instead of one per thread.
        """
        with self._pool_lock:
            searcher = self._idle.pop() if self._idle else None
        if searcher is None:
            searcher = self.ix.searcher()
        try:
            yield searcher
        finally:
            with self._pool_lock:
                keep = not self._retired and len(self._idle) < MAX_IDLE_SEARCHERS
                if keep:
                    self._idle.append(searcher)
            if not keep:
                searcher.close()

    def close(self) -> None:
        """Retire this generation: close its idle searchers now, in-flight ones when returned,
        so a replaced (possibly deleted) generation's files are not held open."""
        with self._pool_lock:
            self._retired = True
            idle = list(self._idle)
            self._idle.clear()
        _close_searchers(idle)

    def stored(self, docnum: int) -> Mapping[str, Any]:
        with self.searcher() as searcher:
            return searcher.stored_fields(docnum)  # type: ignore[no-any-return]


class IndexHandle:
    """Follows the ``current`` pointer of an index directory (``IndexHandle(Path("var/index"))``)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self.damaged: str | None = None  # a damaged ``current`` generation, while ``previous`` serves instead
        self._ledger_stamp: tuple[int, int] | None = None
        self._ledger_ids: frozenset[str] = frozenset()

    def _withdrawn(self) -> frozenset[str]:
        """Ids in the withdrawal ledger, re-read only when the file changed (one stat per call)."""
        path = self.index_dir / LEDGER
        try:
            info = path.stat()
        except FileNotFoundError:
            return frozenset()
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != self._ledger_stamp:
            self._ledger_ids = read_ledger(self.index_dir)
            self._ledger_stamp = stamp
        return self._ledger_ids

    def current(self) -> Generation:
        """The serving generation, reopened when the pointer moved, withdrawals applied; IndexMissing if none."""
        generation = self._current()
        generation.hide(self._withdrawn())
        return generation

    def _current(self) -> Generation:
        try:
            target = os.readlink(self.index_dir / CURRENT)
        except OSError:
            raise IndexMissing(
                "L’index de recherche n’est pas encore construit.",
                remedy="Un responsable doit lancer : bloomr index",
            ) from None
        name = os.path.basename(target)
        generation = self._generation
        if generation is not None and name in (generation.name, self.damaged):
            return generation
        with self._lock:
            generation = self._generation
            if generation is not None and name in (generation.name, self.damaged):
                return generation
            try:
                opened = Generation(self.index_dir / name)
            except IndexDamaged as exc:
                opened = self._fallback(name, exc)
            else:
                self.damaged = None
            if generation is not None and generation is not opened:
                generation.close()
            self._generation = opened
            threading.Thread(target=_warm, args=(opened,), name=f"warm-{name}", daemon=True).start()
            return opened

    def _fallback(self, name: str, exc: IndexDamaged) -> Generation:
        """``current`` is damaged: serve ``previous`` (if it opens), say so in the log, remember it."""
        try:
            previous = os.path.basename(os.readlink(self.index_dir / PREVIOUS))
            if previous == name:
                raise exc
            opened = Generation(self.index_dir / previous)
        except (OSError, IndexDamaged):
            raise exc from None
        logger.warning(
            "génération en service %s endommagée (%s) ; la précédente %s est servie à sa place — %s",
            name, exc.message, previous, exc.remedy,
        )
        self.damaged = name
        return opened

    def generation_name(self) -> str | None:
        try:
            return os.path.basename(os.readlink(self.index_dir / CURRENT))
        except OSError:
            return None
