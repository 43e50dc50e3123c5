"""Anti-forgery tokens for every form: signed, bound to their form, short-lived, single use.

No cookie and no server session: a token is ``<issued>.<nonce>.<signature>``, the signature an
HMAC-SHA256 (key: ``BLOOMR_SECRET``, or ``secret.key`` generated beside the volunteers'
database) over the form's purpose (``participate:form``, ``manage:withdraw``…), what it is
bound to (a management link's selector) and the first two parts. ``verify`` checks it in
constant time and returns the nonce; the action then spends the nonce in the same transaction
as its change (``volunteers.store``), so a replayed form changes nothing::

    signer = FormSigner(b"key")
    token = signer.issue("manage:pause", binding="q3…x")
    signer.verify(token, "manage:pause", binding="q3…x")   # Nonce(value="…", expires=…)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from volunteers.model import Nonce
from volunteers.errors import FormNotVerified

MAX_AGE_S = 12 * 3600  # a testimonial takes time to write


class FormExpired(FormNotVerified):
    """A genuine token, but older than ``MAX_AGE_S``: the form is shown again with what was typed."""

    def __init__(self) -> None:
        super().__init__(
            "Cette page est restée ouverte plus de 12\u00a0heures : par sécurité, le formulaire a expiré.",
            remedy="Rien n’a été enregistré. Vérifiez votre texte, puis renvoyez-le.",
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class FormSigner:
    def __init__(self, secret: bytes, *, max_age_s: int = MAX_AGE_S) -> None:
        self._key = hashlib.sha256(b"bloomr-forms-v1|" + secret).digest()
        self.max_age_s = max_age_s

    def _sign(self, purpose: str, binding: str, issued: str, nonce: str) -> str:
        message = "|".join((purpose, binding, issued, nonce)).encode("utf-8")
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self, purpose: str, *, binding: str = "", now: float | None = None) -> str:
        issued = str(int(time.time() if now is None else now))
        nonce = secrets.token_urlsafe(16)
        return f"{issued}.{nonce}.{self._sign(purpose, binding, issued, nonce)}"

    def verify(self, token: str, purpose: str, *, binding: str = "", now: float | None = None) -> Nonce:
        """The token's nonce; ``FormNotVerified`` (missing, forged, other form) or ``FormExpired``."""
        parts = token.split(".") if 0 < len(token) < 200 else []
        if len(parts) != 3 or not parts[0].isdigit():
            raise FormNotVerified()
        issued, nonce, signature = parts
        if not hmac.compare_digest(signature.encode("ascii", "replace"), self._sign(purpose, binding, issued, nonce).encode("ascii")):
            raise FormNotVerified()
        clock = time.time() if now is None else now
        if clock - int(issued) > self.max_age_s or int(issued) - clock > 300:
            raise FormExpired()
        return Nonce(nonce, int(issued) + self.max_age_s + 300)


def load_secret(configured: str, folder: Path) -> bytes:
    """The configured secret, else ``folder/secret.key`` (created once, 0600, 256 random bits)."""
    if configured:
        return configured.encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    try:
        os.write(fd, secrets.token_hex(32).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path.read_bytes().strip()
