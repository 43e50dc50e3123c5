"""Word lists the judge reads: the maintainers' ``synonyms.yaml`` and the benchmark's own lists.

``corpus/taxonomy/synonyms.yaml`` (kept by maintainers, validated by ``bloomr check``) has
``professions:`` (word -> ROME codes) and ``centres_interet:`` (centre d'intérêt label or
code -> ROME codes). Values may be a code, a list, or a mapping holding lists; strings that
are no code (words) are ignored here. A domaine professionnel (``A15``) or a grand domaine
(``A``) stands for all its fiches::

    load_mapping(path, "professions") == {"véto": ("A1504",), "prof": ("K2106", "K2107"), …}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
FALLBACK = HERE / "youth_fallback.yaml"
"""Youth words used while ``synonyms.yaml`` does not exist."""
HOLDOUT = HERE / "youth_holdout.yaml"
"""Held out: never copy these into ``synonyms.yaml``; they estimate how the knowledge generalises."""
NO_FICHE = HERE / "no_fiche.yaml"
"""Jobs youths ask about that no ROME fiche covers (astronaute…)."""

_FICHE = re.compile(r"^[A-N][0-9]{4}$")
_DOMAIN = re.compile(r"^[A-N][0-9]{2}$")
_SECTOR = re.compile(r"^[A-N]$")


@dataclass(frozen=True)
class WordList:
    source: str  # "corpus/taxonomy/synonyms.yaml" or "bench/relevance/youth_fallback.yaml"
    entries: dict[str, tuple[str, ...]]  # word -> ROME fiche codes
    unresolved: tuple[str, ...] = ()  # keys whose values hold no code we know


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def codes_in(value: Any) -> list[str]:
    """Every code-looking string in a YAML value: ``codes_in({"rome": ["A1504"], "mots": ["véto"]}) == ["A1504"]``."""
    if isinstance(value, str):
        text = value.strip()
        return [text] if _FICHE.match(text) or _DOMAIN.match(text) or _SECTOR.match(text) else []
    if isinstance(value, Mapping):
        return [c for v in value.values() for c in codes_in(v)]
    if isinstance(value, Iterable):
        return [c for v in value for c in codes_in(v)]
    return []


def expand(codes: Iterable[str], fiches: Iterable[str]) -> tuple[str, ...]:
    """Fiche codes for fiche, domaine (``A15``) and grand domaine (``A``) codes; unknown fiches dropped."""
    known = sorted(fiches)
    out: list[str] = []
    for code in codes:
        if _FICHE.match(code):
            found = [code] if code in known else []
        else:
            found = [f for f in known if f.startswith(code)]
        out.extend(f for f in found if f not in out)
    return tuple(out)


def load_mapping(path: Path, key: str, fiches: Iterable[str], *, source: str | None = None) -> WordList | None:
    """The ``key:`` section of a YAML file as word -> fiches; None when the file or the key is absent.

    Besides ``word: [codes]``, two other shapes are read: the inverse (``A1504: [véto, vétérinaire]``)
    and a list of entries (``- {mot: véto, rome: [A1504]}``)."""
    if not path.is_file():
        return None
    data = read_yaml(path)
    section = data.get(key) if isinstance(data, Mapping) else None
    pairs = _pairs(section)
    if pairs is None:
        return None
    known = list(fiches)
    entries: dict[str, tuple[str, ...]] = {}
    unresolved: list[str] = []
    for word, value in pairs:
        codes = expand(codes_in(value), known)
        if codes:
            entries[word] = tuple(dict.fromkeys(entries.get(word, ()) + codes))
        elif word not in entries:
            unresolved.append(word)
    return WordList(source or str(path), entries, tuple(w for w in unresolved if w not in entries))


_WORD_KEYS = ("word", "mot", "terme", "label", "libelle", "libellé")


def _pairs(section: Any) -> list[tuple[str, Any]] | None:
    if isinstance(section, Mapping):
        items = [(str(k), v) for k, v in section.items()]
        if items and all(_FICHE.match(k) for k, _ in items):  # code -> words: turn it around
            return [(str(w), k) for k, v in items for w in ([v] if isinstance(v, str) else v or [])]
        return items
    if isinstance(section, list):
        out: list[tuple[str, Any]] = []
        for entry in section:
            if isinstance(entry, Mapping):
                word = next((entry[k] for k in _WORD_KEYS if isinstance(entry.get(k), str)), None)
                if word is not None:
                    out.append((str(word), {k: v for k, v in entry.items() if k not in _WORD_KEYS}))
        return out
    return None


def load_no_fiche(path: Path = NO_FICHE) -> list[str]:
    """Jobs with no ROME fiche, as a youth would type them."""
    data = read_yaml(path)
    return [str(w) for w in (data.get("jobs") or [])] if isinstance(data, Mapping) else []
