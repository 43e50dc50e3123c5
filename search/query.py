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

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq

from search.analysis import analyze, fold, is_stop_word
from search.errors import BadParameter
from search.facets import Filters, combine, count, facets, filter_masks, normalize_filters
from search.highlight import SECTION_ORDER, SNIPPET_CHARS, snippet_html
from search.parse import ParsedQuery, parse_query
from search.results import FilterRemoval, Hit, SearchResults
from search.schema import SECTION_FIELDS, TEXT_FIELDS
from search.scoring import add_scores, field_matches, phrase_mask, term_mask, top
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


@dataclass(frozen=True)
class Unit:
    """One thing a document must contain: any of ``alternatives`` (token, boost) in any text
    field, or, for a phrase, its ``phrase`` tokens in order in one field."""

    alternatives: tuple[tuple[str, float], ...] = ()
    phrase: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str, float]]:
        """(field, token, boost) triples scored for this unit; a phrase scores as its words."""
        tokens = self.alternatives or tuple((t, 1.0) for t in self.phrase if not is_stop_word(t))
        return [(f, token, boost) for token, boost in tokens for f in TEXT_FIELDS]

    def whoosh(self) -> wq.Query:
        if self.phrase:
            return wq.Or([wq.Phrase(f, list(self.phrase)) for f in TEXT_FIELDS])
        return wq.Or([wq.Term(f, token, boost=boost) for token, boost in self.alternatives for f in TEXT_FIELDS])


@dataclass
class Plan:
    """A parsed query compiled against one generation's vocabulary."""

    required: list[Unit] = field(default_factory=list)
    excluded: list[Unit] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)  # everything a snippet should mark
    corrected_words: list[str] = field(default_factory=list)  # the words as a corrected query would read
    corrected: bool = False

    @property
    def empty(self) -> bool:
        return not self.required


def _known(generation: "Generation", token: str) -> bool:
    with generation.searcher() as searcher:
        reader = searcher.reader()
        return any(reader.doc_frequency(f, token) > 0 for f in TEXT_FIELDS)


def _content_tokens(text: str) -> list[str]:
    return [t for t in analyze(text) if not is_stop_word(t)]


def _word_units(generation: "Generation", word: str, *, complete: bool, plan: Plan) -> list[Unit]:
    tokens = _content_tokens(word)
    if not tokens:
        return []
    vocab = vocabulary(generation)
    folded = fold(word)
    units: list[Unit] = []
    shown = word
    for token in tokens:
        alternatives: dict[str, float] = {token: 1.0}
        plan.tokens.add(token)
        if not _known(generation, token):
            fixes = vocab.corrections(folded) if len(tokens) == 1 else []
            for fix in fixes:
                for fixed in _content_tokens(fix.word):
                    if _known(generation, fixed):
                        alternatives.setdefault(fixed, CORRECTION_BOOST)
                        plan.tokens.add(fixed)
            if fixes:
                shown = fixes[0].word
                plan.corrected = True
        if complete and len(tokens) == 1 and len(folded) >= 2:
            for _, display, _ in vocab.completions(folded, limit=MAX_COMPLETIONS):
                for extended in _content_tokens(display):
                    alternatives.setdefault(extended, COMPLETION_BOOST)
                    plan.tokens.add(extended)
        units.append(Unit(alternatives=tuple(alternatives.items())))
    plan.corrected_words.append(shown)
    return units


def _phrase_unit(words: Sequence[str], plan: Plan) -> Unit | None:
    tokens = analyze(" ".join(words))
    if not tokens:
        return None
    plan.tokens.update(t for t in tokens if not is_stop_word(t))
    plan.corrected_words.append('"' + " ".join(words) + '"')
    if len(tokens) == 1:
        return Unit(alternatives=((tokens[0], 1.0),))
    return Unit(phrase=tuple(tokens))


def _any_known(generation: "Generation", word: str) -> bool:
    tokens = _content_tokens(word)
    return all(_known(generation, t) for t in tokens) if tokens else True


def compile_query(generation: "Generation", parsed: ParsedQuery, *, prefix: bool = False) -> Plan:
    """Turn a parsed query into units to match and score, with typo and prefix widening."""
    plan = Plan()
    words = list(parsed.words)
    content = [w for w in words if _content_tokens(w)]
    if not content and not parsed.phrases and words:
        # only stop words ("de la"): they never make a query impossible, so search them as typed
        for w in words:
            tokens = analyze(w)
            if tokens:
                plan.required.append(Unit(alternatives=((tokens[0], 1.0),)))
                plan.tokens.update(tokens)
                plan.corrected_words.append(w)
    vocab = vocabulary(generation)
    for i, word in enumerate(content):
        last = i == len(content) - 1
        # The last word widens to its completions while typing (prefix=True), or when it is
        # no known word nor a typo of one: « boulang » is being typed, « son » is a word.
        complete = last and prefix
        if last and not complete and not _any_known(generation, word) and not vocab.corrections(fold(word)):
            complete = len(fold(word)) >= 3
        plan.required.extend(_word_units(generation, word, complete=complete, plan=plan))
    for phrase in parsed.phrases:
        unit = _phrase_unit(phrase, plan)
        if unit is not None:
            plan.required.append(unit)
    for excluded in parsed.excluded:
        tokens = analyze(excluded)
        if len(tokens) == 1:
            plan.excluded.append(Unit(alternatives=((tokens[0], 1.0),)))
        elif tokens:
            plan.excluded.append(Unit(phrase=tuple(tokens)))
    return plan


