"""``SearchResults`` -> the plain data a page renders: facets with toggle URLs, chips, pages, hits.

Everything here is data (dicts, lists, strings); URLs come from ``web.urls``. The results page
receives ``results_page(results, params, generation)``::

    {"title": …, "heading": …, "count_text": "3 témoignages", "hits": [HitView…],
     "facets": [{"name": "sector", "label": "Secteur et métier", "values": [{"value": "L",
        "label": "Spectacle", "count": 5, "selected": False, "toggle_url": "/recherche?sector=L",
        "input_id": "f-sector-L", "children": [...], "children_open": False}]}, …],
     "chips": [{"facet", "facet_label", "value", "label", "remove_url"}], "clear_url": …,
     "sorts": [...], "pagination": {...} | None, "suggestion": {...} | None, "without_filter": [...]}
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from search.facet_specs import CHILD_FACET, FACET_LABELS, FACET_NAMES
from search.generation import Generation
from search.results import FacetValue, Hit, SearchResults
from web import urls
from web.french import number, plural, quoted
from web.params import SORTS, SearchParams

GROUPS: tuple[tuple[str, str | None, str, str], ...] = (
    # (parent facet, child facet, group label, children summary)
    ("sector", "profession", "Secteur et métier", "Métiers"),
    ("country", "region", "Pays et région", "Régions"),
    ("theme", None, "Thèmes des conseils", ""),
)
SEARCHABLE_OVER = 10
"""A facet group with more values than this (children included) gets a filter box."""

_MARK = re.compile(r"</?mark>")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def safe_snippet(snippet: str) -> Markup:
    """Trust a snippet only if ``<mark>`` is its only markup; otherwise escape it whole."""
    bare = _MARK.sub("", snippet)
    if "<" in bare or ">" in bare or snippet.count("<mark>") != snippet.count("</mark>"):
        return escape(bare)
    return Markup(snippet)


def hit_view(hit: Hit) -> dict[str, Any]:
    place = ", ".join(p for p in (hit.region_label, hit.country_label) if p)
    return {
        "id": hit.id,
        "url": urls.testimonial_url(hit.id),
        "name": hit.name,
        "profession": hit.profession,
        "sector_label": hit.sector_label,
        "place": place,
        "section_label": hit.section_label,
        "snippet": safe_snippet(hit.snippet) if hit.snippet else "",
        "published": hit.published,
    }


def _input_id(facet: str, value: str) -> str:
    return f"f-{facet}-{_ID_UNSAFE.sub('_', value)}"


def facet_values(results: SearchResults, params: SearchParams) -> dict[str, list[dict[str, Any]]]:
    """Every facet's values as plain dicts with their toggle URL: the JSON of ``/api/search`` and
    the items of the page's facet groups are these same dicts.

    ``{"region": [{"value": "FR-BRE", "label": "Bretagne", "count": 3, "selected": True,
    "parent": "FR", "toggle_url": "/recherche?region=FR-BRE"}, …], …}``
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for facet in FACET_NAMES:
        found = results.facets.get(facet)
        if found is None:
            continue
        child = CHILD_FACET.get(facet)
        child_values = results.facets[child].values if child and child in results.facets else ()
        parents = {v.value: v.parent or "" for v in child_values} if child else None
        out[facet] = [
            {**item.to_dict(), "toggle_url": urls.toggle_url(params, facet, item.value, parents=parents)}
            for item in found.values
        ]
    return out


def _value_view(facet: str, item: dict[str, Any]) -> dict[str, Any]:
    """A facet value as the page lists it: the same dict, with its checkbox id and nested children."""
    return {**item, "facet": facet, "input_id": _input_id(facet, item["value"]), "children": [], "children_open": False}


CHILDREN_SHOWN = 8
"""Children listed under an unticked parent (ticking it lists them all): at 10k testimonials a
page listing all 1,200 professions weighed 640 KB."""


def _trim_children(view: dict[str, Any]) -> None:
    children = view["children"]
    view["more_children"] = 0
    if view["selected"] or len(children) <= CHILDREN_SHOWN:
        return
    shown = children[:CHILDREN_SHOWN] + [c for c in children[CHILDREN_SHOWN:] if c["selected"]]
    view["more_children"] = len(children) - len(shown)
    view["children"] = shown


