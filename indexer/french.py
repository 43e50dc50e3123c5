"""French typography for what the maintainer reads: the non-breaking spaces French wants.

``quoted("x") == "«\u00a0x\u00a0»"``, ``count(1999900, "autre erreur", "autres erreurs") ==
"1\u202f999\u202f900\u00a0autres erreurs"``; a colon takes ``NBSP`` before it, ``; ? !`` take ``NNBSP``.
The same rules as ``web/french.py`` (the visitor's side), which ``indexer`` does not import.
"""

from __future__ import annotations

NBSP = "\u00a0"  # before « : » and inside « guillemets »
NNBSP = "\u202f"  # narrow: before ; ? ! and between thousands


def quoted(text: str) -> str:
    """``quoted("x") == "«\u00a0x\u00a0»"``."""
    return f"«{NBSP}{text}{NBSP}»"


def count(n: int, one: str, many: str) -> str:
    """A number with thousands grouped, then the word agreeing with it (0 and 1 take the singular)."""
    return f"{n:,}".replace(",", NNBSP) + NBSP + (one if abs(n) < 2 else many)
