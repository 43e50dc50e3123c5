"""The submissions database: the only module that speaks SQL.

SQLite under ``var/`` by default (``BLOOMR_VOLUNTEERS_DB``): WAL, ``synchronous=FULL`` (a
``commit`` returns once the write is on disk, so an acknowledged submission survives a crash),
every change in one explicit ``BEGIN IMMEDIATE`` transaction. A connection is opened per call,
so the store is safe from any thread or process. Moving to PostgreSQL means rewriting this
module only: callers see ``Store`` methods and the values of ``volunteers.model``::

    store = Store(Path("var/volunteers.sqlite3"))
    sid = store.add(draft, email=None, selector="…", verifier_hash=b"…", nonce="…", now=now)
    store.get(sid).state            # "pending"
    [s.id for s in store.list_pending()]

What is stored, and nothing else: the drafts, an optional email, the hash of the management
token, dates, moderation decisions, spent form nonces, and the queue of index purges. No
column can hold an address or a user agent.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from volunteers.errors import Replayed
from volunteers.model import Draft, Purge, Submission, Version

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    selector TEXT NOT NULL UNIQUE,       -- public half of the management token
    verifier_hash BLOB NOT NULL,         -- sha256 of its secret half
    created TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'rejected', 'published', 'withdrawn')),
    email TEXT,
    testimonial_id TEXT UNIQUE,
    published TEXT,
    withdrawn TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    number INTEGER NOT NULL,
    created TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'rejected', 'published')),
    draft TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    decided TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, number)
);
CREATE TABLE IF NOT EXISTS spent_forms (
    nonce TEXT PRIMARY KEY,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS purges (
    testimonial_id TEXT PRIMARY KEY,
    queued TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
"""


