"""Page weights as sent: ``python -m bench.weights [--index DIR] [--markdown]``.

Builds the shipped corpus into a temporary index (or uses ``--index``), asks the app in process
for each kind of page with ``Accept-Encoding: gzip`` and without, and prints the bytes on the
wire: raw HTML (or XML, CSS, JS) and gzipped, as the GZip middleware sends them. A measurement,
not a test (``tests/test_web_weight.py`` holds the budget).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

from starlette.testclient import TestClient

from indexer.pipeline import index_corpus
from search.index import IndexHandle
from search.lexicon import lexicon
from search.metiers import testimonial_counts
from search.query import search
from web.app import create_app
from web.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BUDGET_KB = 25
"""The unfiltered results page, gzipped (issue 15)."""


def pages(index_dir: Path) -> list[tuple[str, str]]:
    """(what, URL) of each kind of page, the testimonial being the newest one, the métier pages
    the most told fiche and the first fiche of the lexicon that nobody told yet."""
    generation = IndexHandle(index_dir).current()
    newest = search(generation, "", sort="recent", page_size=1).hits
    testimonial = f"/temoignages/{newest[0].id}" if newest else "/temoignages/x"
    told = testimonial_counts(generation)
    most = max(told, key=lambda code: (told[code], code)) if told else "J1506"
    untold = next((code for code in sorted(lexicon(generation).fiches) if code not in told), "A1101")
    return [
        ("home", "/"),
        ("results, unfiltered", "/recherche"),
        ("results, one sector", "/recherche?sector=J"),
        ("results, words", "/recherche?q=infirmi%C3%A8re"),
        ("results, understood", "/recherche?q=infirmi%C3%A8re+dans+le+Finist%C3%A8re"),
        ("results, none", "/recherche?q=astronaute"),
        ("testimonial", testimonial),
        ("métiers A–Z", "/metiers"),
        ("métier, told", f"/metiers/{most}"),
        ("métier, not yet told", f"/metiers/{untold}"),
        ("Atom feed", "/flux.xml"),
        ("sitemap", "/sitemap.xml"),
        ("bloomr.css", "/static/bloomr.css"),
        ("bloomr.js", "/static/bloomr.js"),
    ]


def weigh(client: TestClient, url: str) -> tuple[int, int]:
    """(raw bytes, gzipped bytes) of one response body as sent."""
    sizes = []
    for encoding in ("identity", "gzip"):
        with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
            sizes.append(sum(len(chunk) for chunk in response.iter_raw()))
    return sizes[0], sizes[1]


def measure(index_dir: Path) -> list[tuple[str, str, int, int]]:
    with TestClient(create_app(Settings(index=index_dir))) as client:
        return [(what, url, *weigh(client, url)) for what, url in pages(index_dir)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.weights", description=__doc__)
    parser.add_argument("--index", type=Path, help="an index directory (default: build corpus/ into a temporary one)")
    parser.add_argument("--markdown", action="store_true", help="a table for the README")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bloomr-weights-") as tmp:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(tmp) / "index"
            index_corpus(ROOT / "corpus", index_dir)
        count = IndexHandle(index_dir).current().count
        rows = measure(index_dir)
    if args.markdown:
        print(f"| page ({count} testimonials) | raw (KB) | gzipped (KB) |\n|---|---|---|")
        for what, url, raw, packed in rows:
            print(f"| {what} (`{url}`) | {raw / 1024:.1f} | {packed / 1024:.1f} |")
    else:
        for what, url, raw, packed in rows:
            print(f"{what:22} {raw / 1024:7.1f} KB raw {packed / 1024:6.1f} KB gzipped  {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