def facet_groups(values_by_facet: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The three facet groups of the page, children nested under their parent value."""
    groups = []
    for parent_facet, child_facet, label, child_label in GROUPS:
        if parent_facet not in values_by_facet:
            continue
        values = [_value_view(parent_facet, item) for item in values_by_facet[parent_facet]]
        by_value = {view["value"]: view for view in values}
        orphans = []
        if child_facet is not None:
            for item in values_by_facet.get(child_facet, []):
                view = _value_view(child_facet, item)
                holder = by_value.get(item.get("parent") or "")
                if holder is None:
                    orphans.append(view)
                    continue
                holder["children"].append(view)
                if item["selected"] or holder["selected"]:
                    holder["children_open"] = True
        for view in values:
            _trim_children(view)
        size = len(values) + sum(len(v["children"]) for v in values) + len(orphans)
        groups.append(
            {
                "name": parent_facet,
                "label": label,
                "child_label": child_label,
                "values": values + orphans,
                "searchable": size > SEARCHABLE_OVER,
            }
        )
    return groups


def chips(results: SearchResults, params: SearchParams, generation: Generation) -> list[dict[str, str]]:
    """One chip per active filter value; removing a sector (country) also removes its professions (regions)."""
    out = []
    for facet, values in params.active_filters.items():
        child = CHILD_FACET.get(facet)
        child_values = results.facets[child].values if child and child in results.facets else ()
        parents = {v.value: v.parent or "" for v in child_values} if child else None
        for value in values:
            out.append(
                {
                    "facet": facet,
                    "facet_label": FACET_LABELS.get(facet, facet),
                    "value": value,
                    "label": generation.label(facet, value),
                    "remove_url": urls.toggle_url(params, facet, value, parents=parents),
                }
            )
    return out


def pagination(results: SearchResults, params: SearchParams) -> dict[str, Any] | None:
    """Pages around the current one, first and last always shown, gaps marked."""
    last = results.pages
    if last <= 1:
        return None
    current = min(params.page, last) if results.total else params.page
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    pages: list[dict[str, Any]] = []
    previous = 0
    for n in shown:
        if n - previous > 1:
            pages.append({"gap": True})
        pages.append({"gap": False, "number": n, "url": urls.page_url(params, n), "current": n == current})
        previous = n
    return {
        "pages": pages,
        "prev_url": urls.page_url(params, current - 1) if current > 1 else None,
        "next_url": urls.page_url(params, current + 1) if current < last else None,
        "last": last,
    }


def sort_options(results: SearchResults, params: SearchParams) -> list[dict[str, Any]]:
    """Every sort; « Pertinence » is the default (newest first while there are no words)."""
    chosen = params.sort or "relevance"
    return [
        {"value": key, "label": SORTS[key], "selected": key == chosen, "url": urls.sort_url(params, None if key == "relevance" else key)}
        for key in SORTS
    ]


def count_text(results: SearchResults) -> str:
    if not results.total:
        return "Aucun témoignage"
    text = plural(results.total, "témoignage")
    if results.pages > 1 and results.page <= results.pages:
        text += f", page {number(min(results.page, results.pages))} sur {number(results.pages)}"
    return text


def results_page(results: SearchResults, params: SearchParams, generation: Generation) -> dict[str, Any]:
    heading = f"Résultats pour {quoted(params.q)}" if params.q else "Tous les témoignages"
    suggestion = None
    if results.suggestion:
        suggestion = {
            "text": results.suggestion,
            "url": urls.query_url(params, results.suggestion),
            "total": results.suggestion_total or 0,
        }
    without = [
        {
            "facet": removal.facet,
            "label": removal.label,
            "total": removal.total,
            "url": urls.without_facet_url(params, removal.facet, removal.value),
        }
        for removal in results.without_filter
        if removal.total and not results.total
    ]
    return {
        "title": (f"{params.q} — recherche" if params.q else "Tous les témoignages"),
        "heading": heading,
        "count_text": count_text(results),
        "total": results.total,
        "relaxed": results.relaxed,
        "partial": results.partial,
        "first_rank": (min(results.page, results.pages) - 1) * results.page_size + 1,
        "hits": [hit_view(hit) for hit in results.hits],
        "facets": facet_groups(facet_values(results, params)),
        "chips": chips(results, params, generation),
        "clear_url": urls.clear_url(params),
        "first_page_url": urls.page_url(params, 1),
        "sorts": sort_options(results, params),
        "pagination": pagination(results, params),
        "suggestion": suggestion,
        "without_filter": without,
    }


def discovery_values(values: list[FacetValue], facet: str) -> list[dict[str, Any]]:
    """Home-page links: one fresh search per facet value."""
    return [
        {"value": v.value, "label": v.label, "count": v.count, "url": urls.facet_url(facet, v.value), "parent": v.parent}
        for v in values
    ]


def places(countries: list[FacetValue], regions: list[FacetValue]) -> list[dict[str, Any]]:
    out = discovery_values(countries, "country")
    by_code = {c["value"]: c for c in out}
    for c in out:
        c["children"] = []
    for region in discovery_values(regions, "region"):
        holder = by_code.get(region["parent"] or "")
        if holder is not None and region["count"]:
            holder["children"].append(region)
    return [c for c in out if c["count"]]

