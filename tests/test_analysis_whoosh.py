"""The French analyzer inside a real Whoosh index: same hits for every spelling, exact highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import And, Phrase, Term

from search.analysis import analyze, french_analyzer

DOCUMENTS = {
    "nurse": "L’infirmière de nuit accueille les étudiant·e·s à l'hôpital.",
    "carer": "Aide-soignante en EHPAD, je travaille avec des infirmiers.",
    "sound": "Ingénieur du son : j'ai appris sur le tas, été comme hiver.",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    directory: Path = tmp_path_factory.mktemp("analysis-index")
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=french_analyzer(), stored=True, phrase=True))
    ix = index.create_in(str(directory), schema)
    with ix.writer() as writer:
        for key, body in DOCUMENTS.items():
            writer.add_document(id=key, body=body)
    with ix.searcher() as opened:
        yield opened


def hits(searcher, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    query = And([Term("body", token) for token in analyze(text)])
    return {hit["id"] for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize("typed", ["infirmiere", "INFIRMIER", "infirmières", "infirmier·ère", "Infirmier(e)s"])
def test_every_spelling_finds_the_same_testimonials(searcher, typed: str) -> None:  # type: ignore[no-untyped-def]
    assert hits(searcher, typed) == {"nurse", "carer"}


@pytest.mark.parametrize("typed", ["aide-soignante", "aide soignante", "soignante", "AIDE-SOIGNANT"])
def test_hyphenated_title_is_found_by_its_parts(searcher, typed: str) -> None:  # type: ignore[no-untyped-def]
    assert hits(searcher, typed) == {"carer"}


def test_phrase_over_a_split_compound(searcher) -> None:  # type: ignore[no-untyped-def]
    query = Phrase("body", analyze("aide soignant"))
    assert {hit["id"] for hit in searcher.search(query)} == {"carer"}


def test_content_words_that_look_like_stop_words_are_indexed(searcher) -> None:  # type: ignore[no-untyped-def]
    assert hits(searcher, "ingénieur du son") == {"sound"}
    assert hits(searcher, "été") == {"sound"}


@pytest.mark.parametrize(
    ("token", "marked"),
    [("etudiant", "étudiant·e·s"), ("hopital", "hôpital"), ("infirmier", "infirmière")],
)
def test_highlight_marks_the_written_forms(searcher, token: str, marked: str) -> None:  # type: ignore[no-untyped-def]
    hit = next(hit for hit in searcher.search(Term("body", token)) if hit["id"] == "nurse")
    assert f">{marked}</b>" in hit.highlights("body")
