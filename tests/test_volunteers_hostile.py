"""Hostile submissions get a clear French answer and change nothing (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from volunteer_kit import DRAFT, Site, act, csrf, fields, local, make_site, site, submit, token_of  # noqa: F401
from web.app import create_app

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def counts(site: Site) -> tuple[dict[str, int], list[str]]:
    """What could change: submissions by state, and the corpus files."""
    files = sorted(p.name for p in (site.corpus / "testimonials").iterdir())
    return (site.store.count() if site.db.exists() else {}), files


def preview_token(site: Site, **changes: str) -> str:
    form = site.client.get("/participer")
    preview = site.client.post("/participer", data={**fields(**changes), "csrf": csrf(form.text), "action": "preview"})
    assert preview.status_code == 200
    return csrf(preview.text)


def french(response_text: str) -> str:
    title = re.search(r"<h1[^>]*>(.*?)</h1>", response_text, re.S)
    return title.group(1).strip() if title else ""


def test_scripts_and_markdown_are_shown_as_text(site: Site) -> None:
    hostile = "<script>alert('x')</script> **gras** [lien](javascript:alert(1)) <img src=x onerror=alert(1)>"
    form = site.client.get("/participer")
    preview = site.client.post("/participer", data={**fields(name="<b>Lina</b>", parcours=hostile), "csrf": csrf(form.text), "action": "preview"})
    assert preview.status_code == 200
    assert "<script>alert" not in preview.text and "<img src=x" not in preview.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; **gras** [lien](javascript:alert(1))" in preview.text
    assert "&lt;b&gt;Lina&lt;/b&gt;" in preview.text
    link = submit(site.client, parcours=hostile)
    page = site.client.get(local(link)).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_field_over_its_limit_is_refused_with_its_count(site: Site) -> None:
    before = counts(site)
    form = site.client.get("/participer")
    answer = site.client.post("/participer", data={**fields(metier="mot " * 2000), "csrf": csrf(form.text), "action": "preview"})
    assert answer.status_code == 422
    assert "Ce texte compte 7\u202f999\u00a0caractères\u00a0; raccourcissez-le à 6\u202f000\u00a0caractères au plus." in answer.text
    assert 'aria-invalid="true"' in answer.text and 'aria-describedby="f-metier-help f-metier-error"' in answer.text
    assert re.search(r'<textarea id="f-metier"[^>]*autofocus', answer.text)  # the focus goes to the first error
    assert counts(site) == before


def test_a_one_megabyte_field_is_refused_before_it_is_read(site: Site) -> None:
    before = counts(site)
    body = "&".join(f"{k}={quote(v)}" for k, v in fields(metier="é" * 1_000_000, csrf=preview_token(site), action="send").items())
    answer = site.client.post("/participer", content=body.encode(), headers=FORM)
    assert answer.status_code == 413
    assert "trop volumineuse" in answer.text and "24\u202f000 caractères" in answer.text
    assert counts(site) == before


def test_a_body_streamed_past_the_bound_is_refused_too(site: Site) -> None:
    def chunks():  # no Content-Length: a chunked body
        yield b"name=Lina&metier="
        for _ in range(300):
            yield b"a" * 1024

    answer = site.client.post("/participer", content=chunks(), headers=FORM)
    assert answer.status_code == 413


def test_bad_utf8_is_refused_in_french(site: Site) -> None:
    before = counts(site)
    token = preview_token(site)
    for raw in (b"name=Lin\xe9a&action=send&csrf=" + token.encode(), f"name=Lin%E9a&action=send&csrf={token}".encode()):
        answer = site.client.post("/participer", content=raw, headers=FORM)
        assert answer.status_code == 400
        assert "caractères illisibles (ce n’est pas de l’UTF-8)" in answer.text
    assert counts(site) == before


@pytest.mark.parametrize("token", ["", "1.2.3", "abc", "9999999999.x.y"])
def test_a_missing_or_forged_form_token_is_refused(site: Site, token: str) -> None:
    before = counts(site)
    answer = site.client.post("/participer", data={**fields(), "csrf": token, "action": "send"})
    assert answer.status_code == 403
    assert french(answer.text) == "Formulaire non vérifié" and "Rien n’a été enregistré." in answer.text
    assert counts(site) == before


def test_a_token_of_the_form_page_cannot_skip_the_preview(site: Site) -> None:
    form = site.client.get("/participer")
    answer = site.client.post("/participer", data={**fields(), "csrf": csrf(form.text), "action": "send"})
    assert answer.status_code == 403 and counts(site)[0] == {}


def test_a_replayed_form_is_stored_once(site: Site) -> None:
    data = {**fields(), "csrf": preview_token(site), "action": "send"}
    assert site.client.post("/participer", data=data).status_code == 200
    again = site.client.post("/participer", data=data)
    assert again.status_code == 409
    assert "déjà été envoyé une fois" in again.text
    assert site.store.count() == {"pending": 1}


def test_a_form_posted_from_another_site_is_refused(site: Site) -> None:
    data = {**fields(), "csrf": preview_token(site), "action": "send"}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"},
    ):
        answer = site.client.post("/participer", data=data, headers=headers)
        assert answer.status_code == 403 and "depuis un autre site" in answer.text
    assert counts(site)[0] == {}


def test_the_honeypot_and_other_encodings_are_refused(site: Site) -> None:
    answer = site.client.post("/participer", data={**fields(), "site_web": "http://spam.example", "csrf": preview_token(site), "action": "send"})
    assert answer.status_code == 400 and "sert à écarter les robots" in answer.text
    answer = site.client.post("/participer", files={"name": ("a.txt", b"Lina")})
    assert answer.status_code == 400 and "doit être envoyé par la page du site" in answer.text
    assert counts(site)[0] == {}


def test_an_expired_form_comes_back_with_what_was_typed(site: Site) -> None:
    signer = site.client.app.state.forms.get()  # type: ignore[attr-defined]
    old = signer.issue("participate:preview", now=1_000_000_000)
    answer = site.client.post("/participer", data={**fields(), "csrf": old, "action": "send"})
    assert answer.status_code == 422
    assert "le formulaire a expiré" in answer.text and "Quimperlé" in answer.text
    assert counts(site)[0] == {}


@pytest.mark.parametrize("token", [
    "", "x", "A" * 12 + "." + "B" * 43, "' OR 1=1 --", "A" * 5000,
])
def test_a_guessed_management_link_is_unknown(site: Site, token: str) -> None:
    submit(site.client)
    answer = site.client.get("/gerer", params={"cle": token})
    assert answer.status_code == 404
    assert french(answer.text) == "Lien de gestion inconnu"
    assert answer.headers["referrer-policy"] == "no-referrer" and "noindex" in answer.headers["x-robots-tag"]


def test_the_right_selector_with_a_wrong_secret_is_unknown(site: Site) -> None:
    link = submit(site.client)
    selector, verifier = token_of(link).split(".")
    forged = selector + "." + ("A" if verifier[0] != "A" else "B") + verifier[1:]
    assert site.client.get("/gerer", params={"cle": forged}).status_code == 404
    confirm = site.client.get(local(link) + "&confirmer=pause")
    assert confirm.status_code == 400  # nothing to pause before publication


def test_guessing_links_is_slowed_down(tmp_path: Path) -> None:
    corpus, index, db, settings = make_site(tmp_path, form_rate=5)
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/gerer", params={"cle": f"{i:012d}." + "x" * 43}).status_code for i in range(7)]
        assert answers == [404] * 5 + [429] * 2
        last = client.get("/gerer", params={"cle": "y" * 12 + "." + "x" * 43})
        assert "Trop de demandes" in last.text and int(last.headers["retry-after"]) > 0


def test_a_management_form_of_one_link_does_not_act_on_another(site: Site) -> None:
    first, second = submit(site.client), submit(site.client)
    confirm = site.client.get(local(first) + "&confirmer=withdraw")
    answer = site.client.post("/gerer", data={"cle": token_of(second), "action": "withdraw", "csrf": csrf(confirm.text)})
    assert answer.status_code == 403
    answer = site.client.post("/gerer", data={"cle": token_of(first), "action": "forget-email", "csrf": csrf(confirm.text)})
    assert answer.status_code == 403  # a token is bound to its action too
    assert site.store.count() == {"pending": 2}


def test_a_second_withdrawal_changes_nothing_and_says_so(site: Site) -> None:
    link = submit(site.client)
    confirm = site.client.get(local(link) + "&confirmer=withdraw")
    spare = site.client.get(local(link) + "&confirmer=withdraw")  # a second tab
    data = {"cle": token_of(link), "action": "withdraw"}
    assert site.client.post("/gerer", data={**data, "csrf": csrf(confirm.text)}, follow_redirects=False).status_code == 303
    for token in (csrf(confirm.text), csrf(spare.text)):
        again = site.client.post("/gerer", data={**data, "csrf": token})
        assert again.status_code == 410
        assert french(again.text) == "Témoignage déjà retiré" and "plus rien à modifier ni à effacer" in again.text
    edit_form = site.client.get("/gerer/modifier", params={"cle": token_of(link)})
    assert edit_form.status_code == 410
    assert site.store.count() == {"withdrawn": 1}


def test_management_pages_are_private(site: Site) -> None:
    link = submit(site.client)
    for url in (local(link), local(link) + "&confirmer=withdraw", "/gerer/modifier?cle=" + quote(token_of(link))):
        page = site.client.get(url)
        assert page.status_code == 200
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-robots-tag"] == "noindex, nofollow" and page.headers["cache-control"] == "no-store"
        assert '<meta name="robots" content="noindex, nofollow">' in page.text
    blank = site.client.get("/participer")  # the blank form may be found by search engines
    assert "x-robots-tag" not in blank.headers and 'name="robots"' not in blank.text
    typed = site.client.post("/participer", data={"csrf": csrf(blank.text), "action": "preview", "name": "Lina"})
    assert typed.status_code == 422 and typed.headers["cache-control"] == "no-store"  # what was typed is private
    assert typed.headers["referrer-policy"] == "no-referrer" and '<meta name="robots" content="noindex, nofollow">' in typed.text


def test_nothing_that_identifies_a_volunteer_reaches_the_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    corpus, index, db, settings = make_site(tmp_path, smtp_url="smtp://127.0.0.1:1")  # nothing listens: the mail fails
    with TestClient(create_app(settings)) as client:
        link = submit(client)
        act(client, link, "withdraw")
        client.get("/gerer", params={"cle": "z" * 12 + "." + "z" * 43})
    ours = [r for r in caplog.records if r.name.startswith(("bloomr", "uvicorn", "starlette"))]
    assert any(r.getMessage() == "mail not sent: ConnectionRefusedError" for r in ours)  # logged, by its kind only
    text = "\n".join(r.getMessage() + str(r.exc_text or "") for r in ours)
    for secret in (token_of(link), token_of(link).split(".")[1], DRAFT["email"], "Lina", "Quimperlé", "testclient"):
        assert secret not in text
