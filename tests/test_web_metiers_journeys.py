"""Issue 15, phase 2, end to end on a phone (390×844) and a desktop (1280×900): from the home page
to an interest, a métier page, a testimonial, a related one and back; a métier nobody told yet;
what the results page understood (taken out, searched as a word, ticked in the facets with and
without JavaScript); autocomplete leading to a métier page or a filter; axe on every new page.

uvicorn serves tests/data/discovery with the product's knowledge (``metier_index``);
Chromium is driven by Playwright; waits are Playwright's own. Screenshots in test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, expect  # noqa: E402

from test_web_browser import PHONE, browser, serve, shot  # noqa: E402,F401  (browser: a fixture)
from test_web_journeys import first_screen, opened  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(metier_index: Path) -> Iterator[str]:
    yield from serve(metier_index)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home_interest_metier_testimonial_related_and_back(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto("/")
        interest = page.locator(".interests a", has_text="Prendre soin des autres")
        expect(interest).to_contain_text("4\u00a0témoignages")
        shot(page, f"home-interests-{viewport}")
        interest.click()
        expect(page).to_have_url(re.compile(r"/recherche\?q=Prendre\+soin\+des\+autres$"))
        expect(page.locator(".understood")).to_contain_text("Prendre soin des autres\u00a0: centre d’intérêt")
        expect(page.locator("#result-count")).to_have_text("4\u00a0témoignages")
        page.locator(".u-metiers a", has_text="Infirmier").click()
        expect(page).to_have_url(re.compile(r"/metiers/J1506$"))
        expect(page.locator("#metier-title")).to_have_text("Infirmier / Infirmière en soins généraux (IDE)")
        expect(page.locator(".definition figcaption")).to_have_text("Définition\u00a0: France Travail — ROME 4.0, version 60")
        assert first_screen(page, ".definition")
        shot(page, f"metier-told-{viewport}")
        page.locator(".metier-stories .hit-title a").first.click()
        expect(page).to_have_url(re.compile(r"/temoignages/"))
        story = page.url
        expect(page.locator(".facts a", has_text="Métier")).to_have_attribute("href", "/metiers/J1506")
        page.locator(".related .hit-title a").first.click()
        expect(page).not_to_have_url(story)
        page.go_back()
        expect(page).to_have_url(story)
        page.go_back()
        expect(page).to_have_url(re.compile(r"/metiers/J1506$"))
        page.go_back()
        expect(page.locator(".understood")).to_be_visible()
        page.go_back()
        expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_metier_nobody_told_yet(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto("/metiers/J1104")
        expect(page.locator("#lacking-title")).to_have_text("Pas encore de témoignage de sage-femme")
        take_part = page.get_by_role("link", name=re.compile("Vous exercez ce métier"))
        expect(take_part).to_have_attribute("href", "/participer?metier=Sage-femme")
        shot(page, f"metier-untold-{viewport}")
        take_part.click()
        expect(page.locator("#f-profession")).to_have_value("Sage-femme")
        page.go_back()
        page.locator(".near a", has_text="Infirmier").click()
        expect(page).to_have_url(re.compile(r"/metiers/J1506$"))


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_results_say_what_they_understood(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto("/recherche?q=comptable+bretagne")
        expect(page.locator("#none-here-title")).to_have_text("Pas encore de témoignage de comptable en Bretagne")
        expect(page.locator(".understood")).to_contain_text("Bretagne\u00a0: région · chercher plutôt le mot")
        shot(page, f"understood-{viewport}")
        page.get_by_role("link", name="Sans le filtre «\u00a0Bretagne\u00a0»").click()
        expect(page).to_have_url(re.compile(r"/recherche\?q=comptable$"))
        expect(page.locator("#q")).to_have_value("comptable")
        expect(page.locator("#result-count")).to_have_text("1\u00a0témoignage")
        page.goto("/recherche?q=sage-femme")
        expect(page.locator("#lacking-title")).to_have_text("Pas encore de témoignage de sage-femme")
        shot(page, f"lacking-{viewport}")
        page.goto("/recherche?q=infirmier+dans+le+Finist%C3%A8re")
        page.get_by_role("link", name=re.compile("chercher plutôt le mot")).click()
        expect(page).to_have_url(re.compile(r"q=infirmier\+dans\+le\+%22Finist%C3%A8re%22$"))
        expect(page.locator("#q")).to_have_value('infirmier dans le "Finistère"')
        expect(page.locator(".u-region")).to_have_count(0)


def test_unticking_a_word_filter_in_the_drawer_takes_the_word_out(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "phone") as page:
        page.goto("/recherche?q=infirmier+dans+le+Finist%C3%A8re")
        expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
        page.locator("[data-drawer-open]").click()
        box = page.locator("#f-region-FR-BRE")
        expect(box).to_be_checked()
        box.uncheck()
        expect(page).to_have_url(re.compile(r"/recherche\?q=infirmier$"))
        expect(page.locator("#q")).to_have_value("infirmier")
        expect(page.locator("#f-region-FR-BRE")).not_to_be_checked()
        expect(page.get_by_role("button", name="Voir les 3\u00a0témoignages")).to_be_visible()


def test_without_javascript_too(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "desktop", javascript=False) as page:
        page.goto("/recherche?q=infirmier+dans+le+Finist%C3%A8re")
        page.locator("#f-region-FR-BRE").uncheck()
        page.get_by_role("button", name="Appliquer les filtres").click()
        expect(page).to_have_url(re.compile(r"/recherche\?q=infirmier$"))
        expect(page.locator("#f-region-FR-BRE")).not_to_be_checked()
        expect(page.locator("#result-count")).to_have_text("3\u00a0témoignages")
        page.goto("/metiers")
        page.get_by_role("link", name="C", exact=True).click()
        expect(page).to_have_url(re.compile(r"/metiers#lettre-C$"))
        page.locator("#lettre-C a").first.click()
        expect(page).to_have_url(re.compile(r"/metiers/E1112$"))


def test_autocomplete_opens_a_metier_or_applies_a_filter(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "desktop") as page:
        page.goto("/")
        box = page.locator("#q")
        box.press_sequentially("sage-f")
        option = page.get_by_role("option", name=re.compile("Sage-femme"))
        expect(option).to_contain_text("métier · pas encore de témoignage")
        box.press("ArrowDown")
        box.press("Enter")
        expect(page).to_have_url(re.compile(r"/metiers/J1104$"))
        page.goto("/recherche?q=infirmier")
        expect(page.locator("#result-count")).to_have_text("3\u00a0témoignages")
        box = page.locator("#q")
        box.focus()
        box.press("End")
        box.press_sequentially(" bret")
        place = page.get_by_role("option", name=re.compile("^Bretagne"))
        expect(place).to_contain_text("région")
        place.click()
        expect(page).to_have_url(re.compile(r"/recherche\?q=infirmier&region=FR-BRE$"))
        expect(box).to_have_value("infirmier")
        expect(page.locator("#f-region-FR-BRE")).to_be_checked()
        expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_keyboard_past_what_was_understood(browser: Browser, base_url: str, viewport: str) -> None:
    """The skip link lands just before the first result, past the « Compris » line; from the box,
    the line's two links (the métier's page, ×) come before the first result."""
    with opened(browser, base_url, viewport) as page:
        page.goto("/recherche?q=infirmier")
        first = page.locator(".hits .hit-title a").first
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Aller aux résultats")).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(first).to_be_focused()
        page.locator("#q").focus()
        stops = []
        for _ in range(8):
            page.keyboard.press("Tab")
            stops.append(page.evaluate("document.activeElement.textContent.trim().slice(0, 30)"))
            if first.evaluate("el => el === document.activeElement"):
                break
        expect(first).to_be_focused()
        assert len(stops) <= (6 if viewport == "phone" else 5), stops  # 2 of them: the métier, and ×
        assert any("Infirmier / Infirmière" in stop for stop in stops)


PAGES = [
    "/", "/metiers", "/metiers/J1506", "/metiers/J1104", "/metiers/A1101", "/metiers/Z9999",
    "/recherche?q=comptable+bretagne", "/recherche?q=sage-femme", "/recherche?q=astronaute", "/recherche?q=infirmeire",
    "/recherche?q=Prendre+soin+des+autres", "/recherche?q=infirmier+dans+le+Finist%C3%A8re", "/a-propos",
    "/participer?metier=Sage-femme", "/temoignages/anna-infirmiere-brest",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_axe_no_violation_at_all(browser: Browser, base_url: str, path: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto(path)
        if path == "/":
            page.locator(".more-interests > summary").click()  # the interests behind « N autres » too
        violations = Axe().run(page).response["violations"]
        assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


def test_axe_with_the_suggestions_open(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "phone") as page:
        page.goto("/recherche?q=infirmier")
        page.locator("#q").focus()
        page.locator("#q").press("End")
        page.locator("#q").press_sequentially(" bret")
        expect(page).to_have_url(re.compile(r"q=infirmier\+bret$"))  # the live results followed the typing
        expect(page.locator("body")).not_to_have_class(re.compile("busy"))  # and are no longer dimmed
        expect(page.get_by_role("option").first).to_be_visible()
        violations = Axe().run(page).response["violations"]
        assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


@pytest.mark.parametrize("path", ["/", "/metiers", "/metiers/J1506", "/metiers/J1104", "/recherche?q=comptable+bretagne"])
def test_phone_pages_fit_the_screen(browser: Browser, base_url: str, path: str) -> None:
    with opened(browser, base_url, "phone") as page:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
