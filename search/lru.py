"""Caches: ``Lru``, a thread-safe least-recently-used map bounded both in summed weight and in
entries, and ``Memo``, values derived once from an immutable thing (a generation, its store).

Bounding entries as well as weight matters: a word absent from the index has empty postings
(weight 0), and 30,000 distinct misspellings must not grow a process by 88 MB.

>>> cache = Lru(budget=100, weight=len, max_entries=2)
>>> cache.get("a", lambda: [1, 2, 3])
[1, 2, 3]
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class Lru(Generic[K, V]):
    def __init__(self, budget: int, weight: Callable[[V], int], *, max_entries: int) -> None:
        self.budget = budget
        self.weight = weight
        self.max_entries = max_entries
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """Summed weight of the values kept."""
        return self._size

    def get(self, key: K, read: Callable[[], V]) -> V:
        """The value for ``key``; read (outside the lock) and kept when missing."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        value = read()
        weight = max(0, int(self.weight(value)))
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, weight)
                self._size += weight
                while len(self._items) > 1 and (self._size > self.budget or len(self._items) > self.max_entries):
                    _, (_, old) = self._items.popitem(last=False)
                    self._size -= old
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


class Memo:
    """Values derived from one generation, each built once (thread-safe). A value may be built
    from another one (the A–Z of métiers from the testimonials per fiche): the lock is reentrant."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._lock = threading.RLock()

    def get(self, key: str, build: Callable[[], T]) -> T:
        try:
            return self._values[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._lock:
            if key not in self._values:
                self._values[key] = build()
            return self._values[key]  # type: ignore[no-any-return]
