"""Benchmarks and reports of Bloomr: ``python -m bench.<name>``."""
