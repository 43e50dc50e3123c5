"""Rendered pages of the serving generation, gzipped once, by canonical URL: most visits repeat a few searches.

``PageCache`` keeps, per worker process, the gzipped bytes of pages built for the generation
being served, bounded in bytes and in entries (least recently used first out). A page depends on
its canonical URL (``web.urls`` gives equal states equal URLs), the site's origin (absolute
links) and the generation value: a new generation — a rebuild, an update, a withdrawal or a
pause applied from the ledger — is a new value, and the cache empties itself the moment a
request sees it, so a withdrawn testimonial never survives in a cached page.

    cache = PageCache()
    page = cache.get(generation, key)            # None, or a CachedPage
    cache.put(generation, key, CachedPage.of(status, media_type, body, headers, record=...))
    page.response(request)                       # gzipped when accepted, marked X-Bloomr-Cache: hit
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from insights.record import Record
from search.generation import Generation

BUDGET_BYTES = 16 * 1024 * 1024
"""Gzipped bytes kept per worker: about 2,000 results pages."""
MAX_ENTRIES = 4000
GZIP_LEVEL = 6
CACHE_HEADER = "X-Bloomr-Cache"


@dataclass(frozen=True)
class CachedPage:
    status: int
    media_type: str
    gzipped: bytes
    headers: tuple[tuple[str, str], ...] = ()
    record: Record | None = None
    """The search the page shows, as ``bloomr insights`` counts it: a hit counts again."""

    @classmethod
    def of(cls, status: int, media_type: str, body: bytes, headers: Mapping[str, str] | None = None, *,
           record: Record | None = None) -> "CachedPage":
        kept = tuple((k, v) for k, v in (headers or {}).items() if k.lower() not in ("content-length", "content-encoding"))
        return cls(status, media_type, gzip.compress(body, GZIP_LEVEL, mtime=0), kept, record)

    def response(self, request: Request, *, hit: bool = True) -> Response:
        """The page for this request: gzipped if the client accepts it, plain otherwise."""
        headers = dict(self.headers)
        headers[CACHE_HEADER] = "hit" if hit else "miss"
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, status_code=self.status, media_type=self.media_type, headers=headers)
        return Response(gzip.decompress(self.gzipped), status_code=self.status, media_type=self.media_type, headers=headers)


class PageCache:
    def __init__(self, *, budget: int = BUDGET_BYTES, max_entries: int = MAX_ENTRIES) -> None:
        self.budget = budget
        self.max_entries = max_entries
        self._generation: Generation | None = None
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _follow(self, generation: Generation) -> None:
        """Forget every page when the generation served is another value. Holds the lock."""
        if self._generation is not generation:
            self._generation = generation
            self._pages.clear()
            self._size = 0

    def get(self, generation: Generation, key: Hashable) -> CachedPage | None:
        with self._lock:
            self._follow(generation)
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, generation: Generation, key: Hashable, page: CachedPage) -> None:
        with self._lock:
            self._follow(generation)
            if key in self._pages or len(page.gzipped) > self.budget // 8:
                return
            self._pages[key] = page
            self._size += len(page.gzipped)
            while self._pages and (self._size > self.budget or len(self._pages) > self.max_entries):
                _, old = self._pages.popitem(last=False)
                self._size -= len(old.gzipped)

    def figures(self) -> dict[str, int]:
        with self._lock:
            return {"entries": len(self._pages), "bytes": self._size, "hits": self.hits, "misses": self.misses}
