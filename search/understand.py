"""How a query was understood: professions, places, sectors, themes and interests, and the rest.

``understand(lexicon, text)`` is a pure function of the generation's lexicon and what a youth
typed (no Whoosh, no index). It reads the words with the one French analyzer, so case, accents,
gender, number, elisions, hyphens and articles do not matter, and takes the longest known
phrases first::

    >>> u = understand(lexicon, "infirmière bretagne")            # doctest: +SKIP
    >>> [p.rome for p in u.professions], u.facet_filters(), u.text
    (['J1506'], {'region': ('FR-BRE',)}, '')
    >>> understand(lexicon, "je veux travailler avec les animaux").interests[0].label   # doctest: +SKIP
    'Les animaux'

Rules: a place name that is also a common word (« lot », « var », « Manche ») is a place only
when written with a capital or after a place word (« dans le lot », « en Somme »); a number is a
department only after a place word (« dans le 93 »); « "quoted" » and ``-excluded`` words are
never recognised (quoting a word is how a page offers « chercher plutôt le mot »); filler words
(« je veux », « métier ») are set aside. Spelling corrections are the caller's, who knows the
generation's vocabulary (``Lexicon.is_known`` says which words must never be corrected).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from search.analysis import is_stop_word
from search.lexicon import Entry, Key, Lexicon
from search.text import clean_text
from search.phrases import Word, words

INTEREST_KINDS = ("rome_theme", "secteur", "sous_secteur", "centre_interet", "interest")
FILTER_KINDS = {"region": "region", "country": "country", "sector": "sector", "theme": "theme"}
"""Entry kind -> the facet it filters."""

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_LITERAL = re.compile(r'-?"[^"]*"?|(?<!\S)-(?=[^\W_])\S+')
"""Quoted phrases and -exclusions, as ``search.parse`` reads them: searched as typed."""
_WORDISH = re.compile(r"[^\W_]")
_KIND_ORDER = {kind: n for n, kind in enumerate(
    ("profession", "unlisted_job", "region", "country", "sector", "theme", *INTEREST_KINDS, "filler"))}


@dataclass(frozen=True)
class RecognisedProfession:
    """``RecognisedProfession("J1404", "Kinésithérapeute", "kiné", "synonyms")``."""

    rome: str
    label: str
    from_: str  # the words of the query it came from, as typed
    source: str  # "rome" (a ROME title) or "synonyms" (a youth word)


@dataclass(frozen=True)
class RecognisedFilter:
    """A place, sector or advice theme acting as a filter: ``RecognisedFilter("region", "FR-BRE", "Bretagne", "bretagne")``."""

    facet: str  # "region", "country", "sector" or "theme", as in the index
    value: str  # "FR-BRE", "FR", "J", "alternance"
    label: str
    from_: str
    lead: str = ""  # the place word typed before it (« dans le » of « dans le Lot »), if any


@dataclass(frozen=True)
class RecognisedInterest:
    """``RecognisedInterest("interest", "les-animaux", "Les animaux", "avec les animaux", ("A1501", …))``."""

    kind: str  # "rome_theme", "secteur", "sous_secteur", "centre_interet" or "interest"
    code: str
    label: str
    from_: str
    fiches: tuple[str, ...]  # the fiches it stands for


@dataclass(frozen=True)
class RecognisedJob:
    """A job no ROME fiche covers (« astronaute »), with the fiches closest to it: the lack is stated."""

    label: str
    from_: str
    near: tuple[str, ...]


@dataclass(frozen=True)
class Correction:
    from_: str
    to: str


@dataclass(frozen=True)
class Understanding:
    """What a query means; ``text`` is what is still to be searched as plain text."""

    query: str
    professions: tuple[RecognisedProfession, ...] = ()
    filters: tuple[RecognisedFilter, ...] = ()
    interests: tuple[RecognisedInterest, ...] = ()
    unlisted: tuple[RecognisedJob, ...] = ()  # jobs no fiche covers
    fillers: tuple[str, ...] = ()  # words set aside: « je veux », « métier »
    corrections: tuple[Correction, ...] = ()  # filled by the caller
    text: str = ""

    @property
    def recognised(self) -> bool:
        return bool(self.professions or self.filters or self.interests or self.unlisted)

    def facet_filters(self) -> dict[str, tuple[str, ...]]:
        """``{"region": ("FR-BRE",), "sector": ("J",)}``: the filters, as ``search`` takes them."""
        found: dict[str, tuple[str, ...]] = {}
        for item in self.filters:
            if item.value not in found.get(item.facet, ()):
                found[item.facet] = (*found.get(item.facet, ()), item.value)
        return found

    def to_dict(self) -> dict[str, Any]:
        """The ``understood`` object of issue 14 (``testimonials`` per profession is the caller's)."""
        return {
            "professions": [{"rome": p.rome, "label": p.label, "from": p.from_} for p in self.professions],
            "filters": {facet: list(values) for facet, values in self.facet_filters().items()},
            "interests": [{"kind": i.kind, "code": i.code, "label": i.label, "from": i.from_} for i in self.interests],
            "corrections": [{"from": c.from_, "to": c.to} for c in self.corrections],
            "text": self.text,
            "unlisted": [{"label": j.label, "from": j.from_, "near": list(j.near)} for j in self.unlisted],
        }


@dataclass(frozen=True)
class _Match:
    start: int  # index of the first word (in the run's words)
    end: int  # index after the last word
    entries: tuple[int, ...]
    size: int  # words that count (articles excluded): longer first
    lead: int  # first word of the place word before it (« dans le Lot »), else ``start``
    guarded: tuple[int, ...] = ()  # of ``entries``, the places that are also common words


@dataclass(frozen=True)
class _Run:
    """A stretch of the query: searched as typed when ``literal`` (quotes, exclusions)."""

    text: str
    literal: bool
    words: list[Word] = field(default_factory=list)


def _runs(text: str) -> Iterator[_Run]:
    """The query's stretches in order; quoted phrases and exclusions are literal ones."""
    position = 0
    for match in _LITERAL.finditer(text):
        if match.start() > position:
            piece = text[position:match.start()]
            yield _Run(piece, False, words(piece))
        if _WORDISH.search(match.group(0)):  # a lone « " » or « - » says nothing
            yield _Run(match.group(0), True)
        position = match.end()
    if position < len(text):
        yield _Run(text[position:], False, words(text[position:]))


def _place_context(lexicon: Lexicon, content: Sequence[Word], at: int) -> int:
    """How many content words just before ``at`` make a place word (« dans », « près de »); 0 if none."""
    for size in range(min(lexicon.place_word_length, at), 0, -1):
        if tuple(w.norm for w in content[at - size:at]) in lexicon.place_words:
            return size
    return 0


def _candidates(lexicon: Lexicon, run: list[Word]) -> list[_Match]:
    """Every known phrase of the run, with its entries (guarded places only where allowed)."""
    content = [n for n, w in enumerate(run) if not w.article]
    words_ = [run[n] for n in content]
    found: list[_Match] = []
    for a in range(len(words_)):
        context = _place_context(lexicon, words_, a)
        lead = content[a - context] if context else content[a]
        frontier: list[Key] = [()]
        for b in range(a, len(words_)):
            following: list[Key] = []
            for prefix in frontier:
                for form in words_[b].forms():
                    key = prefix + (form,)
                    entries = lexicon.keys.get(key, ())
                    guarded = lexicon.guarded.get(key, ()) if context or words_[a].capitalised else ()
                    if entries or guarded:
                        found.append(_Match(content[a], content[b] + 1, entries + guarded, b - a + 1, lead, guarded))
                    if key in lexicon.prefixes:
                        following.append(key)
            frontier = following
            if not frontier:
                break
        if context and words_[a].surface in lexicon.departments:
            found.append(_Match(content[a], content[a] + 1, (lexicon.departments[words_[a].surface],), 1, lead))
    return found


def _choose(lexicon: Lexicon, candidates: list[_Match]) -> list[_Match]:
    """Longest first; at equal length, meaning before filler, then leftmost; no overlaps."""

    def rank(m: _Match) -> tuple[int, int, int]:
        best = min(_KIND_ORDER.get(lexicon.entries[i].kind, 99) for i in m.entries)
        return (-m.size, best, m.start)

    taken: list[_Match] = []
    used: set[int] = set()
    for match in sorted(candidates, key=rank):
        span = set(range(match.start, match.end))
        if span & used:
            continue
        taken.append(match)
        used |= span
    return sorted(taken, key=lambda m: m.start)


def _abroad(lexicon: Lexicon, match: _Match, countries: set[str]) -> _Match | None:
    """A common word naming a place abroad only (« Sud »: Cameroon) is that place only when the
    query names its country too; without its places, a match may mean nothing left."""
    dropped = {i for i in match.guarded if lexicon.entries[i].code[:2] not in ("FR", *countries)}
    if not dropped:
        return match
    kept = tuple(i for i in match.entries if i not in dropped)
    return replace(match, entries=kept, guarded=tuple(i for i in match.guarded if i not in dropped)) if kept else None


def _places(lexicon: Lexicon, match: _Match, countries: set[str]) -> list[Entry]:
    """Of the places a name may be (« Centre » in France, Cameroon, Haïti…), the one in a country
    the query names, else the first (France first)."""
    places = [lexicon.entries[i] for i in match.entries if lexicon.entries[i].kind in ("region", "country")]
    for entry in places:
        if entry.code.split("-", 1)[0] in countries:
            return [entry]
    return places[:1]


def _leftover(run: _Run, taken: list[_Match], places: set[_Match]) -> list[str]:
    """Words no match took, as typed, in stretches; stop words at a stretch's edges dropped;
    the place word before a recognised place goes with it."""
    used = {n for m in taken for n in range(m.lead if m in places else m.start, m.end)}
    pieces: list[str] = []
    stretch: list[Word] = []
    for n, word in enumerate([*run.words, None]):
        if word is not None and n not in used:
            stretch.append(word)
            continue
        while stretch and (stretch[0].article or is_stop_word(stretch[0].norm)):
            stretch.pop(0)
        while stretch and (stretch[-1].article or is_stop_word(stretch[-1].norm)):
            stretch.pop()
        if stretch:
            pieces.append(run.text[stretch[0].start:stretch[-1].end])
        stretch = []
    return pieces


def understand(lexicon: Lexicon, text: str) -> Understanding:
    """Recognise what ``text`` names; see the module's docstring for the rules."""
    query = clean_text(text or "").translate(_QUOTES)
    runs = list(_runs(query))
    found = [[] if run.literal else _candidates(lexicon, run.words) for run in runs]
    countries = {lexicon.entries[i].code for matches in found for m in matches for i in m.entries
                 if lexicon.entries[i].kind == "country" and i not in m.guarded}
    chosen_runs = []
    for run, matches in zip(runs, found):
        kept = [k for k in (_abroad(lexicon, m, countries) for m in matches) if k is not None]
        chosen_runs.append((run, _choose(lexicon, kept)))
    professions: dict[str, RecognisedProfession] = {}
    filters: dict[tuple[str, str], RecognisedFilter] = {}
    interests: dict[tuple[str, str], RecognisedInterest] = {}
    unlisted: dict[str, RecognisedJob] = {}
    fillers: list[str] = []
    pieces: list[str] = []
    for run, taken in chosen_runs:
        if run.literal:
            pieces.append(run.text)
            continue
        places: set[_Match] = set()
        for match in taken:
            said = run.text[run.words[match.start].start:run.words[match.end - 1].end]
            meaning = [lexicon.entries[i] for i in match.entries if lexicon.entries[i].kind != "filler"]
            if not meaning:
                fillers.append(said)
                continue
            chosen = _places(lexicon, match, countries)
            lead = ""
            if chosen:
                places.add(match)
                if match.lead < match.start:
                    lead = run.text[run.words[match.lead].start:run.words[match.start - 1].end]
            for entry in [e for e in meaning if e.kind not in ("region", "country")] + chosen:
                if entry.kind == "profession":
                    professions.setdefault(entry.code, RecognisedProfession(entry.code, entry.label, said, entry.source))
                elif entry.kind in FILTER_KINDS:
                    key = (FILTER_KINDS[entry.kind], entry.code)
                    filters.setdefault(key, RecognisedFilter(key[0], entry.code, entry.label, said, lead if entry in chosen else ""))
                elif entry.kind in INTEREST_KINDS:
                    interests.setdefault((entry.kind, entry.code), RecognisedInterest(entry.kind, entry.code, entry.label, said, entry.fiches))
                elif entry.kind == "unlisted_job":
                    unlisted.setdefault(entry.code, RecognisedJob(entry.label, said, entry.fiches))
        pieces.extend(_leftover(run, taken, places))
    return Understanding(
        query=query,
        professions=tuple(professions.values()),
        filters=tuple(filters.values()),
        interests=tuple(interests.values()),
        unlisted=tuple(unlisted.values()),
        fillers=tuple(fillers),
        text=" ".join(pieces),
    )


def _span(text: str, said: str, lead: str = "") -> re.Match[str] | None:
    """Where ``said`` (and the place word ``lead`` before it) stands in ``text`` as a whole word,
    outside quotes; None when it is not there."""
    if not said:
        return None
    quoted = [m.span() for m in _LITERAL.finditer(text.translate(_QUOTES))]
    word = re.escape(said)
    pattern = rf"(?<![\w-])(?:{re.escape(lead)}\s+)?{word}(?![\w-])" if lead else rf"(?<![\w-]){word}(?![\w-])"
    for match in re.finditer(pattern, text):
        if not any(a <= match.start() < b for a, b in quoted):
            return match
    return None


def without_words(text: str, said: str, *, lead: str = "") -> str:
    """``text`` without the words a meaning came from (with the place word before them), spaces
    tidied; unchanged when they are not there::

        >>> without_words("infirmière dans le Lot", "Lot", lead="dans le")
        'infirmière'
    """
    match = _span(text, said, lead)
    if match is None:
        return text
    return " ".join((text[:match.start()] + " " + text[match.end():]).split())


def as_words(text: str, said: str) -> str:
    """``text`` with ``said`` in quotes, so that it is searched as typed, never recognised::

        >>> as_words("infirmière bretagne", "bretagne")
        'infirmière "bretagne"'
    """
    match = _span(text, said)
    if match is None:
        return text
    return f'{text[:match.start()]}"{match.group(0)}"{text[match.end():]}'
