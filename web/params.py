"""Query parameters of the search pages and of ``/api/search``: parsed, cleaned and bounded.

``parse_search(request.query_params, default_page_size=10)`` returns a ``SearchParams``::

    SearchParams(q="infirmière", filters={"region": ("FR-BRE",)}, sort="relevance",
                 page=1, page_size=10, seed=None)

Everything a visitor can type is bounded (length of ``q``, number of values, number of
parameters, size of the query string) and a violation raises ``BadQuery`` or
``BadParameter`` (HTTP 400) with a French message and remedy. Unknown parameter names are
ignored (always, on every page), unknown facet values are kept: they simply match nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from starlette.datastructures import QueryParams

from search import parse
from search.errors import BadParameter, BadQuery
from search.facet_specs import FACET_NAMES, MAX_VALUE_LENGTH, MAX_VALUES_IN_TOTAL, MAX_VALUES_PER_FACET
from search.text import clean_text
from web.french import NBSP, NNBSP, number

SORTS: dict[str, str] = {"relevance": "Pertinence", "recent": "Plus récents", "random": "Au hasard"}
"""Sort keys and their French labels."""

MAX_QUERY_CHARS = parse.MAX_CHARS  # the search library's own bound, checked here before any work
MAX_QUERY_WORDS = parse.MAX_WORDS * 2  # a cheap early bound; search.parse counts words exactly
MAX_VALUE_CHARS = MAX_VALUE_LENGTH
MAX_SELECTED_VALUES = MAX_VALUES_IN_TOTAL
"""The bound of ``search.facet_specs``, checked here on the address before any work."""
MAX_SELECTION_CHARS = 512
"""Length of the selection once written in an address (``region=FR-BRE&…``): 20 real codes take
under 400; long or non-ASCII unknown values (9 characters per « € ») would otherwise stay large."""
MAX_PARAMS = 120
MAX_QUERY_STRING = 8192
MAX_PAGE = 1000
MAX_PAGE_SIZE = 50  # below search.query.MAX_PAGE_SIZE
MAX_SEED = 2**31 - 1
MAX_MORE = 12
"""Lists shown whole at once (``more``); more are ignored, never an error."""
_MORE = re.compile(r"(?:sector|country|profession|region|theme)(?::[A-Za-z0-9-]{1,12})?")

_INTEGER = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True)
class SearchParams:
    """The whole state of a search page; every URL of the page is derived from it (``web.urls``)."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str | None = None  # None: relevance with words, newest first without (search.query)
    page: int = 1
    page_size: int = 10
    seed: int | None = None
    default_page_size: int = 10
    more: tuple[str, ...] = ()
    """Facet lists shown whole: ``"sector:J"`` (the professions of sector J), ``"country"`` (every
    country). Page state only (« Afficher plus »): it never changes the results."""

    def selected(self, facet: str) -> tuple[str, ...]:
        return tuple(self.filters.get(facet, ()))

    @property
    def active_filters(self) -> dict[str, list[str]]:
        """Only the non-empty filters, as ``search.query.search`` takes them."""
        return {facet: list(values) for facet, values in self.filters.items() if values}

    @property
    def is_empty(self) -> bool:
        """No query and no filter: the page shows everything (browse)."""
        return not self.q and not self.active_filters

    def with_(self, **changes: object) -> "SearchParams":
        return replace(self, **changes)  # type: ignore[arg-type]


def _integer(name: str, raw: str, low: int, high: int, what: str) -> int:
    text = raw.strip()
    if not _INTEGER.fullmatch(text) or not low <= int(text) <= high:
        raise BadParameter(
            f"Le paramètre «{NBSP}{name}{NBSP}» doit être un nombre entier entre {number(low)} et {number(high)}.",
            remedy=f"Corrigez l’adresse ou revenez à la {what}.",
        )
    return int(text)


