"""Load a new generation's caches before visitors need them (``IndexHandle(…, on_open=warm)``).

About 1 s at 100,000 testimonials: field lengths, the vocabulary, the profession titles.
"""

from __future__ import annotations

from search.generation import Generation
from search.schema import TEXT_FIELDS
from search.suggest import professions
from search.vocabulary import vocabulary


def warm(generation: Generation) -> None:
    for field in TEXT_FIELDS:
        generation.store.lengths(field)
    vocabulary(generation)
    professions(generation)
