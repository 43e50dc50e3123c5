"""The reference engine: the same documents and queries on SQLite FTS5 (Python's own ``sqlite3``).

``tokenize='unicode61 remove_diacritics 2'``, BM25 with the same field weights as Bloomr's schema,
a snippet per hit, and facet counts by ``GROUP BY`` on a side table, disjunctive like Bloomr's
(a facet's counts apply every other facet's filter, not its own)::

    ref = Fts5(path); ref.build(testimonials); ref.top10("infirmiere", {"region": ("FR-BRE",)}, page=1)

FTS5 has no typo tolerance nor French stemming: a typo finds nothing, which is what it would serve.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from indexer.model import Testimonial
from search.schema import FIELD_BOOSTS

TEXT_COLUMNS = ("name", "profession", "rome_label", "metier", "parcours", "passion", "conseils")
FACET_COLUMNS = {"sector": "sector", "profession": "rome", "country": "country", "region": "region"}
Filters = Mapping[str, Sequence[str]]
_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(text: str) -> str | None:
    """A user query as an FTS5 expression: words ANDed, ``"phrases"`` kept, every token quoted."""
    parts: list[str] = []
    for phrase, bare in re.findall(r'"([^"]*)"|(\S+)', text):
        tokens = _WORD.findall(phrase or bare)
        if not tokens:
            continue
        parts.append('"' + " ".join(tokens) + '"')
    return " AND ".join(parts) if parts else None


class Fts5:
    """An FTS5 database of testimonials at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(str(path))
        self.weights = ", ".join(str(FIELD_BOOSTS[c]) for c in TEXT_COLUMNS)

    def build(self, testimonials: Iterable[Testimonial]) -> float:
        """Create and fill the tables in one transaction, then optimize; returns seconds."""
        started = time.perf_counter()
        db = self.db
        columns = ", ".join(TEXT_COLUMNS)
        db.executescript(
            f"""
            DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS themes;
            CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='unicode61 remove_diacritics 2');
            CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, sector TEXT, rome TEXT, country TEXT,
                              region TEXT, published INTEGER);
            CREATE TABLE themes(rowid INTEGER, theme TEXT);
            """
        )
        with db:
            for rowid, t in enumerate(testimonials, start=1):
                s = t.sections
                db.execute(
                    f"INSERT INTO docs(rowid, {columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (rowid, t.name, t.profession, t.rome_label, s.metier, s.parcours, s.passion, s.conseils),
                )
                db.execute(
                    "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (rowid, t.id, t.sector, t.rome, t.country, t.region, int(t.published.strftime("%Y%m%d"))),
                )
                db.executemany("INSERT INTO themes VALUES (?, ?)", [(rowid, theme) for theme in t.themes])
        db.executescript(
            """
            INSERT INTO docs(docs) VALUES ('optimize');
            CREATE INDEX meta_published ON meta(published);
            CREATE INDEX themes_rowid ON themes(rowid, theme);
            CREATE INDEX themes_theme ON themes(theme, rowid);
            ANALYZE;
            """
        )
        return time.perf_counter() - started

    def _where(self, expression: str | None, filters: Filters, skip: str | None = None) -> tuple[str, list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        if expression is not None:
            clauses.append("meta.rowid IN (SELECT rowid FROM docs WHERE docs MATCH ?)")
            args.append(expression)
        for facet, values in filters.items():
            if facet == skip or not values:
                continue
            marks = ", ".join("?" for _ in values)
            if facet == "theme":
                clauses.append(f"meta.rowid IN (SELECT rowid FROM themes WHERE theme IN ({marks}))")
            else:
                clauses.append(f"meta.{FACET_COLUMNS[facet]} IN ({marks})")
            args.extend(values)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def top10(self, text: str, filters: Filters, *, page: int = 1, page_size: int = 10) -> list[tuple[str, str]]:
        """The page of hits (id, snippet) and, implicitly, nothing else."""
        expression = match_expression(text)
        offset = (page - 1) * page_size
        if expression is None:
            where, args = self._where(None, filters)
            rows = self.db.execute(
                f"SELECT meta.id, substr(docs.metier, 1, 200) FROM meta JOIN docs ON docs.rowid = meta.rowid"
                f"{where} ORDER BY meta.published DESC, meta.id LIMIT ? OFFSET ?",
                [*args, page_size, offset],
            ).fetchall()
            return [(str(a), str(b)) for a, b in rows]
        where, args = self._where(None, filters)
        extra = where.replace(" WHERE ", " AND ", 1) if where else ""
        rows = self.db.execute(
            f"SELECT meta.id, snippet(docs, -1, '<mark>', '</mark>', '…', 24) FROM docs"
            f" JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ?{extra}"
            f" ORDER BY bm25(docs, {self.weights}) LIMIT ? OFFSET ?",
            [expression, *args, page_size, offset],
        ).fetchall()
        return [(str(a), str(b)) for a, b in rows]

    def facets(self, text: str, filters: Filters) -> dict[str, dict[str, int]]:
        """Total and disjunctive counts of every facet, by GROUP BY."""
        expression = match_expression(text)
        out: dict[str, dict[str, int]] = {}
        where, args = self._where(expression, filters)
        out["total"] = {"": int(self.db.execute(f"SELECT count(*) FROM meta{where}", args).fetchone()[0])}
        for facet in ("sector", "profession", "country", "region", "theme"):
            where, args = self._where(expression, filters, skip=facet)
            if facet == "theme":
                sql = (f"SELECT themes.theme, count(*) FROM themes JOIN meta ON meta.rowid = themes.rowid{where}"
                       " GROUP BY themes.theme")
            else:
                column = FACET_COLUMNS[facet]
                sql = f"SELECT meta.{column}, count(*) FROM meta{where} GROUP BY meta.{column}"
            out[facet] = {str(v): int(n) for v, n in self.db.execute(sql, args)}
        return out

    def search(self, text: str, filters: Filters, *, page: int = 1) -> tuple[list[tuple[str, str]], dict[str, dict[str, int]]]:
        """What a results page needs: the hits and every facet count."""
        return self.top10(text, filters, page=page), self.facets(text, filters)

    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.db.close()
