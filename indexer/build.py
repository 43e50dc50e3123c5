"""Write index generations with Whoosh: full builds, incremental updates, purges.

``build_index(testimonials, index_dir, labels=...)`` writes a new generation beside the
serving one, fsyncs it, checks that it opens with the expected count, then switches
``current`` atomically and keeps the previous generation for rollback. Readers never
see a half-built index: they only follow the ``current`` pointer.

This module is the only writer of Whoosh; ``search.store`` is the only reader.
"""

from __future__ import annotations

import functools
import gc
import os
import shutil
from contextlib import contextmanager
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer import generations as gens
from indexer.lexicon import write_lexicon
from indexer.model import Testimonial
from search.errors import BuildFailed, IndexDamaged, IndexMissing
from search.layout import CURRENT, GENERATION_FILES, INDEX_NAME, META, PREVIOUS, SOURCES, TMP_PREFIX
from search.schema import bloomr_schema
from search.store import segment_readers
from search.vocabulary import read_counts, stored_words, surface_words, write_counts
from search.whoosh_fixes import TrackingStorage, segment_prefixes

F = TypeVar("F", bound=Callable[..., Any])

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called while documents are written."""

SEGMENT_DOCS = 10_000
"""Documents per segment of a full build."""
SMALL_SEGMENT_DOCS = 1_000
"""Segments below this size (the ones updates add) are merged by ``_merge_small``; larger ones never
are by an update: Whoosh's default policy once merged a 100,000-document index whole on the second
edit (8 minutes)."""
MERGE_FACTOR = 10
"""Small segments of one size tier (1–9, 10–99, 100–999 live documents) merged together."""


@dataclass(frozen=True)
class BuildReport:
    """What a build, update or purge did; printed by the CLI as a summary."""

    generation: str
    indexed: int
    withdrawn_skipped: int
    duration_s: float
    size_bytes: int
    previous: str | None = None
    added: int = 0
    changed: int = 0
    removed: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)
    cleaned: tuple[str, ...] = field(default_factory=tuple)

    @property
    def docs_per_s(self) -> float:
        return self.indexed / self.duration_s if self.duration_s > 0 else 0.0


def document(t: Testimonial) -> dict[str, object]:
    """The Whoosh fields of one testimonial."""
    return {
        "id": t.id,
        "name": t.name,
        "profession": t.profession,
        "rome_label": t.rome_label,
        "metier": t.sections.metier,
        "parcours": t.sections.parcours,
        "passion": t.sections.passion,
        "conseils": t.sections.conseils,
        "sector": t.sector,
        "rome": t.rome,
        "country": t.country,
        "region": t.region,
        "themes": ",".join(t.themes),
        "theme_key": ",".join(t.themes),
        "published": int(t.published.strftime("%Y%m%d")),
        "themes_declared": t.themes_declared,
        "profession_text": t.profession.encode("utf-8"),
    }


def _words(t: Testimonial) -> list[str]:
    """The words a testimonial adds to the vocabulary: those of its stored fields (``stored_words``)."""
    return stored_words(document(t))


def _writer(ix: whoosh_index.Index, *, procs: int = 1, limitmb: int = 128) -> SegmentWriter:
    if procs > 1:
        return ix.writer(procs=procs, limitmb=limitmb, multisegment=True)
    return ix.writer(limitmb=limitmb)


def _verify(path: Path, expected: int, *, verified: frozenset[str] = frozenset()) -> None:
    """Open the new generation as a reader would and check its count; raises IndexDamaged.
    ``verified``: segments (ids) whose files were checked when the generation they come from
    was published: their documents are counted, not read again (0.25 s of an edit at 100k)."""
    storage = TrackingStorage(str(path))
    try:
        ix = storage.open_index(INDEX_NAME)
        with ix.searcher() as searcher:
            count = searcher.doc_count()
            ids: list[str] = []
            trusted = 0
            for segment, _ in segment_readers(searcher.reader()):
                if segment.segment().segment_id() in verified:
                    trusted += segment.doc_count()
                    continue
                gone = segment.deleted_docs_set if segment.has_deletions() else frozenset()
                ids.extend(doc_id for n, doc_id in enumerate(segment.column_reader("id")) if n not in gone)
        known = GENERATION_FILES | {f"{INDEX_NAME}_WRITELOCK", f"_{INDEX_NAME}_{ix.latest_generation()}.toc"}
        segments = segment_prefixes(ix)
    except Exception as exc:  # any failure to open is a damaged generation, whatever Whoosh raises
        storage.close_leaked()
        raise IndexDamaged(
            f"La nouvelle génération {path.name} ne s’ouvre pas ({type(exc).__name__} : {exc}).",
            remedy="La génération en service est conservée ; relancez bloomr index.",
        ) from exc
    # Whoosh stores pickles: a file that neither Whoosh's table of contents nor we name has no
    # business in a generation, so it is never switched in.
    foreign = sorted(p.name for p in path.iterdir() if p.name not in known and not p.name.startswith(segments))
    if foreign:
        raise IndexDamaged(
            f"La nouvelle génération {path.name} contient des fichiers inconnus\u00a0: {', '.join(foreign[:5])}.",
            remedy="La génération en service est conservée\u202f; relancez bloomr index.",
        )
    if count != expected or len(ids) + trusted != expected:
        raise IndexDamaged(
            f"La nouvelle génération {path.name} contient {count} témoignages au lieu de {expected}.",
            remedy="La génération en service est conservée ; relancez bloomr index.",
        )


def _shared_segments(tmp: Path, source: Path) -> frozenset[str]:
    """Ids of the segments whose file in ``tmp`` is ``source``'s own (a hard link, never
    modified since: Whoosh writes a new segment for any change but deletions)."""
    shared = set()
    for path in tmp.glob("*.seg"):
        try:
            if os.path.samefile(path, source / path.name):
                shared.add(path.stem)
        except OSError:
            continue
    return frozenset(shared)


def _publish(
    index_dir: Path, tmp: Path, name: str, expected: int, *, copied_from: Path | None = None
) -> tuple[str | None, tuple[str, ...]]:
    """fsync, verify, rename into place, switch ``current``; returns (previous, pruned).
    ``copied_from``: the published generation ``tmp`` was copied from (an update)."""
    gens.fsync_tree(tmp)
    _verify(tmp, expected, verified=_shared_segments(tmp, copied_from) if copied_from else frozenset())
    final = index_dir / name
    tmp.rename(final)
    gens.fsync_dir(index_dir)
    previous = gens.pointer(index_dir, CURRENT)
    gens.switch_pointer(index_dir, CURRENT, name)
    if previous and previous != name and (index_dir / previous).is_dir():
        gens.switch_pointer(index_dir, PREVIOUS, previous)
    return previous, tuple(gens.prune(index_dir))


def _write_metadata(
    path: Path, name: str, testimonials: Sequence[Testimonial], labels: Mapping[str, object], withdrawn: Iterable[str]
) -> None:
    """``bloomr.json`` for readers; ``sources.json`` (hash and source file of each testimonial)
    for the indexer only, so that readers never load what only updates and withdrawals need."""
    gens.write_json(path / SOURCES, {
        "hashes": {t.id: t.content_hash for t in testimonials},
        "sources": {t.id: t.source for t in testimonials},
    })
    gens.write_meta(path, {
        "generation": name,
        "created": gens.now_iso(),
        "count": len(testimonials),
        "labels": dict(labels),
        "withdrawn": sorted(set(withdrawn)),
    })


def read_sources(generation_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(hashes, sources) of a generation: ``sources.json``, or ``bloomr.json`` for generations
    written before the two were split."""
    try:
        data = gens.read_json(generation_dir / SOURCES)
    except FileNotFoundError:
        data = gens.read_meta(generation_dir)
    hashes, sources = data.get("hashes"), data.get("sources")
    return (
        {str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {},
        {str(k): str(v) for k, v in sources.items()} if isinstance(sources, dict) else {},
    )


def _corpus_frozen(build: F) -> F:
    """``build`` run with the objects alive before it (the corpus: 100,000 testimonials are
    millions of objects) kept out of the cyclic collector's passes, then handed back.

    Each of the collector's full passes walked them all: encoding an edit's ``sources.json``
    took 0.6 s instead of 0.12 s, most of an edit. ``gc.freeze`` is also what Python's
    documentation advises before forking (the build's second writer process).
    """

    @functools.wraps(build)
    def frozen(*args: Any, **kwargs: Any) -> Any:
        gc.freeze()
        try:
            return build(*args, **kwargs)
        finally:
            gc.unfreeze()

    return cast(F, frozen)


@contextmanager
def _scratch(tmp: Path, action: str) -> Iterator[None]:
    """A generation being written in ``tmp``: removed on any failure, an OSError (disk full,
    permissions) reported as BuildFailed; the serving generation is never touched."""
    try:
        yield
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildFailed(
            f"{action} a échoué : {exc.strerror or exc}.",
            remedy="Vérifiez l’espace disque et les droits du dossier d’index ; la génération en service est conservée.",
        ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@_corpus_frozen
def build_index(
    testimonials: Iterable[Testimonial],
    index_dir: Path,
    *,
    labels: Mapping[str, object],
    withdrawn_ids: Iterable[str] = (),
    progress: Progress | None = None,
    procs: int = 1,
    limitmb: int = 128,
    lexicon: Mapping[str, object] | None = None,
) -> BuildReport:
    """Build a complete new generation and switch to it.

    >>> build_index(report.testimonials, Path("var/index"), labels=taxonomy.labels())  # doctest: +SKIP
    BuildReport(generation='gen-…', indexed=124, withdrawn_skipped=2, …)

    Withdrawn testimonials (``status: withdrawn`` or listed in ``withdrawn_ids``, the
    ledger) are skipped. The caller holds the build lock (``indexer.pipeline``). ``lexicon``
    (``indexer.lexicon.compile_lexicon``) is written beside ``words.json``.
    """
    started = gens.monotonic()
    ledger = set(withdrawn_ids)
    all_items = list(testimonials)
    published = [t for t in all_items if not t.withdrawn and t.id not in ledger]
    withdrawn = {t.id for t in all_items if t.withdrawn} | ledger
    index_dir.mkdir(parents=True, exist_ok=True)
    cleaned = tuple(gens.remove_leftovers(index_dir))
    name = gens.new_generation_name()
    tmp = index_dir / f"{TMP_PREFIX}{name}"
    with _scratch(tmp, "La construction"):
        tmp.mkdir()
        ix = whoosh_index.create_in(str(tmp), bloomr_schema(), indexname=INDEX_NAME)
        words: Counter[str] = Counter()
        total = len(published)
        done = 0
        # Segments of at most SEGMENT_DOCS documents: a withdrawal then rewrites one segment,
        # not the whole index, and a segment's postings stay a manageable size.
        for start in range(0, max(total, 1), SEGMENT_DOCS):
            chunk = published[start : start + SEGMENT_DOCS]
            writer = _writer(ix, procs=procs, limitmb=limitmb)
            try:
                for t in chunk:
                    writer.add_document(**document(t))
                    words.update(_words(t))
                    done += 1
                    if progress is not None:
                        progress(done, total)
                writer.commit(merge=False)
            except BaseException:
                writer.cancel()
                raise
        write_counts(tmp, words)
        if lexicon is not None:  # what queries are matched against (indexer.lexicon)
            write_lexicon(tmp, lexicon)
        _write_metadata(tmp, name, published, labels, withdrawn)
        previous, pruned = _publish(index_dir, tmp, name, len(published))
    return BuildReport(
        generation=name,
        indexed=len(published),
        withdrawn_skipped=len([t for t in all_items if t.id in withdrawn]),
        duration_s=gens.monotonic() - started,
        size_bytes=gens.directory_size(index_dir / name),
        previous=previous,
        added=len(published),
        cleaned=cleaned + pruned,
    )


def current_meta(index_dir: Path) -> tuple[str, dict[str, object]]:
    """The serving generation's name and metadata, or IndexMissing."""
    name = gens.pointer(index_dir, CURRENT)
    if name is None or not (index_dir / name).is_dir():
        raise IndexMissing(
            f"Aucun index en service dans {index_dir}.",
            remedy="Construisez-le avec : bloomr index",
        )
    return name, gens.read_meta(index_dir / name)


def _link_copy(source: Path, target: Path) -> None:
    """Copy a generation by hard links: Whoosh never modifies a segment file once written (a
    commit writes new segments and a new table of contents, then unlinks old names), so the
    copy costs a few system calls instead of rewriting hundreds of megabytes at 100k."""
    try:
        shutil.copytree(source, target, symlinks=False, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=False)


def _rewrite_deleted(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy that rewrites exactly the segments holding deleted documents.

    Whoosh keeps a deleted document's text in its segment until the segment is rewritten;
    copying the live documents of those segments into the new one (and nothing else) erases
    it at the cost of one segment, not of the whole index.
    """
    kept = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return kept


def _merge_small(writer: SegmentWriter, segments: list[Any], *, small: int = SMALL_SEGMENT_DOCS) -> list[Any]:
    """Whoosh merge policy of updates: bounded, logarithmic merges of the segments edits add.

    Each update adds one small segment. Segments left without a live document are dropped;
    once ``MERGE_FACTOR`` small segments share a size tier (same number of digits), they are
    merged into one of the next tier. An edit thus rewrites at most a few hundred documents
    (about a second) and, amortised, almost none; the segments of a full build are never
    rewritten by an update, and the number of segments stays within ``MERGE_FACTOR`` per tier.
    """
    kept: list[Any] = []
    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        live = segment.doc_count()
        if live == 0:
            continue  # every document deleted: nothing to keep
        if segment.doc_count_all() >= small:
            kept.append(segment)
        else:
            tiers.setdefault(len(str(live)), []).append(segment)
    for group in tiers.values():
        if len(group) < MERGE_FACTOR:
            kept.extend(group)
            continue
        for segment in group:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return kept


def _rewrite(
    path: Path,
    *,
    delete_ids: Iterable[str],
    add: Sequence[Testimonial],
    erase: bool,
    progress: Progress | None = None,
) -> int:
    """Delete and add documents in the generation at ``path``, keeping its vocabulary exact;
    returns its new doc count."""
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    words = Counter(read_counts(path))
    with ix.searcher() as searcher:
        for doc_id in delete_ids:
            for fields in searcher.documents(id=doc_id):
                words.subtract(stored_words(fields))
    for t in add:
        words.update(_words(t))
    writer = _writer(ix)
    try:
        for doc_id in delete_ids:
            writer.delete_by_term("id", doc_id)
        for done, t in enumerate(add, start=1):
            writer.add_document(**document(t))
            if progress is not None:
                progress(done, len(add))
        writer.commit(mergetype=_rewrite_deleted if erase else _merge_small)
    except BaseException:
        writer.cancel()
        raise
    write_counts(path, words)
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        return int(searcher.doc_count())


@_corpus_frozen
def update_index(
    testimonials: Iterable[Testimonial],
    index_dir: Path,
    *,
    labels: Mapping[str, object],
    withdrawn_ids: Iterable[str] = (),
    progress: Progress | None = None,
    lexicon: Mapping[str, object] | None = None,
) -> BuildReport:
    """Re-index only added, changed or removed testimonials (by content hash), atomically.

    The serving generation is copied, changed in the copy, verified, then switched in:
    readers see the old or the new state, never a mix. Without a serving generation this
    is a full build.
    """
    try:
        current, meta = current_meta(index_dir)
    except (IndexMissing, OSError, ValueError):
        return build_index(testimonials, index_dir, labels=labels, withdrawn_ids=withdrawn_ids, progress=progress, lexicon=lexicon)
    started = gens.monotonic()
    ledger = set(withdrawn_ids)
    all_items = list(testimonials)
    published = {t.id: t for t in all_items if not t.withdrawn and t.id not in ledger}
    withdrawn = {t.id for t in all_items if t.withdrawn} | ledger
    old, _ = read_sources(index_dir / current)
    added = [t for i, t in published.items() if i not in old]
    changed = [t for i, t in published.items() if i in old and old[i] != t.content_hash]
    removed = [i for i in old if i not in published]
    cleaned = tuple(gens.remove_leftovers(index_dir))
    name = gens.new_generation_name()
    tmp = index_dir / f"{TMP_PREFIX}{name}"
    with _scratch(tmp, "La mise à jour"):
        _link_copy(index_dir / current, tmp)
        # A removed testimonial's text must leave the segment files too: rewrite its segment.
        # An edit only needs the new text searchable; the old one goes with the next merge.
        count = _rewrite(
            tmp,
            delete_ids=[t.id for t in changed] + removed,
            add=added + changed,
            erase=bool(removed),
            progress=progress,
        )
        if count != len(published):
            raise IndexDamaged(
                f"La mise à jour donnerait {count} témoignages au lieu de {len(published)}.",
                remedy="Relancez une construction complète : bloomr index",
            )
        if lexicon is not None:  # replaces the copied file, never writes through its hard link
            write_lexicon(tmp, lexicon)
        _write_metadata(tmp, name, list(published.values()), labels, withdrawn)
        previous, pruned = _publish(index_dir, tmp, name, len(published), copied_from=index_dir / current)
    return BuildReport(
        generation=name,
        indexed=len(published),
        withdrawn_skipped=len(withdrawn),
        duration_s=gens.monotonic() - started,
        size_bytes=gens.directory_size(index_dir / name),
        previous=previous,
        added=len(added),
        changed=len(changed),
        removed=len(removed),
        cleaned=cleaned + pruned,
    )


def purge(index_dir: Path, doc_id: str) -> list[str]:
    """Erase one testimonial from every kept generation; returns the generations written.

    Each kept generation (``current``, then ``previous``) is copied by hard links, the segment
    holding the testimonial rewritten in the copy (Whoosh keeps a deleted document's text until
    its segment is rewritten), the copy verified, renamed into place and its pointer switched;
    the old directory is then deleted. A purge killed or failing half-way (disk full) leaves
    every kept generation as it was: only a ``.tmp-`` copy, removed by the next build. Readers
    still serving the old directory go on reading its open files (``search.store``).
    """
    written: list[str] = []
    current = gens.pointer(index_dir, CURRENT)
    previous = gens.pointer(index_dir, PREVIOUS)
    if current and (index_dir / current).is_dir():
        written.append(_purged_copy(index_dir, CURRENT, current, doc_id))
    if previous and previous != current and (index_dir / previous).is_dir():
        written.append(_purged_copy(index_dir, PREVIOUS, previous, doc_id))
    gens.prune(index_dir)
    return written


def _purged_copy(index_dir: Path, pointer: str, old: str, doc_id: str) -> str:
    """Replace generation ``old`` (named by ``pointer``) with a copy without ``doc_id``; returns its name."""
    name = gens.new_generation_name()
    tmp = index_dir / f"{TMP_PREFIX}{name}"
    with _scratch(tmp, "Le retrait"):
        _link_copy(index_dir / old, tmp)
        count = _rewrite(tmp, delete_ids=[doc_id], add=[], erase=True)
        meta = gens.read_meta(tmp)
        withdrawn = meta.get("withdrawn")
        meta["withdrawn"] = sorted((set(withdrawn) if isinstance(withdrawn, list) else set()) | {doc_id})
        meta["generation"] = name
        meta["count"] = count
        gens.write_meta(tmp, meta)
        hashes, sources = read_sources(tmp)
        hashes.pop(doc_id, None)
        sources.pop(doc_id, None)
        gens.write_json(tmp / SOURCES, {"hashes": hashes, "sources": sources})
        gens.fsync_tree(tmp)
        _verify(tmp, count)
        tmp.rename(index_dir / name)
        gens.fsync_dir(index_dir)
        gens.switch_pointer(index_dir, pointer, name)
    shutil.rmtree(index_dir / old, ignore_errors=True)
    return name


def rollback(index_dir: Path) -> tuple[str, str]:
    """Swap ``current`` and ``previous``; returns (new current, new previous)."""
    current = gens.pointer(index_dir, CURRENT)
    previous = gens.pointer(index_dir, PREVIOUS)
    if not previous or not (index_dir / previous).is_dir() or current is None:
        raise IndexMissing(
            "Aucune génération précédente à restaurer.",
            remedy="Une génération précédente existe après au moins deux constructions.",
        )
    _verify(index_dir / previous, int(gens.read_meta(index_dir / previous).get("count", -1)))  # type: ignore[call-overload]
    gens.switch_pointer(index_dir, CURRENT, previous)
    gens.switch_pointer(index_dir, PREVIOUS, current)
    return previous, current
