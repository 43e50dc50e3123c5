"""The management link by email, through a real SMTP server listening on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from volunteer_kit import DRAFT, act, csrf, fields, local, make_site, submit, token_of
from volunteers.mail import SmtpConfig, send
from web.app import create_app

controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in the test extra")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 (aiosmtpd's name)
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), email.message_from_bytes(content, policy=email.policy.default)))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = controller_module.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    text = message.get_content()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text


def test_the_link_is_emailed_and_works(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    corpus, index, db, settings = make_site(
        tmp_path, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Bloomr <bonjour@bloomr.test>", public_url="https://bloomr.test/"
    )
    with TestClient(create_app(settings)) as client:
        link = submit(client)
        assert link.startswith("https://bloomr.test/gerer?cle=")
        assert len(handler.messages) == 1
        sender, recipients, message = handler.messages[0]
        assert (sender, recipients) == ("bonjour@bloomr.test", [DRAFT["email"]])
        assert message["Subject"] == "Votre lien pour gérer votre témoignage Bloomr"
        text = body_of(message)
        assert link in text and text.startswith("Bonjour Lina,")
        assert client.get(local(link.replace("https://bloomr.test", ""))).status_code == 200
        page = client.get("/gerer", params={"cle": token_of(link)})
        assert "Effacer mon adresse électronique" in page.text
        act(client, link, "forget-email")
        assert "Aucune adresse électronique." in client.get("/gerer", params={"cle": token_of(link)}).text


def test_no_address_no_mail(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    corpus, index, db, settings = make_site(tmp_path, smtp_url=f"smtp://127.0.0.1:{port}")
    with TestClient(create_app(settings)) as client:
        form_link = submit(client, email="")
        assert form_link and handler.messages == []


def test_a_failed_mail_is_said_on_the_thanks_page(tmp_path: Path) -> None:
    corpus, index, db, settings = make_site(tmp_path, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        form = client.get("/participer")
        preview = client.post("/participer", data={**fields(), "csrf": csrf(form.text), "action": "preview"})
        thanks = client.post("/participer", data={**fields(), "csrf": csrf(preview.text), "action": "send"})
        assert thanks.status_code == 200 and "L’envoi du courriel n’a pas abouti" in thanks.text


def test_send_speaks_utf8(inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    config = SmtpConfig.parse(f"smtp://127.0.0.1:{port}")
    assert config is not None
    assert send(config, to="zoé@example.org", subject="Été", body="Ça marche\u00a0!", sender="Bloomr <b@bloomr.test>")
    assert body_of(handler.messages[0][2]).rstrip() == "Ça marche\u00a0!"


@pytest.mark.parametrize(("url", "expected"), [
    ("", None),
    ("smtp://127.0.0.1:8025", SmtpConfig("127.0.0.1", 8025, False)),
    ("smtps://moi%40x:p%40ss@mail.example", SmtpConfig("mail.example", 465, True, "moi@x", "p@ss")),
])
def test_smtp_urls(url: str, expected: SmtpConfig | None) -> None:
    assert SmtpConfig.parse(url) == expected


def test_a_malformed_smtp_url_names_the_setting(tmp_path: Path) -> None:
    corpus, index, db, settings = make_site(tmp_path, smtp_url="http://x")
    with pytest.raises(ValueError, match="BLOOMR_SMTP_URL"):
        create_app(settings)


def test_moderation_decisions_are_emailed(tmp_path: Path, inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from bloomr.cli import main

    handler, port = inbox
    corpus, index, db, settings = make_site(tmp_path, smtp_url=f"smtp://127.0.0.1:{port}")
    with TestClient(create_app(settings)) as client:
        submit(client)
        submit(client, name="Noé")
    for name, value in (("VOLUNTEERS_DB", str(db)), ("SMTP_URL", f"smtp://127.0.0.1:{port}"), ("PUBLIC_URL", "https://bloomr.test")):
        monkeypatch.setenv(f"BLOOMR_{name}", value)
    where = ["--corpus", str(corpus), "--index", str(index)]
    assert main(["accept", "1", *where]) == 0
    assert main(["reject", "2", "--reason", "Merci de ne pas nommer votre employeur.", *where]) == 0
    assert "courriel envoyé à la personne" in capsys.readouterr().out
    published, refused = handler.messages[2][2], handler.messages[3][2]
    assert published["Subject"] == "Votre témoignage est en ligne sur Bloomr"
    assert "https://bloomr.test/temoignages/lina-boulangere" in body_of(published)
    assert refused["Subject"] == "Votre témoignage Bloomr n’a pas été publié"
    assert body_of(refused).startswith("Bonjour Noé,") and "Merci de ne pas nommer votre employeur." in body_of(refused)
