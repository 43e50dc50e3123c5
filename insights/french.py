"""French typography for the report: ``number(12345) == "12\u202f345"``, ``percent(0.625) == "63\u202f%"``,
``plural(2, "recherche") == "2\u00a0recherches"``, ``long_date(date(2026, 12, 1)) == "1er\u00a0décembre 2026"``.

The same rules as the site's (``web/french.py``), which this package cannot import (it sits below ``web``).
"""

from __future__ import annotations

from datetime import date

NBSP = "\u00a0"  # before « : » and inside « guillemets »
NNBSP = "\u202f"  # narrow: before ; ? ! % and between thousands
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def number(value: int) -> str:
    return f"{int(value):,}".replace(",", NNBSP)


def percent(share: float) -> str:
    """A share as a whole percentage; below 1 % but not zero, « < 1 % »."""
    if 0 < share < 0.005:
        return f"<{NBSP}1{NNBSP}%"
    return f"{round(share * 100)}{NNBSP}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """French: 0 and 1 take the singular."""
    word = singular if abs(int(count)) < 2 else (plural_form or singular + "s")
    return f"{number(count)}{NBSP}{word}"


def quoted(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


def long_date(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day}{NBSP}{MONTHS[value.month - 1]} {value.year}"


def span(since: date, until: date) -> str:
    """``span(date(2026, 11, 2), date(2026, 12, 1)) == "du 2 novembre au 1er décembre 2026"``."""
    if since == until:
        return f"le {long_date(until)}"
    start = long_date(since)
    if since.year == until.year:
        start = start.rsplit(" ", 1)[0]
    return f"du {start} au {long_date(until)}"
