"""The report's charts as plain geometry, drawn as inline SVG by ``templates/report.html``.

Two charts, each followed in the page by the table of its numbers:

- ``demand_chart(sectors)``: per grand domaine, its share of the searches naming a métier
  against its share of the testimonials online: where youths ask more than Bloomr holds.
- ``recruiting_chart(unmet)``: the métiers most searched that have no testimonial, or one.

Each is drawn twice: ``WIDE`` (labels beside the bars, for a screen or paper) and ``NARROW``
(labels above the bars, for a phone), the page showing one or the other, so that the text is
never scaled below a readable size. Units are SVG user units at 13-unit text. A label too long
is cut, whole in its ``<title>`` and in the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from insights.french import NBSP, NNBSP, number, percent, plural
from insights.report import FicheDemand, SectorCoverage

TOP = 34  # room for the axis caption
RECRUITS = 15
CHAR_W = 6.9  # average width of a character of 13-unit text


@dataclass(frozen=True)
class Layout:
    width: int
    label_w: float  # 0: labels above the bars
    value_w: float

    @property
    def beside(self) -> bool:
        return self.label_w > 0

    @property
    def bar_x(self) -> float:
        return self.label_w

    @property
    def bar_w(self) -> float:
        return self.width - self.label_w - self.value_w - 10

    @property
    def label_chars(self) -> int:
        return int((self.label_w - 10 if self.beside else self.width) / CHAR_W)


WIDE = Layout(720, 250, 150)
NARROW = Layout(360, 0, 130)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    text: str  # the value written at the end of the bar
    title: str  # what a pointer hovering it reads
    tone: str  # a CSS class: demand, supply, none, one

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
    strong: bool = False  # a row to notice (demand well above supply)


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
    label_x: float
    label_anchor: str  # "end": right-aligned before the bars; "start": above them
    caption: str = ""  # what the axis counts


def cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip(" ,/(") + "…"


def _ticks(maximum: float, scale: float, x0: float, *, share: bool, at_most: int = 4) -> tuple[Tick, ...]:
    """A few round gridlines between 0 and ``maximum``."""
    if maximum <= 0:
        return (Tick(x0, "0"),)
    raw = maximum / at_most
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if not share:
        step = max(1.0, round(step))
    count = int(maximum / step + 1e-9)
    return tuple(
        Tick(x0 + i * step * scale, percent(i * step) if share else number(round(i * step)))
        for i in range(count + 1)
    )


def _chart(rows: list[Row], layout: Layout, row_h: float, maximum: float, scale: float, *, share: bool, caption: str = "") -> Chart:
    bottom = TOP + len(rows) * row_h
    return Chart(
        layout.width, int(bottom + 24), tuple(rows),
        _ticks(maximum, scale, layout.bar_x, share=share, at_most=4 if layout.width >= 600 else 3),
        TOP - 4, bottom,
        label_x=layout.label_w - 6 if layout.beside else 0,
        label_anchor="end" if layout.beside else "start",
        caption=caption,
    )


def demand_chart(sectors: Sequence[SectorCoverage], layout: Layout = WIDE) -> Chart:
    """Per grand domaine: share of the searches naming a métier, share of the testimonials."""
    searches = sum(s.searches for s in sectors) or 1
    testimonials = sum(s.testimonials for s in sectors) or 1
    ordered = sorted(sectors, key=lambda s: (-s.searches, -s.testimonials, s.sector))
    shares = [(s, s.searches / searches, s.testimonials / testimonials) for s in ordered]
    maximum = max((max(d, t) for _, d, t in shares), default=0.0) or 1.0
    layout = Layout(layout.width, layout.label_w, 50)  # values are short here (« 12 % »)
    scale = layout.bar_w / maximum
    bar_h = 13
    row_h = 38 if layout.beside else 52
    rows = []
    for i, (sector, demand, supply) in enumerate(shares):
        top = TOP + i * row_h
        bars_y = top + 4 if layout.beside else top + 19
        rows.append(Row(
            label=cut(sector.short_label, layout.label_chars),
            full_label=sector.short_label,
            y=top + 21 if layout.beside else top + 13,
            bars=(
                Bar(layout.bar_x, bars_y, demand * scale, bar_h, percent(demand),
                    f"{sector.short_label}{NBSP}: {percent(demand)} des recherches ({plural(sector.searches, 'recherche')})",
                    "demand"),
                Bar(layout.bar_x, bars_y + bar_h + 2, supply * scale, bar_h, percent(supply),
                    f"{sector.short_label}{NBSP}: {percent(supply)} des témoignages ({plural(sector.testimonials, 'témoignage')})",
                    "supply"),
            ),
            strong=bool(sector.searches) and demand > supply * 1.5,
        ))
    return _chart(rows, layout, row_h, maximum, scale, share=True)


def recruiting_chart(unmet: Sequence[FicheDemand], layout: Layout = WIDE, *, top: int = RECRUITS) -> Chart:
    """The métiers most searched with no testimonial (or one), longest bar first. ROME titles are
    long (« Professeur / Professeure d’enseignement technologique »): labels sit above their bar."""
    shown = list(unmet[:top])
    maximum = max((f.searches for f in shown), default=0) or 1
    width = layout.width - layout.value_w - 10
    scale = width / maximum
    row_h, bar_h = 40, 14
    rows = []
    for i, fiche in enumerate(shown):
        y = TOP + i * row_h
        have = "aucun témoignage" if fiche.testimonials == 0 else plural(fiche.testimonials, "témoignage")
        rows.append(Row(
            label=cut(fiche.label, int(layout.width / CHAR_W)),
            full_label=fiche.label,
            y=y + 13,
            bars=(Bar(0, y + 19, max(fiche.searches * scale, 1.5), bar_h,
                      f"{number(fiche.searches)}{NNBSP}·{NNBSP}{'aucun' if fiche.testimonials == 0 else have}",
                      f"{fiche.label}{NBSP}: {plural(fiche.searches, 'recherche')}, {have}",
                      "none" if fiche.testimonials == 0 else "one"),),
        ))
    chart = _chart(rows, Layout(layout.width, 0, layout.value_w), row_h, maximum, scale, share=False,
                   caption="nombre de recherches")
    return chart
