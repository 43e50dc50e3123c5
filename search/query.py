"""``search(generation, text, filters=…, sort=…, page=…)``: forgiving French queries -> SearchResults.

Every word must match (AND) in some text field, ranked by BM25F with field boosts; when AND
finds nothing, the best partial matches are returned with ``relaxed=True``. A word absent
from the index is widened to known words within 1 edit (5+ letters) or 2 (9+ letters), and
the last word to its completions; ``"phrases"`` and ``-exclusions`` are the only syntax.
Queries are built as Whoosh query objects, never as query-parser strings.

>>> results = search(generation, "infirmiere", filters={"region": ["FR-BRE"]})  # doctest: +SKIP
>>> results.total, results.hits[0].section, results.facets["region"].values[0].selected
(2, 'metier', True)
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import collectors
from whoosh import query as wq

from search.analysis import analyze, fold, is_stop_word
from search.errors import BadParameter
from search.facets import Filters, combine, count, facets, filter_masks, normalize_filters
from search.highlight import SNIPPET_CHARS, best_section, snippet_html
from search.parse import ParsedQuery, parse_query
from search.results import FilterRemoval, Hit, SearchResults
from search.schema import SECTION_FIELDS, TEXT_FIELDS
from search.vocabulary import vocabulary

if TYPE_CHECKING:
    from search.index import BoolArray, Generation

SORTS: tuple[str, ...] = ("relevance", "recent", "random")
MAX_PAGE = 1000
MAX_PAGE_SIZE = 100
MAX_COMPLETIONS = 10
CORRECTION_BOOST = 0.5
COMPLETION_BOOST = 0.4
SECTION_TITLES: dict[str, str] = {
    "metier": "Mon métier",
    "parcours": "Mon parcours",
    "passion": "Pourquoi j’aime mon métier",
    "conseils": "Mes conseils aux jeunes",
}


@dataclass
class Plan:
    """A parsed query compiled against one generation's vocabulary."""

    required: list[wq.Query] = field(default_factory=list)
    excluded: list[wq.Query] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)  # everything a snippet should mark
    corrected_words: list[str] = field(default_factory=list)  # the words as a corrected query would read
    corrected: bool = False

    @property
    def empty(self) -> bool:
        return not self.required


def _any_field(token: str, boost: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(f, token, boost=boost) for f in TEXT_FIELDS])


def _known(generation: "Generation", token: str) -> bool:
    with generation.searcher() as searcher:
        reader = searcher.reader()
        return any(reader.doc_frequency(f, token) > 0 for f in TEXT_FIELDS)


def _content_tokens(text: str) -> list[str]:
    tokens = analyze(text)
    content = [t for t in tokens if not is_stop_word(t)]
    return content


def _word_query(generation: "Generation", word: str, *, complete: bool, plan: Plan) -> wq.Query | None:
    tokens = _content_tokens(word)
    if not tokens:
        return None
    vocab = vocabulary(generation)
    folded = fold(word)
    parts: list[wq.Query] = []
    shown = word
    for token in tokens:
        alternatives: list[wq.Query] = [_any_field(token)]
        plan.tokens.add(token)
        if not _known(generation, token):
            fixes = vocab.corrections(folded) if len(tokens) == 1 else []
            for fix in fixes:
                for fixed in _content_tokens(fix.word):
                    if _known(generation, fixed):
                        alternatives.append(_any_field(fixed, CORRECTION_BOOST))
                        plan.tokens.add(fixed)
            if fixes:
                shown = fixes[0].word
                plan.corrected = True
        if complete and len(tokens) == 1 and len(folded) >= 2:
            for _, display, _ in vocab.completions(folded, limit=MAX_COMPLETIONS):
                for extended in _content_tokens(display):
                    if extended != token:
                        alternatives.append(_any_field(extended, COMPLETION_BOOST))
                        plan.tokens.add(extended)
        parts.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
    plan.corrected_words.append(shown)
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _phrase_query(words: Sequence[str], plan: Plan) -> wq.Query | None:
    tokens = analyze(" ".join(words))
    if not tokens:
        return None
    plan.tokens.update(t for t in tokens if not is_stop_word(t))
    plan.corrected_words.append('"' + " ".join(words) + '"')
    if len(tokens) == 1:
        return _any_field(tokens[0])
    return wq.Or([wq.Phrase(f, tokens) for f in TEXT_FIELDS])


