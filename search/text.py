"""The one cleaner of text a visitor or a volunteer typed, before anything reads it.

``clean_text(" e\\u0301te\\u0301\\x00 ") == "été"``: NFC; control, format (bidi overrides,
zero-width), surrogate, private-use and unassigned characters removed; line and paragraph
separators, tabs and newlines become spaces; whitespace collapsed.
"""

from __future__ import annotations

import unicodedata

_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACES = frozenset({"Zl", "Zp"})
_WHITE_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def clean_text(text: str) -> str:
    """Text safe to analyse, echo and store: see the module docstring."""
    text = unicodedata.normalize("NFC", text or "")
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in _DROPPED:
            kept.append(" " if char in _WHITE_CONTROLS else "")
        elif category in _SPACES:
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())
