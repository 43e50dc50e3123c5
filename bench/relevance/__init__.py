"""Relevance benchmark of issue 14: ``python -m bench.relevance`` (see ``__main__``)."""