def compile_query(generation: "Generation", parsed: ParsedQuery, *, prefix: bool = False) -> Plan:
    """Turn a parsed query into Whoosh query objects, with typo and prefix widening."""
    plan = Plan()
    words = list(parsed.words)
    # Stop words never make a query impossible: drop them only when other words remain.
    content = [w for w in words if _content_tokens(w)]
    if not content and not parsed.phrases and words:
        content = words
        for w in words:
            tokens = analyze(w)
            if tokens:
                plan.required.append(_any_field(tokens[0]))
                plan.tokens.update(tokens)
                plan.corrected_words.append(w)
        content = []
    for i, word in enumerate(content):
        last = i == len(content) - 1
        complete = last and (prefix or not parsed.last_word_complete and len(fold(word)) >= 3)
        if last and not complete and not _any_known(generation, word) and not vocabulary(generation).corrections(fold(word)):
            complete = len(fold(word)) >= 3  # an unknown last word is probably being typed
        q = _word_query(generation, word, complete=complete, plan=plan)
        if q is not None:
            plan.required.append(q)
    for phrase in parsed.phrases:
        q = _phrase_query(phrase, plan)
        if q is not None:
            plan.required.append(q)
    for excluded in parsed.excluded:
        tokens = analyze(excluded)
        if not tokens:
            continue
        if len(tokens) == 1:
            plan.excluded.append(_any_field(tokens[0]))
        else:
            plan.excluded.append(wq.Or([wq.Phrase(f, tokens) for f in TEXT_FIELDS]))
    return plan


def _any_known(generation: "Generation", word: str) -> bool:
    return all(_known(generation, t) for t in _content_tokens(word)) if _content_tokens(word) else True


class Budget:
    """A time budget for one search: past the deadline, work stops and results say ``partial``."""

    def __init__(self, milliseconds: int | None) -> None:
        self.deadline = None if not milliseconds else time.perf_counter() + milliseconds / 1000
        self.exceeded = False

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.perf_counter())

    def spent(self) -> bool:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.exceeded = True
        return self.exceeded


_CHUNK = 4096


def _mask_for(generation: "Generation", q: wq.Query, budget: Budget | None = None) -> "BoolArray":
    """Documents matching ``q`` as a mask; stops early (``budget.exceeded``) past the deadline."""
    mask = np.zeros(generation.size, dtype=bool)
    with generation.searcher() as searcher:
        docs = searcher.docs_for_query(q)
        while True:
            chunk = np.fromiter(itertools.islice(docs, _CHUNK), dtype=np.int64)
            if len(chunk):
                mask[chunk] = True
            if len(chunk) < _CHUNK or (budget is not None and budget.spent()):
                break
    return mask & generation.live


def _match(
    generation: "Generation", plan: Plan, *, relaxed: bool = False, budget: Budget | None = None
) -> tuple["BoolArray", wq.Query | None]:
    q: wq.Query | None = None
    if plan.required:
        q = wq.Or(plan.required) if relaxed else (plan.required[0] if len(plan.required) == 1 else wq.And(plan.required))
        mask = _mask_for(generation, q, budget)
    else:
        mask = generation.live.copy()
    if plan.excluded:
        mask &= ~_mask_for(generation, wq.Or(plan.excluded), budget)
    return mask, q


def _check_paging(page: int, page_size: int, sort: str) -> None:
    if not isinstance(page, int) or page < 1 or page > MAX_PAGE:
        raise BadParameter(
            f"Numéro de page invalide : {page!r}.",
            remedy=f"Indiquez un nombre entier entre 1 et {MAX_PAGE}.",
        )
    if not isinstance(page_size, int) or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise BadParameter(
            f"Nombre de résultats par page invalide : {page_size!r}.",
            remedy=f"Indiquez un nombre entier entre 1 et {MAX_PAGE_SIZE}.",
        )
    if sort not in SORTS:
        raise BadParameter(f"Tri inconnu : « {sort[:30]} ».", remedy="Tris possibles : pertinence (relevance), récents (recent), hasard (random).")


def _ranked(
    generation: "Generation",
    q: wq.Query | None,
    allowed: "BoolArray",
    sort: str,
    start: int,
    stop: int,
    seed: int | None,
    budget: Budget | None = None,
) -> list[tuple[int, float]]:
    if stop <= start:
        return []
    docnums = np.flatnonzero(allowed)
    if not len(docnums) or start >= len(docnums):
        return []
    if sort == "relevance" and q is not None:
        remaining = budget.remaining() if budget is not None else None
        with generation.searcher() as searcher:
            collector: collectors.Collector = searcher.collector(limit=stop, filter={int(d) for d in docnums})
            if remaining is not None:
                # use_alarm=False: SIGALRM only works on the main thread; a timer flag works anywhere
                collector = collectors.TimeLimitCollector(collector, max(remaining, 0.001), use_alarm=False)
            try:
                searcher.search_with_collector(q, collector)
            except collectors.TimeLimit:
                if budget is not None:
                    budget.exceeded = True
            results = collector.results()
            scored = [(int(hit.docnum), float(hit.score or 0.0)) for hit in results]
        return scored[start:stop]
    if sort == "random":
        rng = np.random.default_rng(seed if seed is not None else 0)
        order = docnums[rng.permutation(len(docnums))]
    else:
        ids = np.asarray([generation.ids[d] for d in docnums])
        # newest first, then by id for a stable order
        keys = np.lexsort((ids, -generation.published[docnums].astype(np.int64)))
        order = docnums[keys]
    return [(int(d), 0.0) for d in order[start:stop]]


def _date(value: int) -> date:
    text = f"{int(value):08d}"
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return date(1970, 1, 1)


