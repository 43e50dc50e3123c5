"""Issue 15 in process, with the product's knowledge (``metier_index``): métier pages and their
JSON, the interests of the home page, what the results page says it understood (each part
removable, the lack stated, corrections announced), facets coherent with the words, the
autocomplete's destinations, the sitemap and the participation form filled in."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from starlette.testclient import TestClient

from search.index import IndexHandle
from search.metiers import metier
from test_web_pages import Page, get_page
from web.app import create_app
from web.settings import Settings

SCHEMA = Path(__file__).parent / "data" / "sitemaps" / "sitemap-0.9.xsd"


@pytest.fixture(scope="module")
def client(metier_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index=metier_index))) as test_client:
        yield test_client


def text_of(html: str) -> str:
    """The visible text, tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", html))).strip()


def meta(html: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    assert found is not None, prop
    return html_lib.unescape(found.group(1))


# --- /metiers/{rome} -------------------------------------------------------------------------------

def test_a_told_metier_page(client: TestClient) -> None:
    response = client.get("/metiers/J1506")
    html = response.text
    page = Page(html)
    assert response.status_code == 200
    assert page.text("metier-title") == "Infirmier / Infirmière en soins généraux (IDE)"
    assert "<title>Infirmier / Infirmière en soins généraux (IDE) · métier · Bloomr</title>" in html
    body = text_of(html)
    assert "L’infirmier en soins généraux (IDE) dispense des soins" in body
    assert "Définition : France Travail — ROME 4.0, version 60" in body
    assert "3 témoignages" in body and "Domaine : Soins paramédicaux" in body
    stories = html[html.index('id="stories-title"'):html.index('id="near-title"')]
    assert sorted(re.findall(r'href="/temoignages/([^"]+)"', stories)) == [
        "anna-infirmiere-brest", "bruno-infirmier-lyon", "hugo-infirmier-quimper"]
    near = html[html.index('id="near-title"'):]
    assert "Dans le même domaine : Soins paramédicaux" in text_of(near)
    assert '<a href="/metiers/J1501">Aide-soignant / Aide-soignante</a>' in near
    assert "/recherche?sector=J" in page.hrefs() and "/metiers" in page.hrefs()
    assert "Pas encore de témoignage" not in body


def test_a_metier_page_without_testimonial_says_so_and_leads_on(client: TestClient) -> None:
    html = client.get("/metiers/J1104").text
    page = Page(html)
    body = text_of(html)
    assert page.text("metier-title") == "Homme sage-femme / Sage-femme"
    assert page.text("lacking-title") == "Pas encore de témoignage de sage-femme"
    assert "/participer?metier=Sage-femme" in page.hrefs()  # the form comes filled in with the métier
    assert "Vous exercez ce métier ? Racontez-le" in body
    near = html[html.index('id="near-title"'):]
    assert "En attendant, des métiers proches" in text_of(near) and "Dans le même secteur : Santé" in text_of(near)
    assert re.findall(r'href="(/metiers/J\d{4})"', near) == ["/metiers/J1506", "/metiers/J1501"]
    assert 'id="stories-title"' not in html


def test_diplomas_as_the_rome_says(client: TestClient) -> None:
    body = text_of(client.get("/metiers/A1101").text)
    assert "Accessible sans diplôme, selon le ROME, qui cite aussi : CAP, Bac" in body
    assert "Diplômes cités par le ROME : Bac+3, Bac+5, Bac+8" in text_of(client.get("/metiers/K1903").text)


def test_metier_pages_are_worth_sharing(client: TestClient) -> None:
    html = client.get("/metiers/J1506").text
    assert meta(html, "og:url") == "http://testserver/metiers/J1506"
    assert meta(html, "og:title").startswith("Infirmier / Infirmière en soins généraux (IDE) — ")
    assert meta(html, "og:description").startswith("L’infirmier en soins généraux")
    assert meta(html, "twitter:card") == "summary"
    assert '<link rel="canonical" href="http://testserver/metiers/J1506">' in html
    assert meta(client.get("/metiers/J1104").text, "og:description").startswith("Pas encore de témoignage de sage-femme sur Bloomr.")


def test_a_code_in_lower_case_is_redirected_and_an_unknown_one_is_a_french_404(client: TestClient) -> None:
    moved = client.get("/metiers/j1506", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/metiers/J1506"
    page = get_page(client, "/metiers/Z9999", status=404)
    assert "Aucun métier du ROME ne porte le code « Z9999 »." in page.text("contenu")
    assert "/metiers" in page.hrefs()
    hostile = client.get("/metiers/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert hostile.status_code == 404 and "<script>alert" not in hostile.text


# --- /metiers --------------------------------------------------------------------------------------

def test_the_a_to_z(client: TestClient) -> None:
    html = client.get("/metiers").text
    page = Page(html)
    letters = re.findall(r'<li><a href="#lettre-([A-Z])">\1</a></li>', html)
    assert letters == ["A", "B", "C", "D", "I"]
    assert all(f"lettre-{letter}" in page.ids for letter in letters)
    c_section = html[html.index('id="lettre-C"'):html.index('id="lettre-D"')]
    assert re.findall(r'href="/metiers/([A-N]\d{4})"', c_section) == ["E1112", "M1718", "M1203"]
    assert "Infirmier / Infirmière en soins généraux (IDE)</a> <span class=\"count\">3\u00a0témoignages</span>" in html
    assert "7 métiers et 10 témoignages" in text_of(html)
    assert '<a class="letters-sectors" href="#par-secteur">Par secteur</a>' in html
    sectors = html[html.index('id="by-sector-title"'):]
    assert re.findall(r'href="(/recherche\?sector=[A-N])"', sectors) == [
        "/recherche?sector=D", "/recherche?sector=E", "/recherche?sector=J", "/recherche?sector=M"]
    assert "Santé 2 métiers" in text_of(sectors)
    assert meta(html, "og:url") == "http://testserver/metiers"
    assert "/metiers" in Page(client.get("/").text).hrefs()  # in the navigation


# --- JSON ------------------------------------------------------------------------------------------

def test_the_api_serves_the_same_dict(client: TestClient, metier_index: Path) -> None:
    body = client.get("/api/metiers/J1506").json()
    expected = metier(IndexHandle(metier_index).current(), "J1506").to_dict()
    assert {k: v for k, v in body.items() if k not in ("url", "hits", "related")} == {
        k: v for k, v in expected.items() if k not in ("hits", "related")}
    assert body["url"] == "/metiers/J1506"
    assert [h["url"] for h in body["hits"]] == [f"/temoignages/{h['id']}" for h in expected["hits"]]
    assert body["related"] == [{**n, "url": f"/metiers/{n['rome']}"} for n in expected["related"]]
    missing = client.get("/api/metiers/Z9999")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"
    listing = client.get("/api/metiers").json()
    assert [m["rome"] for m in listing["metiers"]][:2] == ["J1501", "D1102"]
    assert listing["metiers"][0]["url"] == "/metiers/J1501" and len(listing["sectors"]) == 14


# --- sitemap and links to métier pages --------------------------------------------------------------

def test_the_sitemap_lists_the_told_metiers(client: TestClient) -> None:
    document = etree.fromstring(client.get("/sitemap.xml").content)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(document), schema.error_log
    locs = document.xpath("//sm:loc/text()", namespaces={"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    metier_pages = sorted(loc for loc in locs if "/metiers" in loc)
    assert metier_pages == ["http://testserver/metiers"] + sorted(
        f"http://testserver/metiers/{code}" for code in ("J1501", "D1102", "E1112", "M1718", "M1203", "M1805", "J1506"))


def test_one_metier_ticked_links_to_its_page(client: TestClient) -> None:
    html = client.get("/recherche?profession=J1506").text
    assert '<p class="metier-link">La page du métier&nbsp;: <a href="/metiers/J1506">Infirmier / Infirmière en soins généraux (IDE)</a></p>' in html
    assert 'class="metier-link"' not in client.get("/recherche?profession=J1506&profession=J1501").text


def test_testimonial_pages_lead_to_their_metier(client: TestClient) -> None:
    html = client.get("/temoignages/anna-infirmiere-brest").text
    assert re.search(r'<a class="pill" href="/metiers/J1506">Métier&nbsp;: ', html)
    related = html[html.index('id="related-title"'):]
    assert '<p class="hit-reason"><a href="/metiers/J1506">Même métier' in related


# --- home: explore by interest -----------------------------------------------------------------------

def test_home_offers_interests_with_counts_and_their_search(client: TestClient) -> None:
    html = client.get("/").text
    section = html[html.index('id="interests-title"'):html.index('id="sectors-title"')]
    links = re.findall(r'<a class="interest" href="([^"]+)">.*?<span class="interest-label">([^<]+)</span> '
                       r'<span class="count">(\d+)', section)
    assert links[0] == ("/recherche?q=Prendre+soin+des+autres", "Prendre soin des autres", "4")  # the most told first
    counts = [int(n) for _, _, n in links]
    assert counts == sorted(counts, reverse=True) and all(counts)
    assert section.count('class="icon interest-icon"') == len(links)
    for url, label, count in links:
        results = client.get(url.replace("/recherche", "/api/search")).json()
        assert results["total"] == int(count), label  # the count is the search's
        assert [i["label"] for i in results["understood"]["interests"]] and results["understood"]["text"] == ""
    assert "Des univers" in section  # ROME themes, worded for youths


def test_an_interest_search_says_what_it_understood_and_its_metiers(client: TestClient) -> None:
    html = client.get("/recherche?q=Prendre+soin+des+autres").text
    understood = html[html.index('class="understood"'):html.index('id="resultats"')]
    assert "Prendre soin des autres : centre d’intérêt" in text_of(understood)
    assert re.findall(r'<p class="u-metiers">.*?</p>', understood, re.S)
    assert re.findall(r'href="(/metiers/J\d{4})"', understood) == ["/metiers/J1506", "/metiers/J1501"]


def test_home_without_lexicon_has_no_interest_section(discovery_index: Path) -> None:
    with TestClient(create_app(Settings(index=discovery_index))) as bare:
        assert 'id="interests-title"' not in bare.get("/").text


# --- results: what was understood -------------------------------------------------------------------

def understood_part(html: str) -> str:
    return html[html.index('class="understood"'):html.index('id="resultats"')]


def test_a_profession_links_to_its_page_and_can_be_taken_out(client: TestClient) -> None:
    html = client.get("/recherche?q=infirmi%C3%A8re").text
    part = understood_part(html)
    assert '<a href="/metiers/J1506">Infirmier / Infirmière en soins généraux (IDE)</a>' in part
    assert "(3 témoignages)" in text_of(part) and "· métier" in text_of(part)
    assert re.search(r'<a class="u-remove" href="/recherche" data-nav>.*Retirer «\xa0infirmière\xa0» de la recherche', part)


def test_a_youth_word_shows_what_it_was_read_as(client: TestClient) -> None:
    part = text_of(understood_part(client.get("/recherche?q=IDE").text))
    assert "Infirmier / Infirmière en soins généraux (IDE)" in part and "pour « IDE »" not in part
    part = text_of(understood_part(client.get("/recherche?q=infirmier+dans+le+Finist%C3%A8re").text))
    assert "Bretagne pour « Finistère » : région · chercher plutôt le mot" in part


def test_a_place_in_the_words_is_a_filter_taken_out_with_its_words(client: TestClient) -> None:
    html = client.get("/recherche?q=infirmier+dans+le+Finist%C3%A8re").text
    page = Page(html)
    # the two nurses of Finistère (Bretagne), the place acting as its filter
    assert page.text("result-count") == "2\u00a0témoignages"
    # in the facets: ticked, and unticking takes the words out (not a filter that comes back)
    box = re.search(r'<input type="checkbox" id="f-region-FR-BRE"[^>]*>', html)
    assert box is not None and " checked" in box.group(0) and " data-words" in box.group(0)
    assert 'data-toggle-url="/recherche?q=infirmier"' in box.group(0)
    assert '<input type="hidden" name="compris" value="region:FR-BRE">' in html
    part = understood_part(html)
    assert 'href="/recherche?q=infirmier+dans+le+%22Finist%C3%A8re%22"' in part  # chercher plutôt le mot
    assert 'href="/recherche?q=infirmier"' in part  # ×
    literal = client.get("/api/search?q=infirmier+dans+le+%22Finist%C3%A8re%22").json()
    assert literal["filters"] == {} and literal["understood"]["filter_words"] == []


def test_without_javascript_unticking_a_word_filter_takes_its_words_out(client: TestClient) -> None:
    unticked = client.get("/recherche?q=comptable+bretagne&compris=region:FR-BRE", follow_redirects=False)
    assert unticked.status_code == 303 and unticked.headers["location"] == "/recherche?q=comptable"
    kept = client.get("/recherche?q=comptable+bretagne&region=FR-BRE&compris=region:FR-BRE", follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"] == "/recherche?q=comptable+bretagne"
    other = client.get("/recherche?q=comptable+bretagne&sector=M&compris=region:FR-BRE&compris=sector:Z", follow_redirects=False)
    assert other.headers["location"] == "/recherche?q=comptable&sector=M"


def test_a_job_without_testimonial_under_the_filters_is_said_so(client: TestClient) -> None:
    html = client.get("/recherche?q=comptable+bretagne").text
    page = Page(html)
    assert page.text("none-here-title") == "Pas encore de témoignage de comptable en Bretagne"
    answer = html[html.index('id="none-here-title"'):]
    assert re.search(r'<a href="/recherche\?q=comptable" data-nav>Sans le filtre «&nbsp;Bretagne&nbsp;»</a>&nbsp;: 1\xa0témoignage', answer)
    assert "Aucun témoignage ne correspond" not in html  # the answer says it better
    # « Tout effacer » takes the place's words out too: nothing comes back
    ticked = client.get("/recherche?q=comptable+bretagne&sector=M").text
    assert '<a class="facets-clear" href="/recherche?q=comptable" data-nav>' in ticked
    assert '<a class="chip" href="/recherche?q=comptable+bretagne" data-nav>' in ticked  # the chip of « M » keeps the words


def test_a_job_nobody_told_yet_is_stated_with_the_nearest(client: TestClient) -> None:
    html = client.get("/recherche?q=sage-femme").text
    page = Page(html)
    assert page.text("lacking-title") == "Pas encore de témoignage de sage-femme"
    answer = html[html.index('id="lacking-title"'):]
    assert '<a href="/metiers/J1104">Homme sage-femme / Sage-femme</a>' in answer
    assert re.findall(r'<li><a href="(/metiers/J\d{4})">', answer)[:2] == ["/metiers/J1506", "/metiers/J1501"]
    assert "/participer?metier=Sage-femme" in page.hrefs()
    # then the testimonials of those métiers, each saying why it is here (never presented as the answer)
    assert '<h2 class="hits-title">Des métiers proches</h2>' in html
    hits = html[html.index('class="hits"'):]
    assert hits.count('<p class="hit-reason">Même secteur</p>') == hits.count('class="hit"') == 4


def test_a_job_no_fiche_covers(client: TestClient) -> None:
    page = get_page(client, "/recherche?q=astronaute")
    assert page.text("lacking-title") == "Pas encore de témoignage d’astronaute"
    assert "/participer?metier=Astronaute" in page.hrefs()


def test_a_correction_is_announced_never_presented_as_exact(client: TestClient) -> None:
    html = client.get("/recherche?q=infirmeire").text
    answer = re.search(r'<p class="did-you-mean correction">(.*?)</p>', html, re.S)
    assert answer is not None and text_of(answer.group(1)) == "Aucun résultat pour « infirmeire » ; voici « infirmière »."
    assert html.index("correction") < html.index('class="hits"')
    assert '<a href="/recherche?q=infirmi%C3%A8re" data-nav>' in html and "Vouliez-vous dire" not in html


def test_nothing_understood_nothing_said(client: TestClient) -> None:
    html = client.get("/recherche?q=levain").text
    assert 'class="understood"' not in html and 'class="lacking"' not in html


def test_the_json_keeps_every_key(client: TestClient) -> None:
    body = client.get("/api/search?q=comptable+bretagne").json()
    understood = body["understood"]
    assert set(understood) >= {"professions", "filters", "interests", "corrections", "text", "unlisted", "filter_words"}
    assert understood["filter_words"] == [{"facet": "region", "value": "FR-BRE", "label": "Bretagne", "from": "bretagne", "lead": ""}]
    assert body["of_profession"] == 0 and body["filters"] == {"region": ["FR-BRE"]}
    facet = {v["value"]: v for v in body["facets"]["region"]}["FR-BRE"]
    assert facet["selected"] and facet["from_words"] and facet["toggle_url"] == "/recherche?q=comptable"


# --- autocomplete ----------------------------------------------------------------------------------

def test_suggestions_say_where_they_lead(client: TestClient) -> None:
    def first(q: str, kind: str) -> dict[str, object]:
        found = [s for s in client.get("/api/suggest", params={"q": q}).json()["suggestions"] if s["kind"] == kind]
        assert found, (q, kind)
        return found[0]

    nurse = first("infirm", "profession")
    assert (nurse["url"], nurse["hint"], nurse["kind_label"]) == ("/metiers/J1506", "métier · 3\u00a0témoignages", "métier")
    assert first("sage-f", "profession")["hint"] == "métier · pas encore de témoignage"
    place = first("infirmière bret", "region")
    assert (place["url"], place["facet"], place["value"], place["hint"]) == (
        "/recherche?q=infirmi%C3%A8re&region=FR-BRE", "region", "FR-BRE", "région · 4\u00a0témoignages")
    assert first("finis", "region")["hint"] == "région · Bretagne"
    assert first("sant", "sector")["url"] == "/recherche?sector=J"
    care = first("prendre soin", "interest")
    assert (care["url"], care["kind_label"]) == ("/recherche?q=Prendre+soin+des+autres", "centre d’intérêt")


# --- taking part -----------------------------------------------------------------------------------

def test_the_form_comes_filled_in_with_the_metier(client: TestClient) -> None:
    html = client.get("/participer?metier=Sage-femme").text
    assert re.search(r'<input[^>]*name="profession"[^>]*value="Sage-femme"', html)
    long = client.get("/participer", params={"metier": "x" * 500}).text
    assert re.search(r'name="profession"[^>]*value="x{120}"', long)
    hostile = client.get("/participer", params={"metier": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in hostile


def test_the_about_page_credits_rome(client: TestClient) -> None:
    body = text_of(client.get("/a-propos").text)
    assert "France Travail — ROME 4.0, version 60, sous Licence Ouverte" in body
