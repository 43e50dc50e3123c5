"""The report as plain text, for ``bloomr insights`` on a terminal (French, columns aligned)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from insights.french import span
from insights.report import INTEREST_KINDS, UNMET_MAX_TESTIMONIALS, Asked, Report

WIDTH = 44


def n(value: int) -> str:
    """Thousands separated by a plain space: columns stay aligned on any terminal."""
    return f"{value:,}".replace(",", " ")


def pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def _cut(text: str, width: int = WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _heading(text: str) -> list[str]:
    return ["", text, "-" * len(text)]


def _asked(title: str, items: Sequence[Asked], top: int, *, kinds: bool = False) -> list[str]:
    lines = _heading(title)
    if not items:
        return [*lines, "  (aucune)"]
    for item in items[:top]:
        kind = f" ({INTEREST_KINDS.get(item.kind, item.kind)})" if kinds else ""
        lines.append(f"  {n(item.searches):>9}  {_cut(item.label + kind, 60)}")
    if len(items) > top:
        lines.append(f"  … et {len(items) - top} autres (--json pour tout)")
    return lines


def _words(items: Iterable[tuple[str, int]], top: int) -> list[str]:
    shown = list(items)
    lines = [f"  {n(count):>9}  {query}" for query, count in shown[:top]]
    if len(shown) > top:
        lines.append(f"  … et {len(shown) - top} autres (--json pour tout)")
    return lines or ["  (aucune)"]


def render_text(report: Report, *, top: int = 20) -> str:
    lines = [f"Bloomr · ce que les jeunes cherchent, {span(report.since, report.until)} ({report.days} jour{'s' if report.days > 1 else ''})"]
    lines.append(
        f"{n(report.searches)} recherches · {pct(report.with_fiche, report.searches)} nomment un métier, dont"
        f" {pct(report.found, report.with_fiche)} ont trouvé un témoignage de ce métier · {n(report.zero)} sans aucun"
        f" résultat" + (f" · {n(report.lost)} non enregistrées" if report.lost else "")
    )
    lines.append(f"Témoignages en ligne aujourd’hui : {n(report.testimonials)} (génération {report.generation}).")
    lines += _heading(
        f"À recruter : métiers cherchés qui ont {UNMET_MAX_TESTIMONIALS} témoignage ou moins"
        f" ({n(len(report.unmet))} métiers{f', les {top} plus demandés' if len(report.unmet) > top else ''})"
    )
    if report.unmet:
        lines.append(f"  {'recherches':>10}  {'témoignages':>11}  fiche  métier")
        for fiche in report.unmet[:top]:
            lines.append(f"  {n(fiche.searches):>10}  {fiche.testimonials:>11}  {fiche.rome}  {_cut(fiche.label, 60)}")
    else:
        lines.append("  (aucun)")
    lines += _heading(f"Recherches sans aucun résultat (vues au moins {report.k} fois ; les autres ne sont jamais montrées)")
    lines += _words(((z.query + (f"  → {_cut(', '.join(z.understood), 60)}" if z.understood else "  (pas compris)"), z.count)
                     for z in report.zero_result), top)
    lines += _heading("Couverture du ROME par grand domaine : fiches avec témoignage / fiches cherchées / toutes les fiches")
    lines.append(f"  {'grand domaine':<{WIDTH}}  {'recherches':>10}  {'trouvé':>6}  {'couvertes':>9} / cherchées / toutes")
    for sector in sorted(report.sectors, key=lambda s: -s.searches):
        lines.append(
            f"  {_cut(sector.short_label):<{WIDTH}}  {n(sector.searches):>10}  {pct(sector.found, sector.searches):>6}"
            f"  {sector.covered:>9} / {sector.searched:>9} / {sector.fiches}"
        )
    lines += _asked("Thèmes de conseil demandés", report.themes, top)
    lines += _asked("Lieux demandés", report.places, top)
    lines += _asked("Envies et domaines demandés", report.interests, top, kinds=True)
    lines += _asked("Métiers sans fiche ROME demandés", report.unlisted, top)
    lines += _heading(f"Mots les plus cherchés (vus au moins {report.k} fois)")
    lines += _words(report.top_queries, top)
    lines.append("")
    lines.append(
        f"Rien d’autre n’est enregistré : ni adresse, ni navigateur, ni heure ; des mots vus moins de {report.k} fois,"
        " seuls les métiers, lieux et thèmes compris sont gardés."
    )
    lines.append("« Trouvé » : part des recherches nommant un métier qui ont montré au moins un témoignage de ce métier.")
    return "\n".join(lines)
