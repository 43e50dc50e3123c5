"""The page-weight budget of issue 15: the unfiltered results page stays under 25 KB gzipped,
measured on 1,000 synthetic testimonials (more professions and regions than the shipped corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import generate
from bench.weights import BUDGET_KB, measure
from indexer.build import build_index

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    choices = generate.load_choices(None)
    index = tmp_path_factory.mktemp("weight-index")
    build_index(list(generate.testimonials(1000, seed=1, choices=choices)), index, labels=choices.taxonomy.labels())
    return index


def test_unfiltered_results_page_within_budget(thousand: Path) -> None:
    rows = {what: (raw, packed) for what, _, raw, packed in measure(thousand)}
    raw, packed = rows["results, unfiltered"]
    assert packed <= BUDGET_KB * 1024, (raw, packed)
    assert packed < raw / 4  # gzip does its work on every page
    for what, (raw, packed) in rows.items():
        assert packed < raw, what
