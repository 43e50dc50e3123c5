"""Deterministic synthetic testimonials for benchmarks: ``python -m bench.generate --docs N --out FILE``.

Each record is one line of the corpus's JSON Lines format (issue 2)::

    {"id": "syn-000042-camille", "name": "Camille", "profession": "Infirmière en soins généraux (IDE)",
     "rome": "J1506", "region": "Bretagne", "country": "FR", "themes": ["reseau"],   # themes: half of them
     "published": "2019-04-02", "status": "published",
     "sections": {"metier": "…", "parcours": "…", "passion": "…", "conseils": "…"}}

250–600 words per testimonial, sentences from ``bench.words`` with Zipf-weighted templates and
slots plus a long tail of synthetic rare words; professions and regions Zipf-skewed (a few very
common, a long tail); both genders; typos in about 5 %. Record ``i`` depends only on ``(seed, i)``:
the 1k corpus is a prefix of the 10k one. Professions and regions come from the repository's
taxonomy (``corpus/taxonomy``, widened to the whole ROME when ``--rome``/``BLOOMR_ROME`` is set).

``testimonials(n, seed=…)`` yields ``indexer.model.Testimonial`` values directly, as
``load_corpus`` would build them from the JSON Lines (same content hash), without the round trip.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from unidecode import unidecode

from bench import words
from indexer.model import Sections, Testimonial
from search.sections import SECTION_KEYS
from indexer.taxonomy import Profession, Region, Taxonomy, gender_forms, load_taxonomy

REPO = Path(__file__).resolve().parent.parent
TAXONOMY_DIR = REPO / "corpus" / "taxonomy"
MIN_WORDS, MAX_WORDS = 250, 600
SECTION_SHARES = {"metier": 0.32, "parcours": 0.28, "passion": 0.18, "conseils": 0.22}
TYPO_RATE = 0.05
THEMES_RATE = 0.5
RARE_WORDS = 40_000
# Professions many volunteers share, first in the Zipf order when the taxonomy has them.
COMMON_PROFESSIONS = ("J1506", "M1805", "J1501", "K2111", "D1106", "M1203", "F1603", "N4101", "D1214", "G1602")
# Country shares (a few very common, a long tail among the others of the taxonomy).
COUNTRY_HEAD = (("FR", 0.80), ("BE", 0.05), ("CH", 0.045), ("CA", 0.035), ("SN", 0.015), ("MA", 0.012))
FR_REGION_ORDER = ("FR-IDF", "FR-ARA", "FR-OCC", "FR-NAQ", "FR-HDF", "FR-PAC", "FR-GES", "FR-PDL", "FR-BRE",
                   "FR-NOR", "FR-BFC", "FR-CVL", "FR-974", "FR-20R", "FR-971", "FR-972", "FR-973", "FR-976")
_SLOT = re.compile(r"\{([^{}]+)\}")
_THEMES = ("etudes", "alternance", "reseau", "passion", "confiance", "reconversion", "entreprendre",
           "international", "competences", "equilibre", "engagement")


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    """Cumulative weights of ranks 1..n for ``random.choices(cum_weights=…)``."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


class Zipf:
    """A sequence sampled with probability proportional to 1/rank**s."""

    def __init__(self, items: Sequence[Any], s: float = 1.0) -> None:
        self.items = list(items)
        self.cum = zipf_weights(len(self.items), s)

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def rare_lexicon(size: int = RARE_WORDS) -> list[str]:
    """French-looking synthetic words (``brouvillage``, ``cleminette``…): the long tail of a real corpus."""
    rng = random.Random("bloomr-rare-lexicon")
    seen: dict[str, None] = {}
    while len(seen) < size:
        syllables = "".join(rng.choice(words.SYLLABLE_ONSETS) + rng.choice(words.SYLLABLE_VOWELS)
                            for _ in range(rng.randint(1, 3)))
        seen.setdefault(syllables + rng.choice(words.WORD_ENDINGS), None)
    return list(seen)


@dataclass(frozen=True)
class Choices:
    """Everything drawn from the taxonomy, in Zipf order."""

    taxonomy: Taxonomy
    professions: Zipf
    countries: list[tuple[str, float]]
    regions: dict[str, Zipf]


def choices_for(taxonomy: Taxonomy) -> Choices:
    """Zipf orders for professions (common ones first, then a fixed shuffle) and regions."""
    codes = sorted(taxonomy.professions)
    head = [c for c in COMMON_PROFESSIONS if c in taxonomy.professions]
    tail = [c for c in codes if c not in head]
    random.Random("bloomr-professions").shuffle(tail)
    professions = Zipf([taxonomy.professions[c] for c in head + tail], s=1.05)
    by_country: dict[str, list[Region]] = {}
    for region in sorted(taxonomy.regions.values(), key=lambda r: r.code):
        by_country.setdefault(region.country, []).append(region)
    regions: dict[str, Zipf] = {}
    for country, items in by_country.items():
        if country == "FR":
            known = {r.code: r for r in items}
            items = [known[c] for c in FR_REGION_ORDER if c in known]
        else:
            random.Random(f"bloomr-regions-{country}").shuffle(items)
        if items:
            regions[country] = Zipf(items, s=1.1)
    head_countries = [(c, share) for c, share in COUNTRY_HEAD if c in regions]
    others = sorted(c for c in regions if c not in dict(head_countries))
    rest = max(0.0, 1.0 - sum(share for _, share in head_countries))
    countries = head_countries + [(c, rest / len(others)) for c in others] if others else head_countries
    return Choices(taxonomy, professions, countries, regions)


