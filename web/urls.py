"""Every URL the site shows, built in Python from ``SearchParams`` (templates never concatenate URLs).

Parameters always come in the same order (``q``, facets in ``FACETS`` order, ``sort``,
``page_size``, ``seed``, ``page``, ``more``) and defaults are left out, so equal states give equal URLs::

    >>> p = SearchParams(q="son", filters={"sector": ("L",)})
    >>> toggle_url(p, "region", "FR-BRE")
    '/recherche?q=son&sector=L&region=FR-BRE'
    >>> toggle_url(p, "sector", "L")
    '/recherche?q=son'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping
from urllib.parse import quote_plus, urlencode

from search.facet_specs import CHILD_FACET, FACET_NAMES
from search.understand import without_words
from web.params import SearchParams
from web.routes import path_for

HOME = path_for("home")
SEARCH = path_for("results")
ABOUT = path_for("about")
RANDOM = path_for("random")
FEED = path_for("feed")
SITEMAP = path_for("sitemap")
ROBOTS = path_for("robots")
API = path_for("api_search").rsplit("/", 1)[0] + "/"
"""``/api/``: the prefix of the JSON API."""


def origin(base_url: str) -> str:
    """The site's origin from a request's ``base_url``: ``origin("http://a.fr/") == "http://a.fr"``
    (absolute URLs for feeds, sitemaps, sharing tags and printed pages)."""
    return base_url.rstrip("/")
PARTICIPATE = path_for("participate")
PRIVACY = path_for("privacy")
METIERS = path_for("metiers")


def search_url(params: SearchParams, *, base: str = SEARCH) -> str:
    """The canonical URL of a search state: ``search_url(SearchParams(q="a b")) == "/recherche?q=a+b"``."""
    pairs: list[tuple[str, str]] = []
    if params.q:
        pairs.append(("q", params.q))
    for facet in FACET_NAMES:
        pairs.extend((facet, value) for value in params.filters.get(facet, ()))
    if params.sort is not None:
        pairs.append(("sort", params.sort))
    if params.page_size != params.default_page_size:
        pairs.append(("page_size", str(params.page_size)))
    if params.seed is not None and params.sort == "random":
        pairs.append(("seed", str(params.seed)))
    if params.page != 1:
        pairs.append(("page", str(params.page)))
    pairs.extend(("more", token) for token in params.more)
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _with_filters(params: SearchParams, filters: Mapping[str, tuple[str, ...]]) -> SearchParams:
    return params.with_(filters={f: v for f, v in filters.items() if v}, page=1)


Words = Mapping[tuple[str, str], tuple[str, str]]
"""Filters the words of the query gave: ``{("region", "FR-BRE"): ("bretagne", "")}``, (facet,
value) -> (the words, the place word typed before them). Taking such a filter off takes its
words out of ``q``, or the words would bring it back."""


def _without_words(params: SearchParams, words: Words | None, keys: list[tuple[str, str]]) -> SearchParams:
    q = params.q
    for key in keys:
        if words and key in words:
            said, lead = words[key]
            q = without_words(q, said, lead=lead)
    return params.with_(q=q) if q != params.q else params


def toggle_url(
    params: SearchParams,
    facet: str,
    value: str,
    *,
    parents: Mapping[str, str] | None = None,
    words: Words | None = None,
) -> str:
    """Add ``value`` to ``facet`` or remove it if selected; back to page 1.

    ``parents`` maps child values to their parent (``{"L1507": "L"}``) for the child facet
    of ``facet``: unticking sector ``L`` also unticks the professions of ``L``. A value the
    words gave (``words``) is on: toggling it takes those words out of ``q``.
    """
    filters = {f: tuple(v) for f, v in params.filters.items()}
    current = filters.get(facet, ())
    from_words = words is not None and (facet, value) in words
    if value in current or from_words:
        filters[facet] = tuple(v for v in current if v != value)
        child = CHILD_FACET.get(facet)
        if child and parents is not None and child in filters:
            filters[child] = tuple(v for v in filters[child] if parents.get(v) != value)
        params = _without_words(params, words, [(facet, value)])
    else:
        filters[facet] = current + (value,)
    return search_url(_with_filters(params, filters))


_quoted = lru_cache(maxsize=1 << 16)(quote_plus)
"""Facet values (codes) quoted once: a page lists hundreds, the taxonomy has a few thousand."""


class Toggles:
    """``toggle_url`` for the hundreds of facet values of one results page, at the cost of a string join.

    Ticking a value not yet ticked only inserts ``facet=value`` among the parameters of the state
    on page 1, so its URL is a prefix (``q`` and the facets up to this one), the pair, and a suffix
    (the later facets, ``sort``…): both are encoded once per facet. Unticking, or a value the words
    gave, takes the general path. ``Toggles(p).url(f, v) == toggle_url(p, f, v)`` for every state.
    """

    def __init__(self, params: SearchParams, *, words: Words | None = None) -> None:
        self.params = params
        self.words = words
        state = params.with_(page=1)
        head = [("q", state.q)] if state.q else []
        tail: list[tuple[str, str]] = []
        if state.sort is not None:
            tail.append(("sort", state.sort))
        if state.page_size != state.default_page_size:
            tail.append(("page_size", str(state.page_size)))
        if state.seed is not None and state.sort == "random":
            tail.append(("seed", str(state.seed)))
        tail.extend(("more", token) for token in state.more)
        per_facet = [[(facet, value) for value in state.filters.get(facet, ())] for facet in FACET_NAMES]
        self._around: dict[str, tuple[str, str]] = {}
        for n, facet in enumerate(FACET_NAMES):
            before = head + [pair for pairs in per_facet[: n + 1] for pair in pairs]
            after = [pair for pairs in per_facet[n + 1:] for pair in pairs] + tail
            self._around[facet] = (urlencode(before) + "&" if before else "", "&" + urlencode(after) if after else "")

    def url(self, facet: str, value: str, *, parents: Mapping[str, str] | None = None) -> str:
        if value in self.params.filters.get(facet, ()) or (self.words is not None and (facet, value) in self.words):
            return toggle_url(self.params, facet, value, parents=parents, words=self.words)
        before, after = self._around[facet]
        return f"{SEARCH}?{before}{facet}={_quoted(value)}{after}"  # facet names are plain ASCII words


def clear_url(params: SearchParams, *, words: Words | None = None) -> str:
    """« Tout effacer »: keep the words and the sort, drop every filter (and the words that gave one)."""
    return search_url(_with_filters(_without_words(params, words, list(words or ())), {}))


def without_facet_url(params: SearchParams, facet: str, value: str | None = None, *, words: Words | None = None) -> str:
    """The same search without one filter value (or the whole facet when ``value`` is None),
    and without the words that gave it."""
    filters = {f: tuple(v) for f, v in params.filters.items()}
    filters[facet] = () if value is None else tuple(v for v in filters.get(facet, ()) if v != value)
    keys = [k for k in (words or {}) if k[0] == facet and (value is None or k[1] == value)]
    return search_url(_with_filters(_without_words(params, words, keys), filters))


def more_url(params: SearchParams, token: str, *, shown: bool = True) -> str:
    """« Afficher plus » (``shown``) or « Afficher moins » of one list: ``token`` is ``"sector:J"``
    (the professions of J) or ``"country"``; the page and the results stay the same."""
    others = tuple(t for t in params.more if t != token)
    return search_url(params.with_(more=others + (token,) if shown else others))


def page_url(params: SearchParams, page: int) -> str:
    return search_url(params.with_(page=page))


def sort_url(params: SearchParams, sort: str | None) -> str:
    return search_url(params.with_(sort=sort, page=1))


def query_url(params: SearchParams, q: str) -> str:
    """The same filters with other words (« Vouliez-vous dire … ? »)."""
    return search_url(params.with_(q=q, page=1))


def facet_url(facet: str, value: str) -> str:
    """A fresh search on one facet value, as linked from a testimonial: ``/recherche?sector=L``."""
    return search_url(SearchParams(filters={facet: (value,)}))


def explore_url() -> str:
    """The home page's ways to explore (sectors, places, advice)."""
    return f"{HOME}#explorer"


