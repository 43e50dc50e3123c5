"""search.phrases: how a known phrase and a query are read into the same keys."""

from __future__ import annotations

import pytest

from search.phrases import phrase_key, words


@pytest.mark.parametrize("text", [
    "Professeure des écoles", "professeur des ecoles", "Professeurs des Écoles", "professeur d’école", "Professeur·e·s des écoles",
])
def test_case_accents_gender_number_articles_do_not_matter(text: str) -> None:
    assert phrase_key(text) == phrase_key("Professeur des écoles") == ("professeu", "ecol")


@pytest.mark.parametrize("text", ["aide-soignante", "Aide soignant", "aides-soignants", "aide‐soignant·e"])
def test_hyphens_do_not_matter(text: str) -> None:
    assert phrase_key(text) == ("aid", "soignant")


def test_capitals_keep_their_spelling() -> None:
    assert phrase_key("IDE") == ("=ide",)
    assert phrase_key("idée") == ("ide",)  # the analyzer's token for « idée » is « ide »: hence the mark
    assert phrase_key("AS") == ("^as",)  # two letters: typed in capitals only
    assert phrase_key("prof de SVT") == ("prof", "=svt")


def test_a_query_in_capitals_still_reads_as_words() -> None:
    """Only a known phrase written in capitals is exact; a youth typing in capitals is not."""
    assert [w.forms()[0] for w in words("PROFESSEURS DES ÉCOLES")] == ["professeu", "des", "ecol"]


def test_only_articles_make_no_key() -> None:
    assert phrase_key("de la") == ()
    assert phrase_key("l’") == ()


def test_words_keep_offsets_and_what_was_typed() -> None:
    found = words("L’Infirmière LOT")
    assert [(w.norm, w.surface, w.written, w.start, w.end) for w in found] == [
        ("infirmier", "infirmiere", "Infirmière", 2, 12), ("lot", "lot", "LOT", 13, 16),
    ]
    assert found[0].capitalised and not found[0].capitals
    assert found[1].capitals and not found[1].capitalised
    assert found[1].forms() == ("lot", "=lot", "^lot")
