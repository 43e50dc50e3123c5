"""Issue 15 in process: the wandering home, related testimonials with reasons, zero and weak
results, the seeded shuffle, headings, dates, unbreakable numbers, « Afficher plus », skip links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from test_web_pages import Page, get_page
from web.app import create_app
from web.settings import Settings


@pytest.fixture(scope="module")
def client(discovery_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index=discovery_index))) as test_client:
        yield test_client


def quotes(html: str) -> list[str]:
    return re.findall(r'<blockquote class="hit-quote"><p>«&nbsp;(.*?)&nbsp;»</p></blockquote>', html)


# --- home ------------------------------------------------------------------------------------------

def test_home_starts_with_stories(client: TestClient) -> None:
    html = client.get("/").text
    stories = html[html.index('id="stories-title"'):html.index('id="explorer"')]
    found = quotes(stories)
    assert len(found) == 3
    for quote in found:
        assert 60 <= len(quote.replace("&#39;", "'").replace("&amp;", "&")) <= 200
        assert quote[0].isupper() and quote[-1] in ".!?"
    assert stories.count('href="/temoignages/') == 3
    assert 'href="/au-hasard"' in stories
    # the stories come before any list of sectors, places or themes
    assert html.index('id="stories-title"') < html.index('id="sectors-title"') < html.index('id="places-title"')


def test_home_sectors_short_labels_with_icons(client: TestClient) -> None:
    page = Page(client.get("/").text)
    html = client.get("/").text
    assert len(page.hrefs("/recherche?sector=")) == 14
    assert '<span class="tile-label">Informatique, gestion, marketing</span>' in html
    assert 'title="Support à l’entreprise"' in html
    assert html.count('class="icon tile-icon"') == 14


def test_home_places_list_regions_under_their_country(client: TestClient) -> None:
    html = client.get("/").text
    places = html[html.index('id="places-title"'):html.index('id="themes-title"')]
    for country, region in (("Canada", "Québec"), ("Côte d’Ivoire", "Abidjan"), ("Sénégal", "Dakar"), ("France", "Bretagne")):
        block = re.search(rf'>{country} <span class="count">\d+</span></a>(.*?)</li>\s*</ul>', places, re.S)
        assert block is not None, country
        assert f">{region} <" in block.group(1) or f"</span>{region} <" in block.group(1), (country, region)


def test_home_leaves_the_interests_slot_empty_until_the_knowledge_exists(client: TestClient) -> None:
    html = client.get("/").text
    assert "centre d’intérêt" not in html  # phase 2 fills it from the ROME knowledge


def test_home_skip_link_goes_to_the_search_box_and_title_is_not_doubled(client: TestClient) -> None:
    html = client.get("/").text
    assert '<a class="skip" href="#q">Aller à la recherche</a>' in html
    assert "<title>Bloomr · des métiers racontés par celles et ceux qui les font</title>" in html
    assert "Bloomr · Bloomr" not in html


def test_search_box_placeholder_fits_a_phone(client: TestClient) -> None:
    placeholder = re.search(r'placeholder="([^"]*)"', client.get("/").text)
    assert placeholder is not None and len(placeholder.group(1).replace("&nbsp;", " ")) <= 26


# --- testimonial page ------------------------------------------------------------------------------

def test_related_testimonials_show_their_reason(client: TestClient) -> None:
    html = client.get("/temoignages/anna-infirmiere-brest").text
    related = html[html.index('id="related-title"'):]
    reasons = [re.sub(r"<span.*?</span>|<[^>]+>", "", r) for r in re.findall(r'<p class="hit-reason">(.*?)</p>', related)]
    assert reasons == ["Même métier", "Même domaine", "Mêmes conseils sur la confiance en soi", "Même région"]
    assert '<p class="hit-reason"><a href="/metiers/J1506">Même métier' in related  # it opens the métier's page
    links = re.findall(r'<h3 class="hit-title" id="hit-[^"]+"><a href="(/temoignages/[^"]+)"', related)
    assert "/temoignages/anna-infirmiere-brest" not in links and len(links) == 4


def test_same_job_here_leads_elsewhere_or_is_hidden(client: TestClient) -> None:
    page = get_page(client, "/temoignages/anna-infirmiere-brest")
    same = [(h, a) for h, a in page.links if h == "/temoignages/hugo-infirmier-quimper"]
    assert same  # the only other infirmier in Bretagne, linked directly
    assert "Ce métier dans la même région\u00a0: Hugo" in client.get("/temoignages/anna-infirmiere-brest").text
    assert "Ce métier dans la même région" not in client.get("/temoignages/bruno-infirmier-lyon").text


def test_numbers_never_break(client: TestClient) -> None:
    html = client.get("/temoignages/anna-infirmiere-brest").text
    assert "1\u202f750\u00a0euros" in html
    assert "1 750 euros" not in html


def test_job_titles_use_the_typographic_apostrophe(client: TestClient, index_dir: Path) -> None:
    with TestClient(create_app(Settings(index=index_dir))) as good:
        html = good.get("/recherche?q=chargée").text
    titles = re.findall(r'<h3 class="hit-title"[^>]*><a [^>]*>([^<]*)</a>', html)
    assert titles and all("'" not in t and "&#39;" not in t for t in titles)


# --- results ---------------------------------------------------------------------------------------

def test_results_skip_link_dates_and_heading_with_filters(client: TestClient) -> None:
    html = client.get("/recherche?sector=J&region=FR-BRE").text
    assert '<a class="skip" href="#resultats">Aller aux résultats</a>' in html
    assert 'id="resultats" tabindex="-1"' in html
    page = Page(html)
    assert page.text("results-title") == "Témoignages · Santé · Bretagne"
    assert '<time datetime="2024-03-01">1er\u00a0mars 2024</time>' in html
    assert "Témoignages · Santé · Bretagne · Bloomr</title>" in html


def test_afficher_plus_reveals_every_region_without_ticking_the_country(client: TestClient) -> None:
    html = client.get("/recherche").text
    assert "autres" not in html  # no « et 1 autres », and no « cochez … pour tous les voir »
    # France has 4 regions here: a short list is never cut
    for region in ("FR-BRE", "FR-ARA", "FR-IDF"):
        assert f'id="f-region-{region}"' in html
    assert "Afficher" not in html.split('id="filtres"')[1] or "more=" in html


def test_random_order_always_lives_in_the_url(client: TestClient) -> None:
    response = client.get("/recherche?q=infirmier&sort=random", follow_redirects=False)
    assert response.status_code == 303 and response.headers["cache-control"] == "no-store"
    target = response.headers["location"]
    assert re.fullmatch(r"/recherche\?q=infirmier&sort=random&seed=\d+", target)
    first = client.get(target).text
    assert client.get(target).text == first  # a reload keeps the order
    assert 'name="seed" value="' in first  # changing the filters keeps it too
    toggles = re.findall(r'data-toggle-url="([^"]+)"', first)
    assert toggles and all("seed=" in t for t in toggles)


def test_zero_results_offer_no_filter_to_remove_when_none_is_active(client: TestClient) -> None:
    html = client.get("/recherche?q=astronaute").text
    assert "Aucun témoignage ne correspond" in html
    assert "Retirer tous les filtres" not in html and "Sans le filtre" not in html
    assert "En attendant, une histoire au hasard" in html and len(quotes(html)) == 1
    assert 'href="/#explorer"' in html


def test_zero_results_with_filters_offer_to_remove_them(client: TestClient) -> None:
    page = get_page(client, "/recherche?q=boulanger&region=FR-IDF")
    text = page.text("resultats")
    assert "Sans le filtre «\u00a0Île-de-France\u00a0»\u00a0: 2\u00a0résultats" in text
    assert "Retirer tous les filtres" in text


def test_weak_results_suggest_each_word_alone(client: TestClient) -> None:
    page = get_page(client, "/recherche?q=boulanger+astronaute")  # not every word found: a partial match
    assert "Pas tout à fait ce que vous cherchiez" in page.text("resultats")
    assert "/recherche?q=boulanger" in page.hrefs()


def test_weak_results_say_what_to_try(client: TestClient) -> None:
    html = client.get("/recherche?q=comptable").text
    assert "Pas tout à fait ce que vous cherchiez" in html
    assert "Pas tout à fait" not in client.get("/recherche?q=infirmier").text  # 3 results: not weak


def test_drawer_markup_works_without_javascript(client: TestClient) -> None:
    html = client.get("/recherche?sector=J").text
    panel = html[html.index('<details class="facets-panel"'):]
    assert panel.startswith('<details class="facets-panel" id="filtres" data-facets-panel>')  # closed at first
    assert '<button type="submit" class="apply" data-apply>Appliquer les filtres</button>' in panel
    assert '<button type="button" class="show-results" data-drawer-close data-show-results>Voir les 4\u00a0témoignages</button>' in panel
    # the results come before the filters, so the keyboard reaches them first
    assert html.index('id="resultats"') < html.index('id="filtres"')
