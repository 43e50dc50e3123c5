"""Mark a withdrawn testimonial in its corpus file, then read it back as the loader does.

``bloomr withdraw`` purges the index and records the id in the ledger; the corpus file must say
so too, or an index built elsewhere from that corpus would publish the testimonial again::

    mark_withdrawn(Path("corpus"), "testimonials/audrey.md", "audrey")
    # Marking(path="corpus/testimonials/audrey.md", problem=None)

A Markdown file is rewritten through the front-matter parser (``frontmatter.with_field``), so a
quoted ``"status"`` key, comments, CRLF or a closing ``...`` all end with one ``status: withdrawn``;
a JSON Lines record gets ``"status": "withdrawn"`` and every other line is kept byte for byte.
Nothing is ever claimed: the file is read back with the loader's own reader (``read_status``),
and a file that cannot be marked comes back as a ``problem`` naming it and saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indexer.corpus import read_status
from search.french import NBSP, quoted
from indexer.frontmatter import FrontMatterError, with_field
from indexer.jsonl import cut, parse_record


@dataclass(frozen=True)
class Marking:
    """``path`` once marked and read back withdrawn; ``problem`` (path, why) when it could not be;
    both None when no file of the corpus holds the testimonial (nothing there can publish it)."""

    path: str | None
    problem: str | None


class _Unmarked(Exception):
    """Why a file was not marked, in French, for the maintainer."""


def mark_withdrawn(corpus_dir: Path, source: str | None, doc_id: str) -> Marking:
    """Mark ``doc_id`` withdrawn in its corpus file (``source``, relative to the corpus, as the
    index recorded it; looked for when unknown) and check it as the loader reads it."""
    path = _corpus_file(Path(corpus_dir), source, doc_id)
    if path is None:
        return Marking(None, None)
    try:
        if path.is_symlink() or not path.is_file():
            raise _Unmarked(f"lien symbolique ou pas un fichier ordinaire{NBSP}: il n’a pas été modifié")
        if path.suffix == ".jsonl":
            _mark_jsonl(path, doc_id)
        else:
            _mark_markdown(path)
        status = read_status(path, doc_id)
        if status != "withdrawn":
            raise _Unmarked(f"relu par le chargeur du corpus, son statut est {quoted(status or 'illisible')}")
    except FrontMatterError as exc:
        return Marking(None, f"{path}:{exc.line}{NBSP}: {exc.message}")
    except _Unmarked as exc:
        return Marking(None, f"{path}{NBSP}: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        return Marking(None, f"{path}{NBSP}: {getattr(exc, 'strerror', None) or exc}")
    return Marking(str(path), None)


def _corpus_file(corpus_dir: Path, source: str | None, doc_id: str) -> Path | None:
    """The file holding ``doc_id``: its recorded source (or a file of that name in testimonials/),
    else ``testimonials/ID.md``, else the JSON Lines file that holds the record; None if none does."""
    folder = corpus_dir / "testimonials"
    candidates = [folder / f"{doc_id}.md"]
    if source:
        recorded = Path(source) if os.path.isabs(source) else corpus_dir / source
        candidates[:0] = [recorded, folder / Path(source).name]
    for path in candidates:
        if path.exists() or path.is_symlink():
            return path
    if folder.is_dir():
        for path in sorted(folder.glob("*.jsonl")):
            if read_status(path, doc_id) is not None:
                return path
    return None


def _mark_markdown(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")  # bytes: CRLF line endings are kept as they are
    marked = with_field(text, "status", "withdrawn")
    if marked != text:
        with _replacing(path) as replacement:
            replacement.file.write(marked.encode("utf-8"))


def _mark_jsonl(path: Path, doc_id: str) -> None:
    """Rewrite the record(s) of ``doc_id``; read and written as a stream, other lines unchanged."""
    found = changed = False
    with _replacing(path) as replacement, open(path, "rb") as source:
        for chunk in source:  # cut at « \n »; lone « \r » are cut below, as the loader cuts them
            for text, line_break in cut(chunk):
                marked = _marked_record(text, doc_id)
                found = found or marked is not None
                changed = changed or (marked is not None and marked != text)
                replacement.file.write((text if marked is None else marked) + line_break)
        if not found:
            raise _Unmarked(f"aucun enregistrement lisible {quoted(doc_id)} dans ce fichier")
        replacement.wanted = changed


def _marked_record(text: bytes, doc_id: str) -> bytes | None:
    """The line with ``"status": "withdrawn"`` if it is ``doc_id``'s record, else None."""
    if doc_id.encode("ascii") not in text:  # ids are ASCII, written as they are
        return None
    try:
        record = parse_record(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("id") != doc_id:
        return None
    if record.get("status") == "withdrawn":
        return text
    record["status"] = "withdrawn"
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


@dataclass
class _Replacement:
    file: BinaryIO
    wanted: bool = True  # False: leave the original file as it is


@contextmanager
def _replacing(path: Path) -> Iterator[_Replacement]:
    """A sibling temporary file that replaces ``path`` atomically (fsynced, same permissions) when
    the block ends normally and the replacement is still wanted; removed in every other case."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            replacement = _Replacement(out)
            yield replacement
            out.flush()
            os.fsync(out.fileno())
        if replacement.wanted:
            shutil.copymode(path, tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
