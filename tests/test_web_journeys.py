"""Issue 15 end to end, on a phone (390×844) and a desktop (1280×900): wandering from the home page
to a story and on to a related one, the filter drawer, the keyboard, no JavaScript, the zero-result
page, autocomplete, the seeded shuffle, axe on every page; screenshots in test-artifacts/.

uvicorn serves tests/data/discovery (``discovery_index``); Chromium is driven by Playwright.
Waits are Playwright's own (an element, a URL, a text), never sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from test_web_browser import ARTIFACTS, DESKTOP, PHONE, browser, serve, shot  # noqa: E402,F401  (browser: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def base_url(discovery_index: Path) -> Iterator[str]:
    yield from serve(discovery_index)


@contextmanager
def opened(browser: Browser, base_url: str, viewport: str, *, javascript: bool = True) -> Iterator[Page]:
    """A fresh tab at one of the two sizes; fails the test on any script error or CSP violation."""
    phone = viewport == "phone"
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORTS[viewport], locale="fr-FR", java_script_enabled=javascript,
        is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1,
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
    assert [p for p in problems if "status of 4" not in p] == []


def first_screen(page: Page, selector: str) -> bool:
    """Whether the element's top edge is within the first screen of the page."""
    top = page.locator(selector).first.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
    return float(top) < page.viewport_size["height"]  # type: ignore[index]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home_sector_testimonial_related_and_back(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto("/")
        expect(page.locator(".stories .hit-quote")).to_have_count(3)
        assert first_screen(page, ".stories .hit") or viewport == "phone"
        shot(page, f"home-{viewport}")
        page.get_by_role("link", name=re.compile(r"^Santé")).click()
        expect(page).to_have_url(re.compile(r"/recherche\?sector=J$"))
        expect(page.locator("#results-title")).to_have_text("Témoignages · Santé")
        assert first_screen(page, ".hits .hit")
        page.locator(".hits .hit-title a").first.click()
        expect(page).to_have_url(re.compile(r"/temoignages/"))
        story = page.url
        reasons = page.locator(".related .hit-reason")
        expect(reasons.first).to_be_visible()
        assert reasons.count() >= 3
        shot(page, f"testimonial-{viewport}")
        page.locator(".related .hit-title a").first.click()
        expect(page).not_to_have_url(story)
        expect(page).to_have_url(re.compile(r"/temoignages/"))
        page.go_back()
        expect(page).to_have_url(story)


