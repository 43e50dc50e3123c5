"""A simulated month of searches, and what ``bloomr insights`` costs over it: ``python -m bench.insights``.

Builds the shipped corpus into a temporary index (or uses ``--index``), generates ``--searches``
(100,000) searches over ``--days`` (30) from the shipped lexicon — métiers by Zipf popularity in
their ROME titles (both genders, some without accents) and youth words, places, interests and
advice themes, filters ticked without words, jobs no fiche covers, typos that find nothing and
rare personal text — runs each distinct one through the real ``search()`` once, and records
them through the real ``Recorder`` and ``Store``. Then it prints:

- the cost on the request path (``record_of`` + ``offer``), and the writer's batches;
- the database's size and rows after the month, and after the month is rolled up;
- the time of ``bloomr insights`` (the command, in its own process: start-up, index, report) and
  of its parts in process (read, report, text, HTML);
- the results page's latency in process with the database free, and locked by another connection.

A measurement, not a test: seeded (``--seed 1``), nothing asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from indexer.pipeline import index_corpus
from indexer.synonyms import load_synonyms
from indexer.taxonomy import load_taxonomy
from insights.html import render_html
from insights.record import Record, record_of
from insights.recorder import Recorder, utc_today
from insights.report import build_report
from insights.store import Store, add_months
from insights.text import render_text
from search.errors import BloomrError
from search.generation import Generation
from search.index import IndexHandle
from search.lexicon import lexicon
from search.query import search

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "corpus" / "taxonomy"
PLACES = (
    "Paris", "Lyon", "Marseille", "Bretagne", "Toulouse", "Lille", "Nantes", "Bordeaux", "Normandie", "Montpellier",
    "Strasbourg", "Rennes", "Nice", "Grenoble", "Occitanie", "Montréal", "Québec", "Bruxelles", "Liège", "Genève",
    "Lausanne", "Dakar", "Abidjan", "La Réunion", "Guadeloupe", "dans le 93", "en Alsace", "à Brest",
)
FREE_TEXT = (
    "metier qui paye bien", "metier avec les enfants", "travailler dehors", "metier sans diplome", "metier manuel",
    "travailler a l etranger", "aider les gens", "metier creatif", "metier du sport", "metier de l informatique",
    "reconversion", "apprentissage", "stage de troisieme", "bac pro", "travailler la nuit",
)
FIRST = ("lea", "enzo", "ines", "noah", "chloe", "adam", "jade", "lucas", "emma", "yanis", "manon", "hugo", "sarah", "nael")
SYLLABLES = ("ma", "ko", "ri", "ben", "lu", "ta", "gar", "do", "nou", "vi", "sa", "rel", "mi", "zo", "pe", "lan")
MIX = (  # kind, share of the searches
    ("fiche", 0.50), ("fiche+place", 0.12), ("fiche+theme", 0.04), ("interest", 0.09), ("filter", 0.09),
    ("free", 0.04), ("unlisted", 0.015), ("typo", 0.07), ("rare", 0.025), ("gibberish", 0.01),
)


def zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


def strip_accents(text: str) -> str:
    from search.analysis import fold

    return fold(text)


def mangle(word: str, rng: random.Random) -> str:
    """Two random edits: what a hurried thumb types."""
    letters = list(word)
    for _ in range(2):
        if len(letters) < 3:
            break
        at = rng.randrange(len(letters) - 1)
        edit = rng.choice(("swap", "drop", "double", "replace"))
        if edit == "swap":
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
        elif edit == "drop":
            del letters[at]
        elif edit == "double":
            letters.insert(at, letters[at])
        else:
            letters[at] = rng.choice("azertyuiopqsdfghjklmwxcvbn")
    return "".join(letters)


class Simulator:
    """Seeded searches as (text, filters), shaped like youths' (see the module docstring)."""

    def __init__(self, generation: Generation, seed: int) -> None:
        self.rng = random.Random(seed)
        lex = lexicon(generation)
        taxonomy = load_taxonomy(TAXONOMY)
        synonyms, _ = load_synonyms(TAXONOMY / "synonyms.yaml", taxonomy)
        self.youth: dict[str, list[str]] = {}
        for word, targets in synonyms.professions.items():
            for code in targets:
                self.youth.setdefault(code, []).append(word)
        # popularity: a seeded order where métiers youths have words for (synonyms.yaml: « véto »,
        # « kiné »…) and métiers Bloomr already tells (its team recruited for what youths ask)
        # tend to come first, then Zipf over that order
        told = generation.columns["profession"].counts(generation.live)
        slang = Counter(targets[0] for targets in synonyms.professions.values() if len(targets) == 1)  # words for one job
        self.fiches = sorted(sorted(lex.fiches), key=lambda code: self.rng.random()
                             * (0.5 if told.get(code) else 1.0) / (1 + slang[code]) ** 2)
        self.fiche_weights = zipf_weights(len(self.fiches), 0.9)
        self.lex = lex
        self.interests = [i.phrases[0] if i.phrases else i.label for i in synonyms.interests] + [
            label for _, label in lex.centres_interet.values()] + [label for label, _ in lex.rome_themes.values()]
        self.themes = [phrases[0] for phrases in synonyms.advice_themes.values() if phrases]
        self.unlisted = sorted(synonyms.jobs_without_fiche) or ["astronaute"]
        self.sectors = sorted(lex.sectors)
        self.regions = sorted(generation.labels.get("region", {})) or ["FR-IDF"]
        self.place_weights = zipf_weights(len(PLACES), 0.9)

    def title(self) -> str:
        code = self.rng.choices(self.fiches, self.fiche_weights)[0]
        info = self.lex.fiches[code]
        words = self.youth.get(code, [])
        if words and self.rng.random() < 0.3:
            text = self.rng.choice(words)
        else:
            text = (info.feminine if self.rng.random() < 0.45 else info.masculine).lower()
        return strip_accents(text) if self.rng.random() < 0.35 else text

    def one(self) -> tuple[str, dict[str, list[str]]]:
        rng = self.rng
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        if kind == "fiche":
            return self.title(), {}
        if kind == "fiche+place":
            return f"{self.title()} {rng.choices(PLACES, self.place_weights)[0]}", {}
        if kind == "fiche+theme":
            return f"{self.title()} {rng.choice(self.themes)}", {}
        if kind == "interest":
            prefix = rng.choice(("", "", "je veux ", "metier ", "travailler avec "))
            return prefix + rng.choice(self.interests).lower(), {}
        if kind == "filter":
            if rng.random() < 0.6:
                return "", {"sector": [rng.choice(self.sectors)]}
            return "", {"region": [rng.choice(self.regions)]}
        if kind == "free":
            return rng.choice(FREE_TEXT), {}
        if kind == "unlisted":
            return rng.choice(self.unlisted), {}
        if kind == "typo":
            return mangle(self.title().split()[0], rng), {}
        if kind == "rare":  # a name, a school, a phone number: typed once, by one person
            surname = "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4)))
            return f"{rng.choice(FIRST)} {surname} {rng.choice(PLACES)} 06{rng.randrange(10**7, 10**8)}", {}
        return "".join(rng.choice("qwxzkjhv") for _ in range(rng.randrange(5, 9))), {}


