"""Query side of Bloomr: French analysis, the index schema, queries, facets and results."""

from search import whoosh_fixes as _whoosh_fixes  # noqa: F401  (applied before any index is opened)
