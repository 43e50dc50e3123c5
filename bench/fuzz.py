"""``make fuzz``: coverage-guided fuzzing (atheris/libFuzzer) of query parsing, search and the corpus loader.

Three targets, each in its own process (libFuzzer exits when done)::

    python -m bench.fuzz                          # every target, 10 minutes in all
    python -m bench.fuzz --seconds 180            # all three, 3 minutes in all
    python -m bench.fuzz --target query --seconds 60

- ``query``: any text (surrogates included) through ``web.params.parse_q``, ``search.parse.parse_query``
  and ``search.query.search`` on a small index of ``tests/data/good``. Allowed: results, ``BadQuery``,
  ``BadParameter``. Checked: snippets hold only ``<mark>`` markup, hit counts are bounded.
- ``params``: any bytes as the query string of ``/recherche`` through ``web.params.parse_search``.
  Allowed: ``SearchParams``, ``BadQuery``, ``BadParameter``. Checked: every bound of web/params.py holds.
- ``corpus``: any bytes as a testimonial file (``.md`` or ``.jsonl``) next to the good corpus, through
  ``load_corpus``. Allowed: a report. Checked: every problem names the file and a line >= 1.

Anything else is a crash: libFuzzer writes the input to ``var/fuzz/<target>/crash-*``; turn it into
a regression test (tests/test_hostile_corpus.py or tests/test_properties.py).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "data" / "good"
BAD = ROOT / "tests" / "data" / "bad"
OUT = ROOT / "var" / "fuzz"
TARGETS = ("query", "params", "corpus")


def _seed_queries(folder: Path) -> None:
    samples = [
        "infirmière", "infirmiere de nuit", '"bloc opératoire" -nuit', "lyon~1/5", "((((((", "*a*", "?x", "f*",
        "abcdefg~3", "nosuchfield:x", "e\u0301", "\u202einfirmier", "<script>alert(1)</script>", "{{7*7}}",
        "{% raw %}", "infirmier OR boulanger OR développeur", "l’hôpital d'abord", "« aide-soignante »",
    ]
    for i, text in enumerate(samples):
        (folder / f"seed-{i:02d}").write_bytes(b"\x00\x00\x00" + text.encode("utf-8", "surrogatepass"))


def _seed_corpus(folder: Path) -> None:
    i = 0
    for source in sorted((GOOD / "testimonials").iterdir()) + sorted(BAD.glob("*.md")) + sorted(BAD.glob("*.jsonl")):
        if source.is_file():
            kind = b"j" if source.suffix == ".jsonl" else b"m"
            (folder / f"seed-{i:02d}").write_bytes(kind + source.read_bytes()[:20000])
            i += 1


def run_query(seconds: int, extra: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["search", "web"]):
        from search.errors import BadParameter, BadQuery
        from search.index import IndexHandle
        from search.parse import parse_query
        from search.query import search
        from search.text import clean_text
        from web.params import parse_q

    from indexer.build import build_index
    from indexer.corpus import load_corpus
    from indexer.taxonomy import load_taxonomy

    work = Path(tempfile.mkdtemp(prefix="bloomr-fuzz-"))
    report = load_corpus(GOOD, taxonomy_dir=GOOD / "taxonomy")
    taxonomy = load_taxonomy(GOOD / "taxonomy")
    build_index(report.testimonials, work / "index", labels=taxonomy.labels(used=report.testimonials))
    generation = IndexHandle(work / "index").current()
    sorts = (None, "relevance", "recent", "random")

    def one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        sort = sorts[fdp.ConsumeIntInRange(0, 3)]
        page = fdp.ConsumeIntInRange(1, 3)
        understood = fdp.ConsumeBool()  # with the query understood (the site) or every word as text
        text = fdp.ConsumeUnicode(fdp.remaining_bytes())
        clean_text(text)
        try:
            parse_q(text)
        except BadQuery:
            pass
        try:
            parse_query(text)
        except BadQuery:
            pass
        try:
            results = search(generation, text, sort=sort, page=page, page_size=5, seed=7, understood=understood)
        except (BadQuery, BadParameter):
            return
        assert 0 <= results.total <= generation.count, results.total
        assert len(results.hits) <= 5
        for hit in results.hits:
            bare = hit.snippet.replace("<mark>", "").replace("</mark>", "")
            if "<" in bare or ">" in bare:
                raise AssertionError(f"markup in snippet: {hit.snippet!r}")

    seeds = OUT / "query" / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    _seed_queries(seeds)
    _fuzz(one_input, "query", seconds, [str(seeds)] + extra)


def run_params(seconds: int, extra: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["web", "search", "starlette.datastructures"]):
        from starlette.datastructures import QueryParams

        from search.errors import BadParameter, BadQuery
        from search.facet_specs import FACET_NAMES, MAX_VALUES_PER_FACET
        from web import params as p

    def one_input(data: bytes) -> None:
        query_string = data.decode("latin-1")
        try:
            parsed = p.parse_search(QueryParams(query_string), query_string=query_string)
        except (BadQuery, BadParameter) as exc:
            assert exc.message and exc.remedy
            return
        assert len(parsed.q) <= p.MAX_QUERY_CHARS
        assert 1 <= parsed.page <= p.MAX_PAGE and 1 <= parsed.page_size <= p.MAX_PAGE_SIZE
        assert parsed.sort in (None, *p.SORTS)
        for facet, values in parsed.filters.items():
            assert facet in FACET_NAMES and 0 < len(values) <= MAX_VALUES_PER_FACET
            assert all(0 < len(v) <= p.MAX_VALUE_CHARS for v in values)
            assert all("\x00" not in v and "\u202e" not in v for v in values)

    seeds = OUT / "params" / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate([b"q=infirmiere&region=FR-BRE&page=2", b"sector=A&sector=B&sort=recent&seed=4", b"q=%FF%00&page=1e3",
                              b"page_size=50&theme=reseau&q=%E2%80%AEabc", b"&&=&q=&q=x"]):
        (seeds / f"seed-{i:02d}").write_bytes(text)
    _fuzz(one_input, "params", seconds, [str(seeds)] + extra)


def run_corpus(seconds: int, extra: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["indexer", "yaml"]):
        from indexer.corpus import check_corpus
        from indexer.taxonomy import load_taxonomy

    work = Path(tempfile.mkdtemp(prefix="bloomr-fuzz-corpus-"))
    (work / "testimonials").mkdir()  # one good neighbour (duplicate ids), then the fuzzed file: fast
    shutil.copy(GOOD / "testimonials" / "jerome-infirmier.md", work / "testimonials")
    taxonomy = load_taxonomy(GOOD / "taxonomy")
    target_md = work / "testimonials" / "fuzz-cible.md"
    target_jsonl = work / "testimonials" / "fuzz-cible.jsonl"

    def one_input(data: bytes) -> None:
        if not data:
            return
        kind, body = data[:1], data[1:]
        target, other = (target_jsonl, target_md) if kind == b"j" else (target_md, target_jsonl)
        other.unlink(missing_ok=True)
        target.write_bytes(body)
        report = check_corpus(work, taxonomy)
        for problem in report.problems:
            assert problem.line >= 1, str(problem)
            assert problem.path, str(problem)
            str(problem)
        if report.ok:
            ids = [t.id for t in report.testimonials]
            assert len(ids) == len(set(ids)), ids

    seeds = OUT / "corpus" / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    _seed_corpus(seeds)
    _fuzz(one_input, "corpus", seconds, [str(seeds)] + extra)


def _fuzz(one_input: object, target: str, seconds: int, args: list[str]) -> None:
    import atheris

    artifacts = OUT / target
    artifacts.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.argv[0],
        f"-max_total_time={seconds}",
        "-timeout=20",
        "-rss_limit_mb=3072",
        "-max_len=4096",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *args,
    ]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=600, help="total fuzzing time (split between targets)")
    parser.add_argument("--target", choices=(*TARGETS, "all"), default="all")
    args, extra = parser.parse_known_args(argv)
    if args.target == "query":
        run_query(args.seconds, extra)
        return 0
    if args.target == "params":
        run_params(args.seconds, extra)
        return 0
    if args.target == "corpus":
        run_corpus(args.seconds, extra)
        return 0
    share = max(1, args.seconds // len(TARGETS))
    failed = []
    for target in TARGETS:
        started = time.monotonic()
        print(f"== fuzz {target}: {share} s", flush=True)
        done = subprocess.run([sys.executable, "-m", "bench.fuzz", "--target", target, "--seconds", str(share), *extra])
        print(f"== fuzz {target}: exit {done.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if done.returncode != 0:
            failed.append(target)
    crashes = sorted(p.name for p in OUT.glob("*/crash-*")) + sorted(p.name for p in OUT.glob("*/timeout-*"))
    print(f"== crashes/timeouts kept in {OUT}: {len(crashes)}" + (f" ({', '.join(crashes)})" if crashes else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
