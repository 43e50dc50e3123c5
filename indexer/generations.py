"""The index directory's moving parts: generations, the ``current`` pointer, the build lock.

The layout itself is named once, in ``search.layout``. Nothing here imports Whoosh: this
module only writes metadata, moves directories and pointers, and holds the lock.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from search.errors import BuildFailed, BuildLocked
from search.layout import CURRENT, GEN_PREFIX, LOCK, META, PREVIOUS, TMP_PREFIX



def new_generation_name() -> str:
    """A sortable, unique name: ``gen-20261127T031500123456Z-4242``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{GEN_PREFIX}{stamp}-{os.getpid()}"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file of a generation, then the directory itself (Whoosh never fsyncs).

    A file with other hard links is a segment shared with the generation it was copied from,
    made durable when that one was published: only its new directory entry needs the final
    directory fsync (at 100k, an edit's generation shares ~100 files and writes ~6)."""
    for child in sorted(path.iterdir()):
        if child.is_file() and not child.is_symlink() and child.stat().st_nlink == 1:
            fd = os.open(child, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def pointer(index_dir: Path, name: str = CURRENT) -> str | None:
    """The generation a pointer names, or None: ``pointer(Path("var/index")) == "gen-…"``."""
    try:
        target = os.readlink(index_dir / name)
    except (FileNotFoundError, OSError):
        return None
    return os.path.basename(target)


def switch_pointer(index_dir: Path, name: str, generation: str) -> None:
    """Point ``name`` at ``generation`` atomically (symlink then rename over the old one)."""
    tmp = index_dir / f".{name}.{os.getpid()}.tmp"
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    os.symlink(generation, tmp)
    os.replace(tmp, index_dir / name)
    fsync_dir(index_dir)


def generations(index_dir: Path) -> list[str]:
    """Complete generations present, oldest first."""
    if not index_dir.is_dir():
        return []
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith(GEN_PREFIX) and p.is_dir())


def read_json(path: Path) -> dict[str, object]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise BuildFailed(f"{path} n’est pas un objet JSON.")
    return data


def write_json(path: Path, data: Mapping[str, object], *, sort_keys: bool = True) -> None:
    """Write a JSON object atomically and durably (temporary file, fsync, rename).

    ``json.dumps``, not ``json.dump``: only the one-shot encoder is C (a generation's 13 MB
    ``sources.json`` at 100,000 testimonials took 0.6 s to stream, a sixth of an edit).
    """
    tmp = path.with_name(f".{path.name}.tmp")
    text = json.dumps(data, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_meta(generation_dir: Path) -> dict[str, object]:
    return read_json(generation_dir / META)


def write_meta(generation_dir: Path, meta: dict[str, object]) -> None:
    write_json(generation_dir / META, meta)


def remove_leftovers(index_dir: Path) -> list[str]:
    """Remove directories of killed builds and stray pointer temp files; returns what was removed.

    Only called while holding the build lock, so nothing else is writing them.
    """
    removed: list[str] = []
    if not index_dir.is_dir():
        return removed
    for child in index_dir.iterdir():
        if child.name.startswith(TMP_PREFIX) and child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
        elif child.name.startswith(".") and child.name.endswith(".tmp") and child.is_symlink():
            child.unlink()
            removed.append(child.name)
    return removed


def prune(index_dir: Path) -> list[str]:
    """Remove every generation other than ``current`` and ``previous``."""
    keep = {pointer(index_dir, CURRENT), pointer(index_dir, PREVIOUS)}
    removed: list[str] = []
    for name in generations(index_dir):
        if name not in keep:
            shutil.rmtree(index_dir / name, ignore_errors=True)
            removed.append(name)
    return removed


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@dataclass(frozen=True)
class LockHolder:
    pid: int
    started: str
    host: str


class BuildLock:
    """One build at a time: ``with BuildLock(index_dir): ...`` or ``BuildLocked`` at once.

    An ``flock`` on ``.build.lock``: the kernel releases it when the holder dies, so the
    lock of a killed build is taken over safely, without guessing from pids.
    """

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / LOCK
        self._fd: int | None = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = self.holder()
            who = f"processus {holder.pid} (machine {holder.host}), démarré le {holder.started}" if holder else "un autre processus"
            raise BuildLocked(
                f"Une construction de l’index est déjà en cours : {who}.",
                remedy="Attendez qu’elle se termine, puis relancez la commande.",
            ) from None
        record = {
            "pid": os.getpid(),
            "started": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "host": socket.gethostname(),
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
        except OSError as exc:  # disk full: release the lock, never leave it held by a dead build
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise BuildFailed(
                f"Le verrou de construction {self.path} ne peut pas être écrit : {exc.strerror or exc}.",
                remedy="Vérifiez l’espace disque et les droits du dossier d’index ; la génération en service est conservée.",
            ) from exc
        self._fd = fd
        return self

    def holder(self) -> LockHolder | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
            return LockHolder(int(data["pid"]), str(data["started"]), str(data["host"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def monotonic() -> float:
    return time.perf_counter()