def days_of(end: date, days: int, total: int, rng: random.Random) -> list[date]:
    """How many searches each day gets: fewer at weekends, the total exact."""
    span = [end - timedelta(days=days - 1 - i) for i in range(days)]
    weights = [0.6 if d.weekday() == 5 else 0.7 if d.weekday() == 6 else 1.0 for d in span]
    return rng.choices(span, weights, k=total)


Asked = tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]
_WORKER: dict[str, Generation] = {}


def _open(index_dir: Path) -> None:
    _WORKER["generation"] = IndexHandle(index_dir).current()


def _record(asked: Asked) -> Record | None:
    """One distinct search through the real ``search()``, read into its record (in a worker process)."""
    generation = _WORKER["generation"]
    text, filters = asked
    try:
        found = search(generation, text, filters={f: list(v) for f, v in filters}, page_size=1, budget_ms=800)
    except BloomrError:
        return None
    return record_of(found, generation, day=date.min)


def simulate(
    generation: Generation, index_dir: Path, *, searches: int, days: int, end: date, seed: int, processes: int | None = None
) -> tuple[list[Record], dict[str, float]]:
    """The month's records, each distinct search run once through ``search()`` (one process per core by default)."""
    simulator = Simulator(generation, seed)
    asked: list[Asked] = [
        (text, tuple(sorted((f, tuple(v)) for f, v in filters.items()))) for text, filters in (simulator.one() for _ in range(searches))
    ]
    when = days_of(end, days, searches, simulator.rng)
    distinct = sorted(set(asked))
    started = time.perf_counter()
    workers = processes or os.cpu_count() or 1
    if workers == 1:
        _WORKER["generation"] = generation
        cache = {key: _record(key) for key in distinct}
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_open, initargs=(index_dir,)) as pool:
            cache = dict(zip(distinct, pool.map(_record, distinct, chunksize=200)))
    records = [
        replace(record, day=day) for key, day in zip(asked, when) if (record := cache[key]) is not None
    ]
    return records, {"distinct": len(cache), "search_s": time.perf_counter() - started}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


