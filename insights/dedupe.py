"""Once a day per address: the same search from the same address counts once, in memory only.

No address is kept, not even here: each (address, search) pair is reduced to a keyed hash with a
random key that lives in memory and is replaced every day, when the set is emptied; at most
``capacity`` pairs are remembered (past that the set starts afresh: a few repeats may count
twice, nothing grows without bound)::

    once = OncePerDay()
    once.first("203.0.113.9", ("infirmiere", …), day)   # True: count it
    once.first("203.0.113.9", ("infirmiere", …), day)   # False: a reload, the back button…

Behind a reverse proxy, give uvicorn ``--forwarded-allow-ips`` so that visitors are told apart;
a school's computer room behind one address counts each search once a day (we prefer to
under-count a class than to let one person push their own words past the k threshold).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Hashable
from datetime import date

CAPACITY = 100_000


class OncePerDay:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._day: date | None = None
        self._key = b""
        self._seen: set[bytes] = set()
        self._lock = threading.Lock()

    def first(self, source: str, shape: Hashable, day: date) -> bool:
        """Whether ``source`` asks ``shape`` for the first time on ``day`` (and remember it)."""
        with self._lock:
            if day != self._day:
                self._day, self._key, self._seen = day, secrets.token_bytes(32), set()
            digest = hashlib.blake2b(repr((source, shape)).encode("utf-8", "replace"), key=self._key, digest_size=12).digest()
            if digest in self._seen:
                return False
            if len(self._seen) >= self.capacity:
                self._seen = set()
            self._seen.add(digest)
            return True
