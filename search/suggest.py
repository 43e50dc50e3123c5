"""Autocomplete for the search box: métiers, places, sectors and interests, then words; no variant noise.

What the search merges is offered once: a métier is one entry whatever its titles (« Infirmière »,
« Infirmier de nuit » and ROME's « Infirmier en soins généraux » are the fiche J1506, shown in the
spelling most volunteers wrote), a place one entry whatever the name typed (« Finistère »,
« Brest »: Bretagne), and words that analyse alike one word. A word is offered only when several
testimonials use it, and a multi-word completion (« sans b » -> « sans bac ») only when the words
occur together so. Each suggestion says what choosing it does (``web.api`` gives it a URL): a
métier opens its page (``code``: the fiche), a place or a sector applies its filter (``code``:
the value; ``query``: the words left once the typed name is taken out), an interest runs its
search (``query``), a word completes the text::

    >>> [(s.text, s.kind, s.code) for s in suggest(generation, "infi")]  # doctest: +SKIP
    [('Infirmière', 'profession', 'J1506'), ('infiniment', 'word', '')]
    >>> [(s.text, s.kind, s.code, s.query) for s in suggest(generation, "infirmière bret")]  # doctest: +SKIP
    [('Bretagne', 'region', 'FR-BRE', 'infirmière')]

Métiers with testimonials come first, then places, sectors and interests that lead to some,
then métiers nobody has told yet (their page says so and shows the nearest), then words.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.analysis import analyze, fold
from search.generation import Generation
from search.interests import interests
from search.layout import LEXICON
from search.lexicon import Lexicon, lexicon
from search.metiers import testimonial_counts
from search.schema import TEXT_FIELDS
from search.scoring import phrase_mask, term_mask
from search.text import clean_text
from search.understand import understand
from search.vocabulary import vocabulary

_WORD_BREAK = re.compile(r"[^0-9a-z]+")
MAX_SUGGESTIONS = 10
MAX_PREFIX = 60
MAX_TAIL_WORDS = 4
"""A place, a sector or an interest may complete the last words typed (« infirmière bret »)."""
PLURAL_BEFORE = frozenset("les des mes tes ses nos vos leurs ces aux tous toutes plusieurs quelques deux trois".split())
"""Words after which a completion is written in the plural (« tous les j » -> « tous les jours »)."""
MIN_WORD_DOCS = 2
"""A word completion must appear in at least this many testimonials (no one-off oddities)."""
PER_KIND = {"place": 2, "sector": 2, "interest": 2, "untold": 2}
_ARTICLE = re.compile(r"^(?:le|la|les|l|un|une|des) ")
"""At most this many suggestions of each kind after the métiers with testimonials."""


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "profession", "region", "country", "sector", "interest" or "word"
    count: int  # testimonials it leads to (a métier: its testimonials, 0 when none yet)
    code: str = ""  # the ROME fiche of a profession, the facet value of a place or a sector
    query: str = ""  # an interest: the words to search; a place or a sector: the words left beside its filter
    detail: str = ""  # a place typed by another name: the region or country it stands for

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "kind": self.kind, "count": self.count}
        if self.code:
            data["code"] = self.code
        if self.kind not in ("profession", "word"):
            data["query"] = self.query
        if self.detail:
            data["detail"] = self.detail
        return data


def _starts(text: str) -> list[str]:
    """Every word start of a folded text: ``_starts("Ingénieur du son") == ["ingenieur du son", "du son", "son"]``."""
    words = [w for w in _WORD_BREAK.split(fold(text)) if w]
    return [" ".join(words[i:]) for i in range(len(words))]


@dataclass(frozen=True)
class _Named:
    """Something a prefix may find: ``name`` folded, what to show, what it leads to."""

    name: str  # folded: « bretagne », « infirmiere »
    shown: str
    kind: str
    code: str  # fiche, facet value, or an interest's words
    count: int


class _Index:
    """Names found by a prefix of one of their word starts (``every_word``) or of the whole name."""

    def __init__(self, named: Iterable[tuple[str, _Named]], *, every_word: bool = True) -> None:
        rows = sorted(
            ((tail, n, item) for n, (written, item) in enumerate(named)
             for tail in (_starts(written) if every_word else _starts(written)[:1])),
            key=lambda row: (row[0], row[1]),
        )
        self.keys = [row[0] for row in rows]
        self.items = [row[2] for row in rows]

    def find(self, prefix: str) -> list[_Named]:
        start = bisect.bisect_left(self.keys, prefix)
        stop = bisect.bisect_left(self.keys, prefix + "\uffff", lo=start)
        return self.items[start:stop]


def _title_pairs(generation: Generation) -> Counter[tuple[str, str]]:
    """How many live testimonials give each (title, fiche) pair: titles repeat, so each
    distinct one is analysed once."""
    titles = generation.store.column("profession_text")
    codes = generation.store.column("rome")
    return Counter((title, code or "") for live, title, code in zip(generation.live.tolist(), titles, codes) if live and title)


class Professions:
    """Every title a métier goes by, each leading to its fiche: the volunteers' titles (shown in
    the most frequent spelling of those that analyse alike) and ROME's label in both genders."""

    def __init__(self, generation: Generation, pairs: Counter[tuple[str, str]] | None = None) -> None:
        """``pairs``: ``_title_pairs(generation)`` when already counted."""
        spellings: dict[tuple[str, ...], Counter[str]] = {}
        fiches: dict[tuple[str, ...], Counter[str]] = {}
        if pairs is None:
            pairs = _title_pairs(generation)
        for (title, code), n in pairs.items():
            key = tuple(analyze(title)) or (fold(title),)
            spellings.setdefault(key, Counter())[title] += n
            fiches.setdefault(key, Counter())[str(code)] += n
        named: list[tuple[str, _Named]] = []
        for key, forms in spellings.items():
            code = fiches[key].most_common(1)[0][0]
            shown = max(forms, key=lambda form: (forms[form], form))
            item = _Named(fold(shown), shown, "title", code, sum(forms.values()))
            named.extend((written, item) for written in forms)
        lex = lexicon(generation)
        for code, fiche in lex.fiches.items():
            for form in dict.fromkeys((fiche.masculine, fiche.feminine)):
                named.append((form, _Named(fold(form), form, "rome", code, 0)))
        self.index = _Index(named)
        self.labels = {code: fiche.label for code, fiche in lex.fiches.items()}

    def find(self, prefix: str, counts: dict[str, int]) -> list[tuple[bool, Suggestion]]:
        """One suggestion per fiche (a title without fiche is its own), with whether its text
        starts with ``prefix``. Its text: the volunteers' title when one title of the fiche
        matches, else ROME's (several titles, « Infirmier de nuit » and « Infirmière libérale »,
        are the métier they share: « Infirmier / Infirmière en soins généraux (IDE) »)."""
        matched: dict[str, list[_Named]] = {}
        for item in self.index.find(prefix):
            key = item.code or f"title:{item.name}"
            if item not in matched.setdefault(key, []):
                matched[key].append(item)
        found = []
        for key, items in matched.items():
            titles = [i for i in items if i.kind == "title"]
            roman = [i for i in items if i.kind == "rome"]
            label = self.labels.get(key, "")
            if len(titles) == 1 or (titles and not label):
                chosen = max(titles, key=lambda i: (i.name.startswith(prefix), i.count, i.name))
                text = chosen.shown
            elif " / " in label and all(fold(part).startswith(prefix) for part in label.split(" / ", 1)):
                text = label  # both genders start alike: « Boucher / Bouchère »
            elif roman:
                text = max(roman, key=lambda i: (i.name.startswith(prefix), i.name)).shown
            else:  # several titles, none of ROME's: the volunteers' most used
                text = max(titles, key=lambda i: (i.name.startswith(prefix), i.count, i.name)).shown
            count = items[0].count if key.startswith("title:") else counts.get(key, 0)
            code = "" if key.startswith("title:") else key
            found.append((fold(text).startswith(prefix), Suggestion(text, "profession", count, code)))
        found.sort(key=lambda pair: (not pair[0], -pair[1].count, fold(pair[1].text)))
        return found


