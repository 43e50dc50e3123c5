"""Autocomplete for the search box: professions first, then words, without variant noise.

What the search merges is offered once: titles and words that analyse to the same tokens
(« infirmière », « infirmières », « infirmier », « infirmiers ») are one entry, shown in their
most frequent spelling. A word is offered only when several testimonials use it, and a
multi-word completion (« sans b » -> « sans bac ») only when the words occur together so.

>>> suggest(generation, "infi")  # doctest: +SKIP
[Suggestion(text='Infirmière', kind='profession', count=3), Suggestion(text='infirmière', kind='word', count=5)]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.analysis import analyze, fold
from search.generation import Generation
from search.schema import TEXT_FIELDS
from search.scoring import phrase_mask, term_mask
from search.text import clean_text
from search.vocabulary import vocabulary

_WORD_BREAK = re.compile(r"[^0-9a-z]+")
MAX_SUGGESTIONS = 10
MAX_PREFIX = 60
PLURAL_BEFORE = frozenset("les des mes tes ses nos vos leurs ces aux tous toutes plusieurs quelques deux trois".split())
"""Words after which a completion is written in the plural (« tous les j » -> « tous les jours »)."""
MIN_WORD_DOCS = 2
"""A word completion must appear in at least this many testimonials (no one-off oddities)."""


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "profession" or "word"
    count: int  # testimonials it would find

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "count": self.count}


class Professions:
    """Every profession title of a generation (volunteers' words and ROME labels), by folded word starts."""

    def __init__(self, generation: Generation) -> None:
        # titles that analyse alike are one entry: its most frequent spelling, all its testimonials
        spellings: dict[tuple[str, ...], dict[str, int]] = {}
        titles = generation.store.column("profession_text")
        for docnum, title in enumerate(titles):
            if generation.live[docnum] and title:
                forms = spellings.setdefault(tuple(analyze(title)) or (fold(title),), {})
                forms[title] = forms.get(title, 0) + 1
        # index every word start of every spelling: "ingenieur du son" is found by "son" too
        self.entries: list[tuple[str, str, str, int]] = []
        for tokens, forms in spellings.items():
            key = " ".join(tokens)
            shown = max(forms, key=lambda form: (forms[form], form))
            n = sum(forms.values())
            for written in {fold(form) for form in forms}:
                words = [w for w in _WORD_BREAK.split(written) if w]
                for i in range(len(words)):
                    self.entries.append((" ".join(words[i:]), key, shown, n))
        self.entries.sort()
        self.keys = [e[0] for e in self.entries]

    def find(self, prefix: str, limit: int) -> list[Suggestion]:
        start = bisect.bisect_left(self.keys, prefix)
        found: dict[str, Suggestion] = {}
        for tail, key, shown, n in self.entries[start:]:
            if not tail.startswith(prefix):
                break
            if key not in found:
                found[key] = Suggestion(shown, "profession", n)
        ranked = sorted(found.values(), key=lambda s: (not fold(s.text).startswith(prefix), -s.count, fold(s.text)))
        return ranked[:limit]


def professions(generation: Generation) -> Professions:
    """The generation's profession titles, built on first use."""
    return generation.memo.get("professions", lambda: Professions(generation))


def suggest(generation: Generation, prefix: str, *, limit: int = 8) -> list[Suggestion]:
    """Completions of what was typed so far, bounded; empty for an empty prefix."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    text = " ".join(w for w in _WORD_BREAK.split(fold(clean_text(prefix or "")[:MAX_PREFIX])) if w)
    if len(text) < 2:
        return []
    out = professions(generation).find(text, limit)
    seen = {tuple(analyze(s.text)) for s in out}
    head, _, last = text.rpartition(" ")
    for shown, count in _word_completions(generation, head, last, limit=limit * 3):
        key = tuple(analyze(shown))
        if key not in seen and len(out) < limit:
            seen.add(key)
            out.append(Suggestion(shown, "word", count))
    return out[:limit]


def _word_completions(generation: Generation, head: str, last: str, *, limit: int) -> list[tuple[str, int]]:
    """Completions of the last word, one per analysed form, with the testimonials they find:
    alone, the word's own; after other words, the phrase's (and only when it occurs)."""
    groups: dict[tuple[str, ...], tuple[str, int]] = {}
    plural = head.rpartition(" ")[2] in PLURAL_BEFORE
    for _, display, df in vocabulary(generation).completions(last, limit=limit * 3):
        if df < MIN_WORD_DOCS and not head:
            continue
        key = tuple(analyze(display))
        if not key:
            continue
        if key not in groups:
            groups[key] = (display, df)  # completions come most frequent first
        elif head and display.endswith(("s", "x")) == plural and groups[key][0].endswith(("s", "x")) != plural:
            groups[key] = (display, df)  # the number the words before it call for
    out: list[tuple[str, int]] = []
    for tokens, (display, _) in list(groups.items())[:limit]:
        if head:
            shown = f"{head} {display}"
            mask = phrase_mask(generation, TEXT_FIELDS, analyze(shown))
        else:
            shown = display
            mask = term_mask(generation, [(field, token) for token in tokens for field in TEXT_FIELDS])
        count = int(np.count_nonzero(mask & generation.live))
        if count >= (1 if head else MIN_WORD_DOCS):
            out.append((shown, count))
    out.sort(key=lambda item: -item[1])
    return out
