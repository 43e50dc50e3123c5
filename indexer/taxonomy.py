"""The taxonomy: sectors, professions, countries, regions and themes, with their French labels.

``load_taxonomy(Path("corpus/taxonomy"))`` reads the YAML files written by us (facts only) and,
with ``rome_dir``, the official ROME 4.0 CSV export (every fiche and its ~13,000 appellations,
both genders). Regions come from pycountry at run time, fixed by the overrides of
``regions.yaml``. Matching of written forms is case-, accent-, apostrophe- and
hyphen-insensitive (``fold``)::

    tax = load_taxonomy(Path("corpus/taxonomy"))
    tax.resolve_region("auvergne rhone alpes", "FR")  # Region("FR-ARA", "Auvergne-Rhône-Alpes", "FR")
    tax.resolve_region("69", "FR").code                  # "FR-ARA"
    tax.resolve_profession("Infirmière")                 # Profession("J1506", …) when known
"""

from __future__ import annotations

import difflib
import gettext
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pycountry
import yaml
from unidecode import unidecode

from indexer.rome import ROME_FILE, Fiche, Rome, read_rome
from indexer.titles import gender_forms
from search.errors import CorpusError

SECTOR_CODES = tuple("ABCDEFGHIJKLMN")
THEME_SLUGS = (
    "etudes", "alternance", "reseau", "passion", "confiance", "reconversion",
    "entreprendre", "international", "competences", "equilibre", "engagement",
)
ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# A parenthesis and the spaces before it. Linear: a match starts only where a run of spaces starts
# (« (?<!\s) ») and the inside stops at the next « ( », so long runs of spaces or of « ( » are
# scanned once (the former « \s*\([^)]*\) » rescanned them from every position).
_PARENS = re.compile(r"(?<!\s)\s*\([^()]*\)")
# Inclusive writing: "Infirmier·ère", "Consultant.e", "Développeur·euse·s", "Chargé(e)".
_INCLUSIVE = re.compile(r"(?<=[^\W\d_])(?:[·•‧⋅.][^\W\d_]+)+|\((?:e|ne|se|euse|ère|rice|trice|le|fe)\)", re.IGNORECASE)


def fold(text: str) -> str:
    """Matching key of a written form: ``fold("Île-d’France ") == "ile d france"``."""
    text = unicodedata.normalize("NFKC", text)
    return _NON_ALNUM.sub(" ", unidecode(text).lower()).strip()


@dataclass(frozen=True)
class Sector:
    code: str  # ROME grand domaine letter, "M"
    label: str
    short: str = ""  # in a youth's words (short_labels.yaml), "Informatique, gestion, marketing"


@dataclass(frozen=True)
class Theme:
    slug: str  # "reseau"
    label: str
    short: str = ""  # what the advice is about (short_labels.yaml), "le réseau"


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, "FR"
    label: str


@dataclass(frozen=True)
class Region:
    code: str  # ISO 3166-2 code of the region level, "FR-ARA"
    label: str
    country: str


@dataclass(frozen=True)
class Profession:
    code: str  # ROME 4.0 fiche code, "M1705"
    label: str
    sector: str  # grand domaine letter
    domain: str  # domaine professionnel code, "M17"
    domain_label: str
    titles: tuple[str, ...] = ()  # job titles (both genders) that map to this fiche


