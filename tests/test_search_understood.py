"""Search with the query understood (issue 14), on a corpus made for it (tests/data/understanding)
and the product's knowledge (the shipped taxonomy's rome.json and synonyms.yaml, compiled into the
generation's lexicon): professions first, places as filters, honest corrections, no dead end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.lexicon import taxonomy_lexicon
from indexer.taxonomy import load_taxonomy
from search.generation import Generation
from search.index import IndexHandle
from search.query import search
from web.app import create_app
from web.settings import Settings

DATA = Path(__file__).resolve().parent / "data" / "understanding"
SHIPPED_TAXONOMY = Path(__file__).resolve().parent.parent / "corpus" / "taxonomy"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = load_corpus(DATA, taxonomy_dir=SHIPPED_TAXONOMY)
    assert report.ok, [str(p) for p in report.errors]
    taxonomy = load_taxonomy(SHIPPED_TAXONOMY)
    target = tmp_path_factory.mktemp("understood-index")
    build_index(
        report.testimonials, target, labels=taxonomy.labels(used=report.testimonials),
        lexicon=taxonomy_lexicon(SHIPPED_TAXONOMY, taxonomy),
    )
    return target


@pytest.fixture(scope="module")
def gen(index: Path) -> Generation:
    return IndexHandle(index).current()


def ids(gen: Generation, text: str, **options: object) -> list[str]:
    return [h.id for h in search(gen, text, page_size=20, **options).hits]  # type: ignore[arg-type]


# --- professions first ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "first"), [
    ("véto", "claire-veterinaire"),  # the vet never writes « véto »
    ("comment devenir vétérinaire", "claire-veterinaire"),
    ("prof", "elodie-professeure-ecoles"),  # the comedian's « mon prof » comes after, if at all
    ("instit", "elodie-professeure-ecoles"),
    ("dev", "yasmine-developpeuse"),
])
def test_a_recognised_profession_puts_its_testimonials_first(gen: Generation, text: str, first: str) -> None:
    found = search(gen, text)
    assert found.hits[0].id == first
    assert found.understood["professions"] and all("testimonials" in p for p in found.understood["professions"])


def test_mentions_come_after_the_profession_s_own_testimonials(gen: Generation) -> None:
    found = ids(gen, "prof")
    assert set(found[:1]) == {"elodie-professeure-ecoles"}
    lacking = search(gen, "psychologue")  # none yet: closest métiers of the same sector, presented as such
    assert lacking.mentions_only and lacking.nearest and all(n.reason for n in lacking.nearest)
    nurses = ids(gen, "infirmier")
    assert set(nurses[:2]) == {"anna-infirmiere-brest", "bruno-infirmier-lyon"}


def test_the_rest_of_the_query_orders_the_profession(gen: Generation) -> None:
    assert ids(gen, "infirmière de nuit")[0] == "anna-infirmiere-brest"  # she speaks of nights


def test_abbreviations_never_match_other_words(gen: Generation) -> None:
    assert "yasmine-developpeuse" in ids(gen, "dev")
    assert ids(gen, "dev") == ["yasmine-developpeuse"]  # not « devenue » elsewhere
    assert "paul-boulanger" not in ids(gen, "ide")  # his « idée » is no IDE (nurse)


# --- places and sectors as filters -------------------------------------------------------------------


def test_a_region_typed_in_the_box_acts_as_its_filter(gen: Generation) -> None:
    found = search(gen, "Bretagne")
    assert found.understood["filters"] == {"region": ["FR-BRE"]}
    assert set(h.id for h in found.hits) == {"anna-infirmiere-brest", "lea-educatrice-canine"}
    # the lorry driver who only drives there is found by the word, one click away
    assert [h.id for h in search(gen, '"Bretagne"').hits] == ["nadege-chauffeuse-poids-lourd"]


def test_profession_and_place_together(gen: Generation) -> None:
    found = search(gen, "infirmière bretagne")
    assert [h.id for h in found.hits] == ["anna-infirmiere-brest"] and found.of_profession == 1
    elsewhere = search(gen, "infirmière Corse")
    assert elsewhere.of_profession == 0 and elsewhere.total == 0
    assert any(r.facet == "region" and r.total >= 2 for r in elsewhere.without_filter)


@pytest.mark.parametrize(("text", "region"), [
    ("Saint-Denis", "FR-974"), ("Seine-Saint-Denis", "FR-IDF"), ("dans le Lot", "FR-OCC"), ("Lot", "FR-OCC"),
])
def test_places_that_share_words(gen: Generation, text: str, region: str) -> None:
    assert search(gen, text).understood["filters"] == {"region": [region]}


def test_lot_the_word_stays_a_word(gen: Generation) -> None:
    found = search(gen, "un lot de maisons")
    assert found.understood["filters"] == {} and "lot" in found.understood["text"]


def test_fillers_decide_nothing(gen: Generation) -> None:
    assert ids(gen, "je veux un métier avec les chiens") [:1] == ids(gen, "chiens")[:1]


def test_an_interest_brings_its_fiches(gen: Generation) -> None:
    found = search(gen, "je veux travailler avec les animaux")
    assert found.understood["interests"] and found.hits[0].id in {"claire-veterinaire", "lea-educatrice-canine"}
    assert {h.id for h in found.hits[:2]} == {"claire-veterinaire", "lea-educatrice-canine"}


# --- honest corrections ------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["postier", "élevage", "bardeaux", "resto"])
def test_a_known_word_is_never_corrected_into_another(gen: Generation, word: str) -> None:
    found = search(gen, word)
    assert found.understood["corrections"] == [] and found.suggestion is None
    assert "marc-potier" not in [h.id for h in found.hits] or word != "postier"


def test_a_typo_is_corrected_and_announced(gen: Generation) -> None:
    found = search(gen, "infirmeire")
    assert found.understood["corrections"] == [{"from": "infirmeire", "to": "infirmière"}]
    assert found.suggestion == "infirmière" and found.total >= 2


# --- no dead end -------------------------------------------------------------------------------------


def test_a_lacking_profession_is_stated_with_the_nearest_and_the_mentions(gen: Generation) -> None:
    found = search(gen, "notaire")
    assert [(p["rome"], p["testimonials"]) for p in found.understood["professions"]] == [("K1901", 0)]
    assert found.mentions_only
    assert found.nearest and found.nearest[0].rome == "K1903"  # juriste: same domaine professionnel
    assert {h.id for h in found.hits} >= {"karim-juriste", "sonia-agente-immobiliere"}  # the neighbour, the mention


def test_a_job_without_fiche_is_stated_and_leads_somewhere(gen: Generation) -> None:
    found = search(gen, "astronaute")
    assert found.understood["professions"] == [] and found.understood["unlisted"][0]["label"] == "astronaute"
    assert found.mentions_only


# --- the contract on the CLI and the API -------------------------------------------------------------


def test_understood_in_the_api_and_the_cli(index: Path) -> None:
    with TestClient(create_app(Settings(index=index))) as client:
        body = client.get("/api/search", params={"q": "kiné Bretagne"}).json()
    assert set(body["understood"]) >= {"professions", "filters", "interests", "corrections", "text"}
    assert body["understood"]["professions"][0]["rome"] == "J1404" and body["understood"]["filters"] == {"region": ["FR-BRE"]}
    done = subprocess.run(
        [sys.executable, "-m", "bloomr.cli", "search", "véto", "--index", str(index), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    cli = json.loads(done.stdout)
    assert cli["understood"]["professions"] == [{"rome": "A1504", "label": "Vétérinaire", "from": "véto", "testimonials": 1}]
    assert cli["hits"][0]["id"] == "claire-veterinaire"
