"""``SearchResults`` -> the plain data a page renders: facets with toggle URLs, chips, pages, hits.

Everything here is data (dicts, lists, strings); URLs come from ``web.urls``. The results page
receives ``results_page(results, params, generation)``::

    {"title": …, "heading": …, "count_text": "3 témoignages", "hits": [HitView…],
     "facets": [{"name": "sector", "label": "Secteur et métier", "values": [{"value": "L",
        "label": "Spectacle", "display": "Spectacle", "count": 5, "selected": False,
        "toggle_url": "/recherche?sector=L", "input_id": "f-sector-L", "children": [...],
        "children_total": 12, "children_open": False, "more": {"url", "text", "focus"} | None,
        "less": {"url", "text"} | None}], "more": …, "less": …}, …],
     "chips": [{"facet", "facet_label", "value", "label", "remove_url"}], "clear_url": …,
     "sorts": [...], "pagination": {...} | None, "suggestion": {...} | None, "without_filter": [...],
     "show_text": "Voir les 3 témoignages", "understood": {…} | None (web.understood)}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Callable
from typing import Any, TypeVar

from markupsafe import Markup, escape

from search.facet_specs import CHILD_FACET, FACET_LABELS, FACET_NAMES
from search.generation import Generation
from search.results import FacetValue, Hit, SearchResults
from web import urls
from web.french import NBSP, apostrophes, long_date, number, plural, quoted, unbreakable_numbers
from web.params import SORTS, SearchParams
from web.understood import filter_words, understood_view


@dataclass(frozen=True)
class Group:
    """One fieldset of the filters: a facet, its child facet nested under its values, and how
    many values a list shows before « Afficher plus » (None: all)."""

    facet: str
    child: str | None
    label: str
    child_word: str  # « métier », « région »: Afficher les 12 métiers
    shown: int | None
    children_shown: int = 5
    word: str = ""  # the values themselves: « Afficher les 13 pays »
    words: str = ""


GROUPS: tuple[Group, ...] = (
    Group("sector", "profession", "Secteur et métier", "métier", None),  # the 14 sectors: always all
    Group("country", "region", "Pays et région", "région", 8, word="pays", words="pays"),
    Group("theme", None, "Conseils sur…", "", None),  # the 11 themes: always all
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
    return Markup(unbreakable_numbers(snippet))  # inserts only no-break spaces into trusted markup


def sector_label(generation: Generation | None, code: str, label: str) -> str:
    """The short label of a sector when the generation has one (« Informatique, gestion, marketing »)."""
    return generation.short_label("sector", code) if generation is not None and code else label


def hit_view(hit: Hit, generation: Generation | None = None, *, origin: str = "") -> dict[str, Any]:
    """A card: ``reason`` (why it is related) and ``quote`` (a striking sentence) are filled by
    the pages that have them; ``share_url`` (absolute, shown when printed) when ``origin`` is given."""
    place = ", ".join(p for p in (hit.region_label, hit.country_label) if p)
    return {
        "id": hit.id,
        "url": urls.testimonial_url(hit.id),
        "name": hit.name,
        "profession": apostrophes(hit.profession),
        "sector_label": sector_label(generation, hit.sector, hit.sector_label),
        "place": place,
        "section_label": hit.section_label,
        "snippet": safe_snippet(hit.snippet) if hit.snippet else "",
        "published": hit.published,
        "published_text": long_date(hit.published),
        "reason": "",
        "reason_url": "",
        "quote": "",
        "story": False,  # a story card (home, related, zero results): name and place, then the quote
        "share_url": origin + urls.testimonial_url(hit.id) if origin else "",
    }


@lru_cache(maxsize=1 << 14)
def _input_id(facet: str, value: str) -> str:
    return f"f-{facet}-{_ID_UNSAFE.sub('_', value)}"


class _ValueDicts:
    """The dict of one facet value, its toggle URL included, built on demand: the JSON lists
    every value, the page builds only those it shows (1,188 professions at 100,000 testimonials,
    about 140 values shown)."""

    def __init__(self, results: SearchResults, params: SearchParams, generation: Generation | None) -> None:
        self.words = filter_words(results)
        self.toggles = urls.Toggles(params, words=self.words)
        self.generation = generation
        self.parents: dict[str, dict[str, str] | None] = {}
        for facet in FACET_NAMES:
            child = CHILD_FACET.get(facet)
            child_values = results.facets[child].values if child and child in results.facets else ()
            self.parents[facet] = {v.value: v.parent or "" for v in child_values} if child else None

    def of(self, facet: str, item: FacetValue) -> dict[str, Any]:
        data = {**item.to_dict(), "toggle_url": self.toggles.url(facet, item.value, parents=self.parents[facet])}
        if (facet, item.value) in self.words:
            data["from_words"] = True  # ticked by the words of the query: unticking takes them out
        generation = self.generation
        if facet == "sector" and generation is not None and generation.short.get("sector", {}).get(item.value):
            data["short_label"] = generation.short_label("sector", item.value)
        return data


def facet_values(
    results: SearchResults, params: SearchParams, generation: Generation | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every facet's values as plain dicts with their toggle URL: the JSON of ``/api/search`` and
    the items of the page's facet groups are these same dicts.

    ``{"region": [{"value": "FR-BRE", "label": "Bretagne", "count": 3, "selected": True,
    "parent": "FR", "toggle_url": "/recherche?region=FR-BRE"}, …], "sector": [{…, "short_label":
    "Santé"}], …}`` (``short_label``: sectors, when the generation has short labels;
    ``from_words``: a value the words of the query ticked, whose toggle takes them out of ``q``).
    """
    dicts = _ValueDicts(results, params, generation)
    return {
        facet: [dicts.of(facet, item) for item in results.facets[facet].values]
        for facet in FACET_NAMES
        if facet in results.facets
    }