class Writer:
    """Fills templates for one volunteer."""

    def __init__(self, rng: random.Random, female: bool, metier: str, domaine: str, rare: Zipf) -> None:
        self.rng = rng
        self.female = female
        self.metier = metier
        self.domaine = domaine
        self.rare = rare

    def _slot(self, match: re.Match[str]) -> str:
        key = match.group(1)
        if "|" in key:
            masc, fem = key.split("|", 1)
            return fem if self.female else masc
        if key == "metier":
            return self.metier
        if key == "domaine":
            return self.domaine
        if key == "rare":
            return str(self.rare.pick(self.rng))
        if key == "Rare":
            return str(self.rare.pick(self.rng)).capitalize()
        return str(_BANKS[key].pick(self.rng))

    def sentence(self, section: str) -> str:
        text = _SLOT.sub(self._slot, _TEMPLATES[section].pick(self.rng))
        if self.rng.random() < 0.12:  # a rare word now and then, as names of places, tools, firms
            text = text[:-1] + f", à {self.rare.pick(self.rng).capitalize()}."
        return text

    def section(self, section: str, target: int) -> tuple[str, int]:
        parts: list[str] = []
        count = 0
        while count < target:
            s = self.sentence(section)
            parts.append(s)
            count += len(s.split())
        return " ".join(parts), count


_TEMPLATES = {key: Zipf(items, s=0.9) for key, items in words.SECTION_TEMPLATES.items()}
_BANKS = {key: Zipf(items, s=1.0) for key, items in words.BANKS.items()}
_RARE: Zipf | None = None


def _rare() -> Zipf:
    global _RARE
    if _RARE is None:
        _RARE = Zipf(rare_lexicon(), s=1.0)
    return _RARE


def _typo(rng: random.Random, text: str) -> str:
    """One plausible typing slip in a word of 5+ letters: swap, drop, double or lose an accent."""
    tokens = text.split(" ")
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 5 and t.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = tokens[i]
    kind = rng.randrange(4)
    j = rng.randrange(1, len(word) - 1)
    if kind == 0:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    elif kind == 1:
        word = word[:j] + word[j + 1:]
    elif kind == 2:
        word = word[:j] + word[j] + word[j:]
    else:
        word = unidecode(word) if unidecode(word) != word else word[:j] + word[j + 1:]
    tokens[i] = word
    return " ".join(tokens)


def _published(rng: random.Random) -> date:
    """Between 2010 and 2025, more recent ones more frequent."""
    days = (date(2025, 12, 31) - date(2010, 1, 1)).days
    return date(2010, 1, 1) + timedelta(days=int(days * rng.random() ** 0.6))


def _profession_text(rng: random.Random, profession: Profession, female: bool) -> str:
    forms = gender_forms(profession.label)
    if rng.random() < 0.75 or not profession.titles:
        return forms[-1] if female else forms[0]
    titles = list(profession.titles)
    # ROME titles come in (masculine, feminine) pairs; keep the volunteer's gender when they do.
    pairs = [titles[k: k + 2] for k in range(0, len(titles), 2)]
    pair = rng.choice(pairs)
    return pair[-1] if female else pair[0]


def record(i: int, seed: int, choices: Choices) -> dict[str, Any]:
    """The JSON Lines record of testimonial ``i`` (deterministic in ``(seed, i)``)."""
    rng = random.Random(f"bloomr-bench:{seed}:{i}")
    female = rng.random() < 0.52
    name = (_FEMALE if female else _MALE).pick(rng)
    profession: Profession = choices.professions.pick(rng)
    country = rng.choices([c for c, _ in choices.countries], weights=[w for _, w in choices.countries])[0]
    region: Region = choices.regions[country].pick(rng)
    written = _profession_text(rng, profession, female)
    writer = Writer(rng, female, written.lower(), profession.domain_label.lower() or "de mon métier", _rare())
    target = int(rng.triangular(MIN_WORDS + 15, MAX_WORDS - 40, 390))
    keys = list(SECTION_KEYS)
    if rng.random() < 0.1:
        keys.remove("passion")
    shares = sum(SECTION_SHARES[k] for k in keys)
    sections: dict[str, str] = {}
    total = 0
    for key in keys:
        text, n = writer.section(key, max(8, int(target * SECTION_SHARES[key] / shares)))
        sections[key] = text
        total += n
    if rng.random() < TYPO_RATE:
        key = rng.choice(keys)
        for _ in range(rng.randint(1, 3)):
            sections[key] = _typo(rng, sections[key])
    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-")
    out: dict[str, Any] = {
        "id": f"syn-{i:06d}-{slug}",
        "name": name,
        "profession": written,
        "rome": profession.code,
        "region": region.label,
        "country": country,
    }
    if rng.random() < THEMES_RATE:
        out["themes"] = sorted(set(_THEME_ZIPF.pick(rng) for _ in range(rng.randint(1, 3))), key=_THEMES.index)
    out["published"] = _published(rng).isoformat()
    out["status"] = "published"
    out["sections"] = sections
    return out