class Filters:
    """Places (every name the lexicon reads as a region or a country, but those that are also
    common words), sectors (short and official labels) and interests (the home page's), by
    name; only those that lead to a testimonial."""

    def __init__(self, generation: Generation) -> None:
        lex = lexicon(generation)
        counts = {facet: generation.columns[facet].counts(generation.live) for facet in ("region", "country", "sector")}
        places: list[tuple[str, _Named]] = []
        for name, written in lex.place_names.items():
            for i in lex.keys.get(tuple("=" + word for word in name.split()), ()):
                entry = lex.entries[i]
                n = counts[entry.kind].get(entry.code, 0) if entry.kind in ("region", "country") else 0
                if n:
                    places.append((name, _Named(name, written, entry.kind, entry.code, n)))
        self.places = _Index(places, every_word=False)
        self.labels = {facet: generation.labels.get(facet, {}) for facet in ("region", "country")}
        sectors: list[tuple[str, _Named]] = []
        for code in generation.labels.get("sector", {}):
            n = counts["sector"].get(code, 0)
            short = generation.short_label("sector", code)  # what the page shows is what is matched
            if n:
                sectors.append((short, _Named(fold(short), short, "sector", code, n)))
        self.sectors = _Index(sectors)
        found = interests(generation)
        self.interests = _Index(
            (i.label, _Named(fold(i.label), i.label, "interest", i.query, i.testimonials))
            for i in (*found.centres, *found.themes) if i.testimonials
        )

    def find(self, prefix: str, rest: str) -> dict[str, list[tuple[bool, Suggestion]]]:
        """Each kind's matches, one per value, with whether the name starts with ``prefix``
        (an article aside: « Les animaux » starts with « anim »); ``rest`` is what was typed
        before the name."""
        out: dict[str, list[tuple[bool, Suggestion]]] = {}
        for kind, index in (("place", self.places), ("sector", self.sectors), ("interest", self.interests)):
            chosen: dict[str, tuple[bool, _Named]] = {}
            for item in index.find(prefix):
                starts = _ARTICLE.sub("", item.name).startswith(prefix) or item.name.startswith(prefix)
                if item.code not in chosen or (starts, item.count) > (chosen[item.code][0], chosen[item.code][1].count):
                    chosen[item.code] = (starts, item)
            ranked = sorted(chosen.values(), key=lambda pair: (not pair[0], -pair[1].count, pair[1].name))
            if kind == "interest":
                out[kind] = [(st, Suggestion(i.shown, "interest", i.count, "", " ".join(p for p in (rest, i.code) if p))) for st, i in ranked]
            else:
                out[kind] = [(st, self._place(i, rest) if kind == "place" else Suggestion(i.shown, i.kind, i.count, i.code, rest))
                             for st, i in ranked]
        return out

    def _place(self, item: _Named, rest: str) -> Suggestion:
        label = self.labels[item.kind].get(item.code, item.code)
        detail = "" if fold(label) == fold(item.shown) else label
        return Suggestion(item.shown, item.kind, item.count, item.code, rest, detail)


