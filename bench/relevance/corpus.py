"""The shipped corpus as the judge sees it: which published testimonials each fiche has.

``CorpusView.load(Path("corpus"))`` reads the corpus with the indexer's own loader (without
``BLOOMR_ROME``, as the product runs) and keeps, per testimonial, its fiche and its
profession line::

    view.by_fiche["J1506"] == ("laetitia-infirmiere-liberale-corse",)
    view.profession["laetitia-infirmiere-liberale-corse"] == "Infirmière libérale"
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.corpus import load_corpus
from indexer.model import Testimonial
from search.analysis import analyze, is_stop_word


def content_tokens(text: str) -> frozenset[str]:
    """The analyzed words that carry meaning: ``content_tokens("Infirmière de bloc") == {"infirmier", "bloc"}``."""
    return frozenset(t for t in analyze(text) if not is_stop_word(t))


@dataclass(frozen=True)
class CorpusView:
    testimonials: tuple[Testimonial, ...]  # published only
    by_fiche: dict[str, tuple[str, ...]]
    profession: dict[str, str]
    rome: dict[str, str]

    @classmethod
    def of(cls, testimonials: Iterable[Testimonial]) -> "CorpusView":
        published = tuple(t for t in testimonials if not t.withdrawn)
        by_fiche: dict[str, list[str]] = defaultdict(list)
        for t in published:
            by_fiche[t.rome].append(t.id)
        return cls(
            published,
            {code: tuple(sorted(ids)) for code, ids in sorted(by_fiche.items())},
            {t.id: t.profession for t in published},
            {t.id: t.rome for t in published},
        )

    @classmethod
    def load(cls, corpus_dir: Path) -> "CorpusView":
        """Raise ValueError listing the corpus errors (the benchmark needs a valid corpus)."""
        report = load_corpus(corpus_dir)
        if not report.ok:
            raise ValueError("; ".join(str(p) for p in report.errors[:5]))
        return cls.of(report.testimonials)

    def relevant(self, fiches: Iterable[str]) -> tuple[str, ...]:
        """Published testimonials of any of these fiches, sorted."""
        return tuple(sorted({i for code in fiches for i in self.by_fiche.get(code, ())}))

    def profession_tokens(self, fiche: str) -> frozenset[str]:
        """Every content word of the profession lines of this fiche's testimonials."""
        return frozenset().union(*(content_tokens(self.profession[i]) for i in self.by_fiche.get(fiche, ())))
