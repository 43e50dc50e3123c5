"""Searches driven through the app are counted by the rules, reach the database without anything
identifying, and a locked, read-only, full or missing database (or a full queue) never fails a search.

In process (TestClient, each visitor its own client address) and over real HTTP (uvicorn, visitors
told apart by X-Forwarded-For from 127.0.0.1, which uvicorn trusts by default). No sleep: the app's
recorder is flushed by the test (``Recorder.flush``) or by the server's shutdown.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from insights.recorder import Recorder, utc_today
from insights.store import K, Store
from uvicorn_process import Uvicorn
from web.app import create_app
from web.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
UNIQUE_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Uniqagent5e1f9c/1.0 Chrome/131.0"
UNIQUE_ADDRESS = "203.0.113.77"
UNIQUE_COOKIE = "session=cookie5e1f9csecret"
RARE = "zorglub kwyjibo"


def today() -> date:
    return utc_today()


def counts(db: Path) -> dict[str | None, int]:
    """Searches per words (None: words seen fewer than k times) today."""
    found: dict[str | None, int] = {}
    for row in Store(db).totals(today(), today()).rows:
        found[row.query] = found.get(row.query, 0) + row.count
    return found


def file_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


def by_hand(app: Starlette) -> None:
    """The app's recorder, its background writer stopped: the test flushes, nothing races it."""
    started: Recorder = app.state.insights
    started.close()
    app.state.insights = Recorder(started.store)


@pytest.fixture
def site(understood_index: Path, tmp_path: Path) -> Iterator[tuple[Starlette, Path]]:
    db = tmp_path / "var" / "insights.sqlite3"
    app = create_app(Settings(index=understood_index, insights_db=db))
    with TestClient(app):  # the lifespan: index opened, recorder started (and closed at the end)
        by_hand(app)
        yield app, db


def visitor(app: Starlette, n: int, **headers: str) -> TestClient:
    return TestClient(app, client=(f"198.51.100.{n}", 40000 + n), headers={"user-agent": BROWSER, **headers})


def recorder(app: Starlette) -> Recorder:
    found: Recorder = app.state.insights
    return found


# -- what counts ----------------------------------------------------------------------------


def test_each_visitor_counts_once_per_search(site: tuple[Starlette, Path]) -> None:
    app, db = site
    for n in range(6):
        assert visitor(app, n).get("/recherche", params={"q": "notaire"}).status_code == 200
    again = visitor(app, 0)
    for _ in range(3):  # reload, back button, a sort: the same search from the same address
        assert again.get("/recherche", params={"q": "Notaire", "sort": "recent"}).status_code == 200
    assert visitor(app, 7).get("/api/search", params={"q": "notaire"}).status_code == 200
    recorder(app).flush()
    assert counts(db) == {"notaire": 7}


