"""The shipped corpus keeps issue 19's figures: the one test module that holds corpus/ to figures.

Each figure is its own test so a drift names exactly what fell short and by how much.
Run ``pytest tests/test_corpus_coverage.py -s`` to see the whole table.
(Elsewhere, ``test_taxonomy`` and ``test_bench_generator`` read the shipped taxonomy, and
``test_themes`` measures theme inference against the themes the shipped testimonials declare;
no test of the search's behaviour depends on the shipped corpus.)
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indexer.corpus import load_corpus
from indexer.model import CorpusReport
from indexer.stats import METROPOLITAN_REGIONS, WORDS_MAX, WORDS_MIN, coverage, shared_sequences, word_count
from indexer.taxonomy import load_taxonomy

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FRANCOPHONE = ("CA", "CH", "BE", "SN", "CI", "CM", "MG", "LB", "HT")
"""Countries of the francophone world that issue 19 wants each present."""


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


def test_at_least_260_testimonials(figures: dict[str, Any]) -> None:
    assert figures["testimonials"] >= 260, f"{figures['testimonials']} testimonials, {260 - figures['testimonials']} short"


def test_at_least_180_rome_fiches(figures: dict[str, Any]) -> None:
    assert figures["fiches"] >= 180, f"{figures['fiches']} fiches, {180 - figures['fiches']} short"


def test_at_least_50_fiches_with_2_voices(figures: dict[str, Any]) -> None:
    assert figures["fiches_with_2"] >= 50, f"{figures['fiches_with_2']} fiches with 2+ testimonials"


def test_at_least_15_fiches_with_3_voices(figures: dict[str, Any]) -> None:
    assert figures["fiches_with_3"] >= 15, f"{figures['fiches_with_3']} fiches with 3+ testimonials"


def test_all_14_grands_domaines_with_4_each(figures: dict[str, Any]) -> None:
    sectors = load_taxonomy(CORPUS / "taxonomy").sectors
    short = {code: figures["sectors"].get(code, 0) for code in sectors if figures["sectors"].get(code, 0) < 4}
    assert len(sectors) == 14
    assert not short, f"grands domaines below 4 testimonials: {short}"


def test_all_13_metropolitan_regions(figures: dict[str, Any]) -> None:
    assert len(METROPOLITAN_REGIONS) == 13
    assert figures["metropolitan_missing"] == []


def test_5_overseas_regions_with_mayotte(figures: dict[str, Any]) -> None:
    assert len(figures["overseas_regions"]) >= 5, figures["overseas_regions"]
    assert "FR-976" in figures["overseas_regions"], figures["overseas_regions"]


def test_at_least_60_outside_france(figures: dict[str, Any]) -> None:
    assert figures["outside_france"] >= 60, f"{figures['outside_france']} outside France"


def test_francophone_countries_each_present(figures: dict[str, Any]) -> None:
    missing = [code for code in FRANCOPHONE if not figures["countries"].get(code)]
    assert not missing, f"countries without a testimonial: {missing}"


def test_every_theme_used_by_25(figures: dict[str, Any]) -> None:
    """Declared or inferred: ``Testimonial.themes`` holds either."""
    themes = load_taxonomy(CORPUS / "taxonomy").themes
    short = {slug: figures["themes"].get(slug, 0) for slug in themes if figures["themes"].get(slug, 0) < 25}
    assert not short, f"themes below 25 testimonials: {short}"


def test_themes_declared_in_about_half(figures: dict[str, Any]) -> None:
    assert 0.35 <= figures["themes_declared_share"] <= 0.65


def test_dates_2012_to_2026(report: CorpusReport) -> None:
    outside = [t.id for t in report.testimonials if not date(2012, 1, 1) <= t.published <= date(2026, 12, 31)]
    assert not outside


def test_at_least_2_withdrawn(figures: dict[str, Any]) -> None:
    assert figures["withdrawn"] >= 2


def test_words_within_bounds_each(report: CorpusReport) -> None:
    wrong = {t.id: word_count(t) for t in report.testimonials if not t.withdrawn}
    wrong = {i: n for i, n in wrong.items() if not WORDS_MIN <= n <= WORDS_MAX}
    assert not wrong, f"outside {WORDS_MIN}..{WORDS_MAX} words: {wrong}"


def test_at_least_8_short_testimonials(figures: dict[str, Any]) -> None:
    """Up to 200 words, as some real testimonials are."""
    assert figures["short_testimonials"] >= 8, f"{figures['short_testimonials']} testimonials of 200 words or fewer"


def test_at_least_8_long_testimonials(figures: dict[str, Any]) -> None:
    """600 words or more."""
    assert figures["long_testimonials"] >= 8, f"{figures['long_testimonials']} testimonials of 600 words or more"


def test_no_shared_6_word_sequences(report: CorpusReport) -> None:
    """No template voice: no two testimonials (withdrawn ones included) share a run of 6 words."""
    pairs = shared_sequences(report.testimonials)
    assert not pairs, f"{len(pairs)} pairs share a sequence:\n" + "\n".join(f"{a} | {b} | {s}" for a, b, s in pairs)


def test_titles_in_balance(figures: dict[str, Any]) -> None:
    """Feminine and masculine titles within a third of each other; inclusive writing in a few."""
    feminine, masculine = figures["titles"].get("feminine", 0), figures["titles"].get("masculine", 0)
    assert min(feminine, masculine) >= 0.66 * max(feminine, masculine), figures["titles"]
    assert figures["inclusive_writing"] >= 2
