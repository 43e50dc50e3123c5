"""The four sections of an interview, named once: keys, French headings, snippet preference.

``SECTION_TITLES["passion"] == "Pourquoi j’aime mon métier"``. The corpus reader
(``indexer.corpus``) matches these headings, the schema has one field per key, pages show the titles.
"""

from __future__ import annotations

SECTION_KEYS: tuple[str, ...] = ("metier", "parcours", "passion", "conseils")
"""Section keys in reading order."""

SECTION_TITLES: dict[str, str] = {
    "metier": "Mon métier",
    "parcours": "Mon parcours",
    "passion": "Pourquoi j’aime mon métier",
    "conseils": "Mes conseils aux jeunes",
}

REQUIRED_SECTIONS: tuple[str, ...] = ("metier", "conseils")

SNIPPET_PREFERENCE: tuple[str, ...] = ("conseils", "metier", "parcours", "passion")
"""Tie-break between sections that match a query equally well: advice first, as for ranking."""

OPENING_PREFERENCE: tuple[str, ...] = ("metier", "conseils", "parcours", "passion")
"""The section a snippet shows when no query word matched (browsing)."""
