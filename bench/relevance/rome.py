"""What the official ROME 4.0 export says, read for the judge (never by the engine).

``load_rome(Path("../shared/data/rome/v460"))`` returns a ``Rome``::

    Rome(fiches={"J1506": "Infirmier / Infirmière en soins généraux (IDE)", …},
         parents={"J1413": "J1404", …},
         appellations=(Appellation(ogr="10200", long="Abatteur / Abatteuse de carrière", short=…,
                                   rome="F1402", principal=False, rare=False), …),
         groupings=(Grouping(kind="theme", code="012", label="Métiers auprès des enfants",
                             fiches=frozenset({"K1202", …})), …),
         interests={"17": "J'aime m'occuper des animaux", …})

Groupings are the 17 themes, the 35 secteurs and the 40 sous-secteurs d'activité with the
fiches ROME files under them. ROME gives the 30 centres d'intérêt without any fiche: they
are in ``interests`` only, mapped elsewhere (``bench.relevance.knowledge``).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from indexer.taxonomy import fold, gender_forms

FILES = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "themes",
    "arborescence_thematique",
    "secteur_activite",
    "sous_secteur_activite",
    "arborescence_secteur_activite",
    "centre_interet",
)
_PARENS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Appellation:
    ogr: str
    long: str  # "Infirmier / Infirmière de bloc opératoire"
    short: str  # "Infirmier(e) de bloc opératoire" (ROME's own short form, sometimes with "(se)")
    rome: str
    principal: bool  # classification PRINCIPALE: the fiche's main title
    rare: bool  # peu_usite == "O": ROME marks it as seldom used

    def forms(self) -> list[str]:
        """Both genders of both labels, as someone would type them: ``["Infirmier de bloc opératoire", …]``.

        The short label counts only when it abbreviates nothing: ROME's ``"… en ind transform"``
        has words the long label lacks, and nobody types them."""
        long_words = set(" ".join(fold(f) for f in query_forms(self.long)).split())
        short_ok = all(set(fold(f).split()) <= long_words for f in query_forms(self.short))
        return query_forms(self.long, self.short) if short_ok else query_forms(self.long)


@dataclass(frozen=True)
class Grouping:
    kind: str  # "theme" | "secteur" | "sous-secteur"
    code: str
    label: str
    fiches: frozenset[str]


@dataclass(frozen=True)
class Rome:
    fiches: dict[str, str]  # code -> label
    parents: dict[str, str]  # code -> parent code (itself for a historic fiche)
    appellations: tuple[Appellation, ...]
    groupings: tuple[Grouping, ...]
    interests: dict[str, str]  # centre d'intérêt code -> label

    def family(self, code: str) -> str:
        """The historic fiche a sub-fiche hangs under (``family("J1413") == "J1404"``)."""
        return self.parents.get(code, code)


def query_forms(*labels: str) -> list[str]:
    """``query_forms("Chef / Cheffe de cuisine")`` == ``["Chef de cuisine", "Cheffe de cuisine"]``.

    Parentheses (``(se)`` suffixes, acronyms such as ``(IDE)``) are dropped: nobody types them.
    """
    out: list[str] = []
    for label in labels:
        for form in genders(label):
            text = " ".join(_PARENS.sub("", form).split())
            if text and text not in out:
                out.append(text)
    return out


def genders(label: str) -> list[str]:
    """``gender_forms``, and the feminine completed when ROME inflects only the last word of the
    masculine: ``"Instrumentiste Industriel / Industrielle"`` -> ``[…, "Instrumentiste Industrielle"]``."""
    forms = gender_forms(label)
    if len(forms) == 2 and " / " in label:
        left, right = (side.split() for side in " ".join(label.split()).split(" / ", 1))
        if len(right) == 1 and len(left) > 1 and fold(left[-1]) != fold(right[0]) and _same_stem(left[-1], right[0]):
            return [forms[0], " ".join([*left[:-1], right[0]])]
    return forms


def label_query(label: str) -> str:
    """A theme, secteur or interest label as typed: parentheses dropped, the feminine of ``X / Y`` dropped.

    ``label_query("Métiers de l'humanitaire (hors santé et tertiaire)") == "Métiers de l'humanitaire"``;
    ``label_query("J'ai l'âme d'un chef / d'une cheffe") == "J'ai l'âme d'un chef"``; a slash that
    is no gender pair becomes a space (``"de vacances / Jobs d'été"`` -> ``"de vacances Jobs d'été"``).
    """
    text = " ".join(_PARENS.sub("", label).split())
    while " / " in text:
        left, right = text.split(" / ", 1)
        lw, rw = left.split(), right.split()
        for n in (2, 1):
            if len(lw) >= n and len(rw) >= n and all(_same_stem(a, b) for a, b in zip(lw[-n:], rw[:n])):
                rw = rw[n:]
                break
        text = " ".join(lw + rw) if len(rw) < len(right.split()) else f"{left}, {right}"
    return text


def _same_stem(masculine: str, feminine: str) -> bool:
    a, b = fold(masculine), fold(feminine)
    size = min(3, len(a))
    return size > 0 and a[:size] == b[:size]


def rome_file(rome_dir: Path, stem: str) -> Path:
    found = sorted(Path(rome_dir).glob(f"unix_{stem}_v*_utf8.csv"))
    return found[-1] if found else Path(rome_dir) / f"unix_{stem}_utf8.csv"


def missing_rome(rome_dir: Path) -> str | None:
    """Why the export cannot be read (the first absent file), or None."""
    for stem in FILES:
        path = rome_file(rome_dir, stem)
        if not path.is_file():
            return f"{path} is missing (point --rome at the ROME 4.0 CSV export, e.g. ../shared/data/rome/v460)"
    return None


def _rows(rome_dir: Path, stem: str) -> list[dict[str, str]]:
    with rome_file(rome_dir, stem).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_rome(rome_dir: Path) -> Rome:
    """Read the export; raise FileNotFoundError naming the first absent file."""
    problem = missing_rome(rome_dir)
    if problem:
        raise FileNotFoundError(problem)
    fiches: dict[str, str] = {}
    parents: dict[str, str] = {}
    for row in _rows(rome_dir, "referentiel_code_rome"):
        fiches[row["code_rome"]] = row["libelle_rome"]
        parents[row["code_rome"]] = row.get("code_rome_parent") or row["code_rome"]
    appellations = tuple(
        Appellation(
            ogr=row["code_ogr"],
            long=row["libelle_appellation_long"],
            short=row["libelle_appellation_court"],
            rome=row["code_rome"],
            principal=row.get("classification") == "PRINCIPALE",
            rare=row.get("peu_usite") == "O",
        )
        for row in _rows(rome_dir, "referentiel_appellation")
        if row["code_rome"] in fiches
    )
    groupings: list[Grouping] = []
    by_theme: dict[str, set[str]] = defaultdict(set)
    for row in _rows(rome_dir, "arborescence_thematique"):
        by_theme[row["code_theme"]].add(row["code_rome"])
    for row in _rows(rome_dir, "themes"):
        groupings.append(Grouping("theme", row["code_theme"], row["libelle_theme"], frozenset(by_theme[row["code_theme"]])))
    by_sector: dict[str, set[str]] = defaultdict(set)
    by_sub: dict[str, set[str]] = defaultdict(set)
    for row in _rows(rome_dir, "arborescence_secteur_activite"):
        by_sector[row["code_sect_activite"]].add(row["code_rome"])
        if row.get("code_ss_sect_activite"):
            by_sub[row["code_ss_sect_activite"]].add(row["code_rome"])
    for row in _rows(rome_dir, "secteur_activite"):
        code = row["code_sect_activite"]
        groupings.append(Grouping("secteur", code, row["libelle_sect_activite"], frozenset(by_sector[code])))
    for row in _rows(rome_dir, "sous_secteur_activite"):
        code = row["code_ss_sect_activite"]
        groupings.append(Grouping("sous-secteur", code, row["libelle_ss_sect_activite"], frozenset(by_sub[code])))
    interests = {row["code_centre_interet"]: row["libelle_centre_interet"] for row in _rows(rome_dir, "centre_interet")}
    return Rome(fiches, parents, appellations, tuple(groupings), interests)
