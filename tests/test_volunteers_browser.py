"""Issue 16 in Chromium: a volunteer's whole journey, the no-JS form, errors and focus, axe on every new page.

uvicorn serves its own corpus copy, index and database; moderation runs the real ``bloomr``
commands in between. Screenshots of the form and the management page go to test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from bloomr.cli import main  # noqa: E402
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, shot  # noqa: E402
from uvicorn_process import Uvicorn  # noqa: E402
from test_withdraw import holders  # noqa: E402
from volunteer_kit import DRAFT, SENTENCE, make_site  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium (.ci/run installs it)", allow_module_level=True)


@dataclass
class Server:
    url: str
    corpus: Path
    index: Path
    db: Path

    def bloomr(self, *args: str) -> int:
        os.environ["BLOOMR_VOLUNTEERS_DB"] = str(self.db)
        try:
            return main([*args, "--corpus", str(self.corpus), "--index", str(self.index)])
        finally:
            del os.environ["BLOOMR_VOLUNTEERS_DB"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    corpus, index, db, _ = make_site(tmp_path_factory.mktemp("volunteers"))
    uvicorn = Uvicorn({"BLOOMR_INDEX": str(index), "BLOOMR_CORPUS": str(corpus), "BLOOMR_VOLUNTEERS_DB": str(db),
                       "BLOOMR_ALLOWED_HOSTS": "127.0.0.1", "BLOOMR_FORM_RATE": "1000"})
    try:
        yield Server(uvicorn.url, corpus, index, db)
    finally:
        uvicorn.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Browser, server: Server, *, viewport: dict[str, int] = DESKTOP, js: bool = True) -> Page:
    context = browser.new_context(base_url=server.url, viewport=viewport, locale="fr-FR", java_script_enabled=js)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and "status of 4" not in msg.text else None)
    page.problems = problems  # type: ignore[attr-defined]
    return page


def fill_form(page: Page, **changes: str) -> None:
    values = {**DRAFT, **changes}
    page.get_by_label("Votre prénom ou un pseudonyme").fill(values["name"])
    page.get_by_label("Votre métier, avec vos mots").fill(values["profession"])
    page.get_by_label("Pays où vous travaillez").select_option(values["country"])
    page.get_by_label("Région, département ou ville").fill(values["region"])
    for key, label in (("metier", "Mon métier"), ("parcours", "Mon parcours"), ("passion", "Pourquoi j’aime mon métier"),
                       ("conseils", "Mes conseils aux jeunes")):
        page.get_by_label(re.compile("^" + label)).fill(values[key])
    page.get_by_label("Votre adresse électronique (facultative)").fill(values["email"])
    page.get_by_label("Stages et alternance").check()


def send(page: Page) -> str:
    """From a filled form: preview, send; the management link."""
    page.get_by_label(re.compile("^J’accepte que ce témoignage")).check()
    page.get_by_role("button", name="Prévisualiser mon témoignage").click()
    expect(page.get_by_role("heading", name="Relisez votre témoignage")).to_be_visible()
    page.get_by_role("button", name="Envoyer mon témoignage").click()
    expect(page.get_by_role("heading", name=re.compile("^Merci, Lina"))).to_be_visible()
    return page.get_by_label("Lien de gestion de votre témoignage").input_value()


def confirm(page: Page, action: str, button: str) -> None:
    page.get_by_role("link", name=action).click()
    with page.expect_navigation():  # the form's answer is loaded before anything else happens to the page
        page.get_by_role("button", name=button).click()


def hits(page: Page, q: str) -> int:
    return int(page.request.get("/api/search", params={"q": q}).json()["total"])


def test_the_journey_in_a_browser(browser: Browser, server: Server) -> None:
    page = new_page(browser, server)
    page.goto("/")
    page.get_by_role("link", name="Témoigner de son métier").click()
    expect(page).to_have_url(re.compile(r"/participer$"))
    fill_form(page)
    page.get_by_label("Votre métier, avec vos mots").fill("Boulang")
    expect(page.locator("#professions-list option[value='Boulanger']")).to_have_count(1)  # ROME titles from /api/suggest
    assert page.get_by_label("Votre métier, avec vos mots").get_attribute("list") == "professions-list"
    page.get_by_label("Votre métier, avec vos mots").fill(DRAFT["profession"])
    expect(page.locator("[data-counter-for='f-metier']")).to_contain_text("/ 6\u202f000\u00a0caractères")
    shot(page, "participer-form-desktop")
    page.get_by_label(re.compile("^J’accepte que ce témoignage")).check()
    page.get_by_role("button", name="Prévisualiser mon témoignage").click()
    expect(page.locator(".preview")).to_contain_text(SENTENCE)
    expect(page.locator(".preview")).to_contain_text("Stages et alternance")
    shot(page, "participer-preview-desktop")
    page.get_by_role("button", name="Envoyer mon témoignage").click()
    link = page.get_by_label("Lien de gestion de votre témoignage").input_value()
    assert re.fullmatch(re.escape(server.url) + r"/gerer\?cle=[\w-]{12}\.[\w-]{43}", link)
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator("[data-copy-status]")).not_to_be_empty()
    shot(page, "participer-merci-desktop")

    assert server.bloomr("accept", "1") == 0
    page.goto("/recherche?q=Quimperlé")
    page.get_by_role("link", name=re.compile("Lina|Boulangère")).first.click()
    expect(page).to_have_url(re.compile(r"/temoignages/lina-boulangere$"))

    page.goto(link)
    expect(page.get_by_role("heading", name="État\u00a0: En ligne")).to_be_visible()
    shot(page, "gerer-desktop")
    page.get_by_role("link", name="Modifier mon témoignage").click()
    metier = page.get_by_label(re.compile("^Mon métier"))
    metier.fill(metier.input_value().replace("au levain", "de seigle"))
    page.get_by_label(re.compile("^J’accepte que ce témoignage")).check()
    page.get_by_role("button", name="Prévisualiser mon témoignage").click()
    page.get_by_role("button", name="Envoyer cette nouvelle version").click()
    expect(page.locator(".notice")).to_contain_text("la version publiée reste en ligne")
    assert hits(page, "seigle") == 0
    assert server.bloomr("accept", "1") == 0
    assert hits(page, "seigle") == 1

    page.goto(link)
    confirm(page, "Mettre en pause", "Oui, mettre en pause")
    expect(page.get_by_role("heading", name="État\u00a0: En pause")).to_be_visible()
    assert hits(page, "seigle") == 0
    confirm(page, "Remettre en ligne", "Oui, remettre en ligne")
    expect(page.get_by_role("heading", name="État\u00a0: En ligne")).to_be_visible()
    assert hits(page, "seigle") == 1
    page.get_by_role("link", name="Retirer pour de bon").click()
    expect(page.locator("main")).to_contain_text("Cette action ne peut pas être annulée.")
    shot(page, "gerer-retrait-confirmation-desktop")
    page.get_by_role("button", name="Oui, retirer définitivement").click()
    expect(page.get_by_role("heading", name=re.compile(r"^État\s: Retiré le"))).to_be_visible()
    assert page.goto("/temoignages/lina-boulangere").status == 410  # type: ignore[union-attr]
    assert hits(page, "seigle") == 0 and hits(page, "Quimperlé") == 0
    for needle in ("Quimperl".encode(), b"seigle", DRAFT["email"].encode()):
        assert holders(server.index, needle) == []
        assert [p.name for p in server.db.parent.iterdir() if p.is_file() and needle in p.read_bytes()] == []
    assert not (server.corpus / "testimonials" / "lina-boulangere.md").exists()
    assert page.problems == []  # type: ignore[attr-defined]
    page.context.close()


def test_errors_are_listed_tied_to_their_fields_and_focused(browser: Browser, server: Server) -> None:
    page = new_page(browser, server)
    page.goto("/participer")
    page.get_by_label("Votre prénom ou un pseudonyme").fill("Lina")
    page.get_by_label("Région, département ou ville").fill("Bretange")
    page.get_by_role("button", name="Prévisualiser mon témoignage").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Il reste 5\u00a0points à corriger")
    expect(page.get_by_label("Votre métier, avec vos mots")).to_be_focused()  # the first error
    expect(page.get_by_label("Région, département ou ville")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-region-error")).to_contain_text("Vouliez-vous dire «\u00a0Bretagne\u00a0»")
    expect(page.get_by_label("Votre prénom ou un pseudonyme")).to_have_value("Lina")  # nothing typed is lost
    shot(page, "participer-erreurs-desktop")
    page.context.close()


def test_the_form_works_without_javascript(browser: Browser, server: Server) -> None:
    page = new_page(browser, server, js=False, viewport=PHONE)
    page.goto("/participer")
    fill_form(page, name="Lina")
    shot(page, "participer-form-phone")
    link = send(page)
    assert "/gerer?cle=" in link
    page.goto(link)
    expect(page.get_by_role("heading", name="État\u00a0: En attente de relecture")).to_be_visible()
    shot(page, "gerer-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


@pytest.fixture(scope="module")
def links(browser: Browser, server: Server) -> dict[str, str]:
    """A published testimonial's link and a withdrawn one's, for axe."""
    page = new_page(browser, server)
    page.goto("/participer")
    fill_form(page, metier=DRAFT["metier"] + " Pour axe.")
    published = send(page)
    page.goto("/participer")
    fill_form(page)
    withdrawn = send(page)
    page.goto(withdrawn)
    confirm(page, "Retirer pour de bon", "Oui, retirer définitivement")
    # closing a context while its page still awaits a form's answer hung Chromium for good under load
    expect(page.get_by_role("heading", name=re.compile(r"^État\s: Retiré le"))).to_be_visible()
    page.context.close()
    return {"published": published, "withdrawn": withdrawn}


def axe_violations(page: Page) -> list[tuple[str, str, list[object]]]:
    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


PAGES = ["form", "errors", "preview", "thanks", "manage", "confirm", "edit", "withdrawn", "privacy", "about"]


@pytest.mark.parametrize("what", PAGES)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_violation(browser: Browser, server: Server, links: dict[str, str], what: str, viewport: str) -> None:
    page = new_page(browser, server, viewport=PHONE if viewport == "phone" else DESKTOP)
    if what in ("form", "errors", "preview", "thanks"):
        page.goto("/participer")
        if what == "errors":
            page.get_by_role("button", name="Prévisualiser mon témoignage").click()
            expect(page.get_by_role("alert")).to_be_visible()
        elif what in ("preview", "thanks"):
            fill_form(page)
            page.get_by_label(re.compile("^J’accepte que ce témoignage")).check()
            page.get_by_role("button", name="Prévisualiser mon témoignage").click()
            expect(page.get_by_role("heading", name="Relisez votre témoignage")).to_be_visible()
            if what == "thanks":
                page.get_by_role("button", name="Envoyer mon témoignage").click()
                expect(page.get_by_role("heading", name=re.compile("^Merci, Lina"))).to_be_visible()
    elif what == "manage":
        page.goto(links["published"])
    elif what == "confirm":
        page.goto(links["published"] + "&confirmer=withdraw")
    elif what == "edit":
        page.goto(links["published"].replace("/gerer?", "/gerer/modifier?"))
    elif what == "withdrawn":
        page.goto(links["withdrawn"])
    else:
        page.goto("/confidentialite" if what == "privacy" else "/a-propos")
    assert axe_violations(page) == []
    page.context.close()
