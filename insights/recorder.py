"""Off the request path: a bounded in-memory queue drained by one background writer.

``offer(record)`` is all a search pays: a check in the once-a-day set and a ``put_nowait``; it
never blocks, never raises, never touches the disk. Every ``flush_s`` seconds the writer drains
the queue, adds equal records together and writes them in one transaction (``count += n``).
When the queue is full, or the database is locked, full, read-only or missing, the searches are
dropped and counted as lost (the count is written with the next batch that goes through), and the
log says so once, then once again when recording resumes — without any word, code or address::

    recorder = Recorder(Store(Path("var/insights.sqlite3")))
    recorder.start()
    recorder.offer(record, source="203.0.113.9")   # True: queued
    recorder.close()                               # last batch written
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime

from insights.dedupe import OncePerDay
from insights.record import Record
from insights.store import Store

logger = logging.getLogger("bloomr.insights")

CAPACITY = 10_000
"""Records waiting for the writer; past this, searches are dropped (and counted)."""
FLUSH_S = 2.0
BATCH = 20_000


def utc_today() -> date:
    return datetime.now(UTC).date()


class Recorder:
    def __init__(
        self,
        store: Store,
        *,
        capacity: int = CAPACITY,
        flush_s: float = FLUSH_S,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self.store = store
        self.flush_s = flush_s
        self.today = today
        self.once = OncePerDay()
        self.written = 0
        self.lost = 0
        self._queue: queue.Queue[Record] = queue.Queue(maxsize=capacity)
        self._overflow = 0  # dropped by offer, not yet noted by the writer
        self._unsaved: Counter[date] = Counter()  # lost searches not yet written
        self._counter_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing: str | None = None
        self._overflowing = False
        self._rolled: date | None = None

    # -- the request side --------------------------------------------------------------------

    def offer(self, record: Record, *, source: str | None = None) -> bool:
        """Queue one search (once a day per ``source`` and shape); False when not queued."""
        if source is not None and not self.once.first(source, record.shape, record.day):
            return False
        try:
            self._queue.put_nowait(record)
            return True
        except queue.Full:
            with self._counter_lock:
                self._overflow += 1
            return False

    # -- the writer ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="bloomr-insights", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the writer after a last batch."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_s):
            self.flush()

    def flush(self) -> int:
        """Write what is queued now (the writer does it every ``flush_s``); returns the searches written."""
        with self._write_lock:
            batch: Counter[Record] = Counter()
            while len(batch) < BATCH:
                try:
                    batch[self._queue.get_nowait()] += 1
                except queue.Empty:
                    break
            today = self.today()
            with self._counter_lock:
                overflow, self._overflow = self._overflow, 0
            if overflow:
                self._unsaved[today] += overflow
                self.lost += overflow
                if not self._overflowing:
                    logger.warning("insights: the queue of searches to record is full; searches go on, "
                                   "the ones not recorded are counted as lost")
                self._overflowing = True
            else:
                self._overflowing = False
            n = sum(batch.values())
            if not n and not self._unsaved:
                return 0
            try:
                if self._rolled != today:
                    self.store.roll_up(today)
                    self._rolled = today
                self.store.add(batch, lost=self._unsaved)
            except (sqlite3.Error, OSError) as exc:
                self._unsaved[today] += n
                self.lost += n
                self._failed(exc)
                return 0
            self.written += n
            if self._failing is not None:
                logger.warning("insights: recording again (%d searches lost meanwhile)", sum(self._unsaved.values()))
                self._failing = None
            self._unsaved.clear()
            return n

    def _failed(self, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}"
        if self._failing is None:
            logger.warning("insights: searches are not being recorded (%s, %s); searches go on, "
                           "the ones not recorded are counted as lost", self.store.path, reason)
        self._failing = reason
