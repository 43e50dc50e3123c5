"""The period of a report, as the maintainer types it: ``--since 30d`` (or ``8w``, ``6m``, a date).

    >>> period("30d", None, today=date(2026, 12, 1))
    (datetime.date(2026, 11, 2), datetime.date(2026, 12, 1))
    >>> period("2026-11-01", "2026-11-30", today=date(2026, 12, 1))
    (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))

Both ends are included; ``30d`` is the 30 days ending ``until`` (today by default, in UTC, the
day of the records).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from search.errors import BadParameter

DEFAULT_SINCE = "30d"
_SPAN = re.compile(r"^\s*(\d{1,4})\s*([dwmj]|jours?|semaines?|mois)\s*$", re.IGNORECASE)
_REMEDY = "Écrivez une durée (30d, 8w, 6m) ou une date AAAA-MM-JJ, par exemple --since 30d --until 2026-11-30."


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadParameter(f"{option} « {text[:40]} » : ni une durée ni une date.", remedy=_REMEDY) from None


def period(since: str | None, until: str | None, *, today: date) -> tuple[date, date]:
    end = _date(until, "--until") if until else today
    text = since or DEFAULT_SINCE
    span = _SPAN.match(text)
    if span:
        n, unit = int(span.group(1)), span.group(2).lower()[:1]
        if n < 1:
            raise BadParameter(f"--since « {text} » : une durée d’au moins un jour.", remedy=_REMEDY)
        if unit == "m":
            index = end.year * 12 + end.month - 1 - n
            start = date(index // 12, index % 12 + 1, min(end.day, 28)) + timedelta(days=1)
        else:
            start = end - timedelta(days=n * (7 if unit in ("w", "s") else 1) - 1)
    else:
        start = _date(text, "--since")
    if start > end:
        raise BadParameter(f"La période commence ({start.isoformat()}) après sa fin ({end.isoformat()}).", remedy=_REMEDY)
    return start, end