def test_pages_typing_robots_prefetch_and_browsing_do_not_count(site: tuple[Starlette, Path]) -> None:
    app, db = site
    seen = [
        visitor(app, 1).get("/recherche", params={"q": "notaire", "page": "2"}),
        visitor(app, 2, **{"x-bloomr-live": "typing"}).get("/recherche", params={"q": "nota"}),
        visitor(app, 3, **{"user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}).get(
            "/recherche", params={"q": "notaire"}),
        visitor(app, 4, **{"user-agent": "curl/8.5.0"}).get("/api/search", params={"q": "notaire"}),
        visitor(app, 5, **{"sec-purpose": "prefetch"}).get("/recherche", params={"q": "notaire"}),
        visitor(app, 6).get("/recherche"),  # browsing everything: nothing asked
        visitor(app, 7).head("/recherche", params={"q": "notaire"}),
        visitor(app, 8).get("/recherche", params={"q": "notaire", "sort": "random"}, follow_redirects=False),
    ]
    assert [r.status_code for r in seen] == [200, 200, 200, 200, 200, 200, 200, 303]
    recorder(app).flush()
    assert counts(db) == {}


def test_the_beacon_counts_the_search_a_visitor_settled_on(site: tuple[Starlette, Path]) -> None:
    app, db = site
    typist = visitor(app, 1)
    for prefix in ("n", "no", "not", "nota", "notai", "notair", "notaire"):
        assert typist.get("/recherche", params={"q": prefix}, headers={"x-bloomr-live": "typing"}).status_code == 200
    beacon = typist.post("/recherche/vue", params={"q": "notaire"}, headers={"sec-fetch-site": "same-origin"})
    assert (beacon.status_code, beacon.content) == (204, b"")
    assert typist.post("/recherche/vue", params={"q": "notaire"}).status_code == 204  # twice: still once
    cross = visitor(app, 2).post("/recherche/vue", params={"q": "notaire"}, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 204
    assert visitor(app, 3).post("/recherche/vue", params={"q": "x" * 500}).status_code == 204  # too long: nothing
    assert visitor(app, 3).get("/recherche/vue").status_code == 405
    recorder(app).flush()
    rows = Store(db).totals(today(), today()).rows
    assert [(row.query, row.fiches, row.count) for row in rows] == [(None, ("K1901",), 1)]  # once; words seen < k


def test_k_threshold_through_the_report(site: tuple[Starlette, Path], understood_index: Path, tmp_path: Path) -> None:
    app, db = site
    for n in range(K):
        visitor(app, n).get("/recherche", params={"q": "xqzzykw"})
    for n in range(K - 1):
        visitor(app, n).get("/recherche", params={"q": "plouf kwyjibo"})
    visitor(app, 1).get("/recherche", params={"q": "boulanger"})
    recorder(app).flush()
    done = subprocess.run(
        [sys.executable, "-m", "bloomr.cli", "insights", "--json", "--index", str(understood_index), "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    report = json.loads(done.stdout)
    assert report["searches"] == 2 * K
    assert [{"query": z["query"], "count": z["count"]} for z in report["zero_result"]] == [{"query": "xqzzykw", "count": K}]
    assert "kwyjibo" not in done.stdout
    assert {"rome": "D1102", "label": "Boulanger / Boulangère", "searches": 1, "testimonials": 1} in [
        {key: item[key] for key in ("rome", "label", "searches", "testimonials")} for item in report["unmet"]
    ]


# -- nothing identifying ------------------------------------------------------------------------


def test_nothing_identifying_reaches_the_database_nor_the_logs(
    site: tuple[Starlette, Path], caplog: pytest.LogCaptureFixture
) -> None:
    app, db = site
    caplog.set_level(logging.DEBUG)
    client = TestClient(app, client=(UNIQUE_ADDRESS, 51515), headers={"user-agent": UNIQUE_AGENT, "cookie": UNIQUE_COOKIE})
    assert client.get("/recherche", params={"q": RARE}).status_code == 200
    assert client.get("/api/search", params={"q": "infirmière bretagne"}).status_code == 200
    for n in range(K):
        visitor(app, n).get("/recherche", params={"q": "infirmière bretagne"})
    recorder(app).flush()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a failure, so that the logs have something to say
    try:
        assert client.get("/recherche", params={"q": RARE + " encore"}).status_code == 200
        recorder(app).flush()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    recorder(app).flush()
    assert counts(db)["infirmiere bretagne"] == K + 1
    raw = file_bytes(db) + b"".join(p.read_bytes() for p in db.parent.iterdir())
    # the server's logs: every logger but the test's own HTTP client, which logs the URLs it asks for
    logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("httpx"))
    assert "not being recorded" in logs
    for secret in (UNIQUE_ADDRESS, "Uniqagent5e1f9c", "cookie5e1f9c", "zorglub", "kwyjibo", "testclient"):
        assert secret.encode() not in raw, secret
        assert secret not in logs, secret


# -- faults: a search never fails -------------------------------------------------------------


def test_a_locked_database_never_fails_a_search(site: tuple[Starlette, Path], caplog: pytest.LogCaptureFixture) -> None:
    app, db = site
    visitor(app, 0).get("/recherche", params={"q": "notaire"})
    recorder(app).flush()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another connection holds the exclusive lock
    try:
        with caplog.at_level(logging.WARNING, logger="bloomr.insights"):
            for n in range(1, 7):
                assert visitor(app, n).get("/recherche", params={"q": "notaire"}).status_code == 200
                assert visitor(app, n).get("/api/search", params={"q": "boulanger"}).status_code == 200
                assert recorder(app).flush() == 0
        warnings = [r for r in caplog.records if r.name == "bloomr.insights"]
        assert len(warnings) == 1 and "database is locked" in warnings[0].getMessage()  # logged once
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert visitor(app, 9).get("/recherche", params={"q": "notaire"}).status_code == 200
    assert recorder(app).flush() == 1
    totals = Store(db).totals(today(), today())
    assert (totals.searches, totals.lost) == (2, 12)
    assert "recording again (12 searches lost meanwhile)" in caplog.text


def test_a_full_queue_drops_and_counts(site: tuple[Starlette, Path]) -> None:
    app, db = site
    app.state.insights.close()
    app.state.insights = Recorder(Store(db), capacity=3)  # no writer running: the queue fills up
    for n in range(10):
        assert visitor(app, n).get("/recherche", params={"q": "notaire"}).status_code == 200
    assert recorder(app).flush() == 3
    totals = Store(db).totals(today(), today())
    assert (totals.searches, totals.lost) == (3, 7)


def test_a_missing_database_is_created_again_and_an_impossible_one_is_lost(
    understood_index: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database's directory should be")
    app = create_app(Settings(index=understood_index, insights_db=blocker / "insights.sqlite3"))
    with TestClient(app):
        by_hand(app)
        assert visitor(app, 1).get("/recherche", params={"q": "notaire"}).status_code == 200
        assert recorder(app).flush() == 0 and recorder(app).lost == 1
    db = tmp_path / "var" / "insights.sqlite3"
    app = create_app(Settings(index=understood_index, insights_db=db))
    with TestClient(app):
        by_hand(app)
        visitor(app, 1).get("/recherche", params={"q": "notaire"})
        recorder(app).flush()
        for path in db.parent.glob("insights.sqlite3*"):
            path.unlink()  # deleted under the running site
        visitor(app, 2).get("/recherche", params={"q": "notaire"})
        assert recorder(app).flush() == 1
    assert Store(db).totals(today(), today()).searches == 1


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (root only); skipped where mounting is not allowed."""
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


@pytest.mark.slow
def test_a_read_only_database_never_fails_a_search(understood_index: Path, tmpfs: Path) -> None:
    db = tmpfs / "insights.sqlite3"
    app = create_app(Settings(index=understood_index, insights_db=db))
    with TestClient(app):
        by_hand(app)
        visitor(app, 0).get("/recherche", params={"q": "notaire"})
        assert recorder(app).flush() == 1
        subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
        try:
            for n in range(1, 6):
                assert visitor(app, n).get("/recherche", params={"q": "notaire"}).status_code == 200
            assert recorder(app).flush() == 0 and recorder(app).lost == 5
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
        visitor(app, 9).get("/recherche", params={"q": "notaire"})
        assert recorder(app).flush() == 1
    totals = Store(db).totals(today(), today())
    assert (totals.searches, totals.lost) == (2, 5)


@pytest.mark.slow
def test_a_full_disk_never_fails_a_search(understood_index: Path, tmpfs: Path) -> None:
    db = tmpfs / "insights.sqlite3"
    app = create_app(Settings(index=understood_index, insights_db=db))
    with TestClient(app):
        by_hand(app)
        visitor(app, 0).get("/recherche", params={"q": "notaire"})
        assert recorder(app).flush() == 1
        filler = tmpfs / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):  # until the file system is full
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        try:
            for n in range(1, 200):  # distinct words: new rows, new pages
                assert visitor(app, n % 250).get("/recherche", params={"q": f"metier {chr(97 + n % 26)}{chr(97 + n // 26)}"}).status_code == 200
            assert recorder(app).flush() == 0 and recorder(app).lost == 199
        finally:
            filler.unlink()
        visitor(app, 9).get("/recherche", params={"q": "notaire"})
        assert recorder(app).flush() == 1
    totals = Store(db).totals(today(), today())
    assert (totals.searches, totals.lost) == (2, 199)
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


# -- over real HTTP --------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_http_counts_and_keeps_nothing_identifying(understood_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "var" / "insights.sqlite3"
    Store(db).add({})  # the database exists, so that another connection can lock it below
    server = Uvicorn({"BLOOMR_INDEX": str(understood_index), "BLOOMR_INSIGHTS_DB": str(db),
                      "BLOOMR_ALLOWED_HOSTS": "127.0.0.1"})  # as `bloomr serve` runs it
    base = server.url
    statuses = []
    try:
        with httpx.Client(base_url=base, headers={"user-agent": BROWSER}) as http:
            for n in range(K):
                statuses.append(http.get("/recherche", params={"q": "notaire"}, headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code)
            statuses.append(http.get("/recherche", params={"q": "notaire"}, headers={"x-forwarded-for": "198.51.100.0"}).status_code)
            statuses.append(http.get("/recherche", params={"q": "nota"}, headers={"x-bloomr-live": "typing"}).status_code)
            statuses.append(http.post("/recherche/vue", params={"q": "boulanger"}, headers={"sec-fetch-site": "same-origin"}).status_code)
            statuses.append(http.get("/api/search", params={"q": RARE}, headers={
                "x-forwarded-for": UNIQUE_ADDRESS, "user-agent": UNIQUE_AGENT, "cookie": UNIQUE_COOKIE}).status_code)
            holder = sqlite3.connect(db, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                statuses.append(http.get("/recherche", params={"q": "infirmière"}, headers={"x-forwarded-for": "198.51.100.9"}).status_code)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
    finally:
        server.stop()  # graceful: the lifespan writes the last batch
    logs = [server.log()]
    assert statuses == [200] * K + [200, 200, 204, 200, 200]
    totals = Store(db).totals(today(), today())
    words = {row.query for row in totals.rows}
    assert totals.searches + totals.lost == K + 3  # notaire ×5, boulanger, the rare words, infirmière
    assert "notaire" in words and "boulanger" not in words  # seen once: its fiche only
    raw = file_bytes(db) + "".join(logs).encode()
    for secret in (UNIQUE_ADDRESS, "Uniqagent5e1f9c", "cookie5e1f9c", "zorglub", "kwyjibo", "198.51.100."):
        assert secret.encode() not in raw, secret
