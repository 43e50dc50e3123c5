"""Bloomr at 1k, 10k, 100k testimonials, side by side with SQLite FTS5: ``python -m bench``.

    python -m bench                         # 1k, 10k and 100k (make bench)
    python -m bench --docs 10000 --json     # one size, one JSON object on stdout

For each size: a full build in its own process (duration, docs/s, peak RSS, generation size);
a fixed query mix (``MIX``) timed as top-10 alone and as top-10 with every facet count
(p50/p95/p99); the same documents and queries on FTS5 built in the same run; the server
(``bloomr serve`` on 127.0.0.1) RSS after the mix and the HTML results page under 20 users with
wrk; then how long an edited testimonial takes to be searchable (``update_index``) and a withdrawn
one to disappear (``withdraw`` -> ``purge``). Progress goes to stderr; results to
``bench/results/bench-<docs>.json`` (gitignored) and to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import serve
from bench.fts5 import Fts5
from bench.generate import default_rome_dir, load_choices, testimonials

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
WORKDIR = HERE.parent / "var" / "bench"
SIZES = (1000, 10_000, 100_000)
EDIT_WORD = "zorglubisme"  # absent from the generator's vocabulary and rare lexicon
EDITS = 3


@dataclass(frozen=True)
class Query:
    """One query of the mix: what a visitor would type and tick."""

    kind: str
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1

    @property
    def label(self) -> str:
        parts = [self.kind, repr(self.text)] + [f"{k}={','.join(v)}" for k, v in self.filters.items()]
        return " ".join(parts + ([f"page={self.page}"] if self.page > 1 else []))

    def path(self) -> str:
        params: list[tuple[str, str]] = [("q", self.text)] if self.text else []
        params += [(facet, value) for facet, values in self.filters.items() for value in values]
        params += [("page", str(self.page))] if self.page > 1 else []
        return "/recherche" + ("?" + urlencode(params) if params else "")


MIX: tuple[Query, ...] = (
    Query("one word", "infirmière"),
    Query("one word", "stage"),
    Query("one word", "comptable"),
    Query("two-three words", "travail équipe"),
    Query("two-three words", "conseils alternance entreprise"),
    Query("phrase", '"faire des stages"'),
    Query("phrase", '"travail en équipe"'),
    Query("typo", "infirmeire"),
    Query("typo", "alternnace"),
    Query("no accents", "developpeur"),
    Query("no accents", "electrotechnique reconversion"),
    Query("1 filter", "passion", {"region": ("FR-BRE",)}),
    Query("2 filters", "métier", {"sector": ("J",), "region": ("FR-IDF",)}),
    Query("3 filters", "", {"sector": ("J", "M"), "region": ("FR-IDF",), "theme": ("reseau",)}),
    Query("browse", ""),
    Query("browse", "", {"country": ("BE",)}),
    Query("deep page", "travail", page=50),
    Query("youth word", "véto"),
    Query("profession + place", "infirmière bretagne"),
    Query("interest", "je veux travailler avec les animaux"),
    Query("place", "Bretagne"),
    Query("lacking job", "astronaute"),
)
"""What visitors search most; the serving load adds a long tail composed from ``tail_words`` and
``tail_filters`` (``bench.load``)."""


def tail_words(choices: Any) -> list[str]:
    """Words a visitor might type: the generator's vocabulary and the job titles it writes."""
    from bench import words as banks

    found: dict[str, None] = {}
    for values in banks.BANKS.values():
        for value in values:
            for word in value.replace("’", " ").replace("'", " ").split():
                if len(word) >= 4 and word.isalpha():
                    found.setdefault(word.lower(), None)
    for profession in list(choices.taxonomy.professions.values())[:400]:
        found.setdefault(profession.label.split(" /")[0].split()[0].lower(), None)
    return sorted(found)


def tail_filters(labels: Mapping[str, Any]) -> list[str]:
    """``name=value`` pairs a visitor might tick: every region, sector and theme of the generation."""
    return [f"{facet}={value}" for facet in ("sector", "region", "theme") for value in sorted(labels.get(facet, {}))]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds of samples in seconds (inclusive method: small samples stay sane)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        ordered = ordered * 2
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 2), "p95": round(cuts[94] * 1000, 2), "p99": round(cuts[98] * 1000, 2)}


