"""search/, indexer/, volunteers/ and insights/ (with the web modules written with them) pass mypy --strict (pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api", reason="mypy is in the test extra: pip install -e '.[test]'")
ROOT = Path(__file__).resolve().parent.parent


def test_search_and_indexer_are_strictly_typed() -> None:
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "search"), str(ROOT / "indexer")])
    assert status == 0, out + err
