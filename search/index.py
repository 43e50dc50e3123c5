"""``IndexHandle``: follow an index directory's ``current`` pointer and its withdrawal ledger.

``IndexHandle(Path("var/index")).current()`` returns the serving ``Generation``. Each call
reads the ``current`` symlink (one ``readlink``) and stats the ledger and the pauses (two
``stat``): when a new generation was switched in, it is opened and the old one retired; when
the ledger grew or a volunteer paused or resumed, those testimonials are hidden or shown at
once (a new ``Generation`` value swapped in under the handle's lock). So the web app and the CLI notice a rebuild, an update or a withdrawal
without a restart, and a request always works on one consistent value.

``on_open`` is called in a background thread with each newly opened generation (the web app
passes ``search.warm.warm`` so the first visitors after a switch don't pay for loading caches).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from search import heap, ledger, pauses
from search.errors import IndexDamaged, IndexMissing
from search.generation import Generation, open_generation
from search.layout import CURRENT, LEDGER, PAUSED, PREVIOUS

logger = logging.getLogger("bloomr.index")

OnOpen = Callable[[Generation], None]
Stamps = tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]


class IndexHandle:
    """Follows the ``current`` pointer of an index directory (``IndexHandle(Path("var/index"))``)."""

    def __init__(self, index_dir: Path, *, on_open: OnOpen | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.on_open = on_open
        self._lock = threading.Lock()
        self._opened: Generation | None = None  # as built, ledger not applied
        # (pointer target, stamps of the ledger and the pauses, generation served for them): one value
        self._state: tuple[str, Stamps, Generation] | None = None
        self.damaged: str | None = None  # a damaged ``current`` generation, while ``previous`` serves instead
        self.ledger_damage: tuple[int, ...] = ()  # lines of the ledger that could not be read

    def current(self) -> Generation:
        """The serving generation, reopened when the pointer moved, withdrawals applied; IndexMissing if none."""
        name = self._pointer()
        stamp = (self._stamp(LEDGER), self._stamp(PAUSED))
        state = self._state
        if state is not None and state[0] == name and state[1] == stamp:
            return state[2]
        with self._lock:
            state = self._state
            if state is not None and state[0] == name and state[1] == stamp:
                return state[2]
            opened = self._open(name)
            found = ledger.read(self.index_dir)
            if found.damaged and found.damaged != self.ledger_damage:
                logger.warning(
                    "%s : lignes illisibles %s ; vérifiez ce fichier (un retrait pourrait ne pas s’appliquer)",
                    self.index_dir / LEDGER, ", ".join(map(str, found.damaged)),
                )
            self.ledger_damage = found.damaged
            served = opened.hide(found.ids, pauses.read(self.index_dir))
            self._state = (name, stamp, served)
            return served

    def _pointer(self) -> str:
        try:
            return os.path.basename(os.readlink(self.index_dir / CURRENT))
        except OSError:
            raise IndexMissing(
                "L’index de recherche n’est pas encore construit.",
                remedy="Un responsable doit lancer : bloomr index",
            ) from None

    def _stamp(self, name: str) -> tuple[int, int, int] | None:
        try:
            info = (self.index_dir / name).stat()
        except FileNotFoundError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def _open(self, name: str) -> Generation:
        """The generation ``name`` (already open, or opened now, the previous one retired). Holds the lock."""
        opened = self._opened
        if opened is not None and name in (opened.name, self.damaged):
            return opened
        try:
            fresh = open_generation(self.index_dir / name, reuse=opened)
        except IndexDamaged as exc:
            fresh = self._fallback(name, exc)
        else:
            self.damaged = None
        if opened is not None and opened.store is not fresh.store:
            opened.store.close()
            # its memory is freed when the last request holding it ends: give it back then
            weakref.finalize(opened.store, heap.trim_soon)
        self._opened = fresh
        if self.on_open is not None:
            threading.Thread(target=self._warm, args=(fresh,), name=f"warm-{fresh.name}", daemon=True).start()
        return fresh

    def _warm(self, generation: Generation) -> None:
        try:
            assert self.on_open is not None
            self.on_open(generation)
        except Exception:  # a warm-up is an optimisation: any failure shows on the real request
            logger.debug("warm-up of %s failed", generation.name, exc_info=True)

    def _fallback(self, name: str, exc: IndexDamaged) -> Generation:
        """``current`` is damaged: serve ``previous`` (if it opens), say so in the log, remember it."""
        try:
            previous = os.path.basename(os.readlink(self.index_dir / PREVIOUS))
            if previous == name:
                raise exc
            opened = open_generation(self.index_dir / previous)
        except (OSError, IndexDamaged):
            raise exc from None
        logger.warning(
            "génération en service %s endommagée (%s) ; la précédente %s est servie à sa place — %s",
            name, exc.message, previous, exc.remedy,
        )
        self.damaged = name
        return opened

    def generation_name(self) -> str | None:
        try:
            return os.path.basename(os.readlink(self.index_dir / CURRENT))
        except OSError:
            return None
