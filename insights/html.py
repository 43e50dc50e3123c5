"""The report as one self-contained HTML page, for a volunteer coordinator.

``render_html(report)`` returns a page with its style inline, its two charts drawn here as inline
SVG (``insights.charts``), each with a title, a description and the table of its numbers; no
script, no font, nothing fetched from anywhere: it opens from a file, an email or a USB key, and
prints on A4. Autoescaped Jinja (``templates/report.html``)::

    Path("rapport.html").write_text(render_html(report), encoding="utf-8")
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from insights import french
from insights.charts import NARROW, RECRUITS, demand_chart, recruiting_chart
from insights.report import INTEREST_KINDS, UNMET_MAX_TESTIMONIALS, Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
UNMET_TABLE = 60
"""Rows of the recruiting list's table (the JSON has them all)."""
LIST = 12


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=french.number, percent=french.percent, plural=french.plural, quoted=french.quoted,
        long_date=french.long_date,
    )
    return env


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def render_html(report: Report) -> str:
    template = _environment().get_template("report.html")
    return template.render(
        r=report,
        period=french.span(report.since, report.until),
        demand=demand_chart(report.sectors),
        demand_narrow=demand_chart(report.sectors, NARROW),
        recruits=recruiting_chart(report.unmet),
        recruits_narrow=recruiting_chart(report.unmet, NARROW),
        recruits_shown=min(RECRUITS, len(report.unmet)),
        unmet_table=report.unmet[:UNMET_TABLE],
        none_count=sum(1 for f in report.unmet if f.testimonials == 0),
        max_testimonials=UNMET_MAX_TESTIMONIALS,
        sectors=sorted(report.sectors, key=lambda s: (-s.searches, -s.testimonials, s.sector)),
        searches_named=sum(s.searches for s in report.sectors),
        testimonials_total=sum(s.testimonials for s in report.sectors),
        kinds=INTEREST_KINDS,
        share=share,
        list_size=LIST,
        nbsp=french.NBSP,
        nnbsp=french.NNBSP,
    )
