"""Hostile parameters and the server's hardening (issue 8): never a 5xx, never a traceback, French 400s, security headers everywhere."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import quote
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from web.settings import Settings
from web.app import create_app
from web.security import CSP

TRACEBACK_MARKERS = ("Traceback", 'File "', "Error:", "starlette", "whoosh", ".py")


@pytest.fixture(scope="module")
def app(index_dir: Path):  # type: ignore[no-untyped-def]
    application = create_app(Settings(index=index_dir))

    def boom(request: Request) -> None:
        raise RuntimeError("secret internal detail /srv/bloomr/web/views.py")

    application.router.routes.append(Route("/test-boom", boom))  # a route that fails like a bug would
    return application


@pytest.fixture(scope="module")
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class Raw:
    """A response from ``raw_get``: status, headers and text, like the test client's."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.text = body.decode("utf-8", "replace")


def raw_get(app, path: str, query: bytes) -> Raw:  # type: ignore[no-untyped-def]
    """Call the ASGI app directly: HTTP clients refuse the huge URLs that a raw socket can send."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
        "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }
    sent: list[dict] = []  # type: ignore[type-arg]

    async def receive() -> dict:  # type: ignore[type-arg]
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:  # type: ignore[type-arg]
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Raw(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body)


def assert_clean(response, *statuses: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.status_code < 500
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text, marker


HOSTILE_QUERIES = [
    "",
    "   ",
    "(" * 5000,
    '"infirm',
    "lyon~1/5",
    "*",
    "*a*",
    "?x",
    "f*",
    "abcdefg~3",
    "nosuchfield:x",
    "x" * 100_000,
    "\x00",
    "e\u0301",
    "\u202egnirts",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "{% raw %}",
    " OR ".join(["son"] * 1000),
    "\ufffd",
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
@pytest.mark.parametrize("base", ["/recherche", "/api/search"])
def test_hostile_queries(app, client: TestClient, base: str, q: str) -> None:  # type: ignore[no-untyped-def]
    response = raw_get(app, base, b"q=" + quote(q).encode("ascii"))
    assert_clean(response, 200, 400)
    if response.status_code == 400:
        assert len(q) > 200 or len(q.split()) > 16
        if base == "/recherche":
            assert "trop" in response.text  # « trop longue » / « trop de mots »


@pytest.mark.parametrize("raw", ["%00", "%FF", "%ED%A0%80", "%C3", "%E2%80%AE%3Cb%3E"])
def test_undecodable_bytes(client: TestClient, raw: str) -> None:
    assert_clean(client.get(f"/recherche?q={raw}"), 200)
    assert_clean(client.get(f"/api/suggest?q=ab{raw}"), 200)


def test_script_is_echoed_escaped(client: TestClient) -> None:
    html = client.get("/recherche", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("q", ["{{7*7}}", "{% raw %}"])
def test_template_syntax_is_literal(client: TestClient, q: str) -> None:
    html = client.get("/recherche", params={"q": q}).text
    assert f'value="{q}"' in html  # echoed as typed in the search box, never evaluated


def test_combining_accent_matches_precomposed(client: TestClient) -> None:
    composed = client.get("/api/search", params={"q": "infirmière"}).json()
    decomposed = client.get("/api/search", params={"q": "infirmie\u0300re"}).json()
    assert [h["id"] for h in decomposed["hits"]] == [h["id"] for h in composed["hits"]]
    assert composed["total"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "page=0", "page=-1", "page=abc", "page=1e3", "page=10**9",
        "page_size=0", "page_size=1000000000", "sort=nope",
        "&".join(["region=FR-BRE"] * 1000),  # a facet repeated 1,000 times (same value: kept once, but too many params)
        "&".join(f"p{i}=1" for i in range(1000)),
        "&".join(f"region=R{i}" for i in range(60)),
    ],
    ids=["page0", "page-1", "pageabc", "page1e3", "page10e9", "size0", "size10e9", "sort", "repeat1000", "params1000", "values60"],
)
def test_bad_parameters_are_french_400s(client: TestClient, query: str) -> None:
    page = client.get(f"/recherche?{query}")
    assert_clean(page, 400)
    assert "<html lang=\"fr\">" in page.text
    api = client.get(f"/api/search?{query}")
    assert_clean(api, 400)
    assert api.json()["error"]["message"]


def test_unknown_facet_value_is_an_empty_200(client: TestClient) -> None:
    body = client.get("/api/search?region=XX-NOPE").json()
    assert body["total"] == 0
    assert_clean(client.get("/recherche?region=XX-NOPE&theme=%3Cb%3E"), 200)


def test_unknown_parameter_names_are_ignored(client: TestClient) -> None:
    plain = client.get("/api/search?q=son").json()
    tracked = client.get("/api/search?q=son&utm_source=x&foo=%00").json()
    assert plain["total"] == tracked["total"]


def test_one_megabyte_url(app) -> None:  # type: ignore[no-untyped-def]
    assert_clean(raw_get(app, "/recherche", b"q=" + b"a" * 1_000_000), 400)
    assert_clean(raw_get(app, "/api/search", b"x=" + b"a" * 1_000_000), 400)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("url", ["/", "/recherche", "/api/search", "/temoignages/benedicte-infirmiere"])
def test_non_get_methods(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url)
    assert_clean(response, 405)
    assert "GET" in response.headers["allow"]


def test_large_body_refused(client: TestClient) -> None:
    response = client.request("POST", "/recherche", content=b"x" * 100_000)
    assert_clean(response, 413)


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/static/%252e%252e/etc/passwd",
        "/static/....//....//etc/passwd",
        "/static//etc/passwd",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_static_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "root:" not in response.text
    assert "create_app" not in response.text


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in ("/", "/recherche?page=abc", "/api/search", "/static/bloomr.css", "/nulle-part", "/test-boom"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CSP, url
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert "frame-ancestors 'none'" in CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"


def test_a_bug_gives_the_generic_french_500(client: TestClient) -> None:
    response = client.get("/test-boom")
    assert response.status_code == 500
    assert "Une erreur inattendue nous empêche d’afficher cette page." in response.text
    for marker in ("secret internal detail", "RuntimeError", "Traceback", "views.py"):
        assert marker not in response.text


def test_untrusted_host_refused(index_dir: Path) -> None:
    app = create_app(Settings(index=index_dir, allowed_hosts=("bloomr.example",)))
    with TestClient(app, base_url="http://evil.example") as client:
        assert client.get("/").status_code == 400
    with TestClient(app, base_url="http://bloomr.example") as client:
        assert client.get("/a-propos").status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=250), page=st.text(max_size=6), sector=st.text(max_size=8))
def test_any_text_gives_results_or_a_clear_error(client: TestClient, q: str, page: str, sector: str) -> None:
    response = client.get("/api/search", params={"q": q, "page": page, "sector": sector})
    assert response.status_code in (200, 400)
    body = response.json()
    if response.status_code == 400:
        assert body["error"]["message"] and body["error"]["remedy"]
    else:
        for hit in body["hits"]:
            bare = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
            assert "<" not in bare and ">" not in bare


def test_debug_setting_shows_the_traceback_to_developers_only(index_dir: Path) -> None:
    def boom(request: Request) -> None:
        raise RuntimeError("detail for developers")

    for debug, shown in ((True, True), (False, False)):
        app = create_app(Settings(index=index_dir, debug=debug))
        app.router.routes.append(Route("/test-boom", boom))
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/test-boom", headers={"accept": "text/html"})
        assert response.status_code == 500
        assert ("detail for developers" in response.text) is shown
