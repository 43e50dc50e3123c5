"""The JSON API against its own OpenAPI document (issue 8), with schemathesis, in-process over ASGI.

Every check schemathesis knows (server errors, status codes, content types, response schemas,
negative data rejection…) runs on every operation of ``/api/openapi.json``, with valid and with
invalid data; 0 failures expected. Examples are bounded so that the suite stays fast.

schemathesis' lazy ``from_fixture`` loader reads ``request.node._nodeid``, which pytest 9 no
longer has; so each operation is a parametrized test driving ``operation.as_strategy()``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from web.settings import Settings
from web.app import create_app
from web.openapi import openapi_document
from search.facet_specs import FACET_NAMES as FACETS
from search.facet_specs import MAX_VALUES_PER_FACET
from search.text import clean_text
from web.params import MAX_SELECTED_VALUES, MAX_SELECTION_CHARS, MAX_VALUE_CHARS

METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}
DOCUMENT = openapi_document()
OPERATIONS = [
    (path, method.upper())
    for path, item in sorted(DOCUMENT["paths"].items())
    for method in item
    if method in METHODS
]
# Invalid data only exists for operations with constrained query parameters (a bare string path
# parameter or no parameter at all leaves schemathesis nothing to break: Unsatisfiable).
NEGATIVE = [
    (path, method)
    for path, method in OPERATIONS
    if any(p.get("in") == "query" for p in DOCUMENT["paths"][path][method.lower()].get("parameters", []))
]
CASES = [(p, m, GenerationMode.POSITIVE) for p, m in OPERATIONS] + [(p, m, GenerationMode.NEGATIVE) for p, m in NEGATIVE]


def documented_leniency(case: schemathesis.Case) -> bool:
    """Requests the app accepts on purpose but the document calls invalid (reported to web/openapi.py):

    - an empty ``sort=`` means the default sort, yet the document's enum has no empty value;
    - empty facet values (``theme=``, or values that clean to nothing) and duplicates are dropped
      before ``maxItems`` (20) is counted, yet the document counts raw repetitions;
    - a facet value's length (64) is counted after control and unassigned characters are removed,
      yet the document's ``maxLength`` counts the value as sent (``q`` is counted as sent).
    """
    query = case.query or {}
    sort = query.get("sort")
    if isinstance(sort, str) and not sort.strip():
        return True
    for facet in FACETS:
        raw = query.get(facet)
        values = raw if isinstance(raw, list) else [raw] if raw is not None else []
        texts = [v for v in values if isinstance(v, str)]
        if any(not clean_text(v) for v in texts):
            return True
        if any(len(v) > MAX_VALUE_CHARS >= len(clean_text(v)) for v in texts):
            return True
        if len(texts) > MAX_VALUES_PER_FACET and len({clean_text(v) for v in texts}) <= MAX_VALUES_PER_FACET:
            return True
    return False


def beyond_the_documented_totals(case: schemathesis.Case) -> bool:
    """Requests the document allows parameter by parameter but the app refuses on purpose, as each
    facet's description says: more than 20 selected values in total, or a selection longer than
    512 characters once in the address (OpenAPI 3.0 cannot bound several parameters together).
    """
    pairs: list[tuple[str, str]] = []
    for facet in FACETS:
        raw = (case.query or {}).get(facet)
        values = raw if isinstance(raw, list) else [raw] if raw is not None else []
        cleaned = dict.fromkeys(clean_text(v) for v in values if isinstance(v, str))
        pairs += [(facet, v) for v in cleaned if v]
    return len(pairs) > MAX_SELECTED_VALUES or len(urlencode(pairs)) > MAX_SELECTION_CHARS


@pytest.fixture(scope="module")
def api_schema(index_dir: Path) -> schemathesis.BaseSchema:
    app = create_app(Settings(index=index_dir))
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def test_document_lists_operations() -> None:
    assert ("/api/search", "GET") in OPERATIONS


@pytest.mark.parametrize("path,method,mode", CASES, ids=[f"{m} {p} {g.value}" for p, m, g in CASES])
def test_api_conforms_to_its_openapi_document(
    api_schema: schemathesis.BaseSchema, path: str, method: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.NEGATIVE:
        strategy = strategy.filter(lambda case: not documented_leniency(case))
    else:
        strategy = strategy.filter(lambda case: not beyond_the_documented_totals(case))

    @given(case=strategy)
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate()

    run()
