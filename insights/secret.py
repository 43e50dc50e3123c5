"""The key of the words' digests: words seen fewer than k times are kept only as a keyed digest.

``digest_key(folder, configured)``: derived from ``BLOOMR_SECRET`` when it is set, else read from
``folder/insights.key`` (256 random bits, 0600, created once, atomically). The key never enters
the database, so the database alone cannot even confirm a guess of what someone typed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "insights.key"


def digest_key(folder: Path, configured: str = "") -> bytes:
    if configured:
        return hmac.new(configured.encode("utf-8"), b"bloomr insights: digests of words", hashlib.sha256).digest()
    path = folder / KEY_FILE
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    except ValueError as exc:
        raise OSError(f"{path}: not a key written by bloomr (delete it to start new digests)") from exc
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    scratch = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_hex(32).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(scratch, path)  # atomic: the first writer wins, with its whole content
    except FileExistsError:
        pass
    finally:
        scratch.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())