@dataclass(frozen=True)
class Taxonomy:
    """Everything a testimonial's facet values are checked against, with French labels."""

    sectors: Mapping[str, Sector]
    themes: Mapping[str, Theme]
    countries: Mapping[str, Country]
    regions: Mapping[str, Region]
    professions: Mapping[str, Profession]
    region_keys: Mapping[str, Mapping[str, tuple[str, str]]] = field(repr=False)
    """country -> folded written form -> (region code, written form)."""
    title_keys: Mapping[str, str] = field(repr=False)
    """folded job title -> ROME code."""
    rome: Rome | None = field(default=None, repr=False, compare=False)
    """What ROME knows beyond professions (themes, secteurs, texts), when ``rome.json`` is there."""

    def resolve_region(self, text: str, country: str = "FR") -> Region | None:
        """``resolve_region("Finistère", "FR").code == "FR-BRE"``; None when unknown."""
        keys = self.region_keys.get(country.upper(), {})
        key = fold(text)
        if key.isdigit() and len(key) == 1:
            key = "0" + key  # region: 1 -> department 01
        hit = keys.get(key) or keys.get(fold(_PARENS.sub("", text)))
        return self.regions[hit[0]] if hit else None

    def suggest_regions(self, text: str, country: str = "FR", *, n: int = 3) -> list[tuple[str, Region]]:
        """Closest written forms: ``[("Bretagne", Region("FR-BRE", …))]`` for ``"Bretange"``."""
        keys = self.region_keys.get(country.upper(), {})
        out: list[tuple[str, Region]] = []
        for key in difflib.get_close_matches(fold(text), list(keys), n=n * 3, cutoff=0.7):
            code, written = keys[key]
            if all(written != w for w, _ in out):
                out.append((written, self.regions[code]))
        return out[:n]

    def find_region_elsewhere(self, text: str, country: str) -> list[Region]:
        """Regions of other countries written exactly so (``"Genève"`` outside CH -> CH-GE)."""
        key = fold(text)
        found = []
        for other, keys in self.region_keys.items():
            if other != country.upper() and key in keys and not key.isdigit() and len(key) > 3:
                found.append(self.regions[keys[key][0]])
        return found

    def resolve_profession(self, text: str) -> Profession | None:
        """A job title in any gender form or inclusive writing -> its ROME fiche, or None."""
        for candidate in _title_variants(text):
            code = self.title_keys.get(fold(candidate))
            if code and code in self.professions:
                return self.professions[code]
        return None

    def guess_profession(self, text: str) -> Profession | None:
        """Fallback for a bare head word (``"Infirmière"``): the fiche whose titles most often
        start with it (fiche labels and principal titles count first). Callers warn about it."""
        if text not in self._guesses:  # a corpus writes the same few head words thousands of times
            self._guesses[text] = self._guess(text)
        return self._guesses[text]

    @cached_property
    def _guesses(self) -> dict[str, Profession | None]:
        return {}

    def _guess(self, text: str) -> Profession | None:
        counts: dict[str, int] = {}
        stripped = _INCLUSIVE.sub("", text)
        for candidate in dict.fromkeys((_PARENS.sub("", stripped), stripped, text)):
            prefix = fold(candidate)
            if len(prefix) < 4:
                continue
            for key, code in self._titles_by_head.get(prefix.split(" ", 1)[0], ()):
                if key.startswith(prefix + " ") and code in self.professions:
                    counts[code] = counts.get(code, 0) + 1
            if counts:
                break
        if not counts:
            return None
        best = max(counts.values())
        code = min((c for c, n in counts.items() if n == best), key=self._title_rank.__getitem__)
        return self.professions[code]

    @cached_property
    def _titles_by_head(self) -> dict[str, list[tuple[str, str]]]:
        """First word -> ``[(folded title, code)]`` in ``title_keys`` order: a guess reads one
        bucket instead of the ~27,000 titles of the ROME (4 ms a file in bloomr check)."""
        buckets: dict[str, list[tuple[str, str]]] = {}
        for key, code in self.title_keys.items():
            buckets.setdefault(key.split(" ", 1)[0], []).append((key, code))
        return buckets

    @cached_property
    def _title_rank(self) -> dict[str, int]:
        """ROME code -> position of its first title in ``title_keys`` (ties go to the first)."""
        rank: dict[str, int] = {}
        for position, code in enumerate(self.title_keys.values()):
            rank.setdefault(code, position)
        return rank

    def suggest_professions(self, text: str, *, n: int = 3) -> list[str]:
        """Closest known job titles, for a remedy."""
        titles = self._titles_by_fold
        return [titles[k] for k in difflib.get_close_matches(fold(text), list(titles), n=n, cutoff=0.75)]

    @cached_property
    def _titles_by_fold(self) -> dict[str, str]:
        """Folded job title -> the title as written, built once (not once per unknown profession)."""
        titles: dict[str, str] = {}
        for profession in self.professions.values():
            for title in profession.titles:
                titles.setdefault(fold(title), title)
        return titles

    def labels(self, *, used: Iterable[Any] | None = None) -> dict[str, Any]:
        """Plain data for a generation; with ``used`` (testimonials), only the values they use.

        ``{"sector": {"M": "Support à l’entreprise", …}, "profession": {"M1705": …}, "country": …,
        "region": …, "theme": …, "short": {"sector": {"M": "Informatique, gestion, marketing"}, "theme": …},
        "parents": {"profession": {"M1705": "M"}, "region": {"FR-BRE": "FR"}}}``
        """
        professions = dict(self.professions)
        countries = dict(self.countries)
        regions = dict(self.regions)
        if used is not None:
            items = list(used)
            codes = {t.rome for t in items}
            professions = {c: p for c, p in professions.items() if c in codes}
            countries = {c: v for c, v in countries.items() if c in {t.country for t in items}}
            regions = {c: r for c, r in regions.items() if c in {t.region for t in items}}
        return {
            "sector": {c: s.label for c, s in self.sectors.items()},
            "profession": {c: p.label for c, p in sorted(professions.items())},
            "country": {c: v.label for c, v in countries.items()},
            "region": {c: r.label for c, r in sorted(regions.items())},
            "theme": {s: t.label for s, t in self.themes.items()},
            "short": {
                "sector": {c: s.short for c, s in self.sectors.items() if s.short},
                "theme": {s: t.short for s, t in self.themes.items() if t.short},
            },
            "parents": {
                "profession": {c: p.sector for c, p in sorted(professions.items())},
                "region": {c: r.country for c, r in sorted(regions.items())},
            },
        }