_FEMALE = Zipf(words.FEMALE_NAMES, s=0.8)
_MALE = Zipf(words.MALE_NAMES, s=0.8)
_THEME_ZIPF = Zipf(_THEMES, s=0.8)


def load_choices(rome_dir: Path | None = None, taxonomy_dir: Path = TAXONOMY_DIR) -> Choices:
    """The repository taxonomy (plus the ROME export when given) in Zipf order."""
    return choices_for(load_taxonomy(taxonomy_dir, rome_dir=rome_dir))


def records(n: int, *, seed: int = 1, choices: Choices | None = None, start: int = 0) -> Iterator[dict[str, Any]]:
    """Records ``start`` .. ``start + n - 1``."""
    chosen = choices or load_choices(default_rome_dir())
    for i in range(start, start + n):
        yield record(i, seed, chosen)


def line(rec: dict[str, Any]) -> str:
    """One JSON Lines line (without the newline), as written to disk and hashed by the loader."""
    return json.dumps(rec, ensure_ascii=False, separators=(", ", ": "))


def to_testimonial(rec: dict[str, Any], choices: Choices, source: str = "testimonials/bench.jsonl", source_line: int = 1) -> Testimonial:
    """The ``Testimonial`` ``load_corpus`` would build from this record."""
    tax = choices.taxonomy
    profession = tax.professions[rec["rome"]]
    region = tax.resolve_region(rec["region"], rec["country"])
    if region is None:  # labels are always resolvable; keep the code honest if a taxonomy changes
        raise ValueError(f"region {rec['region']!r} of {rec['id']} does not resolve in {rec['country']}")
    themes = tuple(rec.get("themes", ()))
    return Testimonial(
        id=rec["id"],
        name=rec["name"],
        profession=rec["profession"],
        rome=profession.code,
        rome_label=profession.label,
        sector=profession.sector,
        sector_label=tax.sectors[profession.sector].label,
        country=rec["country"],
        country_label=tax.countries[rec["country"]].label,
        region=region.code,
        region_label=region.label,
        themes=themes if themes else _inferred(rec["sections"]["conseils"]),
        themes_declared=bool(themes),
        published=date.fromisoformat(rec["published"]),
        sections=Sections(**rec["sections"]),
        status=rec["status"],
        source=source,
        source_line=source_line,
        content_hash=hashlib.sha256(line(rec).encode("utf-8")).hexdigest(),
    )


def _inferred(conseils: str) -> tuple[str, ...]:
    try:
        from indexer.themes import infer_themes
    except ModuleNotFoundError as exc:  # written by another developer; the loader does the same
        if exc.name != "indexer.themes":
            raise
        return ()
    return tuple(infer_themes(conseils))


def testimonials(n: int, *, seed: int = 1, choices: Choices | None = None, start: int = 0) -> Iterator[Testimonial]:
    """``n`` synthetic ``Testimonial`` values, no JSON round trip: ``list(testimonials(1000))``."""
    chosen = choices or load_choices(default_rome_dir())
    for i in range(start, start + n):
        yield to_testimonial(record(i, seed, chosen), chosen, source_line=i + 1)


def default_rome_dir() -> Path | None:
    value = os.environ.get("BLOOMR_ROME", "")
    return Path(value) if value else None


def write_jsonl(path: Path, n: int, *, seed: int = 1, choices: Choices | None = None) -> int:
    """Write ``n`` records to ``path``; returns the bytes written."""
    chosen = choices or load_choices(default_rome_dir())
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for rec in records(n, seed=seed, choices=chosen):
            text = line(rec) + "\n"
            handle.write(text)
            size += len(text.encode("utf-8"))
    return size


def main(argv: Sequence[str] | None = None) -> int:
    """Write N synthetic testimonials as JSON Lines.

    Example: python -m bench.generate --docs 10000 --out var/bench/corpus/testimonials/bench.jsonl --seed 1
    """
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=main.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, required=True, help="number of testimonials")
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines file to write")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument("--rome", type=Path, default=default_rome_dir(),
                        help="ROME 4.0 CSV export to draw professions from (default $BLOOMR_ROME; else corpus/taxonomy)")
    args = parser.parse_args(argv)
    if args.docs < 0:
        parser.error("--docs must be 0 or more")
    size = write_jsonl(args.out, args.docs, seed=args.seed, choices=load_choices(args.rome))
    print(f"{args.docs} testimonials, {size / 1e6:.1f} MB -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
