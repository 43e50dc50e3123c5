"""What the results page says it understood, each part with its way out, and the lack stated.

``understood_view(results, params, generation)`` turns ``SearchResults.understood`` (issue 14)
into plain data for ``results.html``; ``None`` when there is nothing to say::

    {"parts": [{"kind": "profession", "said": "kiné", "kind_label": "métier",
                "items": [{"label": "Kinésithérapeute", "url": "/metiers/J1404", "count_text": "3 témoignages"}],
                "remove_url": "/recherche", "remove_text": "Retirer «\u00a0kiné\u00a0» de la recherche", "literal_url": None},
               {"kind": "region", "said": "bretagne", "kind_label": "région", "items": [{"label": "Bretagne", …}],
                "remove_url": "/recherche?q=infirmi%C3%A8re", "literal_url": "/recherche?q=infirmi%C3%A8re+%22bretagne%22"}],
     "lacking": {"title": "Pas encore de témoignage de notaire", "metiers": [{label, url}], "nearest": [{label, url,
                 count_text, reason}], "participate_url": "/participer?metier=Notaire", "participate_text": …} | None,
     "none_here": {"title": "Pas encore de témoignage d’infirmière en Bretagne", "without": [{label, url, total}]} | None,
     "correction": {"typed": "«\u00a0infirmeire\u00a0»", "fixed": "infirmière", "url": "/recherche?q=infirmi%C3%A8re"} | None,
     "metiers": [{label, url, count_text}] (an interest's métiers), "hits_title": "Ils en parlent" | None,
     "near": {"J1501": "Métier proche", …}}

A place or a sector read from the words acts as a ticked filter; taking it off takes its words
out of ``q`` (``web.urls.Words``), « chercher plutôt le mot » quotes them (quoted words are never
recognised), so no filter comes back by itself.
"""

from __future__ import annotations

from typing import Any

from search.analysis import fold
from search.generation import Generation
from search.metiers import REASONS
from search.results import Nearby, SearchResults
from search.understand import as_words, without_words
from web import urls
from web.french import apostrophes, of, plural, quoted, where
from web.params import SearchParams

KIND_LABELS = {
    "profession": "métier", "region": "région", "country": "pays", "sector": "secteur",
    "centre_interet": "centre d’intérêt", "interest": "centre d’intérêt", "rome_theme": "thème",
    "secteur": "secteur d’activité", "sous_secteur": "secteur d’activité", "advice_theme": "conseils",
}
"""How each kind of meaning is named on the page (and in the autocomplete)."""
MAX_WHERE = 3
"""Past this many filter values, « avec ces filtres » rather than naming them all."""


def filter_words(results: SearchResults) -> urls.Words:
    """The filters the words gave: ``{("region", "FR-BRE"): ("bretagne", "")}``."""
    return {
        (item["facet"], item["value"]): (item["from"], item.get("lead", ""))
        for item in results.understood.get("filter_words", ())
    }


def _count_text(count: int) -> str:
    return plural(count, "témoignage") if count else "pas encore de témoignage"


def _said(said: str, labels: list[str]) -> str:
    """The words typed, when no label shows them (« kiné » for « Kinésithérapeute »), else ""."""
    typed = fold(said).strip()
    return "" if any(typed in fold(label) for label in labels) else said


def _parts(results: SearchResults, params: SearchParams, generation: Generation) -> list[dict[str, Any]]:
    understood = results.understood
    words = filter_words(results)
    parts: list[dict[str, Any]] = []
    by_words: dict[str, list[dict[str, Any]]] = {}
    for item in understood.get("professions", ()):
        by_words.setdefault(item["from"], []).append(item)
    for said, items in by_words.items():
        parts.append({
            "kind": "profession", "said": said, "kind_label": "métier" if len(items) == 1 else "métiers",
            "items": [{"label": apostrophes(p["label"]), "url": urls.metier_url(p["rome"]),
                       "count_text": _count_text(int(p.get("testimonials", 0)))} for p in items],
            "remove_url": urls.query_url(params, without_words(params.q, said)),
            "remove_text": f"Retirer {quoted(said)} de la recherche",
            "literal_url": None,
            "typed": _said(said, [p["label"] for p in items]),
        })
    for item in understood.get("filter_words", ()):
        facet, value, said = item["facet"], item["value"], item["from"]
        label = generation.short_label(facet, value) if facet == "sector" else generation.label(facet, value)
        parts.append({
            "kind": facet, "said": said, "kind_label": KIND_LABELS.get(facet, facet),
            "items": [{"label": apostrophes(label), "url": None, "count_text": ""}],
            "remove_url": urls.without_facet_url(params, facet, value, words=words),
            "remove_text": f"Retirer le filtre {quoted(apostrophes(label))}",
            "literal_url": urls.query_url(params, as_words(params.q, said)),
            "typed": _said(said, [label]),
        })
    for item in understood.get("interests", ()):
        said = item["from"]
        parts.append({
            "kind": item["kind"], "said": said, "kind_label": KIND_LABELS.get(item["kind"], "intérêt"),
            "items": [{"label": apostrophes(item["label"]), "url": None, "count_text": ""}],
            "remove_url": urls.query_url(params, without_words(params.q, said)),
            "remove_text": f"Retirer {quoted(said)} de la recherche",
            "literal_url": urls.query_url(params, as_words(params.q, said)),
            "typed": _said(said, [item["label"]]),
        })
    return parts


def _closest(results: SearchResults) -> list[Nearby]:
    """The nearest métiers worth showing: those of the same sector only when nothing is closer
    (a grand domaine is wide: « Services à la personne et à la collectivité » holds researchers
    and school teachers, who are no astronaut's neighbours)."""
    closer = [n for n in results.nearest if n.reason != REASONS["sector"]]
    return closer or list(results.nearest)


