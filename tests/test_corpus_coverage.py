"""The shipped corpus keeps issue 9's figures: the one test that reads corpus/.

Each figure is its own test so a drift names exactly what fell short and by how much.
Run ``pytest tests/test_corpus_coverage.py -s`` to see the whole table.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indexer.corpus import load_corpus
from indexer.model import CorpusReport
from indexer.stats import METROPOLITAN_REGIONS, WORDS_MAX, WORDS_MIN, coverage, word_count
from indexer.taxonomy import load_taxonomy

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def report() -> CorpusReport:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def figures(report: CorpusReport) -> dict[str, Any]:
    data = coverage(report.testimonials)
    print("\n" + json.dumps(data, ensure_ascii=False, indent=1))
    return data


def test_corpus_passes_check(report: CorpusReport) -> None:
    assert not report.errors, "\n".join(str(p) for p in report.errors)


def test_at_least_120_testimonials(figures: dict[str, Any]) -> None:
    assert figures["testimonials"] >= 120, f"{figures['testimonials']} testimonials, {120 - figures['testimonials']} short"


def test_at_least_80_rome_fiches(figures: dict[str, Any]) -> None:
    assert figures["fiches"] >= 80


def test_all_14_grands_domaines_with_4_each(figures: dict[str, Any]) -> None:
    sectors = load_taxonomy(CORPUS / "taxonomy").sectors
    short = {code: figures["sectors"].get(code, 0) for code in sectors if figures["sectors"].get(code, 0) < 4}
    assert len(sectors) == 14
    assert not short, f"grands domaines below 4 testimonials: {short}"


def test_all_13_metropolitan_regions(figures: dict[str, Any]) -> None:
    assert len(METROPOLITAN_REGIONS) == 13
    assert figures["metropolitan_missing"] == []


def test_at_least_3_overseas_regions(figures: dict[str, Any]) -> None:
    assert len(figures["overseas_regions"]) >= 3, figures["overseas_regions"]


def test_at_least_30_outside_france(figures: dict[str, Any]) -> None:
    assert figures["outside_france"] >= 30


def test_every_theme_used_by_8(figures: dict[str, Any]) -> None:
    themes = load_taxonomy(CORPUS / "taxonomy").themes
    short = {slug: figures["themes"].get(slug, 0) for slug in themes if figures["themes"].get(slug, 0) < 8}
    assert not short, f"themes below 8 testimonials: {short}"


def test_themes_declared_in_about_half(figures: dict[str, Any]) -> None:
    assert 0.35 <= figures["themes_declared_share"] <= 0.65


def test_dates_2012_to_2026(report: CorpusReport) -> None:
    outside = [t.id for t in report.testimonials if not date(2012, 1, 1) <= t.published <= date(2026, 12, 31)]
    assert not outside


def test_at_least_2_withdrawn(figures: dict[str, Any]) -> None:
    assert figures["withdrawn"] >= 2


def test_250_to_600_words_each(report: CorpusReport) -> None:
    wrong = {t.id: word_count(t) for t in report.testimonials if not t.withdrawn}
    wrong = {i: n for i, n in wrong.items() if not WORDS_MIN <= n <= WORDS_MAX}
    assert not wrong


def test_titles_in_balance(figures: dict[str, Any]) -> None:
    """Feminine and masculine titles within a third of each other; inclusive writing in a few."""
    feminine, masculine = figures["titles"].get("feminine", 0), figures["titles"].get("masculine", 0)
    assert min(feminine, masculine) >= 0.66 * max(feminine, masculine), figures["titles"]
    assert figures["inclusive_writing"] >= 2