def _title_variants(text: str) -> list[str]:
    """The written title, then its forms without inclusive suffixes and without parentheses."""
    text = " ".join(text.split())
    variants = [text, _INCLUSIVE.sub("", text), _PARENS.sub("", text), _PARENS.sub("", _INCLUSIVE.sub("", text))]
    return list(dict.fromkeys(v.strip() for v in variants if v.strip()))


def _title_keys_of(titles: Iterable[str]) -> list[str]:
    keys: list[str] = []
    for title in titles:
        for form in gender_forms(title):
            keys.extend(fold(v) for v in (form, _PARENS.sub("", form)))
    return [k for k in dict.fromkeys(keys) if k]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CorpusError(
            f"fichier de taxonomie illisible : {path} ({exc})",
            remedy="corrigez ce fichier ou restaurez-le depuis git",
        ) from exc


def _require_mapping(path: Path, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CorpusError(f"fichier de taxonomie invalide : {path}", remedy="il doit contenir un dictionnaire YAML")
    return {str(k): v for k, v in data.items()}


def _fixed(path: Path, expected: tuple[str, ...], what: str) -> dict[str, str]:
    data = _require_mapping(path, _read_yaml(path))
    if tuple(data) != expected or not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise CorpusError(
            f"{path} : {what} attendus dans cet ordre : {', '.join(expected)}",
            remedy="chaque clé avec un libellé français non vide",
        )
    return {k: str(v) for k, v in data.items()}


SHORT_LABELS = "short_labels.yaml"
MAX_SHORT_LABEL = 40


def _short_labels(path: Path) -> dict[str, dict[str, str]]:
    """``short_labels.yaml``: ``{"sectors": {letter: label}, "themes": {slug: label}}``; optional
    (labels then fall back to the official ones), but when present every key must be there once."""
    if not path.exists():
        return {"sectors": {}, "themes": {}}
    data = _require_mapping(path, _read_yaml(path))
    out: dict[str, dict[str, str]] = {}
    for part, expected in (("sectors", SECTOR_CODES), ("themes", THEME_SLUGS)):
        values = data.get(part)
        if not isinstance(values, dict) or tuple(str(k) for k in values) != expected or not all(
            isinstance(v, str) and v.strip() and len(v) <= MAX_SHORT_LABEL for v in values.values()
        ):
            raise CorpusError(
                f"{path} : « {part} » doit donner un libellé court à chacun de {', '.join(expected)}, dans cet ordre",
                remedy=f"un libellé français non vide de {MAX_SHORT_LABEL} caractères au plus par clé",
            )
        out[part] = {str(k): str(v).strip() for k, v in values.items()}
    return out


def load_taxonomy(taxonomy_dir: Path, *, rome_dir: Path | None = None) -> Taxonomy:
    """Read ``sectors.yaml``, ``themes.yaml``, ``countries.yaml``, ``regions.yaml``, ``rome.json``
    (every ROME fiche, optional), ``professions.yaml`` (optional) and ``short_labels.yaml``
    (optional) from ``taxonomy_dir``; raise ``CorpusError`` if one is wrong. ``rome_dir`` reads
    the CSV export instead of ``rome.json``."""
    taxonomy_dir = Path(taxonomy_dir)
    if not taxonomy_dir.is_dir():
        raise CorpusError(
            f"dossier de taxonomie introuvable : {taxonomy_dir}",
            remedy="indiquez le dossier qui contient sectors.yaml, themes.yaml, countries.yaml et regions.yaml",
        )
    short = _short_labels(taxonomy_dir / SHORT_LABELS)
    sectors = {
        c: Sector(c, label, short["sectors"].get(c, ""))
        for c, label in _fixed(taxonomy_dir / "sectors.yaml", SECTOR_CODES, "les 14 grands domaines").items()
    }
    themes = {
        s: Theme(s, label, short["themes"].get(s, ""))
        for s, label in _fixed(taxonomy_dir / "themes.yaml", THEME_SLUGS, "les 11 thèmes").items()
    }
    countries_data = _require_mapping(taxonomy_dir / "countries.yaml", _read_yaml(taxonomy_dir / "countries.yaml"))
    countries = {c.upper(): Country(c.upper(), str(label)) for c, label in countries_data.items()}
    regions_data = _require_mapping(taxonomy_dir / "regions.yaml", _read_yaml(taxonomy_dir / "regions.yaml"))
    regions, region_keys = _build_regions(countries, regions_data.get("names") or {}, regions_data.get("aliases") or {})
    rome = _read_rome(taxonomy_dir, rome_dir)
    professions, title_keys = professions_of_rome(rome) if rome is not None else ({}, {})
    _load_professions(taxonomy_dir / "professions.yaml", sectors, professions, title_keys)
    return Taxonomy(sectors, themes, countries, regions, professions, region_keys, title_keys, rome)


def _read_rome(taxonomy_dir: Path, rome_dir: Path | None) -> Rome | None:
    """The CSV export when ``rome_dir`` is given (``BLOOMR_ROME``), else ``rome.json``, else None."""
    if rome_dir is not None:
        from indexer.rome_export import read_export  # maintainer path: the CSV files

        return read_export(rome_dir)
    path = taxonomy_dir / ROME_FILE
    return read_rome(path) if path.exists() else None


def _build_regions(
    countries: Mapping[str, Country], names: Mapping[str, str], aliases: Mapping[str, Mapping[str, str]]
) -> tuple[dict[str, Region], dict[str, dict[str, tuple[str, str]]]]:
    french = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    regions: dict[str, Region] = {}
    keys: dict[str, dict[str, tuple[str, str]]] = {}
    for country in countries:
        subdivisions = {s.code: s for s in (pycountry.subdivisions.get(country_code=country) or [])}  # type: ignore[no-untyped-call]

        def label(code: str) -> str:
            return str(names.get(code) or french.gettext(subdivisions[code].name))

        def root(code: str) -> str:
            seen = {code}
            while (parent := subdivisions[code].parent_code) in subdivisions and parent not in seen:
                code = parent
                seen.add(code)
            return code

        table: dict[str, tuple[str, str]] = {}
        ordered = sorted(subdivisions, key=lambda c: (root(c) != c, c))  # regions first
        for code in ordered:
            top = root(code)
            regions.setdefault(top, Region(top, label(top), country))
            sub = subdivisions[code]
            written = label(code)
            suffix = code.split("-", 1)[1]
            for form in (written, str(sub.name), _PARENS.sub("", written), code, suffix):
                if fold(form):
                    table.setdefault(fold(form), (top, written))
        for text, code in (aliases.get(country) or {}).items():
            code = str(code)
            if code not in subdivisions:
                raise CorpusError(
                    f"regions.yaml : l’alias « {text} » renvoie au code inconnu « {code} »",
                    remedy=f"utilisez un code ISO 3166-2 de {country}",
                )
            table[fold(str(text))] = (root(code), str(text))
        keys[country] = table
    return regions, keys


def professions_of_rome(rome: Rome) -> tuple[dict[str, Profession], dict[str, str]]:
    """Every fiche as a ``Profession``, and folded title -> code: the fiche labels first, then
    the appellations fiche by fiche (principal first), so a title two fiches share goes to one."""
    professions = {
        code: Profession(code, f.label, f.sector, f.domain, rome.domaines.get(f.domain, ""), _long_titles(f))
        for code, f in sorted(rome.fiches.items())
    }
    keys: dict[str, str] = {}
    for code, fiche in sorted(rome.fiches.items()):
        for key in _title_keys_of([fiche.label]):
            keys.setdefault(key, code)
    for code, fiche in sorted(rome.fiches.items()):
        for key in _title_keys_of(fiche.titles):
            keys.setdefault(key, code)
    return professions, keys


def _load_professions(
    path: Path, sectors: Mapping[str, Sector], professions: dict[str, Profession], keys: dict[str, str]
) -> None:
    """Add ``professions.yaml`` to ``professions`` and ``keys``. Two shapes per fiche: a list of
    titles (volunteers' words for a fiche ``rome.json`` knows), or a self-contained entry
    ``{label, sector, domain, domain_label, titles}`` for a taxonomy without ``rome.json``."""
    if not path.exists():
        return
    data = _require_mapping(path, _read_yaml(path) or {})
    for code, entry in data.items():
        if ROME_CODE.match(code) and isinstance(entry, list) and code in professions:
            words = tuple(str(t) for t in entry)
            known = professions[code]
            professions[code] = replace(known, titles=tuple(dict.fromkeys((*known.titles, *words))))
            for key in _title_keys_of(words):
                keys.setdefault(key, code)
            continue
        if not ROME_CODE.match(code) or not isinstance(entry, dict) or entry.get("sector") not in sectors:
            unknown = isinstance(entry, list) and ROME_CODE.match(code)
            raise CorpusError(
                f"{path} : fiche « {code} » {'inconnue du ROME' if unknown else 'invalide'}",
                remedy="régénérez le fichier avec python -m indexer.taxonomy_sync --rome <export ROME>",
            )
        if code in professions:
            continue
        titles = tuple(str(t) for t in entry.get("titles") or ())
        professions[code] = Profession(
            code, str(entry["label"]), str(entry["sector"]), str(entry.get("domain", "")),
            str(entry.get("domain_label", "")), titles,
        )
        for key in _title_keys_of((str(entry["label"]), *titles)):
            keys.setdefault(key, code)


def _long_titles(fiche: Fiche) -> tuple[str, ...]:
    """The fiche's two genders and its appellations' long forms (short forms only match)."""
    forms = [fiche.masculine, fiche.feminine, *(t for a in fiche.appellations for t in a.titles)]
    return tuple(dict.fromkeys(forms))


def load_rome(rome_dir: Path) -> tuple[dict[str, Profession], dict[str, str]]:
    """Every fiche of the official ROME 4.0 CSV export, and folded appellation -> code."""
    from indexer.rome_export import read_export

    return professions_of_rome(read_export(rome_dir))
