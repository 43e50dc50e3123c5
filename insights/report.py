"""What youths looked for and did not find, over a period: the numbers behind ``bloomr insights``.

``build_report(totals, generation)`` meets the counted searches (``insights.store.Totals``) with
what the serving generation holds today (testimonials per fiche, the 1,584 fiches of the ROME
and their 14 grands domaines, labels)::

    report = build_report(store.totals(since, until), generation)
    report.unmet[0]        # FicheDemand(rome="K1901", label="Notaire", searches=41, testimonials=0, …)
    report.to_dict()       # {"since", "until", "searches", "unmet", "zero_result", "sectors", …}

Words typed are shown only when seen at least ``k`` times in the period (``zero_result``,
``top_queries``); fiches, places, themes and interests are codes from fixed lists and are shown
with their counts whatever they are. Coverage « by sector » uses the 14 grands domaines of the
ROME (the sector facet of the site, the sector of every fiche): the 35 secteurs d'activité
overlap (a fiche may sit in several) and would count a fiche more than once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from insights.record import code_token
from insights.store import K, Totals
from search.generation import Generation
from search.lexicon import Lexicon, lexicon

UNMET_MAX_TESTIMONIALS = 1
"""A fiche with this many testimonials or fewer, searched, is on the recruiting list."""
TOP = 20
INTEREST_KINDS = {
    "interest": "envie", "sector": "grand domaine", "rome_theme": "thème ROME", "secteur": "secteur d’activité",
    "sous_secteur": "sous-secteur", "centre_interet": "centre d’intérêt",
}
"""How each kind of interest is named in the report."""


@dataclass(frozen=True)
class FicheDemand:
    rome: str
    label: str
    searches: int  # searches that named it (a word meaning several fiches counts for each)
    testimonials: int  # published today
    not_found: int  # of those searches, the ones that showed no testimonial of it
    sector: str


@dataclass(frozen=True)
class SectorCoverage:
    sector: str  # ROME grand domaine letter
    label: str  # its ROME label
    short_label: str  # the site's short label
    fiches: int  # every ROME fiche of the sector
    covered: int  # fiches with at least one testimonial today
    searched: int  # fiches searched in the period
    searches: int  # searches naming a fiche of the sector
    found: int  # of those, the ones that showed a testimonial of the fiche asked for
    testimonials: int  # testimonials of the sector today


@dataclass(frozen=True)
class Asked:
    """A place, an advice theme, an interest or a job without fiche, and how often it was asked for."""

    kind: str
    code: str
    label: str
    searches: int


@dataclass(frozen=True)
class Unanswered:
    """Words that found nothing, seen at least k times, and what they were understood as."""

    query: str
    count: int
    fiches: tuple[str, ...]  # ROME codes the words named
    understood: tuple[str, ...]  # labels of the fiches, interests and jobs named; empty: not understood


@dataclass(frozen=True)
class Report:
    since: date
    until: date
    k: int
    searches: int
    lost: int  # searches that could not be recorded (queue full, database unavailable)
    with_fiche: int  # searches naming at least one fiche
    found: int  # of those, the ones that showed a testimonial of it
    zero: int  # searches without any result
    testimonials: int
    generation: str
    unmet: tuple[FicheDemand, ...]
    zero_result: tuple[Unanswered, ...]
    top_queries: tuple[tuple[str, int], ...]
    sectors: tuple[SectorCoverage, ...]
    themes: tuple[Asked, ...]
    places: tuple[Asked, ...]
    interests: tuple[Asked, ...]
    unlisted: tuple[Asked, ...]

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``bloomr insights --json``: ``since``, ``until``, ``searches``, ``unmet``,
        ``zero_result``, ``sectors`` (the contract of issue 17), and more keys after them."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "searches": self.searches,
            "unmet": [
                {"rome": f.rome, "label": f.label, "searches": f.searches, "testimonials": f.testimonials,
                 "not_found": f.not_found, "sector": f.sector}
                for f in self.unmet
            ],
            "zero_result": [
                {"query": z.query, "count": z.count, "fiches": list(z.fiches), "understood": list(z.understood)}
                for z in self.zero_result
            ],
            "sectors": [
                {"sector": s.sector, "fiches": s.fiches, "covered": s.covered, "searched": s.searched,
                 "label": s.label, "short_label": s.short_label, "searches": s.searches, "found": s.found,
                 "testimonials": s.testimonials}
                for s in self.sectors
            ],
            "k": self.k,
            "lost": self.lost,
            "with_fiche": self.with_fiche,
            "found": self.found,
            "zero": self.zero,
            "testimonials": self.testimonials,
            "generation": self.generation,
            "top_queries": [{"query": q, "count": n} for q, n in self.top_queries],
            "themes": [asdict(a) for a in self.themes],
            "places": [asdict(a) for a in self.places],
            "interests": [asdict(a) for a in self.interests],
            "unlisted": [asdict(a) for a in self.unlisted],
        }


def _labels(generation: Generation, lex: Lexicon) -> dict[tuple[str, str], str]:
    """(kind, code) -> label, for everything a record may name."""
    found: dict[tuple[str, str], str] = {}
    for entry in lex.entries:
        kind = "unlisted" if entry.kind == "unlisted_job" else entry.kind
        found.setdefault((kind, code_token(entry.code) if kind not in ("region", "country", "sector", "theme") else entry.code), entry.label)
    for code, (_, short) in lex.rome_themes.items():
        found[("rome_theme", code)] = short
    for code, (_, short) in lex.centres_interet.items():
        found[("centre_interet", code)] = short
    for facet, values in generation.labels.items():
        for code, label in values.items():
            found[(facet, code)] = label
    for code, (_, short) in lex.sectors.items():
        found[("sector", code)] = short
    return found


def _ranked(counts: Mapping[tuple[str, str], int], labels: Mapping[tuple[str, str], str]) -> tuple[Asked, ...]:
    items = [Asked(kind, code, labels.get((kind, code), code), n) for (kind, code), n in counts.items()]
    return tuple(sorted(items, key=lambda a: (-a.searches, a.label)))


def _words(counts: Mapping[str, int], k: int, limit: int | None = None) -> tuple[tuple[str, int], ...]:
    shown = sorted(((q, n) for q, n in counts.items() if n >= k), key=lambda item: (-item[1], item[0]))
    return tuple(shown[:limit] if limit else shown)


def _meaning(kind: str, code: str, labels: Mapping[tuple[str, str], str], lex: Lexicon) -> str:
    if kind == "profession":
        return lex.fiches[code].label if code in lex.fiches else code
    return labels.get(("theme", code) if kind == "advice_theme" else (kind, code), code)


def _split(pairs: Iterable[str]) -> Iterable[tuple[str, str]]:
    for pair in pairs:
        kind, _, code = pair.partition("=")
        yield kind, code


def build_report(totals: Totals, generation: Generation, *, k: int = K) -> Report:
    """The report of ``totals`` against ``generation``; words seen fewer than ``k`` times are left out."""
    lex = lexicon(generation)
    per_fiche = generation.columns["profession"].counts(generation.live)
    per_sector = generation.columns["sector"].counts(generation.live)
    labels = _labels(generation, lex)
    searched: Counter[str] = Counter()
    not_found: Counter[str] = Counter()
    sector_searches: Counter[str] = Counter()
    sector_found: Counter[str] = Counter()
    words: Counter[str] = Counter()
    zero_words: Counter[str] = Counter()
    zero_meaning: dict[str, set[tuple[str, str]]] = {}
    themes: Counter[tuple[str, str]] = Counter()
    places: Counter[tuple[str, str]] = Counter()
    interests: Counter[tuple[str, str]] = Counter()
    unlisted: Counter[tuple[str, str]] = Counter()
    with_fiche = found = zero = 0
    for row in totals.rows:
        n = row.count
        for code in row.fiches:
            searched[code] += n
            if not row.found:
                not_found[code] += n
        sectors = {lex.fiches[code].sector if code in lex.fiches else code[:1] for code in row.fiches}
        for letter in sectors:
            sector_searches[letter] += n
            sector_found[letter] += n if row.found else 0
        if row.fiches:
            with_fiche += n
            found += n if row.found else 0
        if row.zero:
            zero += n
        if row.query:
            words[row.query] += n
            if row.zero:
                zero_words[row.query] += n
                zero_meaning.setdefault(row.query, set()).update(
                    {("profession", code) for code in row.fiches} | set(_split(row.interests)))
        for facet, code in _split(row.filters):
            if facet == "theme":
                themes[(facet, code)] += n
            elif facet == "sector":  # a grand domaine ticked or named (« santé »): asked for as a whole
                interests[(facet, code)] += n
            else:
                places[(facet, code)] += n
        for kind, code in _split(row.interests):
            if kind == "advice_theme":
                themes[("theme", code)] += n
            elif kind == "unlisted":
                unlisted[(kind, code)] += n
            else:
                interests[(kind, code)] += n
    unmet = sorted(
        (
            FicheDemand(code, lex.fiches[code].label if code in lex.fiches else generation.label("profession", code),
                        n, per_fiche.get(code, 0), not_found[code], lex.fiches[code].sector if code in lex.fiches else code[:1])
            for code, n in searched.items()
            if per_fiche.get(code, 0) <= UNMET_MAX_TESTIMONIALS
        ),
        key=lambda f: (-f.searches, f.testimonials, f.rome),
    )
    letters = sorted(set(lex.sectors) | set(generation.labels.get("sector", {})))
    coverage = []
    for letter in letters:
        fiches = [code for code, info in lex.fiches.items() if info.sector == letter]
        rome_label, short = lex.sectors.get(letter, (generation.label("sector", letter), generation.short_label("sector", letter)))
        coverage.append(SectorCoverage(
            sector=letter,
            label=rome_label,
            short_label=short or rome_label,
            fiches=len(fiches),
            covered=sum(1 for code in fiches if per_fiche.get(code, 0) > 0),
            searched=sum(1 for code in fiches if searched[code] > 0),
            searches=sector_searches[letter],
            found=sector_found[letter],
            testimonials=per_sector.get(letter, 0),
        ))
    return Report(
        since=totals.since,
        until=totals.until,
        k=k,
        searches=totals.searches,
        lost=totals.lost,
        with_fiche=with_fiche,
        found=found,
        zero=zero,
        testimonials=generation.count,
        generation=generation.name,
        unmet=tuple(unmet),
        zero_result=tuple(
            Unanswered(query, n, tuple(sorted(code for kind, code in zero_meaning[query] if kind == "profession")),
                       tuple(sorted({_meaning(kind, code, labels, lex) for kind, code in zero_meaning[query]})))
            for query, n in _words(zero_words, k)
        ),
        top_queries=_words(words, k, TOP),
        sectors=tuple(coverage),
        themes=_ranked(themes, labels),
        places=_ranked(places, labels),
        interests=_ranked(interests, labels),
        unlisted=_ranked(unlisted, labels),
    )
