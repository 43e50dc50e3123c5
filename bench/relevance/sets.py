"""The query sets, built from ROME as a judge would, against the shipped corpus.

Every builder is pure and seeded: same export, corpus and seed, same queries in the same order.
A ``Query`` is one line of the evaluation::

    {"kind": "title", "text": "Instituteur", "relevant": ["elodie-professeure-ecoles-correze"],
     "fiches": ["K2106"], "source": "appellation 12345"}

Kinds: ``title`` (appellations whose words the volunteer did not write), ``youth`` and
``youth-holdout`` (words youths use), ``interest`` (themes, secteurs, sous-secteurs, centres
d'intérêt), ``lacking`` (jobs the corpus has no testimonial of: ``relevant`` is empty and
success is the answer saying so).
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.relevance.corpus import CorpusView, content_tokens
from bench.relevance.knowledge import WordList
from bench.relevance.rome import Rome, label_query, query_forms
from indexer.taxonomy import fold

KINDS = ("title", "youth", "youth-holdout", "interest", "lacking")
TITLE_LIMIT = 150
LACKING_LIMIT = 60
LACKING_MAX_WORDS = 2


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    relevant: tuple[str, ...]  # testimonial ids; empty for kind "lacking"
    fiches: tuple[str, ...] = ()  # the fiches the judge maps the query to
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["relevant"], data["fiches"] = list(self.relevant), list(self.fiches)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Query":
        return cls(
            str(data["kind"]), str(data["text"]), tuple(data.get("relevant") or ()),
            tuple(data.get("fiches") or ()), str(data.get("source") or ""),
        )


def form_fiches(rome: Rome) -> dict[str, frozenset[str]]:
    """Folded title -> every fiche it names (a title may belong to several fiches)."""
    table: dict[str, set[str]] = defaultdict(set)
    for code, label in rome.fiches.items():
        for form in query_forms(label):
            table[fold(form)].add(code)
    for appellation in rome.appellations:
        for form in appellation.forms():
            table[fold(form)].add(appellation.rome)
    return {key: frozenset(codes) for key, codes in table.items()}


def title_queries(rome: Rome, view: CorpusView, *, seed: int, limit: int = TITLE_LIMIT) -> list[Query]:
    """Appellations of the fiches the corpus holds, none of whose words the volunteers wrote in
    their profession line; seeded round-robin over fiches so that every fiche gets its turn."""
    names = form_fiches(rome)
    rng = random.Random(seed)
    per_fiche: dict[str, list[list[tuple[str, str]]]] = {}
    for fiche in view.by_fiche:
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for appellation in rome.appellations:
            if appellation.rome != fiche or appellation.rare:
                continue
            for form in appellation.forms():
                tokens = content_tokens(form)
                fiches = names[fold(form)]
                written = frozenset().union(*(view.profession_tokens(f) for f in fiches))
                if tokens and not tokens & written:
                    groups[appellation.ogr].append((form, f"appellation {appellation.ogr}"))
        ordered = [groups[k] for k in sorted(groups)]
        rng.shuffle(ordered)
        for forms in ordered:
            rng.shuffle(forms)
        if ordered:
            per_fiche[fiche] = ordered
    # Round-robin over fiches: first one form of each appellation, then the other genders.
    firsts = {fiche: [g[0] for g in groups] for fiche, groups in per_fiche.items()}
    others = {fiche: [f for g in groups for f in g[1:]] for fiche, groups in per_fiche.items()}
    order = sorted(per_fiche)
    rng.shuffle(order)
    out: list[Query] = []
    seen: set[str] = set()
    for queues in (firsts, others):
        while len(out) < limit and any(queues.values()):
            for fiche in order:
                if not queues[fiche] or len(out) >= limit:
                    continue
                form, source = queues[fiche].pop(0)
                if fold(form) in seen:
                    continue
                seen.add(fold(form))
                codes = tuple(sorted(names[fold(form)]))
                out.append(Query("title", form, view.relevant(codes), codes, source))
    return out


def word_queries(words: WordList, view: CorpusView, *, kind: str) -> tuple[list[Query], list[Query]]:
    """(answerable, lacking): a word whose fiches have no testimonial goes to ``lacking``."""
    answerable: list[Query] = []
    lacking: list[Query] = []
    for word, fiches in words.entries.items():
        relevant = view.relevant(fiches)
        if relevant:
            answerable.append(Query(kind, word, relevant, fiches, words.source))
        else:
            lacking.append(Query("lacking", word, (), fiches, f"{kind} word, {words.source}"))
    return answerable, lacking


def interest_queries(rome: Rome, view: CorpusView, centres: WordList | None) -> tuple[list[Query], list[str]]:
    """ROME themes, secteurs, sous-secteurs and mapped centres d'intérêt that have a relevant
    testimonial; labels that fold alike are one query. Returns the queries and the skipped labels."""
    merged: dict[str, Query] = {}
    skipped: list[str] = []

    def add(text: str, fiches: Iterable[str], source: str) -> None:
        key = fold(text)
        if key in merged:
            old = merged[key]
            fiches = set(old.fiches) | set(fiches)
            source = f"{old.source}, {source}"
        codes = tuple(sorted(set(fiches)))
        merged[key] = Query("interest", text, view.relevant(codes), codes, source)

    for grouping in rome.groupings:
        add(label_query(grouping.label), grouping.fiches, f"{grouping.kind} {grouping.code}")
    keys = {fold(k): v for k, v in centres.entries.items()} if centres else {}
    for code, label in rome.interests.items():
        fiches = tuple({f for key in {code, label, label_query(label)} for f in keys.get(fold(key), ())})
        if fiches:
            add(label_query(label), fiches, f"centre d'intérêt {code}")
        else:
            skipped.append(f"{label} (centre d'intérêt, not mapped)")
    out: list[Query] = []
    for query in merged.values():
        if query.relevant:
            out.append(query)
        else:
            skipped.append(f"{query.text} (no testimonial of its {len(query.fiches)} fiches)")
    return out, skipped


def lacking_queries(
    rome: Rome, view: CorpusView, *, seed: int, limit: int = LACKING_LIMIT, no_fiche: Sequence[str] = ()
) -> tuple[list[Query], list[str]]:
    """Short, common titles of fiches whose whole family (the fiche, its parent and its
    sub-fiches) has no testimonial, one per fiche, then jobs no fiche covers. Returns the
    queries and the no-fiche jobs dropped because ROME does name them."""
    names = form_fiches(rome)
    held = {rome.family(code) for code in view.by_fiche}
    lacking = {code for code in rome.fiches if rome.family(code) not in held}
    rng = random.Random(seed)
    best: dict[str, list[tuple[tuple[int, int, int], str]]] = defaultdict(list)
    for appellation in rome.appellations:
        if appellation.rome not in lacking or appellation.rare:
            continue
        for form in appellation.forms():
            fiches = names[fold(form)]
            words = len(content_tokens(form))
            if fiches <= lacking and 0 < words <= LACKING_MAX_WORDS:
                best[appellation.rome].append(((words, not appellation.principal, len(form)), form))
    chosen: list[tuple[str, str]] = []
    for fiche in sorted(best):
        ranked = sorted(set(best[fiche]))
        top = [form for key, form in ranked if key[:2] == ranked[0][0][:2]][:2]  # one title, both genders
        chosen.append((fiche, rng.choice(top)))
    chosen = sorted(rng.sample(chosen, min(limit, len(chosen))))
    out: list[Query] = []
    for fiche, form in chosen:
        if all(fold(form) != fold(q.text) for q in out):
            out.append(Query("lacking", form, (), tuple(sorted(names[fold(form)])), f"fiche {fiche} without testimonial"))
    dropped: list[str] = []
    for job in no_fiche:
        if fold(job) in names:
            dropped.append(job)
        else:
            out.append(Query("lacking", job, (), (), "no ROME fiche"))
    return out, dropped


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


LINKS = frozenset({"de", "du", "des", "d", "en", "a", "au", "aux", "pour", "sur", "et", "la", "le", "les", "l", "par"})
"""Words that end the head of a title: only the words before them take the plural."""
ADJECTIVE_ENDINGS = ("e", "ien", "el", "if", "al", "eur", "ier", "ant", "ent", "ain", "in", "on")
"""Endings (folded) of a word after the head that agrees with it (``anesthésiste``, ``général``)."""


def plural(text: str) -> str | None:
    """The title in the plural, head and the adjectives that follow it (``"Chef de cuisine"`` ->
    ``"Chefs de cuisine"``, ``"Artificière démineuse"`` -> ``"Artificières démineuses"``), or None
    when the head cannot be inflected safely (hyphen, apostrophe, acronym, already plural-looking).
    A heuristic: ``"Event manager"`` -> ``"Events manager"``."""
    words = text.split()
    out: list[str] = []
    for i, word in enumerate(words):
        if fold(word) in LINKS or not word.isalpha() or word.isupper():
            if i == 0:
                return None
            out.extend(words[i:])
            break
        if i > 0 and not fold(word).endswith(ADJECTIVE_ENDINGS):
            out.extend(words[i:])
            break
        if word[-1].lower() in "sxz":
            return None
        if word.lower().endswith("al"):
            word = word[:-2] + "aux"
        elif word.lower().endswith(("eau", "eu")):
            word += "x"
        else:
            word += "s"
        out.append(word)
    return " ".join(out) if out else None


def gender_twins(rome: Rome) -> dict[str, str]:
    """Folded title -> the same title inflected for the other gender (``"infirmier" -> "Infirmière"``).

    Only pairs that differ by inflection, word for word (``Premier valet de chambre`` /
    ``Première femme de chambre`` is two words, not one word in two genders)."""
    twins: dict[str, str] = {}
    for appellation in rome.appellations:
        forms = query_forms(appellation.long)
        if len(forms) != 2 or fold(forms[0]) == fold(forms[1]):
            continue
        a, b = forms[0].split(), forms[1].split()
        if len(a) == len(b) and all(_inflected(x, y) for x, y in zip(a, b)):
            twins.setdefault(fold(forms[0]), forms[1])
            twins.setdefault(fold(forms[1]), forms[0])
    return twins


def _inflected(a: str, b: str) -> bool:
    x, y = fold(a), fold(b)
    size = min(len(x), len(y), 4) if min(len(x), len(y)) > 2 else min(len(x), len(y))
    return x[:size] == y[:size]


def variants(text: str, twins: dict[str, str], *, title: bool = True) -> list[tuple[str, str]]:
    """(name, variant) pairs that must give the same top 3 as ``text``; the plural only for a
    title or a single word (a youth phrase has no head to inflect reliably)."""
    out: list[tuple[str, str]] = []
    candidates = (
        ("sans accents", strip_accents(text)),
        ("majuscules", text.upper()),
        ("pluriel", plural(text) if title or len(text.split()) == 1 else None),
        ("autre genre", twins.get(fold(text))),
    )
    for name, variant in candidates:
        if variant and variant != text and all(variant != v for _, v in out):
            out.append((name, variant))
    return out


def invariance_sample(queries: Sequence[Query], *, seed: int, size: int) -> list[Query]:
    """A seeded sample of title and youth queries, for the invariance check."""
    pool = [q for q in queries if q.kind in ("title", "youth")]
    return random.Random(seed).sample(pool, min(size, len(pool)))
