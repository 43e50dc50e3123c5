"""indexer.lexicon and search.lexicon: the compiled lexicon, written into every generation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.build import build_index, update_index
from indexer.corpus import load_corpus
from indexer.lexicon import compile_lexicon, taxonomy_lexicon
from indexer.pipeline import withdraw
from indexer.places import department_numbers, known_places
from indexer.synonyms import Synonyms
from indexer.taxonomy import load_taxonomy
from search.index import IndexHandle
from search.lexicon import LEXICON_FILE, Lexicon, read_lexicon
from search.lexicon import lexicon as lexicon_of
from search.phrases import phrase_key

TESTS = Path(__file__).parent
GOOD = TESTS / "data" / "good"
SHIPPED = TESTS.parent / "corpus" / "taxonomy"


def entries(lexicon: Lexicon, phrase: str, *, guarded: bool = False, place: bool = False) -> list[tuple[str, str]]:
    """What a phrase means; a place name is looked up as spelled."""
    table = lexicon.guarded if guarded else lexicon.keys
    return [(lexicon.entries[i].kind, lexicon.entries[i].code) for i in table.get(phrase_key(phrase, exact=place), ())]


def test_every_fiche_and_its_titles(lexicon: Lexicon) -> None:
    assert len(lexicon.fiches) == 1584 and lexicon.credit == "France Travail — ROME 4.0, version 60"
    nurse = lexicon.fiches["J1506"]
    assert (nurse.feminine, nurse.domain, nurse.sector) == ("Infirmière en soins généraux (IDE)", "J15", "J")
    assert entries(lexicon, "Infirmière de secteur psychiatrique") == [("profession", "J1506")]
    assert entries(lexicon, "Infirmier en soins généraux") == [("profession", "J1506")]  # without its « (IDE) »
    assert entries(lexicon, "Institutrice") == [("profession", "K2106")]
    assert entries(lexicon, "Consultante en stratégie digitale") == [("profession", "M1718")]  # a volunteer's words
    assert len(lexicon.domains) == 110 and lexicon.sectors["J"] == ("Santé", "Santé")
    assert lexicon.rome_themes["012"] == ("Métiers auprès des enfants", "Enfants")


def test_fiches_carry_their_definition_and_diplomas(lexicon: Lexicon) -> None:
    nurse = lexicon.fiches["J1506"]
    assert nurse.definition.startswith("L’infirmier en soins généraux (IDE) dispense des soins")
    assert nurse.definition.endswith(".") and len(nurse.definition) < 400
    driver = lexicon.fiches["A1101"]
    assert driver.without_diploma and driver.levels == ("CAP", "Bac")
    assert all(f.definition for f in lexicon.fiches.values())


def test_a_lexicon_written_before_definitions_still_reads() -> None:
    from search.lexicon import lexicon_from_data

    old = {"format": 1, "entries": [], "keys": {}, "guarded": {}, "departments": {}, "place_words": [],
           "fiches": {"J1506": ["Infirmier / Infirmière", "Infirmier", "Infirmière", "J15", False]},
           "domains": {}, "sectors": {}, "rome_themes": {}, "centres_interet": {}, "known_words": []}
    nurse = lexicon_from_data(old).fiches["J1506"]
    assert (nurse.definition, nurse.levels, nurse.feminine) == ("", (), "Infirmière")


def test_the_labels_youths_read_mean_one_interest_when_typed(lexicon: Lexicon) -> None:
    """The home page links each centre d'intérêt and ROME theme to ``/recherche?q=<label>``:
    typed, the label must be understood whole, as one interest."""
    from search.understand import understand

    labels = [short for _, short in (*lexicon.centres_interet.values(), *lexicon.rome_themes.values())]
    for label in labels:
        found = understand(lexicon, label)
        assert (len(found.interests), found.professions, found.filters, found.text) == (1, (), (), ""), label
    assert understand(lexicon, "Diriger une équipe").interests[0].code == "2"  # was « diriger » + the word « équipe »
    assert understand(lexicon, "Les animaux").interests[0].kind == "interest"  # the maintainers' meaning is kept


def test_youth_words_replace_rome_for_their_key(lexicon: Lexicon) -> None:
    assert entries(lexicon, "kiné") == [("profession", "J1404")]
    assert entries(lexicon, "huissier") == [("profession", "K1905")]  # ROME's « Huissier (menuisier) » is not it
    assert entries(lexicon, "carrière") == [("filler", "")]  # a filler silences the quarry worker's feminine
    assert entries(lexicon, "conseiller") == []  # « Conseiller (assurance) » gives no key to every conseiller


def test_places(lexicon: Lexicon) -> None:
    assert entries(lexicon, "Finistère", place=True) == [("region", "FR-BRE")]
    assert entries(lexicon, "Seine-Saint-Denis", place=True) == [("region", "FR-IDF")]
    assert entries(lexicon, "Saint-Denis", place=True) == [("region", "FR-974")]
    assert entries(lexicon, "Côte d’Ivoire", place=True) == [("country", "CI")]
    assert entries(lexicon, "lot", place=True) == [] and entries(lexicon, "lot", guarded=True, place=True) == [("region", "FR-OCC")]
    assert entries(lexicon, "Lot-et-Garonne", place=True) == [("region", "FR-NAQ")]
    assert entries(lexicon, "Gers", place=True) == [("region", "FR-OCC")] and entries(lexicon, "gère", place=True) == []
    assert entries(lexicon, "La Source", guarded=True, place=True) == [("region", "MC-SO")]  # a quarter of Monaco
    assert lexicon.entries[lexicon.departments["93"]].code == "FR-IDF"
    assert lexicon.entries[lexicon.departments["2a"]].code == "FR-20R"
    assert phrase_key("dans") in lexicon.place_words and phrase_key("près de") in lexicon.place_words
    assert entries(lexicon, "BRE", place=True) == [] and entries(lexicon, "69", place=True) == []  # codes and numbers are not names


def test_known_places_follow_the_taxonomy() -> None:
    taxonomy = load_taxonomy(SHIPPED)
    places = known_places(taxonomy)
    centre = places[phrase_key("Centre")]
    assert centre[0].code == "FR-CVL" and {p.code for p in centre} >= {"FR-CVL", "CM-CE"}  # France first
    assert department_numbers(taxonomy)["1"] == department_numbers(taxonomy)["01"]


def test_interests_are_resolved_to_fiches(lexicon: Lexicon) -> None:
    animals = next(lexicon.entries[i] for i in lexicon.keys[phrase_key("travailler avec les animaux")])
    assert animals.kind == "interest" and {"A1504", "A1501", "A1426"} <= set(animals.fiches)
    free = next(lexicon.entries[i] for i in lexicon.keys[phrase_key("sans le bac")])
    assert len(free.fiches) > 200 and all(lexicon.fiches[c].without_diploma for c in free.fiches)
    children = next(lexicon.entries[i] for i in lexicon.keys[phrase_key("Métiers auprès des enfants")])
    assert children.kind == "rome_theme" and "K2106" in children.fiches


def test_known_words(lexicon: Lexicon) -> None:
    for word in ("élevage", "bardeaux", "postier", "resto", "dev", "Bretagne", "idée"):
        assert lexicon.is_known(word), word
    assert not lexicon.is_known("xqzw")


def test_compiles_from_a_taxonomy_without_rome_json() -> None:
    data = compile_lexicon(load_taxonomy(GOOD / "taxonomy"), Synonyms())
    lexicon = read_lexicon_data(data)
    assert set(lexicon.fiches) == {p for p in json.loads(json.dumps(data))["fiches"]} and len(lexicon.fiches) == 8
    assert entries(lexicon, "Boulangère") == [("profession", "D1102")]
    assert entries(lexicon, "Bretagne", place=True) == [("region", "FR-BRE")]


def read_lexicon_data(data: dict[str, object]) -> Lexicon:
    from search.lexicon import lexicon_from_data

    return lexicon_from_data(json.loads(json.dumps(data)))


def test_size_and_load_time_are_reported(lexicon_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Figures, not a timed assertion: the lexicon stays a small file read in a fraction of a second."""
    import time

    size = (lexicon_dir / LEXICON_FILE).stat().st_size
    started = time.perf_counter()
    read_lexicon(lexicon_dir)
    with capsys.disabled():
        print(f"\nlexicon.json: {size / 1e6:.2f} MB, read in {(time.perf_counter() - started) * 1000:.0f} ms")
    assert size < 5_000_000


