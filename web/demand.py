"""Counting the searches youths make, for ``bloomr insights`` (issue 17): the web side.

``note(request, generation, found)`` is called by the results page and ``/api/search`` once the
search is done: it applies ``insights.rules`` (page 1, not typing, not a robot…), reads the
results into an ``insights.record.Record`` and offers it to the app's recorder, which writes in
the background. ``seen`` answers the beacon the results page sends when a search typed live
settles (``POST /recherche/vue?q=…``, always 204). Nothing here can fail or slow a search: the
recorder never blocks, and an unexpected error is logged by its type only (never a word typed).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response

from insights.record import Record, record_of
from insights.recorder import Recorder
from insights.rules import skip_reason
from insights.store import Store
from search.errors import BloomrError
from search.generation import Generation
from search.query import search
from search.results import SearchResults
from web.params import parse_search
from web.settings import Settings

logger = logging.getLogger("bloomr.insights")


def recorder(settings: Settings) -> Recorder:
    """The app's recorder over ``BLOOMR_INSIGHTS_DB`` (its writer is started by the lifespan)."""
    return Recorder(Store(settings.insights_path, secret=settings.secret))


def note(request: Request, generation: Generation, found: SearchResults, *, beacon: bool = False) -> Record | None:
    """Offer this search to the recorder if it counts (``insights.rules``); its record, kept by
    the page cache so that a page served again from it is counted again (``note_again``)."""
    record = record_for(request, generation, found)
    offer(request, record, page=found.page, beacon=beacon)
    return record


def note_again(request: Request, record: Record | None, *, page: int) -> None:
    """A results page served from the page cache: the search it shows counts as the first did."""
    recording: Recorder | None = getattr(request.app.state, "insights", None)
    if record is not None and recording is not None:
        offer(request, replace(record, day=recording.today()), page=page)


def record_for(request: Request, generation: Generation, found: SearchResults) -> Record | None:
    """The record of this search (None without a recorder, or when nothing was asked)."""
    recording: Recorder | None = getattr(request.app.state, "insights", None)
    if recording is None:
        return None
    try:
        return record_of(found, generation, day=recording.today())
    except Exception as exc:  # a bug here must never cost a youth their results
        logger.error("insights: a search could not be read into a record (%s)", type(exc).__name__)
        return None


def offer(request: Request, record: Record | None, *, page: int, beacon: bool = False) -> None:
    recording: Recorder | None = getattr(request.app.state, "insights", None)
    if record is None or recording is None:
        return
    if skip_reason(method=request.method, page=page, headers=request.headers, beacon=beacon):
        return
    recording.offer(record, source=request.client.host if request.client else "")


def seen(request: Request) -> Response:
    """``POST /recherche/vue?q=…&region=…``: the search a visitor settled on while typing. Always 204."""
    try:
        generation: Generation = request.app.state.index.current()
        params = parse_search(
            request.query_params, default_page_size=request.app.state.settings.page_size, query_string=request.url.query
        )
        if not params.is_empty and params.page == 1:
            found = search(
                generation, params.q, filters=params.active_filters, page_size=1, counts_only=True,
                budget_ms=request.app.state.settings.search_budget_ms,
            )
            note(request, generation, found, beacon=True)
    except BloomrError:
        pass  # a query the page could not run either: nothing to count
    return Response(status_code=204, headers={"Cache-Control": "no-store"})

