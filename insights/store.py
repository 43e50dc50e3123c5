"""The demand database: the only module that speaks SQL.

SQLite (``BLOOMR_INSIGHTS_DB``, by default ``insights.sqlite3`` beside the index directory), WAL,
a connection per call (safe from any thread or process), each change one ``BEGIN IMMEDIATE``
transaction. What it can hold is fixed by its schema, each column bounded by a CHECK:

- ``days``: per day (``YYYY-MM-DD``, a valid date), per search shape, a count. The words are a
  16-byte keyed digest (``texts``), the fiches, filters and interests known codes only.
- ``texts``: each digest, how often it was seen among the days kept, and its words in clear
  (folded letters a–z and spaces, at most five words) only while it has been seen at least
  ``K`` times: words fewer people typed never reach the disk, only their digest.
- ``months``: older months folded into one total per shape (``YYYY-MM``), words kept only when
  seen ``K`` times that month, else only the fiches, filters and interests they were read as.
- ``lost``: how many searches could not be recorded, per day (then per month).

No column can hold an address, a user agent, a cookie or a time finer than the day: dots,
colons, slashes and digits are refused where words are kept, and no column is free text.
Deleted rows are overwritten (``secure_delete``); after a roll-up the file is rewritten (``VACUUM``)
and the WAL truncated::

    store = Store(Path("var/insights.sqlite3"))
    store.add({record: 3}, lost={date(2026, 12, 1): 1})
    store.roll_up(date(2026, 12, 1))          # months before November folded, rare words dropped
    store.totals(date(2026, 11, 2), date(2026, 12, 1)).searches
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from insights.record import Record
from insights.secret import digest_key

K = 5
"""Words seen fewer than K times are never shown, and never kept in clear."""
MONTHS_KEPT = 24
"""Monthly totals older than this many months are deleted: the file stays bounded."""
SCHEMA_VERSION = 1

_WORDS = "{0} NOT GLOB '*[^a-z ]*' AND {0} NOT GLOB ' *' AND {0} NOT GLOB '* ' AND {0} NOT GLOB '*  *'" \
         " AND length({0}) <= 124 AND length({0}) - length(replace({0}, ' ', '')) < 5"
_SHAPE = """
    fiches TEXT NOT NULL CHECK (fiches NOT GLOB '*[^A-Z0-9 ]*' AND length(fiches) <= 600),
    filters TEXT NOT NULL CHECK (filters NOT GLOB '*[^A-Za-z0-9= -]*' AND length(filters) <= 600),
    interests TEXT NOT NULL CHECK (interests NOT GLOB '*[^a-z0-9=_ -]*' AND length(interests) <= 600),
    found INTEGER NOT NULL CHECK (found IN (0, 1)),
    zero INTEGER NOT NULL CHECK (zero IN (0, 1)),
    count INTEGER NOT NULL CHECK (count > 0)"""
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS texts (
    digest BLOB PRIMARY KEY CHECK (typeof(digest) = 'blob' AND length(digest) = 16),
    seen INTEGER NOT NULL CHECK (seen >= 0),
    text TEXT CHECK (text IS NULL OR ({_WORDS.format("text")} AND length(text) > 0))
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS days (
    day TEXT NOT NULL CHECK (day IS date(day)),
    query BLOB NOT NULL CHECK (typeof(query) = 'blob' AND length(query) IN (0, 16)),
    {_SHAPE},
    PRIMARY KEY (day, query, fiches, filters, interests, found, zero)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS months (
    month TEXT NOT NULL CHECK (length(month) = 7 AND month || '-01' IS date(month || '-01')),
    query TEXT NOT NULL CHECK ({_WORDS.format("query")}),
    {_SHAPE},
    PRIMARY KEY (month, query, fiches, filters, interests, found, zero)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lost (
    period TEXT PRIMARY KEY CHECK (period IS date(period) OR (length(period) = 7 AND period || '-01' IS date(period || '-01'))),
    count INTEGER NOT NULL CHECK (count > 0)
) WITHOUT ROWID;
"""

Shape = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool, bool]


@dataclass(frozen=True)
class Total:
    """Searches of one shape over a period. ``query``: the words, "" without words, None when
    they were seen fewer than K times while kept (only the fiches, filters and interests remain)."""

    query: str | None
    fiches: tuple[str, ...]
    filters: tuple[str, ...]
    interests: tuple[str, ...]
    found: bool
    zero: bool
    count: int