def timed(mix: Sequence[Query], run: Callable[[Query], object], repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """Run each query once untimed (caches of a new generation are built once), then ``repeat`` times."""
    samples: list[float] = []
    per_query: dict[str, float] = {}
    for q in mix:
        run(q)
        mine: list[float] = []
        for _ in range(repeat):
            started = time.perf_counter()
            run(q)
            mine.append(time.perf_counter() - started)
        samples.extend(mine)
        per_query[q.label] = round(statistics.median(mine) * 1000, 2)
    return percentiles(samples), per_query


@contextmanager
def without_facet_counts() -> Iterator[None]:
    """``search`` with its facet counting (facets, counts without each filter) turned into no-ops.

    Top-10 alone is then the real ``search`` path (parse, match, filter, rank, hits, suggestion),
    whatever its internals become, minus exactly the part the second figure adds.
    """
    import search.query as module

    saved = module.facets, module._without_filter
    module.facets = lambda *args, **kwargs: {}  # type: ignore[assignment]
    module._without_filter = lambda *args, **kwargs: ()  # type: ignore[assignment]
    try:
        yield
    finally:
        module.facets, module._without_filter = saved


def whoosh_full(generation: Any, q: Query) -> object:
    from search.query import search

    return search(generation, q.text, filters=q.filters, page=q.page, page_size=10)


def build(docs: int, index_dir: Path, *, seed: int, procs: int, rome: Path | None) -> dict[str, Any]:
    """The full build, in its own process for an honest peak RSS."""
    command = [sys.executable, "-m", "bench.build", "--docs", str(docs), "--index", str(index_dir),
               "--seed", str(seed), "--procs", str(procs)]
    if rome is not None:
        command += ["--rome", str(rome)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=HERE.parent)
    if done.returncode != 0:
        raise SystemExit(f"bench: the build failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def incremental(index_dir: Path, items: list[Any], labels: Mapping[str, object]) -> dict[str, Any]:
    """Seconds until an edit is searchable (update_index, the worst of ``EDITS`` edits in a row:
    the second one once merged the whole index) and a withdrawal is gone (withdraw)."""
    from indexer.build import update_index
    from indexer.pipeline import withdraw
    from search.index import IndexHandle
    from search.query import search
    from search.warm import warm

    # A reader as the site's: its generation warmed before the edits (the server warms at
    # start), each new one warmed as it opens (``on_open``)
    handle = IndexHandle(index_dir)
    warm(handle.current())
    handle.on_open = warm
    position = len(items) // 2
    target = items[position]
    edits: list[float] = []
    for edit in range(EDITS):
        word = EDIT_WORD + "abcdefghij"[edit]
        edited = replace(
            target,
            sections=replace(target.sections, metier=target.sections.metier + f" Je pratique aussi le {word}."),
            content_hash=f"edited-{edit}-" + target.content_hash,
        )
        started = time.perf_counter()
        update_index(items[:position] + [edited] + items[position + 1:], index_dir, labels=labels)
        while search(handle.current(), word).total < 1:
            if time.perf_counter() - started > 3600:
                raise SystemExit("bench: the edited testimonial never became searchable")
            time.sleep(0.01)
        edits.append(time.perf_counter() - started)
    update_s = max(edits)
    # The withdrawal runs as `bloomr withdraw` would, while a reader keeps searching: it is
    # "gone" when the reader no longer finds it; the purge of the segments may go on after.
    worker = threading.Thread(target=withdraw, args=(index_dir, target.id))
    started = time.perf_counter()
    worker.start()
    while search(handle.current(), word).total > 0:
        if time.perf_counter() - started > 3600:
            raise SystemExit("bench: the withdrawn testimonial never disappeared")
        time.sleep(0.01)
    withdraw_s = time.perf_counter() - started
    worker.join()
    purged_s = time.perf_counter() - started
    return {
        "update_visible_s": round(update_s, 3),
        "update_visible_each_s": [round(e, 3) for e in edits],
        "withdraw_visible_s": round(withdraw_s, 3),
        "withdraw_purged_s": round(purged_s, 3),
    }


def machine() -> dict[str, Any]:
    memory = 0.0
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory = int(handle.readline().split()[1]) / 1024 / 1024
    except OSError:
        pass
    from importlib.metadata import version

    return {"cores": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version(),
            "whoosh": version("whoosh-reloaded"), "sqlite": __import__("sqlite3").sqlite_version}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def run_size(docs: int, args: argparse.Namespace) -> dict[str, Any]:
    from search.index import IndexHandle

    work = WORKDIR / str(docs)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    index_dir = work / "index"
    log(f"[{docs}] full build (procs={args.procs}) in a subprocess…")
    built = build(docs, index_dir, seed=args.seed, procs=args.procs, rome=args.rome)
    log(f"[{docs}]   {built['build_s']} s, {built['docs_per_s']} docs/s, peak RSS {built['peak_rss_mb']} MB")

    choices = load_choices(args.rome)
    items = list(testimonials(docs, seed=args.seed, choices=choices))
    labels = choices.taxonomy.labels(used=items)

    log(f"[{docs}] FTS5 reference build…")
    ref = Fts5(work / "fts5.sqlite")
    fts_build_s = ref.build(items)

    log(f"[{docs}] query mix x{args.repeat} (top-10, then top-10 + facets)…")
    generation = IndexHandle(index_dir).current()
    with without_facet_counts():
        top10, top10_each = timed(MIX, lambda q: whoosh_full(generation, q), args.repeat)
    full, full_each = timed(MIX, lambda q: whoosh_full(generation, q), args.repeat)
    f_top10, f_top10_each = timed(MIX, lambda q: ref.top10(q.text, q.filters, page=q.page), args.repeat)
    f_full, f_full_each = timed(MIX, lambda q: ref.search(q.text, q.filters, page=q.page), args.repeat)
    fts = {"build_s": round(fts_build_s, 3), "size_mb": round(ref.size_bytes() / 1e6, 2),
           **{f"top10_{k}_ms": v for k, v in f_top10.items()}, **{f"facets_{k}_ms": v for k, v in f_full.items()}}
    ref.close()
    del generation

    served: dict[str, Any] = {}
    reason = "skipped (--no-serve)" if args.no_serve else serve.available()
    if reason is None:
        log(f"[{docs}] serving: bloomr serve --workers {args.workers}, wrk {args.users} users for {args.duration} s…")
        served = serve.measure(index_dir, [q.path() for q in MIX], words=tail_words(choices),
                               filters=tail_filters(labels), duration=args.duration, users=args.users,
                               workers=args.workers)
    else:
        log(f"[{docs}] serving not measured: {reason}")

    inc: dict[str, Any] = {"update_visible_s": None, "withdraw_visible_s": None}
    if args.no_incremental:
        log(f"[{docs}] incremental not measured (--no-incremental)")
    else:
        log(f"[{docs}] incremental: edit then withdraw one testimonial…")
        inc.update(incremental(index_dir, items, labels))

    result: dict[str, Any] = {
        "docs": docs,
        "build_s": built["build_s"],
        "build_docs_per_s": built["docs_per_s"],
        "build_peak_rss_mb": built["peak_rss_mb"],
        "build_corpus_rss_mb": built["corpus_rss_mb"],
        "build_procs": args.procs,
        "index_size_mb": built["size_mb"],
        **{f"top10_{k}_ms": v for k, v in top10.items()},
        **{f"facets_{k}_ms": v for k, v in full.items()},
        **inc,
        "serve_rss_mb": served.get("serve_rss_mb"),
        "serve_rss_after_load_mb": served.get("serve_rss_after_load_mb"),
        "page_p50_ms": served.get("page_p50_ms"),
        "page_p95_ms": served.get("page_p95_ms"),
        "page_p99_ms": served.get("page_p99_ms"),
        "page_rps": served.get("page_rps"),
        "errors": served.get("errors"),
        "serving": served or {"skipped": reason},
        "fts5": fts,
        "ratios_to_fts5": {
            "build_s": ratio(built["build_s"], fts_build_s),
            "index_size_mb": ratio(built["size_mb"], fts["size_mb"]),
            **{f"top10_{k}_ms": ratio(top10[k], f_top10[k]) for k in top10},
            **{f"facets_{k}_ms": ratio(full[k], f_full[k]) for k in full},
        },
        "per_query_median_ms": {
            label: {"top10": top10_each[label], "facets": full_each[label],
                    "fts5_top10": f_top10_each[label], "fts5_facets": f_full_each[label]}
            for label in top10_each
        },
        "professions": len(labels.get("profession", {})),  # type: ignore[arg-type]
        "repeat": args.repeat,
        "seed": args.seed,
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench-{docs}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("build (s)", "build_s", "build_s"),
    ("build docs/s", "build_docs_per_s", None),
    ("build peak RSS (MB)", "build_peak_rss_mb", None),
    ("index size (MB)", "index_size_mb", "size_mb"),
    ("top-10 p50 (ms)", "top10_p50_ms", "top10_p50_ms"),
    ("top-10 p95 (ms)", "top10_p95_ms", "top10_p95_ms"),
    ("top-10 p99 (ms)", "top10_p99_ms", "top10_p99_ms"),
    ("+ facets p50 (ms)", "facets_p50_ms", "facets_p50_ms"),
    ("+ facets p95 (ms)", "facets_p95_ms", "facets_p95_ms"),
    ("+ facets p99 (ms)", "facets_p99_ms", "facets_p99_ms"),
    ("edit visible, worst of 3 in a row (s)", "update_visible_s", None),
    ("withdrawal gone (s)", "withdraw_visible_s", None),
    ("server RSS (MB)", "serve_rss_mb", None),
    ("server RSS after load (MB)", "serve_rss_after_load_mb", None),
    ("server PSS after load (MB)", "serve_pss_after_load_mb", None),
    ("  of which private (MB)", "serve_private_after_load_mb", None),
    ("page p50 (ms)", "page_p50_ms", None),
    ("page p95 (ms)", "page_p95_ms", None),
    ("page p99 (ms)", "page_p99_ms", None),
    ("pages/s", "page_rps", None),
    ("searches not seen before in the load", "unique_share", None),
    ("page cache hits", "cache_hit_rate", None),
    ("errors", "errors", None),
)


def value(result: Mapping[str, Any], key: str) -> Any:
    """A figure of one result, looked up in its serving block too (older result files)."""
    found = result.get(key)
    return found if found is not None else result.get("serving", {}).get(key)


def table(results: Sequence[Mapping[str, Any]]) -> str:
    """Bloomr | FTS5 | ratio, one column group per size."""
    def cell(value: Any) -> str:
        return "—" if value is None else (f"{value:g}" if isinstance(value, (int, float)) else str(value))

    head = ["metric"] + [f"{r['docs']:,} docs: Bloomr | FTS5 | ×" for r in results]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for title, key, fts_key in ROWS:
        row = [title]
        for r in results:
            mine = value(r, key)
            if fts_key is None:
                row.append(cell(mine))
            else:
                theirs = r["fts5"].get(fts_key)
                row.append(f"{cell(mine)} | {cell(theirs)} | {cell(ratio(mine, theirs))}")
        lines.append(" | ".join(row))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=list(SIZES), help="sizes (default 1000 10000 100000)")
    parser.add_argument("--json", action="store_true", help="print JSON (one object for one size, else a list)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--procs", type=int, default=2, help="writer processes of the full build (default 2)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query of the mix (default 10)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load on the results page (default 60)")
    parser.add_argument("--users", type=int, default=20, help="concurrent connections (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    parser.add_argument("--no-serve", action="store_true", help="skip the serving measurements")
    parser.add_argument("--no-incremental", action="store_true",
                        help="skip the edit and withdrawal timings (each rewrites the whole index)")
    parser.add_argument("--keep", action="store_true", help="keep var/bench/<docs> (index and FTS5 file)")
    parser.add_argument("--rome", type=Path, default=default_rome_dir(),
                        help="ROME CSV export for professions (default $BLOOMR_ROME; else corpus/taxonomy)")
    args = parser.parse_args(argv)
    if any(n < 20 for n in args.docs):
        parser.error("--docs: at least 20 testimonials (the mix needs a deep page and facets)")
    results = []
    for docs in args.docs:
        results.append(run_size(docs, args))
        log(table(results))
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, indent=2, ensure_ascii=False))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
