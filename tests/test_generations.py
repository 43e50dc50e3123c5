"""indexer.generations: pointers, pruning, leftovers and the build lock, on real directories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import generations as gens
from search.errors import BuildLocked


def _generation(index_dir: Path, name: str) -> Path:
    path = index_dir / name
    path.mkdir(parents=True)
    gens.write_meta(path, {"generation": name, "count": 0})
    return path


def test_generation_names_sort_in_creation_order() -> None:
    names = [gens.new_generation_name() for _ in range(50)]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert all(n.startswith("gen-") and n.endswith(f"-{os.getpid()}") for n in names)


def test_switch_pointer_is_a_relative_symlink_replaced_in_place(tmp_path: Path) -> None:
    _generation(tmp_path, "gen-a")
    _generation(tmp_path, "gen-b")
    assert gens.pointer(tmp_path) is None
    gens.switch_pointer(tmp_path, gens.CURRENT, "gen-a")
    assert os.readlink(tmp_path / "current") == "gen-a"
    gens.switch_pointer(tmp_path, gens.CURRENT, "gen-b")
    assert gens.pointer(tmp_path) == "gen-b"
    assert (tmp_path / "current" / gens.META).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "gen-a", "gen-b"]  # no temp link left


def test_prune_keeps_current_and_previous_only(tmp_path: Path) -> None:
    for name in ("gen-1", "gen-2", "gen-3", "gen-4"):
        _generation(tmp_path, name)
    gens.switch_pointer(tmp_path, gens.CURRENT, "gen-4")
    gens.switch_pointer(tmp_path, gens.PREVIOUS, "gen-2")
    assert gens.prune(tmp_path) == ["gen-1", "gen-3"]
    assert gens.generations(tmp_path) == ["gen-2", "gen-4"]


def test_remove_leftovers_removes_killed_builds_and_temp_links_only(tmp_path: Path) -> None:
    _generation(tmp_path, "gen-1")
    gens.switch_pointer(tmp_path, gens.CURRENT, "gen-1")
    killed = tmp_path / ".tmp-gen-2"
    killed.mkdir()
    (killed / "_MAIN_1.toc").write_bytes(b"half")
    os.symlink("gen-1", tmp_path / ".current.999.tmp")
    (tmp_path / "withdrawals.log").write_text("", encoding="utf-8")
    removed = gens.remove_leftovers(tmp_path)
    assert sorted(removed) == [".current.999.tmp", ".tmp-gen-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "gen-1", "withdrawals.log"]


def test_lock_records_the_holder_and_clears_on_release(tmp_path: Path) -> None:
    lock = gens.BuildLock(tmp_path)
    with lock:
        data = json.loads((tmp_path / gens.LOCK).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid()
        assert set(data) == {"pid", "started", "host"}
        holder = lock.holder()
        assert holder is not None and holder.pid == os.getpid()
    assert (tmp_path / gens.LOCK).read_text(encoding="utf-8") == ""
    assert lock.holder() is None
    with gens.BuildLock(tmp_path):  # released: taken again at once
        pass


def test_second_lock_is_refused_naming_the_holder(tmp_path: Path) -> None:
    with gens.BuildLock(tmp_path):
        with pytest.raises(BuildLocked) as caught:
            with gens.BuildLock(tmp_path):
                pass  # pragma: no cover
    assert f"processus {os.getpid()}" in caught.value.message
    assert "démarré le" in caught.value.message
    assert caught.value.remedy


def test_lock_held_by_another_process_is_refused(tmp_path: Path) -> None:
    """flock is per process: a child holding it makes us fail at once, naming the child."""
    code = (
        "import sys; from pathlib import Path; from indexer.generations import BuildLock\n"
        "with BuildLock(Path(sys.argv[1])):\n"
        "    print('held', flush=True); sys.stdin.readline()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        try:
            assert child.stdout.readline().strip() == "held"
            with pytest.raises(BuildLocked) as caught:
                with gens.BuildLock(tmp_path):
                    pass  # pragma: no cover
            assert f"processus {child.pid}" in caught.value.message
        finally:
            child.stdin.close()
            assert child.wait(timeout=30) == 0
    with gens.BuildLock(tmp_path):  # the child let go
        pass


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    stale = {"pid": int(dead.stdout), "started": "2026-01-01T00:00:00+00:00", "host": "ailleurs"}
    (tmp_path / gens.LOCK).write_text(json.dumps(stale), encoding="utf-8")
    with gens.BuildLock(tmp_path) as lock:
        holder = lock.holder()
        assert holder is not None and holder.pid == os.getpid()


def test_fsync_tree_and_size(tmp_path: Path) -> None:
    path = _generation(tmp_path, "gen-1")
    (path / "data").write_bytes(b"x" * 1000)
    gens.fsync_tree(path)
    assert gens.directory_size(path) == 1000 + (path / gens.META).stat().st_size
    assert gens.read_meta(path) == {"generation": "gen-1", "count": 0}
