"""Faults (issue 8), with real processes and real files: disk full, damaged generations, unsafe
permissions, concurrent builds, kill -9 during a build, rebuilds under concurrent searches.

Two corpora are used: ``tests/data/good`` (generation "B") and a copy without one testimonial
(generation "A"), so that every count tells which generation answered.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from web.settings import Settings
from indexer import generations as gens
from indexer.build import _publish
from indexer.pipeline import index_corpus
from search.errors import BuildFailed, BuildLocked, IndexDamaged, UnsafeIndex
from search.index import IndexHandle
from search.query import search
from web.app import create_app

GOOD = Path(__file__).resolve().parent / "data" / "good"
DROPPED = "moussa-boulanger.md"


@pytest.fixture(scope="module")
def corpus_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good corpus minus one testimonial: its generation has one document less."""
    corpus = tmp_path_factory.mktemp("corpus-a") / "corpus"
    shutil.copytree(GOOD, corpus)
    (corpus / "testimonials" / DROPPED).unlink()
    return corpus


def build(corpus: Path, index: Path) -> str:
    built, _ = index_corpus(corpus, index)
    return built.generation


def count_of(index: Path) -> int:
    return IndexHandle(index).current().count


def leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith(".tmp-") or p.name.endswith(".tmp"))


def assert_lock_free(index: Path) -> None:
    """Nobody holds the build lock (checked with flock itself: it needs no disk space)."""
    fd = os.open(index / gens.LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# Whoosh leaves the file of a damaged or half-written segment open when it fails to read or
# write it (third-party); the interpreter closes it and warns, which filterwarnings=error turns
# into a failure. Only these tests, only that warning.
WHOOSH_LEAKS = [
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore:Exception ignored in.*_io:pytest.PytestUnraisableExceptionWarning"),
]


def whoosh_leaks(test):  # type: ignore[no-untyped-def]
    """Apply the ignores, and collect the leaked files before the test ends (not in a later test)."""

    @functools.wraps(test)
    def collected(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return test(*args, **kwargs)
        finally:
            gc.collect()

    for mark in WHOOSH_LEAKS:
        collected = mark(collected)
    return collected


# --- disk full ---------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only); skipped where mounting is not allowed."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 2 MB tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the file system, leaving about ``leave`` bytes free."""
    filler = disk / "filler"
    info = os.statvfs(disk)
    free = info.f_bavail * info.f_frsize
    with open(filler, "wb") as handle:
        remaining = max(0, free - leave)
        block = b"\0" * 65536
        while remaining > 0:
            try:
                remaining -= handle.write(block[: min(len(block), remaining)])
            except OSError:
                break
    return filler


@whoosh_leaks
@pytest.mark.slow
@pytest.mark.parametrize("leave", [0, 16 * 1024, 64 * 1024])
def test_disk_full_during_build(tiny_disk: Path, corpus_a: Path, leave: int) -> None:
    index = tiny_disk / "index"
    serving = build(corpus_a, index)
    before = count_of(index)
    filler = fill(tiny_disk, leave)

    with pytest.raises(BuildFailed) as failure:
        build(GOOD, index)

    assert "espace disque" in failure.value.remedy
    assert "conservée" in failure.value.remedy
    assert gens.pointer(index) == serving
    assert leftovers(index) == []
    assert_lock_free(index)
    handle = IndexHandle(index)
    assert handle.current().name == serving
    assert search(handle.current(), "").total == before
    filler.unlink()
    assert build(GOOD, index) != serving
    assert count_of(index) == before + 1
    assert leftovers(index) == []


# --- damaged generations -----------------------------------------------------------------------


def _segment_files(generation: Path) -> list[Path]:
    return sorted(p for p in generation.iterdir() if p.suffix == ".seg" or "_MAIN_" in p.name and p.suffix != ".toc")


def damage_truncate(generation: Path) -> None:
    for seg in _segment_files(generation):
        size = seg.stat().st_size
        with open(seg, "r+b") as handle:
            handle.truncate(size // 2)


def damage_zero(generation: Path) -> None:
    for seg in _segment_files(generation):
        size = seg.stat().st_size
        with open(seg, "r+b") as handle:
            handle.write(b"\0" * size)


def damage_toc(generation: Path) -> None:
    for toc in generation.glob("*.toc"):
        toc.unlink()


def damage_meta(generation: Path) -> None:
    (generation / gens.META).write_text("{not json", encoding="utf-8")


DAMAGES = {"truncated segment": damage_truncate, "zeroed segment": damage_zero, "missing TOC": damage_toc}


@whoosh_leaks
@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_new_generation_is_not_switched(tmp_path: Path, corpus_a: Path, damage: str) -> None:
    index = tmp_path / "index"
    serving = build(corpus_a, index)
    assert _segment_files(index / serving), sorted(p.name for p in (index / serving).iterdir())
    name = gens.new_generation_name()
    candidate = index / f"{gens.TMP_PREFIX}{name}"
    shutil.copytree(index / serving, candidate)
    DAMAGES[damage](candidate)

    with pytest.raises(IndexDamaged) as refused:
        _publish(index, candidate, name, count_of(index))

    assert "conservée" in refused.value.remedy
    assert gens.pointer(index) == serving
    assert not (index / name).exists()
    assert count_of(index) == IndexHandle(index).current().count
    # the next build removes what the refused one left and serves a good generation
    fresh = build(GOOD, index)
    assert gens.pointer(index) == fresh
    assert leftovers(index) == []


def test_foreign_file_in_new_generation_is_not_switched(tmp_path: Path, corpus_a: Path) -> None:
    """A file that no build writes (a pickle dropped by someone) must keep the generation out."""
    index = tmp_path / "index"
    serving = build(corpus_a, index)
    name = gens.new_generation_name()
    candidate = index / f"{gens.TMP_PREFIX}{name}"
    shutil.copytree(index / serving, candidate)
    (candidate / "evil.pkl").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")

    with pytest.raises(IndexDamaged):
        _publish(index, candidate, name, count_of(index))
    assert gens.pointer(index) == serving


@whoosh_leaks
@pytest.mark.parametrize("damage", list(DAMAGES) + ["unreadable metadata"])
def test_damaged_current_at_startup_serves_previous(
    tmp_path: Path, corpus_a: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    index = tmp_path / "index"
    previous = build(corpus_a, index)
    previous_count = count_of(index)
    current = build(GOOD, index)
    assert gens.pointer(index, gens.PREVIOUS) == previous
    (DAMAGES.get(damage) or damage_meta)(index / current)

    app = create_app(Settings(index=index))
    with caplog.at_level(logging.WARNING), TestClient(app) as client:
        health = client.get("/healthz")
        found = client.get("/api/search")
    assert health.status_code == 200
    assert health.json()["generation"] == previous
    assert health.json()["count"] == previous_count
    assert found.status_code == 200 and found.json()["total"] == previous_count
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(current in m and previous in m for m in said), said


@whoosh_leaks
def test_damaged_current_without_previous_is_a_clear_503(tmp_path: Path) -> None:
    index = tmp_path / "index"
    current = build(GOOD, index)
    damage_toc(index / current)
    with pytest.raises(IndexDamaged):
        IndexHandle(index).current()
    with TestClient(create_app(Settings(index=index))) as client:
        reply = client.get("/api/search")
        page = client.get("/recherche")
    assert reply.status_code == 503
    assert reply.json()["error"]["type"] == "IndexDamaged"
    assert "bloomr" in reply.json()["error"]["remedy"]
    assert page.status_code == 503 and "Traceback" not in page.text


@whoosh_leaks
def test_repaired_current_is_served_again(tmp_path: Path, corpus_a: Path) -> None:
    index = tmp_path / "index"
    build(corpus_a, index)
    current = build(GOOD, index)
    damage_toc(index / current)
    handle = IndexHandle(index)
    assert handle.current().count == count_of_good() - 1
    assert handle.damaged == current
    fresh = build(GOOD, index)
    assert handle.current().name == fresh
    assert handle.damaged is None


def count_of_good() -> int:
    from indexer.corpus import load_corpus

    return len([t for t in load_corpus(GOOD).testimonials if not t.withdrawn])


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["index directory", "generation"])
@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_index_writable_by_others_is_refused(tmp_path: Path, where: str, mode: int) -> None:
    index = tmp_path / "index"
    name = build(GOOD, index)
    target = index if where == "index directory" else index / name
    os.chmod(target, mode)
    with pytest.raises(UnsafeIndex) as refused:
        IndexHandle(index).current()
    assert "chmod go-w" in refused.value.remedy
    with TestClient(create_app(Settings(index=index))) as client:
        reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.json()["error"]["type"] == "UnsafeIndex"


def test_index_owned_by_someone_else_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("changing a directory's owner needs root")
    index = tmp_path / "index"
    name = build(GOOD, index)
    os.chown(index / name, 54321, 54321)
    with pytest.raises(UnsafeIndex):
        IndexHandle(index).current()


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_one_clear_refusal(tmp_path: Path) -> None:
    index = tmp_path / "index"
    serving = build(GOOD, index)
    with gens.BuildLock(index):
        with pytest.raises(BuildLocked):
            build(GOOD, index)
        done = subprocess.run(
            [sys.executable, "-m", "bloomr.cli", "index", "--corpus", str(GOOD), "--index", str(index)],
            capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 1
    assert "déjà en cours" in done.stderr and str(os.getpid()) in done.stderr
    assert "Traceback" not in done.stderr
    assert gens.pointer(index) == serving
    assert build(GOOD, index) != serving


@pytest.mark.slow
def test_rebuilds_while_8_threads_search(tmp_path: Path, corpus_a: Path) -> None:
    index = tmp_path / "index"
    build(corpus_a, index)
    count_a = count_of(index)
    build(GOOD, index)
    count_b = count_of(index)
    assert count_a != count_b
    handle = IndexHandle(index)
    totals = {
        "": {count_a, count_b},
        "boulanger": {search(IndexHandle(index).current(), "boulanger").total, 0},
        "infirmier": {search(handle.current(), "infirmier").total},
    }
    stop = threading.Event()
    errors: list[str] = []
    done_searches = [0] * 8

    def client(n: int) -> None:
        words = list(totals)
        i = 0
        while not stop.is_set() and i < 100_000:
            word = words[i % len(words)]
            i += 1
            try:
                generation = handle.current()
                found = search(generation, word, page_size=5, sort="recent" if i % 2 else None)
                if found.total not in totals[word]:
                    errors.append(f"{word!r}: {found.total} not in {totals[word]} ({generation.name})")
                if word == "" and found.total != generation.count:
                    errors.append(f"browse total {found.total} != generation count {generation.count}")
                for hit in found.hits:
                    generation.store.stored(generation.docnum[hit.id])
            except Exception as exc:  # every failure is counted and shown
                errors.append(f"{type(exc).__name__}: {exc}")
            done_searches[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(6):
            build(corpus_a if round_ % 2 == 0 else GOOD, index)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == [], errors[:10]
    assert all(done_searches), done_searches
    assert leftovers(index) == []


@pytest.mark.slow
def test_kill_9_during_build_25_times(tmp_path: Path, corpus_a: Path) -> None:
    """kill -9 at varied points of ``bloomr index``: the previous generation serves every time,
    and the next build succeeds and cleans up. Points are conditions polled with a deadline."""
    index = tmp_path / "index"
    serving = build(corpus_a, index)
    count = count_of(index)

    def reached(point: int) -> bool:
        try:
            return _reached(point)
        except FileNotFoundError:  # the build renamed its directory while we looked into it
            return False

    def _reached(point: int) -> bool:
        if point == 0:
            return True
        names = [p for p in index.iterdir() if p.name.startswith(gens.TMP_PREFIX) and p.is_dir()]
        if point == 1:
            lock = index / gens.LOCK
            return lock.exists() and lock.stat().st_size > 0
        if point == 2:
            return bool(names)
        if point == 3:
            return any(any(n.glob("*.seg")) or any(n.glob("*.toc")) for n in names)
        return any((n / gens.META).exists() for n in names)

    outcomes = []
    for attempt in range(25):
        point = attempt % 5
        proc = subprocess.Popen(
            [sys.executable, "-m", "bloomr.cli", "index", "--corpus", str(GOOD), "--index", str(index)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and not reached(point) and time.monotonic() < deadline:
            os.sched_yield()  # poll the condition; leave the CPU to the build
        proc.kill()
        proc.wait(timeout=30)
        outcomes.append(proc.returncode)
        now = gens.pointer(index)
        handle = IndexHandle(index)
        generation = handle.current()  # opens cleanly, whatever was killed
        assert search(generation, "").total == generation.count
        if now == serving:
            assert generation.count == count
        else:  # the build finished before the kill: the new generation is complete
            assert generation.count == count + 1
            serving, count = now, generation.count
            # go back to corpus A for the next round so a finished build is visible
            serving = build(corpus_a, index)
            count = count_of(index)
    assert -9 in outcomes
    final = build(GOOD, index)
    assert gens.pointer(index) == final
    assert leftovers(index) == []
    assert_lock_free(index)
