"""The report's charts as plain geometry (drawn as inline SVG by ``templates/report.html``).

Two charts, each followed in the page by the table of its numbers:

- ``demand_chart(sectors)``: per grand domaine, its share of the searches naming a métier
  against its share of the testimonials online: where youths ask more than Bloomr holds.
- ``recruiting_chart(unmet)``: the métiers most searched that have no testimonial, or one.

Sizes are in SVG user units; the SVG scales to the page width (``viewBox``), so text is sized
for a 720-unit-wide drawing. Labels are cut to fit, the whole label staying in the bar's
``<title>`` and in the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from insights.french import NBSP, NNBSP, number, percent, plural
from insights.report import FicheDemand, SectorCoverage

WIDTH = 720
LABEL_W = 250
VALUE_W = 150
BAR_W = WIDTH - LABEL_W - VALUE_W - 10
TOP = 34  # room for the legend
RECRUITS = 15


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    text: str  # the value written at the end of the bar
    title: str  # what a pointer hovering it reads

    @property
    def text_x(self) -> float:
        return self.x + self.width + 6

    @property
    def text_y(self) -> float:
        return self.y + self.height - 2


@dataclass(frozen=True)
class Row:
    label: str  # cut to fit
    full_label: str
    y: float  # baseline of the label
    bars: tuple[Bar, ...]
    tone: str = ""  # a CSS class: which kind of row


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    axis_top: float
    axis_bottom: float
    label_x: float = LABEL_W - 6
    label_anchor: str = "end"  # labels right-aligned before the bars, or ("start") above them


def cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip(" ,/(") + "…"


def _ticks(maximum: float, scale: float, *, share: bool, x0: float = LABEL_W) -> tuple[Tick, ...]:
    """Five or so round gridlines between 0 and ``maximum``."""
    if maximum <= 0:
        return (Tick(x0, "0"),)
    raw = maximum / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if not share:
        step = max(1.0, round(step))
    count = int(maximum / step + 1e-9)
    return tuple(
        Tick(x0 + i * step * scale, percent(i * step) if share else number(round(i * step)))
        for i in range(count + 1)
    )


def demand_chart(sectors: Sequence[SectorCoverage]) -> Chart:
    """Per grand domaine: share of the searches naming a métier, share of the testimonials."""
    searches = sum(s.searches for s in sectors) or 1
    testimonials = sum(s.testimonials for s in sectors) or 1
    ordered = sorted(sectors, key=lambda s: (-s.searches, -s.testimonials, s.sector))
    shares = [(s, s.searches / searches, s.testimonials / testimonials) for s in ordered]
    maximum = max((max(d, t) for _, d, t in shares), default=0.0) or 1.0
    scale = BAR_W / maximum
    rows = []
    row_h, bar_h = 38, 13
    for i, (sector, demand, supply) in enumerate(shares):
        top = TOP + i * row_h
        rows.append(Row(
            label=cut(sector.short_label, 34),
            full_label=sector.short_label,
            y=top + 21,
            bars=(
                Bar(LABEL_W, top + 4, demand * scale, bar_h, percent(demand),
                    f"{sector.short_label}{NBSP}: {percent(demand)} des recherches ({plural(sector.searches, 'recherche')})"),
                Bar(LABEL_W, top + 4 + bar_h + 2, supply * scale, bar_h, percent(supply),
                    f"{sector.short_label}{NBSP}: {percent(supply)} des témoignages ({plural(sector.testimonials, 'témoignage')})"),
            ),
            tone="short" if demand > supply * 1.5 and sector.searches else "",
        ))
    bottom = TOP + len(rows) * row_h
    return Chart(WIDTH, int(bottom + 24), tuple(rows), _ticks(maximum, scale, share=True), TOP - 4, bottom)


def recruiting_chart(unmet: Sequence[FicheDemand], *, top: int = RECRUITS) -> Chart:
    """The métiers most searched with no testimonial (or one), longest bar first; each label sits
    above its bar (ROME titles are long: « Professeur / Professeure d’enseignement technologique »)."""
    shown = list(unmet[:top])
    maximum = max((f.searches for f in shown), default=0) or 1
    width = WIDTH - VALUE_W - 10
    scale = width / maximum
    rows = []
    row_h, bar_h = 40, 14
    for i, fiche in enumerate(shown):
        y = TOP + i * row_h
        have = "aucun témoignage" if fiche.testimonials == 0 else plural(fiche.testimonials, "témoignage")
        rows.append(Row(
            label=cut(fiche.label, 92),
            full_label=fiche.label,
            y=y + 13,
            bars=(Bar(0, y + 19, max(fiche.searches * scale, 1.5), bar_h,
                      f"{number(fiche.searches)}{NNBSP}·{NNBSP}{'aucun' if fiche.testimonials == 0 else have}",
                      f"{fiche.label}{NBSP}: {plural(fiche.searches, 'recherche')}, {have}"),),
            tone="none" if fiche.testimonials == 0 else "one",
        ))
    bottom = TOP + len(rows) * row_h
    return Chart(WIDTH, int(bottom + 24), tuple(rows), _ticks(maximum, scale, share=False, x0=0), TOP - 4, bottom,
                 label_x=0, label_anchor="start")