def professions(generation: Generation) -> Professions:
    """The generation's métier titles, built on first use; those of the generation an edit
    replaced when its titles and lexicon are the same (``Store.carry``)."""

    def carried() -> Professions:
        pairs = _title_pairs(generation)
        # a hash, not the pairs: kept as long as the store (1 in 2**64 of taking another's titles)
        fingerprint = (len(pairs), hash(frozenset(pairs.items())), generation.store.digest(LEXICON))
        return generation.store.carry("professions", fingerprint, lambda: Professions(generation, pairs))

    return generation.memo.get("professions", carried)


def filters(generation: Generation) -> Filters:
    """The generation's places, sectors and interests by name, built on first use."""
    return generation.memo.get("suggest_filters", lambda: Filters(generation))


def _tails(raw: str, *, named: bool = False) -> list[tuple[str, str]]:
    """(folded last words, the text typed before them), longest first: « infirmière bret » ->
    [("infirmiere bret", ""), ("bret", "infirmière")]; ``named`` (places, sectors, interests):
    none while the last word has one letter."""
    words = raw.split()
    out: list[tuple[str, str]] = []
    last = [w for w in _WORD_BREAK.split(fold(words[-1])) if w] if words else []
    if not last or (named and len(last[-1]) < 2):  # « sans le b »: too little to name a place yet
        return out
    for n in range(min(len(words), MAX_TAIL_WORDS), 0, -1):
        tail = " ".join(w for w in _WORD_BREAK.split(fold(" ".join(words[-n:]))) if w)
        if len(tail) >= 2:
            out.append((tail, " ".join(words[:-n])))
    return out


