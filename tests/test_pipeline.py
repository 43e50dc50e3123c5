"""indexer.pipeline and `bloomr index` as real processes: validation first, one build at a time,
kill -9 mid-way, then the next build succeeds and cleans up.

The big corpus is JSON Lines generated in a temporary directory (2,000 testimonials), so that
a build lasts long enough to be killed or paused at a known stage.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from indexer import generations as gens
from indexer.pipeline import index_corpus
from search.errors import BuildLocked, CorpusError
from search.index import IndexHandle

pytestmark = pytest.mark.slow

BIG = 2000
DEADLINE_S = 120.0

_TITLES = ("Boulanger", "Boulangère", "Comptable", "Infirmière", "INFIRMIER", "Aide-soignante",
           "Chargée de communication", "Développeur web", "Développeuse informatique")
_PLACES = (("FR", "Bretagne"), ("FR", "69"), ("FR", "974"), ("BE", "Liège"), ("CH", "Genève"), ("SN", "Dakar"),
           ("CA", "Québec"))
_WORDS = ("atelier patient équipe matin horaires client chantier formation apprentissage stage réseau confiance "
          "métier passion diplôme école lycée terrain voyage langue rigueur écoute santé projet entreprise").split()


def write_big_corpus(folder: Path, count: int = BIG, seed: int = 7) -> Path:
    """A valid corpus of ``count`` JSON Lines testimonials, with the good taxonomy."""
    rnd = random.Random(seed)
    (folder / "testimonials").mkdir(parents=True)
    shutil.copytree(Path(__file__).parent / "data" / "good" / "taxonomy", folder / "taxonomy")

    def paragraph(words: int) -> str:
        return " ".join(rnd.choice(_WORDS) for _ in range(words)) + "."

    with open(folder / "testimonials" / "bulk.jsonl", "w", encoding="utf-8") as out:
        for i in range(count):
            country, region = _PLACES[i % len(_PLACES)]
            record = {
                "id": f"personne-{i:05d}", "name": f"Personne {i}", "profession": _TITLES[i % len(_TITLES)],
                "country": country, "region": region, "published": f"{2012 + i % 14}-0{1 + i % 9}-1{i % 10}",
                "sections": {"metier": paragraph(80), "parcours": paragraph(60), "passion": paragraph(40),
                             "conseils": paragraph(40)},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_corpus(tmp_path_factory.mktemp("big") / "corpus")


@pytest.fixture(scope="module")
def big_index(big_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index directory serving the big corpus; tests work on copies of it."""
    index_dir = tmp_path_factory.mktemp("big-index") / "index"
    built, _ = index_corpus(big_corpus, index_dir)
    assert built.indexed == BIG
    return index_dir


