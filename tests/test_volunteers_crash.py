"""Killing the server (kill -9) right after an acknowledged submission loses nothing.

A real uvicorn in its own process, real sockets: the « merci » page comes back, the process is
killed at once, and the submission is read back from disk, then served by a new process."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest

from uvicorn_process import Uvicorn
from volunteer_kit import DRAFT, SENTENCE, csrf, fields, make_site
from volunteers.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    corpus, index, db, _ = make_site(tmp_path)
    env = {"BLOOMR_INDEX": str(index), "BLOOMR_CORPUS": str(corpus),
           "BLOOMR_VOLUNTEERS_DB": str(db), "BLOOMR_ALLOWED_HOSTS": "127.0.0.1"}
    yield env, db


def test_kill_9_right_after_merci_loses_nothing(environment: tuple[dict[str, str], Path]) -> None:
    env, db = environment
    server = Uvicorn(env)
    base = server.url
    try:
        with httpx.Client(base_url=base) as client:
            form = client.get("/participer")
            preview = client.post("/participer", data={**fields(), "csrf": csrf(form.text), "action": "preview"})
            thanks = client.post("/participer", data={**fields(), "csrf": csrf(preview.text), "action": "send"})
            os.kill(server.pid, signal.SIGKILL)  # the very moment the acknowledgement arrived
        assert thanks.status_code == 200 and "Merci, Lina" in thanks.text
    finally:
        returncode = server.kill()
    assert returncode == -signal.SIGKILL

    found = Store(db).list_pending()  # read from disk by another process
    assert len(found) == 1 and found[0].pending is not None
    assert found[0].pending.draft.metier.startswith(SENTENCE) and found[0].email == DRAFT["email"]

    link = unescape(re.search(r'id="management-link" type="text" value="([^"]+)"', thanks.text).group(1))  # type: ignore[union-attr]
    restarted = Uvicorn(env)
    try:
        page = httpx.get(link.replace(base, restarted.url))
        assert page.status_code == 200 and "En attente de relecture" in page.text
    finally:
        restarted.stop()