def _lacking(results: SearchResults) -> dict[str, Any] | None:
    """« Pas encore de témoignage de notaire », the métiers near it, the way to take part."""
    if not results.mentions_only:
        return None
    understood = results.understood
    lacking = [p for p in understood.get("professions", ()) if not p.get("testimonials")]
    said = list(dict.fromkeys([*(p["from"] for p in lacking), *(j["from"] for j in understood.get("unlisted", ()))]))
    if not said:
        return None
    named = " ni ".join(of(s) for s in said)
    first = said[0]
    return {
        "title": f"Pas encore de témoignage {named}",
        "metiers": [{"label": apostrophes(p["label"]), "url": urls.metier_url(p["rome"])} for p in lacking],
        "nearest": [
            {"label": apostrophes(n.label), "url": urls.metier_url(n.rome), "count_text": _count_text(n.testimonials), "reason": n.reason}
            for n in _closest(results)
        ],
        "participate_url": urls.participate_url(first[:1].upper() + first[1:]),
        "participate_text": f"Vous êtes {first}\u202f? Racontez votre métier aux jeunes",
    }


def _where(results: SearchResults, generation: Generation) -> str:
    values = [(facet, value) for facet, chosen in results.filters.items() for value in chosen]
    if not values or len(values) > MAX_WHERE:
        return "avec ces filtres"
    by_facet: dict[str, list[str]] = {}
    for facet, value in values:
        label = generation.short_label(facet, value) if facet == "sector" else generation.label(facet, value)
        by_facet.setdefault(facet, []).append(where(facet, value, apostrophes(label)))
    return ", ".join(" ou ".join(places) for places in by_facet.values())


def _none_here(results: SearchResults, params: SearchParams, generation: Generation) -> dict[str, Any] | None:
    """The profession has testimonials, none under these filters: say so, offer each filter off."""
    if results.of_profession != 0 or not results.filters or results.mentions_only:
        return None
    said = list(dict.fromkeys(p["from"] for p in results.understood.get("professions", ()) if p.get("testimonials")))
    if not said:
        return None
    words = filter_words(results)
    return {
        "title": f"Pas encore de témoignage {' ni '.join(of(s) for s in said)} {_where(results, generation)}",
        "without": [
            {
                "label": apostrophes(generation.short_label(r.facet, r.value) if r.facet == "sector" else r.label),
                "url": urls.without_facet_url(params, r.facet, r.value, words=words),
                "total_text": plural(r.total, "témoignage"),
            }
            for r in results.without_filter if r.total
        ],
    }


def _correction(results: SearchResults, params: SearchParams) -> dict[str, Any] | None:
    """An applied correction, announced as such (« Aucun résultat pour « infirmeire » ; voici
    « infirmière » »): the typed word found nothing, the results are the corrected word's."""
    corrections = results.understood.get("corrections", ())
    if not corrections or not results.total or not results.suggestion:
        return None
    return {
        "typed": ", ".join(quoted(c["from"]) for c in corrections),
        "fixed": results.suggestion,
        "url": urls.query_url(params, results.suggestion),
    }


MAX_METIERS = 5
"""Métiers listed for an interest (« Prendre soin des autres » -> its métiers that have testimonials)."""


def _metiers(results: SearchResults) -> list[dict[str, Any]]:
    """For an interest without a profession: the métiers of its results, most told first, each
    leading to its page (from an interest to a métier in one click)."""
    understood = results.understood
    if not understood.get("interests") or understood.get("professions") or "profession" not in results.facets:
        return []
    told = sorted((v for v in results.facets["profession"].values if v.count), key=lambda v: (-v.count, v.label))
    return [{"label": apostrophes(v.label), "url": urls.metier_url(v.value), "count_text": plural(v.count, "témoignage")}
            for v in told[:MAX_METIERS]]


def understood_view(results: SearchResults, params: SearchParams, generation: Generation) -> dict[str, Any] | None:
    """The understanding's answer on the results page (see the module's docstring)."""
    if not results.understood:
        return None
    parts = _parts(results, params, generation)
    lacking = _lacking(results)
    none_here = _none_here(results, params, generation)
    correction = _correction(results, params)
    if not (parts or lacking or none_here or correction):
        return None
    near = {n.rome: ("Même secteur" if n.reason == REASONS["sector"] else "Métier proche") for n in results.nearest} if lacking else {}
    hits_title = None
    if (lacking or none_here) and results.hits:
        close = sum(1 for h in results.hits if h.rome in near)
        hits_title = ("Ils en parlent" if not close else "Des métiers proches" if close == len(results.hits)
                      else "Des métiers proches, et des témoignages qui en parlent")
    return {
        "parts": parts,
        "metiers": _metiers(results),
        "metiers_url": urls.METIERS,
        "lacking": lacking,
        "none_here": none_here,
        "correction": correction,
        "hits_title": hits_title,
        "near": near,
    }


def apply_ticks(params: SearchParams, understood: list[str], words: urls.Words) -> SearchParams:
    """The state a filter form sent without JavaScript, once its word-given filters are read:
    ``understood`` lists them (``compris=region:FR-BRE``, a hidden field beside the box). A box
    left ticked needs no parameter (the words give it); a box unticked takes its words out of
    ``q``, or the filter would come back by itself."""
    filters = {facet: tuple(values) for facet, values in params.filters.items()}
    q = params.q
    for token in understood:
        facet, _, value = token.partition(":")
        if (facet, value) not in words:
            continue
        if value not in filters.get(facet, ()):
            said, lead = words[(facet, value)]
            q = without_words(q, said, lead=lead)
        else:
            filters[facet] = tuple(v for v in filters[facet] if v != value)
    return params.with_(q=q, filters={f: v for f, v in filters.items() if v}, page=1)
