"""User text -> ``ParsedQuery``: words, "quoted phrases" and -exclusions; nothing else is syntax.

``field:x``, ``*``, ``?x``, ``lyon~1/5``, ``((((`` are plain text here: user text never reaches
Whoosh's query parser. Limits keep every query cheap.

>>> parse_query('infirmière "bloc opératoire" -nuit')
ParsedQuery(words=('infirmière',), phrases=(('bloc', 'opératoire'),), excluded=('nuit',), last_word_complete=True)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from search.errors import BadQuery

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
    last_word_complete: bool = True  # False when the text ends inside a word (search-as-you-type)

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def text(self) -> str:
        parts = list(self.words) + ['"' + " ".join(p) + '"' for p in self.phrases] + ["-" + e for e in self.excluded]
        return " ".join(parts)


def clean(text: str) -> str:
    """NFC, no control or format characters (RTL overrides, NUL), no lone surrogates, spaces collapsed."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" " if ch in "\t\n\r" else "")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


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
    cleaned = clean(raw).translate(_QUOTES)
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
    ends_in_word = bool(cleaned) and not cleaned[-1].isspace() and not cleaned.endswith('"')
    return ParsedQuery(
        words=tuple(words),
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        last_word_complete=not (ends_in_word and bool(words) and cleaned.rstrip().endswith(words[-1])),
    )
