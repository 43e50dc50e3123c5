"""``create_app(settings) -> Starlette``: routes, templates, middleware, one error path.

Nothing happens at import time. The lifespan opens ``search.index.IndexHandle(settings.index, on_open=search.warm.warm)``
and stores it as ``app.state.index``; each request asks it for the current generation, so a
rebuild or a withdrawal is served without a restart::

    uvicorn.run("web.app:create_app", factory=True)   # settings from BLOOMR_* variables
"""

from __future__ import annotations

import hashlib
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import anyio
import anyio.to_thread
import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from search.errors import BloomrError
from search.index import IndexHandle
from search.warm import warm
from web import api, demand, errors, french, manage, metiers, participate, urls, views, volunteering
from web.pagecache import PageCache
from web.params import MAX_QUERY_CHARS
from web.forms import MAX_FORM_BYTES
from web.routes import BEACONS, FORMS, PATHS
from web.routes import STATIC as STATIC_PATH
from web.security import GuardMiddleware
from web.settings import Settings

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
GZIP_MINIMUM = 500
"""Responses of at least this many bytes are gzipped when the client accepts it."""


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
    """Jinja with autoescaping for every template whatever its file name, and strict undefined.

    Templates are read once per process (``auto_reload=False``): checking every template's
    modification time on each render was 5 % of a worker's CPU under load at 100k."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    versions = static_versions()

    def static_url(name: str) -> str:
        return f"{STATIC_PATH}/{name}?v={versions.get(name, '0')}"

    env.filters.update(
        number=french.number, plural=french.plural, long_date=french.long_date, quoted=french.quoted,
        nobreak=french.unbreakable_numbers,
    )
    env.globals.update(
        static_url=static_url,
        home_url=urls.HOME,
        search_url=urls.SEARCH,
        about_url=urls.ABOUT,
        random_url=urls.RANDOM,
        feed_url=urls.FEED,
        participate_url=urls.PARTICIPATE,
        metiers_url=urls.METIERS,
        privacy_url=urls.PRIVACY,
        max_query_chars=MAX_QUERY_CHARS,
    )
    icons = env.get_template("_icons.html").module

    def icon(name: str, cls: str = "icon") -> Markup:
        """An inline SVG icon of ``_icons.html`` (decorative: hidden from screen readers)."""
        return Markup(icons.icon(name, cls))  # type: ignore[attr-defined]

    env.globals["icon"] = icon
    return Jinja2Templates(env=env)


def create_app(settings: Settings | None = None) -> Starlette:
    """The whole site; ``settings`` defaults to ``Settings.from_env()``."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Searches run in the thread pool; a few threads keep the CPU busy on 2 cores, while
        # each extra concurrent search costs a Whoosh searcher's caches (tens of MB at 100k).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.index = IndexHandle(settings.index, on_open=warm)
        app.state.insights = demand.recorder(settings)  # searches counted off the request path (issue 17)
        app.state.insights.start()
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(volunteering.retry_purges, app.state.volunteers)
                yield
                tasks.cancel_scope.cancel()
        finally:
            await anyio.to_thread.run_sync(app.state.insights.close)

    endpoints = {
        "home": views.home,
        "results": views.results,
        "testimonial": views.testimonial,
        "metiers": metiers.metiers_page,
        "metier": metiers.metier_page,
        "about": views.about,
        "random": views.random_testimonial,
        "feed": views.feed,
        "sitemap": views.sitemap,
        "robots": views.robots,
        "healthz": api.healthz,
        "api_search": api.search_api,
        "api_testimonial": api.testimonial_api,
        "api_metiers": metiers.metiers_api,
        "api_metier": metiers.metier_api,
        "api_suggest": api.suggest_api,
        "api_facets": api.facets_api,
        "openapi": api.openapi,
        "participate": participate.participate,
        "privacy": participate.privacy,
        "manage": manage.manage,
        "manage_edit": participate.manage_edit,
        "search_seen": demand.seen,
    }
    routes = [
        Route(PATHS[name], endpoint, name=name, methods=["GET", "POST"] if name in FORMS else ["POST"] if name in BEACONS else None)
        for name, endpoint in endpoints.items()
    ]
    routes.append(Mount(STATIC_PATH, VersionedStatic(directory=str(STATIC)), name="static"))
    hosts = list(settings.allowed_hosts) or ["127.0.0.1", "localhost"]
    middleware = [
        Middleware(
            GuardMiddleware,
            render_crash=errors.crash,
            allowed_hosts=hosts,
            debug=settings.debug,
            body_limits={PATHS[name]: MAX_FORM_BYTES for name in FORMS},
        ),
        # Inside the guard, so compressed responses still get its security headers. Level 6: nearly
        # level 9's size for half its CPU (pages are CPU-bound, README benchmarks); bodies under
        # 500 bytes are sent as they are (gzip would add more than it saves).
        Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=6),
    ]
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=middleware,
        exception_handlers={BloomrError: errors.bloomr_error, HTTPException: errors.http_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = make_templates()
    app.state.pages = PageCache()  # rendered results pages of the generation served (issue 18)
    volunteering.setup(app, settings)
    return app
