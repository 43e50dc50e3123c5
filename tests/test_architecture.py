"""The shape of the house, checked from the code's own imports: layers, no circle, one Whoosh boundary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("search", "indexer", "volunteers", "insights", "web", "bloomr", "bench")
LAYER = {"search": 0, "indexer": 1, "volunteers": 2, "insights": 3, "web": 4, "bloomr": 5, "bench": 6}
"""A package imports only packages of a lower layer (or itself)."""
WHOOSH_ALLOWED = {"search/store.py", "search/analysis.py", "search/schema.py", "search/whoosh_fixes.py", "indexer/build.py"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (top level, functions, TYPE_CHECKING)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {other for other in imported(path) if other in known and other != name} for name, path in known.items()}


def test_whoosh_is_imported_only_behind_its_boundary() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules().values()
        if any(name == "whoosh" or name.startswith("whoosh.") for name in imported(path))
        and str(path.relative_to(ROOT)) not in WHOOSH_ALLOWED
    ]
    assert offenders == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_arrow_runs_up_between_packages(package: str) -> None:
    up = sorted(
        f"{name} -> {other}"
        for name, others in graph().items()
        if name.split(".")[0] == package
        for other in others
        if LAYER[other.split(".")[0]] > LAYER[package]
    )
    assert up == []


def test_insights_imports_search_only() -> None:
    """Demand insights sit between search and web, and know nothing of the indexer nor the volunteers."""
    others = sorted(
        f"{name} -> {other}"
        for name, imports in graph().items()
        if name.split(".")[0] == "insights"
        for other in imports
        if other.split(".")[0] not in ("insights", "search")
    )
    assert others == []


def test_no_import_circle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    path: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for other in sorted(edges[node]):
            if state.get(other) == 1:
                circles.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert circles == []
