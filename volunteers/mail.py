"""Email to a volunteer through the SMTP server of ``BLOOMR_SMTP_URL``; nothing is sent without one.

``smtp://[user:password@]host[:port]`` (STARTTLS when the server offers it) or
``smtps://…`` (TLS from the start). A failure is reported to the caller, never retried with
the address kept anywhere, and logged by its kind only (no address, no link)::

    send(SmtpConfig.parse("smtp://127.0.0.1:8025"), to="lina@example.fr", subject="…", body="…",
         sender="Bloomr <bonjour@bloomr.example>")
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

logger = logging.getLogger("bloomr.mail")
TIMEOUT_S = 10


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    user: str = ""
    password: str = ""

    @classmethod
    def parse(cls, url: str) -> "SmtpConfig | None":
        """None for an empty URL; ValueError (in French) for a malformed one."""
        if not url.strip():
            return None
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("adresse attendue de la forme smtp://hote:port ou smtps://utilisateur:motdepasse@hote:port")
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            tls=tls,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )


def send(config: SmtpConfig, *, to: str, subject: str, body: str, sender: str) -> bool:
    """Send one plain-text message; whether the server accepted it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="bloomr")
    message.set_content(body)
    try:
        if config.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT_S, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if not config.tls and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if config.user:
                client.login(config.user, config.password)
            client.send_message(message)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("mail not sent: %s", type(exc).__name__)
        return False
