"""The HTML pages. Each view parses its parameters, calls ``search/``, and renders a template.

Views are plain ``def`` functions: Starlette runs them in its thread pool (``BLOOMR_THREADS``
threads), and ``search.store`` lends each running search a Whoosh reader from a small pool.
Errors are raised, never rendered here: ``web.errors`` turns every ``BloomrError`` into
``error.html`` with its status.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from search.documents import get_testimonial, related
from search.facets import all_values
from search.generation import Generation
from search.query import search
from web import urls
from web.params import SearchParams, parse_search
from web.present import discovery_values, hit_view, places, results_page

LATEST = 6
RELATED = 4


def current(request: Request) -> Generation:
    """The serving generation (re-read at every request, so a rebuild is picked up)."""
    generation: Generation = request.app.state.index.current()
    return generation


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(request, template, context, status_code=status)
    return response


def search_params(request: Request) -> SearchParams:
    params = parse_search(
        request.query_params,
        default_page_size=request.app.state.settings.page_size,
        query_string=request.url.query,
    )
    if params.sort == "random" and params.seed is None:
        params = params.with_(seed=secrets.randbelow(2**31 - 1))  # stable order across the pages
    return params


def home(request: Request) -> Response:
    generation = current(request)
    latest = search(generation, "", sort="recent", page_size=LATEST)
    pick = search(generation, "", sort="random", page_size=1, seed=secrets.randbelow(2**31 - 1))
    page = {
        "count": generation.count,
        "sectors": discovery_values(all_values(generation, "sector"), "sector"),
        "themes": [v for v in discovery_values(all_values(generation, "theme"), "theme") if v["count"]],
        "places": places(all_values(generation, "country"), all_values(generation, "region")),
        "latest": [hit_view(hit) for hit in latest.hits],
        "random": hit_view(pick.hits[0]) if pick.hits else None,
        "recent_url": urls.sort_url(SearchParams(), "recent"),
    }
    return render(request, "home.html", {"page": page})


def results(request: Request) -> Response:
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
    page = results_page(found, params, generation)
    return render(request, "results.html", {"page": page, "params": params})


def testimonial(request: Request) -> Response:
    generation = current(request)
    testimonial_id = request.path_params["testimonial_id"]
    view = get_testimonial(generation, testimonial_id)
    links = {
        "profession": urls.facet_url("profession", view.rome) if view.rome else None,
        "sector": urls.facet_url("sector", view.sector) if view.sector else None,
        "region": urls.facet_url("region", view.region) if view.region else None,
        "country": urls.facet_url("country", view.country) if view.country else None,
        "themes": [
            {"label": label, "url": urls.facet_url("theme", slug)} for slug, label in view.themes
        ],
        "same_job_here": (
            urls.search_url(SearchParams(filters={"profession": (view.rome,), "region": (view.region,)}))
            if view.rome and view.region
            else None
        ),
    }
    sections = [
        {"key": key, "title": title, "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()]}
        for key, title, text in view.sections
    ]
    page = {
        "t": view,
        "sections": sections,
        "links": links,
        "related": [hit_view(hit) for hit in related(generation, view.id, limit=RELATED)],
        "api_url": urls.api_testimonial_url(view.id),
    }
    return render(request, "testimonial.html", {"page": page})


def about(request: Request) -> Response:
    return render(request, "about.html", {})


def random_testimonial(request: Request) -> Response:
    """« Au hasard »: a 303 to one testimonial, never cached."""
    generation = current(request)
    pick = search(generation, "", sort="random", page_size=1, seed=secrets.randbelow(2**31 - 1))
    target = urls.testimonial_url(pick.hits[0].id) if pick.hits else urls.HOME
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
