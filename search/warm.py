"""Load a new generation's caches before visitors need them (``IndexHandle(…, on_open=warm)``).

About 1 s at 100,000 testimonials: field lengths, the vocabulary, the profession titles, the
names autocomplete offers (places, sectors, interests) and the métiers' counts.
"""

from __future__ import annotations

from search.generation import Generation
from search.schema import TEXT_FIELDS
from search.metiers import metiers
from search.suggest import filters, professions
from search.vocabulary import vocabulary


def warm(generation: Generation) -> None:
    for field in TEXT_FIELDS:
        generation.store.lengths(field)
    vocabulary(generation)
    professions(generation)
    filters(generation)
    metiers(generation)
