"""Every route of the site, named once: its name and its path.

``web.app`` mounts each view on the path of its name; ``web.urls`` reverses names into paths
with Starlette's ``url_path_for``, so a path is typed in one place only::

    >>> path_for("testimonial", testimonial_id="ines-monteuse-video")
    '/temoignages/ines-monteuse-video'
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.routing import NoMatchFound, Route, Router

PATHS: dict[str, str] = {
    "home": "/",
    "results": "/recherche",
    "testimonial": "/temoignages/{testimonial_id}",
    "metiers": "/metiers",
    "metier": "/metiers/{rome}",
    "about": "/a-propos",
    "random": "/au-hasard",
    "feed": "/flux.xml",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "healthz": "/healthz",
    "api_search": "/api/search",
    "api_testimonial": "/api/testimonials/{testimonial_id}",
    "api_metiers": "/api/metiers",
    "api_metier": "/api/metiers/{rome}",
    "api_suggest": "/api/suggest",
    "api_facets": "/api/facets",
    "openapi": "/api/openapi.json",
    "participate": "/participer",
    "privacy": "/confidentialite",
    "manage": "/gerer",
    "manage_edit": "/gerer/modifier",
    "search_seen": "/recherche/vue",
}
"""Route name -> path (Starlette syntax). Static files are mounted at ``STATIC``."""

FORMS: frozenset[str] = frozenset({"participate", "manage", "manage_edit"})
"""Routes that also take a POSTed form (the volunteers' pages); every other route is GET only."""

BEACONS: frozenset[str] = frozenset({"search_seen"})
"""Routes that take only a bodiless POST: the results page's beacon (``web.demand.seen``)."""

STATIC = "/static"


def _reverse_only(*_: object) -> None:  # pragma: no cover - never called: these routes only reverse names
    raise NotImplementedError


_REVERSER = Router(routes=[Route(path, _reverse_only, name=name) for name, path in PATHS.items()])


def path_for(name: str, **params: str) -> str:
    """The path of route ``name``, each parameter percent-encoded as one path segment."""
    try:
        return str(_REVERSER.url_path_for(name, **{key: quote(value, safe="") for key, value in params.items()}))
    except NoMatchFound:
        raise KeyError(f"unknown route {name!r} or parameters {sorted(params)}") from None
