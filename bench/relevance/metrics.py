"""Judging one answer, and the figures per kind.

Rankings are lists of testimonial ids, best first. ``rank`` is 1-based and None when no
relevant testimonial is in the first ``depth``::

    first_relevant_rank(["a", "b", "c"], {"c"}) == 3
    success_at(3, k=3) is True; reciprocal_rank(3) == 1 / 3; reciprocal_rank(None) == 0.0

A ``lacking`` query (a job without testimonial) is judged on the JSON of the answer:
``judge_lacking(query, answer)`` -> ``(passed, why)``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.relevance.sets import Query

DEPTH = 10
K = 3
RANKED_KINDS = ("title", "youth", "youth-holdout", "interest")
"""Kinds judged on a ranking (success@3 and MRR@10); the others are judged pass/fail."""


def first_relevant_rank(ranking: Sequence[str], relevant: Collection[str], *, depth: int = DEPTH) -> int | None:
    for position, doc in enumerate(ranking[:depth], start=1):
        if doc in relevant:
            return position
    return None


def success_at(rank: int | None, *, k: int = K) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def judge_lacking(query: Query, answer: Mapping[str, Any]) -> tuple[bool, str]:
    """Does the answer say that the corpus has no testimonial of this job?

    Passes when ``understood.professions`` names one of the query's fiches with
    ``testimonials == 0`` (for a job no fiche covers: names no fiche at all), and claims
    no fiche that has testimonials, so that no hit is presented as that job.
    """
    understood = answer.get("understood")
    if not isinstance(understood, Mapping):
        hits = answer.get("hits") or []
        shown = f"{len(hits)} hit(s) shown, first {hits[0].get('id')}" if hits else "no hit, a dead end"
        return False, f"no `understood` in the answer (query understanding not shipped): {shown}"
    professions = [p for p in understood.get("professions") or [] if isinstance(p, Mapping)]
    claimed = [p for p in professions if int(p.get("testimonials") or 0) > 0]
    if claimed:
        names = ", ".join(f"{p.get('rome')} ({p.get('testimonials')})" for p in claimed)
        return False, f"claims a fiche with testimonials as the answer: {names}"
    stated = [p for p in professions if p.get("rome") in query.fiches]
    if query.fiches and not stated:
        found = ", ".join(str(p.get("rome")) for p in professions) or "nothing"
        return False, f"does not state the lack of {'/'.join(query.fiches)} (understood: {found})"
    return True, "lack stated" if stated else "no profession claimed"


@dataclass(frozen=True)
class Outcome:
    """One query on one engine."""

    query: Query
    engine: str
    ranking: tuple[str, ...]
    rank: int | None = None
    passed: bool = False
    why: str = ""
    shown: str = ""  # what came back, in a few words, for --show-failures

    @property
    def rr(self) -> float:
        return reciprocal_rank(self.rank)


def judge(
    query: Query, engine: str, answer: Mapping[str, Any], *, understands: bool = True, shown: str = ""
) -> Outcome:
    """An ``Outcome`` from an answer (``{"hits": [{"id": …}, …], …}``); ``understands=False`` for an
    engine that has no query understanding at all (its lacking queries are not applicable)."""
    ranking = tuple(str(h.get("id")) for h in answer.get("hits") or [])
    if query.kind == "lacking":
        if not understands:
            return Outcome(query, engine, ranking, None, False, "n/a: no query understanding", shown)
        passed, why = judge_lacking(query, answer)
        return Outcome(query, engine, ranking, None, passed, why, shown)
    rank = first_relevant_rank(ranking, query.relevant)
    if rank is None:
        why = "nothing relevant in the top 10" if ranking else "no hit"
    else:
        why = f"first relevant at {rank}"
    return Outcome(query, engine, ranking, rank, success_at(rank), why, shown)


@dataclass(frozen=True)
class Figures:
    queries: int
    success_at_3: float | None  # share of judged queries passed (for lacking and invariance: share passed)
    mrr_at_10: float | None  # None for kinds without a ranking to judge
    judged: int = 0  # queries the figure is computed on (the others are "n/a" for this engine)

    def to_dict(self) -> dict[str, Any]:
        return {
            "queries": self.queries,
            "judged": self.judged,
            "success_at_3": None if self.success_at_3 is None else round(self.success_at_3, 4),
            "mrr_at_10": None if self.mrr_at_10 is None else round(self.mrr_at_10, 4),
        }


def figures(outcomes: Iterable[Outcome]) -> Figures:
    """Success and MRR over the outcomes that apply; ``n/a`` ones (a lacking job on an engine
    without query understanding, an invariance check whose query finds nothing) are left out."""
    items = list(outcomes)
    judged = [o for o in items if not o.why.startswith("n/a")]
    if not judged:
        return Figures(len(items), None, None, 0)
    success = sum(o.passed for o in judged) / len(judged)
    ranked = [o for o in judged if o.query.kind in RANKED_KINDS]
    mrr = sum(o.rr for o in ranked) / len(ranked) if ranked else None
    return Figures(len(items), success, mrr, len(judged))
