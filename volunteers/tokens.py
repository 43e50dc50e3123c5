"""Management tokens: the private link that lets a volunteer act on their testimonial.

A token is ``<selector>.<verifier>``: 72 random bits that find the row, then 256 random bits
of which only the SHA-256 is stored and which is compared in constant time. Shown once, never
logged, never stored in clear; a stolen database gives no working link::

    token = new_token()                 # ManagementToken(text="q3…x.Zk…", selector="q3…x", verifier_hash=b"…")
    split(token.text)                   # ("q3…x", "Zk…") or None when malformed
    matches(token.verifier_hash, "Zk…") # True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SELECTOR_BYTES = 9  # 12 URL-safe characters
VERIFIER_BYTES = 32  # 256 bits: at least 128 are required
_SHAPE = re.compile(r"^([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class ManagementToken:
    text: str  # what the volunteer keeps (in the link)
    selector: str
    verifier_hash: bytes


def digest(verifier: str) -> bytes:
    return hashlib.sha256(verifier.encode("ascii")).digest()


def new_token() -> ManagementToken:
    selector = secrets.token_urlsafe(SELECTOR_BYTES)
    verifier = secrets.token_urlsafe(VERIFIER_BYTES)
    return ManagementToken(f"{selector}.{verifier}", selector, digest(verifier))


def split(text: str) -> tuple[str, str] | None:
    """``(selector, verifier)`` of a well-formed token; None for anything else."""
    match = _SHAPE.match(text.strip()) if len(text) < 128 else None
    return (match.group(1), match.group(2)) if match else None


def matches(stored_hash: bytes, verifier: str) -> bool:
    """Constant-time comparison of the stored hash with the hash of ``verifier``."""
    return hmac.compare_digest(stored_hash, digest(verifier))
