"""The Atom feed of the newest testimonials, the sitemap and robots.txt: XML and text from plain data.

``atom_feed(entries, …)`` and ``sitemap(urls)`` return UTF-8 bytes built with ElementTree, so
every character the volunteers typed is escaped as XML wants it::

    >>> sitemap([("https://bloomr.fr/", None)])[:38]
    b"<?xml version='1.0' encoding='utf-8'?>"
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 20
"""Entries in the feed: the newest testimonials."""
SITEMAP_MAX = 50_000
"""URLs one sitemap file may hold (sitemaps.org); past it, a sitemap index would be needed."""


@dataclass(frozen=True)
class Entry:
    id: str  # absolute URL of the testimonial page
    title: str  # « Infirmière — Bénédicte »
    author: str  # the volunteer's first name
    published: date
    summary: str  # plain text: the striking sentence, or the start of « Mon métier »
    category: str = ""  # the sector's label


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(entries: Iterable[Entry], *, feed_url: str, site_url: str, title: str, subtitle: str) -> bytes:
    """An Atom 1.0 document (RFC 4287): one entry per testimonial, newest first."""
    ET.register_namespace("", ATOM)
    items = list(entries)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = site_url + "/"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = subtitle
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(max((e.published for e in items), default=date(2013, 1, 1)))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": site_url + "/"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Bloomr"
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = item.id
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item.title
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": item.id})
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(item.published)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(item.published)
        writer = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(writer, f"{{{ATOM}}}name").text = item.author
        if item.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": item.category})
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = item.summary
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def sitemap(locations: Iterable[tuple[str, date | None]]) -> bytes:
    """A sitemaps.org 0.9 ``urlset``: (absolute URL, last modified or None), at most ``SITEMAP_MAX``."""
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for n, (loc, modified) in enumerate(locations):
        if n == SITEMAP_MAX:
            break
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = loc
        if modified is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.isoformat()
    document: bytes = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return document


def robots(sitemap_url: str, disallowed: Iterable[str]) -> str:
    """robots.txt: every crawler welcome, except on the given path prefixes."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), "", f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)