class Budget:
    """A time budget for one search: past the deadline, work stops and results say ``partial``."""

    def __init__(self, milliseconds: int | None) -> None:
        self.deadline = None if not milliseconds else time.perf_counter() + milliseconds / 1000
        self.exceeded = False

    def spent(self) -> bool:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.exceeded = True
        return self.exceeded


def _unit_mask(generation: "Generation", unit: Unit) -> "BoolArray":
    if unit.phrase:
        return phrase_mask(generation, TEXT_FIELDS, unit.phrase)
    return term_mask(generation, ((f, token) for f, token, _ in unit.pairs()))


def _match(
    generation: "Generation", plan: Plan, *, relaxed: bool = False, budget: Budget | None = None
) -> "BoolArray":
    """Live documents matching every required unit (any of them when ``relaxed``), none excluded.

    Past the time budget, the units not yet matched are left out (``budget.exceeded``): the
    results are then the best found so far, flagged partial.
    """
    masks: list["BoolArray"] = []
    for unit in plan.required:
        if masks and budget is not None and budget.spent():
            break
        masks.append(_unit_mask(generation, unit))
    if masks:
        mask = np.logical_or.reduce(masks) if relaxed else np.logical_and.reduce(masks)
    else:
        mask = np.ones(generation.size, dtype=bool)
    for unit in plan.excluded:
        mask &= ~_unit_mask(generation, unit)
    return np.asarray(mask & generation.live)


def _check_paging(page: int, page_size: int, sort: str) -> None:
    if not isinstance(page, int) or page < 1 or page > MAX_PAGE:
        raise BadParameter(
            f"Numéro de page invalide : {page!r}.",
            remedy=f"Indiquez un nombre entier entre 1 et {MAX_PAGE}.",
        )
    if not isinstance(page_size, int) or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise BadParameter(
            f"Nombre de résultats par page invalide : {page_size!r}.",
            remedy=f"Indiquez un nombre entier entre 1 et {MAX_PAGE_SIZE}.",
        )
    if sort not in SORTS:
        raise BadParameter(f"Tri inconnu : « {sort[:30]} ».", remedy="Tris possibles : pertinence (relevance), récents (recent), hasard (random).")


def _ranked(
    generation: "Generation",
    plan: Plan,
    allowed: "BoolArray",
    sort: str,
    start: int,
    stop: int,
    seed: int | None,
) -> list[tuple[int, float]]:
    if stop <= start:
        return []
    if sort == "relevance" and plan.required:
        scores = np.zeros(generation.size, dtype=np.float32)
        add_scores(generation, scores, (pair for unit in plan.required for pair in unit.pairs()))
        return top(scores, allowed, start, stop, generation.ids)
    docnums = np.flatnonzero(allowed)
    if not len(docnums) or start >= len(docnums):
        return []
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


def _best_section(generation: "Generation", docnum: int, sections: Mapping[str, str], tokens: set[str]) -> str:
    """The section holding the most distinct query tokens, then the most occurrences, advice first
    on ties; decided from the postings, so only the chosen section is analysed for its snippet."""
    found = field_matches(generation, docnum, SECTION_ORDER, tokens) if tokens else {}
    ranked = sorted(
        ((distinct, weight, -rank, key) for rank, (key, (distinct, weight)) in enumerate(found.items()) if distinct),
        reverse=True,
    )
    if ranked:
        return ranked[0][3]
    return next((key for key in ("metier", "conseils", "parcours", "passion") if sections.get(key)), "metier")


def make_hit(generation: "Generation", docnum: int, score: float, tokens: set[str]) -> Hit:
    """A Hit from a document number, its snippet taken from the section that matched best."""
    stored: Mapping[str, Any] = generation.stored(docnum)
    sections = {key: str(stored.get(key) or "") for key in SECTION_FIELDS}
    section = _best_section(generation, docnum, sections, tokens)
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
    match = _match(generation, plan, budget=budget)
    relaxed = False
    if not match.any() and len(plan.required) >= 2 and not budget.spent():
        match = _match(generation, plan, relaxed=True, budget=budget)
        relaxed = bool(match.any())
    masks = filter_masks(generation, normalized)
    allowed = match & combine(generation, masks)
    total = count(allowed)
    start = (page - 1) * page_size
    ranked = _ranked(generation, plan, allowed, chosen, start, start + page_size, seed)
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
        exact.required.extend(Unit(alternatives=((t, 1.0),)) for t in _content_tokens(word))
    for phrase in corrected.phrases:
        unit = _phrase_unit(phrase, exact)
        if unit is not None:
            exact.required.append(unit)
    mask = _match(generation, exact)
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