class Store:
    """The submissions database at ``path`` (created with its schema on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Created private before SQLite opens it: its -wal and -shm files take the same mode.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA secure_delete = ON")  # erased text is overwritten, not left in free pages
            if not self._ready:
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(SCHEMA)
                self._ready = True
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- forms -----------------------------------------------------------------------------

    @staticmethod
    def _spend(db: sqlite3.Connection, nonce: str | None, expires: float) -> None:
        if nonce is None:
            return
        db.execute("DELETE FROM spent_forms WHERE expires < ?", (time.time(),))
        try:
            db.execute("INSERT INTO spent_forms (nonce, expires) VALUES (?, ?)", (nonce, expires))
        except sqlite3.IntegrityError:
            raise Replayed() from None

    def spend(self, nonce: str, expires: float) -> None:
        """Mark a form as used; ``Replayed`` if it already was."""
        with self._transaction() as db:
            self._spend(db, nonce, expires)

    # -- submissions -----------------------------------------------------------------------

    def add(
        self, draft: Draft, *, email: str | None, selector: str, verifier_hash: bytes, now: str,
        nonce: str | None = None, nonce_expires: float = 0.0,
    ) -> int:
        """A new pending submission (and its form spent, in the same transaction); its id."""
        with self._transaction() as db:
            self._spend(db, nonce, nonce_expires)
            cursor = db.execute(
                "INSERT INTO submissions (selector, verifier_hash, created, state, email) VALUES (?, ?, ?, 'pending', ?)",
                (selector, verifier_hash, now, email),
            )
            sid = int(cursor.lastrowid or 0)
            db.execute(
                "INSERT INTO versions (submission_id, number, created, state, draft) VALUES (?, 1, ?, 'pending', ?)",
                (sid, now, draft.to_json()),
            )
            return sid

    def get(self, sid: int) -> Submission | None:
        with self._connect() as db:
            return self._load(db, "id = ?", sid)

    def by_selector(self, selector: str) -> tuple[Submission, bytes] | None:
        """The submission of a management token's public half, with its verifier hash."""
        with self._connect() as db:
            row = db.execute("SELECT id, verifier_hash FROM submissions WHERE selector = ?", (selector,)).fetchone()
            if row is None:
                return None
            found = self._load(db, "id = ?", row[0])
            return (found, bytes(row[1])) if found else None

    def list_pending(self) -> list[Submission]:
        """Submissions with a version waiting for moderation, oldest first."""
        with self._connect() as db:
            ids = [r[0] for r in db.execute(
                "SELECT submission_id FROM versions WHERE state = 'pending' GROUP BY submission_id ORDER BY MIN(created), submission_id"
            )]
            return [s for s in (self._load(db, "id = ?", sid) for sid in ids) if s is not None]

    def count(self) -> dict[str, int]:
        """``{"pending": 2, "published": 5, …}``: submissions by state."""
        with self._connect() as db:
            return {state: n for state, n in db.execute("SELECT state, COUNT(*) FROM submissions GROUP BY state")}

    def testimonial_ids(self) -> set[str]:
        """Every corpus id given to a submission, withdrawn ones included (never given twice)."""
        with self._connect() as db:
            return {r[0] for r in db.execute("SELECT testimonial_id FROM submissions WHERE testimonial_id IS NOT NULL")}

    def propose(
        self, sid: int, draft: Draft, *, email: str | None, now: str, nonce: str | None = None, nonce_expires: float = 0.0,
    ) -> int:
        """A new version for moderation; an earlier unpublished one (pending or refused) is erased. Its number."""
        with self._transaction() as db:
            self._spend(db, nonce, nonce_expires)
            state = self._state(db, sid)
            if state == "withdrawn":
                raise ValueError("withdrawn submission")
            number = int(db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE submission_id = ?", (sid,)).fetchone()[0])
            db.execute("DELETE FROM versions WHERE submission_id = ? AND state != 'published'", (sid,))
            db.execute(
                "INSERT INTO versions (submission_id, number, created, state, draft) VALUES (?, ?, ?, 'pending', ?)",
                (sid, number, now, draft.to_json()),
            )
            db.execute(
                "UPDATE submissions SET email = ?, state = CASE WHEN state = 'rejected' THEN 'pending' ELSE state END WHERE id = ?",
                (email, sid),
            )
            return number

    def set_email(self, sid: int, email: str | None, *, nonce: str | None = None, nonce_expires: float = 0.0) -> None:
        with self._transaction() as db:
            self._spend(db, nonce, nonce_expires)
            db.execute("UPDATE submissions SET email = ? WHERE id = ? AND state != 'withdrawn'", (email, sid))

    def reserve_testimonial_id(self, sid: int, testimonial_id: str) -> None:
        """Give a submission its corpus id once (before its file is written, so a retry reuses it)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE submissions SET testimonial_id = ? WHERE id = ? AND testimonial_id IS NULL", (testimonial_id, sid)
            )

    def publish(self, sid: int, number: int, *, now: str) -> None:
        """Version ``number`` is online; the one it replaces is erased."""
        with self._transaction() as db:
            if self._state(db, sid) == "withdrawn":  # withdrawn while it was being accepted: stays withdrawn
                return
            db.execute("DELETE FROM versions WHERE submission_id = ? AND state = 'published'", (sid,))
            db.execute(
                "UPDATE versions SET state = 'published', decided = ?, reason = '' WHERE submission_id = ? AND number = ?",
                (now, sid, number),
            )
            db.execute(
                "UPDATE submissions SET state = 'published', published = COALESCE(published, ?) WHERE id = ?",
                (now[:10], sid),
            )

    def reject(self, sid: int, number: int, *, reason: str, now: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE versions SET state = 'rejected', decided = ?, reason = ? WHERE submission_id = ? AND number = ?",
                (now, reason, sid, number),
            )
            db.execute("UPDATE submissions SET state = 'rejected' WHERE id = ? AND state = 'pending'", (sid,))

    def erase(self, sid: int, *, now: str, nonce: str | None = None, nonce_expires: float = 0.0) -> None:
        """Withdrawn for good: every version and the email erased; id, dates and corpus id kept."""
        with self._transaction() as db:
            self._spend(db, nonce, nonce_expires)
            db.execute("DELETE FROM versions WHERE submission_id = ?", (sid,))
            db.execute(
                "UPDATE submissions SET state = 'withdrawn', email = NULL, withdrawn = COALESCE(withdrawn, ?) WHERE id = ?",
                (now, sid),
            )
        with self._connect() as db:  # the old text may still sit in the write-ahead log: fold it in and empty it
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- purges ----------------------------------------------------------------------------

    def queue_purge(self, testimonial_id: str, *, now: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO purges (testimonial_id, queued) VALUES (?, ?)", (testimonial_id, now))

    def purges(self) -> list[Purge]:
        with self._connect() as db:
            return [Purge(*row) for row in db.execute("SELECT testimonial_id, queued, attempts, last_error FROM purges ORDER BY queued")]

    def purge_done(self, testimonial_id: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM purges WHERE testimonial_id = ?", (testimonial_id,))

    def purge_failed(self, testimonial_id: str, error: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE purges SET attempts = attempts + 1, last_error = ? WHERE testimonial_id = ?", (error, testimonial_id)
            )

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def _state(db: sqlite3.Connection, sid: int) -> str | None:
        row = db.execute("SELECT state FROM submissions WHERE id = ?", (sid,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _load(db: sqlite3.Connection, where: str, value: object) -> Submission | None:
        row = db.execute(
            f"SELECT id, created, state, email, testimonial_id, published, withdrawn FROM submissions WHERE {where}", (value,)
        ).fetchone()
        if row is None:
            return None
        versions = tuple(
            Version(number=n, created=c, state=s, draft=Draft.from_json(d), reason=r, decided=dec)
            for n, c, s, d, r, dec in db.execute(
                "SELECT number, created, state, draft, reason, decided FROM versions WHERE submission_id = ? ORDER BY number",
                (row[0],),
            )
        )
        return Submission(
            id=row[0], created=row[1], state=row[2], email=row[3], testimonial_id=row[4],
            published=row[5], withdrawn=row[6], versions=versions,
        )
