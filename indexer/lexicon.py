"""Compile what the query side must recognise into plain data, written into every generation.

``compile_lexicon(taxonomy, synonyms)`` turns the taxonomy (places, sectors, advice themes,
every ROME fiche and appellation of ``rome.json``, the volunteers' words) and the hand-kept
``synonyms.yaml`` into one JSON-able dict; ``write_lexicon`` puts it next to ``words.json`` in a
generation, so that a generation stays self-contained: ``search.lexicon`` reads it back and never
reads ``corpus/`` nor imports ``indexer``::

    lexicon = compile_lexicon(taxonomy, synonyms)
    lexicon["keys"]["kin"]          # [17]: entry ids of the phrase key « kiné »
    lexicon["entries"][17]          # {"kind": "profession", "code": "J1404", "label": "Kinésithérapeute", "source": "synonyms"}

The shape (``format`` 1) is documented in docs/contracts.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from indexer.generations import write_json
from indexer.labels import label_phrases, title_phrases
from indexer.places import Place, department_numbers, known_places
from indexer.rome import Rome
from indexer.synonyms import SYNONYMS_FILE, Synonyms, Targets, load_synonyms
from indexer.taxonomy import Taxonomy
from indexer.titles import gender_forms
from search.analysis import fold as fold_word
from search.lexicon import LEXICON_FILE, LEXICON_FORMAT
from search.phrases import phrase_key, words

_ROME_INTERESTS = ("rome_theme", "secteur", "sous_secteur", "centre_interet")
_WORD = re.compile(r"[^\W\d_]{2,}")

Key = tuple[str, ...]


class _Builder:
    """Entries (deduplicated) and the phrase keys that lead to them."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.ids: dict[tuple[str, str, str], int] = {}
        self.keys: dict[Key, list[int]] = {}
        self.guarded: dict[Key, list[int]] = {}
        self.place_names: dict[str, str] = {}  # a place's exact key (folded words) -> its name as written

    def entry(self, kind: str, code: str, label: str, source: str, fiches: Iterable[str] | None = None) -> int:
        ident = (kind, code, source)
        if ident not in self.ids:
            data: dict[str, Any] = {"kind": kind, "code": code, "label": label, "source": source}
            if fiches is not None:
                data["fiches"] = sorted(set(fiches))
            self.ids[ident] = len(self.entries)
            self.entries.append(data)
        return self.ids[ident]

    def key(self, phrase: str, *, exact: bool = False) -> Key:
        return phrase_key(phrase, exact=exact)

    def add(self, phrase: str, entry: int, *, guarded: bool = False, exact: bool = False) -> None:
        key = self.key(phrase, exact=exact)
        if key:
            table = self.guarded if guarded else self.keys
            ids = table.setdefault(key, [])
            if entry not in ids:
                ids.append(entry)


def _known_words(taxonomy: Taxonomy, synonyms: Synonyms, places: Iterable[str]) -> frozenset[str]:
    """Folded French words the product knows: ROME's words (texts, titles, labels), the
    taxonomy's titles and labels, place names, and every word of ``synonyms.yaml``."""
    texts: list[str] = list(taxonomy.rome.words) if taxonomy.rome else []
    for profession in taxonomy.professions.values():
        texts.extend((profession.label, *profession.titles))
    texts.extend(s.label for s in taxonomy.sectors.values())
    texts.extend(t.label for t in taxonomy.themes.values())
    texts.extend(places)
    texts.extend(synonyms.professions)
    texts.extend(synonyms.jobs_without_fiche)
    texts.extend(synonyms.fillers)
    texts.extend(synonyms.place_words)
    texts.extend(synonyms.places)
    for interest in synonyms.interests:
        texts.extend((interest.label, *interest.phrases))
    for labelled in (*synonyms.centres_interet.values(), *synonyms.grands_domaines.values()):
        texts.extend((labelled.label, *labelled.phrases) if labelled.label else labelled.phrases)
    texts.extend(synonyms.rome_themes.values())
    for phrases in synonyms.advice_themes.values():
        texts.extend(phrases)
    return frozenset(w for text in texts for w in _WORD.findall(fold_word(text)))


class _Fiches:
    """Resolve interest targets to fiche codes."""

    def __init__(self, taxonomy: Taxonomy, synonyms: Synonyms) -> None:
        self.rome = taxonomy.rome
        self.professions = taxonomy.professions
        self.synonyms = synonyms

    def of(self, targets: Targets, seen: frozenset[str] = frozenset()) -> set[str]:
        found = set(targets.fiches)
        for code, profession in self.professions.items():
            fiche = self.rome.fiches.get(code) if self.rome else None
            if profession.domain in targets.domains or profession.sector in targets.sectors:
                found.add(code)
            if fiche is None:
                continue
            if (set(fiche.themes) & set(targets.rome_themes) or set(fiche.secteurs) & set(targets.secteurs)
                    or set(fiche.sous_secteurs) & set(targets.sous_secteurs) or (targets.without_diploma and fiche.without_diploma)):
                found.add(code)
        for centre in targets.centres_interet:
            if centre not in seen and centre in self.synonyms.centres_interet:
                found |= self.of(self.synonyms.centres_interet[centre].targets, seen | {centre})
        return found

    def of_rome(self, kind: str, code: str) -> set[str]:
        if self.rome is None:
            return set()
        if kind == "rome_theme":
            return {c for c, f in self.rome.fiches.items() if code in f.themes}
        if kind == "secteur":
            return {c for c, f in self.rome.fiches.items() if code in f.secteurs}
        return {c for c, f in self.rome.fiches.items() if code in f.sous_secteurs}


