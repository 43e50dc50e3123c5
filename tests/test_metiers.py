"""search.metiers, search.interests and search.suggest on the discovery corpus read with the product's
knowledge (``metier_index``: tests/data/discovery, the lexicon of the shipped taxonomy).

The discovery corpus: three infirmiers (J1506: Brest, Lyon, Quimper), an aide-soignante (J1501,
Rennes), boulangers in Brest and Dakar (D1102), a comptable in Paris (M1203), a développeuse in
Genève (M1805), a consultante in Québec (M1718), a chargé de communication in Abidjan (E1112).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import NotFound
from search.generation import Generation
from search.index import IndexHandle
from search.interests import interests
from search.metiers import metier, metiers, nearby
from search.query import search
from search.results import Nearby
from search.suggest import suggest


@pytest.fixture(scope="module")
def gen(metier_index: Path) -> Generation:
    return IndexHandle(metier_index).current()


@pytest.fixture(scope="module")
def bare(discovery_index: Path) -> Generation:
    """The same testimonials, in a generation without lexicon."""
    return IndexHandle(discovery_index).current()


# --- one métier ------------------------------------------------------------------------------------

def test_a_told_metier(gen: Generation) -> None:
    page = metier(gen, "J1506")
    assert (page.label, page.masculine, page.feminine) == (
        "Infirmier / Infirmière en soins généraux (IDE)", "Infirmier en soins généraux (IDE)", "Infirmière en soins généraux (IDE)")
    assert page.definition.startswith("L’infirmier en soins généraux (IDE) dispense des soins")
    assert page.credit == "France Travail — ROME 4.0, version 60"
    assert (page.domain, page.domain_label, page.sector, page.sector_label) == ("J15", "Soins paramédicaux", "J", "Santé")
    assert page.testimonials == 3 and page.told
    dates = [h.published for h in page.hits]
    assert sorted(h.id for h in page.hits) == ["anna-infirmiere-brest", "bruno-infirmier-lyon", "hugo-infirmier-quimper"]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert page.related == (Nearby("J1501", "Aide-soignant / Aide-soignante", 1, "même domaine professionnel"),)
    assert not page.without_diploma and page.levels == ()


def test_a_metier_nobody_told_yet(gen: Generation) -> None:
    page = metier(gen, "J1104")
    assert (page.feminine, page.testimonials, page.hits, page.told) == ("Sage-femme", 0, (), False)
    assert page.definition  # what it is, all the same
    # the nearest that have testimonials: same domaine first (none here), then same grand domaine
    assert [(n.rome, n.testimonials, n.reason) for n in page.related] == [
        ("J1506", 3, "même secteur"), ("J1501", 1, "même secteur")]


def test_diplomas_as_rome_says(gen: Generation) -> None:
    driver = metier(gen, "A1101")
    assert driver.without_diploma and driver.levels == ("CAP", "Bac") and driver.related == ()


@pytest.mark.parametrize("code", ["Z9999", "J150", "J15066", "", "j1506", "<script>", "J1506 "])
def test_an_unknown_code_is_not_found(gen: Generation, code: str) -> None:
    with pytest.raises(NotFound) as raised:
        metier(gen, code)
    assert "ROME" in raised.value.message and raised.value.remedy and raised.value.status == 404


def test_without_lexicon_a_told_metier_still_has_its_page(bare: Generation) -> None:
    page = metier(bare, "J1506")
    assert page.label == "Infirmier / Infirmière en soins généraux (IDE)" and page.definition == "" and page.testimonials == 3
    with pytest.raises(NotFound):
        metier(bare, "J1104")  # a fiche only the lexicon knows


def test_withdrawn_and_paused_testimonials_are_not_counted(gen: Generation) -> None:
    later = gen.hide(frozenset({"anna-infirmiere-brest"}), frozenset({"bruno-infirmier-lyon"}))
    page = metier(later, "J1506")
    assert [h.id for h in page.hits] == ["hugo-infirmier-quimper"] and page.testimonials == 1
    assert [e.testimonials for e in metiers(later).entries if e.rome == "J1506"] == [1]
    assert metier(gen, "J1506").testimonials == 3  # the generation value itself never changes


def test_the_json_is_the_page_data(gen: Generation) -> None:
    data = metier(gen, "J1506").to_dict()
    assert set(data) == {"rome", "label", "masculine", "feminine", "definition", "without_diploma", "levels", "domain",
                         "sector", "testimonials", "hits", "related", "credit"}
    assert data["domain"] == {"code": "J15", "label": "Soins paramédicaux"} and len(data["hits"]) == 3
    assert data["related"] == [{"rome": "J1501", "label": "Aide-soignant / Aide-soignante", "testimonials": 1,
                                "reason": "même domaine professionnel"}]


def test_nearby_same_domaine_then_same_sector(gen: Generation) -> None:
    assert [(n.rome, n.reason) for n in nearby(gen, ["J1502"])] == [
        ("J1506", "même domaine professionnel"), ("J1501", "même domaine professionnel")]
    assert [n.rome for n in nearby(gen, ["M1810"])] == ["M1805", "M1203", "M1718"]  # M18, then M by count and code
    assert nearby(gen, ["J1506"], skip=["J1501"]) == ()
    assert nearby(gen, ["not a code"]) == ()


# --- the A–Z ---------------------------------------------------------------------------------------

def test_the_a_to_z_of_told_metiers(gen: Generation) -> None:
    index = metiers(gen)
    assert [(e.rome, e.letter, e.testimonials) for e in index.entries] == [
        ("J1501", "A", 1), ("D1102", "B", 2), ("E1112", "C", 1), ("M1718", "C", 1), ("M1203", "C", 1),
        ("M1805", "D", 1), ("J1506", "I", 3)]
    assert [letter for letter, _ in index.letters()] == ["A", "B", "C", "D", "I"]
    sectors = {s.code: (s.metiers, s.testimonials) for s in index.sectors}
    assert sectors["J"] == (2, 4) and sectors["M"] == (3, 3) and sectors["A"] == (0, 0) and len(sectors) == 14


def test_letters_ignore_accents_and_ligatures() -> None:
    from search.metiers import MetierEntry

    assert [MetierEntry("E1102", "Écrivain", 1).letter, MetierEntry("D1101", "Œnologue", 1).letter] == ["E", "O"]


# --- interests -------------------------------------------------------------------------------------

def test_interests_lead_to_the_testimonials_their_search_finds(gen: Generation) -> None:
    found = interests(gen)
    assert len(found.centres) == 30  # every centre d'intérêt reads as one interest
    care = next(i for i in found.centres if i.code == "22")
    assert (care.label, care.query, care.testimonials) == ("Prendre soin des autres", "Prendre soin des autres", 4)
    for item in (*found.centres, *found.themes):
        results = search(gen, item.query, page_size=1)
        assert results.total == item.testimonials, item.label  # the count shown is the search's
        assert results.understood["interests"] and not results.understood["text"], item.label
    # « Enfants » (a ROME theme) means what the centre « Les enfants » means: offered once
    assert "Les enfants" in [i.label for i in found.centres] and "Enfants" not in [i.label for i in found.themes]


def test_no_interest_without_lexicon(bare: Generation) -> None:
    assert interests(bare).centres == () and interests(bare).themes == ()


# --- autocomplete ----------------------------------------------------------------------------------

def kinds(found: list) -> list[tuple[str, str, str, int]]:  # type: ignore[type-arg]
    return [(s.text, s.kind, s.code, s.count) for s in found]


def test_a_metier_is_one_suggestion_leading_to_its_fiche(gen: Generation) -> None:
    found = suggest(gen, "infirm")
    assert kinds(found)[0] == ("Infirmier", "profession", "J1506", 3)  # Infirmière, Infirmier: one entry
    assert all(s.code != "J1506" for s in found[1:])
    # no word the search reads as the same métier (« infirmière », « infirmiers »)
    assert not any(s.kind == "word" and s.text.startswith("infirmi") for s in found)


def test_metiers_nobody_told_come_after_with_no_count(gen: Generation) -> None:
    found = suggest(gen, "sage-f")
    assert ("Sage-femme", "profession", "J1104", 0) in kinds(found)


def test_places_sectors_and_interests_apply_themselves(gen: Generation) -> None:
    bretagne = [s for s in suggest(gen, "bret") if s.kind == "region"]
    assert [(s.text, s.code, s.count, s.query, s.detail) for s in bretagne] == [("Bretagne", "FR-BRE", 4, "", "")]
    finistere = [s for s in suggest(gen, "finis") if s.kind == "region"]
    assert [(s.text, s.code, s.detail) for s in finistere] == [("Finistère", "FR-BRE", "Bretagne")]
    after_words = [s for s in suggest(gen, "infirmière bret") if s.kind == "region"]
    assert [(s.code, s.query) for s in after_words] == [("FR-BRE", "infirmière")]  # the other words stay
    assert ("Santé", "sector", "J", 4) in kinds(suggest(gen, "sant"))
    care = [s for s in suggest(gen, "prendre soin") if s.kind == "interest"]
    assert [(s.text, s.query, s.count) for s in care] == [("Prendre soin des autres", "Prendre soin des autres", 4)]


def test_no_place_nor_interest_from_one_letter(gen: Generation) -> None:
    assert [s for s in suggest(gen, "infirmière b") if s.kind in ("region", "country", "sector", "interest")] == []


def test_places_without_testimonials_are_not_offered(gen: Generation) -> None:
    assert [s for s in suggest(gen, "normand") if s.kind == "region"] == []


def test_to_dict_says_what_choosing_does(gen: Generation) -> None:
    data = [s.to_dict() for s in suggest(gen, "infirmière bret")]
    assert data[0] == {"text": "Bretagne", "kind": "region", "count": 4, "code": "FR-BRE", "query": "infirmière"}
