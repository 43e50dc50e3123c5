"""insights.report, .text, .html, .period and `bloomr insights`: the numbers, the k threshold, the page."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree, html

from bloomr.cli import main
from insights.html import render_html
from insights.period import period
from insights.record import Record
from insights.report import Report, build_report
from insights.store import K, Store
from insights.text import render_text
from search.errors import BadParameter
from search.index import IndexHandle

DAY = date(2026, 12, 1)


def rec(query: str, fiches: tuple[str, ...] = (), **more: object) -> Record:
    return Record(DAY, query, fiches, **more)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "insights.sqlite3"
    Store(path).add({
        rec("notaire", ("K1901",), zero=False): 7,  # no testimonial: on the recruiting list
        rec("notaire lyon", ("K1901",), filters=("region=FR-ARA",)): 2,
        rec("boulanger", ("D1102",), found=True): 3,  # one testimonial: on the list too
        rec("infirmiere", ("J1506",), found=True): 9,  # two testimonials: not on the list
        rec("infirmiere", ("J1506",), found=True, filters=("theme=etudes",)): 1,
        rec("xqzzykw", zero=True): K,  # shown: K times without result
        rec("plouf kwyjibo", zero=True): K - 1,  # never shown
        rec("astronaute", interests=("unlisted=astronaute",), zero=True): K,
        rec("veux travailler animaux", interests=("interest=animaux",), zero=True): 2,
        rec("", filters=("sector=J",)): 4,
        rec("infirmiere alternance", ("J1506",), found=True, interests=("advice_theme=alternance",)): 1,
    }, lost={DAY: 3})
    return path


@pytest.fixture
def report(db: Path, understood_index: Path) -> Report:
    return build_report(Store(db).totals(DAY, DAY), IndexHandle(understood_index).current())


def test_the_recruiting_list(report: Report) -> None:
    assert [(f.rome, f.searches, f.testimonials, f.not_found) for f in report.unmet] == [
        ("K1901", 9, 0, 9), ("D1102", 3, 1, 0),
    ]
    assert report.unmet[0].label == "Notaire"


def test_words_below_k_are_never_shown(report: Report) -> None:
    assert [(z.query, z.count, z.understood) for z in report.zero_result] == [
        ("astronaute", K, ("astronaute",)), ("xqzzykw", K, ()),
    ]
    shown = json.dumps(report.to_dict(), ensure_ascii=False) + render_text(report) + render_html(report)
    assert "kwyjibo" not in shown and "animaux" not in [q for q, _ in report.top_queries]
    assert ("notaire", 7) in report.top_queries and ("notaire lyon", 2) not in report.top_queries


def test_totals_and_what_else_was_asked(report: Report) -> None:
    assert (report.searches, report.lost, report.with_fiche, report.found, report.zero) == (43, 3, 23, 14, 16)
    assert [(a.code, a.label, a.searches) for a in report.places] == [("FR-ARA", "Auvergne-Rhône-Alpes", 2)]
    assert [(a.code, a.searches) for a in report.themes] == [("etudes", 1), ("alternance", 1)] or \
        sorted((a.code, a.searches) for a in report.themes) == [("alternance", 1), ("etudes", 1)]
    assert {(a.kind, a.code, a.searches) for a in report.interests} == {("interest", "animaux", 2), ("sector", "J", 4)}
    assert [(a.label, a.searches) for a in report.unlisted] == [("astronaute", K)]


def test_coverage_by_grand_domaine(report: Report) -> None:
    sectors = {s.sector: s for s in report.sectors}
    assert len(sectors) == 14 and sum(s.fiches for s in sectors.values()) == 1584
    health = sectors["J"]
    assert (health.covered, health.searched, health.searches, health.found, health.testimonials) == (2, 1, 11, 11, 3)
    social = sectors["K"]
    assert (social.searched, social.searches, social.found) == (1, 9, 0)


def test_json_keeps_the_contract(report: Report) -> None:
    data = report.to_dict()
    assert list(data)[:6] == ["since", "until", "searches", "unmet", "zero_result", "sectors"]
    assert (data["since"], data["until"], data["searches"]) == ("2026-12-01", "2026-12-01", 43)
    assert {"rome", "label", "searches", "testimonials"} <= set(data["unmet"][0])
    assert {"query", "count"} <= set(data["zero_result"][0])
    assert {"sector", "fiches", "covered", "searched"} <= set(data["sectors"][0])


def test_the_command(db: Path, understood_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["insights", "--index", str(understood_index), "--db", str(db), "--since", "2026-11-02", "--until", "2026-12-01"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["since"], data["searches"], data["zero_result"][1]["query"]) == ("2026-11-02", 43, "xqzzykw")
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "À recruter" in text and "Notaire" in text and "xqzzykw  (pas compris)" in text and "kwyjibo" not in text
    page = tmp_path / "rapport.html"
    assert main([*args, "--html", str(page)]) == 0
    assert "Rapport écrit dans" in capsys.readouterr().out and page.stat().st_size > 5000
    assert main(["insights", "--index", str(understood_index), "--since", "trente jours"]) == 1
    assert "--since « trente jours »" in capsys.readouterr().err


def test_a_missing_database_is_an_empty_report(understood_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["insights", "--index", str(understood_index), "--db", str(tmp_path / "none.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "aucune recherche enregistrée" in out and "0 recherches" in out
    assert not (tmp_path / "none.sqlite3").exists()


def test_the_page_stands_alone_and_is_accessible(report: Report) -> None:
    page = render_html(report)
    tree = html.fromstring(page)
    assert tree.get("lang") == "fr" and tree.findtext(".//title").startswith("Bloomr")
    assert not tree.xpath("//script") and not tree.xpath("//link") and not tree.xpath("//img")
    assert not re.search(r"(src|href)=\"?https?:", page) and "@import" not in page and "url(http" not in page
    charts = tree.xpath("//svg[@role='img']")
    assert len(charts) == 4  # two charts, each drawn for a screen and for a phone
    for svg in charts:
        assert svg.get("role") == "img"
        ids = svg.get("aria-labelledby").split()
        assert [svg.xpath(f".//*[@id='{i}']")[0].tag for i in ids] == ["title", "desc"]
        assert svg.xpath(".//rect/title")  # each bar says what it is
        figure = svg.xpath("ancestor::figure")[0]
        assert figure.getnext() is not None and figure.getnext().xpath(".//table")  # the numbers behind it
    assert len(tree.xpath("//table")) >= 5 and all(t.xpath(".//th[@scope]") for t in tree.xpath("//table"))
    etree.fromstring(etree.tostring(charts[0]))  # well-formed SVG


def test_french_typography(report: Report) -> None:
    tree = html.fromstring(render_html(report))
    for style in tree.xpath("//style"):
        style.getparent().remove(style)
    text = tree.text_content()
    assert not re.search(r"\d %|\d%", text)  # percentages: a narrow no-break space before %
    assert not re.search(r"\S[:;?!](?=\s)", text.replace("http:", ""))  # a space before : ; ? !
    assert not re.search(r"[ ][:;?!]", text)  # and never a breaking one
    assert "« " not in text and " »" not in text  # guillemets hold no-break spaces
    assert "\u202f" in text and "’" in text and "'" not in text


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("30d", None, (date(2026, 11, 2), DAY)),
        ("1d", None, (DAY, DAY)),
        ("2w", "2026-11-30", (date(2026, 11, 17), date(2026, 11, 30))),
        ("3m", None, (date(2026, 9, 2), DAY)),
        ("2026-10-15", "2026-10-20", (date(2026, 10, 15), date(2026, 10, 20))),
        ("14 jours", None, (date(2026, 11, 18), DAY)),
    ],
)
def test_periods(since: str, until: str | None, expected: tuple[date, date]) -> None:
    assert period(since, until, today=DAY) == expected


@pytest.mark.parametrize(("since", "until"), [("0d", None), ("hier", None), ("2026-12-02", "2026-12-01"), ("30d", "demain")])
def test_bad_periods_say_what_to_write(since: str, until: str | None) -> None:
    with pytest.raises(BadParameter) as error:
        period(since, until, today=DAY)
    assert "30d" in error.value.remedy
