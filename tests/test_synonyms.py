"""indexer.synonyms: the hand-kept synonyms.yaml, read with its line numbers and checked by bloomr check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.corpus import load_corpus
from indexer.synonyms import SYNONYMS_FILE, load_synonyms
from indexer.taxonomy import Taxonomy, load_taxonomy

TESTS = Path(__file__).parent
SHIPPED = TESTS.parent / "corpus" / "taxonomy"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(SHIPPED)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / SYNONYMS_FILE
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, taxonomy: Taxonomy) -> list[str]:
    return [str(p) for p in load_synonyms(path, taxonomy)[1]]


def test_the_shipped_file_is_clean_and_rich(taxonomy: Taxonomy) -> None:
    synonyms, found = load_synonyms(SHIPPED / SYNONYMS_FILE, taxonomy)
    assert [str(p) for p in found] == []
    assert len(synonyms.professions) >= 400 and len(synonyms.interests) >= 50
    assert synonyms.professions["kiné"] == ("J1404",) and synonyms.professions["véto"] == ("A1504",)
    assert set(synonyms.centres_interet) == set(taxonomy.rome.centres_interet)  # type: ignore[union-attr]
    assert set(synonyms.grands_domaines) == set("ABCDEFGHIJKLMN") and len(synonyms.rome_themes) == 17
    assert "je veux" in synonyms.fillers and "dans" in synonyms.place_words and "lot" in synonyms.places_if_capitalised
    animals = next(i for i in synonyms.interests if i.label == "Les animaux")
    assert "travailler avec les animaux" in animals.phrases and animals.targets.centres_interet == ("17",)


def test_a_missing_file_adds_nothing(tmp_path: Path, taxonomy: Taxonomy) -> None:
    synonyms, found = load_synonyms(tmp_path / SYNONYMS_FILE, taxonomy)
    assert found == () and not synonyms.professions


def test_unknown_fiche_with_its_line_and_a_remedy(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, "professions:\n  kiné: [J1404]\n  véto: [A1540]\n  toubib: []\n")
    assert problems(path, taxonomy) == [
        f"{path}:3: fiche « A1540 » inconnue — vouliez-vous dire « A1510 » « Préparateur / Préparatrice d’équidés » ?",
        f"{path}:4: « toubib » ne renvoie à aucune fiche — indiquez une liste de codes ROME : [J1404]",
    ]


def test_a_phrase_means_one_thing(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, (
        "fillers: [je veux, métier]\n"
        "professions:\n"
        "  kiné: [J1404]\n"
        "  kinés: [J1404]\n"          # the same words: gender and number do not count
        "  métiers: [K2107]\n"        # already a filler
        "interests:\n"
        "  - label: Le sport\n"
        "    phrases: [sport, kiné]\n"  # already a profession
        "    rome_themes: [\"015\"]\n"
    ))
    assert problems(path, taxonomy) == [
        f"{path}:4: « kinés » est déjà défini ligne 3 (professions, « kiné », « kiné ») — une expression ne peut vouloir dire qu’une chose : gardez-la à un seul endroit",
        f"{path}:5: « métiers » est déjà défini ligne 1 (mot vide, « métier ») — une expression ne peut vouloir dire qu’une chose : gardez-la à un seul endroit",
        f"{path}:8: « kiné » est déjà défini ligne 3 (professions, « kiné », « kiné ») — une expression ne peut vouloir dire qu’une chose : gardez-la à un seul endroit",
    ]


def test_duplicate_keys_and_redundant_forms(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, (
        "professions:\n"
        "  kiné: [J1404]\n"
        "  kiné: [J1403]\n"
        "fillers: [boulot, boulots]\n"
    ))
    assert problems(path, taxonomy) == [
        f"{path}:4: attention : « boulots » se lit comme « boulot » (ligne 4) : inutile — retirez l’une des deux formes : la casse, les accents, le genre, le nombre et les articles ne comptent pas",
        f"{path}:3: profession « kiné » en double (déjà ligne 2) — fusionnez les deux entrées",
    ]


def test_rome_titles_are_known_already(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, "professions:\n  vétérinaire: [A1504]\n  serveur: [G1609]\n")
    assert problems(path, taxonomy) == [
        f"{path}:2: attention : « vétérinaire » est déjà l’intitulé ROME de la fiche A1504 : inutile — retirez-le",
        f"{path}:3: attention : « serveur » est l’intitulé ROME de la fiche G1803 « Serveur / Serveuse en restauration », absente d’ici"
        " — ajoutez G1803 à la liste, ou gardez ce choix en connaissance de cause",
    ]


def test_interests_need_a_label_phrases_and_targets(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, (
        "interests:\n"
        "  - label: Les étoiles\n"
        "    phrases: [étoiles]\n"
        "  - label: Les volcans\n"
        "    phrases: [volcans]\n"
        "    rome_themes: [\"099\"]\n"
        "    colour: red\n"
        "  - phrases: [nuages]\n"
        "    fiches: [K2407]\n"
    ))
    assert problems(path, taxonomy) == [
        f"{path}:2: intérêt « Les étoiles » : aucune cible — indiquez au moins une cible : fiches, domains, sectors, rome_themes,"
        " secteurs, sous_secteurs, centres_interet ou without_diploma: true",
        f"{path}:7: champ « colour » inconnu — champs permis : label, phrases, fiches, domains, sectors, rome_themes, secteurs,"
        " sous_secteurs, centres_interet, without_diploma",
        f"{path}:6: thème ROME « 099 » inconnu — vouliez-vous dire « 009 » « Métiers du multimédia » ?",
        f"{path}:4: intérêt « Les volcans » : aucune cible — indiquez au moins une cible : fiches, domains, sectors, rome_themes,"
        " secteurs, sous_secteurs, centres_interet ou without_diploma: true",
        f"{path}:8: intérêt sans label — ajoutez « label: » (ce que voit le jeune)",
    ]


def test_every_centre_and_grand_domaine_is_worded(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, (
        "grands_domaines:\n"
        "  A: {label: Nature et animaux, phrases: [agriculture]}\n"
        "  Z: {phrases: [zoo]}\n"
    ))
    found = problems(path, taxonomy)
    assert found[0] == f"{path}:2: grand domaine « A » : le libellé court est dans short_labels.yaml — retirez « label: » ici ; gardez « phrases: »"
    assert found[1] == f"{path}:3: grand domaine « Z » inconnu — codes attendus : A, B, C, D, E, F, G, H, I, J, K, L, M, N"
    assert found[2] == f"{path}:2: grand domaine B « Arts et Façonnage d’ouvrages d’art » absent — ajoutez « B: » avec ses phrases"
    assert len(found) == 2 + 13


def test_a_label_cut_by_its_comma_is_reported(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, (
        "centres_interet:\n"
        "  \"3\": {label: Le business, vendre, domains: [D14]}\n"
        "  \"8\": {label: \"Communiquer, convaincre\", domains: [E11]}\n"
    ))
    found = problems(path, taxonomy)
    assert found[0] == (
        f"{path}:2: centre d’intérêt « 3 » : champ « vendre » inconnu — champs permis : label, phrases, fiches, domains,"
        " sectors, rome_themes, secteurs, sous_secteurs, centres_interet, without_diploma ; un label qui contient une"
        " virgule s’écrit entre guillemets"
    )
    assert not any(":3:" in problem for problem in found)  # quoted, the whole label is read


def test_places(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, (
        "places:\n"
        "  Angleterre: GB\n"
        "  Bretagne: FR-BRE\n"
        "  Atlantide: AT-XX\n"
        "places_if_capitalised: [lot, atlantide]\n"
    ))
    assert problems(path, taxonomy) == [
        f"{path}:3: lieu « Bretagne » déjà connu (Bretagne, FR-BRE) — retirez-le",
        f"{path}:4: lieu « Atlantide » : code « AT-XX » inconnu — écrivez le code ISO d’un pays de countries.yaml (« GB ») ou d’une de ses régions (« GB-SCT »)",
        f"{path}:5: « atlantide » n’est pas un lieu connu — retirez-le, ou ajoutez d’abord le lieu (regions.yaml ou places)",
    ]


def test_unknown_section_and_broken_yaml(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = write(tmp_path, "profesions:\n  kiné: [J1404]\n")
    assert problems(path, taxonomy) == [f"{path}:1: section « profesions » inconnue — vouliez-vous dire « professions » ?"]
    path = write(tmp_path, "professions:\n  kiné: [J1404\n  véto: [A1504]\n")
    assert problems(path, taxonomy)[0].startswith(f"{path}:3: YAML illisible")


def test_bloomr_check_reports_them_and_index_refuses(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(TESTS / "data" / "good", corpus)
    shutil.copy(SHIPPED / "rome.json", corpus / "taxonomy" / "rome.json")
    (corpus / "taxonomy" / "professions.yaml").unlink()
    (corpus / "taxonomy" / SYNONYMS_FILE).write_text("professions:\n  kiné: [J9999]\n", encoding="utf-8")
    report = load_corpus(corpus)
    assert [str(p) for p in report.errors] == [
        f"{corpus / 'taxonomy' / SYNONYMS_FILE}:2: fiche « J9999 » inconnue — voyez la liste des codes (fiche) dans rome.json",
    ]
    run = subprocess.run([sys.executable, "-m", "bloomr.cli", "check", "--corpus", str(corpus)], capture_output=True, text=True)
    assert run.returncode == 1 and f"{SYNONYMS_FILE}:2: fiche « J9999 »" in run.stdout