@pytest.fixture
def served(big_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(big_index, target, symlinks=True)
    return target


def bloomr(*args: str) -> list[str]:
    return [sys.executable, "-m", "bloomr.cli", *args]


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    """Poll ``condition`` until true; fail if the process ended first or the deadline passed."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the build ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {DEADLINE_S} s")
        time.sleep(0.002)  # polling a condition, not waiting for an outcome


def lock_pid(index_dir: Path) -> int | None:
    try:
        return int(json.loads((index_dir / gens.LOCK).read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError):
        return None


def tmp_dirs(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith(gens.TMP_PREFIX))


def progress_line(process: subprocess.Popen[str], *, final: bool) -> Iterator[str]:
    """Read progress lines until one mid-way (or the final one) was printed."""
    assert process.stderr is not None
    for line in process.stderr:
        yield line
        if line.startswith("Indexation : "):
            done, total = line.split(":")[1].split("(")[0].strip().split("/")
            if (done == total) if final else (0 < int(done) < int(total)):
                return
    raise AssertionError("the build printed no such progress line")


@pytest.mark.parametrize("stage", ["lock taken", "generation directory created", "writing documents", "all documents written"])
def test_kill_9_mid_build_keeps_serving_and_the_next_build_cleans_up(
    big_corpus: Path, served: Path, stage: str
) -> None:
    before = IndexHandle(served).current()
    assert before.count == BIG
    with subprocess.Popen(
        bloomr("index", "--corpus", str(big_corpus), "--index", str(served)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    ) as build:
        if stage == "lock taken":
            wait_for(lambda: lock_pid(served) == build.pid, build, "lock holding the build's pid")
        elif stage == "generation directory created":
            wait_for(lambda: bool(tmp_dirs(served)), build, "generation directory")
        else:
            for _ in progress_line(build, final=stage == "all documents written"):
                pass
        build.send_signal(signal.SIGKILL)
        assert build.wait(timeout=DEADLINE_S) == -signal.SIGKILL
        assert build.stderr is not None
        build.stderr.read()

    # A complete generation still serves, untouched, to a fresh reader as to the old one.
    fresh = IndexHandle(served).current()
    if stage != "all documents written":
        assert fresh.name == before.name
    assert fresh.count == BIG and len(fresh.docnum) == BIG
    assert lock_pid(served) == build.pid  # the dead holder's record is still there: a stale lock

    built, _ = index_corpus(big_corpus, served)  # takes the stale lock over
    assert built.indexed == BIG
    assert tmp_dirs(served) == []
    assert gens.generations(served) == sorted({built.generation, gens.pointer(served, gens.PREVIOUS) or ""} - {""})
    assert IndexHandle(served).current().name == built.generation
    assert lock_pid(served) is None  # released cleanly


def test_two_builds_at_once_one_clear_refusal_nothing_corrupted(big_corpus: Path, served: Path) -> None:
    before = IndexHandle(served).current().name
    with subprocess.Popen(
        bloomr("index", "--corpus", str(big_corpus), "--index", str(served)),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    ) as first:
        wait_for(lambda: bool(tmp_dirs(served)) and lock_pid(served) == first.pid, first, "the first build writing")
        first.send_signal(signal.SIGSTOP)  # hold it mid-build, deterministically
        try:
            second = subprocess.run(
                bloomr("index", "--corpus", str(big_corpus), "--index", str(served)),
                capture_output=True, text=True, timeout=DEADLINE_S,
            )
        finally:
            first.send_signal(signal.SIGCONT)
        assert second.returncode == 1
        assert f"processus {first.pid}" in second.stderr and "déjà en cours" in second.stderr
        assert "Traceback" not in second.stderr
        assert IndexHandle(served).current().name == before  # the refusal changed nothing
        out, _ = first.communicate(timeout=DEADLINE_S)
        assert first.returncode == 0, out
    generation = IndexHandle(served).current()
    assert generation.name != before and generation.count == BIG
    assert gens.pointer(served, gens.PREVIOUS) == before
    assert tmp_dirs(served) == []


def test_build_refused_while_this_process_holds_the_lock(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_corpus(good_corpus, index_dir)
    serving = gens.pointer(index_dir)
    with gens.BuildLock(index_dir):
        with pytest.raises(BuildLocked):
            index_corpus(good_corpus, index_dir)
        refused = subprocess.run(
            bloomr("index", "--corpus", str(good_corpus), "--index", str(index_dir)),
            capture_output=True, text=True, timeout=DEADLINE_S,
        )
    assert refused.returncode == 1
    assert f"processus {os.getpid()}" in refused.stderr
    assert gens.pointer(index_dir) == serving and tmp_dirs(index_dir) == []


def test_validation_comes_first_nothing_is_built_on_error(good_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first, _ = index_corpus(good_corpus, index_dir)
    shutil.copy(Path(__file__).parent / "data" / "bad" / "unknown-region.md", good_corpus / "testimonials")
    with pytest.raises(CorpusError) as caught:
        index_corpus(good_corpus, index_dir)
    assert any("unknown-region.md:" in p for p in caught.value.problems)
    assert gens.generations(index_dir) == [first.generation] and gens.pointer(index_dir) == first.generation
    with gens.BuildLock(index_dir):  # never taken, or released
        pass


def test_markdown_and_json_lines_alike(good_corpus: Path, tmp_path: Path) -> None:
    built, report = index_corpus(good_corpus, tmp_path / "index")
    sources = {t.id: t.source for t in report.testimonials}
    assert sources["yasmine-comptable"] == "testimonials/bulk.jsonl"
    assert sources["audrey-consultante"] == "testimonials/audrey-consultante.md"
    generation = IndexHandle(tmp_path / "index").current()
    assert {"yasmine-comptable", "audrey-consultante"} <= set(generation.docnum)
    assert built.indexed == generation.count == 8


def test_index_command_prints_plain_progress_and_a_summary(good_corpus: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        bloomr("index", "--corpus", str(good_corpus), "--index", str(tmp_path / "index")),
        capture_output=True, text=True, timeout=DEADLINE_S,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("Indexation : ") and "doc/s" in line for line in lines)
    assert lines[-1].startswith("Indexation : 8/8")
    assert "\r" not in done.stderr and "█" not in done.stderr
    summary = done.stdout
    for part in ("en service", "indexés 8", "retirés ignorés 1", "avertissements 0", "durée", "doc/s", "taille"):
        assert part in summary, summary
    again = subprocess.run(
        bloomr("index", "--update", "--corpus", str(good_corpus), "--index", str(tmp_path / "index")),
        capture_output=True, text=True, timeout=DEADLINE_S,
    )
    assert again.returncode == 0, again.stderr
    assert "ajoutés 0, modifiés 0, retirés 0" in again.stdout
    assert "précédente conservée pour bloomr rollback" in again.stdout


def test_disk_full_during_a_build_fails_clearly_and_keeps_serving(big_corpus: Path, served: Path) -> None:
    """A file-size limit (RLIMIT_FSIZE) stands for a full disk: writes fail with EFBIG mid-build."""
    before = IndexHandle(served).current().name
    limited = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 21, 1 << 21))\n"
        "from bloomr.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", limited, "index", "--corpus", str(big_corpus), "--index", str(served)],
        capture_output=True, text=True, timeout=DEADLINE_S,
    )
    assert done.returncode == 1
    assert "La construction a échoué" in done.stderr and "génération en service est conservée" in done.stderr
    assert "Traceback" not in done.stderr
    assert tmp_dirs(served) == []  # partial files removed
    assert lock_pid(served) is None  # lock released
    generation = IndexHandle(served).current()
    assert generation.name == before and generation.count == BIG
    assert gens.generations(served) == [before]
