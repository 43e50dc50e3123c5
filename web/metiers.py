"""``/metiers`` (the A–Z of the métiers told) and ``/metiers/{rome}`` (one ROME fiche), pages and JSON.

Both read ``search.metiers``; the JSON (``/api/metiers``, ``/api/metiers/{rome}``) is the
library's ``to_dict()`` with the URLs the page links to. An unknown code is the French 404 page
(or JSON error); a code typed in lower case is redirected to its canonical address.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from search.analysis import fold
from search.generation import Generation
from search.metiers import CODE, Metier, metier, metiers
from search.results import Nearby
from web import urls
from web.french import NBSP, apostrophes, of, plural
from web.params import SearchParams
from web.present import hit_view
from web.views import current, origin, render

DIPLOMA_ORDER = ("CAP", "Bac", "Bac+2", "Bac+3", "Bac+5", "Bac+8")


def _code(request: Request) -> str:
    return str(request.path_params["rome"])


def _canonical(request: Request, code: str) -> Response | None:
    """``/metiers/j1506`` -> 308 to ``/metiers/J1506``; None when the code is already canonical."""
    upper = code.strip().upper()
    if upper != code and CODE.fullmatch(upper):
        name = "metier" if not request.url.path.startswith(urls.API) else "api_metier"
        target = urls.metier_url(upper) if name == "metier" else urls.api_metier_url(upper)
        return RedirectResponse(target, status_code=308)
    return None


def both_genders(masculine: str, feminine: str) -> str:
    """« de » and the job in both genders, sharing what they share:
    ``both_genders("Infirmier en soins généraux", "Infirmière en soins généraux") ==
    "d’infirmier ou infirmière en soins généraux"``; ``both_genders("Notaire", "Notaire") == "de notaire"``."""
    if masculine == feminine or not feminine:
        return of(masculine)
    if fold(feminine) in fold(masculine) or fold(masculine) in fold(feminine):
        return of(min(masculine, feminine, key=len))  # « Homme sage-femme / Sage-femme »: de sage-femme
    m_head, _, m_tail = masculine.partition(" ")
    f_head, _, f_tail = feminine.partition(" ")
    if m_tail == f_tail:
        return f"{of(m_head)} ou {f_head[:1].lower() + f_head[1:]}" + (f" {m_tail}" if m_tail else "")
    return f"{of(masculine)} ou {of(feminine)}"


def plain_name(page: Metier) -> str:
    """The name a volunteer of this métier would start from: the shorter form when one holds the
    other (« Sage-femme »), else ROME's label in both genders."""
    if page.masculine == page.feminine or fold(page.feminine) in fold(page.masculine) or fold(page.masculine) in fold(page.feminine):
        return min(page.masculine, page.feminine, key=len)
    return page.label


def diplomas_text(page: Metier) -> str:
    """What ROME says of the diplomas: « Accessible sans diplôme, selon le ROME », « Diplômes
    cités par le ROME : CAP, Bac », or both; empty when it says neither."""
    levels = ", ".join(sorted(page.levels, key=lambda d: DIPLOMA_ORDER.index(d) if d in DIPLOMA_ORDER else 99))
    if page.without_diploma and levels:
        return f"Accessible sans diplôme, selon le ROME, qui cite aussi{NBSP}: {levels}"
    if page.without_diploma:
        return "Accessible sans diplôme, selon le ROME"
    if levels:
        return f"Diplômes cités par le ROME{NBSP}: {levels}"
    return ""


def nearby_view(items: tuple[Nearby, ...]) -> list[dict[str, Any]]:
    return [
        {"rome": n.rome, "label": apostrophes(n.label), "url": urls.metier_url(n.rome),
         "count_text": plural(n.testimonials, "témoignage"), "reason": n.reason}
        for n in items
    ]


