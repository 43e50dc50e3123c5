"""User text -> ``ParsedQuery``: words, "quoted phrases" and -exclusions; nothing else is syntax.

``field:x``, ``*``, ``?x``, ``lyon~1/5``, ``((((`` are plain text here: user text never reaches
Whoosh's query parser. Limits keep every query cheap.

>>> parse_query('infirmière "bloc opératoire" -nuit')
ParsedQuery(words=('infirmière',), phrases=(('bloc', 'opératoire'),), excluded=('nuit',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.errors import BadQuery
from search.text import clean_text

MAX_CHARS = 200
MAX_WORDS = 16

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDISH = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def text(self) -> str:
        parts = list(self.words) + ['"' + " ".join(p) + '"' for p in self.phrases] + ["-" + e for e in self.excluded]
        return " ".join(parts)


def _split_words(text: str) -> list[str]:
    """Words of a chunk; pure punctuation like ``((((`` or ``*`` carries nothing and is dropped."""
    return [w for w in text.split() if _WORDISH.search(w)]


def parse_query(text: str) -> ParsedQuery:
    """Parse what a visitor typed; raises BadQuery past 200 characters or 16 words."""
    raw = text or ""
    if len(raw) > 4 * MAX_CHARS:
        raise BadQuery(
            f"Votre recherche est trop longue ({len(raw)} caractères).",
            remedy=f"Raccourcissez-la à {MAX_CHARS} caractères au plus : quelques mots suffisent.",
        )
    cleaned = clean_text(raw).translate(_QUOTES)
    if len(cleaned) > MAX_CHARS:
        raise BadQuery(
            f"Votre recherche est trop longue ({len(cleaned)} caractères).",
            remedy=f"Raccourcissez-la à {MAX_CHARS} caractères au plus : quelques mots suffisent.",
        )
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    for match in _PIECE.finditer(cleaned):
        minus, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            parts = tuple(_split_words(quoted))
            if not parts:
                continue
            if minus:
                excluded.append(" ".join(parts))
            elif len(parts) == 1:
                words.append(parts[0])
            else:
                phrases.append(parts)
            continue
        assert bare is not None
        if bare.startswith("-") and len(bare) > 1 and _WORDISH.search(bare[1:]):
            excluded.extend(_split_words(bare[1:]))
        else:
            words.extend(_split_words(bare))
    count = len(words) + sum(len(p) for p in phrases) + len(excluded)
    if count > MAX_WORDS:
        raise BadQuery(
            f"Votre recherche compte trop de mots ({count}).",
            remedy=f"Gardez au plus {MAX_WORDS} mots : les plus parlants suffisent.",
        )
    return ParsedQuery(words=tuple(words), phrases=tuple(phrases), excluded=tuple(excluded))