KIND_ORDER = {"told": 0, "place": 1, "sector": 2, "interest": 3, "untold": 4}


def _meanings(lex: Lexicon, text: str) -> set[str]:
    """What the search would read ``text`` as: ``{"profession:J1506", "region:FR-BRE", "interest:Les animaux"}``."""
    found = understand(lex, text)
    return ({f"profession:{p.rome}" for p in found.professions} | {f"{f.facet}:{f.value}" for f in found.filters}
            | {f"interest:{i.label}" for i in found.interests})


def _meaning(s: Suggestion) -> str:
    return f"{s.kind}:{s.code}" if s.code else f"interest:{s.text}"


def suggest(generation: Generation, prefix: str, *, limit: int = 8) -> list[Suggestion]:
    """Completions of what was typed so far, bounded; empty for an empty prefix (see the module)."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    raw = clean_text(prefix or "")[:MAX_PREFIX]
    text = " ".join(w for w in _WORD_BREAK.split(fold(raw)) if w)
    if len(text) < 2:
        return []
    counts = dict(testimonial_counts(generation))
    titles = professions(generation)
    jobs: list[tuple[bool, Suggestion]] = []
    for tail, _ in _tails(raw):
        jobs = titles.find(tail, counts)
        if jobs:
            break
    found: dict[str, list[tuple[bool, Suggestion]]] = {
        "told": [j for j in jobs if j[1].count or not j[1].code],
        "untold": [j for j in jobs if j[1].code and not j[1].count][: PER_KIND["untold"]],
        "place": [], "sector": [], "interest": [],
    }
    named = filters(generation)
    for tail, rest in _tails(raw, named=True):
        for kind, matches in named.find(tail, rest).items():
            if matches and not found[kind]:
                found[kind] = matches[: PER_KIND[kind]]
    others = sum(len(found[k]) for k in KIND_ORDER if k != "told")
    found["told"] = found["told"][: max(limit - others, min(3, limit))]
    ranked = sorted(
        ((starts, KIND_ORDER[kind], -s.count, n, s) for kind in KIND_ORDER for n, (starts, s) in enumerate(found[kind])),
        key=lambda row: (not row[0], row[1], row[2], row[3]),
    )
    out = [row[4] for row in ranked][:limit]
    # words: none the search merges with a suggestion above (« infirmières », « Finistère »)
    lex = lexicon(generation)
    offered = {_meaning(s) for s in out}
    seen = {tuple(analyze(s.text)) for s in out}
    head, _, last = text.rpartition(" ")
    for shown, count in _word_completions(generation, head, last, limit=limit * 3):
        if len(out) >= limit:
            break
        key = tuple(analyze(shown))
        meanings = _meanings(lex, shown) if not lex.empty else set()
        if key in seen or (meanings and meanings <= offered):
            continue
        seen.add(key)
        out.append(Suggestion(shown, "word", count))
    return out


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