def _value_view(facet: str, item: dict[str, Any]) -> dict[str, Any]:
    """A facet value as the page lists it: the same dict, with its checkbox id and nested children."""
    return {
        "from_words": False,
        **item,
        "facet": facet,
        "display": item.get("short_label") or apostrophes(item["label"]),
        "input_id": _input_id(facet, item["value"]),
        "children": [],
        "children_total": 0,
        "children_open": False,
        "more": None,
        "less": None,
    }


@dataclass(eq=False)
class _Entry:
    """A value of a facet group before its view is built: ``item`` None for a parent listed only
    for its children (a region's country without a count of its own)."""

    facet: str
    value: str
    item: FacetValue | None
    selected: bool = False
    children: list[FacetValue] = field(default_factory=list)  # values of the group's child facet
    children_open: bool = False


T = TypeVar("T")


def _trim(
    items: list[T], shown: int | None, params: SearchParams, token: str, word: str, *,
    sticky: Callable[[T], bool], input_id: Callable[[T], str], whole: bool = False, words: str | None = None,
) -> tuple[list[T], dict[str, str] | None, dict[str, str] | None]:
    """A list cut after ``shown`` values (``sticky`` ones stay: selected, open parents): (kept,
    « Afficher plus » link, « Afficher moins » link). ``token`` names the list in ``more``."""
    if shown is None or len(items) <= shown + 1 or whole:
        return items, None, None
    if token in params.more:
        return items, None, {"url": urls.more_url(params, token, shown=False), "text": "Afficher moins"}
    keep = [i < shown or sticky(item) for i, item in enumerate(items)]
    if all(keep):
        return items, None, None
    more = {
        "url": urls.more_url(params, token),
        "text": f"Afficher {'les ' + plural(len(items), word, words) if word else 'plus'}",
        "focus": input_id(items[keep.index(False)]),
    }
    return [item for item, kept in zip(items, keep) if kept], more, None


def _kept(items: list[T], shown: int | None, *, sticky: Callable[[T], bool], whole: bool) -> int:
    """How many of ``items`` ``_trim`` keeps (``whole``: selected, or its list opened)."""
    if shown is None or len(items) <= shown + 1 or whole:
        return len(items)
    return sum(1 for i, item in enumerate(items) if i < shown or sticky(item))


def _selected(item: FacetValue) -> bool:
    return item.selected


def _entry_sticky(entry: _Entry) -> bool:
    return entry.selected or entry.children_open


def _entry_input_id(entry: _Entry) -> str:
    return _input_id(entry.facet, entry.value)


