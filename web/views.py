"""The HTML pages, the feed, the sitemap and robots.txt. Each view parses its parameters, calls
``search/``, and renders a template.

Views are plain ``def`` functions: Starlette runs them in its thread pool (``BLOOMR_THREADS``
threads), and ``search.store`` lends each running search a Whoosh reader from a small pool.
Errors are raised, never rendered here: ``web.errors`` turns every ``BloomrError`` into
``error.html`` with its status.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from search.documents import get_testimonial, related, same_job_here
from search.facets import all_values
from search.generation import Generation
from search.hits import make_hit, published_date
from search.metiers import metiers
from search.parse import parse_query
from search.plan import content_tokens
from search.query import search
from search.quotes import quote_of, stories
from search.results import SearchResults
from web import demand, feeds, urls
from web.explore import interest_links
from web.french import apostrophes, unbreakable_numbers
from web.pagecache import CachedPage, PageCache
from web.params import SearchParams, parse_search
from web.present import discovery_values, hit_view, places, results_page
from web.understood import apply_ticks, filter_words

STORIES = 3
LATEST = 3
INTERESTS_SHOWN = 12
"""Centres d'intérêt shown at first on the home page (the most told); the others behind « N autres »."""
RELATED = 4
WEAK = 2
"""At most this many results (or not every word found): the page also says what to try."""
MAX_TRY_WORDS = 4
SHARE_CHARS = 200


def current(request: Request) -> Generation:
    """The serving generation (re-read at every request, so a rebuild is picked up)."""
    generation: Generation = request.app.state.index.current()
    return generation


def origin(request: Request) -> str:
    return urls.origin(str(request.base_url))


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(request, template, context, status_code=status)
    return response


def new_seed() -> int:
    return secrets.randbelow(2**31 - 1)


def search_params(request: Request) -> SearchParams:
    """The page's parameters; a random order gets its seed here when the URL has none (the JSON
    API answers with it; the results page redirects to the URL carrying it)."""
    params = parse_search(
        request.query_params,
        default_page_size=request.app.state.settings.page_size,
        query_string=request.url.query,
    )
    if params.sort == "random" and params.seed is None:
        params = params.with_(seed=new_seed())  # stable order across the pages
    return params


def story_view(generation: Generation, docnum: int, *, with_quote: bool = True) -> dict[str, Any]:
    """A card for one testimonial with its striking sentence."""
    view = hit_view(make_hit(generation, docnum, 0.0, set()), generation)
    quote = quote_of(generation, docnum) if with_quote else None
    if quote is not None:
        view["quote"] = unbreakable_numbers(quote.text)
        view["story"] = True
    return view


def home(request: Request) -> Response:
    generation = current(request)
    seed = new_seed()
    latest = search(generation, "", sort="recent", page_size=LATEST)
    page = {
        "count": generation.count,
        "stories": [story_view(generation, docnum) for docnum, _ in stories(generation, count=STORIES, seed=seed)],
        "sectors": discovery_values(all_values(generation, "sector"), "sector", generation),
        "themes": [v for v in discovery_values(all_values(generation, "theme"), "theme") if v["count"]],
        "places": places(all_values(generation, "country"), all_values(generation, "region")),
        "latest": [hit_view(hit, generation) for hit in latest.hits],
        "recent_url": urls.sort_url(SearchParams(), "recent"),
        "interests": interest_links(generation),  # centres d'intérêt and ROME themes, each a search
        "interests_shown": INTERESTS_SHOWN,
        "metiers_url": urls.METIERS,
    }
    share = {
        "type": "website",
        "title": "Bloomr · des métiers racontés par celles et ceux qui les font",
        "description": "Des professionnels bénévoles racontent leur métier, leur parcours et leurs conseils aux jeunes.",
        "url": origin(request) + urls.HOME,
        "published": None,
    }
    return render(request, "home.html", {"page": page, "share": share})


