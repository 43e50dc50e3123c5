"""What the knowledge and the recogniser cost: ``python -m bench.understand [--rounds 200]``.

Prints the size and read time of ``corpus/taxonomy/rome.json``, the time to load the taxonomy
and to compile the lexicon (what ``bloomr index`` adds), the size and read time of the
generation's ``lexicon.json``, and the time of ``understand`` per query (median, p95, max) over
a mix of job titles, youth words, places, interests and plain text, typos included.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from indexer.lexicon import taxonomy_lexicon, write_lexicon
from indexer.rome import ROME_FILE, read_rome
from indexer.taxonomy import load_taxonomy
from search.lexicon import LEXICON_FILE, read_lexicon
from search.understand import understand

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "corpus" / "taxonomy"
QUERIES = (
    "infirmière", "infirmière bretagne", "Bretagne", "prof de maths à Lyon", "véto", "kiné", "dev", "IDE", "resto",
    "comment devenir vétérinaire", "je veux travailler avec les animaux", "Métiers de l'ingénierie", "métier artistique",
    "Saint-Denis", "Seine-Saint-Denis", "Lot", "un lot de", "dans le 93", "santé", "alternance", "sans le bac",
    "aide-soignante en EHPAD à Nantes", "éducatrice en garderie Montréal", "ingénieur du son", "infirmeire",
    "je voudrais faire un métier dans la nature sans diplôme en Normandie", '"travail en équipe" -nuit', "astronaute",
    "Professeure des écoles à Marseille", "cuisine italienne à Paris", "préposé aux bénéficiaires", "taximan Dakar",
)
T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = call()
    return value, (time.perf_counter() - started) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.understand", description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="times each query is understood (default 200)")
    args = parser.parse_args(argv)
    rome_path = TAXONOMY / ROME_FILE
    rome, rome_ms = timed(lambda: read_rome(rome_path))
    print(f"rome.json: {rome_path.stat().st_size / 1e6:.2f} MB, {len(rome.fiches)} fiches, read in {rome_ms:.0f} ms")
    taxonomy, taxonomy_ms = timed(lambda: load_taxonomy(TAXONOMY))
    data, compile_ms = timed(lambda: taxonomy_lexicon(TAXONOMY, taxonomy))
    print(f"taxonomy loaded in {taxonomy_ms:.0f} ms; lexicon compiled in {compile_ms:.0f} ms "
          f"({len(data['entries'])} entries, {len(data['keys'])} phrase keys, {len(data['known_words'])} known words)")
    with tempfile.TemporaryDirectory(prefix="bloomr-lexicon-") as tmp:
        write_lexicon(Path(tmp), data)
        size = (Path(tmp) / LEXICON_FILE).stat().st_size
        lexicon, lexicon_ms = timed(lambda: read_lexicon(Path(tmp)))
    print(f"lexicon.json: {size / 1e6:.2f} MB, read in {lexicon_ms:.0f} ms")
    for text in QUERIES:  # warm the analyzer's caches, as a serving process is
        understand(lexicon, text)
    times: list[float] = []
    for _ in range(args.rounds):
        for text in QUERIES:
            times.append(timed(lambda: understand(lexicon, text))[1])
    times.sort()
    print(f"understand: {len(times)} queries, median {statistics.median(times):.3f} ms, "
          f"p95 {times[int(len(times) * 0.95)]:.3f} ms, max {times[-1]:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
