"""The benchmark generator: deterministic, realistic shapes, and loadable by the corpus reader."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from bench import generate
from bench.generate import MAX_WORDS, MIN_WORDS, load_choices, records, write_jsonl
from bench.words import FEMALE_NAMES, MALE_NAMES

N = 400


@pytest.fixture(scope="module")
def choices():  # type: ignore[no-untyped-def]
    return load_choices()


@pytest.fixture(scope="module")
def generated(choices) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return list(records(N, seed=7, choices=choices))


def test_same_seed_same_bytes(tmp_path: Path, choices) -> None:  # type: ignore[no-untyped-def]
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    write_jsonl(a, 50, seed=3, choices=choices)
    write_jsonl(b, 50, seed=3, choices=choices)
    write_jsonl(c, 50, seed=4, choices=choices)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_smaller_corpus_is_a_prefix(choices) -> None:  # type: ignore[no-untyped-def]
    assert list(records(20, seed=3, choices=choices)) == list(records(50, seed=3, choices=choices))[:20]


def test_word_counts_within_bounds(generated: list[dict[str, object]]) -> None:
    for rec in generated:
        sections = rec["sections"]
        assert isinstance(sections, dict)
        total = sum(len(text.split()) for text in sections.values())
        assert MIN_WORDS <= total <= MAX_WORDS, rec["id"]
        assert sections["metier"] and sections["conseils"]


def test_themes_declared_in_about_half(generated: list[dict[str, object]]) -> None:
    with_themes = [rec for rec in generated if "themes" in rec]
    assert 0.4 * N <= len(with_themes) <= 0.6 * N
    assert all(1 <= len(rec["themes"]) <= 3 for rec in with_themes)  # type: ignore[arg-type]


def test_both_genders_and_skewed_professions(generated: list[dict[str, object]]) -> None:
    names = {rec["name"] for rec in generated}
    assert names & set(FEMALE_NAMES) and names & set(MALE_NAMES)
    counts: dict[object, int] = {}
    for rec in generated:
        counts[rec["rome"]] = counts.get(rec["rome"], 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 5 * ranked[len(ranked) // 2]  # a few very common, a long tail


def test_ids_unique_and_valid(generated: list[dict[str, object]]) -> None:
    ids = [str(rec["id"]) for rec in generated]
    assert len(set(ids)) == len(ids)
    assert all(i == i.lower() and i.replace("-", "").isalnum() and i.isascii() for i in ids)


@pytest.mark.skipif(importlib.util.find_spec("indexer.corpus") is None, reason="indexer.corpus is not written yet")
def test_loads_with_the_corpus_reader_like_testimonials(tmp_path: Path, choices) -> None:  # type: ignore[no-untyped-def]
    from indexer.corpus import load_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parent.parent / "corpus" / "taxonomy", corpus / "taxonomy")
    write_jsonl(corpus / "testimonials" / "bench.jsonl", 60, seed=5, choices=choices)
    report = load_corpus(corpus)
    assert [str(p) for p in report.problems] == []
    assert len(report.testimonials) == 60
    direct = {t.id: t for t in generate.testimonials(60, seed=5, choices=choices)}
    assert {t.id: t for t in report.testimonials} == direct


def test_records_are_json_lines(tmp_path: Path, choices) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.jsonl"
    write_jsonl(path, 5, seed=1, choices=choices)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert set(json.loads(lines[0])) >= {"id", "name", "profession", "rome", "region", "country", "published",
                                         "status", "sections"}
