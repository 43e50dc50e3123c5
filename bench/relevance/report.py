"""The figures as a text table, a Markdown table, JSON, and the failures.

``table(outcomes)`` is ``{kind: {engine: Figures}}`` in the order of ``ORDER``; a cell reads
``62.0 %`` (success@3, or the share passed; ``83.9 % of 31`` when only 31 of the kind's queries
apply to that engine) and ``0.55`` (MRR@10), ``—`` when it does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bench.relevance.metrics import Figures, Outcome, figures

ORDER = ("title", "youth", "youth-holdout", "interest", "lacking", "invariance")
TITLES = {
    "title": "title (ROME appellations)",
    "youth": "youth words",
    "youth-holdout": "youth words, held out",
    "interest": "interests (themes, secteurs)",
    "lacking": "lacking jobs stated",
    "invariance": "invariance (same top 3)",
}


def table(outcomes: Iterable[Outcome]) -> dict[str, dict[str, Figures]]:
    grouped: dict[str, dict[str, list[Outcome]]] = {}
    for o in outcomes:
        grouped.setdefault(o.query.kind, {}).setdefault(o.engine, []).append(o)
    return {kind: {engine: figures(items) for engine, items in grouped[kind].items()} for kind in ORDER if kind in grouped}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _mrr(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _rows(figs: Mapping[str, Mapping[str, Figures]], engines: Sequence[str]) -> list[list[str]]:
    rows = []
    for kind, per_engine in figs.items():
        first = per_engine[engines[0]]
        row = [TITLES.get(kind, kind), str(first.queries)]
        for engine in engines:
            f = per_engine.get(engine, Figures(0, None, None))
            share = _pct(f.success_at_3)
            if f.success_at_3 is not None and f.judged < f.queries:
                share += f" of {f.judged}"
            row += [share, _mrr(f.mrr_at_10)]
        rows.append(row)
    return rows


def _head(engines: Sequence[str]) -> list[str]:
    names = {"bloomr": "Bloomr", "fts5": "FTS5"}
    head = ["kind", "queries"]
    for engine in engines:
        head += [f"{names.get(engine, engine)} success@3", f"{names.get(engine, engine)} MRR@10"]
    return head


def markdown(figs: Mapping[str, Mapping[str, Figures]], engines: Sequence[str]) -> str:
    head = _head(engines)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(figs, engines)]
    return "\n".join(lines)


def text(figs: Mapping[str, Mapping[str, Figures]], engines: Sequence[str]) -> str:
    rows = [_head(engines), *_rows(figs, engines)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    )


def judged_notes(figs: Mapping[str, Mapping[str, Figures]]) -> list[str]:
    """Where an engine's figure covers fewer queries than the kind holds, say so."""
    notes = []
    for kind, per_engine in figs.items():
        partial = [f"{e}: {f.judged}" for e, f in per_engine.items() if f.judged and f.judged < f.queries]
        if partial:
            notes.append(f"{kind}: figures computed on the queries that apply ({', '.join(partial)} of {next(iter(per_engine.values())).queries})")
    return notes


def reasons(outcomes: Iterable[Outcome], *, kind: str, engine: str) -> dict[str, int]:
    """Why the queries of one kind failed, grouped: ``{"no `understood` in the answer…": 72}``."""
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.query.kind == kind and o.engine == engine and not o.passed and not o.why.startswith("n/a"):
            key = o.why.split(":", 1)[0]
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def failures(outcomes: Sequence[Outcome], *, engine: str, limit: int) -> str:
    """The first ``limit`` failed queries of each kind, with what came back."""
    lines: list[str] = []
    for kind in ORDER:
        failed = [o for o in outcomes if o.engine == engine and o.query.kind == kind and not o.passed
                  and not o.why.startswith("n/a")]
        if not failed:
            continue
        total = sum(1 for o in outcomes if o.engine == engine and o.query.kind == kind)
        lines.append(f"\n{kind}: {len(failed)} of {total} failed on {engine}; the first {min(limit, len(failed))}:")
        for o in failed[:limit]:
            q = o.query
            target = ", ".join(q.fiches[:6]) + (f"… ({len(q.fiches)} fiches)" if len(q.fiches) > 6 else "")
            target = target or "no ROME fiche"
            relevant = f" -> {len(q.relevant)} relevant ({', '.join(q.relevant[:3])}{'…' if len(q.relevant) > 3 else ''})" if q.relevant else ""
            lines.append(f"  « {q.text} » [{target}]{relevant}")
            lines.append(f"      {o.why}")
            if o.shown:
                lines.append(f"      got {o.shown}")
    return "\n".join(lines)


def to_json(outcomes: Sequence[Outcome], figs: Mapping[str, Mapping[str, Figures]], **meta: Any) -> dict[str, Any]:
    per_query: dict[tuple[str, str], dict[str, Any]] = {}
    for o in outcomes:
        row = per_query.setdefault((o.query.kind, o.query.text), o.query.to_dict())
        row[o.engine] = {"rank": o.rank, "passed": o.passed, "why": o.why, "top": list(o.ranking[:10])}
    return {
        **meta,
        "table": {kind: {e: f.to_dict() for e, f in per.items()} for kind, per in figs.items()},
        "queries": list(per_query.values()),
    }
