"""insights.store: counts added, words kept in clear only from k, months rolled up, nothing else storable."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from insights.record import Record
from insights.store import K, MONTHS_KEPT, Store, add_months, detail_start

TODAY = date(2026, 12, 5)


def rec(query: str, day: date = TODAY, fiches: tuple[str, ...] = (), **more: object) -> Record:
    return Record(day, query, fiches, **more)  # type: ignore[arg-type]


def file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "var" / "insights.sqlite3")


def test_counts_add_up_across_batches(store: Store) -> None:
    notaire = rec("notaire", fiches=("K1901",))
    store.add({notaire: 3})
    store.add({notaire: 2, rec("infirmiere", fiches=("J1506",), found=True): 1}, lost={TODAY: 4})
    totals = store.totals(TODAY, TODAY)
    assert {(t.query, t.fiches, t.count) for t in totals.rows} == {("notaire", ("K1901",), 5), (None, ("J1506",), 1)}
    assert (totals.searches, totals.lost) == (6, 4)


def test_the_file_is_private_and_in_wal_mode(store: Store) -> None:
    store.add({rec("notaire"): 1})
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert (store.path.parent / "insights.key").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_words_reach_the_disk_only_once_seen_k_times(store: Store) -> None:
    rare = rec("zorglub kwyjibo", fiches=("K1901",))
    store.add({rare: K - 1})
    assert b"zorglub" not in file_bytes(store.path)
    assert [(t.query, t.fiches) for t in store.totals(TODAY, TODAY).rows] == [(None, ("K1901",))]  # its fiche stays
    store.add({rare: 1})
    assert b"zorglub kwyjibo" in file_bytes(store.path)
    assert [(t.query, t.count) for t in store.totals(TODAY, TODAY).rows] == [("zorglub kwyjibo", K)]  # every count, from the first


def test_words_from_several_days_and_shapes_meet(store: Store) -> None:
    store.add({rec("veto", date(2026, 12, 1), ("A1504",)): 2, rec("veto", date(2026, 12, 2), ("A1504",), zero=True): 2})
    store.add({rec("veto", date(2026, 12, 3), ("A1504",), filters=("region=FR-BRE",)): 1})
    assert {t.query for t in store.totals(date(2026, 12, 1), TODAY).rows} == {"veto"}


def test_reading_a_missing_database_is_an_empty_period(tmp_path: Path) -> None:
    totals = Store(tmp_path / "absent.sqlite3").totals(date(2026, 11, 1), TODAY)
    assert (totals.rows, totals.lost, totals.searches) == ((), 0, 0)
    assert not (tmp_path / "absent.sqlite3").exists()  # reading never creates it


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("day", "2026-12-01 10:42"),
        ("day", "2026-12-01T10:42:00"),
        ("day", "2026-13-01"),
        ("query", b"127.0.0.1"),
        ("fiches", "192.168.1.20"),
        ("fiches", "K1901 ::1"),
        ("filters", "region=FR-BRE ua=Mozilla/5.0"),
        ("filters", "ip=10.0.0.1"),
        ("interests", "cookie=abc;def"),
        ("interests", "Mozilla/5.0 (X11)"),
    ],
)
def test_the_schema_refuses_what_is_not_a_day_or_a_known_code(store: Store, column: str, value: object) -> None:
    store.add({rec("notaire"): 1})
    row = {"day": "2026-12-01", "query": b"", "fiches": "", "filters": "", "interests": "", "found": 0, "zero": 0, "count": 1}
    row[column] = value
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO days VALUES (:day, :query, :fiches, :filters, :interests, :found, :zero, :count)", row)
    db.close()


@pytest.mark.parametrize("words", ["192 168 1 20", "Mozilla", "mozilla x11 linux x86_64", "lea@example", "un deux trois quatre cinq six",
                                   " notaire", "notaire  lyon"])
def test_words_in_clear_are_letters_and_spaces_at_most_five(store: Store, words: str) -> None:
    store.add({rec("notaire"): 1})
    with sqlite3.connect(store.path) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO months VALUES ('2026-10', ?, '', '', '', 0, 0, 1)", (words,))
    db.close()


def test_no_column_can_hold_an_address_an_agent_a_cookie_or_a_time(store: Store) -> None:
    store.add({rec("notaire"): 1})
    with sqlite3.connect(store.path) as db:
        columns = {
            table: [(c[1], c[2]) for c in db.execute(f"PRAGMA table_info({table})")]
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    db.close()
    assert columns == {
        "texts": [("digest", "BLOB"), ("seen", "INTEGER"), ("text", "TEXT")],
        "days": [("day", "TEXT"), ("query", "BLOB"), ("fiches", "TEXT"), ("filters", "TEXT"), ("interests", "TEXT"),
                 ("found", "INTEGER"), ("zero", "INTEGER"), ("count", "INTEGER")],
        "months": [("month", "TEXT"), ("query", "TEXT"), ("fiches", "TEXT"), ("filters", "TEXT"), ("interests", "TEXT"),
                   ("found", "INTEGER"), ("zero", "INTEGER"), ("count", "INTEGER")],
        "lost": [("period", "TEXT"), ("count", "INTEGER")],
    }


def test_detail_is_kept_from_the_first_of_the_previous_month() -> None:
    assert detail_start(date(2026, 12, 5)) == date(2026, 11, 1)
    assert detail_start(date(2026, 1, 31)) == date(2025, 12, 1)
    assert add_months(date(2026, 12, 5), -MONTHS_KEPT) == date(2024, 12, 1)


def test_roll_up_folds_old_months_and_drops_rare_words(store: Store) -> None:
    sept, octo, nov = date(2026, 9, 10), date(2026, 10, 3), date(2026, 11, 20)
    store.add({
        rec("notaire", sept, ("K1901",)): 6,  # frequent in September: kept in clear
        rec("lea kovaru brest", sept, ("D1102",)): 3,  # admitted (5 in the detail window) but rare in each month
        rec("lea kovaru brest", octo, ("D1102",)): 2,
        rec("notaire", nov, ("K1901",)): 1,  # November stays by day
    }, lost={sept: 2, octo: 1})
    assert b"lea kovaru brest" in file_bytes(store.path)
    done = store.roll_up(TODAY)
    assert done.months == ("2026-09", "2026-10")
    with sqlite3.connect(store.path) as db:
        months = sorted(db.execute("SELECT month, query, fiches, count FROM months"))
        days = db.execute("SELECT day, count FROM days").fetchall()
        texts = db.execute("SELECT seen, text FROM texts").fetchall()
        lost = sorted(db.execute("SELECT period, count FROM lost"))
    db.close()
    assert months == [("2026-09", "", "D1102", 3), ("2026-09", "notaire", "K1901", 6), ("2026-10", "", "D1102", 2)]
    assert days == [("2026-11-20", 1)]
    assert texts == [(1, None)]  # « notaire »: seen once among the days kept, no longer in clear
    assert lost == [("2026-09", 2), ("2026-10", 1)]
    raw = file_bytes(store.path)
    assert b"kovaru" not in raw  # overwritten, not only unlinked from the b-tree (secure_delete, WAL truncated)
    assert not Path(f"{store.path}-wal").exists() or Path(f"{store.path}-wal").stat().st_size == 0


def test_folded_months_count_whole_in_a_period(store: Store) -> None:
    store.add({rec("notaire", date(2026, 9, 10), ("K1901",)): 6, rec("notaire", date(2026, 11, 20), ("K1901",)): 1})
    store.roll_up(TODAY)
    totals = store.totals(date(2026, 9, 20), TODAY)
    assert (totals.since, totals.until, totals.searches) == (date(2026, 9, 1), TODAY, 7)
    assert store.totals(date(2026, 11, 1), TODAY).searches == 1


def test_old_months_are_deleted_and_the_file_stays_bounded(store: Store) -> None:
    for months_ago in range(MONTHS_KEPT + 6, 1, -1):
        day = add_months(TODAY, -months_ago)
        store.add({rec(f"metier {chr(97 + i % 26)}{chr(97 + i // 26 % 26)}", day, ("K1901",)): 1 for i in range(300)})
        store.roll_up(add_months(day, 2))
    store.roll_up(TODAY)
    with sqlite3.connect(store.path) as db:
        months = [m for (m,) in db.execute("SELECT DISTINCT month FROM months ORDER BY month")]
        words = db.execute("SELECT COUNT(*) FROM months WHERE query != ''").fetchone()[0]
    db.close()
    assert months[0] == add_months(TODAY, -MONTHS_KEPT).isoformat()[:7] and len(months) <= MONTHS_KEPT
    assert words == 0  # each word once a month: none reached k
    assert store.size() < 200_000


def test_another_process_reading_during_a_write(store: Store) -> None:
    store.add({rec("notaire"): 1})
    reader = sqlite3.connect(store.path)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM days").fetchone()  # a snapshot held open (bloomr insights)
    store.add({rec("notaire"): 1})  # WAL: the writer is not blocked
    reader.execute("COMMIT")
    reader.close()
    assert store.totals(TODAY, TODAY).searches == 2
