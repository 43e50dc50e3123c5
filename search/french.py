"""French typography, defined once for every layer: the non-breaking spaces, numbers, plurals, dates.

``number(12345) == "12\u202f345"``, ``plural(2, "résultat") == "2\u00a0résultats"``,
``quoted("x") == "«\u00a0x\u00a0»"``, ``long_date(date(2023, 2, 1)) == "1er\u00a0février 2023"``.
The site (``web.french``), the report (``insights.french``), the maintainer's messages
(``indexer``, ``bloomr``) and the volunteers' letters all write with these.
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
    """Thousands grouped by narrow non-breaking spaces: ``number(1000) == "1\u202f000"``."""
    return f"{int(value):,}".replace(",", NNBSP)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(0, "témoignage") == "0\u00a0témoignage"`` (French: 0 and 1 take the singular)."""
    word = singular if abs(int(count)) < 2 else (plural_form or singular + "s")
    return f"{number(count)}{NBSP}{word}"


def quoted(text: str) -> str:
    """``quoted("x") == "«\u00a0x\u00a0»"``."""
    return f"«{NBSP}{text}{NBSP}»"


def long_date(value: date | str | int | None) -> str:
    """``long_date("2023-02-01") == "1er\u00a0février 2023"``; empty for None or an unreadable value
    (a ``date``, an ISO string, or a YYYYMMDD integer column)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return ""
    if isinstance(value, int):
        text = str(value)
        try:
            value = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day}{NBSP}{MONTHS[value.month - 1]} {value.year}"
