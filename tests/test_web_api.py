"""The JSON API, /healthz and the OpenAPI document, in process on the good corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from web.settings import Settings
from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.taxonomy import load_taxonomy
from web.app import create_app

GOOD = Path(__file__).resolve().parent / "data" / "good"


@pytest.fixture(scope="module")
def client(index_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index=index_dir))) as test_client:
        yield test_client


def test_search_json_is_the_cli_json(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "infirmière", "sector": "J"}).json()
    assert body["query"] == "infirmière"
    assert body["total"] == 2
    assert body["filters"] == {"sector": ["J"]}
    assert {hit["id"] for hit in body["hits"]} == {"benedicte-infirmiere", "jerome-infirmier"}
    sectors = {v["value"]: (v["count"], v["selected"]) for v in body["facets"]["sector"]}
    assert sectors["J"] == (2, True)
    assert set(body) >= {"page", "page_size", "sort", "suggestion", "relaxed", "without_filter"}


def test_search_json_accents_are_not_escaped(client: TestClient) -> None:
    response = client.get("/api/search?q=infirmiere")
    assert response.headers["content-type"] == "application/json"
    assert "Infirmière" in response.text


def test_testimonial_json(client: TestClient) -> None:
    body = client.get("/api/testimonials/benedicte-infirmiere").json()
    assert body["id"] == "benedicte-infirmiere"
    assert body["region"] == "FR-BRE"
    assert body["url"] == "/temoignages/benedicte-infirmiere"
    assert set(body["sections"]) >= {"metier", "conseils"}
    assert "benedicte-infirmiere" not in {hit["id"] for hit in body["related"]}


@pytest.mark.parametrize(("url", "status", "kind"), [
    ("/api/testimonials/xavier-developpeur-retire", 410, "Gone"),
    ("/api/testimonials/personne", 404, "NotFound"),
    ("/api/search?page=0", 400, "BadParameter"),
    ("/api/search?q=" + "x" * 201, 400, "BadQuery"),
    ("/api/nulle-part", 404, "HTTPException"),
])
def test_json_errors(client: TestClient, url: str, status: int, kind: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status
    assert error["type"] == kind
    assert error["message"] and error["remedy"]


def test_suggest(client: TestClient) -> None:
    body = client.get("/api/suggest?q=infi").json()
    assert body["query"] == "infi"
    texts = [s["text"] for s in body["suggestions"]]
    assert "Infirmière" in texts
    first = body["suggestions"][0]
    assert first["kind"] == "profession" and first["kind_label"] == "métier"
    assert first["url"] == f"/metiers/{first['code']}"  # a métier opens its page
    assert first["hint"].startswith("métier · ")
    assert client.get("/api/suggest?q=i").json()["suggestions"] == []
    assert client.get("/api/suggest").json()["suggestions"] == []


def test_suggest_never_offers_withdrawn_words(client: TestClient) -> None:
    texts = [s["text"].lower() for s in client.get("/api/suggest?q=xav").json()["suggestions"]]
    assert not any("xavier" in text for text in texts)


def test_facets(client: TestClient) -> None:
    body = client.get("/api/facets").json()
    assert body["count"] == 8
    assert set(body["facets"]) == {"sector", "profession", "country", "region", "theme"}
    sectors = {v["value"]: v["count"] for v in body["facets"]["sector"]["values"]}
    assert len(sectors) == 14
    assert sectors["J"] == 3 and sectors["N"] == 0
    regions = {v["value"]: v["parent"] for v in body["facets"]["region"]["values"]}
    assert regions["FR-BRE"] == "FR"


def test_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["count"] == 8
    assert body["generation"].startswith("gen-")


def test_openapi_document_lists_every_api_route(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/search", "/api/testimonials/{testimonial_id}", "/api/suggest", "/api/facets", "/healthz",
                                 "/api/metiers", "/api/metiers/{rome}"}
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert params["q"]["maxLength"] == 200
    assert params["page"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    # every $ref resolves
    schemas = doc["components"]["schemas"]
    refs = [part for part in client.get("/api/openapi.json").text.split('"$ref":"')[1:]]
    for ref in refs:
        assert ref.split('"')[0].rsplit("/", 1)[1] in schemas


def test_missing_index_is_a_french_503(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(index=tmp_path / "absent"))) as client:
        page = client.get("/")
        assert page.status_code == 503
        assert "L’index de recherche n’est pas encore construit." in page.text
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["error"]["type"] == "IndexMissing"
        assert client.get("/a-propos").status_code == 200  # pages without the index still work


def test_new_generation_is_served_without_restart(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(GOOD / "taxonomy")
    report = load_corpus(GOOD, taxonomy_dir=GOOD / "taxonomy")
    some = [t for t in report.testimonials if t.id != "moussa-boulanger"]
    index = tmp_path / "index"
    build_index(some, index, labels=taxonomy.labels(used=some))
    with TestClient(create_app(Settings(index=index))) as client:
        first = client.get("/healthz").json()
        assert first["count"] == 7
        assert client.get("/api/search?q=boulanger").json()["total"] == 0
        build_index(report.testimonials, index, labels=taxonomy.labels(used=report.testimonials))
        second = client.get("/healthz").json()
        assert second["count"] == 8
        assert second["generation"] != first["generation"]
        assert client.get("/api/search?q=boulanger").json()["total"] == 1
