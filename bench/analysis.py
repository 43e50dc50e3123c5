"""Measure the French analyzer on external vocabularies: ``python -m bench.analysis``.

Reads ``../shared/data`` (or ``$BLOOMR_SHARED_DATA``): the ROME 4.0 export and the
Snowball and Lucene French vocabularies. Prints each figure next to its goal, the
failures, and exits 1 when a goal is missed, 2 when the data is absent.

The measuring functions are also what ``tests/test_analysis_data.py`` asserts on.
"""

from __future__ import annotations

import csv
import itertools
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search.analysis import FrenchTokenizer, analyze, fold, french_analyzer, normalise

GENDER_GOAL = 0.98
ACCENT_GOAL = 1.0
NUMBER_GOAL = 0.98
OVERMERGE_GOAL = 0.05
"""At most this share of the word pairs we merge may be kept apart by Lucene's light stemmer."""

COMMAND = "python -m bench.analysis"


def data_dir() -> Path:
    """``$BLOOMR_SHARED_DATA``, else ``../shared/data`` next to the repository."""
    configured = os.environ.get("BLOOMR_SHARED_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def missing_data(root: Path | None = None) -> str | None:
    """Why the report cannot run (the first missing file), or None when every file is there."""
    root = root or data_dir()
    for relative in (
        "rome/v460/unix_referentiel_appellation_v460_utf8.csv",
        "rome/v460/unix_referentiel_code_rome_v460_utf8.csv",
        "rome/v460/unix_texte_v460_utf8.csv",
        "french-analysis/snowball/voc.txt",
        "french-analysis/lucene/frlight.txt",
    ):
        if not (root / relative).is_file():
            return f"{root / relative} is missing (set BLOOMR_SHARED_DATA to the shared data directory)"
    return None


@dataclass(frozen=True)
class Share:
    """A measured share: ``passed`` of ``total`` items, with the items that failed."""

    name: str
    passed: int
    total: int
    goal: float
    failures: tuple[str, ...] = field(default=())
    higher_is_better: bool = True

    @property
    def value(self) -> float:
        return self.passed / self.total if self.total else 1.0

    @property
    def met(self) -> bool:
        return self.value >= self.goal if self.higher_is_better else self.value <= self.goal

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        verdict = "ok" if self.met else "MISSED"
        return f"{self.name}: {self.value:.2%} ({self.passed}/{self.total}), goal {sign} {self.goal:.0%}: {verdict}"


# ------------------------------------------------------------------------ reading


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def appellations(root: Path) -> list[str]:
    """The 13,120 long job titles of ROME, as written."""
    path = root / "rome/v460/unix_referentiel_appellation_v460_utf8.csv"
    return [row["libelle_appellation_long"] for row in _csv_rows(path)]


def short_appellations(root: Path) -> list[tuple[str, str]]:
    """``(long, short)`` titles whose short form uses inclusive parentheses: ``Régleur(se)``."""
    path = root / "rome/v460/unix_referentiel_appellation_v460_utf8.csv"
    return [
        (row["libelle_appellation_long"], row["libelle_appellation_court"])
        for row in _csv_rows(path)
        if "(" in row["libelle_appellation_court"] and " / " in row["libelle_appellation_long"]
    ]


def fiche_labels(root: Path) -> list[str]:
    """The 1,584 ROME fiche labels."""
    return [row["libelle_rome"] for row in _csv_rows(root / "rome/v460/unix_referentiel_code_rome_v460_utf8.csv")]


def rome_texts(root: Path) -> list[str]:
    """Definition and access sentences of the fiches (doubled apostrophes undone)."""
    path = root / "rome/v460/unix_texte_v460_utf8.csv"
    return [row["libelle_texte"].replace("''", "'") for row in _csv_rows(path)]


def snowball_words(root: Path) -> list[str]:
    return (root / "french-analysis/snowball/voc.txt").read_text(encoding="utf-8").split()


def frlight_classes(root: Path) -> dict[str, str]:
    """Word -> stem of Savoy's light stemmer, as Lucene's reference vocabulary gives them."""
    stems: dict[str, str] = {}
    for line in (root / "french-analysis/lucene/frlight.txt").read_text(encoding="utf-8").splitlines():
        word, _, stem = line.partition("\t")
        if word and stem:
            stems[word] = stem
    return stems


# ---------------------------------------------------------------------- measures

_TOKENIZER = FrenchTokenizer()


def written_words(text: str) -> list[str]:
    """The words of ``text`` as written (elided articles dropped, hyphens split)."""
    return [text[token.startchar : token.endchar] for token in _TOKENIZER(text, chars=True)]


def gender_pairs(titles: Iterable[str]) -> set[tuple[str, str]]:
    """Distinct (masculine, feminine) word pairs of ``Masculin / Féminin [complément]`` titles.

    Both sides are aligned word by word from the start; pairs of identical words are left out.
    """
    pairs: set[tuple[str, str]] = set()
    for title in titles:
        if " / " not in title:
            continue
        masculine, feminine = title.split(" / ", 1)
        for male, female in _align(written_words(masculine), written_words(feminine)):
            if male.lower() != female.lower():
                pairs.add((male.lower(), female.lower()))
    return pairs


def _align(masculine: list[str], feminine: list[str]) -> list[tuple[str, str]]:
    """Pair the words of both sides of ``Masculin / Féminin [complément]``.

    Anchors are the longest in-order run of pairs sharing their first three folded letters
    (``Chef d'équipe assistant / Cheffe assistante avion`` anchors chef and assistant);
    words between two anchors are paired when both sides have as many; before the first
    anchor (or with no anchor: ``Homme / Femme de ménage``) the words are paired from the start.
    """

    def similar(male: str, female: str) -> bool:
        return fold(male)[:3] == fold(female)[:3]

    rows, cols = len(masculine), len(feminine)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            if similar(masculine[i], feminine[j]):
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    anchors: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        if similar(masculine[i], feminine[j]) and table[i][j] == table[i + 1][j + 1] + 1:
            anchors.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    if not anchors:
        return list(zip(masculine, feminine))
    first_i, first_j = anchors[0]
    pairs = list(zip(masculine[:first_i], feminine[:first_j]))
    for (i, j), (next_i, next_j) in zip(anchors, anchors[1:] + [(rows, cols)]):
        pairs.append((masculine[i], feminine[j]))
        if (next_i, next_j) != (rows, cols) and next_i - i == next_j - j:
            pairs.extend(zip(masculine[i + 1 : next_i], feminine[j + 1 : next_j]))
    return pairs


def measure_gender(root: Path) -> Share:
    pairs = sorted(gender_pairs(appellations(root)))
    failures = [f"{m} / {f}: {analyze(m)} != {analyze(f)}" for m, f in pairs if analyze(m) != analyze(f)]
    return Share("gender pairs of ROME titles", len(pairs) - len(failures), len(pairs), GENDER_GOAL, tuple(failures))


def measure_inclusive(root: Path) -> Share:
    """Short titles written ``Régleur(se) metteur(se)`` against the masculine long title."""
    items = short_appellations(root)
    failures = []
    for long_title, short_title in items:
        masculine = long_title.split(" / ", 1)[0]
        expected, got = analyze(masculine), analyze(short_title)
        if got[: len(expected)] != expected:
            failures.append(f"{short_title}: {got} vs {masculine}: {expected}")
    return Share("inclusive short titles (…(se))", len(items) - len(failures), len(items), GENDER_GOAL, tuple(failures))


def _strip_accents(text: str) -> str:
    """Accents removed but case and everything else kept: ``Éric`` -> ``Eric``."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def measure_accents(name: str, texts: Iterable[str]) -> Share:
    """Texts whose accented, unaccented, upper-case and folded spellings give the same tokens."""
    total = 0
    failures = []
    for text in texts:
        total += 1
        expected = analyze(text)
        for variant in (_strip_accents(text), text.upper(), fold(text)):
            if analyze(variant) != expected:
                failures.append(f"{text!r} vs {variant!r}")
                break
    return Share(f"accents, {name}", total - len(failures), total, ACCENT_GOAL, tuple(failures))


def number_pairs(words: Iterable[str]) -> set[tuple[str, str]]:
    """(singular, plural) pairs present in a vocabulary: -s, -x, -al/-aux, -ail/-aux."""
    vocabulary = set(words)
    pairs: set[tuple[str, str]] = set()
    for word in vocabulary:
        for plural in (word + "s", word + "x"):
            if plural in vocabulary:
                pairs.add((word, plural))
        if word.endswith("al") and word[:-2] + "aux" in vocabulary:
            pairs.add((word, word[:-2] + "aux"))
        if word.endswith("ail") and word[:-3] + "aux" in vocabulary:
            pairs.add((word, word[:-3] + "aux"))
    return pairs


def measure_number(root: Path) -> Share:
    pairs = sorted(number_pairs(itertools.chain(snowball_words(root), frlight_classes(root))))
    failures = [f"{s} / {p}: {analyze(s)} != {analyze(p)}" for s, p in pairs if analyze(s) != analyze(p)]
    return Share("number pairs of Snowball + Lucene", len(pairs) - len(failures), len(pairs), NUMBER_GOAL, tuple(failures))


def _reference(stem: str) -> str:
    """A light-stemmer class as we compare it: folded, without its final -e."""
    folded = fold(stem)
    return folded[:-1] if len(folded) > 3 and folded.endswith("e") else folded


def _bare(word: str) -> str:
    """A word folded, without a plural -s then a feminine -e: ``dernières`` -> ``dernier``."""
    folded = fold(word)
    folded = folded[:-1] if len(folded) > 3 and folded.endswith("s") else folded
    return folded[:-1] if len(folded) > 3 and folded.endswith("e") else folded


def measure_overmerge_frlight(root: Path) -> Share:
    """Of the word pairs we merge, the share Lucene's light stemmer keeps apart (lower is better).

    Its stems are compared folded and without a final -e, and pairs that differ only by a
    feminine -e or a plural -s are not counted: merging ``âge`` and ``age`` is the accent goal,
    ``dernier`` and ``dernière`` the gender goal, where the light stemmer stops short.
    """
    stems = frlight_classes(root)
    groups: dict[str, list[str]] = defaultdict(list)
    for word in stems:
        tokens = analyze(word)
        if len(tokens) == 1:
            groups[tokens[0]].append(word)
    merged = apart = 0
    worst: list[tuple[int, str]] = []
    for token, words in groups.items():
        pairs = len(words) * (len(words) - 1) // 2
        split = sum(
            1
            for a, b in itertools.combinations(words, 2)
            if _reference(stems[a]) != _reference(stems[b]) and _bare(a) != _bare(b)
        )
        merged += pairs
        apart += split
        if split:
            classes = defaultdict(list)
            for word in words:
                classes[_reference(stems[word])].append(word)
            shown = "; ".join(f"{stem}: {' '.join(ws[:4])}" for stem, ws in sorted(classes.items()))
            worst.append((split, f"{token} <- {shown}"))
    worst.sort(key=lambda item: (-item[0], item[1]))
    return Share(
        "over-merging vs frlight (merged pairs it keeps apart)",
        apart,
        merged,
        OVERMERGE_GOAL,
        tuple(line for _, line in worst),
        higher_is_better=False,
    )


def measure_overmerge_fiches(root: Path) -> Share:
    """Distinct ROME fiche labels that collapse into the same tokens as another label."""
    labels = fiche_labels(root)
    by_tokens: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for label in set(labels):
        by_tokens[tuple(analyze(label))].append(label)
    collided = [sorted(group) for group in by_tokens.values() if len(group) > 1]
    count = sum(len(group) for group in collided)
    failures = tuple(" = ".join(group) for group in sorted(collided))
    return Share("ROME fiche labels collapsing together", count, len(set(labels)), 0.0, failures, higher_is_better=False)


@dataclass(frozen=True)
class Speed:
    tokens: int
    cached_per_second: float
    uncached_per_second: float

    def line(self) -> str:
        return (
            f"speed on ROME texts ({self.tokens} tokens): {self.cached_per_second:,.0f} tokens/s with the cache, "
            f"{self.uncached_per_second:,.0f} tokens/s without"
        )


def measure_speed(root: Path) -> Speed:
    texts = rome_texts(root)
    rates = []
    tokens = 0
    for cache in (True, False):
        analyzer = french_analyzer(cache=cache)
        normalise.cache_clear()
        for text in texts[:200]:  # warm the fold table and the cache, as a running indexer would be
            list(analyzer(text))
        tokens = 0
        began = time.perf_counter()
        for text in texts:
            tokens += sum(1 for _ in analyzer(text))
        rates.append(tokens / (time.perf_counter() - began))
    return Speed(tokens, rates[0], rates[1])


# ------------------------------------------------------------------------ report


def _print_share(share: Share, *, show: int = 25) -> None:
    print(share.line())
    for failure in share.failures[:show]:
        print(f"    {failure}")
    if len(share.failures) > show:
        print(f"    … and {len(share.failures) - show} more")


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 0 when every goal is met, 1 when one is missed, 2 without data."""
    root = data_dir()
    print(f"$ {COMMAND}  (data: {root})")
    reason = missing_data(root)
    if reason:
        print(f"skipped: {reason}")
        return 2
    shares = [
        measure_gender(root),
        measure_inclusive(root),
        measure_accents("ROME titles", appellations(root)),
        measure_accents("Snowball vocabulary", snowball_words(root)),
        measure_number(root),
        measure_overmerge_frlight(root),
    ]
    for share in shares:
        _print_share(share)
    fiches = measure_overmerge_fiches(root)
    print(f"ROME fiche labels collapsing together: {fiches.passed} of {fiches.total}")
    for failure in fiches.failures:
        print(f"    {failure}")
    print(measure_speed(root).line())
    return 0 if all(share.met for share in shares) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