def test_phone_drawer_round_trip(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "phone") as page:
        page.goto("/recherche")
        assert first_screen(page, ".hits .hit")
        expect(page.locator("#filtres")).to_be_hidden()
        toggle = page.locator("[data-drawer-open]")
        toggle.click()
        drawer = page.get_by_role("dialog", name="Filtres")
        expect(drawer).to_be_visible()
        expect(page.locator("#filters-title")).to_be_focused()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        assert page.evaluate("document.querySelector('.results').inert") is True
        page.locator("#f-sector-J").check()
        expect(page).to_have_url(re.compile(r"/recherche\?sector=J$"))
        show = page.get_by_role("button", name="Voir les 4\u00a0témoignages")
        expect(show).to_be_visible()
        expect(page.locator("#f-sector-J")).to_be_focused()  # the drawer stays open while filtering
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "drawer-phone.png"))  # the screen, as the drawer covers it
        show.click()
        expect(drawer).to_be_hidden()
        expect(page.locator("#results-title")).to_be_focused()
        expect(page.locator("#result-count")).to_have_text("4\u00a0témoignages")
        assert first_screen(page, ".hits .hit")
        # Escape closes it too, and focus goes back to its button
        page.locator("[data-drawer-open]").click()
        expect(drawer).to_be_visible()
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        expect(page.locator("[data-drawer-open]")).to_be_focused()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_keyboard_from_the_box_to_a_first_result(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        for url in ("/recherche", "/recherche?q=infirmier", "/recherche?sector=J"):
            page.goto(url)
            page.locator("#q").focus()
            first = page.locator(".hits .hit-title a").first
            for presses in range(1, 6):
                page.keyboard.press("Tab")
                if first.evaluate("el => el === document.activeElement"):
                    break
            expect(first).to_be_focused()
            assert presses <= 5, (url, presses)
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        # the skip link leads to the results: the next Tab is the first result
        page.goto("/recherche?sector=J")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Aller aux résultats")).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(page.locator(".hits .hit-title a").first).to_be_focused()
        # on the home page it leads to the search box
        page.goto("/")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Aller à la recherche")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#q")).to_be_focused()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_without_javascript(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport, javascript=False) as page:
        page.goto("/recherche")
        assert first_screen(page, ".hits .hit")
        if viewport == "phone":
            expect(page.get_by_label(re.compile(r"^Santé"))).to_be_hidden()  # the panel starts closed
            page.locator("#filtres > summary").click()
        expect(page.get_by_label(re.compile(r"^Santé"))).to_be_visible()  # on a desktop: always open
        page.get_by_label(re.compile(r"^Santé")).check()
        page.get_by_role("button", name="Appliquer les filtres").click()
        expect(page).to_have_url(re.compile(r"sector=J"))
        expect(page.locator("#result-count")).to_have_text("4\u00a0témoignages")
        page.locator("#sort").select_option("random")
        page.get_by_role("button", name="Trier").click()
        expect(page).to_have_url(re.compile(r"sort=random&seed=\d+"))  # redirected to its seed
        order = page.locator(".hits .hit-title").all_inner_texts()
        page.reload()
        assert page.locator(".hits .hit-title").all_inner_texts() == order
        if viewport == "phone":
            shot(page, "results-phone-nojs")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_zero_result_page(browser: Browser, base_url: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto("/recherche?q=astronaute")
        expect(page.locator("#result-count")).to_have_text("Aucun témoignage")
        expect(page.get_by_role("heading", name="En attendant, une histoire au hasard")).to_be_visible()
        expect(page.locator(".help-story .hit-quote")).to_be_visible()
        expect(page.get_by_role("link", name="Retirer tous les filtres")).to_have_count(0)
        page.get_by_role("link", name=re.compile("Explorer les métiers")).click()
        expect(page).to_have_url(re.compile(r"/#explorer$"))
        page.goto("/recherche?q=boulanger&region=FR-IDF")
        page.get_by_role("link", name=re.compile("Sans le filtre")).click()
        expect(page).to_have_url(re.compile(r"/recherche\?q=boulanger$"))
        expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
        if viewport == "phone":
            page.goto("/recherche?q=astronaute")
            shot(page, "zero-phone")


def test_autocomplete_escape_keeps_the_words_and_the_list_never_covers_results(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "desktop") as page:
        page.goto("/recherche?q=infirmier")
        expect(page.locator("#result-count")).to_have_text("3\u00a0témoignages")
        box = page.locator("#q")
        box.fill("")
        box.press_sequentially("boul")
        options = page.get_by_role("option")
        expect(page).to_have_url(re.compile(r"q=boul$"))  # the live results followed the typing
        expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
        expect(options.first).to_be_visible()
        listbox = page.locator("#q-suggestions").bounding_box()
        first_hit = page.locator(".hits .hit").first.bounding_box()
        assert listbox is not None and first_hit is not None
        assert listbox["y"] + listbox["height"] <= first_hit["y"]  # in the flow, above the results
        box.press("Escape")
        expect(page.locator("#q-suggestions")).to_be_hidden()
        expect(box).to_have_value("boul")
        expect(page).to_have_url(re.compile(r"q=boul$"))
        expect(page.locator("#result-count")).not_to_have_text("Aucun témoignage")


def test_sort_random_from_the_select_keeps_its_seed(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "desktop") as page:
        page.goto("/recherche")
        page.locator("#sort").select_option("random")
        expect(page).to_have_url(re.compile(r"/recherche\?sort=random&seed=\d+$"))
        order = page.locator(".hits .hit-title").all_inner_texts()
        page.reload()
        assert page.locator(".hits .hit-title").all_inner_texts() == order
        page.locator("#f-sector-J").check()
        expect(page).to_have_url(re.compile(r"sector=J&sort=random&seed=\d+$"))


PAGES = [
    "/", "/recherche", "/recherche?sector=J&region=FR-BRE", "/recherche?q=astronaute", "/recherche?q=boulanger+astronaute",
    "/recherche?more=sector%3AJ", "/temoignages/anna-infirmiere-brest", "/a-propos", "/nulle-part",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_axe_no_violation_at_all(browser: Browser, base_url: str, path: str, viewport: str) -> None:
    with opened(browser, base_url, viewport) as page:
        page.goto(path)
        violations = Axe().run(page).response["violations"]
        assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


def test_axe_on_the_open_drawer(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "phone") as page:
        page.goto("/recherche?sector=J")
        page.locator("[data-drawer-open]").click()
        expect(page.get_by_role("dialog", name="Filtres")).to_be_visible()
        violations = Axe().run(page).response["violations"]
        assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


@pytest.mark.parametrize("path", ["/", "/recherche", "/temoignages/anna-infirmiere-brest"])
def test_phone_pages_fit_the_screen_and_the_placeholder_is_whole(browser: Browser, base_url: str, path: str) -> None:
    with opened(browser, base_url, "phone") as page:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
        box = page.locator("input[type=search][placeholder]").first
        fits = box.evaluate(
            """el => { const c = document.createElement('canvas').getContext('2d'); const s = getComputedStyle(el);
                      c.font = s.font; const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
                      return c.measureText(el.placeholder).width <= room; }"""
        )
        assert fits


def test_printed_pages(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, "desktop") as page:
        page.emulate_media(media="print")
        page.goto("/recherche?sector=J")
        expect(page.locator(".facets-panel")).to_be_hidden()
        expect(page.locator(".site-header .nav")).to_be_hidden()
        expect(page.locator(".hits .print-url").first).to_be_visible()
        expect(page.locator(".hits .print-url").first).to_have_text(re.compile(r"^http://127\.0\.0\.1:\d+/temoignages/"))
        page.goto("/temoignages/anna-infirmiere-brest")
        expect(page.locator(".testimonial .print-url")).to_be_visible()
        expect(page.locator(".site-footer")).to_be_hidden()
        shot(page, "testimonial-print")
