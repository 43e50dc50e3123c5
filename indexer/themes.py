"""Advice themes inferred from the advice section by transparent rules.

Each theme has cues: French words or phrases with a weight. Cues go through the one
analyzer, so accents, gender, number and elisions don't matter (« les stages » matches the
cue « stage »). A theme is given when its score reaches ``THRESHOLD``; at most
``MAX_THEMES`` themes, best first. ``explain`` says why, for ``bloomr themes ID``.

>>> infer_themes("Faites des stages, l’alternance m’a tout appris.")  # doctest: +SKIP
('alternance',)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search.analysis import analyze

THRESHOLD = 2.0
MAX_THEMES = 3

# theme -> ((cue, weight), ...). Strong, unambiguous words weigh 2 (one suffices);
# words that also occur in other contexts weigh 1 (two are needed).
CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "etudes": (
        ("études", 1.5), ("diplôme", 1.5), ("bac", 1), ("licence", 1), ("master", 1.5), ("BTS", 1), ("BUT", 1),
        ("école", 1), ("université", 1.5), ("fac", 1), ("cours", 1), ("concours", 1.5), ("examen", 1.5),
        ("prépa", 1.5), ("lycée", 1), ("doctorat", 1.5), ("réviser", 1.5), ("notes", 1), ("scolaire", 1.5),
        ("bulletin", 1.5), ("Parcoursup", 2), ("apprendre", 0.5), ("formation", 0.5), ("orientation", 1),
    ),
    "alternance": (
        ("alternance", 2), ("apprentissage", 2), ("apprenti", 2), ("stage", 1.5), ("stagiaire", 1.5), ("CFA", 2),
        ("contrat de professionnalisation", 2), ("immersion", 1.5), ("job d’été", 1.5), ("petit boulot", 1),
        ("terrain", 0.5), ("maître d’apprentissage", 2), ("intérim", 1),
    ),
    "reseau": (
        ("réseau", 2), ("rencontrer", 1.5), ("rencontre", 1), ("contact", 1), ("LinkedIn", 2), ("salon", 1),
        ("forum", 1), ("association", 1), ("mentor", 1.5), ("bouche-à-oreille", 2), ("pousser la porte", 2),
        ("frapper à la porte", 2), ("demander conseil", 1.5), ("échanger", 1), ("carnet d’adresses", 2),
        ("entourer", 1), ("poser des questions", 1), ("professionnel", 0.5),
    ),
    "passion": (
        ("passion", 2), ("passionner", 2), ("curiosité", 2), ("curieux", 1.5), ("envie", 1), ("plaisir", 1),
        ("rêve", 1.5), ("rêver", 1.5), ("découvrir", 1), ("intérêt", 1), ("s’intéresser", 1), ("aimer", 0.5),
        ("vibrer", 2), ("goût", 1), ("lire", 0.5), ("observer", 0.5),
    ),
    "confiance": (
        ("confiance", 2), ("persévérer", 2), ("persévérance", 2), ("patience", 1), ("patient", 1), ("échec", 1.5),
        ("échouer", 1.5), ("doute", 1), ("douter", 1), ("lâcher", 1), ("abandonner", 1.5), ("courage", 1.5),
        ("oser", 1.5), ("accrocher", 1), ("obstacle", 1.5), ("refus", 2), ("tenir bon", 2), ("peur", 1.5),
        ("se tromper", 1), ("erreur", 0.5), ("découragé", 1.5), ("s’accrocher", 1.5), ("rater", 1),
        ("dépasser", 1), ("terrifier", 1.5), ("nul", 1),
    ),
    "reconversion": (
        ("reconversion", 2), ("reconvertir", 2), ("changer de voie", 2), ("changer de métier", 2), ("tard", 1),
        ("jamais trop tard", 2), ("âge", 1), ("bifurquer", 2), ("deuxième carrière", 2), ("nouveau départ", 2),
        ("VAE", 1.5), ("quarante ans", 1.5), ("reprendre ses études", 1.5), ("autre vie", 1), ("détour", 1),
        ("parcours", 0.5), ("changer", 0.5),
    ),
    "entreprendre": (
        ("entreprendre", 2), ("entrepreneur", 2), ("créer son entreprise", 2), ("création", 1), ("créer", 1),
        ("fonder", 1.5), ("indépendant", 1.5), ("freelance", 2), ("à son compte", 2), ("à votre compte", 2),
        ("à ton compte", 2), ("auto-entrepreneur", 2), ("micro-entreprise", 2), ("financement", 1),
        ("banque", 0.5), ("trésorerie", 1.5), ("business plan", 2), ("clientèle", 1), ("prix", 0.5), ("lancer", 1),
        ("s’installer", 1.5), ("vous installer", 1.5), ("affaire", 1.5), ("boîte", 1), ("ouvrir", 1), ("boutique", 1),
        ("devis", 1.5), ("prévisionnel", 2), ("plan financier", 2), ("plan chiffré", 2), ("banquier", 1.5),
        ("emprunter", 1.5), ("prêt d’honneur", 2), ("chambre de métiers", 2), ("chef d’entreprise", 2),
        ("gestion", 1), ("impayés", 1.5), ("comptabilité", 1), ("associé", 1.5), ("monter", 1), ("projet", 0.5),
    ),
    "international": (
        ("étranger", 2), ("langue", 1.5), ("anglais", 2), ("espagnol", 2), ("allemand", 1.5), ("voyage", 1),
        ("voyager", 1.5), ("international", 2), ("Erasmus", 2), ("expatriation", 2), ("pays", 1), ("monde", 0.5),
        ("bilingue", 2), ("frontière", 1), ("partir", 0.5),
    ),
    "competences": (
        ("savoir-être", 2), ("rigueur", 1.5), ("rigoureux", 1.5), ("ponctualité", 2), ("ponctuel", 1.5),
        ("écoute", 1), ("politesse", 1.5), ("autonomie", 1), ("organisation", 1), ("communication", 1),
        ("équipe", 1), ("compétence", 1.5), ("sérieux", 1), ("fiabilité", 1.5), ("fiable", 1), ("respect", 1),
        ("soft skills", 2), ("précision", 1), ("méthode", 1), ("minutie", 1.5), ("adaptabilité", 1.5),
        ("s’adapter", 1), ("à l’heure", 1), ("soigneux", 1),
    ),
    "equilibre": (
        ("équilibre", 2), ("santé", 1.5), ("corps", 1), ("dos", 1), ("sommeil", 1.5), ("dormir", 1),
        ("repos", 1.5), ("vie personnelle", 2), ("vie de famille", 2), ("famille", 0.5), ("stress", 1.5),
        ("burn-out", 2), ("épuisement", 2), ("horaires", 1), ("pause", 1), ("limites", 1), ("prendre soin", 1.5),
        ("fatigue", 1.5), ("décrocher", 1), ("vacances", 1), ("sport", 1), ("souffler", 1.5),
    ),
    "engagement": (
        ("utile", 2), ("utilité", 2), ("servir", 1), ("aider", 1), ("engagement", 2), ("engager", 1.5),
        ("bénévolat", 2), ("bénévole", 2), ("sens", 1), ("solidarité", 2), ("environnement", 1.5),
        ("planète", 2), ("service public", 2), ("mission", 1), ("collectif", 1), ("citoyen", 1.5),
        ("cause", 1), ("transmettre", 1), ("autres", 0.5),
        ("engage", 1.5), ("asso", 1.5), ("sert à quelque chose", 2), ("pour les autres", 2), ("rendre service", 1.5),
        ("tout le monde", 1), ("accessible", 1), ("patrimoine", 1), ("public", 1), ("humain", 1), ("besoin de vous", 2),
    ),
}


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    score: float
    cues: tuple[str, ...]
    given: bool


@functools.lru_cache(maxsize=1)
def _compiled() -> dict[str, tuple[tuple[tuple[str, ...], float, str], ...]]:
    compiled: dict[str, tuple[tuple[tuple[str, ...], float, str], ...]] = {}
    for theme, cues in CUES.items():
        compiled[theme] = tuple((tuple(analyze(cue)), weight, cue) for cue, weight in cues if analyze(cue))
    return compiled


def _contains(tokens: Sequence[str], grams: set[tuple[str, ...]], cue: tuple[str, ...]) -> bool:
    return cue in grams


def score_themes(text: str) -> list[ThemeScore]:
    """Every theme's score on ``text``, best first, with the cues that matched."""
    tokens = analyze(text)
    grams: set[tuple[str, ...]] = set()
    for n in (1, 2, 3, 4):
        for i in range(len(tokens) - n + 1):
            grams.add(tuple(tokens[i : i + n]))
    scores: list[ThemeScore] = []
    for theme, cues in _compiled().items():
        matched = [(weight, label) for cue, weight, label in cues if _contains(tokens, grams, cue)]
        total = sum(weight for weight, _ in matched)
        scores.append(ThemeScore(theme, total, tuple(label for _, label in matched), False))
    scores.sort(key=lambda s: (-s.score, s.theme))
    given = {s.theme for s in scores if s.score >= THRESHOLD}
    given = {s.theme for s in scores[:MAX_THEMES] if s.theme in given}
    return [ThemeScore(s.theme, s.score, s.cues, s.theme in given) for s in scores]


