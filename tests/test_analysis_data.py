"""The French analyzer against the external vocabularies of ../shared/data (skipped without them).

The goals are those of issue 3; the figures come from the same functions as
``python -m bench.analysis``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bench import analysis as bench
from search.analysis import STOP_WORDS, analyze, fold, is_stop_word

ROOT = bench.data_dir()
REASON = bench.missing_data(ROOT)
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"external data absent: {REASON}")
LUCENE = ROOT / "french-analysis" / "lucene"


def test_gender_goal() -> None:
    share = bench.measure_gender(ROOT)
    assert share.total > 1000
    assert share.met, share.line() + "\n" + "\n".join(share.failures)


def test_inclusive_short_titles() -> None:
    share = bench.measure_inclusive(ROOT)
    assert share.total > 1000
    assert share.met, share.line() + "\n" + "\n".join(share.failures)


def test_accent_goal_on_rome_titles() -> None:
    share = bench.measure_accents("ROME titles", bench.appellations(ROOT))
    assert share.total == 13120
    assert share.failures == ()


def test_accent_goal_on_snowball_vocabulary() -> None:
    share = bench.measure_accents("Snowball", bench.snowball_words(ROOT))
    assert share.total == 21655
    assert share.failures == ()


def test_number_goal() -> None:
    share = bench.measure_number(ROOT)
    assert share.total > 3000
    assert share.met, share.line() + "\n" + "\n".join(share.failures)


def test_overmerging_stays_rare() -> None:
    share = bench.measure_overmerge_frlight(ROOT)
    assert share.met, share.line() + "\n" + "\n".join(share.failures[:40])


def test_no_two_rome_fiche_labels_collapse() -> None:
    share = bench.measure_overmerge_fiches(ROOT)
    assert share.total == 1584
    assert share.failures == ()


def test_no_rome_word_becomes_a_stop_word() -> None:
    """A content word of a job title is never dropped as a stop word by the query builder."""
    written_stops = {fold(word) for word in WRITTEN_STOP_WORDS}
    offenders = set()
    for title in bench.appellations(ROOT) + bench.fiche_labels(ROOT):
        for word in bench.written_words(title):
            if fold(word) not in written_stops and any(is_stop_word(token) for token in analyze(word)):
                offenders.add(word)
    assert not offenders


WRITTEN_STOP_WORDS = (
    "le la les l un une des du de d au aux a à et ou ni que qu qui dont je j tu il ils elle elles on nous vous "
    "me m te t se s lui y ce c cet cette ces mon ma mes ta tes sa ses notre nos votre vos leur leurs "
    "en dans sur par pour avec sans chez"
).split()


def test_stop_words_are_those_written_words() -> None:
    assert STOP_WORDS == {analyze(word)[0] for word in WRITTEN_STOP_WORDS}


def _lucene_rows(name: str) -> list[dict[str, str]]:
    with (LUCENE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_lucene_elision_example() -> None:
    row = _lucene_rows("elision_example.tsv")[0]
    expected = [fold(token) for token in json.loads(row["expected_tokens_json"])]
    # Lucene's example elides only l' and M'; we elide every French article, and normalise plurals.
    assert analyze(row["input"]) == [analyze(token)[0] for token in expected]


def test_lucene_ascii_folding_of_latin_letters() -> None:
    """Every Latin letter Lucene folds to ASCII letters, we fold the same way (lower-cased)."""
    mismatches = []
    for line in (LUCENE / "ascii_folding_all.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        source, target = fields[0], fields[1]
        if len(source) != 1 or not source.isalpha() or not target.isascii() or not target.isalpha():
            continue
        if fold(source) != target.lower():
            mismatches.append(f"{source} -> {fold(source)} (Lucene {target})")
    assert len(mismatches) <= 25, "\n".join(mismatches)


def test_shared_data_is_read_in_place() -> None:
    """The report reads ../shared/data; nothing of it is copied into the repository."""
    repository = Path(__file__).resolve().parent.parent
    assert not (repository / "tests" / "data" / "frlight.txt").exists()