def facet_groups(
    results: SearchResults, params: SearchParams | None = None, generation: Generation | None = None
) -> list[dict[str, Any]]:
    """The facet groups of the page, children nested under their parent value; the views (and
    toggle URLs) of the values the page shows only.

    A child whose parent has no value here (Québec once only Bretagne's country counts) gets
    its parent all the same, with a zero count: a region is never shown without its country.
    """
    params = params or SearchParams()
    dicts = _ValueDicts(results, params, generation)
    plain = urls.Toggles(params)
    groups = []
    for group in GROUPS:
        if group.facet not in results.facets:
            continue
        entries = [_Entry(group.facet, item.value, item, item.selected) for item in results.facets[group.facet].values]
        by_value = {entry.value: entry for entry in entries}
        child_facet = group.child or ""
        if group.child is not None and group.child in results.facets:
            for item in results.facets[group.child].values:
                code = item.parent or ""
                if not code:
                    entries.append(_Entry(group.child, item.value, item, item.selected))  # no parent known: on its own
                    continue
                holder = by_value.get(code)
                if holder is None:
                    holder = by_value[code] = _Entry(group.facet, code, None)
                    entries.append(holder)
                holder.children.append(item)
                if item.selected:
                    holder.children_open = True
        size = len(entries)
        for entry in entries:
            if not entry.children:
                continue
            whole = entry.selected or f"{group.facet}:{entry.value}" in params.more
            if whole:
                entry.children_open = True
            size += _kept(entry.children, group.children_shown, sticky=_selected, whole=whole)
        kept, more, less = _trim(
            entries, group.shown, params, group.facet, group.word,
            sticky=_entry_sticky, input_id=_entry_input_id, words=group.words or None,
        )

        def child_input_id(item: FacetValue) -> str:
            return _input_id(child_facet, item.value)

        views = []
        for entry in kept:
            if entry.item is not None:
                shown = _value_view(entry.facet, dicts.of(entry.facet, entry.item))
            else:
                label = generation.label(entry.facet, entry.value) if generation is not None else entry.value
                shown = _value_view(entry.facet, {
                    "value": entry.value, "label": label, "count": 0, "selected": False,
                    "toggle_url": plain.url(entry.facet, entry.value),
                })
            shown["children_total"] = len(entry.children)
            shown["children_open"] = entry.children_open
            if entry.children:  # the list of children only where the page shows their parent
                children, shown["more"], shown["less"] = _trim(
                    entry.children, group.children_shown, params, f"{group.facet}:{entry.value}", group.child_word,
                    sticky=_selected, input_id=child_input_id, whole=entry.selected,
                )
                shown["children"] = [_value_view(child_facet, dicts.of(child_facet, child)) for child in children]
            views.append(shown)
        groups.append(
            {
                "name": group.facet,
                "label": group.label,
                "child_word": group.child_word,
                "values": views,
                "more": more,
                "less": less,
                "searchable": size > SEARCHABLE_OVER,
            }
        )
    return groups


def chips(results: SearchResults, params: SearchParams, generation: Generation) -> list[dict[str, str]]:
    """One chip per active filter value; removing a sector (country) also removes its professions (regions)."""
    out = []
    words = filter_words(results)
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
                    "label": apostrophes(generation.short_label(facet, value) if facet == "sector" else generation.label(facet, value)),
                    "remove_url": urls.toggle_url(params, facet, value, parents=parents, words=words),
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
    """The sorts that mean something here. With words: « Pertinence » (the default, value ``""``),
    « Plus récents », « Au hasard »; without words the default is newest first, so it reads
    « Plus récents » and « Pertinence » is not offered."""
    if params.q:
        keys: tuple[tuple[str, str], ...] = (("", SORTS["relevance"]), ("recent", SORTS["recent"]), ("random", SORTS["random"]))
        chosen = params.sort or ""
    else:
        keys = (("", SORTS["recent"]), ("random", SORTS["random"]))
        chosen = "random" if params.sort == "random" else ""
    return [
        {"value": key, "label": label, "selected": key == chosen, "url": urls.sort_url(params, key or None)}
        for key, label in keys
    ]


def count_text(results: SearchResults) -> str:
    if not results.total:
        return "Aucun témoignage"
    text = plural(results.total, "témoignage")
    if results.pages > 1 and results.page <= results.pages:
        text += f", page {number(min(results.page, results.pages))} sur {number(results.pages)}"
    return text


def show_text(total: int) -> str:
    """The drawer's closing button: « Voir les 12 témoignages », « Voir le témoignage »."""
    if total == 0:
        return "Aucun témoignage\u00a0: fermer"
    if total == 1:
        return "Voir le témoignage"
    return f"Voir les {number(total)}{NBSP}témoignages"


MAX_HEADING_VALUES = 3


