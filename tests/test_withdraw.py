"""`bloomr withdraw ID`: gone at once from everything a reader sees, erased from the bytes of every
kept generation, recorded without personal data, and never brought back by a rebuild or a rollback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer import generations as gens
from indexer.build import read_sources
from indexer.pipeline import index_corpus, withdraw
from search.layout import LEDGER
from search.lexicon import LEXICON_FILE
from search.documents import get_testimonial, related
from search.errors import Gone, NotFound
from search.generation import Generation, open_generation
from search.index import IndexHandle
from search.query import search
from search.suggest import suggest

GOOD = Path(__file__).resolve().parent / "data" / "good"
ID = "moussa-boulanger"
NAME = "Moussa".encode()
SENTENCE = "Je pétris la pâte à trois heures du matin".encode()
DETAIL = "rue Carnot".encode()


@dataclass
class Scene:
    corpus: Path
    index: Path
    handle: IndexHandle
    before: Generation
    kept_before: tuple[str, str]
    output: str


def with_inflated(data: bytes) -> bytes:
    """The bytes of a file followed by every zlib stream found in it, inflated.

    Whoosh compresses stored fields (and large posting blocks) with zlib: a plain byte search
    finds the indexed terms but would be blind to the stored text, so it reads both.
    """
    parts = [data]
    at = data.find(b"\x78")
    while at != -1:
        if at + 1 < len(data) and (data[at] * 256 + data[at + 1]) % 31 == 0:
            stream = zlib.decompressobj()
            try:
                inflated = stream.decompress(data[at:])
            except zlib.error:
                inflated = b""
            if inflated and stream.eof:
                parts.append(inflated)
        at = data.find(b"\x78", at + 1)
    return b"".join(parts)


def bytes_of(index_dir: Path) -> dict[Path, bytes]:
    """Every file under the index directory (generations, ledger, lock), stored text inflated."""
    return {
        p: with_inflated(p.read_bytes()) for p in sorted(index_dir.rglob("*")) if p.is_file() and not p.is_symlink()
    }


def holders(index_dir: Path, needle: bytes) -> list[str]:
    return [str(p.relative_to(index_dir)) for p, data in bytes_of(index_dir).items() if needle in data]


def assert_erased(index_dir: Path) -> None:
    for needle in (NAME, SENTENCE, DETAIL, "pétris".encode(), b"carnot"):
        assert holders(index_dir, needle) == [], needle
    # The id itself is only kept where it must be: the ledger and each generation's withdrawn list.
    # (the lowercase name is an indexed term, and the id starts with it)
    for needle in (ID.encode(), b"moussa"):
        for path in holders(index_dir, needle):
            assert path == LEDGER or path.endswith(gens.META), (needle, path)
    for name in gens.generations(index_dir):
        meta = gens.read_meta(index_dir / name)
        hashes, sources = read_sources(index_dir / name)
        assert ID not in hashes and ID not in sources
        assert ID in meta["withdrawn"]  # type: ignore[operator]


def assert_absent(generation: Generation) -> None:
    assert ID not in generation.docnum
    everything = search(generation, "", page_size=50)
    assert everything.total == 7
    assert ID not in {h.id for h in everything.hits}
    assert search(generation, "boulanger").total == 0
    assert search(generation, "Moussa").total == 0
    assert search(generation, "pétris la pâte").total == 0
    sectors = {v.value: v.count for v in everything.facets["sector"].values}
    assert "D" not in sectors  # Moussa was the only one in commerce
    regions = {v.value for v in everything.facets["region"].values}
    assert not any(r.startswith("SN") for r in regions)
    assert sum(sectors.values()) == 7
    # what « boul » still offers is ROME's métier, told by nobody now (its page says so), never his words
    assert not [s for s in suggest(generation, "boul") if "boul" in s.text.lower() and (s.count or s.kind != "profession")]
    assert not [s for s in suggest(generation, "Mous") if "mous" in s.text.lower()]
    for other in generation.docnum:
        assert ID not in {r.hit.id for r in related(generation, other, limit=8)}
    with pytest.raises(Gone) as caught:
        get_testimonial(generation, ID)
    assert caught.value.status == 410


@pytest.fixture
def scene(good_corpus: Path, tmp_path: Path) -> Scene:
    index_dir = tmp_path / "index"
    index_corpus(good_corpus, index_dir)
    index_corpus(good_corpus, index_dir)  # a previous generation is kept too
    handle = IndexHandle(index_dir)
    before = handle.current()
    assert ID in before.docnum and search(before, "Moussa").total == 1
    kept = (gens.pointer(index_dir) or "", gens.pointer(index_dir, gens.PREVIOUS) or "")
    # The byte search finds the text before the withdrawal: it can prove the erasure after.
    for name in kept:
        for needle in (NAME, SENTENCE, "pétris".encode(), b"carnot", b"moussa"):  # stored text and terms
            assert holders(index_dir / name, needle), needle
    done = subprocess.run(
        [sys.executable, "-m", "bloomr.cli", "withdraw", ID, "--corpus", str(good_corpus), "--index", str(index_dir)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return Scene(good_corpus, index_dir, handle, before, kept, done.stdout)


def test_gone_at_once_for_a_running_reader(scene: Scene) -> None:
    generation = scene.handle.current()  # the same handle, no restart
    assert generation is not scene.before
    assert_absent(generation)
    assert f"« {ID} » retiré" in scene.output


def test_erased_from_the_bytes_of_every_kept_generation(scene: Scene) -> None:
    kept = gens.generations(scene.index)
    assert len(kept) == 2
    assert gens.pointer(scene.index, gens.PREVIOUS) in kept and gens.pointer(scene.index) in kept
    assert scene.kept_before[0] not in kept  # the serving one was replaced by a purged copy
    assert_erased(scene.index)
    for name in kept:
        assert_absent(open_generation(scene.index / name))


def test_corpus_file_marked_and_ledger_holds_only_id_and_time(scene: Scene) -> None:
    text = (scene.corpus / "testimonials" / f"{ID}.md").read_text(encoding="utf-8")
    head = text.split("\n---", 1)[0]
    assert "status: withdrawn" in head.splitlines()
    assert "## Mon métier" in text  # the file is only marked, the rest kept
    records = [json.loads(line) for line in (scene.index / LEDGER).read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    assert set(records[0]) == {"id", "time"} and records[0]["id"] == ID
    assert "fichier marqué" in scene.output


def test_a_full_rebuild_does_not_bring_it_back(scene: Scene) -> None:
    built, report = index_corpus(scene.corpus, scene.index)
    assert built.withdrawn_skipped == 2  # xavier (already withdrawn) and moussa
    assert_absent(scene.handle.current())
    assert_erased(scene.index)


def test_the_ledger_is_honoured_even_with_an_unmarked_corpus(scene: Scene, tmp_path: Path) -> None:
    pristine = tmp_path / "pristine"
    shutil.copytree(GOOD, pristine)  # the withdrawn file as it was, status: published
    index_corpus(pristine, scene.index)
    assert_absent(scene.handle.current())
    index_corpus(pristine, scene.index, update=True)
    assert_absent(scene.handle.current())
    assert_erased(scene.index)


def test_a_rollback_does_not_bring_it_back(scene: Scene) -> None:
    purged_previous = gens.pointer(scene.index, gens.PREVIOUS)
    assert purged_previous not in scene.kept_before  # a purged copy replaced it, never edited in place
    done = subprocess.run(
        [sys.executable, "-m", "bloomr.cli", "rollback", "--index", str(scene.index)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    generation = scene.handle.current()
    assert generation.name == purged_previous
    assert_absent(generation)
    assert_erased(scene.index)


def test_withdrawn_in_the_corpus_never_reaches_the_index(good_corpus: Path, tmp_path: Path) -> None:
    index_corpus(good_corpus, tmp_path / "index")
    assert holders(tmp_path / "index", "zèbre quantique".encode()) == []
    with pytest.raises(Gone):
        get_testimonial(IndexHandle(tmp_path / "index").current(), "xavier-developpeur-retire")


def test_withdraw_a_json_lines_record_marks_its_line(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_corpus(good_corpus, index_dir)
    done = withdraw(index_dir, "yasmine-comptable", corpus_dir=good_corpus)
    assert done.corpus_file == str(good_corpus / "testimonials" / "bulk.jsonl")
    records = [json.loads(line) for line in Path(done.corpus_file).read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["status"]) for r in records] == [("yasmine-comptable", "withdrawn")]
    # Ajaccio stays in lexicon.json: a city the taxonomy knows (regions.yaml), not her words
    assert [p for p in holders(index_dir, b"Ajaccio") if not p.endswith(LEXICON_FILE)] == []
    assert holders(index_dir, b"Yasmine") == []
    generation = IndexHandle(index_dir).current()
    assert "yasmine-comptable" not in generation.docnum and generation.count == 7
    again = withdraw(index_dir, "yasmine-comptable", corpus_dir=good_corpus)  # twice: harmless
    assert again.id == "yasmine-comptable"
    assert len((index_dir / LEDGER).read_text(encoding="utf-8").splitlines()) == 1


def test_withdraw_an_unknown_id_is_refused(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_corpus(good_corpus, index_dir)
    serving = gens.pointer(index_dir)
    with pytest.raises(NotFound):
        withdraw(index_dir, "personne-inconnue", corpus_dir=good_corpus)
    done = subprocess.run(
        [sys.executable, "-m", "bloomr.cli", "withdraw", "personne-inconnue", "--corpus", str(good_corpus),
         "--index", str(index_dir)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1 and "personne-inconnue" in done.stderr and "Traceback" not in done.stderr
    assert gens.pointer(index_dir) == serving and not (index_dir / LEDGER).exists()


def test_withdrawal_rewrites_only_the_segment_that_held_it(
    good_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With several segments, the purge rewrites the one holding the testimonial, not all."""
    import indexer.build

    monkeypatch.setattr(indexer.build, "SEGMENT_DOCS", 3)
    index_dir = tmp_path / "index"
    index_corpus(good_corpus, index_dir)
    current = index_dir / (gens.pointer(index_dir) or "")
    segments_before = {p.name for p in current.glob("*.seg")}
    assert len(segments_before) == 3  # 8 published testimonials, 3 per segment
    withdraw(index_dir, ID, corpus_dir=good_corpus)
    current = index_dir / (gens.pointer(index_dir) or "")
    segments_after = {p.name for p in current.glob("*.seg")}
    assert len(segments_before & segments_after) == 2  # two segments untouched, one rewritten
    assert_erased(index_dir)
    assert_absent(IndexHandle(index_dir).current())
