"""Issue 16, in process: submit → review → accept → searchable → edit → accept → pause → resume →
withdraw → 410, and the text, the name and the email gone from every byte we keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bloomr.cli import main
from test_withdraw import holders
from volunteer_kit import DRAFT, SENTENCE, Site, act, edit, local, site, submit, token_of  # noqa: F401

NEW_SENTENCE = "Je façonne les miches de seigle dans le fournil de Quimperlé avant l’aube"


def cli(site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    monkeypatch.setenv("BLOOMR_VOLUNTEERS_DB", str(site.db))
    where = ["--corpus", str(site.corpus)] + ([] if args[0] == "check" else ["--index", str(site.index)])
    code = main([*args, *where])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def hits(site: Site, q: str) -> list[str]:
    data = site.client.get("/api/search", params={"q": q}).json()
    return [h["id"] for h in data["hits"]]


def status(site: Site, link: str) -> str:
    page = site.client.get(local(link))
    assert page.status_code == 200
    return page.text


def test_the_whole_journey(site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    link = submit(site.client)
    assert "En attente de relecture" in status(site, link)
    assert hits(site, "Quimperlé") == []  # nothing is public before moderation

    code, out = cli(site, monkeypatch, capsys, "review", "--json")
    assert code == 0
    pending = json.loads(out)["pending"]
    assert [(p["kind"], p["name"], p["rome"], p["region_code"], p["email"]) for p in pending] == [
        ("new", "Lina", "D1102", "FR-BRE", True)
    ]
    assert "lina.boulangere" not in out  # moderators see whether there is an email, never the email
    sid = str(pending[0]["id"])
    code, out = cli(site, monkeypatch, capsys, "show", sid)
    assert code == 0 and SENTENCE in out and 'name: "Lina"' in out

    code, out = cli(site, monkeypatch, capsys, "accept", sid)
    assert code == 0, out
    written = site.corpus / "testimonials" / "lina-boulangere.md"
    assert written.is_file() and "Témoignage publié : « lina-boulangere »" in out
    assert hits(site, "Quimperlé") == ["lina-boulangere"]
    assert SENTENCE in site.client.get("/temoignages/lina-boulangere").text
    page = status(site, link)
    assert "En ligne" in page and "/temoignages/lina-boulangere" in page
    code, out = cli(site, monkeypatch, capsys, "check")
    assert code == 0, out  # the corpus file passes bloomr check like any other

    edit(site.client, link, metier=DRAFT["metier"].replace(SENTENCE, NEW_SENTENCE))
    page = status(site, link)
    assert "attend la relecture" in page and "la version publiée reste en ligne" in page
    assert hits(site, "seigle") == [] and hits(site, "levain") == ["lina-boulangere"]  # the published one stays
    code, out = cli(site, monkeypatch, capsys, "review", "--json")
    assert [(p["id"], p["kind"], p["testimonial_id"]) for p in json.loads(out)["pending"]] == [(int(sid), "edit", "lina-boulangere")]
    code, out = cli(site, monkeypatch, capsys, "show", sid)
    assert "-Je façonne les miches au levain" in out and "+Je façonne les miches de seigle" in out
    code, out = cli(site, monkeypatch, capsys, "accept", sid)
    assert code == 0 and "Modification publiée" in out
    assert hits(site, "seigle") == ["lina-boulangere"] and hits(site, "levain") == []

    act(site.client, link, "pause")
    assert hits(site, "seigle") == []
    assert site.client.get("/temoignages/lina-boulangere").status_code == 404
    assert "En pause" in status(site, link)
    act(site.client, link, "resume")
    assert hits(site, "seigle") == ["lina-boulangere"]

    act(site.client, link, "withdraw")
    assert site.client.get("/temoignages/lina-boulangere").status_code == 410
    assert hits(site, "seigle") == [] and hits(site, "Lina") == []
    page = status(site, link)
    assert "Retiré le" in page and "Modifier mon témoignage" not in page
    assert_erased(site)


def assert_erased(site: Site) -> None:
    """The text, the name and the email are in no byte of the index, the corpus or the database."""
    needles = ("Quimperl".encode(), "seigle".encode(), b"lina.boulangere@example.org", "fournil".encode())
    for needle in needles:
        assert holders(site.index, needle) == [], needle
        assert [p for p in site.corpus.rglob("*") if p.is_file() and needle in p.read_bytes()] == [], needle
        assert [p for p in site.db.parent.iterdir() if p.is_file() and needle in p.read_bytes()] == [], needle
    assert not (site.corpus / "testimonials" / "lina-boulangere.md").exists()
    submission = site.store.get(1)
    assert submission is not None
    assert (submission.state, submission.versions, submission.email) == ("withdrawn", (), None)
    assert submission.testimonial_id == "lina-boulangere" and submission.withdrawn  # only id and dates kept
    assert site.store.purges() == []


def test_reject_shows_the_reason_and_an_edit_goes_back_to_moderation(
    site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    link = submit(site.client)
    code, out = cli(site, monkeypatch, capsys, "reject", "1", "--reason", "Merci de retirer le nom de la rue <b>Carnot</b>.")
    assert code == 0
    page = status(site, link)
    assert "Pas publié pour l’instant" in page and "Merci de retirer le nom de la rue &lt;b&gt;Carnot&lt;/b&gt;." in page
    code, out = cli(site, monkeypatch, capsys, "review")
    assert "Rien à relire." in out
    edit(site.client, link, parcours="CAP de boulangerie, puis cinq ans chez un artisan.")
    assert "En attente de relecture" in status(site, link)
    code, out = cli(site, monkeypatch, capsys, "accept", "2")
    assert code == 1 and "Aucun envoi n° 2" in out
    code, out = cli(site, monkeypatch, capsys, "reject", "1", "--reason", " ")
    assert code == 1 and "Une raison est nécessaire" in out


def test_a_profession_the_rome_does_not_know_needs_a_fiche(
    site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    submit(site.client, profession="Sculptrice de nuages")
    code, out = cli(site, monkeypatch, capsys, "accept", "1")
    assert code == 1
    assert "lina-sculptrice-nuages.md:3: profession « Sculptrice de nuages » introuvable dans le ROME" in out
    assert not (site.corpus / "testimonials" / "lina-sculptrice-nuages.md").exists()  # nothing written
    code, out = cli(site, monkeypatch, capsys, "accept", "1", "--fiche", "D1102")
    assert code == 0, out
    assert hits(site, "nuages") == ["lina-sculptrice-nuages"]


def test_ids_are_unique_and_never_reuse_a_withdrawn_one(
    site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = submit(site.client)
    submit(site.client, metier=DRAFT["metier"] + " Deuxième voix.")
    assert cli(site, monkeypatch, capsys, "accept", "1")[0] == 0
    assert cli(site, monkeypatch, capsys, "accept", "2")[0] == 0
    assert sorted(hits(site, "Quimperlé")) == ["lina-boulangere", "lina-boulangere-bretagne"]
    act(site.client, first, "withdraw")
    submit(site.client)
    code, out = cli(site, monkeypatch, capsys, "accept", "3")
    assert code == 0 and "lina-boulangere-bretagne-2" in out, out


def test_moussa_stays_where_he_was(site: Site) -> None:
    """A volunteer's actions never touch another testimonial."""
    link = submit(site.client)
    act(site.client, link, "withdraw")
    assert hits(site, "Moussa") == ["moussa-boulanger"]
    assert token_of(link)
