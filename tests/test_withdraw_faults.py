"""Withdrawals when things go wrong: under traffic, with a damaged ledger, a full disk, a killed purge.

Real index directories, real processes (``bloomr withdraw`` and ``bloomr rollback`` as a
maintainer runs them), a real 2 MB tmpfs for the full disk.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generate import write_jsonl
from indexer import generations as gens
from indexer.build import _verify
from indexer.pipeline import index_corpus, withdraw
from search import ledger
from search.documents import get_testimonial
from search.errors import Gone
from search.index import IndexHandle
from search.layout import LEDGER, PREVIOUS
from search.query import search
from search.suggest import suggest

GOOD = Path(__file__).resolve().parent / "data" / "good"
SHIPPED_TAXONOMY = Path(__file__).resolve().parent.parent / "corpus" / "taxonomy"


def synthetic_corpus(target: Path, docs: int) -> list[str]:
    """A corpus of ``docs`` generated testimonials (one JSON Lines file) and the taxonomy the
    generator draws from (the shipped one); their ids."""
    (target / "testimonials").mkdir(parents=True)
    shutil.copytree(SHIPPED_TAXONOMY, target / "taxonomy")
    path = target / "testimonials" / "bench.jsonl"
    write_jsonl(path, docs, seed=7)
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bloomr.cli", *args], capture_output=True, text=True, timeout=timeout)


# --- under traffic ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)  # 133 s here on 2 busy cores: each withdrawal rewrites a segment while 8 threads search
def test_20_withdrawals_under_8_threads_of_searches_give_no_error(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    ids = synthetic_corpus(corpus, 24)
    index_corpus(corpus, index)
    index_corpus(corpus, index)  # a previous generation too: both are purged each time
    handle = IndexHandle(index)  # one handle shared by every thread, as in a server process
    stop = threading.Event()
    errors: list[str] = []
    searches = [0] * 8
    queries = ["", "infirmier", "conseil métier", '"premier emploi"', "stage -nuit"]

    def client(n: int) -> None:
        while not stop.is_set():
            try:
                generation = handle.current()
                found = search(generation, queries[searches[n] % len(queries)], page_size=10)
                if sum(v.count for v in found.facets["sector"].values) != found.total:
                    errors.append(f"facet counts {found.total} disagree")
                for hit in found.hits[:3]:
                    try:
                        get_testimonial(generation, hit.id)
                    except Gone:
                        pass  # withdrawn between the search and the page: the right answer
                suggest(generation, "inf")
            except Exception as exc:  # every failure is counted and shown
                errors.append(f"{type(exc).__name__}: {exc}")
            searches[n] += 1
            stop.wait(0.01)  # like visitors, not a busy loop: the withdrawing thread gets the GIL too

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    try:
        for doc_id in ids[:20]:
            withdraw(index, doc_id, corpus_dir=corpus)
            stop.wait(0.02)  # let the readers run on every state
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == [], errors[:5]
    assert min(searches) > 20, searches
    generation = handle.current()
    assert generation.count == 4
    assert not set(ids[:20]) & {h.id for h in search(generation, "", page_size=100).hits}


# --- the ledger ---------------------------------------------------------------------------------


def test_an_append_starts_on_a_fresh_line_whatever_the_file_ends_with(tmp_path: Path) -> None:
    (tmp_path / LEDGER).write_text('{"id": "a", "time": "2026-01-01T00:00:00+00:00"}', encoding="utf-8")  # no newline
    ledger.append(tmp_path, "b", "2026-01-02T00:00:00+00:00")
    ledger.append(tmp_path, "c", "2026-01-03T00:00:00+00:00")
    assert ledger.read(tmp_path).ids == {"a", "b", "c"}
    assert len((tmp_path / LEDGER).read_text(encoding="utf-8").splitlines()) == 3


def test_glued_records_are_recovered_and_damage_is_reported(tmp_path: Path) -> None:
    (tmp_path / LEDGER).write_text(
        '{"id": "a", "time": "t"}{"id": "b", "time": "t"}\n'
        "not json at all\n"
        '{"id": "c", "time": "t"} trailing\n'
        "\n"
        '["not", "a", "record"]\n',
        encoding="utf-8",
    )
    found = ledger.read(tmp_path)
    assert found.ids == {"a", "b", "c"}
    assert found.damaged == (2, 3, 5)


def test_a_damaged_ledger_still_hides_what_it_can_and_is_logged(
    index_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = tmp_path / "index"
    shutil.copytree(index_dir, index, symlinks=True)
    (index / LEDGER).write_text('{"id": "jerome-infirmier", "time": "t"}garbage\n', encoding="utf-8")
    handle = IndexHandle(index)
    generation = handle.current()
    assert "jerome-infirmier" not in generation.docnum
    assert handle.ledger_damage == (1,)
    assert any(LEDGER in record.getMessage() for record in caplog.records)


# --- full disk, killed purge --------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (root only); skipped where mounting is not allowed."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path, leave: int) -> None:
    info = os.statvfs(disk)
    remaining = max(0, info.f_bavail * info.f_frsize - leave)
    with open(disk / "filler", "wb") as handle:
        while remaining > 0:
            try:
                remaining -= handle.write(b"\0" * min(65536, remaining))
            except OSError:
                break


def assert_kept_generations_sound(index: Path) -> None:
    """Every kept generation opens with its count and holds no stray file (a ``.tmp-`` copy may
    remain: the next build removes it)."""
    for name in gens.generations(index):
        _verify(index / name, int(gens.read_meta(index / name)["count"]))  # type: ignore[call-overload]


@pytest.mark.slow
def test_a_withdrawal_on_a_full_disk_is_a_clear_message_and_damages_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tiny_disk / "index"
    shutil.copytree(GOOD, corpus)
    index_corpus(corpus, index)
    index_corpus(corpus, index)
    fill(tiny_disk, 8 * 1024)  # room for the ledger line, not for a purged copy
    done = cli("withdraw", "jerome-infirmier", "--index", str(index), "--corpus", str(corpus))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "bloomr withdraw jerome-infirmier" in done.stderr
    assert "retiré des recherches" in done.stderr
    generation = IndexHandle(index).current()
    assert "jerome-infirmier" not in generation.docnum  # hidden by the ledger at once
    assert search(generation, "Jérôme").total == 0
    assert not [s for s in suggest(generation, "jérô") if "jérôme" in s.text.lower()]
    assert "status: withdrawn" in (corpus / "testimonials" / "jerome-infirmier.md").read_text(encoding="utf-8")
    assert_kept_generations_sound(index)
    (tiny_disk / "filler").unlink()
    rolled = cli("rollback", "--index", str(index))
    assert rolled.returncode == 0, rolled.stderr
    assert "jerome-infirmier" not in IndexHandle(index).current().docnum
    again = cli("withdraw", "jerome-infirmier", "--index", str(index), "--corpus", str(corpus))
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_killed_withdrawal_leaves_every_kept_generation_usable(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    ids = synthetic_corpus(corpus, 400)
    index_corpus(corpus, index)
    index_corpus(corpus, index)
    process = subprocess.Popen(
        [sys.executable, "-m", "bloomr.cli", "withdraw", ids[0], "--index", str(index), "--corpus", str(corpus)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(p.name.startswith(".tmp-") for p in index.iterdir()):
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.001)
    process.wait(timeout=60)
    assert ledger.read(index).ids == {ids[0]}
    assert ids[0] not in IndexHandle(index).current().docnum
    assert_kept_generations_sound(index)
    rolled = cli("rollback", "--index", str(index))
    assert rolled.returncode == 0, rolled.stderr
    assert ids[0] not in IndexHandle(index).current().docnum
    assert gens.pointer(index, PREVIOUS) is not None
