"""What the maintainer commands do, end to end: validate, lock, build or update, withdraw.

The CLI only parses arguments, calls these functions and prints what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from indexer import generations as gens
from indexer.build import BuildReport, Progress, build_index, purge, read_sources, rollback, update_index
from indexer.corpus import load_corpus, taxonomy_dir_of
from indexer.lexicon import taxonomy_lexicon
from indexer.marking import Marking, mark_withdrawn
from indexer.model import CorpusReport
from indexer.taxonomy import load_taxonomy
from search import ledger
from search.errors import BuildFailed, CorpusError, NotFound
from search.french import NNBSP, plural
from search.layout import CURRENT, PREVIOUS


def _taxonomy_dir(corpus_dir: Path, taxonomy_dir: Path | None) -> Path:
    return taxonomy_dir if taxonomy_dir is not None else taxonomy_dir_of(corpus_dir)


def validate(corpus_dir: Path, *, taxonomy_dir: Path | None = None, rome_dir: Path | None = None) -> CorpusReport:
    """Load and validate the corpus; raise CorpusError listing every error."""
    report = load_corpus(corpus_dir, taxonomy_dir=taxonomy_dir, rome_dir=rome_dir)
    if not report.ok:
        raise CorpusError(
            f"Le corpus contient {report.error_count} erreur(s) ; rien n’a été construit.",
            problems=[str(p) for p in report.errors],
            remedy="Corrigez-les (bloomr check les liste toutes) ; l’index en service est inchangé.",
        )
    return report


def index_corpus(
    corpus_dir: Path,
    index_dir: Path,
    *,
    taxonomy_dir: Path | None = None,
    rome_dir: Path | None = None,
    update: bool = False,
    progress: Progress | None = None,
    procs: int = 1,
) -> tuple[BuildReport, CorpusReport]:
    """``bloomr index``: validate first (nothing is built on error), then build or update under the lock."""
    report = validate(corpus_dir, taxonomy_dir=taxonomy_dir, rome_dir=rome_dir)
    taxonomy = load_taxonomy(_taxonomy_dir(corpus_dir, taxonomy_dir), rome_dir=rome_dir)
    labels = taxonomy.labels(used=report.testimonials)
    lexicon = taxonomy_lexicon(_taxonomy_dir(corpus_dir, taxonomy_dir), taxonomy)
    with gens.BuildLock(index_dir):
        withdrawn = ledger.read(index_dir).ids
        if update:
            built = update_index(
                report.testimonials, index_dir, labels=labels, withdrawn_ids=withdrawn, progress=progress, lexicon=lexicon
            )
        else:
            built = build_index(
                report.testimonials, index_dir, labels=labels, withdrawn_ids=withdrawn, progress=progress, procs=procs,
                lexicon=lexicon,
            )
    return built, report


@dataclass(frozen=True)
class Withdrawal:
    id: str
    time: str
    corpus_file: str | None  # marked and read back withdrawn
    generations: tuple[str, ...]
    corpus_problem: str | None = None  # the corpus file that could not be marked, and why


def withdraw(index_dir: Path, doc_id: str, *, corpus_dir: Path | None = None) -> Withdrawal:
    """``bloomr withdraw ID``: gone from search at once, purged from every kept generation,
    recorded in the ledger (id and time only) and marked ``status: withdrawn`` in the corpus."""
    with gens.BuildLock(index_dir):
        sources: dict[str, str] = {}
        known = False
        for name in (gens.pointer(index_dir, CURRENT), gens.pointer(index_dir, PREVIOUS)):
            if name and (index_dir / name).is_dir():
                _, table = read_sources(index_dir / name)
                if doc_id in table:
                    known = True
                    sources.setdefault(doc_id, table[doc_id])
        already = doc_id in ledger.read(index_dir).ids
        if not known and not already:
            raise NotFound(
                f"Aucun témoignage « {doc_id} » dans l’index.",
                remedy="Vérifiez l’identifiant (nom du fichier sans .md) avec bloomr search.",
            )
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not already:
            try:
                ledger.append(index_dir, doc_id, stamp)
            except OSError as exc:
                raise BuildFailed(
                    f"Le retrait de « {doc_id} » n’a pas pu être enregistré : {exc.strerror or exc}.",
                    remedy="Libérez de l’espace disque ou corrigez les droits du dossier d’index, puis relancez bloomr withdraw.",
                ) from exc
        # From here on the testimonial is hidden from every reader (the ledger); the corpus is
        # marked before the purge, so that a purge that fails still leaves a corpus that never
        # publishes it again.
        marking = mark_withdrawn(corpus_dir, sources.get(doc_id), doc_id) if corpus_dir is not None else Marking(None, None)
        try:
            touched = tuple(purge(index_dir, doc_id))
        except BuildFailed as exc:
            raise BuildFailed(
                f"« {doc_id} » est retiré des recherches, mais l’effacement des fichiers de l’index a échoué : {exc.message}",
                remedy=f"Libérez de l’espace disque puis relancez : bloomr withdraw {doc_id}",
            ) from exc
        return Withdrawal(doc_id, stamp, marking.path, touched, corpus_problem=marking.problem)


def rollback_index(index_dir: Path) -> tuple[str, str]:
    """``bloomr rollback``: serve the previous generation again (withdrawals stay purged)."""
    with gens.BuildLock(index_dir):
        return rollback(index_dir)
