"""One full build in its own process, so that its peak RSS is its own: ``python -m bench.build``.

Prints one JSON object: ``{"docs", "build_s", "docs_per_s", "size_mb", "peak_rss_mb", "corpus_rss_mb",
"generate_s", "generation"}``. ``corpus_rss_mb`` is the RSS once the testimonials are in memory,
before the build starts (``bloomr index`` holds the whole corpus too); ``peak_rss_mb`` is the peak
of this process and of Whoosh's worker processes (``procs > 1``).

Example: python -m bench.build --docs 10000 --index var/bench/10000/index --procs 2
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.generate import default_rome_dir, load_choices, testimonials


def rss_mb() -> float:
    """Current RSS of this process, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """Peak RSS of this process or of its largest finished child (ru_maxrss is in KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("--rome", type=Path, default=default_rome_dir())
    args = parser.parse_args(argv)

    from bench.generate import TAXONOMY_DIR
    from indexer.build import build_index  # after argument parsing: --help stays instant
    from indexer.lexicon import taxonomy_lexicon

    started = time.perf_counter()
    choices = load_choices(args.rome)
    items = list(testimonials(args.docs, seed=args.seed, choices=choices))
    generate_s = time.perf_counter() - started
    corpus_rss = rss_mb()
    lexicon = taxonomy_lexicon(TAXONOMY_DIR, choices.taxonomy)  # what queries are understood with, as `bloomr index` does
    report = build_index(items, args.index, labels=choices.taxonomy.labels(used=items), procs=args.procs, lexicon=lexicon)
    print(json.dumps({
        "docs": report.indexed,
        "build_s": round(report.duration_s, 3),
        "docs_per_s": round(report.docs_per_s, 1),
        "size_mb": round(report.size_bytes / 1e6, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "corpus_rss_mb": round(corpus_rss, 1),
        "generate_s": round(generate_s, 2),
        "generation": report.generation,
        "procs": args.procs,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
