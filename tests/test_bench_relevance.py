"""The relevance benchmark's pure parts (bench/relevance): ROME reading, query sets, metrics.

Sets are built from a made-up ROME export (tests/data/rome) against tests/data/good; the
end-to-end run uses a real index of tests/data/good. Checks of the benchmark's own word lists
against the official export need ../shared/data and skip without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.relevance import evaluation, knowledge
from bench.relevance.__main__ import default_rome, main
from bench.relevance.corpus import CorpusView, content_tokens
from bench.relevance.engines import Bloomr
from bench.relevance.metrics import (
    Outcome,
    figures,
    first_relevant_rank,
    judge,
    judge_lacking,
    reciprocal_rank,
    success_at,
)
from bench.relevance.rome import Appellation, Rome, label_query, load_rome, missing_rome, query_forms
from bench.relevance.sets import (
    Query,
    gender_twins,
    interest_queries,
    lacking_queries,
    plural,
    strip_accents,
    title_queries,
    variants,
    word_queries,
)
from indexer.corpus import load_corpus
from indexer.taxonomy import fold

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"
FAKE_ROME = DATA / "rome"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rome() -> Rome:
    return load_rome(FAKE_ROME)


@pytest.fixture(scope="module")
def view() -> CorpusView:
    report = load_corpus(GOOD, taxonomy_dir=GOOD / "taxonomy")
    assert report.ok
    return CorpusView.of(report.testimonials)


# --- reading ROME ---------------------------------------------------------------------------


def test_query_forms_split_genders_and_drop_parentheses() -> None:
    assert query_forms("Chef / Cheffe de cuisine") == ["Chef de cuisine", "Cheffe de cuisine"]
    assert query_forms("Infirmier / Infirmière en soins généraux (IDE)") == [
        "Infirmier en soins généraux", "Infirmière en soins généraux",
    ]
    assert query_forms("Accastilleur(se)-monteur(se) électronique") == ["Accastilleur-monteur électronique"]
    # ROME inflects only the last word of the masculine: the feminine keeps the first one.
    assert query_forms("Instrumentiste Industriel / Industrielle") == ["Instrumentiste Industriel", "Instrumentiste Industrielle"]
    assert query_forms("Homme sage-femme / Sage-femme") == ["Homme sage-femme", "Sage-femme"]


def test_short_label_that_abbreviates_is_not_a_query() -> None:
    full = Appellation("1", "Attaché / Attachée de presse en industrie", "Attaché(e) de presse en ind", "E1112", False, False)
    assert full.forms() == ["Attaché de presse en industrie", "Attachée de presse en industrie"]
    short = Appellation("2", "Accastilleur / Accastilleuse", "Accastilleur(se)", "I1601", False, False)
    assert short.forms() == ["Accastilleur", "Accastilleuse"]


@pytest.mark.parametrize(
    ("label", "typed"),
    [
        ("Métiers de l'humanitaire (hors santé et tertiaire)", "Métiers de l'humanitaire"),
        ("J'ai l'âme d'un chef / d'une cheffe", "J'ai l'âme d'un chef"),
        ("Je suis passionné / passionnée par la cuisine", "Je suis passionné par la cuisine"),
        ("Je suis un / une artiste", "Je suis un artiste"),
        ("Métiers saisonniers, de vacances / Jobs d'été", "Métiers saisonniers, de vacances, Jobs d'été"),
    ],
)
def test_label_query_reads_labels_as_typed(label: str, typed: str) -> None:
    assert label_query(label) == typed


def test_fake_export_is_read_with_a_real_csv_parser(rome: Rome) -> None:
    assert len(rome.fiches) == 12 and rome.family("J1413") == "J1404" and rome.family("D1102") == "D1102"
    assert [a.ogr for a in rome.appellations if a.rare] == ["6", "24"]
    themes = {g.label: g.fiches for g in rome.groupings if g.kind == "theme"}
    assert themes["Métiers du soin (hors hôpital)"] == {"J1506", "J1501"}
    sectors = {g.label: g.fiches for g in rome.groupings if g.kind == "secteur"}
    assert sectors == {"Santé": {"J1506", "J1501"}, "Commerce et distribution": {"D1102"}, "Activités juridiques et comptables": set()}
    assert rome.interests == {"1": "Je souhaite prendre soin des autres", "2": "J'aime m'occuper des animaux"}


def test_missing_export_names_the_file(tmp_path: Path) -> None:
    problem = missing_rome(tmp_path)
    assert problem is not None and "referentiel_code_rome" in problem
    with pytest.raises(FileNotFoundError):
        load_rome(tmp_path)


# --- the sets ---------------------------------------------------------------------------------


def test_corpus_view_keeps_published_testimonials_only(view: CorpusView) -> None:
    assert view.by_fiche["J1506"] == ("benedicte-infirmiere", "jerome-infirmier")
    assert "M1805" not in view.by_fiche  # its only testimonial is withdrawn
    assert view.relevant(["J1506", "J1501", "A1504"]) == ("benedicte-infirmiere", "jerome-infirmier", "oceane-aide-soignante")


def test_title_queries_avoid_the_words_volunteers_wrote(rome: Rome, view: CorpusView) -> None:
    queries = title_queries(rome, view, seed=1, limit=150)
    texts = {q.text for q in queries}
    assert {"Mitron", "Fournière", "Garde-malade", "Teneuse de livres", "Codeur", "Traffic manager"} <= texts
    assert not {"Boulanger", "Infirmier en soins généraux", "Développeur web", "Chargé de marketing digital"} & texts
    assert "Soignant de nuit" not in texts  # ROME marks it seldom used
    assert not any(fold(t).startswith("programmeu") for t in texts)  # M1805's only testimonial is withdrawn
    assert not any("ind transform" in t for t in texts)
    for q in queries:
        written = set().union(*(content_tokens(view.profession[i]) for i in q.relevant))
        assert q.kind == "title" and q.relevant and not content_tokens(q.text) & written, q
    shared = next(q for q in queries if fold(q.text) in ("assistant de soins", "assistante de soins"))
    assert shared.fiches == ("J1501", "J1506")
    assert shared.relevant == ("benedicte-infirmiere", "jerome-infirmier", "oceane-aide-soignante")


def test_title_queries_are_seeded_and_spread_across_fiches(rome: Rome, view: CorpusView) -> None:
    first = title_queries(rome, view, seed=1, limit=150)
    assert first == title_queries(rome, view, seed=1, limit=150)
    few = title_queries(rome, view, seed=1, limit=5)
    assert len(few) == 5 and len({q.fiches for q in few}) == 5  # one per fiche before any second one
    assert {q.text for q in title_queries(rome, view, seed=2, limit=150)} == {q.text for q in first}


def test_word_queries_send_words_without_testimonial_to_lacking(view: CorpusView, rome: Rome) -> None:
    words = knowledge.WordList("test", {"infi": ("J1506",), "véto": ("A1504",)})
    answerable, lacking = word_queries(words, view, kind="youth")
    assert [(q.kind, q.text, q.relevant) for q in answerable] == [("youth", "infi", ("benedicte-infirmiere", "jerome-infirmier"))]
    assert [(q.kind, q.text, q.fiches, q.relevant) for q in lacking] == [("lacking", "véto", ("A1504",), ())]


def test_load_mapping_reads_codes_and_skips_words(tmp_path: Path, rome: Rome) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text(
        "professions:\n"
        "  infi: [J1506]\n"
        "  kiné: J1404\n"
        "  soignant: {rome: [J15], mots: [soin]}\n"
        "  resto: [restaurant]\n"
        "  inconnu: [Z9999, A1504]\n"
        "centres_interet:\n"
        "  Je souhaite prendre soin des autres: [J1506, J1501]\n",
        encoding="utf-8",
    )
    words = knowledge.load_mapping(path, "professions", rome.fiches)
    assert words is not None
    assert words.entries == {"infi": ("J1506",), "kiné": ("J1404",), "soignant": ("J1501", "J1506"), "inconnu": ("A1504",)}
    assert words.unresolved == ("resto",)
    assert knowledge.load_mapping(path, "absent", rome.fiches) is None
    path.write_text("professions:\n  J1506: [infi, idel]\n  A1504: véto\n", encoding="utf-8")
    inverse = knowledge.load_mapping(path, "professions", rome.fiches)
    assert inverse is not None and inverse.entries == {"infi": ("J1506",), "idel": ("J1506",), "véto": ("A1504",)}
    path.write_text("professions:\n  - {mot: infi, rome: [J1506]}\n  - {mot: infi, rome: [J1501]}\n", encoding="utf-8")
    listed = knowledge.load_mapping(path, "professions", rome.fiches)
    assert listed is not None and listed.entries == {"infi": ("J1506", "J1501")}
    assert knowledge.load_mapping(tmp_path / "nope.yaml", "professions", rome.fiches) is None


def test_interest_queries_merge_labels_and_skip_empty_ones(rome: Rome, view: CorpusView, tmp_path: Path) -> None:
    queries, skipped = interest_queries(rome, view, None)
    got = {q.text: q for q in queries}
    assert set(got) == {"Métiers du soin", "Santé", "Médical", "Commerce et distribution", "Commerce de détail"}
    assert got["Santé"].source == "secteur 85, sous-secteur 120" and got["Santé"].fiches == ("J1501", "J1506")
    assert got["Métiers du soin"].relevant == ("benedicte-infirmiere", "jerome-infirmier", "oceane-aide-soignante")
    assert "Métiers auprès des enfants (no testimonial of its 1 fiches)" in skipped
    assert "Je souhaite prendre soin des autres (centre d'intérêt, not mapped)" in skipped
    path = tmp_path / "synonyms.yaml"
    path.write_text("centres_interet:\n  '1': [J1501]\n  Je souhaite prendre soin des autres: [J1506]\n", encoding="utf-8")
    mapped, _ = interest_queries(rome, view, knowledge.load_mapping(path, "centres_interet", rome.fiches))
    assert [q.relevant for q in mapped if q.text == "Je souhaite prendre soin des autres"] == [
        ("benedicte-infirmiere", "jerome-infirmier", "oceane-aide-soignante"),  # keyed by code and by label
    ]


def test_lacking_queries_take_short_titles_of_fiches_whose_family_has_none(rome: Rome, view: CorpusView) -> None:
    queries, dropped = lacking_queries(rome, view, seed=1, limit=60, no_fiche=["astronaute", "Mitron"])
    by_fiche = {q.fiches: q.text for q in queries}
    assert set(by_fiche) == {("A1504",), ("J1404",), ("J1413",), ("K2106",), ()}
    assert by_fiche[("K2106",)] in ("Instituteur", "Institutrice")  # one word beats « Professeur des écoles »
    assert by_fiche[()] == "astronaute" and dropped == ["Mitron"]  # ROME names the mitron
    assert all(q.kind == "lacking" and q.relevant == () for q in queries)
    assert len(lacking_queries(rome, view, seed=1, limit=2)[0]) == 2


def test_variants_for_invariance(rome: Rome) -> None:
    assert strip_accents("Infirmière à Genève") == "Infirmiere a Geneve"
    assert plural("Chef de cuisine") == "Chefs de cuisine"
    assert plural("Artificière démineuse") == "Artificières démineuses"
    assert plural("Aide-soignant") is None and plural("IDE") is None and plural("Fils") is None
    twins = gender_twins(rome)
    assert twins[fold("Mitron")] == "Mitronne" and twins[fold("Teneuse de livres")] == "Teneur de livres"
    assert dict(variants("Teneuse de livres", twins)) == {
        "majuscules": "TENEUSE DE LIVRES", "pluriel": "Teneuses de livres", "autre genre": "Teneur de livres",
    }
    assert "pluriel" not in dict(variants("ingé son", twins, title=False))


# --- metrics ----------------------------------------------------------------------------------


def test_ranks_and_reciprocal_ranks() -> None:
    assert first_relevant_rank(["a", "b", "c"], {"c", "z"}) == 3
    assert first_relevant_rank(["x"] * 10 + ["a"], {"a"}) is None  # beyond the first 10
    assert first_relevant_rank([], {"a"}) is None
    assert success_at(3) and not success_at(4) and not success_at(None)
    assert reciprocal_rank(4) == 0.25 and reciprocal_rank(None) == 0.0


def test_figures_on_known_rankings() -> None:
    def youth(text: str) -> Query:
        return Query("youth", text, ("a",))

    outcomes = [
        judge(youth("first"), "e", {"hits": [{"id": "a"}, {"id": "b"}]}),
        judge(youth("fourth"), "e", {"hits": [{"id": x} for x in "bcda"]}),
        judge(youth("absent"), "e", {"hits": [{"id": "b"}]}),
        judge(youth("dead end"), "e", {"hits": []}),
    ]
    assert [o.rank for o in outcomes] == [1, 4, None, None]
    assert [o.passed for o in outcomes] == [True, False, False, False]
    result = figures(outcomes)
    assert result.queries == 4 and result.success_at_3 == 0.25 and result.mrr_at_10 == pytest.approx((1 + 0.25) / 4)
    assert outcomes[3].why == "no hit"


def test_lacking_is_judged_on_understood() -> None:
    notaire = Query("lacking", "notaire", (), ("K1903",))
    astronaute = Query("lacking", "astronaute", ())
    passed, why = judge_lacking(notaire, {"hits": [{"id": "x"}]})
    assert not passed and "no `understood`" in why and "x" in why
    stated = {"hits": [], "understood": {"professions": [{"rome": "K1903", "label": "Notaire", "from": "notaire", "testimonials": 0}]}}
    assert judge_lacking(notaire, stated) == (True, "lack stated")
    claimed = {"hits": [{"id": "y"}], "understood": {"professions": [{"rome": "K1901", "testimonials": 2}]}}
    assert judge_lacking(notaire, claimed)[0] is False
    assert judge_lacking(notaire, {"hits": [], "understood": {"professions": []}})[0] is False
    assert judge_lacking(astronaute, {"hits": [], "understood": {"professions": []}}) == (True, "no profession claimed")
    assert judge_lacking(astronaute, claimed)[0] is False
    fts = judge(notaire, "fts5", {"hits": []}, understands=False)
    assert not fts.passed and figures([fts]).success_at_3 is None


# --- end to end on a real index of tests/data/good -----------------------------------------------


def test_run_on_a_real_index(rome: Rome, view: CorpusView) -> None:
    built = evaluation.Evaluation(
        [
            Query("youth", "boulanger", ("moussa-boulanger",), ("D1102",)),
            Query("youth", "zzzzqx", ("moussa-boulanger",), ("D1102",)),
            Query("lacking", "Vétérinaire", (), ("A1504",)),
        ],
        [
            (Query("title", "Infirmière", ("benedicte-infirmiere",)), [("majuscules", "INFIRMIÈRE"), ("sans accents", "Infirmiere")]),
            (Query("title", "zzzzqx", ("moussa-boulanger",)), [("majuscules", "ZZZZQX")]),
        ],
    )
    with Bloomr(GOOD) as engine:
        outcomes = evaluation.run(built, [engine])
        answer = engine.answer("Vétérinaire")
    by_text = {(o.query.kind, o.query.text): o for o in outcomes}
    assert by_text[("youth", "boulanger")].rank == 1 and by_text[("youth", "boulanger")].passed
    assert not by_text[("youth", "zzzzqx")].passed
    lacking = by_text[("lacking", "Vétérinaire")]
    assert lacking.passed == judge_lacking(lacking.query, answer)[0] and lacking.why
    if "understood" not in answer:
        assert not lacking.passed and "no `understood`" in lacking.why
    assert by_text[("invariance", "Infirmière")].passed  # accents and case keep the top 3
    assert by_text[("invariance", "zzzzqx")].why.startswith("n/a")  # nothing found: nothing to compare
    invariance = figures(o for o in outcomes if o.query.kind == "invariance")
    assert (invariance.queries, invariance.judged, invariance.success_at_3) == (2, 1, 1.0)


def test_command_prints_json_markdown_and_failures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--corpus", str(GOOD), "--rome", str(FAKE_ROME), "--no-fts5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["command"].startswith("python -m bench.relevance --corpus") and data["seed"] == 1
    assert {"title", "interest", "lacking"} <= set(data["table"])
    assert all(set(per) == {"bloomr"} for per in data["table"].values())
    assert data["table"]["title"]["bloomr"]["queries"] == sum(1 for q in data["queries"] if q["kind"] == "title")
    assert any("synonyms.yaml" in note for note in data["notes"])

    assert main(["--corpus", str(GOOD), "--rome", str(FAKE_ROME), "--markdown", "--show-failures", "2"]) == 0
    out = capsys.readouterr().out
    assert "| kind | queries | Bloomr success@3 | Bloomr MRR@10 | FTS5 success@3 | FTS5 MRR@10 |" in out
    assert "reproduce: python -m bench.relevance" in out and "lacking:" in out

    assert main(["--corpus", str(GOOD), "--rome", str(FAKE_ROME), "--dump-queries"]) == 0
    lines = capsys.readouterr().out.splitlines()
    saved = tmp_path / "queries.jsonl"
    saved.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert {json.loads(line)["kind"] for line in lines} >= {"title", "interest", "lacking"}
    assert main(["--corpus", str(GOOD), "--queries", str(saved), "--no-fts5", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert len(again["queries"]) == len(lines)


def test_command_without_the_export_says_where_to_point_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--corpus", str(GOOD), "--rome", str(tmp_path)]) == 2
    assert "--rome" in capsys.readouterr().err


# --- the benchmark's own lists against the official export (../shared/data) --------------------

OFFICIAL = default_rome()
NO_SHARED = missing_rome(OFFICIAL)


def test_fallback_and_holdout_are_disjoint() -> None:
    fallback = knowledge.read_yaml(knowledge.FALLBACK)["professions"]
    holdout = knowledge.read_yaml(knowledge.HOLDOUT)["professions"]
    assert not {fold(w) for w in fallback} & {fold(w) for w in holdout}
    assert len(holdout) >= 60


def test_held_out_words_listed_in_synonyms_are_no_longer_held_out(rome: Rome, view: CorpusView, tmp_path: Path) -> None:
    """A held-out word the maintainers listed on their own is judged with the youth words: the
    held-out figure stays a measure of what the lists miss."""
    holdout = knowledge.load_mapping(knowledge.HOLDOUT, "professions", rome.fiches)
    assert holdout is not None
    listed = sorted(holdout.entries)[:2]  # words whose fiches the made-up export knows
    taxonomy = tmp_path / "taxonomy"
    taxonomy.mkdir()
    (taxonomy / "synonyms.yaml").write_text(
        "professions:\n" + "".join(f"  {word}: [D1102]\n" for word in listed), encoding="utf-8"
    )
    built = evaluation.build(rome, view, taxonomy_dir=taxonomy, seed=1)
    assert any(f"2 of {len(holdout.entries)} held-out words were listed independently" in note for note in built.notes)
    held = {fold(q.text) for q in built.queries if q.kind == "youth-holdout"}
    assert not held & {fold(w) for w in listed}


def test_word_lists_name_real_fiches_and_no_fiche_jobs_are_unknown_to_rome() -> None:
    official = load_rome(OFFICIAL)
    for path in (knowledge.FALLBACK, knowledge.HOLDOUT):
        raw = knowledge.read_yaml(path)["professions"]
        codes = {c for value in raw.values() for c in knowledge.codes_in(value)}
        assert codes <= set(official.fiches), (path.name, sorted(codes - set(official.fiches)))
    _, dropped = lacking_queries(official, CorpusView.of(()), seed=1, limit=0, no_fiche=knowledge.load_no_fiche())
    assert dropped == []
