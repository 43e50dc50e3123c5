"""Which requests count as a search a youth made: the rules, as one pure function.

A search counts once, when the visitor settles on it. ``skip_reason`` says why a request does
not count (None: it counts); the web layer applies it to ``/recherche`` and ``/api/search``::

    >>> skip_reason(method="GET", page=1, headers={"user-agent": "Mozilla/5.0 …"})
    >>> skip_reason(method="GET", page=2, headers={"user-agent": "Mozilla/5.0 …"})
    'page'
    >>> skip_reason(method="GET", page=1, headers={"x-bloomr-live": "typing", "user-agent": "Mozilla/5.0"})
    'typing'

The rules (README, « Demand insights »):

- **as you type**: the results page's script fetches results while the visitor types and marks
  those requests ``X-Bloomr-Live: typing``; they do not count. The script then reports the
  search the visitor settled on (no keystroke for 2 s, the field left, a filter or a link
  chosen, the page hidden) by one beacon to ``/recherche/vue``; pressing Enter is a request of
  its own, which counts.
- **pages**: only page 1 counts; pages 2 and beyond are the same search, read further.
- **robots**: a client naming itself a robot, a crawler, a link preview or a bare HTTP library
  (curl, python-requests…), or sending no User-Agent, does not count; ``robots.txt`` already
  keeps polite ones off filtered results. The User-Agent is read here and never kept.
- **prefetch**: speculative loads (``Sec-Purpose: prefetch``, ``Purpose: prefetch``) do not count.
- **beacons from elsewhere**: a beacon another site made a browser send (``Sec-Fetch-Site``
  neither same-origin nor none) does not count.
- **once a day**: the same search (same words, filters and reading) from the same address
  counts once a day (``insights.dedupe``, in memory only): a reload, the back button, a sort or
  a second beacon add nothing, and no visitor alone can push words past the k threshold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

LIVE_HEADER = "x-bloomr-live"
"""Request header the results page's script sets on the requests it makes while the visitor types."""
TYPING = "typing"

ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiv|preview|fetcher|monitor|scan|headless|lighthouse|facebookexternalhit"
    r"|embedly|whatsapp|^curl/|^wget/|python|^httpx|^go-http-client|^java/|okhttp|libwww|scrapy|^node-fetch|^axios",
    re.IGNORECASE,
)
"""User agents that declare a program rather than a person browsing."""


def is_robot(user_agent: str | None) -> bool:
    """``is_robot("Googlebot/2.1")`` and ``is_robot(None)`` are True; a browser's user agent is not."""
    return not user_agent or not user_agent.strip() or ROBOT.search(user_agent) is not None


def _prefetch(headers: Mapping[str, str]) -> bool:
    purpose = " ".join(headers.get(name, "") for name in ("sec-purpose", "purpose", "x-purpose", "x-moz")).lower()
    return "prefetch" in purpose or "prerender" in purpose or "preview" in purpose


def skip_reason(*, method: str, page: int, headers: Mapping[str, str], beacon: bool = False) -> str | None:
    """Why this request is not a search to count (``headers`` with lower-case names), or None."""
    if method not in ("GET", "POST") or (method == "POST") != beacon:
        return "method"
    if page != 1:
        return "page"
    if headers.get(LIVE_HEADER, "").strip().lower() == TYPING:
        return "typing"
    if _prefetch(headers):
        return "prefetch"
    if is_robot(headers.get("user-agent")):
        return "robot"
    if beacon and headers.get("sec-fetch-site", "same-origin").lower() not in ("same-origin", "none"):
        return "cross-site"
    return None
