"""Put the sets together and run them on the engines.

``build(rome, view, taxonomy_dir=…, seed=1)`` returns an ``Evaluation``: the queries of every
kind, the invariance sample and the notes a reader needs (where the youth words came from,
what was skipped and why). ``run(evaluation, engines)`` returns one ``Outcome`` per query
and engine, the invariance checks included (kind ``invariance``).
"""

from __future__ import annotations

from dataclasses import replace

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from bench.relevance import knowledge
from bench.relevance.corpus import CorpusView
from bench.relevance.metrics import Outcome, judge
from bench.relevance.rome import Rome
from bench.relevance.sets import (
    LACKING_LIMIT,
    TITLE_LIMIT,
    Query,
    gender_twins,
    interest_queries,
    invariance_sample,
    lacking_queries,
    title_queries,
    variants,
    word_queries,
)
from indexer.taxonomy import fold

SYNONYMS = "synonyms.yaml"
INVARIANCE_SIZE = 40


class Engine(Protocol):
    name: str
    understands: bool

    def answer(self, text: str) -> dict[str, Any]: ...


@dataclass
class Evaluation:
    queries: list[Query]
    invariance: list[tuple[Query, list[tuple[str, str]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_kind(self) -> dict[str, list[Query]]:
        out: dict[str, list[Query]] = {}
        for query in self.queries:
            out.setdefault(query.kind, []).append(query)
        return out


def build(
    rome: Rome,
    view: CorpusView,
    *,
    taxonomy_dir: Path,
    seed: int,
    titles: int = TITLE_LIMIT,
    lacking: int = LACKING_LIMIT,
    invariance: int = INVARIANCE_SIZE,
) -> Evaluation:
    notes: list[str] = []
    synonyms_path = _shown(taxonomy_dir / SYNONYMS)
    youth_words = knowledge.load_mapping(synonyms_path, "professions", rome.fiches, source=f"{taxonomy_dir.name}/{SYNONYMS}")
    if youth_words is None:
        youth_words = knowledge.load_mapping(knowledge.FALLBACK, "professions", rome.fiches, source="bench/relevance/youth_fallback.yaml")
        state = "has no `professions:` section" if synonyms_path.is_file() else "does not exist yet"
        notes.append(
            f"{synonyms_path} {state}: youth words come from the benchmark's small fallback list "
            "bench/relevance/youth_fallback.yaml"
        )
    else:
        notes.append(f"youth words: `professions:` of {synonyms_path}")
    if youth_words is None:
        raise FileNotFoundError(knowledge.FALLBACK)
    if youth_words.unresolved:
        notes.append(f"{len(youth_words.unresolved)} youth word(s) map to no ROME fiche and are not judged: "
                     + ", ".join(youth_words.unresolved[:10]))
    holdout = knowledge.load_mapping(knowledge.HOLDOUT, "professions", rome.fiches, source="bench/relevance/youth_holdout.yaml")
    if holdout is None:
        raise FileNotFoundError(knowledge.HOLDOUT)
    if youth_words.source != "bench/relevance/youth_fallback.yaml":
        # Words the maintainers listed on their own are no longer held out: they are judged with
        # the youth words, and the held-out figure stays a measure of what the lists miss.
        listed = {fold(w) for w in youth_words.entries}
        kept = {w: codes for w, codes in holdout.entries.items() if fold(w) not in listed}
        if len(kept) < len(holdout.entries):
            notes.append(f"{len(holdout.entries) - len(kept)} of {len(holdout.entries)} held-out words were listed "
                         f"independently in {SYNONYMS}; the held-out figure is on the {len(kept)} others")
            holdout = replace(holdout, entries=kept)
    centres = knowledge.load_mapping(synonyms_path, "centres_interet", rome.fiches)
    if centres is None:
        notes.append(f"no `centres_interet:` in {synonyms_path}: ROME maps the 30 centres d'intérêt to no fiche, "
                     "so they are skipped")

    title = title_queries(rome, view, seed=seed, limit=titles)
    youth, youth_lacking = word_queries(youth_words, view, kind="youth")
    held, held_lacking = word_queries(holdout, view, kind="youth-holdout")
    if held_lacking:
        notes.append(f"{len(held_lacking)} held-out word(s) dropped (their fiches have no testimonial): "
                     + ", ".join(q.text for q in held_lacking))
    interest, skipped = interest_queries(rome, view, centres)
    empty = [label for label in skipped if "not mapped" not in label]
    if empty:
        notes.append(f"{len(empty)} interest label(s) skipped: " + "; ".join(empty))
    jobs = knowledge.load_no_fiche()
    lack, dropped = lacking_queries(rome, view, seed=seed, limit=lacking, no_fiche=jobs)
    if dropped:
        notes.append(f"no-fiche job(s) dropped because ROME names them: {', '.join(dropped)}")
    if youth_lacking:
        notes.append(f"{len(youth_lacking)} youth word(s) whose fiches have no testimonial are judged as `lacking`: "
                     + ", ".join(q.text for q in youth_lacking))
    queries = [*title, *youth, *held, *interest, *lack, *youth_lacking]
    twins = gender_twins(rome)
    sample = [(q, variants(q.text, twins, title=q.kind == "title")) for q in invariance_sample(queries, seed=seed, size=invariance)]
    return Evaluation(queries, [(q, v) for q, v in sample if v], notes)


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is under it (shorter notes)."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def describe(answer: Mapping[str, Any], *, top: int = 3) -> str:
    """What came back, in a line: ``"12 hits: a (Infirmière, J1506); b (…) · relaxed · corrected to « … »"``."""
    hits = list(answer.get("hits") or [])
    if answer.get("error"):
        return f"refused: {answer['error']}"
    parts = [f"{h.get('id')} ({h.get('profession')}, {h.get('rome')})" for h in hits[:top]]
    total = answer.get("total", len(hits))
    line = f"{total} hit(s)" + (": " + "; ".join(parts) if parts else "")
    if answer.get("relaxed"):
        line += " · relaxed (not every word matched)"
    if answer.get("suggestion"):
        line += f" · suggestion « {answer['suggestion']} »"
    understood = answer.get("understood")
    if isinstance(understood, Mapping):
        found = [f"{p.get('rome')}:{p.get('testimonials')}" for p in understood.get("professions") or [] if isinstance(p, Mapping)]
        line += f" · understood professions [{', '.join(found)}]"
    return line


def run(evaluation: Evaluation, engines: Sequence[Engine]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for engine in engines:
        for query in evaluation.queries:
            answer = engine.answer(query.text)
            outcomes.append(judge(query, engine.name, answer, understands=engine.understands, shown=describe(answer)))
        for query, pairs in evaluation.invariance:
            outcomes.append(invariance(engine, query, pairs))
    return outcomes


def invariance(engine: Engine, query: Query, pairs: Sequence[tuple[str, str]]) -> Outcome:
    """Passes when every variant gives the same top 3 as the query itself; ``n/a`` when the query
    finds nothing (an empty top 3 that stays empty says nothing about invariance)."""
    base = _top3(engine.answer(query.text))
    checked = replace(query, kind="invariance", source=f"{query.kind} query; variants: " + ", ".join(n for n, _ in pairs))
    if not base:
        return Outcome(checked, engine.name, base, None, False, "n/a: the query itself finds nothing")
    broken: list[tuple[str, str]] = []
    for name, text in pairs:
        got = _top3(engine.answer(text))
        if got != base:
            broken.append((name, f"« {text} » -> {list(got)}"))
    if not broken:
        return Outcome(checked, engine.name, base, None, True, "same top 3")
    names = ", ".join(n for n, _ in broken)
    why = f"top 3 changed for {names}: {list(base)} became " + "; ".join(d for _, d in broken)
    return Outcome(checked, engine.name, base, None, False, why)


def _top3(answer: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(h.get("id")) for h in (answer.get("hits") or [])[:3])
