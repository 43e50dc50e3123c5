"""``create_app(settings) -> Starlette``: routes, templates, middleware, one error path.

Nothing happens at import time. The lifespan opens ``search.index.IndexHandle(settings.index)``
and stores it as ``app.state.index``; each request asks it for the current generation, so a
rebuild or a withdrawal is served without a restart::

    uvicorn.run("web.app:create_app", factory=True)   # settings from BLOOMR_* variables
"""

from __future__ import annotations

import hashlib
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import anyio.to_thread
import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bloomr.settings import Settings
from search.errors import BloomrError
from search.index import IndexHandle
from web import api, errors, french, urls, views
from web.params import MAX_QUERY_CHARS
from web.security import GuardMiddleware

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


class VersionedStatic(StaticFiles):
    """Static files; a URL carrying its content hash (``?v=``) may be cached for a year."""

    def file_response(self, full_path, stat_result, scope, status_code=200):  # type: ignore[no-untyped-def]
        response = super().file_response(full_path, stat_result, scope, status_code)
        if b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def static_versions() -> dict[str, str]:
    """Content hash of each static file, appended as ``?v=`` so browsers may cache them for long."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(STATIC.iterdir())
        if path.is_file()
    }


def make_templates() -> Jinja2Templates:
    """Jinja with autoescaping for every template whatever its file name, and strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = static_versions()

    def static_url(name: str) -> str:
        return f"/static/{name}?v={versions.get(name, '0')}"

    env.filters.update(number=french.number, plural=french.plural, long_date=french.long_date, quoted=french.quoted)
    env.globals.update(
        static_url=static_url,
        home_url=urls.HOME,
        search_url=urls.SEARCH,
        about_url=urls.ABOUT,
        random_url=urls.RANDOM,
        max_query_chars=MAX_QUERY_CHARS,
    )
    return Jinja2Templates(env=env)


def create_app(settings: Settings | None = None) -> Starlette:
    """The whole site; ``settings`` defaults to ``Settings.from_env()``."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Searches run in the thread pool; a few threads keep the CPU busy on 2 cores, while
        # each extra concurrent search costs a Whoosh searcher's caches (tens of MB at 100k).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.index = IndexHandle(settings.index)
        yield

    routes = [
        Route("/", views.home, name="home"),
        Route(urls.SEARCH, views.results, name="results"),
        Route("/temoignages/{testimonial_id}", views.testimonial, name="testimonial"),
        Route(urls.ABOUT, views.about, name="about"),
        Route(urls.RANDOM, views.random_testimonial, name="random"),
        Route("/healthz", api.healthz, name="healthz"),
        Route("/api/search", api.search_api, name="api_search"),
        Route("/api/testimonials/{testimonial_id}", api.testimonial_api, name="api_testimonial"),
        Route("/api/suggest", api.suggest_api, name="api_suggest"),
        Route("/api/facets", api.facets_api, name="api_facets"),
        Route("/api/openapi.json", api.openapi, name="openapi"),
        Mount("/static", VersionedStatic(directory=str(STATIC)), name="static"),
    ]
    hosts = list(settings.allowed_hosts) or ["127.0.0.1", "localhost"]
    middleware = [Middleware(GuardMiddleware, render_crash=errors.crash, allowed_hosts=hosts, debug=settings.debug)]
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=middleware,
        exception_handlers={BloomrError: errors.bloomr_error, HTTPException: errors.http_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = make_templates()
    return app
