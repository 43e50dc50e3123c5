"""The two engines under test, each answering a query with plain JSON-like data.

``Bloomr`` builds a fresh index of the corpus in a temporary directory (with ``BLOOMR_ROME``
unset: the product runs without the ROME export; ``BLOOMR_CORPUS`` set to that corpus) and answers with
``search(generation, text).to_dict()``, the JSON of ``bloomr search --json``, so that keys added
later (``understood``) are judged without changing this file. ``Fts5`` is the reference of
``bench/fts5.py`` on the same testimonials; it has no query understanding::

    with Bloomr(Path("corpus")) as engine:
        engine.answer("infirmière")  # {"hits": [{"id": …, "profession": …, "rome": …}, …], …}
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.fts5 import Fts5 as Fts5Database
from bench.relevance.corpus import CorpusView
from indexer.pipeline import index_corpus
from search.errors import BloomrError
from search.generation import Generation
from search.index import IndexHandle
from search.query import search


@contextmanager
def product_env(corpus_dir: Path) -> Iterator[None]:
    """The environment the product runs in: ``BLOOMR_ROME`` unset, ``BLOOMR_CORPUS`` the corpus
    under test (should the engine read knowledge from it at query time); restored after."""
    saved = {name: os.environ.get(name) for name in ("BLOOMR_ROME", "BLOOMR_CORPUS")}
    os.environ.pop("BLOOMR_ROME", None)
    os.environ["BLOOMR_CORPUS"] = str(corpus_dir)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Bloomr:
    name = "bloomr"
    understands = True

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self._tmp = tempfile.TemporaryDirectory(prefix="bloomr-relevance-")
        self._generation: Generation | None = None

    def __enter__(self) -> "Bloomr":
        index_dir = Path(self._tmp.name) / "index"
        with product_env(self.corpus_dir):
            index_corpus(self.corpus_dir, index_dir)
        self._generation = IndexHandle(index_dir).current()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._generation is not None:
            self._generation.store.close()
        self._tmp.cleanup()

    def answer(self, text: str) -> dict[str, Any]:
        if self._generation is None:
            raise RuntimeError("Bloomr answers inside `with Bloomr(corpus) as engine:`")
        with product_env(self.corpus_dir):
            try:
                return search(self._generation, text).to_dict()
            except BloomrError as exc:  # a query the engine refuses is an answer with no hit
                return {"hits": [], "total": 0, "error": str(exc)}


class Fts5:
    name = "fts5"
    understands = False

    def __init__(self, view: CorpusView) -> None:
        self.view = view
        self._tmp = tempfile.TemporaryDirectory(prefix="bloomr-relevance-fts5-")
        self._db: Fts5Database | None = None

    def __enter__(self) -> "Fts5":
        self._db = Fts5Database(Path(self._tmp.name) / "fts5.db")
        self._db.build(self.view.testimonials)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._db is not None:
            self._db.close()
        self._tmp.cleanup()

    def answer(self, text: str) -> dict[str, Any]:
        if self._db is None:
            raise RuntimeError("Fts5 answers inside `with Fts5(view) as engine:`")
        hits = [self._hit(doc) for doc, _ in self._db.top10(text, {})]
        return {"hits": hits}

    def _hit(self, doc: str) -> Mapping[str, str]:
        return {"id": doc, "profession": self.view.profession.get(doc, ""), "rome": self.view.rome.get(doc, "")}
