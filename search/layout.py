"""The index directory, named once: what the indexer writes and every reader opens.

::

    <index>/current -> gen-20261127T031500123456Z-4242   symlink, switched with os.replace (atomic)
    <index>/previous -> gen-…                             kept for ``bloomr rollback``
    <index>/gen-*/                                        one generation: Whoosh segments (MAIN_*),
                                                          bloomr.json, words.json, sources.json
    <index>/.tmp-gen-*/                                   a generation being written (cleaned if killed)
    <index>/.build.lock                                   flock'ed while a build runs: {pid, started, host}
    <index>/withdrawals.log                               JSON Lines {id, time}: withdrawals (search.ledger)
    <index>/paused.json                                   {"ids": [...]}: paused testimonials (search.pauses)

Nothing here does any work: ``indexer.generations`` moves directories and pointers,
``search.store`` opens a generation's files, ``search.ledger`` reads and appends the ledger.
"""

from __future__ import annotations

CURRENT = "current"
PREVIOUS = "previous"
LOCK = ".build.lock"
TMP_PREFIX = ".tmp-"
GEN_PREFIX = "gen-"
LEDGER = "withdrawals.log"
PAUSED = "paused.json"
"""``{"ids": [...]}``: testimonials paused by their volunteers (``search.pauses``)."""

INDEX_NAME = "MAIN"
"""Whoosh's index name: its files are ``MAIN_*.seg``, ``_MAIN_<n>.toc``, ``MAIN_WRITELOCK``."""
META = "bloomr.json"
"""What readers need: ``{generation, created, count, labels, withdrawn}``."""
VOCABULARY = "words.json"
"""``{surface word: document frequency}``: typo corrections, « did you mean », autocomplete."""
SOURCES = "sources.json"
"""Indexer-only state, never opened by readers: ``{"hashes": {id: sha256}, "sources": {id: path}}``."""
LEXICON = "lexicon.json"
"""What the query understanding knows (professions, places, interests), compiled by the indexer."""

GENERATION_FILES: frozenset[str] = frozenset({META, VOCABULARY, SOURCES, LEXICON})
"""Files of ours a generation may hold beside Whoosh's own."""