def make_hit(generation: "Generation", docnum: int, score: float, tokens: set[str]) -> Hit:
    """A Hit from a document number, its snippet taken from the section that matched best."""
    stored: Mapping[str, Any] = generation.stored(docnum)
    sections = {key: str(stored.get(key) or "") for key in SECTION_FIELDS}
    section, _ = best_section(sections, tokens)
    text = sections.get(section, "")
    themes = tuple(t for t in str(stored.get("themes") or "").split(",") if t)
    return Hit(
        id=str(stored.get("id")),
        name=str(stored.get("name") or ""),
        profession=str(stored.get("profession") or ""),
        rome=str(stored.get("rome") or ""),
        rome_label=generation.label("profession", str(stored.get("rome") or "")),
        sector=str(stored.get("sector") or ""),
        sector_label=generation.label("sector", str(stored.get("sector") or "")),
        country=str(stored.get("country") or ""),
        country_label=generation.label("country", str(stored.get("country") or "")),
        region=str(stored.get("region") or ""),
        region_label=generation.label("region", str(stored.get("region") or "")),
        themes=themes,
        theme_labels=tuple(generation.label("theme", t) for t in themes),
        published=_date(int(stored.get("published") or 0)),
        score=score,
        section=section,
        section_label=SECTION_TITLES.get(section, section),
        snippet=snippet_html(text, tokens, width=SNIPPET_CHARS),
    )


def search(
    generation: "Generation",
    text: str = "",
    *,
    filters: Mapping[str, Iterable[str]] | None = None,
    sort: str | None = None,
    page: int = 1,
    page_size: int = 10,
    seed: int | None = None,
    prefix: bool = False,
    budget_ms: int | None = None,
) -> SearchResults:
    """Search one generation. ``sort`` defaults to relevance with words and to newest without.

    ``prefix=True`` widens the last word to its completions (search-as-you-type).
    ``budget_ms``: past this time, matching and ranking stop and the best results found so
    far are returned with ``partial=True``; optional work (suggestions) is skipped.
    Raises BadQuery (too long, too many words) or BadParameter (page, page size, filters).
    """
    parsed = parse_query(text)
    chosen = sort or ("relevance" if not parsed.empty else "recent")
    _check_paging(page, page_size, chosen)
    if chosen == "relevance" and parsed.empty:
        chosen = "recent"
    normalized: Filters = normalize_filters(filters)
    budget = Budget(budget_ms)
    plan = compile_query(generation, parsed, prefix=prefix)
    match, q = _match(generation, plan, budget=budget)
    relaxed = False
    if not match.any() and len(plan.required) >= 2 and not budget.spent():
        match, q = _match(generation, plan, relaxed=True, budget=budget)
        relaxed = bool(match.any())
    masks = filter_masks(generation, normalized)
    allowed = match & combine(generation, masks)
    total = count(allowed)
    start = (page - 1) * page_size
    ranked = _ranked(generation, q, allowed, chosen, start, start + page_size, seed, budget)
    hits = tuple(make_hit(generation, docnum, score, plan.tokens) for docnum, score in ranked)
    suggestion, suggestion_total = (
        (None, None) if budget.spent() else _suggestion(generation, plan, parsed, normalized, total)
    )
    removals = tuple(_without_filter(generation, match, normalized, masks))
    return SearchResults(
        query=parsed.text if parsed.text else "",
        total=total,
        page=page,
        page_size=page_size,
        sort=chosen,
        hits=hits,
        facets=facets(generation, match, normalized),
        filters=normalized,
        suggestion=suggestion,
        suggestion_total=suggestion_total,
        relaxed=relaxed,
        without_filter=removals,
        generation=generation.name,
        partial=budget.exceeded,
    )


def _suggestion(
    generation: "Generation", plan: Plan, parsed: ParsedQuery, filters: Filters, total: int
) -> tuple[str | None, int | None]:
    """Did you mean: the query with unknown words replaced by their best known spelling."""
    if not plan.corrected:
        return None, None
    words = list(plan.corrected_words) + ["-" + e for e in parsed.excluded]
    text = " ".join(words)
    if fold(text) == fold(parsed.text):
        return None, None
    corrected = parse_query(text)
    exact = Plan()
    for word in corrected.words:
        tokens = _content_tokens(word)
        if tokens:
            exact.required.append(wq.And([_any_field(t) for t in tokens]) if len(tokens) > 1 else _any_field(tokens[0]))
    for phrase in corrected.phrases:
        q = _phrase_query(phrase, exact)
        if q is not None:
            exact.required.append(q)
    mask, _ = _match(generation, exact)
    mask &= combine(generation, filter_masks(generation, filters))
    return text, count(mask)


def _without_filter(
    generation: "Generation", match: "BoolArray", filters: Filters, masks: Mapping[str, "BoolArray"]
) -> Iterable[FilterRemoval]:
    for facet, values in filters.items():
        for value in values:
            remaining = tuple(v for v in values if v != value)
            reduced = dict(masks)
            if remaining:
                reduced[facet] = generation.columns[facet].mask(list(remaining))
            else:
                reduced.pop(facet)
            yield FilterRemoval(facet, value, generation.label(facet, value), count(match & combine(generation, reduced)))
