"""indexer.stats: word counts like ``wc -w`` and coverage figures, in linear time on hostile text."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.corpus import load_corpus
from indexer.model import Sections
from indexer.model import Testimonial as Record  # "Test…" names would be collected by pytest
from indexer.stats import coverage, shared_sequences, word_count

GOOD = Path(__file__).resolve().parent / "data" / "good"


@pytest.fixture(scope="module")
def moussa() -> Record:
    report = load_corpus(GOOD)
    return next(t for t in report.testimonials if t.id == "moussa-boulanger")


def with_sections(t: Record, **texts: str) -> Record:
    sections = {key: texts.get(key, "") for key in ("metier", "conseils", "parcours", "passion")}
    return replace(t, sections=Sections(**sections))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Je pétris la pâte.", 4),
        ("« Bonjour » — dit-il !", 2),  # «, », — and ! alone are not words
        ("l’alternance, c’est 2 ans", 4),
        ("!!! ... --- a!!!b", 1),
        ("  \n\t ", 0),
        ("_ __ _x_", 1),
    ],
)
def test_words_are_counted_like_wc_with_a_letter_or_digit(moussa: Record, text: str, words: int) -> None:
    assert word_count(with_sections(moussa, metier=text, conseils="")) == words


def test_a_40_kb_section_of_punctuation_is_counted_in_linear_time(moussa: Record) -> None:
    """``\\S*[^\\W_]\\S*`` rescanned a run of punctuation from every position: 40 KB of « ! » took 15 s.

    A generous bound on hostile input, not a benchmark: linear code takes a few milliseconds.
    """
    bang = "!" * 40_000
    hostile = with_sections(moussa, metier="Boulanger " + bang, conseils=bang + " persévérez " + bang)
    started = time.perf_counter()
    figures = coverage([hostile, moussa])
    sequences = shared_sequences([hostile, moussa])
    elapsed = time.perf_counter() - started
    assert word_count(hostile) == 2
    assert figures["published"] == 2 and sequences == []
    assert elapsed < 1.0, f"{elapsed:.2f} s"
