"""The JSON API: the same parameters and the same JSON as ``bloomr search --json``.

``GET /api/search?q=son&region=FR-BRE`` -> ``SearchResults.to_dict()``;
``/api/testimonials/{id}``, ``/api/suggest?q=``, ``/api/facets``, ``/api/openapi.json``, ``/healthz``;
``/api/metiers`` and ``/api/metiers/{rome}`` are ``web.metiers``'.
Errors are JSON too (``web.errors``): ``{"error": {"status", "type", "message", "remedy"}}``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from search.documents import get_testimonial, related
from search.facet_specs import FACET_LABELS, FACET_NAMES
from search.facets import all_values
from search.query import search
from search.suggest import Suggestion, suggest
from web import demand, urls
from web.openapi import openapi_document
from web.french import plural
from web.params import SearchParams, parse_suggest
from web.present import facet_values
from web.views import current, search_params

KIND_LABELS = {"profession": "métier", "region": "région", "country": "pays", "sector": "secteur",
               "interest": "centre d’intérêt", "word": "mot"}
"""What each kind of suggestion is, in French (shown beside it)."""


def suggestion_view(item: Suggestion) -> dict[str, Any]:
    """One suggestion with what choosing it does: ``url`` (a métier's page; a place or a sector
    as a filter beside the other words; an interest's or a word's search) and ``hint``, the
    line shown beside it (« métier · 3 témoignages », « région · Bretagne »)."""
    data: dict[str, Any] = {**item.to_dict(), "kind_label": KIND_LABELS.get(item.kind, item.kind)}
    if item.kind == "profession" and item.code:
        data["url"] = urls.metier_url(item.code)
        told = plural(item.count, "témoignage") if item.count else "pas encore de témoignage"
        data["hint"] = f"métier · {told}"
    elif item.kind in ("region", "country", "sector"):
        data["url"] = urls.search_url(SearchParams(q=item.query, filters={item.kind: (item.code,)}))
        data["facet"], data["value"] = item.kind, item.code
        data["hint"] = f"{data['kind_label']} · {item.detail}" if item.detail else f"{data['kind_label']} · {plural(item.count, 'témoignage')}"
    elif item.kind == "interest":
        data["url"] = urls.words_url(item.query)
        data["hint"] = f"centre d’intérêt · {plural(item.count, 'témoignage')}"
    else:
        data["url"] = urls.words_url(item.text)
        data["hint"] = data["kind_label"]
    return data


def search_api(request: Request) -> Response:
    generation = current(request)
    params = search_params(request)
    found = search(
        generation,
        params.q,
        filters=params.active_filters,
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        seed=params.seed,
        budget_ms=request.app.state.settings.search_budget_ms,
    )
    demand.note(request, generation, found)  # counted for bloomr insights, off the request path
    body = found.to_dict()
    body["facets"] = facet_values(found, params, generation)  # the same dicts as the page's, toggle URLs included
    if params.seed is not None:
        body["seed"] = params.seed
    return JSONResponse(body)


def testimonial_api(request: Request) -> Response:
    generation = current(request)
    view = get_testimonial(generation, request.path_params["testimonial_id"])
    body: dict[str, Any] = view.to_dict()
    body["url"] = urls.testimonial_url(view.id)
    body["related"] = [item.to_dict() for item in related(generation, view.id, limit=4)]
    return JSONResponse(body)


def suggest_api(request: Request) -> Response:
    generation = current(request)
    q, limit = parse_suggest(request.query_params, query_string=request.url.query)
    found = suggest(generation, q, limit=limit)
    return JSONResponse({"query": q, "suggestions": [suggestion_view(s) for s in found]})


def facets_api(request: Request) -> Response:
    generation = current(request)
    return JSONResponse(
        {
            "generation": generation.name,
            "count": generation.count,
            "facets": {
                facet: {"label": FACET_LABELS[facet], "values": [v.to_dict() for v in all_values(generation, facet)]}
                for facet in FACET_NAMES
            },
        }
    )


def healthz(request: Request) -> Response:
    generation = current(request)
    return JSONResponse(
        {"status": "ok", "generation": generation.name, "created": generation.created, "count": generation.count},
        headers={"Cache-Control": "no-store"},
    )


def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())
