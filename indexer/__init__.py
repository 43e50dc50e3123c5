"""Maintainer side of Bloomr: read and validate the corpus, build index generations atomically."""
