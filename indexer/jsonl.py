"""JSON Lines as the corpus loader reads them: where a file is cut into records, and how one is parsed.

One fact shared by the loader (``indexer.corpus``) and the withdraw marker (``indexer.marking``), so
that a record is marked exactly where it is read. Lines are cut as ``bytes.splitlines`` cuts them
(``\\n``, ``\\r\\n`` or a lone ``\\r``) and read as a stream::

    for number, line in numbered_lines(Path("corpus/testimonials/bulk.jsonl"), max_line=256 * 1024):
        record = parse_record(line)   # {"id": "yasmine-comptable", …}; ValueError if it is not JSON
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")


def cut(chunk: bytes) -> list[tuple[bytes, bytes]]:
    """``(line, its line break)`` pairs of a chunk: ``cut(b"a\\rb\\r\\n") == [(b"a", b"\\r"), (b"b", b"\\r\\n")]``."""
    parts = _LINE_BREAK.split(chunk)
    pairs = list(zip(parts[0::2], [*parts[1::2], b""]))
    return pairs[:-1] if pairs and pairs[-1] == (b"", b"") else pairs


def numbered_lines(path: Path, *, max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line without its break)``, read as a stream; a line longer than ``max_line``
    bytes is skipped to its end without being held, and given as None."""
    limit = max_line + 2  # a line of max_line bytes and its « \r\n »
    number = 0
    with open(path, "rb") as handle:
        while chunk := handle.readline(limit):
            if len(chunk) == limit and not chunk.endswith(b"\n"):
                while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
                    pass
                number += 1
                yield number, None
                continue
            for line, _ in cut(chunk):
                number += 1
                yield number, line


def parse_record(line: bytes) -> Any:
    """One record as the loader reads it: UTF-8 JSON, duplicate keys and NaN refused (ValueError)."""
    return json.loads(line.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"clé « {key} » en double")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"valeur « {name} » refusée")
