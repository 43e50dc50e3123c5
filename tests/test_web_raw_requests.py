"""Hostile requests as raw bytes (issue 8): never a 5xx, never a traceback, French messages.

Most requests go through the real ASGI app in-process, as raw bytes (``raw_get``), so that a
lone surrogate, an invalid ``%FF`` or a 1 MB query string reach the app exactly as a browser or
a robot would send them. The 1 MB URL and path traversal are also sent to a real uvicorn on
127.0.0.1 over a plain socket: there, the HTTP parser is part of what is tested.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from web.settings import Settings
from web.app import create_app
from uvicorn_process import free_port

PAGES = ("/recherche", "/api/search")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|\.py\", line \d+")
FRENCH = re.compile(r"[éèàùâêîôûç’]|\b(la|le|les|de|du|des|est|une?|au|aux|pas)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def client(index_dir: Path) -> Iterator[TestClient]:
    app = create_app(Settings(index=index_dir))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


async def _asgi(app: Any, method: str, raw_path: bytes, query: bytes, body: bytes) -> Reply:
    path = urllib.parse.unquote(raw_path.decode("latin-1"), errors="surrogateescape")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent = False
    out: dict[str, Any] = {"status": 0, "headers": {}, "body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return Reply(out["status"], out["headers"], out["body"])


def raw_get(client: TestClient, path: str, query: bytes = b"", *, method: str = "GET", body: bytes = b"") -> Reply:
    """Send exactly these bytes to the app (lifespan already run by the client)."""
    assert client.portal is not None
    return client.portal.call(_asgi, client.app, method, path.encode("latin-1"), query, body)


def assert_sane(reply: Reply) -> None:
    """Never a 5xx, never a traceback; a French message with a remedy on a 4xx."""
    assert 200 <= reply.status < 500, (reply.status, reply.text[:300])
    assert not TRACEBACK.search(reply.text), reply.text[:500]
    assert "content-security-policy" in reply.headers, reply.headers  # error pages too
    assert reply.headers.get("x-content-type-options") == "nosniff"
    if reply.status >= 400:
        if reply.headers.get("content-type", "").startswith("application/json"):
            error = reply.json()["error"]
            assert error["status"] == reply.status
            assert FRENCH.search(error["message"]), error
            assert error["remedy"], error
        else:
            assert 'lang="fr"' in reply.text
            assert FRENCH.search(reply.text)


def q(text: str) -> bytes:
    return b"q=" + urllib.parse.quote(text, safe="").encode("ascii")


OR_1000 = " OR ".join(f"mot{i}" for i in range(1000))
HOSTILE_QUERIES: list[tuple[str, bytes]] = [
    ("empty", b"q="),
    ("spaces", q("     ")),
    ("parens x5000", q("(" * 5000)),
    ("unclosed quote", q('"infirm')),
    ("whoosh IndexError", q("lyon~1/5")),
    ("star", q("*")),
    ("star a star", q("*a*")),
    ("question x", q("?x")),
    ("f star", q("f*")),
    ("fuzzy 3", q("abcdefg~3")),
    ("unknown field", q("nosuchfield:x")),
    ("100 KB", q("infirmier " * 10_240)),
    ("NUL", b"q=%00"),
    ("NUL inside", b"q=infir%00mier"),
    ("lone surrogate (CESU)", b"q=%ED%A0%80"),
    ("invalid byte", b"q=%FF"),
    ("invalid bytes unencoded", b"q=\xff\xfe"),
    ("combining accent", q("e\u0301")),
    ("rtl override", q("\u202einfirmier")),
    ("script", q("<script>alert(1)</script>")),
    ("jinja expression", q("{{7*7}}")),
    ("jinja raw", q("{% raw %}")),
    ("1000 OR", q(OR_1000)),
    ("bad percent", b"q=%"),
    ("bad percent 2", b"q=%zz%4"),
    ("many ampersands", b"&&&&&&q=&&&=&=="),
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("label,query", HOSTILE_QUERIES, ids=[label for label, _ in HOSTILE_QUERIES])
def test_hostile_query_never_breaks(client: TestClient, path: str, label: str, query: bytes) -> None:
    reply = raw_get(client, path, query)
    assert_sane(reply)


@pytest.mark.parametrize("label,query", [(l, b) for l, b in HOSTILE_QUERIES if l in ("100 KB", "1000 OR")])
def test_oversized_queries_are_refused_in_french(client: TestClient, label: str, query: bytes) -> None:
    html_reply = raw_get(client, "/recherche", query)
    api_reply = raw_get(client, "/api/search", query)
    assert html_reply.status == api_reply.status == 400
    assert api_reply.json()["error"]["type"] in ("BadQuery", "BadParameter")
    assert "Recherche impossible" in html_reply.text


def test_combining_accent_matches_precomposed(client: TestClient) -> None:
    composed = client.get("/api/search", params={"q": "infirmière"}).json()
    decomposed = raw_get(client, "/api/search", q("infirmie\u0300re")).json()
    assert composed["total"] > 0
    assert [h["id"] for h in decomposed["hits"]] == [h["id"] for h in composed["hits"]]
    single = raw_get(client, "/api/search", q("e\u0301")).json()
    assert single["query"] in ("", "é")


def test_rtl_override_is_not_echoed(client: TestClient) -> None:
    reply = raw_get(client, "/recherche", q("\u202einfirmier"))
    assert reply.status == 200
    assert "\u202e" not in reply.text
    assert raw_get(client, "/api/search", q("\u202einfirmier")).json()["total"] == (
        client.get("/api/search", params={"q": "infirmier"}).json()["total"]
    )


def test_nul_and_surrogates_are_not_echoed(client: TestClient) -> None:
    for query in (b"q=%00abc", b"q=%ED%A0%80abc", b"q=%FFabc"):
        reply = raw_get(client, "/recherche", query)
        assert reply.status == 200
        assert "\x00" not in reply.text
        reply.body.decode("utf-8")  # strict: the page itself is valid UTF-8


def test_script_is_echoed_escaped(client: TestClient) -> None:
    reply = raw_get(client, "/recherche", q("<script>alert(1)</script>"))
    assert reply.status == 200
    assert "<script>alert(1)" not in reply.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reply.text
    api = raw_get(client, "/api/search", q("<script>alert(1)</script>"))
    assert api.headers["content-type"].startswith("application/json")


def _text_nodes_with_49(html: str) -> list[str]:
    return [node for node in re.findall(r">([^<]*)<", html) if re.search(r"\b49\b", node)]


@pytest.mark.parametrize("text", ["{{7*7}}", "{% raw %}", "{{ config }}", "${7*7}"])
def test_template_syntax_stays_literal(client: TestClient, text: str) -> None:
    reply = raw_get(client, "/recherche", q(text))
    assert reply.status == 200
    assert f'value="{text}"' in reply.text
    assert not _text_nodes_with_49(reply.text)


def test_unknown_facet_value_is_200_and_empty(client: TestClient) -> None:
    for facet in ("sector", "profession", "country", "region", "theme"):
        api = client.get("/api/search", params={facet: "ZZZ-nope"})
        assert api.status_code == 200, facet
        assert api.json()["total"] == 0
        assert api.json()["hits"] == []
        page = client.get("/recherche", params={facet: "ZZZ-nope"})
        assert page.status_code == 200


@pytest.mark.parametrize("path", ["/", "/recherche", "/api/search", "/a-propos", "/api/suggest", "/api/facets", "/healthz"])
def test_unknown_parameter_names_are_ignored_everywhere(client: TestClient, path: str) -> None:
    """web/params.py ignores unknown names on every page (trackers, old links): 200 and same data."""
    plain = client.get(path, params={"q": "infirmier"})
    tracked = client.get(path, params={"q": "infirmier", "utm_source": "x", "fbclid": "y", "Q": "z", "q[]": "w"})
    assert plain.status_code == tracked.status_code == 200
    if path.startswith("/api/search"):
        assert tracked.json()["total"] == plain.json()["total"]
        assert [h["id"] for h in tracked.json()["hits"]] == [h["id"] for h in plain.json()["hits"]]


def test_facet_repeated_1000_times_is_refused_in_french(client: TestClient) -> None:
    query = "&".join(["sector=SANTE"] * 1000).encode()
    for path in PAGES:
        reply = raw_get(client, path, query)
        assert reply.status == 400
        assert_sane(reply)


def test_1000_parameters_are_refused_in_french(client: TestClient) -> None:
    query = "&".join(f"p{i}=1" for i in range(1000)).encode()
    for path in PAGES:
        reply = raw_get(client, path, query)
        assert reply.status == 400
        assert_sane(reply)


def test_120_facet_values_are_refused_in_french_not_rendered(client: TestClient) -> None:
    """120 values in a 7.8 KB URL rendered a 2 MB page (issue 13): every toggle URL repeats them."""
    values = [(facet, f"{facet}-valeur-inconnue-du-corpus-de-test-n{i:06d}") for facet in ("profession", "region", "theme") for i in range(40)]
    query = urllib.parse.urlencode(values).encode()
    assert 6_000 < len(query) < 8_192  # under the bound of the whole address
    for path in PAGES:
        reply = raw_get(client, path, query)
        assert reply.status == 400, len(reply.body)
        assert_sane(reply)
        assert "au plus" in reply.text and len(reply.body) < 64 * 1024


@pytest.mark.parametrize("name", ["page", "page_size"])
@pytest.mark.parametrize("value", ["0", "-1", "abc", "1e3", "10**9", str(10**9), "1.5", "0x10", "١"])
def test_bad_page_numbers_are_400_in_french(client: TestClient, name: str, value: str) -> None:
    for path in PAGES:
        reply = raw_get(client, path, f"{name}={urllib.parse.quote(value)}".encode())
        assert reply.status == 400, (path, name, value)
        assert_sane(reply)
        if path.startswith("/api"):
            assert name in reply.json()["error"]["message"]


@pytest.mark.parametrize("name", ["page", "page_size"])
def test_empty_page_numbers_never_break(client: TestClient, name: str) -> None:
    for path in PAGES:
        for value in (b"", b"%20"):
            assert_sane(raw_get(client, path, name.encode() + b"=" + value))


def test_page_past_the_end_is_200_and_empty(client: TestClient) -> None:
    total = client.get("/api/search").json()["total"]
    reply = client.get("/api/search", params={"page": "999"})
    assert reply.status_code == 200
    assert reply.json()["hits"] == [] and reply.json()["total"] == total
    assert client.get("/recherche", params={"page": "999"}).status_code == 200


def test_oversized_query_string_in_process(client: TestClient) -> None:
    query = b"q=" + b"a" * (1024 * 1024)
    for path in PAGES + ("/", "/api/suggest"):
        reply = raw_get(client, path, query)
        assert_sane(reply)
    assert raw_get(client, "/api/search", query).status == 400


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/recherche", "/a-propos", "/api/search", "/api/facets"])
def test_non_get_is_405(client: TestClient, method: str, path: str) -> None:
    reply = raw_get(client, path, b"q=x", method=method, body=b"a=b")
    assert reply.status == 405, (method, path, reply.status)
    assert_sane(reply)


def test_oversized_body_is_413_not_5xx(client: TestClient) -> None:
    reply = raw_get(client, "/recherche", method="POST", body=b"x" * (1024 * 1024))
    assert reply.status in (405, 413)
    assert_sane(reply)


TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/../../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e%252fetc%252fpasswd",
    "/static/..%5c..%5cetc%5cpasswd",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/....//....//etc/passwd",
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/%00",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_path_traversal_in_process(client: TestClient, path: str) -> None:
    reply = raw_get(client, path)
    assert reply.status in (400, 404), (path, reply.status)
    assert "root:" not in reply.text
    assert "create_app" not in reply.text
    assert_sane(reply)


# --- a real uvicorn on 127.0.0.1: the HTTP parser is part of the test -------------------------


def _raw_http(port: int, request: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes, read until the server closes or answers; b"" if it closed without a word."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse before reading everything; its answer is what counts
        chunks = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except ConnectionResetError:
            pass
        return b"".join(chunks)


def _status(response: bytes) -> int:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", response)
    assert match, response[:200]
    return int(match.group(1))


@pytest.fixture(scope="module")
def server(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    log = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bloomr.cli", "serve", "--index", str(index_dir), "--host", "127.0.0.1",
             "--port", str(port), "--workers", "1"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(port, proc, log)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_for(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"bloomr serve exited: {log.read_text(errors='replace')}")
        try:
            reply = _raw_http(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout=2)
            if reply.startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        time.sleep(0.05)  # polling a condition with a deadline, not waiting for time to pass
    pytest.fail(f"bloomr serve did not answer /healthz: {log.read_text(errors='replace')}")


@pytest.mark.slow
def test_1mb_url_on_real_server(server: int) -> None:
    request = b"GET /recherche?q=" + b"a" * (1024 * 1024) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    response = _raw_http(server, request)
    if response:  # closing the connection on an oversized head is also a refusal
        assert 400 <= _status(response) < 500, response[:300]
        assert b"Traceback" not in response
    healthy = _raw_http(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert _status(healthy) == 200


@pytest.mark.slow
@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_path_traversal_on_real_server(server: int, path: str) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    response = _raw_http(server, request)
    assert _status(response) in (400, 404), response[:300]
    assert b"root:" not in response
    assert b"create_app" not in response


@pytest.mark.slow
def test_hostile_bytes_on_real_server(server: int) -> None:
    for target in (b"/recherche?q=%ED%A0%80", b"/recherche?q=\xff\xfe", b"/recherche?q=%00", b"/api/search?q=lyon~1/5"):
        response = _raw_http(server, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert _status(response) < 500, (target, response[:300])
        assert b"Traceback" not in response


@pytest.mark.slow
def test_post_on_page_is_405_on_real_server(server: int) -> None:
    response = _raw_http(
        server, b"POST /recherche HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b"
    )
    assert _status(response) == 405
    assert "Méthode".encode() in response


def test_sanity_helpers_catch_5xx() -> None:
    """The checker itself fails on what it must catch (every test can fail)."""
    with pytest.raises(AssertionError):
        assert_sane(Reply(500, {}, b"oops"))
    with pytest.raises(AssertionError):
        assert_sane(Reply(404, {"content-type": "text/html"}, '<html lang="fr">Page introuvable</html>'.encode()))
    with pytest.raises(AssertionError):
        assert_sane(Reply(200, {}, b'Traceback (most recent call last):\n  File "/x.py", line 1'))
    with pytest.raises(AssertionError):
        assert_sane(Reply(400, {"content-type": "application/json"},
                          json.dumps({"error": {"status": 400, "message": "Bad query", "remedy": ""}}).encode()))
