"""``paused.json``: testimonials their volunteers paused: hidden from every search at once, back with one click.

Unlike a withdrawal (``search.ledger``), a pause erases nothing and is undone by removing the id.
The file is one JSON object ``{"ids": ["…"]}``, rewritten whole (temporary file, fsync, rename)
under an ``flock`` so that two processes pausing at once never lose one another's change;
readers (``search.index.IndexHandle``) re-read it when its stamp changes, as they do the ledger.

>>> set_paused(Path("var/index"), "audrey-consultante", True)  # doctest: +SKIP
>>> read(Path("var/index"))
frozenset({'audrey-consultante'})
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from search.layout import PAUSED

_LOCK = f".{PAUSED}.lock"


def read(index_dir: Path) -> frozenset[str]:
    """The paused ids; an unreadable file pauses nothing (and is rewritten by the next change)."""
    try:
        data = json.loads((Path(index_dir) / PAUSED).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return frozenset()
    ids = data.get("ids") if isinstance(data, dict) else None
    return frozenset(i for i in ids if isinstance(i, str) and i) if isinstance(ids, list) else frozenset()


def set_paused(index_dir: Path, doc_id: str, paused: bool) -> bool:
    """Pause or resume one testimonial; returns whether anything changed."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        ids = set(read(index_dir))
        before = set(ids)
        if paused:
            ids.add(doc_id)
        else:
            ids.discard(doc_id)
        if ids == before:
            return False
        tmp = index_dir / f".{PAUSED}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"ids": sorted(ids)}, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, index_dir / PAUSED)
        return True
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