def _professions(b: _Builder, taxonomy: Taxonomy, synonyms: Synonyms) -> None:
    for code, title in title_phrases(taxonomy):
        b.add(title, b.entry("profession", code, taxonomy.professions[code].label, "rome"))
    # A youth word decides for its key: the fiches maintainers listed replace ROME's.
    for word, codes in synonyms.professions.items():
        key = b.key(word)
        b.keys[key] = [i for i in b.keys.get(key, []) if b.entries[i]["kind"] != "profession"]
        for code in codes:
            b.add(word, b.entry("profession", code, taxonomy.professions[code].label, "synonyms"))
    # A job no fiche covers: named as such (the lack is stated), with the fiches closest to it.
    for word, codes in synonyms.jobs_without_fiche.items():
        b.add(word, b.entry("unlisted_job", word, word, "synonyms", set(codes)))


def _places(b: _Builder, taxonomy: Taxonomy, synonyms: Synonyms, places: Mapping[Key, list[Place]]) -> None:
    """Place names, spelled exactly (no gender nor number: « Gers » is not « gère »). Those that
    are also common words are guarded: the hand-kept ones, and a name of one word after its
    article that ROME writes as a word (« La Source », « La Gare »: quarters of Monaco)."""
    common = {fold_word(w) for w in taxonomy.rome.words} if taxonomy.rome else set()
    guarded = {b.key(w, exact=True) for w in synonyms.places_if_capitalised}

    def is_guarded(name: str) -> bool:
        key = b.key(name, exact=True)
        if key in guarded:
            return True
        found = words(name)
        return len(key) == 1 and len(found) == 2 and found[0].article and found[1].surface in common

    for found in places.values():
        for place in found:
            entry = b.entry(place.facet, place.code, place.label, "taxonomy")
            guarded_name = is_guarded(place.name)
            b.add(place.name, entry, guarded=guarded_name, exact=True)
            if not guarded_name:
                b.place_names.setdefault(" ".join(t[1:] for t in b.key(place.name, exact=True)), place.name)
    for name, code in synonyms.places.items():
        country = code.split("-", 1)[0]
        if "-" in code:
            region = taxonomy.resolve_region(code, country)
            if region is None:
                continue
            entry = b.entry("region", region.code, region.label, "taxonomy")
        else:
            entry = b.entry("country", code, taxonomy.countries[code].label, "taxonomy")
        b.add(name, entry, guarded=is_guarded(name), exact=True)


def _labels(b: _Builder, taxonomy: Taxonomy, synonyms: Synonyms, fiches: _Fiches) -> None:
    """Official labels (grands domaines, advice themes, ROME themes, secteurs, sous-secteurs,
    centres d'intérêt), then the phrases maintainers give grands domaines and advice themes."""
    for phrase in label_phrases(taxonomy):
        if phrase.kind == "sector":
            entry = b.entry("sector", phrase.code, phrase.label, "taxonomy")
        elif phrase.kind == "theme":
            entry = b.entry("theme", phrase.code, phrase.label, "taxonomy")
        elif phrase.kind == "centre_interet":
            labelled = synonyms.centres_interet.get(phrase.code)
            targets = fiches.of(labelled.targets, frozenset({phrase.code})) if labelled else set()
            entry = b.entry("centre_interet", phrase.code, labelled.label if labelled else phrase.label, "rome", targets)
        else:
            label = synonyms.rome_themes.get(phrase.code, phrase.label) if phrase.kind == "rome_theme" else phrase.label
            entry = b.entry(phrase.kind, phrase.code, label, "rome", fiches.of_rome(phrase.kind, phrase.code))
        b.add(phrase.phrase, entry)
    for letter, labelled in synonyms.grands_domaines.items():
        entry = b.entry("sector", letter, taxonomy.sectors[letter].label, "taxonomy")
        for text in labelled.phrases:
            b.add(text, entry)
    for slug, phrases in synonyms.advice_themes.items():
        entry = b.entry("theme", slug, taxonomy.themes[slug].label, "taxonomy")
        for text in phrases:
            b.add(text, entry)


def _interests(b: _Builder, synonyms: Synonyms, fiches: _Fiches) -> None:
    """Maintainers' interests; one that reuses a ROME label (« sport ») replaces it there."""
    for interest in synonyms.interests:
        entry = b.entry("interest", interest.code, interest.label, "synonyms", fiches.of(interest.targets))
        for phrase in interest.phrases:
            key = b.key(phrase)
            b.keys[key] = [i for i in b.keys.get(key, []) if b.entries[i]["kind"] not in _ROME_INTERESTS]
            b.add(phrase, entry)


