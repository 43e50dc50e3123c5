"""A volunteer withdraws while a build holds the lock: hidden at once through the ledger, the purge
queued, then done when the lock is free (by the next try, ``bloomr index``, or ``bloomr accept``)."""

from __future__ import annotations

import pytest

from bloomr.cli import main
from indexer import generations as gens
from search.index import IndexHandle
from search.query import search
from test_withdraw import holders
from volunteer_kit import Site, act, local, site, submit  # noqa: F401
from volunteers.control import process_purges


def published(site: Site, monkeypatch: pytest.MonkeyPatch) -> str:
    link = submit(site.client)
    monkeypatch.setenv("BLOOMR_VOLUNTEERS_DB", str(site.db))
    assert main(["accept", "1", "--corpus", str(site.corpus), "--index", str(site.index)]) == 0
    return link


def test_withdraw_during_a_build_hides_at_once_and_purges_later(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    link = published(site, monkeypatch)
    handle = IndexHandle(site.index)
    assert search(handle.current(), "Quimperlé").total == 1
    with gens.BuildLock(site.index):  # a build is running
        act(site.client, link, "withdraw")
        assert search(handle.current(), "Quimperlé").total == 0  # hidden at once, for every reader
        assert site.client.get("/temoignages/lina-boulangere").status_code == 410
        assert [p.testimonial_id for p in site.store.purges()] == ["lina-boulangere"]
        assert holders(site.index, "Quimperl".encode())  # the bytes wait for the lock…
        assert site.store.get(1).versions == ()  # …but the submission's text is already erased
        assert process_purges(site.config) == []  # still locked: stays queued, nothing lost
        assert site.store.purges()[0].attempts == 2
    assert process_purges(site.config) == ["lina-boulangere"]
    assert holders(site.index, "Quimperl".encode()) == []
    assert not (site.corpus / "testimonials" / "lina-boulangere.md").exists()
    assert site.store.purges() == []


def test_bloomr_index_runs_the_queue(site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    link = published(site, monkeypatch)
    with gens.BuildLock(site.index):
        act(site.client, link, "withdraw")
    capsys.readouterr()
    assert main(["index", "--update", "--corpus", str(site.corpus), "--index", str(site.index)]) == 0
    assert "retraits effacés de l’index : lina-boulangere" in capsys.readouterr().out
    assert holders(site.index, "Quimperl".encode()) == [] and site.store.purges() == []


def test_the_review_lists_waiting_purges(site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    link = published(site, monkeypatch)
    with gens.BuildLock(site.index):
        act(site.client, link, "withdraw")
        capsys.readouterr()
        assert main(["review", "--corpus", str(site.corpus), "--index", str(site.index)]) == 0
        assert "attend le verrou de construction : lina-boulangere" in capsys.readouterr().out
    assert local(link)


def test_a_purge_never_touches_an_index_whose_ledger_does_not_hold_it(site: Site) -> None:
    """Every purge is queued after its ledger line: without one, this is another index; it waits."""
    (site.corpus / "testimonials" / "moussa-boulanger.md").read_text(encoding="utf-8")
    site.store.queue_purge("moussa-boulanger", now="2026-12-01T00:00:00+00:00")
    assert process_purges(site.config) == []
    assert (site.corpus / "testimonials" / "moussa-boulanger.md").exists()
    assert search(IndexHandle(site.index).current(), "Moussa").total == 1
    assert site.store.purges()[0].last_error == "absent du journal des retraits de cet index"
