"""The form's fields declared once (labels, questions, bounds), and a typed form checked into a ``Draft``.

``check(values, taxonomy)`` returns ``Checked(draft, email, errors)``: ``errors`` maps a field
name to a French message that says what to do (« Indiquez votre prénom ou un pseudonyme. »),
in the form's order, so the first one is where the focus goes. Everything typed is cleaned
(``search.text.clean_text``: NFC, controls, bidi overrides removed) and kept as text: Markdown
or HTML is never interpreted anywhere.

    checked = check({"name": "Lina", "profession": "Menuisière", …}, taxonomy)
    checked.errors   # {} when the draft can be sent
"""

from __future__ import annotations

from search.french import NBSP

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.taxonomy import Taxonomy
from search.text import clean_text
from volunteers.model import Draft



@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    max_chars: int
    min_chars: int = 0
    required: bool = False
    question: str = ""  # guiding question shown under the label
    hint: str = ""  # length hint
    multiline: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Votre prénom ou un pseudonyme", 40, 1, True,
              f"C’est le seul nom publié{NBSP}: jamais votre nom de famille ni votre employeur."),
    FieldSpec("profession", "Votre métier, avec vos mots", 120, 2, True,
              f"Par exemple{NBSP}: «{NBSP}Menuisière agenceuse{NBSP}», «{NBSP}Infirmier de bloc{NBSP}»."),
    FieldSpec("country", "Pays où vous travaillez", 2, 2, True),
    FieldSpec("region", "Région, département ou ville", 80, 1, True,
              f"Par exemple{NBSP}: «{NBSP}Bretagne{NBSP}», «{NBSP}69{NBSP}», «{NBSP}Lyon{NBSP}», «{NBSP}Genève{NBSP}», «{NBSP}Dakar{NBSP}»."),
    FieldSpec("metier", "Mon métier", 6000, 200, True,
              f"À quoi ressemble une journée ou une semaine{NBSP}? Avec qui travaillez-vous{NBSP}? "
              f"Qu’est-ce qu’un jeune ne devine pas de l’extérieur{NBSP}?",
              "Obligatoire, 200 à 6\u202f000 caractères (une à trois pages d’écran suffisent).", True),
    FieldSpec("parcours", "Mon parcours", 6000, 0, False,
              f"Qu’avez-vous étudié, par où êtes-vous passé ou passée, quels détours ou hésitations{NBSP}?",
              "Facultatif, jusqu’à 6\u202f000 caractères.", True),
    FieldSpec("passion", "Pourquoi j’aime mon métier", 6000, 0, False,
              f"Ce qui vous donne envie d’y retourner le lundi{NBSP}; et, honnêtement, ce qui est plus dur.",
              "Facultatif, jusqu’à 6\u202f000 caractères.", True),
    FieldSpec("conseils", "Mes conseils aux jeunes", 6000, 100, True,
              f"Ce que vous auriez aimé savoir à seize ans{NBSP}; par où commencer pour découvrir ce métier.",
              "Obligatoire, 100 à 6\u202f000 caractères.", True),
    FieldSpec("email", "Votre adresse électronique (facultative)", 254, 0, False,
              "Jamais publiée. Elle sert seulement à vous envoyer votre lien de gestion et la décision de publication."),
)
SPECS = {spec.name: spec for spec in FIELDS}
SECTION_FIELDS = ("metier", "parcours", "passion", "conseils")
MAX_THEMES = 11
_EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]+\.[^@\s<>\"]{2,}$")
_LETTER = re.compile(r"[^\W\d_]")
_PARAGRAPHS = re.compile(r"\n[ \t\r\f\v]*\n")


