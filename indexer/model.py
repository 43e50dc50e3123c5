"""The values that flow from the corpus to the index.

``load_corpus`` (``indexer.corpus``) turns files into ``Testimonial`` values and
``Problem`` reports; ``build_index`` (``indexer.build``) writes testimonials into a
generation. Facet values are codes (``sector="M"``, ``rome="M1705"``, ``country="FR"``,
``region="FR-BRE"``, ``themes=("reseau",)``); their French labels travel with them so
that a generation is self-contained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from search.sections import SECTION_KEYS

Status = Literal["published", "withdrawn"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Sections:
    """The four sections of an interview; ``metier`` and ``conseils`` are required."""

    metier: str
    conseils: str
    parcours: str = ""
    passion: str = ""

    def get(self, key: str) -> str:
        return str(getattr(self, key))

    def items(self) -> list[tuple[str, str]]:
        return [(key, self.get(key)) for key in SECTION_KEYS]


@dataclass(frozen=True)
class Testimonial:
    """One validated testimonial, facet values resolved to codes with their labels."""

    id: str
    name: str
    profession: str  # the volunteer's own words, any gender form
    rome: str  # ROME 4.0 fiche code, e.g. "M1705"
    rome_label: str
    sector: str  # ROME grand domaine letter, e.g. "M"
    sector_label: str
    country: str  # ISO 3166-1 alpha-2
    country_label: str
    region: str  # ISO 3166-2 code, e.g. "FR-BRE"
    region_label: str
    themes: tuple[str, ...]  # advice-theme slugs
    themes_declared: bool  # False when inferred from the advice section
    published: date
    sections: Sections
    status: Status = "published"
    source: str = ""  # path of the file it came from, relative to the corpus when possible
    source_line: int = 1  # line of the record (JSON Lines) or 1 (Markdown)
    content_hash: str = ""  # hash of the source record, for incremental updates

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"


@dataclass(frozen=True)
class Problem:
    """One corpus problem, printed as ``path:line: message — remedy``."""

    path: str
    line: int
    message: str
    remedy: str = ""
    severity: Severity = "error"
    field: str = ""

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "attention : "
        tail = f" — {self.remedy}" if self.remedy else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}{tail}"


OMITTED = "omitted"
"""``Problem.field`` of the line standing for the problems of a file left out past a cap
(« … et 199 900 autres erreurs dans ce fichier »); ``CorpusReport`` still counts them."""


@dataclass(frozen=True)
class CorpusReport:
    """Everything ``load_corpus`` found: the valid testimonials and the problems, at most a
    hundred per file (``omitted_errors`` and ``omitted_warnings`` count the others)."""

    testimonials: tuple[Testimonial, ...]
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    omitted_errors: int = 0
    omitted_warnings: int = 0

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def error_count(self) -> int:
        """Every error found, those left out of ``problems`` included."""
        return sum(1 for p in self.errors if p.field != OMITTED) + self.omitted_errors

    @property
    def warning_count(self) -> int:
        """Every warning found, those left out of ``problems`` included."""
        return sum(1 for p in self.warnings if p.field != OMITTED) + self.omitted_warnings

    @property
    def ok(self) -> bool:
        return not self.errors
