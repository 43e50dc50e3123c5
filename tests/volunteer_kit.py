"""Helpers for the volunteers' tests: a site of its own (corpus copy, index, database) and the form's steps."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from indexer.pipeline import index_corpus
from volunteers.config import Config
from volunteers.mail import SmtpConfig
from volunteers.store import Store
from web.app import create_app
from web.settings import Settings

GOOD = Path(__file__).resolve().parent / "data" / "good"

SENTENCE = "Je façonne les miches au levain dans le fournil de Quimperlé avant l’aube"
DRAFT: dict[str, str] = {
    "name": "Lina",
    "profession": "Boulangère",
    "country": "FR",
    "region": "Finistère",
    "metier": (
        f"{SENTENCE}. Mon travail commence à trois heures : je pèse la farine, je surveille la pousse, "
        "j’enfourne par fournées de quarante pains et je sers les premiers clients à sept heures."
    ),
    "parcours": "CAP de boulangerie en alternance, puis cinq ans chez un artisan avant de reprendre sa boutique.",
    "passion": "L’odeur du pain qui sort du four, et les habitués qui me racontent leur journée.",
    "conseils": "Faites un stage d’observation dans un fournil avant de choisir : les horaires surprennent, le métier aussi.",
    "email": "lina.boulangere@example.org",
}


@dataclass
class Site:
    corpus: Path
    index: Path
    db: Path
    settings: Settings
    client: TestClient

    @property
    def config(self) -> Config:
        return Config(store=Store(self.db), index_dir=self.index, corpus_dir=self.corpus,
                      smtp=SmtpConfig.parse(self.settings.smtp_url), sender=self.settings.mail_from)

    @property
    def store(self) -> Store:
        return Store(self.db)


def make_site(tmp_path: Path, **settings: object) -> tuple[Path, Path, Path, Settings]:
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD, corpus)
    index = tmp_path / "index"
    index_corpus(corpus, index)
    db = tmp_path / "var" / "volunteers.sqlite3"
    values = {"index": index, "corpus": corpus, "volunteers_db": db, **settings}
    return corpus, index, db, Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    corpus, index, db, settings = make_site(tmp_path)
    with TestClient(create_app(settings)) as client:
        yield Site(corpus, index, db, settings, client)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


def management_link(html: str) -> str:
    found = re.search(r'id="management-link" type="text" value="([^"]+)"', html)
    assert found, "no management link on the page"
    return unescape(found.group(1))


def local(link: str) -> str:
    return link.replace("http://testserver", "")


def token_of(link: str) -> str:
    return unescape(link).split("cle=", 1)[1]


def fields(**changes: str) -> dict[str, str]:
    return {**DRAFT, "consent": "oui", **changes}


def submit(client: TestClient, **changes: str) -> str:
    """The three steps of /participer; the management link shown on « merci »."""
    form = client.get("/participer")
    preview = client.post("/participer", data={**fields(**changes), "csrf": csrf(form.text), "action": "preview"})
    assert preview.status_code == 200, preview.text
    thanks = client.post("/participer", data={**fields(**changes), "csrf": csrf(preview.text), "action": "send"})
    assert thanks.status_code == 200, thanks.text
    return management_link(thanks.text)


def edit(client: TestClient, link: str, **changes: str) -> None:
    token = token_of(link)
    form = client.get("/gerer/modifier", params={"cle": token})
    assert form.status_code == 200, form.text
    data = {**fields(**changes), "cle": token}
    preview = client.post("/gerer/modifier", data={**data, "csrf": csrf(form.text), "action": "preview"})
    assert preview.status_code == 200, preview.text
    done = client.post("/gerer/modifier", data={**data, "csrf": csrf(preview.text), "action": "send"}, follow_redirects=False)
    assert done.status_code == 303, done.text


def act(client: TestClient, link: str, action: str) -> None:
    """Confirm then run one management action (pause, resume, withdraw, forget-email)."""
    token = token_of(link)
    confirm = client.get("/gerer", params={"cle": token, "confirmer": action})
    assert confirm.status_code == 200, confirm.text
    done = client.post("/gerer", data={"cle": token, "action": action, "csrf": csrf(confirm.text)}, follow_redirects=False)
    assert done.status_code == 303, done.text