def page_data(page: Metier, generation: Generation, *, site: str) -> dict[str, Any]:
    """What ``metier.html`` prints: the library's values with URLs and French wording."""
    cards = [hit_view(hit, generation, origin=site) for hit in page.hits]
    for card in cards:
        card["sector_label"] = ""  # the page says the sector once, above
    related = nearby_view(page.related)
    return {
        "m": page,
        "name": apostrophes(page.label),
        "of_name": apostrophes(both_genders(page.masculine, page.feminine)),
        "sector_label": generation.short_label("sector", page.sector),
        "sector_url": urls.facet_url("sector", page.sector) if page.sector in generation.labels.get("sector", {}) else None,
        "domain_label": apostrophes(page.domain_label),
        "diplomas": diplomas_text(page),
        "count_text": plural(page.testimonials, "témoignage"),
        "hits": cards,
        "more_url": urls.facet_url("profession", page.rome) if page.testimonials > len(page.hits) else None,
        "more_text": f"Voir les {plural(page.testimonials, 'témoignage')}",
        "same_domain": [n for n in related if n["reason"] == "même domaine professionnel"],
        "same_sector": [n for n in related if n["reason"] != "même domaine professionnel"],
        "participate_url": urls.participate_url(apostrophes(plain_name(page))),
        "search_url": urls.search_url(SearchParams(q=apostrophes(page.feminine or page.label))),
        "metiers_url": urls.METIERS,
        "api_url": urls.api_metier_url(page.rome),
        "url": site + urls.metier_url(page.rome),
    }


def metier_page(request: Request) -> Response:
    code = _code(request)
    redirect = _canonical(request, code)
    if redirect is not None:
        return redirect
    generation = current(request)
    found = metier(generation, code)
    site = origin(request)
    data = page_data(found, generation, site=site)
    if found.told:
        description = found.definition or f"{data['count_text']} de professionnels bénévoles."
    else:
        description = f"Pas encore de témoignage {data['of_name']} sur Bloomr. {found.definition}".strip()
    share = {
        "type": "website",
        "title": f"{data['name']} — le métier raconté par celles et ceux qui le font",
        "description": description,
        "url": data["url"],
        "published": None,
    }
    return render(request, "metier.html", {"page": data, "share": share})


def metiers_page(request: Request) -> Response:
    generation = current(request)
    index = metiers(generation)
    letters = [
        {
            "letter": letter,
            "anchor": f"lettre-{letter}",
            "entries": [
                {"rome": e.rome, "label": apostrophes(e.label), "url": urls.metier_url(e.rome),
                 "count_text": plural(e.testimonials, "témoignage")}
                for e in entries
            ],
        }
        for letter, entries in index.letters()
    ]
    sectors = [
        {"code": s.code, "label": generation.short_label("sector", s.code), "official": s.label,
         "url": urls.facet_url("sector", s.code), "metiers_text": plural(s.metiers, "métier"),
         "count_text": plural(s.testimonials, "témoignage")}
        for s in index.sectors if s.metiers
    ]
    page = {
        "letters": letters,
        "sectors": sectors,
        "count_text": plural(len(index.entries), "métier"),
        "testimonials_text": plural(sum(e.testimonials for e in index.entries), "témoignage"),
    }
    share = {
        "type": "website",
        "title": "Les métiers racontés sur Bloomr, de A à Z",
        "description": f"{page['count_text']} racontés par des professionnels bénévoles, de A à Z et par secteur.",
        "url": origin(request) + urls.METIERS,
        "published": None,
    }
    return render(request, "metiers.html", {"page": page, "share": share})


def metier_api(request: Request) -> Response:
    code = _code(request)
    redirect = _canonical(request, code)
    if redirect is not None:
        return redirect
    generation = current(request)
    found = metier(generation, code)
    body = found.to_dict()
    body["url"] = urls.metier_url(found.rome)
    for item, hit in zip(body["hits"], found.hits):
        item["url"] = urls.testimonial_url(hit.id)
    for item in body["related"]:
        item["url"] = urls.metier_url(item["rome"])
    return JSONResponse(body)


def metiers_api(request: Request) -> Response:
    generation = current(request)
    body = metiers(generation).to_dict()
    for item in body["metiers"]:
        item["url"] = urls.metier_url(item["rome"])
    return JSONResponse(body)

