"""A parsed query compiled against one generation: what documents must contain, and how they match.

``compile_query(generation, parse_query("infirmeire de nuit"))`` gives a ``Plan`` whose units
are the query words, each widened to its known spellings: a word absent from the index to the
known words within 1 edit (5+ letters) or 2 (9+ letters), an unknown last word to its
completions; ``"phrases"`` stay phrases, ``-exclusions`` are excluded. ``Matcher`` turns units
into document masks (each unit's mask computed once per search, whether AND or relaxed OR).

>>> plan = compile_query(generation, parse_query('infirmiere "bloc operatoire" -nuit'))  # doctest: +SKIP
>>> [u.alternatives or u.phrase for u in plan.required]
[(('infirmier', 1.0),), ('bloc', 'operatoir')]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from search.analysis import analyze, fold, is_stop_word
from search.generation import Generation
from search.parse import ParsedQuery
from search.schema import TEXT_FIELDS
from search.scoring import phrase_mask, term_mask
from search.store import BoolArray
from search.vocabulary import vocabulary

MAX_COMPLETIONS = 10
CORRECTION_BOOST = 0.5
COMPLETION_BOOST = 0.4
MIN_COMPLETED = 4
"""An unknown, uncorrectable last word of at least this many letters widens to its completions
(« boulang » is being typed); shorter ones are abbreviations (« dev », « ide »), never widened."""

Known = Callable[[str], bool]
"""Whether a word is French the product knows (``Lexicon.is_known``): never corrected, never completed."""


def _unknown_anywhere(_: str) -> bool:
    return False


@dataclass(frozen=True)
class Unit:
    """One thing a document must contain: any of ``alternatives`` (token, boost) in any text
    field, or, for a phrase, its ``phrase`` tokens in order in one field."""

    alternatives: tuple[tuple[str, float], ...] = ()
    phrase: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str, float]]:
        """(field, token, boost) triples scored for this unit; a phrase scores as its words."""
        tokens = self.alternatives or tuple((t, 1.0) for t in self.phrase if not is_stop_word(t))
        return [(f, token, boost) for token, boost in tokens for f in TEXT_FIELDS]


@dataclass
class Plan:
    """What a query asks of the documents of one generation."""

    required: list[Unit] = field(default_factory=list)
    excluded: list[Unit] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)  # everything a snippet should mark
    corrected_words: list[str] = field(default_factory=list)  # the words as a corrected query would read
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, corrected into)

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)

    @property
    def empty(self) -> bool:
        return not self.required


def content_tokens(text: str) -> list[str]:
    """Analysed tokens of ``text`` without stop words."""
    return [t for t in analyze(text) if not is_stop_word(t)]


def _known(generation: Generation, token: str) -> bool:
    return generation.store.known(token, TEXT_FIELDS)


def _word_units(generation: Generation, word: str, *, complete: bool, plan: Plan, known: Known) -> list[Unit]:
    tokens = content_tokens(word)
    if not tokens:
        return []
    vocab = vocabulary(generation)
    folded = fold(word)
    units: list[Unit] = []
    shown = word
    for token in tokens:
        alternatives: dict[str, float] = {token: 1.0}
        plan.tokens.add(token)
        if not _known(generation, token) and not known(word):
            # a word nobody wrote, and no French word we know: a typo of a word in the index
            fixes = vocab.corrections(folded) if len(tokens) == 1 else []
            for fix in fixes:
                for fixed in content_tokens(fix.word):
                    if _known(generation, fixed):
                        alternatives.setdefault(fixed, CORRECTION_BOOST)
                        plan.tokens.add(fixed)
            if fixes:
                shown = fixes[0].word
                plan.corrections.append((word, shown))
        if complete and len(tokens) == 1:
            for _, display, _ in vocab.completions(folded, limit=MAX_COMPLETIONS):
                for extended in content_tokens(display):
                    alternatives.setdefault(extended, COMPLETION_BOOST)
                    plan.tokens.add(extended)
        units.append(Unit(alternatives=tuple(alternatives.items())))
    plan.corrected_words.append(shown)
    return units


def phrase_unit(words: Sequence[str], plan: Plan) -> Unit | None:
    tokens = analyze(" ".join(words))
    if not tokens:
        return None
    plan.tokens.update(t for t in tokens if not is_stop_word(t))
    plan.corrected_words.append('"' + " ".join(words) + '"')
    if len(tokens) == 1:
        return Unit(alternatives=((tokens[0], 1.0),))
    return Unit(phrase=tuple(tokens))


def _all_known(generation: Generation, word: str) -> bool:
    tokens = content_tokens(word)
    return all(_known(generation, t) for t in tokens) if tokens else True


def compile_query(generation: Generation, parsed: ParsedQuery, *, known: Known = _unknown_anywhere) -> Plan:
    """Turn a parsed query into units to match and score, with typo and completion widening.

    ``known`` words (French the product knows: ROME's words, places, youth words) are never
    corrected into other words nor completed: « élevage » stays « élevage », « postier » is no
    « potier »."""
    plan = Plan()
    words = list(parsed.words)
    content = [w for w in words if content_tokens(w)]
    if not content and not parsed.phrases and words:
        # only stop words ("de la"): they never make a query impossible, so search them as typed
        for w in words:
            tokens = analyze(w)
            if tokens:
                plan.required.append(Unit(alternatives=((tokens[0], 1.0),)))
                plan.tokens.update(tokens)
                plan.corrected_words.append(w)
    vocab = vocabulary(generation)
    for i, word in enumerate(content):
        # The last word widens to its completions when it is no known word nor a typo of
        # one: « boulang » is being typed, « son » is a word.
        last = i == len(content) - 1
        complete = (
            last
            and len(fold(word)) >= MIN_COMPLETED
            and not known(word)
            and not _all_known(generation, word)
            and not vocab.corrections(fold(word))
        )
        plan.required.extend(_word_units(generation, word, complete=complete, plan=plan, known=known))
    for phrase in parsed.phrases:
        unit = phrase_unit(phrase, plan)
        if unit is not None:
            plan.required.append(unit)
    for excluded in parsed.excluded:
        tokens = analyze(excluded)
        if len(tokens) == 1:
            plan.excluded.append(Unit(alternatives=((tokens[0], 1.0),)))
        elif tokens:
            plan.excluded.append(Unit(phrase=tuple(tokens)))
    return plan


class Budget:
    """A time budget for one search: past the deadline, work stops and results say ``partial``."""

    def __init__(self, milliseconds: int | None) -> None:
        self.deadline = None if not milliseconds else time.perf_counter() + milliseconds / 1000
        self.exceeded = False

    def spent(self) -> bool:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.exceeded = True
        return self.exceeded


class Matcher:
    """Document masks of one search's units, each computed once."""

    def __init__(self, generation: Generation, budget: Budget | None = None) -> None:
        self.generation = generation
        self.budget = budget
        self._masks: dict[Unit, BoolArray] = {}

    def unit(self, unit: Unit) -> BoolArray:
        found = self._masks.get(unit)
        if found is None:
            if unit.phrase:
                found = phrase_mask(self.generation, TEXT_FIELDS, unit.phrase)
            else:
                found = term_mask(self.generation, ((f, token) for f, token, _ in unit.pairs()))
            self._masks[unit] = found
        return found

    def match(self, plan: Plan, *, relaxed: bool = False) -> BoolArray:
        """Live documents matching every required unit (any of them when ``relaxed``), none excluded.

        Past the time budget, the units not yet matched are left out (``budget.exceeded``): the
        results are then the best found so far, flagged partial.
        """
        masks: list[BoolArray] = []
        for unit in plan.required:
            if masks and self.budget is not None and self.budget.spent():
                break
            masks.append(self.unit(unit))
        if masks:
            mask = np.logical_or.reduce(masks) if relaxed else np.logical_and.reduce(masks)
        else:
            mask = np.ones(self.generation.size, dtype=bool)
        for unit in plan.excluded:
            mask = mask & ~self.unit(unit)
        return np.asarray(mask & self.generation.live)
