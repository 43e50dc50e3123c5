"""indexer.themes: advice themes inferred by transparent French cues, explained, and measured.

The measurement reads the shipped corpus (the testimonials that declare their themes, with the
declared themes hidden from the inferer): run ``pytest tests/test_themes.py -s`` for the table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.corpus import load_corpus
from indexer.themes import CUES, MAX_THEMES, THRESHOLD, evaluate, explain, infer_themes, score_themes
from indexer.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent

ADVICE = {
    "etudes": "Accrochez-vous à vos études : le diplôme d’État m’a ouvert toutes les portes, et le bac n’est qu’un début.",
    "alternance": "Faites un maximum de stages, et si vous pouvez, choisissez l’alternance : au CFA on apprend vite.",
    "reseau": "Construisez votre réseau tôt : allez aux salons, rencontrez des professionnels et soignez votre LinkedIn.",
    "passion": "Suivez votre passion et votre curiosité : c’est le plaisir qui vous fera tenir les longues journées.",
    "confiance": "Gardez confiance en vous : j’ai essuyé des refus et un échec au concours, il faut persévérer.",
    "reconversion": "Il n’est jamais trop tard : ma reconversion à quarante ans a été la meilleure décision de ma vie.",
    "entreprendre": "Si vous voulez entreprendre, préparez un business plan et gardez de la trésorerie avant de vous lancer à votre compte.",
    "international": "Partez à l’étranger avec Erasmus et parlez anglais tous les jours : être bilingue change tout.",
    "competences": "La ponctualité, la rigueur et le savoir-être comptent autant que la technique.",
    "equilibre": "Protégez votre santé et votre sommeil : l’équilibre entre travail et vie de famille se défend.",
    "engagement": "Cherchez un métier utile : le bénévolat m’a appris la solidarité et le goût du service public.",
}


def test_every_theme_has_a_sentence() -> None:
    themes = load_taxonomy(ROOT / "tests" / "data" / "good" / "taxonomy").themes
    assert set(ADVICE) == set(CUES) == set(themes)


@pytest.mark.parametrize("theme", sorted(ADVICE))
def test_real_advice_gives_its_theme_first(theme: str) -> None:
    got = infer_themes(ADVICE[theme])
    assert got and got[0] == theme, (theme, got, explain(ADVICE[theme]))


@pytest.mark.parametrize(
    "variant",
    [
        "Faites des stages et choisissez l’alternance.",
        "FAITES DES STAGES ET CHOISISSEZ L'ALTERNANCE.",
        "faites des stage et choisissez l alternance",
        "Faites un stage, choisissez une alternance.",
    ],
)
def test_accents_case_elisions_and_number_do_not_matter(variant: str) -> None:
    assert infer_themes(variant) == ("alternance",)


def test_no_cue_no_theme() -> None:
    assert infer_themes("Le chat dort sur le canapé bleu.") == ()
    assert infer_themes("") == ()
    assert explain("Le chat dort sur le canapé bleu.") == ["aucun indice de thème dans les conseils"]


def test_a_weak_cue_alone_stays_below_the_threshold() -> None:
    scores = {s.theme: s for s in score_themes("Le corps parle.")}
    assert scores["equilibre"].score == 1 < THRESHOLD
    assert not scores["equilibre"].given


def test_at_most_three_themes_best_first() -> None:
    text = " ".join(ADVICE.values())
    got = infer_themes(text)
    assert len(got) == MAX_THEMES
    scores = [s.score for s in score_themes(text)]
    assert scores == sorted(scores, reverse=True)


def test_explain_says_why_with_scores_threshold_and_cues() -> None:
    lines = explain("Faites des stages en alternance, gardez confiance, et soignez votre réseau.")
    assert lines[0] == "alternance : score 3.5 (seuil 2) — retenu ; indices : « alternance », « stage »"
    assert "confiance : score 2 (seuil 2) — retenu ; indices : « confiance »" in lines
    assert "reseau : score 2 (seuil 2) — retenu ; indices : « réseau »" in lines
    weak = explain("Mon corps a tenu.")
    assert weak == ["equilibre : score 1 (seuil 2) — non retenu ; indices : « corps »"]


def test_themes_are_inferred_only_when_not_declared(good_corpus: Path) -> None:
    report = load_corpus(good_corpus)
    by_id = {t.id: t for t in report.testimonials}
    declared = by_id["audrey-consultante"]
    assert declared.themes_declared and declared.themes == ("reseau", "entreprendre")
    inferred = by_id["moussa-boulanger"]  # no themes: in its file
    assert not inferred.themes_declared
    assert inferred.themes == infer_themes(inferred.sections.conseils) and "alternance" in inferred.themes


def test_inference_against_declared_themes_of_the_shipped_corpus() -> None:
    """Precision and recall per theme, the declared themes hidden; micro-averaged F1 >= 0.5."""
    report = load_corpus(ROOT / "corpus")
    pairs = [(t.sections.conseils, t.themes) for t in report.testimonials if t.themes_declared and not t.withdrawn]
    assert len(pairs) >= 30
    quality = evaluate(pairs)
    tp = sum(q.correct for q in quality)
    inferred = sum(q.inferred for q in quality)
    declared = sum(q.declared for q in quality)
    precision, recall = tp / inferred, tp / declared
    f1 = 2 * precision * recall / (precision + recall)
    lines = [f"{'theme':<14} {'declared':>8} {'inferred':>8} {'correct':>7} {'P':>5} {'R':>5}"]
    lines += [f"{q.theme:<14} {q.declared:>8} {q.inferred:>8} {q.correct:>7} {q.precision:>5.2f} {q.recall:>5.2f}" for q in quality]
    lines.append(f"{'micro':<14} {declared:>8} {inferred:>8} {tp:>7} {precision:>5.2f} {recall:>5.2f}  F1 {f1:.2f}"
                 f"  ({len(pairs)} testimonials)")
    print("\n" + "\n".join(lines))
    assert f1 >= 0.5
    assert precision >= 0.5 and recall >= 0.4
