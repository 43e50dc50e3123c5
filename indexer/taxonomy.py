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

import csv
import difflib
import gettext
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pycountry
import yaml
from unidecode import unidecode

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


@dataclass(frozen=True)
class Theme:
    slug: str  # "reseau"
    label: str


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
        "region": …, "theme": …, "parents": {"profession": {"M1705": "M"}, "region": {"FR-BRE": "FR"}}}``
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
            "parents": {
                "profession": {c: p.sector for c, p in sorted(professions.items())},
                "region": {c: r.country for c, r in sorted(regions.items())},
            },
        }


def gender_forms(label: str) -> list[str]:
    """ROME's ``Masculin / Féminin [complément]`` -> both titles.

    ``gender_forms("Infirmier / Infirmière aide opératoire")``
    == ``["Infirmier aide opératoire", "Infirmière aide opératoire"]``; the complement is
    what the feminine side has beyond the masculine side's word count.
    """
    label = " ".join(label.split())
    if " / " not in label:
        return [label]
    masculine, feminine = label.split(" / ", 1)
    m_words, f_words = masculine.split(), feminine.split()
    complement = f_words[len(m_words):] if len(f_words) > len(m_words) else []
    male = " ".join(m_words + complement)
    return [male, feminine] if male != feminine else [male]


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


def load_taxonomy(taxonomy_dir: Path, *, rome_dir: Path | None = None) -> Taxonomy:
    """Read ``sectors.yaml``, ``themes.yaml``, ``countries.yaml``, ``regions.yaml`` and
    ``professions.yaml`` (optional) from ``taxonomy_dir``; raise ``CorpusError`` if one is wrong."""
    taxonomy_dir = Path(taxonomy_dir)
    if not taxonomy_dir.is_dir():
        raise CorpusError(
            f"dossier de taxonomie introuvable : {taxonomy_dir}",
            remedy="indiquez le dossier qui contient sectors.yaml, themes.yaml, countries.yaml et regions.yaml",
        )
    sectors = {c: Sector(c, label) for c, label in _fixed(taxonomy_dir / "sectors.yaml", SECTOR_CODES, "les 14 grands domaines").items()}
    themes = {s: Theme(s, label) for s, label in _fixed(taxonomy_dir / "themes.yaml", THEME_SLUGS, "les 11 thèmes").items()}
    countries_data = _require_mapping(taxonomy_dir / "countries.yaml", _read_yaml(taxonomy_dir / "countries.yaml"))
    countries = {c.upper(): Country(c.upper(), str(label)) for c, label in countries_data.items()}
    regions_data = _require_mapping(taxonomy_dir / "regions.yaml", _read_yaml(taxonomy_dir / "regions.yaml"))
    regions, region_keys = _build_regions(countries, regions_data.get("names") or {}, regions_data.get("aliases") or {})
    professions, title_keys = _load_professions(taxonomy_dir / "professions.yaml", sectors)
    if rome_dir is not None:
        rome_professions, rome_titles = load_rome(rome_dir)
        professions = {**rome_professions, **{c: p for c, p in professions.items() if c not in rome_professions}}
        for key, code in rome_titles.items():
            title_keys.setdefault(key, code)
    return Taxonomy(sectors, themes, countries, regions, professions, region_keys, title_keys)


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


def _load_professions(path: Path, sectors: Mapping[str, Sector]) -> tuple[dict[str, Profession], dict[str, str]]:
    if not path.exists():
        return {}, {}
    data = _require_mapping(path, _read_yaml(path) or {})
    professions: dict[str, Profession] = {}
    keys: dict[str, str] = {}
    for code, entry in data.items():
        if not ROME_CODE.match(code) or not isinstance(entry, dict) or entry.get("sector") not in sectors:
            raise CorpusError(
                f"{path} : fiche « {code} » invalide",
                remedy="régénérez le fichier avec python -m indexer.taxonomy_sync --rome <export ROME>",
            )
        titles = tuple(str(t) for t in entry.get("titles") or ())
        professions[code] = Profession(
            code, str(entry["label"]), str(entry["sector"]), str(entry.get("domain", "")),
            str(entry.get("domain_label", "")), titles,
        )
        for key in _title_keys_of((str(entry["label"]), *titles)):
            keys.setdefault(key, code)
    return professions, keys


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise CorpusError(f"export ROME incomplet : {path} absent", remedy="indiquez le dossier de l’export CSV officiel du ROME 4.0 (BLOOMR_ROME)")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _rome_file(rome_dir: Path, stem: str) -> Path:
    found = sorted(Path(rome_dir).glob(f"unix_{stem}_v*_utf8.csv"))
    return found[-1] if found else Path(rome_dir) / f"unix_{stem}_utf8.csv"


def load_rome(rome_dir: Path) -> tuple[dict[str, Profession], dict[str, str]]:
    """Every fiche of the official ROME 4.0 CSV export, and folded appellation -> code."""
    professions: dict[str, Profession] = {}
    for row in _rows(_rome_file(rome_dir, "cr_gd_dp")):
        code = row["code_rome"]
        professions[code] = Profession(
            code, row["libelle_rome"], row["code_grand_domaine"],
            row.get("code_domaine_professionel") or row.get("code_domaine_professionnel", ""),
            row.get("libelle_domaine_professionel") or row.get("libelle_domaine_professionnel", ""),
        )
    titles: dict[str, list[str]] = {code: [p.label] for code, p in professions.items()}
    appellations = sorted(_rows(_rome_file(rome_dir, "referentiel_appellation")), key=lambda r: r.get("classification") != "PRINCIPALE")
    for row in appellations:
        if row["code_rome"] in titles:
            titles[row["code_rome"]].append(row["libelle_appellation_long"])
    keys: dict[str, str] = {}
    for code, labels in titles.items():
        forms = list(dict.fromkeys(f for label in labels for f in gender_forms(label)))
        professions[code] = Profession(**{**professions[code].__dict__, "titles": tuple(forms)})
    for code, labels in titles.items():  # fiche labels first, then appellations
        for key in _title_keys_of(labels[:1]):
            keys.setdefault(key, code)
    for row in appellations:
        for key in _title_keys_of([row["libelle_appellation_long"], row["libelle_appellation_court"]]):
            keys.setdefault(key, row["code_rome"])
    return professions, keys
