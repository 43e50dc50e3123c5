"""What the ROME 4.0 knows, as typed values, and its compact file ``corpus/taxonomy/rome.json``.

``indexer.rome_export`` reads the official CSV export into a ``Rome``; ``write_rome`` writes it
(sorted, one fiche a line, so that a new ROME version reads as a short diff) and ``read_rome``
reads it back, so the product needs neither the CSV files nor ``BLOOMR_ROME``::

    rome = read_rome(Path("corpus/taxonomy/rome.json"))
    rome.fiches["J1506"].feminine        # "Infirmière en soins généraux"
    rome.fiches["J1506"].sector          # "J"
    rome.themes["012"]                   # "Métiers auprès des enfants"
    rome.credit                          # "France Travail — ROME 4.0, version 60"

The file is derived from data published by France Travail under the Licence Ouverte; its
``about`` object carries the credit, and the README and the à-propos page repeat it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.errors import CorpusError

ROME_FILE = "rome.json"
FORMAT = 1
"""Version of the file's shape; ``read_rome`` refuses another one."""


@dataclass(frozen=True)
class Appellation:
    """One ROME job title: ``titles`` masculine then feminine (one when both are written alike),
    ``short`` the short forms when ROME's short label differs (``"Accompagnateur(trice) voyages"``)."""

    titles: tuple[str, ...]
    short: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fiche:
    """One of the 1,584 fiches: ``Fiche("J1506", "Infirmier / Infirmière en soins généraux (IDE)", …)``."""

    code: str
    label: str
    masculine: str
    feminine: str
    domain: str  # domaine professionnel, "J15"; the grand domaine is its letter
    definition: str = ""  # the first one or two sentences of ROME's definition
    without_diploma: bool = False  # ROME says it is accessible without a diploma
    levels: tuple[str, ...] = ()  # diplomas the access text names: "CAP", "Bac", "Bac+2", "Bac+3", "Bac+5", "Bac+8"
    themes: tuple[str, ...] = ()  # ROME themes, "012"
    secteurs: tuple[str, ...] = ()  # secteurs d'activité, the principal one first, "85"
    sous_secteurs: tuple[str, ...] = ()  # "119"
    appellations: tuple[Appellation, ...] = ()
    parent: str = ""  # the historic fiche this sub-fiche belongs to, "" for a historic fiche
    regulated: bool = False  # emploi réglementé

    @property
    def sector(self) -> str:
        """The grand domaine letter: ``"J"``."""
        return self.domain[:1]

    @property
    def titles(self) -> tuple[str, ...]:
        """Every written title: the fiche's two genders, then each appellation's long and short forms."""
        forms = [self.masculine, self.feminine]
        for appellation in self.appellations:
            forms.extend(appellation.titles)
        for appellation in self.appellations:
            forms.extend(appellation.short)
        return tuple(dict.fromkeys(f for f in forms if f))


@dataclass(frozen=True)
class Secteur:
    code: str  # "85"
    label: str  # "Santé"
    sous_secteurs: Mapping[str, str] = field(default_factory=dict)  # {"119": "Médical", …}


@dataclass(frozen=True)
class Rome:
    """The whole nomenclature as we ship it."""

    about: Mapping[str, str]
    grands_domaines: Mapping[str, str]  # "A" -> label (14)
    domaines: Mapping[str, str]  # "A11" -> label (110)
    themes: Mapping[str, str]  # "001" -> label (17)
    secteurs: Mapping[str, Secteur]  # "79" -> Secteur (35)
    centres_interet: Mapping[str, str]  # "1" -> label (30), ROME maps them to nothing
    fiches: Mapping[str, Fiche]  # "A1101" -> Fiche (1,584)
    words: tuple[str, ...] = ()
    """Every word ROME writes in lower case (texts, and every word of its titles and labels),
    sorted: French words that a spelling correction must never replace."""

    @property
    def credit(self) -> str:
        return self.about.get("credit", "")

    @property
    def sous_secteurs(self) -> dict[str, tuple[str, str]]:
        """``{"119": ("Médical", "85")}``: every sous-secteur with its label and secteur."""
        return {code: (label, s.code) for s in self.secteurs.values() for code, label in s.sous_secteurs.items()}


# ------------------------------------------------------------------------------ JSON


