"""Read the official ROME 4.0 CSV export (France Travail, Licence Ouverte) into a ``Rome``.

Maintainer side only: ``python -m indexer.taxonomy_sync --rome DIR`` turns the export into
``corpus/taxonomy/rome.json`` and the product reads that file. ``BLOOMR_ROME`` still lets
``load_taxonomy`` read the export directly::

    rome = read_export(Path("../shared/data/rome/v460"))
    len(rome.fiches), rome.credit        # (1584, "France Travail — ROME 4.0, version 60")

Texts keep ROME's words; only the typography is fixed (the CSV doubles apostrophes,
``l''entretien``; we write ``l’entretien`` and « guillemets »).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from indexer.rome import Appellation, Fiche, Rome, Secteur
from indexer.titles import gender_forms
from search.analysis import fold
from search.errors import CorpusError

LICENCE = "Licence Ouverte / Open Licence (Etalab)"
SOURCE = "https://www.francetravail.org/opendata/repertoire-operationnel-des-meti.html"
WITHOUT_DIPLOMA_THEME = "017"
"""ROME theme « Métiers accessibles sans diplôme et sans expérience »."""
DEFINITION_CHARS = 160
"""The definition keeps its second sentence while the first is shorter than this."""

_SPACES = re.compile(r"\s+")
_QUOTED = re.compile(r'"\s*([^"]*?)\s*"')
_WITHOUT_DIPLOMA = re.compile(
    r"sans (?:aucun )?(?:diplome|qualification|formation|niveau)"
    r"|aucun diplome n'est (?:exige|requis)|n'(?:exige|requiert) (?:pas|aucun) (?:de )?diplome|pas de diplome"
)
_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("CAP", re.compile(r"\b(?:CAPA?|BEP|BPA)\b")),
    ("Bac", re.compile(r"\b(?:[Bb]ac|BAC)\b(?!\s*\+)|[Bb]accalauréat|\bBP\b|[Bb]revet professionnel")),
    ("Bac+2", re.compile(r"\b[Bb]ac\s*\+\s*2\b|\bBTSA?\b|\bDUT\b|\bDEUST\b")),
    ("Bac+3", re.compile(r"\b[Bb]ac\s*\+\s*3\b|\b[Ll]icence\b|\bBUT\b|[Bb]achelor")),
    ("Bac+5", re.compile(r"\b[Bb]ac\s*\+\s*5\b|\b[Mm]aster\b|[ée]cole d['’]ingénieurs?|diplôme d['’]ingénieur")),
    ("Bac+8", re.compile(r"\b[Bb]ac\s*\+\s*8\b|\b[Dd]octorat\b")),
)


def typographic(text: str) -> str:
    """ROME text with French typography: ``typographic('l''entretien "pro"')`` == ``"l’entretien « pro »"``."""
    text = _SPACES.sub(" ", text).strip().replace("''", "’").replace("'", "’")
    return _QUOTED.sub("«\u00a0\\1\u00a0»", text)


def _file(rome_dir: Path, stem: str) -> Path:
    found = sorted(Path(rome_dir).glob(f"unix_{stem}_v*_utf8.csv"))
    return found[-1] if found else Path(rome_dir) / f"unix_{stem}_utf8.csv"


def _rows(rome_dir: Path, stem: str) -> list[dict[str, str]]:
    path = _file(rome_dir, stem)
    if not path.exists():
        raise CorpusError(
            f"export ROME incomplet : {path} absent",
            remedy="indiquez le dossier de l’export CSV officiel du ROME 4.0 (« Toutes les données du ROME »)",
        )
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _about(rome_dir: Path) -> dict[str, str]:
    """``version.txt`` of the export: ``Numero de version : 60``, ``Date de publication : 18/09/2025``."""
    fields: dict[str, str] = {}
    path = Path(rome_dir) / "version.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[fold(key).strip()] = value.strip()
    version = fields.get("numero de version", "")
    if not version:
        match = re.search(r"_v(\d+)_utf8", _file(rome_dir, "referentiel_code_rome").name)
        version = str(int(match.group(1)) % 100) if match else ""
    day, month, year = (fields.get("date de publication", "").split("/") + ["", "", ""])[:3]
    return {
        "title": "Répertoire opérationnel des métiers et des emplois (ROME 4.0)",
        "credit": f"France Travail — ROME 4.0, version {version}",
        "version": version,
        "published": f"{year}-{month}-{day}" if year else "",
        "licence": LICENCE,
        "source": SOURCE,
        "generated_by": "python -m indexer.taxonomy_sync --rome <export ROME>",
    }


def _definition(sentences: list[str]) -> str:
    """The first sentence, and the second while the first is short; each ends with a full stop."""
    kept: list[str] = []
    for sentence in sentences:
        sentence = typographic(sentence)
        if not sentence:
            continue
        if sentence[-1] not in ".!?…":
            sentence += "."
        kept.append(sentence)
        if len(kept) == 2 or len(" ".join(kept)) >= DEFINITION_CHARS:
            break
    return " ".join(kept)


def _levels(text: str) -> tuple[str, ...]:
    return tuple(level for level, pattern in _LEVELS if pattern.search(text))


def _appellation(long: str, short: str) -> Appellation:
    titles = tuple(typographic(t) for t in gender_forms(long))
    # A short label's " / " separates genders only once ("chauffage / Ventilation / Clim" is a list).
    shorts = tuple(typographic(t) for t in (gender_forms(short) if short.count(" / ") == 1 else [short])) if short.strip() else ()
    return Appellation(titles, tuple(s for s in shorts if s not in titles) if shorts != titles else ())


_WORD = re.compile(r"[^\W\d_]+")


def _words(texts: list[str], titles: list[str]) -> tuple[str, ...]:
    """Words written in lower case in the texts, and every word of the titles, lowercased."""
    found = {w for text in texts for w in _WORD.findall(text) if w[0].islower()}
    found.update(w.lower() for title in titles for w in _WORD.findall(title))
    return tuple(sorted(w for w in found if len(w) > 1))


def read_export(rome_dir: Path) -> Rome:
    """Every fiche of the export with its appellations, texts, themes and secteurs."""
    rome_dir = Path(rome_dir)
    grands = {r["code_grand_domaine"]: typographic(r["libelle_grand_domaine"]) for r in _rows(rome_dir, "grand_domaine")}
    domaines = {
        r["code_domaine_professionnel"]: typographic(r["libelle_domaine_professionnel"])
        for r in _rows(rome_dir, "domaine_professionnel")
    }
    themes = {r["code_theme"]: typographic(r["libelle_theme"]) for r in _rows(rome_dir, "themes")}
    sous: dict[str, dict[str, str]] = defaultdict(dict)
    for r in _rows(rome_dir, "sous_secteur_activite"):
        sous[r["code_sect_activite"]][r["code_ss_sect_activite"]] = typographic(r["libelle_ss_sect_activite"])
    secteurs = {
        r["code_sect_activite"]: Secteur(r["code_sect_activite"], typographic(r["libelle_sect_activite"]), dict(sous[r["code_sect_activite"]]))
        for r in _rows(rome_dir, "secteur_activite")
    }
    centres = {r["code_centre_interet"]: typographic(r["libelle_centre_interet"]) for r in _rows(rome_dir, "centre_interet")}

    domain_of = {r["code_rome"]: r.get("code_domaine_professionel") or r.get("code_domaine_professionnel", "") for r in _rows(rome_dir, "cr_gd_dp")}
    definitions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    access: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in _rows(rome_dir, "texte"):
        target = definitions if r["libelle_type_texte"] == "definition" else access if r["libelle_type_texte"] == "acces_metier" else None
        if target is not None:
            target[r["code_rome"]].append((int(r["position_phrase"] or 0), r["libelle_texte"]))
    texts = [typographic(t) for rows in (definitions, access) for sentences in rows.values() for _, t in sentences]
    fiche_themes: dict[str, set[str]] = defaultdict(set)
    for r in _rows(rome_dir, "arborescence_thematique"):
        fiche_themes[r["code_rome"]].add(r["code_theme"])
    fiche_secteurs: dict[str, list[tuple[bool, str, str]]] = defaultdict(list)
    for r in _rows(rome_dir, "arborescence_secteur_activite"):
        fiche_secteurs[r["code_rome"]].append((r["principal"] != "oui", r["code_sect_activite"], r["code_ss_sect_activite"]))
    appellations: dict[str, list[Appellation]] = defaultdict(list)
    rows = _rows(rome_dir, "referentiel_appellation")
    for r in sorted(rows, key=lambda r: r["classification"] != "PRINCIPALE"):  # stable: file order after
        appellations[r["code_rome"]].append(_appellation(r["libelle_appellation_long"], r["libelle_appellation_court"]))

    fiches: dict[str, Fiche] = {}
    for r in _rows(rome_dir, "referentiel_code_rome"):
        code = r["code_rome"]
        label = typographic(r["libelle_rome"])
        forms = gender_forms(label)
        access_text = " ".join(typographic(t) for _, t in sorted(access[code]))
        ranked = sorted(fiche_secteurs[code], key=lambda s: (s[0], int(s[1])))
        fiches[code] = Fiche(
            code=code,
            label=label,
            masculine=forms[0],
            feminine=forms[-1],
            domain=domain_of.get(code, ""),
            definition=_definition([t for _, t in sorted(definitions[code])]),
            without_diploma=WITHOUT_DIPLOMA_THEME in fiche_themes[code] or bool(_WITHOUT_DIPLOMA.search(fold(access_text).replace("’", "'"))),
            levels=_levels(access_text),
            themes=tuple(sorted(fiche_themes[code])),
            secteurs=tuple(dict.fromkeys(s for _, s, _ in ranked)),
            sous_secteurs=tuple(sorted({ss for _, _, ss in ranked if ss}, key=int)),
            appellations=tuple(appellations[code]),
            parent=r["code_rome_parent"] if r.get("code_rome_parent") not in ("", code) else "",
            regulated=r.get("emploi_reglemente") == "O",
        )
    definitions_of = [typographic(r[f"definition_{k}"]) for k, stem in (("sect_activite", "secteur_activite"), ("centre_interet", "centre_interet"), ("theme", "themes")) for r in _rows(rome_dir, stem)]
    labels = [*grands.values(), *domaines.values(), *themes.values(), *centres.values(),
              *(s.label for s in secteurs.values()), *(v for s in secteurs.values() for v in s.sous_secteurs.values())]
    titles = [t for f in fiches.values() for t in (f.label, *f.titles)]
    return Rome(
        about=_about(rome_dir),
        grands_domaines=grands,
        domaines=domaines,
        themes=themes,
        secteurs=secteurs,
        centres_interet=centres,
        fiches=fiches,
        words=_words(texts + definitions_of, titles + labels),
    )
