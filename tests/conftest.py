"""Shared fixtures: one real index built once per session from tests/data/good."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.taxonomy import load_taxonomy

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index directory whose ``current`` generation holds the good corpus (withdrawn ones skipped)."""
    taxonomy_dir = GOOD / "taxonomy"
    report = load_corpus(GOOD, taxonomy_dir=taxonomy_dir)
    assert report.ok, [str(p) for p in report.errors]
    taxonomy = load_taxonomy(taxonomy_dir)
    index = tmp_path_factory.mktemp("index")
    build_index(report.testimonials, index, labels=taxonomy.labels(used=report.testimonials))
    return index


@pytest.fixture
def good_corpus(tmp_path: Path) -> Path:
    """A private, writable copy of tests/data/good (withdrawals mark its files)."""
    import shutil

    target = tmp_path / "corpus"
    shutil.copytree(GOOD, target)
    return target


SHIPPED_TAXONOMY = DATA.parent.parent / "corpus" / "taxonomy"


@pytest.fixture(scope="session")
def lexicon_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding ``lexicon.json`` compiled from the shipped taxonomy (rome.json and
    synonyms.yaml are the product's knowledge, which these tests are about)."""
    from indexer.lexicon import taxonomy_lexicon, write_lexicon

    target = tmp_path_factory.mktemp("lexicon")
    write_lexicon(target, taxonomy_lexicon(SHIPPED_TAXONOMY, load_taxonomy(SHIPPED_TAXONOMY)))
    return target


@pytest.fixture(scope="session")
def lexicon(lexicon_dir: Path):  # type: ignore[no-untyped-def]
    from search.lexicon import read_lexicon

    return read_lexicon(lexicon_dir)


DISCOVERY = DATA / "discovery"


@pytest.fixture(scope="session")
def discovery_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/discovery (issue 15: related testimonials, quotes, places abroad)."""
    taxonomy_dir = GOOD / "taxonomy"
    report = load_corpus(DISCOVERY, taxonomy_dir=taxonomy_dir)
    assert report.ok, [str(p) for p in report.errors]
    index = tmp_path_factory.mktemp("discovery-index")
    build_index(report.testimonials, index, labels=load_taxonomy(taxonomy_dir).labels(used=report.testimonials))
    return index


@pytest.fixture(scope="session")
def understood_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of tests/data/good whose generation carries the shipped lexicon: its queries are
    understood (« notaire » -> K1901 with no testimonial, « infirmière bretagne » -> J1506 + FR-BRE)."""
    from indexer.lexicon import taxonomy_lexicon

    taxonomy_dir = GOOD / "taxonomy"
    report = load_corpus(GOOD, taxonomy_dir=taxonomy_dir)
    assert report.ok, [str(p) for p in report.errors]
    index = tmp_path_factory.mktemp("understood") / "index"
    lexicon = taxonomy_lexicon(SHIPPED_TAXONOMY, load_taxonomy(SHIPPED_TAXONOMY))
    build_index(report.testimonials, index, labels=load_taxonomy(taxonomy_dir).labels(used=report.testimonials), lexicon=lexicon)
    return index


@pytest.fixture(scope="session")
def metier_index(tmp_path_factory: pytest.TempPathFactory, lexicon_dir: Path) -> Path:
    """tests/data/discovery with the lexicon of the shipped taxonomy (rome.json, synonyms.yaml):
    what the product knows, over testimonials made for tests (métier pages, interests, the
    understood query on the results page)."""
    import json

    from search.lexicon import LEXICON_FILE

    taxonomy_dir = GOOD / "taxonomy"
    report = load_corpus(DISCOVERY, taxonomy_dir=taxonomy_dir)
    assert report.ok, [str(p) for p in report.errors]
    index = tmp_path_factory.mktemp("understood-index")
    data = json.loads((lexicon_dir / LEXICON_FILE).read_text(encoding="utf-8"))
    build_index(report.testimonials, index, labels=load_taxonomy(taxonomy_dir).labels(used=report.testimonials), lexicon=data)
    return index
