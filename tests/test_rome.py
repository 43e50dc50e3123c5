"""indexer.rome and indexer.rome_export: the ROME 4.0 knowledge shipped as corpus/taxonomy/rome.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.rome import ROME_FILE, Rome, read_rome, rome_data, rome_from_data, rome_text
from indexer.rome_export import read_export, typographic
from search.errors import CorpusError

TESTS = Path(__file__).parent
SHIPPED = TESTS.parent / "corpus" / "taxonomy" / ROME_FILE
ROME = TESTS.parent.parent / "shared" / "data" / "rome" / "v460"
needs_rome = pytest.mark.skipif(not ROME.is_dir(), reason=f"ROME 4.0 export absent ({ROME}); it is reference data outside the repository")


@pytest.fixture(scope="module")
def rome() -> Rome:
    return read_rome(SHIPPED)


@pytest.mark.parametrize(("raw", "expected"), [
    ("l''entretien", "l’entretien"),
    ("Chargé / Chargée d'affaires", "Chargé / Chargée d’affaires"),
    ('option "Tracteurs et machines"', "option «\u00a0Tracteurs et machines\u00a0»"),
    ("  deux   espaces ", "deux espaces"),
])
def test_typographic(raw: str, expected: str) -> None:
    assert typographic(raw) == expected


def test_the_lists(rome: Rome) -> None:
    assert (len(rome.fiches), len(rome.grands_domaines), len(rome.domaines), len(rome.themes)) == (1584, 14, 110, 17)
    assert (len(rome.secteurs), len(rome.sous_secteurs), len(rome.centres_interet)) == (35, 40, 30)
    assert rome.themes["012"] == "Métiers auprès des enfants"
    assert rome.secteurs["85"].label == "Santé" and rome.secteurs["85"].sous_secteurs == {"118": "Soins animaliers", "119": "Médical"}
    assert rome.sous_secteurs["141"] == ("Restauration", "102")
    assert rome.centres_interet["17"] == "J’aime m’occuper des animaux"
    assert rome.credit == "France Travail — ROME 4.0, version 60"
    assert rome.about["licence"].startswith("Licence Ouverte")


def test_a_fiche(rome: Rome) -> None:
    nurse = rome.fiches["J1506"]
    assert (nurse.masculine, nurse.feminine) == ("Infirmier en soins généraux (IDE)", "Infirmière en soins généraux (IDE)")
    assert (nurse.domain, nurse.sector, rome.domaines[nurse.domain]) == ("J15", "J", "Soins paramédicaux")
    assert nurse.definition.startswith("L’infirmier en soins généraux (IDE) dispense des soins")
    assert nurse.secteurs[0] == "85" and "119" in nurse.sous_secteurs
    assert "Infirmière de secteur psychiatrique" in nurse.titles
    teacher = rome.fiches["K2106"]
    assert {"Instituteur", "Institutrice"} <= set(teacher.titles)
    assert "012" in teacher.themes


def test_every_fiche_is_complete_and_consistent(rome: Rome) -> None:
    sous = rome.sous_secteurs
    for code, fiche in rome.fiches.items():
        assert fiche.label and fiche.masculine and fiche.feminine, code
        assert fiche.domain in rome.domaines and fiche.sector in rome.grands_domaines, code
        assert fiche.definition.endswith((".", "!", "?", "…")) and "''" not in fiche.definition, code
        assert "'" not in fiche.label + fiche.definition, code  # typographic apostrophes only
        assert set(fiche.themes) <= set(rome.themes) and fiche.secteurs and set(fiche.secteurs) <= set(rome.secteurs), code
        assert all(sous[s][1] in fiche.secteurs for s in fiche.sous_secteurs), code
        assert fiche.appellations and all(a.titles for a in fiche.appellations), code
        assert not fiche.parent or fiche.parent in rome.fiches, code
    assert sum(len(f.appellations) for f in rome.fiches.values()) == 13120


def test_without_diploma(rome: Rome) -> None:
    assert rome.fiches["A1101"].without_diploma  # « accessible sans diplôme particulier »
    assert not rome.fiches["J1506"].without_diploma
    free = [f for f in rome.fiches.values() if "017" in f.themes]
    assert free and all(f.without_diploma for f in free)
    assert rome.fiches["A1101"].levels == ("CAP", "Bac")


def test_round_trip(rome: Rome) -> None:
    assert rome_from_data(rome_data(rome)) == rome


def test_file_is_compact_and_sorted() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert SHIPPED.stat().st_size < 4_000_000
    fiche_lines = [line for line in text.splitlines() if line[:1] == '"' and line[1:2].isupper() and line[6:8] == '":']
    assert len(fiche_lines) == 1584 and fiche_lines == sorted(fiche_lines)
    assert '"credit":"France Travail — ROME 4.0, version 60"' in text


def test_a_damaged_file_names_the_remedy(tmp_path: Path) -> None:
    path = tmp_path / ROME_FILE
    path.write_text('{"format": 1, "fiches": ', encoding="utf-8")
    with pytest.raises(CorpusError, match="fichier ROME illisible") as caught:
        read_rome(path)
    assert "taxonomy_sync" in caught.value.remedy


@needs_rome
def test_shipped_file_is_what_the_export_gives() -> None:
    """Deterministic, and up to date: regenerate with python -m indexer.taxonomy_sync --rome DIR."""
    assert rome_text(read_export(ROME)) == SHIPPED.read_text(encoding="utf-8")