def results(request: Request) -> Response:
    generation = current(request)
    params = parse_search(
        request.query_params,
        default_page_size=request.app.state.settings.page_size,
        query_string=request.url.query,
    )
    if params.sort == "random" and params.seed is None:
        # the shuffle lives in the URL, so a reload or a shared link keeps the order
        target = urls.search_url(params.with_(seed=new_seed()))
        return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    ticks = request.query_params.getlist("compris")
    pages: PageCache = request.app.state.pages
    key = (urls.search_url(params), origin(request))  # all a results page depends on, with its generation
    if not ticks:
        cached = pages.get(generation, key)
        if cached is not None:
            demand.note_again(request, cached.record, page=params.page)
            return cached.response(request)
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
    if ticks:
        # the filter form, sent without JavaScript: a box the words ticked and the visitor
        # unticked takes its words out of q; then the canonical URL
        target = urls.search_url(apply_ticks(params, ticks, filter_words(found)))
        return RedirectResponse(target, status_code=303)
    record = demand.note(request, generation, found)  # counted for bloomr insights, off the request path
    page = results_page(found, params, generation, origin=origin(request))
    page["help"] = help_for(generation, found, params, request)
    response = render(request, "results.html", {"page": page, "params": params})
    if found.partial:
        return response  # a page cut short by the search budget is not kept
    built = CachedPage.of(response.status_code, "text/html", bytes(response.body), response.headers, record=record)
    pages.put(generation, key, built)
    return built.response(request, hit=False)


def help_for(generation: Generation, found: SearchResults, params: SearchParams, request: Request) -> dict[str, Any] | None:
    """What to try when a search finds nothing or little: each word alone, a random story."""
    weak = 0 < found.total <= WEAK or (found.relaxed and found.total > 0)
    if found.total and (not weak or params.page > 1):
        return None
    words = []
    parsed = parse_query(params.q) if params.q else None
    if parsed is not None and len(parsed.words) + len(parsed.phrases) > 1:
        for word in [w for w in parsed.words if content_tokens(w)][:MAX_TRY_WORDS]:
            alone = search(
                generation, word, filters=params.active_filters, page_size=1, counts_only=True,
                budget_ms=request.app.state.settings.search_budget_ms,
            )
            if alone.total and (found.relaxed or alone.total != found.total):
                words.append({"text": word, "total": alone.total, "url": urls.query_url(params, word)})
    story = None
    if not found.total:
        picked = stories(generation, count=1, seed=new_seed())
        story = story_view(generation, picked[0][0]) if picked else None
    return {"weak": bool(found.total), "words": words, "story": story, "explore_url": urls.explore_url()}


def testimonial(request: Request) -> Response:
    generation = current(request)
    testimonial_id = request.path_params["testimonial_id"]
    view = get_testimonial(generation, testimonial_id)
    here = same_job_here(generation, view.id)
    same_here = None
    if len(here) == 1:
        other = generation.docnum[here[0]]
        same_here = {"url": urls.testimonial_url(here[0]), "text": f"Ce métier dans la même région{quoted_name(generation, other)}"}
    elif here:
        same_here = {
            "url": urls.search_url(SearchParams(filters={"profession": (view.rome,), "region": (view.region,)})),
            "text": "Ce métier dans la même région",
        }
    links = {
        "profession": urls.metier_url(view.rome) if view.rome else None,
        "sector": urls.facet_url("sector", view.sector) if view.sector else None,
        "region": urls.facet_url("region", view.region) if view.region else None,
        "country": urls.facet_url("country", view.country) if view.country else None,
        "themes": [
            {"label": label, "url": urls.facet_url("theme", slug)} for slug, label in view.themes
        ],
        "same_job_here": same_here,
    }
    sections = [
        {
            "key": key,
            "title": title,
            "paragraphs": [unbreakable_numbers(p.strip()) for p in text.split("\n\n") if p.strip()],
        }
        for key, title, text in view.sections
    ]
    cards = []
    for item in related(generation, view.id, limit=RELATED):
        card = story_view(generation, generation.docnum[item.hit.id])
        card["reason"] = item.text
        if item.reason == "metier" and item.hit.rome:
            card["reason_url"] = urls.metier_url(item.hit.rome)  # « Même métier » opens the métier's page
        cards.append(card)
    quote = quote_of(generation, generation.docnum[view.id])
    profession = apostrophes(view.profession)
    url = origin(request) + urls.testimonial_url(view.id)
    share = {
        "type": "article",
        "title": f"{profession} — {view.name}",
        "description": quote.text if quote else _shortened(view.sections[0][2] if view.sections else ""),
        "url": url,
        "published": view.published,
    }
    page = {
        "t": view,
        "profession": profession,
        "sector_label": generation.short_label("sector", view.sector) if view.sector else "",
        "sections": sections,
        "links": links,
        "related": cards,
        "api_url": urls.api_testimonial_url(view.id),
        "url": url,
    }
    return render(request, "testimonial.html", {"page": page, "share": share})


