"""How well Bloomr answers the way youths ask: ``python -m bench.relevance``.

Builds query sets from the official ROME 4.0 export as a judge would (``bench.relevance.sets``),
judged against the shipped corpus, and runs them on a fresh index of ``corpus/`` and on SQLite
FTS5. Prints success@3 (a relevant testimonial among the first 3 hits) and MRR@10 per kind:
``title`` (ROME appellations the volunteers did not write), ``youth`` (the maintainers' youth
words), ``youth-holdout`` (words never shown to the maintainers), ``interest`` (ROME themes,
secteurs, sous-secteurs, centres d'intérêt), ``lacking`` (jobs without testimonial: does the
answer say so?) and ``invariance`` (accents, case, plural, gender keep the top 3).

    python -m bench.relevance --markdown            # the README table
    python -m bench.relevance --show-failures 10    # what to work on
    python -m bench.relevance --dump-queries > q.jsonl; python -m bench.relevance --queries q.jsonl

Exit status: 0, or 2 when the ROME export is absent (and no ``--queries``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench.relevance import evaluation, report
from bench.relevance.corpus import CorpusView
from bench.relevance.engines import Bloomr, Fts5
from bench.relevance.rome import load_rome, missing_rome
from bench.relevance.sets import LACKING_LIMIT, TITLE_LIMIT, Query

ROOT = Path(__file__).resolve().parent.parent.parent
COMMAND = "python -m bench.relevance"


def default_rome() -> Path:
    """``$BLOOMR_SHARED_DATA/rome/v460``, else ``../shared/data/rome/v460`` next to the repository."""
    shared = os.environ.get("BLOOMR_SHARED_DATA")
    root = Path(shared) if shared else ROOT.parent / "shared" / "data"
    return root / "rome" / "v460"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus directory (default: the shipped corpus/)")
    p.add_argument("--rome", type=Path, default=None, help="ROME 4.0 CSV export (default: ../shared/data/rome/v460)")
    p.add_argument("--seed", type=int, default=1, help="seed of every sample (default 1)")
    p.add_argument("--titles", type=int, default=TITLE_LIMIT, help=f"title queries to sample (default {TITLE_LIMIT})")
    p.add_argument("--lacking", type=int, default=LACKING_LIMIT, help=f"lacking fiches to sample (default {LACKING_LIMIT})")
    p.add_argument("--invariance", type=int, default=evaluation.INVARIANCE_SIZE, help="queries checked for invariance")
    p.add_argument("--fts5", action=argparse.BooleanOptionalAction, default=True, help="also run SQLite FTS5 (default on)")
    p.add_argument("--json", action="store_true", help="print everything as JSON (figures and every query)")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown, for the README")
    p.add_argument("--show-failures", type=int, default=0, metavar="N", help="list the first N failed queries of each kind")
    p.add_argument("--dump-queries", action="store_true", help="print the query set, one JSON object a line, and stop")
    p.add_argument("--queries", type=Path, help="run a saved query set (JSON Lines) instead of building one from ROME")
    return p


def _load_queries(path: Path) -> evaluation.Evaluation:
    lines = path.read_text(encoding="utf-8").splitlines()
    queries = [Query.from_dict(json.loads(line)) for line in lines if line.strip()]
    return evaluation.Evaluation(queries, [], [f"queries read from {path}; no invariance check"])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    started = time.perf_counter()
    view = CorpusView.load(args.corpus)
    if args.queries:
        built = _load_queries(args.queries)
    else:
        rome_dir = args.rome or default_rome()
        problem = missing_rome(rome_dir)
        if problem:
            print(f"{COMMAND}: {problem}", file=sys.stderr)
            return 2
        built = evaluation.build(
            load_rome(rome_dir), view, taxonomy_dir=args.corpus / "taxonomy", seed=args.seed,
            titles=args.titles, lacking=args.lacking, invariance=args.invariance,
        )
    if args.dump_queries:
        for query in built.queries:
            print(json.dumps(query.to_dict(), ensure_ascii=False))
        return 0
    with Bloomr(args.corpus) as bloomr:
        if args.fts5:
            with Fts5(view) as fts5:
                outcomes = evaluation.run(built, [bloomr, fts5])
        else:
            outcomes = evaluation.run(built, [bloomr])
    engines = ["bloomr", "fts5"] if args.fts5 else ["bloomr"]
    figs = report.table(outcomes)
    command = " ".join([COMMAND, *(shlex.quote(a) for a in argv)] if argv else [COMMAND])
    today = date.today().isoformat()
    seconds = time.perf_counter() - started
    corpus = {"testimonials": len(view.testimonials), "fiches": len(view.by_fiche)}
    if args.json:
        data = report.to_json(outcomes, figs, command=command, date=today, seed=args.seed, corpus=corpus,
                              notes=[*built.notes, *report.judged_notes(figs)], seconds=round(seconds, 1))
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    where = "the shipped corpus" if args.corpus.resolve() == (ROOT / "corpus").resolve() else str(args.corpus)
    print(f"Relevance on {where} ({corpus['testimonials']} published testimonials, {corpus['fiches']} fiches), "
          f"{today}, seed {args.seed}, {seconds:.1f} s")
    print(f"reproduce: {command}\n")
    print(report.markdown(figs, engines) if args.markdown else report.text(figs, engines))
    print()
    for note in [*built.notes, *report.judged_notes(figs)]:
        print(f"- {note}")
    for kind in ("lacking", "invariance"):
        why = report.reasons(outcomes, kind=kind, engine="bloomr")
        if why:
            print(f"- {kind} failures on bloomr: " + "; ".join(f"{n} × {reason}" for reason, n in why.items()))
    if args.show_failures:
        print(report.failures(outcomes, engine="bloomr", limit=args.show_failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
