"""In Chromium: a search typed live counts once (not once per keystroke), and the HTML report reads
well — no accessibility violation, on a desktop and on a phone — with screenshots in test-artifacts/.

Waits are Playwright's own (a URL, a request), never sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Request, expect  # noqa: E402

from insights.html import render_html  # noqa: E402
from insights.recorder import Recorder, utc_today  # noqa: E402
from insights.report import build_report  # noqa: E402
from insights.store import Store  # noqa: E402
from search.index import IndexHandle  # noqa: E402
from uvicorn_process import Uvicorn  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# Chromium headless names itself « HeadlessChrome », which the rules take for a robot: this test is a visitor
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium (.ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_a_search_typed_live_counts_once(browser: Browser, understood_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "insights.sqlite3"
    server = Uvicorn({"BLOOMR_INDEX": str(understood_index), "BLOOMR_INSIGHTS_DB": str(db), "BLOOMR_ALLOWED_HOSTS": "127.0.0.1"})
    requests: list[Request] = []
    try:
        context = browser.new_context(base_url=server.url, user_agent=BROWSER_AGENT, locale="fr-FR")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("request", lambda r: requests.append(r) if "/recherche" in r.url else None)
        page.goto("/recherche")
        box = page.locator("#q")
        box.press_sequentially("nota")
        expect(page).to_have_url(re.compile(r"q=nota$"))  # results shown as the visitor types
        box.press_sequentially("ire")
        expect(page).to_have_url(re.compile(r"q=notaire$"))
        with page.expect_request(lambda r: "/recherche/vue" in r.url) as beacon:
            box.press("Tab")  # the visitor leaves the field: the search has settled
        assert beacon.value.method == "POST" and beacon.value.url.endswith("/recherche/vue?q=notaire")
        box.fill("")
        box.press_sequentially("boulanger")
        box.press("Enter")  # submitted: the request itself counts
        expect(page).to_have_url(re.compile(r"q=boulanger$"))
        expect(page.locator("#results-title")).to_contain_text("boulanger")
        context.close()  # the page is hidden: nothing left unsettled to send
    finally:
        server.stop()  # SIGTERM: the lifespan writes the last batch
    typed = [r for r in requests if r.headers.get("x-bloomr-live") == "typing"]
    beacons = [r for r in requests if "/recherche/vue" in r.url]
    assert typed and all("q=" in r.url for r in typed)
    assert [r.url.rsplit("?", 1)[1] for r in beacons] == ["q=notaire"]
    totals = Store(db).totals(utc_today(), utc_today())
    assert sorted((row.fiches, row.count) for row in totals.rows) == [(("D1102",), 1), (("K1901",), 1)]
    assert totals.lost == 0


@pytest.fixture(scope="module")
def report_file(understood_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A month of simulated searches (bench.insights) over the test index, as the HTML report."""
    from bench.insights import simulate

    generation = IndexHandle(understood_index).current()
    end = utc_today()
    records, _ = simulate(generation, understood_index, searches=4000, days=30, end=end, seed=3, processes=1)
    store = Store(tmp_path_factory.mktemp("report") / "insights.sqlite3")
    recorder = Recorder(store, capacity=len(records))
    assert all(recorder.offer(record) for record in records)
    assert recorder.flush() == len(records)
    report = build_report(store.totals(end - timedelta(days=29), end), generation)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "insights-report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


@pytest.mark.parametrize(("viewport", "width"), [("desktop", 1100), ("phone", 390)])
def test_the_report_reads_well(browser: Browser, report_file: Path, viewport: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR", offline=True)
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(report_file.as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce que les jeunes cherchent sur Bloomr")
    expect(page.get_by_role("img", name=re.compile("métiers les plus cherchés"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Part des recherches"))).to_be_visible()
    results = Axe().run(page)
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert found == []
    scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 1  # nothing wider than the screen, even on a phone
    page.screenshot(path=str(ARTIFACTS / f"insights-report-{viewport}.png"), full_page=True)
    assert failed == []  # offline, and nothing was fetched
    context.close()
