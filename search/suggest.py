"""Autocomplete for the search box: professions first, then frequent words.

>>> suggest(generation, "infi")  # doctest: +SKIP
[Suggestion(text='Infirmière', kind='profession', count=3), Suggestion(text='infirmier', kind='word', count=5)]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from search.analysis import fold
from search.generation import Generation
from search.text import clean_text
from search.vocabulary import vocabulary

_WORD_BREAK = re.compile(r"[^0-9a-z]+")
MAX_SUGGESTIONS = 10
MAX_PREFIX = 60


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
        counts: dict[str, tuple[str, int]] = {}
        titles = generation.store.column("profession_text")
        for docnum, title in enumerate(titles):
            if generation.live[docnum] and title:
                key = fold(title)
                shown, n = counts.get(key, (title, 0))
                counts[key] = (shown, n + 1)
        # index every word start of every title: "ingenieur du son" is found by "son" too
        self.entries: list[tuple[str, str, str, int]] = []
        for key, (shown, n) in counts.items():
            words = [w for w in _WORD_BREAK.split(key) if w]
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
    seen = {fold(s.text) for s in out}
    head, _, last = text.rpartition(" ")
    for _, display, df in vocabulary(generation).completions(last, limit=limit * 2):
        shown = f"{head} {display}".strip() if head else display
        if fold(shown) not in seen and len(out) < limit:
            seen.add(fold(shown))
            out.append(Suggestion(shown, "word", df))
    return out[:limit]