def _fiche_data(fiche: Fiche) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": fiche.label,
        "masculine": fiche.masculine,
        "feminine": fiche.feminine,
        "domain": fiche.domain,
        "definition": fiche.definition,
    }
    optional: dict[str, Any] = {
        "parent": fiche.parent,
        "without_diploma": fiche.without_diploma,
        "levels": list(fiche.levels),
        "regulated": fiche.regulated,
        "themes": list(fiche.themes),
        "secteurs": list(fiche.secteurs),
        "sous_secteurs": list(fiche.sous_secteurs),
    }
    data.update({k: v for k, v in optional.items() if v})
    data["appellations"] = [
        {"titles": list(a.titles), **({"short": list(a.short)} if a.short else {})} for a in fiche.appellations
    ]
    return data


def rome_data(rome: Rome) -> dict[str, Any]:
    """Plain data of ``rome.json``: ``{"about", "grands_domaines", "domaines", "themes", "secteurs",
    "centres_interet", "fiches", "words"}``, every mapping sorted by code."""
    return {
        "about": dict(rome.about),
        "grands_domaines": dict(sorted(rome.grands_domaines.items())),
        "domaines": dict(sorted(rome.domaines.items())),
        "themes": dict(sorted(rome.themes.items())),
        "secteurs": {
            code: {"label": s.label, "sous_secteurs": dict(sorted(s.sous_secteurs.items()))}
            for code, s in sorted(rome.secteurs.items(), key=lambda item: int(item[0]))
        },
        "centres_interet": dict(sorted(rome.centres_interet.items(), key=lambda item: int(item[0]))),
        "fiches": {code: _fiche_data(f) for code, f in sorted(rome.fiches.items())},
        "words": sorted(rome.words),
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def rome_text(rome: Rome) -> str:
    """The file's text: small tables one a line, then one fiche a line (deterministic)."""
    data = rome_data(rome)
    lines = ["{", f'"format":{FORMAT},']
    for key in ("about", "grands_domaines", "domaines", "themes", "secteurs", "centres_interet", "words"):
        lines.append(f"{_dumps(key)}:{_dumps(data[key])},")
    lines.append('"fiches":{')
    fiches = list(data["fiches"].items())
    for n, (code, fiche) in enumerate(fiches):
        lines.append(f"{_dumps(code)}:{_dumps(fiche)}{',' if n < len(fiches) - 1 else ''}")
    lines.extend(["}", "}"])
    return "\n".join(lines) + "\n"


def write_rome(path: Path, rome: Rome) -> int:
    """Write ``rome.json`` atomically; returns its size in bytes."""
    text = rome_text(rome).encode("utf-8")
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return len(text)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _fiche(code: str, data: Mapping[str, Any]) -> Fiche:
    return Fiche(
        code=code,
        label=str(data["label"]),
        masculine=str(data["masculine"]),
        feminine=str(data["feminine"]),
        domain=str(data["domain"]),
        definition=str(data.get("definition", "")),
        without_diploma=bool(data.get("without_diploma", False)),
        levels=_strings(data.get("levels")),
        themes=_strings(data.get("themes")),
        secteurs=_strings(data.get("secteurs")),
        sous_secteurs=_strings(data.get("sous_secteurs")),
        appellations=tuple(
            Appellation(_strings(a.get("titles")), _strings(a.get("short"))) for a in data.get("appellations") or ()
        ),
        parent=str(data.get("parent", "")),
        regulated=bool(data.get("regulated", False)),
    )


def rome_from_data(data: Mapping[str, Any]) -> Rome:
    """The inverse of ``rome_data``; raises KeyError, TypeError or ValueError on a wrong shape."""
    if data.get("format") not in (None, FORMAT):
        raise ValueError(f"format {data.get('format')!r} inconnu (attendu : {FORMAT})")
    return Rome(
        about={str(k): str(v) for k, v in data["about"].items()},
        grands_domaines={str(k): str(v) for k, v in data["grands_domaines"].items()},
        domaines={str(k): str(v) for k, v in data["domaines"].items()},
        themes={str(k): str(v) for k, v in data["themes"].items()},
        secteurs={
            str(code): Secteur(str(code), str(s["label"]), {str(k): str(v) for k, v in s["sous_secteurs"].items()})
            for code, s in data["secteurs"].items()
        },
        centres_interet={str(k): str(v) for k, v in data["centres_interet"].items()},
        fiches={str(code): _fiche(str(code), f) for code, f in data["fiches"].items()},
        words=_strings(data.get("words")),
    )


def read_rome(path: Path) -> Rome:
    """Read ``rome.json``; raises ``CorpusError`` naming the file and the remedy."""
    try:
        with open(path, encoding="utf-8") as handle:
            return rome_from_data(json.load(handle))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorpusError(
            f"fichier ROME illisible : {path} ({type(exc).__name__} : {exc})",
            remedy="régénérez-le avec python -m indexer.taxonomy_sync --rome <export ROME> ou restaurez-le depuis git",
        ) from exc
