"""search.understand: what a youth's query names, against the lexicon of the shipped taxonomy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.lexicon import Lexicon
from search.understand import Understanding, understand


def read(lexicon: Lexicon, text: str) -> dict[str, object]:
    """A compact view: professions, filters, interests (kind:code), fillers and the text left."""
    u = understand(lexicon, text)
    return {
        "professions": [p.rome for p in u.professions],
        "filters": u.facet_filters(),
        "interests": [f"{i.kind}:{i.code}" for i in u.interests],
        "fillers": list(u.fillers),
        "text": u.text,
    }


def professions(lexicon: Lexicon, text: str) -> list[str]:
    return [p.rome for p in understand(lexicon, text).professions]


def filters(lexicon: Lexicon, text: str) -> dict[str, tuple[str, ...]]:
    return understand(lexicon, text).facet_filters()


# --- professions -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "first"), [
    ("véto", "A1504"), ("vétos", "A1504"), ("kiné", "J1404"), ("KINÉ", "J1404"), ("dev", "M1805"),
    ("IDE", "J1506"), ("ide", "J1506"), ("instit", "K2106"), ("toubib", "J1102"), ("flic", "K1708"), ("keuf", "K1708"),
    ("cuistot", "G1609"), ("garagiste", "I1604"), ("compta", "M1203"), ("mécano", "I1604"), ("resto", "G1803"),
    ("prof", "K2107"), ("ASH", "J1301"), ("AS", "J1501"), ("infirmière", "J1506"), ("aide-soignant", "J1501"),
    ("préposée aux bénéficiaires", "J1501"), ("éducatrice en garderie", "K1202"), ("logopède", "J1406"),
    ("régente", "K2107"), ("physiothérapeute", "J1413"), ("employé de commerce", "M1602"), ("ASSC", "J1501"),
    ("taximan", "N4112"), ("boutiquier", "D1302"), ("Professeure des écoles", "K2106"), ("ingénieur du son", "L1508"),
    ("notaire", "K1901"), ("postier", "M1603"),
])
def test_professions(lexicon: Lexicon, text: str, first: str) -> None:
    assert professions(lexicon, text)[0] == first


@pytest.mark.parametrize(("text", "first"), [
    # a more precise phrase wins over its first word (« prof », « chasseur », « plongeur », « dev », « gardien »…)
    ("prof de piano", "K2105"), ("prof de natation", "G1224"), ("prof de muscu", "G1217"), ("prof doc", "K1601"),
    ("chasseur alpin", "K1701"), ("plongeur sous-marin", "I1502"), ("business dev", "D1402"), ("ingé réseau", "M1822"),
    ("gardienne d'enfants", "K1303"), ("gardien de zoo", "A1506"), ("commis de dépanneur", "D1106"),
    ("moniteur de conduite", "K2110"), ("sous-marinier", "K1737"), ("coach de vie", "K1103"),
    # brands, slang, acronyms, clippings
    ("fenwick", "N1101"), ("clarkiste", "N1101"), ("zicos", "L1202"), ("baqueux", "K1708"), ("IDEL", "J1506"),
    ("CGP", "C1205"), ("PLP", "K2107"), ("ATSEM", "K1308"), ("dame de cantine", "G1607"), ("auxi de puer", "J1304"),
    # regional usages
    ("taximen", "N4112"), ("éducateur A1", "K1207"), ("préposé", "J1501"), ("femme d'ouvrage", "K1304"),
    ("maman de jour", "K1310"), ("woro-woro", "N4102"), ("taxieur", "N4112"), ("madan sara", "D1110"),
])
def test_youth_words_and_regional_usages(lexicon: Lexicon, text: str, first: str) -> None:
    assert professions(lexicon, text)[0] == first


@pytest.mark.parametrize("text", ["je veux être maire", "chasseur de tornades", "hygiéniste dentaire"])
def test_jobs_without_fiche_are_not_professions(lexicon: Lexicon, text: str) -> None:
    u = understand(lexicon, text)
    assert not u.professions and u.unlisted and u.unlisted[0].near


@pytest.mark.parametrize("text", ["infirmière", "infirmiere", "INFIRMIER", "infirmières", "infirmier·ère", "Infirmier(e)s"])
def test_accents_case_gender_number(lexicon: Lexicon, text: str) -> None:
    assert read(lexicon, text) == {"professions": ["J1506"], "filters": {}, "interests": [], "fillers": [], "text": ""}


def test_a_profession_keeps_the_words_it_came_from(lexicon: Lexicon) -> None:
    u = understand(lexicon, "comment devenir Kiné à Lyon")
    assert [(p.rome, p.label, p.from_, p.source) for p in u.professions] == [("J1404", "Kinésithérapeute", "Kiné", "synonyms")]
    assert [(f.facet, f.value, f.label, f.from_) for f in u.filters] == [("region", "FR-ARA", "Auvergne-Rhône-Alpes", "Lyon")]
    assert u.fillers == ("comment devenir",) and u.text == ""


def test_longest_title_first(lexicon: Lexicon) -> None:
    assert professions(lexicon, "infirmière anesthésiste") == ["J1503"]
    assert professions(lexicon, "prof de maths") == ["K2107"]
    assert professions(lexicon, "chef de projet web") == ["M1886"]


def test_abbreviations_match_only_themselves(lexicon: Lexicon) -> None:
    assert read(lexicon, "idée")["professions"] == []  # « IDE » is never « idée »
    assert read(lexicon, "as")["professions"] == [] and read(lexicon, "AS")["professions"] == ["J1501"]
    assert read(lexicon, "devenu")["professions"] == []  # « dev » is no prefix


# --- places ------------------------------------------------------------------------------------

def test_bretagne_the_region(lexicon: Lexicon) -> None:
    assert read(lexicon, "Bretagne") == {"professions": [], "filters": {"region": ("FR-BRE",)}, "interests": [], "fillers": [], "text": ""}
    assert read(lexicon, "infirmière bretagne")["filters"] == {"region": ("FR-BRE",)}
    assert read(lexicon, "infirmière bretagne")["professions"] == ["J1506"]


def test_quoting_a_word_searches_the_word(lexicon: Lexicon) -> None:
    """How a page offers « Bretagne : région · chercher plutôt le mot »."""
    u = understand(lexicon, 'infirmière "Bretagne"')
    assert u.facet_filters() == {} and u.text == '"Bretagne"'
    assert understand(lexicon, "boulanger -nuit").text == "-nuit"


@pytest.mark.parametrize(("text", "region"), [
    ("Saint-Denis", "FR-974"), ("saint denis", "FR-974"), ("Seine-Saint-Denis", "FR-IDF"), ("seine saint denis", "FR-IDF"),
    ("Lot", "FR-OCC"), ("dans le lot", "FR-OCC"), ("Lot-et-Garonne", "FR-NAQ"), ("lot et garonne", "FR-NAQ"),
    ("Manche", "FR-NOR"), ("en Somme", "FR-HDF"), ("dans la Vienne", "FR-NAQ"), ("Finistère", "FR-BRE"),
    ("dans le 93", "FR-IDF"), ("département 69", "FR-ARA"), ("en Corse-du-Sud", "FR-20R"), ("dans le 2A", "FR-20R"),
    ("Gers", "FR-OCC"), ("Vendée", "FR-PDL"), ("Genève", "CH-GE"), ("Québec", "CA-QC"), ("Montréal", "CA-QC"), ("Dakar", "SN-DK"), ("Paris", "FR-IDF"), ("paris", "FR-IDF"),
])
def test_places(lexicon: Lexicon, text: str, region: str) -> None:
    assert filters(lexicon, text) == {"region": (region,)}
    assert understand(lexicon, text).text == ""


@pytest.mark.parametrize(("text", "left"), [
    ("lot", "lot"), ("un lot de", "lot"), ("vienne", "vienne"), ("LOT", "LOT"), ("93", "93"), ("infirmière 93", "93"),
    ("Sud", "Sud"), ("travailler dans le sud", "sud"),
    ("gère", "gère"), ("la source", "source"),  # Gers, and a quarter of Monaco: places are spelled exactly
])
def test_common_words_and_numbers_are_not_places_out_of_context(lexicon: Lexicon, text: str, left: str) -> None:
    u = understand(lexicon, text)
    assert u.facet_filters() == {} and u.text == left


def test_a_place_abroad_needs_its_country(lexicon: Lexicon) -> None:
    assert filters(lexicon, "Centre") == {"region": ("FR-CVL",)}  # France first
    assert filters(lexicon, "Centre Cameroun") == {"region": ("CM-CE",), "country": ("CM",)}
    assert filters(lexicon, "Sud Cameroun") == {"region": ("CM-SU",), "country": ("CM",)}


def test_countries_and_several_places(lexicon: Lexicon) -> None:
    assert filters(lexicon, "Côte d'Ivoire") == {"country": ("CI",)}
    assert filters(lexicon, "Belgique") == {"country": ("BE",)}
    assert filters(lexicon, "en Bretagne ou en Normandie") == {"region": ("FR-BRE", "FR-NOR")}


# --- sectors, themes, interests -----------------------------------------------------------------

def test_sectors_and_advice_themes_are_filters(lexicon: Lexicon) -> None:
    assert read(lexicon, "santé") == {
        "professions": [], "filters": {"sector": ("J",)}, "interests": ["secteur:85"], "fillers": [], "text": "",
    }
    assert filters(lexicon, "métiers du bâtiment dans le Nord") == {"sector": ("F",), "region": ("FR-HDF",)}
    assert filters(lexicon, "alternance") == {"theme": ("alternance",)}
    assert filters(lexicon, "Stages et alternance") == {"theme": ("alternance",)}


@pytest.mark.parametrize(("text", "interest"), [
    ("Métiers de l'ingénierie", "rome_theme:016"),
    ("métiers de l’humanitaire", "rome_theme:010"),
    ("métier artistique", "interest:art"),
    ("je veux travailler avec les animaux", "interest:animaux"),
    ("J’aime m’occuper des animaux", "centre_interet:17"),
    ("J'ai l'âme d'une cheffe", "centre_interet:2"),
    ("dehors", "interest:dehors-au-grand-air"),
    ("aider les autres", "interest:aider-les-autres"),
    ("sans le bac", "interest:sans-le-bac"),
    ("avec les enfants", "interest:avec-les-enfants"),
    ("voyager", "interest:voyager"),
    ("la mer", "interest:mer"),
    ("la cuisine", "interest:cuisine"),
    ("les voitures", "interest:voitures"),
    ("l'armée", "interest:armee"),
    ("justice", "interest:justice"),
    ("informatique", "interest:informatique"),
    ("la montagne", "interest:montagne"),
    ("la psycho", "interest:psychologie"),
    ("métier en télétravail", "interest:teletravail"),
    ("les SDF", "interest:precarite-l-exclusion"),
    ("Je suis une artiste", "centre_interet:30"),
    ("Restauration", "sous_secteur:141"),
    ("Agriculture et élevage", "secteur:79"),
])
def test_interests(lexicon: Lexicon, text: str, interest: str) -> None:
    u = understand(lexicon, text)
    assert [f"{i.kind}:{i.code}" for i in u.interests] == [interest] and u.text == ""
    assert u.interests[0].fiches


def test_an_interest_stands_for_its_fiches(lexicon: Lexicon) -> None:
    animals = understand(lexicon, "je veux travailler avec les animaux").interests[0]
    assert (animals.label, animals.from_) == ("Les animaux", "travailler avec les animaux")
    assert {"A1504", "A1501", "A1426", "A1503"} <= set(animals.fiches)


# --- fillers and text --------------------------------------------------------------------------

def test_fillers_never_decide(lexicon: Lexicon) -> None:
    assert read(lexicon, "comment devenir vétérinaire") == {
        "professions": ["A1504"], "filters": {}, "interests": [], "fillers": ["comment devenir"], "text": "",
    }
    assert read(lexicon, "je voudrais un métier") == {"professions": [], "filters": {}, "interests": [], "fillers": ["je voudrais", "métier"], "text": ""}


def test_prof_de_maths_a_lyon(lexicon: Lexicon) -> None:
    assert read(lexicon, "prof de maths à Lyon") == {
        "professions": ["K2107"], "filters": {"region": ("FR-ARA",)}, "interests": [], "fillers": [], "text": "",
    }


@pytest.mark.parametrize("text", ["été", "vous êtes", "une porte", "il donne", "tel quel", "une expérience", "le public",
                                  "au moins", "une fois", "une cure", "cuire", "faire la plonge", "jsp", "je suis", "ranger"])
def test_everyday_words_mean_nothing(lexicon: Lexicon, text: str) -> None:
    u = understand(lexicon, text)
    assert not (u.professions or u.filters or u.interests), u


def test_what_is_not_recognised_stays_text(lexicon: Lexicon) -> None:
    assert understand(lexicon, "cuisine italienne à Paris").text == "italienne"
    assert understand(lexicon, "astrophysique des trous noirs").text == "astrophysique des trous noirs"
    assert understand(lexicon, "((((").text == "" and understand(lexicon, '"').text == ""


def test_to_dict_is_the_understood_contract(lexicon: Lexicon) -> None:
    u = understand(lexicon, "je veux être kiné en Bretagne, avec les enfants")
    assert u.to_dict() == {
        "professions": [{"rome": "J1404", "label": "Kinésithérapeute", "from": "kiné"}],
        "filters": {"region": ["FR-BRE"]},
        "interests": [{"kind": "interest", "code": "avec-les-enfants", "label": "Avec les enfants", "from": "avec les enfants"}],
        "corrections": [],
        "text": "",
        "unlisted": [],
    }


def test_an_empty_lexicon_understands_nothing() -> None:
    assert understand(Lexicon(), "infirmière Bretagne") == Understanding(query="infirmière Bretagne", text="infirmière Bretagne")


def test_never_fails_and_says_where_each_part_came_from(lexicon: Lexicon) -> None:
    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
    def check(text: str) -> None:
        u = understand(lexicon, text)
        said = [p.from_ for p in u.professions] + [f.from_ for f in u.filters] + [i.from_ for i in u.interests]
        assert all(piece and piece in u.query for piece in said + list(u.fillers))
        assert all(piece in u.query for piece in u.text.split())

    check()


def test_a_job_without_fiche_is_named_with_its_closest_fiches(lexicon: Lexicon) -> None:
    u = understand(lexicon, "je veux devenir astronaute")
    assert not u.professions and [j.label for j in u.unlisted] == ["astronaute"]
    assert "N2102" in u.unlisted[0].near and u.text == ""
    assert u.to_dict()["unlisted"] == [{"label": "astronaute", "from": "astronaute", "near": list(u.unlisted[0].near)}]


# --- the words a meaning came from: taken out, or quoted (issue 15) --------------------------------

def test_a_place_remembers_the_place_word_typed_before_it(lexicon: Lexicon) -> None:
    found = understand(lexicon, "infirmière dans le Lot")
    assert [(f.value, f.from_, f.lead) for f in found.filters] == [("FR-OCC", "Lot", "dans le")]
    assert [(f.from_, f.lead) for f in understand(lexicon, "infirmière bretagne").filters] == [("bretagne", "")]


@pytest.mark.parametrize("text, said, lead, expected", [
    ("infirmière dans le Lot", "Lot", "dans le", "infirmière"),
    ("infirmière bretagne", "bretagne", "", "infirmière"),
    ("bretagne infirmière", "bretagne", "", "infirmière"),
    ('"bretagne" bretagne', "bretagne", "", '"bretagne"'),  # a quoted word is never the one taken
    ("kiné-bretagne", "bretagne", "", "kiné-bretagne"),  # nor part of another word
    ("infirmière", "bretagne", "", "infirmière"),
])
def test_without_words(text: str, said: str, lead: str, expected: str) -> None:
    from search.understand import without_words

    assert without_words(text, said, lead=lead) == expected


def test_as_words_quotes_them_so_they_are_never_read(lexicon: Lexicon) -> None:
    from search.understand import as_words

    literal = as_words("infirmière bretagne", "bretagne")
    assert literal == 'infirmière "bretagne"'
    found = understand(lexicon, literal)
    assert found.filters == () and found.text == '"bretagne"' and [p.rome for p in found.professions] == ["J1506"]
    assert as_words("infirmière", "bretagne") == "infirmière"
