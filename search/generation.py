"""``Generation``: one opened index generation, as an immutable value, withdrawals applied.

What a search needs that is keyed on document numbers: the id of each document, its facet
codes as numpy columns, its date, which documents are live. A generation never changes once
opened; withdrawals recorded in the ledger after it was built are applied by ``hide``, which
returns a new value sharing the heavy parts (``IndexHandle`` swaps it in under its lock)::

    generation = open_generation(Path("var/index/gen-…"))
    later = generation.hide(frozenset({"audrey-consultante"}))
    later.count == generation.count - 1, later.store is generation.store   # True, True

``memo`` holds values derived from this one (vocabulary, autocomplete titles, phrase masks):
they are computed on first use and die with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
import numpy as np
import numpy.typing as npt

from search.facet_specs import FACETS
from search.lru import Memo
from search.store import BoolArray, IntArray, Store


@dataclass(frozen=True, eq=False)
class FacetColumn:
    """Facet codes per document number: ``values[codes[docnum]]`` is the document's value.

    Single-valued facets use ``codes`` (-1 when absent); the multi-valued theme facet uses
    ``matrix`` (documents x values) instead.
    """

    name: str
    values: tuple[str, ...]
    codes: IntArray | None = None
    matrix: BoolArray | None = None
    positions: Mapping[str, int] = field(default_factory=dict)  # value -> its index in ``values``

    def __post_init__(self) -> None:
        if not self.positions:
            object.__setattr__(self, "positions", {v: i for i, v in enumerate(self.values)})

    def index_of(self, value: str) -> int:
        return self.positions.get(value, -1)

    def mask(self, selected: list[str] | tuple[str, ...]) -> BoolArray:
        """Documents having any of ``selected`` (OR within a facet)."""
        positions = [p for p in (self.index_of(v) for v in selected) if p >= 0]
        if self.matrix is not None:
            if not positions:
                return np.zeros(self.matrix.shape[0], dtype=bool)
            return np.asarray(self.matrix[:, positions].any(axis=1))
        assert self.codes is not None
        if not positions:
            return np.zeros(self.codes.shape[0], dtype=bool)
        lookup = np.zeros(len(self.values) + 1, dtype=bool)  # code -1 (no value) reads the last: False
        lookup[positions] = True
        return lookup[self.codes]  # a table lookup per document: np.isin sorted them on each search

    def sums(self, mask: BoolArray) -> npt.NDArray[np.int64]:
        """``sums[i]``: how many documents in ``mask`` have ``values[i]``."""
        if self.matrix is not None:
            return np.asarray(self.matrix[mask].sum(axis=0), dtype=np.int64)
        assert self.codes is not None
        codes = self.codes[mask]
        return np.bincount(codes[codes >= 0], minlength=len(self.values)).astype(np.int64)

    def counts(self, mask: BoolArray) -> dict[str, int]:
        """Count of each value among the documents in ``mask``."""
        sums = self.sums(mask)
        values = self.values
        return {values[i]: int(sums[i]) for i in np.flatnonzero(sums).tolist()}  # in the values' order

    def value_of(self, docnum: int) -> str:
        """The (first) value of one document, ``""`` when it has none."""
        if self.matrix is not None:
            found = np.flatnonzero(self.matrix[docnum])
            return self.values[int(found[0])] if len(found) else ""
        assert self.codes is not None
        code = int(self.codes[docnum])
        return self.values[code] if code >= 0 else ""


@dataclass(frozen=True, eq=False)
class Generation:
    store: Store
    name: str
    created: str
    labels: Mapping[str, Mapping[str, str]]
    parents: Mapping[str, Mapping[str, str]]
    columns: Mapping[str, FacetColumn]
    size: int
    ids: list[str]
    published: IntArray
    built_live: BoolArray  # live when built (Whoosh deletions applied)
    built_withdrawn: frozenset[str]  # withdrawn when built (recorded in bloomr.json)
    hidden: frozenset[str] = frozenset()  # withdrawn since, from the ledger
    paused: frozenset[str] = frozenset()  # paused by their volunteers (search.pauses)
    live: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    docnum: Mapping[str, int] = field(default_factory=dict)  # live documents by id
    memo: Memo = field(default_factory=Memo)
    short: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Short labels in a youth's words, ``{"sector": {"M": "Informatique, gestion, marketing"},
    "theme": {"reseau": "le réseau"}}`` (generations built before they existed have none)."""

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def count(self) -> int:
        """Live documents: what a visitor can find."""
        return int(np.count_nonzero(self.live))

    @property
    def withdrawn(self) -> frozenset[str]:
        return self.built_withdrawn | self.hidden

    def label(self, facet: str, value: str) -> str:
        return self.labels.get(facet, {}).get(value, value)

    def short_label(self, facet: str, value: str) -> str:
        """The short label of a value, else its label: ``short_label("sector", "E") == "Communication et médias"``."""
        return self.short.get(facet, {}).get(value) or self.label(facet, value)

    def parent(self, facet: str, value: str) -> str | None:
        return self.parents.get(facet, {}).get(value)

    def hide(self, withdrawn: frozenset[str], paused: frozenset[str] = frozenset()) -> "Generation":
        """This generation with the documents withdrawn or paused since it was built hidden
        (a new value sharing the store and columns; this one is unchanged)."""
        if withdrawn == self.hidden and paused == self.paused:
            return self
        gone = withdrawn | paused
        live = self.built_live.copy()
        for n, doc_id in enumerate(self.ids):
            if doc_id in gone:
                live[n] = False
        return replace(self, hidden=withdrawn, paused=paused, live=live, docnum=_docnums(self.ids, live), memo=Memo())


def _facet_column(store: Store, name: str, column: str, multi: bool) -> FacetColumn:
    values, coded = store.coded(column, multi=multi)
    return FacetColumn(name=name, values=values, matrix=coded) if multi else FacetColumn(name=name, values=values, codes=coded)


def _docnums(ids: list[str], live: BoolArray) -> dict[str, int]:
    return {doc_id: n for n, doc_id in enumerate(ids) if live[n] and doc_id}


def open_generation(path: Path, *, reuse: Generation | None = None) -> Generation:
    """Open the generation at ``path``; IndexDamaged or UnsafeIndex when it cannot be served.
    ``reuse``: the generation it replaces, whose segments' values it may share (``Store``)."""
    store = Store(path, reuse=reuse.store if reuse is not None else None)
    meta = store.meta
    labels = meta.get("labels", {}) if isinstance(meta.get("labels"), dict) else {}
    facet_labels = {spec.name: dict(labels.get(spec.name, {})) for spec in FACETS}
    parents = {k: dict(v) for k, v in dict(labels.get("parents", {})).items()}
    short = {k: dict(v) for k, v in dict(labels.get("short", {})).items() if isinstance(v, dict)}
    columns = {spec.name: _facet_column(store, spec.name, spec.column, spec.multi) for spec in FACETS}
    live = ~store.deleted
    return Generation(
        store=store,
        name=store.name,
        created=str(meta.get("created", "")),
        labels=facet_labels,
        parents=parents,
        columns=columns,
        size=store.size,
        ids=store.ids,
        published=store.published,
        built_live=live,
        built_withdrawn=frozenset(meta.get("withdrawn", [])),
        live=live,
        docnum=_docnums(store.ids, live),
        short=short,
    )
