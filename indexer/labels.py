"""Official names a query may use word for word: job titles, and what ROME and our taxonomy call things.

``title_phrases(taxonomy)`` lists every job title with its fiche (ROME's and the volunteers');
``label_phrases(taxonomy)`` lists, for every grand domaine, advice theme, ROME theme, secteur,
sous-secteur and centre d'intérêt, the phrases its official label gives::

    [LabelPhrase("rome_theme", "016", "Métiers de l’ingénierie", "Métiers de l’ingénierie"), …,
     LabelPhrase("centre_interet", "2", "J’ai l’âme d’un chef / d’une cheffe", "J’ai l’âme d’un chef"), …]

``indexer.lexicon`` compiles them; ``indexer.synonyms`` warns when a hand-kept phrase says again
what a label already says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Iterator

from indexer.taxonomy import Taxonomy
from indexer.titles import gender_forms
from search.phrases import phrase_key

_PARENS = re.compile(r"\s*\([^)]*\)")
_ALTERNATIVE = re.compile(r"(\S+) / (?:d’une |d'une |une )?\S+")
"""« chef / d’une cheffe », « passionné / passionnée »: ROME's gender alternatives in centre labels."""
_ARTICLE_ALTERNATIVE = re.compile(r"\bun / une ")
"""« Je suis un / une artiste »: the alternative is the article; the noun after it is the label's word."""


@dataclass(frozen=True)
class LabelPhrase:
    kind: str  # "sector", "theme", "rome_theme", "secteur", "sous_secteur", "centre_interet"
    code: str
    label: str  # the official label
    phrase: str  # a phrase it gives: the label, without its parenthesis, in the masculine


def _forms(label: str) -> list[str]:
    """The label, without parenthesised parts, and with ROME's gender alternatives in the masculine."""
    forms = [label, _PARENS.sub("", label).strip(), _ALTERNATIVE.sub(r"\1", _ARTICLE_ALTERNATIVE.sub("un ", label))]
    return list(dict.fromkeys(f for f in forms if f))


def label_phrases(taxonomy: Taxonomy) -> list[LabelPhrase]:
    found: list[LabelPhrase] = []
    for letter, sector in taxonomy.sectors.items():
        found.append(LabelPhrase("sector", letter, sector.label, sector.label))
    for slug, theme in taxonomy.themes.items():
        found.append(LabelPhrase("theme", slug, theme.label, theme.label))
    rome = taxonomy.rome
    if rome is None:
        return found
    for code, label in rome.themes.items():
        found.extend(LabelPhrase("rome_theme", code, label, form) for form in _forms(label))
    for code, secteur in rome.secteurs.items():
        found.extend(LabelPhrase("secteur", code, secteur.label, form) for form in _forms(secteur.label))
        for sub, sub_label in secteur.sous_secteurs.items():
            found.extend(LabelPhrase("sous_secteur", sub, sub_label, form) for form in _forms(sub_label))
    for code, label in rome.centres_interet.items():
        found.extend(LabelPhrase("centre_interet", code, label, form) for form in _forms(label))
    return found


def _title_variants(title: str) -> list[str]:
    """A title, and its form without parenthesised parts when two words at least remain:
    « Infirmier en soins généraux (IDE) » also reads « Infirmier en soins généraux », but
    « Conseiller (assurance) » is not every « conseiller »."""
    bare = _PARENS.sub("", title).strip()
    return [title, bare] if bare != title and len(phrase_key(bare)) >= 2 else [title]


def title_phrases(taxonomy: Taxonomy) -> Iterator[tuple[str, str]]:
    """(fiche code, title) for every title of every fiche: its label in both genders, ROME's
    appellations (long and short forms) and the volunteers' words, fiche by fiche."""
    rome = taxonomy.rome
    for code, profession in sorted(taxonomy.professions.items()):
        fiche = rome.fiches.get(code) if rome else None
        titles = [*gender_forms(profession.label), *profession.titles, *(fiche.titles if fiche else ())]
        for title in dict.fromkeys(titles):
            for variant in _title_variants(title):
                yield code, variant
