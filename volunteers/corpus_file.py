"""A draft written as a corpus file: an id of its own, the corpus format, checked like any file.

``testimonial_id(draft, taken)`` derives the id from the first name, the profession and, when
needed, the place (``lina-menuisiere``, then ``lina-menuisiere-bretagne``, then ``…-2``), never
one already used, withdrawn or reserved. ``render(draft, …)`` writes the Markdown of the corpus
format; ``validate(text, id, taxonomy)`` reads it back with the corpus reader itself and checks
that every field and paragraph reads back as the volunteer wrote it::

    text = render(draft, published=date(2026, 12, 3))
    found = validate(text, "lina-menuisiere", taxonomy)   # Testimonial, or CorpusError with path:line problems
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from indexer.corpus import ID_RULE, check_corpus
from indexer.model import Problem, Testimonial
from indexer.taxonomy import Taxonomy, fold
from search.errors import CorpusError
from search.sections import SECTION_TITLES
from volunteers.model import Draft

MAX_ID = 60
_FILLER = {"de", "du", "des", "la", "le", "les", "l", "d", "en", "et", "a", "au", "aux", "un", "une"}


def _slug(text: str, words: int) -> str:
    kept = [w for w in fold(text).split() if w not in _FILLER][:words]
    return "-".join(kept)


def corpus_ids(corpus_dir: Path) -> set[str]:
    """Ids present in the corpus files (``*.md`` names and ``id`` of ``*.jsonl`` lines)."""
    ids: set[str] = set()
    folder = Path(corpus_dir) / "testimonials"
    if not folder.is_dir():
        return ids
    for path in folder.iterdir():
        if path.suffix == ".md":
            ids.add(path.stem)
        elif path.suffix == ".jsonl":
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(record, dict) and isinstance(record.get("id"), str):
                        ids.add(record["id"])
    return ids


def testimonial_id(draft: Draft, taken: Iterable[str], *, region_label: str = "") -> str:
    """A new id from name, profession and place, unique among ``taken``."""
    used = set(taken)
    name = _slug(draft.name, 2) or "temoin"
    job = _slug(draft.profession, 2) or "metier"
    base = f"{name}-{job}"[:MAX_ID].strip("-")
    candidates = [base]
    place = _slug(region_label or draft.region, 2)
    if place:
        candidates.append(f"{base}-{place}"[:MAX_ID].strip("-"))
    for candidate in candidates:
        if candidate not in used and ID_RULE.match(candidate):
            return candidate
    n = 2
    while f"{candidates[-1]}-{n}" in used:
        n += 1
    return f"{candidates[-1]}-{n}"


def _scalar(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one): no value is ever read as syntax."""
    return json.dumps(text, ensure_ascii=False)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def render(draft: Draft, *, published: date, rome: str | None = None) -> str:
    """The Markdown of the corpus format; a paragraph that starts with ``#`` is indented so it stays text."""
    head = [
        "---",
        f"name: {_scalar(draft.name)}",
        f"profession: {_scalar(draft.profession)}",
    ]
    if rome:
        head.append(f"rome: {rome}")
    head += [f"region: {_scalar(draft.region)}", f"country: {draft.country}"]
    if draft.themes:
        head.append(f"themes: [{', '.join(draft.themes)}]")
    head += [f"published: {published.isoformat()}", "---"]
    body: list[str] = []
    for key, text in draft.sections():
        if not text:
            continue
        body += ["", f"## {SECTION_TITLES[key]}", ""]
        body += [("\n" if i else "") + (" " + p if p.startswith("#") else p) for i, p in enumerate(_paragraphs(text))]
    return "\n".join(head + body) + "\n"


def validate(text: str, doc_id: str, taxonomy: Taxonomy, *, shown: str = "") -> tuple[Testimonial, list[Problem]]:
    """Read ``text`` as ``testimonials/<doc_id>.md`` with the corpus reader; raise ``CorpusError`` on any error.

    Returns the testimonial and the warnings (a profession matched by approximation…).
    """
    shown = shown or f"testimonials/{doc_id}.md"
    with tempfile.TemporaryDirectory(prefix="bloomr-accept-") as tmp:
        folder = Path(tmp) / "testimonials"
        folder.mkdir()
        (folder / f"{doc_id}.md").write_text(text, encoding="utf-8")
        report = check_corpus(Path(tmp), taxonomy)
    problems = [Problem(shown, p.line, p.message, p.remedy, p.severity, p.field) for p in report.problems]
    errors = [p for p in problems if p.severity == "error"]
    if errors or len(report.testimonials) != 1:
        raise CorpusError(
            f"Le témoignage « {doc_id} » ne passe pas la validation du corpus ; rien n’a été écrit.",
            problems=[str(p) for p in errors] or [f"{shown}:1: fichier illisible"],
            remedy="Donnez la fiche avec bloomr accept N --fiche CODE si la profession n’est pas reconnue, ou refusez l’envoi avec une raison.",
        )
    return report.testimonials[0], [p for p in problems if p.severity == "warning"]


def reads_back(found: Testimonial, draft: Draft) -> bool:
    """Whether the corpus reader gives back exactly what the volunteer wrote."""
    return (
        found.name == draft.name
        and found.profession == draft.profession
        and all(_paragraphs(found.sections.get(key)) == _paragraphs(text) for key, text in draft.sections())
        and (not draft.themes or tuple(found.themes) == draft.themes)
    )


def write_atomic(path: Path, text: str) -> None:
    """Write, fsync, rename over ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