def infer_themes(text: str) -> tuple[str, ...]:
    """The themes the advice section talks about, best first (at most three)."""
    return tuple(s.theme for s in score_themes(text) if s.given)


def explain(text: str) -> list[str]:
    """French lines saying why each theme was given or not (``bloomr themes ID``)."""
    lines = []
    for s in score_themes(text):
        if not s.score:
            continue
        verdict = "retenu" if s.given else "non retenu"
        cues = ", ".join(f"« {c} »" for c in s.cues)
        lines.append(f"{s.theme} : score {s.score:g} (seuil {THRESHOLD:g}) — {verdict} ; indices : {cues}")
    return lines or ["aucun indice de thème dans les conseils"]


@dataclass(frozen=True)
class ThemeQuality:
    theme: str
    declared: int
    inferred: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.inferred if self.inferred else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.declared if self.declared else 0.0


def evaluate(pairs: Iterable[tuple[str, Sequence[str]]]) -> list[ThemeQuality]:
    """Precision and recall per theme of the inferer against declared themes.

    ``pairs``: (advice text, declared themes) of testimonials that declare them; the
    declared themes are hidden from the inferer, which only sees the text.
    """
    declared: dict[str, int] = {t: 0 for t in CUES}
    inferred: dict[str, int] = {t: 0 for t in CUES}
    correct: dict[str, int] = {t: 0 for t in CUES}
    for text, themes in pairs:
        got = set(infer_themes(text))
        for t in themes:
            if t in declared:
                declared[t] += 1
        for t in got:
            inferred[t] += 1
            if t in themes:
                correct[t] += 1
    return [ThemeQuality(t, declared[t], inferred[t], correct[t]) for t in CUES]