def _youth_labels(b: _Builder, synonyms: Synonyms) -> None:
    """The labels shown to youths (a centre d'intérêt's « Diriger une équipe », a ROME theme's
    « Enfants ») mean their entry when typed, so that the home page can link each one to
    ``/recherche?q=<label>``; a phrase that means something already keeps its meaning (« Les
    animaux » is the maintainers' interest, which stands for that centre)."""
    labels = [("centre_interet", code, item.label) for code, item in synonyms.centres_interet.items()]
    labels += [("rome_theme", code, label) for code, label in synonyms.rome_themes.items()]
    for kind, code, label in labels:
        entry = next((i for i, e in enumerate(b.entries) if e["kind"] == kind and e["code"] == code), None)
        key = b.key(label)
        if entry is None or not key or any(b.entries[i]["kind"] != "filler" for i in b.keys.get(key, ())):
            continue
        b.keys[key] = [entry]


def _fillers(b: _Builder, synonyms: Synonyms) -> None:
    """Words that mean nothing in a query; they also silence a ROME title written alike
    (« carrière » is not the feminine of the quarry worker « carrier » there)."""
    filler = b.entry("filler", "", "", "synonyms")
    for phrase in synonyms.fillers:
        key = b.key(phrase)
        b.keys[key] = [i for i in b.keys.get(key, []) if not (b.entries[i]["kind"] == "profession" and b.entries[i]["source"] == "rome")]
        b.add(phrase, filler)


def compile_lexicon(taxonomy: Taxonomy, synonyms: Synonyms) -> dict[str, Any]:
    """The lexicon of a generation, as plain data (see docs/contracts.md)."""
    places = known_places(taxonomy)
    common = _known_words(taxonomy, synonyms, [p.name for found in places.values() for p in found])
    b = _Builder()
    fiches = _Fiches(taxonomy, synonyms)
    _professions(b, taxonomy, synonyms)
    _places(b, taxonomy, synonyms, places)
    _labels(b, taxonomy, synonyms, fiches)
    _interests(b, synonyms, fiches)
    _fillers(b, synonyms)
    _youth_labels(b, synonyms)
    departments = {number: b.entry("region", p.code, p.label, "taxonomy") for number, p in department_numbers(taxonomy).items()}
    rome = taxonomy.rome
    return {
        "format": LEXICON_FORMAT,
        "credit": rome.credit if rome else "",
        "entries": b.entries,
        "keys": {" ".join(k): ids for k, ids in sorted(b.keys.items())},
        "guarded": {" ".join(k): ids for k, ids in sorted(b.guarded.items())},
        "departments": departments,
        "place_words": sorted({" ".join(b.key(w)) for w in synonyms.place_words if b.key(w)}),
        "place_names": dict(sorted(b.place_names.items())),
        "fiches": {
            code: [p.label, *(_genders(rome, code, p.label)), p.domain, bool(fiche and fiche.without_diploma),
                   fiche.definition if fiche else "", list(fiche.levels) if fiche else []]
            for code, p in sorted(taxonomy.professions.items())
            for fiche in [rome.fiches.get(code) if rome else None]
        },
        "domains": dict(sorted(rome.domaines.items())) if rome else {},
        "sectors": {c: [s.label, s.short or s.label] for c, s in taxonomy.sectors.items()},
        "rome_themes": {c: [label, synonyms.rome_themes.get(c, label)] for c, label in sorted(rome.themes.items())} if rome else {},
        "centres_interet": {
            c: [label, synonyms.centres_interet[c].label if c in synonyms.centres_interet else label]
            for c, label in rome.centres_interet.items()
        } if rome else {},
        "known_words": sorted(common),
    }


def taxonomy_lexicon(taxonomy_dir: Path, taxonomy: Taxonomy) -> dict[str, Any]:
    """The lexicon of a taxonomy directory: its taxonomy with its ``synonyms.yaml``. Call it
    once the corpus is valid (``bloomr check`` reports the file's problems; here they are skipped)."""
    synonyms, _ = load_synonyms(Path(taxonomy_dir) / SYNONYMS_FILE, taxonomy)
    return compile_lexicon(taxonomy, synonyms)


def _genders(rome: Rome | None, code: str, label: str) -> tuple[str, str]:
    if rome is not None and code in rome.fiches:
        return rome.fiches[code].masculine, rome.fiches[code].feminine
    forms = gender_forms(label)
    return forms[0], forms[-1]


def write_lexicon(generation_dir: Path, lexicon: Mapping[str, Any]) -> None:
    """Write ``lexicon.json`` into a generation being built, by a new file renamed into place
    (an update's generation holds hard links to the serving one's files: never write through them)."""
    write_json(Path(generation_dir) / LEXICON_FILE, lexicon, sort_keys=False)