@dataclass(frozen=True)
class Totals:
    since: date  # widened to whole months where older months were folded
    until: date
    rows: tuple[Total, ...]
    lost: int

    @property
    def searches(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class RollUp:
    months: tuple[str, ...]  # months folded
    dropped_texts: int  # words dropped from clear (seen fewer than K times)
    deleted_months: int
    compacted: bool = False  # the file rewritten to its live content (False: busy, done at the next roll-up)


def month_of(day: date) -> str:
    return day.isoformat()[:7]


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` away from ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def detail_start(today: date) -> date:
    """Days are kept one by one from the first of the previous month: ``--since 30d`` is always exact."""
    return add_months(today, -1)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split()) if text else ()


class Store:
    """The demand database at ``path``, created with its schema on the first write."""

    def __init__(self, path: Path, *, secret: str = "", busy_ms: int = 250) -> None:
        self.path = Path(path)
        self.secret = secret
        self.busy_ms = busy_ms
        self._key: bytes | None = None

    # -- connections ------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self.path.exists():
            # created private before SQLite opens it: its -wal and -shm files take the same mode
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, timeout=self.busy_ms / 1000, isolation_level=None)
        try:
            db.execute("PRAGMA secure_delete = ON")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL: a power cut may lose the last batch, never corrupt
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.exists():
            yield None
            return
        db = sqlite3.connect(f"file:{quote(str(self.path.resolve()))}?mode=ro", uri=True, timeout=5, isolation_level=None)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            db.execute("BEGIN")  # one snapshot for every read
            yield db if {"days", "texts", "months", "lost"} <= tables else None
            db.execute("COMMIT")
        finally:
            db.close()

    def _digest(self, words: str) -> bytes:
        if not words:
            return b""
        if self._key is None:
            self._key = digest_key(self.path.parent, self.secret)
        return hmac.new(self._key, words.encode("utf-8"), hashlib.sha256).digest()[:16]

    # -- writing ----------------------------------------------------------------------------

    def add(self, counts: Mapping[Record, int], *, lost: Mapping[date, int] | None = None) -> None:
        """Add ``n`` searches of each record (``count += n``) and the searches lost, in one transaction."""
        seen: Counter[bytes] = Counter()
        words: dict[bytes, str] = {}
        rows: Counter[tuple[str, bytes, str, str, str, int, int]] = Counter()
        for record, n in counts.items():
            digest = self._digest(record.query)
            if digest:
                seen[digest] += n
                words[digest] = record.query
            key = (record.day.isoformat(), digest, " ".join(record.fiches), " ".join(record.filters),
                   " ".join(record.interests), int(record.found), int(record.zero))
            rows[key] += n
        with self._writing() as db:
            db.executemany(
                "INSERT INTO texts (digest, seen) VALUES (?, ?)"
                " ON CONFLICT (digest) DO UPDATE SET seen = seen + excluded.seen",
                seen.items(),
            )
            db.executemany(
                "UPDATE texts SET text = ? WHERE digest = ? AND text IS NULL AND seen >= ?",
                ((words[digest], digest, K) for digest in seen),
            )
            db.executemany(
                "INSERT INTO days (day, query, fiches, filters, interests, found, zero, count)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (day, query, fiches, filters, interests, found, zero) DO UPDATE SET count = count + excluded.count",
                ((*key, n) for key, n in rows.items()),
            )
            db.executemany(
                "INSERT INTO lost (period, count) VALUES (?, ?) ON CONFLICT (period) DO UPDATE SET count = count + excluded.count",
                ((day.isoformat(), n) for day, n in (lost or {}).items() if n > 0),
            )

    def roll_up(self, today: date) -> RollUp:
        """Fold every month before the previous one into monthly totals (words kept only when seen
        ``K`` times that month), forget words no longer seen ``K`` times among the days kept, delete
        months older than ``MONTHS_KEPT``; then overwrite what was deleted and give the space back."""
        start = detail_start(today).isoformat()
        oldest = month_of(add_months(today, -MONTHS_KEPT))
        with self._writing() as db:
            months = [row[0] for row in db.execute("SELECT DISTINCT substr(day, 1, 7) FROM days WHERE day < ?", (start,))]
            for month in months:
                self._fold(db, month)
            dropped = db.execute("UPDATE texts SET text = NULL WHERE text IS NOT NULL AND seen < ?", (K,)).rowcount
            deleted = db.execute("DELETE FROM months WHERE month < ?", (oldest,)).rowcount
            db.execute("DELETE FROM lost WHERE period < ?", (oldest,))
        compacted = self._compact() if (months or dropped or deleted) else False
        return RollUp(tuple(months), dropped, deleted, compacted)

    def _fold(self, db: sqlite3.Connection, month: str) -> None:
        low, high = f"{month}-01", f"{month}-31"
        rows = db.execute(
            "SELECT d.query, t.text, d.fiches, d.filters, d.interests, d.found, d.zero, SUM(d.count)"
            " FROM days d LEFT JOIN texts t ON t.digest = d.query WHERE d.day BETWEEN ? AND ?"
            " GROUP BY d.query, d.fiches, d.filters, d.interests, d.found, d.zero",
            (low, high),
        ).fetchall()
        per_digest: Counter[bytes] = Counter()
        for digest, *_, n in rows:
            per_digest[digest] += n
        merged: Counter[tuple[str, str, str, str, int, int]] = Counter()
        for digest, text, fiches, filters, interests, found, zero, n in rows:
            words = text if text and per_digest[digest] >= K else ""
            merged[(words, fiches, filters, interests, found, zero)] += n
        db.executemany(
            "INSERT INTO months (month, query, fiches, filters, interests, found, zero, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (month, query, fiches, filters, interests, found, zero) DO UPDATE SET count = count + excluded.count",
            ((month, *key, n) for key, n in merged.items()),
        )
        db.executemany(
            "UPDATE texts SET seen = max(0, seen - ?) WHERE digest = ?",
            ((n, digest) for digest, n in per_digest.items() if digest),
        )
        db.execute("DELETE FROM days WHERE day BETWEEN ? AND ?", (low, high))
        db.execute("DELETE FROM texts WHERE seen = 0")
        lost = db.execute("SELECT SUM(count) FROM lost WHERE length(period) = 10 AND period BETWEEN ? AND ?", (low, high)).fetchone()[0]
        if lost:
            db.execute("DELETE FROM lost WHERE length(period) = 10 AND period BETWEEN ? AND ?", (low, high))
            db.execute(
                "INSERT INTO lost (period, count) VALUES (?, ?) ON CONFLICT (period) DO UPDATE SET count = count + excluded.count",
                (month, lost),
            )

    def _compact(self) -> bool:
        """Rewrite the file to its live content and empty the WAL: the space of folded days is given
        back, and no old page survives anywhere (deleted rows were already overwritten in place)."""
        db = sqlite3.connect(self.path, timeout=self.busy_ms / 1000, isolation_level=None)
        try:
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return True
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return False  # a reader holds a snapshot (bloomr insights): the next roll-up will do it
        finally:
            db.close()

    # -- reading ----------------------------------------------------------------------------

    def totals(self, since: date, until: date) -> Totals:
        """Searches per shape from ``since`` to ``until`` included; months already folded count whole."""
        with self._reading() as db:
            if db is None:
                return Totals(since, until, (), 0)
            first_month, last_month = month_of(since), month_of(until)
            months = [row[0] for row in db.execute(
                "SELECT DISTINCT month FROM months WHERE month BETWEEN ? AND ?", (first_month, last_month))]
            if months:
                since = min(since, date.fromisoformat(months[0] + "-01"))
                until = max(until, add_months(date.fromisoformat(months[-1] + "-01"), 1) - timedelta(days=1))
            rows = db.execute(
                "SELECT CASE WHEN length(d.query) = 0 THEN '' ELSE t.text END, d.fiches, d.filters, d.interests,"
                " d.found, d.zero, SUM(d.count)"
                " FROM days d LEFT JOIN texts t ON t.digest = d.query WHERE d.day BETWEEN ? AND ?"
                " GROUP BY d.query, d.fiches, d.filters, d.interests, d.found, d.zero"
                " UNION ALL"
                " SELECT query, fiches, filters, interests, found, zero, SUM(count) FROM months WHERE month BETWEEN ? AND ?"
                " GROUP BY query, fiches, filters, interests, found, zero",
                (since.isoformat(), until.isoformat(), first_month, last_month),
            ).fetchall()
            lost = db.execute(
                "SELECT COALESCE(SUM(count), 0) FROM lost WHERE (length(period) = 10 AND period BETWEEN ? AND ?)"
                " OR (length(period) = 7 AND period BETWEEN ? AND ?)",
                (since.isoformat(), until.isoformat(), first_month, last_month),
            ).fetchone()[0]
        return Totals(
            since,
            until,
            tuple(
                Total(text, _split(fiches), _split(filters), _split(interests), bool(found), bool(zero), int(n))
                for text, fiches, filters, interests, found, zero, n in rows
            ),
            int(lost),
        )

    def size(self) -> int:
        """Bytes on disk: the database and its WAL."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
