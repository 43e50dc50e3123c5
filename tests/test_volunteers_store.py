"""volunteers.store: durable settings, transitions, erasure down to the bytes; tokens, form signing, rate limit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from volunteers.errors import FormNotVerified, Replayed
from volunteers.model import Draft
from volunteers.store import Store
from volunteers.tokens import matches, new_token, split
from web.csrf import FormExpired, FormSigner, load_secret
from web.ratelimit import RateLimiter

DRAFT = Draft(name="Zoé", profession="Boulangère", region="Finistère", country="FR",
              metier="Le pétrin tourne dès trois heures, rue des Capucins.", conseils="Essayez un stage.")


def add(store: Store, nonce: str | None = None) -> int:
    token = new_token()
    return store.add(DRAFT, email="zoe@example.org", selector=token.selector, verifier_hash=token.verifier_hash,
                     now="2026-12-01T10:00:00+00:00", nonce=nonce, nonce_expires=9e9)


def test_the_database_is_durable_by_configuration(tmp_path: Path) -> None:
    store = Store(tmp_path / "v.sqlite3")
    add(store)
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for path in tmp_path.iterdir():  # the database, its -wal and -shm: readable by us only
        assert (path.stat().st_mode & 0o777) == 0o600, path.name
    columns = {row[1] for table in ("submissions", "versions") for row in db.execute(f"PRAGMA table_info({table})")}
    assert not {c for c in columns if any(w in c for w in ("ip", "addr", "agent", "host"))}  # nowhere to put one


def test_transitions(tmp_path: Path) -> None:
    store = Store(tmp_path / "v.sqlite3")
    sid = add(store)
    assert [s.id for s in store.list_pending()] == [sid]
    store.reject(sid, 1, reason="Trop court.", now="2026-12-02T00:00:00+00:00")
    found = store.get(sid)
    assert found is not None and found.state == "rejected" and found.proposed and found.proposed.reason == "Trop court."
    assert store.list_pending() == []
    assert store.propose(sid, DRAFT, email=None, now="2026-12-03T00:00:00+00:00") == 2
    found = store.get(sid)
    assert found and found.state == "pending" and [v.number for v in found.versions] == [2] and found.email is None
    store.reserve_testimonial_id(sid, "zoe-boulangere")
    store.reserve_testimonial_id(sid, "autre")  # given once
    store.publish(sid, 2, now="2026-12-04T00:00:00+00:00")
    store.propose(sid, DRAFT, email=None, now="2026-12-05T00:00:00+00:00")
    found = store.get(sid)
    assert found and found.testimonial_id == "zoe-boulangere" and found.published == "2026-12-04"
    assert found.live and found.live.number == 2 and found.pending and found.pending.number == 3
    store.publish(sid, 3, now="2026-12-06T00:00:00+00:00")
    found = store.get(sid)
    assert found and [v.number for v in found.versions] == [3] and found.published == "2026-12-04"


def test_a_spent_nonce_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "v.sqlite3")
    add(store, nonce="n1")
    with pytest.raises(Replayed):
        add(store, nonce="n1")
    assert store.count() == {"pending": 1}


def test_erasure_leaves_no_byte_of_the_text_or_email(tmp_path: Path) -> None:
    store = Store(tmp_path / "v.sqlite3")
    sid = add(store)
    for _ in range(3):
        add(store)  # neighbours on the same pages
    store.erase(sid, now="2026-12-02T00:00:00+00:00")
    found = store.get(sid)
    assert found and (found.state, found.email, found.versions) == ("withdrawn", None, ())
    for other in range(2, 5):
        store.erase(other, now="2026-12-02T00:00:00+00:00")
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"Capucins" not in data and b"zoe@example.org" not in data


def test_management_tokens() -> None:
    token = new_token()
    parts = split(token.text)
    assert parts is not None and parts[0] == token.selector and len(parts[1]) * 6 >= 256
    assert matches(token.verifier_hash, parts[1]) and not matches(token.verifier_hash, parts[1][:-1] + "A")
    assert split("x") is None and split(token.text + "=") is None and split("a" * 500) is None
    assert new_token().text != token.text


def test_form_signer() -> None:
    signer = FormSigner(b"k")
    token = signer.issue("manage:pause", binding="sel", now=1000)
    assert signer.verify(token, "manage:pause", binding="sel", now=2000).value == token.split(".")[1]
    for purpose, binding in (("manage:withdraw", "sel"), ("manage:pause", "other")):
        with pytest.raises(FormNotVerified):
            signer.verify(token, purpose, binding=binding, now=2000)
    with pytest.raises(FormNotVerified):
        FormSigner(b"other").verify(token, "manage:pause", binding="sel", now=2000)
    with pytest.raises(FormExpired):
        signer.verify(token, "manage:pause", binding="sel", now=1000 + 13 * 3600)


def test_the_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    first = load_secret("", tmp_path)
    assert len(first) == 64 and load_secret("", tmp_path) == first
    assert ((tmp_path / "secret.key").stat().st_mode & 0o777) == 0o600
    assert load_secret("configured", tmp_path) == b"configured"


def test_rate_limiter_is_bounded_and_forgets() -> None:
    limiter = RateLimiter(2, 60, max_keys=3)
    assert [limiter.hit("a", now=0), limiter.hit("a", now=1), limiter.hit("a", now=2)][:2] == [None, None]
    assert limiter.hit("a", now=3) == 58
    assert limiter.hit("a", now=61) is None  # the window slid
    for address in ("203.0.113.9", "203.0.113.10", "2001:db8::1", "198.51.100.7"):
        limiter.hit(address, now=62)
    assert len(limiter._hits) == 3  # bounded
    kept = b"".join(limiter._hits)
    assert len(kept) == 48 and b"203.0" not in kept and b"2001" not in kept  # keyed hashes, never addresses
