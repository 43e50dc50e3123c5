"""French typography for the report: ``number(12345) == "12\u202f345"``, ``percent(0.625) == "63\u202f%"``,
``plural(2, "recherche") == "2\u00a0recherches"``, ``long_date(date(2026, 12, 1)) == "1er\u00a0décembre 2026"``.

The shared rules are ``search.french``'s; a percentage and a span of days are the report's own.
"""

from __future__ import annotations

from datetime import date

from search.french import (  # re-exported: the names the site's and the report's code use
    NBSP as NBSP,
    NNBSP as NNBSP,
    long_date as long_date,
    number as number,
    plural as plural,
    quoted as quoted,
)


def percent(share: float) -> str:
    """A share as a whole percentage; below 1 % but not zero, « < 1 % »."""
    if 0 < share < 0.005:
        return f"<{NBSP}1{NNBSP}%"
    return f"{round(share * 100)}{NNBSP}%"


def span(since: date, until: date) -> str:
    """``span(date(2026, 11, 2), date(2026, 12, 1)) == "du 2 novembre au 1er décembre 2026"``."""
    if since == until:
        return f"le {long_date(until)}"
    start = long_date(since)
    if since.year == until.year:
        start = start.rsplit(" ", 1)[0]
    return f"du {start} au {long_date(until)}"
