"""Moderation, as ``bloomr review|show|accept|reject`` runs it.

``review(config)`` lists what waits (new submissions and edits) as plain data, the same for the
terminal and ``--json``; ``accept`` writes the testimonial in the corpus format, checked by the
corpus reader, then updates the index (only what changed) and tells the volunteer by email when
they left an address; ``reject`` records the reason, shown on their management page::

    accepted = accept(config, 7, rome=None)   # Accepted(testimonial_id="lina-menuisiere", …)
    reject(config, 8, reason="Merci de retirer le nom de votre employeur.")
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from indexer.build import BuildReport
from indexer.model import Problem
from indexer.pipeline import index_corpus
from search import ledger, pauses
from search.text import clean_text
from volunteers import letters, mail
from volunteers.config import Config, now
from volunteers.corpus_file import corpus_ids, reads_back, render, testimonial_id, validate, write_atomic
from volunteers.errors import ModerationError
from volunteers.model import Submission, Version

MAX_REASON = 2000


def _summary(config: Config, submission: Submission, version: Version) -> dict[str, Any]:
    draft = version.draft
    region = config.taxonomy.resolve_region(draft.region, draft.country)
    profession = config.taxonomy.resolve_profession(draft.profession) or config.taxonomy.guess_profession(draft.profession)
    return {
        "id": submission.id,
        "kind": "edit" if submission.live else "new",
        "testimonial_id": submission.testimonial_id,
        "version": version.number,
        "sent": version.created,
        "name": draft.name,
        "profession": draft.profession,
        "rome": profession.code if profession else None,
        "rome_label": profession.label if profession else None,
        "region": draft.region,
        "region_code": region.code if region else None,
        "country": draft.country,
        "themes": list(draft.themes),
        "words": draft.words(),
        "email": submission.email is not None,
    }


def review(config: Config) -> list[dict[str, Any]]:
    """Every submission waiting, oldest first (the email is never shown, only whether there is one)."""
    return [_summary(config, s, s.pending) for s in config.store.list_pending() if s.pending is not None]


def _get(config: Config, sid: int) -> Submission:
    submission = config.store.get(sid)
    if submission is None:
        raise ModerationError(f"Aucun envoi n° {sid}.", remedy="bloomr review liste les envois en attente.")
    return submission


def _pending(config: Config, sid: int) -> tuple[Submission, Version]:
    submission = _get(config, sid)
    if submission.pending is None:
        state = {"withdrawn": "retiré par son auteur", "published": "publié, sans modification en attente",
                 "rejected": "refusé", "pending": "en attente"}[submission.state]
        raise ModerationError(f"L’envoi n° {sid} n’a rien en attente ({state}).", remedy="bloomr review liste les envois en attente.")
    return submission, submission.pending


def show(config: Config, sid: int) -> dict[str, Any]:
    """The waiting version in full, in the corpus format, and for an edit the differences with the published one."""
    submission, version = _pending(config, sid)
    data = _summary(config, submission, version)
    published = date.fromisoformat(submission.published) if submission.published else date.today()
    data["text"] = render(version.draft, published=published)
    data["diff"] = ""
    if submission.live is not None:
        before = render(submission.live.draft, published=published).splitlines(keepends=True)
        after = data["text"].splitlines(keepends=True)
        data["diff"] = "".join(difflib.unified_diff(before, after, "en ligne", "proposé"))
    return data


@dataclass(frozen=True)
class Accepted:
    submission: int
    testimonial_id: str
    path: str
    edit: bool
    built: BuildReport
    warnings: tuple[Problem, ...]
    mailed: bool | None


def accept(config: Config, sid: int, *, rome: str | None = None, url_for: Callable[[str], str] | None = None) -> Accepted:
    """Publish the waiting version: corpus file (validated), index updated, volunteer told."""
    submission, version = _pending(config, sid)
    draft = version.draft
    taxonomy = config.taxonomy
    tid = submission.testimonial_id
    if tid is None:
        taken = corpus_ids(config.corpus_dir) | config.store.testimonial_ids() | ledger.read(config.index_dir).ids
        taken |= pauses.read(config.index_dir)
        region = taxonomy.resolve_region(draft.region, draft.country)
        tid = testimonial_id(draft, taken, region_label=region.label if region else "")
        config.store.reserve_testimonial_id(sid, tid)  # before the file: a retry reuses this id
    published = date.fromisoformat(submission.published) if submission.published else date.today()
    text = render(draft, published=published, rome=rome.strip().upper() if rome else None)
    path = config.corpus_dir / "testimonials" / f"{tid}.md"
    found, warnings = validate(text, tid, taxonomy, shown=str(path))
    if not reads_back(found, draft):
        raise ModerationError(
            f"Le fichier de « {tid} » ne se relit pas comme le texte envoyé ; rien n’a été écrit.",
            remedy="Signalez-le aux développeurs avec le numéro d’envoi ; refusez-le en attendant si besoin.",
        )
    before = path.read_bytes() if path.exists() else None
    write_atomic(path, text)
    try:
        built, _ = index_corpus(config.corpus_dir, config.index_dir, rome_dir=config.rome_dir, update=True)
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
        raise
    config.store.publish(sid, version.number, now=now())
    after = config.store.get(sid)
    if after is None or after.state == "withdrawn":  # withdrawn while being accepted: the ledger hides it, the file goes
        path.unlink(missing_ok=True)
        raise ModerationError(
            f"L’envoi n° {sid} a été retiré par son auteur pendant la publication ; rien n’est publié.",
            remedy="Il n’y a rien à faire : son texte est effacé.",
        )
    mailed = None
    if submission.email and config.smtp is not None:
        subject, body = letters.published(draft.name, url_for(tid) if url_for else "", edit=submission.live is not None)
        mailed = mail.send(config.smtp, to=submission.email, subject=subject, body=body, sender=config.sender)
    return Accepted(sid, tid, str(path), submission.live is not None, built, tuple(warnings), mailed)


def reject(config: Config, sid: int, *, reason: str) -> bool | None:
    """Refuse the waiting version with a reason the volunteer reads; whether the email left (None: none sent)."""
    reason = clean_text(reason)
    if not reason:
        raise ModerationError("Une raison est nécessaire.", remedy="bloomr reject ID --reason \"…\" : elle est montrée à la personne.")
    if len(reason) > MAX_REASON:
        raise ModerationError(f"Raison trop longue ({len(reason)} caractères).", remedy=f"{MAX_REASON} caractères au plus.")
    submission, version = _pending(config, sid)
    config.store.reject(sid, version.number, reason=reason, now=now())
    if submission.email and config.smtp is not None:
        subject, body = letters.rejected(version.draft.name, reason)
        return mail.send(config.smtp, to=submission.email, subject=subject, body=body, sender=config.sender)
    return None