def clean_section(text: str) -> str:
    """Paragraphs kept (split on blank lines), each cleaned; joined by one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (clean_text(p) for p in _PARAGRAPHS.split(text))
    return "\n\n".join(p for p in paragraphs if p)


@dataclass(frozen=True)
class Checked:
    draft: Draft | None
    email: str | None
    errors: dict[str, str]
    notes: dict[str, str]  # what was understood: {"region": "Auvergne-Rhône-Alpes"}


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def check(values: Mapping[str, str], themes: Sequence[str], taxonomy: Taxonomy, *, consent: bool) -> Checked:
    """Check the typed form; see the module docstring."""
    errors: dict[str, str] = {}
    notes: dict[str, str] = {}
    clean: dict[str, str] = {}
    for spec in FIELDS:
        raw = values.get(spec.name, "")
        if len(raw) > spec.max_chars * 2 + 1000:  # far too long: not worth cleaning
            errors[spec.name] = f"Ce texte est trop long{NBSP}: {_number(spec.max_chars)}{NBSP}caractères au plus."
            continue
        text = clean_section(raw) if spec.multiline else clean_text(raw)
        clean[spec.name] = text
        if not text:
            if spec.required:
                errors[spec.name] = _missing(spec)
            continue
        if len(text) > spec.max_chars:
            errors[spec.name] = (
                f"Ce texte compte {_number(len(text))}{NBSP}caractères{NBSP}; raccourcissez-le à "
                f"{_number(spec.max_chars)}{NBSP}caractères au plus."
            )
        elif len(text) < spec.min_chars:
            errors[spec.name] = (
                f"Ce texte compte {_number(len(text))}{NBSP}caractères{NBSP}; écrivez-en au moins "
                f"{_number(spec.min_chars)} pour qu’un jeune s’en fasse une idée."
            )
        elif spec.name in ("name", "profession") and not _LETTER.search(text):
            errors[spec.name] = "Écrivez-le en lettres."
    country = clean.get("country", "").upper()
    if "country" not in errors and country not in taxonomy.countries:
        errors["country"] = "Choisissez un pays dans la liste."
    if "region" not in errors and "country" not in errors and clean.get("region"):
        _check_region(clean["region"], country, taxonomy, errors, notes)
    email = clean.get("email") or None
    if email is not None and "email" not in errors and not _EMAIL.match(email):
        errors["email"] = f"Cette adresse ne semble pas complète (exemple{NBSP}: prenom@exemple.fr){NBSP}; laissez le champ vide si vous n’en voulez pas."
    picked = tuple(dict.fromkeys(t for t in themes if t in taxonomy.themes))
    if len(themes) > MAX_THEMES or len(picked) != len(set(themes)):
        errors["themes"] = "Cochez des thèmes de la liste seulement."
    if not consent:
        errors["consent"] = "Cochez cette case pour que votre témoignage puisse être publié."
    if errors:
        return Checked(None, email, errors, notes)
    draft = Draft(
        name=clean["name"], profession=clean["profession"], region=clean["region"], country=country,
        metier=clean["metier"], conseils=clean["conseils"], parcours=clean.get("parcours", ""),
        passion=clean.get("passion", ""), themes=picked,
    )
    return Checked(draft, email, {}, notes)


def _missing(spec: FieldSpec) -> str:
    return {
        "name": "Indiquez votre prénom ou un pseudonyme.",
        "profession": "Indiquez votre métier, avec vos mots.",
        "country": "Choisissez le pays où vous travaillez.",
        "region": "Indiquez votre région, votre département ou votre ville.",
        "metier": f"Racontez votre métier{NBSP}: c’est le cœur du témoignage.",
        "conseils": f"Donnez au moins un conseil aux jeunes{NBSP}: c’est ce qu’ils cherchent en premier.",
    }.get(spec.name, "Ce champ est obligatoire.")


def _check_region(text: str, country: str, taxonomy: Taxonomy, errors: dict[str, str], notes: dict[str, str]) -> None:
    region = taxonomy.resolve_region(text, country)
    if region is not None:
        notes["region"] = region.label
        return
    label = taxonomy.countries[country].label
    elsewhere = taxonomy.find_region_elsewhere(text, country)
    if elsewhere:
        other = taxonomy.countries[elsewhere[0].country].label
        errors["region"] = f"«{NBSP}{text}{NBSP}» se trouve en {other}{NBSP}: choisissez ce pays dans la liste."
        return
    close = [written for written, _ in taxonomy.suggest_regions(text, country)]
    if close:
        guesses = " ou ".join(f"«{NBSP}{w}{NBSP}»" for w in close)
        errors["region"] = f"Nous ne trouvons pas «{NBSP}{text}{NBSP}» ({label}). Vouliez-vous dire {guesses}{NBSP}?"
    else:
        errors["region"] = (
            f"Nous ne trouvons pas «{NBSP}{text}{NBSP}» ({label}). Écrivez une région, un département "
            f"(nom ou numéro), une grande ville, un canton ou une province."
        )