def quoted_name(generation: Generation, docnum: int) -> str:
    """« : Aïcha » after a link text, naming the one testimonial it leads to."""
    name = str(generation.store.stored(docnum).get("name") or "")
    return f"\u00a0: {name}" if name else ""


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SHARE_CHARS:
        return text
    return text[:SHARE_CHARS].rsplit(" ", 1)[0] + "…"


def about(request: Request) -> Response:
    return render(request, "about.html", {})


def random_testimonial(request: Request) -> Response:
    """« Au hasard »: a 303 to one testimonial, never cached."""
    generation = current(request)
    pick = search(generation, "", sort="random", page_size=1, seed=new_seed())
    target = urls.testimonial_url(pick.hits[0].id) if pick.hits else urls.HOME
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})


def feed(request: Request) -> Response:
    """``/flux.xml``: the newest testimonials as an Atom feed."""
    generation = current(request)
    site = origin(request)
    newest = search(generation, "", sort="recent", page_size=feeds.FEED_SIZE)
    entries = []
    for hit in newest.hits:
        docnum = generation.docnum[hit.id]
        quote = quote_of(generation, docnum)
        summary = quote.text if quote else _shortened(str(generation.store.stored(docnum).get("metier") or ""))
        entries.append(
            feeds.Entry(
                id=site + urls.testimonial_url(hit.id),
                title=f"{apostrophes(hit.profession)} — {hit.name}",
                author=hit.name,
                published=hit.published,
                summary=summary,
                category=generation.short_label("sector", hit.sector) if hit.sector else "",
            )
        )
    body = feeds.atom_feed(
        entries,
        feed_url=site + urls.FEED,
        site_url=site,
        title="Bloomr\u00a0: les nouveaux témoignages",
        subtitle="Des professionnels bénévoles racontent leur métier, leur parcours et leurs conseils aux jeunes.",
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def sitemap(request: Request) -> Response:
    """``/sitemap.xml``: the home page, the about page, the métiers (the A–Z and every métier
    that has testimonials) and every published testimonial."""
    generation = current(request)
    site = origin(request)
    locations: list[tuple[str, date | None]] = [(site + urls.HOME, None), (site + urls.SEARCH, None), (site + urls.ABOUT, None), (site + urls.METIERS, None)]
    locations += [(site + urls.metier_url(entry.rome), None) for entry in metiers(generation).entries]
    newest = search(generation, "", sort="recent", page_size=1)
    if newest.hits:
        locations[0] = (site + urls.HOME, newest.hits[0].published)
    for docnum in sorted(generation.docnum.values()):
        doc_id = generation.ids[docnum]
        locations.append((site + urls.testimonial_url(doc_id), published_date(int(generation.published[docnum]))))
    return Response(feeds.sitemap(locations), media_type="application/xml; charset=utf-8")


def robots(request: Request) -> Response:
    """``/robots.txt``: crawl the pages, not the API, the random redirect or every filter combination."""
    site = origin(request)
    disallowed = (urls.API, urls.RANDOM, urls.SEARCH + "?")
    return PlainTextResponse(feeds.robots(site + urls.SITEMAP, disallowed))
