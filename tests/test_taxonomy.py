"""indexer.taxonomy and indexer.taxonomy_sync: regions, professions, labels, the ROME export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from indexer.corpus import load_corpus
from indexer.taxonomy import THEME_SLUGS, fold, gender_forms, load_taxonomy
from indexer.taxonomy_sync import main as sync_main
from search.errors import CorpusError

TESTS = Path(__file__).parent
TAXONOMY = TESTS / "data" / "good" / "taxonomy"
SHIPPED_TAXONOMY = TESTS.parent / "corpus" / "taxonomy"
ROME = TESTS.parent.parent / "shared" / "data" / "rome" / "v460"
needs_rome = pytest.mark.skipif(not ROME.is_dir(), reason=f"ROME 4.0 export absent ({ROME}); it is reference data outside the repository")


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(TAXONOMY)


@pytest.fixture(scope="module")
def rome_tax():
    if not ROME.is_dir():
        pytest.skip(f"ROME 4.0 export absent ({ROME})")
    return load_taxonomy(TAXONOMY, rome_dir=ROME)


@pytest.mark.parametrize("text", ["Île-de-France", "ile de france", "ILE-DE-FRANCE", "Ile  de\tFrance", "île-de-france "])
def test_fold_is_case_accent_hyphen_insensitive(text: str) -> None:
    assert fold(text) == "ile de france"


@pytest.mark.parametrize("text", ["Pourquoi j’aime mon métier", "Pourquoi j'aime mon metier", "POURQUOI J`AIME MON MÉTIER"])
def test_fold_apostrophes(text: str) -> None:
    assert fold(text) == "pourquoi j aime mon metier"


REGIONS = [
    ("Bretagne", "FR", "FR-BRE", "Bretagne"),
    ("Finistère", "FR", "FR-BRE", "Bretagne"),
    ("finistere", "FR", "FR-BRE", "Bretagne"),
    ("Île-de-France", "FR", "FR-IDF", "Île-de-France"),
    ("Ile de France", "FR", "FR-IDF", "Île-de-France"),
    ("auvergne rhone alpes", "FR", "FR-ARA", "Auvergne-Rhône-Alpes"),
    ("Rhône", "FR", "FR-ARA", "Auvergne-Rhône-Alpes"),
    ("69", "FR", "FR-ARA", "Auvergne-Rhône-Alpes"),
    ("FR-69", "FR", "FR-ARA", "Auvergne-Rhône-Alpes"),
    ("1", "FR", "FR-ARA", "Auvergne-Rhône-Alpes"),
    ("01", "FR", "FR-ARA", "Auvergne-Rhône-Alpes"),
    ("2A", "FR", "FR-20R", "Corse"),
    ("2b", "FR", "FR-20R", "Corse"),
    ("Corse-du-Sud", "FR", "FR-20R", "Corse"),
    ("75", "FR", "FR-IDF", "Île-de-France"),
    ("Paris", "FR", "FR-IDF", "Île-de-France"),
    ("67", "FR", "FR-GES", "Grand Est"),
    ("Provence-Alpes-Côte d'Azur", "FR", "FR-PAC", "Provence-Alpes-Côte d’Azur"),
    ("971", "FR", "FR-971", "Guadeloupe"),
    ("Martinique", "FR", "FR-972", "Martinique"),
    ("Guyane", "FR", "FR-973", "Guyane"),
    ("974", "FR", "FR-974", "La Réunion"),
    ("La Réunion", "FR", "FR-974", "La Réunion"),
    ("976", "FR", "FR-976", "Mayotte"),
    ("Genève", "CH", "CH-GE", "Genève"),
    ("geneve", "CH", "CH-GE", "Genève"),
    ("Vaud", "CH", "CH-VD", "Vaud"),
    ("Berne", "CH", "CH-BE", "Berne"),
    ("Québec", "CA", "CA-QC", "Québec"),
    ("Nouveau-Brunswick", "CA", "CA-NB", "Nouveau-Brunswick"),
    ("Île-du-Prince-Édouard", "CA", "CA-PE", "Île-du-Prince-Édouard"),
    ("Liège", "BE", "BE-WAL", "Région wallonne"),
    ("Région wallonne", "BE", "BE-WAL", "Région wallonne"),
    ("Limbourg", "BE", "BE-VLG", "Région flamande"),
    ("Anvers", "BE", "BE-VLG", "Région flamande"),
    ("Bruxelles", "BE", "BE-BRU", "Région de Bruxelles-Capitale"),
    ("Dakar", "SN", "SN-DK", "Dakar"),
    ("Thiès", "SN", "SN-TH", "Thiès"),
    ("Luxembourg", "LU", "LU-LU", "Luxembourg"),
    ("Esch-sur-Alzette", "LU", "LU-ES", "Esch-sur-Alzette"),
    ("Casablanca", "MA", "MA-06", "Casablanca-Settat"),
    ("Marrakech", "MA", "MA-07", "Marrakech-Safi"),
    ("Abidjan", "CI", "CI-AB", "Abidjan"),
    ("Sfax", "TN", "TN-61", "Sfax"),
]


@pytest.mark.parametrize(("text", "country", "code", "label"), REGIONS)
def test_resolve_region(tax, text: str, country: str, code: str, label: str) -> None:
    region = tax.resolve_region(text, country)
    assert region is not None
    assert (region.code, region.label, region.country) == (code, label, country)


@pytest.mark.parametrize(("text", "country"), [("Bretange", "FR"), ("Genève", "FR"), ("Bretagne", "CH"), ("999", "FR"), ("", "FR")])
def test_unknown_region(tax, text: str, country: str) -> None:
    assert tax.resolve_region(text, country) is None


def test_suggest_regions(tax) -> None:
    assert [(w, r.code) for w, r in tax.suggest_regions("Bretange", "FR")][:1] == [("Bretagne", "FR-BRE")]
    assert [r.code for r in tax.find_region_elsewhere("Genève", "FR")] == ["CH-GE"]


@pytest.mark.parametrize(("label", "forms"), [
    ("Infirmier / Infirmière aide opératoire", ["Infirmier aide opératoire", "Infirmière aide opératoire"]),
    ("Cadre infirmier / Cadre infirmière hygiéniste", ["Cadre infirmier hygiéniste", "Cadre infirmière hygiéniste"]),
    ("Chargé / Chargée d'affaires marketing", ["Chargé d'affaires marketing", "Chargée d'affaires marketing"]),
    ("Infirmier libéral / Infirmière libérale", ["Infirmier libéral", "Infirmière libérale"]),
    ("Responsable marketing", ["Responsable marketing"]),
    ("Artiste Plasticien / Plasticienne", ["Artiste Plasticien", "Artiste Plasticienne"]),
    ("Pharmacien distributeur en gros / Pharmacienne distributrice", ["Pharmacien distributeur en gros", "Pharmacienne distributrice en gros"]),
    ("Homme sage-femme / Sage-femme", ["Homme sage-femme", "Sage-femme"]),
    ("Responsable plate-forme expédition / Livraison", ["Responsable plate-forme expédition / Livraison"]),
])
def test_gender_forms(label: str, forms: list[str]) -> None:
    assert gender_forms(label) == forms


@pytest.mark.parametrize(("text", "code"), [
    ("Boulanger", "D1102"), ("Boulangère", "D1102"), ("BOULANGERE", "D1102"),
    ("Aide-soignante", "J1501"), ("aide soignant", "J1501"),
    ("Chargée de communication", "E1112"), ("Chargé·e de communication", "E1112"), ("Chargé(e) de communication", "E1112"),
    ("Développeur·se web", "M1855"), ("Développeuse web", "M1855"),
    ("Infirmière", "J1506"), ("Infirmier·ère", "J1506"),
])
def test_resolve_profession_without_rome(tax, text: str, code: str) -> None:
    profession = tax.resolve_profession(text)
    assert profession is not None and profession.code == code


def test_unknown_profession(tax) -> None:
    assert tax.resolve_profession("Dompteuse de nuages") is None


def test_labels_are_plain_data(tax) -> None:
    labels = tax.labels()
    assert list(labels["sector"]) == list("ABCDEFGHIJKLMN")
    assert list(labels["theme"]) == list(THEME_SLUGS)
    assert labels["theme"]["reseau"] == "Réseau et rencontres"
    assert labels["sector"]["M"] == "Support à l’entreprise"
    assert labels["country"]["CI"] == "Côte d’Ivoire"
    assert labels["region"]["FR-BRE"] == "Bretagne" and labels["parents"]["region"]["FR-BRE"] == "FR"
    assert labels["parents"]["region"]["CH-GE"] == "CH"
    assert labels["profession"]["D1102"] == "Boulanger / Boulangère" and labels["parents"]["profession"]["D1102"] == "D"
    assert "FR-69" not in labels["region"]  # departments are not facet values


def test_labels_of_used_values(tax) -> None:
    report = load_corpus(TESTS / "data" / "good")
    labels = tax.labels(used=report.testimonials)
    assert len(labels["sector"]) == 14 and len(labels["theme"]) == 11
    assert set(labels["country"]) == {"FR", "CH", "SN", "BE", "CA"}
    assert set(labels["region"]) == {t.region for t in report.testimonials}
    assert set(labels["parents"]["profession"]) == {t.rome for t in report.testimonials}


def test_test_taxonomy_matches_the_shipped_one() -> None:
    for name in ("sectors.yaml", "themes.yaml", "countries.yaml", "regions.yaml", "short_labels.yaml"):
        assert (TAXONOMY / name).read_text(encoding="utf-8") == (SHIPPED_TAXONOMY / name).read_text(encoding="utf-8"), name


def _copy_taxonomy(tmp_path: Path) -> Path:
    target = tmp_path / "taxonomy"
    shutil.copytree(TAXONOMY, target)
    return target


def test_sectors_must_be_the_fourteen(tmp_path: Path) -> None:
    target = _copy_taxonomy(tmp_path)
    text = (target / "sectors.yaml").read_text(encoding="utf-8")
    (target / "sectors.yaml").write_text(text.replace("N: Transport et Logistique\n", ""), encoding="utf-8")
    with pytest.raises(CorpusError, match="les 14 grands domaines"):
        load_taxonomy(target)


def test_short_labels_for_youths(tax) -> None:
    """Every sector and theme has a short label, carried to the generation with the others."""
    assert tax.sectors["M"].short == "Informatique, gestion, marketing"
    assert tax.sectors["J"].short == "Santé"
    assert tax.themes["alternance"].short == "l’alternance"
    labels = tax.labels()
    assert list(labels["short"]["sector"]) == list("ABCDEFGHIJKLMN")
    assert all(len(label) <= 40 for label in labels["short"]["sector"].values())
    assert list(labels["short"]["theme"]) == list(THEME_SLUGS)


def test_short_labels_are_optional_but_complete_when_present(tmp_path: Path) -> None:
    target = _copy_taxonomy(tmp_path)
    text = (target / "short_labels.yaml").read_text(encoding="utf-8")
    (target / "short_labels.yaml").write_text(text.replace("  H: Industrie\n", ""), encoding="utf-8")
    with pytest.raises(CorpusError, match="« sectors » doit donner un libellé court"):
        load_taxonomy(target)
    (target / "short_labels.yaml").unlink()
    assert load_taxonomy(target).sectors["M"].short == ""  # falls back to the official label


def test_region_alias_to_unknown_code(tmp_path: Path) -> None:
    target = _copy_taxonomy(tmp_path)
    with (target / "regions.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  SN:\n    Gorée: SN-XX\n")
    with pytest.raises(CorpusError, match="« Gorée » renvoie au code inconnu « SN-XX »"):
        load_taxonomy(target)


# --- with the official ROME export --------------------------------------------------------------

@needs_rome
def test_rome_export_knows_every_fiche(rome_tax) -> None:
    assert len(rome_tax.professions) == 1584
    assert len(rome_tax.title_keys) > 13000
    nurse = rome_tax.professions["J1506"]
    assert (nurse.sector, nurse.domain) == ("J", "J15")
    assert "Infirmière de secteur psychiatrique" in nurse.titles


@needs_rome
@pytest.mark.parametrize(("text", "code"), [
    ("Boulangère", "D1102"), ("Développeuse informatique", "M1805"), ("Développeur·se informatique", "M1805"),
    ("Infirmière anesthésiste", "J1503"), ("Comptable", "M1203"), ("Consultante marketing digital", "M1718"),
    ("Professeure des écoles", "K2106"), ("Bûcheronne", "A1201"),
])
def test_resolve_profession_with_rome(rome_tax, text: str, code: str) -> None:
    profession = rome_tax.resolve_profession(text)
    assert profession is not None and profession.code == code


@needs_rome
def test_guess_profession_from_a_head_word(rome_tax) -> None:
    guess = rome_tax.guess_profession("Infirmière")
    assert guess is not None and guess.code == "J1506"


@needs_rome
def test_sync_writes_rome_json_and_only_the_volunteers_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(TESTS / "data" / "good", corpus)
    (corpus / "taxonomy" / "professions.yaml").unlink()
    assert not load_corpus(corpus).ok
    assert sync_main(["--rome", str(ROME), "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "1584 fiches, 13120 appellations" in out and "France Travail — ROME 4.0, version 60" in out
    report = load_corpus(corpus)  # without the ROME export: rome.json knows every fiche
    assert report.ok, [str(p) for p in report.problems]
    words = yaml.safe_load((corpus / "taxonomy" / "professions.yaml").read_text(encoding="utf-8"))
    taxonomy = load_taxonomy(corpus / "taxonomy")
    assert all(isinstance(titles, list) for titles in words.values())
    for code, titles in words.items():  # each one a word ROME lacks, mapped to its fiche
        assert all(taxonomy.resolve_profession(t).code == code for t in titles)
    assert sync_main(["--rome", str(ROME), "--corpus", str(corpus)]) == 0  # idempotent
    assert yaml.safe_load((corpus / "taxonomy" / "professions.yaml").read_text(encoding="utf-8")) == words


def test_shipped_taxonomy_knows_every_fiche_without_the_export() -> None:
    taxonomy = load_taxonomy(SHIPPED_TAXONOMY)
    assert len(taxonomy.professions) == 1584
    assert taxonomy.rome is not None and taxonomy.rome.credit == "France Travail — ROME 4.0, version 60"
    assert taxonomy.resolve_profession("Professeure des écoles").code == "K2106"
    assert taxonomy.resolve_profession("Institutrice").code == "K2106"
    assert taxonomy.resolve_profession("Vétérinaire").code == "A1504"


def test_words_for_a_fiche_rome_json_lacks_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "taxonomy"
    shutil.copytree(SHIPPED_TAXONOMY, target)
    (target / "professions.yaml").write_text("Z9999:\n- Dompteuse de nuages\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="fiche « Z9999 » invalide"):
        load_taxonomy(target)
    (target / "professions.yaml").write_text("A9999:\n- Dompteuse de nuages\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="fiche « A9999 » inconnue du ROME"):
        load_taxonomy(target)


# --- guessing a profession from its head word: indexed, same answers (issue 13) -----------------

def _guess_by_scanning(tax, text: str):  # type: ignore[no-untyped-def]
    """The former guess_profession, scanning every title key: the reference for the indexed one."""
    from indexer.taxonomy import _INCLUSIVE, _PARENS

    counts: dict[str, int] = {}
    stripped = _INCLUSIVE.sub("", text)
    for candidate in dict.fromkeys((_PARENS.sub("", stripped), stripped, text)):
        prefix = fold(candidate)
        if len(prefix) < 4:
            continue
        for key, code in tax.title_keys.items():
            if key.startswith(prefix + " ") and code in tax.professions:
                counts[code] = counts.get(code, 0) + 1
        if counts:
            break
    if not counts:
        return None
    best = max(counts.values())
    order = list(tax.title_keys.values())
    return tax.professions[min((c for c, n in counts.items() if n == best), key=order.index)]


@pytest.mark.parametrize("which", ["good", "shipped", "rome"])
def test_guess_profession_gives_the_answers_of_a_full_scan(which: str) -> None:
    if which == "rome" and not ROME.is_dir():
        pytest.skip(f"ROME 4.0 export absent ({ROME})")
    tax = load_taxonomy(TAXONOMY if which == "good" else SHIPPED_TAXONOMY, rome_dir=ROME if which == "rome" else None)
    texts = {"Infirmière", "INFIRMIER", "Développeur·se", "Chargé(e)", "Chef", "Rien du tout", "abc", ""}
    for key in list(tax.title_keys)[:: {"good": 1, "shipped": 5, "rome": 301}[which]]:
        words = key.split()
        texts.update((words[0], " ".join(words[:2]), words[0].upper() + "·e", f"{words[0]} (x)"))
    for text in sorted(texts):
        assert tax.guess_profession(text) == _guess_by_scanning(tax, text), text
