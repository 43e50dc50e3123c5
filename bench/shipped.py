"""What a query costs on the shipped corpus: ``python -m bench.shipped [--index DIR]``.

Builds the shipped corpus into a temporary index (or uses ``--index``), then times a mix of
ten queries (words, a phrase, a typo, browsing, 1-3 filters), each with every facet count
and ten snippets, and prints the median and p95.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from indexer.pipeline import index_corpus
from search.index import IndexHandle
from search.query import search

ROOT = Path(__file__).resolve().parent.parent
MIX: tuple[tuple[str, dict[str, list[str]]], ...] = (
    ("infirmière", {}),
    ("ingenieur du son", {}),
    ("boulangere", {}),
    ("l'orientation", {}),
    ('"travail en équipe"', {}),
    ("infirmeire", {}),
    ("", {}),
    ("stage", {"sector": ["J", "K"]}),
    ("", {"region": ["FR-BRE", "FR-IDF"], "theme": ["reseau"]}),
    ("conseil", {"country": ["FR"]}),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shipped", description=__doc__)
    parser.add_argument("--index", type=Path, help="an index directory (default: build corpus/ into a temporary one)")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bloomr-shipped-") as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            index_corpus(ROOT / "corpus", index_dir)
        generation = IndexHandle(index_dir).current()
        for text, filters in MIX:
            search(generation, text, filters=filters)
        times: list[float] = []
        for _ in range(args.rounds):
            for text, filters in MIX:
                started = time.perf_counter()
                search(generation, text, filters=filters)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"{generation.count} testimonials, {len(times)} searches (each with every facet count and 10 snippets): "
            f"median {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