def check_size(query_string: str, items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Refuse an oversized query string or too many parameters; return the items as a list."""
    if len(query_string) > MAX_QUERY_STRING:
        raise BadParameter(
            f"L’adresse est trop longue ({number(len(query_string))} caractères){NNBSP}; "
            f"{number(MAX_QUERY_STRING)} au plus.",
            remedy="Raccourcissez la recherche ou retirez des filtres.",
        )
    pairs = list(items)
    if len(pairs) > MAX_PARAMS:
        raise BadParameter(
            f"L’adresse contient trop de paramètres ({number(len(pairs))}){NNBSP}; {number(MAX_PARAMS)} au plus.",
            remedy="Retirez des filtres ou repartez de la page d’accueil.",
        )
    return pairs


def parse_q(raw: str) -> str:
    """The cleaned free text of ``q``; too long or too many words is a ``BadQuery``."""
    if len(raw) > MAX_QUERY_CHARS:  # counted as sent, before any work: the bound of the OpenAPI document
        raise _too_long(len(raw))
    q = clean_text(raw)
    words = len(q.split())
    if words > MAX_QUERY_WORDS:
        raise BadQuery(
            f"La recherche contient trop de mots ({number(words)}){NNBSP}; {number(MAX_QUERY_WORDS)} au plus.",
            remedy="Gardez les mots les plus importants, par exemple un métier ou une région.",
        )
    return q


def _too_long(length: int) -> BadQuery:
    return BadQuery(
        f"La recherche est trop longue ({number(length)} caractères){NNBSP}; {number(MAX_QUERY_CHARS)} au plus.",
        remedy="Raccourcissez-la, par exemple à un métier ou à quelques mots.",
    )


def parse_search(
    query_params: QueryParams,
    *,
    default_page_size: int = 10,
    query_string: str = "",
) -> SearchParams:
    """Parse ``request.query_params`` (``query_string`` is ``request.url.query``, for its size)."""
    pairs = check_size(query_string, query_params.multi_items())
    q = ""
    filters: dict[str, list[str]] = {}
    sort: str | None = None
    page = 1
    page_size = default_page_size
    seed: int | None = None
    more: list[str] = []
    for name, raw in pairs:
        if name == "q":
            q = parse_q(raw)
        elif name in FACET_NAMES:
            value = clean_text(raw)
            if not value:
                continue
            if len(value) > MAX_VALUE_CHARS:
                raise BadParameter(
                    f"La valeur du filtre «{NBSP}{name}{NBSP}» est trop longue{NNBSP}; "
                    f"{number(MAX_VALUE_CHARS)} caractères au plus.",
                    remedy="Choisissez le filtre dans la liste de la page de recherche.",
                )
            values = filters.setdefault(name, [])
            if value not in values:
                values.append(value)
                _check_selection(filters)
        elif name == "sort":
            sort = raw.strip() or None
            if sort == "relevance":  # the default: left out of URLs so equal states share one URL
                sort = None
            elif sort is not None and sort not in SORTS:
                choices = ", ".join(f"«{NBSP}{key}{NBSP}»" for key in SORTS)
                raise BadParameter(
                    f"Le tri «{NBSP}{clean_text(raw)[:40]}{NBSP}» n’existe pas{NNBSP}; choix possibles{NBSP}: {choices}.",
                    remedy="Choisissez un tri dans la liste de la page de recherche.",
                )
        elif name == "page":
            page = _integer("page", raw, 1, MAX_PAGE, "première page")
        elif name == "page_size":
            page_size = _integer("page_size", raw, 1, MAX_PAGE_SIZE, "taille par défaut")
        elif name == "seed":
            seed = _integer("seed", raw, 0, MAX_SEED, "recherche sans ce paramètre")
        elif name == "more":
            token = raw.strip()
            if _MORE.fullmatch(token) and token not in more and len(more) < MAX_MORE:
                more.append(token)
        # any other name is ignored: trackers and old links must not break a page
    return SearchParams(
        q=q,
        filters={facet: tuple(filters[facet]) for facet in FACET_NAMES if facet in filters},
        sort=sort,
        page=page,
        page_size=page_size,
        seed=seed,
        default_page_size=default_page_size,
        more=tuple(more),
    )


def _check_selection(filters: Mapping[str, list[str]]) -> None:
    """Refuse more than ``MAX_SELECTED_VALUES`` values, or a selection too long for an address."""
    selected = sum(len(values) for values in filters.values())
    if selected > MAX_SELECTED_VALUES:
        raise BadParameter(
            f"Trop de filtres sélectionnés ({number(selected)}){NNBSP}; "
            f"{number(MAX_SELECTED_VALUES)} au plus, tous filtres confondus.",
            remedy=f"Retirez des filtres ou cliquez sur «{NBSP}Tout effacer{NBSP}».",
        )
    length = len(urlencode([(facet, value) for facet, values in filters.items() for value in values]))
    if length > MAX_SELECTION_CHARS:
        raise BadParameter(
            f"Les filtres sélectionnés sont trop longs ({number(length)} caractères dans l’adresse){NNBSP}; "
            f"{number(MAX_SELECTION_CHARS)} au plus.",
            remedy="Choisissez les filtres dans les listes de la page de recherche.",
        )


def parse_suggest(query_params: QueryParams, *, query_string: str = "") -> tuple[str, int]:
    """``/api/suggest?q=infi&limit=8`` -> ``("infi", 8)``."""
    pairs = check_size(query_string, query_params.multi_items())
    q, limit = "", 8
    for name, raw in pairs:
        if name == "q":
            if len(raw) > MAX_QUERY_CHARS:
                raise _too_long(len(raw))
            q = clean_text(raw)
        elif name == "limit":
            limit = _integer("limit", raw, 1, 20, "valeur par défaut")
    return q, limit
