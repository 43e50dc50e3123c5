"""A per-address rate limit kept in memory only: no address is stored, not even there.

Each address is reduced to a keyed hash (a random key per process, never written down), and
only the times of its last requests within the window are kept; at most ``max_keys`` addresses
are tracked (the oldest forgotten first), so a flood cannot grow memory::

    limiter = RateLimiter(limit=30, window_s=3600)
    limiter.hit("203.0.113.9")   # None: allowed; else the seconds to wait
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    def __init__(self, limit: int, window_s: float = 3600.0, *, max_keys: int = 20_000) -> None:
        self.limit = max(1, limit)
        self.window_s = window_s
        self.max_keys = max_keys
        self._key = secrets.token_bytes(32)
        self._hits: OrderedDict[bytes, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, address: str) -> bytes:
        return hmac.new(self._key, address.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]

    def hit(self, address: str, *, now: float | None = None) -> int | None:
        """Count one request from ``address``; None if allowed, else the seconds until it would be."""
        clock = time.monotonic() if now is None else now
        key = self._digest(address)
        with self._lock:
            times = self._hits.pop(key, None) or deque()
            while times and clock - times[0] >= self.window_s:
                times.popleft()
            self._hits[key] = times
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            if len(times) >= self.limit:
                return max(1, int(self.window_s - (clock - times[0])) + 1)
            times.append(clock)
            return None
