"""``withdrawals.log``: the withdrawals, one JSON object a line, ``{"id": …, "time": …}``, nothing else.

``bloomr withdraw`` appends to it *before* purging (``append``); every reader applies it on
its next request (``read``), so a withdrawn testimonial is hidden at once, and every rebuild
honours it. No personal data: an id and a time.

An append always starts on a fresh line, whatever the file ends with (an editor may leave no
final newline), and is fsynced. ``read`` recovers records glued on one line and reports the
lines it could not read, so damage is seen instead of silently un-withdrawing someone::

    >>> read(Path("var/index"))  # doctest: +SKIP
    Ledger(ids=frozenset({'audrey-consultante'}), damaged=())
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from search.layout import LEDGER

_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Ledger:
    ids: frozenset[str]
    damaged: tuple[int, ...] = ()  # line numbers (1-based) holding text that is no withdrawal record


def _records(line: str) -> tuple[list[str], bool]:
    """Ids on one line (several when records were glued together) and whether anything else was there."""
    ids: list[str] = []
    position, damaged = 0, False
    while position < len(line):
        while position < len(line) and line[position].isspace():
            position += 1
        if position >= len(line):
            break
        try:
            record, position = _DECODER.raw_decode(line, position)
        except ValueError:
            return ids, True
        if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"]:
            ids.append(record["id"])
        else:
            damaged = True
    return ids, damaged


def read(index_dir: Path) -> Ledger:
    """Every withdrawn id; the numbers of lines that hold no readable record."""
    try:
        text = (Path(index_dir) / LEDGER).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return Ledger(frozenset())
    ids: set[str] = set()
    damaged: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found, bad = _records(line)
        ids.update(found)
        if bad:
            damaged.append(number)
    return Ledger(frozenset(ids), tuple(damaged))


def append(index_dir: Path, doc_id: str, time: str) -> None:
    """Record one withdrawal durably (fsync), on a line of its own. The caller holds the build lock."""
    path = Path(index_dir) / LEDGER
    record = (json.dumps({"id": doc_id, "time": time}, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            record = b"\n" + record
        os.write(fd, record)
        os.fsync(fd)
    finally:
        os.close(fd)
