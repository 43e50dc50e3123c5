"""End to end: uvicorn on 127.0.0.1 serving the good corpus, driven by Chromium through Playwright.

Covers search as you type, facets, chips, pagination, the back button, autocomplete, the
no-JS mode and a phone viewport; runs axe-core on every kind of page and saves screenshots
under test-artifacts/. Waits are Playwright's own (an element or a URL appears), never sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402
from uvicorn_process import Uvicorn  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage",  # a container's /dev/shm may be 64 MB: Chromium's shared memory goes to /tmp
]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium (.ci/run installs it)", allow_module_level=True)


def serve(index_dir: Path) -> Iterator[str]:
    """uvicorn in its own process on ``index_dir``; ready when it logs its startup line."""
    server = Uvicorn({"BLOOMR_INDEX": str(index_dir), "BLOOMR_ALLOWED_HOSTS": "127.0.0.1"})
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def base_url(index_dir: Path) -> Iterator[str]:
    yield from serve(index_dir)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="fr-FR")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    failed: list[str] = []  # sub-resources (CSS, JS, icon, fetches) that failed
    tab.on("response", lambda r: failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None)
    yield tab
    context.close()
    # no CSP violation, no script error on any page a test visited (4xx pages log their status)
    assert [p for p in problems if "status of 4" not in p] == []
    assert [url for url in failed if "/recherche?" not in url] == []  # live updates may get a 400 by design


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def count(page: Page) -> str:
    return page.locator("#result-count").inner_text()


def test_search_as_you_type_updates_results_and_url(page: Page) -> None:
    page.goto("/recherche")
    expect(page.locator("#result-count")).to_have_text("8\u00a0témoignages")
    page.locator("#q").fill("infirmière")
    expect(page).to_have_url(re.compile(r"q=infirmi%C3%A8re"))
    expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
    expect(page.locator("#results-title")).to_have_text("Résultats pour «\u00a0infirmière\u00a0»")


def test_tick_and_untick_facets_without_reload(page: Page) -> None:
    page.goto("/recherche")
    page.evaluate("window.__sameDocument = true; document.getElementById('result-count').__kept = true")
    page.get_by_label(re.compile(r"^Santé")).check()
    expect(page).to_have_url(re.compile(r"/recherche\?sector=J$"))
    expect(page.locator("#result-count")).to_have_text("3\u00a0témoignages")
    expect(page.locator("#f-sector-J")).to_be_focused()
    page.locator('[data-facet="country"] summary').first.click()  # « Régions de France »
    page.get_by_label(re.compile(r"^Bretagne")).check()
    expect(page).to_have_url(re.compile(r"sector=J&region=FR-BRE$"))
    expect(page.locator("#result-count")).to_have_text("1\u00a0témoignage")
    page.get_by_label(re.compile(r"^Santé")).uncheck()
    expect(page).to_have_url(re.compile(r"/recherche\?region=FR-BRE$"))
    assert page.evaluate("window.__sameDocument") is True  # never reloaded
    # the aria-live node itself is kept, so its new text is announced
    assert page.evaluate("document.getElementById('result-count').__kept") is True


def test_typing_too_many_words_explains_in_place(page: Page) -> None:
    page.goto("/recherche?q=son")
    page.locator("#q").fill(" ".join(["mot"] * 20))
    expect(page.locator("#result-count")).to_contain_text("trop de mots")
    expect(page).to_have_url(re.compile(r"/recherche\?q=son$"))
    expect(page.locator("#q")).to_be_visible()  # still on the results page, still typing


def test_one_history_entry_per_typing_session(page: Page) -> None:
    page.goto("/recherche")
    box = page.locator("#q")
    box.fill("infirm")
    expect(page).to_have_url(re.compile(r"q=infirm$"))
    box.fill("infirmière")
    expect(page).to_have_url(re.compile(r"q=infirmi%C3%A8re$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/recherche$"))


def test_remove_a_chip_and_clear_all(page: Page) -> None:
    page.goto("/recherche?sector=J&theme=etudes")
    chips = page.locator(".chips .chip")
    expect(chips).to_have_count(3)
    page.get_by_role("link", name=re.compile(r"Retirer le filtre Conseils")).click()
    expect(page).to_have_url(re.compile(r"/recherche\?sector=J$"))
    expect(chips).to_have_count(1)  # one filter: its chip is « Tout effacer »
    page.goto("/recherche?sector=J&theme=etudes")
    page.get_by_role("link", name="Tout effacer").click()
    expect(page).to_have_url(re.compile(r"/recherche$"))
    expect(page.locator("#result-count")).to_have_text("8\u00a0témoignages")


def test_paginate_and_back_button(page: Page) -> None:
    page.goto("/recherche?page_size=3")
    first = page.locator(".hits .hit-title").first.inner_text()
    page.get_by_role("link", name="Suivante ›").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#result-count")).to_have_text("8\u00a0témoignages, page 2 sur 3")
    assert page.locator(".hits .hit-title").first.inner_text() != first
    page.go_back()
    expect(page).to_have_url(re.compile(r"/recherche\?page_size=3$"))
    expect(page.locator("#result-count")).to_have_text("8\u00a0témoignages, page 1 sur 3")
    expect(page.locator(".hits .hit-title").first).to_have_text(first)


def test_back_button_restores_the_query(page: Page) -> None:
    page.goto("/recherche?q=boulanger")
    page.get_by_label(re.compile(r"^Rechercher un métier")).fill("comptable")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=comptable"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=boulanger"))
    expect(page.locator("#q")).to_have_value("boulanger")


def test_autocomplete_from_home(page: Page) -> None:
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("infi")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(options.first).to_contain_text("métier")
    box.press("Enter")
    # a métier opens its page (issue 15); a word is searched (below)
    expect(page).to_have_url(re.compile(r"/metiers/J1506$"))
    expect(page.locator("#metier-title")).to_contain_text("Infirmi")
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("stag")
    word = page.get_by_role("option").filter(has_text="mot").first
    chosen = word.locator("span").first.inner_text()
    word.click()
    expect(page).to_have_url(re.compile(r"/recherche\?q="))
    expect(page.locator("#q")).to_have_value(chosen)


def test_zero_results_recovery_link(page: Page) -> None:
    page.goto("/recherche?q=boulanger&region=FR-BRE")
    expect(page.locator("#result-count")).to_have_text("Aucun témoignage")
    page.get_by_role("link", name=re.compile("Sans le filtre")).click()
    expect(page).to_have_url(re.compile(r"/recherche\?q=boulanger$"))
    expect(page.locator("#result-count")).to_have_text("1\u00a0témoignage")


def test_facet_value_search_box(page: Page) -> None:
    page.goto("/recherche")
    box = page.get_by_label(re.compile("Filtrer la liste «\u00a0pays et région"))
    box.fill("bret")
    expect(page.get_by_label(re.compile(r"^Bretagne"))).to_be_visible()
    expect(page.get_by_label(re.compile(r"^Suisse"))).to_be_hidden()


def test_without_javascript_forms_and_links_work(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/")
    page.locator("#q").fill("infirmière")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/recherche\?q=infirmi%C3%A8re$"))
    expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
    page.locator('[data-facet="country"] summary').first.click()
    page.get_by_label(re.compile(r"^Bretagne")).check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"region=FR-BRE"))
    expect(page.locator("#result-count")).to_have_text("1\u00a0témoignage")
    page.locator(".chips .chip").first.click()
    expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
    page.get_by_role("link", name="Infirmière").first.click()
    expect(page).to_have_url(re.compile(r"/temoignages/"))
    shot(page, "testimonial-nojs-desktop")
    context.close()


def test_phone_viewport(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/")
    shot(page, "home-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.goto("/recherche?q=infirmière")
    panel = page.locator("[data-facets-panel]")
    expect(panel).not_to_have_attribute("open", "")  # facets collapsed behind a button
    expect(page.get_by_label(re.compile(r"^Santé"))).to_be_hidden()
    shot(page, "results-phone")
    page.get_by_text("Filtres", exact=True).first.click()
    expect(page.get_by_label(re.compile(r"^Santé"))).to_be_visible()
    page.get_by_label(re.compile(r"^Santé")).check()
    expect(page).to_have_url(re.compile(r"sector=J"))
    expect(page.get_by_label(re.compile(r"^Santé"))).to_be_visible()  # panel stays open while filtering
    shot(page, "results-phone-facets")
    context.close()


def test_desktop_screenshots(page: Page) -> None:
    page.goto("/")
    shot(page, "home-desktop")
    page.goto("/recherche?q=infirmière&sector=J")
    expect(page.locator("#result-count")).to_have_text("2\u00a0témoignages")
    shot(page, "results-desktop")
    page.goto("/temoignages/benedicte-infirmiere")
    shot(page, "testimonial-desktop")


def test_keyboard_reaches_facets_with_visible_focus(page: Page) -> None:
    page.goto("/recherche")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller aux résultats")).to_be_focused()
    page.locator("#f-sector-J").focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"sector=J"))
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/recherche?q=infirmière&sector=J", 200),
        ("/recherche?q=boulanger&region=FR-BRE", 200),
        ("/temoignages/benedicte-infirmiere", 200),
        ("/temoignages/xavier-developpeur-retire", 410),
        ("/nulle-part", 404),
        ("/a-propos", 200),
    ],
)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_no_violation(page: Page, path: str, status: int, viewport: str) -> None:
    page.set_viewport_size(PHONE if viewport == "phone" else DESKTOP)
    response = page.goto(path)
    assert response is not None and response.status == status
    results = Axe().run(page)
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert found == []  # none at all, whatever its impact (issue 15)