# --- in a generation ---------------------------------------------------------------------------

def build(index_dir: Path, lexicon: dict[str, object] | None) -> str:
    report = load_corpus(GOOD)
    labels = load_taxonomy(GOOD / "taxonomy").labels()
    return build_index(report.testimonials, index_dir, labels=labels, lexicon=lexicon).generation


def test_written_next_to_words_json_and_verified(tmp_path: Path) -> None:
    lexicon = taxonomy_lexicon(GOOD / "taxonomy", load_taxonomy(GOOD / "taxonomy"))
    name = build(tmp_path / "index", lexicon)
    generation = tmp_path / "index" / name
    assert (generation / LEXICON_FILE).is_file() and (generation / "words.json").is_file()
    assert not list(generation.glob(".*"))  # no temporary file left behind
    assert read_lexicon(generation).fiches.keys() == lexicon["fiches"].keys()  # type: ignore[attr-defined]
    served = IndexHandle(tmp_path / "index").current()
    assert lexicon_of(served) is lexicon_of(served.hide(frozenset({"x"})))  # read once per generation, whatever is hidden


def test_a_generation_without_one_understands_nothing(tmp_path: Path) -> None:
    name = build(tmp_path / "index", None)
    lexicon = read_lexicon(tmp_path / "index" / name)
    assert lexicon.empty and not lexicon.is_known("infirmière")


def test_update_writes_a_new_file_and_never_through_the_previous_one(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    taxonomy = load_taxonomy(GOOD / "taxonomy")
    first = build(index_dir, compile_lexicon(taxonomy, Synonyms()))
    before = (index_dir / first / LEXICON_FILE).read_bytes()
    changed = compile_lexicon(taxonomy, Synonyms(fillers=("je veux",)))
    report = load_corpus(GOOD)
    second = update_index(report.testimonials, index_dir, labels=taxonomy.labels(), lexicon=changed).generation
    assert (index_dir / first / LEXICON_FILE).read_bytes() == before
    assert os.stat(index_dir / first / LEXICON_FILE).st_ino != os.stat(index_dir / second / LEXICON_FILE).st_ino
    assert phrase_key("je veux") in read_lexicon(index_dir / second).keys


def test_a_withdrawal_keeps_it(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    taxonomy = load_taxonomy(good_corpus / "taxonomy")
    report = load_corpus(good_corpus)
    build_index(report.testimonials, index_dir, labels=taxonomy.labels(), lexicon=compile_lexicon(taxonomy, Synonyms()))
    done = withdraw(index_dir, "yasmine-comptable", corpus_dir=good_corpus)
    current = IndexHandle(index_dir).current()
    assert current.name == done.generations[-1] and not read_lexicon(current.path).empty


def test_the_search_side_reads_it_without_the_indexer() -> None:
    code = "import sys, search.lexicon, search.understand; print(sorted(m for m in sys.modules if m.split('.')[0] in ('indexer', 'web', 'yaml')))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=TESTS.parent, check=True)
    assert run.stdout.strip() == "[]"
