"""The French analyzer, stage by stage, then as a whole (search/analysis.py)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import (
    STOP_WORDS,
    FrenchTokenizer,
    GenderNumberFilter,
    analyze,
    fold,
    french_analyzer,
    is_stop_word,
    normalise,
)


def spans(text: str) -> list[tuple[str, int, str]]:
    """(token, position, written text it spans) for every token of ``text``."""
    return [
        (token.text, token.pos, text[token.startchar : token.endchar])
        for token in french_analyzer()(text, positions=True, chars=True)
    ]


# ------------------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("ÉCOLE", "ecole"),
        ("école", "ecole"),
        ("e\u0301cole", "ecole"),  # decomposed accent
        ("cœur", "coeur"),
        ("Œuvre", "oeuvre"),
        ("ex æquo", "ex aequo"),
        ("Straße", "strasse"),
        ("Ærø", "aero"),
        ("ﬁnance", "finance"),  # ligature fi
        ("l’hôpital", "l'hopital"),
        ("l‘hôpital ʼ ´", "l'hopital ' '"),
        ("aide\u2011soignante", "aide-soignante"),  # non-breaking hyphen
        ("étudiant•e•s", "etudiant·e·s"),
        ("maïs", "mais"),
        ("Noël", "noel"),
        ("soi\u00adgnante", "soignante"),  # soft hyphen
    ],
)
def test_fold(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_fold_keeps_other_scripts_readable() -> None:
    assert fold("ΜΆΪΟΣ") == "μαιοσ"
    assert fold("Москва") == "москва"


# --------------------------------------------------------------------- tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l’hôpital", [("hopital", 0, "hôpital")]),
        ("L'HÔPITAL", [("hopital", 0, "HÔPITAL")]),
        ("qu’il", [("il", 0, "il")]),
        ("jusqu'à lorsqu'elle puisqu'on quoiqu'il", [("a", 0, "à"), ("elle", 1, "elle"), ("on", 2, "on"), ("il", 3, "il")]),
        ("d'l'eau", [("eau", 0, "eau")]),
        ("l''entretien", [("entretien", 0, "entretien")]),  # the ROME export doubles apostrophes
        ("aujourd’hui", [("aujourd'hui", 0, "aujourd’hui")]),
        ("presqu'île", [("presqu'ile", 0, "presqu'île")]),
        ("O'Brian", [("o'brian", 0, "O'Brian")]),
        ("aide-soignante", [("aide", 0, "aide"), ("soignante", 1, "soignante")]),
        ("étudiant·e·s", [("etudiant", 0, "étudiant·e·s")]),
        ("étudiant.e.s", [("etudiant", 0, "étudiant.e.s")]),
        ("éducateur·rice·s", [("educateur", 0, "éducateur·rice·s")]),
        ("chargé(e)s", [("charge", 0, "chargé(e)s")]),
        ("infirmier·ère", [("infirmier", 0, "infirmier·ère")]),
        ("conseiller-ère", [("conseiller", 0, "conseiller-ère")]),
        ("étudiant-e-s", [("etudiant", 0, "étudiant-e-s")]),
        ("Accastilleur(se)-monteur(se)", [("accastilleur", 0, "Accastilleur(se)"), ("monteur", 1, "monteur(se)")]),
        ("fin.Des", [("fin", 0, "fin"), ("des", 1, "Des")]),  # a missing space is not inclusive writing
        ("e\u0301cole", [("ecole", 0, "e\u0301cole")]),
        ("œuvre", [("oeuvre", 0, "œuvre")]),
        ("  chien  ,? + = -  CHAT /: > CHEVAL", [("chien", 0, "chien"), ("chat", 1, "CHAT"), ("cheval", 2, "CHEVAL")]),
    ],
)
def test_tokenizer(text: str, expected: list[tuple[str, int, str]]) -> None:
    got = [
        (token.text, token.pos, text[token.startchar : token.endchar])
        for token in FrenchTokenizer()(text, positions=True, chars=True)
    ]
    assert got == expected


def test_tokenizer_offsets_start_where_asked() -> None:
    tokens = [(t.pos, t.startchar, t.endchar) for t in FrenchTokenizer()("a b", positions=True, chars=True, start_pos=5, start_char=10)]
    assert tokens == [(5, 10, 11), (6, 12, 13)]


def test_tokenizer_keeps_the_original() -> None:
    assert [t.original for t in FrenchTokenizer()("L’Œuvre", keeporiginal=True, chars=True)] == ["Œuvre"]


def test_tokenizer_untokenized_value_is_folded_whole() -> None:
    assert [t.text for t in FrenchTokenizer()("Aide-Soignante", tokenize=False)] == ["aide-soignante"]


# -------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    "words",
    [
        # gender, by the suffix rules of issue 3
        ("vendeur", "vendeuse", "vendeurs", "vendeuses"),
        ("directeur", "directrice", "directrices"),
        ("ambassadeur", "ambassadrice"),
        ("boulanger", "boulangere"),
        ("infirmier", "infirmiere", "infirmiers"),
        ("electricien", "electricienne", "electriciennes"),
        ("patron", "patronne"),
        ("paysan", "paysanne"),
        ("cadet", "cadette"),
        ("sportif", "sportive", "sportives"),
        ("jaloux", "jalouse"),
        ("heureux", "heureuse"),
        ("majeur", "majeure"),
        ("avocat", "avocate"),
        ("marchand", "marchande"),
        ("charge", "chargee", "charges", "chargees"),
        ("chef", "cheffe", "cheffes"),
        ("maitre", "maitresse", "maitres"),
        ("contremaitre", "contremaitresse"),
        ("professionnel", "professionnelle"),
        ("public", "publique"),
        ("francais", "francaise", "francaises"),
        ("pecheur", "pecheresse"),
        ("cameraman", "camerawoman"),
        ("manager", "manageuse"),
        # number
        ("journal", "journaux"),
        ("travail", "travaux"),
        ("bureau", "bureaux"),
        ("jeu", "jeux"),
        ("emploi", "emplois"),
        ("an", "ans"),
        ("loyal", "loyaux"),
        ("tuyau", "tuyaux"),
    ],
)
def test_normalise_merges(words: tuple[str, ...]) -> None:
    assert len({normalise(word) for word in words}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("son", "sont"),
        ("chef", "chez"),
        ("agent", "agence"),
        ("ete", "et"),  # été (summer) is not "et"
        ("danse", "dans"),
        ("mois", "moi"),
        ("cours", "cour"),
        ("fils", "fil"),
        ("temps", "temp"),
        ("presse", "pres"),  # attaché de presse, not "près"
        ("carriere", "carrier"),  # career, not the quarry worker
        ("tonne", "ton"),
        ("ile", "il"),
        ("verre", "vers"),
        ("mere", "mer"),
    ],
)
def test_normalise_keeps_apart(one: str, other: str) -> None:
    assert normalise(one) != normalise(other)


def test_marin_and_marine_are_merged() -> None:
    # ROME writes "Marin / Marine pêcheur": marine is the feminine job title first;
    # a navy (la Marine) testimonial matching "marin" is a fair hit.
    assert normalise("marine") == normalise("marin")


def test_filter_without_cache_gives_the_same_tokens() -> None:
    text = "Les infirmières et éducateur·rice·s de l’hôpital"
    cached = [t.text for t in french_analyzer(cache=True)(text)]
    uncached = [t.text for t in french_analyzer(cache=False)(text)]
    assert cached == uncached == analyze(text)


# ------------------------------------------------------------------- the chain

INFIRMIER = ["infirmière", "infirmiere", "INFIRMIER", "infirmières", "infirmier·ère", "Infirmier.e.s", "infirmier(ère)s"]


@pytest.mark.parametrize("written", INFIRMIER)
def test_gender_number_accent_case_invariance(written: str) -> None:
    assert analyze(written) == analyze("infirmier")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ÉCOLE", "ecole"),
        ("cœur", "coeur"),
        ("l’hôpital", "hopital"),
        ("L'Hôpital", "l‘hopital"),
        ("étudiant·e·s", "étudiant"),
        ("étudiant.e.s", "etudiants"),
        ("éducateur·rice·s", "éducatrice"),
        ("chargé(e)", "chargée"),
        ("conseiller-ère", "conseillère"),
        ("Aide-soignante", "aide soignant"),
        ("journaux", "journal"),
        ("travaux", "TRAVAIL"),
        ("jeux", "jeu"),
    ],
)
def test_same_tokens(one: str, other: str) -> None:
    assert analyze(one) == analyze(other)


def test_hyphenated_compounds_are_found_by_their_parts() -> None:
    assert analyze("aide-soignante") == analyze("aide soignante")
    assert analyze("soignante")[0] in analyze("aide-soignante")
    assert analyze("sage-femme") == analyze("sage femme")
    assert len(analyze("porte-parole")) == 2
    assert analyze("peut-être") == analyze("peut être")


def test_highlighting_offsets_point_at_the_written_form() -> None:
    text = "L’infirmière, étudiant·e·s et e\u0301ducatrice œuvrent à l'hôpital."
    assert spans(text) == [
        ("infirmier", 0, "infirmière"),
        ("etudiant", 1, "étudiant·e·s"),
        ("et", 2, "et"),
        (analyze("éducatrice")[0], 3, "e\u0301ducatrice"),
        (analyze("œuvrent")[0], 4, "œuvrent"),
        ("a", 5, "à"),
        ("hopital", 6, "hôpital"),
    ]


def test_analyzer_pickles_and_compares_equal() -> None:
    analyzer = french_analyzer()
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer
    assert [t.text for t in copy("Infirmières")] == ["infirmier"]
    assert len(pickle.dumps(analyzer)) < 1000  # cheap: no tables travel with the schema


def test_analyzer_is_a_tokenizer_and_a_filter() -> None:
    analyzer = french_analyzer()
    assert isinstance(analyzer.items[0], FrenchTokenizer)
    assert isinstance(analyzer.items[1], GenderNumberFilter)


def test_empty_and_blank() -> None:
    assert analyze("") == []
    assert analyze(" \n\t,;: — ") == []


# ------------------------------------------------------------------ stop words


def test_stop_words_are_analysed_tokens() -> None:
    assert all(analyze(word) == [word] for word in STOP_WORDS)
    assert is_stop_word(analyze("les")[0])
    assert is_stop_word(analyze("Une")[0])
    assert is_stop_word(analyze("l'")[0])


@pytest.mark.parametrize(
    "word",
    ["son", "été", "or", "car", "mode", "bois", "cours", "pas", "mais", "maïs", "est", "sous", "danse", "mois",
     "avion", "avions", "vers", "ton", "tonne", "fils", "île", "temps", "sonne", "elle-même", "case", "messe"],
)
def test_meaningful_words_are_not_stop_words(word: str) -> None:
    assert not any(is_stop_word(token) for token in analyze(word) if token not in analyze("elle"))


def test_stop_list_is_short() -> None:
    assert 40 <= len(STOP_WORDS) <= 70


# ------------------------------------------------------------------ properties


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_analyses(text: str) -> None:
    tokens = analyze(text)
    assert all(token and " " not in token for token in tokens)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_stay_inside_the_text(text: str) -> None:
    for token in french_analyzer()(text, positions=True, chars=True):
        assert 0 <= token.startchar < token.endchar <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_idempotent_on_its_own_output(text: str) -> None:
    tokens = analyze(text)
    assert analyze(" ".join(tokens)) == tokens


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_the_input_never_changes_the_output(text: str) -> None:
    assert analyze(fold(text)) == analyze(text)


FRENCH_LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöûüùçœæÉÈÊÀÂÎÔÛÇŒ'’·.-() "


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=FRENCH_LETTERS))
def test_properties_on_french_looking_text(text: str) -> None:
    tokens = analyze(text)
    assert analyze(" ".join(tokens)) == tokens
    assert analyze(fold(text)) == tokens
    assert analyze(text.upper()) == tokens


def test_fold_is_idempotent_on_every_code_point() -> None:
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue  # surrogates are not characters
        once = fold(chr(code))
        assert fold(once) == once, hex(code)


def test_docstring_examples_hold() -> None:
    import doctest

    import search.analysis

    assert doctest.testmod(search.analysis).failed == 0
