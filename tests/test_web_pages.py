"""The HTML pages, in process (Starlette TestClient) on a real index built from tests/data/good."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from web.settings import Settings
from web.app import create_app


@pytest.fixture(scope="module")
def client(index_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index=index_dir))) as test_client:
        yield test_client


class Page(HTMLParser):
    """Just enough of a page to assert on: ids, links, checked boxes, text of an element by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.checked: list[tuple[str, str]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
            self._open.append(str(a["id"]))
            self.texts.setdefault(str(a["id"]), [])
        elif tag not in ("input", "meta", "link", "br", "img"):
            self._open.append("")
        if tag == "a" and a.get("href"):
            self.links.append((str(a["href"]), a))
        if tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.checked.append((str(a["name"]), str(a["value"])))

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in ("input", "meta", "link", "br", "img"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            if element:
                self.texts[element].append(data)

    def text(self, element_id: str) -> str:
        return re.sub(r"[ \t\r\n]+", " ", "".join(self.texts[element_id])).strip()

    def hrefs(self, predicate: str = "") -> list[str]:
        return [href for href, _ in self.links if predicate in href]


def get_page(client: TestClient, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return Page(response.text)


def test_home_shows_every_discovery_path(client: TestClient) -> None:
    response = client.get("/")
    page = Page(response.text)
    assert page.text("home-title") == "Des métiers racontés par celles et ceux qui les font"
    # the 14 sectors of the taxonomy, with counts, each a fresh search
    assert len(page.hrefs("/recherche?sector=")) == 14
    assert '<span class="tile-label">Santé</span> <span class="count">3\u00a0témoignages</span>' in response.text
    # short labels a 16-year-old reads, the official one as the tile's title
    assert '<span class="tile-label">Transport et logistique</span> <span class="count">pas encore de témoignage</span>' in response.text
    assert 'title="Transport et Logistique"' in response.text
    assert "/recherche?theme=etudes" in page.hrefs()
    assert "/recherche?region=FR-BRE" in page.hrefs()
    assert "/recherche?country=SN" in page.hrefs()
    assert "/au-hasard" in page.hrefs()
    latest = [h for h in page.hrefs("/temoignages/")]
    assert "/temoignages/lea-communication" in latest  # the newest
    assert "/temoignages/xavier-developpeur-retire" not in latest  # withdrawn


def test_results_facets_chips_and_count(client: TestClient) -> None:
    page = get_page(client, "/recherche?q=infirmiere&sector=J")
    assert page.text("results-title") == "Résultats pour «\u00a0infirmiere\u00a0» · Santé"
    assert page.text("result-count") == "2\u00a0témoignages"
    assert sorted(page.checked) == [("sector", "J")]
    assert sorted(page.hrefs("/temoignages/")) == ["/temoignages/benedicte-infirmiere", "/temoignages/jerome-infirmier"]
    # chip removal and « Tout effacer » keep the words
    assert "/recherche?q=infirmiere" in page.hrefs()


def test_nested_facets_carry_toggle_urls(client: TestClient) -> None:
    html = client.get("/recherche?sector=J").text
    assert 'id="f-profession-J1506"' in html
    assert 'data-toggle-url="/recherche?sector=J&amp;profession=J1506"' in html
    # unticking the sector drops its professions too
    html = client.get("/recherche?sector=J&profession=J1506").text
    assert re.search(r'id="f-sector-J"[^>]*checked[^>]*data-toggle-url="/recherche"', html)


def test_snippets_name_their_section(client: TestClient) -> None:
    html = client.get("/recherche?q=infirmiere&region=FR-BRE").text
    assert '<span class="hit-section">Mes conseils aux jeunes&nbsp;:</span> N&#39;ayez pas peur des études d&#39;<mark>infirmière</mark>' in html


def test_pagination_links(client: TestClient) -> None:
    page = get_page(client, "/recherche?page_size=3&page=2")
    assert page.text("result-count") == "8\u00a0témoignages, page 2 sur 3"
    pages = page.hrefs("page=")
    assert "/recherche?page_size=3&page=3" in pages
    assert "/recherche?page_size=3" in page.hrefs()  # page 1 has no page parameter
    assert len(page.hrefs("/temoignages/")) >= 3


def test_page_past_the_end(client: TestClient) -> None:
    page = get_page(client, "/recherche?page=50")
    assert "Cette page n’existe pas." in "".join(page.texts.get("results-region", []))


def test_zero_results_offer_recovery(client: TestClient) -> None:
    page = get_page(client, "/recherche?q=boulanger&region=FR-BRE")
    assert page.text("result-count") == "Aucun témoignage"
    region = page.text("results-region")
    assert "Sans le filtre «\u00a0Bretagne\u00a0»\u00a0: 1\u00a0résultat" in region
    assert "/recherche?q=boulanger" in page.hrefs()


def test_did_you_mean(client: TestClient) -> None:
    # the typo found nothing, its correction did: announced as such, never as an exact match
    page = get_page(client, "/recherche?q=infirmeire")
    text = page.text("results-region")
    assert "Aucun résultat pour «\u00a0infirmeire\u00a0»\u202f; voici «\u00a0infirmière\u00a0»." in text
    assert "Vouliez-vous dire" not in text
    assert "/recherche?q=infirmi%C3%A8re" in page.hrefs()


def test_sort_options_depend_on_words(client: TestClient) -> None:
    # without words the default order is newest first, and says so; « Pertinence » is not offered
    html = client.get("/recherche").text
    assert '<option value="" selected>Plus récents</option>' in html and "Pertinence" not in html
    assert '<option value="" selected>Pertinence</option>' in client.get("/recherche?q=son").text
    assert 'value="recent" selected' in client.get("/recherche?q=son&sort=recent").text


def test_testimonial_page(client: TestClient) -> None:
    page = get_page(client, "/temoignages/benedicte-infirmiere")
    assert page.text("t-title") == "Infirmière"
    for section in ("metier", "conseils"):
        assert f"h-{section}" in page.ids
    assert "/metiers/J1506" in page.hrefs()  # « Métier : … » opens the métier's page
    assert "/recherche?sector=J" in page.hrefs()
    assert "/recherche?region=FR-BRE" in page.hrefs()
    assert any(h.startswith("/recherche?theme=") for h in page.hrefs())
    assert "related-title" in page.ids
    assert "/temoignages/benedicte-infirmiere" not in page.hrefs("/temoignages/")


def test_withdrawn_testimonial_is_410_kind_page(client: TestClient) -> None:
    page = get_page(client, "/temoignages/xavier-developpeur-retire", status=410)
    assert page.text("error-title") == "Témoignage retiré"
    assert "retiré" in "".join(page.texts["contenu"])
    assert "/" in page.hrefs()


def test_unknown_testimonial_is_404(client: TestClient) -> None:
    page = get_page(client, "/temoignages/personne", status=404)
    assert page.text("error-title") == "Page introuvable"


def test_about(client: TestClient) -> None:
    page = get_page(client, "/a-propos")
    text = "".join(page.texts["contenu"])
    assert "Participer" in text and "Retirer son témoignage" in text


def test_random_redirects_to_a_published_testimonial(client: TestClient) -> None:
    for _ in range(5):
        response = client.get("/au-hasard", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["location"].startswith("/temoignages/")
        assert response.headers["location"] != "/temoignages/xavier-developpeur-retire"


def test_bad_parameter_renders_french_error_page(client: TestClient) -> None:
    page = get_page(client, "/recherche?page=abc", status=400)
    assert page.text("error-title") == "Recherche impossible"
    assert "doit être un nombre entier" in "".join(page.texts["contenu"])


def test_every_template_autoescapes(client: TestClient) -> None:
    env = client.app.state.templates.env  # type: ignore[attr-defined]
    for name in env.list_templates():
        template = env.get_template(name)
        assert env.autoescape is True or env.autoescape(name), name
        assert template is not None
    rendered = env.from_string("{{ x }}").render(x="<b>")
    assert rendered == "&lt;b&gt;"


def test_html_pages_use_no_inline_script_or_style(client: TestClient) -> None:
    for url in ("/", "/recherche?q=son", "/temoignages/benedicte-infirmiere", "/a-propos", "/nulle-part"):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_static_files_are_versioned_and_cached(client: TestClient) -> None:
    html = client.get("/a-propos").text
    css = re.search(r'href="(/static/bloomr\.css\?v=[0-9a-f]{12})"', html)
    js = re.search(r'src="(/static/bloomr\.js\?v=[0-9a-f]{12})"', html)
    icon = re.search(r'href="(/static/favicon\.svg\?v=[0-9a-f]{12})"', html)
    assert css and js and icon
    for url in (css.group(1), js.group(1), icon.group(1)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in client.get("/static/bloomr.css").headers.get("cache-control", "")


def test_hostile_corpus_text_is_shown_escaped(client: TestClient) -> None:
    page = client.get("/temoignages/lea-communication").text
    assert "<script>alert" not in page and "<b>gras" not in page
    assert "&lt;script&gt;alert(" in page
    assert "{{7*7}}" in page  # template syntax in a testimonial stays text
    results = client.get("/recherche?q=script").text
    assert "<script>alert" not in results
    assert "&lt;<mark>script</mark>&gt;" in results


def test_home_random_and_latest(client: TestClient) -> None:
    page = get_page(client, "/")
    assert "stories-title" in page.ids and "latest-title" in page.ids
    latest = page.hrefs("/temoignages/")
    assert latest.count("/temoignages/lea-communication") >= 1
    assert "/recherche?sort=recent" in page.hrefs()


def test_removing_a_sector_chip_removes_its_professions(client: TestClient) -> None:
    page = get_page(client, "/recherche?sector=J&sector=M&profession=J1506")
    chips = [href for href, attrs in page.links if attrs.get("class") == "chip"]
    assert chips == ["/recherche?sector=M", "/recherche?sector=J&profession=J1506", "/recherche?sector=J&sector=M"]


@pytest.mark.parametrize(
    "url",
    ["/a-propos", "/nulle-part", "/recherche?page=abc", "/recherche?sort=x", "/recherche?q=" + "a" * 201,
     "/temoignages/xavier-developpeur-retire", "/recherche?q=zzzzqqqq&region=FR-BRE"],
)
def test_french_typography_of_our_own_text(client: TestClient, url: str) -> None:
    """Our words (not the volunteers'): ’ not ', no plain space before : ; ? ! and none inside « »."""
    html = re.sub(r'<blockquote class="hit-quote">.*?</blockquote>', "", client.get(url).text, flags=re.S)
    page = Page(html)
    text = "".join(page.texts["contenu"])
    assert len(text) > 80
    assert not re.search(r" [:;?!]", text), re.findall(r".{20} [:;?!]", text)
    assert "« " not in text and " »" not in text
    assert "'" not in text
