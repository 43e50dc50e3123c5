"""``search(generation, text, filters=…, sort=…, page=…)``: forgiving French queries -> SearchResults.

Every word must match (AND) in some text field, ranked by BM25F with field boosts (numpy,
``search.scoring``); when AND finds nothing, the best partial matches are returned with
``relaxed=True``. Words are compiled into units by ``search.plan`` (typo and completion
widening); ``"phrases"`` and ``-exclusions`` are the only syntax. User text never reaches a
query parser.

>>> results = search(generation, "infirmiere", filters={"region": ["FR-BRE"]})  # doctest: +SKIP
>>> results.total, results.hits[0].section, results.facets["region"].values[0].selected
(2, 'metier', True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from search.analysis import fold
from search.errors import BadParameter
from search.facets import Filters, combine, count, facets, filter_masks, normalize_filters
from search.generation import Generation
from search.hits import make_hit
from search.intent import REST_BOOST, Intent, interpret
from search.lexicon import lexicon
from search.parse import ParsedQuery, parse_query
from search.plan import Budget, Matcher, Plan, Unit, compile_query, content_tokens, phrase_unit
from search.results import FilterRemoval, SearchResults
from search.scoring import add_scores, id_ranks, top
from search.store import BoolArray, Int64Array

SORTS: tuple[str, ...] = ("relevance", "recent", "random")
MAX_PAGE = 1000
MAX_PAGE_SIZE = 100


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
    generation: Generation,
    plan: Plan,
    allowed: BoolArray,
    sort: str,
    start: int,
    stop: int,
    seed: int | None,
    boosts: Sequence[tuple[BoolArray, float]] = (),
) -> list[tuple[int, float]]:
    if stop <= start:
        return []
    if sort == "relevance" and (plan.required or boosts):
        scores = np.zeros(generation.size, dtype=np.float32)
        add_scores(generation, scores, (pair for unit in plan.required for pair in unit.pairs()))
        for mask, boost in boosts:
            scores += mask.astype(np.float32) * np.float32(boost)
        return top(scores, allowed, start, stop, _id_ranks(generation))
    docnums = np.flatnonzero(allowed)
    if not len(docnums) or start >= len(docnums):
        return []
    if sort == "random":
        rng = np.random.default_rng(seed if seed is not None else 0)
        order = docnums[rng.permutation(len(docnums))]
    else:
        recent = _newest_first(generation)
        order = recent[allowed[recent]]
    return [(int(d), 0.0) for d in order[start:stop]]


def _newest_first(generation: Generation) -> Int64Array:
    """Every document number, newest first, then by id for a stable order: sorted once per
    generation (sorting 100,000 ids on each request cost 25 ms), then filtered by a mask."""

    def build() -> Int64Array:
        return np.lexsort((_id_ranks(generation), -generation.published.astype(np.int64))).astype(np.int64)

    return generation.store.memo.get("newest-first", build)


def _id_ranks(generation: Generation) -> Int64Array:
    return generation.store.memo.get("id-ranks", lambda: id_ranks(generation.ids))


def _text_plan(generation: Generation, intent: Intent, rest: ParsedQuery) -> tuple[Plan, Plan]:
    """(every word searched as text, the rest alone): a recognised profession's words are
    searched too (its mentions come after its testimonials), fillers and places are not."""
    known = lexicon(generation).is_known
    rest_plan = compile_query(generation, rest, known=known)
    if not intent.profession_words:
        return rest_plan, rest_plan
    words = parse_query(" ".join((*intent.profession_words, intent.text)))
    return compile_query(generation, words, known=known), rest_plan


def search(
    generation: Generation,
    text: str = "",
    *,
    filters: Mapping[str, Iterable[str]] | None = None,
    sort: str | None = None,
    page: int = 1,
    page_size: int = 10,
    seed: int | None = None,
    budget_ms: int | None = None,
    understood: bool = True,
    counts_only: bool = False,
) -> SearchResults:
    """Search one generation. ``sort`` defaults to relevance with words and to newest without.

    The query is first understood (``search.intent``): a recognised profession puts its
    testimonials first, then the texts that mention it; an interest or an advice theme ranks its
    testimonials first; a place or a sector acts as its filter; fillers decide nothing; the rest
    is searched as text. ``understood=False`` reads every word as text. ``counts_only``: the
    total and the hits, without facets, suggestion or filter removals (what a page needs to say
    « chercher un seul de vos mots : comptable 1 »).
    ``budget_ms``: past this time, matching and ranking stop and the best results found so
    far are returned with ``partial=True``; optional work (suggestions) is skipped.
    Raises BadQuery (too long, too many words) or BadParameter (page, page size, filters).
    """
    parsed = parse_query(text)
    normalize_filters(filters)  # the ticked filters alone must be valid
    intent = interpret(generation, text, filters or {}, understood=understood)
    rest = parse_query(intent.text)
    plan, rest_plan = _text_plan(generation, intent, rest)
    corrections = list(plan.corrections)
    typed_plan = plan  # as typed: its corrections make the « did you mean »
    if understood and corrections:
        # a typo in a name the lexicon knows (« infirmeire bretagne »): read the corrected words again
        again = interpret(generation, _corrected(text, corrections), filters or {})
        if _meaning(again) > _meaning(intent):
            intent, rest = again, parse_query(again.text)
            plan, rest_plan = _text_plan(generation, intent, rest)
    fiches = intent.fiche_mask
    chosen = sort or ("relevance" if (not plan.empty or fiches is not None) else "recent")
    _check_paging(page, page_size, chosen)
    normalized: Filters = normalize_filters(intent.filters)
    budget = Budget(budget_ms)
    if chosen == "relevance" and plan.empty and fiches is None:
        chosen = "recent"
    matcher = Matcher(generation, budget)
    relaxed = False
    if plan.empty:
        match = generation.live.copy() if fiches is None else fiches & generation.live
    else:
        match = matcher.match(plan)
        if fiches is not None:
            match = match | (fiches & generation.live)
        elif not match.any() and len(plan.required) >= 2 and not budget.spent():
            match = matcher.match(plan, relaxed=True)
            relaxed = bool(match.any())
    boosts = list(intent.boost_masks)
    if fiches is not None and not plan.empty:
        # within the recognised fiches (and their domaines, for the rest of the query), those that
        # match every word come first: « infirmière de nuit », « méca avion »
        related = fiches if intent.domain_mask is None or rest_plan.empty else fiches | intent.domain_mask
        boosts.append((related & matcher.match(plan), REST_BOOST))
    masks = filter_masks(generation, normalized)
    allowed = match & combine(generation, masks)
    total = count(allowed)
    of_profession = count(allowed & intent.profession_mask) if intent.profession_mask is not None else None
    start = (page - 1) * page_size
    ranked = _ranked(generation, plan, allowed, chosen, start, start + page_size, seed, boosts)
    hits = tuple(make_hit(generation, docnum, score, plan.tokens) for docnum, score in ranked)
    suggestion, suggestion_total = (
        (None, None) if budget.spent() or counts_only else _suggestion(matcher, typed_plan, parsed, normalized)
    )
    removals = () if counts_only else tuple(_without_filter(generation, match, normalized, masks))
    return SearchResults(
        query=parsed.text if parsed.text else "",
        total=total,
        page=page,
        page_size=page_size,
        sort=chosen,
        hits=hits,
        facets={} if counts_only else facets(generation, match, normalized),
        filters=normalized,
        suggestion=suggestion,
        suggestion_total=suggestion_total,
        relaxed=relaxed,
        without_filter=removals,
        generation=generation.name,
        partial=budget.exceeded,
        understood=_understood(intent, corrections),
        nearest=intent.nearest,
        mentions_only=intent.lacks,
        of_profession=of_profession,
    )


def _understood(intent: Intent, corrections: Sequence[tuple[str, str]]) -> dict[str, Any]:
    data = intent.understood()
    data["corrections"] = [{"from": typed, "to": fixed} for typed, fixed in corrections]
    return data


def _corrected(text: str, corrections: Sequence[tuple[str, str]]) -> str:
    for typed, fixed in corrections:
        text = re.sub(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", fixed, text, count=1)
    return text


def _meaning(intent: Intent) -> int:
    """How much of a query was understood: recognised professions, filters, interests, jobs."""
    u = intent.understanding
    return len(u.professions) + len(u.filters) + len(u.interests) + len(u.unlisted)


def _suggestion(matcher: Matcher, plan: Plan, parsed: ParsedQuery, filters: Filters) -> tuple[str | None, int | None]:
    """Did you mean: the query as typed with its corrected words replaced by their best known spelling."""
    if not plan.corrected:
        return None, None
    text = _corrected(parsed.text, plan.corrections)
    if fold(text) == fold(parsed.text):
        return None, None
    exact = Plan()
    for word in plan.corrected_words:
        if word.startswith('"'):
            unit = phrase_unit(word.strip('"').split(), exact)
            if unit is not None:
                exact.required.append(unit)
        else:
            exact.required.extend(Unit(alternatives=((t, 1.0),)) for t in content_tokens(word))
    exact.excluded = list(plan.excluded)
    generation = matcher.generation
    mask = matcher.match(exact) & combine(generation, filter_masks(generation, filters))
    return text, count(mask)


def _without_filter(
    generation: Generation, match: BoolArray, filters: Filters, masks: Mapping[str, BoolArray]
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
