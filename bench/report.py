"""The README's benchmark table from ``bench/results/bench-*.json``: ``python -m bench.report``.

One column per size; a figure measured on both engines reads ``Bloomr / FTS5 (×ratio)``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.__main__ import RESULTS, ROWS, ratio, value


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results: Sequence[Mapping[str, Any]]) -> str:
    head = ["", *(f"{r['docs']:,} docs" for r in results)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for title, key, fts_key in ROWS:
        cells = [title]
        for r in results:
            mine = value(r, key)
            if fts_key is None:
                cells.append(_fmt(mine))
            else:
                theirs = r["fts5"].get(fts_key)
                factor = ratio(mine, theirs)
                cells.append(f"{_fmt(mine)} / {_fmt(theirs)} (×{factor:g})" if factor is not None else _fmt(mine))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    paths = sorted(RESULTS.glob("bench-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    if not paths:
        print(f"bench.report: no results in {RESULTS} — run python -m bench first", file=sys.stderr)
        return 1
    print(markdown([json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
