"""search.quotes, search.documents.related and search.suggest on the discovery corpus (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.documents import MIN_RELATED, related, same_job_here
from search.generation import Generation
from search.index import IndexHandle
from search.quotes import MAX_CHARS, MIN_CHARS, best_quote, quote_of, sentences, stands_alone, stories
from search.suggest import suggest


@pytest.fixture(scope="module")
def gen(discovery_index: Path) -> Generation:
    generation: Generation = IndexHandle(discovery_index).current()
    return generation


# --- quotes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "J’aime le moment où un patient angoissé finit par sourire parce qu’on a pris le temps.",
        "Ne laissez personne vous dire que les études d’infirmière sont trop dures pour vous.",
        "Croyez en vous, même si l’école n’a pas été facile : ce métier s’apprend au contact des gens !",
    ],
)
def test_sentences_that_stand_alone(sentence: str) -> None:
    assert stands_alone(sentence)


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("Mais surtout les gens qui passent la porte de la boutique chaque matin avant le travail.", "connector"),
        ("Ça sent bon le pain chaud dans toute la rue, et les voisins me le disent tous les jours.", "leans on before"),
        ("Il m’a appris tout ce que je sais du métier, de la pâte au four, en trois années.", "pronoun"),
        ("Par contre, les horaires sont durs : levé à trois heures, couché à vingt et une heures.", "connector"),
        ("J’aime le pain.", "too short"),
        ("J’aime " + "beaucoup " * 30 + "le pain.", "too long"),
        ("les horaires sont durs mais on s’y fait vite, et les clients sont toujours là le matin.", "no capital"),
        ("J’aime le moment où le pain sort du four et où tout le quartier sent la brioche", "no final stop"),
        ("Il y a trois choses : le geste, la patience, et « le goût du travail bien fait.", "unbalanced"),
    ],
)
def test_sentences_that_do_not_stand_alone(sentence: str, why: str) -> None:
    assert not stands_alone(sentence), why


def test_sentences_split_on_final_punctuation() -> None:
    assert sentences("Oui. Non ! Peut-être ? « Bien. » Fin") == ["Oui.", "Non !", "Peut-être ?", "« Bien. »", "Fin"]


def test_best_quote_prefers_what_they_love_and_skips_connectors() -> None:
    quote = best_quote({
        "passion": "Mais surtout les gens. J’aime le moment où un patient angoissé finit par sourire parce qu’on a pris le temps.",
        "conseils": "Travaillez bien à l’école et révisez régulièrement vos cours de biologie pendant l’année.",
    })
    assert quote is not None and quote.section == "passion"
    assert quote.text.startswith("J’aime le moment")
    assert best_quote({"passion": "Trop court.", "conseils": ""}) is None


def test_every_quote_of_the_corpus_stands_alone(gen: Generation) -> None:
    for docnum in gen.docnum.values():
        quote = quote_of(gen, docnum)
        assert quote is not None
        assert MIN_CHARS <= len(quote.text) <= MAX_CHARS
        assert not quote.text.startswith(("Mais", "Ça", "Il "))


def test_stories_come_from_different_sectors_and_are_seeded(gen: Generation) -> None:
    picked = stories(gen, count=3, seed=5)
    assert len(picked) == 3
    sectors = {gen.columns["sector"].value_of(d) for d, _ in picked}
    assert len(sectors) == 3
    assert stories(gen, count=3, seed=5) == picked


# --- related ---------------------------------------------------------------------------------------

def reasons(gen: Generation, doc_id: str) -> list[tuple[str, str]]:
    return [(item.hit.id, item.text) for item in related(gen, doc_id)]


def test_related_one_of_each_kind_first(gen: Generation) -> None:
    assert reasons(gen, "anna-infirmiere-brest") == [
        ("bruno-infirmier-lyon", "Même métier"),  # another region first
        ("chloe-aide-soignante-rennes", "Même domaine"),
        ("farid-comptable-paris", "Mêmes conseils sur la confiance en soi"),
        ("david-boulanger-brest", "Même région"),
    ]


def test_related_advice_theme_and_region(gen: Generation) -> None:
    found = reasons(gen, "david-boulanger-brest")
    assert found[0] == ("emma-boulangere-dakar", "Même métier")
    assert ("Même région" in [text for _, text in found])
    found = reasons(gen, "emma-boulangere-dakar")
    assert found[0] == ("david-boulanger-brest", "Même métier")


def test_related_never_itself_and_at_least_three(gen: Generation) -> None:
    for doc_id in gen.docnum:
        found = related(gen, doc_id)
        ids = [item.hit.id for item in found]
        assert doc_id not in ids and len(ids) == len(set(ids))
        assert len(found) >= MIN_RELATED, doc_id
        assert all(item.text for item in found)
    # nothing in common with anyone: other stories all the same, and said so
    assert {item.text for item in related(gen, "jules-communication-abidjan")} == {"Une autre histoire"}


def test_related_skips_withdrawn(gen: Generation) -> None:
    hidden = gen.hide(frozenset({"bruno-infirmier-lyon"}))
    assert "bruno-infirmier-lyon" not in [item.hit.id for item in related(hidden, "anna-infirmiere-brest")]


def test_same_job_in_the_same_region_excludes_the_page(gen: Generation) -> None:
    assert same_job_here(gen, "anna-infirmiere-brest") == ["hugo-infirmier-quimper"]
    assert same_job_here(gen, "bruno-infirmier-lyon") == []


# --- autocomplete ----------------------------------------------------------------------------------

def test_suggest_merges_what_the_search_merges(gen: Generation) -> None:
    found = suggest(gen, "infirm")
    professions = [s for s in found if s.kind == "profession"]
    assert [(s.text, s.count) for s in professions] == [("Infirmier", 3)]  # Infirmière, Infirmier: one entry
    words = [s.text for s in found if s.kind == "word"]
    assert not any(w.startswith("infirmi") for w in words)  # the profession already says it


def test_suggest_only_words_of_several_testimonials(gen: Generation) -> None:
    assert all(s.count >= 2 for s in suggest(gen, "ja") if s.kind == "word")
    assert "jamais" in [s.text for s in suggest(gen, "jam")]
    assert suggest(gen, "angoi") == []  # « angoissé » appears once


def test_multi_word_completions_only_when_they_occur_so(gen: Generation) -> None:
    assert [s.text for s in suggest(gen, "tous les j")] == ["tous les jours"]
    assert suggest(gen, "sans b") == []  # « sans » and « b… » never follow each other here
