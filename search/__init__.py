"""Query side of Bloomr: French analysis, the index schema, queries, facets and results."""
