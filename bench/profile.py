"""Profile the results-page search path (top-10 + every facet count) on the query mix.

    python -m bench.profile --docs 10000            # builds var/bench/profile-10000 once, then profiles
    python -m bench.profile --index var/bench/10000/index --repeat 20

Uses pyinstrument (``pip install pyinstrument``) and prints its text tree; ``--html FILE``
writes the interactive report as well.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.__main__ import MIX, WORKDIR, whoosh_full
from bench.generate import default_rome_dir


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--index", type=Path, help="an existing index directory (else one is built)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--rome", type=Path, default=default_rome_dir())
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ModuleNotFoundError:
        raise SystemExit("bench.profile: pyinstrument is missing — pip install pyinstrument") from None
    from search.index import IndexHandle

    index_dir = args.index or WORKDIR / f"profile-{args.docs}"
    if not (index_dir / "current").exists():
        command = [sys.executable, "-m", "bench.build", "--docs", str(args.docs), "--index", str(index_dir), "--procs", "2"]
        if args.rome is not None:
            command += ["--rome", str(args.rome)]
        print(f"building {index_dir}…", file=sys.stderr)
        subprocess.run(command, check=True)
    generation = IndexHandle(index_dir).current()
    for q in MIX:  # first runs build the per-generation caches; profile the steady state
        whoosh_full(generation, q)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        for q in MIX:
            whoosh_full(generation, q)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html is not None:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
