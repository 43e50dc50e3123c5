"""Pages worth sharing: Open Graph and Twitter tags, the Atom feed read by a real feed parser, the
sitemap checked against the sitemaps.org 0.9 schema, robots.txt and the print stylesheet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from starlette.testclient import TestClient

from web.app import create_app
from web.settings import Settings

SCHEMA = Path(__file__).resolve().parent / "data" / "sitemaps" / "sitemap-0.9.xsd"
LIVE = {
    "audrey-consultante", "benedicte-infirmiere", "camille-developpeuse", "jerome-infirmier",
    "lea-communication", "moussa-boulanger", "oceane-aide-soignante", "yasmine-comptable",
}


@pytest.fixture(scope="module")
def client(index_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index=index_dir))) as test_client:
        yield test_client


class Meta(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        if tag == "link" and "rel" in a:
            self.links[a["rel"] + ("/" + a["type"] if a.get("type") else "")] = a.get("href", "")


def test_testimonial_page_has_sharing_tags(client: TestClient) -> None:
    page = Meta(client.get("/temoignages/benedicte-infirmiere").text)
    assert page.meta["og:type"] == "article"
    assert page.meta["og:title"] == "Infirmière — Bénédicte"
    assert page.meta["og:url"] == "http://testserver/temoignages/benedicte-infirmiere"
    assert page.meta["og:site_name"] == "Bloomr" and page.meta["og:locale"] == "fr_FR"
    assert page.meta["og:description"].startswith("N’ayez pas peur des études d’infirmière")
    assert page.meta["article:published_time"] == "2016-11-02"
    assert page.meta["twitter:card"] == "summary"
    assert page.meta["twitter:title"] == page.meta["og:title"]
    assert page.meta["description"] == page.meta["og:description"]
    assert page.links["canonical"] == page.meta["og:url"]


def test_home_has_sharing_tags_and_the_feed(client: TestClient) -> None:
    page = Meta(client.get("/").text)
    assert page.meta["og:type"] == "website" and page.meta["og:url"] == "http://testserver/"
    assert page.links["alternate/application/atom+xml"] == "/flux.xml"
    assert page.links["stylesheet"].startswith("/static/")


def test_feed_reads_in_a_real_feed_parser(client: TestClient) -> None:
    response = client.get("/flux.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Bloomr\u00a0: les nouveaux témoignages"
    assert feed.feed.link == "http://testserver/"
    ids = [entry.id for entry in feed.entries]
    assert {i.rsplit("/", 1)[1] for i in ids} == LIVE  # withdrawn ones never in it
    newest = feed.entries[0]
    assert newest.id == "http://testserver/temoignages/lea-communication"
    assert newest.link == newest.id
    assert newest.author == "Léa"
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert all(entry.summary for entry in feed.entries)
    assert "<script>" not in response.text  # hostile text escaped as XML wants


def test_sitemap_is_valid_against_the_sitemaps_schema(client: TestClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(document), schema.error_log
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = document.xpath("//sm:loc/text()", namespaces=ns)
    assert "http://testserver/" in locs and "http://testserver/a-propos" in locs
    testimonials = {loc.rsplit("/", 1)[1] for loc in locs if "/temoignages/" in loc}
    assert testimonials == LIVE
    assert document.xpath("//sm:url[sm:loc='http://testserver/temoignages/benedicte-infirmiere']/sm:lastmod/text()",
                          namespaces=ns) == ["2016-11-02"]


def test_the_schema_catches_a_broken_sitemap() -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    bad = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/relative</loc></url></urlset>'
    assert not schema.validate(etree.fromstring(bad))


def test_robots_txt_points_to_the_sitemap(client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /api/", "Disallow: /au-hasard", "Disallow: /recherche?"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_print_stylesheet_hides_what_paper_does_not_need(client: TestClient) -> None:
    html = client.get("/temoignages/benedicte-infirmiere").text
    assert re.search(r'<link rel="stylesheet" href="/static/print\.css\?v=[0-9a-f]{12}" media="print">', html)
    assert '<p class="print-url">http://testserver/temoignages/benedicte-infirmiere</p>' in html
    css = client.get("/static/print.css").text
    for hidden in (".site-header .nav", ".facets-panel", ".pagination", ".site-footer", ".results-form > .searchbox"):
        assert hidden in css
    assert ".print-url { display: block" in css