def words_url(q: str) -> str:
    return search_url(SearchParams(q=q))


def testimonial_url(testimonial_id: str) -> str:
    """``testimonial_url("ines-monteuse-video") == "/temoignages/ines-monteuse-video"``."""
    return path_for("testimonial", testimonial_id=testimonial_id)


def api_testimonial_url(testimonial_id: str) -> str:
    return path_for("api_testimonial", testimonial_id=testimonial_id)


def api_search_url(params: SearchParams) -> str:
    return search_url(params, base=path_for("api_search"))


def metier_url(rome: str) -> str:
    """``metier_url("J1506") == "/metiers/J1506"``: what a fiche is, and its testimonials."""
    return path_for("metier", rome=rome)


def api_metier_url(rome: str) -> str:
    return path_for("api_metier", rome=rome)


def letter_url(letter: str) -> str:
    """An anchor of the A–Z: ``letter_url("B") == "/metiers#lettre-B"``."""
    return f"{METIERS}#lettre-{letter}"


def participate_url(metier: str = "") -> str:
    """``/participer``, its profession field filled in when ``metier`` is given:
    ``participate_url("Notaire") == "/participer?metier=Notaire"``."""
    return f"{PARTICIPATE}?{urlencode([('metier', metier)])}" if metier else PARTICIPATE