def request_path_cost(generation: Generation, recorder: Recorder) -> tuple[float, float]:
    """record_of + offer per search, in microseconds (p50, p95), on the results of real searches."""
    texts = ["infirmière", "notaire à Lyon", "je veux travailler avec les animaux", "véto", "astronaute", "xqzkj", ""]
    results = [search(generation, t, filters={} if t else {"sector": ["J"]}, page_size=10) for t in texts]
    timings = []
    today = utc_today()
    for i in range(3000):
        found = results[i % len(results)]
        started = time.perf_counter()
        record = record_of(found, generation, day=today)
        if record is not None:
            recorder.offer(record, source=f"198.51.100.{i % 250}")
        timings.append((time.perf_counter() - started) * 1e6)
    return statistics.median(timings), percentile(timings, 0.95)


def page_latency(index_dir: Path, db: Path, *, locked: bool, rounds: int) -> tuple[float, float, int]:
    """Results page p50 and p95 in ms (in process), and the non-200 answers, the database free or locked."""
    from starlette.testclient import TestClient

    from web.app import create_app
    from web.settings import Settings

    holder = None
    if locked:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    timings, failures = [], 0
    try:
        with TestClient(create_app(Settings(index=index_dir, insights_db=db))) as client:
            queries = ["infirmière", "notaire", "boulanger bretagne", "véto", "développeur", "astronaute"]
            for q in queries:  # warm
                client.get("/recherche", params={"q": q})
            for i in range(rounds):
                started = time.perf_counter()
                response = client.get("/recherche", params={"q": queries[i % len(queries)]},
                                      headers={"user-agent": "Mozilla/5.0 (bench)"})
                timings.append((time.perf_counter() - started) * 1000)
                failures += response.status_code != 200
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    return statistics.median(timings), percentile(timings, 0.95), failures


def rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        counted = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("days", "texts", "months", "lost")}
        counted["texts in clear"] = con.execute("SELECT COUNT(*) FROM texts WHERE text IS NOT NULL").fetchone()[0]
        counted["month words in clear"] = con.execute("SELECT COUNT(DISTINCT query) FROM months WHERE query != ''").fetchone()[0]
    con.close()
    return counted


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.insights", description=__doc__)
    parser.add_argument("--index", type=Path, help="an index directory (default: build corpus/ into a temporary one)")
    parser.add_argument("--searches", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=300, help="results pages timed, database free then locked")
    parser.add_argument("--keep", type=Path, help="keep the simulated database here (and its key beside it)")
    args = parser.parse_args(argv)
    end = utc_today()
    with tempfile.TemporaryDirectory(prefix="bloomr-insights-") as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            index_corpus(ROOT / "corpus", index_dir)
        generation = IndexHandle(index_dir).current()
        print(f"index: {generation.count} testimonials ({generation.name})")

        records, info = simulate(generation, index_dir, searches=args.searches, days=args.days, end=end, seed=args.seed)
        kinds = Counter("zero" if r.zero else "fiche" if r.fiches else "other" for r in records)
        print(f"simulated: {len(records):,} searches over {args.days} days ending {end}, {info['distinct']:,.0f} distinct,"
              f" run through search() in {info['search_s']:.1f} s ({kinds['fiche']:,} naming a fiche,"
              f" {kinds['zero']:,} without result)")

        db = Path(tmp) / "insights.sqlite3"
        store = Store(db)
        recorder = Recorder(store)
        p50, p95 = request_path_cost(generation, Recorder(Store(Path(tmp) / "scratch.sqlite3")))
        print(f"request path (record_of + offer): {p50:.0f} µs median, {p95:.0f} µs p95")
        batches = []
        started = time.perf_counter()
        for at in range(0, len(records), 5000):
            for record in records[at:at + 5000]:
                recorder.offer(record)
            t = time.perf_counter()
            recorder.flush()
            batches.append((time.perf_counter() - t) * 1000)
        total_s = time.perf_counter() - started
        print(f"writer: {len(batches)} batches of 5,000 in {total_s:.2f} s (batch median {statistics.median(batches):.0f} ms,"
              f" max {max(batches):.0f} ms), {recorder.lost} lost")
        print(f"database after the month: {mb(store.size())}, rows {rows(db)}")

        since = end - timedelta(days=args.days - 1)
        command = [sys.executable, "-m", "bloomr.cli", "insights", "--since", f"{args.days}d", "--json",
                   "--index", str(index_dir), "--db", str(db)]
        wall = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            wall.append(time.perf_counter() - t)
        t = time.perf_counter()
        totals = store.totals(since, end)
        read_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        report = build_report(totals, generation)
        report_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        text = render_text(report)
        text_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        page = render_html(report)
        html_ms = (time.perf_counter() - t) * 1000
        print(f"bloomr insights --since {args.days}d --json: {statistics.median(wall):.2f} s median of 3 (whole command);"
              f" in process: read {read_ms:.0f} ms ({len(totals.rows):,} shapes), report {report_ms:.0f} ms,"
              f" text {text_ms:.0f} ms, HTML {html_ms:.0f} ms ({len(page) / 1024:.0f} KB)")
        print(f"report: {report.searches:,} searches, {len(report.unmet)} fiches to recruit for,"
              f" {len(report.zero_result)} zero-result queries shown (k={report.k}), {len(text.splitlines())} lines of text")

        later = Path(tmp) / "rolled.sqlite3"
        shutil.copy(db, later)
        rolled = Store(later).roll_up(add_months(end, 2))
        print(f"after roll-up (two months later, {', '.join(rolled.months)} folded): {mb(Store(later).size())},"
              f" rows {rows(later)}")

        free = page_latency(index_dir, Path(tmp) / "pages.sqlite3", locked=False, rounds=args.rounds)
        locked = page_latency(index_dir, Path(tmp) / "pages.sqlite3", locked=True, rounds=args.rounds)
        print(f"results page in process: database free {free[0]:.1f} ms median, {free[1]:.1f} ms p95, {free[2]} errors;"
              f" locked by another connection {locked[0]:.1f} ms median, {locked[1]:.1f} ms p95, {locked[2]} errors")
        if args.keep:
            args.keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(db, args.keep)
            shutil.copy(Path(tmp) / "insights.key", args.keep.parent / "insights.key")
            print(f"kept: {args.keep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
