"""The one French analyzer of Bloomr, used at index time and at query time.

The chain, each stage a module-level function or class with its own tests::

    fold        per character: apostrophes and hyphens unified, NFKD, case folded,
                accents and ligatures folded      "L’Hôpital Œuvre" -> "l'hopital oeuvre"
    tokenize    on the folded text, offsets mapped back to the written text;
                elisions removed, inclusive forms kept whole, hyphens split
                                                  "l'aide-soignant·e·s" -> "aide", "soignant"
    normalise   gender and number, by suffix rules plus a small exception table
                                                  "infirmieres" -> "infirmier", "vendeuse" -> "vendeu"

Folding comes first, character by character, so that accented and unaccented input
give identical tokens by construction (``analyze(fold(s)) == analyze(s)``) and every
token still knows where it was written (``startchar``/``endchar`` for highlighting).
Stop words stay in the index (phrase positions intact); ``is_stop_word`` lets the
query builder drop them from the required terms of a multi-word query.

    >>> analyze("L’infirmière et l'aide-soignant·e·s")
    ['infirmier', 'et', 'aid', 'soignant']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from unidecode import unidecode
from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

__all__ = [
    "STOP_WORDS",
    "FrenchTokenizer",
    "GenderNumberFilter",
    "analyze",
    "fold",
    "french_analyzer",
    "is_stop_word",
    "normalise",
    "token_spans",
]

# --------------------------------------------------------------------------- fold

_BEFORE_DECOMPOSITION: dict[int, str] = {
    # Apostrophes typed or produced by word processors all become "'".
    **{ord(c): "'" for c in "\u2019\u2018\u02bc\u02bb\u201b\u2032\u00b4\u0060\uff07"},
    # Hyphens that join the parts of a compound (not dashes, which separate).
    **{ord(c): "-" for c in "\u2010\u2011"},
    # Middle dots of inclusive writing (étudiant·e·s) all become "·".
    **{ord(c): "\u00b7" for c in "\u2022\u2219\u22c5\u2027\u0387\u30fb\uff65"},
}
_LIGATURES: dict[int, str] = {ord("œ"): "oe", ord("æ"): "ae", ord("ĳ"): "ij"}
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def _fold_char(char: str) -> str:
    """Fold one character to a fixed point: ``_fold_char("É") == "e"``, ``"œ" -> "oe"``."""
    folded = char
    for _ in range(8):
        step = folded.translate(_BEFORE_DECOMPOSITION)
        step = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", step).casefold())
        step = "".join(c for c in step if unicodedata.category(c) not in _DROPPED_CATEGORIES)
        step = step.translate(_LIGATURES)
        step = "".join(_latin_to_ascii(c) for c in step)
        if step == folded:
            break
        folded = step
    return folded


def _latin_to_ascii(char: str) -> str:
    """Latin letters Unicode cannot decompose (ø, ł, đ, ß…) to their ASCII letters."""
    if char.isascii() or not unicodedata.name(char, "").startswith("LATIN"):
        return char
    ascii_form = unidecode(char).lower()
    return ascii_form if ascii_form.isascii() and ascii_form.isalpha() else char


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on demand: code point -> folded string."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        if len(folded) != 1:
            _IRREGULAR.add(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()
_IRREGULAR: set[str] = set()
"""Characters seen so far whose folded form is not exactly one character (œ, ß, e\u0301's accent)."""


def fold(text: str) -> str:
    """Normalise, lower-case and fold accents and ligatures, without stemming.

    Works character by character, so ``fold(fold(s)) == fold(s)``.

        >>> fold("Cœur d’ÉCOLE")
        "coeur d'ecole"
    """
    return text.translate(_FOLD_TABLE)


def _origins(text: str) -> list[int]:
    """For each character of ``fold(text)``, the index in ``text`` it comes from."""
    origins: list[int] = []
    for index, char in enumerate(text):
        origins.extend([index] * len(_FOLD_TABLE[ord(char)]))
    return origins


# ----------------------------------------------------------------------- tokenize

_ELISION = r"(?:l|m|t|qu|n|s|j|d|c|jusqu|quoiqu|lorsqu|puisqu)'+"
_WORD = r"[^\W_]+(?:'+[^\W_]+)*"
_INCLUSIVE_ENDINGS = sorted(
    (
        "e es ere eres iere ieres euse euses eure eures rice rices trice trices drice drices ice ices "
        "ne nes nne nnes le les lle lles te tes tte ttes ive ives ve ves se ses sse sses fe fes ffe ffes"
    ).split(),
    key=len,
    reverse=True,
)
_ENDING = "(?:" + "|".join(_INCLUSIVE_ENDINGS) + ")"
_INCLUSIVE = (
    r"(?:"
    rf"(?:[\u00b7.]{_ENDING})+(?:[\u00b7.][sx])?"  # étudiant·e·s, étudiant.e.s, éducateur·rice·s
    rf"|(?:\({_ENDING}\))+(?:\([sx]\)|[sx])?"  # chargé(e), chargé(e)s, monteur(se)
    rf"|-{_ENDING}(?:-[sx])?"  # conseiller-ère, étudiant-e-s
    r")(?![^\W_])"
)
_TOKEN = re.compile(rf"(?:{_ELISION})*(?P<word>{_WORD})(?:{_INCLUSIVE})?")
"""A word of the folded text, after its elided articles and with its inclusive ending."""


class FrenchTokenizer(Tokenizer):  # type: ignore[misc]
    """Folds, then splits into words; offsets point into the text as written.

    ``l’hôpital`` gives ``hopital`` spanning ``hôpital``; ``étudiant·e·s`` gives
    ``etudiant`` spanning the whole written form; ``aide-soignante`` gives two tokens.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        if not tokenize:
            token.original = value
            token.text = folded
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        origins = None if _IRREGULAR.isdisjoint(value) else _origins(value)
        for pos, match in enumerate(_TOKEN.finditer(folded)):
            token.text = match.group("word")
            token.boost = 1.0
            token.stopped = False
            start, end = match.start("word"), match.end()
            if origins is not None:
                start, end = _written_span(value, origins, start, end)
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def _written_span(value: str, origins: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a folded span back to ``value``, taking in trailing accents folded away."""
    written_start = origins[start]
    written_end = origins[end - 1] + 1
    while written_end < len(value) and not _FOLD_TABLE[ord(value[written_end])]:
        written_end += 1
    return written_start, written_end


# ---------------------------------------------------------------------- normalise

_EXCEPTIONS: dict[str, str] = {
    # Feminines no suffix rule can reach.
    "cheffe": "chef",
    "maitresse": "maitre",
    "hotesse": "hote",
    "princesse": "prince",
    "comtesse": "comte",
    "vicomtesse": "vicomte",
    "duchesse": "duc",
    "poetesse": "poete",
    "pretresse": "pretre",
    "deesse": "dieu",
    "abbesse": "abbe",
    "chanoinesse": "chanoine",
    "doctoresse": "docteur",
    "ogresse": "ogre",
    "tigresse": "tigre",
    "grosse": "gros",
    "basse": "bas",
    "grasse": "gras",
    "epaisse": "epais",
    "metisse": "metis",
    "fausse": "faux",
    "rousse": "roux",
    "douce": "doux",
    "gentille": "gentil",
    "bonne": "bon",
    "belle": "beau",
    "bel": "beau",
    "nouvelle": "nouveau",
    "nouvel": "nouveau",
    "jumelle": "jumeau",
    "vieille": "vieux",
    "vieil": "vieux",
    "folle": "fou",
    "molle": "mou",
    "copine": "copain",
    "veuve": "veuf",
    "neuve": "neuf",
    "longue": "long",
    "blanche": "blanc",
    "franche": "franc",
    "seche": "sec",
    "fraiche": "frais",
    "grecque": "grec",
    "turque": "turc",
    "favorite": "favori",
    "banderilla": "banderillo",
    "pizzaiola": "pizzaiolo",
    "torera": "torero",
    "decontamineuse": "decontaminateur",
    # English loans: the feminine takes -euse, the masculine keeps -er.
    "bookeuse": "booker",
    "designeuse": "designer",
    "dispatcheuse": "dispatcher",
    "manageuse": "manager",
    "rewriteuse": "rewriter",
    "tradeuse": "trader",
    "leadeuse": "leader",
    "reportrice": "reporter",
    "speakerine": "speaker",
    # Plurals in -aux whose singular is in -ail, and -aux words that are not plurals.
    "travaux": "travail",
    "vitraux": "vitrail",
    "coraux": "corail",
    "emaux": "email",
    "baux": "bail",
    "soupiraux": "soupirail",
    "vantaux": "vantail",
    "etaux": "etau",
    "maux": "mal",
    "vaux": "val",
    "tuyaux": "tuyau",
    "noyaux": "noyau",
    "boyaux": "boyau",
    "joyaux": "joyau",
    "aloyaux": "aloyau",
    # Short plurals, and short words ending in -s that are not plurals.
    "ans": "an",
    "ils": "il",
    "aux": "au",
    "uns": "un",
    "une": "un",
    **{word: word for word in "pas bas cas mas tas bus jus vis dos lys ras".split()},
    # Words the rules would merge with a different word.
    "ete": "ete",  # summer (été), not "et"
    "dans": "dans",  # not "danse"
    "mois": "mois",  # month, not "moi"
    "fois": "fois",
    "fils": "fils",  # son, not "fil"
    "cours": "cours",  # lesson, not "cour"
    "temps": "temps",  # time, not "temp" (interim worker)
    "pays": "pays",
    "sens": "sens",
    "tonne": "tonne",  # not "ton"
    "colonne": "colonne",  # not "colon"
    "carriere": "carriere",  # career, not "carrier" (quarry worker)
    "pare": "pare",  # pare-brise, not the stop word "par"
    "mere": "mere",  # mother, not "mer" (sea)
}
"""Folded word (singular or plural) -> canonical token; every value is its own canonical token."""
for _value in list(_EXCEPTIONS.values()):
    _EXCEPTIONS.setdefault(_value, _value)


_SUFFIX_RULES: tuple[tuple[str, str], ...] = (("woman", "man"), ("women", "man"), ("maitresse", "maitre"))


def _step(word: str) -> str:
    """Apply the first gender or number rule that matches, or return ``word`` unchanged."""
    size = len(word)
    if size < 3 or not word[-2].isalpha():
        return word
    last = word[-1]
    if last == "s" and size > 3 and word[-2] != "s":
        return word[:-1]  # plural -s; not -ss: "presse" stays apart from "près"
    for suffix, replacement in _SUFFIX_RULES:
        if word.endswith(suffix):  # camerawoman -> cameraman, contremaîtresse -> contremaître
            return word[: -len(suffix)] + replacement
    if last == "x":
        if word.endswith("eaux"):  # bureaux -> bureau
            return word[:-1]
        if word.endswith("aux") and size > 4:  # journaux -> journal
            return word[:-3] + "al"
        if (word.endswith("eux") or word.endswith("oux")) and size > 3:  # jeux, heureux, époux
            return word[:-1]
        return word
    if last == "e" and size > 3:  # the feminine -e: avocate, chargée, infirmière, vendeuse -> vendeus
        return word[:-1]  # (not île -> il, vue -> vu)
    if word.endswith("eress") and size >= 7:  # pécheresse -> pécheur
        return word[:-5] + "eu"
    if size >= 5 and word.endswith(("onn", "enn", "ett", "ell")):  # patronne, ancienne, cadette
        return word[:-1]
    if size >= 7 and word.endswith(("ann", "eill")):  # paysanne, pareille
        return word[:-1]
    if word.endswith("eur") and size >= 5:  # vendeur -> vendeu, like vendeuse and heureux
        return word[:-1]
    if word.endswith(("tric", "dric")) and size >= 6:  # directrice -> directeu
        return word[:-3] + "eu"
    if word.endswith("iv"):  # sportive -> sportif
        return word[:-1] + "f"
    if word.endswith("iqu"):  # publique -> public
        return word[:-2] + "c"
    return word


def _plural(word: str) -> str:
    """The first step: one plural ending removed, short words included (nus -> nu)."""
    if len(word) == 3 and word[2] == "s" and word[1] in "aeiouy" and word[0].isalpha():
        return word[:2]
    return _step(word) if word.endswith(("s", "x")) else word


def _normalise(word: str) -> str:
    """The canonical token of a folded word, masculine singular in spirit.

    ``_normalise("infirmieres") == _normalise("infirmier") == "infirmier"``.
    """
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    singular = _plural(word)
    if singular in _EXCEPTIONS:
        return _EXCEPTIONS[singular]
    while (next_word := _step(word)) != word:
        word = next_word
    return word


normalise = lru_cache(maxsize=200_000)(_normalise)
"""``_normalise`` with a per-token LRU cache: the indexer meets the same words again and again."""


class GenderNumberFilter(Filter):  # type: ignore[misc]
    """Replaces each folded token by its gender- and number-free form: ``vendeuses`` -> ``vendeu``."""

    def __init__(self, *, cache: bool = True) -> None:
        self.cache = cache

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        function = normalise if self.cache else _normalise
        for token in tokens:
            token.text = function(token.text)
            yield token


# --------------------------------------------------------------------- public API


def french_analyzer(*, cache: bool = True) -> Analyzer:
    """The analyzer of every text field and every query: ``french_analyzer()("Infirmières")``.

    ``cache=False`` only serves the benchmark (tokens per second without the cache).
    """
    return FrenchTokenizer() | GenderNumberFilter(cache=cache)


_ANALYZER = french_analyzer()


def analyze(text: str) -> list[str]:
    """The token texts of ``text`` in order.

        >>> analyze("Conseiller-ère en insertion")
        ['conseiller', 'en', 'insertion']
    """
    return [token.text for token in _ANALYZER(text)]


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Each token of ``text`` with the span of the written text it comes from (for highlighting).

        >>> token_spans("L’Été")
        [('ete', 2, 5)]
    """
    return [(t.text, int(t.startchar), int(t.endchar)) for t in _ANALYZER(text, positions=True, chars=True, mode="index")]


_STOP_WORDS_WRITTEN = (
    "le la les l un une des du de d au aux a à et ou ni que qu qui dont "
    "je j tu il ils elle elles on nous vous me m te t se s lui y "
    "ce c cet cette ces mon ma mes ta tes sa ses notre nos votre vos leur leurs "
    "en dans sur par pour avec sans chez"
)
STOP_WORDS: frozenset[str] = frozenset(normalise(fold(word)) for word in _STOP_WORDS_WRITTEN.split())
"""Analysed stop words: articles, prepositions, conjunctions and pronouns only.

Deliberately short: no word that carries meaning in a job query (son, été, or, car,
mode, bois, cours, pas, mais — maïs folds to it —, est — the Grand Est —, sous — sous-chef).
"""


def is_stop_word(token: str) -> bool:
    """Whether an analysed token is a stop word: ``is_stop_word("le") is True``, ``"son"`` is not."""
    return token in STOP_WORDS