def filters_text(page_chips: list[dict[str, str]]) -> str:
    """What the filters show: « Santé ou Industrie · Bretagne »; past 3 values, « 4 filtres »."""
    if len(page_chips) > MAX_HEADING_VALUES:
        return plural(len(page_chips), "filtre")
    by_facet: dict[str, list[str]] = {}
    for chip in page_chips:
        by_facet.setdefault(chip["facet"], []).append(chip["label"])
    return " · ".join(" ou ".join(labels) for labels in by_facet.values())


def heading(params: SearchParams, page_chips: list[dict[str, str]]) -> tuple[str, str]:
    """(heading, tab title): « Résultats pour « son » · Spectacle », « Témoignages · Santé »."""
    shown = filters_text(page_chips)
    if params.q:
        head = f"Résultats pour {quoted(params.q)}"
        title = f"{params.q} — recherche"
        if shown:
            return f"{head} · {shown}", f"{title} · {shown}"
        return head, title
    if shown:
        return f"Témoignages · {shown}", f"Témoignages · {shown}"
    return "Tous les témoignages", "Tous les témoignages"


def results_page(
    results: SearchResults, params: SearchParams, generation: Generation, *, origin: str = ""
) -> dict[str, Any]:
    suggestion = None
    if results.suggestion:
        suggestion = {
            "text": results.suggestion,
            "url": urls.query_url(params, results.suggestion),
            "total": results.suggestion_total or 0,
        }
    words = filter_words(results)
    understood = understood_view(results, params, generation)
    without = [
        {
            "facet": removal.facet,
            "label": apostrophes(
                generation.short_label(removal.facet, removal.value) if removal.facet == "sector" else removal.label
            ),
            "total": removal.total,
            "url": urls.without_facet_url(params, removal.facet, removal.value, words=words),
        }
        for removal in results.without_filter
        if removal.total and not results.total and not (understood and understood["none_here"])
    ]
    page_chips = chips(results, params, generation)
    head, title = heading(params, page_chips)
    hits = [hit_view(hit, generation, origin=origin) for hit in results.hits]
    if understood:
        for hit, view in zip(results.hits, hits):
            if hit.rome in understood["near"]:
                view["reason"] = understood["near"][hit.rome]  # « Métier proche », « Même secteur »
        if understood["correction"]:
            suggestion = None  # announced as applied: « voici « infirmière » »
    return {
        "title": title,
        "heading": head,
        "count_text": count_text(results),
        "show_text": show_text(results.total),
        "total": results.total,
        "relaxed": results.relaxed,
        "partial": results.partial,
        "first_rank": (min(results.page, results.pages) - 1) * results.page_size + 1,
        "hits": hits,
        "facets": facet_groups(results, params, generation),
        "chips": page_chips,
        "clear_url": urls.clear_url(params, words=words),
        "first_page_url": urls.page_url(params, 1),
        "sorts": sort_options(results, params),
        "pagination": pagination(results, params),
        "suggestion": suggestion,
        "without_filter": without,
        "understood": understood,  # web.understood: what the words named, the lack stated
        "metier_link": _metier_link(params, generation),
    }


def _metier_link(params: SearchParams, generation: Generation) -> dict[str, str] | None:
    """One métier ticked: a link to its page (« La page du métier : Infirmier / Infirmière… »)."""
    ticked = params.filters.get("profession", ())
    if len(ticked) != 1:
        return None
    return {"label": apostrophes(generation.label("profession", ticked[0])), "url": urls.metier_url(ticked[0])}


def discovery_values(values: list[FacetValue], facet: str, generation: Generation | None = None) -> list[dict[str, Any]]:
    """Home-page links: one fresh search per facet value (sectors with their short label)."""
    return [
        {
            "value": v.value,
            "label": generation.short_label(facet, v.value) if generation is not None and facet == "sector" else v.label,
            "official": v.label,
            "count": v.count,
            "url": urls.facet_url(facet, v.value),
            "parent": v.parent,
        }
        for v in values
    ]


def places(countries: list[FacetValue], regions: list[FacetValue]) -> list[dict[str, Any]]:
    """Countries with testimonials, each with its regions listed (never behind a tick)."""
    out = discovery_values(countries, "country")
    by_code = {c["value"]: c for c in out}
    for c in out:
        c["children"] = []
    for region in discovery_values(regions, "region"):
        holder = by_code.get(region["parent"] or "")
        if holder is not None and region["count"]:
            holder["children"].append(region)
    return [c for c in out if c["count"]]
