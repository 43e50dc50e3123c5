"""The reader follows the ``current`` pointer and applies the withdrawal ledger at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from search.errors import Gone, IndexMissing
from search.documents import get_testimonial
from search.index import IndexHandle
from search.layout import LEDGER
from search.query import search
from search.suggest import suggest


@pytest.fixture()
def index_copy(index_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(index_dir, target, symlinks=True)
    return target


def test_a_ledger_entry_hides_a_testimonial_before_any_purge(index_copy: Path) -> None:
    handle = IndexHandle(index_copy)
    before = handle.current()
    count = before.count
    assert "jerome-infirmier" in [h.id for h in search(before, "infirmier").hits]
    # « INFIRMIER » (his title) and « Infirmière » are one suggestion since issue 15: it counts him
    assert [(s.text, s.count) for s in suggest(before, "infir") if s.kind == "profession"] == [("Infirmière", 2)]
    with open(index_copy / LEDGER, "a", encoding="utf-8") as ledger:
        ledger.write(json.dumps({"id": "jerome-infirmier", "time": "2026-11-27T00:00:00+00:00"}) + "\n")
    after = handle.current()
    assert after.count == count - 1
    results = search(after, "infirmier")
    assert "jerome-infirmier" not in [h.id for h in results.hits]
    assert sum(v.count for v in results.facets["region"].values) == results.total
    assert [(s.text, s.count) for s in suggest(after, "infir") if s.kind == "profession"] == [("Infirmière", 1)]
    with pytest.raises(Gone):
        get_testimonial(after, "jerome-infirmier")


def test_a_missing_pointer_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing) as missing:
        IndexHandle(tmp_path / "nothing").current()
    assert "bloomr index" in missing.value.remedy


def test_a_pause_hides_at_once_and_a_resume_shows_again(index_copy: Path) -> None:
    from search import pauses
    from search.errors import NotFound

    handle = IndexHandle(index_copy)
    count = handle.current().count
    assert pauses.set_paused(index_copy, "jerome-infirmier", True)
    assert not pauses.set_paused(index_copy, "jerome-infirmier", True)  # already paused: nothing changes
    paused = handle.current()
    assert paused.count == count - 1 and "jerome-infirmier" not in {h.id for h in search(paused, "infirmier").hits}
    assert all(s.text != "INFIRMIER" for s in suggest(paused, "infir"))
    with pytest.raises(NotFound) as caught:
        get_testimonial(paused, "jerome-infirmier")
    assert "pause" in caught.value.message and not isinstance(caught.value, Gone)
    assert pauses.set_paused(index_copy, "jerome-infirmier", False)
    back = handle.current()
    assert back.count == count and "jerome-infirmier" in {h.id for h in search(back, "infirmier").hits}
    assert get_testimonial(back, "jerome-infirmier").name
